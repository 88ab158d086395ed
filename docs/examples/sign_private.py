"""A private signature is valid only where Grafana's root_url matches one of its root URLs; zips verify too."""

import atexit
import json
import shutil
import tempfile
from pathlib import Path

from pysequoia import Tsk

from gpctl.sign import SignatureState, sign_directory, verify

work = Path(tempfile.mkdtemp())
atexit.register(shutil.rmtree, work, True)
key = Tsk.generate("Acme Example <plugins@acme.example>")  # throwaway key, for this example only
(work / "private.asc").write_text(str(key))
(work / "public.asc").write_text(str(key.extract_certificate()))

dist = work / "acme-weather-datasource"
dist.mkdir()
(dist / "plugin.json").write_text(
    json.dumps({"id": "acme-weather-datasource", "type": "datasource", "info": {"version": "1.0.0"}})
)
(dist / "module.js").write_text("define([], () => ({}));\n")

sign_directory(dist, key=work / "private.asc", root_urls=["https://grafana.acme.example/"])
public = work / "public.asc"

# Scheme, host and the cleaned path must match; a trailing slash does not matter.
assert verify(dist, key=public, root_url="https://grafana.acme.example").is_valid
wrong = verify(dist, key=public, root_url="https://grafana.acme.example/sub/")
assert wrong.state is SignatureState.INVALID
print(wrong.state, "-", wrong.reasons[0])

# private-glob: `*` stays within one host label or path segment.
sign_directory(
    dist, key=work / "private.asc", root_urls=["https://*.acme.example/"], signature_type="private-glob"
)
assert verify(dist, key=public, root_url="https://eu.acme.example/").is_valid
assert not verify(dist, key=public, root_url="https://a.eu.acme.example/").is_valid

# The zip you ship (top folder = plugin id) gets the same verdict as the directory.
archive = shutil.make_archive(str(work / "acme-weather-datasource-1.0.0"), "zip", work, dist.name)
verdict = verify(Path(archive), key=public, root_url="https://eu.acme.example/")
assert verdict.is_valid, verdict.reasons
print(Path(archive).name, verdict.state)
