"""Records as table rows: what the index stores for each record, and what it derives from a
claim's own record (check-worthiness, matching words, conflict entries) when it stores it."""

from __future__ import annotations

import json
import math
import sqlite3
from typing import TYPE_CHECKING, TypeVar

from ...conflicts import Bucket, Entry, bucket_order
from ...forked import Forked
from .. import derive
from .schema import dumps

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ...models import Claim, Evidence, Figure, Question, Record, Source

Row = tuple[object, ...]
ClaimDerived = tuple[float, list[list[str | float]], list[str], list[tuple[Bucket, Entry]]]
"""What ``claim_derived`` gives: check-worthiness, why ([reason, weight] pairs), matching
words, conflict entries."""


def record_json(record: Record, figures: Sequence[Figure] = ()) -> str:
    """A record as the index stores it: ``model_dump(mode="json")`` as JSON text (what
    ``show`` prints comes from it without loading the models); ``figures``: a claim's."""
    if figures and any(
        v is not None and not math.isfinite(v) for f in figures for v in (f.value, f.low, f.high)
    ):
        # pydantic writes an infinite float as null; keep it as it is.
        return json.dumps(record.model_dump(mode="json"), ensure_ascii=False)
    return record.model_dump_json()


Scored = dict[str, tuple[float, list[list[str | float]]]]
"""Check-worthiness already derived, by claim text: (score, why) as ``claim_derived`` gives
them."""


def claim_derived(claim: Claim, scored: Scored | None = None) -> ClaimDerived:
    """What the index derives from a claim's own record: its check-worthiness and the reasons
    for it (``extract.explain_checkworthiness`` of its text, what ``checkworthiness`` gives;
    taken from ``scored`` when that holds the text), its matching words
    (``match.claim_features``) and its conflict entries (``conflicts.claim_entries``)."""
    from ...extract import explain_checkworthiness
    from ...match import claim_features

    known = scored.get(claim.text) if scored else None
    if known is None:
        score, reasons = explain_checkworthiness(claim.text)
        known = (round(score, 3), [[reason, weight] for reason, weight in reasons])
    return (
        known[0],
        known[1],
        sorted(set(claim_features(claim).words)),
        derive.entries_of(claim),
    )


BUILD_CHUNK = 20_000
"""Claims made into rows and written at a time by a build."""
PARALLEL_BUILD = 2000
"""More claims than this at once are derived in worker processes, one per core."""

T = TypeVar("T")


def derive_many(claims: list[Claim], scored: Scored | None = None) -> list[ClaimDerived]:
    """``claim_derived`` for many claims (``scored``: check-worthiness already derived), shared
    with forked worker processes when there are many (``Deriving``)."""
    return Deriving(claims, claim_derived, scored).result()


class Deriving(Forked["Claim", T]):
    """``work(claim, scored)`` (``claim_derived``, ``claim_rows``) for many claims (``scored``:
    check-worthiness already derived), under way (``forked.Forked``: in worker processes
    when there are more than ``PARALLEL_BUILD``; ``ahead``, all of it there)."""

    def __init__(
        self,
        claims: list[Claim],
        work: Callable[[Claim, Scored | None], T],
        scored: Scored | None = None,
        *,
        ahead: bool = False,
    ):
        super().__init__(
            claims, lambda claim: work(claim, scored), ahead=ahead, at_least=PARALLEL_BUILD
        )


ClaimRows = tuple[
    Row, tuple[str, str, str, str], list[Row], list[Row], list[Row], list[Row], list[str]
]
"""A claim's rows as ``claim_rows`` gives them: its ``claims`` row without the rowid, its
search row (``search.row``), its ``figures``, ``mentions``, ``aliases`` and
``conflict_entries`` rows, and its matching words."""


def claim_rows(c: Claim, scored: Scored | None = None) -> ClaimRows:
    """The rows of a claim (its derived values worked out, ``claim_derived``): plain values,
    quick to hand from a worker process to this one."""
    return _claim_rows(c, claim_derived(c, scored))


def _claim_rows(c: Claim, derived: ClaimDerived) -> ClaimRows:
    from ...search import row as search_row

    text = record_json(c, c.figures)
    checkworthy, why, words, entries = derived
    figures = [f.model_dump(mode="json") for f in c.figures]
    claim = (
        c.id, c.text, c.title, c.claimant, c.ref, c.created_at.isoformat(), dumps(c.tags),
        dumps(c.aliases), dumps(figures), len(c.mentions), len({m.source for m in c.mentions}),
        len(c.figures), checkworthy, dumps(why), dumps(words), text,
    )  # fmt: skip
    figure_rows: list[Row] = [
        (c.id, i, f["text"], f["value"], f["low"], f["high"], f["unit"], f["kind"],
         f["currency"], f["qualifier"])
        for i, f in enumerate(figures)
    ]  # fmt: skip
    mention_rows: list[Row] = [
        (c.id, i, m.source, m.quote, m.start, m.end, m.claimant, m.cue, int(m.hedged), m.origin)
        for i, m in enumerate(c.mentions)
    ]
    alias_rows: list[Row] = [(alias, c.id) for alias in dict.fromkeys(c.aliases)]
    entry_rows: list[Row] = [
        (c.id, e.position, bucket_order(key), key[0], key[1], derive.entry_to_json(e))
        for key, e in entries
    ]
    return claim, search_row(c), figure_rows, mention_rows, alias_rows, entry_rows, words


