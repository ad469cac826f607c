"""A case kept in a PostgreSQL database: one shared case that a newsroom desk writes at once.

``PostgresStore`` provides ``claimtrack.store.base.Store`` over a database named by a URL
(``postgresql://user@host/db``); install it with ``pip install 'claimtrack[postgres]'``
(psycopg 3). ``claimtrack init URL`` creates the case's tables in the database; every command
then takes ``--workspace URL`` (or ``CLAIMTRACK_WORKSPACE=URL``). Nothing is written to the
local disk for a database case.

**Tables** (all in the schema ``claimtrack`` of the database, so a case can share a database
with other applications):

- ``records``: every record as the exact JSON text the folder writes
  (``claimtrack.workspace.dump_record``: sorted keys, 2-space indent), keyed by kind and its
  content-derived id, with the claim an evidence or question is about. The text, not JSONB
  (which reorders keys), so that a case copied folder -> database -> folder gives identical
  files (``claimtrack copy``).
- ``blobs``: the archived snapshots (raw bytes and extracted text) by sha256.
- what the reads need, kept in the same transaction as the records they derive from:
  ``claim_index`` (full-text search vector, check-worthiness, matching features),
  ``match_keys`` (the matcher's inverted index), ``claim_sources`` (which claims a source
  mentions), ``claim_aliases`` (merged ids), ``source_links`` (``derived_from`` both ways).
- ``claim_state``/``claim_conflicts``: every claim's derived status, flags and row, computed
  from the whole case (``claimtrack.flags.assess``) and stamped with the case's generation;
  a read after a write recomputes them once, so ``flags``, ``claims`` and ``show`` read
  answers instead of recomputing the world on every call.
- ``case_meta`` (record format, settings, generation: a counter every writing transaction
  increments) and ``schema_version`` (the layout of these tables; claimtrack migrates an older
  one and refuses a newer one).

**Writers**: ``transaction()`` is one database transaction holding a transaction-scoped
advisory lock of the case, so one command's read-decide-write (adding a mention to a claim,
evidence to a claim) is serialised with every other writer's, and its writes are committed or
rolled back together: two journalists importing the same claim at once end with one claim and
both mentions. Readers are never blocked (they read the last committed state).

**Derived state**: ``_refresh_state`` recomputes every claim's row from one snapshot of the
whole case, the first time a read finds the stored state older than the case (or made by
another version of claimtrack: ``code_fingerprint``). To derive incrementally, a writer would
instead re-derive only the claims its change reaches and write their rows in its own
transaction, setting ``derived_meta.generation`` to the generation it commits.

Threads: each thread uses its own connection (ingest reads from its fetching threads while
the main thread writes).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import AmbiguousId, CorruptRecord, NotFound, WorkspaceError
from ..ids import PREFIXES, kind_of
from .base import NaiveReads

if TYPE_CHECKING:
    from ..flags import Assessment
    from ..ingest import VerifyReport
    from ..match import Features, Match
    from ..models import Claim, Figure, Record, Source
    from ..workspace import Records
    from .base import ClaimOrder, ClaimRow

T = TypeVar("T")

SCHEMA = "claimtrack"
SCHEMA_VERSION = 1
"""Version of the table layout below (``schema_version``); ``MIGRATIONS[v]`` brings a case
from version v to v + 1."""

KINDS = ("claim", "source", "evidence", "question")
CASE_LOCK = 0x436C_6169_6D00_0001  # "Claim" + 1: the writers' lock of the case
SETUP_LOCK = 0x436C_6169_6D00_0002  # creating or migrating the tables
REFRESH_LOCK = 0x436C_6169_6D00_0003  # recomputing the derived claim state
LOCK_TIMEOUT = "60s"
CONNECT_TIMEOUT = 10
MAX_POSTINGS = 5000
"""A matching key on more claims than this nominates no candidates (as in the folder's
index): too common to tell claims apart."""

_PREFIX_OK = re.compile(r"[a-z0-9-]+")
_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_QUERY_WORD = re.compile(r"[^\W_]+")
MAX_QUERY_WORDS = 64

_CREATE = [
    f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
    """CREATE TABLE schema_version (version integer NOT NULL)""",
    """CREATE TABLE case_meta (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        format integer NOT NULL,
        settings text NOT NULL,
        generation bigint NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE records (
        kind text NOT NULL,
        id text COLLATE "C" NOT NULL,
        body text NOT NULL,
        claim text COLLATE "C",
        PRIMARY KEY (kind, id)
    )""",
    "CREATE INDEX records_claim ON records (claim) WHERE claim IS NOT NULL",
    """CREATE TABLE blobs (
        sha256 text COLLATE "C" PRIMARY KEY,
        data bytea NOT NULL
    )""",
    """CREATE TABLE claim_index (
        claim_id text COLLATE "C" PRIMARY KEY,
        search tsvector NOT NULL,
        checkworthy double precision NOT NULL,
        features text NOT NULL,
        code text NOT NULL
    )""",
    "CREATE INDEX claim_index_search ON claim_index USING gin (search)",
    "CREATE INDEX claim_index_code ON claim_index (code)",
    """CREATE TABLE match_keys (
        key text COLLATE "C" NOT NULL,
        claim_id text COLLATE "C" NOT NULL,
        PRIMARY KEY (key, claim_id)
    )""",
    "CREATE INDEX match_keys_claim ON match_keys (claim_id)",
    """CREATE TABLE claim_sources (
        source_id text COLLATE "C" NOT NULL,
        claim_id text COLLATE "C" NOT NULL,
        PRIMARY KEY (source_id, claim_id)
    )""",
    "CREATE INDEX claim_sources_claim ON claim_sources (claim_id)",
    """CREATE TABLE claim_aliases (
        alias text COLLATE "C" NOT NULL,
        claim_id text COLLATE "C" NOT NULL,
        PRIMARY KEY (alias, claim_id)
    )""",
    "CREATE INDEX claim_aliases_claim ON claim_aliases (claim_id)",
    """CREATE TABLE source_links (
        source_id text COLLATE "C" NOT NULL,
        derived_from text COLLATE "C" NOT NULL,
        PRIMARY KEY (source_id, derived_from)
    )""",
    "CREATE INDEX source_links_parent ON source_links (derived_from)",
    """CREATE TABLE claim_state (
        claim_id text COLLATE "C" PRIMARY KEY,
        status text,
        status_rank integer NOT NULL,
        weight double precision NOT NULL,
        mentions integer NOT NULL,
        checkworthy double precision NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        has_figures boolean NOT NULL,
        codes text[] NOT NULL,
        row_json text NOT NULL,
        row_fields text NOT NULL,
        assessment_json text NOT NULL
    )""",
    """CREATE TABLE claim_conflicts (
        position integer PRIMARY KEY,
        a text COLLATE "C" NOT NULL,
        b text COLLATE "C" NOT NULL,
        reason text NOT NULL
    )""",
    "CREATE INDEX claim_conflicts_a ON claim_conflicts (a)",
    "CREATE INDEX claim_conflicts_b ON claim_conflicts (b)",
    """CREATE TABLE derived_meta (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        generation bigint NOT NULL,
        code text NOT NULL
    )""",
    "INSERT INTO derived_meta (generation, code) VALUES (-1, '')",
]

MIGRATIONS: dict[int, list[str]] = {}
"""Statements that bring the tables from version v (the key) to v + 1, run in one
transaction by ``PostgresStore.open``. None yet: version 1 is the first."""


class ReadOnlyCase(WorkspaceError):
    """The database refused a write (a read-only role or server)."""


def redact(url: str) -> str:
    """The URL without its password (in the user part or as a ``password`` parameter): what
    messages show."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "the database URL"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, hosts = netloc.rsplit("@", 1)
        netloc = userinfo.split(":", 1)[0] + "@" + hosts
    query = parts.query
    if query:
        pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "password"]
        query = urlencode(pairs)
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def _fold(text: str | None) -> str:
    """Text as the search index reads it: accents removed (as FTS5's remove_diacritics)."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while many records load: they make no cycles, and each
    collection would rescan everything loaded so far."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _features_doc(claim: Claim) -> tuple[str, list[str]]:
    """The matcher's view of a claim (``claimtrack.match.claim_features``) as JSON, and its
    keys in the inverted index (content words and figure buckets)."""
    from ..match import claim_features, figure_keys

    f = claim_features(claim)
    doc = {
        "w": list(f.words),
        "f": [[s.group, s.lo, s.hi, s.unit] for s in f.figures],
        "c": f.claimant,
        "b": list(f.subject),
        "n": list(f.names),
    }
    keys = sorted(set(f.words) | set(figure_keys(f.figures)))
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False), keys


_CODE: str | None = None


def code_fingerprint() -> str:
    """A hash of claimtrack's own code (every module and data file of the package): what
    the stored derived data (matching features, check-worthiness, assessments) was computed
    with. Another version computes them afresh, once."""
    global _CODE
    if _CODE is None:
        from pathlib import Path

        package = Path(__file__).resolve().parents[1]
        h = hashlib.sha256()
        for path in sorted(package.rglob("*")):
            if path.is_file() and path.suffix not in (".pyc", ".pyo"):
                h.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
        _CODE = h.hexdigest()[:16]
    return _CODE


def _features_from_doc(text: str) -> Features:
    from ..match import Features, FigureSpan

    doc = json.loads(text)
    return Features(
        tuple(doc["w"]),
        tuple(FigureSpan(*f) for f in doc["f"]),
        doc["c"],
        tuple(doc["b"]),
        tuple(doc["n"]),
    )


class PostgresStore(NaiveReads):
    """A case in a PostgreSQL database. Open one with ``PostgresStore.open(url)`` or
    ``PostgresStore.init(url)``."""

    def __init__(self, url: str):
        self.url = url
        self.problems: list[CorruptRecord] = []
        self._local = threading.local()
        self._connections: list[Any] = []
        self._guard = threading.Lock()

    @property
    def location(self) -> str:
        return redact(self.url)

    def __repr__(self) -> str:
        return f"PostgresStore({self.location!r})"

    # -- connections and errors --------------------------------------------------------------
    def _connect(self) -> Any:
        try:
            import psycopg
        except ImportError as exc:
            raise WorkspaceError(
                f"{self.location} is a database case; install PostgreSQL support with: "
                "pip install 'claimtrack[postgres]'"
            ) from exc
        try:
            urlsplit(self.url).port  # noqa: B018  (raises ValueError on a malformed URL)
        except ValueError:
            raise WorkspaceError(
                "the database URL is malformed; write it as postgresql://user@host:port/database"
            ) from None
        extra: dict[str, Any] = {"autocommit": True}
        if "connect_timeout" not in self.url:
            extra["connect_timeout"] = CONNECT_TIMEOUT
        if "application_name" not in self.url:
            extra["application_name"] = "claimtrack"
        try:
            conn = psycopg.connect(self.url, **extra)
        except psycopg.Error as exc:
            raise self._connect_error(exc) from None
        except Exception as exc:  # a malformed URL (ProgrammingError, ValueError)
            raise WorkspaceError(
                f"{self.location} is not a usable database URL: {self._scrub(_one_line(str(exc)))}"
            ) from None
        try:
            conn.execute(f"SET search_path TO {SCHEMA}; SET lock_timeout = '{LOCK_TIMEOUT}'")
        except psycopg.Error as exc:
            conn.close()
            raise self._error(exc) from None
        return conn

    def _connect_error(self, exc: Exception) -> WorkspaceError:
        message = _one_line(str(exc))
        lowered = message.lower()
        where = self.location
        if "password authentication failed" in lowered or "no password supplied" in lowered:
            return WorkspaceError(
                f"the database server refused the login for {where}: wrong user name or "
                "password (set the password in ~/.pgpass or PGPASSWORD, or in the URL)"
            )
        if re.search(r'role "[^"]*" does not exist', lowered):
            return WorkspaceError(
                f"the database server refused the login for {where}: no such user"
            )
        m = re.search(r'database "([^"]*)" does not exist', message)
        if m:
            return WorkspaceError(
                f"there is no database {m.group(1)!r} on the server of {where}; "
                f"ask for one or create it (createdb {m.group(1)})"
            )
        if "permission denied" in lowered or "pg_hba.conf" in lowered:
            return WorkspaceError(f"the database server refused the connection to {where}")
        if "timeout expired" in lowered:
            return WorkspaceError(
                f"cannot reach the database server of {where}: no answer within {CONNECT_TIMEOUT} s"
            )
        if "refused" in lowered:
            reason = "connection refused"
        elif "servname not supported" in lowered or "invalid port" in lowered:
            reason = "the port in the URL is not a number"
        elif "name or service not known" in lowered or "translate host name" in lowered:
            reason = "unknown host name"
        else:
            reason = self._scrub(message)
        return WorkspaceError(f"cannot reach the database server of {where}: {reason}")

    def _scrub(self, text: str) -> str:
        """``text`` without the URL's password, should a library message quote it."""
        try:
            password = urlsplit(self.url).password
        except ValueError:
            password = None
        text = text.replace(self.url, self.location)
        return text.replace(password, "***") if password else text

    def _error(self, exc: Any) -> WorkspaceError:
        import psycopg
        from psycopg import errors

        message = self._scrub(_one_line(getattr(exc.diag, "message_primary", None) or str(exc)))
        if isinstance(exc, errors.LockNotAvailable):
            return WorkspaceError(
                f"the case {self.location} is being written by another claimtrack command "
                f"that has not finished within {LOCK_TIMEOUT}; try again when it has"
            )
        if isinstance(exc, (errors.InsufficientPrivilege, errors.ReadOnlySqlTransaction)):
            return ReadOnlyCase(f"the database refused: {message} ({self.location})")
        if isinstance(exc, psycopg.OperationalError):
            return WorkspaceError(
                f"lost the connection to the database server of {self.location} ({message}); "
                "the unfinished command wrote nothing"
            )
        return WorkspaceError(f"database error in {self.location}: {message}")

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self._connect()
            self._local.conn = conn
            with self._guard:
                self._connections.append(conn)
        return conn

    def _execute(self, sql: str, params: Any = None) -> Any:
        """Run one statement on this thread's connection; a cursor to read from."""
        import psycopg

        conn = self._conn()
        try:
            return conn.execute(sql, params)
        except psycopg.Error as exc:
            raise self._error(exc) from None

    def _rows(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        import psycopg

        cur = self._execute(sql, params)
        try:
            rows: list[tuple[Any, ...]] = cur.fetchall()
            return rows
        except psycopg.Error as exc:
            raise self._error(exc) from None

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        import psycopg

        if not rows:
            return
        if len(rows) == 1:
            self._execute(sql, rows[0])
            return
        try:
            with self._conn().cursor() as cur:
                cur.executemany(sql, rows)
        except psycopg.Error as exc:
            raise self._error(exc) from None

    def _insert(self, table: str, columns: str, rows: Sequence[Sequence[Any]]) -> None:
        """Insert new rows: by COPY when there are many (ten times faster), else one
        statement each (pipelined)."""
        import psycopg

        if len(rows) < 50:
            marks = ", ".join(["%s"] * len(columns.split(",")))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            self._executemany(sql, rows)
            return
        try:
            with self._conn().cursor() as cur:
                with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        except psycopg.Error as exc:
            raise self._error(exc) from None

    def close(self) -> None:
        """Close every connection this store opened."""
        with self._guard:
            connections, self._connections = self._connections, []
        for conn in connections:
            try:
                conn.close()
            except Exception:  # pragma: no cover - closing a broken connection
                pass
        self._local = threading.local()

    # -- creating and opening ------------------------------------------------------------------
    @classmethod
    def open(cls, url: str) -> PostgresStore:
        """The case in the database at ``url``; WorkspaceError when there is none (or it was
        made by a newer claimtrack)."""
        store = cls(url)
        store._check_schema(create=False)
        return store

    @classmethod
    def init(cls, url: str) -> tuple[PostgresStore, bool]:
        """Create the case's tables in the database at ``url`` (or open the case there).
        Returns (store, created)."""
        store = cls(url)
        created = store._check_schema(create=True)
        return store, created

    def _schema_version(self) -> int | None:
        [(present,)] = self._rows(
            "SELECT to_regclass(%s) IS NOT NULL", (f"{SCHEMA}.schema_version",)
        )
        if not present:
            return None
        [(version,)] = self._rows("SELECT max(version) FROM schema_version")
        return int(version)

    def _check_schema(self, *, create: bool) -> bool:
        """Check (and create or migrate) the tables; True when this call created them."""
        from ..models import SCHEMA_VERSION as FORMAT

        conn = self._conn()
        version = self._schema_version()
        if version is None and not create:
            raise WorkspaceError(
                f"{self.location} is not a claimtrack case (the database has no claimtrack "
                f"tables); create one with: claimtrack init {self.location}"
            )
        if version is not None and version > SCHEMA_VERSION:
            raise WorkspaceError(
                f"{self.location} was set up by a newer claimtrack (database schema {version}, "
                f"this one knows up to {SCHEMA_VERSION}); upgrade claimtrack"
            )
        created = False
        if version is None or version < SCHEMA_VERSION:
            import psycopg

            try:
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (SETUP_LOCK,))
                    version = self._schema_version()  # another process may have done it
                    if version is None:
                        for statement in _CREATE:
                            conn.execute(statement)
                        conn.execute(
                            "INSERT INTO case_meta (format, settings) VALUES (%s, %s)",
                            (FORMAT, "{}"),
                        )
                        conn.execute(
                            "INSERT INTO schema_version (version) VALUES (%s)", (SCHEMA_VERSION,)
                        )
                        created = True
                    else:
                        while version < SCHEMA_VERSION:
                            for statement in MIGRATIONS[version]:
                                conn.execute(statement)
                            version += 1
                            conn.execute("UPDATE schema_version SET version = %s", (version,))
            except psycopg.errors.InsufficientPrivilege as exc:
                raise WorkspaceError(
                    f"cannot create the case's tables in {self.location}: "
                    f"{_one_line(exc.diag.message_primary or str(exc))}; the database's owner "
                    "can run claimtrack init, or grant CREATE on it"
                ) from None
            except psycopg.Error as exc:
                raise self._error(exc) from None
        fmt = self.config().get("schema_version")
        if isinstance(fmt, int) and fmt > FORMAT:
            raise WorkspaceError(
                f"{self.location} holds records written by a newer claimtrack (format {fmt}, "
                f"this one reads up to {FORMAT}); upgrade claimtrack"
            )
        return created

    # -- settings -------------------------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        rows = self._rows("SELECT format, settings FROM case_meta")
        if not rows:
            raise WorkspaceError(f"{self.location} has no case settings; is it a claimtrack case?")
        fmt, settings = rows[0]
        try:
            parsed = json.loads(settings)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise WorkspaceError(f"the settings of {self.location} are not a JSON object")
        return {"schema_version": fmt, "settings": parsed}

    @property
    def settings(self) -> dict[str, Any]:
        settings: dict[str, Any] = self.config().get("settings") or {}
        return settings

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction():
            settings = self.settings
            settings[key] = value
            self._execute("UPDATE case_meta SET settings = %s", (json.dumps(settings, indent=2),))
            self._local.dirty = True

    def generation(self) -> int:
        """A number that changes with every committed write to the case."""
        [(generation,)] = self._rows("SELECT generation FROM case_meta")
        return int(generation)

    # -- writing --------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One database transaction holding the case's write lock (re-entrant in a thread):
        everything written inside is committed together at the end of the outermost block,
        or not at all if it raises (or the connection is lost)."""
        import psycopg

        local = self._local
        if getattr(local, "depth", 0):
            local.depth += 1
            try:
                yield
            finally:
                local.depth -= 1
            return
        conn = self._conn()
        # BEGIN and the lock in one round trip, the generation and COMMIT in another: a
        # command that writes one record costs four round trips to the server.
        try:
            conn.execute(f"BEGIN; SELECT pg_advisory_xact_lock({CASE_LOCK})")
        except psycopg.Error as exc:
            self._rollback(conn)
            raise self._error(exc) from None
        local.depth, local.dirty, local.callbacks = 1, False, []
        try:
            yield
        except BaseException:
            local.depth, local.dirty, local.callbacks = 0, False, []
            self._rollback(conn)
            raise
        dirty, callbacks = local.dirty, local.callbacks
        local.depth, local.dirty, local.callbacks = 0, False, []
        try:
            if dirty:
                conn.execute("UPDATE case_meta SET generation = generation + 1; COMMIT")
            else:
                conn.execute("COMMIT")
        except psycopg.Error as exc:
            self._rollback(conn)
            raise self._error(exc) from None
        for callback in callbacks:
            callback()

    def _rollback(self, conn: Any) -> None:
        import psycopg

        try:
            conn.execute("ROLLBACK")
        except psycopg.Error:
            pass  # the connection is gone: the server has rolled back already

    def lock(self) -> AbstractContextManager[None]:
        """The folder workspace's name for ``transaction`` (library code takes either)."""
        return self.transaction()

    @contextmanager
    def batch(self, size: int | None = None) -> Iterator[None]:
        """Many writes as one unit: in a database the enclosing transaction already is one
        (the folder writes a batch's files together)."""
        with self.transaction():
            yield

    def on_commit(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once what this thread has written is committed (at once outside
        a transaction; never if the transaction is rolled back)."""
        if getattr(self._local, "depth", 0):
            self._local.callbacks = [*getattr(self._local, "callbacks", []), callback]
        else:
            callback()

    def save(self, record: Record) -> None:
        self.save_many([record])

    def save_many(self, records: Iterable[Record]) -> None:
        """Validate every record first, then write those that changed in one transaction."""
        from ..models import RECORD_TYPES
        from ..workspace import dump_record

        prepared: dict[tuple[str, str], tuple[Any, str]] = {}
        for record in cast("Iterable[Any]", records):
            kind = next(k for k, t in RECORD_TYPES.items() if isinstance(record, t))
            if not _SAFE_ID.fullmatch(record.id):
                raise WorkspaceError(
                    f"cannot save a {kind} with id {record.id!r}: an id is lower-case letters, "
                    "digits and dashes, like c-3f2a9b1c0d4e"
                )
            RECORD_TYPES[kind].model_validate(record.model_dump())
            prepared[(kind, record.id)] = (record, dump_record(record).decode("utf-8"))
        if not prepared:
            return
        with self.transaction():
            self._write(prepared)

    def _write(self, prepared: dict[tuple[str, str], tuple[Any, str]]) -> None:
        """Write records (and what the reads derive from them) that differ from the stored
        text. Inside a transaction."""
        by_kind: dict[str, list[str]] = {}
        for kind, rid in prepared:
            by_kind.setdefault(kind, []).append(rid)
        stored: dict[tuple[str, str], str] = {}
        for kind, ids in by_kind.items():
            for rid, body in self._rows(
                "SELECT id, body FROM records WHERE kind = %s AND id = ANY(%s)", (kind, ids)
            ):
                stored[(kind, rid)] = body
        changed = {key: value for key, value in prepared.items() if stored.get(key) != value[1]}
        if not changed:
            return
        new: list[tuple[str, str, str, str | None]] = []
        updated: list[tuple[str, str, str, str | None]] = []
        claims: list[Claim] = []
        sources: list[Source] = []
        for (kind, rid), (record, body) in changed.items():
            about = getattr(record, "claim", None) if kind in ("evidence", "question") else None
            (updated if (kind, rid) in stored else new).append((kind, rid, body, about))
            if kind == "claim":
                claims.append(record)
            elif kind == "source":
                sources.append(record)
        self._insert("records", "kind, id, body, claim", new)
        self._executemany(
            "UPDATE records SET body = %s, claim = %s WHERE kind = %s AND id = %s",
            [(body, about, kind, rid) for kind, rid, body, about in updated],
        )
        if claims:
            self._index_claims(claims, [c.id for c in claims if ("claim", c.id) in stored])
        if sources:
            ids = [s.id for s in sources if ("source", s.id) in stored]
            if ids:
                self._execute("DELETE FROM source_links WHERE source_id = ANY(%s)", (ids,))
            self._insert(
                "source_links",
                "source_id, derived_from",
                list(dict.fromkeys((s.id, parent) for s in sources for parent in s.derived_from)),
            )
        self._local.dirty = True

    def _index_claims(self, claims: Sequence[Claim], replaced: list[str] | None = None) -> None:
        """Index ``claims``, replacing the entries of ``replaced`` (default: all of them)."""
        from ..extract import checkworthiness

        replaced = [c.id for c in claims] if replaced is None else replaced
        if replaced:
            self._unindex_claims(replaced)
        code = code_fingerprint()
        index_rows: list[tuple[Any, ...]] = []
        keys: list[tuple[str, str]] = []
        mentions: list[tuple[str, str]] = []
        aliases: list[tuple[str, str]] = []
        for claim in claims:
            doc, claim_keys = _features_doc(claim)
            index_rows.append(
                (
                    claim.id,
                    _fold(claim.text),
                    _fold(claim.title),
                    _fold(claim.claimant),
                    round(checkworthiness(claim.text), 3),
                    doc,
                    code,
                )
            )
            keys += [(key, claim.id) for key in claim_keys]
            mentions += [(sid, claim.id) for sid in sorted({m.source for m in claim.mentions})]
            aliases += [(alias, claim.id) for alias in dict.fromkeys(claim.aliases)]
        self._executemany(
            "INSERT INTO claim_index (claim_id, search, checkworthy, features, code) VALUES (%s, "
            "setweight(to_tsvector('english', %s), 'A') || "
            "setweight(to_tsvector('english', %s), 'A') || "
            "setweight(to_tsvector('english', %s), 'B'), %s, %s, %s)",
            index_rows,
        )
        self._insert("match_keys", "key, claim_id", keys)
        self._insert("claim_sources", "source_id, claim_id", mentions)
        self._insert("claim_aliases", "alias, claim_id", aliases)

    def _unindex_claims(self, ids: list[str]) -> None:
        self._execute(
            "WITH i AS (DELETE FROM claim_index WHERE claim_id = ANY(%(ids)s)), "
            "k AS (DELETE FROM match_keys WHERE claim_id = ANY(%(ids)s)), "
            "s AS (DELETE FROM claim_sources WHERE claim_id = ANY(%(ids)s)) "
            "DELETE FROM claim_aliases WHERE claim_id = ANY(%(ids)s)",
            {"ids": ids},
        )

    def delete(self, kind: str, record_id: str) -> None:
        with self.transaction():
            self._execute("DELETE FROM records WHERE kind = %s AND id = %s", (kind, record_id))
            if kind == "claim":
                self._unindex_claims([record_id])
            elif kind == "source":
                self._execute("DELETE FROM source_links WHERE source_id = %s", (record_id,))
            self._local.dirty = True

    # -- records --------------------------------------------------------------------------------
    def _where(self, kind: str, record_id: str) -> str:
        return f"{self.location} {kind} {record_id}"

    def _parse(self, kind: str, record_id: str, body: str | bytes) -> Any:
        """Validate one stored record; CorruptRecord (naming it) if it is not a valid record
        of ``kind`` with this id."""
        from pydantic import ValidationError

        from ..models import RECORD_TYPES

        where = self._where(kind, record_id)
        try:
            record: Any = RECORD_TYPES[kind].model_validate_json(body)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first.get("loc", ())) or "record"
            raise CorruptRecord(where, f"{field}: {first.get('msg')}") from None
        if record.id != record_id:
            raise CorruptRecord(where, f"holds id {record.id!r}, not {record_id!r}")
        return record

    def ids(self, kind: str) -> list[str]:
        return [
            r[0] for r in self._rows("SELECT id FROM records WHERE kind = %s ORDER BY id", (kind,))
        ]

    def exists(self, kind: str, record_id: str) -> bool:
        return bool(
            self._rows("SELECT 1 FROM records WHERE kind = %s AND id = %s", (kind, record_id))
        )

    def resolve(self, prefix: str, kind: str | None = None) -> tuple[str, str]:
        """(kind, full id) for a unique id prefix, as ``Workspace.resolve``."""
        prefix = prefix.strip()
        if not prefix or not _PREFIX_OK.fullmatch(prefix):
            raise NotFound(f"{prefix!r} is not a claimtrack id (ids look like c-3f2a9b1c0d4e)")
        named = kind_of(prefix)
        kinds: list[str] = [kind] if kind else ([named] if named else list(KINDS))
        candidates: list[tuple[str, str]] = []
        for k in kinds:
            wanted = prefix if kind_of(prefix) else PREFIXES[k] + prefix
            candidates += [
                (k, rid)
                for (rid,) in self._rows(
                    "SELECT id FROM records WHERE kind = %s AND id LIKE %s ORDER BY id",
                    (k, wanted + "%"),
                )
            ]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            exact = [c for c in candidates if c[1] == prefix]
            if exact:
                return exact[0]
            raise AmbiguousId(prefix, [c[1] for c in candidates])
        if "claim" in kinds:
            rows = self._rows(
                "SELECT claim_id FROM claim_aliases WHERE alias LIKE %s ORDER BY claim_id LIMIT 1",
                (prefix + "%",),
            )
            if rows:
                return "claim", rows[0][0]
        what = kind or kind_of(prefix) or "record"
        raise NotFound(f"no {what} with id {prefix!r} in {self.location}")

    def load(self, kind: str, record_id: str) -> Record:
        rows = self._rows("SELECT body FROM records WHERE kind = %s AND id = %s", (kind, record_id))
        if not rows:
            raise NotFound(f"no {kind} with id {record_id!r} in {self.location}")
        record: Record = self._parse(kind, record_id, rows[0][0])
        return record

    def get(self, prefix: str, kind: str | None = None) -> Record:
        kind, record_id = self.resolve(prefix, kind)
        return self.load(kind, record_id)

    def load_many(self, kind: str, record_ids: Iterable[str]) -> dict[str, Record]:
        wanted = list(dict.fromkeys(record_ids))
        rows = dict(
            self._rows(
                "SELECT id, body FROM records WHERE kind = %s AND id = ANY(%s)", (kind, wanted)
            )
        )
        out: dict[str, Record] = {}
        for rid in wanted:
            if rid in rows:
                try:
                    out[rid] = self._parse(kind, rid, rows[rid])
                except CorruptRecord as exc:
                    self.problems.append(exc)
        return out

    def _load_rows(self, kind: str, rows: Iterable[tuple[Any, ...]]) -> list[Any]:
        out = []
        with _gc_paused():
            for rid, body in rows:
                try:
                    out.append(self._parse(kind, rid, body))
                except CorruptRecord as exc:
                    self.problems.append(exc)
        return out

    def load_all(self, kind: str) -> list[Record]:
        return self._load_all(kind)

    def _load_all(self, kind: str) -> list[Any]:
        return self._load_rows(
            kind, self._rows("SELECT id, body FROM records WHERE kind = %s ORDER BY id", (kind,))
        )

    def records(self) -> Records:
        """The whole case, read in one snapshot (a consistent state even while others write)."""
        from ..workspace import Records

        self.problems = []
        out = Records()
        with _gc_paused(), self._snapshot():
            for kind, part in (
                ("claim", out.claims),
                ("source", out.sources),
                ("evidence", out.evidence),
                ("question", out.questions),
            ):
                part.update((r.id, r) for r in self._load_all(kind))
        out.problems = list(self.problems)
        return out

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """Reads inside see one state of the case (a read-only REPEATABLE READ transaction),
        unless this thread is already inside a transaction."""
        import psycopg

        if getattr(self._local, "depth", 0) or getattr(self._local, "snapshot", False):
            yield
            return
        conn = self._conn()
        try:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        except psycopg.Error as exc:
            raise self._error(exc) from None
        self._local.snapshot = True
        try:
            yield
        finally:
            self._local.snapshot = False
            self._rollback(conn)  # nothing to commit: the reads are done

    def raw_records(self, kind: str) -> Iterator[tuple[str, bytes]]:
        """(id, the record's stored bytes) of every record of ``kind``, sorted by id: exactly
        what a folder case holds in its file (``claimtrack copy``)."""
        for rid, body in self._rows(
            "SELECT id, body FROM records WHERE kind = %s ORDER BY id", (kind,)
        ):
            yield rid, body.encode("utf-8")

    def put_raw(self, items: Iterable[tuple[str, str, bytes]]) -> int:
        """Store records given as (kind, id, bytes of the folder's file), keeping the bytes
        exactly; each must load as its kind's record with that id (CorruptRecord otherwise).
        Inside a transaction. Returns how many were stored."""
        prepared: dict[tuple[str, str], tuple[Record, str]] = {}
        for kind, rid, data in items:
            record = self._parse(kind, rid, data)
            try:
                body = data.decode("utf-8")
            except UnicodeDecodeError as exc:  # pragma: no cover - _parse refuses it first
                raise CorruptRecord(self._where(kind, rid), "not UTF-8") from exc
            prepared[(kind, rid)] = (record, body)
        with self.transaction():
            self._write(prepared)
        return len(prepared)

    # -- snapshots ------------------------------------------------------------------------------
    def put_blob(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        self._execute(
            "INSERT INTO blobs (sha256, data) VALUES (%s, %s) ON CONFLICT (sha256) DO NOTHING",
            (sha, data),
        )
        return sha

    def read_blob(self, sha256: str) -> bytes:
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            raise NotFound(f"{str(sha256)[:80]!r} is not the sha256 of a snapshot")
        rows = self._rows("SELECT data FROM blobs WHERE sha256 = %s", (sha256,))
        if not rows:
            raise NotFound(f"snapshot {sha256[:12]} is missing from {self.location}")
        return bytes(rows[0][0])

    def blob_hashes(self) -> Iterator[str]:
        for (sha,) in self._rows("SELECT sha256 FROM blobs ORDER BY sha256"):
            yield sha

    def source_text(self, source: Source) -> str:
        if not source.text_sha256:
            return ""
        return self.read_blob(source.text_sha256).decode("utf-8")

    def verify(self) -> VerifyReport:
        """Re-hash every archived snapshot and report records that do not load: the report of
        ``claimtrack.ingest.verify`` for a database case."""
        from ..ingest import VerifyProblem, VerifyReport

        report = VerifyReport()
        records = self.records()
        for problem in records.problems:
            report.problems.append(VerifyProblem("corrupt", problem.path, None, problem.reason))
        checked: set[str] = set()
        for source in sorted(records.sources.values(), key=lambda s: s.id):
            report.sources += 1
            for label, sha in (("snapshot", source.sha256), ("text", source.text_sha256)):
                if not sha or sha in checked:
                    continue
                checked.add(sha)
                where = f"{self.location} snapshot {sha}"
                try:
                    data = self.read_blob(sha)
                except NotFound:
                    report.problems.append(
                        VerifyProblem("missing", where, source.id, f"the archived {label} is gone")
                    )
                    continue
                report.snapshots += 1
                actual = hashlib.sha256(data).hexdigest()
                if actual != sha:
                    report.problems.append(
                        VerifyProblem(
                            "mismatch",
                            where,
                            source.id,
                            f"the archived {label} has changed (sha256 now {actual[:12]}...)",
                        )
                    )
        for sha in self.blob_hashes():
            if sha in checked:
                continue
            report.snapshots += 1
            actual = hashlib.sha256(self.read_blob(sha)).hexdigest()
            if actual != sha:
                report.problems.append(
                    VerifyProblem(
                        "mismatch",
                        f"{self.location} snapshot {sha}",
                        None,
                        f"contents do not match the sha256 it is stored under (now {actual[:12]}...)",
                    )
                )
        return report

    # -- derived reads --------------------------------------------------------------------------
    def claims_of_source(self, source_id: str) -> list[str]:
        return [
            r[0]
            for r in self._rows(
                "SELECT claim_id FROM claim_sources WHERE source_id = %s ORDER BY claim_id",
                (source_id,),
            )
        ]

    # The stored claim state: every claim's assessment and row, computed from the whole case
    # once per generation (the first read after a write) instead of on every read.

    def _state_fresh(self) -> bool:
        [(fresh,)] = self._rows(
            "SELECT d.generation = c.generation AND d.code = %s FROM derived_meta d, case_meta c",
            (code_fingerprint(),),
        )
        return bool(fresh)

    def _ensure_index(self) -> None:
        """Recompute the index entries of claims indexed by another version of claimtrack."""
        code = code_fingerprint()
        if not self._rows("SELECT 1 FROM claim_index WHERE code <> %s LIMIT 1", (code,)):
            return
        try:
            with self.transaction():
                ids = [
                    r[0]
                    for r in self._rows(
                        "SELECT claim_id FROM claim_index WHERE code <> %s", (code,)
                    )
                ]
                claims = cast("list[Claim]", list(self.load_many("claim", ids).values()))
                if claims:
                    self._index_claims(claims)
                    self._local.dirty = True
        except ReadOnlyCase:
            pass  # a read-only user matches with the entries as they are

    def _refresh_state(self) -> None:
        """Recompute the stored claim state from one snapshot of the case, unless another
        process has just done it."""
        import psycopg

        from ..conflicts import find_conflicts
        from ..flags import STATUSES, assess, flag_weight
        from .base import claim_row

        conn = self._conn()
        local = self._local
        try:
            conn.execute("SELECT pg_advisory_lock(%s)", (REFRESH_LOCK,))
        except psycopg.Error as exc:
            raise self._error(exc) from None
        try:
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                local.snapshot = True
                if self._state_fresh():
                    return
                [(generation,)] = self._rows("SELECT generation FROM case_meta")
                records = self.records()
                checkworthy = dict(self._rows("SELECT claim_id, checkworthy FROM claim_index"))
                conflicts = find_conflicts(records)
                by_claim: dict[str, list[tuple[str, str]]] = {}
                for c in conflicts:
                    by_claim.setdefault(c.a, []).append((c.b, c.reason))
                    by_claim.setdefault(c.b, []).append((c.a, c.reason))
                assessed = assess(records, conflicts=by_claim)
                self._execute("DELETE FROM claim_state")
                self._execute("DELETE FROM claim_conflicts")
                dumps = json.dumps
                with conn.cursor() as cur:
                    with cur.copy(
                        "COPY claim_state (claim_id, status, status_rank, weight, mentions, "
                        "checkworthy, created_at, has_figures, codes, row_json, row_fields, "
                        "assessment_json) FROM STDIN (FORMAT BINARY)"
                    ) as copy:
                        copy.set_types(
                            ["text", "text", "int4", "float8", "int4", "float8", "text", "bool",
                             "text[]", "text", "text", "text"]
                        )  # fmt: skip
                        for cid, claim in records.claims.items():
                            a = assessed[cid]
                            row = claim_row(claim, a, checkworthy.get(cid))
                            values = cast("dict[str, Any]", row)
                            copy.write_row(
                                (
                                    cid,
                                    a.status,
                                    STATUSES.index(a.status)
                                    if a.status in STATUSES
                                    else len(STATUSES),
                                    sum(flag_weight(f.code) for f in a.flags),
                                    a.mentions,
                                    row["checkworthy"],
                                    row["created_at"],
                                    bool(claim.figures),
                                    [f.code for f in a.flags],
                                    json.dumps(row, ensure_ascii=False),
                                    FIELD_SEPARATOR.join(
                                        [dumps(values[k], ensure_ascii=False) for k in ROW_KEYS]
                                    ),
                                    json.dumps(_assessment_doc(a), ensure_ascii=False),
                                )
                            )
                    with cur.copy(
                        "COPY claim_conflicts (position, a, b, reason) FROM STDIN"
                    ) as copy:
                        for position, c in enumerate(conflicts):
                            copy.write_row((position, c.a, c.b, c.reason))
                self._execute(
                    "UPDATE derived_meta SET generation = %s, code = %s",
                    (generation, code_fingerprint()),
                )
        except psycopg.Error as exc:
            raise self._error(exc) from None
        finally:
            local.snapshot = False
            try:
                conn.execute("SELECT pg_advisory_unlock(%s)", (REFRESH_LOCK,))
            except psycopg.Error:
                pass  # the connection is gone, and the session lock with it

    def _stored(self, answer: Callable[[], T], naive: Callable[[], T]) -> T:
        """``answer()`` read from the stored claim state when it reflects the case as this
        thread sees it (refreshed first when a write made it stale); else ``naive()``, the
        reference answer computed from the records."""
        local = self._local
        for _ in range(3):
            if getattr(local, "depth", 0) or getattr(local, "snapshot", False):
                # Inside a transaction: the state answers only for the committed case.
                if getattr(local, "dirty", False) or not self._state_fresh():
                    return naive()
                return answer()
            if not self._state_fresh():
                self._ensure_index()
                try:
                    self._refresh_state()
                except ReadOnlyCase:
                    return naive()
            with self._snapshot():
                if self._state_fresh():
                    return answer()
        return naive()

    def query_claims(
        self,
        *,
        status: str | None = None,
        flagged: bool | None = None,
        figures_only: bool = False,
        codes: Iterable[str] = (),
        min_checkworthy: float | None = None,
        order: ClaimOrder = "created",
        limit: int | None = None,
    ) -> list[ClaimRow]:
        filters: dict[str, Any] = {
            "status": status,
            "flagged": flagged,
            "figures_only": figures_only,
            "codes": list(codes),
            "min_checkworthy": min_checkworthy,
            "order": order,
            "limit": limit,
        }

        def answer() -> list[ClaimRow]:
            loads = json.loads
            return [loads(r[0]) for r in self._rows(*_claims_sql("row_json", filters))]

        return self._stored(answer, lambda: NaiveReads.query_claims(self, **filters))

    def query_claims_json(self, fields: Sequence[tuple[str, str]], **filters: Any) -> list[str]:
        """``query_claims(**filters)`` as JSON text, one object a row holding only ``fields``
        ((output name, ``ClaimRow`` key) pairs, in that order), exactly as
        ``json.dumps(obj, ensure_ascii=False)`` writes it: put together from each field's
        stored JSON, without decoding the rows."""
        filters["codes"] = list(filters.get("codes", ()))
        picks = [
            (json.dumps(name, ensure_ascii=False), ROW_KEYS.index(key)) for name, key in fields
        ]

        def answer() -> list[str]:
            out = []
            for (joined,) in self._rows(*_claims_sql("row_fields", filters)):
                values = joined.split(FIELD_SEPARATOR)
                out.append("{" + ", ".join(f"{name}: {values[i]}" for name, i in picks) + "}")
            return out

        def naive() -> list[str]:
            rows = cast("list[dict[str, Any]]", NaiveReads.query_claims(self, **filters))
            return [
                json.dumps({name: row[key] for name, key in fields}, ensure_ascii=False)
                for row in rows
            ]

        return self._stored(answer, naive)

    def assessments(self, claim_ids: Iterable[str] | None = None) -> dict[str, Assessment]:
        wanted = None if claim_ids is None else list(claim_ids)

        def answer() -> dict[str, Assessment]:
            from ..flags import assess

            if wanted is None:
                return {
                    cid: _assessment_from_doc(cid, json.loads(doc))
                    for cid, doc in self._rows(
                        "SELECT claim_id, assessment_json FROM claim_state ORDER BY claim_id"
                    )
                }
            from ..workspace import Records

            records = Records()
            present: list[str] = []
            for cid in wanted:
                if cid in present:
                    continue
                try:
                    near = self._neighbourhood(cid)
                except NotFound:
                    continue
                present.append(cid)
                for part in ("claims", "sources", "evidence", "questions"):
                    getattr(records, part).update(getattr(near, part))
            conflicts = self._conflicts_of(present)
            return assess(records, claims=present, conflicts=conflicts, explain=True)

        return self._stored(answer, lambda: NaiveReads.assessments(self, wanted))

    def neighbourhood(self, claim_id: str) -> Records:
        return self._stored(
            lambda: self._neighbourhood(claim_id),
            lambda: NaiveReads.neighbourhood(self, claim_id),
        )

    def _conflicts_of(self, claim_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}
        for a, b, reason in self._rows(
            "SELECT a, b, reason FROM claim_conflicts WHERE a = ANY(%s) OR b = ANY(%s) "
            "ORDER BY position",
            (claim_ids, claim_ids),
        ):
            out.setdefault(a, []).append((b, reason))
            out.setdefault(b, []).append((a, reason))
        return out

    def _neighbourhood(self, claim_id: str) -> Records:
        """``NaiveReads.neighbourhood`` from the indexed tables (the stored conflicts)."""
        from ..workspace import Records

        self.problems = []
        claim: Claim = self.load("claim", claim_id)  # type: ignore[assignment]
        out = Records()
        out.claims[claim_id] = claim
        about = [claim_id, *claim.aliases]
        for kind, part in (("evidence", out.evidence), ("question", out.questions)):
            rows = self._rows(
                "SELECT id, body FROM records WHERE kind = %s AND claim = ANY(%s) ORDER BY id",
                (kind, about),
            )
            part.update((r.id, r) for r in self._load_rows(kind, rows))
        wanted = {m.source for m in claim.mentions} | {e.source for e in out.evidence.values()}
        linked = self._rows(
            """WITH RECURSIVE linked(id) AS (
                   SELECT unnest(%s::text[]) COLLATE "C"
                   UNION
                   SELECT CASE WHEN l.source_id = linked.id THEN l.derived_from
                               ELSE l.source_id END
                   FROM source_links l JOIN linked
                     ON l.source_id = linked.id OR l.derived_from = linked.id
               )
               SELECT id FROM linked""",
            (sorted(wanted),),
        )
        sources = cast(
            "dict[str, Source]", self.load_many("source", sorted({r[0] for r in linked} | wanted))
        )
        out.sources = {sid: sources[sid] for sid in sorted(sources)}
        others = []
        for a, b, _ in self._rows(
            "SELECT a, b, reason FROM claim_conflicts WHERE a = %s OR b = %s ORDER BY position",
            (claim_id, claim_id),
        ):
            others.append(b if a == claim_id else a)
        loaded = cast("dict[str, Claim]", self.load_many("claim", others))
        for other in others:
            if other in loaded:
                out.claims[other] = loaded[other]
        out.problems = list(self.problems)
        return out

    def search(self, text: str, top: int = 100) -> list[tuple[str, float]]:
        """Full-text search in PostgreSQL (english stemming, accents folded) over each claim's
        text and title, and its claimant at half weight; any word of ``text`` matches, the
        best ``top`` by ``ts_rank`` first."""
        words: dict[str, None] = {}
        for word in _QUERY_WORD.findall(_fold(text).casefold()):
            words.setdefault(word, None)
            if len(words) >= MAX_QUERY_WORDS:
                break
        if not words or top <= 0:
            return []
        self._ensure_index()
        query = " | ".join(words)
        rows = self._rows(
            "SELECT claim_id, ts_rank('{0, 0, 0.5, 1}', search, q) AS score "
            "FROM claim_index, to_tsquery('english', %s) AS q WHERE search @@ q "
            "ORDER BY score DESC, claim_id LIMIT %s",
            (query, top),
        )
        return [(cid, float(score)) for cid, score in rows]

    def match_statistics(self, words: Iterable[str]) -> tuple[int, dict[str, int]]:
        """(number of claims, {word: how many claims' matching features hold it}): the ``n``
        and ``df`` of ``claimtrack.match.rerank``."""
        self._ensure_index()
        wanted = sorted(set(words))
        [(n,)] = self._rows("SELECT count(*) FROM claim_index")
        found = dict(
            self._rows(
                "SELECT key, count(*) FROM match_keys WHERE key = ANY(%s) GROUP BY key", (wanted,)
            )
        )
        return n, found

    def match_index(self) -> DatabaseMatchIndex:
        """The matcher's index of this case (what ``claimtrack.linking`` asks for candidates),
        kept in the database's own tables."""
        self._ensure_index()
        return DatabaseMatchIndex(self)


ROW_KEYS = (
    "id",
    "text",
    "title",
    "claimant",
    "figures",
    "mentions",
    "sources",
    "status",
    "flags",
    "origins",
    "backing",
    "checkworthy",
    "ref",
    "created_at",
)
"""The keys of ``ClaimRow``, in the order of ``claim_state.row_fields``."""
FIELD_SEPARATOR = "\x1f"
"""Between the JSON values in ``row_fields``: a control character, which JSON text never
holds unescaped."""


def _claims_sql(column: str, filters: dict[str, Any]) -> tuple[str, list[Any]]:
    """The query of ``query_claims(**filters)`` over the stored claim state, selecting
    ``column``."""
    status = filters.get("status")
    flagged = filters.get("flagged")
    codes = list(filters.get("codes") or ())
    min_checkworthy = filters.get("min_checkworthy")
    limit = filters.get("limit")
    where: list[str] = []
    params: list[Any] = []
    if status is not None:
        where.append("status = %s")
        params.append(status)
    if flagged is not None:
        where.append("cardinality(codes) > 0" if flagged else "cardinality(codes) = 0")
    if filters.get("figures_only"):
        where.append("has_figures")
    if codes:
        where.append("codes && %s")
        params.append(list(codes))
    if min_checkworthy is not None:
        where.append("checkworthy >= %s")
        params.append(min_checkworthy)
    sql = f"SELECT {column} FROM claim_state"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += {
        "severity": " ORDER BY status_rank, weight DESC, mentions DESC, claim_id",
        "triage": " ORDER BY status_rank, weight DESC, checkworthy DESC, mentions DESC, claim_id",
    }.get(filters.get("order") or "created", " ORDER BY created_at, claim_id")
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    return sql, params


def _assessment_doc(a: Assessment) -> dict[str, Any]:
    return {
        "status": a.status,
        "flags": [[f.code, f.detail] for f in a.flags],
        "origins": a.origins,
        "mentions": a.mentions,
        "claimant": a.claimant,
        "sources": a.sources,
        "supporting": a.supporting,
        "contradicting": a.contradicting,
    }


def _assessment_from_doc(claim_id: str, doc: dict[str, Any]) -> Assessment:
    from ..flags import Assessment, Flag

    return Assessment(
        claim=claim_id,
        status=doc["status"],
        flags=[Flag(code, detail) for code, detail in doc["flags"]],
        origins=doc["origins"],
        mentions=doc["mentions"],
        claimant=doc["claimant"],
        sources=doc["sources"],
        supporting=doc["supporting"],
        contradicting=doc["contradicting"],
    )


class DatabaseMatchIndex:
    """The folder's matching index (``claimtrack.index.WorkspaceIndex``) for a database case:
    the same keys and features, ranked by the same ``claimtrack.match.rank``, read from the
    ``match_keys`` and ``claim_index`` tables. The tables are written with the claims
    themselves, so the index is never stale and ``put``/``flush`` have nothing to do."""

    rebuilt = False

    def __init__(self, store: PostgresStore):
        self.store = store

    @property
    def n(self) -> int:
        [(n,)] = self.store._rows("SELECT count(*) FROM claim_index")
        return int(n)

    def _postings(self, keys: list[str]) -> tuple[dict[str, list[str]], dict[str, int]]:
        """Postings (empty for a key on more than MAX_POSTINGS claims) and counts of keys."""
        counts = dict(
            self.store._rows(
                "SELECT key, count(*) FROM match_keys WHERE key = ANY(%s) GROUP BY key", (keys,)
            )
        )
        small = [k for k, c in counts.items() if c <= MAX_POSTINGS]
        postings: dict[str, list[str]] = {k: [] for k in keys}
        for key, cid in self.store._rows(
            "SELECT key, claim_id FROM match_keys WHERE key = ANY(%s) ORDER BY key, claim_id",
            (small,),
        ):
            postings[key].append(cid)
        return postings, counts

    def _features(self, ids: Iterable[str]) -> dict[str, Features]:
        ids = list(ids)
        rows = dict(
            self.store._rows(
                "SELECT claim_id, features FROM claim_index WHERE claim_id = ANY(%s)", (ids,)
            )
        )
        return {cid: _features_from_doc(rows[cid]) for cid in ids if cid in rows}

    def query(
        self,
        text: str,
        figures: list[Figure] | None = None,
        *,
        top: int = 5,
        claimant: str | None = None,
        candidates: int | None = None,
    ) -> list[Match]:
        from ..match import features

        return self.query_features(features(text, figures, claimant), top=top)

    def query_features(
        self, feats: Features, *, top: int = 5, candidates: int | None = None
    ) -> list[Match]:
        from ..match import CANDIDATES, query_figure_keys, rank

        keys = list(dict.fromkeys([*feats.words, *query_figure_keys(feats.figures)]))
        postings, counts = self._postings(keys)
        return rank(
            feats,
            lambda key: postings.get(key, []),
            self._features,
            self.n,
            top=top,
            candidates=candidates or CANDIDATES,
            df=lambda key: counts.get(key, 0),
        )

    def df(self, key: str) -> int:
        [(n,)] = self.store._rows("SELECT count(*) FROM match_keys WHERE key = %s", (key,))
        return int(n)

    def postings(self, key: str) -> list[str]:
        return self._postings([key])[0][key]

    def claims_of_source(self, source_id: str) -> list[str]:
        return self.store.claims_of_source(source_id)

    def matches_record(self, claim: Claim) -> bool:
        return True  # written in the claim's own transaction: never stale

    def put(self, claim: Claim) -> None:
        pass

    def remove(self, claim_id: str) -> None:
        pass

    def flush(self) -> None:
        pass

    def rebuild(self, claims: Iterable[Claim] | None = None) -> None:
        """Recompute every claim's index entries from its record."""
        with self.store.transaction():
            every: list[Claim] = self.store._load_all("claim") if claims is None else list(claims)
            if every:
                self.store._index_claims(every)
        self.rebuilt = True
