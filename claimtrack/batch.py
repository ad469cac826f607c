"""Batch commits of a workspace (``Workspace.batch``): records and snapshots are staged, then
written together (``atomic.write_batch``: one sync of the file system, snapshots before the
records that name them) while the case index takes the whole batch in one transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import atomic

if TYPE_CHECKING:
    from .models import Record
    from .store.index import CaseIndex
    from .store.index.update import Applying
    from .workspace import Workspace


@dataclass
class Staged:
    path: Path
    data: bytes | None  # None: delete
    record: Record | None


class Batch:
    """The records and snapshots of one workspace batch, staged until ``flush``."""

    def __init__(self, ws: Workspace, size: int):
        self.ws = ws
        self.size = size
        self.records: dict[tuple[str, str], Staged] = {}
        self.blobs: dict[str, bytes] = {}
        self.callbacks: list[Callable[[], None]] = []
        # staged, not yet given to the index: (kind, id, record or None, problem)
        self.unapplied: list[tuple[str, str, Record | None, Any]] = []
        self.index: CaseIndex | None = None
        # the lock, held from the first staged write to the commit
        self.holding: AbstractContextManager[None] | None = None

    def stage(
        self, kind: str, record_id: str, path: Path, data: bytes | None, record: Record | None
    ) -> None:

        if self.holding is None:
            self.holding = self.ws.lock()
            self.holding.__enter__()
        key = (kind, record_id)
        if data is not None and key not in self.records:
            try:
                if path.read_bytes() == data:
                    return  # unchanged
            except OSError:
                pass
        self.records[key] = Staged(path, data, record)
        self.unapplied.append((kind, record_id, record, None))
        if len(self.records) >= self.size:
            self.flush()

    def apply(self) -> None:
        """Give the index what was staged since the last time (before it answers a read): in
        one go, inside the batch's transaction."""
        applying = self._start_applying(ahead=False)
        if applying is not None and self.index is not None:
            try:
                self.index.finish_applying(applying)
            except Exception as exc:
                self._drop_index(exc)
            finally:
                applying.close()

    def _start_applying(self, *, ahead: bool) -> Applying | None:
        """``CaseIndex.start_applying`` of what was staged since the last time, inside the
        batch's transaction (None: nothing to apply, or no index)."""
        from .store.index import index_error

        if not self.unapplied:
            return None
        if self.index is None:
            try:
                index = self.ws._open_index()
                # No look for files changed behind the index's back here: the next read does
                # that, and a writer must not pay for listing 100,000 files.
                index.begin(sync=False)
                self.index = index
            except Exception as exc:
                if not index_error(exc):
                    raise
        items, self.unapplied = self.unapplied, []
        if self.index is not None:
            try:
                return self.index.start_applying(items, ahead=ahead)
            except Exception as exc:
                self._drop_index(exc)
        return None

    def _drop_index(self, exc: Exception) -> None:
        """An index that cannot be written is dropped for this batch (the files stay the
        truth; the next read brings the index up to date); any other error is raised."""
        from .store.index import index_error

        if not index_error(exc):
            raise exc
        if self.index is not None:
            self.index.rollback()
            self.index.close()
            self.index = None

    def flush(self) -> None:
        """Write what is staged and commit it (see ``Workspace.batch``). The index takes the
        batch while its files are written: the claims' derived values are worked out in worker
        processes meanwhile (``rows.Deriving``), then their rows are added."""
        applying = None
        try:
            applying = self._start_applying(ahead=True)
            stats = atomic.write_batch(
                [(self.ws.blob_path(sha), data) for sha, data in self.blobs.items()],
                [(s.path, s.data) for s in self.records.values()],
            )
            if self.index is not None:
                try:
                    if applying is not None:
                        self.index.finish_applying(applying)
                    written = []
                    for (kind, record_id), staged in self.records.items():
                        if staged.data is None:
                            self.index.forgot(kind, record_id)
                        elif stats.get(staged.path) is not None:
                            sha = hashlib.sha256(staged.data).hexdigest()
                            written.append((kind, record_id, stats[staged.path], sha))
                    self.index.wrote_many(written)
                    self.index.commit()
                except Exception as exc:
                    self._drop_index(exc)
            self.index = None
            self.records = {}
            self.blobs = {}
        finally:
            if applying is not None:
                applying.close()
            holding, self.holding = self.holding, None
            if holding is not None:
                holding.__exit__(None, None, None)
        callbacks, self.callbacks = self.callbacks, []
        for callback in callbacks:
            callback()

    def abandon(self) -> None:
        """Drop what is staged (an error inside the batch): nothing of it is written."""
        if self.index is not None:
            self.index.rollback()
            self.index = None
        self.records = {}
        self.blobs = {}
        self.callbacks = []
        self.unapplied = []
        holding, self.holding = self.holding, None
        if holding is not None:
            holding.__exit__(None, None, None)
