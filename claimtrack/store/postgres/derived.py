"""The derived state of a database case, kept right in the transaction that changes the case.

What is derived and when (the tables are described in ``schema``):

- **from each record alone**, as it is written (``write``): a claim's search vector,
  check-worthiness, matching words and conflict entries (``store.index.claim_derived``, the
  folder index's own function), the sources its mentions name, its aliases; a source's
  ``derived_from`` links.
- **from the relations between records**, at the end of the writing transaction (``finish``,
  which ``Database.transaction`` runs just before COMMIT, and a read inside the transaction
  runs first): figure conflicts and each claim's assessment, re-derived only for what the
  transaction's changes reach, by ``claimtrack.store.derive`` (the rules every backend
  shares): each write is ``reach``ed in the state before it, its seeds again in the state
  after, conflicts re-run in the figure buckets that changed, and the claims reached
  re-assessed. When more than a share of the case is reached (a copy, a big import) the whole
  case is assessed at once, as the folder's index does.

So the derived state always belongs to the records as committed: a read never waits for
derivation and never writes, and a command pays for what its own writes reach. One more
article in a 100,000-claim case re-assesses the few claims it touches.

``derived_meta.rules`` fingerprints the code that made the state (``rules``): the folder
index's ``rules_fingerprint`` (assessment, conflicts, matching, check-worthiness and their
data) and this module. Another claimtrack version finds it different and ``rebuild``s
everything once, under the case's lock; a reader without the right to write gets answers
computed from the records instead.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..base import ClaimRow, claim_row
from . import records
from .records import Change
from .schema import DERIVED_TABLES

if TYPE_CHECKING:
    from ...conflicts import Bucket, Conflict, Entry
    from ...errors import CorruptRecord
    from ...flags import Assessment
    from ...models import Claim, Evidence, Question, Source
    from ...workspace import Records
    from .. import derive
    from .connection import Database

ROW_KEYS: tuple[str, ...] = tuple(ClaimRow.__annotations__)
"""The keys of a ``ClaimRow``, in the order of ``claim_state.row_fields``."""
FIELD_SEPARATOR = "\x1f"
"""Between the JSON values in ``row_fields``: a control character, which JSON text never
holds unescaped."""
CHUNK = 5000
"""Claims whose rows are made and written at a time."""

_STATE_COLUMNS = (
    "claim_id, status, status_rank, weight, mentions, mention_count, checkworthy, created_at, "
    "has_figures, codes, row_json, row_fields, assessment_json"
)
_STATE_TYPES = ["text", "text", "int4", "float8", "int4", "int4", "float8", "text", "bool",
                "text[]", "text", "text", "text"]  # fmt: skip

_RULES: str | None = None


def rules() -> str:
    """The fingerprint of the rules the derived state is made by (see the module
    docstring)."""
    global _RULES
    if _RULES is None:
        from ..index import rules_fingerprint

        h = hashlib.sha256(rules_fingerprint().encode())
        h.update(Path(__file__).read_bytes())
        _RULES = h.hexdigest()[:32]
    return _RULES


def load_rules() -> None:
    """Import the derivation rules and fingerprint them, once a process: a writer does it
    before it takes the case's lock (``Database.before_begin``), not while others wait."""
    from .. import derive, index  # noqa: F401

    rules()


def stamp() -> tuple[str, float]:
    """(rules, check-worthiness threshold) the state derived now is marked with."""
    from ...extract.checkworthy import THRESHOLD

    return rules(), THRESHOLD


def current(db: Database) -> bool:
    """Whether the derived state was made by this claimtrack's rules."""
    return bool(db.values("SELECT rules = %s FROM derived_meta", (rules(),)) == [True])


# -- what a transaction's writes reach ------------------------------------------------------------
# claimtrack.store.derive (and the matching and conflict rules it brings) is imported where a
# write or a rebuild needs it: a command that only reads starts without it.
def _new_seeds() -> derive.Seeds:
    from .. import derive

    return derive.Seeds()


@dataclass
class Pending:
    """What the writes of the open transaction reach, until ``finish``."""

    seeds: derive.Seeds = field(default_factory=_new_seeds)
    reached: set[str] = field(default_factory=set)
    buckets: set[Bucket] = field(default_factory=set)


