"""`gpctl.sdk.__all__` is sorted, complete and importable."""

from __future__ import annotations

import gpctl.sdk
import gpctl.sdk.errors
import gpctl.sdk.resources
import gpctl.sdk.testing

EXPECTED = {
    "App", "DataQuery", "DataResponse", "Datasource", "Field", "Frame", "HealthResult", "InstanceSettings",
    "PluginContext", "QueryDataRequest", "Secrets", "TimeRange", "User", "serve", "serve_standalone",
    # streams, admission and conversion (loaded on first use)
    "AdmissionRequest", "ConversionQuery", "ConversionRequest", "ConversionResult", "GrafanaConfig", "GroupVersion",
    "GroupVersionKind", "MutationResult", "PublishResult", "PublishStreamRequest", "QueryConversionRequest",
    "QueryConversionResult", "RawObject", "RunStreamRequest", "StatusResult", "StreamRoute", "SubscribeResult",
    "SubscribeStreamRequest", "ValidationResult",
}  # fmt: skip


def test_all_is_sorted_and_complete() -> None:
    assert gpctl.sdk.__all__ == sorted(gpctl.sdk.__all__)
    assert set(gpctl.sdk.__all__) == EXPECTED


def test_every_name_resolves() -> None:
    for name in gpctl.sdk.__all__:
        assert getattr(gpctl.sdk, name) is not None, name


def test_submodule_surfaces() -> None:
    assert gpctl.sdk.errors.__all__ == ["ConfigurationError", "DownstreamError", "FrameError", "QueryError"]
    assert gpctl.sdk.resources.__all__ == ["ResourceRequest", "ResourceResponse", "plugin_context"]
    assert gpctl.sdk.testing.__all__ == ["PluginClient", "QueryResult", "ResourceResponse"]
    for module in (gpctl.sdk.errors, gpctl.sdk.resources, gpctl.sdk.testing):
        for name in module.__all__:
            getattr(module, name)


def test_frame_error_is_the_data_packages() -> None:
    from gpctl.sdk.data import FrameError

    assert gpctl.sdk.errors.FrameError is FrameError
    assert issubclass(gpctl.sdk.errors.DownstreamError, gpctl.sdk.errors.QueryError)
