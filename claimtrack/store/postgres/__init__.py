"""A case kept in a PostgreSQL database: one shared case that a newsroom desk writes at once.

``PostgresStore`` provides ``claimtrack.store.base.Store`` over a database named by a URL
(``postgresql://user@host/db``); install it with ``pip install 'claimtrack[postgres]'``
(psycopg 3). ``claimtrack init URL`` creates the case's tables in the database; every command
then takes ``--workspace URL`` (or ``CLAIMTRACK_WORKSPACE=URL``). Nothing is written to the
local disk for a database case.

The modules, each one concern:

- ``connection``: connections (one a thread), statements, errors as one-line messages, the
  case's transactions (a database transaction holding the case's write lock, so one command's
  read-decide-write is serialised with every other writer's and committed or rolled back
  whole: two journalists importing the same claim at once end with one claim and both
  mentions) and read snapshots (readers never wait).
- ``schema``: the tables, their version, creating and migrating them.
- ``records``: records and snapshots, read and written as the folder's exact JSON text.
- ``derived``: what the reads need, derived in the writing transaction from what its changes
  reach (``claimtrack.store.derive``).
- ``reads``: the derived reads, answered from those tables.
- ``verify``: re-hashing the snapshots.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, cast

from ...errors import CorruptRecord, WorkspaceError
from ..base import NaiveReads
from . import derived, reads, records, schema
from .connection import Database, ReadOnlyCase, redact
from .schema import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ...flags import Assessment
    from ...models import Record, Source
    from ...workspace import Records
    from ..base import ClaimQuery, ClaimRow, Kind
    from ..verify import VerifyReport
    from .records import Stored

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "PostgresStore", "ReadOnlyCase", "redact"]


class PostgresStore(NaiveReads):
    """A case in a PostgreSQL database. Open one with ``PostgresStore.open(url)`` or
    ``PostgresStore.init(url)``."""

    def __init__(self, url: str):
        self.db = Database(url)
        self.db.before_begin = derived.load_rules
        self.db.before_commit = self._finish
        self.problems: list[CorruptRecord] = []

    @property
    def url(self) -> str:
        return self.db.url

    @property
    def location(self) -> str:
        return self.db.location

    def __repr__(self) -> str:
        return f"PostgresStore({self.location!r})"

    # -- creating and opening ------------------------------------------------------------
    @classmethod
    def open(cls, url: str) -> PostgresStore:
        """The case in the database at ``url``; WorkspaceError when there is none (or it was
        made by a newer claimtrack)."""
        store = cls(url)
        store._prepare(create=False)
        return store

    @classmethod
    def init(cls, url: str) -> tuple[PostgresStore, bool]:
        """Create the case's tables in the database at ``url`` (or open the case there).
        Returns (store, created)."""
        store = cls(url)
        return store, store._prepare(create=True)

    def _prepare(self, *, create: bool) -> bool:
        return schema.prepare(self.db, create=create, stamp=derived.stamp)

    def close(self) -> None:
        """Close every connection this store opened."""
        self.db.close()

    # -- settings ------------------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        fmt, settings = schema.settings(self.db)
        return {"schema_version": fmt, "settings": settings}

    @property
    def settings(self) -> dict[str, Any]:
        return schema.settings(self.db)[1]

    def set_setting(self, key: str, value: Any) -> None:
        import json

        with self.transaction():
            settings = self.settings
            settings[key] = value
            self.db.execute("UPDATE case_meta SET settings = %s", (json.dumps(settings, indent=2),))

    # -- writing -------------------------------------------------------------------------
    def transaction(self) -> AbstractContextManager[None]:
        """One database transaction holding the case's write lock (re-entrant in a thread):
        everything written inside is committed together at the end of the outermost block,
        with what it derives, or not at all if it raises (or the connection is lost)."""
        return self.db.transaction()

    def lock(self) -> AbstractContextManager[None]:
        """The folder workspace's name for ``transaction`` (library code takes either)."""
        return self.db.transaction()

    def batch(self, size: int | None = None) -> AbstractContextManager[None]:
        """Many writes as one unit: in a database the transaction already is one."""
        return self.db.transaction()

    def on_commit(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once what this thread has written is committed (at once outside
        a transaction; never if the transaction is rolled back)."""
        self.db.on_commit(callback)

    def _finish(self) -> None:
        derived.finish(self.db)

    def save(self, record: Record) -> None:
        self.save_many([record])

    def save_many(self, records_: Iterable[Record]) -> None:
        """Validate every record first, then write those that changed in one transaction."""
        from ...models import Claim, Evidence, Question, Source
        from ...workspace import _SAFE_ID, dump_record

        prepared: dict[tuple[str, str], tuple[Stored | None, str | None]] = {}
        for record in records_:
            if not isinstance(record, (Claim, Source, Evidence, Question)):
                raise TypeError(f"a {type(record).__name__} is not saved on its own")
            kind = records.kind_of_model(type(record))
            if not _SAFE_ID.fullmatch(record.id):
                raise WorkspaceError(
                    f"cannot save a {kind} with id {record.id!r}: an id is lower-case letters, "
                    "digits and dashes, like c-3f2a9b1c0d4e"
                )
            type(record).model_validate(record.model_dump())
            prepared[(kind, record.id)] = (record, dump_record(record).decode("utf-8"))
        self._write(prepared)

    def _write(self, prepared: dict[tuple[str, str], tuple[Stored | None, str | None]]) -> None:
        if not prepared:
            return
        with self.db.transaction():
            derived.write(self.db, records.changes(self.db, prepared))

    def delete(self, kind: Kind, record_id: str) -> None:
        self._write({(kind, record_id): (None, None)})

    def put_raw(self, items: Iterable[tuple[str, str, bytes]]) -> int:
        """Store records given as (kind, id, bytes of the folder's file), keeping the bytes
        exactly; each must load as its kind's record with that id (CorruptRecord otherwise).
        Returns how many were given."""
        prepared: dict[tuple[str, str], tuple[Stored | None, str | None]] = {}
        for kind, rid, data in items:
            parsed = records.parse(self.db, records.model(kind), rid, data)
            prepared[(kind, rid)] = (parsed, data.decode())
        self._write(prepared)
        return len(prepared)

    def raw_records(self, kind: Kind) -> Iterator[tuple[str, bytes]]:
        """(id, the record's stored bytes) of every record of ``kind``, sorted by id: exactly
        what a folder case holds in its file (``claimtrack copy``)."""
        return records.raw_records(self.db, kind)

    def reindex(self) -> dict[str, Any]:
        """Derive everything the reads use afresh from the records; counts for a message."""
        started = time.perf_counter()
        with self.db.transaction():
            case = derived.rebuild(self.db)
        self.problems = list(case.problems)
        return {
            "claims": len(case.claims),
            "sources": len(case.sources),
            "evidence": len(case.evidence),
            "questions": len(case.questions),
            "problems": len(case.problems),
            "seconds": round(time.perf_counter() - started, 2),
            "path": self.location,
        }

    # -- records -------------------------------------------------------------------------
    def ids(self, kind: Kind) -> list[str]:
        return records.ids(self.db, kind)

    def exists(self, kind: Kind, record_id: str) -> bool:
        return records.exists(self.db, kind, record_id)

    def resolve(self, prefix: str, kind: Kind | None = None) -> tuple[str, str]:
        return records.resolve(self.db, prefix, kind)

    def load(self, kind: Kind, record_id: str) -> Record:
        return records.load(self.db, records.model(kind), record_id)

    def get(self, prefix: str, kind: Kind | None = None) -> Record:
        found, record_id = self.resolve(prefix, kind)
        return self.load(cast("Kind", found), record_id)

    def load_many(self, kind: Kind, record_ids: Iterable[str]) -> dict[str, Record]:
        found = records.load_many(self.db, records.model(kind), record_ids, self.problems)
        return dict(found)

    def load_all(self, kind: Kind) -> list[Record]:
        self.problems = []
        return list(records.load_all(self.db, records.model(kind), self.problems).values())

    def records(self) -> Records:
        """The whole case, read in one snapshot (a consistent state even while others write)."""
        case = records.read_all(self.db)
        self.problems = list(case.problems)
        return case

    # -- snapshots -----------------------------------------------------------------------
    def put_blob(self, data: bytes) -> str:
        return records.put_blob(self.db, data)

    def read_blob(self, sha256: str) -> bytes:
        return records.read_blob(self.db, sha256)

    def blob_hashes(self) -> Iterator[str]:
        return records.blob_hashes(self.db)

    def source_text(self, source: Source) -> str:
        return records.source_text(self.db, source)

    def verify(self) -> VerifyReport:
        """Re-hash every archived snapshot and report records that do not load."""
        from .verify import verify

        return verify(self.db)

    # -- derived reads (NaiveReads' answers, from the derived tables) ---------------------
    def query_claims(self, **query: Unpack[ClaimQuery]) -> list[ClaimRow]:
        if not reads.ready(self.db):
            return NaiveReads.query_claims(self, **query)
        return reads.query_claims(self.db, query)

    def query_claims_json(
        self, fields: Sequence[tuple[str, str]], **query: Unpack[ClaimQuery]
    ) -> list[str]:
        if not reads.ready(self.db):
            return list(NaiveReads.query_claims_json(self, fields, **query))
        return reads.query_claims_json(self.db, fields, query)

    def checkworthy_threshold(self) -> float:
        if not reads.ready(self.db):
            return NaiveReads.checkworthy_threshold(self)
        return reads.checkworthy_threshold(self.db)

    def assessments(self, claim_ids: Iterable[str] | None = None) -> dict[str, Assessment]:
        wanted = None if claim_ids is None else list(claim_ids)
        if not reads.ready(self.db):
            return NaiveReads.assessments(self, wanted)
        return reads.assessments(self.db, wanted)

    def neighbourhood(self, claim_id: str) -> Records:
        if not reads.ready(self.db):
            return NaiveReads.neighbourhood(self, claim_id)
        self.problems = []
        return reads.neighbourhood(self.db, claim_id, self.problems)

    def claim_view(self, claim_id: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        if not reads.ready(self.db):
            return NaiveReads.claim_view(self, claim_id)
        return reads.claim_view(self.db, claim_id)

    def search(self, text: str, top: int = 100) -> list[tuple[str, float]]:
        if not reads.ready(self.db):
            return NaiveReads.search(self, text, top)
        return reads.search(self.db, text, top)

    def match_statistics(self, words: Iterable[str]) -> tuple[int, dict[str, int]]:
        if not reads.ready(self.db):
            return NaiveReads.match_statistics(self, words)
        return reads.match_statistics(self.db, words)

    def claims_of_source(self, source_id: str) -> list[str]:
        if not reads.ready(self.db):
            return NaiveReads.claims_of_source(self, source_id)
        return reads.claims_of_source(self.db, source_id)

    def mention_counts(self) -> dict[str, int]:
        if not reads.ready(self.db):
            return NaiveReads.mention_counts(self)
        return reads.mention_counts(self.db)
