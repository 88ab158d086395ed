"""A datasource returning the Go SDK's all-types golden frame and a large numpy frame (run by test_go_host.py)."""

from __future__ import annotations

import numpy as np
from frames_golden import golden_frame

from gpctl.sdk import DataQuery, Datasource, Field, Frame, PluginContext, serve

ds = Datasource("gpctl-frames-datasource")


@ds.query("golden")
def golden(query: DataQuery, ctx: PluginContext) -> Frame:
    return golden_frame()


@ds.query("big")
def big(query: DataQuery, ctx: PluginContext) -> list[Frame]:
    rows = 100_000
    times = (1_700_000_000_000 + np.arange(rows, dtype=np.int64)).astype("datetime64[ms]")
    unnamed = Frame("big", Field("time", times), Field("value", np.linspace(0.0, 1.0, rows)))
    return [unnamed, Frame("empty", Field("value", [], type="float64"))]


if __name__ == "__main__":
    serve(ds)
