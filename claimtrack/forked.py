"""Work shared with forked worker processes (``Forked``): the index's claim rows
(``claimtrack.store.index.rows``) and an import's figures (``claimtrack.importer``)."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .atomic import WRITE_THREAD_NAME

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

A = TypeVar("A")
T = TypeVar("T")

# What forked workers work on: the items and the work (inherited, not sent).
_FORKED: tuple[list[Any], Callable[[Any], Any] | None] = ([], None)


def _end_with_parent(parent: int) -> None:
    """Make this worker end when the process that forked it does: killed, that one cannot
    tell its workers to stop, and they would wait for work forever (Linux's
    ``PR_SET_PDEATHSIG``; elsewhere they end at their next read of the pool's queue)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it died before that
        os._exit(0)


def _alone() -> bool:
    """Whether this thread is the only one a fork could catch holding a lock. The write
    threads ``atomic.write_batch`` keeps for the process do not count: each has finished its
    share before ``write_batch`` returns, and only another thread (which counts) could be
    inside it now; idle, they hold nothing a worker uses, and a forked child starts its own
    (``atomic._forget_writers``)."""
    import threading

    here = threading.current_thread()
    return all(t is here or t.name.startswith(WRITE_THREAD_NAME) for t in threading.enumerate())


def _work_range(start: int, end: int) -> list[Any]:
    items, work = _FORKED
    assert work is not None
    return [work(item) for item in items[start:end]]


class Forked(Generic[A, T]):
    """``work(item)`` for many items, under way. With more than ``at_least`` items, more than
    one core and no other thread that a fork could catch holding a lock (``_alone``), forked
    worker processes (one per core, up to 8) do it: a share each beside this process's own
    share, or, ``ahead``, all of it, leaving this process free meanwhile (to write files, say).
    ``result()`` gives the answers in order; ``close()`` ends the workers (``result`` does).
    The workers inherit the items and the work; only the answers are sent back."""

    def __init__(
        self,
        items: list[A],
        work: Callable[[A], T],
        *,
        ahead: bool = False,
        at_least: int = 2000,
    ):
        self.items = items
        self.work = work
        self.own = len(items)  # this process does items[:own]
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list[Future[list[T]]] = []
        self.shares: list[tuple[int, int]] = []  # the workers' shares, as the futures
        cores = min(os.cpu_count() or 1, 8)
        if len(items) <= at_least or cores < 2 or not hasattr(os, "fork") or not _alone():
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        global _FORKED
        _FORKED = (items, work)
        bounds = [len(items) * k // cores for k in range(cores + 1)]
        first = 0 if ahead else 1  # the shares the workers take
        try:
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(
                max_workers=cores - first,
                mp_context=context,
                initializer=_end_with_parent,
                initargs=(os.getpid(),),
            )
            # A forking pool starts every worker at the first submit (before its own thread).
            self.shares = [(bounds[k], bounds[k + 1]) for k in range(first, cores)]
            self.futures = [self.pool.submit(_work_range, *share) for share in self.shares]
            self.own = bounds[first]
        except (OSError, RuntimeError):  # no worker processes here: do it all in this one
            self.close()
        finally:
            _FORKED = ([], None)

    def result(self) -> list[T]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            out = [self.work(item) for item in self.items[: self.own]]
            for future, (start, end) in zip(self.futures, self.shares, strict=True):
                try:
                    out += future.result()
                except BrokenProcessPool:  # a worker was killed: its share is done here
                    out += [self.work(item) for item in self.items[start:end]]
            return out
        finally:
            self.close()

    def close(self) -> None:
        pool, self.pool = self.pool, None
        self.futures = []
        self.shares = []
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
