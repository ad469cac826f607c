"""The store interface: everything a command may ask of a case, whatever keeps it.

A case is kept either in a folder of JSON files (``claimtrack.workspace.Workspace``: the files
are the truth, a derived SQLite index serves the reads) or in a PostgreSQL database (a
newsroom's shared case). Commands and library code talk to a case only through the methods
of ``Store``, so the analyses never know which one they have.

Three groups of methods:

- **records**: ``get``/``resolve``/``load``/``load_many``/``load_all``/``records`` read the
  records themselves (Source, Claim, Evidence, Question; ``claimtrack.models``).
- **derived reads**: ``query_claims`` (and ``query_claims_json``, the same rows as JSON
  text), ``assessments``, ``neighbourhood``, ``claim_view``, ``search``, ``claims_of_source``,
  ``match_statistics`` answer the questions the commands ask without loading the whole case.
  Their meaning is defined by ``NaiveReads`` below, which computes each answer from
  ``records()``; a backend answers them faster (from an index) but must give the same answers
  (tests compare the two). ``claimtrack.store.derive`` keeps stored answers right as records
  change, for any backend.
- **writes**: ``transaction`` serialises writers and makes one command's writes one unit;
  ``save``/``save_many``/``delete`` inside it; ``batch`` commits a long run of writes (an
  ingest, an import) in batches; ``put_blob``/``read_blob`` keep snapshots by sha256.
- **integrity**: ``verify`` re-hashes the snapshots and checks every record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, Protocol, TypedDict

if TYPE_CHECKING:
    from collections.abc import Callable

    from typing_extensions import Unpack

    from ..errors import CorruptRecord
    from ..flags import Assessment
    from ..models import Claim, Record, Source
    from ..workspace import Records
    from .verify import VerifyReport

Kind = Literal["claim", "source", "evidence", "question"]
ClaimOrder = Literal["created", "severity", "triage"]


class ClaimQuery(TypedDict, total=False):
    """What ``Store.query_claims`` filters and orders by, defined once for every backend.

    ``status``; ``flagged`` (has any flag, or none); ``figures_only``; ``codes`` (has one of
    these flag codes); ``min_checkworthy``; ``order``: ``"created"`` oldest first (then id,
    the default), ``"severity"`` worst first (``flags.Assessment.severity``), ``"triage"``
    what a journalist should look at first (``row_triage_key``); ``limit``. A key left out
    (or None) does not filter.
    """

    status: str | None
    flagged: bool | None
    figures_only: bool
    codes: Iterable[str]
    min_checkworthy: float | None
    order: ClaimOrder
    limit: int | None


class ClaimRow(TypedDict):
    """One claim as listings show it: plain JSON values, no pydantic model.

    ``claims --json`` prints a subset of these keys (docs/json.md); ``flags --json`` another.
    """

    id: str
    text: str
    title: str | None
    claimant: str | None
    figures: list[dict[str, Any]]  # Figure.model_dump(mode="json") of each figure
    mentions: int  # appearances across sources
    sources: int  # distinct sources that mention it
    status: str | None  # flags.STATUSES
    flags: list[dict[str, str]]  # [{"code", "detail"}], as in flags --json
    origins: int  # independent origins (flags.Assessment.origins)
    backing: int  # distinct sources behind it: mentions and supporting evidence
    checkworthy: float  # extract.checkworthiness of its text, in [0, 1]
    ref: str | None
    created_at: str  # ISO 8601


class Store(Protocol):
    """What every backend provides. ``Workspace`` (a folder) is the reference implementation."""

    problems: list[CorruptRecord]
    """Records that failed to load during the last read; commands warn about each."""

    @property
    def location(self) -> str:
        """Where the case is, for messages: a folder path, or a database URL without its
        password."""
        ...

    # -- settings ----------------------------------------------------------------------------
    def config(self) -> dict[str, Any]: ...

    @property
    def settings(self) -> dict[str, Any]: ...

    def set_setting(self, key: str, value: Any) -> None: ...

    # -- records -----------------------------------------------------------------------------
    def ids(self, kind: Kind) -> list[str]:
        """Every id of ``kind``, sorted."""
        ...

    def exists(self, kind: Kind, record_id: str) -> bool: ...

    def resolve(self, prefix: str, kind: Kind | None = None) -> tuple[str, str]:
        """(kind, full id) for a unique id prefix; merged claim ids resolve to the survivor.
        NotFound / AmbiguousId otherwise."""
        ...

    def load(self, kind: Kind, record_id: str) -> Record:
        """One record by full id; NotFound, or CorruptRecord naming it."""
        ...

    def get(self, prefix: str, kind: Kind | None = None) -> Record:
        """``load`` after ``resolve``."""
        ...

    def load_many(self, kind: Kind, record_ids: Iterable[str]) -> dict[str, Record]:
        """The records of these ids that exist and load, by id; failures go to ``problems``."""
        ...

    def load_all(self, kind: Kind) -> list[Record]:
        """Every loadable record of ``kind``; failures go to ``problems``."""
        ...

    def records(self) -> Records:
        """The whole case (graph building and whole-case exports need it)."""
        ...

    # -- derived reads -----------------------------------------------------------------------
    def query_claims(self, **query: Unpack[ClaimQuery]) -> list[ClaimRow]:
        """Claims as rows, filtered and ordered in the store (``ClaimQuery``)."""
        ...

    def query_claims_json(
        self, fields: Sequence[tuple[str, str]], **query: Unpack[ClaimQuery]
    ) -> Iterable[str]:
        """``query_claims(**query)`` as JSON text, one object a row holding only ``fields``
        ((output name, ``ClaimRow`` key) pairs, in that order), exactly as
        ``json.dumps(obj, ensure_ascii=False)`` writes it: what ``claims --json`` and
        ``flags --json`` print, without building the rows first."""
        ...

    def checkworthy_threshold(self) -> float:
        """The check-worthiness a claim must reach to be listed by default
        (``extract.checkworthy.THRESHOLD``, as the store's ``checkworthy`` scores were made)."""
        ...

    def assessments(self, claim_ids: Iterable[str] | None = None) -> dict[str, Assessment]:
        """The derived status and flags of these claims (all when None), by claim id."""
        ...

    def neighbourhood(self, claim_id: str) -> Records:
        """One claim and what its assessment and ``show`` need: the sources that mention it or
        give evidence on it (and those they derive from), its evidence and questions, and the
        claims it conflicts with. ``claims`` holds the claim first."""
        ...

    def claim_view(self, claim_id: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        """What ``show CLAIM`` prints: (the ``show --json`` object, ``claim_detail``; the
        sources of its neighbourhood as JSON objects, by id). NotFound when no such claim."""
        ...

    def search(self, text: str, top: int = 100) -> list[tuple[str, float]]:
        """First-stage retrieval for matching: (claim id, score) best first, by BM25 over each
        claim's text, title and claimant (higher is better)."""
        ...

    def claims_of_source(self, source_id: str) -> list[str]:
        """Ids of the claims with a mention in this source, sorted."""
        ...

    def write_graphml(self, out: BinaryIO) -> None:
        """The whole case as GraphML (``export.render(prepare(records), "graphml")``),
        written to the binary file ``out``; a store streams it when it can."""
        ...

    def mention_counts(self) -> dict[str, int]:
        """How many claim mentions each source has, by source id (sources with none left
        out)."""
        ...

    def match_statistics(self, words: Iterable[str]) -> tuple[int, dict[str, int]]:
        """(number of claims, {word: how many claims hold it}) over the words of each claim's
        ``match.claim_features``: ``n`` and ``df`` for ``match.rerank``."""
        ...

    # -- writes ------------------------------------------------------------------------------
    def transaction(self) -> AbstractContextManager[None]:
        """Hold the case's write lock for one command's read-decide-write. Re-entrant in one
        process. Reads inside see the case as committed; the writes made inside are one unit:
        a database commits or rolls back all of them; a folder writes each record whole (a
        crash can leave some of a batch written, never half a record)."""
        ...

    def batch(self, size: int | None = None) -> AbstractContextManager[None]:
        """Many writes committed in batches (an ingest or import run): inside, writes are
        staged, seen by this store's reads, and committed a batch (``size`` records, or the
        store's default) at a time; a crash keeps every committed batch whole. A database
        store's transaction is one."""
        ...

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the writes made so far are committed (at once outside a
        ``batch``)."""
        ...

    def save(self, record: Record) -> None: ...

    def save_many(self, records: Iterable[Record]) -> None:
        """Validate every record first, then write them all (inside ``transaction``)."""
        ...

    def delete(self, kind: Kind, record_id: str) -> None: ...

    # -- snapshots ---------------------------------------------------------------------------
    def put_blob(self, data: bytes) -> str:
        """Archive bytes by their sha256 (idempotent) and return the hash."""
        ...

    def read_blob(self, sha256: str) -> bytes: ...

    def blob_hashes(self) -> Iterator[str]:
        """The sha256 of every archived snapshot (``verify`` re-hashes them)."""
        ...

    def source_text(self, source: Source) -> str:
        """The archived main text of a source ('' if it has none)."""
        ...

    # -- integrity -----------------------------------------------------------------------------
    def verify(self) -> VerifyReport:
        """Re-hash every archived snapshot and check that every record loads
        (``claimtrack.store.verify``)."""
        ...


class NaiveReads:
    """The derived reads of ``Store`` computed from ``records()``: their definition.

    Slow on a big case (every call reads everything) but obviously right; a backend with an
    index overrides these and its tests compare its answers with these.
    """

    def records(self) -> Records:  # provided by the backend
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[None]:  # provided by the backend
        raise NotImplementedError

    # Writes: a store whose ``transaction`` already makes many writes one unit (a database)
    # can take these as they are.
    def batch(self, size: int | None = None) -> AbstractContextManager[None]:
        return self.transaction()

    def on_commit(self, callback: Callable[[], None]) -> None:
        callback()

    def query_claims(self, **query: Unpack[ClaimQuery]) -> list[ClaimRow]:
        from ..flags import assess

        status, flagged = query.get("status"), query.get("flagged")
        figures_only, codes = query.get("figures_only", False), query.get("codes", ())
        min_checkworthy, order = query.get("min_checkworthy"), query.get("order", "created")
        limit = query.get("limit")
        records = self.records()
        assessed = assess(records)
        wanted_codes = set(codes)
        rows: list[ClaimRow] = []
        for claim in records.claims.values():
            a = assessed[claim.id]
            if status is not None and a.status != status:
                continue
            if flagged is not None and bool(a.flags) != flagged:
                continue
            if figures_only and not claim.figures:
                continue
            if wanted_codes and not any(f.code in wanted_codes for f in a.flags):
                continue
            r = claim_row(claim, a)
            if min_checkworthy is not None and r["checkworthy"] < min_checkworthy:
                continue
            rows.append(r)
        if order == "severity":
            rows.sort(key=lambda r: assessed[r["id"]].severity())
        elif order == "triage":
            rows.sort(key=row_triage_key)
        else:
            rows.sort(key=lambda r: (r["created_at"], r["id"]))
        return rows if limit is None else rows[:limit]

    def query_claims_json(
        self, fields: Sequence[tuple[str, str]], **query: Unpack[ClaimQuery]
    ) -> Iterable[str]:
        import json

        return [
            json.dumps({name: row[key] for name, key in fields}, ensure_ascii=False)  # type: ignore[literal-required]
            for row in self.query_claims(**query)
        ]

    def checkworthy_threshold(self) -> float:
        from ..extract.checkworthy import THRESHOLD

        return THRESHOLD

    def assessments(self, claim_ids: Iterable[str] | None = None) -> dict[str, Assessment]:
        from ..flags import assess

        records = self.records()
        wanted = None if claim_ids is None else [c for c in claim_ids if c in records.claims]
        return assess(records, claims=wanted, explain=wanted is not None)

    def neighbourhood(self, claim_id: str) -> Records:
        from ..conflicts import find_conflicts
        from ..errors import NotFound
        from ..workspace import Records

        records = self.records()
        if claim_id not in records.claims:
            raise NotFound(f"no claim with id {claim_id!r}")
        claim = records.claims[claim_id]
        out = Records(problems=list(records.problems))
        out.claims[claim_id] = claim
        out.evidence = {
            e.id: e for e in records.evidence.values() if e.claim in {claim_id, *claim.aliases}
        }
        out.questions = {
            q.id: q for q in records.questions.values() if q.claim in {claim_id, *claim.aliases}
        }
        wanted = {m.source for m in claim.mentions} | {e.source for e in out.evidence.values()}
        # Provenance reaches through derived_from in both directions, transitively.
        linked: dict[str, set[str]] = {}
        for s in records.sources.values():
            for other in s.derived_from:
                linked.setdefault(s.id, set()).add(other)
                linked.setdefault(other, set()).add(s.id)
        todo = list(wanted)
        while todo:
            for other in linked.get(todo.pop(), ()):
                if other not in wanted:
                    wanted.add(other)
                    todo.append(other)
        out.sources = {
            sid: records.sources[sid] for sid in sorted(wanted) if sid in records.sources
        }
        for c in find_conflicts(records):
            partner = c.b if c.a == claim_id else c.a if c.b == claim_id else None
            if partner is not None and partner in records.claims:
                out.claims[partner] = records.claims[partner]
        return out

    def claim_view(self, claim_id: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        near = self.neighbourhood(claim_id)
        claim = near.claims[claim_id]
        assessment = self.assessments([claim_id]).get(claim_id)
        from ..extract import explain_checkworthiness

        detail = claim_detail(
            claim.model_dump(mode="json"),
            [e.model_dump(mode="json") for e in near.evidence.values()],
            [q.model_dump(mode="json") for q in near.questions.values()],
            assessment,
            *explain_checkworthiness(claim.text),
        )
        return detail, {sid: s.model_dump(mode="json") for sid, s in near.sources.items()}

    def search(self, text: str, top: int = 100) -> list[tuple[str, float]]:
        from ..search import MemorySearch

        return MemorySearch(self.records().claims.values()).search(text, top)

    def write_graphml(self, out: BinaryIO) -> None:
        from ..export import prepare, render

        out.write(render(prepare(self.records()), "graphml").encode("utf-8"))

    def mention_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for claim in self.records().claims.values():
            for m in claim.mentions:
                counts[m.source] = counts.get(m.source, 0) + 1
        return counts

    def match_statistics(self, words: Iterable[str]) -> tuple[int, dict[str, int]]:
        from ..match import claim_features

        claims = self.records().claims.values()
        wanted = set(words)
        counts = dict.fromkeys(wanted, 0)
        for claim in claims:
            for word in set(claim_features(claim).words) & wanted:
                counts[word] += 1
        return len(claims), counts

    def claims_of_source(self, source_id: str) -> list[str]:
        return sorted(
            c.id
            for c in self.records().claims.values()
            if any(m.source == source_id for m in c.mentions)
        )


def row_triage_key(row: ClaimRow) -> tuple[int, float, float, int, str]:
    """Sort key of ``order="triage"``: worst status, then the heaviest flags, then the most
    check-worthy, then the most repeated."""
    from ..flags import STATUSES, flag_weight

    weight = sum(flag_weight(f["code"]) for f in row["flags"])
    rank = STATUSES.index(row["status"]) if row["status"] in STATUSES else len(STATUSES)
    return (rank, -weight, -row["checkworthy"], -row["mentions"], row["id"])


def claim_row(
    claim: Claim, assessment: Assessment | None, checkworthy: float | None = None
) -> ClaimRow:
    """The row of one claim (``ClaimRow``) from its record and its assessment;
    ``checkworthy`` when already known (else computed from the claim's text)."""
    if checkworthy is None:
        from ..extract import checkworthiness

        checkworthy = checkworthiness(claim.text)
    return {
        "id": claim.id,
        "text": claim.text,
        "title": claim.title,
        "claimant": claim.claimant,
        "figures": [f.model_dump(mode="json") for f in claim.figures],
        "mentions": len(claim.mentions),
        "sources": len({m.source for m in claim.mentions}),
        "status": assessment.status if assessment else None,
        "flags": [{"code": f.code, "detail": f.detail} for f in assessment.flags]
        if assessment
        else [],
        "origins": assessment.origins if assessment else 0,
        "backing": assessment.sources if assessment else 0,
        "checkworthy": round(checkworthy, 3),
        "ref": claim.ref,
        "created_at": claim.created_at.isoformat(),
    }


def claim_detail(
    claim: dict[str, Any],
    evidence: list[dict[str, Any]],
    questions: list[dict[str, Any]],
    assessment: Assessment | None,
    checkworthy: float,
    why: list[tuple[str, float]],
) -> dict[str, Any]:
    """The ``show CLAIM --json`` contract (docs/json.md), from the claim and its evidence and
    questions as JSON objects (``model_dump(mode="json")``), its assessment (with origin
    groups) and its check-worthiness with the reasons for it
    (``extract.explain_checkworthiness``). Only live evidence recorded on the claim's own id is
    listed."""
    cid = claim["id"]
    return {
        "id": cid,
        "text": claim["text"],
        "title": claim["title"],
        "claimant": claim["claimant"],
        "ref": claim["ref"],
        "tags": claim["tags"],
        "created_at": _isoformat(claim["created_at"]),
        "aliases": claim["aliases"],
        "figures": claim["figures"],
        "status": assessment.status if assessment else None,
        "origins": assessment.origins if assessment else None,
        "origin_groups": [
            {"label": g.label, "claimant": g.claimant, "sources": list(g.sources)}
            for g in (assessment.groups if assessment else [])
        ],
        "flags": [{"code": f.code, "detail": f.detail} for f in assessment.flags]
        if assessment
        else [],
        "mentions": claim["mentions"],
        "evidence": [e for e in evidence if e["claim"] == cid and e["removed_at"] is None],
        "questions": [q for q in questions if q["claim"] == cid],
        "checkworthy": round(checkworthy, 3),
        "why": [{"reason": r, "weight": w} for r, w in why],
    }


def _isoformat(text: str) -> str:
    """A JSON datetime (pydantic writes UTC as "Z") as ``datetime.isoformat`` writes it."""
    return text[:-1] + "+00:00" if text.endswith("Z") else text
