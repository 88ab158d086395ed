"""How a stream ends: returning ends it for good, raising makes Grafana start it again."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

from gpctl.sdk import App, PluginContext, RunStreamRequest
from gpctl.sdk.testing import PluginClient

app = App("myorg-jobs-app")  # apps stream on plugin/<plugin id>/<path>


@app.stream("jobs/{job}")
async def job_progress(req: RunStreamRequest, ctx: PluginContext) -> AsyncIterator[dict[str, object]]:
    for percent in (0, 50, 100):
        yield {"job": req.path_params["job"], "percent": percent}
    # returning: the job is done, Grafana will not restart this stream


@app.stream("feed")
def feed(req: RunStreamRequest, ctx: PluginContext) -> Iterator[dict[str, str]]:
    yield {"channel": req.channel}  # sync generators run in a worker thread
    raise ConnectionError("upstream feed closed")  # raising: Grafana re-establishes the stream


if __name__ == "__main__":
    logging.disable(logging.ERROR)  # the SDK logs the feed's traceback; expected here
    with PluginClient(app) as grafana:
        done = grafana.run_stream("jobs/backup")
        assert done.status == "ok"
        assert [p["percent"] for p in done.packets] == [0, 50, 100]

        failed = grafana.run_stream("feed")
        assert failed.packets == [{"channel": "plugin/myorg-jobs-app/feed"}]
        assert failed.status == "unknown"  # an error status: Grafana restarts the stream
        assert failed.error == "The run handler of stream `feed` raised `ConnectionError`."
    print("streaming_lifecycle: ok")
