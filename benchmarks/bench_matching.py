"""Claim matching: ranking quality and speed, and the cost of linking one more article as the
workspace grows.

    python benchmarks/bench_matching.py [--claims 10000] [--queries 200]
        [--sizes 1000,10000,100000] [--import]

1. Builds 10,000 synthetic claims (ten kinds of business figure, hundreds of made-up companies,
   products and places) and 200 queries, each a paraphrase of one claim (other wording, other
   word for the unit, the same figure). Prints MAP@5 (one relevant claim per query, so the mean
   of 1/rank when it is in the top 5) and the time per query, for claimtrack's matcher
   (``ClaimIndex``: BM25 from claimtrack.search, then match.rerank), BM25 alone, and a
   baseline measured in the same run: word overlap (Jaccard) scored against every claim.
2. With ``--import``: imports the 10,000 claims as JSON Lines into a fresh workspace
   (``claimtrack import``).
3. Writes workspaces of 1,000, 10,000 and 100,000 claims (record files written directly in the
   workspace format, the index built from memory), then times ``linking.attach`` of one more
   article (12 sentences: 4 paraphrased repeats of tracked claims, 7 new claims and a
   non-answer; median of 5 articles). The curve should stay nearly flat; the time is mostly
   fsync of the ~100 files one article rewrites, so it also prints the index shards read (and
   their size) and the files written per article, which other programs' disk traffic does not
   disturb.

Seeded; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import scratch  # benchmarks/scratch.py

from claimtrack.extract import ExtractedSentence
from claimtrack.ids import make_id
from claimtrack.linking import attach
from claimtrack.match import ClaimIndex, claim_features, features, idf, score
from claimtrack.models import Claim, Figure, Mention, Source
from claimtrack.workspace import Workspace, dump_record

SYLLABLES = "ka ri no ve lu ta mo zen fi ra do qui pex sol bri tan gor el vin ast".split()
PRODUCTS = [
    "assistant",
    "app",
    "checkout",
    "card",
    "marketplace",
    "delivery service",
    "platform",
    "savings account",
    "loyalty scheme",
    "trading tool",
]
PLACES = [
    "Sweden",
    "Germany",
    "Texas",
    "Ontario",
    "Bavaria",
    "Lagos",
    "Osaka",
    "Chile",
    "Kenya",
    "Poland",
    "Norway",
    "Brazil",
    "Vietnam",
    "Ireland",
    "Quebec",
    "Jakarta",
]
YEARS = ["2021", "2022", "2023", "2024"]

# Each fact: (kind, unit words, value range, phrasings). {v} is the figure as written.
FACTS = [
    (
        "count",
        ["agents", "staff", "people", "employees", "workers"],
        (100, 5000),
        [
            "{co}'s {prod} does the work of {v} {unit}",
            "{co} says its {prod} is equivalent to {v} full-time {unit}",
            "The {prod} at {co} handles the workload of {v} customer service {unit}",
        ],
    ),
    (
        "count",
        ["jobs", "roles", "positions"],
        (50, 9000),
        [
            "{co} will cut {v} {unit} in {place}",
            "{co} plans to axe {v} {unit} across {place}",
            "In {place}, {co} is eliminating {v} {unit}",
        ],
    ),
    (
        "percent",
        [None],
        (2, 90),
        [
            "{co}'s revenue grew {v}% in {year}",
            "{co} reported a {v}% rise in sales for {year}",
            "Sales at {co} increased {v}% in {year}",
        ],
    ),
    (
        "currency",
        [None],
        (5, 900),
        [
            "{co} expects its {prod} to add ${v} million to profit",
            "The {prod} could boost {co}'s earnings by ${v} million",
            "{co} says the {prod} will lift profit by ${v} million",
        ],
    ),
    (
        "count",
        ["markets", "countries"],
        (3, 60),
        [
            "{co}'s {prod} is available in {v} {unit}",
            "{co} offers the {prod} in {v} {unit}",
            "The {prod} from {co} now operates in {v} {unit}",
        ],
    ),
    (
        "count",
        ["languages"],
        (5, 80),
        [
            "{co}'s {prod} speaks {v} {unit}",
            "The {prod} from {co} supports {v} {unit}",
            "{co} says its {prod} works in {v} {unit}",
        ],
    ),
    (
        "count",
        ["users", "customers"],
        (1, 150),
        [
            "{co}'s {prod} has {v} million {unit}",
            "{v} million {unit} use the {prod} from {co}",
            "The {co} {prod} counts {v} million {unit}",
        ],
    ),
    (
        "count",
        ["conversations", "chats"],
        (1, 40),
        [
            "{co}'s {prod} handled {v} million {unit} in {year}",
            "In {year} the {co} {prod} held {v} million {unit}",
            "The {prod} from {co} dealt with {v} million customer {unit} in {year}",
        ],
    ),
    (
        "count",
        ["stores", "shops", "branches"],
        (2, 400),
        [
            "{co} opened {v} new {unit} in {place}",
            "{co} added {v} {unit} in {place} last year",
            "In {place}, {co} launched {v} new {unit}",
        ],
    ),
    (
        "currency",
        [None],
        (5, 2000),
        [
            "{co} raised ${v} million from investors",
            "Investors put ${v} million into {co}",
            "{co} secured ${v} million in new funding",
        ],
    ),
]
_SCALE = {"million": 1e6}


def company(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def written(kind: str, value: int) -> str:
    return f"{value:,}"


def make_fact(rng: random.Random, companies: list[str]) -> dict:
    f = rng.randrange(len(FACTS))
    kind, units, (lo, hi), _ = FACTS[f]
    return {
        "fact": f,
        "co": rng.choice(companies),
        "prod": rng.choice(PRODUCTS),
        "place": rng.choice(PLACES),
        "year": rng.choice(YEARS),
        "value": rng.randint(lo, hi),
        "kind": kind,
        "units": units,
    }


PRODUCT_WORDS = {
    "assistant": "AI chatbot",
    "app": "mobile application",
    "checkout": "payment service",
    "card": "credit card",
    "platform": "online service",
}


def phrase(
    fact: dict, which: int, unit_choice: int, *, anonymous: bool = False, reword: bool = False
) -> tuple[str, Figure]:
    """The fact in words: phrasing ``which``, unit word ``unit_choice``; ``anonymous`` calls
    the company "the company"; ``reword`` uses another word for the product."""
    kind, units, _, phrasings = FACTS[fact["fact"]]
    unit = units[unit_choice % len(units)]
    v = written(kind, fact["value"])
    prod = PRODUCT_WORDS.get(fact["prod"], fact["prod"]) if reword else fact["prod"]
    text = phrasings[which % len(phrasings)].format(
        co="the company" if anonymous else fact["co"],
        prod=prod,
        place=fact["place"],
        year=fact["year"],
        v=v,
        unit=unit or "",
    )
    text = re.sub(r"\s+", " ", text).strip() + "."
    text = text[0].upper() + text[1:]
    scaled = fact["value"] * (1e6 if "million" in phrasings[which % len(phrasings)] else 1)
    shown = ("$" if kind == "currency" else "") + v
    start = text.index(shown)
    fig = Figure(
        text=shown,
        start=start,
        end=start + len(shown),
        value=scaled,
        unit=unit,
        kind=kind,
        currency="USD" if kind == "currency" else None,
    )
    return text, fig


def make_claims(n: int, seed: int = 1) -> tuple[list[Claim], list[dict]]:
    rng = random.Random(seed)
    # About 100 claims per company, so most claims share their company, kind of figure or
    # product with many others.
    companies = sorted({company(rng) for _ in range(max(30, n // 100))})
    when = datetime(2024, 1, 1, tzinfo=timezone.utc)
    claims, facts, seen = [], [], set()
    while len(claims) < n:
        fact = make_fact(rng, companies)
        text, fig = phrase(fact, 0, 0)
        claimant = fact["co"] if rng.random() < 0.5 else None
        cid = make_id("claim", text, claimant)
        if cid in seen:
            continue
        seen.add(cid)
        sid = f"s-{rng.getrandbits(48):012x}"
        claims.append(
            Claim(
                id=cid,
                text=text,
                claimant=claimant,
                figures=[fig],
                created_at=when,
                mentions=[Mention(source=sid, quote=text, start=0, end=len(text))],
            )
        )
        facts.append(fact)
    return claims, facts


def make_queries(claims, facts, k: int, seed: int = 2):
    rng = random.Random(seed)
    picked = rng.sample(range(len(claims)), k)
    out = []
    for i in picked:
        anonymous = rng.random() < 0.4
        text, fig = phrase(
            facts[i], rng.randint(1, 2), rng.randint(1, 4), anonymous=anonymous, reword=True
        )
        # Extraction names the claimant when the sentence attributes it (half the time).
        claimant = facts[i]["co"] if rng.random() < 0.5 else None
        out.append((claims[i].id, text, [fig], claimant))
    return out


def average_precision_at_5(ranked: list[str], relevant: str) -> float:
    return 1.0 / (ranked.index(relevant) + 1) if relevant in ranked[:5] else 0.0


_WORD = re.compile(r"\w+")


def jaccard_rank(tokens_by_id, text: str, top: int = 5) -> list[str]:
    words = set(_WORD.findall(text.casefold()))
    scored = []
    for cid, tokens in tokens_by_id:
        union = words | tokens
        if union:
            scored.append((len(words & tokens) / len(union), cid))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [cid for _, cid in scored[:top]]


def brute_force_rank(claim_feats, text, figures, claimant, n, df, top: int = 5) -> list[str]:
    q = features(text, figures, claimant)

    def weight(w):
        return idf(df.get(w, 0), n)

    scored = sorted(((-score(q, f, weight), cid) for cid, f in claim_feats.items()))
    return [cid for _, cid in scored[:top]]


def write_workspace(root: Path, claims: list[Claim]) -> Workspace:
    """Record files in the exact on-disk format, without fsync (generated data, like
    benchmarks/synth.py), and the case index built from them. What is measured afterwards
    (linking an article) uses claimtrack's normal, fsynced writes."""
    ws, _ = Workspace.init(root)
    folder = root / "claims"
    for c in claims:
        with open(folder / f"{c.id}.json", "wb") as fh:
            fh.write(dump_record(c))
    ws.reindex()
    return ws


