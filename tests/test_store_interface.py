"""The store interface (claimtrack.store.base): every backend offers it, and the folder's
answers are the definition the faster backends are compared with."""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path

import pytest

from claimtrack.store import Store, is_database_url, open_store
from claimtrack.workspace import Workspace

EXAMPLE = Path(__file__).resolve().parents[1] / "claims"


@pytest.fixture()
def example(tmp_path) -> Workspace:
    shutil.copytree(EXAMPLE, tmp_path / "claims")
    return Workspace.open(tmp_path / "claims")


def test_the_folder_workspace_has_every_method_of_the_interface():
    wanted = {
        name
        for name, _ in inspect.getmembers(Store)
        if not name.startswith("_") and name not in {"problems"}
    }
    missing = {name for name in wanted if not hasattr(Workspace, name)}
    assert not missing


def test_open_store_picks_the_backend_by_location(example):
    assert isinstance(open_store(str(example.root)), Workspace)
    assert is_database_url("postgresql://desk@db.example.org/klarna")
    assert is_database_url("postgres://desk@db/klarna")
    assert not is_database_url("claims")
    assert not is_database_url(None)


def test_query_claims_orders_and_filters_in_the_store(example):
    every = example.query_claims()
    created = [(r["created_at"], r["id"]) for r in every]
    assert created == sorted(created)
    worst = example.query_claims(order="severity", flagged=True)
    assessed = example.assessments()
    assert [r["id"] for r in worst] == sorted(
        (r["id"] for r in worst), key=lambda cid: assessed[cid].severity()
    )
    assert all(r["flags"] for r in worst)
    assert all(r["figures"] for r in example.query_claims(figures_only=True))
    assert len(example.query_claims(limit=2)) == 2
    unsupported = example.query_claims(status="unsupported")
    assert unsupported and all(r["status"] == "unsupported" for r in unsupported)


def test_neighbourhood_holds_what_show_needs(example):
    claim = next(r for r in example.query_claims() if r["mentions"] > 2)
    near = example.neighbourhood(claim["id"])
    assert next(iter(near.claims)) == claim["id"]
    record = near.claims[claim["id"]]
    assert {m.source for m in record.mentions} <= set(near.sources)
    assert all(e.claim == claim["id"] for e in near.evidence.values())


def test_claims_of_source_and_search(example):
    source = example.ids("source")[0]
    ids = example.claims_of_source(source)
    assert ids == sorted(ids)
    assert all(any(m.source == source for m in example.load("claim", cid).mentions) for cid in ids)
    found = example.search("the work of 700 agents", top=5)
    assert found and all(isinstance(score, float) for _, score in found)
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)


def test_blob_hashes_lists_every_snapshot(example):
    hashes = list(example.blob_hashes())
    sources = example.load_all("source")
    assert {s.sha256 for s in sources if s.sha256} <= set(hashes)


def test_memory_search_reads_title_and_takes_any_text():
    from claimtrack.models import Claim
    from claimtrack.search import MemorySearch

    s = MemorySearch(
        [
            Claim(id="c-000000000001", text="The assistant handles 2.3 million chats."),
            Claim(
                id="c-000000000002",
                text="Unemployment fell last year.",
                title="Fact check: did jobless claims drop?",
            ),
        ]
    )
    assert [cid for cid, _ in s.search("jobless claims")] == ["c-000000000002"]
    # FTS5 operators and quotes in a query are words, never syntax.
    assert s.search('AND OR NOT NEAR "chats" * ^ (')[0][0] == "c-000000000001"
    assert s.search("   ...  ") == []


def test_rerank_scores_first_stage_candidates(example):
    from claimtrack.match import features, rerank

    query = features("Klarna says its assistant does the work of 700 full-time agents")
    found = example.search("Klarna assistant work of 700 full-time agents", top=20)
    claims = example.load_many("claim", [cid for cid, _ in found])
    ranked = rerank(query, [(claims[cid], s) for cid, s in found if cid in claims], top=3)
    assert ranked and "700" in claims[ranked[0].claim].text
    # Ordered by relevance (first-stage and same-claim score); each score is the same-claim score.
    assert [m.relevance for m in ranked] == sorted((m.relevance for m in ranked), reverse=True)
    assert all(0.0 <= m.score <= 1.0 for m in ranked)
