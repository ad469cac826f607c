"""The docs cannot drift from the code: the command reference is every command's real --help,
the record tables come from the models, and every command in the tutorial prints what the
tutorial shows (docs/generate.py re-runs them in a scratch folder)."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_docs_match_the_code_and_the_tutorial_runs():
    result = subprocess.run(
        [sys.executable, str(REPO / "docs" / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr


def test_every_command_has_an_example_and_a_reference_entry():
    from click.testing import CliRunner

    from claimtrack.cli import main

    sys.path.insert(0, str(REPO / "docs"))
    try:
        import generate
    finally:
        sys.path.pop(0)
    reference = (REPO / "docs" / "reference.md").read_text(encoding="utf-8")
    commands = list(generate._commands(main, ["claimtrack"]))
    assert len(commands) >= 20
    for path, command in commands:
        assert f"## {' '.join(path)}\n" in reference, f"{path} missing from docs/reference.md"
        if not hasattr(command, "commands"):  # groups list their commands instead
            help_text = CliRunner().invoke(main, [*path[1:], "--help"]).output
            assert "Example:" in help_text, f"{' '.join(path)} --help has no example"
