"""A database case keeps its derived state (figure conflicts, each claim's assessment and
listing row) right in the transaction that changes the case, re-deriving only what a change
reaches: the answers stay NaiveReads' (computed from the records) through every kind of
change, and one more record does not re-assess the case."""

from __future__ import annotations

import random

import pytest

from claimtrack.ids import make_id
from claimtrack.linking import detach, merge
from claimtrack.models import Claim, Evidence, Mention, Question
from claimtrack.store import derive
from claimtrack.store.base import NaiveReads
from claimtrack.store.postgres import PostgresStore, records
from tests.test_case_index import T0, assert_same_answers, generate, make_claim


class Checked:
    """A database case as ``assert_same_answers`` reads a folder case: its derived reads from
    the store, and the reference from the records themselves (``read_files``, read once)."""

    def __init__(self, store: PostgresStore):
        self.store = store
        self.truth = store.records()

    def __getattr__(self, name):
        return getattr(self.store, name)

    def read_files(self):
        return self.truth

    def search(self, text: str, top: int = 100) -> list[tuple[str, float]]:
        """PostgreSQL ranks by ``ts_rank`` (it has no BM25), so the first stage is held to
        finding the same claims as the reference (all of them, none cut off); ``match.rerank``
        orders them. The reference's list when the database finds exactly its claims, the
        database's own otherwise (which the comparison then reports)."""
        from claimtrack.store.base import NaiveReads

        found = self.store.search(text, 10**6)
        reference = NaiveReads.search(self.store, text, 10**6)
        same = sorted(cid for cid, _ in found) == sorted(cid for cid, _ in reference)
        return (reference if same else found)[:top]


def check(store: PostgresStore, **options) -> None:
    assert_same_answers(Checked(store), **options)


def change(store: PostgresStore, rng: random.Random, step: int) -> str:
    """One change to the case, as a journalist's commands make them."""
    claims, sources = store.ids("claim"), store.ids("source")
    roll = rng.random()
    if roll < 0.12:
        record = store.load("claim", rng.choice(claims))
        if record.figures and rng.random() < 0.6:
            f = record.figures[0]
            record.figures[0] = f.model_copy(update={"value": (f.value or 1) * 3})
        else:
            record.claimant = rng.choice([None, "Klarna", "Fjord Bank"])
        store.save(record)
        return "claim edited"
    if roll < 0.2:
        kind = rng.choice(["claim", "evidence", "question", "source"])
        if store.ids(kind):
            store.delete(kind, rng.choice(store.ids(kind)))
        return f"{kind} deleted"
    if roll < 0.3 and len(claims) > 2:
        merge(store, *rng.sample(claims, 2))
        return "merge"
    if roll < 0.36:
        claim = store.load("claim", rng.choice(claims))
        if len({m.source for m in claim.mentions}) > 1:
            detach(store, claim.id, source=claim.mentions[-1].source, now=T0)
            return "detach"
    if roll < 0.48:
        record = store.load("source", rng.choice(sources))
        other = rng.choice(sources)
        record.derived_from = [] if record.derived_from or other == record.id else [other]
        record.kind = rng.choice(["press_release", "article", record.kind])
        store.save(record)
        return "provenance"
    if roll < 0.62:
        evidence = store.load_all("evidence")
        if evidence and rng.random() < 0.3:
            gone = rng.choice(evidence)
            store.save(gone.model_copy(update={"removed_at": T0}))
            return "evidence removed"
        store.save(
            Evidence(
                id=make_id("evidence", "step", str(step)),
                claim=rng.choice(claims),
                source=rng.choice(sources),
                stance=rng.choice(["supports", "contradicts"]),
            )
        )
        return "evidence"
    if roll < 0.72:
        cid = rng.choice(claims)
        store.save(Question(id=make_id("question", "step", str(step)), claim=cid, text="Why?"))
        return "question"
    new = [make_claim(rng, 1000 + step * 10 + k) for k in range(rng.randint(1, 4))]
    for claim in new:
        claim.mentions.append(Mention(source=rng.choice(sources), quote=claim.text))
    store.save_many(new)
    return "new claims"


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_cases_keep_the_reference_answers_through_changes(pg, seed):
    rng = random.Random(seed)
    generate(pg, rng, 60)
    check(pg)
    for step in range(16):
        what = change(pg, rng, step)
        # Half the time the next reader is another process's session.
        reader = PostgresStore.open(pg.url) if rng.random() < 0.5 else pg
        try:
            check(reader, every_claim=step % 5 == 0)
        except AssertionError as exc:
            raise AssertionError(f"after step {step} ({what}): {exc}") from exc
        finally:
            if reader is not pg:
                reader.close()


