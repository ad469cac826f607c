"""Start-up time: ``claimtrack --help`` and ``claimtrack claims`` on an empty workspace, as
ratios to ``python -c "import click"`` measured in the same run.

    python benchmarks/bench_startup.py [--quick] [--runs N]

Each command runs as a fresh subprocess (``python -m claimtrack``, so the figure does not
depend on how the console script was installed); the figure is the median of N runs after one
warm-up run. A ratio near 1 means claimtrack costs little more than click itself.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd: list[str], *, cwd: str, env: dict, runs: int) -> float:
    """Median wall time of ``runs`` runs of ``cmd`` (after one warm-up run), in seconds."""
    subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=True)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=True)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 runs instead of 15")
    parser.add_argument("--runs", type=int, help="runs per command (median is reported)")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick or os.environ.get("BENCH_QUICK") else 15)

    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="claimtrack-startup-") as tmp:
        env = {k: v for k, v in os.environ.items() if k != "CLAIMTRACK_WORKSPACE"}
        subprocess.run(
            [py, "-m", "claimtrack", "init", str(Path(tmp) / "claims")],
            check=True,
            capture_output=True,
            env=env,
        )
        cases = [
            ("python -c pass", [py, "-c", "pass"]),
            ('python -c "import click" (baseline)', [py, "-c", "import click"]),
            ("claimtrack --help", [py, "-m", "claimtrack", "--help"]),
            ("claimtrack claims (empty workspace)", [py, "-m", "claimtrack", "claims"]),
            ("claimtrack claims --json (empty)", [py, "-m", "claimtrack", "claims", "--json"]),
        ]
        results = [(name, timed(cmd, cwd=tmp, env=env, runs=runs)) for name, cmd in cases]
    base = results[1][1]
    print(f"start-up, median of {runs} runs, ratio to python -c 'import click'")
    print(f"{'command':<40} {'ms':>8} {'ratio':>7}")
    for name, seconds in results:
        print(f"{name:<40} {seconds * 1000:8.1f} {seconds / base:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
