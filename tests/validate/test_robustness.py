"""Whatever plugin.json holds, validate() reports findings and never crashes."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from validate_helpers import FIXTURES, copy_fixture

from gpctl.validate import validate

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)
KEYS = st.sampled_from(
    ["id", "type", "name", "backend", "executable", "alerting", "info", "dependencies", "includes", "logos"]
)
INFO_KEYS = st.sampled_from(["logos", "screenshots", "version", "keywords", "description", "links", "author"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(top=st.dictionaries(KEYS, JSON, max_size=4), info=st.dictionaries(INFO_KEYS, JSON, max_size=4))
def test_any_plugin_json_gives_a_report(top: dict[str, Any], info: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as temp:
        dist = copy_fixture(FIXTURES / "good" / "datasource", Path(temp) / "dist")
        data = json.loads((dist / "plugin.json").read_text())
        data.update(top)
        if isinstance(data.get("info"), dict):
            data["info"].update(info)
        (dist / "plugin.json").write_text(json.dumps(data))
        report = validate(dist)
        assert report.summary().endswith(("; valid.", "; invalid."))
        assert all(f.message.endswith(".") for f in report.findings)


@settings(max_examples=30, deadline=None)
@given(document=JSON)
def test_any_json_document(document: Any) -> None:
    with tempfile.TemporaryDirectory() as temp:
        dist = Path(temp) / "dist"
        shutil.copytree(FIXTURES / "good" / "datasource", dist)
        (dist / "plugin.json").write_text(json.dumps(document))
        validate(dist)
