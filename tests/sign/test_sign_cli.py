"""`gpctl sign` and `gpctl verify`: exact output and exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

MakeDist = Callable[..., Path]
Run = Callable[..., Any]
TOKEN = "glc_cli-secret-token"
SERVER_MANIFEST = b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n{}\n-----BEGIN PGP SIGNATURE-----\n"
NOTE = (
    "note: stock Grafana trusts only grafana.com's key, so it reports this plugin's signature as invalid; "
    "check it with `gpctl verify --key`.\n"
)


@pytest.fixture
def api(sign_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("GRAFANA_COM_URL", sign_server.url)
    monkeypatch.setenv("GRAFANA_ACCESS_POLICY_TOKEN", TOKEN)
    monkeypatch.delenv("GRAFANA_API_KEY", raising=False)
    sign_server.body = SERVER_MANIFEST
    return sign_server


def _when(dist: Path) -> str:
    text = (dist / "MANIFEST.txt").read_text()
    ms = json.loads(text.split("\n\n", 1)[1].split("-----BEGIN PGP SIGNATURE-----")[0])["time"]
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def test_sign_with_local_key(run_cli: Run, make_dist: MakeDist, test_key: Any) -> None:
    dist = make_dist()
    result = run_cli("sign", str(dist), "--key", str(test_key.secret))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        f"Signed 4 files in `{dist}` locally with `{test_key.secret}`; wrote `{dist / 'MANIFEST.txt'}`.\n"
        + NOTE
    )


def test_sign_defaults_to_dist(
    run_cli: Run, make_dist: MakeDist, test_key: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_dist()
    monkeypatch.chdir(tmp_path)
    result = run_cli("sign", "--key", str(test_key.secret))
    assert result.exit_code == 0
    assert result.stdout.startswith("Signed 4 files in `dist` locally")
    assert (tmp_path / "dist" / "MANIFEST.txt").is_file()


def test_sign_through_the_api(run_cli: Run, make_dist: MakeDist, api: Any) -> None:
    dist = make_dist()
    result = run_cli("sign", str(dist), "--root-urls", "https://a.example.com/,https://b.example.com/", "--root-url", "http://localhost:3000/", "--signature-type", "private")  # fmt: skip
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"Signed 4 files in `{dist}` by grafana.com; wrote `{dist / 'MANIFEST.txt'}`.\n"
    body = json.loads(api.requests[0].body)
    assert body["rootUrls"] == ["https://a.example.com/", "https://b.example.com/", "http://localhost:3000/"]
    assert body["signatureType"] == "private"
    assert (dist / "MANIFEST.txt").read_bytes() == SERVER_MANIFEST
    assert TOKEN not in result.stdout + result.stderr


def test_sign_with_deprecated_api_key(
    run_cli: Run, make_dist: MakeDist, api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GRAFANA_ACCESS_POLICY_TOKEN")
    monkeypatch.setenv("GRAFANA_API_KEY", "legacy-key")
    result = run_cli("sign", str(make_dist()))
    assert result.exit_code == 0
    assert result.stderr == (
        "warning: GRAFANA_API_KEY is deprecated; create an access policy token and set "
        "GRAFANA_ACCESS_POLICY_TOKEN instead.\n"
    )
    assert api.requests[0].headers["authorization"] == "Bearer legacy-key"


def test_sign_without_token(run_cli: Run, make_dist: MakeDist, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRAFANA_ACCESS_POLICY_TOKEN", raising=False)
    monkeypatch.delenv("GRAFANA_API_KEY", raising=False)
    result = run_cli("sign", str(make_dist()))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: `GRAFANA_ACCESS_POLICY_TOKEN` is not set; signing through grafana.com needs an access policy token. "
        "Create one with the `plugins:write` scope: "
        "https://grafana.com/developers/plugin-tools/publish-a-plugin/sign-a-plugin\n"
    )


def test_sign_server_error(run_cli: Run, make_dist: MakeDist, api: Any) -> None:
    api.status, api.body = 400, b'{"message": "Field is required: `rootUrls`"}'
    result = run_cli("sign", str(make_dist()))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "error: The sign API answered HTTP 400: message: Field is required: `rootUrls`.\n"


def test_sign_bad_root_url(run_cli: Run, make_dist: MakeDist, api: Any) -> None:
    result = run_cli("sign", str(make_dist()), "--root-urls", "localhost:3000")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: Root URL `localhost:3000` is not a valid URL; give it in full, such as `https://grafana.example.com/`.\n"
    )
    assert api.requests == []


def test_sign_escaping_symlink(run_cli: Run, make_dist: MakeDist, test_key: Any, tmp_path: Path) -> None:
    dist = make_dist()
    (dist / "lib.so").symlink_to(tmp_path / "elsewhere.so")
    (tmp_path / "elsewhere.so").write_bytes(b"x")
    result = run_cli("sign", str(dist), "--key", str(test_key.secret))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: Symbolic link `lib.so` points outside the plugin directory (to `{tmp_path / 'elsewhere.so'}`); "
        "copy the file into the directory instead.\n"
    )
    assert not (dist / "MANIFEST.txt").exists()


def test_verify_valid(run_cli: Run, make_dist: MakeDist, test_key: Any) -> None:
    dist = make_dist()
    run_cli("sign", str(dist), "--key", str(test_key.secret), "--root-urls", "https://grafana.example.com/")
    result = run_cli(
        "verify", str(dist), "--key", str(test_key.public), "--root-url", "https://grafana.example.com"
    )
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "valid: myorg-weather-datasource 1.2.3\n"
        f"  signed by Example Org Test Key (myorg), private signature, key {test_key.key_id}, {_when(dist)}\n"
        "  root URLs: https://grafana.example.com/\n"
        "  - Signed (private) by Example Org Test Key; every file matches the manifest.\n"
    )


def test_verify_modified(run_cli: Run, make_dist: MakeDist, test_key: Any) -> None:
    dist = make_dist()
    run_cli("sign", str(dist), "--key", str(test_key.secret))
    (dist / "module.js").write_text("changed")
    (dist / "debug.log").write_text("new")
    result = run_cli("verify", str(dist), "--key", str(test_key.public))
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout == (
        "modified: myorg-weather-datasource 1.2.3\n"
        f"  signed by Example Org Test Key (myorg), community signature, key {test_key.key_id}, {_when(dist)}\n"
        "  - 1 file changed since signing: `module.js`.\n"
        "  - 1 file not covered by the signature: `debug.log`.\n"
        "Grafana will not load it, not even in development mode.\n"
    )


def test_verify_unsigned(run_cli: Run, make_dist: MakeDist) -> None:
    result = run_cli("verify", str(make_dist()))
    assert result.exit_code == 1
    assert result.stdout == (
        "unsigned: myorg-weather-datasource 1.2.3\n"
        "  - There is no MANIFEST.txt; the plugin is unsigned.\n"
        "Grafana loads it only in development mode or when its id is in allow_loading_unsigned_plugins.\n"
    )


def test_verify_local_signature_against_grafanas_key(
    run_cli: Run, make_dist: MakeDist, test_key: Any
) -> None:
    dist = make_dist()
    run_cli("sign", str(dist), "--key", str(test_key.secret), "--root-urls", "http://localhost:3000/")
    result = run_cli("verify", str(dist))
    assert result.exit_code == 1
    assert result.stdout == (
        "invalid: myorg-weather-datasource 1.2.3\n"
        f"  signed by Example Org Test Key (myorg), private signature, key {test_key.key_id}, {_when(dist)}\n"
        "  root URLs: http://localhost:3000/\n"
        f"  - The manifest names key `{test_key.key_id}`, but Grafana's signing key is `7e4d0c6a708866e7`.\n"
        "Grafana will not load it.\n"
    )


def test_verify_grafana_signature_notes_root_urls(run_cli: Run, golden: Callable[[str], Path]) -> None:
    result = run_cli("verify", str(golden("valid-v2-pvt-signature")))
    assert result.exit_code == 0
    assert result.stdout == (
        "valid: test-datasource 1.0.0\n"
        "  signed by Will Browne (willbrowne), private signature, key 7e4d0c6a708866e7, 2022-08-22 12:30 UTC\n"
        "  root URLs: http://localhost:3000/\n"
        "  - Signed (private) by Will Browne; every file matches the manifest.\n"
        "  note: The signature is valid only for Grafana served at `http://localhost:3000/`; "
        "pass --root-url to check.\n"
    )


def test_verify_json(run_cli: Run, golden: Callable[[str], Path]) -> None:
    result = run_cli(
        "verify", str(golden("valid-v2-pvt-signature")), "--json", "--root-url", "http://grafana:3000"
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "state": "invalid",
        "valid": False,
        "reasons": [
            "Grafana's root URL `http://grafana:3000/` matches none of the signed root URLs `http://localhost:3000/`."
        ],
        "plugin": "test-datasource",
        "version": "1.0.0",
        "signatureType": "private",
        "signedByOrg": "willbrowne",
        "signedByOrgName": "Will Browne",
        "keyId": "7e4d0c6a708866e7",
        "rootUrls": ["http://localhost:3000/"],
        "time": 1661171417046,
        "missingFiles": [],
        "changedFiles": [],
        "extraFiles": [],
        "notes": [],
    }


def test_verify_missing_path(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("verify", str(tmp_path / "nope.zip"))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"error: `{tmp_path / 'nope.zip'}` does not exist.\n"


def test_sign_finds_the_project_dist(
    run_cli: Run, make_dist: MakeDist, test_key: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_dist(name="build-output")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "weather"\nversion = "1.2.3"\n'
        '[tool.gpctl]\nplugin = "weather.plugin:ds"\ndist = "build-output"\n'
    )
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "plugin.json").write_text('{"id": "myorg-weather-datasource", "type": "datasource"}')
    (tmp_path / "pkg").mkdir()
    monkeypatch.chdir(tmp_path / "pkg")
    result = run_cli("sign", "--key", str(test_key.secret))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "build-output" / "MANIFEST.txt").is_file()


def test_verify_online(run_cli: Run, make_dist: MakeDist, test_key: Any, api: Any) -> None:
    dist = make_dist()
    run_cli("sign", str(dist), "--key", str(test_key.secret))
    api.body = json.dumps(
        {"items": [{"keyId": test_key.key_id, "public": test_key.public.read_text()}]}
    ).encode()
    result = run_cli("verify", str(dist), "--online")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("valid: myorg-weather-datasource 1.2.3\n")
    assert api.requests[-1].path == "/api/plugins/ci/keys"
