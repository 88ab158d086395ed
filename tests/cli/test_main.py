from __future__ import annotations

from gpctl import __version__


def test_version(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"gpctl {__version__}\n"


def test_no_args_shows_help(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli()
    assert "Usage: gpctl" in result.stdout + result.stderr
    assert result.exit_code == 2


def test_unknown_command_is_usage_error(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("frobnicate")
    assert result.exit_code == 2
    assert "No such command" in result.stderr


def test_user_error_is_one_line_with_what_to_do(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("build", str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: No plugin project at `{tmp_path}`: no pyproject.toml with a [tool.gpctl] table here or above. "
        "Run the command inside a project made by `gpctl new`, or pass its directory.\n"
    )


def test_unexpected_error_is_one_line_without_traceback(run_cli, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import gpctl.project

    def broken(start=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(gpctl.project.Project, "find", staticmethod(broken))
    result = run_cli("build", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == (
        "error: unexpected RuntimeError: disk on fire (rerun with GPCTL_DEBUG=1 for the traceback)\n"
    )

    monkeypatch.setenv("GPCTL_DEBUG", "1")
    import pytest

    with pytest.raises(RuntimeError, match="disk on fire"):
        run_cli("build", str(tmp_path))
