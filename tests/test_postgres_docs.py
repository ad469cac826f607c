"""docs/team.md ("Working as a team") runs as written against a real PostgreSQL server: its
SQL block is run by the server's administrator, its ``export`` lines set the environment, and
each ``$ command`` of its console blocks is run in order, in a folder holding a copy of
examples/, with the output shown below it.

``python tests/test_postgres_docs.py`` rewrites the outputs in docs/team.md from a fresh
throwaway server (as docs/generate.py does for the tutorial).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "docs"))
from generate import run_console  # noqa: E402  (docs/generate.py runs the tutorial the same way)

TEAM = REPO / "docs" / "team.md"
HOST = "db.example.org"
ENV = {
    "COLUMNS": "100",
    "NO_COLOR": "1",
    "TERM": "dumb",
    "SOURCE_DATE_EPOCH": "1732352400",
    "CLAIMTRACK_WORKSPACE": "",
}
_BLOCK = re.compile(r"(```(console|sql|bash)\n)(.*?)(```)", re.S)


def run_team_doc(text: str, server) -> str:
    """``text`` with every console block's output replaced by what the commands printed."""
    here = f"127.0.0.1:{server.port}"
    env = {**os.environ, **ENV}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("PGPASSWORD", None)

    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "desk"
        scratch.mkdir()
        shutil.copytree(REPO / "examples", scratch / "examples")

        def block(match: re.Match) -> str:
            kind, body = match.group(2), match.group(3)
            if kind == "sql":
                for statement in filter(None, (s.strip() for s in body.split(";"))):
                    server.execute(statement)
                return match.group(0)
            if kind == "bash":
                for line in body.splitlines():
                    name, _, value = line.removeprefix("export ").partition("=")
                    env[name] = value.replace(HOST, here)
                return match.group(0)
            return (
                match.group(1)
                + run_console(body, cwd=scratch, env=env, host=(HOST, here))
                + match.group(4)
            )

        try:
            return _BLOCK.sub(block, text)
        finally:
            server.drop_database("klarna")
            server.execute("DROP ROLE IF EXISTS desk")


def test_the_team_page_runs_as_written(pg_server):
    text = TEAM.read_text(encoding="utf-8")
    assert run_team_doc(text, pg_server) == text, (
        "docs/team.md is stale; run: python tests/test_postgres_docs.py"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    from tests.pgserver import TempServer

    with TempServer() as server:
        TEAM.write_text(run_team_doc(TEAM.read_text(encoding="utf-8"), server), encoding="utf-8")
