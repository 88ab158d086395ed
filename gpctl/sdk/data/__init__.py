"""Grafana data frames: build them from Python data and encode them exactly as the Go SDK does.

Importing this package is cheap: pyarrow and numpy are imported only when a field is built or a frame encoded.

Building:
    `Field(name, values, labels=None, config=None, *, type=None, nullable=None)` takes lists (None → null), numpy
    arrays (any numeric dtype, `datetime64` of any unit, masked arrays), pyarrow arrays, pandas or polars Series;
    `Frame(name, *fields, ref_id=None, meta=None)` checks that fields are equally long. `Frame.from_pandas`,
    `Frame.from_polars`, `Frame.from_arrow` and `Frame.from_records` build whole frames; `Frame.to_pandas` goes back.
    `long_to_wide`, `wide_to_long`, `wide_to_multi` and `multi_to_wide` reshape time series;
    `labels_to_string` / `labels_from_string` convert field labels to and from `a=1, b=2` text.

Encoding (for the runtime):
    - `encode_frames(frames, format="arrow"|"json", *, ref_id=None) -> list[bytes]` — the `DataResponse.frames` of
      a QueryData response: one Arrow IPC file per frame for `format="arrow"` (request format ARROW, the default),
      one frame JSON document (IncludeAll) per frame for `format="json"` (then set the response format to JSON).
      `format` may be the request's protobuf `DataFrameFormat` number (0 ARROW, 1 JSON) as is. `ref_id` fills the
      refId of frames that have none (pass the response map key).
    - `StreamPacketEncoder().encode(frame) -> bytes` — `StreamPacket.data` for RunStream: schema and data for the
      first frame (and whenever the schema changes), data only afterwards.
    - `Frame.to_arrow()`, `Frame.to_json(include="all"|"data"|"schema")`, and their decoders
      `Frame.from_arrow_bytes(b)`, `Frame.from_json(b, schema=None)`.

Errors: every problem raises `FrameError` (a `ValueError`) naming the field and the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gpctl.sdk.data._errors import FrameError
from gpctl.sdk.data._field import Field
from gpctl.sdk.data._frame import Frame, Include
from gpctl.sdk.data._labels import labels_from_string, labels_to_string
from gpctl.sdk.data._types import FieldType
from gpctl.sdk.data._wire import FrameFormat, StreamPacketEncoder, encode_frames

if TYPE_CHECKING:
    from gpctl.sdk.data._config import DataLink, EnumConfig, FieldConfig, Threshold, Thresholds
    from gpctl.sdk.data._meta import (
        DataTopic,
        FrameMeta,
        FrameType,
        InspectType,
        Notice,
        NoticeSeverity,
        QueryStat,
        VisType,
    )
    from gpctl.sdk.data._timeseries import long_to_wide, multi_to_wide, wide_to_long, wide_to_multi

__all__ = [
    "DataLink",
    "DataTopic",
    "EnumConfig",
    "Field",
    "FieldConfig",
    "FieldType",
    "Frame",
    "FrameError",
    "FrameFormat",
    "FrameMeta",
    "FrameType",
    "Include",
    "InspectType",
    "Notice",
    "NoticeSeverity",
    "QueryStat",
    "StreamPacketEncoder",
    "Threshold",
    "Thresholds",
    "VisType",
    "encode_frames",
    "labels_from_string",
    "labels_to_string",
    "long_to_wide",
    "multi_to_wide",
    "wide_to_long",
    "wide_to_multi",
]

# Loaded on first use, so a plugin's time to the handshake does not include their dataclasses (nor numpy, which
# the time series helpers import).
_LAZY = {
    **dict.fromkeys(("long_to_wide", "multi_to_wide", "wide_to_long", "wide_to_multi"), "_timeseries"),
    **dict.fromkeys(("DataLink", "EnumConfig", "FieldConfig", "Threshold", "Thresholds"), "_config"),
    **dict.fromkeys(
        (
            "DataTopic",
            "FrameMeta",
            "FrameType",
            "InspectType",
            "Notice",
            "NoticeSeverity",
            "QueryStat",
            "VisType",
        ),
        "_meta",
    ),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f"gpctl.sdk.data.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
