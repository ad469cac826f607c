"""The case index: a SQLite database derived from a folder case, behind every read.

The JSON record files stay the truth. ``<workspace>/.cache/index.sqlite`` (``.cache`` is
gitignored) holds the same records as tables, a full-text search table over the claims
(``claimtrack.search``), and each claim's derived assessment and figure conflicts, so that
``claims``, ``flags`` and ``show`` read answers instead of loading and assessing the whole case.
docs/index.md describes the tables for people who open it with Datasette or sqlite-utils.

**Never stale.** Each file's size and modification time (and its sha256, compared only when
those differ) is in the ``files`` table. Before answering, the index compares them with the
folder: every file (``sync(full=True)``, for commands that read the whole case) or the
folders' own stamps plus the files an answer is made from (``sync(files=...)``, for ``show``
and for writers). What changed is read again and updated in one transaction. A file whose
stamp is too recent to be trusted (changed within ``RACY_NS`` of being checked, as git's
"racily clean" entries) has its content hashed on the next check.

**Never trusted blindly.** A missing, unreadable, truncated or garbage database, one made by
another index format, or one derived by other rules (``rules_fingerprint``: the source of the
modules that define assessments, conflicts, matching features and check-worthiness) is rebuilt
silently: into a new file, swapped in whole, so readers see the old index or the new one.

**Derived answers stay right incrementally.** A change marks what it reaches
(``claimtrack.store.derive``) in the ``pending_*`` tables in the same transaction; the next
read re-runs conflict detection in the touched figure buckets and re-assesses only the claims
reached, before answering.

SQLite runs in WAL mode: readers never wait for a writer and never see half a transaction.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..conflicts import Bucket, Conflict, Entry, bucket_order
from ..errors import CorruptRecord, NotFound
from . import derive

if TYPE_CHECKING:
    from ..flags import Assessment
    from ..models import Claim, Evidence, Question, Record, Source
    from ..workspace import Records, Workspace
    from .base import ClaimOrder, ClaimRow

INDEX_FORMAT = 1
"""Bumped when the tables change; an index of another format is rebuilt."""
CACHE_DIR = ".cache"
FILE_NAME = "index.sqlite"
RACY_NS = 2_000_000_000
"""A file changed this close to when it was checked may change again unseen within the same
timestamp tick (coarse clocks, network drives): its content is hashed on the next check."""
LOCK_TIMEOUT = 60.0
FULL_DERIVE_SHARE = 0.2
"""When more than this share of the claims must be re-assessed, assess the whole case at once
(cheaper than claim by claim)."""
KIND_TABLES = {
    "claim": "claims",
    "source": "sources",
    "evidence": "evidence",
    "question": "questions",
}
KINDS = tuple(KIND_TABLES)

# Modules whose code defines what the index derives: a change to any of them rebuilds it.
RULE_MODULES = (
    "flags.py",
    "conflicts.py",
    "search.py",
    "models.py",
    "ids.py",
    "store/derive.py",
    "store/index.py",
    "store/base.py",
)
RULE_FOLDERS = ("extract", "match", "data")


def rules_fingerprint() -> str:
    """A hash of the source of everything the index's derived columns depend on: the
    assessment and conflict rules, matching features, the check-worthiness scorer (all of
    ``claimtrack/extract``) and its data files."""
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(f"format {INDEX_FORMAT}".encode())
    paths = [package / name for name in RULE_MODULES]
    for folder in RULE_FOLDERS:
        root = package / folder
        if root.is_dir():
            paths += sorted(
                p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            )
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            data = b""
        h.update(str(path.relative_to(package)).encode() + b"\0" + data + b"\0")
    return h.hexdigest()[:32]


SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files (
    kind TEXT NOT NULL, id TEXT NOT NULL, size INTEGER, mtime_ns INTEGER, sha256 TEXT,
    checked_ns INTEGER, PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE folders (kind TEXT PRIMARY KEY, mtime_ns INTEGER, checked_ns INTEGER, digest TEXT);
CREATE TABLE problems (kind TEXT NOT NULL, id TEXT NOT NULL, path TEXT, reason TEXT,
    PRIMARY KEY (kind, id));

CREATE TABLE claims (
    id TEXT PRIMARY KEY, text TEXT NOT NULL, title TEXT, claimant TEXT, ref TEXT,
    created_at TEXT, tags TEXT, aliases TEXT, figures TEXT, mention_count INTEGER,
    source_count INTEGER, figure_count INTEGER, checkworthy REAL, why TEXT, match_words TEXT,
    record TEXT NOT NULL
);
CREATE TABLE figures (
    claim_id TEXT NOT NULL, position INTEGER NOT NULL, text TEXT, value REAL, low REAL,
    high REAL, unit TEXT, kind TEXT, currency TEXT, qualifier TEXT,
    PRIMARY KEY (claim_id, position)
);
CREATE TABLE mentions (
    claim_id TEXT NOT NULL, position INTEGER NOT NULL, source_id TEXT, quote TEXT,
    start INTEGER, "end" INTEGER, claimant TEXT, cue TEXT, hedged INTEGER, origin TEXT,
    PRIMARY KEY (claim_id, position)
);
CREATE TABLE aliases (alias TEXT NOT NULL, claim_id TEXT NOT NULL, PRIMARY KEY (alias, claim_id));
CREATE TABLE sources (
    id TEXT PRIMARY KEY, url TEXT, title TEXT, author TEXT, publisher TEXT, published TEXT,
    retrieved_at TEXT, kind TEXT, sha256 TEXT, text_sha256 TEXT, content_type TEXT,
    language TEXT, input TEXT, notes TEXT, record TEXT NOT NULL
);
CREATE TABLE derived_from (source_id TEXT NOT NULL, parent_id TEXT NOT NULL,
    PRIMARY KEY (source_id, parent_id));
CREATE TABLE evidence (
    id TEXT PRIMARY KEY, claim_id TEXT, source_id TEXT, stance TEXT, quote TEXT,
    unverified INTEGER, note TEXT, author TEXT, created_at TEXT, removed_at TEXT,
    record TEXT NOT NULL
);
CREATE TABLE questions (
    id TEXT PRIMARY KEY, claim_id TEXT, text TEXT, status TEXT, answer TEXT,
    evidence_id TEXT, origin_rule TEXT, origin_source TEXT, origin_sentence TEXT,
    created_at TEXT, record TEXT NOT NULL
);

CREATE TABLE assessments (
    claim_id TEXT PRIMARY KEY, status TEXT, status_rank INTEGER, flag_weight REAL,
    flag_count INTEGER, flags TEXT, origins INTEGER, backing INTEGER, mentions INTEGER,
    claimant TEXT, groups TEXT, supporting TEXT, contradicting TEXT
);
CREATE TABLE claim_flags (claim_id TEXT NOT NULL, position INTEGER NOT NULL, code TEXT,
    detail TEXT, PRIMARY KEY (claim_id, position));
CREATE TABLE conflict_entries (
    claim_id TEXT NOT NULL, position INTEGER NOT NULL, bucket TEXT NOT NULL,
    figure_group TEXT, unit TEXT, entry TEXT NOT NULL, PRIMARY KEY (claim_id, position)
);
CREATE TABLE bucket_conflicts (bucket TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL,
    reason TEXT, PRIMARY KEY (bucket, a, b));
CREATE TABLE match_words (word TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE pending_claims (id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE pending_seeds (kind TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (kind, id))
    WITHOUT ROWID;
CREATE TABLE pending_buckets (bucket TEXT PRIMARY KEY, figure_group TEXT, unit TEXT);

CREATE VIEW conflicts AS
    SELECT a, b, reason FROM bucket_conflicts AS bc
    WHERE bucket = (SELECT min(bucket) FROM bucket_conflicts AS o WHERE o.a = bc.a AND o.b = bc.b);
CREATE VIEW claim_status AS
    SELECT c.id, c.text, c.claimant, a.status,
        (SELECT group_concat(code, ' ') FROM claim_flags AS f WHERE f.claim_id = c.id) AS flags,
        a.origins, a.backing AS sources_behind, c.mention_count AS mentions,
        c.source_count AS sources, c.figure_count AS figures, c.checkworthy, c.ref,
        c.created_at
    FROM claims AS c LEFT JOIN assessments AS a ON a.claim_id = c.id;
CREATE VIEW source_mentions AS
    SELECT s.id, s.title, s.url, s.kind, s.publisher, s.published, s.retrieved_at,
        (SELECT count(*) FROM mentions AS m WHERE m.source_id = s.id) AS mentions,
        (SELECT count(DISTINCT m.claim_id) FROM mentions AS m WHERE m.source_id = s.id)
            AS claims
    FROM sources AS s;
CREATE VIEW edges AS
    SELECT 'asserts' AS relation, source_id AS source, claim_id AS target,
        claim_id || '/' || position AS ref FROM mentions
    UNION ALL SELECT stance, source_id, claim_id, id FROM evidence WHERE removed_at IS NULL
    UNION ALL SELECT 'asks_about', id, claim_id, id FROM questions
    UNION ALL SELECT 'derived_from', source_id, parent_id, NULL FROM derived_from
    UNION ALL SELECT 'conflicts_with', a, b, reason FROM conflicts;
"""


