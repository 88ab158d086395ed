"""Serve a project with `DevServer`, edit its handler, and see the next query run the new code.

Also: a broken save is reported and the old code keeps serving until the fix.
"""

from __future__ import annotations

import tempfile
import textwrap
import threading
import time
from pathlib import Path

from gpctl.dev import DevEvent, DevServer
from gpctl.project import Project
from gpctl.sdk.testing import PluginClient

HANDLER = """
from __future__ import annotations

from dataclasses import dataclass

from gpctl.sdk import DataQuery, Datasource, Field, Frame, PluginContext

GREETING = "hello"


@dataclass(frozen=True)
class Query:
    name: str = "world"


ds = Datasource("acme-hello-datasource")


@ds.query(model=Query)
def greet(query: DataQuery[Query], ctx: PluginContext) -> Frame:
    return Frame("greeting", Field("text", [f"{GREETING}, {query.model.name}"]))
"""


def make_project(root: Path) -> Path:
    (root / "pkg" / "hello").mkdir(parents=True)
    (root / "src").mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "hello"\nversion = "0.1.0"\n\n[tool.gpctl]\nplugin = "hello.plugin:ds"\n'
    )
    (root / "src" / "plugin.json").write_text(
        '{"type": "datasource", "name": "Hello", "id": "acme-hello-datasource", "backend": true,'
        ' "executable": "gpx_hello"}'
    )
    (root / "pkg" / "hello" / "__init__.py").write_text("")
    (root / "pkg" / "hello" / "plugin.py").write_text(textwrap.dedent(HANDLER))
    return root


def ask(client: PluginClient, want: str) -> str:
    """Query until the answer is `want` (the connection moves to the new worker right after a reload)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            text = str(client.query("", {"name": "Grafana"})["A"].frames[0].field("text").values[0])
        except Exception:
            text = ""
        if text == want or time.monotonic() > deadline:
            return text
        time.sleep(0.01)


with tempfile.TemporaryDirectory() as tmp:
    project = Project.find(make_project(Path(tmp)))
    events: list[DevEvent] = []
    server = DevServer(project, on_event=events.append, kill_stale=False)
    thread = threading.Thread(target=server.run)
    thread.start()
    try:
        while not any(e.kind in {"ready", "error"} for e in events):
            time.sleep(0.01)
        # Grafana would find this address in dist/standalone.txt, through the dist/gpx_hello_<os>_<arch> launcher.
        assert (project.dist_dir / "standalone.txt").read_text() == server.status.address

        with PluginClient.connect(server.status.address) as client:
            assert ask(client, "hello, Grafana") == "hello, Grafana"

            handler = project.source_dir / "hello" / "plugin.py"
            handler.write_text(handler.read_text().replace('"hello"', '"good morning"'))
            assert ask(client, "good morning, Grafana") == "good morning, Grafana"

            handler.write_text(handler.read_text().replace("GREETING = ", "GREETING = ("))
            while not any(e.kind == "error" for e in events):
                time.sleep(0.01)
            print("reported:", [e.message for e in events if e.kind == "error"][-1])
            assert ask(client, "good morning, Grafana") == "good morning, Grafana"  # old code still serves

            handler.write_text(
                handler.read_text().replace("GREETING = (", "GREETING = ").replace("good morning", "hi")
            )
            assert ask(client, "hi, Grafana") == "hi, Grafana"
        print(f"reloads: {server.status.reloads}, last one took {server.status.last_reload_ms:.0f} ms")
    finally:
        server.stop()
        thread.join()
    assert not (project.dist_dir / "standalone.txt").exists()  # cleaned up on exit
