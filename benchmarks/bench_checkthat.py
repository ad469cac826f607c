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


TUNE = 600
"""The first 600 training tweets fit the ranking models; the other 200 are held out."""


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
        self.semantic: list = []
        self.times_semantic: list[float] = []
        if semantic:
            self._semantic()

    def _semantic(self) -> None:
        from claimtrack.semantic import EmbeddingCache, load_embedder, semantic_rerank

        self.embedder = load_embedder()
        self.cache = EmbeddingCache.in_folder(REPO / ".cache")
        t = time.perf_counter()
        self.cache.vectors(self.embedder, self.claims.values())  # computed once, then cached
        self.embed_all = time.perf_counter() - t
        for (_, text, _), ranked in zip(self.queries, self.core, strict=True):
            t = time.perf_counter()
            fused = semantic_rerank(
                text, ranked, self.claims, self.embedder, self.cache, top=CANDIDATES
            )
            self.times_semantic.append(time.perf_counter() - t)
            self.semantic.append(fused)

    def subset(self, idx: list[int]) -> Runs:
        """The same runs for the queries at ``idx`` only."""
        part = object.__new__(Runs)
        part.__dict__.update(self.__dict__)
        for name in (
            "queries",
            "found",
            "core",
            "times_bm25",
            "times_core",
            "semantic",
            "times_semantic",
        ):
            items = getattr(self, name)
            setattr(part, name, [items[i] for i in idx] if items else [])
        return part

    def bm25(self) -> list[list[str]]:
        return [[c for c, _ in f][:5] for f in self.found]

    def signals(self, semantic: bool) -> list[list[tuple[str, tuple[float, ...]]]]:
        """Per query, each candidate's ranking features (with the cosine for ``semantic``)."""
        if semantic:
            return [[(m.claim, m.signals) for m in fused] for fused in self.semantic]
        return [[(m.claim, m.signals) for m in ranked] for ranked in self.core]


def order(rows, weights) -> list[list[str]]:
    """Rankings of candidates' features under ``weights`` (as ``RankingModel.value``)."""
    from claimtrack.match import RankingModel

    model = RankingModel(
        tuple(map(str, range(len(weights)))),
        dict(zip(map(str, range(len(weights))), weights, strict=True)),
    )
    out = []
    for cands in rows:
        keyed = sorted((-model.value(sig), c) for c, sig in cands)
        out.append([c for _, c in keyed[:5]])
    return out


