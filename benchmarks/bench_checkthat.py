"""Claim matching on a public benchmark: CLEF 2020 CheckThat! task 2 (English tweets against
10,375 fact-checked claims; is this tweet a claim we have already checked?).

    python benchmarks/bench_checkthat.py [--split dev] [--semantic] [--fit] [--export DIR]

Reads ``<repo>/../shared/datasets/checkthat2020-t2`` (never copied into the repository). The
claims are made as ``claimtrack import`` makes them (id from the text, the fact-check title as
``title``, the vclaim id as ``ref``, figures read from the text), so ``--export DIR`` writes
``claims.jsonl`` and ``<split>-tweets.jsonl`` for the same run from the command line:

    claimtrack init ws && claimtrack --workspace ws import DIR/claims.jsonl
    claimtrack --workspace ws match --from DIR/dev-tweets.jsonl --json > out.jsonl
    python benchmarks/bench_checkthat.py --score out.jsonl --split dev

Prints MAP@5 (the task's measure; a query's relevant claims in the top 5, averaged precision)
and the time per query on one core, for BM25 alone (claimtrack.search: the first stage, ranked
as it comes) as the baseline, claimtrack's core (BM25 + match.rerank), and with ``--semantic``
the semantic extra (claimtrack.semantic) on top. Tune with ``--fit`` on the training tweets
only: it searches ``match.RELEVANCE_WEIGHTS["same_claim"]`` and ``semantic.SEMANTIC_WEIGHT``
on the first 600 training tweets and reports the other 200 (never tuned on) and dev.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "datasets" / "checkthat2020-t2"
CANDIDATES = 100


def read_tsv(path: Path) -> list[list[str]]:
    csv.field_size_limit(1 << 30)
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh, delimiter="\t"))[1:]


def load_claims():
    """The verified claims as ``claimtrack import`` makes them, and vclaim id -> claim id
    (claims whose text is the same once normalised are one claim, as on import)."""
    from claimtrack.ids import make_id
    from claimtrack.linking import figures_of
    from claimtrack.models import Claim

    claims: dict[str, Claim] = {}
    of_ref: dict[str, str] = {}
    for ref, text, title in read_tsv(DATA / "verified_claims.docs.tsv"):
        cid = make_id("claim", text, None)
        of_ref[ref] = cid
        if cid not in claims:
            claims[cid] = Claim(
                id=cid, text=text, title=title or None, ref=ref, figures=figures_of(text)
            )
    return claims, of_ref


def load_queries(split: str, of_ref: dict[str, str]) -> list[tuple[str, str, set[str]]]:
    relevant: dict[str, set[str]] = defaultdict(set)
    for line in open(DATA / split / "tweet-vclaim-pairs.qrels", encoding="utf-8"):
        tweet, _, ref, grade = line.split()
        if int(grade) > 0:
            relevant[tweet].add(of_ref[ref])
    return [
        (qid, text, relevant[qid]) for qid, text in read_tsv(DATA / split / "tweets.queries.tsv")
    ]


def average_precision_at_5(ranked: list[str], relevant: set[str]) -> float:
    hits, total = 0, 0.0
    for i, cid in enumerate(ranked[:5]):
        if cid in relevant:
            hits += 1
            total += hits / (i + 1)
    return total / min(len(relevant), 5) if relevant else 0.0


def mean_ap(rankings: list[list[str]], queries) -> float:
    return statistics.mean(
        average_precision_at_5(r, rel) for r, (_, _, rel) in zip(rankings, queries, strict=True)
    )


class Runs:
    """First-stage candidates and their re-ranking, per query, computed once."""

    def __init__(self, claims, queries, semantic: bool):
        from claimtrack.match import features, rerank
        from claimtrack.search import MemorySearch

        self.claims, self.queries = claims, queries
        t = time.perf_counter()
        self.search = MemorySearch(claims.values())
        self.build = time.perf_counter() - t
        self.found, self.core, self.times_bm25, self.times_core = [], [], [], []
        for _, text, _ in queries:
            t = time.perf_counter()
            found = self.search.search(text, CANDIDATES)
            t1 = time.perf_counter()
            ranked = rerank(features(text), [(claims[c], s) for c, s in found], top=CANDIDATES)
            t2 = time.perf_counter()
            self.found.append(found)
            self.core.append(ranked)
            self.times_bm25.append(t1 - t)
            self.times_core.append(t2 - t)
        self.embedder = self.cache = None
        self.cosines: list[dict[str, float]] = []
        self.times_semantic: list[float] = []
        if semantic:
            self._semantic()

    def _semantic(self) -> None:
        from claimtrack.search import prepare
        from claimtrack.semantic import EmbeddingCache, load_embedder

        self.embedder = load_embedder()
        self.cache = EmbeddingCache.in_folder(REPO / ".cache")
        t = time.perf_counter()
        self.cache.vectors(self.embedder, self.claims.values())  # computed once, then cached
        self.embed_all = time.perf_counter() - t
        for (_, text, _), ranked in zip(self.queries, self.core, strict=True):
            t = time.perf_counter()
            q = self.embedder.embed([prepare(text)])[0]
            vecs = self.cache.vectors(self.embedder, [self.claims[m.claim] for m in ranked])
            self.cosines.append({cid: float(v @ q) for cid, v in vecs.items()})
            self.times_semantic.append(time.perf_counter() - t)

    def bm25(self, idx=None) -> list[list[str]]:
        return [[c for c, _ in f][:5] for f in self._pick(self.found, idx)]

    def rerank_order(self, same_weight: float, semantic_weight: float = 0.0, idx=None):
        """Rankings with other weights, from the stored first-stage scores and same-claim
        scores (what rerank computes, re-combined)."""
        out = []
        for found, ranked, cos in zip(
            self._pick(self.found, idx),
            self._pick(self.core, idx),
            self._pick(self.cosines or [{}] * len(self.found), idx),
            strict=True,
        ):
            best = found[0][1] if found else 0.0
            first = dict(found)
            keyed = []
            for m in ranked:
                rel = first[m.claim] / best + same_weight * m.score
                rel += semantic_weight * cos.get(m.claim, 0.0)
                keyed.append((-rel, m.claim))
            keyed.sort()
            out.append([c for _, c in keyed[:5]])
        return out

    @staticmethod
    def _pick(items, idx):
        return items if idx is None else [items[i] for i in idx]


def fit(runs: Runs, dev: Runs | None) -> None:
    from claimtrack.match import RELEVANCE_WEIGHTS
    from claimtrack.semantic import SEMANTIC_WEIGHT

    tune = list(range(min(600, len(runs.queries))))
    held = list(range(len(tune), len(runs.queries)))
    qs = runs.queries

    def score(idx, order):
        return mean_ap(order, [qs[i] for i in idx])

    print(f"Fitting on {len(tune)} training tweets; {len(held)} held out (never tuned on)")
    grid = [0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0, 1.5, 2.0]
    best = max(grid, key=lambda w: (score(tune, runs.rerank_order(w, idx=tune)), -w))
    for w in grid:
        mark = "  <- best" if w == best else ""
        print(
            f"  same_claim {w:<4}: tune {score(tune, runs.rerank_order(w, idx=tune)):.4f}  "
            f"held-out {score(held, runs.rerank_order(w, idx=held)):.4f}{mark}"
        )
    print(f"  (current RELEVANCE_WEIGHTS: {RELEVANCE_WEIGHTS})")
    if runs.cosines:
        same = RELEVANCE_WEIGHTS["same_claim"]
        sgrid = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0]
        sbest = max(sgrid, key=lambda w: score(tune, runs.rerank_order(same, w, idx=tune)))
        for w in sgrid:
            mark = "  <- best" if w == sbest else ""
            print(
                f"  semantic {w:<4}: tune {score(tune, runs.rerank_order(same, w, idx=tune)):.4f}"
                f"  held-out {score(held, runs.rerank_order(same, w, idx=held)):.4f}{mark}"
            )
        print(f"  (current SEMANTIC_WEIGHT: {SEMANTIC_WEIGHT})")


def report(runs: Runs, label: str) -> None:
    from claimtrack.semantic import SEMANTIC_WEIGHT

    qs = runs.queries
    bm25 = mean_ap(runs.bm25(), qs)
    core = mean_ap([[m.claim for m in r][:5] for r in runs.core], qs)
    t_bm25 = statistics.mean(runs.times_bm25)
    t_core = statistics.mean(runs.times_core)
    print(f"\n{label}: {len(qs)} tweets against {len(runs.claims):,} claims (MAP@5)")
    print(f"  {'method':<48} {'MAP@5':>6} {'vs BM25':>8} {'ms/query':>9} {'vs BM25':>8}")
    print(
        f"  {'BM25 alone (claimtrack.search, first stage)':<48} {bm25:>6.3f} {'':>8} "
        f"{t_bm25 * 1e3:>9.2f} {1.0:>7.2f}x"
    )
    print(
        f"  {'claimtrack core (BM25 top 100 + match.rerank)':<48} {core:>6.3f} "
        f"{core - bm25:>+8.3f} {t_core * 1e3:>9.2f} {t_core / t_bm25:>7.2f}x"
    )
    if runs.cosines:
        from claimtrack.match import RELEVANCE_WEIGHTS

        sem = mean_ap(runs.rerank_order(RELEVANCE_WEIGHTS["same_claim"], SEMANTIC_WEIGHT), qs)
        t_sem = t_core + statistics.mean(runs.times_semantic)
        print(
            f"  {'claimtrack + semantic (' + runs.embedder.name + ')':<48} {sem:>6.3f} "
            f"{sem - bm25:>+8.3f} {t_sem * 1e3:>9.2f} {t_sem / t_bm25:>7.2f}x"
        )
        print(f"  (claims embedded once and cached: {runs.embed_all:.1f} s this run)")
    print(f"  (search table built in {runs.build:.2f} s)")


def export(claims, queries_by_split, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "claims.jsonl", "w", encoding="utf-8") as fh:
        for ref, text, title in read_tsv(DATA / "verified_claims.docs.tsv"):
            fh.write(json.dumps({"text": text, "title": title, "ref": ref}) + "\n")
    for split, queries in queries_by_split.items():
        with open(folder / f"{split}-tweets.jsonl", "w", encoding="utf-8") as fh:
            for qid, text, _ in queries:
                fh.write(json.dumps({"id": qid, "text": text}) + "\n")
    print(f"wrote {folder}/claims.jsonl and the tweets ({', '.join(queries_by_split)})")


def score_cli(path: Path, queries) -> None:
    """MAP@5 of the JSON Lines that ``claimtrack match --from ... --json`` printed."""
    ranked = {}
    for line in open(path, encoding="utf-8"):
        row = json.loads(line)
        ranked[str(row["id"])] = [m["claim"] for m in row["matches"]]
    print(
        f"claimtrack match --json: MAP@5 {mean_ap([ranked[q] for q, _, _ in queries], queries):.3f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", choices=["train", "dev"])
    parser.add_argument("--semantic", action="store_true", help="Also the semantic extra.")
    parser.add_argument("--fit", action="store_true", help="Fit the weights on train.")
    parser.add_argument("--export", type=Path, help="Write the JSON Lines for the CLI run.")
    parser.add_argument("--score", type=Path, help="Score a `claimtrack match --json` output.")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"no data at {DATA}", file=sys.stderr)
        return 1
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    t = time.perf_counter()
    claims, of_ref = load_claims()
    print(f"{len(claims):,} claims made as import makes them in {time.perf_counter() - t:.1f} s")
    if args.export:
        export(claims, {s: load_queries(s, of_ref) for s in ("train", "dev")}, args.export)
        return 0
    if args.score:
        score_cli(args.score, load_queries(args.split, of_ref))
        return 0
    if args.fit:
        train = Runs(claims, load_queries("train", of_ref), args.semantic)
        fit(train, None)
        report(train, "train (fitted on its first 600)")
        return 0
    runs = Runs(claims, load_queries(args.split, of_ref), args.semantic)
    report(runs, args.split)
    return 0


if __name__ == "__main__":
    sys.exit(main())
