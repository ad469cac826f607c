"""Every record type survives a save/load round trip, byte-stably, and bad data is refused."""

from datetime import datetime, timezone

import pytest
from pydantic import ValidationError

from claimtrack.ids import make_id
from claimtrack.models import (
    Claim,
    Evidence,
    Figure,
    Mention,
    Question,
    QuestionOrigin,
    Source,
)

WHEN = datetime(2024, 2, 28, 20, 42, tzinfo=timezone.utc)


def examples():
    source = Source(
        id=make_id("source", "https://example.com/klarna-assistant"),
        url="https://example.com/klarna-assistant",
        title="Klarna’s assistant — a month in",
        author="A. Reporter",
        publisher="Example News",
        published="2024-02-27",
        retrieved_at=WHEN,
        kind="article",
        sha256="ab" * 32,
        text_sha256="cd" * 32,
        derived_from=["s-000000000001"],
        notes=["ask for the method"],
    )
    claim = Claim(
        id=make_id("claim", "The assistant does the work of 700 agents", "Klarna"),
        text="The assistant does the work of 700 agents",
        claimant="Klarna",
        figures=[
            Figure(text="700 agents", start=31, end=41, value=700, unit="agents", kind="count"),
            Figure(text="nearly 2,000", value=2000, kind="count", qualifier="nearly"),
            Figure(text="between 8 and 16", value=12, low=8, high=16, kind="count"),
        ],
        tags=["ai", "jobs"],
        ref="ext-42",
        created_at=WHEN,
        mentions=[
            Mention(
                source=source.id,
                quote="Klarna says ...",
                start=0,
                end=15,
                claimant="Klarna",
                cue="says",
                hedged=False,
                origin="highlight",
            ),
        ],
    )
    evidence = Evidence(
        id=make_id("evidence", claim.id, source.id, "supports", "700"),
        claim=claim.id,
        source=source.id,
        stance="supports",
        quote="700",
        note="checked",
        author="desk",
        created_at=WHEN,
    )
    question = Question(
        id=make_id("question", claim.id, "How was 700 computed?"),
        claim=claim.id,
        text="How was 700 computed?",
        created_at=WHEN,
        origin=QuestionOrigin(rule="non-answer", source=source.id, sentence="A rep could not say."),
    )
    return [source, claim, evidence, question]


@pytest.mark.parametrize("record", examples(), ids=lambda r: type(r).__name__)
def test_round_trip_through_workspace(ws, record):
    ws.save(record)
    kind = {Source: "source", Claim: "claim", Evidence: "evidence", Question: "question"}[
        type(record)
    ]
    loaded = ws.load(kind, record.id)
    assert loaded == record
    first = ws.path_for(kind, record.id).read_bytes()
    ws.save(loaded)
    assert ws.path_for(kind, record.id).read_bytes() == first  # stable formatting


def test_files_are_human_readable_sorted_json(ws):
    claim = examples()[1]
    ws.save(claim)
    text = ws.path_for("claim", claim.id).read_text(encoding="utf-8")
    assert text.startswith('{\n  "aliases"')  # sorted keys, indented
    assert "Klarna" in text and text.endswith("}\n")


def test_unknown_fields_and_bad_literals_are_refused():
    with pytest.raises(ValidationError):
        Source(id="s-000000000001", kind="blog")
    with pytest.raises(ValidationError):
        Figure(text="700", qualifier="kind of")
    with pytest.raises(ValidationError):
        Claim(id="c-000000000001", text="x", colour="red")


def test_ids_are_content_derived_and_prefixed():
    a = make_id("claim", "Klarna  says 700", "Klarna")
    assert a == make_id("claim", "klarna says 700", "KLARNA")  # case and spacing do not matter
    assert a != make_id("claim", "Klarna says 701", "Klarna")
    assert a.startswith("c-") and len(a) == 14
    assert make_id("source", "x").startswith("s-")
