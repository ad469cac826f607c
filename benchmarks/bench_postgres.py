"""A case kept in PostgreSQL against the same case in a folder, on a throwaway local server.

    python benchmarks/bench_postgres.py [--claims 100000] [--pages 100] [--repeat 3] [--quick]

The server is started by the benchmark (tests/pgserver.py) with PostgreSQL's default
durability settings (fsync on), like a real one. Every figure is measured in the same run as
its baseline, the folder case on the same input, and printed with their ratio:

1. **concurrent import**: 6 ``claimtrack import`` processes at once, 300 claims each, 100 of
   them the same in every file (each desk its own source): the case must end with exactly
   6 x 200 + 100 claims, each shared claim with 6 mentions, and no process may fail;
2. **concurrent evidence**: 8 ``claimtrack evidence add`` processes at once on one claim,
   each with its own quote: all 8 must be recorded;
3. **ingest**: 100 news-like HTML pages (benchmarks/bench_ingest.py's), ``--jobs 1``, with
   claim extraction and linking, and with ``--no-extract`` (best of ``--repeat``);
4. **reads at scale**: a synthetic case of ``--claims`` claims (benchmarks/synth.py), copied
   into the database with ``claimtrack copy`` (which derives every claim's state as it
   writes); then ``flags --json``, ``claims --json`` and ``show`` as processes: the folder
   case, the database's first read after the copy and its later reads (best of ``--repeat``);
5. **a write, then the first read**: one ``claimtrack evidence add`` contradicting a claim of
   that case, then ``flags --json``, in the folder and in the database: the write pays for
   what it reaches (the folder's index and the database's derived tables), the read after it
   answers from the stored state (best of ``--repeat``, each a new piece of evidence).

Targets (issue 16): no lost claim or evidence and no error in 1 and 2; ``flags --json`` at
100k claims within 2x of the folder's SQLite case index (measured here against the folder as
it is: the index is being built alongside); ingest within 1.5x of the folder.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import scratch  # benchmarks/scratch.py

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

DESKS, PER_DESK, SHARED = 6, 300, 100
WRITERS = 8


def claimtrack(*args: str, location: str) -> subprocess.Popen:
    env = {**os.environ, "CLAIMTRACK_WORKSPACE": location}
    return subprocess.Popen(
        [sys.executable, "-m", "claimtrack", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_all(processes: list[subprocess.Popen]) -> tuple[float, list[str]]:
    """Wait for every process; (seconds since the first started, error lines)."""
    errors = []
    for p in processes:
        out, err = p.communicate(timeout=1800)
        if p.returncode != 0:
            errors.append(err.strip().splitlines()[-1] if err.strip() else f"exit {p.returncode}")
    return errors


def timed(command: list[str], location: str) -> tuple[float, str]:
    started = time.perf_counter()
    p = claimtrack(*command, location=location)
    out, err = p.communicate(timeout=3600)
    elapsed = time.perf_counter() - started
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed on {location}: {err[-500:]}")
    return elapsed, out


def ratio(t: float, base: float) -> str:
    return f"{t / base:5.2f}x" if base > 0 else "   - "


# -- 1. concurrent import ---------------------------------------------------------------------
def import_files(folder: Path) -> list[Path]:
    files = []
    for desk in range(DESKS):
        rows = [
            {
                "text": f"Fjord Bank opened {1000 + n} branches across the north.",
                "source": f"desk {desk}",
            }
            for n in range(SHARED)
        ]
        rows += [
            {
                "text": f"Desk {desk} counted {10000 + n} new savings accounts.",
                "source": f"desk {desk}",
            }
            for n in range(PER_DESK - SHARED)
        ]
        path = folder / f"desk{desk}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
        files.append(path)
    return files


def concurrent_import(location: str, files: list[Path]) -> dict:
    from claimtrack.store import open_store

    started = time.perf_counter()
    errors = run_all([claimtrack("import", str(f), location=location) for f in files])
    elapsed = time.perf_counter() - started
    store = open_store(location)
    claims = store.load_all("claim")
    shared = [c for c in claims if c.text.startswith("Fjord Bank")]
    return {
        "seconds": elapsed,
        "claims": len(claims),
        "full": sum(1 for c in shared if len(c.mentions) == DESKS),
        "errors": errors,
    }


# -- 2. concurrent evidence -------------------------------------------------------------------
def concurrent_evidence(location: str) -> dict:
    from claimtrack.models import Claim, Source
    from claimtrack.store import open_store

    store = open_store(location)
    passages = [f"Passage {n} of the report counts {100 + n} new branches." for n in range(WRITERS)]
    sha = store.put_blob(" ".join(passages).encode("utf-8"))
    source = Source(id="s-0000000000aa", title="Annual report", sha256=sha, text_sha256=sha)
    claim = Claim(id="c-0000000000bb", text="Fjord Bank opened 100 branches.")
    store.save_many([source, claim])
    started = time.perf_counter()
    errors = run_all(
        [
            claimtrack(
                "evidence",
                "add",
                claim.id,
                source.id,
                "--supports",
                "--quote",
                passage,
                location=location,
            )  # fmt: skip
            for passage in passages
        ]
    )
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "evidence": len(store.load_all("evidence")), "errors": errors}


# -- 3. ingest --------------------------------------------------------------------------------
def ingest(store, pages: Path, extract: bool) -> float:
    from claimtrack.ingest import ingest_many

    started = time.perf_counter()
    results = ingest_many(store, [str(pages)], jobs=1, extract=extract)
    elapsed = time.perf_counter() - started
    failed = [r for r in results if r.error]
    if failed:
        print(f"warning: {len(failed)} pages failed, e.g. {failed[0].error}", file=sys.stderr)
    return elapsed


# -- 5. a write, then the first read ----------------------------------------------------------
def write_evidence(location: str, n: int) -> list[str]:
    """An ``evidence add`` command contradicting the case's ``n``-th claim with a sentence of
    a source of another claim (the sentence is in that source's archived text)."""
    from claimtrack.store import open_store

    store = open_store(location)
    ids = store.ids("claim")
    target, other = ids[n], store.load("claim", ids[-1 - n])
    mention = other.mentions[0]
    getattr(store, "close", lambda: None)()
    return ["evidence", "add", target, mention.source, "--contradicts", "--quote", mention.quote]


# -- main -------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smoke test: 3,000 claims, 30 pages")
    parser.add_argument(
        "--skip", action="append", default=[], choices=["import", "evidence", "ingest", "scale"]
    )
    args = parser.parse_args()
    if args.quick or os.environ.get("BENCH_QUICK"):
        args.claims, args.pages, args.repeat = min(args.claims, 3000), min(args.pages, 30), 1

    from bench_ingest import write_pages

    from claimtrack.store.postgres import PostgresStore
    from claimtrack.workspace import Workspace
    from tests.pgserver import TempServer, unavailable

    reason = unavailable()
    if reason:
        raise SystemExit(f"no PostgreSQL server can be started here: {reason}")
    names = iter(range(1000))

    with (
        scratch.folder("bench_postgres_") as tmp,
        TempServer(fsync=True) as server,
    ):
        tmp_path = Path(tmp)

        def new_db() -> str:
            url = server.create_database(f"bench{next(names)}")
            PostgresStore.init(url)[0].close()
            return url

        def new_folder() -> str:
            path = tmp_path / f"folder{next(names)}"
            Workspace.init(path)
            return str(path)

        print(f"PostgreSQL {server.execute('SHOW server_version')[0][0]} on 127.0.0.1, fsync on")

        if "import" not in args.skip:
            files = import_files(tmp_path)
            want = DESKS * (PER_DESK - SHARED) + SHARED
            print(f"\n1. {DESKS} processes import {PER_DESK} claims each at once, {SHARED} shared "
                  f"(want {want} claims, {SHARED} with {DESKS} mentions)")  # fmt: skip
            base = concurrent_import(new_folder(), files)
            db = concurrent_import(new_db(), files)
            for label, r in (("folder (baseline)", base), ("database", db)):
                print(f"  {label:<18} {r['seconds']:6.2f} s {ratio(r['seconds'], base['seconds'])}  "
                      f"{r['claims']} claims, {r['full']} shared with {DESKS} mentions, "
                      f"{len(r['errors'])} errors {r['errors'][:1]}")  # fmt: skip

        if "evidence" not in args.skip:
            print(f"\n2. {WRITERS} processes add evidence to one claim at once (want {WRITERS})")
            base = concurrent_evidence(new_folder())
            db = concurrent_evidence(new_db())
            for label, r in (("folder (baseline)", base), ("database", db)):
                print(f"  {label:<18} {r['seconds']:6.2f} s {ratio(r['seconds'], base['seconds'])}  "
                      f"{r['evidence']} evidence recorded, {len(r['errors'])} errors {r['errors'][:1]}")  # fmt: skip

        if "ingest" not in args.skip:
            pages = tmp_path / "pages"
            pages.mkdir()
            write_pages(pages, args.pages)
            ingest(Workspace.open(new_folder()), pages, True)  # warm imports
            print(
                f"\n3. ingest {args.pages} pages, --jobs 1, best of {args.repeat} (target <= 1.5x)"
            )
            for extract in (True, False):
                times = {"folder": [], "database": []}
                for _ in range(args.repeat):
                    times["folder"].append(ingest(Workspace.open(new_folder()), pages, extract))
                    store = PostgresStore.open(new_db())
                    times["database"].append(ingest(store, pages, extract))
                    store.close()
                base = min(times["folder"])
                what = "with extraction and linking" if extract else "--no-extract"
                for label in ("folder", "database"):
                    t = min(times[label])
                    print(f"  {what:<28} {label + (' (baseline)' if label == 'folder' else ''):<18} "
                          f"{t:6.2f} s {t / args.pages * 1000:6.1f} ms/page {ratio(t, base)}")  # fmt: skip

        if "scale" not in args.skip:
            from synth import generate

            folder = tmp_path / "scale"
            stats = generate(folder, args.claims, check=False)
            print(f"\n4. reads at {args.claims:,} claims ({stats['sources']:,} sources, "
                  f"{stats['evidence']:,} evidence, {stats['questions']:,} questions)")  # fmt: skip
            url = server.create_database("scale")
            t_copy, _ = timed(["copy", str(folder), url], str(folder))
            print(f"  claimtrack copy folder -> database: {t_copy:.1f} s")
            size = server.execute("SELECT pg_size_pretty(pg_database_size('scale'))")[0][0]
            print(f"  database size: {size}; folder: {stats['bytes'] / 1e6:.0f} MB of records")
            claim = Workspace.open(folder).ids("claim")[len(stats) and 0]
            commands = [
                ("flags --json", ["flags", "--json"]),
                ("claims --json", ["claims", "--json"]),
                ("show CLAIM", ["show", claim]),
            ]
            # What flags --json prints, as the store hands it over ready-made (the case index
            # gives the folder the same method): no row is decoded and re-encoded.
            as_json = [
                sys.executable, "-c",
                "import sys; from claimtrack.store import open_store; "
                "fields = [('claim', 'id')] + [(k, k) for k in ('text', 'status', 'flags', 'origins', 'mentions')]; "
                "sys.stdout.write(''.join(line + chr(10) for line in open_store(sys.argv[1])"
                ".query_claims_json(fields, flagged=True, figures_only=True, order='severity')))",
                url,
            ]  # fmt: skip
            first = True
            for label, command in commands:
                base = min(timed(command, str(folder))[0] for _ in range(max(1, args.repeat - 1)))
                cold = None
                if first:
                    cold, _ = timed(command, url)
                    first = False
                warm = [timed(command, url) for _ in range(args.repeat)]
                t = min(w[0] for w in warm)
                rows = len(warm[0][1].splitlines())
                print(f"  {label:<14} folder (baseline) {base:6.2f} s   database {t:6.2f} s "
                      f"{ratio(t, base)}" + (f"   (first read after the copy {cold:.2f} s)" if cold else "")
                      + f"   [{rows} lines]")  # fmt: skip
                if label == "flags --json":
                    times = []
                    for _ in range(args.repeat):
                        started = time.perf_counter()
                        out = subprocess.run(as_json, capture_output=True, text=True, check=True)
                        times.append(time.perf_counter() - started)
                    print(f"  {'  as JSON text':<14} database, Store.query_claims_json: "
                          f"{min(times):6.2f} s {ratio(min(times), base)}   "
                          f"[{len(out.stdout.splitlines())} lines]")  # fmt: skip

            print(f"\n5. at {args.claims:,} claims: one evidence add, then the first flags --json "
                  f"(best of {args.repeat})")  # fmt: skip
            results = {}
            for location in (str(folder), url):
                writes, reads = [], []
                for n in range(args.repeat):
                    write = write_evidence(location, n)
                    writes.append(timed(write, location)[0])
                    reads.append(timed(["flags", "--json"], location)[0])
                results[location] = (min(writes), min(reads))
            (base_write, base_read), (t_write, t_read) = results[str(folder)], results[url]
            print(f"  evidence add   folder (baseline) {base_write:6.2f} s   database "
                  f"{t_write:6.2f} s {ratio(t_write, base_write)}")  # fmt: skip
            print(f"  flags --json   folder (baseline) {base_read:6.2f} s   database "
                  f"{t_read:6.2f} s {ratio(t_read, base_read)}   (the first read after the write)")  # fmt: skip


if __name__ == "__main__":
    main()