def test_a_large_figure_bucket_stays_right_incrementally(pg):
    """Over 64 claims in one bucket: conflict detection takes its non-quadratic path."""
    rng = random.Random(7)
    generate(pg, rng, 150, bucket_unit="agents")
    check(pg, every_claim=False)
    for step in range(5):
        change(pg, rng, step)
        check(pg, every_claim=False)


def test_one_more_article_re_assesses_only_the_claims_it_reaches(pg, monkeypatch):
    rng = random.Random(3)
    generate(pg, rng, 400)
    before = {r["id"]: r for r in pg.query_claims()}
    reassessed: list[set[str]] = []
    reassess = derive.reassess

    def spy(related, claim_ids):
        reassessed.append(set(claim_ids))
        return reassess(related, claim_ids)

    def whole_case(*args):
        raise AssertionError("one more article must not read the whole case")

    monkeypatch.setattr(derive, "reassess", spy)
    monkeypatch.setattr(records, "read_all", whole_case)
    source = pg.load("source", pg.ids("source")[0])
    new = make_claim(rng, 9999)
    new.mentions.append(Mention(source=source.id, quote=new.text))
    pg.save(new)
    [reached] = reassessed
    assert new.id in reached and len(reached) < 40
    after = {r["id"]: r for r in pg.query_claims()}
    assert set(after) == set(before) | {new.id}
    changed = {cid for cid in before if after[cid] != before[cid]}
    assert changed <= reached
    monkeypatch.undo()
    assert pg.query_claims() == NaiveReads.query_claims(pg)


def test_reads_inside_a_transaction_see_its_own_writes(pg):
    claim = Claim(id="c-0000000000c1", text="Fjord Bank opened 140 branches in 2024.")
    with pg.transaction():
        pg.save(claim)
        assert [r["id"] for r in pg.query_claims()] == [claim.id]
        other = PostgresStore.open(pg.url)
        assert other.query_claims() == []  # not committed yet
        pg.save(Evidence(id="e-0000000000e1", claim=claim.id, source="s-000000000001",
                         stance="contradicts"))  # fmt: skip
        assert pg.assessments([claim.id])[claim.id].status == "contradicted"
    assert other.assessments([claim.id])[claim.id].status == "contradicted"
    other.close()


def test_a_rolled_back_transaction_leaves_the_derived_state_as_it_was(pg):
    claim = Claim(id="c-0000000000c2", text="Northwind Pay hired 300 engineers.")
    pg.save(claim)
    before = pg.query_claims()
    with pytest.raises(RuntimeError):
        with pg.transaction():
            pg.save(Evidence(id="e-0000000000e2", claim=claim.id, source="s-000000000001",
                             stance="supports"))  # fmt: skip
            pg.query_claims()  # derived inside the transaction ...
            raise RuntimeError
    assert pg.query_claims() == before  # ... and rolled back with it


def test_reindex_derives_everything_afresh(pg):
    rng = random.Random(5)
    generate(pg, rng, 40)
    expected = pg.query_claims(order="severity")
    pg.db.execute("TRUNCATE claimtrack.claim_state, claimtrack.bucket_conflicts")
    counts = pg.reindex()
    assert counts["claims"] == 40 and counts["path"] == pg.location
    assert pg.query_claims(order="severity") == expected


def test_a_writer_loads_the_rules_before_it_takes_the_case_lock(pg, monkeypatch):
    """Importing the derivation rules takes a fraction of a second: done inside the lock, it
    would make every other writer of the case wait for it."""
    from claimtrack.store.postgres import derived

    assert pg.db.before_begin is derived.load_rules
    calls: list[bool] = []
    load_rules = derived.load_rules

    def spy():
        calls.append(pg.db.in_transaction)
        load_rules()

    monkeypatch.setattr(pg.db, "before_begin", spy)
    with pg.transaction():
        pg.save(Claim(id="c-0000000000c3", text="Fjord Bank closed 12 branches."))
    assert calls == [False]
    assert [r["id"] for r in pg.query_claims()] == ["c-0000000000c3"]
