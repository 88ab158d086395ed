"""Target naming: Go's `os/arch` names, the files Grafana looks for, and the fail-fast for other machines."""

from gpctl.build import Target, check_buildable, host_target, parse_target
from gpctl.errors import BuildError

target = parse_target("linux/amd64")
assert target.suffix == "linux_amd64"
assert target.executable_name("gpx_weather") == "gpx_weather_linux_amd64"
assert target.contents_dir_name("gpx_weather") == "gpx_weather_linux_amd64_internal"
assert parse_target("windows/amd64").executable_name("gpx_weather") == "gpx_weather_windows_amd64.exe"

# The host is always buildable; any other target fails before anything runs.
check_buildable(host_target())
try:
    check_buildable(Target("darwin", "arm64"), host=Target("linux", "amd64"))
except BuildError as error:
    assert "cannot cross-build" in error.message
    assert error.hint is not None and "gpctl ci github" in error.hint
else:
    raise AssertionError("a darwin/arm64 build on linux/amd64 must fail")
print(f"this machine builds {host_target()} -> {host_target().executable_name('gpx_weather')}")
