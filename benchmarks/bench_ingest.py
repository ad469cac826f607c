"""Ingest cost against bare text extraction, over the same folder of news pages.

    python benchmarks/bench_ingest.py [--repeat 3] [--quick]

The pages: each of the 79 real articles of ``../shared/datasets/news-dev/articles.jsonl`` (real
text nobody here wrote) as a web page, its paragraphs inside the furniture a news site wraps
around an article (navigation, scripts, adverts, a related-stories list, reader comments,
JSON-LD and Open Graph metadata); and 40 of them again as a syndicated copy (the same story on
another outlet's site, a second layout), as wire copy is republished: 119 pages. The texts are
read from the dataset at run time; nothing of them is stored in the repository.

Baseline: ``trafilatura.extract(bytes)`` on every page (reading the file included), measured in
the same run. Measured, each into a fresh workspace:

- ``ingest_many(ws, [folder], jobs=1)``: the whole of ``claimtrack ingest --jobs 1 FOLDER``:
  read, decode, main text and metadata (trafilatura), claim extraction, linking each claim
  sentence to the claims already ingested (full-text search and re-ranking), archiving the
  page and its text, writing the Source and the claims, in batches;
- the same with ``extract=False`` (``--no-extract``: archive only);
- ``prepare`` alone (everything but the writes) and ``commit`` alone (the writes and the
  linking, with the batch's matcher as ingest makes it: ``Matcher(ws, prefilter=True)``), to
  show where the time goes.

Every measured run happens in a process forked for it from one that has loaded the modules
and models on a warm-up page of other text (``WARM_UP``), as a user's command starts: nothing
a run leaves in memory (the remembered features, words and figures of the texts it read)
reaches the next, so no run starts with the pages' text already worked out. Each is timed
twice: wall-clock time, and the processor time of that process
(``os.times``, user and system: every thread, not the time spent waiting for the disk or for other
processes), which the load from other work on the machine disturbs much less. Target: ingest
with extraction and linking at most 3x the baseline. Figures: best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import scratch  # benchmarks/scratch.py

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DATASET = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "news-dev"
WORDS = (
    "the company said its results showed customers in markets across Europe while analysts "
    "questioned how the figures were calculated and whether the plans would last"
).split()
OUTLETS = ["Example Business News", "The Daily Ledger", "Nordic Finance Wire", "Tech Desk"]
NAMES = ["Sam Okafor", "Maria Lindqvist", "Priya Natarajan", "Tomás Ruiz", "Anna Berg"]
SYNDICATED = 40
T = TypeVar("T")


def articles() -> list[dict]:
    path = DATASET / "articles.jsonl"
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


WARM_UP = [
    "Harbour Freight Lines said on Monday that its container volumes rose 14 per cent in the "
    "third quarter, to 2.1 million boxes, the fastest growth since 2017.",
    "The company's chief executive, Ines Marlow, told analysts the new terminal at Kettering "
    "Point would handle 600,000 containers a year once it opens in 2026.",
    "Dock workers' union Unite Port said the expansion would cut 340 jobs, a figure the "
    "company disputed, putting the losses at fewer than 100.",
    "Shares in the group fell 3.5% in early trading after it trimmed its full-year profit "
    "forecast to 410 million pounds from 450 million.",
]
"""Paragraphs of a made-up trade story, in a page of its own: the warm-up (modules and models
loaded) before any measured run, so that the measured runs start as a user's command does."""


