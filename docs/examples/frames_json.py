"""Frame JSON for format=JSON responses and streaming packets."""

from __future__ import annotations

import json
import math

import numpy as np

from gpctl.sdk.data import Field, Frame, StreamPacketEncoder, encode_frames

frame = Frame(
    "f",
    Field("time", np.array([1_000_000_500, 2_000_000_000], dtype="datetime64[ns]")),
    Field("v", [math.nan, 1.5]),
)
doc = json.loads(frame.to_json())  # include="all": schema + data
assert doc["data"] == {
    "values": [[1000, 2000], [None, 1.5]],  # times in ms ...
    "entities": [None, {"NaN": [0]}],  # ... NaN/Inf as null plus an entity ...
    "nanos": [[500, 0], None],  # ... and the sub-millisecond rest
}
assert Frame.from_json(frame.to_json()) == frame
assert list(json.loads(frame.to_json("schema"))) == ["schema"]

# QueryData: one payload per frame in the requested format; ref_id fills frames without one.
(arrow,) = encode_frames([frame], "arrow", ref_id="A")
(as_json,) = encode_frames([frame], "json", ref_id="A")
assert arrow.startswith(b"ARROW1") and json.loads(as_json)["schema"]["refId"] == "A"

# Streaming: the schema goes with the first packet only (and again when it changes).
encoder = StreamPacketEncoder()
first = json.loads(encoder.encode(frame))
second = json.loads(encoder.encode(frame))
assert "schema" in first and list(second) == ["data"]
