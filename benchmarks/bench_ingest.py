"""Ingest cost against bare text extraction, over the same folder of news-like HTML pages.

    python benchmarks/bench_ingest.py [--pages 100] [--repeat 3] [--quick]

Baseline: ``trafilatura.extract(bytes)`` on every page (reading the file included).
Measured, each into a fresh workspace, claim extraction left out (it has its own benchmark):

- ``ingest_many(ws, [folder], extract=False, jobs=N)`` for N = 1 and 8 (the CLI default):
  read, sniff, decode, extract text and metadata, hash, archive the raw bytes and the text
  and save the Source record (three atomic, fsynced writes per page);
- ``prepare`` alone (the same work without any write) and ``commit`` alone (only the writes),
  to show where the time goes.

Target: ingest <= 1.25x the baseline. Figures are the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WORDS = (
    "the company said its assistant handled customer chats in markets across Europe while "
    "analysts questioned how the figures were calculated and whether savings would last as "
    "regulators in Sweden and the United Kingdom looked at lending rules for shoppers who pay "
    "later for goods bought online during the holiday season"
).split()
OUTLETS = ["Example Business News", "The Daily Ledger", "Nordic Finance Wire", "Tech Desk"]
NAMES = ["Sam Okafor", "Maria Lindqvist", "Priya Natarajan", "Tomás Ruiz", "Anna Berg"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 28))]
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 900):,}")
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), f"${rng.randint(2, 90)} million")
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def make_page(i: int, rng: random.Random) -> str:
    outlet = rng.choice(OUTLETS)
    author = rng.choice(NAMES)
    day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    title = f"Klarna story {i}: " + " ".join(rng.choice(WORDS) for _ in range(8))
    slug = f"https://news{i % 7}.example.com/business/2024/klarna-story-{i}"
    nav = "".join(f'<li><a href="/section/{k}">Section {k}</a></li>' for k in range(30))
    paragraphs = "".join(
        f"<p>{' '.join(sentence(rng) for _ in range(rng.randint(2, 5)))}</p>"
        for _ in range(rng.randint(12, 30))
    )
    related = "".join(
        f'<li><a href="/story/{rng.randint(1, 99999)}">{sentence(rng)[:60]}</a></li>'
        for _ in range(8)
    )
    comments = "".join(
        f'<div class="comment"><b>reader{k}</b><p>{sentence(rng)}</p></div>' for k in range(6)
    )
    scripts = "".join(
        f"<script>var slot{k} = {{id: {k}, sizes: [[300, 250], [728, 90]]}};</script>"
        for k in range(10)
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | {outlet}</title>
<link rel="canonical" href="{slug}"><meta property="og:site_name" content="{outlet}">
<meta property="og:title" content="{title}"><meta name="author" content="{author}">
<meta property="article:published_time" content="{day}T09:00:00Z">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{title}",
"datePublished": "{day}", "author": {{"name": "{author}"}}}}</script>
<style>.ad {{ display: block; }} body {{ margin: 0; }}</style>{scripts}</head>
<body><header><div class="logo">{outlet}</div><nav><ul>{nav}</ul></nav>
<div class="ad">Advertisement</div></header>
<main><article><h1>{title}</h1><p class="byline">By {author} <time datetime="{day}">{day}</time>
</p>{paragraphs}</article>
<aside><h2>Most read</h2><ul>{related}</ul><div class="ad">Advertisement</div></aside>
<section class="comments"><h2>Comments</h2>{comments}</section></main>
<footer><p>&copy; 2024 {outlet}</p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a>
</footer></body></html>"""


def write_pages(folder: Path, count: int) -> list[Path]:
    rng = random.Random(20240228)
    paths = []
    for i in range(count):
        path = folder / f"page{i:04d}.html"
        path.write_text(make_page(i, rng), encoding="utf-8")
        paths.append(path)
    return paths


def bare(paths: list[Path]) -> float:
    import trafilatura

    started = time.perf_counter()
    for path in paths:
        trafilatura.extract(path.read_bytes())
    return time.perf_counter() - started


def prepare_then_commit(paths: list[Path], scratch: Path, n: int) -> tuple[float, float]:
    """(seconds to prepare every page, seconds to then write them all)."""
    from claimtrack.ingest import IngestOptions, commit, prepare
    from claimtrack.workspace import Workspace

    ws, _ = Workspace.init(scratch / f"ws-split-{n}")
    opts = IngestOptions.build(extract=False)
    started = time.perf_counter()
    prepared = [prepare(ws, str(path), client=None, opts=opts) for path in paths]
    middle = time.perf_counter()
    for item in prepared:
        commit(ws, item)
    return middle - started, time.perf_counter() - middle


def ingest(folder: Path, scratch: Path, name: str, jobs: int) -> float:
    from claimtrack.ingest import ingest_many
    from claimtrack.workspace import Workspace

    ws, _ = Workspace.init(scratch / f"ws-{name}")
    started = time.perf_counter()
    results = ingest_many(ws, [str(folder)], extract=False, jobs=jobs)
    elapsed = time.perf_counter() - started
    failed = [r for r in results if r.error]
    if failed:
        print(f"warning: {len(failed)} pages failed, e.g. {failed[0].error}", file=sys.stderr)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smoke test: 30 pages, once")
    args = parser.parse_args()
    if args.quick or os.environ.get("BENCH_QUICK"):
        args.pages, args.repeat = min(args.pages, 30), 1
    with tempfile.TemporaryDirectory(prefix="bench_ingest_") as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        paths = write_pages(folder, args.pages)
        size = sum(p.stat().st_size for p in paths) / len(paths) / 1024
        bare(paths[:5])  # warm imports and caches for both
        ingest(folder, Path(tmp), "warm", 1)
        times: dict[str, list[float]] = {
            "base": [],
            "prepare": [],
            "commit": [],
            "jobs1": [],
            "jobs8": [],
        }
        for n in range(args.repeat):
            times["base"].append(bare(paths))
            prepare_time, commit_time = prepare_then_commit(paths, Path(tmp), n)
            times["prepare"].append(prepare_time)
            times["commit"].append(commit_time)
            times["jobs1"].append(ingest(folder, Path(tmp), f"1-{n}", 1))
            times["jobs8"].append(ingest(folder, Path(tmp), f"8-{n}", 8))
        best = {k: min(v) for k, v in times.items()}
        base = best["base"]
        print(f"{args.pages} pages, {size:.0f} KB each on average, best of {args.repeat}")
        rows = [
            ("trafilatura.extract (baseline)", "base"),
            ("ingest, parse only (no writes)", "prepare"),
            ("ingest, the writes only", "commit"),
            ("ingest --no-extract --jobs 1", "jobs1"),
            ("ingest --no-extract --jobs 8", "jobs8"),
        ]
        for label, key in rows:
            t = best[key]
            print(f"  {label:<31} {t:6.2f} s {t / args.pages * 1000:6.1f} ms/page {t / base:5.2f}x")
        print("  target: ingest <= 1.25x the baseline")


if __name__ == "__main__":
    main()
