"""The hclog JSON lines `serve()` writes on stderr (go-plugin parses them; protocol.md §2.6)."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from gpctl.sdk._logging import TRACE, HclogFormatter, install

GO_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def _line(level: int, msg: str, *args: object, **extra: object) -> dict[str, object]:
    record = logging.LogRecord("weather.plugin", level, __file__, 1, msg, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return json.loads(HclogFormatter().format(record))  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("level", "name"),
    [
        (TRACE, "trace"),
        (logging.DEBUG, "debug"),
        (logging.INFO, "info"),
        (logging.WARNING, "warn"),
        (logging.ERROR, "error"),
        (logging.CRITICAL, "error"),
    ],
)
def test_levels(level: int, name: str) -> None:
    assert _line(level, "x")["@level"] == name


def test_shape_and_extras() -> None:
    entry = _line(logging.INFO, "Query %s done", "A", refId="A", rows=3, obj=object())
    assert entry["@message"] == "Query A done"
    assert entry["@module"] == "weather.plugin"
    assert GO_TIMESTAMP.match(str(entry["@timestamp"]))
    assert entry["refId"] == "A" and entry["rows"] == 3
    assert str(entry["obj"]).startswith("<object object")


def test_bad_format_arguments_still_give_a_string_message() -> None:
    assert _line(logging.INFO, "%d items", "many")["@message"] == "%d items"


def test_install_writes_one_line_per_record_to_the_stream() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        install(logging.DEBUG, stream)
        logging.getLogger("a").warning("first\nsecond")
        logging.getLogger("asyncio").debug("hidden")
    finally:
        root.handlers[:], root.level = saved
    [line] = stream.getvalue().splitlines()
    assert json.loads(line)["@message"] == "first\nsecond"
    assert json.loads(line)["@level"] == "warn"
