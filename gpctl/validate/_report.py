"""What `validate()` returns: findings, binaries, catalog-only notes, smoke timings; text and JSON forms."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "BinaryInfo",
    "CatalogNote",
    "Finding",
    "Report",
    "Rule",
    "Severity",
    "SmokeResult",
]

JSON_FORMAT_VERSION = 1


class Severity(str, enum.Enum):
    """How bad a finding is; the plugin-validator's levels that gpctl reports."""

    ERROR = "error"
    WARNING = "warning"
    RECOMMENDATION = "recommendation"


@dataclass(frozen=True)
class Rule:
    """One check: its stable id, the plugin-validator analyzer it belongs to, and its severity."""

    id: str
    analyzer: str
    severity: Severity
    summary: str
    official: bool = True
    """`True` when the id and severity are the plugin-validator's; `False` for gpctl's own checks."""


@dataclass(frozen=True)
class Finding:
    """A problem found by a rule; `path` is shown relative to what was validated (e.g. `dist/plugin.json`)."""

    rule: str
    analyzer: str
    severity: Severity
    path: str
    message: str

    def line(self) -> str:
        """The one-line text form: `error[rule-id] path: sentence`."""
        return f"{self.severity.value}[{self.rule}] {self.path}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "analyzer": self.analyzer,
            "severity": self.severity.value,
            "path": self.path,
            "message": self.message,
        }


@dataclass(frozen=True)
class CatalogNote:
    """A grafana.com catalog rule gpctl does not run because it fails for every non-Go backend."""

    rule: str
    analyzer: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "analyzer": self.analyzer, "reason": self.reason}


@dataclass(frozen=True)
class BinaryInfo:
    """A backend executable and what its headers say."""

    path: str
    target: str
    """`os/arch` from the file name, e.g. `linux/amd64`."""
    format: str
    """`ELF`, `Mach-O`, `PE`, or `unknown`."""
    arch: str
    """Go architecture name from the header (`amd64`, `arm64`, `arm`, `386`, ...), or `unknown`."""
    bits: int
    mode: str
    """Permission bits as four octal digits, e.g. `0755`."""
    libc: str | None = None
    """Linux only: `glibc`, `musl` or `static`."""
    glibc: str | None = None
    """Linux glibc only: the highest `GLIBC_x.y` symbol version needed by the executable and its bundle."""
    go_build_info: bool = False

    def describe(self) -> str:
        """One human line: format, arch, mode, libc."""
        if self.format == "unknown":
            return f"{self.path}: not an executable, mode {self.mode}"
        text = f"{self.path}: {self.format} {self.bits}-bit {self.arch}, mode {self.mode}"
        if self.libc == "glibc":
            text += f", glibc (needs GLIBC_{self.glibc})" if self.glibc else ", glibc"
        elif self.libc:
            text += f", {self.libc}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "target": self.target,
            "format": self.format,
            "arch": self.arch,
            "bits": self.bits,
            "mode": self.mode,
            "libc": self.libc,
            "glibc": self.glibc,
            "go_build_info": self.go_build_info,
        }


@dataclass(frozen=True)
class SmokeResult:
    """What `--smoke` measured when it launched the host-platform executable as Grafana does."""

    executable: str
    handshake_ms: float | None = None
    """From exec to the handshake line on stdout."""
    health: bool | None = None
    health_ms: float | None = None
    check_health_status: str | None = None
    """`OK`, `ERROR` or `UNKNOWN`; an `ERROR` result (e.g. missing settings) is shown, not counted."""
    check_health_message: str | None = None
    check_health_ms: float | None = None
    shutdown_ms: float | None = None
    """From the Shutdown call to the process's exit."""
    exit_code: int | None = None

    def describe(self) -> list[str]:
        lines = [f"smoke: {self.executable}"]
        if self.handshake_ms is None:
            lines.append("  did not start (see `smoke-start` above)")
            return lines
        lines.append(f"  handshake     {_ms(self.handshake_ms)}")
        if self.health is not None:
            lines.append(
                f"  health        {'SERVING' if self.health else 'NOT SERVING'} in {_ms(self.health_ms)}"
            )
        if self.check_health_status is not None:
            message = f": {self.check_health_message}" if self.check_health_message else ""
            lines.append(
                f"  CheckHealth   {self.check_health_status} in {_ms(self.check_health_ms)}{message}"
            )
        if self.shutdown_ms is not None:
            lines.append(f"  shutdown      {_ms(self.shutdown_ms)}, exit code {self.exit_code}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "executable": self.executable,
            "handshake_ms": _round(self.handshake_ms),
            "health": self.health,
            "health_ms": _round(self.health_ms),
            "check_health_status": self.check_health_status,
            "check_health_message": self.check_health_message,
            "check_health_ms": _round(self.check_health_ms),
            "shutdown_ms": _round(self.shutdown_ms),
            "exit_code": self.exit_code,
        }


