"""Files written atomically: a reader sees the old file or the whole new one, never a mix,
and a kill or a power loss at any moment leaves each file whole.

``atomic_write`` (one file: temporary file, fsync, rename, fsync of the folder),
``atomic_stream`` (an export streamed into place) and ``write_batch`` (many files, with one
sync of the file system for all of them; what ``claimtrack.batch`` commits).
"""

from __future__ import annotations

import errno
import os
import secrets
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

from .errors import WorkspaceError

WRITE_THREADS = 16
"""Threads that create and rename a batch's files: creating a file waits for the file
system's journal when other programs sync, and threads wait for it together (3x faster on a
busy disk, measured). They are started at the first batch and kept for the process
(``_writers``): starting them for each batch cost more than some batches' writing."""

WRITE_THREAD_NAME = "claimtrack-write"
"""The names of the write threads begin so (``forked`` tells them from other threads by it)."""

_WRITERS: list[ThreadPoolExecutor] = []  # the write threads, once started
_WRITERS_LOCK = threading.Lock()


def _writers() -> ThreadPoolExecutor:
    """The process's ``WRITE_THREADS`` write threads (started as batches need them, idle
    between batches, ended when the interpreter exits)."""
    from concurrent.futures import ThreadPoolExecutor

    with _WRITERS_LOCK:
        if not _WRITERS:
            _WRITERS.append(
                ThreadPoolExecutor(max_workers=WRITE_THREADS, thread_name_prefix=WRITE_THREAD_NAME)
            )
        return _WRITERS[0]


def _forget_writers() -> None:
    """In a forked child, which has none of its parent's threads (nor a lock one held)."""
    global _WRITERS_LOCK
    _WRITERS.clear()
    _WRITERS_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_writers)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


@contextmanager
def _replacing(path: Path, *, shared: bool) -> Iterator[BinaryIO]:
    """A new temporary file beside ``path``; when the block ends it is synced and renamed over
    ``path`` (then the folder is synced), and when the block fails it is removed. Records get
    a private temporary file's permissions (0600), ``shared`` files the usual ones (0666 less
    the umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if shared:
        tmp = str(path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"))
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    else:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


def atomic_write(path: Path, data: bytes, *, shared: bool = False) -> tuple[int, int]:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never a mix.

    Records get a private temporary file's permissions (0600); ``shared`` files (exports made
    to be handed on) get the usual ones, 0666 less the umask. Returns the file's (size,
    mtime_ns) as written, before it was renamed into place.
    """
    with _replacing(Path(path), shared=shared) as handle:
        handle.write(data)
        handle.flush()
        st = os.fstat(handle.fileno())
    return (st.st_size, st.st_mtime_ns)


@contextmanager
def atomic_stream(path: Path) -> Iterator[BinaryIO]:
    """A binary file to stream a shared file into (an export): readers of ``path`` see the
    old file or the whole new one, with the usual permissions (0666 less the umask)."""
    with _replacing(Path(path), shared=True) as handle:
        yield handle


