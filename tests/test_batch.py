"""A batch's commit (``claimtrack.batch``): a batch whose files cannot be written leaves the case
and its index as they were."""

from __future__ import annotations

import sqlite3

import pytest

from claimtrack import atomic
from claimtrack.errors import WorkspaceError
from claimtrack.ids import make_id
from claimtrack.models import Claim
from claimtrack.store.index import CACHE_DIR, FILE_NAME
from claimtrack.workspace import Workspace


def _claims(n: int, start: int = 0) -> list[Claim]:
    texts = [f"Harbour Co said it hired {100 + i} pilots in {2000 + i}." for i in range(start, n)]
    return [Claim(id=make_id("claim", t), text=t) for t in texts]


def _indexed_claims(ws: Workspace) -> list[str]:
    db = sqlite3.connect(ws.root / CACHE_DIR / FILE_NAME)
    try:
        return sorted(i for (i,) in db.execute("SELECT id FROM claims"))
    finally:
        db.close()


def test_a_batch_whose_files_cannot_be_written_leaves_the_case_and_index_as_they_were(
    tmp_path, monkeypatch
):
    ws, _ = Workspace.init(tmp_path / "case")
    first = _claims(3)
    ws.save_many(first)
    before = {p.name: p.read_bytes() for p in (ws.root / "claims").iterdir()}
    assert _indexed_claims(ws) == sorted(c.id for c in first)

    def failing(blobs, records):
        raise WorkspaceError(f"cannot write to {records[0][0].parent}: No space left on device")

    monkeypatch.setattr(atomic, "write_batch", failing)
    with pytest.raises(WorkspaceError, match="No space left"):
        with ws.batch(size=1000):
            ws.save_many(_claims(40, start=3))
    assert {p.name: p.read_bytes() for p in (ws.root / "claims").iterdir()} == before
    assert _indexed_claims(ws) == sorted(c.id for c in first)  # the batch's rows rolled back
    monkeypatch.undo()
    assert sorted(r["id"] for r in ws.query_claims()) == sorted(c.id for c in first)
    assert ws.verify().ok
