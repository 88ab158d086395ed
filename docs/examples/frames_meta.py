"""Frame metadata, notices, and field display settings."""

from __future__ import annotations

import json

import pyarrow as pa

from gpctl.sdk.data import (
    Field,
    FieldConfig,
    Frame,
    FrameMeta,
    FrameType,
    Notice,
    NoticeSeverity,
    Threshold,
    Thresholds,
    VisType,
)

frame = Frame(
    "latency",
    Field(
        "ms",
        [12.0, 80.0],
        config=FieldConfig(
            unit="ms",
            decimals=1,
            thresholds=Thresholds([Threshold(float("-inf"), "green"), Threshold(50, "red")]),
        ),
    ),
    meta=FrameMeta(
        type=FrameType.NUMERIC_WIDE,
        executed_query_string="SELECT ms FROM t",
        preferred_visualisation_type=VisType.TABLE,
        notices=[Notice("Results were sampled.", NoticeSeverity.WARNING)],
    ),
)
schema = pa.ipc.open_file(pa.py_buffer(frame.to_arrow())).schema
meta = json.loads(schema.metadata[b"meta"])
assert meta["notices"] == [{"severity": "warning", "text": "Results were sampled."}]
assert meta["typeVersion"] == [0, 0] and meta["preferredVisualisationType"] == "table"
config = json.loads(schema.field(0).metadata[b"config"])
assert config["thresholds"]["steps"][0] == {"value": None, "color": "green"}  # -Inf is written as null
