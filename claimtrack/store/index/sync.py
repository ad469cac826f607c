"""Keeping the index in step with the record files: comparing each file's stamp (size,
mtime_ns, and sha256 when those differ) with the ``files`` table, reading again what changed,
and the write transactions that do it (``IndexSync``, the third layer of ``CaseIndex``)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ...errors import CorruptRecord
from .schema import KINDS, RACY_NS, FileRow, Stat, Todo, chunks, marks
from .update import Change, IndexUpdates

if TYPE_CHECKING:
    from ...models import Record


class IndexSync(IndexUpdates):
    """Scanning the folder, applying what changed behind the index's back, and write
    transactions (which catch up with the folder first)."""

    # -- scanning the folder -------------------------------------------------------------------
    def _scan_all(self) -> dict[str, dict[str, Stat]]:
        """Size and mtime of every record file, by kind and id (one stat call a file)."""
        out: dict[str, dict[str, Stat]] = {}
        for kind in KINDS:
            found: dict[str, Stat] = {}
            folder = self.ws.root / kind_dir(kind)
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
                out[kind] = os.stat(self.ws.root / kind_dir(kind)).st_mtime_ns
            except FileNotFoundError:
                out[kind] = 0
        return out

    def _stamp_folders(self, now: int, digests: dict[str, str] | None = None) -> None:
        """Remember the folders' stamps (and, after a full check, a digest of every file's
        stamp: the next full check that finds the same digest has nothing to compare)."""
        stamps = self._folder_stamps()
        digests = digests or {}
        self.db.executemany(
            "INSERT OR REPLACE INTO folders VALUES (?, ?, ?, ?)",
            [(k, v, now, digests.get(k)) for k, v in stamps.items()],
        )

    def sync(self, *, full: bool = True, files: Iterable[tuple[str, str]] = ()) -> None:
        """Bring the index up to date with the folder: every file (``full``), or the files
        added or removed and the ``files`` named; then finish the derived answers."""
        conn = self.db
        digests = None
        pending = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pending_claims) OR EXISTS (SELECT 1 FROM "
            "pending_seeds) OR EXISTS (SELECT 1 FROM pending_buckets)"
        ).fetchone()[0]
        if full:
            scan = self._scan_all()
            digests = {kind: digest(found) for kind, found in scan.items()}
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

    def _stored_files(self) -> dict[tuple[str, str], FileRow]:
        rows = self.db.execute("SELECT kind, id, size, mtime_ns, sha256, checked_ns FROM files")
        return {(r[0], r[1]): r[2:] for r in rows}

    def _differences(
        self, scan: dict[str, dict[str, Stat]], stored: dict[tuple[str, str], FileRow]
    ) -> Todo:
        """(kind, id, stat or None when gone) of every file to look at again."""
        todo: Todo = []
        for kind in KINDS:
            for record_id, stat in scan[kind].items():
                row = stored.get((kind, record_id))
                if row is None or (row[0], row[1]) != stat or row[1] + RACY_NS > row[3]:
                    todo.append((kind, record_id, stat))
        for kind, record_id in stored.keys() - {(k, i) for k in KINDS for i in scan[k]}:
            todo.append((kind, record_id, None))
        return todo

    def _stored_folders(self) -> dict[str, tuple[int, int]]:
        """Each folder's (mtime_ns, checked_ns) as last stamped."""
        return {
            k: (m, c)
            for k, m, c in self.db.execute("SELECT kind, mtime_ns, checked_ns FROM folders")
        }

    def _folders_stale(self) -> bool:
        stored = self._stored_folders()
        for kind, stamp in self._folder_stamps().items():
            row = stored.get(kind)
            if row is None or row[0] != stamp or stamp + RACY_NS > row[1]:
                return True
        return False

    def _quick_differences(self, files: Iterable[tuple[str, str]]) -> tuple[Todo, bool]:
        """Files added or removed (seen by the folders' stamps, then a listing) and the named
        files whose stamps changed. Returns (todo, whether the folders were listed)."""
        conn = self.db
        stored_folders = self._stored_folders()
        todo: Todo = []
        listed = False
        named = {(k, i) for k, i in files}
        for kind, stamp in self._folder_stamps().items():
            row = stored_folders.get(kind)
            if row is not None and row[0] == stamp and stamp + RACY_NS <= row[1]:
                continue
            listed = True
            folder = self.ws.root / kind_dir(kind)
            try:
                names = {
                    n[:-5]
                    for n in os.listdir(folder)
                    if n.endswith(".json") and not n.startswith(".")
                }
            except FileNotFoundError:
                names = set()
            known = {r[0] for r in conn.execute("SELECT id FROM files WHERE kind = ?", (kind,))}
            for record_id in names - known:
                named.add((kind, record_id))
            for record_id in known - names:
                todo.append((kind, record_id, None))
        if named:
            stored: dict[tuple[str, str], FileRow] = {}
            for chunk in chunks(sorted(named)):
                for kind in KINDS:
                    ids = [i for k, i in chunk if k == kind]
                    if not ids:
                        continue
                    for r in conn.execute(
                        "SELECT kind, id, size, mtime_ns, sha256, checked_ns FROM files "
                        f"WHERE kind = ? AND id IN ({marks(ids)})",
                        (kind, *ids),
                    ):
                        stored[(r[0], r[1])] = r[2:]
            for kind, record_id in sorted(named):
                path = os.path.join(self.ws.root, kind_dir(kind), record_id + ".json")
                try:
                    st = os.stat(path)
                    stat: Stat | None = (st.st_size, st.st_mtime_ns)
                except (FileNotFoundError, NotADirectoryError):
                    stat = None
                except OSError:
                    continue
                file_row = stored.get((kind, record_id))
                if stat is None:
                    if file_row is not None:
                        todo.append((kind, record_id, None))
                elif (
                    file_row is None
                    or (file_row[0], file_row[1]) != stat
                    or file_row[1] + RACY_NS > file_row[3]
                ):
                    todo.append((kind, record_id, stat))
        return todo, listed

    # -- reading changed files again -----------------------------------------------------------
    def _apply_files(self, todo: Todo) -> bool:
        """Read the files in ``todo`` again (under the write transaction) and apply what
        changed. Rows another process has brought up to date meanwhile are skipped. Returns
        whether every file was found as ``todo`` gave it (nothing changed since the scan)."""
        now = time.time_ns()
        stored = self._stored_rows(todo)
        as_scanned = True
        changed: list[Change] = []
        for kind, record_id, scanned in todo:
            row = stored.get((kind, record_id))
            if scanned is None:
                if row is not None:
                    self.forgot(kind, record_id)
                    changed.append((kind, record_id, None, None))
                continue
            path = os.path.join(self.ws.root, kind_dir(kind), record_id + ".json")
            try:
                st = os.stat(path)
                data = read_file(path)
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
            sha = sha256(data)
            self._record_file(kind, record_id, stat, sha, now)
            if row is not None and row[2] == sha:
                continue  # touched, or rewritten with the same bytes
            try:
                record = parse_record(kind, record_id, path, data)
            except CorruptRecord as exc:
                changed.append((kind, record_id, None, exc))
                continue
            changed.append((kind, record_id, record, None))
        self.apply_many(changed)
        return as_scanned

    def _stored_rows(self, todo: Todo) -> dict[tuple[str, str], FileRow]:
        out: dict[tuple[str, str], FileRow] = {}
        for kind in KINDS:
            ids = [i for k, i, _ in todo if k == kind]
            for chunk in chunks(ids):
                for r in self.db.execute(
                    "SELECT kind, id, size, mtime_ns, sha256, checked_ns FROM files "
                    f"WHERE kind = ? AND id IN ({marks(chunk)})",
                    (kind, *chunk),
                ):
                    out[(r[0], r[1])] = r[2:]
        return out

    def _record_file(
        self, kind: str, record_id: str, stat: Stat, sha: str | None, now: int
    ) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
            (kind, record_id, stat[0], stat[1], sha, now),
        )
        self.db.execute("UPDATE folders SET digest = NULL WHERE kind = ?", (kind,))

    def wrote(self, kind: str, record_id: str, stat: Stat, sha: str) -> None:
        """Remember the stamp and hash of a file this process has just written."""
        self._record_file(kind, record_id, stat, sha, time.time_ns())

    def wrote_many(self, files: list[tuple[str, str, Stat, str]]) -> None:
        """``wrote`` for many files (kind, id, stamp, hash): a statement for all of them."""
        now = time.time_ns()
        self.db.executemany(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
            [(kind, record_id, stat[0], stat[1], sha, now) for kind, record_id, stat, sha in files],
        )
        self.db.executemany(
            "UPDATE folders SET digest = NULL WHERE kind = ?",
            [(kind,) for kind in sorted({kind for kind, _, _, _ in files})],
        )

    def forgot(self, kind: str, record_id: str) -> None:
        self.db.execute("DELETE FROM files WHERE kind = ? AND id = ?", (kind, record_id))
        self.db.execute("UPDATE folders SET digest = NULL WHERE kind = ?", (kind,))

    # -- write transactions --------------------------------------------------------------------
    @property
    def in_transaction(self) -> bool:
        return self._write_depth > 0

    def begin(self, *, sync: bool = True) -> None:
        """Start a write transaction (nested calls count); with ``sync``, the folders are
        checked for files added or removed behind the index's back first."""
        if self._write_depth:
            self._write_depth += 1
            return
        self.db.execute("BEGIN IMMEDIATE")
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
            self.db.execute("COMMIT")

    def rollback(self) -> None:
        self._write_depth = 0
        try:
            self.db.execute("ROLLBACK")
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


# -- files ------------------------------------------------------------------------------------


def digest(found: dict[str, Stat]) -> str:
    """A digest of a folder's file stamps (id, size, mtime of each file, in listing order: a
    folder listed twice without a change lists in the same order; if not, the digests differ
    and the full comparison runs, which is only slower)."""
    return hashlib.sha1(repr(list(found.items())).encode(), usedforsecurity=False).hexdigest()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def kind_dir(kind: str) -> str:
    from ...workspace import KIND_DIRS

    folder: str = KIND_DIRS[kind]
    return folder


def read_file(path: str) -> bytes:
    from ...workspace import _read

    data: bytes = _read(path)
    return data


def parse_record(kind: str, record_id: str, path: str, data: bytes) -> Record:
    from ...workspace import _parse

    record: Record = _parse(kind, record_id, path, data)
    return record
