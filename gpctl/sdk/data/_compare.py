"""Value equality for Arrow arrays where NaN equals NaN (used by `Field.__eq__`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["arrays_equal"]


def arrays_equal(a: Any, b: Any) -> bool:
    """Return whether two arrays hold the same values and nulls, NaN equal to NaN."""
    if a.type != b.type or len(a) != len(b) or a.null_count != b.null_count:
        return False
    if not pa.types.is_floating(a.type):
        return bool(a.equals(b))
    if not a.is_null().equals(b.is_null()):
        return False
    x = a.fill_null(0).to_numpy(zero_copy_only=False)
    y = b.fill_null(0).to_numpy(zero_copy_only=False)
    return bool(np.array_equal(x, y, equal_nan=True))
