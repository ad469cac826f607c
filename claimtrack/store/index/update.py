"""Changing the index: replacing the rows of changed records, marking what a change reaches,
and re-deriving it (conflicts in the touched figure buckets, then the assessments of the
claims reached; ``claimtrack.store.derive`` says what reaches what). ``IndexUpdates`` is the
second layer of ``CaseIndex``; everything here runs inside a write transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...errors import CorruptRecord
from .. import derive
from .reads import IndexReads
from .relations import Conflicts, Related, Relations
from .rows import ClaimRows, Deriving, Rows, claim_rows
from .schema import FULL_DERIVE_SHARE, KIND_TABLES, chunks, dumps, marks

if TYPE_CHECKING:
    from ...flags import Assessment
    from ...models import Claim, Figure, Record

Change = tuple[str, str, "Record | None", "CorruptRecord | None"]
"""(kind, id, the record now or None when it is gone or unreadable, the problem if
unreadable)."""


@dataclass
class Applying:
    """An ``apply_many`` begun (``IndexUpdates.start_applying``): the changes, the claims whose
    conflict entries move, and the claims whose derived values are being worked out."""

    latest: dict[tuple[str, str], tuple[Record | None, CorruptRecord | None]]
    moved: list[str]
    claims: list[Claim]
    deriving: Deriving[ClaimRows]

    def close(self) -> None:
        """Abandon it (its worker processes end)."""
        self.deriving.close()


@dataclass
class StoredClaim:
    """A stored claim with the fields ``derive.claim_seeds`` reads."""

    id: str
    text: str
    claimant: str | None
    figures: list[Figure]
    aliases: list[str]
    checkworthy: tuple[float, list[list[str | float]]] | None = None
    """The check-worthiness stored for ``text`` and the reasons for it (reused while the text
    stays the same: a claim gaining a mention is not scored again)."""


@dataclass
class StoredSource:
    """A stored source with the fields ``derive.source_seeds`` reads."""

    id: str
    derived_from: list[str] = field(default_factory=list)


@dataclass
class StoredAbout:
    """A stored piece of evidence or question with the field ``derive.about_seeds`` reads."""

    id: str
    claim: str


@dataclass
class Olds:
    """The stored versions of some records, as much of them as ``derive``'s seeds read."""

    claims: dict[str, StoredClaim] = field(default_factory=dict)
    sources: dict[str, StoredSource] = field(default_factory=dict)
    about: dict[tuple[str, str], StoredAbout] = field(default_factory=dict)

    def seeds(self, kind: str, record_id: str, new: Record | None) -> derive.Seeds:
        """What the change of this record from its stored version to ``new`` names."""
        from ...models import Claim, Evidence, Question, Source

        if kind == "claim":
            claim = new if isinstance(new, Claim) else None
            return derive.claim_seeds(self.claims.get(record_id), claim)
        if kind == "source":
            source = new if isinstance(new, Source) else None
            return derive.source_seeds(self.sources.get(record_id), source)
        about = new if isinstance(new, (Evidence, Question)) else None
        return derive.about_seeds(self.about.get((kind, record_id)), about)


