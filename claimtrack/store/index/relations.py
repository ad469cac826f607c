"""The claim graph's edges as the index's tables hold them, in the shapes
``claimtrack.store.derive`` asks for: which records link to which (``Relations``), the
records around some claims (``Related``) and each figure bucket's conflicts
(``Conflicts``)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from ...conflicts import Bucket, Conflict, Entry, bucket_order
from .. import derive
from .schema import chunks, marks

if TYPE_CHECKING:
    from ...models import Claim, Evidence, Question, Source
    from .reads import IndexReads


class Relations:
    """``derive.Relations`` over the index's tables."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def _many(self, sql: str, ids: set[str], repeat: int = 1) -> set[str]:
        out: set[str] = set()
        for chunk in chunks(sorted(ids)):
            sql_in = sql.format(marks=marks(chunk))
            out.update(r[0] for r in self.conn.execute(sql_in, chunk * repeat))
        return out

    def linked_sources(self, source_ids: set[str]) -> set[str]:
        return self._many(
            "SELECT parent_id FROM derived_from WHERE source_id IN ({marks}) "
            "UNION SELECT source_id FROM derived_from WHERE parent_id IN ({marks})",
            source_ids,
            repeat=2,
        )

    def claims_of_sources(self, source_ids: set[str]) -> set[str]:
        return self._many(
            "SELECT claim_id FROM mentions WHERE source_id IN ({marks}) "
            "UNION SELECT claim_id FROM evidence WHERE source_id IN ({marks})",
            source_ids,
            repeat=2,
        )

    def alias_owners(self, ids: set[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for chunk in chunks(sorted(ids)):
            out.update(
                self.conn.execute(
                    f"SELECT alias, max(claim_id) FROM aliases WHERE alias IN ({marks(chunk)}) "
                    "GROUP BY alias",
                    chunk,
                ).fetchall()
            )
        return out

    def conflict_partners(self, claim_ids: set[str]) -> set[str]:
        return self._many(
            "SELECT b FROM bucket_conflicts WHERE a IN ({marks}) "
            "UNION SELECT a FROM bucket_conflicts WHERE b IN ({marks})",
            claim_ids,
            repeat=2,
        )


class Related(Relations):
    """``derive.Related`` over the index's tables."""

    def __init__(self, index: IndexReads):
        super().__init__(index.db)
        self.index = index

    def claims(self, ids: set[str]) -> dict[str, Claim]:
        from ...models import Claim

        return self.index.load_models(Claim, ids)

    def sources(self, ids: set[str]) -> dict[str, Source]:
        from ...models import Source

        return self.index.load_models(Source, ids)

    def _about(self, table: str, ids: set[str]) -> set[str]:
        return self._many(f"SELECT id FROM {table} WHERE claim_id IN ({{marks}})", ids)

    def evidence_about(self, ids: set[str]) -> list[Evidence]:
        from ...models import Evidence

        found = self._about("evidence", ids)
        return list(self.index.load_models(Evidence, found).values())

    def questions_about(self, ids: set[str]) -> list[Question]:
        from ...models import Question

        found = self._about("questions", ids)
        return list(self.index.load_models(Question, found).values())

    def conflicts_of(self, claim_ids: set[str] | None) -> dict[str, list[tuple[str, str]]]:
        sql = "SELECT bucket, a, b, reason FROM bucket_conflicts"
        rows: list[tuple[str, str, str, str]] = []
        if claim_ids is None:
            rows = self.conn.execute(sql).fetchall()
        else:
            for chunk in chunks(sorted(claim_ids)):
                in_chunk = marks(chunk)
                rows += self.conn.execute(
                    sql + f" WHERE a IN ({in_chunk}) OR b IN ({in_chunk})", chunk * 2
                ).fetchall()
        first: dict[tuple[str, str], tuple[str, str]] = {}
        for bucket, a, b, reason in rows:
            seen = first.get((a, b))
            if seen is None or bucket < seen[0]:
                first[(a, b)] = (bucket, reason)
        out: dict[str, list[tuple[str, str]]] = {}
        for (a, b), (_, reason) in sorted(first.items()):
            if claim_ids is None or a in claim_ids:
                out.setdefault(a, []).append((b, reason))
            if claim_ids is None or b in claim_ids:
                out.setdefault(b, []).append((a, reason))
        for lst in out.values():
            lst.sort()
        return out


class Conflicts:
    """``derive.ConflictStore`` over the index's tables."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def bucket_entries(self, bucket: Bucket) -> list[Entry]:
        return [
            derive.entry_from_json(r[0])
            for r in self.conn.execute(
                "SELECT entry FROM conflict_entries WHERE bucket = ?", (bucket_order(bucket),)
            )
        ]

    def bucket_pairs(self, bucket: Bucket) -> dict[tuple[str, str], str]:
        return {
            (a, b): reason
            for a, b, reason in self.conn.execute(
                "SELECT a, b, reason FROM bucket_conflicts WHERE bucket = ?",
                (bucket_order(bucket),),
            )
        }

    def set_bucket_pairs(self, bucket: Bucket, pairs: list[Conflict]) -> None:
        key = bucket_order(bucket)
        self.conn.execute("DELETE FROM bucket_conflicts WHERE bucket = ?", (key,))
        self.conn.executemany(
            "INSERT INTO bucket_conflicts VALUES (?, ?, ?, ?)",
            ((key, c.a, c.b, c.reason) for c in pairs),
        )
