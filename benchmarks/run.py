"""Run claimtrack's benchmarks and print one table of their figures.

    python benchmarks/run.py                 # every benchmarks/bench_<name>.py
    python benchmarks/run.py startup scale   # only these
    python benchmarks/run.py --quick         # smoke test: small sizes, few repeats
    python benchmarks/run.py --list
    python benchmarks/run.py --scratch DIR   # scratch folders in DIR, not the system's temp

Each benchmark runs as its own subprocess (``python benchmarks/bench_<name>.py``), with
``--quick`` passed on when the script accepts it and ``BENCH_QUICK=1`` in its environment in
either case. A benchmark that fails or overruns its time limit is marked in the table and the
others still run. Every benchmark makes its scratch folders inside one folder of the run's,
which is deleted only after the table is printed (benchmarks/scratch.py says why). The table
starts with the date, the machine (``uname -a``), the number of cores and the Python version,
so it can be pasted into docs/performance.md as it is.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import scratch  # benchmarks/scratch.py

HERE = Path(__file__).resolve().parent
# Cheap first, the scale curves (the longest) last, so a partial run still says something.
# The write benchmarks run before the ones that fill the disk with cases of 100k claims:
# ingest before matching, scale (whose first part is the import) before postgres. Under run.py
# no benchmark deletes anything until the table is printed (benchmarks/scratch.py).
ORDER = ["startup", "extraction", "quality", "ingest", "matching", "fetch_concurrency", "export"]
LAST = ["scale", "postgres"]
# Each benchmark should finish in about 2 minutes (benchmarks/README.md); the scale curves
# get longer. The whole run stays within BUDGET: a benchmark never starts with less time than
# its share of what is left, and one that runs over is stopped and marked, with the figures it
# printed before that.
TIME_LIMIT = 150.0
LIMITS = {"scale": 900.0, "ingest": 300.0, "postgres": 400.0}  # postgres copies 100k claims
QUICK_TIME_LIMIT = 120.0
BUDGET = 2400.0
MIN_SHARE = 20.0


def discover() -> list[str]:
    names = sorted(p.stem[len("bench_") :] for p in HERE.glob("bench_*.py"))

    def rank(name: str) -> tuple[int, int, str]:
        if name in LAST:
            return (2, LAST.index(name), name)
        return (0, ORDER.index(name), name) if name in ORDER else (1, 0, name)

    return sorted(names, key=rank)


def machine() -> list[str]:
    try:
        uname = subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()
    except OSError:
        uname = platform.platform()
    return [
        f"date:    {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"machine: {uname}",
        f"cores:   {os.cpu_count()} (nproc)",
        f"python:  {sys.version.split()[0]} ({sys.executable})",
    ]


def disk(folder: Path, files: int = 1000) -> str:
    """How long the kernel takes to create files in ``folder`` now: on some file systems (ext4
    here) several times longer for minutes after many deletions nearby, which the write
    benchmarks (ingest, scale's import) then measure as well."""
    probe = Path(tempfile.mkdtemp(prefix="disk-probe-", dir=folder))
    before, wall = os.times(), time.perf_counter()
    for i in range(files):
        (probe / f"{i}.tmp").write_bytes(b"x" * 800)
        os.replace(probe / f"{i}.tmp", probe / f"{i}.json")
    after, wall = os.times(), time.perf_counter() - wall
    return (
        f"disk:    {files:,} files created and renamed in the scratch folder at the start: "
        f"{after.system - before.system:.2f} s of system time, {wall:.2f} s in all"
    )


def run_one(name: str, *, quick: bool, limit: float, shared: Path) -> tuple[str, float, list[str]]:
    """(status, seconds, output lines) of one benchmark, its scratch folders inside ``shared``."""
    script = HERE / f"bench_{name}.py"
    cmd = [sys.executable, str(script)]
    if quick and "--quick" in script.read_text(encoding="utf-8", errors="replace"):
        cmd.append("--quick")
    env = dict(os.environ)
    env.pop("CLAIMTRACK_WORKSPACE", None)
    env[scratch.SHARED] = str(shared)
    if quick:
        env["BENCH_QUICK"] = "1"
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=HERE.parent,
        start_new_session=True,  # so a time-out can stop the benchmark's own children too
    )
    try:
        out, err = proc.communicate(timeout=limit)
        status = "ok" if proc.returncode == 0 else f"failed ({proc.returncode})"
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        status = f"timeout ({limit:.0f} s)"
    seconds = time.perf_counter() - started
    lines = [line.rstrip() for line in (out or "").splitlines() if line.strip()]
    if status != "ok":
        tail = [line.rstrip() for line in (err or "").splitlines() if line.strip()][-3:]
        lines += [f"stderr: {line}" for line in tail]
    return status, seconds, lines


