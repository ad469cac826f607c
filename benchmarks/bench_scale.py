"""The case index at scale: claimtrack's commands on 20,000 claims imported from JSON Lines and
on a 100,000-claim case, each against a baseline measured in the same run.

    python benchmarks/bench_scale.py [--quick] [--keep DIR] [--only import]

Every command runs as a fresh subprocess (``python -m claimtrack ...``); its wall time is
measured around it and its peak memory is the child's own ``ru_maxrss``, so the figures are
what a user sees, start-up included. Repeated commands: best of 3.

1. **Import**: ``claimtrack import`` of 10,000 claims (JSON Lines with claimants and sources)
   into a new workspace. Target: under 5 s. For scale, the same number of files written bare
   (create, write, fsync, rename: what any one-file-a-record store must do) is measured too.
   Beside each, its processor time (user + system, worker processes included) and the
   system part of it (the kernel's: creating 20,000 files costs several seconds on a file
   system where many files were deleted a moment before), which the load of other programs
   changes far less than the wall time.
2. **20,000 claims imported from JSON Lines.** Baseline: a plain Python process that
   json-parses every record file of the workspace. Targets: ``claims --json`` and
   ``flags --json`` no slower than it, ``show CLAIM`` at most half of it.
3. **100,000 claims** (``benchmarks/synth.py``). ``claimtrack reindex`` (a full rebuild of the
   index: under a minute); ``flags --json`` (under 2 s and 500 MB), ``show CLAIM`` (under
   0.5 s), ``claims --json``; ``export --format graphml`` (streams: under 1 GB); ingesting one
   more article (under 1 s) and the next ``flags --json``, which re-derives what it touched.

``--quick``: 2,000 and 5,000 claims. ``--keep DIR`` keeps (and reuses) the workspaces.
``--only import`` runs part 1 alone (three imports, each against its own bare write).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scratch  # noqa: E402  (benchmarks/scratch.py)
import synth  # noqa: E402

PY = sys.executable
ARTICLE = """<html><head><title>{company} figures questioned</title></head><body><article>
<h1>{company} figures questioned</h1>
<p>{company} says its assistant handled 2.3 million conversations in its first month,
the work of 700 full-time agents.</p>
<p>The company estimates the change will add $40 million to profit in {year}.</p>
<p>A spokesperson declined to say how the figures were calculated.</p>
<p>Revenue grew 27% in the quarter, the firm said in a statement.</p>
</article></body></html>
"""
BASELINE = r"""
import json, os, sys
root = sys.argv[1]
for sub in ("claims", "sources", "evidence", "questions"):
    folder = os.path.join(root, sub)
    for name in os.listdir(folder):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), "rb") as handle:
                json.loads(handle.read())
"""
BARE_FILES = r"""
import os, sys, tempfile
root, sizes = sys.argv[1], [int(s) for s in sys.argv[2].split(",")]
folder = os.path.join(root, "files")
os.makedirs(folder)
for i, size in enumerate(sizes):
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    os.write(fd, b"x" * size)
    os.fsync(fd)
    os.close(fd)
    os.replace(tmp, os.path.join(folder, f"{i}.json"))
dfd = os.open(folder, os.O_RDONLY)
os.fsync(dfd)
os.close(dfd)
"""


# Linux keeps a process's peak memory (ru_maxrss) across exec, and a child starts as a copy
# of its parent: measured directly, every command would show at least this benchmark's own
# size. So each command is started by a small launcher process, whose child starts small.
LAUNCHER = r"""
import json, os, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
_, status, usage = os.wait4(pid, 0)
with open(out, "w") as handle:
    json.dump({"seconds": time.perf_counter() - started, "kb": usage.ru_maxrss,
               "cpu": usage.ru_utime + usage.ru_stime, "system": usage.ru_stime,
               "rc": os.waitstatus_to_exitcode(status)}, handle)
"""


def measure(cmd: list[str], *, env: dict, timeout: float = 900.0) -> dict:
    """Run ``cmd``; its wall seconds, peak RSS in MB and exit status."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        with open(Path(tmp) / "err", "w+b") as err:
            try:
                subprocess.run(
                    [PY, "-c", LAUNCHER, str(report), *cmd],
                    stdout=subprocess.DEVNULL,
                    stderr=err,
                    env=env,
                    timeout=timeout,
                )
            except subprocess.TimeoutExpired:
                return {
                    "seconds": timeout,
                    "cpu": 0.0,
                    "system": 0.0,
                    "mb": 0,
                    "rc": -9,
                    "error": "timed out",
                }
            err.seek(0)
            tail = err.read().decode("utf-8", "replace").strip().splitlines()[-1:]
        found = json.loads(report.read_text()) if report.is_file() else {}
    rc = found.get("rc", 1)
    return {
        "seconds": found.get("seconds", 0.0),
        "cpu": found.get("cpu", 0.0),  # user + system, its worker processes included
        "system": found.get("system", 0.0),  # the kernel's part (creating files, ...)
        "mb": found.get("kb", 0) / 1024,  # kilobytes on Linux
        "rc": rc,
        "error": tail[0] if tail and rc else "",
    }


