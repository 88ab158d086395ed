"""Value equality for Arrow arrays where NaN equals NaN (used by `Field.__eq__`)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["arrays_equal"]


def arrays_equal(a: Any, b: Any) -> bool:
    """Return whether two arrays hold the same values and nulls, NaN equal to NaN."""
    if a.type != b.type or len(a) != len(b) or a.null_count != b.null_count:
        return False
    if not pa.types.is_floating(a.type):
        return bool(a.equals(b))
    if not a.is_null().equals(b.is_null()):
        return False
    x, y = a.fill_null(0), b.fill_null(0)
    same = pc.or_(pc.equal(x, y), pc.and_(pc.is_nan(x), pc.is_nan(y)))
    return bool(pc.all(same, min_count=0).as_py())