INDEXES = """
CREATE INDEX claims_created ON claims (created_at, id);
CREATE INDEX mentions_by_source ON mentions (source_id, claim_id);
CREATE INDEX derived_from_parent ON derived_from (parent_id);
CREATE INDEX evidence_by_claim ON evidence (claim_id);
CREATE INDEX evidence_by_source ON evidence (source_id);
CREATE INDEX questions_by_claim ON questions (claim_id);
CREATE INDEX assessments_severity ON assessments
    (status_rank, flag_weight DESC, mentions DESC, claim_id);
CREATE INDEX claim_flags_by_code ON claim_flags (code, claim_id);
CREATE INDEX conflict_entries_by_bucket ON conflict_entries (bucket);
CREATE INDEX bucket_conflicts_a ON bucket_conflicts (a);
CREATE INDEX bucket_conflicts_b ON bucket_conflicts (b);
"""
"""Created after a build's rows are in (faster than keeping them up to date row by row)."""


class _Rebuild(Exception):
    """The index cannot be trusted: build it again (never shown to users)."""


def _dumps(value: Any) -> str:
    if not value and isinstance(value, list):
        return "[]"
    return json.dumps(value, ensure_ascii=False)


def _digest(found: dict[str, tuple[int, int]]) -> str:
    """A digest of a folder's file stamps (id, size, mtime of each file, in listing order: a
    folder listed twice without a change lists in the same order; if not, the digests differ
    and the full comparison runs, which is only slower)."""
    return hashlib.sha1(repr(list(found.items())).encode(), usedforsecurity=False).hexdigest()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# -- records as rows ----------------------------------------------------------------------------


