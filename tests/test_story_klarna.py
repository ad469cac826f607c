"""The Klarna story, end to end, as a journalist would play it.

The company's statement claims its AI assistant does the work of 700 agents; three articles
repeat it with attribution; a fourth reports that the company could not explain the
calculation; an independent analysis supports the figure; a later article contradicts it; a
draft citing the figure and an untracked one fails the pre-publication check.

The sources are the fixture texts in tests/fixtures/story/ (our own words).
``test_klarna_story`` archives them as ingest would and records the claim and its mentions
through the library API (``Workspace.save``), so that it pins evidence, flags and the check
independently of what extraction and linking make of each sentence (the quotes and offsets are
real positions in the archived texts). ``test_klarna_story_through_ingest`` plays the same
story with nothing built by hand: ingest, extraction, linking, evidence, questions, flags and
check, all through the command line.
"""

from __future__ import annotations

import json
from pathlib import Path

from claimtrack.ids import make_id
from claimtrack.models import Claim, Figure, Mention, Question, QuestionOrigin, Source
from tests.conftest import case_snapshot

STORY = Path(__file__).parent / "fixtures" / "story"
CLAIM_TEXT = "Klarna's AI assistant does the work of 700 full-time agents"


def archive(ws, name: str, *, kind: str, publisher: str, title: str, published: str) -> Source:
    text = (STORY / name).read_text(encoding="utf-8")
    sha = ws.put_blob(text.encode("utf-8"))
    url = f"https://news.example/{name.removesuffix('.txt')}"
    source = Source(
        id=make_id("source", url),
        url=url,
        title=title,
        publisher=publisher,
        published=published,
        kind=kind,
        sha256=sha,
        text_sha256=sha,
        content_type="text/plain",
    )
    ws.save(source)
    return source


def mention(ws, source: Source, sentence_start: str, *, claimant: str | None, cue: str | None):
    """Add a mention of the 700-agents claim: the sentence of ``source`` starting with
    ``sentence_start``, with its real offsets."""
    text = ws.source_text(source)
    start = text.index(sentence_start)
    end = text.index(".", start) + 1
    claim = ws.load("claim", make_id("claim", CLAIM_TEXT, "Klarna"))
    claim.mentions.append(
        Mention(
            source=source.id,
            quote=text[start:end],
            start=start,
            end=end,
            claimant=claimant,
            cue=cue,
        )
    )
    ws.save(claim)


