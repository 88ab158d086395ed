"""Build a plugin's `dist/` with a self-contained backend per OS/arch, and package it into zips Grafana installs.

from gpctl.build import build, package
from gpctl.project import Project

project = Project.find()
result = build(project)            # dist/gpx_<exe>_<os>_<arch> for this machine
zips = package(project)            # <id>-<version>.<os>_<arch>.zip and <id>-<version>.zip
"""

from __future__ import annotations

from gpctl.build._build import ONEFILE_WARNING, Artifact, BuildEvent, BuildResult, Progress, build, work_dir
from gpctl.build._ci import RUNNERS, Runner, render_github_workflow, write_github_workflow
from gpctl.build._package import Package, package, package_all
from gpctl.build._spec import SpecOptions, render_entry, render_spec
from gpctl.build._targets import KNOWN_TARGETS, Target, check_buildable, host_libc, host_target, parse_target

__all__ = [
    "KNOWN_TARGETS",
    "ONEFILE_WARNING",
    "RUNNERS",
    "Artifact",
    "BuildEvent",
    "BuildResult",
    "Package",
    "Progress",
    "Runner",
    "SpecOptions",
    "Target",
    "build",
    "check_buildable",
    "host_libc",
    "host_target",
    "package",
    "package_all",
    "parse_target",
    "render_entry",
    "render_github_workflow",
    "render_spec",
    "work_dir",
    "write_github_workflow",
]
