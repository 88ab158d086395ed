"""Errors stay with their query: user-facing `QueryError`, `DownstreamError`, and hidden internal errors."""

from __future__ import annotations

import logging

from gpctl.sdk import DataQuery, Datasource, Frame, PluginContext
from gpctl.sdk.errors import DownstreamError, QueryError
from gpctl.sdk.testing import PluginClient

logging.disable(
    logging.CRITICAL
)  # the internal error below is logged with its traceback; keep the output quiet

ds = Datasource("myorg-errors-datasource")


@ds.query("missing")
def missing(query: DataQuery, ctx: PluginContext) -> Frame:
    raise QueryError(f"No series named `{query.json.get('series')}`.", status=404)


@ds.query("upstream")
async def upstream(query: DataQuery, ctx: PluginContext) -> Frame:
    raise DownstreamError("The metrics API answered 503; try again later.", status=502)


@ds.query("bug")
def bug(query: DataQuery, ctx: PluginContext) -> Frame:
    raise KeyError("password=hunter2")  # its text never reaches Grafana


if __name__ == "__main__":
    with PluginClient(ds) as client:
        results = client.query_many(
            [
                {"ref_id": "A", "query_type": "missing", "model": {"series": "cpu"}},
                {"ref_id": "B", "query_type": "upstream"},
                {"ref_id": "C", "query_type": "bug"},
            ]
        )
    assert (results["A"].status, results["A"].error, results["A"].error_source) == (
        404,
        "No series named `cpu`.",
        "plugin",
    )
    assert (results["B"].status, results["B"].error_source) == (502, "downstream")
    assert (results["C"].status, results["C"].error) == (500, "Internal error in query handler.")
    print("ok")
