"""QueryChunkedData is answered from the ordinary query handlers: big frames arrive in row chunks."""

from __future__ import annotations

import numpy as np

from gpctl.sdk import DataQuery, Datasource, Field, Frame, PluginContext
from gpctl.sdk.errors import QueryError
from gpctl.sdk.testing import PluginClient

ds = Datasource("myorg-bulk-datasource")


@ds.query("bulk")
def bulk(query: DataQuery, ctx: PluginContext) -> list[Frame]:
    rows = 500_000  # about 4 MB of float64: sent as several chunks of about 1 MiB
    return [
        Frame("bulk", Field("value", np.arange(rows, dtype=np.float64))),
        Frame("total", Field("rows", [rows])),
    ]


@ds.query("broken")
def broken(query: DataQuery, ctx: PluginContext) -> Frame:
    raise QueryError("The table `events` does not exist.", status=400)


if __name__ == "__main__":
    with PluginClient(ds) as grafana:
        chunks = grafana.query_chunked("bulk")
        assert [c.frame_id for c in chunks].count(
            "A/0"
        ) >= 4  # one stable id for every chunk of the big frame
        assert chunks[-1].frame_id == "A/1"
        values = np.concatenate([c.frame.field("value").to_numpy() for c in chunks if c.frame_id == "A/0"])
        assert len(values) == 500_000 and values[-1] == 499_999.0

        (error,) = grafana.query_chunked("broken", ref_id="B")
        assert (error.ref_id, error.status, error.error) == ("B", 400, "The table `events` does not exist.")

        # the same handlers answer ordinary QueryData too
        assert grafana.query("bulk")["A"].frames[0].rows == 500_000
    print("streaming_chunked: ok")
