"""The PyInstaller spec and entry script gpctl generates for a plugin backend.

The spec is the "slim" bundle of toolchain.md §8: excludes for what a plugin never needs, binary and data
filtering for the unused parts of pyarrow, and `strip --strip-unneeded` on *copies* of libpython, the interpreter's
extension modules and pyarrow's libraries only (PyInstaller's own `strip=True` strips numpy's OpenBLAS too, which
then fails to load). onedir bundles store their bytecode uncompressed: imports before the handshake skip zlib, and
the plugin's zip compresses the archive as well as PyInstaller did.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gpctl.build._deferred import DEFERRED_HOOK_SOURCE, DEFERRED_HOOKS

__all__ = [
    "DROP_BINARIES",
    "DROP_DATAS",
    "EXCLUDES",
    "OPTIONAL_MODULES",
    "STRIP_BINARIES",
    "SpecOptions",
    "render_entry",
    "render_spec",
]

EXCLUDES: tuple[str, ...] = (
    # build-time only: a bundled grpcio reaches grpc_tools -> setuptools (its runtime hook costs ~65 ms a start)
    "grpc_tools",
    "setuptools",
    "pkg_resources",
    "_distutils_hack",
    "distutils",
    "pip",
    # desktop, test and REPL tooling
    "tkinter",
    "_tkinter",
    "turtledemo",
    "idlelib",
    "lib2to3",
    "ensurepip",
    "pydoc_data",
    "doctest",
    "pytest",
    "_pytest",
    "hypothesis",
    "IPython",
    "matplotlib",
    # the gpctl toolchain (the SDK never imports it; a second line of defence)
    "typer",
    "rich",
    "click",
    "cookiecutter",
    "jinja2",
    "watchfiles",
    "PyInstaller",
    "mypy",
    "ruff",
    "gpctl.cli",
    "gpctl.build",
    "gpctl.scaffold",
    "gpctl.dev",
    "gpctl.sign",
    "gpctl.validate",
    "gpctl.launch",
    # pyarrow modules a plugin does not use (the pyarrow hook collects every submodule)
    "pyarrow.flight",
    "pyarrow._flight",
    "pyarrow.parquet",
    "pyarrow._parquet",
    "pyarrow._parquet_encryption",
    "pyarrow.dataset",
    "pyarrow._dataset",
    "pyarrow._dataset_orc",
    "pyarrow._dataset_parquet",
    "pyarrow._dataset_parquet_encryption",
    "pyarrow.orc",
    "pyarrow._orc",
    "pyarrow._s3fs",
    "pyarrow._gcsfs",
    "pyarrow._azurefs",
    "pyarrow._hdfs",
    "pyarrow.fs",
    "pyarrow._fs",
    "pyarrow.csv",
    "pyarrow._csv",
    "pyarrow.json",
    "pyarrow._json",
    "pyarrow.feather",
    "pyarrow._feather",
    "pyarrow.substrait",
    "pyarrow._substrait",
    "pyarrow.cuda",
    "pyarrow._cuda",
    "pyarrow.gandiva",
    "pyarrow.tests",
    "pyarrow.interchange",
    "pyarrow._pyarrow_cpp_tests",
    "pyarrow.benchmark",
    "pyarrow.conftest",
    "pyarrow.cffi",  # the C data interface through cffi (pulls cffi and pycparser); pyarrow itself never imports it
    "numpy.f2py",
)
"""Modules left out of every bundle."""

OPTIONAL_MODULES: tuple[str, ...] = (
    "numpy",
    "pandas",
    "polars",
    "scipy",
    "yaml",
    "requests",
    "urllib3",
    "charset_normalizer",
    "cryptography",
    "uvloop",
    "pygments",
    "grpc",
    "grpc_health",
    "grpc_status",
    "grpc_reflection",
    "grpc_channelz",
    "opentelemetry",
)
"""Left out unless the plugin's own code, its `[project] dependencies` or a package either of them brings in (through
its requirements) needs them: numpy (~41 MiB with OpenBLAS; gpctl.sdk.data builds frames from lists and pyarrow
arrays without it, and pyarrow only uses it when present), optional imports of pyarrow and numpy, `cryptography`
(14 MiB), which gpctl.sdk needs only for go-plugin's AutoMTLS, which Grafana does not enable, `uvloop` (13 MiB),
which anyio (httpx, starlette) imports only when asked to run on it, `pygments` (4 MiB of modules), which only
httpx's command line uses, grpcio and its helper packages (gpctl.sdk serves gRPC with its own HTTP/2 server on
`hpack` and protobuf; only its client side and OpenTelemetry's OTLP exporter use grpcio), and OpenTelemetry, which
gpctl.sdk imports only when Grafana asks for tracing (`gpctl[otel]` in the dependencies keeps it and grpc)."""

DROP_BINARIES: tuple[str, ...] = (
    "*libarrow_flight*",
    "*libarrow_python_flight*",
    "*libarrow_s3*",
    "*libarrow_python_parquet_encryption*",
    "*libgandiva*",
    "*libarrow_cuda*",
    "*_pyarrow_cpp_tests*",
    # the wheel ships libarrow_python three times; the loader needs only the soname copy
    "pyarrow/libarrow_python.so",
    "pyarrow/libarrow_python.so.*.*.*",
)
"""Binary destinations (fnmatch, `/`-separated) removed from the bundle."""

DROP_DATAS: tuple[str, ...] = (
    "pyarrow/include/*",
    "pyarrow/src/*",
    "pyarrow/tests/*",
    "*.pyx",
    "*.pxd",
    "*.pxi",
    "*.h",
    "*.hpp",
    "*.cc",
    "*.cpp",
    "*.lib",
)
"""Data destinations (fnmatch, `/`-separated) removed from the bundle."""

STRIP_BINARIES: tuple[str, ...] = (
    "libpython3*",
    "python3*/lib-dynload/*",
    "pyarrow/lib*",
    "pyarrow/_*",
    "google/_upb/*",
)
"""Binaries stripped (on Linux, as copies): libpython and the interpreter's extension modules (their symbols and
debug sections are ~7 MiB), pyarrow's libraries and extension modules, protobuf's upb. Never numpy or OpenBLAS."""


@dataclass(frozen=True)
class SpecOptions:
    """Everything the generated spec depends on."""

    entry: Path
    pathex: Sequence[Path]
    name: str
    contents_directory: str
    onefile: bool = False
    excludes: Sequence[str] = EXCLUDES
    hidden_imports: Sequence[str] = ()
    drop_binaries: Sequence[str] = DROP_BINARIES
    drop_datas: Sequence[str] = DROP_DATAS
    strip_binaries: Sequence[str] = STRIP_BINARIES
    strip_dir: Path | None = None
    """Where stripped copies go; `None` disables stripping (macOS, Windows, or no `strip` tool)."""
    strip_tool: str = "strip"
    optimize: int = 0
    deferred_hooks: Mapping[str, tuple[str, str]] = field(default_factory=lambda: dict(DEFERRED_HOOKS))
    """PyInstaller runtime hooks run on first use instead of at start (`gpctl.build._deferred`); empty: none."""
    extra: Mapping[str, object] = field(default_factory=dict)


_HEADER = """\
# Generated by `gpctl build` on every build; edit [tool.gpctl.build] in pyproject.toml instead.
import fnmatch
import os
import shutil
import subprocess