def in_child(work: Callable[[], T]) -> T:
    """``work()`` in a process forked from this one for it, so that whatever it leaves in
    memory is gone before the next measurement (as between two commands of a user)."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(work)


def _filler(rng: random.Random, n: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(n))
    return text[0].upper() + text[1:] + "."


def page(article: dict, rng: random.Random, *, layout: int, outlet: str, url: str) -> str:
    """The article's text as a news site's page (layout 0 or 1), with the furniture real news
    pages carry around an article (about 60 KB of it, much of it markup and script)."""
    paragraphs = [p.strip() for p in article["text"].split("\n") if p.strip()]
    title = html.escape(paragraphs[0][:90]) if paragraphs else "Untitled"
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    author = rng.choice(NAMES)
    day = f"2019-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    sections = ["News", "Business", "Tech", "Markets", "Opinion", "Sport", "Culture", "Travel"]
    nav = "".join(
        f'<li class="menu-item"><a href="/{s.lower()}/{k}" data-track="nav-{k}">{s} {k}</a></li>'
        for s in sections
        for k in range(12)
    )
    footer = "".join(
        f'<li><a href="/about/{k}" rel="nofollow">{_filler(rng, 3)}</a></li>' for k in range(80)
    )
    related = "".join(
        f'<li class="card"><a href="/story/{rng.randint(1, 99999)}"><img src="/img/{k}.jpg" '
        f'alt="{_filler(rng, 6)}" width="300" height="200" loading="lazy">'
        f"<span>{_filler(rng, 9)}</span></a></li>"
        for k in range(12)
    )
    comments = "".join(
        f'<div class="comment" id="c{k}"><b>reader{k}</b><time>2 hours ago</time>'
        f'<p>{_filler(rng, 20)}</p><button class="reply">Reply</button></div>'
        for k in range(10)
    )
    config = json.dumps(
        {
            "slots": [{"id": f"slot-{k}", "sizes": [[300, 250], [728, 90]], "refresh": 30}
                      for k in range(20)],
            "analytics": {"section": "business", "tags": WORDS, "author": author},
        }
    )  # fmt: skip
    scripts = "".join(
        f"<script>window.__cfg{k} = {config};</script>" if k % 3 == 0 else
        f'<script src="/static/js/bundle-{k}.js" async></script>'
        for k in range(15)
    )  # fmt: skip
    style = (
        "<style>"
        + "".join(
            f".c{k} {{ margin: {k}px; padding: {k % 7}px; color: #{k:06x}; }}" for k in range(150)
        )
        + "</style>"
    )
    meta = (
        f'<link rel="canonical" href="{html.escape(url)}">'
        f'<meta property="og:site_name" content="{outlet}">'
        f'<meta property="og:title" content="{title}"><meta name="author" content="{author}">'
        f'<meta property="article:published_time" content="{day}T09:00:00Z">'
        f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": '
        f'{json.dumps(title)}, "datePublished": "{day}", "author": {{"name": "{author}"}}}}'
        "</script>"
    )
    share = "".join(
        f'<a class="share" href="https://share.example/{n}?u={html.escape(url)}">{n}</a>'
        for n in ("Facebook", "X", "LinkedIn", "Email", "WhatsApp")
    )
    signup = (
        '<form class="newsletter" action="/subscribe"><label>Get the morning briefing'
        '<input type="email" name="email"></label><button>Sign up</button></form>'
    )
    if layout == 0:
        main = (
            f'<main><article><h1>{title}</h1><p class="byline">By {author} '
            f'<time datetime="{day}">{day}</time></p><div class="share-bar">{share}</div>'
            f"{body}{signup}</article>"
            f'<aside><h2>Most read</h2><ul>{related}</ul><div class="ad">Advertisement</div>'
            f'</aside><section class="comments"><h2>Comments</h2>{comments}</section></main>'
        )
    else:
        main = (
            f'<div id="content"><div class="story"><header><h1 class="headline">{title}</h1>'
            f'<span class="author">{author}</span> <span class="date">{day}</span></header>'
            f'<div class="story-body">{body}</div>{share}</div><div class="sidebar">'
            f'<ul>{related}</ul>{signup}</div><div id="disqus">{comments}</div></div>'
        )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title} | {outlet}</title>{meta}{style}{scripts}</head><body>"
        '<div class="cookie-banner">We use cookies to improve your experience. '
        "<button>Accept</button></div>"
        f'<header><div class="logo">{outlet}</div><nav><ul>{nav}</ul></nav>'
        f'<div class="ad">Advertisement</div></header>{main}<footer><ul>{footer}</ul>'
        f"<p>&copy; 2019 {outlet}</p></footer></body></html>"
    )


def write_pages(folder: Path, limit: int | None = None) -> list[Path]:
    rng = random.Random(20240228)
    found = articles()
    if limit:
        found = found[:limit]
    paths = []
    for i, article in enumerate(found):
        path = folder / f"a{i:03d}.html"
        outlet = OUTLETS[i % len(OUTLETS)]
        path.write_text(page(article, rng, layout=0, outlet=outlet, url=article["url"]), "utf-8")
        paths.append(path)
    for i, article in enumerate(found[: min(SYNDICATED, len(found) // 2)]):
        path = folder / f"b{i:03d}.html"
        url = f"https://wire{i % 5}.example.com/syndicated/{i}"
        path.write_text(page(article, rng, layout=1, outlet="Wire Service", url=url), "utf-8")
        paths.append(path)
    return paths


Times = tuple[float, float, float]
"""(wall-clock seconds, processor seconds of this process, the system's part of them: the
kernel's work, mostly creating files)."""


def clock() -> Times:
    used = os.times()
    return time.perf_counter(), used.user + used.system, used.system


def since(start: Times) -> Times:
    wall, cpu, system = clock()
    return wall - start[0], cpu - start[1], system - start[2]


def bare(paths: list[Path]) -> Times:
    import trafilatura

    started = clock()
    for path in paths:
        trafilatura.extract(path.read_bytes())
    return since(started)


def ingest(folder: Path, root: Path, name: str, *, extract: bool) -> tuple[Times, int]:
    from claimtrack.ingest import ingest_many
    from claimtrack.workspace import Workspace

    ws, _ = Workspace.init(root / f"ws-{name}")
    started = clock()
    results = ingest_many(ws, [str(folder)], extract=extract, jobs=1)
    elapsed = since(started)
    failed = [r for r in results if r.error]
    if failed:
        print(f"warning: {len(failed)} pages failed, e.g. {failed[0].error}", file=sys.stderr)
    return elapsed, len(ws.ids("claim"))


def prepare_then_commit(paths: list[Path], root: Path, n: int) -> tuple[Times, Times]:
    """(time to prepare every page, time to then commit them all, in one batch)."""
    from claimtrack.ingest import IngestOptions, commit, prepare
    from claimtrack.linking import Matcher
    from claimtrack.workspace import Workspace

    ws, _ = Workspace.init(root / f"ws-split-{n}")
    opts = IngestOptions.build()
    started = clock()
    prepared = [prepare(ws, str(path), client=None, opts=opts) for path in paths]
    preparing = since(started)
    started = clock()
    with ws.batch():
        matcher = Matcher(ws, prefilter=True)
        for item in prepared:
            commit(ws, item, matcher=matcher)
    return preparing, since(started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smoke test: 20 articles, once")
    args = parser.parse_args()
    limit = None
    if args.quick or os.environ.get("BENCH_QUICK"):
        limit, args.repeat = 20, 1
    if not (DATASET / "articles.jsonl").is_file():
        print(f"skipped: {DATASET / 'articles.jsonl'} is not there")
        return
    with scratch.folder("bench_ingest_") as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        paths = write_pages(folder, limit)
        size = sum(p.stat().st_size for p in paths) / len(paths) / 1024
        warm = Path(tmp) / "warm-up"
        warm.mkdir()
        body = "".join(f"<p>{html.escape(p)}</p>" for p in WARM_UP)
        (warm / "page.html").write_text(
            f"<html><head><title>Container volumes rise</title></head><body><article>"
            f"<h1>Container volumes rise</h1>{body}</article></body></html>",
            "utf-8",
        )
        bare(list(warm.iterdir()))  # modules and models, in this process, for every run
        ingest(warm, Path(tmp), "warm", extract=True)
        # The word vectors linking loads when it first has two likely matches to rank apart (a
        # one-off cost of each command, like trafilatura's imports): one page cannot get there.
        from claimtrack import wordvectors

        wordvectors.vectors(WARM_UP)
        times: dict[str, list[Times]] = {
            k: [] for k in ("base", "full", "archive", "prep", "commit")
        }
        claims = 0
        for n in range(args.repeat):
            times["base"].append(in_child(partial(bare, paths)))
            elapsed, claims = in_child(
                partial(ingest, folder, Path(tmp), f"full-{n}", extract=True)
            )
            times["full"].append(elapsed)
            times["archive"].append(
                in_child(partial(ingest, folder, Path(tmp), f"archive-{n}", extract=False))[0]
            )
            prep, done = in_child(partial(prepare_then_commit, paths, Path(tmp), n))
            times["prep"].append(prep)
            times["commit"].append(done)
        wall = {k: min(t[0] for t in v) for k, v in times.items()}
        cpu = {k: min(t[1] for t in v) for k, v in times.items()}
        originals = sum(1 for p in paths if p.name.startswith("a"))
        print(
            f"{len(paths)} pages ({originals} news-dev articles as pages, "
            f"{len(paths) - originals} syndicated copies), {size:.0f} KB each on average, "
            f"{claims} claims; best of {args.repeat}"
        )
        rows = [
            ("trafilatura.extract (baseline)", "base"),
            ("ingest --jobs 1 (extract + link)", "full"),
            ("  of which prepare (no writes)", "prep"),
            ("  of which commit (link + write)", "commit"),
            ("ingest --jobs 1 --no-extract", "archive"),
        ]
        print(f"  {'':<33} {'wall-clock':>23} {'processor time':>24}")
        for label, key in rows:
            w, c = wall[key], cpu[key]
            print(
                f"  {label:<33} {w:6.2f} s {w / len(paths) * 1000:5.1f} ms/p {w / wall['base']:5.2f}x"
                f" {c:6.2f} s {c / len(paths) * 1000:5.1f} ms/p {c / cpu['base']:5.2f}x"
            )
        system = {k: min(v, key=lambda t: t[1])[2] for k, v in times.items()}
        print(
            f"  system part of the processor time: {system['base']:.2f} s baseline, "
            f"{system['full']:.2f} s ingest (creating files; slow for minutes after many "
            "deletions on some file systems)"
        )
        ratios = wall["full"] / wall["base"], cpu["full"] / cpu["base"]
        print(
            f"  target: ingest with extraction and linking <= 3x the baseline: "
            f"{'met' if max(ratios) <= 3 else 'MISSED'} "
            f"({ratios[0]:.2f}x wall-clock, {ratios[1]:.2f}x processor time)"
        )


if __name__ == "__main__":
    main()
