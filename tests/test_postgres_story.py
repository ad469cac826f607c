"""The Klarna story (tests/test_story_klarna.py) played against a case kept in PostgreSQL:
the same steps and the same assertions, with every command reading and writing the
database."""

from __future__ import annotations

import pytest

from tests import test_story_klarna as story


@pytest.fixture
def ws(pg, tmp_path, monkeypatch):
    """The story's case: a database case, chosen by $CLAIMTRACK_WORKSPACE as a journalist
    would; the commands run from an empty folder."""
    monkeypatch.setenv("CLAIMTRACK_WORKSPACE", pg.url)
    monkeypatch.chdir(tmp_path)
    return pg


def test_klarna_story_in_a_database(ws, run, tmp_path):
    story.test_klarna_story(ws, run, tmp_path)
    assert not (tmp_path / "claims").exists()


def test_klarna_story_through_ingest_in_a_database(ws, run, tmp_path):
    story.test_klarna_story_through_ingest(ws, run, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.md"]
