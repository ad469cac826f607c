"""Scale curves: time and peak memory of claimtrack's commands on synthetic workspaces of
1k, 10k and 100k claims (``benchmarks/synth.py``).

    python benchmarks/bench_scale.py [--quick] [--sizes 1000,10000,100000] [--keep DIR]

Each measured command runs in a fresh subprocess; its wall time is measured around it and its
peak memory is the child's own ``ru_maxrss`` (from ``os.wait4``), so the figures are what a
user sees, start-up included. Commands that do not exist in this build are marked "missing".
The "growth" column is the exponent k in time ~ size^k between the two largest sizes, after
subtracting the start-up time of ``claimtrack claims`` on an empty workspace: 1.0 is linear;
above 1.15 is marked as worse than linear.

Targets at 100k claims: ``flags`` under 5 s and 1 GB; ingesting one more article under 1 s.
"ingest first article" is the first ingest into the generated workspace, which also builds the
matching index; "ingest one more article" is the next one, with the index in place.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402

PY = sys.executable
QUERY = "Klarna says its AI assistant does the work of 700 customer service agents"
ARTICLE = """<html><head><title>{company} figures questioned</title></head><body><article>
<h1>{company} figures questioned</h1>
<p>{company} says its assistant handled 2.3 million conversations in its first month,
the work of 700 full-time agents.</p>
<p>The company estimates the change will add $40 million to profit in {year}.</p>
<p>A spokesperson declined to say how the figures were calculated.</p>
<p>Revenue grew 27% in the quarter, the firm said in a statement.</p>
</article></body></html>
"""
LINEAR_SLACK = 1.15


def measure(cmd: list[str], *, env: dict, timeout: float = 600.0) -> dict:
    """Run ``cmd``; its wall seconds, peak RSS in MB and exit status."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip().splitlines()[-1:]
    return {
        "seconds": seconds,
        "mb": usage.ru_maxrss / 1024,  # kilobytes on Linux
        "rc": proc.returncode,
        "error": tail[0] if tail and proc.returncode else "",
    }


def available(command: list[str], env: dict) -> bool:
    """Does ``claimtrack <command> --help`` exist in this build?"""
    proc = subprocess.run(
        [PY, "-m", "claimtrack", *command, "--help"], capture_output=True, text=True, env=env
    )
    return proc.returncode == 0


def help_text(command: list[str], env: dict) -> str:
    return subprocess.run(
        [PY, "-m", "claimtrack", *command, "--help"], capture_output=True, text=True, env=env
    ).stdout


