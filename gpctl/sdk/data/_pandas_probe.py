"""Keep pyarrow's pandas probe from importing pandas into a plugin that never imported it.

With numpy installed, the first `pyarrow.array(...)` of a process asks pyarrow's lazy pandas shim whether pandas
is installed, and the shim answers by importing it: ~230 ms of CPU and tens of MiB of memory in a plugin that only
builds frames from lists. `settle()` runs that probe once, before the first conversion, with the import of
pandas refused *for the probing thread only* (a finder placed in front of a copy of `sys.meta_path`, which is
rebound, never mutated, so other threads' imports are unaffected), unless pandas is already imported. pyarrow
then remembers "no pandas".

The shim retries the import whenever pyarrow needs pandas itself (`Table.to_pandas`, `Table.from_pandas`, ...),
but `pyarrow.array(series)` only consults the remembered answer; so `settle()` re-arms the shim as soon as it sees
pandas in `sys.modules` (every field conversion calls it, pandas inputs included). A plugin that imports pandas
after its first frame and hands pandas objects to pyarrow directly gets pyarrow's pandas handling back on its
next frame, or at once by calling `pyarrow.lib._pandas_api.pd` (which is what re-arming does).
"""

from __future__ import annotations

import importlib.machinery
import sys
import threading
from collections.abc import Sequence
from typing import Any

__all__ = ["settle"]

_lock = threading.Lock()
_probed = False
_refused = False
"""Whether pyarrow currently believes pandas is missing because `settle()` refused its import."""


class _RefusePandas:
    """A meta path finder that refuses `pandas` to one thread and defers everything else."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name == "pandas" and threading.get_ident() == self.thread:
            raise ModuleNotFoundError("pandas is not imported by the plugin.", name=name)
        return None


def _shim() -> Any:
    import pyarrow.lib

    return getattr(pyarrow.lib, "_pandas_api", None)


def _pandas_loaded() -> bool:
    return sys.modules.get("pandas") is not None


def settle() -> None:
    """Probe pyarrow's pandas shim once without importing pandas; re-arm it once pandas has been imported."""
    global _probed, _refused
    if _probed:
        if _refused and _pandas_loaded():
            _rearm()
        return
    with _lock:
        if _probed:
            return
        import pyarrow as pa

        shim = _shim()
        if shim is not None and not _pandas_loaded():
            refuse = _RefusePandas()
            sys.meta_path = [refuse, *sys.meta_path]
            try:
                _refused = not shim.have_pandas
                pa.array([None])  # type inference: the C++ layer's own pandas probe (runs once per process)
            except Exception:  # e.g. `sys.modules["pandas"] = None`: pyarrow still marks pandas as tried
                _refused = True
            finally:
                sys.meta_path = [finder for finder in sys.meta_path if finder is not refuse]
        _probed = True


def _rearm() -> None:
    global _refused
    with _lock:
        if not _refused:
            return
        _refused = False
        shim = _shim()
        try:
            shim.pd  # noqa: B018 - the property retries the import of pandas (now in sys.modules)
        except ImportError:  # a pandas that pyarrow does not support: pyarrow keeps ignoring it
            pass
