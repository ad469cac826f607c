"""claimtrack.forked.Forked: work shared with forked worker processes gives the answers the
work gives in this process, in order, even when a worker dies."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from claimtrack.forked import Forked

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or (os.cpu_count() or 1) < 2, reason="needs fork and two cores"
)


def alone() -> None:
    """Skip when another thread runs (a server another test left): Forked forks no worker then.
    The write threads of ``atomic.write_batch``, idle between batches, do not count."""
    here = threading.current_thread()
    if any(
        t is not here and not t.name.startswith("claimtrack-write") for t in threading.enumerate()
    ):
        pytest.skip("another thread runs in this process: no worker is forked")


@pytest.mark.parametrize("ahead", [False, True])
def test_the_workers_answers_come_back_in_order(ahead):
    alone()
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


def test_the_write_threads_of_earlier_batches_do_not_keep_the_work_here(tmp_path):
    """``atomic.write_batch``'s threads, kept idle for the next batch, do not stop a fork: a
    batch commit after the first still has its claims derived in workers. In a process of its
    own, where no thread another test left can stop the fork."""
    import subprocess
    import sys
    from pathlib import Path

    import claimtrack

    script = tmp_path / "after_a_batch.py"
    script.write_text(
        "import os, sys, threading\n"
        "from pathlib import Path\n"
        "from claimtrack import atomic\n"
        "from claimtrack.forked import Forked\n"
        "folder = Path(sys.argv[1])\n"
        'atomic.write_batch([], [(folder / f"{i}.json", b"%d" % i) for i in range(40)])\n'
        'assert any(t.name.startswith("claimtrack-write") for t in threading.enumerate())\n'
        "forked = Forked(list(range(500)), lambda n: os.getpid(), ahead=True, at_least=10)\n"
        "assert forked.futures and forked.own == 0\n"
        "pids = forked.result()\n"
        "assert len(pids) == 500 and os.getpid() not in pids\n"
    )
    here = str(Path(claimtrack.__file__).resolve().parents[1])  # this claimtrack, not another
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "claims")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": here},
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_the_workers_end_when_their_parent_is_killed(tmp_path):
    import subprocess
    import sys
    import time

    script = tmp_path / "parent.py"
    script.write_text(
        "import os, sys, time\n"
        "from claimtrack.forked import Forked\n"
        "def work(n):\n"
        '    os.write(1, f"{os.getpid()}\\n".encode())\n'
        "    time.sleep(60)\n"
        "Forked(list(range(50)), work, ahead=True, at_least=10).result()\n"
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    workers = {int(parent.stdout.readline()) for _ in range(2)}
    assert parent.pid not in workers
    parent.kill()
    parent.wait()

    def running(pid: int) -> bool:  # a zombie waiting for its reaper has ended too
        try:
            with open(f"/proc/{pid}/stat") as stat:
                return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(running(w) for w in workers):
        time.sleep(0.05)
    alive = [w for w in workers if running(w)]
    for w in alive:
        os.kill(w, signal.SIGKILL)
    assert not alive