def best(cmd: list[str], env: dict, repeats: int = 3) -> dict:
    runs = [measure(cmd, env=env) for _ in range(repeats)]
    out = min(runs, key=lambda r: r["seconds"])
    out["mb"] = max(r["mb"] for r in runs)
    out["rc"] = max(r["rc"] for r in runs)
    out["error"] = next((r["error"] for r in runs if r["error"]), "")
    return out


def claims_jsonl(path: Path, n: int, seed: int) -> None:
    """``n`` claims as ``claimtrack import`` reads them: text with a figure, claimant, the
    article it appeared in (200 claims an outlet's story), a date and a fact-check id."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text, claimant, _ = synth._claim_sentence(rng, i)
            row = {
                "text": text,
                "claimant": claimant,
                "source": f"https://news{i % 97}.example.com/story-{i // 5}.html",
                "date": f"{2019 + i % 6}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "ref": f"FC-{i}",
            }
            out.write(json.dumps(row) + "\n")


def line(label: str, r: dict | None, base: float | None = None, extra: str = "") -> str:
    if r is None:
        return f"  {label:<38} {'missing':>10}"
    if r["rc"]:
        return f"  {label:<38} exit {r['rc']}: {r['error'][:90]}"
    ratio = f" {r['seconds'] / base:5.2f}x" if base else "       "
    return f"  {label:<38} {r['seconds']:7.2f} s {r['mb']:6.0f} MB{ratio}{extra}"


def verdict(ok: bool, text: str) -> str:
    return f"  target: {text}: {'met' if ok else 'MISSED'}"


def file_sizes(root: Path) -> list[int]:
    return [
        p.stat().st_size
        for sub in ("claims", "sources", "evidence", "questions")
        for p in (root / sub).glob("*.json")
    ]


def first_claim(ws: Path, env: dict, nth: int) -> str:
    out = subprocess.run(
        [PY, "-m", "claimtrack", "-w", str(ws), "claims", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout.splitlines()
    return json.loads(out[min(nth, len(out) - 1)])["id"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 and 5,000 claims")
    parser.add_argument("--keep", type=Path, help="generate (or reuse) workspaces in DIR")
    parser.add_argument("--only", choices=["import"], help="run only this part")
    args = parser.parse_args(argv)
    quick = args.quick or bool(os.environ.get("BENCH_QUICK"))
    n_import, n_mid, n_big = (2000, 2000, 5000) if quick else (10000, 20000, 100000)

    env = {k: v for k, v in os.environ.items() if k != "CLAIMTRACK_WORKSPACE"}
    cli = [PY, "-m", "claimtrack", "-w"]
    with scratch.folder("claimtrack-scale-") as tmp:
        root = args.keep or tmp
        root.mkdir(parents=True, exist_ok=True)
        empty = tmp / "empty"
        subprocess.run([PY, "-m", "claimtrack", "init", str(empty)], env=env, capture_output=True)
        startup = best([*cli, str(empty), "claims", "--json"], env)["seconds"]
        print(
            f"scale: wall time and peak memory per command, start-up included "
            f"(claims --json on an empty workspace: {startup:.2f} s); best of 3 where repeated"
        )

        # 1. import
        source = tmp / f"import-{n_import}.jsonl"
        claims_jsonl(source, n_import, seed=1)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"1. import of {n_import:,} claims from JSON Lines (load average {load})")
        for attempt in range(3 if args.only else 1):
            ws = tmp / f"import-{attempt}"
            subprocess.run([PY, "-m", "claimtrack", "init", str(ws)], env=env, capture_output=True)
            imported = measure([*cli, str(ws), "import", str(source)], env=env)
            sizes = file_sizes(ws)
            bare = measure(
                [PY, "-c", BARE_FILES, str(tmp / f"bare-{attempt}"), ",".join(map(str, sizes))],
                env=env,
            )
            cpu = (
                f"  (processor {imported['cpu']:.2f} s, system {imported['system']:.2f} s;"
                f" bare {bare['cpu']:.2f} s, system {bare['system']:.2f} s)"
            )
            print(line(f"write {len(sizes):,} files bare (disk)", bare))
            print(line("claimtrack import", imported, bare["seconds"], cpu))
            if not quick:
                print(
                    verdict(
                        imported["seconds"] < 5,
                        f"import of 10k claims under 5 s ({imported['seconds']:.1f} s)",
                    )
                )
        if args.only:
            return 0

        # 2. 20k claims imported from JSON Lines
        mid = root / f"imported-{n_mid}"
        if not (mid / "claimtrack.json").is_file():
            if mid.exists():
                shutil.rmtree(mid)
            source = tmp / f"mid-{n_mid}.jsonl"
            claims_jsonl(source, n_mid, seed=2)
            subprocess.run([PY, "-m", "claimtrack", "init", str(mid)], env=env, capture_output=True)
            made = measure([*cli, str(mid), "import", str(source)], env=env)
            made_note = f"imported in {made['seconds']:.1f} s"
        else:
            made_note = "reused"
        claim = first_claim(mid, env, n_mid // 2)
        base = best([PY, "-c", BASELINE, str(mid)], env)
        rows = {
            "claims --json": best([*cli, str(mid), "claims", "--json"], env),
            "flags --json": best([*cli, str(mid), "flags", "--json"], env),
            "show CLAIM": best([*cli, str(mid), "show", claim], env),
        }
        n_files = len(file_sizes(mid))
        print(
            f"2. {n_mid:,} claims imported from JSON Lines ({n_files:,} record files; {made_note})"
        )
        print(line("baseline: json-parse every record file", base, base["seconds"]))
        for label, r in rows.items():
            print(line(label, r, base["seconds"]))
        b = base["seconds"]
        print(verdict(
            rows["claims --json"]["seconds"] <= b and rows["flags --json"]["seconds"] <= b,
            "claims --json and flags --json no slower than the baseline",
        ))  # fmt: skip
        print(verdict(rows["show CLAIM"]["seconds"] <= b / 2, "show at most half the baseline"))

        # 3. 100k claims
        big = root / f"synthetic-{n_big}"
        if not (big / "claimtrack.json").is_file():
            if big.exists():
                shutil.rmtree(big)
            # In a process of its own: this one stays small (see LAUNCHER).
            done = subprocess.run(
                [PY, str(Path(synth.__file__)), str(n_big), str(big), "--seed", str(n_big)],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            stats = json.loads(done.stdout)
            made_note = (
                f"{stats['sources']:,} sources, {stats['mentions']:,} mentions, "
                f"{stats['evidence']:,} evidence, {stats['questions']:,} questions, "
                f"generated in {stats['seconds']:.0f} s"
            )
        else:
            made_note = "reused"
        print(f"3. {n_big:,} claims (benchmarks/synth.py: {made_note})")
        rebuild = measure([*cli, str(big), "reindex"], env=env)
        print(line("reindex (rebuild the index)", rebuild))
        claim = first_claim(big, env, n_big // 2)
        base = best([PY, "-c", BASELINE, str(big)], env, repeats=1)
        rows = {
            "flags --json": best([*cli, str(big), "flags", "--json"], env),
            "show CLAIM": best([*cli, str(big), "show", claim], env),
            "claims --json": best([*cli, str(big), "claims", "--json"], env),
        }
        out = tmp / "case.graphml"
        rows["export --format graphml"] = measure(
            [*cli, str(big), "export", "--format", "graphml", "-o", str(out)], env=env
        )
        graphml_mb = out.stat().st_size / 1e6 if out.is_file() else 0
        article = tmp / "article.html"
        article.write_text(ARTICLE.format(company="Northwind Pay", year=2031), encoding="utf-8")
        rows["ingest one more article"] = measure([*cli, str(big), "ingest", str(article)], env=env)
        rows["flags --json after it"] = measure([*cli, str(big), "flags", "--json"], env=env)
        print(line("baseline: json-parse every record file", base, base["seconds"]))
        for label, r in rows.items():
            extra = f"  ({graphml_mb:.0f} MB written)" if label.startswith("export") else ""
            print(line(label, r, base["seconds"], extra))
        if not quick:
            flags, show = rows["flags --json"], rows["show CLAIM"]
            export, ingest = rows["export --format graphml"], rows["ingest one more article"]
            print(
                verdict(
                    rebuild["seconds"] < 60, f"rebuild under a minute ({rebuild['seconds']:.0f} s)"
                )
            )
            print(verdict(
                flags["seconds"] < 2 and flags["mb"] < 500,
                f"flags --json under 2 s and 500 MB ({flags['seconds']:.2f} s, {flags['mb']:.0f} MB)",
            ))  # fmt: skip
            print(verdict(show["seconds"] < 0.5, f"show under 0.5 s ({show['seconds']:.2f} s)"))
            print(
                verdict(export["mb"] < 1024, f"GraphML export under 1 GB ({export['mb']:.0f} MB)")
            )
            print(
                verdict(
                    ingest["seconds"] < 1, f"one more article under 1 s ({ingest['seconds']:.2f} s)"
                )
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