def write(db: Database, changed: list[Change]) -> None:
    """Write ``changed`` (``records.changes``, inside a transaction) with the rows derived
    from each record alone, after marking what the changes reach in the state before them;
    the rest is derived by ``finish``."""
    from .. import derive

    if not changed:
        return
    pending = db.local.pending
    if pending is None:
        pending = db.local.pending = Pending()
    tables = Tables(db)
    found = derive.Seeds()
    for c in changed:
        found.update(derive.seeds(c.kind, c.old, c.new))
    pending.reached |= derive.reach(found, tables)
    pending.seeds.update(found)
    if found.figures:  # the buckets these claims' figures leave ...
        pending.buckets |= tables.buckets_of(found.figures)
    records.put(db, changed)
    entries = index(db, changed)
    for claim_id in found.figures:  # ... and those they join
        pending.buckets.update(bucket for bucket, _ in entries.get(claim_id, ()))


def index(db: Database, changed: Sequence[Change]) -> dict[str, list[tuple[Bucket, Entry]]]:
    """Replace the rows derived from each changed claim and source alone; returns the new
    conflict entries of the claims, by id."""
    from ...models import Claim, Source
    from ..index.rows import claim_derived

    entries: dict[str, list[tuple[Bucket, Entry]]] = {}
    claims = [c for c in changed if c.kind == "claim"]
    for start in range(0, len(claims), CHUNK):
        chunk = claims[start : start + CHUNK]
        ids = [c.id for c in chunk]
        words: Counter[str] = Counter()
        for text in db.values("SELECT words FROM claim_index WHERE claim_id = ANY(%s)", (ids,)):
            words.subtract(json.loads(text))
        db.execute(
            "WITH i AS (DELETE FROM claim_index WHERE claim_id = ANY(%(ids)s)), "
            "s AS (DELETE FROM claim_sources WHERE claim_id = ANY(%(ids)s)), "
            "e AS (DELETE FROM conflict_entries WHERE claim_id = ANY(%(ids)s)) "
            "DELETE FROM claim_aliases WHERE claim_id = ANY(%(ids)s)",
            {"ids": ids},
        )
        rows = _ClaimRows()
        for c in chunk:
            if isinstance(c.new, Claim):
                derived = claim_derived(c.new)
                rows.add(c.new, derived)
                words.update(derived[2])
                entries[c.id] = derived[3]
        rows.write(db)
        _count_words(db, words)
    sources = [c for c in changed if c.kind == "source"]
    if sources:
        db.execute("DELETE FROM source_links WHERE source_id = ANY(%s)", ([c.id for c in sources],))
        links = [
            (c.id, p)
            for c in sources
            if isinstance(c.new, Source)
            for p in dict.fromkeys(c.new.derived_from)
        ]
        db.insert("source_links", "source_id, derived_from", links)
    return entries


