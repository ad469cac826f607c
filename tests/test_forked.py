"""claimtrack.forked.Forked: work shared with forked worker processes gives the answers the
work gives in this process, in order, even when a worker dies."""

from __future__ import annotations

import os
import signal

import pytest

from claimtrack.forked import Forked

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or (os.cpu_count() or 1) < 2, reason="needs fork and two cores"
)


@pytest.mark.parametrize("ahead", [False, True])
def test_the_workers_answers_come_back_in_order(ahead):
    items = list(range(500))
    forked = Forked(items, lambda n: (n, n * n, os.getpid()), ahead=ahead, at_least=10)
    assert forked.futures and (forked.own == 0) == ahead
    out = forked.result()
    assert [(n, sq) for n, sq, _ in out] == [(n, n * n) for n in items]
    pids = [pid for _, _, pid in out]
    assert pids[-1] != os.getpid()  # the last share is a worker's
    assert (pids[0] == os.getpid()) == (not ahead)  # the first is this process's, unless ahead
    assert forked.pool is None  # the workers are gone


def test_a_worker_killed_has_its_share_done_here():
    parent = os.getpid()

    def work(n: int) -> int:
        if n == 450 and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return n * 2

    assert Forked(list(range(600)), work, ahead=True, at_least=10).result() == [
        n * 2 for n in range(600)
    ]


def test_few_items_or_other_threads_stay_in_this_process():
    import threading

    assert not Forked(list(range(5)), str, at_least=10).futures
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        forked = Forked(list(range(500)), str, at_least=10)
        assert not forked.futures and forked.result() == [str(n) for n in range(500)]
    finally:
        stop.set()
        thread.join()