def fit_weights(rows, queries, c: float = 1.0) -> list[float]:
    """A pairwise logistic regression: for each query, the features of its relevant claim
    minus those of each other candidate, against their negation (scikit-learn). The features
    with a fixed weight (``match.FIXED_WEIGHTS``) keep it and are left out of the fit."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from claimtrack.match import FIXED_WEIGHTS, RANKING_FEATURES

    names = [*RANKING_FEATURES, "cosine"][: len(rows[0][0][1])]
    free = [i for i, n in enumerate(names) if n not in FIXED_WEIGHTS]
    diffs = []
    for cands, (_, _, relevant) in zip(rows, queries, strict=True):
        pos = [np.array(sig)[free] for cid, sig in cands if cid in relevant]
        neg = np.array([sig for cid, sig in cands if cid not in relevant])
        for p in pos:
            if len(neg):
                d = p - neg[:, free]
                diffs.append(d[np.abs(d).sum(axis=1) > 1e-9])
    x = np.vstack(diffs)
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=5000)
    model.fit(np.vstack([x, -x]), np.r_[np.ones(len(x)), np.zeros(len(x))])
    fitted = dict(zip(free, (round(float(w), 4) for w in model.coef_[0]), strict=True))
    return [fitted.get(i, FIXED_WEIGHTS.get(n, 0.0)) for i, n in enumerate(names)]


PARAPHRASE_SEEDS = (11, 12)
"""Seeds of the generated figure paraphrases fitted on (``bench_matching.py`` measures its own
set, made with seeds 1 and 2)."""


def paraphrase_rows(semantic: bool, k: int = 200):
    """Figure paraphrases to fit on beside the tweets (tweets hardly state figures, so they
    cannot teach what agreeing figures are worth): ``bench_matching``'s generator with other
    seeds, 10,000 claims and ``k`` queries, ranked as ``match`` ranks them. Returns the
    queries (as ``load_queries`` gives them) and each one's candidates' ranking features."""
    from bench_matching import make_claims, make_queries

    from claimtrack.match import ClaimIndex

    claims, facts = make_claims(10_000, seed=PARAPHRASE_SEEDS[0])
    queries = make_queries(claims, facts, k, seed=PARAPHRASE_SEEDS[1])
    index = ClaimIndex(claims)
    ranked = [
        index.query(text, figs, top=CANDIDATES, claimant=who) for _, text, figs, who in queries
    ]
    rows = {"core": [[(m.claim, m.signals) for m in r] for r in ranked]}
    if semantic:
        from claimtrack.semantic import EmbeddingCache, load_embedder, semantic_rerank

        embedder = load_embedder()
        cache = EmbeddingCache.in_folder(REPO / ".cache")
        by_id = {c.id: c for c in claims}
        rows["semantic"] = [
            [
                (m.claim, m.signals)
                for m in semantic_rerank(text, r, by_id, embedder, cache, top=CANDIDATES)
            ]
            for (_, text, _, _), r in zip(queries, ranked, strict=True)
        ]
    return [(rel, text, {rel}) for rel, text, _, _ in queries], rows


def fit(train: Runs, write: bool) -> None:
    """Fit the core (and with --semantic the semantic) ranking model on the first TUNE
    training tweets and on generated figure paraphrases; report the tweets fitted on and the
    held-out rest; with ``write``, ship the weights."""
    from claimtrack.match import FIXED_WEIGHTS, RANKING_FEATURES, ranking_model

    tune = train.subset(list(range(TUNE)))
    held = train.subset(list(range(TUNE, len(train.queries))))
    para_queries, para_rows = paraphrase_rows(bool(train.semantic))
    print(
        f"Fitting on {len(tune.queries)} training tweets and {len(para_queries)} figure "
        f"paraphrases (seeds {PARAPHRASE_SEEDS}); {len(held.queries)} tweets held out"
    )
    kinds = ["core"] + (["semantic"] if train.semantic else [])
    fitted = {}
    for kind in kinds:
        names = RANKING_FEATURES + (("cosine",) if kind == "semantic" else ())
        sem = kind == "semantic"
        tune_rows, held_rows = tune.signals(sem), held.signals(sem)
        rows, queries = tune_rows + para_rows[kind], tune.queries + para_queries

        def line(label, w, tune_rows=tune_rows, held_rows=held_rows, kind=kind):
            print(
                f"  {kind:<8} {label:<8}: tune {mean_ap(order(tune_rows, w), tune.queries):.4f}"
                f"  held-out {mean_ap(order(held_rows, w), held.queries):.4f}"
                f"  paraphrases {mean_ap(order(para_rows[kind], w), para_queries):.4f}"
            )

        for c in (0.1, 1.0, 10.0):
            w = fit_weights(rows, queries, c)
            line(f"C={c}", w)
            if c == 1.0:
                fitted[kind] = dict(zip(names, w, strict=True))
        line("shipped", list(ranking_model(kind).weights))
        for name, w in fitted[kind].items():
            print(f"    {name:<14} {w:+.4f}")
    if write:
        path = REPO / "claimtrack" / "data" / "ranking.json"
        data = json.loads(path.read_text("utf-8")) if path.exists() else {"models": {}}
        for kind, weights in fitted.items():
            data["models"][kind] = {
                "fitted_on": f"CLEF CheckThat! 2020 task 2, the first {TUNE} training tweets; "
                f"{len(para_queries)} figure paraphrases generated by bench_matching.py "
                f"(seeds {PARAPHRASE_SEEDS[0]}, {PARAPHRASE_SEEDS[1]})",
                "method": "pairwise logistic regression (scikit-learn, C=1)",
                "weights": {n: w for n, w in weights.items() if n not in FIXED_WEIGHTS},
            }
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(REPO)} ({', '.join(fitted)})")


def report(runs: Runs, label: str) -> None:
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
    if runs.semantic:
        sem = mean_ap([[m.claim for m in r][:5] for r in runs.semantic], qs)
        t_sem = t_core + statistics.mean(runs.times_semantic)
        print(
            f"  {'claimtrack + semantic (' + runs.embedder.name + ')':<48} {sem:>6.3f} "
            f"{sem - bm25:>+8.3f} {t_sem * 1e3:>9.2f} {t_sem / t_bm25:>7.2f}x"
        )


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
    parser.add_argument("--fit", action="store_true", help="Fit the ranking models on train.")
    parser.add_argument("--write", action="store_true", help="With --fit: ship the weights.")
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
        fit(Runs(claims, load_queries("train", of_ref), args.semantic), args.write)
        return 0
    train = load_queries("train", of_ref)[TUNE:]
    for split, queries in ((args.split, load_queries(args.split, of_ref)), ("held-out", train)):
        if split == "held-out" and args.split == "train":
            continue
        runs = Runs(claims, queries, args.semantic)
        label = split if split != "held-out" else f"train, held out (tweets {TUNE + 1}-800)"
        report(runs, label)
        if runs.semantic:
            print(f"  (claims embedded once and cached: {runs.embed_all:.1f} s this run)")
    print(f"  (search table built in {runs.build:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
