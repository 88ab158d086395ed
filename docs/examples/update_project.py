"""Update a generated project to changed templates: unedited files are replaced, edited ones get a .gpctl-new."""

import shutil
import tempfile
from pathlib import Path

from gpctl.scaffold import render, templates_root, update

with tempfile.TemporaryDirectory() as tmp:
    project = render("datasource", Path(tmp) / "weather", {"name": "Weather", "org": "acme"})
    plugin = project / "pkg" / "weather" / "plugin.py"
    plugin.write_text(plugin.read_text() + "# my change\n")  # the user edits the backend

    # A newer gpctl's templates: the README and the backend changed, a script was added.
    templates = Path(tmp) / "templates"
    shutil.copytree(templates_root(), templates)
    source = templates / "datasource" / "{{cookiecutter.project_dir}}"
    (source / "README.md").write_text((source / "README.md").read_text() + "\nNew section.\n")
    backend = source / "pkg" / "{{cookiecutter.package_name}}" / "plugin.py"
    backend.write_text(backend.read_text() + "# upstream change\n")
    (source / "lint.sh").write_text("#!/bin/sh\nruff check .\n")

    planned = update(project, dry_run=True, templates_dir=templates)  # writes nothing
    assert not (project / "lint.sh").exists()

    result = update(project, templates_dir=templates)
    assert result.changes == planned.changes
    assert result.paths("added") == ["lint.sh"]
    assert result.paths("updated") == ["README.md"]
    assert result.conflicts == ["pkg/weather/plugin.py"]
    assert plugin.read_text().endswith("# my change\n")  # never overwritten
    template_version = project / "pkg" / "weather" / "plugin.py.gpctl-new"
    assert template_version.read_text().endswith("# upstream change\n")

    # Resolve: merge the template's version into the file, delete the .gpctl-new; the next update is clean.
    plugin.write_text(template_version.read_text() + "# my change\n")
    template_version.unlink()
    again = update(project, templates_dir=templates)
    assert {change.action for change in again.changes} == {"unchanged"}
    print(result.summary())
