"""What goes wrong is a FrameError naming the field and the reason."""

from __future__ import annotations

from gpctl.sdk.data import Field, Frame, FrameError

try:
    Frame("w", Field("time", [1, 2, 3], type="time"), Field("value", [1.0, 2.0]))
except FrameError as exc:
    assert str(exc) == (
        "Fields of frame `w` differ in length: `time` has 3, `value` has 2; every field needs the same number of rows."
    )
else:
    raise AssertionError("expected a FrameError")

try:
    Field("big", [2**64 - 1])
except FrameError as exc:
    assert (
        str(exc) == 'Field `big` holds an integer out of the int64 range; pass `type="uint64"` or use floats.'
    )

try:
    Field("n", [1, None], nullable=False)
except FrameError as exc:
    assert str(exc) == "Field `n` holds 1 null value(s) but was declared with `nullable=False`."