def article(claims, facts, rng: random.Random, serial: int) -> tuple[Source, list]:
    """12 sentences: 4 repeats (paraphrased) of tracked claims, 7 new claims, 1 non-answer."""
    sentences = []
    pos = 0

    def add(text, fig, claimant=None, nonanswer=False):
        nonlocal pos
        if fig is not None:
            at = text.index(fig.text)
            fig = fig.model_copy(update={"start": pos + at, "end": pos + at + len(fig.text)})
        sentences.append(
            ExtractedSentence(
                sentence=text,
                start=pos,
                end=pos + len(text),
                is_claim=not nonanswer,
                claimant=claimant,
                nonanswer=nonanswer,
                figures=[fig] if fig else [],
            )
        )
        pos += len(text) + 1

    for i in rng.sample(range(len(claims)), 4):
        text, fig = phrase(facts[i], rng.randint(1, 2), rng.randint(1, 4), reword=True)
        add(text, fig, claims[i].claimant)
    fresh = random.Random(10_000 + serial)
    # Companies the workspace has never heard of (the generator's names have 2 or 3 syllables).
    companies = [company(fresh) + "ex" + company(fresh).lower() for _ in range(7)]
    for j in range(7):
        fact = make_fact(fresh, companies)
        fact["co"] = companies[j]
        text, fig = phrase(fact, 0, 0)
        add(text, fig)
    add("A spokesperson declined to say how the figures were calculated.", None, nonanswer=True)
    return Source(id=f"s-{0xABC000 + serial:012x}", url=f"https://example.org/{serial}"), sentences


