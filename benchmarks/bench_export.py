"""Export time of a 10,000-claim workspace in each format, as ratios to building the graph.

    python benchmarks/bench_export.py [--quick] [--claims N] [--repeat R]

The workspace is synthetic (``benchmarks/synth.py``; a small generator of its own using the
public Workspace API when that script is absent), written to a temporary folder. It is loaded
once; then for each format the figure is the best of R runs of ``claimtrack.export.render``
over a prepared bundle (graph built and claims assessed), next to the baseline: one
``claimtrack.graph.build`` of the same records, measured in the same run. The bundle's own
cost (build + assess) is printed as the first row, and the size of each output.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import scratch  # benchmarks/scratch.py

HERE = Path(__file__).resolve().parent
FORMATS = ("graphml", "gexf", "json", "claimreview", "markdown", "html")


def own_generator(root: Path, n_claims: int) -> None:
    """A plain synthetic case: n claims, n/5 sources, 1-3 mentions a claim, some evidence and
    questions, saved through ``Workspace.save_many``."""
    import random

    from claimtrack.ids import make_id
    from claimtrack.models import Claim, Evidence, Figure, Mention, Question, Source
    from claimtrack.workspace import Workspace

    rng = random.Random(0)
    ws, _ = Workspace.init(root)
    t0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
    sources = []
    for i in range(max(1, n_claims // 5)):
        url = f"https://news.example/{i}"
        sources.append(
            Source(
                id=make_id("source", url),
                url=url,
                title=f"Report {i} on company results",
                publisher=f"Paper {i % 17}",
                published=(t0 + timedelta(days=i % 300)).date().isoformat(),
                kind="press_release" if i % 9 == 0 else "article",
                retrieved_at=t0,
            )
        )
    records: list = list(sources)
    for i in range(n_claims):
        company = f"Company {i % 50}"
        text = f"{company} says its assistant replaced {100 + i} agents"
        claim = Claim(
            id=make_id("claim", text, company),
            text=text,
            claimant=company,
            figures=[Figure(text=f"{100 + i} agents", value=100 + i, unit="agents", kind="count")],
            created_at=t0,
            mentions=[
                Mention(source=s.id, quote=f"{text}, the report says.", cue="says")
                for s in rng.sample(sources, k=min(len(sources), rng.randint(1, 3)))
            ],
        )
        records.append(claim)
        if i % 3 == 0:
            src = rng.choice(sources)
            records.append(
                Evidence(
                    id=make_id("evidence", claim.id, src.id),
                    claim=claim.id,
                    source=src.id,
                    stance=rng.choice(["supports", "contradicts", "context"]),
                    quote=f"{text}.",
                    created_at=t0,
                )
            )
        if i % 5 == 0:
            q = f"How was the figure of {100 + i} agents computed?"
            records.append(
                Question(id=make_id("question", claim.id, q), claim=claim.id, text=q, created_at=t0)
            )
    ws.save_many(records)


def make_workspace(root: Path, n_claims: int) -> str:
    try:
        sys.path.insert(0, str(HERE))
        from synth import generate  # type: ignore[import-not-found]
    except ImportError:
        own_generator(root, n_claims)
        return "bench_export's own generator"
    generate(root, n_claims)
    return "benchmarks/synth.py"


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 claims, one run each")
    parser.add_argument("--claims", type=int, help="number of claims (default 10,000)")
    parser.add_argument("--repeat", type=int, help="runs per format; the best is reported")
    args = parser.parse_args(argv)
    quick = args.quick or bool(os.environ.get("BENCH_QUICK"))
    n = args.claims or (1000 if quick else 10_000)
    repeat = args.repeat or (1 if quick else 2)

    from claimtrack.export import prepare, render
    from claimtrack.graph import build
    from claimtrack.workspace import Workspace

    with scratch.folder("claimtrack-bench-export-") as tmp:
        root = Path(tmp) / "claims"
        t = time.perf_counter()
        made_by = make_workspace(root, n)
        gen = time.perf_counter() - t
        ws = Workspace.open(root)
        t = time.perf_counter()
        records = ws.records()
        load = time.perf_counter() - t

    base, _ = best(lambda: build(records), repeat)
    prep, bundle = best(lambda: prepare(records), repeat)
    assessed = sum(1 for a in bundle.assessments.values() if a.status)
    print(
        f"export of {len(records.claims):,} claims, {len(records.sources):,} sources, "
        f"{len(records.evidence):,} evidence, {len(records.questions):,} questions "
        f"({bundle.graph.number_of_nodes():,} nodes, {bundle.graph.number_of_edges():,} edges; "
        f"{assessed:,} claims with a status)"
    )
    print(f"workspace by {made_by} in {gen:.1f} s; loaded in {load:.2f} s; best of {repeat} runs")
    print(f"baseline: claimtrack.graph.build = {base:.3f} s")
    print(f"{'step':<28} {'seconds':>8} {'ratio':>7} {'output':>10}")
    print(f"{'prepare (build + assess)':<28} {prep:8.3f} {prep / base:7.2f} {'':>10}")
    author = {"author": "Benchmark desk", "date": "2026-01-01"}
    for fmt in FORMATS:
        kw = author if fmt == "claimreview" else {}
        seconds, text = best(lambda fmt=fmt, kw=kw: render(bundle, fmt, **kw), repeat)
        size = len(text.encode("utf-8")) / 1e6
        print(f"{fmt:<28} {seconds:8.3f} {seconds / base:7.2f} {size:8.1f}MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
