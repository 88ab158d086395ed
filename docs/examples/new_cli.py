"""Run `gpctl new` non-interactively, as a script or CI would, and read its output."""

import subprocess
import sys
import tempfile
from pathlib import Path

with tempfile.TemporaryDirectory() as tmp:
    flags = ["--name", "Hello", "--org", "acme", "--no-input"]
    command = [sys.executable, "-m", "gpctl", "new", "app", "hello", *flags]
    done = subprocess.run(command, cwd=tmp, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[0] == f"Created acme-hello-app (app) in {Path(tmp).resolve() / 'hello'}"
    assert "Next steps:" in done.stdout
    assert (Path(tmp) / "hello" / "pkg" / "hello" / "plugin.py").is_file()

    # A second run into the same, now non-empty, directory is refused with exit code 1.
    again = subprocess.run(command, cwd=tmp, capture_output=True, text=True, check=False)
    assert again.returncode == 1
    assert again.stderr.startswith("error: Directory `") and "pass --force to overwrite." in again.stderr
    print(done.stdout)
