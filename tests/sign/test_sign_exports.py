"""The public surface of `gpctl.sign` is exactly what `__all__` lists, and importing it stays cheap."""

from __future__ import annotations

import subprocess
import sys

import gpctl.sign


def test_all_is_pinned() -> None:
    assert sorted(gpctl.sign.__all__) == [
        "DEFAULT_API_URL",
        "GRAFANA_KEY_ID",
        "GRAFANA_PUBLIC_KEY",
        "MANIFEST_NAME",
        "SIGNATURE_TYPES",
        "SignEnv",
        "SignatureState",
        "Verdict",
        "build_manifest",
        "collect_files",
        "sign_directory",
        "verify",
    ]
    for name in gpctl.sign.__all__:
        assert hasattr(gpctl.sign, name), name


def test_import_loads_no_crypto_or_http() -> None:
    code = "import gpctl.sign, sys; print(sorted(m for m in sys.modules if m.split('.')[0] in {'pysequoia', 'httpx'}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