class IndexUpdates(IndexReads):
    """Applying changed records, and re-deriving what they reach."""

    def apply(
        self,
        kind: str,
        record_id: str,
        record: Record | None,
        problem: CorruptRecord | None = None,
    ) -> None:
        """Replace the rows of one record (``None``: it is gone or unreadable), and mark for
        re-derivation what the change reaches (inside ``writing``)."""
        self.apply_many([(kind, record_id, record, problem)])

    def apply_many(self, items: Iterable[Change]) -> None:
        """``apply`` for many records at once (the last of an id counts): their old rows
        read, what they reach marked, and their rows replaced, a statement per table."""
        applying = self.start_applying(items)
        if applying is not None:
            self.finish_applying(applying)

    def start_applying(self, items: Iterable[Change], *, ahead: bool = False) -> Applying | None:
        """The first half of ``apply_many``: old rows read, what they reach marked, old rows
        removed, and the claims' derived values begun (``rows.Deriving``; ``ahead``: all in
        worker processes, when there are many). ``finish_applying`` adds the new rows;
        None when there is nothing to apply. A caller that does not finish must ``close``
        what this gives."""
        from ...models import Claim

        latest: dict[tuple[str, str], tuple[Record | None, CorruptRecord | None]] = {}
        for kind, record_id, record, problem in items:
            latest[(kind, record_id)] = (record, problem)
        if not latest:
            return None
        self.changes += len(latest)
        conn = self.db
        olds = self._olds(list(latest))
        found = derive.Seeds()
        moved: list[str] = []  # claims whose conflict entries change
        for (kind, record_id), (record, _) in latest.items():
            seeds = olds.seeds(kind, record_id, record)
            found.update(seeds)
            if kind == "claim" and record_id in seeds.figures:
                moved.append(record_id)
        self._mark_buckets(moved)  # the buckets they leave
        self._mark(found)
        by_kind: dict[str, list[str]] = {}
        for kind, record_id in latest:
            by_kind.setdefault(kind, []).append(record_id)
        for kind, ids in by_kind.items():
            self._delete_many(kind, ids)
            for chunk in chunks(ids):
                conn.execute(
                    f"DELETE FROM problems WHERE kind = ? AND id IN ({marks(chunk)})",
                    (kind, *chunk),
                )
        claims = [record for record, _ in latest.values() if isinstance(record, Claim)]
        scored = {o.text: o.checkworthy for o in olds.claims.values() if o.checkworthy}
        return Applying(latest, moved, claims, Deriving(claims, claim_rows, scored, ahead=ahead))

    def finish_applying(self, applying: Applying) -> None:
        """The second half of ``apply_many``: the new rows of what ``start_applying`` took."""
        conn = self.db
        of_claims = dict(
            zip((c.id for c in applying.claims), applying.deriving.result(), strict=True)
        )
        rows = Rows()
        for (kind, record_id), (record, problem) in applying.latest.items():
            if problem is not None:
                self._put_problem(kind, record_id, problem)
            if kind == "claim" and record_id in of_claims:
                rows.add_claim_rows(of_claims[record_id])
            elif record is not None:
                rows.add(record)
        rows.write(conn)
        counts: dict[str, int] = {}
        for word in rows.words:
            counts[word] = counts.get(word, 0) + 1
        conn.executemany(
            "INSERT INTO match_words VALUES (?, ?) ON CONFLICT (word) DO UPDATE SET df = df + ?",
            ((w, n, n) for w, n in counts.items()),
        )
        self._mark_buckets(applying.moved)  # the buckets they join

    def _olds(self, keys: list[tuple[str, str]]) -> Olds:
        """The stored versions of these records, as much of them as ``derive``'s seeds read."""
        from ...models import Figure

        conn = self.db
        out = Olds()
        for kind in KIND_TABLES:
            ids = [i for k, i in keys if k == kind]
            for chunk in chunks(ids):
                in_chunk = marks(chunk)
                if kind == "claim":
                    for cid, text, claimant, figures, aliases, worthy, why in conn.execute(
                        f"SELECT id, text, claimant, figures, aliases, checkworthy, why "
                        f"FROM claims WHERE id IN ({in_chunk})",
                        chunk,
                    ):
                        out.claims[cid] = StoredClaim(
                            cid,
                            text,
                            claimant,
                            [Figure.model_validate(f) for f in json.loads(figures)],
                            json.loads(aliases),
                            (worthy, json.loads(why)) if worthy is not None and why else None,
                        )
                elif kind == "source":
                    parents: dict[str, list[str]] = {}
                    for sid, parent in conn.execute(
                        f"SELECT source_id, parent_id FROM derived_from "
                        f"WHERE source_id IN ({in_chunk})",
                        chunk,
                    ):
                        parents.setdefault(sid, []).append(parent)
                    for (sid,) in conn.execute(
                        f"SELECT id FROM sources WHERE id IN ({in_chunk})", chunk
                    ):
                        out.sources[sid] = StoredSource(sid, parents.get(sid, []))
                else:
                    for rid, claim in conn.execute(
                        f"SELECT id, claim_id FROM {KIND_TABLES[kind]} WHERE id IN ({in_chunk})",
                        chunk,
                    ):
                        out.about[(kind, rid)] = StoredAbout(rid, claim)
        return out

    def _mark(self, found: derive.Seeds) -> None:
        """Mark the claims a change reaches now (before it is applied) and remember its seeds
        to reach again in the state after."""
        conn = self.db
        reached = derive.reach(found, Relations(conn))
        conn.executemany("INSERT OR IGNORE INTO pending_claims VALUES (?)", ((c,) for c in reached))
        conn.executemany(
            "INSERT OR IGNORE INTO pending_seeds VALUES ('claim', ?)", ((c,) for c in found.claims)
        )
        conn.executemany(
            "INSERT OR IGNORE INTO pending_seeds VALUES ('source', ?)",
            ((s,) for s in found.sources),
        )

    def _mark_buckets(self, claim_ids: list[str]) -> None:
        """Mark for re-running the figure buckets these claims' stored entries are in."""
        for chunk in chunks(claim_ids):
            self.db.execute(
                "INSERT OR IGNORE INTO pending_buckets SELECT DISTINCT bucket, figure_group, "
                f"unit FROM conflict_entries WHERE claim_id IN ({marks(chunk)})",
                chunk,
            )

    def _put_problem(self, kind: str, record_id: str, problem: CorruptRecord) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO problems VALUES (?, ?, ?, ?)",
            (kind, record_id, problem.path, problem.reason),
        )

    def _delete_many(self, kind: str, ids: list[str]) -> None:
        """Remove the rows of these records (those there are)."""
        conn = self.db
        for chunk in chunks(ids):
            in_chunk = marks(chunk)
            if kind == "claim":
                from ...search import delete as search_delete

                rows = conn.execute(
                    f"SELECT rowid, match_words FROM claims WHERE id IN ({in_chunk})", chunk
                ).fetchall()
                if not rows:
                    continue
                search_delete(conn, [r[0] for r in rows])
                counts: dict[str, int] = {}
                for _, words in rows:
                    for word in json.loads(words):
                        counts[word] = counts.get(word, 0) + 1
                conn.executemany(
                    "UPDATE match_words SET df = df - ? WHERE word = ?",
                    ((n, w) for w, n in counts.items()),
                )
                for table in ("figures", "mentions", "aliases", "conflict_entries"):
                    conn.execute(f"DELETE FROM {table} WHERE claim_id IN ({in_chunk})", chunk)
                conn.execute(f"DELETE FROM claims WHERE id IN ({in_chunk})", chunk)
            elif kind == "source":
                conn.execute(f"DELETE FROM derived_from WHERE source_id IN ({in_chunk})", chunk)
                conn.execute(f"DELETE FROM sources WHERE id IN ({in_chunk})", chunk)
            else:
                conn.execute(f"DELETE FROM {KIND_TABLES[kind]} WHERE id IN ({in_chunk})", chunk)

    # -- re-deriving ---------------------------------------------------------------------------
    def _finish(self) -> None:
        """Re-derive what pending changes reached: conflicts in the touched buckets, then the
        assessments of the claims reached (inside ``writing``)."""
        conn = self.db
        buckets: list[tuple[str, str, str | None]] = conn.execute(
            "SELECT bucket, figure_group, unit FROM pending_buckets"
        ).fetchall()
        seeds = derive.Seeds()
        for kind, value in conn.execute("SELECT kind, id FROM pending_seeds"):
            (seeds.claims if kind == "claim" else seeds.sources).add(value)
        reached = {r[0] for r in conn.execute("SELECT id FROM pending_claims")}
        if not buckets and not seeds.claims and not seeds.sources and not reached:
            return
        relations = Relations(conn)
        reached |= derive.reach(seeds, relations)
        store = Conflicts(conn)
        reached |= derive.refresh_conflicts(((g, u) for _, g, u in buckets), store)
        total = self.claim_count()
        if len(reached) > max(1000, FULL_DERIVE_SHARE * total):
            self._assess_all()
        else:
            existing: set[str] = set()
            for chunk in chunks(sorted(reached)):
                existing.update(
                    r[0]
                    for r in conn.execute(
                        f"SELECT id FROM claims WHERE id IN ({marks(chunk)})", chunk
                    )
                )
            gone = reached - existing
            for chunk in chunks(sorted(gone)):
                in_chunk = marks(chunk)
                conn.execute(f"DELETE FROM assessments WHERE claim_id IN ({in_chunk})", chunk)
                conn.execute(f"DELETE FROM claim_flags WHERE claim_id IN ({in_chunk})", chunk)
            self._store_assessments(derive.reassess(Related(self), existing))
        for table in ("pending_claims", "pending_seeds", "pending_buckets"):
            conn.execute(f"DELETE FROM {table}")

    def _assess_all(self) -> None:
        conn = self.db
        records = self.records()
        conflicts = Related(self).conflicts_of(None)
        assessed = derive.assess_all(records, conflicts)
        conn.execute("DELETE FROM assessments")
        conn.execute("DELETE FROM claim_flags")
        self._store_assessments(assessed)

    def _store_assessments(self, assessed: dict[str, Assessment]) -> None:
        from ...flags import STATUSES

        conn = self.db
        rows: list[tuple[object, ...]] = []
        flag_rows: list[tuple[str, int, str, str]] = []
        for cid, a in assessed.items():
            weight = -a.severity()[1]
            rows.append(
                (
                    cid, a.status, STATUSES.index(a.status) if a.status in STATUSES else len(STATUSES),
                    weight, len(a.flags),
                    dumps([{"code": f.code, "detail": f.detail} for f in a.flags]),
                    a.origins, a.sources, a.mentions, a.claimant,
                    dumps([[g.key, g.label, list(g.sources), g.claimant] for g in a.groups]),
                    dumps(a.supporting), dumps(a.contradicting),
                )
            )  # fmt: skip
            flag_rows.extend((cid, i, f.code, f.detail) for i, f in enumerate(a.flags))
        ids = [(cid,) for cid in assessed]
        conn.executemany("DELETE FROM claim_flags WHERE claim_id = ?", ids)
        conn.executemany(
            "INSERT OR REPLACE INTO assessments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany("INSERT INTO claim_flags VALUES (?, ?, ?, ?)", flag_rows)
