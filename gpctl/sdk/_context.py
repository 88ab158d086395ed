"""What Grafana tells a handler about the request: `PluginContext`, `InstanceSettings`, `User`.

`InstanceSettings.json_data` / `.secure_json_data` are parsed into the dataclasses given to `Datasource(...)`
(plain dicts without them). Secure values never appear in a `repr`: the settings object hides them, and a
secure-data dataclass instance gets a `repr` that shows only the field names.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from datetime import datetime

    from gpctl.sdk._grafana_config import GrafanaConfig

__all__ = ["InstanceSettings", "PluginContext", "Secrets", "User", "masked"]

J = TypeVar("J")
S = TypeVar("S")
I = TypeVar("I")  # noqa: E741


class _StrMapping(Mapping[str, str]):
    """A read-only copy of a str -> str mapping (base of `Secrets` and `GrafanaConfig`)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, str] | None = None) -> None:
        self._data = dict(data or {})

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class Secrets(_StrMapping):
    """Decrypted `secureJsonData` as a read-only mapping whose `repr` lists keys only."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Secrets(" + ", ".join(f"{k}=***" for k in self._data) + ")"

    __str__ = __repr__


@cache
def _masked_class(cls: type) -> type:
    def __repr__(self: Any) -> str:
        names = ", ".join(f"{f.name}=***" for f in dataclasses.fields(self) if f.repr)
        return f"{cls.__qualname__}({names})"

    return type(
        cls.__name__, (cls,), {"__repr__": __repr__, "__str__": __repr__, "__qualname__": cls.__qualname__}
    )


def masked(value: Any) -> Any:
    """Return a dataclass instance whose `repr` hides every value (same fields, same type for isinstance)."""
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    sub = _masked_class(type(value))
    clone: Any = object.__new__(sub)
    for f in dataclasses.fields(value):
        object.__setattr__(clone, f.name, getattr(value, f.name))
    return clone


def _no_config() -> GrafanaConfig:
    from gpctl.sdk._grafana_config import GrafanaConfig  # on first use: the handshake does not wait for it

    return GrafanaConfig()


@dataclass(frozen=True)
class User:
    """The Grafana user behind a request (absent for backend-initiated requests such as alerting)."""

    login: str = ""
    name: str = ""
    email: str = ""
    role: str = ""


@dataclass(frozen=True)
class InstanceSettings(Generic[J, S]):
    """A datasource's (or app's) configuration; datasource-only fields are empty for apps."""

    json_data: J
    secure_json_data: S = field(repr=False)
    uid: str = ""
    name: str = ""
    url: str = ""
    user: str = ""
    database: str = ""
    basic_auth_enabled: bool = False
    basic_auth_user: str = ""
    id: int = 0
    last_updated_ms: int = 0
    api_version: str = ""
    raw_json_data: Mapping[str, Any] = field(default_factory=dict, repr=False)
    secret_keys: tuple[str, ...] = ()

    @property
    def updated(self) -> datetime:
        """When the settings were last saved (UTC)."""
        from datetime import datetime, timezone

        return datetime.fromtimestamp(self.last_updated_ms / 1000, timezone.utc)


@dataclass(frozen=True)
class PluginContext(Generic[I]):
    """Everything Grafana sends about a request's origin; `instance` is this configuration's instance.

    `headers` are the request's forwarded headers (QueryData, CheckHealth; e.g. `Authorization` when the
    datasource forwards OAuth identity), hidden from `repr`.
    """

    plugin_id: str = ""
    org_id: int = 0
    plugin_version: str = ""
    user: User | None = None
    settings: InstanceSettings[Any, Any] | None = None
    kind: str = "datasource"
    grafana_config: GrafanaConfig = field(default_factory=_no_config)
    user_agent: str = ""
    api_version: str = ""
    namespace: str = ""
    instance: I = None  # type: ignore[assignment]
    headers: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    secrets: tuple[str, ...] = field(default=(), repr=False, compare=False)

    @property
    def datasource_settings(self) -> InstanceSettings[Any, Any] | None:
        return self.settings if self.kind == "datasource" else None

    @property
    def app_settings(self) -> InstanceSettings[Any, Any] | None:
        return self.settings if self.kind == "app" else None

    def redact(self, text: str) -> str:
        """Replace every secure value of this request in `text` by `***`."""
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, "***")
        return text
