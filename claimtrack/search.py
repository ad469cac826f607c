"""Full-text search over claims: the first stage of matching (BM25 in SQLite's FTS5).

One definition of the search table and of how a text becomes a query serves every place that
searches: the case index on disk (``claimtrack.store``), a PostgreSQL case's own search where
it mirrors this, and ``MemorySearch`` for claims held in memory (benchmarks, pure library use).
So a figure measured in a benchmark is the figure the command line gives.

The table holds each claim's text, its title (the headline it was imported with, e.g. a
fact-check's) and its claimant, stemmed by FTS5's Porter tokenizer. A query is read like a
post on social media: web addresses go, ``#CamelCaseTags`` and ``@handles`` become words
("#AustralianFires" -> "Australian Fires"), emoji and punctuation are not words, and common
function words are dropped (``prepare``, ``query_terms``). What is left is one OR query, each
word quoted so that nothing in a text is FTS5 syntax (``query_expression``); BM25 ranks the
claims that hold any of the words.

>>> from claimtrack.models import Claim
>>> s = MemorySearch([Claim(id="c-000000000001", text="The assistant does the work of 700 agents.")])
>>> [cid for cid, _ in s.search("work of 700 agents")]
['c-000000000001']
>>> query_terms("Wow 😮 #KlarnaAI says its bot does the work of 700 agents https://t.co/x1")
['wow', 'klarna', 'ai', 'says', 'bot', 'work', '700', 'agents']
"""

from __future__ import annotations

import heapq
import re
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Claim

#: Columns of the search table after the claim id, and their BM25 weights.
COLUMNS = ("text", "title", "claimant")
WEIGHTS = (1.0, 1.0, 0.5)
TOKENIZE = "porter unicode61 remove_diacritics 2"
MAX_TERMS = 64
"""Words of a query searched for, at most (the first ones, after dropping function words)."""

#: English function words: they say nothing about what a claim is about, and every claim holds
#: some, so searching for them only costs time. ``claimtrack.match`` adds the words of news copy
#: that do not tell claims apart ("said", "according", "percent").
STOPWORDS = frozenset(
    """
    a about above across after again against all almost along also although am among an and
    another any are around as at be became because been before being below between both but by
    can could did do does doing done during each either else even ever every few for from
    further had has have having he her here hers herself him himself his how however i if in
    into is it its itself just least less like made make makes many may me might more most
    much must my myself near nearly next no nor not now of off on once one only or other our
    ours ourselves out over own per quite rather same she should since so some still such than
    that the their theirs them themselves then there these they this those though through thus
    to too under until up upon us very via was we were what when where whether which while who
    whom whose why will with within without would yet you your yours yourself
    """.split()
)

_WEB = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*", re.I)
_TAG = re.compile(r"(?<!\w)[#@](\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)")
_TOKEN = re.compile(r"\w+")


def prepare(text: str) -> str:
    """``text`` as prose: web addresses removed, hashtags and handles split into their words.

    >>> prepare("Watch: #StateOfTheUnion via @JoeBiden pic.twitter.com/abc https://t.co/xyz")
    'Watch: State Of The Union via Joe Biden'
    """
    if "://" in text or "www." in text or "pic.twitter.com" in text:
        text = _WEB.sub(" ", text)
    if "#" in text or "@" in text:
        text = _TAG.sub(lambda m: _CAMEL.sub(" ", m.group(1).replace("_", " ")), text)
    return " ".join(text.split())


def query_terms(text: str) -> list[str]:
    """The words a query searches for: ``prepare``d, case-folded, without function words and
    single characters, each once, in order, at most ``MAX_TERMS``."""
    seen: dict[str, None] = {}
    for token in _TOKEN.findall(prepare(text).casefold()):
        if len(token) < 2 or token in STOPWORDS or token.startswith("_"):
            continue
        seen.setdefault(token, None)
        if len(seen) >= MAX_TERMS:
            break
    return list(seen)


