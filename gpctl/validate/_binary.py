"""Executable headers, parsed directly: ELF (arch, libc, GLIBC_x.y needs), Mach-O (thin and fat), PE.

Only headers and a few small tables are read (seek + read), so a 100 MB bundle costs microseconds per file.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

__all__ = ["ExecutableHeader", "highest_version", "read_header"]

_ELF_MACHINES = {
    3: "386",
    0x3E: "amd64",
    0x28: "arm",
    0xB7: "arm64",
    0x08: "mips",
    0x15: "ppc64",
    0x16: "s390x",
    0xF3: "riscv64",
}
_MACHO_CPUS = {7: "386", 0x01000007: "amd64", 12: "arm", 0x0100000C: "arm64", 18: "ppc", 0x01000012: "ppc64"}
_PE_MACHINES = {0x14C: "386", 0x8664: "amd64", 0x1C0: "arm", 0x1C4: "arm", 0xAA64: "arm64"}
_SHT_GNU_VERNEED = 0x6FFFFFFE
_PT_INTERP = 3
_MAX_TABLE = 16 * 1024 * 1024


@dataclass(frozen=True)
class ExecutableHeader:
    """What the headers of one file say."""

    format: str
    """`ELF`, `Mach-O`, `PE` or `unknown`."""
    os: str
    """`linux` (any ELF), `darwin`, `windows`, or `unknown`."""
    arch: str
    """Go architecture name, or `unknown`; a fat Mach-O lists every slice in `archs`."""
    bits: int = 0
    archs: tuple[str, ...] = ()
    interpreter: str | None = None
    glibc_versions: tuple[str, ...] = field(default=())
    """Every `GLIBC_x.y` version the file needs (from `.gnu.version_r`)."""
    go_build_info: bool = False
    """An ELF with a `.go.buildinfo` section (what the catalog's Go-only rule looks for)."""

    @property
    def libc(self) -> str | None:
        """`glibc`, `musl` or `static` for ELF; `None` otherwise."""
        if self.format != "ELF":
            return None
        interp = self.interpreter or ""
        if "musl" in interp:
            return "musl"
        if interp:
            return "glibc"
        return "glibc" if self.glibc_versions else "static"

    @property
    def highest_glibc(self) -> str | None:
        return highest_version(self.glibc_versions)


def _version_key(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in text.split("."):
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return tuple(parts)


def highest_version(versions: tuple[str, ...] | list[str]) -> str | None:
    """The highest `x.y[.z]` of `versions`, compared numerically; `None` when empty."""
    return max(versions, key=_version_key) if versions else None


def _read_at(fh: BinaryIO, offset: int, size: int) -> bytes:
    if offset < 0 or size < 0 or size > _MAX_TABLE:
        return b""
    fh.seek(offset)
    return fh.read(size)


def _cstr(table: bytes, offset: int) -> str:
    end = table.find(b"\x00", offset)
    return table[offset : end if end >= 0 else len(table)].decode("latin-1")


def _parse_elf(fh: BinaryIO, ident: bytes) -> ExecutableHeader:
    is64 = ident[4] == 2
    order = "<" if ident[5] == 1 else ">"
    if is64:
        head = _read_at(fh, 16, 48)
        fields = struct.unpack(order + "HHIQQQIHHHHHH", head)
    else:
        head = _read_at(fh, 16, 36)
        fields = struct.unpack(order + "HHIIIIIHHHHHH", head)
    (
        _etype,
        machine,
        _ver,
        _entry,
        phoff,
        shoff,
        _flags,
        _ehsize,
        phentsize,
        phnum,
        shentsize,
        shnum,
        shstrndx,
    ) = fields
    interpreter = None
    if phoff and phnum and phentsize:
        table = _read_at(fh, phoff, phentsize * phnum)
        for i in range(min(phnum, len(table) // phentsize)):
            entry = table[i * phentsize : (i + 1) * phentsize]
            p_type = struct.unpack_from(order + "I", entry)[0]
            if p_type != _PT_INTERP:
                continue
            word, offset_at, filesz_at = ("Q", 8, 32) if is64 else ("I", 4, 16)
            p_offset = struct.unpack_from(order + word, entry, offset_at)[0]
            p_filesz = struct.unpack_from(order + word, entry, filesz_at)[0]
            interpreter = _read_at(fh, p_offset, min(p_filesz, 4096)).rstrip(b"\x00").decode("latin-1")
    sections = _elf_sections(fh, order, is64, shoff, shentsize, shnum)
    names = _read_at(fh, *sections[shstrndx][2:4]) if 0 <= shstrndx < len(sections) else b""
    glibc: list[str] = []
    go_build_info = False
    for name_off, sh_type, offset, size, link in sections:
        if names and _cstr(names, name_off) == ".go.buildinfo":
            go_build_info = True
        if sh_type == _SHT_GNU_VERNEED and 0 <= link < len(sections):
            strtab = _read_at(fh, sections[link][2], sections[link][3])
            glibc.extend(_verneed(_read_at(fh, offset, size), strtab, order))
    return ExecutableHeader(
        format="ELF",
        os="linux",
        arch=_ELF_MACHINES.get(machine, "unknown"),
        bits=64 if is64 else 32,
        interpreter=interpreter,
        glibc_versions=tuple(sorted(set(glibc), key=_version_key)),
        go_build_info=go_build_info,
    )


def _elf_sections(
    fh: BinaryIO, order: str, is64: bool, shoff: int, shentsize: int, shnum: int
) -> list[tuple[int, int, int, int, int]]:
    """(name offset, type, file offset, size, link) of every section header."""
    if not (shoff and shnum and shentsize):
        return []
    table = _read_at(fh, shoff, shentsize * shnum)
    out = []
    for i in range(min(shnum, len(table) // shentsize)):
        entry = table[i * shentsize : (i + 1) * shentsize]
        if is64:
            name, sh_type, _flags, _addr, offset, size, link = struct.unpack_from(order + "IIQQQQI", entry)
        else:
            name, sh_type, _flags, _addr, offset, size, link = struct.unpack_from(order + "IIIIIII", entry)
        out.append((name, sh_type, offset, size, link))
    return out


def _verneed(data: bytes, strtab: bytes, order: str) -> list[str]:
    """Names of the `GLIBC_*` versions in a `.gnu.version_r` section (Elf_Verneed / Elf_Vernaux chains)."""
    found: list[str] = []
    pos, guard = 0, 0
    while pos >= 0 and pos + 16 <= len(data) and guard < 4096:
        guard += 1
        _version, count, _file, aux, nxt = struct.unpack_from(order + "HHIII", data, pos)
        apos = pos + aux
        for _ in range(count):
            if apos + 16 > len(data):
                break
            _hash, _flags, _other, name, anext = struct.unpack_from(order + "IHHII", data, apos)
            text = _cstr(strtab, name) if name < len(strtab) else ""
            if text.startswith("GLIBC_") and text[6:7].isdigit():
                found.append(text[6:])
            if anext == 0:
                break
            apos += anext
        if nxt == 0:
            break
        pos += nxt
    return found


def _parse_macho(fh: BinaryIO, magic: bytes) -> ExecutableHeader:
    if magic in (b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf"):
        count = struct.unpack(">I", _read_at(fh, 4, 4))[0]
        size = 20 if magic.endswith(b"\xbe") else 32
        table = _read_at(fh, 8, size * min(count, 64))
        archs = tuple(
            _MACHO_CPUS.get(struct.unpack_from(">I", table, i * size)[0], "unknown")
            for i in range(min(count, len(table) // size))
        )
        arch = archs[0] if len(archs) == 1 else "universal"
        return ExecutableHeader(format="Mach-O", os="darwin", arch=arch, bits=64, archs=archs)
    order = "<" if magic in (b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe") else ">"
    bits = 64 if magic in (b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf") else 32
    cpu = struct.unpack(order + "I", _read_at(fh, 4, 4))[0]
    arch = _MACHO_CPUS.get(cpu, "unknown")
    return ExecutableHeader(format="Mach-O", os="darwin", arch=arch, bits=bits, archs=(arch,))


def _parse_pe(fh: BinaryIO) -> ExecutableHeader | None:
    lfanew = struct.unpack("<I", _read_at(fh, 0x3C, 4))[0]
    head = _read_at(fh, lfanew, 26)
    if len(head) < 26 or head[:4] != b"PE\x00\x00":
        return None
    machine = struct.unpack_from("<H", head, 4)[0]
    optional_magic = struct.unpack_from("<H", head, 24)[0]
    bits = 64 if optional_magic == 0x20B else 32
    arch = _PE_MACHINES.get(machine, "unknown")
    return ExecutableHeader(format="PE", os="windows", arch=arch, bits=bits, archs=(arch,))


_UNKNOWN = ExecutableHeader(format="unknown", os="unknown", arch="unknown")


def read_header(path: Path) -> ExecutableHeader:
    """Parse the executable headers of `path`; a file that is none of ELF, Mach-O, PE gives format `unknown`."""
    try:
        with open(path, "rb") as fh:
            start = fh.read(64)
            if start[:4] == b"\x7fELF" and len(start) >= 52:
                return _parse_elf(fh, start[:16])
            if start[:4] in (
                b"\xfe\xed\xfa\xce",
                b"\xfe\xed\xfa\xcf",
                b"\xce\xfa\xed\xfe",
                b"\xcf\xfa\xed\xfe",
                b"\xca\xfe\xba\xbe",
                b"\xca\xfe\xba\xbf",
            ):
                if start[:4] == b"\xca\xfe\xba\xbe" and struct.unpack(">I", start[4:8])[0] > 30:
                    return _UNKNOWN  # a Java class file shares the fat magic; its "count" is a version number
                return _parse_macho(fh, start[:4])
            if start[:2] == b"MZ" and len(start) >= 64:
                return _parse_pe(fh) or _UNKNOWN
    except (OSError, struct.error, IndexError):
        return _UNKNOWN
    return _UNKNOWN