def bench_quality(n: int, k: int) -> None:
    claims, facts = make_claims(n)
    queries = make_queries(claims, facts, k)
    print(f"Matching {k} paraphrased queries against {n:,} claims")

    t = time.perf_counter()
    index = ClaimIndex(claims)
    build = time.perf_counter() - t

    t, cpu = time.perf_counter(), time.process_time()
    ours = [index.query(text, figs, top=5, claimant=who) for _, text, figs, who in queries]
    ours_time = (time.perf_counter() - t) / k
    ours_cpu = (time.process_time() - cpu) / k
    ours_map = statistics.mean(
        average_precision_at_5([m.claim for m in found], rel)
        for (rel, _, _, _), found in zip(queries, ours, strict=True)
    )

    from claimtrack.search import MemorySearch

    bm25_index = MemorySearch(claims)
    t = time.perf_counter()
    bm25 = [[cid for cid, _ in bm25_index.search(text, 5)] for _, text, _, _ in queries]
    bm25_time = (time.perf_counter() - t) / k
    bm25_map = statistics.mean(
        average_precision_at_5(r, rel) for (rel, _, _, _), r in zip(queries, bm25, strict=True)
    )

    tokens = [(c.id, set(_WORD.findall(c.text.casefold()))) for c in claims]
    sample = queries[: max(1, k // 4)]
    t = time.perf_counter()
    jac = [jaccard_rank(tokens, text) for _, text, _, _ in sample]
    jac_time = (time.perf_counter() - t) / len(sample)
    jac_all = jac + [jaccard_rank(tokens, text) for _, text, _, _ in queries[len(sample) :]]
    jac_map = statistics.mean(
        average_precision_at_5(r, rel) for (rel, _, _, _), r in zip(queries, jac_all, strict=True)
    )

    feats = {c.id: claim_features(c) for c in claims}
    df: dict[str, int] = {}
    for f in feats.values():
        for w in f.words:
            df[w] = df.get(w, 0) + 1
    t = time.perf_counter()
    brute = [brute_force_rank(feats, text, figs, who, n, df) for _, text, figs, who in sample]
    brute_time = (time.perf_counter() - t) / len(sample)
    brute_map = statistics.mean(
        average_precision_at_5(r, rel) for (rel, _, _, _), r in zip(sample, brute, strict=True)
    )
    ours_sample_map = statistics.mean(
        average_precision_at_5([m.claim for m in found], rel)
        for (rel, _, _, _), found in zip(sample, ours[: len(sample)], strict=True)
    )

    with scratch.folder("bench_matching_") as tmp:
        from claimtrack.linking import Matcher

        ws = write_workspace(Path(tmp) / "ws", claims)
        matcher = Matcher(ws)
        t, cpu = time.perf_counter(), time.process_time()
        persisted = [
            matcher.rank(features(text, figs, who), text, top=5) for _, text, figs, who in queries
        ]
        cold_time = (time.perf_counter() - t) / k
        cold_cpu = (time.process_time() - cpu) / k
        persisted_map = statistics.mean(
            average_precision_at_5([m.claim for m in found], rel)
            for (rel, _, _, _), found in zip(queries, persisted, strict=True)
        )

    print(f"  {'method':<44} {'MAP@5':>6} {'ms/query':>9} {'vs baseline':>12}")
    print(
        f"  {'baseline: word overlap, every claim':<44} {jac_map:>6.3f} "
        f"{jac_time * 1e3:>9.2f} {1.0:>11.2f}x"
    )
    print(
        f"  {'claimtrack score, every claim (no index)':<44} {brute_map:>6.3f} "
        f"{brute_time * 1e3:>9.2f} {brute_time / jac_time:>11.2f}x"
        f"   (MAP on the same {len(sample)} queries; index: {ours_sample_map:.3f})"
    )
    print(
        f"  {'BM25 alone (claimtrack.search)':<44} {bm25_map:>6.3f} "
        f"{bm25_time * 1e3:>9.2f} {bm25_time / jac_time:>11.2f}x"
    )
    print(
        f"  {'claimtrack ClaimIndex (BM25 + rerank)':<44} {ours_map:>6.3f} "
        f"{ours_time * 1e3:>9.2f} {ours_time / jac_time:>11.2f}x   (built in {build:.2f} s; "
        f"processor time {ours_cpu * 1e3:.2f} ms/query)"
    )
    print(
        f"  {'claimtrack case index (search + rerank)':<44} {persisted_map:>6.3f} "
        f"{cold_time * 1e3:>9.2f} {cold_time / jac_time:>11.2f}x   "
        f"(processor time {cold_cpu * 1e3:.2f} ms/query)"
    )


def bench_import(n: int) -> None:
    from claimtrack.importer import import_items, parse

    claims, _ = make_claims(n, seed=3)
    lines = "".join(
        json.dumps({"text": c.text, "claimant": c.claimant, "ref": f"ref-{i}"}) + "\n"
        for i, c in enumerate(claims)
    )
    with scratch.folder("bench_matching_") as tmp:
        ws, _ = Workspace.init(Path(tmp) / "ws")
        t = time.perf_counter()
        result = import_items(ws, parse(lines))
        took = time.perf_counter() - t
    print(
        f"\nImport of {n:,} claims (JSON Lines, figures read, index updated): {took:.1f} s "
        f"({len(result.new_claims):,} new; {took / n * 1e3:.2f} ms a claim)"
    )


class _IOCount:
    """Counts the files linking writes (which, unlike the time, does not depend on other
    programs' disk traffic)."""

    def __init__(self):
        import claimtrack.atomic as atomic_module

        self.module = atomic_module
        self.reads = self.read_bytes = self.writes = 0

    def __enter__(self):
        module = self.module
        self.saved = (module.atomic_write, module.write_batch)
        write, batch = self.saved

        def counted_write(path, data, **kw):
            self.writes += 1
            return write(path, data, **kw)

        def counted_batch(blobs, records):
            self.writes += len(blobs) + len(records)
            return batch(blobs, records)

        module.atomic_write = counted_write
        module.write_batch = counted_batch
        return self

    def __exit__(self, *exc):
        self.module.atomic_write, self.module.write_batch = self.saved


def bench_attach_curve(sizes: list[int], articles: int = 5) -> None:
    print("\nLinking one more article (12 sentences) as the workspace grows")
    print(
        f"  {'claims':>8} {'ms/article':>11} {'vs smallest':>12} {'shards read':>12} "
        f"{'KB read':>8} {'files written':>14} {'new/matched':>12} {'build (s)':>10}"
    )
    base = None
    biggest = max(sizes)
    all_claims, all_facts = make_claims(biggest, seed=5)
    with scratch.folder("bench_matching_") as tmp:  # warm up: imports, caches
        ws = write_workspace(Path(tmp) / "ws", all_claims[:100])
        attach(ws, *article(all_claims[:100], all_facts[:100], random.Random(0), 99))
    for size in sizes:
        claims, facts = all_claims[:size], all_facts[:size]
        with scratch.folder("bench_matching_") as tmp:
            t = time.perf_counter()
            ws = write_workspace(Path(tmp) / "ws", claims)
            build = time.perf_counter() - t
            rng = random.Random(size)
            times, new, matched = [], 0, 0
            with _IOCount() as io:
                for serial in range(articles):
                    source, sentences = article(claims, facts, rng, serial)
                    t = time.perf_counter()
                    result = attach(ws, source, sentences)
                    times.append(time.perf_counter() - t)
                    new += len(result.new_claims)
                    matched += len(result.matched_claims)
            took = statistics.median(times)
        base = base or took
        print(
            f"  {size:>8,} {took * 1e3:>11.1f} {took / base:>11.2f}x "
            f"{io.reads / articles:>12.0f} {io.read_bytes / articles / 1024:>8.0f} "
            f"{io.writes / articles:>14.0f} {f'{new}/{matched}':>12} {build:>10.1f}"
        )
        sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument(
        "--import",
        dest="import_claims",
        action="store_true",
        help="Also time importing --claims claims as JSON Lines (slow: every record is fsynced).",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1704067200")
    bench_quality(args.claims, args.queries)
    if args.import_claims:
        bench_import(args.claims)
    bench_attach_curve([int(s) for s in args.sizes.split(",") if s])
    return 0


if __name__ == "__main__":
    sys.exit(main())
