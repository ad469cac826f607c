"""Talking to the database of a case: connections, statements, transactions and errors.

``Database`` is one process's way into one case: a connection per thread (ingest reads from
its fetching threads while the main thread writes), statements whose failures become
``WorkspaceError`` lines a journalist can act on, and the case's transactions:

- ``transaction()``: one database transaction holding a transaction-scoped advisory lock of
  the case, so one command's read-decide-write is serialised with every other writer's and
  its writes are committed or rolled back together. Re-entrant in a thread. Before the
  outermost one takes the lock, ``before_begin`` runs (the store loads what deriving needs,
  so other writers do not wait while it does); just before it commits, ``before_commit``
  (the store derives what the writes reach).
- ``snapshot()``: reads that see one state of the case (a read-only REPEATABLE READ
  transaction). Readers never wait for writers.

psycopg is imported where it is used: a missing ``claimtrack[postgres]`` is an error message,
not an ImportError.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ...errors import WorkspaceError

if TYPE_CHECKING:
    import psycopg

    from .derived import Pending

SCHEMA = "claimtrack"
"""The database schema the case's tables live in (a case can share a database with other
applications)."""
CASE_LOCK = 0x436C_6169_6D00_0001  # "Claim" + 1: the writers' lock of the case
SETUP_LOCK = 0x436C_6169_6D00_0002  # creating or migrating the tables
LOCK_TIMEOUT = "60s"
CONNECT_TIMEOUT = 10
COPY_FROM = 50
"""Rows inserted at once from which COPY is used (ten times faster than INSERTs for many)."""


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


def one_line(text: object) -> str:
    return " ".join(str(text).split())


class _Thread(threading.local):
    """What one thread holds: its connection and the state of its transaction."""

    def __init__(self) -> None:
        self.conn: psycopg.Connection[Any] | None = None
        self.depth = 0  # nesting of transaction()
        self.snapshot = False
        self.callbacks: list[Callable[[], object]] = []
        self.pending: Pending | None = None  # what this transaction's writes reach


class Database:
    """The database of one case, as this process uses it (see the module docstring)."""

    def __init__(self, url: str):
        self.url = url
        self.location = redact(url)
        # Checked here, before any part of the database case imports psycopg.
        from importlib.util import find_spec

        if find_spec("psycopg") is None:
            raise WorkspaceError(
                f"{self.location} is a database case; install PostgreSQL support with: "
                "pip install 'claimtrack[postgres]'"
            )
        self.local = _Thread()
        self.before_begin: Callable[[], None] | None = None
        self.before_commit: Callable[[], None] | None = None
        self._connections: list[psycopg.Connection[Any]] = []
        self._guard = threading.Lock()

    # -- connecting ------------------------------------------------------------------------
    def _connect(self) -> psycopg.Connection[Any]:
        import psycopg

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
                f"{self.location} is not a usable database URL: {self.scrub(one_line(exc))}"
            ) from None
        try:
            conn.execute(f"SET search_path TO {SCHEMA}; SET lock_timeout = '{LOCK_TIMEOUT}'")
        except psycopg.Error as exc:
            conn.close()
            raise self.error(exc) from None
        return conn

    def _connect_error(self, exc: Exception) -> WorkspaceError:
        message = one_line(exc)
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
            reason = self.scrub(message)
        return WorkspaceError(f"cannot reach the database server of {where}: {reason}")

    def scrub(self, text: str) -> str:
        """``text`` without the URL's password, should a library message quote it."""
        try:
            password = urlsplit(self.url).password
        except ValueError:
            password = None
        text = text.replace(self.url, self.location)
        return text.replace(password, "***") if password else text

    def error(self, exc: Exception) -> WorkspaceError:
        """The line a journalist sees for a failed statement."""
        import psycopg
        from psycopg import errors

        diag = getattr(exc, "diag", None)
        message = self.scrub(one_line(getattr(diag, "message_primary", None) or exc))
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

    def conn(self) -> psycopg.Connection[Any]:
        """This thread's connection (opened on first use)."""
        conn = self.local.conn
        if conn is None or conn.closed:
            conn = self._connect()
            self.local.conn = conn
            with self._guard:
                self._connections.append(conn)
        return conn

    def close(self) -> None:
        """Close every connection this process opened to the case."""
        with self._guard:
            connections, self._connections = self._connections, []
        for conn in connections:
            try:
                conn.close()
            except Exception:  # pragma: no cover - closing a broken connection
                pass
        self.local = _Thread()

    # -- statements ------------------------------------------------------------------------
    def execute(self, sql: str, params: Any = None) -> psycopg.Cursor[Any]:
        """Run one statement on this thread's connection; a cursor to read from."""
        import psycopg

        try:
            return self.conn().execute(sql, params)
        except psycopg.Error as exc:
            raise self.error(exc) from None

    def rows(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        import psycopg

        cur = self.execute(sql, params)
        try:
            return cur.fetchall()
        except psycopg.Error as exc:
            raise self.error(exc) from None

    def values(self, sql: str, params: Any = None) -> list[Any]:
        """The first column of every row."""
        return [row[0] for row in self.rows(sql, params)]

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        import psycopg

        if not rows:
            return
        if len(rows) == 1:
            self.execute(sql, rows[0])
            return
        try:
            with self.conn().cursor() as cur:
                cur.executemany(sql, rows)
        except psycopg.Error as exc:
            raise self.error(exc) from None

    def insert(
        self,
        table: str,
        columns: str,
        rows: Sequence[Sequence[Any]],
        types: list[str] | None = None,
    ) -> None:
        """Insert new rows: by COPY when there are many (binary, when ``types`` names each
        column's type), else one statement each (pipelined)."""
        import psycopg

        if len(rows) < COPY_FROM:
            marks = ", ".join(["%s"] * len(columns.split(",")))
            self.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
            return
        binary = " (FORMAT BINARY)" if types else ""
        try:
            with self.conn().cursor() as cur:
                with cur.copy(f"COPY {table} ({columns}) FROM STDIN{binary}") as copy:
                    if types:
                        copy.set_types(types)
                    for row in rows:
                        copy.write_row(row)
        except psycopg.Error as exc:
            raise self.error(exc) from None

    # -- transactions ----------------------------------------------------------------------
    @property
    def in_transaction(self) -> bool:
        """Whether this thread is inside ``transaction()``."""
        return self.local.depth > 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One database transaction holding the case's write lock (see the module
        docstring): everything written inside is committed together at the end of the
        outermost block, or not at all if it raises (or the connection is lost)."""
        import psycopg

        local = self.local
        if local.depth:
            local.depth += 1
            try:
                yield
            finally:
                local.depth -= 1
            return
        if self.before_begin is not None:
            self.before_begin()
        conn = self.conn()
        # BEGIN and the lock in one round trip: a command that writes one record costs four
        # round trips to the server.
        try:
            conn.execute(f"BEGIN; SELECT pg_advisory_xact_lock({CASE_LOCK})")
        except psycopg.Error as exc:
            self._rollback(conn)
            raise self.error(exc) from None
        local.depth, local.callbacks, local.pending = 1, [], None
        try:
            yield
            if self.before_commit is not None:
                self.before_commit()
        except BaseException:
            local.depth, local.callbacks, local.pending = 0, [], None
            self._rollback(conn)
            raise
        callbacks = local.callbacks
        local.depth, local.callbacks, local.pending = 0, [], None
        try:
            conn.execute("COMMIT")
        except psycopg.Error as exc:
            self._rollback(conn)
            raise self.error(exc) from None
        for callback in callbacks:
            callback()

    def on_commit(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once what this thread has written is committed (at once outside
        a transaction; never if the transaction is rolled back)."""
        if self.local.depth:
            self.local.callbacks.append(callback)
        else:
            callback()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Inside a transaction: what is done inside is undone if it raises, and the
        transaction goes on."""
        self.execute("SAVEPOINT claimtrack")
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK TO SAVEPOINT claimtrack")
            raise
        self.execute("RELEASE SAVEPOINT claimtrack")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one state of the case (a read-only REPEATABLE READ transaction),
        unless this thread is already inside a transaction."""
        import psycopg

        if self.local.depth or self.local.snapshot:
            yield
            return
        conn = self.conn()
        try:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        except psycopg.Error as exc:
            raise self.error(exc) from None
        self.local.snapshot = True
        try:
            yield
        finally:
            self.local.snapshot = False
            self._rollback(conn)  # nothing to commit: the reads are done

    def _rollback(self, conn: psycopg.Connection[Any]) -> None:
        import psycopg

        try:
            conn.execute("ROLLBACK")
        except psycopg.Error:
            pass  # the connection is gone: the server has rolled back already
