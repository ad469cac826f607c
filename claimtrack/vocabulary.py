"""claimtrack's vocabularies, each defined once: the words records, graphs and exports use.

Like followthemoney's schema, the model is data. Each vocabulary is a ``Literal`` type (what
the type checker and pydantic accept) and a table from each of its words to what the word
means, and, where the word is drawn or weighed, its label, colours or weight:

================  ===================  =====================================================
table             type                 used by
================  ===================  =====================================================
SOURCE_KINDS      ``SourceKind``       ``Source.kind``, ``ingest --kind``, ``evidence add
                                       --kind``, the claimant's-own rule of claimtrack.flags
FIGURE_KINDS      ``FigureKind``       ``Figure.kind``
QUALIFIERS        ``Qualifier``        ``Figure.qualifier``
TEXT_ORIGINS      ``TextOrigin``       ``Mention.origin``
STANCES           ``Stance``           ``Evidence.stance``, ``evidence add --supports ...``
QUESTION_STATUSES ``QuestionStatus``   ``Question.status``
CLAIM_STATUSES    ``ClaimStatus``      claimtrack.flags (worst first), the exports' fills
                                       and ClaimReview's rating words
FLAG_CODES        ``FlagCode``         claimtrack.flags, ``flags --code``, the dossier
NODE_TYPES        ``NodeType``         the graph's nodes, their colours in GEXF and SVG
RELATIONS         ``Relation``         the graph's edges (claimtrack.graph), their labels
                                       and colours in GEXF, SVG and the SVG legend
================  ===================  =====================================================

A table's keys are exactly its type's words, in the same order (a test checks it; the type
checker checks each key is a word of the type). docs/vocabulary.md is rendered from these
tables by ``python docs/generate.py``; ``python -m claimtrack.vocabulary`` prints it.

This module imports nothing heavy: the CLI reads its choices from it at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar, get_args

SourceKind = Literal["article", "press_release", "statement", "report", "dataset", "note", "other"]
FigureKind = Literal[
    "count",
    "currency",
    "percent",
    "percentage_points",
    "multiplier",
    "ratio",
    "quantity",
    "year",
    "date",
    "duration",
    "ordinal",
    "score",
    "number",
]
Qualifier = Literal[
    "exact", "approximately", "nearly", "at_least", "more_than", "at_most", "less_than"
]
TextOrigin = Literal["text", "highlight", "summary", "table", "note"]
Stance = Literal["supports", "contradicts", "context"]
QuestionStatus = Literal["open", "answered", "dropped"]
ClaimStatus = Literal["contradicted", "contested", "unsupported", "unverified", "supported"]
FlagCode = Literal[
    "contradicted",
    "conflicting-figures",
    "self-reported",
    "no-evidence",
    "single-origin",
    "unverified-quote",
    "open-question",
    "hedged",
]
NodeType = Literal["source", "claim", "question", "entity", "other"]
Relation = Literal[
    "asserts",
    "supports",
    "contradicts",
    "context",
    "asks_about",
    "claimed_by",
    "derived_from",
    "conflicts_with",
]


@dataclass(frozen=True)
class Term:
    """A word of a vocabulary and what it means."""

    meaning: str


@dataclass(frozen=True)
class SourceKindTerm(Term):
    """A kind of source; ``own``: a document of this kind is the claimant's own word when its
    publisher is the claimant."""

    own: bool = field(default=False, metadata={"title": "the claimant's own word"})


@dataclass(frozen=True)
class StatusTerm(Term):
    """A claim status: its words for readers and the fill of its claim boxes."""

    label: str
    fill: str


@dataclass(frozen=True)
class FlagTerm(Term):
    """A flag code: its weight in the worst-first order (claimtrack.flags)."""

    weight: float


@dataclass(frozen=True)
class NodeTerm(Term):
    """A type of graph node: its name for readers, its border (and GEXF) colour and fill."""

    label: str
    colour: str
    fill: str


@dataclass(frozen=True)
class RelationTerm(Term):
    """A type of graph edge: from which type of node to which, its words for readers
    (the edge's ``label``), its colour, and whether it is drawn dashed."""

    tail: NodeType = field(metadata={"title": "from"})
    head: NodeType = field(metadata={"title": "to"})
    label: str
    colour: str
    dashed: bool = False


SOURCE_KINDS: dict[SourceKind, SourceKindTerm] = {
    "article": SourceKindTerm("a news article or blog post (the default)"),
    "press_release": SourceKindTerm("an organisation's announcement", own=True),
    "statement": SourceKindTerm("an organisation's or person's statement", own=True),
    "report": SourceKindTerm("a study, analysis or filing"),
    "dataset": SourceKindTerm("published data"),
    "note": SourceKindTerm("the journalist's own reading notes"),
    "other": SourceKindTerm("anything else (plain text files, by default)"),
}

FIGURE_KINDS: dict[FigureKind, Term] = {
    "count": Term('how many of something: "700 agents", "2,000 jobs"'),
    "currency": Term('an amount of money: "$40 million", "SEK 3bn"'),
    "percent": Term('a percentage: "27%" (value 27)'),
    "percentage_points": Term('a difference of percentages: "3 percentage points"'),
    "multiplier": Term('how many times: "three times", "doubled"'),
    "ratio": Term('a share: "one in five", "two-thirds"'),
    "quantity": Term('a measure with a unit symbol: "450 MW", "250 km"'),
    "year": Term('a year: "2024", "fiscal 2023"'),
    "date": Term('a date: "Feb. 27, 2024" (no value)'),
    "duration": Term('a length of time: "24 hours", "a two-year plan"'),
    "ordinal": Term('a position: "the 25th year"'),
    "score": Term('a game\'s result: "won 6-3", "lost 24-17" (no value)'),
    "number": Term('a number with nothing counted after it: "rose to 236 million"'),
}

QUALIFIERS: dict[Qualifier, Term] = {
    "exact": Term("as stated"),
    "approximately": Term('"about", "around", "roughly"'),
    "nearly": Term('"nearly", "almost"'),
    "at_least": Term('"at least"'),
    "more_than": Term('"more than", "over"'),
    "at_most": Term('"at most", "up to"'),
    "less_than": Term('"less than", "under"'),
}

TEXT_ORIGINS: dict[TextOrigin, Term] = {
    "text": Term("the source's own text"),
    "highlight": Term("a reader's highlight of it"),
    "summary": Term("a third-party summary of it"),
    "table": Term("a third-party table of it"),
    "note": Term("the journalist's note on it"),
}

STANCES: dict[Stance, Term] = {
    "supports": Term("the source supports the claim"),
    "contradicts": Term("the source contradicts it"),
    "context": Term("the source gives context"),
}

QUESTION_STATUSES: dict[QuestionStatus, Term] = {
    "open": Term("nobody has answered it yet"),
    "answered": Term("answered, by evidence and/or a note"),
    "dropped": Term("closed without an answer (kept)"),
}

#: Worst first: the order of ``claimtrack flags``.
CLAIM_STATUSES: dict[ClaimStatus, StatusTerm] = {
    "contradicted": StatusTerm(
        "contradicting evidence and no verified independent support", "Contradicted", "#f2aaa3"
    ),
    "contested": StatusTerm(
        "verified independent support and contradicting evidence", "Contested", "#fbd3a0"
    ),
    "unsupported": StatusTerm(
        "no independent support: no evidence, only context, or only the claimant's own word",
        "Unsupported",
        "#f9dcd8",
    ),
    "unverified": StatusTerm(
        "independent support, none of it with a verified quote", "Unverified", "#fcedc9"
    ),
    "supported": StatusTerm(
        "verified independent support and nothing contradicting", "Supported", "#d3efdc"
    ),
}

FLAG_CODES: dict[FlagCode, FlagTerm] = {
    "contradicted": FlagTerm("a source contradicts it", 8),
    "conflicting-figures": FlagTerm(
        "another tracked claim gives a different figure for the same thing", 6
    ),
    "self-reported": FlagTerm("every source traces back to the claimant", 5),
    "no-evidence": FlagTerm("no source independent of the claimant supports it", 4),
    "single-origin": FlagTerm("several sources, one independent origin", 3),
    "unverified-quote": FlagTerm(
        "the only independent support has a quote not found in its source", 2
    ),
    "open-question": FlagTerm("a question about it is still open", 2),
    "hedged": FlagTerm("it is presented as an estimate or projection", 1),
}

#: In the order of the picture's columns, left to right (claimtrack.export.svg).
NODE_TYPES: dict[NodeType, NodeTerm] = {
    "source": NodeTerm("a document", "source", "#3b73b9", "#e3edf9"),
    "claim": NodeTerm("a checkable statement", "claim", "#e8912d", "#fdf0dd"),
    "question": NodeTerm("an open question about a claim", "question", "#8a5cc2", "#efe7f8"),
    "entity": NodeTerm("a claimant: who asserts claims", "claimant", "#2f9461", "#e0f2e8"),
    "other": NodeTerm("a node of a graph read from elsewhere", "other", "#8c8c8c", "#f0f0f0"),
}

RELATIONS: dict[Relation, RelationTerm] = {
    "asserts": RelationTerm(
        "the source carries the claim: one edge per mention",
        "source",
        "claim",
        "asserts",
        "#9aa5b1",
    ),
    "supports": RelationTerm(
        "evidence: the source supports the claim (the edge's id is the evidence id)",
        "source",
        "claim",
        "supports",
        "#2e9d58",
    ),
    "contradicts": RelationTerm(
        "evidence: the source contradicts the claim", "source", "claim", "contradicts", "#d1453b"
    ),
    "context": RelationTerm(
        "evidence: the source gives context",
        "source",
        "claim",
        "gives context to",
        "#5b8fd1",
        dashed=True,
    ),
    "asks_about": RelationTerm(
        "a question about the claim", "question", "claim", "asks about", "#8a5cc2", dashed=True
    ),
    "claimed_by": RelationTerm(
        "who asserts the claim (one node per name: claimtrack.claimants)",
        "claim",
        "entity",
        "claimed by",
        "#2f9461",
    ),
    "derived_from": RelationTerm(
        "the source only repeats the other (Source.derived_from)",
        "source",
        "source",
        "derived from",
        "#3b73b9",
        dashed=True,
    ),
    "conflicts_with": RelationTerm(
        "the claims give different figures for the same thing (claimtrack.conflicts)",
        "claim",
        "claim",
        "conflicts with",
        "#d1453b",
        dashed=True,
    ),
}

#: The relation of an edge that has none (a graph read from elsewhere), and its colour.
OTHER_RELATION = "related"
OTHER_RELATION_COLOUR = "#8c8c8c"

#: Source kinds that are the claimant's own word (claimtrack.flags, rule 2).
OWN_KINDS: frozenset[SourceKind] = frozenset(k for k, t in SOURCE_KINDS.items() if t.own)

# Groups of figure kinds, each a rule the extraction, matching, conflict and check modules
# share. The time groups nest: TIME_KINDS < UNCHECKED_KINDS < CONTEXT_KINDS.

#: Figure kinds that say when ("in 2024", "on Feb. 27"): check-worthiness reads them as a
#: reference to time, not as a figure (claimtrack.extract.checkworthy).
TIME_KINDS: frozenset[FigureKind] = frozenset(("year", "date"))

#: Figure kinds that place a statement in time or in an order ("in 2024", "the 25th year")
#: rather than state a checkable quantity: a draft sentence whose only figures are of these
#: kinds is not checked (claimtrack.check).
UNCHECKED_KINDS: frozenset[FigureKind] = frozenset(("year", "date", "ordinal"))

#: Figure kinds that frame a claim (when, which one, for how long) rather than state its
#: quantity: matching compares them only when a claim states no other figure
#: (claimtrack.match), and conflict detection never compares them (claimtrack.conflicts).
CONTEXT_KINDS: frozenset[FigureKind] = frozenset(("year", "date", "ordinal", "duration"))

#: Figure kinds that are an amount of a thing their unit names ("700 agents", "450 MW",
#: "rose to 236 million"): they compare with one another, since a ``number`` is often a count
#: whose noun was not read (claimtrack.match, claimtrack.check), and without a unit they say
#: too little to conflict (claimtrack.conflicts).
AMOUNT_KINDS: frozenset[FigureKind] = frozenset(("count", "quantity", "number"))

_K = TypeVar("_K", bound=str)


def names(table: Mapping[_K, object]) -> tuple[_K, ...]:
    """A vocabulary's words in order, e.g. for ``click.Choice``."""
    return tuple(table)


def table_markdown(table: Mapping[Any, Term]) -> str:
    """A vocabulary as a Markdown table: each word, what it means, and its other properties
    (label, colour, weight ...) when it has any."""
    extra: dict[str, str] = {}  # attribute -> column title
    for term in table.values():
        for f in fields(term):
            if f.name != "meaning":
                extra.setdefault(f.name, f.metadata.get("title", f.name))
    rows = [
        "| " + " | ".join(["word", "meaning", *extra.values()]) + " |",
        "|" + "---|" * (2 + len(extra)),
    ]
    for word, term in table.items():
        cells = [f"`{word}`", term.meaning.replace("|", "\\|")]
        for name in extra:
            value = getattr(term, name)
            if isinstance(value, bool):
                cells.append("yes" if value else "")
            elif isinstance(value, str) and value.startswith("#"):
                cells.append(f"`{value}`")
            elif isinstance(value, float | int):
                cells.append(f"{value:g}")
            else:
                cells.append(str(value))
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


#: Every vocabulary with its type and a heading, in the order docs/vocabulary.md shows them.
VOCABULARIES: tuple[tuple[str, object, Mapping[Any, Term]], ...] = (
    ("Source kinds (`Source.kind`, `--kind`)", SourceKind, SOURCE_KINDS),
    ("Figure kinds (`Figure.kind`)", FigureKind, FIGURE_KINDS),
    ("Qualifiers (`Figure.qualifier`)", Qualifier, QUALIFIERS),
    ("Text origins (`Mention.origin`)", TextOrigin, TEXT_ORIGINS),
    ("Stances (`Evidence.stance`)", Stance, STANCES),
    ("Question statuses (`Question.status`)", QuestionStatus, QUESTION_STATUSES),
    ("Claim statuses, worst first", ClaimStatus, CLAIM_STATUSES),
    ("Flag codes", FlagCode, FLAG_CODES),
    ("Graph node types", NodeType, NODE_TYPES),
    ("Graph relations", Relation, RELATIONS),
)


def check() -> None:
    """Raise AssertionError when a table's words are not exactly its type's, in order."""
    for title, literal, table in VOCABULARIES:
        words = get_args(literal)
        assert tuple(table) == words, f"{title}: table {tuple(table)} != type {words}"


def markdown() -> str:
    """Every vocabulary as Markdown (docs/vocabulary.md's tables)."""
    return "\n".join(f"## {title}\n\n{table_markdown(table)}\n" for title, _, table in VOCABULARIES)


if __name__ == "__main__":  # pragma: no cover
    print(markdown())
