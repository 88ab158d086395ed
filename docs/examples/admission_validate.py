"""Admission control: validate and mutate a datasource's settings object before Grafana stores it."""

from __future__ import annotations

from gpctl.sdk import (
    AdmissionRequest,
    Datasource,
    MutationResult,
    PluginContext,
    StatusResult,
    ValidationResult,
)
from gpctl.sdk.testing import PluginClient

ds = Datasource("myorg-weather-datasource")


@ds.mutate_admission
def mutate(req: AdmissionRequest, ctx: PluginContext) -> MutationResult:
    obj = req.object()
    spec = obj.setdefault("spec", {})
    spec.setdefault("timeout", 10)  # fill in a default before the object is stored
    return MutationResult.allow(obj)


@ds.validate_admission
def validate(req: AdmissionRequest, ctx: PluginContext) -> ValidationResult:
    if req.operation == "DELETE":
        return ValidationResult.allow()
    url = req.object()["spec"].get("url", "")
    if url.startswith("http://"):
        return ValidationResult.deny(f"Use an https:// URL, not `{url}`.", reason="Invalid", code=422)
    warnings = ["`timeout` above 60 s makes dashboards slow."] if req.object()["spec"]["timeout"] > 60 else []
    return ValidationResult.allow(warnings=warnings)


if __name__ == "__main__":
    kind = ("weather.datasource.grafana.app", "v0alpha1", "DataSource")
    with PluginClient(ds) as grafana:
        mutated = grafana.mutate_admission({"spec": {"url": "https://api.example"}}, kind=kind)
        assert (
            mutated.allowed and mutated.object_bytes == b'{"spec":{"url":"https://api.example","timeout":10}}'
        )

        ok = grafana.validate_admission({"spec": {"url": "https://api.example", "timeout": 90}}, kind=kind)
        assert ok.allowed and ok.warnings == ("`timeout` above 60 s makes dashboards slow.",)

        denied = grafana.validate_admission(
            {"spec": {"url": "http://api.example"}}, operation="UPDATE", kind=kind
        )
        assert not denied.allowed
        assert denied.result == StatusResult(
            "Failure", "Use an https:// URL, not `http://api.example`.", "Invalid", 422
        )
    print("admission_validate: ok")
