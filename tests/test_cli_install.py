"""The installed command works as a subprocess, as a new user would run it."""

import json
import os
import subprocess
import sys


def run(*args, cwd, env=None):
    return subprocess.run(
        [sys.executable, "-m", "claimtrack", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_help_lists_commands_and_example(tmp_path):
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "Example:" in result.stdout
    for command in ("init", "claims", "show", "sources"):
        assert command in result.stdout


def test_init_then_list_as_subprocess(tmp_path):
    env = {"CLAIMTRACK_WORKSPACE": ""}
    assert run("init", cwd=tmp_path, env=env).returncode == 0
    assert (tmp_path / "claims" / "claimtrack.json").is_file()
    listed = run("claims", "--json", cwd=tmp_path, env=env)
    assert listed.returncode == 0 and listed.stdout == ""
    (tmp_path / "claims" / "claims" / "c-000000000001.json").write_text("not json")
    listed = run("claims", "--json", cwd=tmp_path, env=env)
    assert listed.returncode == 0
    assert "c-000000000001.json" in listed.stderr and "Traceback" not in listed.stderr
    missing = run("show", "c-9", cwd=tmp_path, env=env)
    assert missing.returncode == 1
    assert missing.stderr.strip().startswith("Error: no claim")
    assert len(missing.stderr.strip().splitlines()) == 1
    assert json.loads((tmp_path / "claims" / "claimtrack.json").read_text())["schema_version"] == 1
