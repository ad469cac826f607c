"""The case index (claimtrack.store.index) gives the answers NaiveReads defines, computed from
the record files, however the files change: through claimtrack, by hand (in place, same size,
within one timestamp tick), by deletion, by merges and provenance links; and whatever happens
to the index file itself."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from claimtrack.ids import make_id
from claimtrack.linking import merge
from claimtrack.models import Claim, Evidence, Figure, Mention, Question, Source
from claimtrack.store.base import NaiveReads
from claimtrack.store.index import CACHE_DIR, FILE_NAME
from claimtrack.workspace import Workspace, dump_record

EXAMPLE = Path(__file__).resolve().parents[1] / "claims"
T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


class FromFiles(NaiveReads):
    """The reference: every answer computed from the record files themselves."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    def records(self):
        return self.ws.read_files()


def dump(value):
    """Records and assessments as plain, ordered data for comparison."""
    from dataclasses import asdict, is_dataclass

    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if is_dataclass(value):
        return asdict(value)
    if isinstance(value, dict):
        return [(k, dump(v)) for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        return [dump(v) for v in value]
    return value


def neighbourhood(reads, claim_id):
    near = reads.neighbourhood(claim_id)
    return (
        dump(near.claims),
        dump(near.sources),
        dump(near.evidence),
        dump(near.questions),
        sorted(str(p) for p in near.problems),
    )


QUERIES = [
    {},
    {"order": "severity"},
    {"order": "triage"},
    {"flagged": True, "figures_only": True, "order": "severity"},
    {"flagged": False},
    {"status": "unsupported"},
    {"status": "contradicted", "order": "triage"},
    {"codes": ["conflicting-figures", "single-origin"], "order": "severity"},
    {"codes": ["open-question"]},
    {"min_checkworthy": 0.5, "limit": 7},
]


def assert_same_answers(ws: Workspace, *, every_claim: bool = True) -> None:
    """Every derived read of ``ws`` (its index) equals the reference's."""
    ref = FromFiles(ws)
    records = ws.read_files()
    fields = [(key, key) for key in ("id", "text", "figures", "status", "flags", "checkworthy")]
    fields += [("claim", "id"), ("sources", "backing"), ("origins", "origins"), ("ref", "ref")]
    for query in QUERIES:
        assert ws.query_claims(**query) == ref.query_claims(**query), query
        as_json = list(ws.query_claims_json(fields, **query))
        assert as_json == list(ref.query_claims_json(fields, **query)), query
    assert dump(ws.assessments()) == dump(ref.assessments())
    claims = sorted(records.claims)
    picked = claims if every_claim else claims[:: max(1, len(claims) // 15)]
    for cid in picked:
        assert dump(ws.assessments([cid])) == dump(ref.assessments([cid])), cid
        assert neighbourhood(ws, cid) == neighbourhood(ref, cid), cid
        assert ws.claim_view(cid) == ref.claim_view(cid), cid
    assert dump(ws.assessments(["c-ffffffffffff", *picked[:3]])) == dump(
        ref.assessments(["c-ffffffffffff", *picked[:3]])
    )
    assert ws.mention_counts() == ref.mention_counts()
    assert ws.checkworthy_threshold() == ref.checkworthy_threshold()
    for sid in sorted(records.sources)[:20]:
        assert ws.claims_of_source(sid) == ref.claims_of_source(sid), sid
    for text in ("the work of 700 agents", "Klarna profit", "jobs cut in 2024"):
        assert ws.search(text, 20) == ref.search(text, 20), text
    assert sorted(map(str, ws.records().problems)) == sorted(map(str, records.problems))
    assert streamed_graphml(ws) == graphml_of(records, ref.assessments())


def streamed_graphml(ws: Workspace) -> str:
    import io

    out = io.BytesIO()
    ws.write_graphml(out)
    return out.getvalue().decode("utf-8")


def graphml_of(records, assessments) -> str:
    from claimtrack.export import prepare, render

    return render(prepare(records, assessments=assessments), "graphml")


# -- the example case ----------------------------------------------------------------------------


@pytest.fixture()
def example(tmp_path) -> Workspace:
    shutil.copytree(EXAMPLE, tmp_path / "claims", ignore=shutil.ignore_patterns(".cache"))
    return Workspace.open(tmp_path / "claims")


def test_the_example_case_gives_the_reference_answers(example):
    assert_same_answers(example)
    assert (example.root / CACHE_DIR / FILE_NAME).is_file()


@pytest.mark.parametrize("damage", ["delete", "truncate", "garbage", "old-format", "empty"])
def test_a_damaged_index_changes_no_answer(example, damage):
    before = [example.query_claims(order="triage"), dump(example.assessments())]
    path = example.root / CACHE_DIR / FILE_NAME
    example._index.close()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    if damage == "delete":
        path.unlink()
    elif damage == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(os.urandom(50_000))
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        db = sqlite3.connect(path)
        db.execute("UPDATE meta SET value = '0' WHERE key = 'format'")
        db.commit()
        db.close()
    again = Workspace.open(example.root)
    assert [again.query_claims(order="triage"), dump(again.assessments())] == before
    assert_same_answers(again, every_claim=False)


def test_a_hand_edited_claim_shows_in_the_next_claims_listing(example, run_in):
    claims = example.query_claims()
    target = claims[0]["id"]
    path = example.path_for("claim", target)
    data = path.read_text(encoding="utf-8").replace(target, target)  # same record
    record = Claim.model_validate_json(data)
    record.text = record.text + " (edited by hand)"
    edit_in_place(path, dump_record(record))
    listed = run_in(example, "claims", "--json", "--all")
    assert any(row["text"].endswith("(edited by hand)") for row in listed)


def edit_in_place(path: Path, data: bytes) -> None:
    """Rewrite a file the way some editors do: truncate and write the same inode, so the
    folder's own timestamp does not change."""
    with open(path, "r+b") as handle:
        handle.truncate(0)
        handle.write(data)


@pytest.fixture()
def run_in():
    import json

    from click.testing import CliRunner

    from claimtrack.cli import main

    def invoke(ws, *args):
        result = CliRunner().invoke(main, ["-w", str(ws.root), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        if "--json" in args and args[0] == "show":
            return json.loads(result.output)
        return [json.loads(line) for line in result.output.splitlines() if line.strip()]

    return invoke


# -- generated cases --------------------------------------------------------------------------------

COMPANIES = ["Klarna", "Northwind Pay", "Fjord Bank", "Helios Energy"]
UNITS = ["agents", "jobs", "markets", "stores"]
SUBJECTS = {
    "agents": "its assistant does the work of",
    "jobs": "it will cut",
    "markets": "it now operates in",
    "stores": "it opened",
}


def make_claim(rng: random.Random, n: int, *, bucket_unit: str | None = None) -> Claim:
    company = rng.choice(COMPANIES)
    unit = bucket_unit or rng.choice(UNITS)
    value = rng.choice([700, 853, 1200, 2000, 35, 23, rng.randint(2, 5000)])
    qualifier = rng.choice(["exact", "exact", "nearly", "more_than"])
    lead = {"exact": "", "nearly": "nearly ", "more_than": "more than "}[qualifier]
    prefix = f"{company} says {SUBJECTS[unit]} "
    figure_text = f"{lead}{value:,} {unit}"
    extra = rng.choice(["", " in Sweden", " this year", f" at plant {n % 7}"])
    text = f"{prefix}{figure_text}{extra}."
    figures = []
    if rng.random() < 0.85:
        figures.append(
            Figure(
                text=figure_text,
                start=len(prefix),
                end=len(prefix) + len(figure_text),
                value=float(value),
                unit=unit,
                kind="count",
                qualifier=qualifier,
            )
        )
    if rng.random() < 0.2:
        figures.append(Figure(text="$40 million", value=40e6, kind="currency", currency="USD"))
    claimant = company if rng.random() < 0.6 else None
    return Claim(
        id=make_id("claim", text, claimant),
        text=text,
        claimant=claimant,
        figures=figures,
        created_at=T0 + timedelta(minutes=rng.randint(0, 10_000)),
    )


def generate(ws: Workspace, rng: random.Random, n_claims: int, *, bucket_unit=None) -> None:
    n_sources = max(3, n_claims // 3)
    sources = []
    for i in range(n_sources):
        kind = rng.choice(["article"] * 5 + ["press_release", "statement", "report"])
        sources.append(
            Source(
                id=make_id("source", f"https://news.example/{i}"),
                url=f"https://news.example/{i}",
                title=f"Story {i}",
                publisher=rng.choice([*COMPANIES, "The Ledger", "Wire"]),
                kind=kind,
                retrieved_at=T0,
            )
        )
    for i, s in enumerate(sources):
        if i and rng.random() < 0.25:
            s.derived_from = [sources[rng.randrange(i)].id]
    claims = {}
    for n in range(n_claims):
        claim = make_claim(rng, n, bucket_unit=bucket_unit)
        for s in rng.sample(sources, rng.choice([1, 1, 2, 3])):
            claim.mentions.append(
                Mention(
                    source=s.id,
                    quote=claim.text,
                    claimant=rng.choice([claim.claimant, None, "a union"]),
                    hedged=rng.random() < 0.15,
                )
            )
        claims[claim.id] = claim
    ids = sorted(claims)
    evidence = [
        Evidence(
            id=make_id("evidence", str(k)),
            claim=rng.choice(ids),
            source=rng.choice(sources).id,
            stance=rng.choice(["supports", "supports", "contradicts", "context"]),
            unverified=rng.random() < 0.2,
            removed_at=T0 if rng.random() < 0.1 else None,
        )
        for k in range(n_claims // 2)
    ]
    questions = [
        Question(
            id=make_id("question", str(k)),
            claim=rng.choice(ids),
            text=f"How was figure {k} counted?",
            status=rng.choice(["open", "open", "answered"]),
        )
        for k in range(n_claims // 3)
    ]
    ws.save_many([*sources, *claims.values(), *evidence, *questions])


def mutate(ws: Workspace, rng: random.Random, step: int) -> str:
    """One change to the case, the way a user or another tool might make it."""
    claims = ws.ids("claim")
    sources = ws.ids("source")
    roll = rng.random()
    if roll < 0.15:  # a hand edit, in place
        cid = rng.choice(claims)
        record = ws.load("claim", cid)
        if record.figures and rng.random() < 0.5:
            f = record.figures[0]
            record.figures[0] = f.model_copy(update={"value": (f.value or 1) * 2})
        else:
            record.text = record.text.replace(".", "!")
        edit_in_place(ws.path_for("claim", cid), dump_record(record))
        return "hand edit"
    if roll < 0.22:  # the same size, at once: the timestamp may not move
        cid = rng.choice(ws.ids("evidence"))
        path = ws.path_for("evidence", cid)
        data = path.read_bytes()
        for a, b in ((b'"supports"', b'"context" '), (b'"context" ', b'"supports"')):
            if a in data:
                edit_in_place(path, data.replace(a, b, 1))
                break
        return "same-size edit"
    if roll < 0.3:  # a file deleted behind claimtrack's back
        kind = rng.choice(["claim", "evidence", "question", "source"])
        ids = ws.ids(kind)
        if ids:
            ws.path_for(kind, rng.choice(ids)).unlink()
        return f"deleted {kind}"
    if roll < 0.38:  # a corrupt file, then a good one
        kind = rng.choice(["claim", "evidence"])
        path = ws.root / ("claims" if kind == "claim" else "evidence") / "c-00000000bad0.json"
        path.write_text("{not json" if rng.random() < 0.5 else '{"id": 3}', encoding="utf-8")
        return "corrupt file"
    if roll < 0.48 and len(claims) > 2:
        a, b = rng.sample(claims, 2)
        merge(ws, a, b)
        return "merge"
    if roll < 0.58:  # provenance: a new derived_from link, or one removed, by hand
        sid = rng.choice(sources)
        record = ws.load("source", sid)
        if record.derived_from:
            record.derived_from = []
        else:
            other = rng.choice(sources)
            if other != sid:
                record.derived_from = [other]
        if rng.random() < 0.5:
            record.kind = rng.choice(["press_release", "article"])
        ws.save(record)
        return "provenance"
    if roll < 0.7:
        cid = rng.choice(claims)
        ws.save(
            Evidence(
                id=make_id("evidence", "step", str(step)),
                claim=cid,
                source=rng.choice(sources),
                stance=rng.choice(["supports", "contradicts"]),
            )
        )
        return "evidence"
    if roll < 0.8:
        cid = rng.choice(claims)
        ws.save(Question(id=make_id("question", "step", str(step)), claim=cid, text="Why?"))
        return "question"
    # new claims, some of them conflicting with old ones
    new = [make_claim(rng, 1000 + step * 10 + k) for k in range(rng.randint(1, 4))]
    for claim in new:
        claim.mentions.append(Mention(source=rng.choice(sources), quote=claim.text))
    ws.save_many(new)
    return "new claims"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_cases_keep_the_reference_answers_through_changes(tmp_path, seed):
    rng = random.Random(seed)
    ws, _ = Workspace.init(tmp_path / "claims")
    generate(ws, rng, 60)
    assert_same_answers(ws)
    for step in range(14):
        what = mutate(ws, rng, step)
        # Half the time the next reader is another process (a fresh object).
        if rng.random() < 0.5:
            ws = Workspace.open(ws.root)
        try:
            assert_same_answers(ws, every_claim=step % 4 == 0)
        except AssertionError as exc:
            raise AssertionError(f"after step {step} ({what}): {exc}") from exc


def test_a_large_figure_bucket_stays_right_incrementally(tmp_path):
    """Over 64 claims in one bucket: conflict detection takes its non-quadratic path."""
    rng = random.Random(7)
    ws, _ = Workspace.init(tmp_path / "claims")
    generate(ws, rng, 150, bucket_unit="agents")
    assert_same_answers(ws, every_claim=False)
    for step in range(6):
        mutate(ws, rng, step)
        assert_same_answers(ws, every_claim=False)


def test_show_notices_an_edit_to_its_own_evidence(example, run_in):
    rows = example.query_claims(order="severity")
    target = rows[0]["id"]
    shown = run_in(example, "show", target, "--json")
    evidence = example.ids("evidence")
    source = example.ids("source")[0]
    record = Evidence(
        id=make_id("evidence", "new"), claim=target, source=source, stance="contradicts"
    )
    # Written behind claimtrack's back: a new file in the folder.
    example.path_for("evidence", record.id).write_bytes(dump_record(record))
    again = Workspace.open(example.root)
    detail = FromFiles(again).assessments([target])[target]
    assert again.assessments([target])[target].status == detail.status == "contradicted"
    assert evidence != again.ids("evidence")
    assert shown != run_in(again, "show", target, "--json")


def test_reindex_rebuilds_and_reports(example, run_in):
    from click.testing import CliRunner

    from claimtrack.cli import main

    result = CliRunner().invoke(main, ["-w", str(example.root), "reindex"])
    assert result.exit_code == 0, result.output
    assert "claims" in result.output
    assert_same_answers(Workspace.open(example.root), every_claim=False)


def test_the_index_opens_read_only_and_every_table_and_view_is_documented(example):
    rows = example.query_claims()
    path = example.root / CACHE_DIR / FILE_NAME
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)  # how Datasette opens a file
    names = {
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'claim_search_%'"
        )
    }
    doc = (Path(__file__).resolve().parents[1] / "docs" / "case-index.md").read_text()
    assert {n for n in names if f"`{n}`" not in doc} == set()
    for name in names:
        db.execute(f"SELECT * FROM {name} LIMIT 3").fetchall()
    status = {
        cid: (s, (flags or "").split())
        for cid, s, flags in db.execute("SELECT id, status, flags FROM claim_status")
    }
    assert status == {r["id"]: (r["status"], [f["code"] for f in r["flags"]]) for r in rows}
    conflicts = db.execute("SELECT count(*) FROM edges WHERE relation = 'conflicts_with'")
    assert conflicts.fetchone()[0] == db.execute("SELECT count(*) FROM conflicts").fetchone()[0]
    db.close()


def test_the_rules_fingerprint_names_only_files_and_folders_that_exist():
    """A rule module that moves (match.py became a package) must not silently drop out of
    the fingerprint: a missing path would hash as empty and an old index would be trusted."""
    import claimtrack
    from claimtrack.store.index import schema

    package = Path(claimtrack.__file__).resolve().parent
    for name in schema.RULE_MODULES:
        assert (package / name).is_file(), name
    for name in schema.RULE_FOLDERS:
        assert (package / name).is_dir(), name


def test_a_batch_whose_claims_are_derived_in_worker_processes_keeps_the_answers(
    tmp_path, monkeypatch
):
    """A batch commit with many claims has them derived in forked worker processes while its
    files are written (``rows.Deriving``, ``ahead``); here from 10 claims on."""
    import threading

    from claimtrack.store.index import rows

    monkeypatch.setattr(rows, "PARALLEL_BUILD", 10)
    forked = []
    submit = rows.Deriving.__init__

    def watched(self, claims, work, scored=None, *, ahead=False):
        submit(self, claims, work, scored, ahead=ahead)
        forked.append((len(claims), ahead, len(self.futures), self.own))

    monkeypatch.setattr(rows.Deriving, "__init__", watched)
    rng = random.Random(11)
    ws, _ = Workspace.init(tmp_path / "claims")
    with ws.batch(size=100):
        generate(ws, rng, 90)
    here = threading.current_thread()
    others = [t for t in threading.enumerate() if t is not here]
    if (os.cpu_count() or 1) > 1 and all(t.name.startswith("claimtrack-write") for t in others):
        # every claim in a worker, in each batch (the write threads the first batch left
        # idle do not keep the second's in this process)
        many = [f for f in forked if f[0] > 10]
        assert len(many) >= 2, forked
        assert all(f[1:] == (True, min(os.cpu_count() or 1, 8), 0) for f in many), forked
    assert_same_answers(ws, every_claim=False)
    for step in range(3):
        with ws.batch(size=100):
            mutate(ws, rng, step)
        assert_same_answers(ws, every_claim=False)
