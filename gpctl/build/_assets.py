"""Everything in `dist/` besides the backend: the frontend build, plugin.json with its placeholders filled in,
README, CHANGELOG, LICENSE and images, the way create-plugin's webpack config copies them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import IO, Any

from gpctl.errors import BuildError

__all__ = [
    "build_time",
    "copy_assets",
    "fill_placeholders",
    "run_frontend",
    "write_plugin_json",
]

_DOCS = ("README.md", "CHANGELOG.md", "LICENSE", "LICENSE.md", "LICENSE.txt")


def build_time() -> float:
    """Seconds since the epoch for the build: `SOURCE_DATE_EPOCH` when set, else now.

    Raises:
        BuildError: `SOURCE_DATE_EPOCH` is not an integer.
    """
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return time.time()
    try:
        return float(int(value))
    except ValueError:
        raise BuildError(
            f"`SOURCE_DATE_EPOCH` must be an integer (seconds since 1970); found `{value}`."
        ) from None


def fill_placeholders(text: str, *, version: str, plugin_id: str, when: float) -> str:
    """Replace `%VERSION%`, `%TODAY%` (UTC `YYYY-MM-DD`) and `%PLUGIN_ID%` as create-plugin's webpack does."""
    today = dt.datetime.fromtimestamp(when, tz=dt.timezone.utc).strftime("%Y-%m-%d")
    return text.replace("%VERSION%", version).replace("%TODAY%", today).replace("%PLUGIN_ID%", plugin_id)


def write_plugin_json(
    source: Path, dest: Path, *, version: str, plugin_id: str, when: float
) -> dict[str, Any]:
    """Write `dest` from `source` with placeholders filled in; return the parsed result."""
    text = fill_placeholders(
        source.read_text(encoding="utf-8"), version=version, plugin_id=plugin_id, when=when
    )
    data: dict[str, Any] = json.loads(text)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return data


def copy_assets(
    root: Path, src: Path, dist: Path, *, version: str, plugin_id: str, when: float
) -> list[Path]:
    """Copy README/CHANGELOG/LICENSE (from `src/` first, then the root) and `img/` into `dist`; return them."""
    copied = []
    for name in _DOCS:
        for folder in (src, root):
            path = folder / name
            if path.is_file():
                target = dist / name
                if name == "README.md":
                    text = path.read_text(encoding="utf-8")
                    target.write_text(
                        fill_placeholders(text, version=version, plugin_id=plugin_id, when=when),
                        encoding="utf-8",
                    )
                else:
                    shutil.copyfile(path, target)
                copied.append(target)
                break
    for folder in (src / "img", root / "img"):
        if folder.is_dir():
            target = dist / "img"
            shutil.copytree(folder, target, dirs_exist_ok=True)
            copied.append(target)
            break
    return copied


def run_frontend(root: Path, log: IO[str]) -> None:
    """Run `npm run build` in `root` (webpack writes `dist/`); output goes to `log`.

    Raises:
        BuildError: npm is missing, `node_modules` is missing, or the build fails.
    """
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError(
            "The project has a package.json but `npm` is not on PATH, so the frontend cannot be built.",
            hint="Install Node.js, or pass --skip-frontend to build only the backend.",
        )
    if not (root / "node_modules").is_dir():
        raise BuildError(
            f"The frontend's dependencies are not installed (`{root / 'node_modules'}` is missing).",
            hint="Run `npm install` once, or pass --skip-frontend to build only the backend.",
        )
    log.write(f"$ {npm} run build\n")
    log.flush()
    result = subprocess.run(
        [npm, "run", "build"],
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if result.returncode != 0:
        raise BuildError(f"`npm run build` failed with exit code {result.returncode}; see `{log.name}`.")