EXCLUDES = {excludes}
DROP_BINARIES = {drop_binaries}
DROP_DATAS = {drop_datas}
STRIP_BINARIES = {strip_binaries}
STRIP_DIR = {strip_dir}
STRIP_TOOL = {strip_tool}


def _matches(dest, patterns):
    dest = dest.replace(os.sep, "/")
    return any(fnmatch.fnmatchcase(dest, pattern) for pattern in patterns)


def _strip_copy(entry):
    dest, src, typecode = entry
    if STRIP_DIR is None or typecode not in ("BINARY", "EXTENSION") or not _matches(dest, STRIP_BINARIES):
        return entry
    copy = os.path.join(STRIP_DIR, dest)
    os.makedirs(os.path.dirname(copy), exist_ok=True)
    shutil.copyfile(src, copy)
    subprocess.run([STRIP_TOOL, "--strip-unneeded", copy], check=True)
    return (dest, copy, typecode)

{defer}
a = Analysis(
    [{entry}],
    pathex={pathex},
    hiddenimports={hidden_imports},
    excludes=EXCLUDES,
    noarchive=False,
    optimize={optimize},
)
a.binaries = [_strip_copy(e) for e in a.binaries if not _matches(e[0], DROP_BINARIES)]
a.datas = [e for e in a.datas if not _matches(e[0], DROP_DATAS + DROP_BINARIES)]
a.scripts = _defer_runtime_hooks(a.scripts, a.pure)
{pyz_level}pyz = PYZ(a.pure)
"""

_DEFER = """\

# PyInstaller runtime hooks that run when the plugin first uses their module, not before every handshake
DEFERRED_HOOKS = {deferred_hooks}
DEFERRED_HOOK_SOURCE = {deferred_source}


