"""Sign a plugin directory with a throwaway key, verify it offline, then watch a tampered file flip the verdict."""

import atexit
import json
import shutil
import tempfile
from pathlib import Path

from pysequoia import Tsk

from gpctl.sign import SignatureState, sign_directory, verify

work = Path(tempfile.mkdtemp())
atexit.register(shutil.rmtree, work, True)

# A throwaway OpenPGP key, made for this example only (never use such a key for anything real).
key = Tsk.generate("Acme Example <plugins@acme.example>")
(work / "private.asc").write_text(str(key))
(work / "public.asc").write_text(str(key.extract_certificate()))

# A built plugin directory: plugin.json plus whatever ships.
dist = work / "dist"
(dist / "img").mkdir(parents=True)
(dist / "plugin.json").write_text(
    json.dumps({"id": "acme-weather-datasource", "type": "datasource", "info": {"version": "1.0.0"}})
)
(dist / "module.js").write_text("define([], () => ({}));\n")
(dist / "img" / "logo.svg").write_text("<svg/>\n")
(dist / "gpx_weather_linux_amd64").write_bytes(b"\x7fELF...")

manifest = sign_directory(dist, key=work / "private.asc")
assert manifest == dist / "MANIFEST.txt"
assert manifest.read_text().startswith("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n")

verdict = verify(dist, key=work / "public.asc")
assert verdict.state is SignatureState.VALID, verdict.reasons
print(verdict.state, "-", verdict.reasons[0])

# Stock Grafana checks against grafana.com's key only: a local signature is "invalid" there.
assert verify(dist).state is SignatureState.INVALID

# Any change after signing makes the plugin "modified" (Grafana never loads it, not even in dev mode).
(dist / "module.js").write_text("define([], () => ({ changed: true }));\n")
(dist / ".DS_Store").write_bytes(b"")
verdict = verify(dist, key=work / "public.asc")
assert verdict.state is SignatureState.MODIFIED
assert verdict.changed_files == ("module.js",)
assert verdict.extra_files == (".DS_Store",)
print(verdict.state, "-", " ".join(verdict.reasons))
