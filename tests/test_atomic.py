"""The write threads of ``atomic.write_batch``: started once and kept for the process, and a
failed share leaves no temporary file behind."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from claimtrack import atomic
from claimtrack.errors import WorkspaceError


def _writers() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("claimtrack-write")}


def _files(folder, n: int, tag: bytes) -> list:
    return [(folder / f"c-{i:012d}.json", tag + b"%d\n" % i) for i in range(n)]


def test_batches_reuse_the_write_threads(tmp_path):
    """The threads a batch starts write the next batches too: no thread is started per batch,
    never more than ``WRITE_THREADS`` in all (the pool numbers each thread it starts)."""
    atomic.write_batch([], _files(tmp_path / "claims", 3 * atomic.WRITE_THREADS, b"a"))
    first = _writers()
    assert 0 < len(first) <= atomic.WRITE_THREADS
    for round_ in range(3):
        records = _files(tmp_path / "claims", 3 * atomic.WRITE_THREADS, b"%d-" % round_)
        stats = atomic.write_batch([], records)
        assert all(path.read_bytes() == data for path, data in records)
        assert set(stats) == {path for path, _ in records}
    assert first <= _writers()
    assert len(_writers()) <= atomic.WRITE_THREADS
    assert all(int(t.name.rsplit("_", 1)[1]) < atomic.WRITE_THREADS for t in _writers())
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_failed_share_removes_every_temporary_file(tmp_path, monkeypatch):
    """When one thread's share fails, the others' temporary files are removed too (each
    thread has finished before the batch gives up), and nothing is renamed into place."""
    real = atomic._write_temp

    def failing(path, data, *, fsync):
        if path.name.endswith("7.json"):
            raise OSError(28, "No space left on device", str(path))
        return real(path, data, fsync=fsync)

    monkeypatch.setattr(atomic, "_write_temp", failing)
    records = _files(tmp_path / "claims", 40, b"x")
    with pytest.raises(WorkspaceError, match="No space left"):
        atomic.write_batch([], records)
    assert not list(tmp_path.rglob("*.tmp"))
    assert not any(path.exists() for path, _ in records)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_a_forked_child_writes_with_threads_of_its_own(tmp_path):
    """A child forked after the parent's batches (whose threads it does not have) starts its
    own write threads rather than waiting for its parent's."""
    atomic.write_batch([], _files(tmp_path / "parent", 20, b"p"))
    pid = os.fork()
    if pid == 0:  # the child: exit 0 only when its batch is written
        code = 1
        try:
            records = _files(tmp_path / "child", 20, b"c")
            atomic.write_batch([], records)
            code = 0 if all(path.read_bytes() == data for path, data in records) else 2
        finally:
            sys.stdout.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
