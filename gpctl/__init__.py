"""gpctl: write Grafana backend plugins in Python.

`gpctl.sdk` is the runtime a plugin imports; the rest of the package is the toolchain behind the `gpctl` command.
This module must stay free of imports: a built plugin loads it on the way to `gpctl.sdk`.
"""

__version__ = "0.1.0"