def table(rows: list[tuple[str, str, float, list[str]]]) -> list[str]:
    width = max([len("benchmark"), *(len(r[0]) for r in rows)])
    head = f"{'benchmark':<{width}}  {'status':<14} {'time':>7}  output"
    out = [head, "-" * max(len(head), 100)]
    for name, status, seconds, lines in rows:
        first, *rest = lines or [""]
        out.append(f"{name:<{width}}  {status:<14} {seconds:6.1f}s  {first}")
        out += [f"{'':<{width}}  {'':<14} {'':>7}  {line}" for line in rest]
        out.append("")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default all)")
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument(
        "--time-limit",
        type=float,
        help=f"seconds per benchmark (default {TIME_LIMIT:.0f}; scale {LIMITS['scale']:.0f})",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=BUDGET,
        help=f"seconds for the whole run (default {BUDGET:.0f})",
    )
    parser.add_argument(
        "--scratch",
        type=Path,
        help="make the run's scratch folder in DIR (default: the system's temporary folder; "
        "a full run needs several GB there)",
    )
    args = parser.parse_args(argv)
    available = discover()
    if args.list:
        print("\n".join(available))
        return 0
    unknown = [n for n in args.names if n not in available]
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)} (have: {', '.join(available)})")
    names = args.names or available
    if args.scratch:
        args.scratch.mkdir(parents=True, exist_ok=True)
    shared = Path(tempfile.mkdtemp(prefix="claimtrack-bench-run-", dir=args.scratch))
    try:
        return run_all(names, args, shared)
    finally:
        print(f"deleting the run's scratch folder {shared} ...", file=sys.stderr, flush=True)
        shutil.rmtree(shared, ignore_errors=True)


def run_all(names: list[str], args: argparse.Namespace, shared: Path) -> int:
    probed = disk(shared)
    started = time.perf_counter()
    rows = []
    for i, name in enumerate(names):
        own = args.time_limit or (QUICK_TIME_LIMIT if args.quick else LIMITS.get(name, TIME_LIMIT))
        left = args.budget - (time.perf_counter() - started)
        later = names[i + 1 :]
        # The scale curves (last) keep their whole limit; the others at least MIN_SHARE each.
        reserved = sum(LIMITS.get(n, MIN_SHARE) for n in later)
        limit = max(MIN_SHARE, min(own, left - reserved))
        print(f"running {name} (up to {limit:.0f} s) ...", file=sys.stderr, flush=True)
        status, seconds, lines = run_one(name, quick=args.quick, limit=limit, shared=shared)
        rows.append((name, status, seconds, lines))
    total = time.perf_counter() - started
    mode = "quick" if args.quick else "full"
    print("\n".join([*machine(), probed]))
    print(
        f"run:     python benchmarks/run.py{' --quick' if args.quick else ''} "
        f"({mode}, {len(names)} benchmarks, {total:.0f} s in all)"
    )
    print()
    print("\n".join(table(rows)))
    return 0 if all(r[1] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
