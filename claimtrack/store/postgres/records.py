"""The records and snapshots of a database case: reading them, finding them by id prefix, and
the rows a write changes.

A record is stored as the exact text of the folder's file (``workspace.dump_record``), so
``raw_records`` gives a folder's bytes back and a copy round-trips byte for byte. Reading a
record validates it; one that does not load is a ``CorruptRecord`` naming the case, kind and
id, and the rest of the case still loads.

Writing goes in two steps the store puts derivation between: ``changes`` compares what is to
be written with what is stored (unchanged records are left alone), ``put`` writes the rows.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from ... import collector
from ...errors import AmbiguousId, CorruptRecord, NotFound
from ...ids import PREFIXES, kind_of

if TYPE_CHECKING:
    from typing import TypeAlias

    from ...models import Claim, Evidence, Question, Record, Source
    from ...workspace import Records
    from .connection import Database

    Stored: TypeAlias = Claim | Source | Evidence | Question
    """A record kept under its own id (figures and mentions are parts of claims)."""

R = TypeVar("R", bound="Stored")

KINDS = ("claim", "source", "evidence", "question")
_PREFIX_OK = re.compile(r"[a-z0-9-]+")
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass
class Change:
    """One record written (``new``, stored as ``body``) or deleted (``new`` None), with the
    version it replaces (``old``, None when there was none or it did not load; ``stored``,
    whether there was one)."""

    kind: str
    id: str
    old: Stored | None
    new: Stored | None
    body: str | None
    stored: bool = False


def model(kind: str) -> type[Stored]:
    """The record type of ``kind``."""
    from ...models import Claim, Evidence, Question, Source

    types: dict[str, type[Stored]] = {
        "claim": Claim, "source": Source, "evidence": Evidence, "question": Question
    }  # fmt: skip
    return types[kind]


def kind_of_model(model: type[Record]) -> str:
    """The kind of records of type ``model`` (``Claim``: "claim")."""
    return model.__name__.lower()


def parse(db: Database, model: type[R], record_id: str, body: str | bytes) -> R:
    """Validate one stored record; CorruptRecord (naming it) if it is not a valid ``model``
    record with this id."""
    from pydantic import ValidationError

    from ...models import expect

    where = f"{db.location} {kind_of_model(model)} {record_id}"
    try:
        record = expect(model.model_validate_json(body), model)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "record"
        raise CorruptRecord(where, f"{field}: {first.get('msg')}") from None
    if record.id != record_id:
        raise CorruptRecord(where, f"holds id {record.id!r}, not {record_id!r}")
    return record


def _parse_rows(
    db: Database, model: type[R], rows: Iterable[tuple[Any, ...]], problems: list[CorruptRecord]
) -> dict[str, R]:
    out: dict[str, R] = {}
    with collector.paused():
        for rid, body in rows:
            try:
                out[rid] = parse(db, model, rid, body)
            except CorruptRecord as exc:
                problems.append(exc)
    return out


# -- reading ------------------------------------------------------------------------------------
def ids(db: Database, kind: str) -> list[str]:
    values: list[str] = db.values("SELECT id FROM records WHERE kind = %s ORDER BY id", (kind,))
    return values


def exists(db: Database, kind: str, record_id: str) -> bool:
    return bool(db.rows("SELECT 1 FROM records WHERE kind = %s AND id = %s", (kind, record_id)))


def resolve(db: Database, prefix: str, kind: str | None = None) -> tuple[str, str]:
    """(kind, full id) for a unique id prefix, as ``Workspace.resolve``: ``kind`` restricts
    the search, else the prefix's type letter decides, and a bare hex prefix is looked for in
    every kind; a merged claim id resolves to the claim that took it in."""
    prefix = prefix.strip()
    if not prefix or not _PREFIX_OK.fullmatch(prefix):
        raise NotFound(f"{prefix!r} is not a claimtrack id (ids look like c-3f2a9b1c0d4e)")
    named = kind_of(prefix)
    kinds = [kind] if kind else [named] if named else list(KINDS)
    patterns = [(prefix if named else PREFIXES[k] + prefix) + "%" for k in kinds]
    found = db.rows(
        "SELECT records.kind, id FROM records, "
        "unnest(%s::text[], %s::text[]) WITH ORDINALITY AS w(kind, pattern, place) "
        "WHERE records.kind = w.kind AND records.id LIKE w.pattern "
        "ORDER BY w.place, records.id LIMIT 100",
        (kinds, patterns),
    )
    exact = [(k, rid) for k, rid in found if rid == prefix]
    if len(found) == 1 or exact:
        return (exact or found)[0]
    if found:
        raise AmbiguousId(prefix, [rid for _, rid in found])
    if "claim" in kinds:
        owner = db.values(
            "SELECT claim_id FROM claim_aliases WHERE alias LIKE %s ORDER BY claim_id DESC LIMIT 1",
            (patterns[kinds.index("claim")],),
        )
        if owner:
            return "claim", owner[0]
    what = kind or named or "record"
    raise NotFound(f"no {what} with id {prefix!r} in {db.location}")


def load(db: Database, model: type[R], record_id: str) -> R:
    kind = kind_of_model(model)
    rows = db.rows("SELECT body FROM records WHERE kind = %s AND id = %s", (kind, record_id))
    if not rows:
        raise NotFound(f"no {kind} with id {record_id!r} in {db.location}")
    return parse(db, model, record_id, rows[0][0])


def load_many(
    db: Database, model: type[R], record_ids: Iterable[str], problems: list[CorruptRecord]
) -> dict[str, R]:
    """The records of these ids that exist and load, in the order asked; the others that
    exist go to ``problems``."""
    wanted = list(dict.fromkeys(record_ids))
    rows = db.rows(
        "SELECT id, body FROM records WHERE kind = %s AND id = ANY(%s)",
        (kind_of_model(model), wanted),
    )
    found = _parse_rows(db, model, rows, problems)
    return {rid: found[rid] for rid in wanted if rid in found}


def load_about(
    db: Database, model: type[R], claim_ids: Iterable[str], problems: list[CorruptRecord]
) -> dict[str, R]:
    """Evidence or questions recorded on these claim ids, by id in id order."""
    rows = db.rows(
        "SELECT id, body FROM records WHERE kind = %s AND claim = ANY(%s) ORDER BY id",
        (kind_of_model(model), sorted(set(claim_ids))),
    )
    return _parse_rows(db, model, rows, problems)


def load_all(db: Database, model: type[R], problems: list[CorruptRecord]) -> dict[str, R]:
    rows = db.rows(
        "SELECT id, body FROM records WHERE kind = %s ORDER BY id", (kind_of_model(model),)
    )
    return _parse_rows(db, model, rows, problems)


def read_all(db: Database) -> Records:
    """The whole case, read in one snapshot (a consistent state even while others write)."""
    from ...models import Claim, Evidence, Question, Source
    from ...workspace import Records

    out = Records()
    with db.snapshot():
        out.claims = load_all(db, Claim, out.problems)
        out.sources = load_all(db, Source, out.problems)
        out.evidence = load_all(db, Evidence, out.problems)
        out.questions = load_all(db, Question, out.problems)
    return out


def raw_records(db: Database, kind: str) -> Iterator[tuple[str, bytes]]:
    """(id, the record's stored bytes) of every record of ``kind``, sorted by id: exactly what
    a folder case holds in its file."""
    for rid, body in db.rows("SELECT id, body FROM records WHERE kind = %s ORDER BY id", (kind,)):
        yield rid, body.encode("utf-8")


def json_bodies(db: Database, kind: str, record_ids: Iterable[str]) -> list[str]:
    """The stored JSON text of these records (those that exist), in id order."""
    bodies: list[str] = db.values(
        "SELECT body FROM records WHERE kind = %s AND id = ANY(%s) ORDER BY id",
        (kind, sorted(set(record_ids))),
    )
    return bodies


# -- writing ------------------------------------------------------------------------------------
def changes(
    db: Database, prepared: dict[tuple[str, str], tuple[Stored | None, str | None]]
) -> list[Change]:
    """What writing ``prepared`` ((kind, id) -> (record, its text); (None, None) to delete)
    changes: the records whose stored text differs, with the versions they replace."""
    by_kind: dict[str, list[str]] = {}
    for kind, rid in prepared:
        by_kind.setdefault(kind, []).append(rid)
    stored: dict[tuple[str, str], str] = {}
    for kind, wanted in by_kind.items():
        for rid, body in db.rows(
            "SELECT id, body FROM records WHERE kind = %s AND id = ANY(%s)", (kind, wanted)
        ):
            stored[(kind, rid)] = body
    out = []
    for (kind, rid), (record, body) in prepared.items():
        before = stored.get((kind, rid))
        if before == body:
            continue  # unchanged (or deleting what is not there)
        old = None
        if before is not None:
            try:
                old = parse(db, model(kind), rid, before)
            except CorruptRecord:
                pass  # what it reached cannot be known; its rows go by id all the same
        out.append(Change(kind, rid, old, record, body, before is not None))
    return out


def put(db: Database, changed: list[Change]) -> None:
    """Write the records' rows of ``changed``."""
    from ...models import Evidence, Question

    new: list[tuple[str, str, str, str | None, str | None]] = []
    updated: list[tuple[str, str | None, str | None, str, str]] = []
    gone: dict[str, list[str]] = {}
    for c in changed:
        if c.new is None or c.body is None:
            gone.setdefault(c.kind, []).append(c.id)
            continue
        about = c.new.claim if isinstance(c.new, (Evidence, Question)) else None
        source = c.new.source if isinstance(c.new, Evidence) else None
        if c.stored:
            updated.append((c.body, about, source, c.kind, c.id))
        else:
            new.append((c.kind, c.id, c.body, about, source))
    for kind, rids in gone.items():
        db.execute("DELETE FROM records WHERE kind = %s AND id = ANY(%s)", (kind, rids))
    db.insert("records", "kind, id, body, claim, source", new)
    db.executemany(
        "UPDATE records SET body = %s, claim = %s, source = %s WHERE kind = %s AND id = %s",
        updated,
    )


# -- snapshots ----------------------------------------------------------------------------------
def put_blob(db: Database, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    db.execute(
        "INSERT INTO blobs (sha256, data) VALUES (%s, %s) ON CONFLICT (sha256) DO NOTHING",
        (sha, data),
    )
    return sha


def read_blob(db: Database, sha256: str) -> bytes:
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise NotFound(f"{str(sha256)[:80]!r} is not the sha256 of a snapshot")
    rows = db.rows("SELECT data FROM blobs WHERE sha256 = %s", (sha256,))
    if not rows:
        raise NotFound(f"snapshot {sha256[:12]} is missing from {db.location}")
    return bytes(rows[0][0])


def blob_hashes(db: Database) -> Iterator[str]:
    yield from db.values("SELECT sha256 FROM blobs ORDER BY sha256")


def source_text(db: Database, source: Source) -> str:
    if not source.text_sha256:
        return ""
    return read_blob(db, source.text_sha256).decode("utf-8")
