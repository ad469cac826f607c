"""``CaseIndex``: opening the index file, deciding whether it can be trusted, and building it
afresh from the record files (swapped in whole, so readers see the old index or the new one)."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ...conflicts import Bucket, Entry, bucket_order
from ...errors import CorruptRecord
from .. import derive
from .relations import Related
from .rows import BUILD_CHUNK, Rows, derive_many
from .schema import (
    FILE_NAME,
    INDEX_FORMAT,
    INDEXES,
    KINDS,
    LOCK_TIMEOUT,
    SCHEMA,
    Rebuild,
    rules_fingerprint,
)
from .sync import IndexSync, digest, kind_dir, parse_record, read_file, sha256

if TYPE_CHECKING:
    from ...models import Claim

R = TypeVar("R")


class CaseIndex(IndexSync):
    """The index of one folder case. ``CaseIndex(ws).open()``; every method may raise
    ``Rebuild`` internally, which ``Workspace`` handles by rebuilding once
    (``index_error``)."""

    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = rules_fingerprint()
        return self._fingerprint

    def open(self) -> CaseIndex:
        """Open the index, building it first when it is missing or cannot be trusted."""
        if self.conn is not None:
            return self
        try:
            self.conn = self._connect(self.path)
            self._check(self.conn)
        except (Rebuild, sqlite3.DatabaseError, OSError):
            self.close()
            self.rebuild()
        return self

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except sqlite3.Error:  # pragma: no cover
                pass
        self.conn = None
        self._write_depth = 0

    def _connect(self, path: Path) -> sqlite3.Connection:
        if not path.is_file():
            raise Rebuild("missing")
        conn = sqlite3.connect(
            str(path), timeout=LOCK_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _check(self, conn: sqlite3.Connection) -> None:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("format") != str(INDEX_FORMAT) or meta.get("complete") != "1":
            raise Rebuild("another format")
        if meta.get("rules") != self.fingerprint():
            raise Rebuild("other rules")
        if meta.get("root") != str(self.ws.root.resolve()) and meta.get("root") is not None:
            # A copied workspace: the file stamps it holds are another folder's.
            raise Rebuild("another folder")

    def rebuild(self, *, force: bool = False) -> None:
        """Build the index afresh from the record files and swap it in whole (unless another
        process swapped in a sound one while this one waited for the build lock; ``force``
        builds anyway)."""
        from filelock import FileLock, Timeout

        self.close()
        seen = _file_identity(self.path)
        try:
            self.folder.mkdir(exist_ok=True)
            _ensure_gitignore(self.folder)
            lock = FileLock(str(self.folder / "index.lock"))
            lock.acquire(timeout=LOCK_TIMEOUT)
        except (OSError, Timeout):
            self._build_in_memory()
            return
        try:
            now_seen = _file_identity(self.path)
            if not force and now_seen is not None and now_seen != seen:
                # Another process rebuilt it while this one waited.
                conn = None
                try:
                    conn = self._connect(self.path)
                    self._check(conn)
                    self.conn = conn
                    return
                except (Rebuild, sqlite3.DatabaseError, OSError):
                    if conn is not None:
                        conn.close()
            tmp = self.folder / f"{FILE_NAME}.{os.getpid()}.tmp"
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass
            try:
                conn = sqlite3.connect(str(tmp), isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=OFF")
                conn.execute("PRAGMA synchronous=OFF")
                self._build(conn)
                conn.close()
                for suffix in ("-wal", "-shm"):
                    try:
                        os.unlink(str(self.path) + suffix)
                    except FileNotFoundError:
                        pass
                os.replace(tmp, self.path)
            except OSError:
                try:
                    tmp.unlink()
                except OSError:
                    pass
                self._build_in_memory()
                return
            self.conn = self._connect(self.path)
        finally:
            lock.release()

    def _build_in_memory(self) -> None:
        """A read-only workspace still gets answers: an index that lives in this process."""
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self._build(conn)
        self.conn = conn
        self.in_memory = True

    def _build(self, conn: sqlite3.Connection) -> None:
        from ...conflicts import bucket_conflicts
        from ...models import Claim, Evidence, Question, Source
        from ...search import create_table
        from ...workspace import Records

        self.conn = conn
        conn.executescript(SCHEMA)
        create_table(conn)
        conn.execute("BEGIN")
        scan = self._scan_all()
        now = time.time_ns()
        records = Records()
        file_rows: list[tuple[str, str, int, int, str | None, int]] = []
        for kind in KINDS:
            folder = self.ws.root / kind_dir(kind)
            for record_id in sorted(scan[kind]):
                size, mtime = scan[kind][record_id]
                path = os.path.join(folder, record_id + ".json")
                try:
                    data = read_file(path)
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    problem = CorruptRecord(path, f"cannot be read: {exc.strerror}")
                    self._put_problem(kind, record_id, problem)
                    file_rows.append((kind, record_id, size, mtime, None, now))
                    continue
                file_rows.append((kind, record_id, size, mtime, sha256(data), now))
                try:
                    record = parse_record(kind, record_id, path, data)
                except CorruptRecord as exc:
                    self._put_problem(kind, record_id, exc)
                    continue
                if isinstance(record, Claim):
                    records.claims[record_id] = record
                elif isinstance(record, Source):
                    records.sources[record_id] = record
                elif isinstance(record, Evidence):
                    records.evidence[record_id] = record
                elif isinstance(record, Question):
                    records.questions[record_id] = record
        conn.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?)", file_rows)
        self._stamp_folders(now, {kind: digest(found) for kind, found in scan.items()})

        # Rows are made and written a chunk at a time: the rows of 100,000 claims at once
        # would hold every record's JSON twice over.
        counts, buckets = _write_claim_rows(conn, list(records.claims.values()))
        _write_rows(conn, list(records.sources.values()), Rows.add_source)
        _write_rows(conn, list(records.evidence.values()), Rows.add_evidence)
        _write_rows(conn, list(records.questions.values()), Rows.add_question)
        conn.executemany("INSERT INTO match_words VALUES (?, ?)", counts.items())

        # Derived: conflicts in every bucket, then every claim's assessment.
        pairs = []
        for key in sorted(buckets, key=bucket_order):
            order = bucket_order(key)
            pairs += [(order, c.a, c.b, c.reason) for c in bucket_conflicts(key, buckets[key])]
        conn.executemany("INSERT INTO bucket_conflicts VALUES (?, ?, ?, ?)", pairs)
        conflicts = Related(self).conflicts_of(None)
        self._store_assessments(derive.assess_all(records, conflicts))
        from ...extract.checkworthy import THRESHOLD

        meta = {
            "format": str(INDEX_FORMAT),
            "checkworthy_threshold": repr(THRESHOLD),
            "rules": self.fingerprint(),
            "root": str(self.ws.root.resolve()),
            "built_at": str(now),
            "complete": "1",
        }
        conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        for statement in INDEXES.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("COMMIT")


def _write_claim_rows(
    conn: sqlite3.Connection, claims: list[Claim]
) -> tuple[dict[str, int], dict[Bucket, list[Entry]]]:
    """Write the rows of these claims, ``BUILD_CHUNK`` at a time (numbered from rowid 1).
    Returns how many claims hold each matching word, and the conflict entries by bucket."""
    counts: dict[str, int] = {}
    buckets: dict[Bucket, list[Entry]] = {}
    for start in range(0, len(claims), BUILD_CHUNK):
        chunk = claims[start : start + BUILD_CHUNK]
        rows = Rows()
        for k, (claim, derived) in enumerate(zip(chunk, derive_many(chunk), strict=True)):
            rows.add_claim(claim, derived, start + k + 1)
        rows.write(conn)
        for word in rows.words:
            counts[word] = counts.get(word, 0) + 1
        for key, entry in rows.entries:
            buckets.setdefault(key, []).append(entry)
    return counts, buckets


def _write_rows(conn: sqlite3.Connection, records: list[R], add: Callable[[Rows, R], None]) -> None:
    """Write the rows of these records, ``BUILD_CHUNK`` at a time."""
    for start in range(0, len(records), BUILD_CHUNK):
        rows = Rows()
        for record in records[start : start + BUILD_CHUNK]:
            add(rows, record)
        rows.write(conn)


def _file_identity(path: Path) -> tuple[int, int] | None:
    """(inode, mtime_ns) of the index file, None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns)


def _ensure_gitignore(folder: Path) -> None:
    path = folder / ".gitignore"
    if not path.is_file():
        from ...workspace import atomic_write

        atomic_write(path, b"# claimtrack's derived caches: rebuilt when missing\n*\n")


def index_error(exc: BaseException) -> bool:
    """Whether ``exc`` means the index file is damaged (rebuild) rather than busy."""
    if isinstance(exc, Rebuild):
        return True
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        return not ("locked" in text or "busy" in text)
    return isinstance(exc, sqlite3.DatabaseError)