def fold(text: str) -> str:
    """Text as the search reads it: accents removed (as FTS5's remove_diacritics does for the
    folder)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _search_labels() -> list[str]:
    """The tsvector weight label (A strongest) of each column of ``search.COLUMNS``, from
    ``search.WEIGHTS``."""
    from ...search import WEIGHTS

    ranks = sorted(set(WEIGHTS), reverse=True)
    return ["ABCD"[ranks.index(w)] for w in WEIGHTS]


def rank_weights() -> str:
    """``ts_rank``'s weights array ({D, C, B, A}) giving each label its column's weight."""
    from ...search import WEIGHTS

    by_label = dict(zip(_search_labels(), WEIGHTS, strict=True))
    return "{" + ", ".join(str(by_label.get(label, 0)) for label in "DCBA") + "}"


class _ClaimRows:
    """The rows derived from many claims, written with one statement per table."""

    def __init__(self) -> None:
        self.index: list[list[Any]] = []
        self.sources: list[tuple[str, str, int]] = []
        self.aliases: list[tuple[str, str]] = []
        self.entries: list[tuple[str, int, str, str, str | None, str]] = []

    def add(self, claim: Claim, derived: tuple[float, list[Any], list[str], Any]) -> None:
        from ...conflicts import bucket_order
        from ...search import row
        from .. import derive

        checkworthy, why, words, entries = derived
        self.index.append(
            [claim.id, *(fold(text) for text in row(claim)[1:]), checkworthy,
             json.dumps(why, ensure_ascii=False), json.dumps(words, ensure_ascii=False)]
        )  # fmt: skip
        counts = Counter(m.source for m in claim.mentions)
        self.sources += [(sid, claim.id, n) for sid, n in sorted(counts.items())]
        self.aliases += [(alias, claim.id) for alias in dict.fromkeys(claim.aliases)]
        for (group, unit), e in entries:
            self.entries.append(
                (claim.id, e.position, bucket_order((group, unit)), group, unit,
                 derive.entry_to_json(e))
            )  # fmt: skip

    def write(self, db: Database) -> None:
        if self.index:
            vector = " || ".join(
                f"setweight(to_tsvector('english', c{i}), '{label}')"
                for i, label in enumerate(_search_labels())
            )
            columns = list(zip(*self.index, strict=True))
            db.execute(
                f"INSERT INTO claim_index (claim_id, search, checkworthy, why, words) "
                f"SELECT id, {vector}, checkworthy, why, words FROM unnest(%s::text[], "
                "%s::text[], %s::text[], %s::text[], %s::float8[], %s::text[], %s::text[]) "
                "AS u(id, c0, c1, c2, checkworthy, why, words)",
                [list(values) for values in columns],
            )
        db.insert("claim_sources", "source_id, claim_id, mentions", self.sources)
        db.insert("claim_aliases", "alias, claim_id", self.aliases)
        db.insert(
            "conflict_entries", "claim_id, position, bucket, figure_group, unit, entry",
            self.entries,
        )  # fmt: skip


def _count_words(db: Database, change: Counter[str]) -> None:
    """Add ``change`` to the number of claims holding each matching word; words no claim
    holds any more go."""
    moved = {w: n for w, n in change.items() if n}
    if not moved:
        return
    db.execute(
        "INSERT INTO match_words (word, df) SELECT * FROM unnest(%s::text[], %s::int[]) "
        "ON CONFLICT (word) DO UPDATE SET df = match_words.df + excluded.df",
        (list(moved), list(moved.values())),
    )
    fewer = [w for w, n in moved.items() if n < 0]
    if fewer:
        db.execute("DELETE FROM match_words WHERE word = ANY(%s) AND df <= 0", (fewer,))


# -- finishing a transaction ------------------------------------------------------------------
def finish(db: Database) -> None:
    """Derive what this thread's writes reached (inside its transaction): conflicts in the
    buckets that changed, then the claims reached; everything, when the state was made by
    other rules."""
    from .. import derive
    from ..index.schema import FULL_DERIVE_SHARE

    pending: Pending | None = db.local.pending
    if pending is None:
        return
    db.local.pending = None
    if not current(db):
        rebuild(db)
        return
    tables = Tables(db)
    reached = pending.reached | derive.reach(pending.seeds, tables)
    if pending.buckets:
        buckets = Buckets(db, pending.buckets)
        reached |= derive.refresh_conflicts(pending.buckets, buckets)
        buckets.write()
    if len(reached) > 1000:
        [(total,)] = db.rows("SELECT count(*) FROM claim_index")
        if len(reached) > max(1000, FULL_DERIVE_SHARE * total):
            assess_all(db, records.read_all(db))
            return
    assessed = derive.reassess(tables, reached)
    db.execute("DELETE FROM claim_state WHERE claim_id = ANY(%s)", (sorted(reached),))
    store_states(db, assessed, tables.loaded)


def rebuild(db: Database) -> Records:
    """Derive everything afresh from the records (inside a transaction); returns them."""
    from .. import derive

    case = records.read_all(db)
    db.execute("TRUNCATE " + ", ".join(DERIVED_TABLES))
    changed = [Change("claim", c.id, None, c, None) for c in case.claims.values()]
    changed += [Change("source", s.id, None, s, None) for s in case.sources.values()]
    index(db, changed)
    every = {(g, u) for g, u in db.rows("SELECT DISTINCT figure_group, unit FROM conflict_entries")}
    buckets = Buckets(db, every)
    derive.refresh_conflicts(every, buckets)
    buckets.write()
    assess_all(db, case)
    db.execute("UPDATE derived_meta SET rules = %s, checkworthy_threshold = %s", stamp())
    return case


# -- the state of each claim ----------------------------------------------------------------------
def assess_all(db: Database, case: Records) -> None:
    """Assess every claim of ``case`` (the whole case as it is now) and store the states."""
    from .. import derive

    assessed = derive.assess_all(case, Tables(db).conflicts_of(None))
    db.execute("TRUNCATE claim_state")
    store_states(db, assessed, case.claims)


def store_states(db: Database, assessed: dict[str, Assessment], claims: dict[str, Claim]) -> None:
    """Write the ``claim_state`` rows of newly assessed claims (whose old rows are gone)."""
    if not assessed:
        return
    ids = sorted(assessed)
    checkworthy = dict(
        db.rows("SELECT claim_id, checkworthy FROM claim_index WHERE claim_id = ANY(%s)", (ids,))
    )
    dumps = json.dumps
    rows = []
    for cid in ids:
        a, claim = assessed[cid], claims[cid]
        row = claim_row(claim, a, checkworthy.get(cid))
        values: dict[str, Any] = dict(row)
        rank, weight, _, _ = a.severity()
        rows.append(
            (cid, a.status, rank, -weight, a.mentions, row["mentions"], row["checkworthy"],
             row["created_at"], bool(claim.figures), a.codes, dumps(row, ensure_ascii=False),
             FIELD_SEPARATOR.join(dumps(values[k], ensure_ascii=False) for k in ROW_KEYS),
             dumps(assessment_doc(a), ensure_ascii=False))
        )  # fmt: skip
    db.insert("claim_state", _STATE_COLUMNS, rows, _STATE_TYPES)


def assessment_doc(a: Assessment) -> dict[str, Any]:
    """An assessment (with its origin groups) as JSON, as ``claim_state`` keeps it."""
    return {
        "status": a.status,
        "flags": [[f.code, f.detail] for f in a.flags],
        "origins": a.origins,
        "mentions": a.mentions,
        "claimant": a.claimant,
        "sources": a.sources,
        "groups": [[g.key, g.label, list(g.sources), g.claimant] for g in a.groups],
        "supporting": a.supporting,
        "contradicting": a.contradicting,
    }


def assessment_from_doc(claim_id: str, doc: dict[str, Any], *, explain: bool) -> Assessment:
    """``assessment_doc`` read back; without the origin groups unless ``explain`` (as
    ``flags.assess`` gives them)."""
    from ...flags import Assessment, Flag, Origin

    return Assessment(
        claim=claim_id,
        status=doc["status"],
        flags=[Flag(code, detail) for code, detail in doc["flags"]],
        origins=doc["origins"],
        mentions=doc["mentions"],
        claimant=doc["claimant"],
        sources=doc["sources"],
        groups=[
            Origin(key=key, label=label, sources=tuple(sources), claimant=own)
            for key, label, sources, own in doc["groups"]
        ]
        if explain
        else [],
        supporting=doc["supporting"],
        contradicting=doc["contradicting"],
    )


# -- the tables, as derive asks for them ----------------------------------------------------------
class Tables:
    """``derive.Related`` over the case's tables, as this thread sees them. Keeps the claims
    it loads (``loaded``) and the records that did not load (``problems``)."""

    def __init__(self, db: Database):
        self.db = db
        self.loaded: dict[str, Claim] = {}
        self.problems: list[CorruptRecord] = []

    def _ids(self, sql: str, ids: Iterable[str]) -> set[str]:
        return set(self.db.values(sql, {"ids": sorted(ids)}))

    def linked_sources(self, source_ids: set[str]) -> set[str]:
        return self._ids(
            "SELECT derived_from FROM source_links WHERE source_id = ANY(%(ids)s) "
            "UNION SELECT source_id FROM source_links WHERE derived_from = ANY(%(ids)s)",
            source_ids,
        )

    def claims_of_sources(self, source_ids: set[str]) -> set[str]:
        return self._ids(
            "SELECT claim_id FROM claim_sources WHERE source_id = ANY(%(ids)s) "
            "UNION SELECT claim FROM records WHERE kind = 'evidence' AND source = ANY(%(ids)s)",
            source_ids,
        )

    def alias_owners(self, ids: set[str]) -> dict[str, str]:
        return dict(
            self.db.rows(
                "SELECT alias, max(claim_id) FROM claim_aliases WHERE alias = ANY(%s) "
                "GROUP BY alias",
                (sorted(ids),),
            )
        )

    def conflict_partners(self, claim_ids: set[str]) -> set[str]:
        return self._ids(
            "SELECT b FROM bucket_conflicts WHERE a = ANY(%(ids)s) "
            "UNION SELECT a FROM bucket_conflicts WHERE b = ANY(%(ids)s)",
            claim_ids,
        )

    def buckets_of(self, claim_ids: Iterable[str]) -> set[Bucket]:
        """The figure buckets these claims' stored conflict entries are in."""
        return {
            (group, unit)
            for group, unit in self.db.rows(
                "SELECT DISTINCT figure_group, unit FROM conflict_entries WHERE claim_id = ANY(%s)",
                (sorted(claim_ids),),
            )
        }

    def claims(self, ids: set[str]) -> dict[str, Claim]:
        from ...models import Claim

        found = records.load_many(self.db, Claim, sorted(ids), self.problems)
        self.loaded.update(found)
        return found

    def sources(self, ids: set[str]) -> dict[str, Source]:
        from ...models import Source

        return records.load_many(self.db, Source, sorted(ids), self.problems)

    def evidence_about(self, ids: set[str]) -> list[Evidence]:
        from ...models import Evidence

        return list(records.load_about(self.db, Evidence, ids, self.problems).values())

    def questions_about(self, ids: set[str]) -> list[Question]:
        from ...models import Question

        return list(records.load_about(self.db, Question, ids, self.problems).values())

    def conflicts_of(self, claim_ids: set[str] | None) -> dict[str, list[tuple[str, str]]]:
        """Each claim's conflicts (``flags.conflicts_by_claim``'s form; all claims' when
        None), each pair with the reason of the first bucket that found it."""
        where = "" if claim_ids is None else "WHERE a = ANY(%(ids)s) OR b = ANY(%(ids)s)"
        rows = self.db.rows(
            f"SELECT DISTINCT ON (a, b) a, b, reason FROM bucket_conflicts {where} "
            "ORDER BY a, b, bucket",
            {"ids": sorted(claim_ids or ())},
        )
        out: dict[str, list[tuple[str, str]]] = {}
        for a, b, reason in rows:
            if claim_ids is None or a in claim_ids:
                out.setdefault(a, []).append((b, reason))
            if claim_ids is None or b in claim_ids:
                out.setdefault(b, []).append((a, reason))
        for pairs in out.values():
            pairs.sort()
        return out


