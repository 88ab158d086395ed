"""Helpers for the validate tests: minimal executable headers, a complete plugin directory, MANIFEST.txt, copies.

`python tests/validate/validate_helpers.py` regenerates `fixtures/` from the case table in `fixture_cases.py`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
import struct
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"

# 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
    '<circle cx="12" cy="12" r="10" fill="#f46800"/></svg>\n'
)
MIT = """MIT License

Copyright (c) 2026 My Org

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.
"""
README = "# Weather\n\nWeather data for Grafana, with a Python backend.\n"
CHANGELOG = "# Changelog\n\n## 1.0.0\n\nInitial release.\n"
MODULE_JS = "define([], function () { return {}; });\n"


def plugin_json(**changes: Any) -> dict[str, Any]:
    """The fixture datasource's plugin.json with top-level `changes` applied (`None` deletes a key)."""
    data: dict[str, Any] = {
        "$schema": "https://raw.githubusercontent.com/grafana/grafana/main/docs/sources/developers/plugins/plugin.schema.json",
        "type": "datasource",
        "name": "Weather",
        "id": "myorg-weather-datasource",
        "metrics": True,
        "backend": True,
        "executable": "gpx_weather",
        "info": {
            "description": "Weather data for Grafana.",
            "author": {"name": "My Org"},
            "keywords": ["datasource", "weather"],
            "logos": {"small": "img/logo.svg", "large": "img/logo.svg"},
            "links": [],
            "screenshots": [{"name": "Dashboard", "path": "img/screenshot.png"}],
            "version": "1.0.0",
            "updated": "2026-07-13",
        },
        "dependencies": {"grafanaDependency": ">=12.3.0", "plugins": []},
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def elf(machine: int = 0x3E, bits: int = 64) -> bytes:
    """A minimal static ELF executable header (x86-64 by default); enough for header parsing, not to run."""
    ident = b"\x7fELF" + bytes([2 if bits == 64 else 1, 1, 1, 0]) + bytes(8)
    if bits == 64:
        return ident + struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, 0, 0, 0, 0, 64, 56, 0, 64, 0, 0)
    return ident + struct.pack("<HHIIIIIHHHHHH", 2, machine, 1, 0, 0, 0, 0, 52, 32, 0, 40, 0, 0)


def elf_with_interp(interp: bytes, machine: int = 0x3E) -> bytes:
    """A minimal dynamically linked ELF64 header: one PT_INTERP program header naming `interp`."""
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    header = ident + struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, 0, 64, 0, 0, 64, 56, 1, 64, 0, 0)
    phdr = struct.pack("<IIQQQQQQ", 3, 4, 120, 0, 0, len(interp), len(interp), 1)
    return header + phdr + interp


def macho(cpu: int = 0x0100000C) -> bytes:
    """A minimal 64-bit little-endian Mach-O executable header (arm64 by default)."""
    return b"\xcf\xfa\xed\xfe" + struct.pack("<IIIIII", cpu, 0, 2, 0, 0, 0) + bytes(4)


def fat_macho(*cpus: int) -> bytes:
    """A fat (universal) Mach-O header listing `cpus`."""
    head = b"\xca\xfe\xba\xbe" + struct.pack(">I", len(cpus))
    return head + b"".join(struct.pack(">IIIII", cpu, 0, 4096, 0, 12) for cpu in cpus)


def pe(machine: int = 0x8664) -> bytes:
    """A minimal PE32+ header (x86-64 by default)."""
    dos = b"MZ" + bytes(0x3A) + struct.pack("<I", 0x40)
    coff = b"PE\x00\x00" + struct.pack("<HHIIIHH", machine, 0, 0, 0, 0, 240, 0x22)
    return dos + coff + struct.pack("<H", 0x20B) + bytes(64)


def manifest_text(root: Path, **fields: Any) -> str:
    """A clearsigned-looking MANIFEST.txt for every file under `root` (the signature block is a placeholder)."""
    files = {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "MANIFEST.txt"
    }
    payload = {
        "manifestVersion": "2.0.0",
        "signatureType": "community",
        "signedByOrg": "myorg",
        "signedByOrgName": "My Org",
        "plugin": "myorg-weather-datasource",
        "version": "1.0.0",
        "time": 1784000000000,
        "keyId": "7e4d0c6a708866e7",
        "files": files,
    }
    payload.update(fields)
    body = json.dumps(payload, indent=2)
    return (
        "\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n"
        + body
        + "\n-----BEGIN PGP SIGNATURE-----\n\nplaceholder (test fixture, not a real signature)\n"
        "-----END PGP SIGNATURE-----\n"
    )


def write_plugin(dest: Path, *, data: dict[str, Any] | None = None, signed: bool = True) -> Path:
    """Write the complete, valid fixture datasource into `dest` (created); returns `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "img").mkdir(exist_ok=True)
    (dest / "plugin.json").write_text(json.dumps(data or plugin_json(), indent=2) + "\n")
    (dest / "module.js").write_text(MODULE_JS)
    (dest / "README.md").write_text(README)
    (dest / "CHANGELOG.md").write_text(CHANGELOG)
    (dest / "LICENSE").write_text(MIT)
    (dest / "img" / "logo.svg").write_text(LOGO)
    (dest / "img" / "screenshot.png").write_bytes(PNG)
    exe = dest / "gpx_weather_linux_amd64"
    exe.write_bytes(elf())
    exe.chmod(0o755)
    if signed:
        sign(dest)
    return dest


def sign(root: Path, **fields: Any) -> None:
    """(Re)write MANIFEST.txt for the current files of `root`."""
    (root / "MANIFEST.txt").unlink(missing_ok=True)
    (root / "MANIFEST.txt").write_text(manifest_text(root, **fields))


def copy_fixture(source: Path, dest: Path) -> Path:
    """Copy a fixture dir and normalise modes as git cannot: 0755 where the exec bit is set, else 0644."""
    shutil.copytree(source, dest, symlinks=True)
    for path in [dest, *dest.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
        else:
            path.chmod(0o755 if path.stat().st_mode & stat.S_IXUSR else 0o644)
    return dest


def zip_dir(source: Path, archive: Path, root_name: str) -> Path:
    """Zip `source` as `<root_name>/...` keeping Unix modes (as `gpctl package` and `zip -r` do)."""
    import zipfile

    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(source.rglob("*")):
            name = (
                f"{root_name}/{path.relative_to(source).as_posix()}"
                if root_name
                else path.relative_to(source).as_posix()
            )
            if path.is_dir():
                info = zipfile.ZipInfo(name + "/")
                info.external_attr = (0o40755 << 16) | 0x10
                out.writestr(info, b"")
                continue
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFREG | stat.S_IMODE(path.stat().st_mode)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, path.read_bytes())
    return archive


if __name__ == "__main__":
    from fixture_cases import generate

    generate(FIXTURES)
