"""docs/frames.md shows the example files verbatim."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_code_blocks_match_example_files() -> None:
    text = (DOCS / "frames.md").read_text()
    blocks = re.findall(
        r"\[`examples/(frames_\w+\.py)`\]\(examples/\1\):\n\n```python\n(.*?)\n```", text, re.S
    )
    names = sorted(p.name for p in (DOCS / "examples").glob("frames_*.py"))
    assert sorted(name for name, _ in blocks) == names
    for name, code in blocks:
        assert code == (DOCS / "examples" / name).read_text().rstrip("\n"), (
            f"docs/frames.md is out of date for {name}"
        )