class Buckets:
    """``derive.ConflictStore`` for a set of figure buckets: their entries and pairs read in
    one go, the pairs found written by ``write``."""

    def __init__(self, db: Database, buckets: Iterable[Bucket]):
        from ...conflicts import bucket_order
        from .. import derive

        self.db = db
        keys = sorted({bucket_order(b) for b in buckets})
        self.entries: dict[str, list[Entry]] = defaultdict(list)
        for key, text in db.rows(
            "SELECT bucket, entry FROM conflict_entries WHERE bucket = ANY(%s)", (keys,)
        ):
            self.entries[key].append(derive.entry_from_json(text))
        self.pairs: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
        for key, a, b, reason in db.rows(
            "SELECT bucket, a, b, reason FROM bucket_conflicts WHERE bucket = ANY(%s)", (keys,)
        ):
            self.pairs[key][(a, b)] = reason
        self.found: dict[str, list[Conflict]] = {}

    def bucket_entries(self, bucket: Bucket) -> list[Entry]:
        from ...conflicts import bucket_order

        return self.entries.get(bucket_order(bucket), [])

    def bucket_pairs(self, bucket: Bucket) -> dict[tuple[str, str], str]:
        from ...conflicts import bucket_order

        return self.pairs.get(bucket_order(bucket), {})

    def set_bucket_pairs(self, bucket: Bucket, pairs: list[Conflict]) -> None:
        from ...conflicts import bucket_order

        self.found[bucket_order(bucket)] = pairs

    def write(self) -> None:
        """Store the pairs found in the buckets whose pairs changed."""
        if not self.found:
            return
        self.db.execute("DELETE FROM bucket_conflicts WHERE bucket = ANY(%s)", (list(self.found),))
        self.db.insert(
            "bucket_conflicts",
            "bucket, a, b, reason",
            [(key, c.a, c.b, c.reason) for key, pairs in self.found.items() for c in pairs],
        )
