"""Keeping a case's derived answers right after a change, without re-assessing the whole case.

A backend that stores each claim's assessment (status, flags, origins; ``claimtrack.flags``)
and figure conflicts (``claimtrack.conflicts``) must update them when records change. This
module works out which claims a change reaches and re-assesses only those, on records, so
every backend (the folder's SQLite index, a PostgreSQL case) shares one definition. The
answers must equal ``claimtrack.store.base.NaiveReads``' (which assesses everything); the
tests compare them.

What a claim's assessment depends on (``flags.assess``):

- its own record (claimant, mentions, aliases);
- the evidence and questions recorded on it, by its id or by one of its aliases (an alias
  listed by several claims belongs to the greatest of their ids, as in ``assess``);
- the sources behind it: those its mentions name and those that give evidence on it, together
  with every source linked to them by ``derived_from`` in either direction, transitively (a
  provenance group), for their kind, publisher and title;
- its figure conflicts: the pairs found in the buckets of its figures
  (``conflicts.bucket_conflicts``), and the text of the claims it conflicts with.

So a change reaches (``reach``): the claims it names (a claim's own id and aliases; the claim of
a piece of evidence or a question, before and after); for a source, every claim mentioned in or
given evidence by a source of its provenance group, before and after the change (a new
``derived_from`` link joins two groups; removing one splits them); the claims in conflict with
a changed claim. Conflicts are re-run only in the buckets of the figures that changed
(``refresh_conflicts``), and a claim whose conflict pairs changed is reached too.

A backend calls, for each change, ``seeds`` and ``reach`` on its state before applying it;
then ``reach`` again on the state after, ``refresh_conflicts`` for the buckets of the claims
whose figures changed, and ``reassess`` on the union.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..conflicts import Bucket, Conflict, Entry, bucket_conflicts, bucket_order, claim_entries
from ..flags import assess as _assess

if TYPE_CHECKING:
    from ..flags import Assessment
    from ..models import Claim, Evidence, Figure, Question, Record, Source
    from ..workspace import Records


class Relations(Protocol):
    """How records relate in a backend's current state (what ``reach`` asks)."""

    def linked_sources(self, source_ids: set[str]) -> set[str]:
        """Ids linked to these by ``derived_from``, in either direction (one step), whether or
        not a record exists for them."""
        ...

    def claims_of_sources(self, source_ids: set[str]) -> set[str]:
        """Ids of the claims these sources mention, and the claim ids (as recorded) of the
        evidence they give."""
        ...

    def alias_owners(self, ids: set[str]) -> dict[str, str]:
        """For each of ``ids`` that some claim lists as an alias: the claim that answers for
        it (the greatest id among those that list it)."""
        ...

    def conflict_partners(self, claim_ids: set[str]) -> set[str]:
        """The claims in conflict with these (in any bucket)."""
        ...


class Related(Relations, Protocol):
    """What ``reassess`` loads from a backend, in its current state."""

    def claims(self, ids: set[str]) -> dict[str, Claim]: ...

    def sources(self, ids: set[str]) -> dict[str, Source]: ...

    def evidence_about(self, ids: set[str]) -> list[Evidence]:
        """Evidence whose ``claim`` is one of ``ids`` (removed evidence too)."""
        ...

    def questions_about(self, ids: set[str]) -> list[Question]:
        """Questions whose ``claim`` is one of ``ids``."""
        ...

    def conflicts_of(self, claim_ids: set[str]) -> dict[str, list[tuple[str, str]]]:
        """Each claim's conflicts as ``flags.conflicts_by_claim`` gives them: (other claim,
        reason), others in ascending order, each pair with the reason of the first bucket
        (``conflicts.bucket_order``) that found it."""
        ...


class ConflictStore(Protocol):
    """Where a backend keeps conflict entries and the pairs found in each bucket."""

    def bucket_entries(self, bucket: Bucket) -> list[Entry]: ...

    def bucket_pairs(self, bucket: Bucket) -> dict[tuple[str, str], str]: ...

    def set_bucket_pairs(self, bucket: Bucket, pairs: list[Conflict]) -> None: ...


