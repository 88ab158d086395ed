"""Sign through the sign API: here a local stand-in for grafana.com shows the request and the byte-exact write."""

import atexit
import json
import shutil
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from gpctl.sign import sign_directory

received: dict[str, object] = {}
SIGNED = b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n{...}\n-----BEGIN PGP SIGNATURE-----\n...\n"


class FakeGrafanaCom(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        received["path"] = self.path
        received["auth"] = self.headers["Authorization"]
        received["body"] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.send_header("Content-Length", str(len(SIGNED)))
        self.end_headers()
        self.wfile.write(SIGNED)

    def log_message(self, *args: object) -> None:
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGrafanaCom)
threading.Thread(target=server.serve_forever, daemon=True).start()

work = Path(tempfile.mkdtemp())
atexit.register(shutil.rmtree, work, True)
dist = work / "dist"
dist.mkdir()
(dist / "plugin.json").write_text(
    json.dumps({"id": "acme-weather-datasource", "type": "datasource", "info": {"version": "1.0.0"}})
)
(dist / "module.js").write_text("define([], () => ({}));\n")

# In CI: export GRAFANA_ACCESS_POLICY_TOKEN=...; GRAFANA_COM_URL only when not talking to grafana.com itself.
manifest = sign_directory(
    dist,
    token="example-token",
    api_url=f"http://127.0.0.1:{server.server_address[1]}/api",
    root_urls=["https://grafana.acme.example/"],
    signature_type="private",
)
server.shutdown()

assert received["path"] == "/api/plugins/ci/sign"
assert received["auth"] == "Bearer example-token"
body = received["body"]
assert isinstance(body, dict)
assert (body["plugin"], body["version"], body["signatureType"]) == (
    "acme-weather-datasource",
    "1.0.0",
    "private",
)
assert body["rootUrls"] == ["https://grafana.acme.example/"]
assert sorted(body["files"]) == ["module.js", "plugin.json"]
assert manifest.read_bytes() == SIGNED  # written exactly as the server sent it
print(json.dumps(body, indent=2))
