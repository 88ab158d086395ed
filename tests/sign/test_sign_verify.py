"""Every signature state Grafana assigns, produced on purpose, with the exact reason gpctl gives."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gpctl.errors import SignError
from gpctl.sign import GRAFANA_KEY_ID, SignatureState, Verdict, sign_directory, verify

MakeDist = Callable[..., Path]


def _signed(make_dist: MakeDist, key: Any, **kwargs: object) -> Path:
    dist = make_dist()
    sign_directory(dist, key=key.secret, **kwargs)  # type: ignore[arg-type]
    return dist


def _manifest(dist: Path, key: Any, clearsign: Callable[..., bytes], **fields: object) -> None:
    """Write a MANIFEST.txt with hand-picked fields (defaults: a correct v2 manifest for `dist`)."""
    from gpctl.sign import build_manifest

    body: dict[str, object] = {
        "manifestVersion": "2.0.0",
        "signatureType": "community",
        "signedByOrg": "myorg",
        "signedByOrgName": "My Org",
        "plugin": "myorg-weather-datasource",
        "version": "1.2.3",
        "time": 1764000000000,
        "keyId": key.key_id,
        "files": build_manifest(dist)["files"],
    }
    for name, value in fields.items():
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value
    (dist / "MANIFEST.txt").write_bytes(clearsign(json.dumps(body, indent=2) + "\n", key))


def _check(verdict: Verdict, state: SignatureState, *reasons: str) -> None:
    assert (verdict.state, verdict.reasons) == (state, reasons)


def test_valid_local_signature(make_dist: MakeDist, test_key: Any) -> None:
    dist = _signed(make_dist, test_key)
    verdict = verify(dist, key=test_key.public)
    _check(
        verdict,
        SignatureState.VALID,
        "Signed (community) by Example Org Test Key; every file matches the manifest.",
    )
    assert verdict.is_valid
    assert (verdict.plugin_id, verdict.version, verdict.key_id) == (
        "myorg-weather-datasource",
        "1.2.3",
        test_key.key_id,
    )
    assert (verdict.signed_by_org, verdict.signature_type) == ("myorg", "community")


def test_secret_key_file_also_verifies(make_dist: MakeDist, test_key: Any) -> None:
    dist = _signed(make_dist, test_key)
    assert verify(dist, key=test_key.secret).is_valid


def test_unsigned(make_dist: MakeDist) -> None:
    _check(verify(make_dist()), SignatureState.UNSIGNED, "There is no MANIFEST.txt; the plugin is unsigned.")


def test_tiny_manifest_counts_as_unsigned(make_dist: MakeDist) -> None:
    dist = make_dist()
    (dist / "MANIFEST.txt").write_bytes(b"nothing\n")
    _check(
        verify(dist),
        SignatureState.UNSIGNED,
        "MANIFEST.txt is only 8 bytes long; Grafana treats it as absent.",
    )


def test_tampered_file(make_dist: MakeDist, test_key: Any) -> None:
    dist = _signed(make_dist, test_key)
    (dist / "module.js").write_bytes(b"alert('changed');\n")
    verdict = verify(dist, key=test_key.public)
    _check(verdict, SignatureState.MODIFIED, "1 file changed since signing: `module.js`.")
    assert verdict.changed_files == ("module.js",)


def test_line_ending_change_is_a_modification(make_dist: MakeDist, test_key: Any) -> None:
    dist = make_dist({"README.md": b"# Weather \t\r\nline two  \r\n"})
    sign_directory(dist, key=test_key.secret)
    (dist / "README.md").write_bytes(b"# Weather\nline two\n")
    _check(
        verify(dist, key=test_key.public),
        SignatureState.MODIFIED,
        "1 file changed since signing: `README.md`.",
    )


def test_added_file(make_dist: MakeDist, test_key: Any) -> None:
    dist = _signed(make_dist, test_key)
    (dist / ".DS_Store").write_bytes(b"junk")
    (dist / "img" / "extra.png").write_bytes(b"png")
    verdict = verify(dist, key=test_key.public)
    _check(
        verdict,
        SignatureState.MODIFIED,
        "2 files not covered by the signature: `.DS_Store`, `img/extra.png`.",
    )
    assert verdict.extra_files == (".DS_Store", "img/extra.png")


def test_removed_file(make_dist: MakeDist, test_key: Any) -> None:
    dist = _signed(make_dist, test_key)
    (dist / "img" / "logo.svg").unlink()
    verdict = verify(dist, key=test_key.public)
    _check(verdict, SignatureState.MODIFIED, "1 file listed in the manifest but missing: `img/logo.svg`.")
    assert verdict.missing_files == ("img/logo.svg",)


def test_all_file_problems_reported_together(make_dist: MakeDist, test_key: Any) -> None:
    dist = _signed(make_dist, test_key)
    (dist / "img" / "logo.svg").unlink()
    (dist / "module.js").write_bytes(b"x")
    (dist / "new.txt").write_bytes(b"x")
    _check(
        verify(dist, key=test_key.public),
        SignatureState.MODIFIED,
        "1 file listed in the manifest but missing: `img/logo.svg`.",
        "1 file changed since signing: `module.js`.",
        "1 file not covered by the signature: `new.txt`.",
    )


def test_wrong_version(make_dist: MakeDist, test_key: Any) -> None:
    dist = _signed(make_dist, test_key)
    data = json.loads((dist / "plugin.json").read_text())
    data["info"]["version"] = "1.2.4"
    (dist / "plugin.json").write_text(json.dumps(data))
    _check(
        verify(dist, key=test_key.public),
        SignatureState.MODIFIED,
        "The manifest is for version `1.2.3`, but plugin.json says `1.2.4`.",
        "1 file changed since signing: `plugin.json`.",
    )


def test_wrong_plugin_id(make_dist: MakeDist, test_key: Any, clearsign: Callable[..., bytes]) -> None:
    dist = make_dist()
    _manifest(dist, test_key, clearsign, plugin="myorg-other-datasource")
    _check(
        verify(dist, key=test_key.public),
        SignatureState.MODIFIED,
        "The manifest is for plugin `myorg-other-datasource`, but plugin.json says `myorg-weather-datasource`.",
    )


def test_wrong_root_url(make_dist: MakeDist, test_key: Any) -> None:
    dist = _signed(make_dist, test_key, root_urls=["https://grafana.example.com/"])
    verdict = verify(dist, key=test_key.public, root_url="https://other.example.com")
    _check(
        verdict,
        SignatureState.INVALID,
        "Grafana's root URL `https://other.example.com/` matches none of the signed root URLs "
        "`https://grafana.example.com/`.",
    )
    assert verdict.signature_type == "private"


def test_matching_root_url(make_dist: MakeDist, test_key: Any) -> None:
    dist = _signed(make_dist, test_key, root_urls=["https://grafana.example.com/sub/"])
    assert verify(dist, key=test_key.public, root_url="https://grafana.example.com/sub").is_valid


def test_private_signature_without_root_url_is_noted(make_dist: MakeDist, test_key: Any) -> None:
    dist = _signed(make_dist, test_key, root_urls=["https://grafana.example.com/"])
    verdict = verify(dist, key=test_key.public)
    assert verdict.state is SignatureState.VALID
    assert verdict.notes == (
        "The signature is valid only for Grafana served at `https://grafana.example.com/`; pass --root-url to check.",
    )


def test_glob_root_url(make_dist: MakeDist, test_key: Any) -> None:
    dist = _signed(make_dist, test_key, root_urls=["https://*.grafana.net/"], signature_type="private-glob")
    assert verify(dist, key=test_key.public, root_url="https://acme.grafana.net/").is_valid
    assert (
        verify(dist, key=test_key.public, root_url="https://a.b.grafana.net/").state is SignatureState.INVALID
    )


def test_escaping_symlink(make_dist: MakeDist, test_key: Any, tmp_path: Path) -> None:
    dist = _signed(make_dist, test_key)
    outside = tmp_path / "secret.txt"
    outside.write_text("outside")
    (dist / "link.txt").symlink_to(outside)
    _check(
        verify(dist, key=test_key.public),
        SignatureState.INVALID,
        f"Symbolic link `link.txt` points outside the plugin directory (to `{outside}`); "
        "copy the file into the directory instead.",
    )


def test_in_tree_symlink_is_signed_under_its_own_path(make_dist: MakeDist, test_key: Any) -> None:
    dist = make_dist()
    (dist / "alias.js").symlink_to("module.js")
    (dist / "imgs").symlink_to("img", target_is_directory=True)
    sign_directory(dist, key=test_key.secret)
    verdict = verify(dist, key=test_key.public)
    assert verdict.is_valid, verdict.reasons


def test_v1_manifest(make_dist: MakeDist, test_key: Any, clearsign: Callable[..., bytes]) -> None:
    dist = make_dist()
    _manifest(
        dist,
        test_key,
        clearsign,
        manifestVersion=None,
        signatureType=None,
        signedByOrg=None,
        signedByOrgName=None,
    )
    _check(
        verify(dist, key=test_key.public),
        SignatureState.INVALID,
        "The manifest version is missing; Grafana accepts only version 2 manifests, so sign again.",
    )


def test_v3_manifest(make_dist: MakeDist, test_key: Any, clearsign: Callable[..., bytes]) -> None:
    dist = make_dist()
    _manifest(dist, test_key, clearsign, manifestVersion="3.0.0")
    _check(
        verify(dist, key=test_key.public),
        SignatureState.INVALID,
        "The manifest version is `3.0.0`; Grafana accepts only version 2 manifests, so sign again.",
    )


def test_garbage_signature(make_dist: MakeDist, test_key: Any) -> None:
    dist = _signed(make_dist, test_key)
    text = (dist / "MANIFEST.txt").read_text()
    head, _, _ = text.partition("-----BEGIN PGP SIGNATURE-----")
    garbage = "-----BEGIN PGP SIGNATURE-----\n\nbm90IGEgc2lnbmF0dXJl\n=AAAA\n-----END PGP SIGNATURE-----\n"
    (dist / "MANIFEST.txt").write_text(head + garbage)
    _check(
        verify(dist, key=test_key.public),
        SignatureState.INVALID,
        "The signature block in MANIFEST.txt is not a readable OpenPGP signature.",
    )


def test_edited_manifest_breaks_the_signature(make_dist: MakeDist, test_key: Any) -> None:
    dist = _signed(make_dist, test_key)
    text = (dist / "MANIFEST.txt").read_text()
    (dist / "MANIFEST.txt").write_text(text.replace('"community"', '"commercial"'))
    _check(
        verify(dist, key=test_key.public),
        SignatureState.INVALID,
        f"The signature (made by `{test_key.key_id}`) does not verify with the key in `{test_key.public}`.",
    )


def test_signed_by_another_key(make_dist: MakeDist, test_key: Any, other_key: Any) -> None:
    dist = _signed(make_dist, other_key)
    _check(
        verify(dist, key=test_key.public),
        SignatureState.INVALID,
        f"The signature (made by `{other_key.key_id}`) does not verify with the key in `{test_key.public}`.",
    )


def test_locally_signed_plugin_is_invalid_for_stock_grafana(make_dist: MakeDist, test_key: Any) -> None:
    dist = _signed(make_dist, test_key)
    _check(
        verify(dist),
        SignatureState.INVALID,
        f"The manifest names key `{test_key.key_id}`, but Grafana's signing key is `{GRAFANA_KEY_ID}`.",
    )


def test_claiming_grafanas_key_id_does_not_help(
    make_dist: MakeDist, test_key: Any, clearsign: Callable[..., bytes]
) -> None:
    dist = make_dist()
    _manifest(dist, test_key, clearsign, keyId=GRAFANA_KEY_ID)
    _check(
        verify(dist),
        SignatureState.INVALID,
        f"The signature (made by `{test_key.key_id}`) does not verify with Grafana's key `{GRAFANA_KEY_ID}`.",
    )


def test_not_cleartext(make_dist: MakeDist) -> None:
    dist = make_dist()
    (dist / "MANIFEST.txt").write_text('{"plugin": "myorg-weather-datasource"}\n')
    _check(verify(dist), SignatureState.INVALID, "MANIFEST.txt is not an OpenPGP cleartext-signed message.")


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"keyId": ""}, "The manifest field `keyId` is missing or empty."),
        ({"time": None}, "The manifest field `time` is missing or empty."),
        ({"files": {}}, "The manifest field `files` is missing or empty."),
        ({"signedByOrgName": ""}, "The manifest field `signedByOrgName` is missing or empty."),
        ({"signatureType": "free"}, "`free` is not a valid signature type."),
        ({"time": "soon"}, "MANIFEST.txt cannot be parsed: manifest field `time` is not an integer."),
    ],
)
def test_bad_fields(
    make_dist: MakeDist,
    test_key: Any,
    fields: dict[str, object],
    reason: str,
    clearsign: Callable[..., bytes],
) -> None:
    dist = make_dist()
    _manifest(dist, test_key, clearsign, **fields)
    _check(verify(dist, key=test_key.public), SignatureState.INVALID, reason)


def test_crlf_manifest_still_verifies(make_dist: MakeDist, test_key: Any) -> None:
    dist = _signed(make_dist, test_key)
    raw = (dist / "MANIFEST.txt").read_bytes()
    (dist / "MANIFEST.txt").write_bytes(raw.replace(b"\n", b"\r\n"))
    assert verify(dist, key=test_key.public).is_valid


# --- real grafana.com signatures (tests/sign/fixtures/grafana, see SOURCE.md) ---


def test_grafana_private_signature_valid_on_its_root_url(golden: Callable[[str], Path]) -> None:
    verdict = verify(golden("valid-v2-pvt-signature"), root_url="http://localhost:3000")
    _check(verdict, SignatureState.VALID, "Signed (private) by Will Browne; every file matches the manifest.")
    assert (verdict.key_id, verdict.signed_by_org, verdict.root_urls) == (
        GRAFANA_KEY_ID,
        "willbrowne",
        ("http://localhost:3000/",),
    )


def test_grafana_private_signature_elsewhere_is_invalid(golden: Callable[[str], Path]) -> None:
    _check(
        verify(golden("valid-v2-pvt-signature"), root_url="https://grafana.example.com/"),
        SignatureState.INVALID,
        "Grafana's root URL `https://grafana.example.com/` matches none of the signed root URLs "
        "`http://localhost:3000/`.",
    )


def test_grafana_signature_with_edited_plugin_json(golden: Callable[[str], Path]) -> None:
    verdict = verify(golden("valid-v2-signature"))
    _check(verdict, SignatureState.MODIFIED, "1 file changed since signing: `plugin.json`.")
    assert verdict.signed_by_org_name == "Grafana Labs"


def test_grafana_signature_with_a_test_key_is_invalid(golden: Callable[[str], Path], test_key: Any) -> None:
    _check(
        verify(golden("valid-v2-pvt-signature"), key=test_key.public),
        SignatureState.INVALID,
        f"The signature (made by `{GRAFANA_KEY_ID}`) does not verify with the key in `{test_key.public}`.",
    )


# --- errors that are not verdicts ---


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(SignError) as info:
        verify(tmp_path / "nope")
    assert str(info.value) == f"`{tmp_path / 'nope'}` does not exist."


def test_directory_without_plugin_json(tmp_path: Path) -> None:
    with pytest.raises(SignError) as info:
        verify(tmp_path)
    assert str(info.value) == (
        f"No `plugin.json` in `{tmp_path}`; pass a plugin directory (such as `dist`) or a plugin zip."
    )


def test_plugin_root_one_level_down(make_dist: MakeDist, test_key: Any, tmp_path: Path) -> None:
    dist = make_dist(name="pkg/myorg-weather-datasource")
    sign_directory(dist, key=test_key.secret)
    assert verify(tmp_path / "pkg", key=test_key.public).is_valid


def test_unreadable_key_file(make_dist: MakeDist, tmp_path: Path) -> None:
    bogus = tmp_path / "key.asc"
    bogus.write_text("hello")
    with pytest.raises(SignError) as info:
        verify(make_dist(), key=bogus)
    assert str(info.value).startswith(f"`{bogus}` is not an OpenPGP key: ")


@pytest.mark.skipif(os.name == "nt", reason="posix permissions")
def test_verify_writes_nothing(make_dist: MakeDist, test_key: Any) -> None:
    dist = _signed(make_dist, test_key)
    before = sorted((p, p.stat().st_mtime_ns) for p in dist.rglob("*"))
    verify(dist, key=test_key.public)
    assert sorted((p, p.stat().st_mtime_ns) for p in dist.rglob("*")) == before


def test_local_manifest_fields(make_dist: MakeDist, test_key: Any) -> None:
    from gpctl.sign._cleartext import decode_cleartext

    dist = make_dist()
    sign_directory(dist, key=test_key.secret, root_urls=["http://localhost:3000/"])
    block = decode_cleartext((dist / "MANIFEST.txt").read_bytes())
    assert block is not None
    body = json.loads(block.plaintext)
    assert list(body) == [
        "manifestVersion",
        "signatureType",
        "signedByOrg",
        "signedByOrgName",
        "rootUrls",
        "plugin",
        "version",
        "time",
        "keyId",
        "files",
    ]
    assert {k: body[k] for k in list(body)[:7]} == {
        "manifestVersion": "2.0.0",
        "signatureType": "private",
        "signedByOrg": "myorg",
        "signedByOrgName": "Example Org Test Key",
        "rootUrls": ["http://localhost:3000/"],
        "plugin": "myorg-weather-datasource",
        "version": "1.2.3",
    }
    assert body["keyId"] == test_key.key_id
    assert sorted(body["files"]) == ["gpx_weather_linux_amd64", "img/logo.svg", "module.js", "plugin.json"]


# --- grafana.com's published keys (Grafana's pluginsAPIManifestKey feature flag) ---


def test_key_looked_up_in_the_keys_api(make_dist: MakeDist, test_key: Any, sign_server: Any) -> None:
    dist = _signed(make_dist, test_key)
    items = [
        {"keyId": GRAFANA_KEY_ID, "public": "unused", "since": 1586800000},
        {"keyId": test_key.key_id, "public": test_key.public.read_text(), "since": 1764000000},
    ]
    sign_server.body = json.dumps({"items": items}).encode()
    verdict = verify(dist, keys_api=sign_server.url)
    assert verdict.is_valid, verdict.reasons
    assert [(r.method, r.path) for r in sign_server.requests] == [("GET", "/api/plugins/ci/keys")]


def test_key_not_published(make_dist: MakeDist, test_key: Any, sign_server: Any) -> None:
    dist = _signed(make_dist, test_key)
    sign_server.body = json.dumps({"items": [{"keyId": GRAFANA_KEY_ID, "public": "x", "since": 1}]}).encode()
    _check(
        verify(dist, keys_api=sign_server.url),
        SignatureState.INVALID,
        f"The manifest names key `{test_key.key_id}`, which grafana.com does not publish "
        f"(it lists `{GRAFANA_KEY_ID}`).",
    )


def test_keys_api_failure(make_dist: MakeDist, test_key: Any, sign_server: Any) -> None:
    dist = _signed(make_dist, test_key)
    sign_server.status, sign_server.body = 503, b"down"
    with pytest.raises(SignError) as info:
        verify(dist, keys_api=sign_server.url)
    assert str(info.value).startswith(
        f"Cannot read grafana.com's signing keys from `{sign_server.url}/plugins/ci/keys`: Server error '503 "
    )
