"""Full-text search over claims: the first stage of matching (BM25 in SQLite's FTS5).

One definition of the search table and of how a text becomes a query serves every place that
searches: the case index on disk (``claimtrack.store``), a PostgreSQL case's own search where
it mirrors this, and ``MemorySearch`` for claims held in memory (benchmarks, pure library use).
So a figure measured in a benchmark is the figure the command line gives.

>>> from claimtrack.models import Claim
>>> s = MemorySearch([Claim(id="c-000000000001", text="The assistant does the work of 700 agents.")])
>>> [cid for cid, _ in s.search("work of 700 agents")]
['c-000000000001']
"""

from __future__ import annotations

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

_TOKEN = re.compile(r"\w+")
MAX_TERMS = 64


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


def insert(conn: sqlite3.Connection, rows: Iterable[tuple], table: str = "claim_search") -> None:
    """Add (rowid, *``row(claim)``) rows; a stored index keeps the rowid to delete by."""
    conn.executemany(
        f"INSERT INTO {table} (rowid, claim_id, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
        rows,
    )


def delete(conn: sqlite3.Connection, rowids: Iterable[int], table: str = "claim_search") -> None:
    """Remove the rows with these rowids (see ``insert``)."""
    conn.executemany(f"DELETE FROM {table} WHERE rowid = ?", ((r,) for r in rowids))


def query_expression(text: str) -> str | None:
    """An FTS5 query matching any word of ``text`` (each quoted, so no word is an operator);
    None when the text has no words."""
    seen: dict[str, None] = {}
    for token in _TOKEN.findall(text.casefold()):
        seen.setdefault(token, None)
        if len(seen) >= MAX_TERMS:
            break
    if not seen:
        return None
    return " OR ".join(f'"{t}"' for t in seen)


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
    """The same search over claims held in memory (an in-memory SQLite database)."""

    def __init__(self, claims: Iterable[Claim] = ()):
        self.conn = sqlite3.connect(":memory:")
        create_table(self.conn)
        self.add(claims)

    def add(self, claims: Iterable[Claim]) -> None:
        self.conn.executemany(
            f"INSERT INTO claim_search (claim_id, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?)",
            (row(c) for c in claims),
        )

    def search(self, text: str, top: int = 100) -> list[tuple[str, float]]:
        return search(self.conn, text, top)