class Rows:
    """The table rows of many records, written with one statement per table."""

    def __init__(self) -> None:
        self.tables: dict[str, list[Row]] = {}
        self.words: list[str] = []
        # (rowid or None for the next free one, then search.row's fields)
        self.search: list[tuple[int | None, str, str, str, str]] = []
        self.entries: list[tuple[Bucket, Entry]] = []

    def _put(self, table: str, row: Row) -> None:
        self.tables.setdefault(table, []).append(row)

    def add(
        self, record: Record, derived: ClaimDerived | None = None, rowid: int | None = None
    ) -> None:
        """Add the rows of one record of any kind (``add_claim`` for ``derived`` and
        ``rowid``)."""
        from ...models import Claim, Evidence, Question, Source

        if isinstance(record, Claim):
            self.add_claim(record, derived, rowid)
        elif isinstance(record, Source):
            self.add_source(record)
        elif isinstance(record, Evidence):
            self.add_evidence(record)
        elif isinstance(record, Question):
            self.add_question(record)
        else:
            raise TypeError(f"not a record the index stores: {type(record).__name__}")

    def add_source(self, s: Source) -> None:
        self._put(
            "sources",
            (
                s.id, s.url, s.title, s.author, s.publisher, s.published,
                s.retrieved_at.isoformat(), s.kind, s.sha256, s.text_sha256,
                s.content_type, s.language, s.input, dumps(s.notes), record_json(s),
            ),
        )  # fmt: skip
        for parent in dict.fromkeys(s.derived_from):
            self._put("derived_from", (s.id, parent))

    def add_evidence(self, e: Evidence) -> None:
        self._put(
            "evidence",
            (
                e.id, e.claim, e.source, e.stance, e.quote, int(e.unverified), e.note,
                e.author, e.created_at.isoformat(),
                e.removed_at.isoformat() if e.removed_at else None, record_json(e),
            ),
        )  # fmt: skip

    def add_question(self, q: Question) -> None:
        o = q.origin
        self._put(
            "questions",
            (
                q.id, q.claim, q.text, q.status, q.answer, q.evidence,
                o.rule if o else None, o.source if o else None, o.sentence if o else None,
                q.created_at.isoformat(), record_json(q),
            ),
        )  # fmt: skip

    def add_claim(
        self, c: Claim, derived: ClaimDerived | None = None, rowid: int | None = None
    ) -> None:
        """A claim's rows, with what ``claim_derived`` gives (worked out here when not
        given) and its rowid (None: the next free one)."""
        derived = derived or claim_derived(c)
        self.add_claim_rows(_claim_rows(c, derived), rowid)
        self.entries.extend(derived[3])

    def add_claim_rows(self, rows: ClaimRows, rowid: int | None = None) -> None:
        """A claim's rows as ``claim_rows`` gives them, with its rowid (None: the next free
        one)."""
        claim, search, figures, mentions, aliases, entries, words = rows
        self._put("claims", (rowid, *claim))
        self.search.append((rowid, *search))
        for table, found in (
            ("figures", figures),
            ("mentions", mentions),
            ("aliases", aliases),
            ("conflict_entries", entries),
        ):
            if found:
                self.tables.setdefault(table, []).extend(found)
        self.words.extend(words)

    def write(self, conn: sqlite3.Connection) -> None:
        from ...search import insert as search_insert

        for table, rows in self.tables.items():
            if table == "claims":
                continue
            marks = ",".join("?" * len(rows[0]))
            conn.executemany(f"INSERT OR IGNORE INTO {table} VALUES ({marks})", rows)
        claims = self.tables.get("claims", [])
        if claims and claims[0][0] is None:  # rowids follow the last one (the search's too)
            last: int = conn.execute("SELECT coalesce(max(rowid), 0) FROM claims").fetchone()[0]
            claims = [(last + i, *row[1:]) for i, row in enumerate(claims, 1)]
            self.search = [(last + i, *r[1:]) for i, r in enumerate(self.search, 1)]
        search = [(rowid, i, t, ti, c) for rowid, i, t, ti, c in self.search if rowid is not None]
        assert len(search) == len(self.search), "claims with and without rowids in one batch"
        if claims:
            conn.executemany(
                "INSERT INTO claims (rowid, id, text, title, claimant, ref, created_at, tags, "
                "aliases, figures, mention_count, source_count, figure_count, checkworthy, why, "
                "match_words, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                claims,
            )
        if search:
            search_insert(conn, search)
