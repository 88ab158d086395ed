"""Errors raised by the gpctl toolchain.

Every error is a sentence for a human: what is wrong and what to do, values in backticks, ending with a period.
Only `gpctl.cli` turns them into output and exit codes.

    GpctlError
    ├── ProjectError        no plugin project here, or a bad `[tool.gpctl]` / plugin.json
    ├── TemplateError       unknown template, bad name, destination not empty
    ├── BuildError          building or packaging failed (carries the log path)
    ├── SignError           signing or verifying could not be carried out
    ├── DevError            the dev server or a query against a plugin failed
    └── ValidationFailed    `gpctl validate` found errors
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "BuildError",
    "DevError",
    "GpctlError",
    "ProjectError",
    "SignError",
    "TemplateError",
    "ValidationFailed",
]


class GpctlError(Exception):
    """Base of every error meant for the user; `str()` is the message."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class ProjectError(GpctlError):
    """The directory is not a plugin project, or its configuration is wrong."""


class TemplateError(GpctlError):
    """A template could not be rendered."""


class BuildError(GpctlError):
    """Building or packaging failed."""

    def __init__(self, message: str, *, hint: str | None = None, log_path: Path | None = None) -> None:
        super().__init__(message, hint=hint)
        self.log_path = log_path


class SignError(GpctlError):
    """Signing or verification could not be carried out."""


class DevError(GpctlError):
    """The dev server or a query against a plugin failed."""


class ValidationFailed(GpctlError):
    """`gpctl validate` reported errors."""
