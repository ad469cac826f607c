"""Scratch folders for the benchmarks, and when they are deleted.

A benchmark run on its own deletes its scratch folder when it ends, as
``tempfile.TemporaryDirectory`` does. Under ``benchmarks/run.py`` nothing is deleted until the
whole run's table is printed: run.py names one folder in ``CLAIMTRACK_BENCH_SCRATCH``, every
benchmark makes its scratch folders inside it, and run.py deletes it last. On some file
systems (ext4 here) creating a file costs several times the usual kernel time for minutes
after many files were deleted nearby, so a benchmark that deleted a case of 100,000 claims
would slow the file creation of whichever benchmark measures next, and that is not what a
user's command meets.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SHARED = "CLAIMTRACK_BENCH_SCRATCH"
"""The environment variable naming the run's shared scratch folder (set by benchmarks/run.py)."""


@contextmanager
def folder(prefix: str = "claimtrack-bench-") -> Iterator[Path]:
    """A new empty folder; deleted on leaving, unless it is inside run.py's shared folder."""
    shared = os.environ.get(SHARED)
    if shared and Path(shared).is_dir():
        yield Path(tempfile.mkdtemp(prefix=prefix, dir=shared))
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Path(tmp)
