"""Both embedding models' cosines in the semantic ranking, on CheckThat! 2020 task 2: an
experiment, not shipped, kept so that the result can be checked again.

    python benchmarks/two_models.py

Ranks each tweet's candidates (BM25's top 100 and the 10 claims nearest in meaning, as
``claimtrack.semantic.semantic_match``) by the ranking features (``RANKING_FEATURES``) and the
cosine of the bundled all-MiniLM-L6-v2, of multilingual-e5-small (the ``semantic-e5`` extra),
or both. For the two models the claims by meaning are MiniLM's 10 nearest, or the union of
each model's 10 nearest. Each design's weights are fitted as ``bench_checkthat.py --fit`` fits
them (pairwise logistic regression, on the first 600 training tweets and the generated figure
paraphrases); C (0.1, 1, 10 or 100) is chosen by a 4-fold cross-validation over the 600
tweets (the paraphrases always fitted on); the last 200 training tweets and dev are only
reported. The shipped rankings (``ranking.json``'s ``semantic`` and
``semantic:multilingual-e5-small`` weights) are measured in the same run; their ``cv`` column
is their mean over the same folds (they were fitted on all 600). Also printed: the time per
query of the MiniLM and two-model pipelines, and per design the held-out and dev tweets whose
average precision differs from the refitted MiniLM-only design's.

Result (2026-11-29): both cosines gain 0.001 in cross-validation and one held-out tweet
(0.9306 against 0.9303; shipped 0.9310), dev 0.921 to 0.924: short of 0.93, at about three
times the time per query.

Uses the claim embeddings cached by ``bench_checkthat.py --semantic`` (``.cache/``); missing
ones are computed (multilingual-e5-small: several minutes for the 10,193 claims).
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import numpy as np
from bench_checkthat import (
    CANDIDATES,
    PARAPHRASE_SEEDS,
    REPO,
    TUNE,
    average_precision_at_5,
    fit_weights,
    load_claims,
    load_queries,
    mean_ap,
    order,
    paraphrase_rows,
)

FOLDS = 4
CS = (0.1, 1.0, 10.0, 100.0)


def now() -> np.ndarray:
    """Wall-clock and processor time (s)."""
    return np.array([time.perf_counter(), time.process_time()])


def main() -> int:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from bench_matching import make_claims

    from claimtrack.match import RANKING_FEATURES, features, ranking_model, rerank
    from claimtrack.search import MemorySearch
    from claimtrack.semantic import (
        DEEP,
        E5,
        EmbeddingCache,
        NearestClaims,
        claim_text,
        load_embedder,
        query_text,
    )

    claims, of_ref = load_claims()
    train, dev = load_queries("train", of_ref), load_queries("dev", of_ref)
    search = MemorySearch(claims.values())
    cache = EmbeddingCache.in_folder(REPO / ".cache")
    models = {"mini": load_embedder(), "e5": load_embedder(E5)}
    texts = [(c.id, claim_text(c)) for c in claims.values()]
    t = time.perf_counter()
    near = {k: NearestClaims(m, cache, texts) for k, m in models.items()}
    print(f"claim embeddings of both models in {time.perf_counter() - t:.1f} s (cached)")
    vec = {k: dict(zip(n.ids, n.matrix, strict=True)) for k, n in near.items()}

    pools = ("mini", "e5", "union")
    rows: dict[str, list] = {p: [] for p in pools}
    times: dict[str, list[np.ndarray]] = {"mini": [], "union": []}
    for _, text, _ in train + dev:
        t0 = now()
        q = {"mini": models["mini"].embed_query(query_text(text))}
        t1 = now()
        q["e5"] = models["e5"].embed_query(query_text(text))
        t2 = now()
        found = search.search(text, max(DEEP, CANDIDATES))
        scores = dict(found)
        nearest = {k: near[k].nearest(q[k]) for k in models}
        t3 = now()
        by_meaning = {
            "mini": nearest["mini"],
            "e5": nearest["e5"],
            "union": nearest["mini"] + nearest["e5"],
        }
        feats = features(text)
        for p in pools:
            t4 = now()
            pool = found[:CANDIDATES]
            have = {c for c, _ in pool}
            for c in by_meaning[p]:
                if c not in have:
                    have.add(c)
                    pool.append((c, scores.get(c, 0.0)))
            ranked = rerank(feats, [(claims[c], s) for c, s in pool], top=len(pool))
            rows[p].append(
                [
                    (
                        m.claim,
                        (
                            *m.signals,
                            round(float(vec["mini"][m.claim] @ q["mini"]), 4),
                            round(float(vec["e5"][m.claim] @ q["e5"]), 4),
                        ),
                    )
                    for m in ranked
                ]
            )
            if p in times:  # each design's query: embeddings, search, nearest, ranking
                embed = (t1 - t0) + ((t2 - t1) if p == "union" else 0.0)
                times[p].append(embed + (t3 - t2) + now() - t4)

    # The generated figure paraphrases (fitted on, as bench_checkthat.py --fit), both cosines.
    para_queries, para_core = paraphrase_rows(False)
    para_claims = {c.id: c for c in make_claims(10_000, seed=PARAPHRASE_SEEDS[0])[0]}
    para_rows = []
    for (_, text, _), cands in zip(para_queries, para_core["core"], strict=True):
        cos = {}
        for k, m in models.items():
            qv = m.embed_query(query_text(text))
            vs = cache.vectors(m, [para_claims[c] for c, _ in cands])
            cos[k] = {c: round(float(vs[c] @ qv), 4) for c, _ in cands}
        para_rows.append([(c, (*sig, cos["mini"][c], cos["e5"][c])) for c, sig in cands])

    n = len(RANKING_FEATURES)
    designs = {
        "MiniLM only (shipped design, refitted)": ("mini", [*range(n), n]),
        "e5 only": ("e5", [*range(n), n + 1]),
        "both cosines, MiniLM's 10 nearest": ("mini", [*range(n), n, n + 1]),
        "both cosines, union of the 10 nearest": ("union", [*range(n), n, n + 1]),
    }
    names = [*RANKING_FEATURES, "cosine", "cosine_e5"]
    folds = np.array_split(np.arange(TUNE), FOLDS)
    qs = {"tune": train[:TUNE], "held-out": train[TUNE:], "dev": dev}

    def split(p: str, cols: list[int]) -> dict[str, list]:
        pick = [[(c, tuple(s[i] for i in cols)) for c, s in r] for r in rows[p]]
        return {"tune": pick[:TUNE], "held-out": pick[TUNE : len(train)], "dev": pick[len(train) :]}

    print(
        f"\n{TUNE} tweets fitted on (with {len(para_queries)} figure paraphrases), "
        f"C by {FOLDS}-fold cross-validation over the {TUNE}; MAP@5"
    )
    print(f"  {'design':<44} {'C':>4} {'cv':>7} {'tune':>7} {'held-out':>9} {'dev':>7}")
    for label, kind, p, cols in (
        ("MiniLM only, shipped weights (semantic_match)", "semantic", "mini", [*range(n), n]),
        ("e5 only, shipped weights", f"semantic:{E5}", "e5", [*range(n), n + 1]),
    ):
        shipped = list(ranking_model(kind).weights)
        by = split(p, cols)
        cv = statistics.mean(
            mean_ap(order([by["tune"][i] for i in f], shipped), [qs["tune"][i] for i in f])
            for f in folds
        )
        print(
            f"  {label:<44} {'':>4} {cv:>7.4f} "
            + " ".join(
                f"{mean_ap(order(by[s], shipped), qs[s]):>{w}.4f}"
                for s, w in (("tune", 7), ("held-out", 9), ("dev", 7))
            )
        )
    aps: dict[str, dict[str, np.ndarray]] = {}
    for label, (p, cols) in designs.items():
        by = split(p, cols)
        para = [[(c, tuple(s[i] for i in cols)) for c, s in r] for r in para_rows]
        feat_names = [names[i] for i in cols]
        cvs = {}
        for c in CS:
            scores = []
            for f in folds:
                rest = [i for i in range(TUNE) if i not in set(f)]
                w = fit_weights(
                    [by["tune"][i] for i in rest] + para,
                    [qs["tune"][i] for i in rest] + para_queries,
                    c,
                    feat_names,
                )
                scores.append(
                    mean_ap(order([by["tune"][i] for i in f], w), [qs["tune"][i] for i in f])
                )
            cvs[c] = statistics.mean(scores)
        best = max(CS, key=lambda c: (cvs[c], c == 1.0))
        w = fit_weights(by["tune"] + para, qs["tune"] + para_queries, best, feat_names)
        aps[label] = {
            s: np.array(
                [
                    average_precision_at_5(r, rel)
                    for r, (_, _, rel) in zip(order(by[s], w), qs[s], strict=True)
                ]
            )
            for s in ("held-out", "dev")
        }
        print(
            f"  {label:<44} {best:>4g} {cvs[best]:>7.4f} "
            + " ".join(
                f"{mean_ap(order(by[s], w), qs[s]):>{wd}.4f}"
                for s, wd in (("tune", 7), ("held-out", 9), ("dev", 7))
            )
        )
        print(
            "      cv by C: "
            + ", ".join(f"{c:g} {v:.4f}" for c, v in cvs.items())
            + "; weights: "
            + ", ".join(f"{nm} {x:+.3f}" for nm, x in zip(feat_names, w, strict=True))
        )
    for p, label in (("mini", "MiniLM only"), ("union", "two models, union")):
        per = np.array(times[p]) * 1e3
        print(
            f"ms/query, {label} (embeddings, search, nearest, ranking; {len(per)} tweets): "
            f"wall mean {per[:, 0].mean():.1f} median {np.median(per[:, 0]):.1f}; "
            f"processor mean {per[:, 1].mean():.1f}"
        )
    base = aps["MiniLM only (shipped design, refitted)"]
    for label, ap in aps.items():
        print(
            f"  {label:<44} against MiniLM only, refitted: "
            + "; ".join(
                f"{s} {int((ap[s] > base[s] + 1e-9).sum())} tweets better, "
                f"{int((ap[s] < base[s] - 1e-9).sum())} worse"
                for s in ("held-out", "dev")
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
