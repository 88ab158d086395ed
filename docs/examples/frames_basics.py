"""Build a frame from lists and numpy, encode it as Grafana does, and read it back."""

from __future__ import annotations

import datetime as dt

import numpy as np

from gpctl.sdk.data import Field, FieldConfig, Frame

times = np.arange("2026-01-01T00:00", "2026-01-01T00:05", dtype="datetime64[m]")  # any unit; stored as ns
frame = Frame(
    "temperature",
    Field("time", times),
    Field(
        "celsius", [21.5, 21.7, None, 22.0, 22.4], labels={"city": "Oslo"}, config=FieldConfig(unit="celsius")
    ),
    Field("ok", np.array([True, True, False, True, True])),
    ref_id="A",
)

payload = frame.to_arrow()  # one Arrow IPC file, exactly what DataResponse.frames carries
assert payload.startswith(b"ARROW1")

back = Frame.from_arrow_bytes(payload)
assert back == frame
celsius = back.field("celsius")
assert (celsius.type.value, celsius.nullable) == ("float64", True)  # a None made it nullable
assert celsius.values == [21.5, 21.7, None, 22.0, 22.4]
assert back.field("time").values[0] == dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
assert back.field("ok").nullable is False
print(back)
