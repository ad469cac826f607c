"""The records claimtrack keeps: Source, Claim (with Mentions and Figures), Evidence, Question.

The models are the single description of the data: the workspace files, the graph attributes,
the exports and the format docs (docs/workspace.md) are derived from them. Every field carries
a description, which `python -m claimtrack.models` prints as Markdown.

Status and flags are not stored: they are derived from the graph each time (claimtrack.flags).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

# The field types that are vocabularies are defined, with what each word means, in
# claimtrack.vocabulary; they are imported here so that ``claimtrack.models.Stance`` etc. work.
from .vocabulary import FigureKind, Qualifier, QuestionStatus, SourceKind, Stance, TextOrigin
from .workspace import SCHEMA_VERSION  # noqa: F401  (the folder format's version)


def utcnow() -> datetime:
    """Now, to the second, in UTC. ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention)
    pins it, so that a script rebuilding a workspace (examples/klarna/build.sh) gives
    byte-identical records."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


class Record(BaseModel):
    """Common configuration: unknown keys are errors, so a typo in a hand-edited file shows."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Figure(Record):
    """A number as written in a sentence, normalised so that figures can be compared."""

    text: str = Field(description='The figure as written, e.g. "nearly 2,000 jobs".')
    start: int | None = Field(
        None,
        description="Offset of the figure in the text it was read from: the claim's text in a "
        "Claim, the input text in `extract` output.",
    )
    end: int | None = Field(None, description="End offset (exclusive).")
    value: float | None = Field(
        None, description='Fully scaled value: "$40 million" -> 40000000; the midpoint of a range.'
    )
    low: float | None = Field(None, description="Lower bound of a range, else null.")
    high: float | None = Field(None, description="Upper bound of a range, else null.")
    unit: str | None = Field(
        None, description='The counted noun or measure: "agents", "languages", "jobs".'
    )
    kind: FigureKind = Field("number", description="What sort of number this is.")
    currency: str | None = Field(None, description='ISO 4217 code for money: "USD", "SEK".')
    qualifier: Qualifier = Field(
        "exact", description='How the figure is hedged: "nearly", "more_than", ...'
    )


class Mention(Record):
    """One appearance of a claim in a source: an assertion, not evidence."""

    source: str = Field(description="Id of the source the claim appears in.")
    quote: str = Field(description="The sentence as it stands in the source's text.")
    start: int | None = Field(
        None, description="Offset of the quote in the source's archived text."
    )
    end: int | None = Field(None, description="End offset (exclusive).")
    claimant: str | None = Field(None, description="Who the source says asserts it, if anyone.")
    cue: str | None = Field(None, description='The attribution verb: "says", "estimates".')
    hedged: bool = Field(False, description="An estimate, projection or conditional.")
    origin: TextOrigin = Field(
        "text",
        description="Where in the source the sentence was found: its text, a reader's "
        "highlight, or a third-party summary or table of it.",
    )


class Claim(Record):
    """One checkable statement, wherever it appears."""

    id: str = Field(description="c- followed by 12 hex digits, derived from text and claimant.")
    text: str = Field(description="Canonical wording of the claim.")
    title: str | None = Field(
        None,
        description="Headline it came with, e.g. the title of the fact-check it was imported "
        "from; used in matching.",
    )
    claimant: str | None = Field(None, description="Who asserts it (a person or organisation).")
    figures: list[Figure] = Field(default_factory=list, description="The numbers it states.")
    tags: list[str] = Field(default_factory=list, description="Free labels.")
    ref: str | None = Field(None, description="External id, e.g. a fact-check database's.")
    created_at: datetime = Field(default_factory=utcnow, description="When it was first recorded.")
    mentions: list[Mention] = Field(default_factory=list, description="Where it appears.")
    aliases: list[str] = Field(
        default_factory=list, description="Ids of claims merged into this one; they resolve here."
    )


class Source(Record):
    """A document: an article, a press release, a report, a reading note."""

    id: str = Field(description="s- followed by 12 hex digits, derived from the URL or content.")
    url: str | None = Field(None, description="Canonical URL of the original document.")
    title: str | None = Field(None, description="Title of the document.")
    author: str | None = Field(None, description="Byline.")
    publisher: str | None = Field(None, description="Site or organisation that published it.")
    published: str | None = Field(None, description="Publication date, ISO 8601 (YYYY-MM-DD).")
    retrieved_at: datetime = Field(default_factory=utcnow, description="When it was archived.")
    kind: SourceKind = Field("article", description="What sort of document it is.")
    sha256: str | None = Field(None, description="sha256 of the archived raw snapshot.")
    text_sha256: str | None = Field(None, description="sha256 of the archived extracted text.")
    content_type: str | None = Field(None, description="MIME type of the snapshot.")
    language: str | None = Field(None, description="ISO 639-1 language code, if known.")
    input: str | None = Field(None, description="What was ingested: the URL or file as given.")
    derived_from: list[str] = Field(
        default_factory=list, description="Ids of sources this one merely repeats."
    )
    notes: list[str] = Field(
        default_factory=list, description="The journalist's own notes on it (not its claims)."
    )


class Evidence(Record):
    """A source that supports, contradicts or gives context to a claim, with a checked quote."""

    id: str = Field(description="e- followed by 12 hex digits.")
    claim: str = Field(description="Id of the claim.")
    source: str = Field(description="Id of the source.")
    stance: Stance = Field(description="supports, contradicts or context.")
    quote: str | None = Field(None, description="Passage of the source's archived text.")
    unverified: bool = Field(
        False, description="True when the quote was not found in the source and kept anyway."
    )
    note: str | None = Field(None, description="The journalist's note.")
    author: str | None = Field(None, description="Who added it.")
    created_at: datetime = Field(default_factory=utcnow, description="When it was added.")
    removed_at: datetime | None = Field(
        None, description="When it was withdrawn; removed evidence is kept but not counted."
    )


class QuestionOrigin(Record):
    """Where an automatically raised question came from."""

    rule: str = Field(description='The rule that raised it, e.g. "non-answer".')
    source: str | None = Field(None, description="Id of the source of the sentence.")
    sentence: str | None = Field(None, description="The sentence that raised it.")


class Question(Record):
    """Something about a claim that nobody has answered yet."""

    id: str = Field(description="q- followed by 12 hex digits.")
    claim: str = Field(description="Id of the claim it is about.")
    text: str = Field(description="The question.")
    status: QuestionStatus = Field("open", description="open, answered or dropped.")
    answer: str | None = Field(None, description="The answer in words.")
    evidence: str | None = Field(None, description="Id of the evidence that answers it.")
    origin: QuestionOrigin | None = Field(
        None, description="null when a person asked it; else the rule and sentence."
    )
    created_at: datetime = Field(default_factory=utcnow, description="When it was raised.")


R = TypeVar("R", bound=Record)


def expect(record: Record, model: type[R]) -> R:
    """``record`` as the type its kind promises (``ws.get(ref, "question")`` is a Question);
    TypeError when a store broke that promise."""
    if not isinstance(record, model):
        raise TypeError(f"expected a {model.__name__} record, got a {type(record).__name__}")
    return record


RECORD_TYPES: dict[str, type[Record]] = {
    "claim": Claim,
    "source": Source,
    "evidence": Evidence,
    "question": Question,
}


def type_name(annotation: object) -> str:
    """A reader's name for a field type: ``str or null``, ``"open", "answered"``, ``list of Figure``."""
    import types
    from typing import Union, get_args, get_origin

    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return ", ".join(f'"{a}"' for a in args)
    if origin in (Union, types.UnionType):
        return " or ".join(type_name(a) for a in args)
    if origin is list:
        return f"list of {type_name(args[0])}"
    if annotation is type(None):
        return "null"
    name = str(getattr(annotation, "__name__", annotation))
    return {
        "str": "string",
        "int": "integer",
        "float": "number",
        "bool": "boolean",
        "datetime": "datetime (ISO 8601)",
    }.get(name, name)


def fields_markdown(model: type[BaseModel]) -> str:
    """A Markdown table of a model's fields, for docs/workspace.md."""
    rows = ["| field | type | description |", "|---|---|---|"]
    for name, field in model.model_fields.items():
        rows.append(f"| `{name}` | {type_name(field.annotation)} | {field.description or ''} |")
    return "\n".join(rows)


if __name__ == "__main__":  # pragma: no cover
    for model in (Source, Claim, Mention, Figure, Evidence, Question, QuestionOrigin):
        print(f"### {model.__name__}\n\n{(model.__doc__ or '').strip()}\n")
        print(fields_markdown(model) + "\n")
