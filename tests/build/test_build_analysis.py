from __future__ import annotations

from pathlib import Path

from gpctl.build._analysis import excluded_imports, missing_excluded

WARN = """\
This file lists modules PyInstaller was not able to find.

excluded module named yaml - imported by numpy.__config__ (delayed)
excluded module named urllib3 - imported by requests (top-level), influxdb_client.rest (top-level), x (delayed)
excluded module named pandas - imported by pyarrow.pandas_compat (delayed, conditional), tables.io (top-level)
excluded module named requests - imported by pyarrow.util (delayed)
missing module named winreg - imported by platform (delayed, optional)
"""


def test_excluded_imports(tmp_path: Path) -> None:
    warn = tmp_path / "warn-x.txt"
    warn.write_text(WARN)
    table = excluded_imports(warn)
    assert sorted(table) == ["pandas", "requests", "urllib3", "yaml"]
    assert table["pandas"] == [
        ("pyarrow.pandas_compat", {"delayed", "conditional"}),
        ("tables.io", {"top-level"}),
    ]


def test_only_unexpected_top_level_importers_warn(tmp_path: Path) -> None:
    warn = tmp_path / "warn-x.txt"
    warn.write_text(WARN)
    assert missing_excluded(warn, ["yaml", "urllib3", "pandas", "requests"]) == [
        "`urllib3` is left out of the bundle, but `influxdb_client.rest` imports it; add "
        '`hidden-imports = ["urllib3"]` to [tool.gpctl.build] in pyproject.toml if the plugin needs it.',
        "`pandas` is left out of the bundle, but `tables.io` imports it; add "
        '`hidden-imports = ["pandas"]` to [tool.gpctl.build] in pyproject.toml if the plugin needs it.',
    ]
    assert missing_excluded(tmp_path / "missing.txt", ["yaml"]) == []
