"""`gpctl ci github`: a GitHub Actions workflow that builds every target on its own native runner.

PyInstaller cannot cross-build, so each `gpx_<exe>_<os>_<arch>` is built by one job on a runner of that platform:
linux/amd64 and linux/arm64 inside a manylinux_2_28 container (glibc 2.28 floor: the bundle runs on RHEL 8,
Ubuntu 20.04 and newer, not only on the build machine's glibc), macOS Intel and Apple Silicon, Windows, plus an
Alpine job for musl. One final job builds the frontend once, merges the backends into one `dist/`, packages
per-arch and all-arch zips, signs them when a token is configured, and on a `v*` tag drafts a release.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gpctl.build._targets import parse_target
from gpctl.errors import BuildError

__all__ = ["RUNNERS", "Runner", "render_github_workflow", "write_github_workflow"]


@dataclass(frozen=True)
class Runner:
    target: str
    runs_on: str
    container: str = ""
    """A Linux image to build in (the glibc floor); empty for the runner itself."""


RUNNERS: tuple[Runner, ...] = (
    Runner("linux/amd64", "ubuntu-latest", "quay.io/pypa/manylinux_2_28_x86_64"),
    Runner("linux/arm64", "ubuntu-24.04-arm", "quay.io/pypa/manylinux_2_28_aarch64"),
    Runner("darwin/amd64", "macos-15-intel"),
    Runner("darwin/arm64", "macos-14"),
    Runner("windows/amd64", "windows-latest"),
)

_TEMPLATE = """\
# Written by `gpctl ci github`. One job per target on a native runner (PyInstaller cannot cross-build),
# then one job that merges the backends, packages per-arch zips, signs and drafts a release.
name: Build plugin

on:
  push:
    branches: [main]
    tags: ["v*"]
  pull_request:
  workflow_dispatch:

permissions:
  contents: read

env:
  PYTHON_VERSION: "@PYTHON@"
  NODE_VERSION: "@NODE@"

jobs:
  backend:
    name: backend ${{ matrix.target }}
    runs-on: ${{ matrix.runs-on }}
    container: ${{ matrix.container }}
    strategy:
      fail-fast: false
      matrix:
        include:
@MATRIX@
    steps:
      - uses: actions/checkout@v4
      - name: Python with a shared libpython (manylinux_2_28 container)
        if: matrix.container != ''
        run: |
          dnf install -y python${PYTHON_VERSION} python${PYTHON_VERSION}-devel binutils
          python${PYTHON_VERSION} -m venv /opt/gpctl
          echo /opt/gpctl/bin >> "$GITHUB_PATH"
      - name: Python
        if: matrix.container == ''
        uses: actions/setup-python@v5
        with:
          python-version: ${{ env.PYTHON_VERSION }}
      - name: Install the plugin and gpctl
        run: python -m pip install .
      - name: Build the backend
        run: gpctl build --target ${{ matrix.target }} --skip-frontend
      - uses: actions/upload-artifact@v4
        with:
          name: backend-${{ matrix.suffix }}
          path: dist/
          if-no-files-found: error
@MUSL@
  package:
    name: package, sign, release
    needs: [@NEEDS@]
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: ${{ env.PYTHON_VERSION }}
      - uses: actions/setup-node@v4
        with:
          node-version: ${{ env.NODE_VERSION }}
      - name: Install gpctl
        run: python -m pip install .
      - name: Build the frontend
        if: hashFiles('package.json') != ''
        run: |
          npm ci
          npm run build
      - name: Merge the backends into dist/
        uses: actions/download-artifact@v4
        with:
          pattern: backend-*
          path: dist
          merge-multiple: true
      - name: Package (signed when GRAFANA_ACCESS_POLICY_TOKEN is set)
        env:
          GRAFANA_ACCESS_POLICY_TOKEN: ${{ secrets.GRAFANA_ACCESS_POLICY_TOKEN }}
        run: |
          if [ -n "$GRAFANA_ACCESS_POLICY_TOKEN" ]; then
            gpctl package --out packages --sign
          else
            gpctl package --out packages
          fi
      - name: Validate the linux/amd64 zip
        run: gpctl validate --target linux/amd64 packages/*.linux_amd64.zip
@MUSL_PACKAGE@
      - uses: actions/upload-artifact@v4
        with:
          name: packages
          path: packages/
      - name: Draft a release
        if: startsWith(github.ref, 'refs/tags/v')
        env:
          GH_TOKEN: ${{ github.token }}
        run: gh release create "$GITHUB_REF_NAME" --draft --title "$GITHUB_REF_NAME" packages/*
"""

_MUSL_JOB = """
  backend-musl:
    name: backend linux/amd64 (musl, Alpine)
    runs-on: ubuntu-latest
    container: python:@PYTHON@-alpine
    steps:
      - uses: actions/checkout@v4
      - name: Install the plugin and gpctl
        run: |
          apk add --no-cache binutils build-base
          python -m pip install .
      - name: Build the backend
        run: gpctl build --target linux/amd64 --libc musl --skip-frontend
      - uses: actions/upload-artifact@v4
        with:
          name: musl-linux_amd64
          path: dist/
          if-no-files-found: error
"""

_MUSL_PACKAGE = """\
      - name: Download the musl build
        uses: actions/download-artifact@v4
        with:
          name: musl-linux_amd64
          path: dist-musl
      - name: Package the musl build
        env:
          GRAFANA_ACCESS_POLICY_TOKEN: ${{ secrets.GRAFANA_ACCESS_POLICY_TOKEN }}
        run: |
          if [ -n "$GRAFANA_ACCESS_POLICY_TOKEN" ]; then
            gpctl package --dist dist-musl --out packages --variant musl --sign
          else
            gpctl package --dist dist-musl --out packages --variant musl
          fi"""


def render_github_workflow(
    *, runners: tuple[Runner, ...] = RUNNERS, musl: bool = True, python: str = "3.11", node: str = "22"
) -> str:
    """Return the workflow YAML for `runners` (and the Alpine/musl job when `musl`)."""
    matrix = []
    for runner in runners:
        matrix.append(
            f"          - target: {runner.target}\n"
            f"            suffix: {parse_target(runner.target).suffix}\n"
            f"            runs-on: {runner.runs_on}\n"
            f'            container: "{runner.container}"'
        )
    needs = ["backend", "backend-musl"] if musl else ["backend"]
    return (
        _TEMPLATE.replace("@MUSL@\n", _MUSL_JOB if musl else "")
        .replace("@PYTHON@", python)
        .replace("@NODE@", node)
        .replace("@MATRIX@", "\n".join(matrix))
        .replace("@NEEDS@", ", ".join(needs))
        .replace("@MUSL_PACKAGE@\n", _MUSL_PACKAGE + "\n" if musl else "")
    )


def write_github_workflow(
    root: Path, *, path: Path | None = None, force: bool = False, musl: bool = True, python: str = "3.11"
) -> Path:
    """Write the workflow to `<root>/.github/workflows/build.yml` (or `path`); return where it went.

    Raises:
        BuildError: the file exists and `force` is false.
    """
    dest = path or root / ".github" / "workflows" / "build.yml"
    if dest.exists() and not force:
        raise BuildError(f"`{dest}` already exists; pass --force to overwrite it.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(render_github_workflow(musl=musl, python=python), encoding="utf-8")
    return dest