def create_table(conn: sqlite3.Connection, table: str = "claim_search") -> None:
    """Create the FTS5 table ``table`` (claim_id, text, title, claimant) if it is missing."""
    cols = ", ".join(COLUMNS)
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
        f"claim_id UNINDEXED, {cols}, tokenize='{TOKENIZE}')"
    )


def row(claim: Claim) -> tuple[str, str, str, str]:
    """The search-table row of a claim."""
    return (claim.id, claim.text, claim.title or "", claim.claimant or "")


def insert(
    conn: sqlite3.Connection,
    rows: Iterable[tuple[int, str, str, str, str]],
    table: str = "claim_search",
) -> None:
    """Add (rowid, *``row(claim)``) rows; a stored index keeps the rowid to delete by."""
    conn.executemany(
        f"INSERT INTO {table} (rowid, claim_id, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
        rows,
    )


def delete(conn: sqlite3.Connection, rowids: Iterable[int], table: str = "claim_search") -> None:
    """Remove the rows with these rowids (see ``insert``)."""
    conn.executemany(f"DELETE FROM {table} WHERE rowid = ?", ((r,) for r in rowids))


def query_expression(text: str) -> str | None:
    """An FTS5 query matching any of ``query_terms(text)`` (each quoted, so no word is an
    operator); None when the text has no words to search for."""
    terms = query_terms(text)
    if not terms:
        return None
    return " OR ".join(f'"{t}"' for t in terms)


def search(
    conn: sqlite3.Connection, text: str, top: int = 100, table: str = "claim_search"
) -> list[tuple[str, float]]:
    """(claim id, BM25 score) best first; higher is better (FTS5's bm25() negated)."""
    expression = query_expression(text)
    if expression is None:
        return []
    weights = ", ".join(str(w) for w in WEIGHTS)
    found = conn.execute(
        f"SELECT claim_id, -bm25({table}, 0, {weights}) AS score FROM {table} "
        f"WHERE {table} MATCH ? ORDER BY score DESC, claim_id LIMIT ?",
        (expression, top),
    ).fetchall()
    return [(cid, float(score)) for cid, score in found]


class MemorySearch:
    """The same search over claims held in memory (an in-memory SQLite database).

    Its rows are numbered here (``ids``): the search reads each match's row number and score
    and orders them by score, then claim id, as ``search`` does, without reading each
    match's claim id from the table (a fifth of a search's time)."""

    def __init__(self, claims: Iterable[Claim] = ()):
        self.conn = sqlite3.connect(":memory:")
        create_table(self.conn)
        self.ids: dict[int, str] = {}  # rowid -> claim id
        self.rows: dict[str, list[int]] = {}  # claim id -> its rowids
        self._next = 1
        self.add(claims)

    def add(self, claims: Iterable[Claim]) -> None:
        numbered = []
        for claim in claims:
            rowid, self._next = self._next, self._next + 1
            self.ids[rowid] = claim.id
            self.rows.setdefault(claim.id, []).append(rowid)
            numbered.append((rowid, *row(claim)))
        insert(self.conn, numbered)

    def remove(self, claim_ids: Iterable[str]) -> None:
        gone = [r for cid in claim_ids for r in self.rows.pop(cid, [])]
        delete(self.conn, gone)
        for rowid in gone:
            del self.ids[rowid]

    def search(self, text: str, top: int = 100) -> list[tuple[str, float]]:
        """``search`` over the claims held: the same claims, scores and order."""
        expression = query_expression(text)
        if expression is None:
            return []
        found = self.conn.execute(_MEMORY_SEARCH, (expression,)).fetchall()
        ids = self.ids

        def order(match: tuple[int, float]) -> tuple[float, str]:
            return (-match[1], ids[match[0]])

        # SQLite's LIMIT: a negative one is no limit.
        best = sorted(found, key=order) if top < 0 else heapq.nsmallest(top, found, key=order)
        return [(ids[rowid], float(score)) for rowid, score in best]


_MEMORY_SEARCH = (
    f"SELECT rowid, -bm25(claim_search, 0, {', '.join(str(w) for w in WEIGHTS)}) "
    "FROM claim_search WHERE claim_search MATCH ?"
)
