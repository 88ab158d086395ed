"""Generate Python gRPC stubs: the SDK's own (from its vendored protos) and a plugin project's.

The SDK's stubs live in `gpctl/sdk/_protocol/pluginv2/` (Grafana's `backend.proto`) and `gpctl/sdk/_protocol/plugin/`
(go-plugin's broker, controller and stdio protos). They are committed; `generate_sdk_stubs()` rewrites them and
`stale_sdk_stubs()` lists the ones that differ from what the installed grpcio-tools would write.

`compile_protos(path)` compiles a plugin project's own `.proto` files (for plugins that call downstream gRPC
services) into an importable package: stubs are written beside the protos, every directory gets an `__init__.py`
and imports between generated modules are made package-relative, so `from mypkg.protos import weather_pb2` works.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from gpctl.errors import GpctlError

__all__ = [
    "SDK_PROTOCOL_DIR",
    "compile_protos",
    "generate_sdk_stubs",
    "generated_stubs",
    "stale_protos",
    "stale_sdk_stubs",
]

SDK_PROTOCOL_DIR = Path(__file__).resolve().parent / "sdk" / "_protocol"
_SDK_PACKAGES: dict[str, tuple[str, ...]] = {
    "pluginv2": ("backend.proto",),
    "plugin": ("grpc_broker.proto", "grpc_controller.proto", "grpc_stdio.proto"),
}
_IMPORT = re.compile(
    r"^(?P<indent>\s*)(?:from (?P<pkg>[\w.]+) )?import (?P<name>\w+_pb2(?:_grpc)?) as (?P<alias>\w+)$"
)


def generated_stubs(proto_dir: Path, files: list[str], out_dir: Path) -> dict[Path, bytes]:
    """Run protoc on `files` (relative to `proto_dir`); return `{out_dir / relative path: content}` in memory."""
    try:
        import grpc_tools  # type: ignore[import-untyped]
    except ImportError as exc:
        raise GpctlError(
            "Generating stubs needs `grpcio-tools`, which is not installed.",
            hint="Install the development extras: pip install 'gpctl[dev]'.",
        ) from exc
    include = Path(grpc_tools.__file__).parent / "_proto"
    with tempfile.TemporaryDirectory(prefix="gpctl-protos-") as tmp:
        cmd = [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"-I{proto_dir}",
            f"-I{include}",
            f"--python_out={tmp}",
            f"--grpc_python_out={tmp}",
            f"--pyi_out={tmp}",
            *files,
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=proto_dir, check=False)
        if proc.returncode != 0:
            detail = proc.stderr.strip() or f"exit code {proc.returncode}"
            raise GpctlError(f"protoc failed on `{proto_dir}`: {detail.rstrip('.')}.")
        root = Path(tmp)
        produced = sorted(p for p in root.rglob("*") if p.is_file())
        modules = {_module_name(p.relative_to(root)) for p in produced if p.suffix == ".py"}
        result: dict[Path, bytes] = {}
        for path in produced:
            rel = path.relative_to(root)
            text = _relative_imports(path.read_text(encoding="utf-8"), rel, modules)
            result[out_dir / rel] = text.encode("utf-8")
        for directory in {rel.parent for rel in (p.relative_to(root) for p in produced)}:
            for parent in (directory, *directory.parents):
                init = out_dir / parent / "__init__.py"
                result.setdefault(init, b"")
    return result


def _module_name(rel: Path) -> str:
    return ".".join(rel.with_suffix("").parts)


def _relative_imports(text: str, rel: Path, modules: set[str]) -> str:
    """Turn `import x_pb2 as a` / `from pkg import x_pb2 as a` of generated modules into relative imports."""
    depth = len(rel.parent.parts)
    lines = []
    for line in text.splitlines(keepends=True):
        match = _IMPORT.match(line.rstrip("\n"))
        if match:
            target = f"{match['pkg']}.{match['name']}" if match["pkg"] else match["name"]
            if target in modules:
                dots = "." * (depth + 1)
                line = f"{match['indent']}from {dots}{match['pkg'] or ''} import {match['name']} as {match['alias']}\n"
        lines.append(line)
    return "".join(lines)


def _sdk_stubs() -> dict[Path, bytes]:
    proto_dir = SDK_PROTOCOL_DIR / "proto"
    stubs: dict[Path, bytes] = {}
    for package, files in _SDK_PACKAGES.items():
        stubs.update(generated_stubs(proto_dir, list(files), SDK_PROTOCOL_DIR / package))
    stubs[SDK_PROTOCOL_DIR / "pluginv2" / "__init__.py"] = (
        b'"""Generated from backend.proto; do not edit."""\n'
    )
    stubs[SDK_PROTOCOL_DIR / "plugin" / "__init__.py"] = (
        b'"""Generated from go-plugin\'s protos; do not edit."""\n'
    )
    return stubs


def _stale(stubs: dict[Path, bytes]) -> list[Path]:
    return sorted(p for p, content in stubs.items() if not p.is_file() or p.read_bytes() != content)


def generate_sdk_stubs() -> list[Path]:
    """Regenerate the SDK's committed stubs; return the files that changed."""
    stubs = _sdk_stubs()
    changed = _stale(stubs)
    for path in changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(stubs[path])
    return changed


def stale_sdk_stubs() -> list[Path]:
    """List SDK stub files that are missing or differ from a fresh generation (empty = up to date)."""
    return _stale(_sdk_stubs())


def _project_stubs(path: Path, out: Path | None) -> dict[Path, bytes]:
    path = path.resolve()
    if path.is_file():
        if path.suffix != ".proto":
            raise GpctlError(f"`{path}` is not a .proto file.")
        proto_dir, files = path.parent, [path.name]
    elif path.is_dir():
        proto_dir = path
        files = sorted(p.relative_to(path).as_posix() for p in path.rglob("*.proto"))
        if not files:
            raise GpctlError(f"No .proto files under `{path}`.")
    else:
        raise GpctlError(f"Path `{path}` does not exist.")
    return generated_stubs(proto_dir, files, (out or proto_dir).resolve())


def compile_protos(path: Path, *, out: Path | None = None) -> list[Path]:
    """Compile the `.proto` files at `path` (a file or a directory) into importable stubs; return changed files.

    Stubs go to `out`, by default beside the protos; every output directory gets an `__init__.py`.
    """
    stubs = _project_stubs(path, out)
    changed = _stale(stubs)
    for target in changed:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(stubs[target])
    return changed


def stale_protos(path: Path, *, out: Path | None = None) -> list[Path]:
    """List the stubs `compile_protos(path, out=out)` would write or change (empty = up to date)."""
    return _stale(_project_stubs(path, out))
