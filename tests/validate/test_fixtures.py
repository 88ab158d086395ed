"""Every fixture plugin directory (one per rule and case) gives exactly its committed `.expected` report."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixture_cases import case_dirs
from validate_helpers import FIXTURES, copy_fixture

from gpctl.validate import validate

CASES = case_dirs(FIXTURES)


def test_every_case_has_expected_output() -> None:
    assert len(CASES) >= 45
    for case in CASES:
        assert case.with_name(case.name + ".expected").is_file(), case


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_fixture_report_is_exact(case: Path, tmp_path: Path) -> None:
    copy = copy_fixture(case, tmp_path / case.name)
    expected = case.with_name(case.name + ".expected").read_text()
    assert "\n".join(validate(copy).lines()) + "\n" == expected


@pytest.mark.parametrize("case", [c for c in CASES if c.parent.name == "good"], ids=lambda c: c.name)
def test_good_cases_are_valid_even_strict(case: Path, tmp_path: Path) -> None:
    report = validate(copy_fixture(case, tmp_path / case.name), strict=True)
    assert report.ok
    assert report.findings == []


def test_each_bad_case_reports_its_own_analyzer(tmp_path: Path) -> None:
    for case in CASES:
        if case.parent.name == "good":
            continue
        report = validate(copy_fixture(case, tmp_path / f"{case.parent.name}-{case.name}"))
        analyzers = {f.analyzer for f in report.findings}
        expected = {"metadata": {"metadata", "nestedmetadata"}}.get(case.parent.name, {case.parent.name})
        assert analyzers & expected, (case, analyzers)
