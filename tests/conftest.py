"""Shared fixtures: a fresh workspace in a temp folder and a CLI runner bound to it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from claimtrack.cli import main
from claimtrack.workspace import Workspace
from tests.pgfixtures import pg, pg_run, pg_server, pg_url  # noqa: F401  (database cases)


@pytest.fixture
def ws(tmp_path, monkeypatch) -> Workspace:
    """An empty workspace at tmp_path/claims, found from tmp_path like a user's would be."""
    monkeypatch.delenv("CLAIMTRACK_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    workspace, _ = Workspace.init(tmp_path / "claims")
    return workspace


@pytest.fixture
def run(ws):
    """Run the CLI in the workspace's folder: run("claims", "--json") -> click Result."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


def snapshot_tree(root) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes, to prove nothing changed: minus the lock file
    and the derived data in ``.cache/`` (rebuilt from the records whenever it is missing)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock" and ".cache" not in p.relative_to(root).parts
    }


def case_snapshot(ws) -> dict[str, bytes]:
    """Everything a case holds, to prove a command changed nothing: a folder's files, or a
    database case's records, snapshots and settings."""
    root = getattr(ws, "root", None)
    if root is not None:
        return snapshot_tree(root)
    import json

    out = {"settings": json.dumps(ws.config()).encode()}
    for kind in ("claim", "source", "evidence", "question"):
        out.update({f"{kind}/{rid}": data for rid, data in ws.raw_records(kind)})
    out.update({f"snapshot/{sha}": ws.read_blob(sha) for sha in ws.blob_hashes()})
    return out