def write_batch(
    blobs: list[tuple[Path, bytes]], records: list[tuple[Path, bytes | None]]
) -> dict[Path, tuple[int, int]]:
    """Write many files at once, each atomically, with one sync of the file system for all of
    them rather than one per file.

    1. Every file is written to a temporary file beside it (not synced one by one);
    2. one ``syncfs`` of each file system they are on puts all of them on the disk
       (``sync_files``; where there is no ``syncfs``, each temporary file is fsynced);
    3. snapshots are renamed into place and their folders fsynced, then the records (records
       with ``None`` are deleted), whose folders are fsynced once each.

    So a record file is renamed into place only once its bytes are on the disk: a kill or a
    power loss at any moment leaves each file whole, old or new, and a record never names a
    snapshot that is not there. Returns (size, mtime_ns) of each file written, as it was
    before the rename (so a change made after it shows)."""
    from concurrent.futures import wait

    files = [(path, data) for path, data in [*blobs, *records] if data is not None]
    order = {path: i for i, (path, _) in enumerate(files)}
    n_blobs = sum(1 for _, data in blobs if data is not None)
    temps: list[tuple[Path, str, tuple[int, int]]] = []
    futures: list[Future[None]] = []
    try:
        for folder in sorted({f.parent for f in _make_folders({p.parent for p, _ in files})}):
            _fsync_dir(folder)  # a new folder's own entry, in the folder above it
        fsync_each = not _syncfs_available()
        threads = max(1, min(WRITE_THREADS, len(files)))
        pool = _writers()
        # Each thread takes a share of the files (a task per file costs more in Python than
        # creating the file does).
        shares = [files[k::threads] for k in range(threads)]
        futures = [pool.submit(_write_temps, share, temps, fsync_each) for share in shares]
        failure = None
        for future in futures:
            try:
                future.result()
            except OSError as exc:
                failure = failure or exc
        if failure is not None:
            raise failure
        temps.sort(key=lambda t: order[t[0]])  # as given: snapshots first
        if not fsync_each:
            sync_files([tmp for _, tmp, _ in temps])
        # Snapshots first: a record never names a snapshot that is not there.
        for group, removals in ((temps[:n_blobs], []), (temps[n_blobs:], records)):
            folders = {path.parent for path, _, _ in group}
            futures = [pool.submit(_rename_all, group[k::threads]) for k in range(threads)]
            for future in futures:
                future.result()
            for path, data in removals:
                if data is None:
                    try:
                        path.unlink()
                        folders.add(path.parent)
                    except FileNotFoundError:
                        pass
            for folder in sorted(folders):
                _fsync_dir(folder)
        done = {path: stat for path, _, stat in temps}
        temps = []
        return done
    except OSError as exc:
        where = exc.filename or (records[0][0].parent if records else "")
        raise WorkspaceError(f"cannot write to {where}: {exc.strerror}") from exc
    finally:
        wait(futures)  # every thread's share has ended before its files are removed
        for _, tmp, _ in temps:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass


def _make_folders(folders: Iterable[Path]) -> list[Path]:
    """Create the folders that are missing; returns those it created, parents first."""
    made: list[Path] = []
    for folder in sorted(folders):
        missing = [f for f in (folder, *folder.parents) if not f.exists()]
        for f in reversed(missing):
            try:
                f.mkdir()
                made.append(f)
            except FileExistsError:
                pass
    return made


def _write_temps(
    files: list[tuple[Path, bytes]], out: list[tuple[Path, str, tuple[int, int]]], fsync: bool
) -> None:
    """``_write_temp`` of each file, one after the other; each done is added to ``out`` at
    once (so that it is removed if a later one fails)."""
    for path, data in files:
        out.append(_write_temp(path, data, fsync=fsync))


def _rename_all(temps: list[tuple[Path, str, tuple[int, int]]]) -> None:
    for path, tmp, _ in temps:
        os.replace(tmp, path)


def _write_temp(path: Path, data: bytes, *, fsync: bool) -> tuple[Path, str, tuple[int, int]]:
    """``data`` in a new temporary file beside ``path``: (path, temporary name, (size,
    mtime_ns))."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if fsync:
            os.fsync(fd)
        st = os.fstat(fd)
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    os.close(fd)
    return path, tmp, (st.st_size, st.st_mtime_ns)


_SYNCFS: list[Callable[[int], int] | None] = []  # [libc's syncfs, or None], looked up once


def _syncfs_available() -> bool:
    if not _SYNCFS:
        found = None
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                libc = ctypes.CDLL(None, use_errno=True)
                found = libc.syncfs
                found.argtypes = [ctypes.c_int]
                found.restype = ctypes.c_int
            except (OSError, AttributeError):
                found = None
        _SYNCFS.append(found)
    return _SYNCFS[0] is not None


def sync_files(paths: list[str]) -> None:
    """Put the contents of the files ``paths`` on the disk: one ``syncfs`` (Linux) of each file
    system they are on, which waits for every file written on it as an fsync of each would
    (``man 2 syncfs``); otherwise, or when the call is refused, an fsync of each file."""
    if not paths:
        return
    syncfs = _SYNCFS[0] if _syncfs_available() else None
    if syncfs is not None:
        import ctypes

        devices: dict[int, str] = {}
        for path in paths:
            devices.setdefault(os.stat(path).st_dev, path)
        for path in devices.values():
            fd = os.open(path, os.O_RDONLY)
            try:
                failed = syncfs(fd) != 0
                err = ctypes.get_errno() if failed else 0
            finally:
                os.close(fd)
            if failed and err not in (errno.ENOSYS, errno.EPERM, errno.EINVAL):
                raise OSError(err, os.strerror(err), path)
            if failed:
                break  # refused here (a sandbox): fsync each file instead
        else:
            return
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
