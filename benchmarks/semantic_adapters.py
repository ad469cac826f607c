"""Learned adapters on the semantic extra's frozen embeddings, on CheckThat! 2020 task 2: tried
and left out (docs/linking.md), kept so that the result can be checked again.

    python benchmarks/semantic_adapters.py

Everything is fitted on the first 600 training tweets only, and each setting is chosen by a
4-fold cross-validation over those 600; the last 200 training tweets (held out) and dev are
only reported, beside the shipped ranking (``claimtrack.semantic.semantic_rerank``) measured
in the same run. Compared, over the same candidates (BM25's top 100, ranked by
``match.rerank``):

- a linear map of the query embedding (identity plus a learned part with an L2 penalty;
  softmax loss over each tweet's candidates; numpy gradient descent), the ranking's other
  weights kept or fitted with it; and a re-weighting of the embedding's dimensions (diagonal);
- the cosine relative to the best candidate's, and its rank, as more ranking features
  (pairwise logistic regression, as ``bench_checkthat.py --fit``);
- candidates by meaning: the 10 claims nearest in embedding added to BM25's 100.

Uses the claim embeddings cached by ``bench_checkthat.py --semantic`` (``.cache/``).
"""

from __future__ import annotations

import os
import sys

import numpy as np
from bench_checkthat import (
    CANDIDATES,
    TUNE,
    Runs,
    average_precision_at_5,
    fit_weights,
    load_claims,
    load_queries,
    mean_ap,
    order,
)

from claimtrack.match import RANKING_FEATURES

FOLDS = 4
COS = len(RANKING_FEATURES)
"""The column of the cosine among a candidate's features (after ``RANKING_FEATURES``)."""


def arrays(runs: Runs, qvec: np.ndarray, index: dict[str, int]) -> dict:
    """Each tweet's candidates as padded arrays: ranking features with the cosine (F), a mask
    (M), relevance (Y), the row of each claim's embedding (R), and the query vectors (Q)."""
    n = len(runs.queries)
    width = max(len(fused) for fused in runs.semantic)  # BM25's 100 and those by meaning
    f = np.zeros((n, width, COS + 1))
    m = np.zeros((n, width), bool)
    y = np.zeros((n, width))
    r = np.zeros((n, width), np.int64)
    ids = []
    for k, (fused, (_, _, relevant)) in enumerate(zip(runs.semantic, runs.queries, strict=True)):
        ids.append([x.claim for x in fused])
        for j, x in enumerate(fused):
            f[k, j], m[k, j], y[k, j], r[k, j] = (
                x.signals,
                True,
                x.claim in relevant,
                index[x.claim],
            )
    return {"F": f, "M": m, "Y": y, "R": r, "Q": qvec, "ids": ids, "queries": runs.queries}


def part(a: dict, idx) -> dict:
    return {k: v[idx] if isinstance(v, np.ndarray) else [v[i] for i in idx] for k, v in a.items()}


def map5(a: dict, scores: np.ndarray) -> float:
    """MAP@5 of ranking each tweet's candidates by ``scores`` (rounded, ties by id, as
    ``match.RankingModel`` ranks)."""
    aps = []
    for k, (_, _, relevant) in enumerate(a["queries"]):
        ids = a["ids"][k]
        ranked = sorted(range(len(ids)), key=lambda j: (-round(float(scores[k, j]), 4), ids[j]))
        aps.append(average_precision_at_5([ids[j] for j in ranked], relevant))
    return float(np.mean(aps))