# -- which claims a change reaches ----------------------------------------------------------------


@dataclass
class Seeds:
    """What one or more changes name directly."""

    claims: set[str] = field(default_factory=set)  # claim ids as recorded (aliases too)
    sources: set[str] = field(default_factory=set)
    figures: set[str] = field(default_factory=set)  # claims whose conflict entries may change

    def update(self, other: Seeds) -> None:
        self.claims |= other.claims
        self.sources |= other.sources
        self.figures |= other.figures


class ClaimVersion(Protocol):
    """As much of a claim as ``claim_seeds`` reads (a ``Claim``, or a backend's stored row)."""

    @property
    def id(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def claimant(self) -> str | None: ...

    @property
    def figures(self) -> Sequence[Figure]: ...

    @property
    def aliases(self) -> Sequence[str]: ...


class SourceVersion(Protocol):
    """As much of a source as ``source_seeds`` reads."""

    @property
    def id(self) -> str: ...

    @property
    def derived_from(self) -> Sequence[str]: ...


class AboutVersion(Protocol):
    """As much of a piece of evidence or a question as ``about_seeds`` reads."""

    @property
    def claim(self) -> str: ...


def seeds(kind: str, old: Record | None, new: Record | None) -> Seeds:
    """What a change of one record (``old`` -> ``new``; None when absent) names directly."""
    from ..models import Claim, Evidence, Question, Source

    if kind == "claim":
        return claim_seeds(_of(Claim, old), _of(Claim, new))
    if kind == "source":
        return source_seeds(_of(Source, old), _of(Source, new))
    if kind == "evidence":
        return about_seeds(_of(Evidence, old), _of(Evidence, new))
    if kind == "question":
        return about_seeds(_of(Question, old), _of(Question, new))
    return Seeds()


def claim_seeds(old: ClaimVersion | None, new: ClaimVersion | None) -> Seeds:
    """``seeds`` of a claim's change."""
    out = Seeds()
    for record in (old, new):
        if record is not None:
            out.claims.add(record.id)
            out.claims.update(record.aliases)
    if _entry_key(old) != _entry_key(new):
        changed = old or new
        assert changed is not None  # the keys of two absent claims are equal
        out.figures.add(changed.id)
    return out


def source_seeds(old: SourceVersion | None, new: SourceVersion | None) -> Seeds:
    """``seeds`` of a source's change."""
    out = Seeds()
    for record in (old, new):
        if record is not None:
            out.sources.add(record.id)
            out.sources.update(record.derived_from)
    return out


def about_seeds(old: AboutVersion | None, new: AboutVersion | None) -> Seeds:
    """``seeds`` of a change to a piece of evidence or a question."""
    out = Seeds()
    for record in (old, new):
        if record is not None:
            out.claims.add(record.claim)
    return out


R = TypeVar("R")


def _of(model: type[R], record: object) -> R | None:
    if record is None:
        return None
    if not isinstance(record, model):
        raise TypeError(f"expected a {model.__name__}, not {type(record).__name__}")
    return record


EntryKey = tuple[str, "str | None", list[dict[str, Any]]]


def _entry_key(claim: ClaimVersion | None) -> EntryKey | None:
    """What a claim's conflict entries are made from."""
    if claim is None:
        return None
    return (claim.text, claim.claimant, [f.model_dump() for f in claim.figures])


def provenance_group(source_ids: Iterable[str], rel: Relations) -> set[str]:
    """``source_ids`` and every id linked to them by ``derived_from``, transitively."""
    group = set(source_ids)
    todo = set(group)
    while todo:
        todo = rel.linked_sources(todo) - group
        group |= todo
    return group


def reach(found: Seeds, rel: Relations) -> set[str]:
    """The claim ids whose assessment the seeded changes may alter, in ``rel``'s state (ids
    that are not claims there are included; a backend ignores them)."""
    claims = set(found.claims)
    if found.sources:
        claims |= rel.claims_of_sources(provenance_group(found.sources, rel))
    claims |= set(rel.alias_owners(claims).values())
    if found.claims:
        # A claim's flag names the claim it conflicts with and quotes its text.
        claims |= rel.conflict_partners(found.claims)
    return claims


# -- conflicts --------------------------------------------------------------------------------------


def entries_of(claim: Claim) -> list[tuple[Bucket, Entry]]:
    """A claim's conflict entries, each with its bucket (``conflicts.claim_entries``)."""
    return claim_entries(claim)


def refresh_conflicts(buckets: Iterable[Bucket], store: ConflictStore) -> set[str]:
    """Re-run conflict detection in ``buckets`` (their entries as ``store`` now holds them),
    store the pairs found, and return the claims whose pairs changed."""
    changed: set[str] = set()
    for bucket in sorted(set(buckets), key=bucket_order):
        found = bucket_conflicts(bucket, store.bucket_entries(bucket))
        before = store.bucket_pairs(bucket)
        after = {(c.a, c.b): c.reason for c in found}
        if after != before:
            for pair in set(before.items()) ^ set(after.items()):
                changed.update(pair[0])
            store.set_bucket_pairs(bucket, found)
    return changed


def entry_to_json(entry: Entry) -> str:
    """An entry as JSON text (how backends store them; infinite bounds as null)."""
    return json.dumps(
        [
            entry.claim,
            entry.position,
            entry.figure,
            entry.speaker,
            _finite(entry.lo),
            _finite(entry.hi),
            sorted(entry.words),
            entry.claimant,
            sorted(entry.names),
            sorted(entry.all_words),
            list(entry.text_words),
        ],
        ensure_ascii=False,
    )


def entry_from_json(text: str) -> Entry:
    c, pos, fig, speaker, lo, hi, words, claimant, names, all_words, text_words = json.loads(text)
    return Entry(
        c,
        pos,
        fig,
        speaker,
        -math.inf if lo is None else lo,
        math.inf if hi is None else hi,
        frozenset(words),
        claimant,
        frozenset(names),
        frozenset(all_words),
        tuple(text_words),
    )


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


# -- re-assessing -------------------------------------------------------------------------------


def reassess(related: Related, claim_ids: Iterable[str]) -> dict[str, Assessment]:
    """The assessments (with origin groups) of those of ``claim_ids`` that are claims, from the
    records ``related`` holds now: what ``flags.assess`` gives them on the whole case."""
    from ..workspace import Records

    wanted = set(claim_ids)
    claims = related.claims(wanted)
    ids = sorted(claims)
    if not ids:
        return {}
    conflicts = related.conflicts_of(set(ids))
    partners = {other for lst in conflicts.values() for other, _ in lst} - set(claims)
    everything = dict(claims)
    everything.update(related.claims(partners))

    # Evidence and questions on these claims: by id or by alias, as ``assess`` resolves them.
    names = set(ids)
    for claim in claims.values():
        names.update(claim.aliases)
    owners = related.alias_owners(names)

    def belongs(raw: str) -> bool:
        return owners.get(raw, raw) in claims

    evidence = sorted(
        (e for e in related.evidence_about(names) if belongs(e.claim)), key=lambda e: e.id
    )
    questions = sorted(
        (q for q in related.questions_about(names) if belongs(q.claim)), key=lambda q: q.id
    )
    behind = {m.source for c in claims.values() for m in c.mentions} | {e.source for e in evidence}
    sources = related.sources(provenance_group(behind, related))
    records = Records(
        claims={cid: everything[cid] for cid in sorted(everything)},
        sources=sources,
        evidence={e.id: e for e in evidence},
        questions={q.id: q for q in questions},
    )
    return _assess(records, claims=ids, conflicts=conflicts, explain=True)


def assess_all(
    records: Records, conflicts: dict[str, list[tuple[str, str]]]
) -> dict[str, Assessment]:
    """Every claim's assessment, with origin groups (what a backend stores when it builds)."""
    return _assess(records, conflicts=conflicts, explain=True)
