"""Fixtures for the dev-loop tests: a copy of the fixture project and a running dev server on it."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gpctl.dev import DevEvent, DevServer
from gpctl.project import Project

FIXTURE = Path(__file__).parent / "fixtures" / "devloop"


@dataclass
class RunningDev:
    server: DevServer
    root: Path
    events: list[DevEvent] = field(default_factory=list)

    @property
    def address(self) -> str:
        return self.server.status.address

    @property
    def handler(self) -> Path:
        return self.root / "pkg" / "devloop" / "plugin.py"

    def wait_for(
        self, predicate: Callable[[DevEvent], bool], start: int = 0, timeout: float = 30.0
    ) -> DevEvent:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.events[start:]:
                if predicate(event):
                    return event
            time.sleep(0.01)
        raise AssertionError(f"no matching event in {[e.message for e in self.events]}")

    def edit(self, old: str, new: str) -> int:
        """Replace text in the handler file; returns the event index to wait from."""
        mark = len(self.events)
        self.handler.write_text(self.handler.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        return mark


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    root = tmp_path / "devloop"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.fixture
def dev_server(project_copy: Path) -> Iterator[RunningDev]:
    running = RunningDev(DevServer(Project.find(project_copy), kill_stale=False), project_copy)
    running.server._on_event = running.events.append
    thread = threading.Thread(target=running.server.run, daemon=True)
    thread.start()
    try:
        running.wait_for(lambda e: e.kind in {"ready", "error"})
        yield running
    finally:
        running.server.stop()
        thread.join(timeout=30)
