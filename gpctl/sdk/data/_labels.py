"""Field labels as text: Grafana's `a=1, b=2` form and the Prometheus-like `{a="1", b="2"}` form."""

from __future__ import annotations

from collections.abc import Mapping

from gpctl.sdk.data._errors import FrameError

__all__ = ["labels_from_string", "labels_to_string"]


def labels_to_string(labels: Mapping[str, str] | None) -> str:
    """Return `key=value` pairs sorted by key and joined by `, ` (as the Go SDK's `Labels.String()`)."""
    pairs = labels or {}
    return ", ".join(f"{key}={pairs[key]}" for key in sorted(pairs))


def labels_from_string(text: str) -> dict[str, str]:
    """Parse `a=1, b=2`, `{a="1", b="2"}` or a JSON object of strings into a labels mapping.

    Raises:
        FrameError: a pair is not of the form `key=value`.
    """
    text = text.strip()
    if not text:
        return {}
    if text.startswith('{"'):
        try:
            import json

            loaded = json.loads(text)
        except ValueError:
            loaded = None
        if isinstance(loaded, dict) and all(isinstance(v, str) for v in loaded.values()):
            return {str(k): v for k, v in loaded.items()}
    labels: dict[str, str] = {}
    for pair in text.split(", "):
        parts = [p for p in pair.strip().strip("{}").split("=") if p]
        if len(parts) != 2:
            raise FrameError(f"Label pair `{pair}` is not of the form `key=value`.")
        key, value = (p.strip().strip('"{}') for p in parts)
        labels[key] = value
    return labels