class QueryMap:
    """Ranking value ``F[:COS] @ w + a * (c . (q + D q))`` with ``D`` (a matrix, or a vector for
    a diagonal map) learned from zero; ``w`` and ``a`` start at the shipped weights."""

    def __init__(self, shipped: np.ndarray, lam: float, diagonal: bool, fit_rest: bool):
        self.w, self.a = shipped[:COS].copy(), float(shipped[COS])
        self.lam, self.diagonal, self.fit_rest = lam, diagonal, fit_rest
        self.d: np.ndarray = np.zeros(0)

    def query(self, q: np.ndarray) -> np.ndarray:
        return q * (1 + self.d) if self.diagonal else q + q @ self.d.T

    def scores(self, a: dict, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cos = np.einsum("nkd,nd->nk", vectors[a["R"]], self.query(a["Q"])) * a["M"]
        return a["F"][..., :COS] @ self.w + self.a * cos, cos

    def fit(self, a: dict, vectors: np.ndarray, epochs: int, rate: float) -> QueryMap:
        dim = vectors.shape[1]
        self.d = np.zeros(dim) if self.diagonal else np.zeros((dim, dim))
        cands = vectors[a["R"]] * a["M"][..., None]
        target = a["Y"] / np.maximum(a["Y"].sum(1, keepdims=True), 1)
        has = (a["Y"].sum(1) > 0)[:, None] / max(1, int((a["Y"].sum(1) > 0).sum()))
        moments = [[np.zeros_like(self.d), np.zeros(COS), 0.0] for _ in range(2)]
        for t in range(1, epochs + 1):
            s, cos = self.scores(a, vectors)
            s = np.where(a["M"], s, -1e9)
            p = np.exp(s - s.max(1, keepdims=True))
            g = (p / p.sum(1, keepdims=True) - target) * has  # softmax loss gradient
            gu = self.a * np.einsum("nk,nkd->nd", g, cands)
            gd = (gu * a["Q"]).sum(0) if self.diagonal else gu.T @ a["Q"]
            gw = np.einsum("nk,nkf->f", g, a["F"][..., :COS]) * self.fit_rest
            gw[2] = 0.0  # taken_as_same keeps its rule weight
            grads = [gd + 2 * self.lam * self.d, gw, float((g * cos).sum()) * self.fit_rest]
            params = [self.d, self.w, self.a]
            for i, grad in enumerate(grads):  # Adam
                moments[0][i] = 0.9 * moments[0][i] + 0.1 * grad
                moments[1][i] = 0.999 * moments[1][i] + 0.001 * np.square(grad)
                step = (moments[0][i] / (1 - 0.9**t)) / (
                    np.sqrt(moments[1][i] / (1 - 0.999**t)) + 1e-8
                )
                params[i] = params[i] - rate * step
            self.d, self.w, self.a = params[0], params[1], float(params[2])
        return self


def relative_features(a: dict) -> np.ndarray:
    """The ranking features, then the cosine minus the best candidate's, 1 for the candidate
    nearest in meaning, and 1 / (1 + its rank by cosine)."""
    cos = np.where(a["M"], a["F"][..., COS], -9.0)
    rank = (-cos).argsort(1).argsort(1)
    extra = [cos - cos.max(1, keepdims=True), rank == 0, 1.0 / (1 + rank)]
    return np.concatenate([a["F"], np.stack(extra, -1) * a["M"][..., None]], -1)


def pairwise_fit(x: np.ndarray, a: dict, cols: list[int]) -> np.ndarray:
    """Pairwise logistic regression (C=1) over the features ``cols`` (relevant minus other)."""
    from sklearn.linear_model import LogisticRegression

    diffs = []
    for k in range(len(a["queries"])):
        pos = x[k][(a["Y"][k] > 0) & a["M"][k]][:, cols]
        neg = x[k][(a["Y"][k] == 0) & a["M"][k]][:, cols]
        for p in pos:
            d = p - neg
            diffs.append(d[np.abs(d).sum(1) > 1e-9])
    d = np.vstack(diffs)
    model = LogisticRegression(C=1.0, fit_intercept=False, max_iter=5000)
    model.fit(np.vstack([d, -d]), np.r_[np.ones(len(d)), np.zeros(len(d))])
    return np.asarray(model.coef_[0])


def main() -> int:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from claimtrack.match import features, ranking_model, rerank
    from claimtrack.semantic import query_text, semantic_rerank

    claims, of_ref = load_claims()
    train = Runs(claims, load_queries("train", of_ref), True)
    dev = Runs(claims, load_queries("dev", of_ref), True)
    embedder, cache = train.embedder, train.cache
    by_id = cache.vectors(embedder, claims.values())
    ids = list(by_id)
    vectors = np.vstack([by_id[c] for c in ids])
    index = {c: i for i, c in enumerate(ids)}

    def queries(runs: Runs) -> np.ndarray:
        return np.asarray(embedder.embed([query_text(t) for _, t, _ in runs.queries]))

    everything = arrays(train, queries(train), index)
    tune, held = part(everything, range(TUNE)), part(everything, range(TUNE, 800))
    sets = {"tune": tune, "held-out": held, "dev": arrays(dev, queries(dev), index)}
    folds = np.array_split(np.arange(TUNE), FOLDS)
    shipped = np.array(ranking_model("semantic").weights)

    def line(label: str, cv: float, score) -> None:
        print(
            f"  {label:<52} cv {cv:.4f}  "
            + "  ".join(f"{n} {map5(a, score(a)):.4f}" for n, a in sets.items())
        )

    print(f"{TUNE} tweets fitted on, {FOLDS}-fold cross-validation over them")
    line(
        "shipped ranking (semantic_rerank)",
        float(np.mean([map5(part(tune, f), part(tune, f)["F"] @ shipped) for f in folds])),
        lambda a: a["F"] @ shipped,
    )
    maps = {
        "query map 384x384, L2 0.1, ranking weights refitted": (0.1, False, True, 200, 1e-3),
        "query map 384x384, L2 1, ranking weights kept": (1.0, False, False, 300, 1e-3),
        "query map 384x384, no penalty, weights kept": (0.0, False, False, 100, 1e-3),
        "diagonal re-weighting, weights kept": (0.0, True, False, 100, 1e-2),
    }
    for label, (lam, diagonal, rest, epochs, rate) in maps.items():
        cv = []
        for f in folds:
            fit_on = part(tune, np.setdiff1d(np.arange(TUNE), f))
            adapter = QueryMap(shipped, lam, diagonal, rest).fit(fit_on, vectors, epochs, rate)
            cv.append(map5(part(tune, f), adapter.scores(part(tune, f), vectors)[0]))
        adapter = QueryMap(shipped, lam, diagonal, rest).fit(tune, vectors, epochs, rate)
        line(label, float(np.mean(cv)), lambda a, m=adapter: m.scores(a, vectors)[0])

    extended = {n: relative_features(a) for n, a in sets.items()}
    base = [i for i in range(COS + 1) if i != 2]  # taken_as_same keeps its rule weight
    for label, cols in {
        "ranking refitted (pairwise, C=1)": base,
        "+ cosine minus the best candidate's": [*base, COS + 1],
        "+ nearest in meaning, 1 / (1 + rank by cosine)": [*base, COS + 2, COS + 3],
    }.items():
        x = extended["tune"]
        cv = []
        for f in folds:
            rest = np.setdiff1d(np.arange(TUNE), f)
            w = pairwise_fit(x[rest], part(tune, rest), cols)
            cv.append(map5(part(tune, f), x[f][..., cols] @ w + 100 * tune["F"][f][..., 2]))
        w = pairwise_fit(x, tune, cols)
        scored = {n: e[..., cols] @ w + 100 * sets[n]["F"][..., 2] for n, e in extended.items()}
        print(
            f"  {label:<52} cv {np.mean(cv):.4f}  "
            + "  ".join(f"{n} {map5(a, scored[n]):.4f}" for n, a in sets.items())
        )

    print(f"candidates by meaning: the {NEAREST} nearest claims added to BM25's {CANDIDATES}")
    rows: dict[str, list] = {}
    for name, runs in (("train", train), ("dev", dev)):
        near = np.argsort(-(queries(runs) @ vectors.T), axis=1)[:, :NEAREST]
        rows[name] = []
        recall = []
        for (_, text, relevant), found, top in zip(runs.queries, runs.found, near, strict=True):
            have = {c for c, _ in found}
            pool = [(claims[c], s) for c, s in found]
            pool += [(claims[ids[j]], 0.0) for j in top if ids[j] not in have]
            recall.append(bool(relevant & ({c for c, _ in found} | {ids[j] for j in top})))
            ranked = rerank(features(text), pool, top=len(pool))
            fused = semantic_rerank(text, ranked, claims, embedder, cache, top=len(pool))
            rows[name].append([(m.claim, m.signals) for m in fused])
        print(f"  {name}: a relevant claim among the candidates for {np.mean(recall):.1%}")
    hybrid = {
        "tune": (rows["train"][:TUNE], train.queries[:TUNE]),
        "held-out": (rows["train"][TUNE:], train.queries[TUNE:]),
        "dev": (rows["dev"], dev.queries),
    }
    refitted = fit_weights(*hybrid["tune"])
    for label, w in (("shipped ranking", list(shipped)), ("ranking refitted", refitted)):
        print(
            f"  {label:<52} "
            + "  ".join(f"{n} {mean_ap(order(r, w), q):.4f}" for n, (r, q) in hybrid.items())
        )
    print("(claim embeddings from .cache/, as bench_checkthat.py --semantic caches them)")
    return 0


NEAREST = 10

if __name__ == "__main__":
    sys.exit(main())
