"""What a change names directly (claimtrack.store.derive's seeds), from records and from the
versions the case index keeps of them: the two must agree, or an edit would leave stale
assessments behind."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from claimtrack.ids import make_id
from claimtrack.models import Claim, Evidence, Figure, Mention, Question, Source
from claimtrack.store import derive
from claimtrack.store.index import CaseIndex

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def _records() -> tuple[Claim, Source, Source, Evidence, Question]:
    parent = Source(id=make_id("source", "https://wire.example/1"), title="Wire", retrieved_at=T0)
    copy = Source(
        id=make_id("source", "https://news.example/1"),
        title="Copy",
        retrieved_at=T0,
        derived_from=[parent.id],
    )
    claim = Claim(
        id=make_id("claim", "The bank cut 700 jobs", "Acme Bank"),
        text="The bank cut 700 jobs",
        claimant="Acme Bank",
        figures=[Figure(text="700 jobs", value=700, unit="job", kind="count")],
        aliases=["c-000000000001"],
        mentions=[Mention(source=copy.id, quote="The bank cut 700 jobs")],
        created_at=T0,
    )
    evidence = Evidence(
        id=make_id("evidence", "1"), claim=claim.id, source=parent.id, stance="supports"
    )
    question = Question(id=make_id("question", "1"), claim="c-000000000001", text="Since when?")
    return claim, copy, parent, evidence, question


def test_a_claim_names_itself_its_aliases_and_its_figures_when_they_change() -> None:
    claim, *_ = _records()
    assert derive.seeds("claim", None, claim) == derive.Seeds(
        claims={claim.id, "c-000000000001"}, figures={claim.id}
    )
    retagged = claim.model_copy(update={"tags": ["jobs"]})
    assert derive.seeds("claim", claim, retagged).figures == set()
    refigured = claim.model_copy(update={"figures": [Figure(text="800 jobs", value=800)]})
    assert derive.seeds("claim", claim, refigured).figures == {claim.id}
    assert derive.seeds("claim", claim, None).figures == {claim.id}


def test_sources_name_their_parents_and_evidence_and_questions_their_claims() -> None:
    claim, copy, parent, evidence, question = _records()
    assert derive.seeds("source", copy, None).sources == {copy.id, parent.id}
    unlinked = copy.model_copy(update={"derived_from": []})
    assert derive.seeds("source", copy, unlinked).sources == {copy.id, parent.id}
    assert derive.seeds("evidence", None, evidence) == derive.Seeds(claims={claim.id})
    assert derive.seeds("question", question, None) == derive.Seeds(claims={"c-000000000001"})


def test_a_record_of_another_kind_is_refused() -> None:
    claim, copy, *_ = _records()
    with pytest.raises(TypeError, match="expected a Claim, not Source"):
        derive.seeds("claim", copy, claim)


def test_the_index_keeps_enough_of_each_record_to_name_the_same(ws) -> None:
    claim, copy, parent, evidence, question = _records()
    ws.save_many([parent, copy, claim, evidence, question])
    index = CaseIndex(ws).open()
    index.sync()
    stored = [
        ("claim", claim.id, claim),
        ("source", copy.id, copy),
        ("source", parent.id, parent),
        ("evidence", evidence.id, evidence),
        ("question", question.id, question),
    ]
    olds = index._olds([(kind, rid) for kind, rid, _ in stored])
    for kind, rid, record in stored:
        # Removing the record: what the index's version names is what the record names.
        assert olds.seeds(kind, rid, None) == derive.seeds(kind, record, None), (kind, rid)
        # Replacing it by itself: a claim's figures are unchanged.
        assert olds.seeds(kind, rid, record) == derive.seeds(kind, record, record), (kind, rid)
    index.close()
