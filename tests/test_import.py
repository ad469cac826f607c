"""claimtrack import: JSON Lines and ClaimReview JSON-LD, all-or-nothing, idempotent."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from conftest import snapshot_tree

from claimtrack.errors import InputError
from claimtrack.importer import import_items, parse
from claimtrack.match import is_same_claim

LINES = [
    {
        "text": "Klarna's AI assistant does the work of 700 agents",
        "ref": "fc-0001",
        "claimant": "Klarna",
        "source": "https://news.example/klarna-ai?utm_source=feed",
        "date": "2024-02-27",
    },
    {"text": "Klarna will cut nearly 2,000 jobs", "ref": "fc-0002", "source": "Wire service"},
    {"text": "Revenue grew 27% in the quarter", "title": "Did Tael's Revenue Really Grow?"},
]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_jsonl_import_creates_claims_sources_and_mentions(ws, run, tmp_path):
    path = write_jsonl(tmp_path / "claims.jsonl", LINES)
    result = run("import", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"new": 3, "updated": 0, "unchanged": 0, "sources": 2}
    claims = {c.text: c for c in ws.load_all("claim")}
    agents = claims[LINES[0]["text"]]
    assert agents.ref == "fc-0001" and agents.claimant == "Klarna"
    assert agents.created_at.date().isoformat() == "2024-02-27"
    assert [f.value for f in agents.figures] == [700]
    (source,) = [s for s in ws.load_all("source") if s.url]
    assert source.url == "https://news.example/klarna-ai"  # as ingest would name it
    assert agents.mentions[0].source == source.id
    named = [s for s in ws.load_all("source") if not s.url]
    assert named[0].title == "Wire service"
    # Imported claims are matchable straight away.
    found = run("match", "Klarna's chatbot handles the workload of 700 staff", "--json")
    top = json.loads(found.output)["matches"][0]
    assert top["ref"] == "fc-0001" and is_same_claim(top["score"])


def test_importing_the_same_file_again_changes_nothing(ws, run, tmp_path):
    path = write_jsonl(tmp_path / "claims.jsonl", LINES)
    run("import", str(path))
    before = snapshot_tree(ws.root)
    result = run("import", str(path))
    assert result.exit_code == 0
    assert "0 new, 0 updated, 3 unchanged" in result.output
    assert snapshot_tree(ws.root) == before


def test_a_bad_line_is_named_and_nothing_is_written(ws, run, tmp_path):
    before = snapshot_tree(ws.root)
    for content, message in (
        ('{"text": "fine"}\n{"text": \n', "line 2 is not JSON"),
        ('{"text": "fine"}\n{"ref": "x"}\n', "line 2: no 'text'"),
        ('{"text": "fine", "date": "27/02/2024"}\n', "is not YYYY-MM-DD"),
        ('{"text": ["a list"]}\n', "'text' must be a string"),
    ):
        path = tmp_path / "bad.jsonl"
        path.write_text(content, encoding="utf-8")
        result = run("import", str(path))
        assert result.exit_code == 1 and message in result.output, result.output
        assert "Traceback" not in result.output
    result = run("import", str(tmp_path / "missing.jsonl"))
    assert result.exit_code == 1 and "no such file" in result.output
    assert snapshot_tree(ws.root) == before


CLAIMREVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example/reviews/klarna-700",
    "claimReviewed": "Klarna's AI assistant does the work of 700 agents",
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": "Klarna"},
        "datePublished": "2024-02-27",
        "appearance": [
            {"@type": "CreativeWork", "url": "https://news.example/a"},
            {"@type": "CreativeWork", "url": "https://news.example/b"},
        ],
        "firstAppearance": {"@type": "CreativeWork", "url": "https://news.example/a"},
    },
    "reviewRating": {"@type": "Rating", "alternateName": "Unsupported"},
    "author": {"@type": "Organization", "name": "Factcheck Desk"},
}


def test_claimreview_single_object_list_and_graph():
    (one,) = parse(json.dumps(CLAIMREVIEW))
    assert one.text == CLAIMREVIEW["claimReviewed"]
    assert one.claimant == "Klarna"
    assert one.ref == "https://factcheck.example/reviews/klarna-700"
    assert one.sources == ["https://news.example/a", "https://news.example/b"]
    assert one.date == "2024-02-27"
    assert one.tags == ["rating:Unsupported"]
    other = dict(CLAIMREVIEW, claimReviewed="Klarna will cut nearly 2,000 jobs")
    assert len(parse(json.dumps([CLAIMREVIEW, other]))) == 2
    graph = {"@context": "https://schema.org", "@graph": [CLAIMREVIEW, other]}
    assert [i.text for i in parse(json.dumps(graph))] == [
        CLAIMREVIEW["claimReviewed"],
        other["claimReviewed"],
    ]


def test_titles_are_read_kept_and_shown(ws, run, tmp_path):
    run("import", str(write_jsonl(tmp_path / "claims.jsonl", LINES)))
    claims = {c.text: c for c in ws.load_all("claim")}
    revenue = claims["Revenue grew 27% in the quarter"]
    assert revenue.title == "Did Tael's Revenue Really Grow?"
    assert claims[LINES[0]["text"]].title is None
    shown = run("show", revenue.id)
    assert "title: Did Tael's Revenue Really Grow?" in shown.output
    assert json.loads(run("show", revenue.id, "--json").output)["title"] == revenue.title
    # A title given later fills in a claim imported without one; it never replaces one.
    again = [dict(LINES[0], title="Does the Assistant Do 700 People's Work?")]
    run("import", str(write_jsonl(tmp_path / "again.jsonl", again)))
    assert ws.load("claim", claims[LINES[0]["text"]].id).title == again[0]["title"]
    bad = [{"text": "x", "title": ["not", "a", "string"]}]
    result = run("import", str(write_jsonl(tmp_path / "bad.jsonl", bad)))
    assert result.exit_code != 0 and "'title' must be a string" in result.output


def test_claimreview_name_or_headline_is_the_title():
    (named,) = parse(json.dumps(dict(CLAIMREVIEW, name="  Does Klarna's AI\nDo 700 Jobs? ")))
    assert named.title == "Does Klarna's AI Do 700 Jobs?"
    (headline,) = parse(json.dumps(dict(CLAIMREVIEW, headline="Klarna's 700 agents")))
    assert headline.title == "Klarna's 700 agents"
    (untitled,) = parse(json.dumps(CLAIMREVIEW))
    assert untitled.title is None


def test_claimreview_import_through_the_cli(ws, run, tmp_path):
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps([CLAIMREVIEW]), encoding="utf-8")
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    (claim,) = ws.load_all("claim")
    assert claim.ref == CLAIMREVIEW["url"]
    assert len(claim.mentions) == 2 and claim.tags == ["rating:Unsupported"]


def test_claimtrack_claimreview_export_round_trips(ws, run, tmp_path):
    """What `export --format claimreview` writes, `import` reads back as the same claims."""
    from claimtrack.export.claimreview import to_claimreview
    from claimtrack.export.flatten import prepare
    from claimtrack.flags import Assessment
    from claimtrack.workspace import Workspace

    run("import", str(write_jsonl(tmp_path / "claims.jsonl", LINES)))
    records = ws.records()
    # Every claim gets a status, whatever the flags analysis would say today.
    assessments = {cid: Assessment(claim=cid, status="unsupported") for cid in records.claims}
    data = to_claimreview(prepare(records, assessments=assessments), author="Desk")
    reviews = json.loads(data)
    assert {r["identifier"] for r in reviews} == set(records.claims)

    other, _ = Workspace.init(tmp_path / "other")
    result = import_items(other, parse(data, "reviews.json"))
    assert sorted(result.new_claims) == sorted(records.claims)
    web_sources = {s.id for s in records.sources.values() if s.url}
    for cid, original in records.claims.items():
        copy = other.load("claim", cid)
        assert (copy.text, copy.title, copy.claimant) == (
            original.text,
            original.title,
            original.claimant,
        )
        assert {m.source for m in copy.mentions} == {
            m.source for m in original.mentions if m.source in web_sources
        }
    assert {s.url for s in other.load_all("source")} == {
        records.sources[s].url for s in web_sources
    }


def test_many_lines_parse_and_import(ws, tmp_path):
    rows = [
        {"text": f"Company {i} reported {i + 10} new stores in region {i % 50}"} for i in range(300)
    ]
    items = parse("".join(json.dumps(r) + "\n" for r in rows))
    result = import_items(ws, items, figures=False)
    assert len(result.new_claims) == 300
    assert len(ws.ids("claim")) == 300


def test_claims_that_differ_only_in_quotation_marks_are_one_claim(ws, run, tmp_path):
    rows = [
        {"text": "A 'record' number of shoppers paid later in 2023.", "ref": "fc-0101"},
        {"text": 'A "record" number of shoppers paid later in 2023.', "ref": "fc-0102"},
        {"text": "A “record” number of shoppers paid later in 2023.", "ref": "fc-0103"},
        {"text": "The bank’s shoppers paid later.", "ref": "fc-0104"},
        {"text": "The bank's shoppers paid later.", "ref": "fc-0105"},
    ]
    result = run("import", str(write_jsonl(tmp_path / "q.jsonl", rows)), "--json")
    assert result.exit_code == 0, result.output
    claims = ws.load_all("claim")
    # The first of each wording keeps its reference; the variants add nothing.
    assert sorted(c.ref for c in claims) == ["fc-0101", "fc-0104"]


def test_figures_read_for_an_import_score_the_claim_as_reading_them_again(monkeypatch):
    from claimtrack import extract

    texts = [
        "Klarna says its assistant does the work of 700 agents.",
        "Revenue grew 27% to $40 million in 2024, the firm said. Costs fell by a third.",
        "At 4-7, including 2-6 in the AFC, the team lost 3 of 5 away games.",
        "No figure in this claim at all, the minister said.",
    ]
    monkeypatch.setattr(extract, "_CLAIM_FIGURES", {})
    fresh = [extract.explain_checkworthiness(t) for t in texts]
    assert [extract.claim_figures(t) for t in texts] == [extract.parse_figures(t) for t in texts]
    assert set(extract._CLAIM_FIGURES) == set(texts)
    assert [extract.explain_checkworthiness(t) for t in texts] == fresh
    assert [extract.checkworthiness(t) for t in texts] == [score for score, _ in fresh]
    monkeypatch.setattr(extract, "CLAIM_FIGURES_KEPT", 2)
    extract.claim_figures("A third text with 3 figures, 4 and 5.")
    assert len(extract._CLAIM_FIGURES) == 2  # the oldest are forgotten


def test_an_import_pauses_the_cycle_collector_and_restores_it(ws, monkeypatch):
    import gc

    from claimtrack.workspace import Workspace

    seen = []
    save_many = Workspace.save_many

    def watched(self, records):
        seen.append(gc.isenabled())
        return save_many(self, records)

    monkeypatch.setattr(Workspace, "save_many", watched)
    assert gc.isenabled()
    import_items(ws, parse("".join(json.dumps(r) + "\n" for r in LINES)))
    assert seen and not any(seen) and gc.isenabled()

    def failing(self, records):
        raise OSError("disk full")

    monkeypatch.setattr(Workspace, "save_many", failing)
    try:
        import_items(ws, parse(json.dumps({"text": "Costs fell 3%"})))
    except OSError:
        pass
    assert gc.isenabled()


def firm_lines(n: int) -> list[dict]:
    """``n`` JSON Lines records of figure claims: 7 claimants, 13 source pages."""
    return [
        {"text": f"Firm {i} cut {100 + i} jobs and spent ${i}.5 million in 202{i % 10}.",
         "claimant": f"Firm {i % 7}", "source": f"https://news.example/{i % 13}"}
        for i in range(n)
    ]  # fmt: skip


def test_figures_read_in_worker_processes_make_the_same_records(tmp_path, monkeypatch):
    from claimtrack import extract, importer
    from claimtrack.workspace import Workspace

    lines = firm_lines(40)
    items = parse("".join(json.dumps(r) + "\n" for r in lines))
    cases = {}
    for parallel in (10**9, 5):
        monkeypatch.setattr(importer, "PARALLEL_FIGURES", parallel)
        monkeypatch.setattr(extract, "_CLAIM_FIGURES", {})
        ws, _ = Workspace.init(tmp_path / f"case-{parallel}")
        import_items(ws, items, now=datetime(2025, 1, 2, tzinfo=timezone.utc))
        cases[parallel] = snapshot_tree(ws.root)
        assert set(extract._CLAIM_FIGURES) == {r["text"] for r in lines}
    assert cases[10**9] == cases[5]
    assert any(c.figures for c in Workspace.open(tmp_path / "case-5").load_all("claim"))


def test_an_import_in_batches_has_every_batch_derived_in_worker_processes(tmp_path, monkeypatch):
    """Each batch of an import has its claims' index rows worked out in forked worker processes
    (the write threads earlier batches left idle do not keep them in this one), and the case
    (files and index rows) is the one worked out in this process alone."""
    import os
    import sqlite3
    import threading

    from claimtrack import extract, importer
    from claimtrack.store.index import CACHE_DIR, FILE_NAME, rows
    from claimtrack.workspace import Workspace

    lines = firm_lines(60)
    items = parse("".join(json.dumps(r) + "\n" for r in lines))
    forked: list[tuple[int, bool]] = []
    start = rows.Deriving.__init__

    def watched(self, claims, work, scored=None, *, ahead=False):
        start(self, claims, work, scored, ahead=ahead)
        forked.append((len(claims), bool(self.futures)))

    monkeypatch.setattr(rows.Deriving, "__init__", watched)
    monkeypatch.setattr(importer, "IMPORT_BATCH", 25)
    cases = {}
    for parallel in (10**9, 5):
        monkeypatch.setattr(importer, "PARALLEL_FIGURES", parallel)
        monkeypatch.setattr(rows, "PARALLEL_BUILD", parallel)
        monkeypatch.setattr(extract, "_CLAIM_FIGURES", {})
        forked.clear()
        ws, _ = Workspace.init(tmp_path / f"case-{parallel}")
        import_items(ws, items, now=datetime(2025, 1, 2, tzinfo=timezone.utc))
        db = sqlite3.connect(ws.root / CACHE_DIR / FILE_NAME)
        tables = [
            name
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if name not in ("files", "folders", "meta") and not name.startswith("sqlite_")
        ]
        index = {t: sorted(map(repr, db.execute(f"SELECT * FROM {t}"))) for t in tables}
        db.close()
        cases[parallel] = (snapshot_tree(ws.root), index)
    assert cases[10**9] == cases[5]
    here = threading.current_thread()
    others = [t for t in threading.enumerate() if t is not here]
    if (os.cpu_count() or 1) > 1 and all(t.name.startswith("claimtrack-write") for t in others):
        many = [n for n, _ in forked if n > 5]
        assert len(many) >= 2 and all(in_workers for n, in_workers in forked if n > 5), forked


def test_a_line_separator_inside_a_string_does_not_end_the_line():
    """JSON Lines end at \\n (or \\r\\n, \\r); U+2028, U+2029 and U+0085 may stand unescaped
    in a JSON string (``json.dumps(..., ensure_ascii=False)`` writes them so)."""
    lines = [
        {"text": "Sales rose\u2028 12% in 2023.", "claimant": "Acme\u0085 Ltd"},
        {"text": "Costs fell\u2029 3%.", "source": "https://news.example/a"},
    ]
    data = "\r\n".join(json.dumps(r, ensure_ascii=False) for r in lines) + "\r\n"
    assert "\u2028" in data and "\u0085" in data
    items = parse(data)
    assert [i.text for i in items] == ["Sales rose 12% in 2023.", "Costs fell 3%."]
    assert items[0].claimant == "Acme Ltd"
    assert [i.text for i in parse(data.replace("\r\n", "\r"))] == [i.text for i in items]
    with pytest.raises(InputError, match="line 2 is not JSON"):
        parse('{"text": "fine"}\r{"text": \r')