def _ms(value: float | None) -> str:
    return "?" if value is None else f"{value:.0f} ms"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@dataclass
class Report:
    """The result of `validate()`: nothing is printed; the CLI renders it with `lines()` or `to_dict()`."""

    target: str
    """What was validated, as shown: a zip's file name or the plugin directory (`dist`)."""
    kind: str
    """`zip`, `dist` (a plugin directory) or `project` (a project's `dist/`)."""
    plugin_id: str = ""
    plugin_version: str = ""
    plugin_type: str = ""
    strict: bool = False
    findings: list[Finding] = field(default_factory=list)
    catalog_only: list[CatalogNote] = field(default_factory=list)
    binaries: list[BinaryInfo] = field(default_factory=list)
    smoke: SmokeResult | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def recommendations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.RECOMMENDATION]

    @property
    def ok(self) -> bool:
        """`True` when there is no error (and, with `strict`, no warning either)."""
        return not self.errors and not (self.strict and self.warnings)

    def summary(self) -> str:
        """The summary line, e.g. `myorg-x-datasource 1.0.0 (dist): 0 errors, 1 warning; valid.`."""
        name = " ".join(p for p in (self.plugin_id, self.plugin_version) if p) or "plugin"
        counts = f"{_plural(len(self.errors), 'error')}, {_plural(len(self.warnings), 'warning')}"
        if self.recommendations:
            counts += f", {_plural(len(self.recommendations), 'recommendation')}"
        if self.ok:
            verdict = "valid"
        elif not self.errors:
            verdict = "invalid (--strict: warnings fail)"
        else:
            verdict = "invalid"
        return f"{name} ({self.target}): {counts}; {verdict}."

    def lines(self) -> list[str]:
        """The full text report: findings, binaries, catalog-only section, smoke timings, summary."""
        sections: list[list[str]] = []
        if self.findings:
            sections.append([f.line() for f in self.findings])
        if self.binaries:
            sections.append(["backend executables:", *(f"  {b.describe()}" for b in self.binaries)])
        if self.catalog_only:
            sections.append(
                [
                    "catalog only: fails for non-Go backends (not run, not counted):",
                    *(f"  {n.analyzer}/{n.rule}: {n.reason}" for n in self.catalog_only),
                ]
            )
        if self.smoke is not None:
            sections.append(self.smoke.describe())
        sections.append([self.summary()])
        out: list[str] = []
        for section in sections:
            if out:
                out.append("")
            out.extend(section)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Machine-readable form with stable keys (`format` is bumped on incompatible changes)."""
        return {
            "format": JSON_FORMAT_VERSION,
            "target": self.target,
            "kind": self.kind,
            "plugin": {"id": self.plugin_id, "version": self.plugin_version, "type": self.plugin_type},
            "valid": self.ok,
            "strict": self.strict,
            "counts": {
                "error": len(self.errors),
                "warning": len(self.warnings),
                "recommendation": len(self.recommendations),
            },
            "findings": [f.to_dict() for f in self.findings],
            "binaries": [b.to_dict() for b in self.binaries],
            "catalog_only": [n.to_dict() for n in self.catalog_only],
            "smoke": None if self.smoke is None else self.smoke.to_dict(),
        }
