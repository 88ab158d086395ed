"""The result of a CheckHealth handler."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["HealthResult"]

HealthStatus = Literal["ok", "error", "unknown"]


@dataclass(frozen=True)
class HealthResult:
    """`HealthResult.ok(message)`, `.error(message)` or `.unknown(message)`, with optional JSON-object details."""

    status: HealthStatus
    message: str = ""
    details: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.status not in ("ok", "error", "unknown"):
            raise ValueError(f"Health status must be `ok`, `error` or `unknown`, not `{self.status}`.")
        if self.details is not None:
            if not isinstance(self.details, Mapping):
                raise TypeError(
                    f"Health details must be a JSON object (a dict), not `{type(self.details).__name__}`."
                )
            import json  # on first use: the handshake does not wait for it

            try:
                json.dumps(dict(self.details))
            except (TypeError, ValueError) as exc:
                raise TypeError(f"Health details must be JSON-serialisable: {exc}.") from None

    @classmethod
    def ok(cls, message: str = "", details: Mapping[str, Any] | None = None) -> HealthResult:
        return cls("ok", message, details)

    @classmethod
    def error(cls, message: str, details: Mapping[str, Any] | None = None) -> HealthResult:
        return cls("error", message, details)

    @classmethod
    def unknown(cls, message: str = "", details: Mapping[str, Any] | None = None) -> HealthResult:
        return cls("unknown", message, details)

    def json_details(self) -> bytes:
        """`details` encoded for `CheckHealthResponse.jsonDetails` (empty when there are none)."""
        import json

        return json.dumps(dict(self.details)).encode() if self.details is not None else b""