class CaseIndex:
    """The index of one folder case. ``CaseIndex(ws).open()``; every method may raise
    ``_Rebuild`` internally, which ``Workspace`` handles by rebuilding once."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.folder = ws.root / CACHE_DIR
        self.path = self.folder / FILE_NAME
        self.conn: sqlite3.Connection | None = None
        self.in_memory = False
        self._fingerprint: str | None = None
        self._write_depth = 0
        self.changes = 0  # records applied by this process: see files_version

    # -- opening, checking, rebuilding ----------------------------------------------------------
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
        except (_Rebuild, sqlite3.DatabaseError, OSError):
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
            raise _Rebuild("missing")
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
            raise _Rebuild("another format")
        if meta.get("rules") != self.fingerprint():
            raise _Rebuild("other rules")
        if meta.get("root") != str(self.ws.root.resolve()) and meta.get("root") is not None:
            # A copied workspace: the file stamps it holds are another folder's.
            raise _Rebuild("another folder")

    def rebuild(self, *, force: bool = False) -> None:
        """Build the index afresh from the record files and swap it in whole (unless another
        process swapped in a sound one while this one waited for the build lock; ``force``
        builds anyway)."""
        from filelock import FileLock, Timeout

        self.close()
        try:
            st = os.stat(self.path)
            seen = (st.st_ino, st.st_mtime_ns)
        except OSError:
            seen = None
        try:
            self.folder.mkdir(exist_ok=True)
            _ensure_gitignore(self.folder)
            lock = FileLock(str(self.folder / "index.lock"))
            lock.acquire(timeout=LOCK_TIMEOUT)
        except (OSError, Timeout):
            self._build_in_memory()
            return
        try:
            try:
                st = os.stat(self.path)
                now_seen = (st.st_ino, st.st_mtime_ns)
            except OSError:
                now_seen = None
            if not force and now_seen is not None and now_seen != seen:
                # Another process rebuilt it while this one waited.
                conn = None
                try:
                    conn = self._connect(self.path)
                    self._check(conn)
                    self.conn = conn
                    return
                except (_Rebuild, sqlite3.DatabaseError, OSError):
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
        from ..conflicts import bucket_conflicts
        from ..search import create_table
        from ..workspace import Records

        self.conn = conn
        conn.executescript(SCHEMA)
        create_table(conn)
        conn.execute("BEGIN")
        scan = self._scan_all()
        now = time.time_ns()
        records = Records()
        file_rows = []
        for kind, attr in zip(KINDS, ("claims", "sources", "evidence", "questions"), strict=True):
            folder = self.ws.root / _kind_dir(kind)
            found = getattr(records, attr)
            for record_id in sorted(scan[kind]):
                size, mtime = scan[kind][record_id]
                path = os.path.join(folder, record_id + ".json")
                try:
                    data = _read(path)
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    problem = CorruptRecord(path, f"cannot be read: {exc.strerror}")
                    self._put_problem(kind, record_id, problem)
                    file_rows.append((kind, record_id, size, mtime, None, now))
                    continue
                file_rows.append((kind, record_id, size, mtime, _sha(data), now))
                try:
                    found[record_id] = _parse(kind, record_id, path, data)
                except CorruptRecord as exc:
                    self._put_problem(kind, record_id, exc)
        conn.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?)", file_rows)
        self._stamp_folders(now, {kind: _digest(found) for kind, found in scan.items()})

        # Rows are made and written a chunk at a time: the rows of 100,000 claims at once
        # would hold every record's JSON twice over.
        counts: dict[str, int] = {}
        buckets: dict[Bucket, list[Entry]] = {}
        claims = list(records.claims.values())
        for start in range(0, len(claims), BUILD_CHUNK):
            chunk = claims[start : start + BUILD_CHUNK]
            rows = _Rows()
            for k, (claim, derived) in enumerate(zip(chunk, _derive_many(chunk), strict=True)):
                rows.add("claim", claim, derived, start + k + 1)
            rows.write(conn)
            for word in rows.words:
                counts[word] = counts.get(word, 0) + 1
            for key, entry in rows.entries:
                buckets.setdefault(key, []).append(entry)
        for kind, attr in zip(KINDS[1:], ("sources", "evidence", "questions"), strict=True):
            others = list(getattr(records, attr).values())
            for start in range(0, len(others), BUILD_CHUNK):
                rows = _Rows()
                for record in others[start : start + BUILD_CHUNK]:
                    rows.add(kind, record)
                rows.write(conn)
        conn.executemany("INSERT INTO match_words VALUES (?, ?)", counts.items())

        # Derived: conflicts in every bucket, then every claim's assessment.
        pairs = []
        for key in sorted(buckets, key=bucket_order):
            order = bucket_order(key)
            pairs += [(order, c.a, c.b, c.reason) for c in bucket_conflicts(key, buckets[key])]
        conn.executemany("INSERT INTO bucket_conflicts VALUES (?, ?, ?, ?)", pairs)
        conflicts = _Related(self).conflicts_of(None)
        self._store_assessments(derive.assess_all(records, conflicts))
        from ..extract.checkworthy import THRESHOLD

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

    # -- scanning the folder ---------------------------------------------------------------------
    def _scan_all(self) -> dict[str, dict[str, tuple[int, int]]]:
        """Size and mtime of every record file, by kind and id (one stat call a file)."""
        out: dict[str, dict[str, tuple[int, int]]] = {}
        for kind in KINDS:
            found: dict[str, tuple[int, int]] = {}
            folder = self.ws.root / _kind_dir(kind)
            try:
                with os.scandir(folder) as it:
                    for entry in it:
                        name = entry.name
                        if not name.endswith(".json") or name.startswith("."):
                            continue
                        try:
                            st = entry.stat()
                        except FileNotFoundError:
                            continue
                        found[name[:-5]] = (st.st_size, st.st_mtime_ns)
            except FileNotFoundError:
                pass
            out[kind] = found
        return out

    def _folder_stamps(self) -> dict[str, int]:
        out = {}
        for kind in KINDS:
            try:
                out[kind] = os.stat(self.ws.root / _kind_dir(kind)).st_mtime_ns
            except FileNotFoundError:
                out[kind] = 0
        return out

    def _stamp_folders(self, now: int, digests: dict[str, str] | None = None) -> None:
        """Remember the folders' stamps (and, after a full check, a digest of every file's
        stamp: the next full check that finds the same digest has nothing to compare)."""
        stamps = self._folder_stamps()
        digests = digests or {}
        self.conn.executemany(
            "INSERT OR REPLACE INTO folders VALUES (?, ?, ?, ?)",
            [(k, v, now, digests.get(k)) for k, v in stamps.items()],
        )

    def sync(self, *, full: bool = True, files: Iterable[tuple[str, str]] = ()) -> None:
        """Bring the index up to date with the folder: every file (``full``), or the files
        added or removed and the ``files`` named; then finish the derived answers."""
        conn = self.conn
        assert conn is not None
        digests = None
        pending = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pending_claims) OR EXISTS (SELECT 1 FROM "
            "pending_seeds) OR EXISTS (SELECT 1 FROM pending_buckets)"
        ).fetchone()[0]
        if full:
            scan = self._scan_all()
            digests = {kind: _digest(found) for kind, found in scan.items()}
            stored_digests = dict(conn.execute("SELECT kind, digest FROM folders"))
            racy = conn.execute(
                "SELECT EXISTS (SELECT 1 FROM files WHERE mtime_ns + ? > checked_ns)", (RACY_NS,)
            ).fetchone()[0]
            if digests == stored_digests and not racy and not pending:
                return  # every file as it was when last compared
            todo = self._differences(scan, self._stored_files())
            listed = True
        else:
            todo, listed = self._quick_differences(files)
            if not todo and not pending and not (listed and self._folders_stale()):
                return
        with self.writing(sync=False):
            as_scanned = self._apply_files(todo) if todo else True
            if listed:
                # The digest holds only if the files table now says what the scan saw.
                self._stamp_folders(time.time_ns(), digests if as_scanned else None)
            self._finish()

    def _stored_files(self, kind: str | None = None) -> dict[tuple[str, str], tuple]:
        sql = "SELECT kind, id, size, mtime_ns, sha256, checked_ns FROM files"
        rows = (
            self.conn.execute(sql + " WHERE kind = ?", (kind,)) if kind else self.conn.execute(sql)
        )
        return {(r[0], r[1]): r[2:] for r in rows}

    def _differences(self, scan, stored) -> list[tuple[str, str, tuple[int, int] | None]]:
        """(kind, id, stat or None when gone) of every file to look at again."""
        todo = []
        for kind in KINDS:
            for record_id, stat in scan[kind].items():
                row = stored.get((kind, record_id))
                if row is None or (row[0], row[1]) != stat or row[1] + RACY_NS > row[3]:
                    todo.append((kind, record_id, stat))
        for kind, record_id in stored.keys() - {(k, i) for k in KINDS for i in scan[k]}:
            todo.append((kind, record_id, None))
        return todo

    def _folders_stale(self) -> bool:
        stored = dict(
            (k, (m, c))
            for k, m, c in self.conn.execute("SELECT kind, mtime_ns, checked_ns FROM folders")
        )
        for kind, stamp in self._folder_stamps().items():
            row = stored.get(kind)
            if row is None or row[0] != stamp or stamp + RACY_NS > row[1]:
                return True
        return False

    def _quick_differences(self, files: Iterable[tuple[str, str]]):
        """Files added or removed (seen by the folders' stamps, then a listing) and the named
        files whose stamps changed. Returns (todo, whether the folders were listed)."""
        stored_folders = {
            k: (m, c)
            for k, m, c in self.conn.execute("SELECT kind, mtime_ns, checked_ns FROM folders")
        }
        todo: list[tuple[str, str, tuple[int, int] | None]] = []
        listed = False
        named = {(k, i) for k, i in files}
        for kind, stamp in self._folder_stamps().items():
            row = stored_folders.get(kind)
            if row is not None and row[0] == stamp and stamp + RACY_NS <= row[1]:
                continue
            listed = True
            folder = self.ws.root / _kind_dir(kind)
            try:
                names = {
                    n[:-5]
                    for n in os.listdir(folder)
                    if n.endswith(".json") and not n.startswith(".")
                }
            except FileNotFoundError:
                names = set()
            known = {
                r[0] for r in self.conn.execute("SELECT id FROM files WHERE kind = ?", (kind,))
            }
            for record_id in names - known:
                named.add((kind, record_id))
            for record_id in known - names:
                todo.append((kind, record_id, None))
        if named:
            stored = {}
            for chunk in _chunks(sorted(named)):
                for kind in KINDS:
                    ids = [i for k, i in chunk if k == kind]
                    if not ids:
                        continue
                    marks = ",".join("?" * len(ids))
                    for r in self.conn.execute(
                        "SELECT kind, id, size, mtime_ns, sha256, checked_ns FROM files "
                        f"WHERE kind = ? AND id IN ({marks})",
                        (kind, *ids),
                    ):
                        stored[(r[0], r[1])] = r[2:]
            for kind, record_id in sorted(named):
                path = os.path.join(self.ws.root, _kind_dir(kind), record_id + ".json")
                try:
                    st = os.stat(path)
                    stat: tuple[int, int] | None = (st.st_size, st.st_mtime_ns)
                except (FileNotFoundError, NotADirectoryError):
                    stat = None
                except OSError:
                    continue
                row = stored.get((kind, record_id))
                if stat is None:
                    if row is not None:
                        todo.append((kind, record_id, None))
                elif row is None or (row[0], row[1]) != stat or row[1] + RACY_NS > row[3]:
                    todo.append((kind, record_id, stat))
        return todo, listed

    def _apply_files(self, todo) -> bool:
        """Read the files in ``todo`` again (under the write transaction) and apply what
        changed. Rows another process has brought up to date meanwhile are skipped. Returns
        whether every file was found as ``todo`` gave it (nothing changed since the scan)."""
        now = time.time_ns()
        stored = self._stored_rows(todo)
        as_scanned = True
        changed: list[tuple[str, str, Record | None, CorruptRecord | None]] = []
        for kind, record_id, scanned in todo:
            stat = scanned
            row = stored.get((kind, record_id))
            if stat is None:
                if row is not None:
                    self.forgot(kind, record_id)
                    changed.append((kind, record_id, None, None))
                continue
            path = os.path.join(self.ws.root, _kind_dir(kind), record_id + ".json")
            try:
                st = os.stat(path)
                data = _read(path)
            except FileNotFoundError:
                as_scanned = False
                if row is not None:
                    self.forgot(kind, record_id)
                    changed.append((kind, record_id, None, None))
                continue
            except OSError as exc:
                as_scanned = False
                self._record_file(kind, record_id, (0, 0), None, now)
                changed.append(
                    (kind, record_id, None, CorruptRecord(path, f"cannot be read: {exc.strerror}"))
                )
                continue
            stat = (st.st_size, st.st_mtime_ns)
            as_scanned = as_scanned and stat == scanned
            sha = _sha(data)
            self._record_file(kind, record_id, stat, sha, now)
            if row is not None and row[2] == sha:
                continue  # touched, or rewritten with the same bytes
            try:
                record = _parse(kind, record_id, path, data)
            except CorruptRecord as exc:
                changed.append((kind, record_id, None, exc))
                continue
            changed.append((kind, record_id, record, None))
        self.apply_many(changed)
        return as_scanned

    def _stored_rows(self, todo) -> dict[tuple[str, str], tuple]:
        out = {}
        for kind in KINDS:
            ids = [i for k, i, _ in todo if k == kind]
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                for r in self.conn.execute(
                    "SELECT kind, id, size, mtime_ns, sha256, checked_ns FROM files "
                    f"WHERE kind = ? AND id IN ({marks})",
                    (kind, *chunk),
                ):
                    out[(r[0], r[1])] = r[2:]
        return out

    def _record_file(self, kind, record_id, stat, sha, now) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
            (kind, record_id, stat[0], stat[1], sha, now),
        )
        self.conn.execute("UPDATE folders SET digest = NULL WHERE kind = ?", (kind,))

    def wrote(self, kind: str, record_id: str, stat: tuple[int, int], sha: str) -> None:
        """Remember the stamp and hash of a file this process has just written."""
        self._record_file(kind, record_id, stat, sha, time.time_ns())

    def forgot(self, kind: str, record_id: str) -> None:
        self.conn.execute("DELETE FROM files WHERE kind = ? AND id = ?", (kind, record_id))
        self.conn.execute("UPDATE folders SET digest = NULL WHERE kind = ?", (kind,))

    # -- writing -------------------------------------------------------------------------------
    @property
    def in_transaction(self) -> bool:
        return self._write_depth > 0

    def begin(self, *, sync: bool = True) -> None:
        """Start a write transaction (nested calls count); with ``sync``, the folders are
        checked for files added or removed behind the index's back first."""
        if self._write_depth:
            self._write_depth += 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._write_depth = 1
        if sync:
            try:
                todo, listed = self._quick_differences(())
                if todo:
                    self._apply_files(todo)
                if listed:
                    self._stamp_folders(time.time_ns())
            except BaseException:
                self.rollback()
                raise

    def commit(self) -> None:
        self._write_depth -= 1
        if self._write_depth == 0:
            self.conn.execute("COMMIT")

    def rollback(self) -> None:
        self._write_depth = 0
        try:
            self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    @contextmanager
    def writing(self, *, sync: bool = True) -> Iterator[None]:
        """One write transaction (re-entrant): ``begin`` ... ``commit``, or ``rollback`` on
        an error."""
        self.begin(sync=sync)
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        self.commit()

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

    def apply_many(self, items: Iterable[tuple[str, str, Record | None, Any]]) -> None:
        """``apply`` for many records at once (the last of an id counts): their old rows
        read, what they reach marked, and their rows replaced, a statement per table."""
        latest: dict[tuple[str, str], tuple[Record | None, CorruptRecord | None]] = {}
        for kind, record_id, record, problem in items:
            latest[(kind, record_id)] = (record, problem)
        if not latest:
            return
        self.changes += len(latest)
        conn = self.conn
        olds = self._olds(list(latest))
        found = derive.Seeds()
        moved: list[str] = []  # claims whose conflict entries change
        for (kind, record_id), (record, _) in latest.items():
            seeds = derive.seeds(kind, olds.get((kind, record_id)), record)
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
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                conn.execute(
                    f"DELETE FROM problems WHERE kind = ? AND id IN ({marks})", (kind, *chunk)
                )
        rows = _Rows()
        claims = [
            record
            for (kind, _), (record, _) in latest.items()
            if kind == "claim" and record is not None
        ]
        derived = dict(zip((c.id for c in claims), _derive_many(claims), strict=True))
        for (kind, record_id), (record, problem) in latest.items():
            if problem is not None:
                self._put_problem(kind, record_id, problem)
            if record is not None:
                rows.add(kind, record, derived.get(record_id) if kind == "claim" else None)
        rows.write(conn)
        counts: dict[str, int] = {}
        for word in rows.words:
            counts[word] = counts.get(word, 0) + 1
        conn.executemany(
            "INSERT INTO match_words VALUES (?, ?) ON CONFLICT (word) DO UPDATE SET df = df + ?",
            ((w, n, n) for w, n in counts.items()),
        )
        self._mark_buckets(moved)  # the buckets they join

    def _olds(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
        """The stored versions of these records, as much of them as ``derive.seeds`` reads."""
        from types import SimpleNamespace

        conn = self.conn
        out: dict[tuple[str, str], Any] = {}
        for kind in KINDS:
            ids = [i for k, i in keys if k == kind]
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                if kind == "claim":
                    for row in conn.execute(
                        f"SELECT id, text, claimant, figures, aliases FROM claims "
                        f"WHERE id IN ({marks})",
                        chunk,
                    ):
                        out[(kind, row[0])] = _StoredClaim(
                            row[0], row[1], row[2], json.loads(row[3]), json.loads(row[4])
                        )
                elif kind == "source":
                    parents: dict[str, list[str]] = {}
                    for sid, parent in conn.execute(
                        f"SELECT source_id, parent_id FROM derived_from "
                        f"WHERE source_id IN ({marks})",
                        chunk,
                    ):
                        parents.setdefault(sid, []).append(parent)
                    for (sid,) in conn.execute(
                        f"SELECT id FROM sources WHERE id IN ({marks})", chunk
                    ):
                        out[(kind, sid)] = SimpleNamespace(
                            id=sid, derived_from=parents.get(sid, [])
                        )
                else:
                    for rid, claim in conn.execute(
                        f"SELECT id, claim_id FROM {KIND_TABLES[kind]} WHERE id IN ({marks})",
                        chunk,
                    ):
                        out[(kind, rid)] = SimpleNamespace(id=rid, claim=claim)
        return out

    def _mark(self, found: derive.Seeds) -> None:
        """Mark the claims a change reaches now (before it is applied) and remember its seeds
        to reach again in the state after."""
        reached = derive.reach(found, _Relations(self.conn))
        conn = self.conn
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
        for chunk in _chunks(claim_ids):
            marks = ",".join("?" * len(chunk))
            self.conn.execute(
                "INSERT OR IGNORE INTO pending_buckets SELECT DISTINCT bucket, figure_group, "
                f"unit FROM conflict_entries WHERE claim_id IN ({marks})",
                chunk,
            )

    def _put_problem(self, kind: str, record_id: str, problem: CorruptRecord) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO problems VALUES (?, ?, ?, ?)",
            (kind, record_id, problem.path, problem.reason),
        )

    def _delete_many(self, kind: str, ids: list[str]) -> None:
        """Remove the rows of these records (those there are)."""
        conn = self.conn
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            if kind == "claim":
                from ..search import delete as search_delete

                rows = conn.execute(
                    f"SELECT rowid, match_words FROM claims WHERE id IN ({marks})", chunk
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
                    conn.execute(f"DELETE FROM {table} WHERE claim_id IN ({marks})", chunk)
                conn.execute(f"DELETE FROM claims WHERE id IN ({marks})", chunk)
            elif kind == "source":
                conn.execute(f"DELETE FROM derived_from WHERE source_id IN ({marks})", chunk)
                conn.execute(f"DELETE FROM sources WHERE id IN ({marks})", chunk)
            else:
                conn.execute(f"DELETE FROM {KIND_TABLES[kind]} WHERE id IN ({marks})", chunk)

    # -- deriving ------------------------------------------------------------------------------
    def _finish(self) -> None:
        """Re-derive what pending changes reached: conflicts in the touched buckets, then the
        assessments of the claims reached (inside ``writing``)."""
        conn = self.conn
        buckets = [
            (b, g, u)
            for b, g, u in conn.execute("SELECT bucket, figure_group, unit FROM pending_buckets")
        ]
        seeds = derive.Seeds()
        for kind, value in conn.execute("SELECT kind, id FROM pending_seeds"):
            (seeds.claims if kind == "claim" else seeds.sources).add(value)
        reached = {r[0] for r in conn.execute("SELECT id FROM pending_claims")}
        if not buckets and not seeds.claims and not seeds.sources and not reached:
            return
        relations = _Relations(conn)
        reached |= derive.reach(seeds, relations)
        store = _Conflicts(conn)
        reached |= derive.refresh_conflicts(((g, u) for _, g, u in buckets), store)
        total = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
        if len(reached) > max(1000, FULL_DERIVE_SHARE * total):
            self._assess_all()
        else:
            existing = set()
            for chunk in _chunks(sorted(reached)):
                marks = ",".join("?" * len(chunk))
                existing.update(
                    r[0]
                    for r in conn.execute(f"SELECT id FROM claims WHERE id IN ({marks})", chunk)
                )
            gone = reached - existing
            for chunk in _chunks(sorted(gone)):
                marks = ",".join("?" * len(chunk))
                conn.execute(f"DELETE FROM assessments WHERE claim_id IN ({marks})", chunk)
                conn.execute(f"DELETE FROM claim_flags WHERE claim_id IN ({marks})", chunk)
            self._store_assessments(derive.reassess(_Related(self), existing))
        for table in ("pending_claims", "pending_seeds", "pending_buckets"):
            conn.execute(f"DELETE FROM {table}")

    def _assess_all(self) -> None:
        conn = self.conn
        records = self.records()
        conflicts = _Related(self).conflicts_of(None)
        assessed = derive.assess_all(records, conflicts)
        conn.execute("DELETE FROM assessments")
        conn.execute("DELETE FROM claim_flags")
        self._store_assessments(assessed)

    def _store_assessments(self, assessed: dict[str, Assessment]) -> None:
        from ..flags import STATUSES

        conn = self.conn
        rows = []
        flag_rows = []
        for cid, a in assessed.items():
            weight = -a.severity()[1]
            rows.append(
                (
                    cid, a.status, STATUSES.index(a.status) if a.status in STATUSES else len(STATUSES),
                    weight, len(a.flags),
                    _dumps([{"code": f.code, "detail": f.detail} for f in a.flags]),
                    a.origins, a.sources, a.mentions, a.claimant,
                    _dumps([[g.key, g.label, list(g.sources), g.claimant] for g in a.groups]),
                    _dumps(a.supporting), _dumps(a.contradicting),
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

    # -- reads -----------------------------------------------------------------------------------
    def files_version(self) -> int:
        """Changes by this process so far (a sync that applied nothing leaves it)."""
        return self.changes

    def checkworthy_threshold(self) -> float:
        """``extract.checkworthy.THRESHOLD`` as it was when the index was built (the index is
        rebuilt when the scorer changes, so it is the one its scores go with)."""
        row = self.conn.execute(
            "SELECT value FROM meta WHERE key = 'checkworthy_threshold'"
        ).fetchone()
        if row is None:
            raise _Rebuild("no threshold")
        return float(row[0])

    def counts(self) -> dict[str, int]:
        out = {}
        for table in KIND_TABLES.values():
            out[table] = self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        out["problems"] = self.conn.execute("SELECT count(*) FROM problems").fetchone()[0]
        return out

    def problems(self) -> list[CorruptRecord]:
        return [
            CorruptRecord(path, reason)
            for path, reason in self.conn.execute(
                "SELECT path, reason FROM problems ORDER BY kind = 'question', kind = 'evidence', "
                "kind = 'source', kind, id"
            )
        ]

    def load_json(self, kind: str, ids: Iterable[str] | None = None) -> list[str]:
        """The stored JSON of records of ``kind`` (all, or these ids), in id order."""
        table = KIND_TABLES[kind]
        if ids is None:
            return [r[0] for r in self.conn.execute(f"SELECT record FROM {table} ORDER BY id")]
        out = []
        wanted = sorted(set(ids))
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            out += self.conn.execute(
                f"SELECT id, record FROM {table} WHERE id IN ({marks})", chunk
            ).fetchall()
        out.sort()
        return [r for _, r in out]

    def load_records(self, kind: str, ids: Iterable[str] | None = None) -> dict[str, Record]:
        from ..models import RECORD_TYPES

        model = RECORD_TYPES[kind]
        out = {}
        for text in self.load_json(kind, ids):
            record = model.model_validate_json(text)
            out[record.id] = record
        return out

    def records(self) -> Records:
        from ..workspace import Records

        out = Records(
            claims=self.load_records("claim"),  # type: ignore[arg-type]
            sources=self.load_records("source"),  # type: ignore[arg-type]
            evidence=self.load_records("evidence"),  # type: ignore[arg-type]
            questions=self.load_records("question"),  # type: ignore[arg-type]
            problems=self.problems(),
        )
        return out

    def _claims_sql(
        self,
        columns: list[str],
        *,
        raw: bool = False,
        status: str | None = None,
        flagged: bool | None = None,
        figures_only: bool = False,
        codes: Iterable[str] = (),
        min_checkworthy: float | None = None,
        order: ClaimOrder = "created",
        limit: int | None = None,
    ) -> tuple[str, list[Any]]:
        where = []
        args: list[Any] = []
        if status is not None:
            where.append("a.status = ?")
            args.append(status)
        if flagged is not None:
            where.append("a.flag_count > 0" if flagged else "coalesce(a.flag_count, 0) = 0")
        if figures_only:
            where.append("c.figure_count > 0")
        wanted = sorted(set(codes))
        if wanted:
            marks = ",".join("?" * len(wanted))
            where.append(
                f"EXISTS (SELECT 1 FROM claim_flags AS f WHERE f.claim_id = c.id "
                f"AND f.code IN ({marks}))"
            )
            args += wanted
        if min_checkworthy is not None:
            where.append("c.checkworthy >= ?")
            args.append(min_checkworthy)
        if order == "severity":
            order_by = "a.status_rank, a.flag_weight DESC, a.mentions DESC, c.id"
        elif order == "triage":
            order_by = (
                "a.status_rank, a.flag_weight DESC, c.checkworthy DESC, c.mention_count DESC, c.id"
            )
        else:
            order_by = "c.created_at, c.id"
        sql = (
            f"SELECT {', '.join(columns if raw else (ROW_COLUMNS[c] for c in columns))} "
            "FROM claims AS c LEFT JOIN assessments AS a ON a.claim_id = c.id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + f" ORDER BY {order_by}"
            + (" LIMIT ?" if limit is not None else "")
        )
        if limit is not None:
            args.append(limit)
        return sql, args

    def query_claims(self, **filters) -> list[ClaimRow]:
        keys = list(ROW_COLUMNS)
        sql, args = self._claims_sql(keys, **filters)
        loads = json.loads
        out = []
        for r in self.conn.execute(sql, args):
            row = dict(zip(keys, r, strict=True))
            row["figures"] = loads(row["figures"])
            row["flags"] = loads(row["flags"])
            out.append(row)
        return out  # type: ignore[return-value]

    def query_claims_json(self, fields, **filters) -> Iterator[str]:
        """``query_claims`` rows as JSON text, one object a row with only ``fields`` ((output
        name, row key) pairs), exactly as ``json.dumps(obj, ensure_ascii=False)`` writes it.
        SQLite writes the lines (``json_quote`` escapes text as ``json.dumps`` does; stored
        JSON is spliced in as it is), so no row is decoded or built in Python; only a float
        (written by Python's rules) is added here."""
        from json.encoder import encode_basestring

        pieces = []
        floats = []
        for i, (name, key) in enumerate(fields):
            head = ("{" if i == 0 else ", ") + encode_basestring(name) + ": "
            column = ROW_COLUMNS[key]
            if key in JSON_COLUMNS:
                value = column
            elif key in TEXT_COLUMNS:
                value = f"json_quote({column})"
            elif key in FLOAT_COLUMNS:
                floats.append(len(pieces))
                value = "char(0)"  # a mark no JSON text holds unescaped: filled in below
            else:
                value = f"coalesce(CAST({column} AS TEXT), 'null')"
            pieces.append((head, value, column))
        sql_line = " || ".join(f"{_sql_text(head)} || {value}" for head, value, _ in pieces)
        columns = [f"({sql_line}) || '}}'"] + [pieces[i][2] for i in floats]
        sql, args = self._claims_sql(columns, **filters, raw=True)
        if not floats:
            for (line,) in self.conn.execute(sql, args):
                yield line
            return
        for row in self.conn.execute(sql, args):
            parts = row[0].split("\x00")
            out = [parts[0]]
            for value, rest in zip(row[1:], parts[1:], strict=True):
                out.append("null" if value is None else json.dumps(value))
                out.append(rest)
            yield "".join(out)

    def assessments(self, claim_ids: Iterable[str] | None = None) -> dict[str, Assessment]:
        sql = (
            "SELECT claim_id, status, flags, origins, backing, mentions, claimant, groups, "
            "supporting, contradicting FROM assessments"
        )
        if claim_ids is None:
            rows = self.conn.execute(sql + " ORDER BY claim_id").fetchall()
            return {r[0]: _assessment(r, explain=False) for r in rows}
        wanted = list(dict.fromkeys(claim_ids))
        found = {}
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(sql + f" WHERE claim_id IN ({marks})", chunk):
                found[r[0]] = _assessment(r, explain=True)
        return {cid: found[cid] for cid in wanted if cid in found}

    def neighbourhood(self, claim_id: str) -> Records:
        from ..workspace import Records

        conn = self.conn
        claims = self.load_records("claim", [claim_id])
        if claim_id not in claims:
            raise NotFound(f"no claim with id {claim_id!r}")
        claim: Claim = claims[claim_id]  # type: ignore[assignment]
        out = Records(problems=self.problems())
        out.claims[claim_id] = claim
        names = sorted({claim_id, *claim.aliases})
        marks = ",".join("?" * len(names))
        ev_ids = [
            r[0]
            for r in conn.execute(f"SELECT id FROM evidence WHERE claim_id IN ({marks})", names)
        ]
        q_ids = [
            r[0]
            for r in conn.execute(f"SELECT id FROM questions WHERE claim_id IN ({marks})", names)
        ]
        out.evidence = self.load_records("evidence", ev_ids)  # type: ignore[assignment]
        out.questions = self.load_records("question", q_ids)  # type: ignore[assignment]
        wanted = {m.source for m in claim.mentions} | {e.source for e in out.evidence.values()}
        group = derive.provenance_group(wanted, _Relations(conn))
        out.sources = self.load_records("source", group)  # type: ignore[assignment]
        partners = [other for other, _ in _Related(self).conflicts_of({claim_id}).get(claim_id, [])]
        others = self.load_records("claim", partners)
        for other in partners:
            if other in others:
                out.claims[other] = others[other]  # type: ignore[assignment]
        return out

    def claim_view(self, claim_id: str) -> tuple[dict, dict[str, dict]]:
        """``Store.claim_view`` from the stored JSON, without loading any model."""
        from .base import claim_detail

        conn = self.conn
        row = conn.execute(
            "SELECT record, checkworthy, why FROM claims WHERE id = ?", (claim_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no claim with id {claim_id!r}")
        claim = json.loads(row[0])
        names = sorted({claim_id, *claim["aliases"]})
        marks = ",".join("?" * len(names))
        evidence = [
            json.loads(r[0])
            for r in conn.execute(
                f"SELECT record FROM evidence WHERE claim_id IN ({marks}) ORDER BY id", names
            )
        ]
        questions = [
            json.loads(r[0])
            for r in conn.execute(
                f"SELECT record FROM questions WHERE claim_id IN ({marks}) ORDER BY id", names
            )
        ]
        behind = {m["source"] for m in claim["mentions"]} | {e["source"] for e in evidence}
        group = derive.provenance_group(behind, _Relations(conn))
        sources = {json.loads(r)["id"]: json.loads(r) for r in self.load_json("source", group)}
        assessment = self.assessments([claim_id]).get(claim_id)
        why = [(reason, weight) for reason, weight in json.loads(row[2])]
        return claim_detail(claim, evidence, questions, assessment, row[1], why), sources

    def search(self, text: str, top: int = 100) -> list[tuple[str, float]]:
        from ..search import search

        return search(self.conn, text, top)

    def claims_of_source(self, source_id: str) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT claim_id FROM mentions WHERE source_id = ? ORDER BY claim_id",
                (source_id,),
            )
        ]

    def mention_counts(self) -> dict[str, int]:
        return dict(
            self.conn.execute("SELECT source_id, count(*) FROM mentions GROUP BY source_id")
        )

    def alias_owner(self, prefix: str) -> list[str]:
        """Claims with an alias that starts with ``prefix``."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT claim_id FROM aliases WHERE alias >= ? AND alias < ? "
                "ORDER BY claim_id",
                (prefix, prefix + "\uffff"),
            )
        ]

    def claim_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM claims").fetchone()[0]

    def word_df(self, words: Iterable[str]) -> dict[str, int]:
        wanted = sorted(set(words))
        out = {}
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            out.update(
                self.conn.execute(
                    f"SELECT word, df FROM match_words WHERE word IN ({marks})", chunk
                ).fetchall()
            )
        return out

    def neighbourhood_files(self, claim_id: str) -> list[tuple[str, str]]:
        """The record files ``show`` answers from for one claim: to check before answering."""
        conn = self.conn
        out = [("claim", claim_id)]
        row = conn.execute("SELECT aliases FROM claims WHERE id = ?", (claim_id,)).fetchone()
        if row is None:
            return out
        names = sorted({claim_id, *json.loads(row[0])})
        marks = ",".join("?" * len(names))
        out += [
            ("evidence", r[0])
            for r in conn.execute(f"SELECT id FROM evidence WHERE claim_id IN ({marks})", names)
        ]
        out += [
            ("question", r[0])
            for r in conn.execute(f"SELECT id FROM questions WHERE claim_id IN ({marks})", names)
        ]
        behind = {
            r[0]
            for r in conn.execute("SELECT source_id FROM mentions WHERE claim_id = ?", (claim_id,))
        } | {
            r[0]
            for r in conn.execute(
                f"SELECT source_id FROM evidence WHERE claim_id IN ({marks})", names
            )
        }
        out += [("source", s) for s in sorted(derive.provenance_group(behind, _Relations(conn)))]
        out += [("claim", c) for c in sorted(_Relations(conn).conflict_partners({claim_id}))]
        return out


def record_json(record: Record) -> str:
    """A record as the index stores it: ``model_dump(mode="json")`` as JSON text (what
    ``show`` prints comes from it without loading the models)."""
    figures = getattr(record, "figures", None)
    if figures and any(
        v is not None and not math.isfinite(v) for f in figures for v in (f.value, f.low, f.high)
    ):
        # pydantic writes an infinite float as null; keep it as it is.
        return json.dumps(record.model_dump(mode="json"), ensure_ascii=False)
    return record.model_dump_json()


def claim_derived(claim: Claim) -> tuple[float, list, list[str], list[tuple[Bucket, Entry]]]:
    """What the index derives from a claim's own record: its check-worthiness and the reasons
    for it (``extract.explain_checkworthiness`` of its text, what ``checkworthiness`` gives),
    its matching words (``match.claim_features``) and its conflict entries
    (``conflicts.claim_entries``)."""
    from ..extract import explain_checkworthiness
    from ..match import claim_features

    score, why = explain_checkworthiness(claim.text)
    return (
        round(score, 3),
        [[reason, weight] for reason, weight in why],
        sorted(set(claim_features(claim).words)),
        derive.entries_of(claim),
    )


BUILD_CHUNK = 20_000
"""Claims made into rows and written at a time by a build."""
PARALLEL_BUILD = 2000
"""More claims than this at once are derived in worker processes, one per core."""

_FORKED: list[Claim] = []  # the claims a build's forked workers derive (inherited, not sent)


def _derive_range(start: int, end: int) -> list[tuple]:
    return [claim_derived(claim) for claim in _FORKED[start:end]]


def _derive_many(claims: list[Claim]) -> list[tuple]:
    """``claim_derived`` for many claims: shared with forked worker processes when there are
    many, more than one core, and no other thread that a fork could catch holding a lock."""
    import threading

    cores = min(os.cpu_count() or 1, 8)
    if (
        len(claims) <= PARALLEL_BUILD
        or cores < 2
        or not hasattr(os, "fork")
        or threading.active_count() > 1
    ):
        return [claim_derived(claim) for claim in claims]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _FORKED
    _FORKED = claims
    bounds = [len(claims) * k // cores for k in range(cores + 1)]
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=cores - 1, mp_context=context) as pool:
            futures = [
                pool.submit(_derive_range, bounds[k], bounds[k + 1]) for k in range(1, cores)
            ]
            out = _derive_range(bounds[0], bounds[1])
            for future in futures:
                out += future.result()
        return out
    except (OSError, RuntimeError):  # no worker processes here: do it all in this one
        return [claim_derived(claim) for claim in claims]
    finally:
        _FORKED = []


class _Rows:
    """The table rows of many records, written with one statement per table."""

    def __init__(self) -> None:
        self.tables: dict[str, list[tuple]] = {}
        self.words: list[str] = []
        self.search: list[tuple] = []
        self.entries: list[tuple[Bucket, Entry]] = []

    def _put(self, table: str, row: tuple) -> None:
        self.tables.setdefault(table, []).append(row)

    def add(self, kind: str, record: Record, derived=None, rowid=None):
        text = record_json(record)
        if kind == "claim":
            self._add_claim(record, text, derived, rowid)  # type: ignore[arg-type]
        elif kind == "source":
            s: Source = record  # type: ignore[assignment]
            self._put(
                "sources",
                (
                    s.id, s.url, s.title, s.author, s.publisher, s.published,
                    s.retrieved_at.isoformat(), s.kind, s.sha256, s.text_sha256,
                    s.content_type, s.language, s.input, _dumps(s.notes), text,
                ),
            )  # fmt: skip
            for parent in dict.fromkeys(s.derived_from):
                self._put("derived_from", (s.id, parent))
        elif kind == "evidence":
            e: Evidence = record  # type: ignore[assignment]
            self._put(
                "evidence",
                (
                    e.id, e.claim, e.source, e.stance, e.quote, int(e.unverified), e.note,
                    e.author, e.created_at.isoformat(),
                    e.removed_at.isoformat() if e.removed_at else None, text,
                ),
            )  # fmt: skip
        else:
            q: Question = record  # type: ignore[assignment]
            o = q.origin
            self._put(
                "questions",
                (
                    q.id, q.claim, q.text, q.status, q.answer, q.evidence,
                    o.rule if o else None, o.source if o else None, o.sentence if o else None,
                    q.created_at.isoformat(), text,
                ),
            )  # fmt: skip

    def _add_claim(self, c: Claim, text: str, derived, rowid) -> None:
        from ..search import row as search_row

        checkworthy, why, words, entries = derived or claim_derived(c)
        figures = [f.model_dump(mode="json") for f in c.figures]
        self._put(
            "claims",
            (
                rowid, c.id, c.text, c.title, c.claimant, c.ref, c.created_at.isoformat(),
                _dumps(c.tags), _dumps(c.aliases), _dumps(figures), len(c.mentions),
                len({m.source for m in c.mentions}), len(c.figures), checkworthy,
                _dumps(why), _dumps(words), text,
            ),
        )  # fmt: skip
        self.search.append((rowid, *search_row(c)))
        for i, f in enumerate(figures):
            self._put(
                "figures",
                (c.id, i, f["text"], f["value"], f["low"], f["high"], f["unit"], f["kind"],
                 f["currency"], f["qualifier"]),
            )  # fmt: skip
        for i, m in enumerate(c.mentions):
            self._put(
                "mentions",
                (c.id, i, m.source, m.quote, m.start, m.end, m.claimant, m.cue, int(m.hedged),
                 m.origin),
            )  # fmt: skip
        for alias in dict.fromkeys(c.aliases):
            self._put("aliases", (alias, c.id))
        for key, e in entries:
            self._put(
                "conflict_entries",
                (c.id, e.position, bucket_order(key), key[0], key[1], derive.entry_to_json(e)),
            )
            self.entries.append((key, e))
        self.words.extend(words)

    def write(self, conn: sqlite3.Connection) -> None:
        from ..search import insert as search_insert

        for table, rows in self.tables.items():
            if table == "claims":
                continue
            marks = ",".join("?" * len(rows[0]))
            conn.executemany(f"INSERT OR IGNORE INTO {table} VALUES ({marks})", rows)
        claims = self.tables.get("claims", [])
        if claims and claims[0][0] is None:  # rowids follow the last one (the search's too)
            last = conn.execute("SELECT coalesce(max(rowid), 0) FROM claims").fetchone()[0]
            claims = [(last + i, *row[1:]) for i, row in enumerate(claims, 1)]
            self.search = [(last + i, *row[1:]) for i, row in enumerate(self.search, 1)]
        if claims:
            conn.executemany(
                "INSERT INTO claims (rowid, id, text, title, claimant, ref, created_at, tags, "
                "aliases, figures, mention_count, source_count, figure_count, checkworthy, why, "
                "match_words, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                claims,
            )
        if self.search:
            search_insert(conn, self.search)


ROW_COLUMNS = {
    "id": "c.id",
    "text": "c.text",
    "title": "c.title",
    "claimant": "c.claimant",
    "figures": "c.figures",
    "mentions": "c.mention_count",
    "sources": "c.source_count",
    "status": "a.status",
    "flags": "coalesce(a.flags, '[]')",
    "origins": "coalesce(a.origins, 0)",
    "backing": "coalesce(a.backing, 0)",
    "checkworthy": "c.checkworthy",
    "ref": "c.ref",
    "created_at": "c.created_at",
}
"""How each key of a ``ClaimRow`` is read from the index."""
JSON_COLUMNS = {"figures", "flags"}  # stored as JSON text
TEXT_COLUMNS = {"id", "text", "title", "claimant", "status", "ref", "created_at"}
FLOAT_COLUMNS = {"checkworthy"}


def _sql_text(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


class _StoredClaim:
    """A stored claim with the fields ``derive.seeds`` reads."""

    def __init__(self, id, text, claimant, figures, aliases):
        from ..models import Figure

        self.id = id
        self.text = text
        self.claimant = claimant
        self.figures = [Figure.model_validate(f) for f in figures]
        self.aliases = aliases


def _assessment(row, *, explain: bool) -> Assessment:
    from ..flags import Assessment, Flag, Origin

    cid, status, flags, origins, backing, mentions, claimant, groups, supporting, contra = row
    return Assessment(
        claim=cid,
        status=status,
        flags=[Flag(f["code"], f["detail"]) for f in json.loads(flags)],
        origins=origins,
        mentions=mentions,
        claimant=claimant,
        sources=backing,
        groups=[
            Origin(key=k, label=label, sources=tuple(s), claimant=bool(own))
            for k, label, s, own in json.loads(groups)
        ]
        if explain
        else [],
        supporting=json.loads(supporting),
        contradicting=json.loads(contra),
    )


class _Relations:
    """``derive.Relations`` over the index's tables."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def _many(self, sql: str, ids: set[str], repeat: int = 1) -> set[str]:
        out: set[str] = set()
        for chunk in _chunks(sorted(ids)):
            marks = ",".join("?" * len(chunk))
            out.update(r[0] for r in self.conn.execute(sql.format(marks=marks), chunk * repeat))
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
        for chunk in _chunks(sorted(ids)):
            marks = ",".join("?" * len(chunk))
            out.update(
                self.conn.execute(
                    f"SELECT alias, max(claim_id) FROM aliases WHERE alias IN ({marks}) "
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


class _Related(_Relations):
    """``derive.Related`` over the index's tables."""

    def __init__(self, index: CaseIndex):
        super().__init__(index.conn)
        self.index = index

    def claims(self, ids: set[str]) -> dict[str, Claim]:
        return self.index.load_records("claim", ids)  # type: ignore[return-value]

    def sources(self, ids: set[str]) -> dict[str, Source]:
        return self.index.load_records("source", ids)  # type: ignore[return-value]

    def _about(self, kind: str, ids: set[str]) -> list:
        table = KIND_TABLES[kind]
        found = self._many(f"SELECT id FROM {table} WHERE claim_id IN ({{marks}})", ids)
        return list(self.index.load_records(kind, found).values())

    def evidence_about(self, ids: set[str]) -> list[Evidence]:
        return self._about("evidence", ids)

    def questions_about(self, ids: set[str]) -> list[Question]:
        return self._about("question", ids)

    def conflicts_of(self, claim_ids: set[str] | None) -> dict[str, list[tuple[str, str]]]:
        sql = "SELECT bucket, a, b, reason FROM bucket_conflicts"
        rows: list = []
        if claim_ids is None:
            rows = self.conn.execute(sql).fetchall()
        else:
            for chunk in _chunks(sorted(claim_ids)):
                marks = ",".join("?" * len(chunk))
                rows += self.conn.execute(
                    sql + f" WHERE a IN ({marks}) OR b IN ({marks})", chunk * 2
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


class _Conflicts:
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


# -- files ----------------------------------------------------------------------------------------


def _kind_dir(kind: str) -> str:
    from ..workspace import KIND_DIRS

    return KIND_DIRS[kind]


def _read(path: str) -> bytes:
    from ..workspace import _read as read

    return read(path)


def _parse(kind: str, record_id: str, path: str, data: bytes) -> Record:
    from ..workspace import _parse as parse

    return parse(kind, record_id, path, data)


def _ensure_gitignore(folder: Path) -> None:
    path = folder / ".gitignore"
    if not path.is_file():
        from ..workspace import atomic_write

        atomic_write(path, b"# claimtrack's derived caches: rebuilt when missing\n*\n")


def index_error(exc: BaseException) -> bool:
    """Whether ``exc`` means the index file is damaged (rebuild) rather than busy."""
    if isinstance(exc, _Rebuild):
        return True
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        return not ("locked" in text or "busy" in text)
    return isinstance(exc, sqlite3.DatabaseError)


__all__ = ["CaseIndex", "INDEX_FORMAT", "index_error", "rules_fingerprint"]
