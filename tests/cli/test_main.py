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
