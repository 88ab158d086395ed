"""FrameMeta, FieldConfig, Notice and QueryStat documents."""

from __future__ import annotations

import math

from gpctl.sdk.data import (
    DataLink,
    DataTopic,
    EnumConfig,
    Field,
    FieldConfig,
    Frame,
    FrameMeta,
    FrameType,
    InspectType,
    Notice,
    NoticeSeverity,
    QueryStat,
    Threshold,
    Thresholds,
    VisType,
)


def full_meta() -> FrameMeta:
    return FrameMeta(
        type=FrameType.TIMESERIES_MULTI,
        type_version=(0, 1),
        path="p",
        path_separator="/",
        custom={"a": [1]},
        stats=[QueryStat("rows", 3.0, FieldConfig(unit="short", display_name="ignored"))],
        notices=[
            Notice("look", NoticeSeverity.ERROR, link="https://x", inspect=InspectType.DATA),
            Notice("hi"),
        ],
        channel="ds/uid/live",
        preferred_visualisation_type=VisType.NODE_GRAPH,
        preferred_visualisation_plugin_id="my-panel",
        executed_query_string="SELECT 1",
        data_topic=DataTopic.ANNOTATIONS,
        unique_row_id_fields=[0, 2],
    )


def test_frame_meta_keys_in_go_order() -> None:
    assert list(full_meta().to_dict().items()) == [
        ("type", "timeseries-multi"),
        ("typeVersion", [0, 1]),
        ("path", "p"),
        ("pathSeparator", "/"),
        ("custom", {"a": [1]}),
        ("stats", [{"displayName": "rows", "unit": "short", "value": 3.0}]),
        (
            "notices",
            [
                {"severity": "error", "text": "look", "link": "https://x", "inspect": 3},
                {"severity": "info", "text": "hi"},
            ],
        ),
        ("channel", "ds/uid/live"),
        ("preferredVisualisationType", "nodeGraph"),
        ("preferredVisualisationPluginId", "my-panel"),
        ("executedQueryString", "SELECT 1"),
        ("dataTopic", "annotations"),
        ("uniqueRowIdFields", [0, 2]),
    ]
    assert FrameMeta().to_dict() == {"typeVersion": [0, 0]}


def test_frame_meta_round_trips_and_keeps_unknown_types() -> None:
    assert FrameMeta.from_dict(full_meta().to_dict()).to_dict() == full_meta().to_dict()
    meta = FrameMeta.from_dict({"type": "some-future-type", "notices": [{"severity": 1, "text": "old"}]})
    assert meta.type == "some-future-type"
    assert meta.notices == [Notice("old", NoticeSeverity.WARNING)]
    frame = Frame("m", Field("x", [1]), meta=full_meta())
    assert Frame.from_arrow_bytes(frame.to_arrow()) == frame
    assert Frame.from_json(frame.to_json()) == frame


def full_config() -> FieldConfig:
    return FieldConfig(
        display_name="Temp",
        display_name_from_ds="t",
        path="a/b",
        description="d",
        filterable=False,
        writeable=True,
        unit="celsius",
        decimals=1,
        min=-math.inf,
        max=100.0,
        interval=60_000.0,
        mappings=[{"type": "value", "options": {"1": {"text": "one"}}}],
        thresholds=Thresholds([Threshold(-math.inf, "green"), Threshold(80.0, "red", "critical")]),
        color={"mode": "fixed", "fixedColor": "blue"},
        links=[DataLink("docs", "https://d", internal={"query": {"expr": "up"}, "datasourceUid": "u"})],
        no_value="-",
        enum=EnumConfig(text=["a", "b"], color=["red", "blue"], icon=["x"], description=["first", "second"]),
        custom={"lineWidth": 2},
    )


def test_field_config_keys_in_go_order() -> None:
    assert list(full_config().to_dict()) == [
        "displayName", "displayNameFromDS", "path", "description", "filterable", "writeable", "unit", "decimals",
        "min", "max", "interval", "mappings", "thresholds", "color", "links", "noValue", "type", "custom",
    ]  # fmt: skip
    doc = full_config().to_dict()
    assert doc["min"] is None and doc["max"] == 100.0
    assert doc["thresholds"] == {
        "mode": "absolute",
        "steps": [{"value": None, "color": "green"}, {"value": 80.0, "color": "red", "state": "critical"}],
    }
    assert doc["links"] == [
        {"title": "docs", "url": "https://d", "internal": {"query": {"expr": "up"}, "datasourceUid": "u"}}
    ]
    assert doc["type"] == {
        "enum": {
            "text": ["a", "b"],
            "color": ["red", "blue"],
            "icon": ["x"],
            "description": ["first", "second"],
        }
    }
    assert FieldConfig().to_dict() == {}


def test_field_config_round_trip() -> None:
    back = FieldConfig.from_dict(full_config().to_dict())
    assert back.to_dict() == full_config().to_dict()
    assert back.thresholds is not None and back.thresholds.steps[0].value == -math.inf
    assert back.min is not None and math.isnan(back.min)  # `null` reads back as NaN, as in Go
    assert FieldConfig.from_dict({"filterable": False}).filterable is False


def test_labels_text_forms() -> None:
    from gpctl.sdk.data import FrameError, labels_from_string, labels_to_string

    assert labels_to_string({"b": "2", "a": "1"}) == "a=1, b=2"
    assert labels_to_string(None) == ""
    assert labels_from_string("a=1, b=2") == {"a": "1", "b": "2"}
    assert labels_from_string('{service="users", method="GET"}') == {"service": "users", "method": "GET"}
    assert labels_from_string('{"a":"x=y"}') == {"a": "x=y"}
    assert labels_from_string("") == {}
    try:
        labels_from_string("novalue")
    except FrameError as exc:
        assert str(exc) == "Label pair `novalue` is not of the form `key=value`."
    else:
        raise AssertionError("expected FrameError")
