"""The GitHub Actions workflow `gpctl ci github` writes: one native job per target, then one packaging job."""

import yaml

from gpctl.build import render_github_workflow

workflow = yaml.safe_load(render_github_workflow())
targets = [m["target"] for m in workflow["jobs"]["backend"]["strategy"]["matrix"]["include"]]
assert targets == ["linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64"]
assert "backend-musl" in workflow["jobs"]  # Alpine
steps = workflow["jobs"]["package"]["steps"]
assert any("gpctl package" in step.get("run", "") for step in steps)
print(", ".join(targets), "+ musl")