def flags_of(run, claim_id: str) -> dict | None:
    result = run("flags", "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    return next((r for r in rows if r["claim"] == claim_id), None)


def codes(row) -> set[str]:
    return {f["code"] for f in row["flags"]} if row else set()


def test_klarna_story(ws, run, tmp_path):
    claim = Claim(
        id=make_id("claim", CLAIM_TEXT, "Klarna"),
        text=CLAIM_TEXT,
        claimant="Klarna",
        figures=[
            Figure(
                text="700 full-time agents",
                start=39,
                end=59,
                value=700,
                unit="agents",
                kind="count",
            )
        ],
    )
    ws.save(claim)

    # 1. The company's own statement, and three articles that repeat it with attribution.
    statement = archive(
        ws,
        "klarna-statement.txt",
        kind="statement",
        publisher="Klarna",
        title="Klarna AI assistant takes on two thirds of customer service chats",
        published="2024-02-27",
    )
    mention(ws, statement, "Klarna's AI assistant does", claimant=None, cue=None)
    for name, start, cue in [
        ("article-wire.txt", "The buy-now", "says"),
        ("article-tech.txt", "According to Klarna", "according to"),
        ("article-business.txt", "Klarna claims", "claims"),
    ]:
        source = archive(
            ws, name, kind="article", publisher=name, title=name, published="2024-02-28"
        )
        mention(ws, source, start, claimant="Klarna", cue=cue)

    row = flags_of(run, claim.id)
    assert row["status"] == "unsupported"
    assert {"self-reported", "single-origin"} <= codes(row)
    single = next(f for f in row["flags"] if f["code"] == "single-origin")
    assert single["detail"] == "4 sources, 1 independent origin"
    assert (row["origins"], row["mentions"]) == (1, 4)

    # 2. An article reports that the company could not explain the calculation: an open
    #    question (raised by the non-answer rule, as linking records it).
    nonanswer = archive(
        ws,
        "article-nonanswer.txt",
        kind="article",
        publisher="Example Weekly",
        title="How many people is a chatbot worth?",
        published="2024-03-05",
    )
    mention(ws, nonanswer, "Klarna says the assistant", claimant="Klarna", cue="says")
    text = ws.source_text(nonanswer)
    sentence = text[text.index("A spokesperson") : text.index("specifics.") + 10]
    question = Question(
        id=make_id("question", claim.id, "How did Klarna calculate the 700-agent figure?"),
        claim=claim.id,
        text="How did Klarna calculate the 700-agent figure?",
        origin=QuestionOrigin(rule="non-answer", source=nonanswer.id, sentence=sentence),
    )
    ws.save(question)
    row = flags_of(run, claim.id)
    assert "open-question" in codes(row)
    assert {"self-reported", "single-origin"} <= codes(row)
    assert row["mentions"] == 5 and row["origins"] == 1

    # 3. An independent analysis that supports the figure, added as evidence with a quote
    #    typed with a curly apostrophe and no final stop; it answers the question.
    analysis = archive(
        ws,
        "analysis-independent.txt",
        kind="report",
        publisher="Example Data Desk",
        title="Counting the work of a customer service bot",
        published="2024-03-10",
    )
    result = run(
        "evidence", "add", claim.id[:8], analysis.id[:8], "--supports",
        "--quote", "the assistant\u2019s output matches the work of roughly 700 full-time agents",
        "--note", "rebuilt from chat volumes and agent workloads", "--author", "desk",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [support] = [json.loads(x) for x in run("evidence", "list", "--json").output.splitlines()]
    # The evidence keeps the passage as the source writes it.
    assert support["quote"] == (
        "the assistant's output matches the work of roughly 700 full-time agents"
    )
    assert support["quote"] in ws.source_text(analysis) and not support["unverified"]
    ws.save(question.model_copy(update={"status": "answered", "evidence": support["id"]}))
    assert flags_of(run, claim.id) is None  # the flags clear
    claims = [json.loads(x) for x in run("claims", "--json").output.splitlines()]
    assert claims[0]["status"] == "supported"

    # A press-release rewrite linked by provenance changes nothing: same origin as Klarna's.
    assert run("link", nonanswer.id, "--derived-from", statement.id).exit_code == 0
    assert flags_of(run, claim.id) is None

    # 4. A later article contradicts it: contested.
    later = archive(
        ws,
        "article-later.txt",
        kind="article",
        publisher="Example Daily",
        title="Klarna brings people back to customer service",
        published="2025-05-12",
    )
    result = run(
        "evidence", "add", claim.id, later.id, "--contradicts",
        "--quote", "the assistant absorbed the work of far fewer than 700 agents",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    row = flags_of(run, claim.id)
    assert row["status"] == "contested"
    assert "contradicted" in codes(row)
    shown = run("show", claim.id)
    assert "status: contested" in shown.output
    assert "contradicted by 1 source: Klarna brings people back" in shown.output

    # 5. A draft citing the 700 agents and an untracked figure fails the check, naming both.
    draft = tmp_path / "draft.md"
    draft.write_bytes((STORY / "draft.md").read_bytes())
    before = case_snapshot(ws)
    result = run("check", str(draft))
    assert result.exit_code == 1, result.output
    assert "700 full-time agents" in result.output and "3,800 people" in result.output
    assert "FLAGGED" in result.output and "UNTRACKED" in result.output

    result = run("check", str(draft), "--json")
    assert result.exit_code == 1
    rows = [json.loads(x) for x in result.output.splitlines()]
    by_verdict = {r["verdict"]: r for r in rows}
    assert set(by_verdict) == {"flagged", "untracked"}
    cited = by_verdict["flagged"]
    assert (cited["claim"], cited["status"]) == (claim.id, "contested")
    assert "contradicted" in {f["code"] for f in cited["flags"]}
    assert draft.read_text()[cited["start"] : cited["end"]].startswith("Klarna's AI assistant")
    untracked = by_verdict["untracked"]
    assert untracked["claim"] is None and untracked["status"] is None
    assert "3,800" in untracked["sentence"]
    assert case_snapshot(ws) == before  # checking a draft writes nothing


def test_klarna_story_through_ingest(ws, run, tmp_path):
    """The same story with nothing built by hand: every source goes through ``ingest`` (or
    ``evidence add`` with a file), so extraction finds the figures and attribution, linking
    matches the repetitions to one claim and raises the non-answer question."""

    def ingest(name, *options):
        result = run("ingest", str(STORY / name), "--url", f"https://news.example/{name}", *options)
        assert result.exit_code == 0, result.output

    def the_claim() -> dict:
        rows = [json.loads(x) for x in run("claims", "--json").output.splitlines()]
        agents = [
            r
            for r in rows
            if any(f["value"] == 700 and f["unit"] == "agents" for f in r["figures"])
        ]
        return max(agents, key=lambda r: r["mentions"])

    ingest("klarna-statement.txt", "--kind", "statement", "--publisher", "Klarna")
    for name in ("article-wire.txt", "article-tech.txt", "article-business.txt"):
        ingest(name, "--kind", "article")
    claim = the_claim()
    assert claim["mentions"] == 4  # the statement and the three repetitions: one claim
    row = flags_of(run, claim["id"])
    assert row["status"] == "unsupported"
    assert {"self-reported", "single-origin"} <= codes(row)
    assert row["origins"] == 1

    ingest("article-nonanswer.txt", "--kind", "article")
    row = flags_of(run, claim["id"])
    assert "open-question" in codes(row)
    questions = [json.loads(x) for x in run("questions", "--json").output.splitlines()]
    [question] = [q for q in questions if q["claim"] == claim["id"] and q["status"] == "open"]

    result = run(
        "evidence", "add", claim["id"], str(STORY / "analysis-independent.txt"), "--supports",
        "--kind", "report", "--publisher", "Example Data Desk",
        "--quote", "the assistant\u2019s output matches the work of roughly 700 full-time agents",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [support] = [json.loads(x) for x in run("evidence", "list", "--json").output.splitlines()]
    assert run("question", "answer", question["id"], "--evidence", support["id"]).exit_code == 0
    assert flags_of(run, claim["id"]) is None
    assert the_claim()["status"] == "supported"

    result = run(
        "evidence", "add", claim["id"], str(STORY / "article-later.txt"), "--contradicts",
        "--quote", "the assistant absorbed the work of far fewer than 700 agents",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    row = flags_of(run, claim["id"])
    assert row["status"] == "contested" and "contradicted" in codes(row)

    draft = tmp_path / "draft.md"
    draft.write_bytes((STORY / "draft.md").read_bytes())
    result = run("check", str(draft), "--json")
    assert result.exit_code == 1
    rows = {r["verdict"]: r for r in map(json.loads, result.output.splitlines())}
    assert set(rows) == {"flagged", "untracked"}
    assert rows["flagged"]["claim"] == claim["id"] and "700" in rows["flagged"]["sentence"]
    assert "3,800" in rows["untracked"]["sentence"]