def _defer_runtime_hooks(scripts, pure):
    deferred, kept, position = {{}}, [], None
    for name, path, typecode in scripts:
        if name not in DEFERRED_HOOKS:
            kept.append((name, path, typecode))
            continue
        module, attribute = DEFERRED_HOOKS[name]
        deferred[module] = ("_gpctl_rth_" + module, attribute)
        pure.append(("_gpctl_rth_" + module, path, typecode.replace("PYSOURCE", "PYMODULE")))
        position = len(kept) if position is None else position
        hook_typecode = typecode
    if deferred:
        hook = os.path.join(SPECPATH, "gpctl_rth_deferred.py")
        with open(hook, "w", encoding="utf-8") as f:
            f.write(DEFERRED_HOOK_SOURCE.replace("__DEFERRED__", repr(dict(sorted(deferred.items())))))
        kept.insert(position, ("gpctl_rth_deferred", hook, hook_typecode))
    return kept

"""

_PYZ_STORED = """\
# onedir: bytecode stored uncompressed in the PYZ (~10 ms faster start; the plugin's zip compresses it anyway)
from PyInstaller.archive.writers import ZlibArchiveWriter

ZlibArchiveWriter._COMPRESSION_LEVEL = 0
"""

_ONEDIR = """\
exe = EXE(
    pyz,
    a.scripts,
    [],
    exclude_binaries=True,
    name={name},
    debug=False,
    strip=False,
    upx=False,
    console=True,
    contents_directory={contents_directory},
)
coll = COLLECT(exe, a.binaries, a.datas, strip=False, upx=False, name={name})
"""

_ONEFILE = """\
exe = EXE(
    pyz,
    a.scripts,
    a.binaries,
    a.datas,
    [],
    name={name},
    debug=False,
    strip=False,
    upx=False,
    console=True,
    runtime_tmpdir=None,
)
"""


def _triple_quoted(text: str) -> str:
    """`text` as a readable triple-quoted Python literal (it has no backslashes and no triple quotes)."""
    quotes = "'" * 3
    if "\\" in text or quotes in text:
        raise ValueError("The text has a backslash or triple quotes.")
    return quotes + "\\\n" + text + quotes


def _lit(value: object) -> str:
    """A Python literal for the spec (JSON strings and lists are valid Python)."""
    if isinstance(value, Path):
        value = value.as_posix()
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_lit(v) for v in value) + "]"
    if value is None:
        return "None"
    return json.dumps(value)


def render_spec(options: SpecOptions) -> str:
    """Return the text of the PyInstaller spec for `options`."""
    text = _HEADER.format(
        excludes=_lit(sorted(set(options.excludes))),
        drop_binaries=_lit(list(options.drop_binaries)),
        drop_datas=_lit(list(options.drop_datas)),
        strip_binaries=_lit(list(options.strip_binaries)),
        strip_dir=_lit(options.strip_dir),
        strip_tool=_lit(options.strip_tool),
        entry=_lit(options.entry),
        pathex=_lit(list(options.pathex)),
        hidden_imports=_lit(sorted(set(options.hidden_imports))),
        optimize=options.optimize,
        pyz_level="" if options.onefile else _PYZ_STORED,
        defer=_DEFER.format(
            deferred_hooks=_lit(dict(sorted((k, list(v)) for k, v in options.deferred_hooks.items()))),
            deferred_source=_triple_quoted(DEFERRED_HOOK_SOURCE),
        ),
    )
    tail = _ONEFILE if options.onefile else _ONEDIR
    return text + tail.format(name=_lit(options.name), contents_directory=_lit(options.contents_directory))


def render_entry(plugin_ref: str, build_info: Mapping[str, str]) -> str:
    """Return the entry script: import the project's plugin object and serve it with `build_info`.

    The import is a plain `import` statement so PyInstaller's analysis follows it. Before it, pyarrow's default
    memory pool becomes the system allocator (unless the environment chooses one): pyarrow's mimalloc keeps ~4 MiB
    more resident in an idle plugin, and encoding 1M-row frames was as fast or faster with the system allocator.

    When the executable is started as a multiprocessing child (the `spawn` and `forkserver` start methods and the
    resource tracker run `sys.executable` with `--multiprocessing-fork` or `-c`), it calls
    `multiprocessing.freeze_support()`, which PyInstaller's hook turns into running that child; Grafana starts the
    plugin with no arguments, so a plugin start never imports multiprocessing here.
    """
    module, _, attribute = plugin_ref.partition(":")
    lines = [
        "# Generated by `gpctl build`: serve the plugin named by [tool.gpctl] plugin in pyproject.toml.",
        "import os",
        "import sys",
        "",
        'if sys.argv[1:2] == ["--multiprocessing-fork"] or "-c" in sys.argv[1:]:',
        "    import multiprocessing",
        "",
        "    multiprocessing.freeze_support()",
        'os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")',
        f"import {module} as _module",
        "from gpctl.sdk import serve",
        "",
        f"plugin = _module.{attribute}",
        f"serve(plugin, build_info={json.dumps(dict(sorted(build_info.items())), indent=None)})",
        "",
    ]
    return "\n".join(lines)
