"""Which files a signature covers, the cleartext decoder, and root URL matching."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gpctl.errors import SignError
from gpctl.sign import build_manifest, collect_files
from gpctl.sign._cleartext import decode_cleartext
from gpctl.sign._rooturl import root_url_matches

MakeDist = Callable[..., Path]


def test_every_regular_file_is_listed(make_dist: MakeDist) -> None:
    dist = make_dist(
        {".DS_Store": b"", "a/b/c/deep.txt": b"x", "nested/MANIFEST.txt": b"n", "MANIFEST.txt": b"m"}
    )
    assert list(collect_files(dist)) == [
        ".DS_Store",
        "a/b/c/deep.txt",
        "gpx_weather_linux_amd64",
        "img/logo.svg",
        "module.js",
        "nested/MANIFEST.txt",
        "plugin.json",
    ]


def test_symlinks_inside_are_listed_and_directories_not_followed(make_dist: MakeDist) -> None:
    dist = make_dist()
    (dist / "alias.js").symlink_to("module.js")
    (dist / "img2").symlink_to("img", target_is_directory=True)
    assert "alias.js" in collect_files(dist)
    assert not any(name.startswith("img2") for name in collect_files(dist))


def test_escaping_symlink_is_refused(make_dist: MakeDist, tmp_path: Path) -> None:
    dist = make_dist()
    (tmp_path / "dist-evil").mkdir()
    (tmp_path / "dist-evil" / "x").write_text("x")
    (dist / "img" / "x").symlink_to(tmp_path / "dist-evil" / "x")
    with pytest.raises(SignError) as info:
        build_manifest(dist)
    assert str(info.value) == (
        f"Symbolic link `img/x` points outside the plugin directory (to `{tmp_path / 'dist-evil' / 'x'}`); "
        "copy the file into the directory instead."
    )


def test_escaping_directory_symlink_is_refused(make_dist: MakeDist, tmp_path: Path) -> None:
    dist = make_dist()
    (dist / "up").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(SignError, match=r"^Symbolic link `up` points outside the plugin directory"):
        collect_files(dist)


def test_dangling_symlink_is_refused(make_dist: MakeDist) -> None:
    dist = make_dist()
    (dist / "gone.js").symlink_to("nowhere.js")
    with pytest.raises(SignError) as info:
        collect_files(dist)
    assert str(info.value) == "Symbolic link `gone.js` points to `nowhere.js`, which does not exist."


def test_dist_reached_through_a_symlink(make_dist: MakeDist, tmp_path: Path) -> None:
    dist = make_dist()
    (dist / "alias.js").symlink_to(dist / "module.js")
    (tmp_path / "via").symlink_to(dist, target_is_directory=True)
    assert "alias.js" in collect_files(tmp_path / "via")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"root_urls": ["grafana.example.com"]},
            "Root URL `grafana.example.com` is not a valid URL; give it in full, such as `https://grafana.example.com/`.",
        ),
        (
            {"signature_type": "public"},
            "Signature type `public` is not one of `grafana`, `commercial`, `community`, `private`, `private-glob`.",
        ),
    ],
)
def test_bad_options(make_dist: MakeDist, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(SignError) as info:
        build_manifest(make_dist(), **kwargs)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_missing_dist(tmp_path: Path) -> None:
    with pytest.raises(SignError) as info:
        build_manifest(tmp_path / "dist")
    assert str(info.value) == f"Directory `{tmp_path / 'dist'}` does not exist; build the plugin first."


@pytest.mark.parametrize(
    ("plugin", "message"),
    [
        ({"id": "x"}, "has no `info.version`; Grafana needs it to match the signature."),
        ({"info": {"version": "1"}}, "has no `id`; Grafana needs it to match the signature."),
    ],
)
def test_incomplete_plugin_json(make_dist: MakeDist, plugin: dict[str, object], message: str) -> None:
    dist = make_dist(plugin=plugin)
    with pytest.raises(SignError) as info:
        build_manifest(dist)
    assert str(info.value) == f"`{dist / 'plugin.json'}` {message}"


def test_plugin_json_not_json(make_dist: MakeDist) -> None:
    dist = make_dist()
    (dist / "plugin.json").write_text("{")
    with pytest.raises(SignError, match=r"^`.*plugin\.json` is not valid JSON: "):
        build_manifest(dist)


def test_manifest_files_use_posix_paths(make_dist: MakeDist) -> None:
    files = build_manifest(make_dist({"a/b.txt": b"b"}))["files"]
    assert json.dumps(files).count("\\\\") == 0
    assert "a/b.txt" in files  # type: ignore[operator]


# --- cleartext decoding (Go's openpgp/clearsign rules) ---

SIG = b"-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n"


def test_decode_strips_trailing_whitespace_and_joins_with_crlf() -> None:
    block = decode_cleartext(
        b"junk\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n{ \t\r\n- -x\n}\n" + SIG
    )
    assert block is not None
    assert block.signed == b"{\r\n-x\r\n}"
    assert block.plaintext == b"{\n-x\n}\n"
    assert block.hashes == ("SHA512",)
    assert block.signature == SIG


@pytest.mark.parametrize(
    "data",
    [
        b"{}",
        b"-----BEGIN PGP SIGNED MESSAGE----- x\nHash: SHA512\n\n{}\n" + SIG,
        b"-----BEGIN PGP SIGNED MESSAGE-----\nComment: hi\n\n{}\n" + SIG,
        b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n{}\n",
        b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n{}\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n",
    ],
    ids=["no-header", "suffix", "other-header", "no-signature", "no-end"],
)
def test_decode_rejects(data: bytes) -> None:
    assert decode_cleartext(data) is None


# --- root URLs ---


@pytest.mark.parametrize(
    ("specs", "root_url", "signature_type", "expected"),
    [
        (["http://localhost:3000/"], "http://localhost:3000", "private", True),
        (["http://localhost:3000"], "http://localhost:3000/", "private", True),
        (["HTTP://localhost:3000/"], "http://localhost:3000/", "private", True),
        (["https://localhost:3000/"], "http://localhost:3000/", "private", False),
        (["http://localhost:3001/"], "http://localhost:3000/", "private", False),
        (["https://example.com/grafana/"], "https://example.com/grafana", "private", True),
        (["https://example.com/grafana/./x/.."], "https://example.com/grafana/", "private", True),
        (["https://example.com/grafana/"], "https://example.com/", "private", False),
        (["https://example.com/"], "https://example.com/", "community", True),
        (["https://*.grafana.net/"], "https://acme.grafana.net/", "private-glob", True),
        (["https://*.grafana.net/"], "https://acme.grafana.net/", "private", False),
        (["https://*.grafana.net/"], "https://a.b.grafana.net/", "private-glob", False),
        (["https://**.grafana.net/"], "https://a.b.grafana.net/", "private-glob", True),
        (["https://{dev,prod}.example.com/"], "https://prod.example.com/", "private-glob", True),
        (["https://grafana[0-9].example.com/"], "https://grafana7.example.com/", "private-glob", True),
        (["https://grafana?.example.com/"], "https://grafanaX.example.com/", "private-glob", True),
    ],
)
def test_root_url_matching(specs: list[str], root_url: str, signature_type: str, expected: bool) -> None:
    assert root_url_matches(specs, root_url, signature_type) is expected