def plan(ws: Path, tmp: Path, size: int, env: dict) -> list[tuple[str, list[str] | None]]:
    """(label, command or None when missing) for every measured step, in order."""
    from claimtrack.workspace import Workspace

    cli = [PY, "-m", "claimtrack", "--workspace", str(ws)]
    claim_id = Workspace(ws).ids("claim")[size // 2]
    steps: list[tuple[str, list[str] | None]] = [
        (
            "load records (library)",
            [
                PY,
                "-c",
                "import sys; from claimtrack.workspace import Workspace; "
                "Workspace.open(sys.argv[1]).records()",
                str(ws),
            ],
        ),
        ("claims --json", [*cli, "claims", "--json"]),
    ]
    flags_help = help_text(["flags"], env)
    steps.append(("flags --json", [*cli, "flags", "--json"] if "--json" in flags_help else None))
    steps.append((f"show {claim_id[:8]}", [*cli, "show", claim_id[:8]]))
    export_help = help_text(["export"], env)
    if "graphml" in export_help:
        out = tmp / f"export-{size}.graphml"
        opt = ["-o", str(out)] if "--output" in export_help or "-o," in export_help else []
        steps.append(("export --format graphml", [*cli, "export", "--format", "graphml", *opt]))
    else:
        steps.append(("export --format graphml", None))
    has_ingest = available(["ingest"], env)
    articles = []
    for n, company in enumerate(["Northwind Pay", "Cobalt Freight"]):
        article = tmp / f"article-{size}-{n}.html"
        article.write_text(
            ARTICLE.format(company=company, year=2000 + size % 97 + n), encoding="utf-8"
        )
        articles.append(article)
    # The first ingest into a workspace also builds the matching index (.cache/match/).
    steps.append(
        ("ingest first article", [*cli, "ingest", str(articles[0])] if has_ingest else None)
    )
    steps.append(("match one query", [*cli, "match", QUERY] if available(["match"], env) else None))
    steps.append(
        ("ingest one more article", [*cli, "ingest", str(articles[1])] if has_ingest else None)
    )
    return steps


def growth(sizes: list[int], times: list[float | None], base: float) -> str:
    pts = [(n, t) for n, t in zip(sizes, times, strict=True) if t is not None]
    if len(pts) < 2:
        return ""
    (n1, t1), (n2, t2) = pts[-2], pts[-1]
    if t2 - base < 0.25:
        return "flat (start-up bound)"
    a, b = max(t1 - base, 0.01), max(t2 - base, 0.01)
    k = math.log(b / a) / math.log(n2 / n1)
    return f"{k:.2f}" + (" worse than linear" if k > LINEAR_SLACK else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="sizes 500 and 2000 only")
    parser.add_argument("--sizes", help="comma-separated claim counts (default 1000,10000,100000)")
    parser.add_argument("--keep", type=Path, help="generate (or reuse) workspaces in DIR")
    args = parser.parse_args(argv)
    quick = args.quick or bool(os.environ.get("BENCH_QUICK"))
    if args.sizes:
        sizes = [int(s) for s in args.sizes.split(",")]
    else:
        sizes = [500, 2000] if quick else [1000, 10000, 100000]

    env = {k: v for k, v in os.environ.items() if k != "CLAIMTRACK_WORKSPACE"}
    tmp = Path(tempfile.mkdtemp(prefix="claimtrack-scale-"))
    root = args.keep or tmp
    try:
        empty = tmp / "empty"
        subprocess.run(
            [PY, "-m", "claimtrack", "init", str(empty)], env=env, check=True, capture_output=True
        )
        base = min(
            measure([PY, "-m", "claimtrack", "-w", str(empty), "claims", "--json"], env=env)[
                "seconds"
            ]
            for _ in range(3)
        )
        results: dict[str, list[dict | None]] = {}
        gen_lines = []
        for size in sizes:
            ws = root / f"synthetic-{size}"
            if not (ws / "claimtrack.json").is_file():
                if ws.exists():
                    shutil.rmtree(ws)
                stats = synth.generate(ws, size, seed=size)
                gen_lines.append(
                    f"  {size:>7} claims: {stats['sources']} sources, {stats['mentions']} "
                    f"mentions, {stats['evidence']} evidence, {stats['questions']} questions, "
                    f"{stats['bytes'] / 1e6:.0f} MB in {stats['files']} files, "
                    f"generated in {stats['seconds']:.1f} s"
                )
            else:
                gen_lines.append(f"  {size:>7} claims: reused {ws}")
            repeats = 3 if size <= 2000 else 1
            for label, cmd in plan(ws, tmp, size, env):
                label = label if not label.startswith("show ") else "show CLAIM"
                row = results.setdefault(label, [])
                if cmd is None:
                    row.append(None)
                    continue
                runs = [measure(cmd, env=env) for _ in range(1 if "ingest" in label else repeats)]
                best = min(runs, key=lambda r: r["seconds"])
                best["mb"] = max(r["mb"] for r in runs)
                row.append(best)

        print(
            f"scale: wall time (s) and peak memory (MB) per command; start-up "
            f"(claims on an empty workspace) = {base:.2f} s; best of 3 up to 2k claims, 1 run above"
        )
        print("workspaces (benchmarks/synth.py):")
        print("\n".join(gen_lines))
        header = f"{'command':<26}" + "".join(f"{f'{n:,} claims':>20}" for n in sizes)
        print(header + "  growth")
        for label, row in results.items():
            cells = []
            for r in row:
                if r is None:
                    cells.append(f"{'missing':>20}")
                elif r["rc"]:
                    cells.append(f"{'exit ' + str(r['rc']):>20}")
                else:
                    cells.append(f"{r['seconds']:>9.2f} s {r['mb']:>5.0f} MB")
            times = [r["seconds"] if r and not r["rc"] else None for r in row]
            print(f"{label:<26}" + "".join(cells) + "  " + growth(sizes, times, base))
        for label, row in results.items():
            for n, r in zip(sizes, row, strict=True):
                if r and r["rc"]:
                    print(f"  {label} at {n:,}: exit {r['rc']}: {r['error'][:150]}")
        if 100000 in sizes:
            i = sizes.index(100000)
            flags = results.get("flags --json", [None] * len(sizes))[i]
            ingest = results.get("ingest one more article", [None] * len(sizes))[i]
            if flags and not flags["rc"]:
                ok = flags["seconds"] < 5 and flags["mb"] < 1024
                print(
                    f"target flags at 100k < 5 s and < 1 GB: {'met' if ok else 'MISSED'} "
                    f"({flags['seconds']:.1f} s, {flags['mb']:.0f} MB)"
                )
            if ingest and not ingest["rc"]:
                ok = ingest["seconds"] < 1
                print(
                    f"target one more article at 100k < 1 s: {'met' if ok else 'MISSED'} "
                    f"({ingest['seconds']:.2f} s)"
                )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
