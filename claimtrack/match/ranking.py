"""The second stage of matching, learned: ``rerank`` orders the first stage's candidates
(``claimtrack.search``'s BM25) by a linear ranking model over a few features of each (query,
claim) pair (``RANKING_FEATURES``: the first-stage score, the same-claim score, figures that
agree or clash, shared letter trigrams and words), with weights fitted on data and shipped in
``claimtrack/data/ranking.json``."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .features import Features, claim_features
from .same_claim import idf, is_same_claim, score

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ..models import Claim


@dataclass(frozen=True)
class Match:
    """A claim id, how surely it is the claim the query states (``score`` in [0, 1]; 1: same
    wording and figures; ``is_same_claim``), and the ``relevance`` it was ranked by (the
    first-stage score, ``score`` and the other ranking features combined; see ``rerank``)."""

    claim: str
    score: float
    relevance: float = 0.0
    signals: tuple[float, ...] = field(default=(), compare=False, repr=False)
    """The ranking features ``rerank`` computed (``RANKING_FEATURES``), for re-ranking again
    with more of them (``claimtrack.semantic``)."""


RANKING_FEATURES = (
    "search",  # the first-stage (BM25) score as a share of the best candidate's
    "same_claim",  # the same-claim score (``score``)
    "taken_as_same",  # 1 when that score says "the same claim" (``is_same_claim``)
    "figures_agree",  # 1 when a figure of the query agrees with one of the claim
    "figures_clash",  # 1 when both state figures and none agree
    "trigrams",  # cosine of their letter trigrams, weighted by rarity among the candidates
    "tokens",  # cosine of all their words, unstemmed, weighted by rarity among the candidates
    "word_vectors",  # cosine of their static word vectors (``claimtrack.wordvectors``),
    # the query without a post's signature (``without_signature``)
)
"""What ``rerank`` knows about each candidate; the ranking value is a weighted sum of them."""

FIXED_WEIGHTS = {"taken_as_same": 100.0}
"""Weights set by rule, not fitted: a claim the same-claim score takes to be the one the query
states (``is_same_claim``) ranks above every claim it does not, so ``match`` lists first the
claim linking would attach to. Tweets cannot teach this (those claims are near-copies that
BM25 already ranks first); figure paraphrases ("700 staff" for "700 agents") need it."""


class RankingModel:
    """A linear ranking model: one weight per feature (``RANKING_FEATURES``, plus ``cosine``
    for the semantic extra's), fitted as a pairwise logistic regression on training tweets of
    CLEF CheckThat! 2020 task 2 and on generated figure paraphrases
    (``benchmarks/bench_checkthat.py --fit``) and shipped in ``claimtrack/data/ranking.json``;
    ``FIXED_WEIGHTS`` are set by rule. ``value`` is the ranking value, rounded so that equal
    candidates tie on any machine (and are then ordered by id)."""

    def __init__(self, names: tuple[str, ...], weights: dict[str, float]):
        weights = {**weights, **{n: w for n, w in FIXED_WEIGHTS.items() if n in names}}
        missing = [n for n in names if n not in weights]
        if missing:
            raise ValueError(f"ranking model without weights for {', '.join(missing)}")
        self.names = names
        self.weights = tuple(float(weights[n]) for n in names)

    def value(self, signals: Iterable[float]) -> float:
        return round(sum(w * x for w, x in zip(self.weights, signals, strict=True)), 4)


@functools.lru_cache(maxsize=1)
def ranking_models() -> dict[str, dict[str, float]]:
    """The shipped ranking models' weights by kind (``claimtrack/data/ranking.json``)."""
    import json
    from importlib.resources import files

    data = json.loads(files("claimtrack").joinpath("data/ranking.json").read_text("utf-8"))
    return {kind: model["weights"] for kind, model in data["models"].items()}


@functools.lru_cache(maxsize=8)
def ranking_model(kind: str = "core") -> RankingModel:
    """A shipped ranking model: ``core`` (``RANKING_FEATURES``), or ``semantic`` /
    ``semantic:<embedding model>`` (the same features and the cosine similarity of the
    semantic extra's embeddings; ``claimtrack.semantic.semantic_kind``)."""
    names = RANKING_FEATURES + (("cosine",) if kind.startswith("semantic") else ())
    return RankingModel(names, ranking_models()[kind])


_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class _Surface:
    """The surface of a text the ranking compares: its letter trigrams and its words, each
    weighted 1 + log of its count, with the norm of those weights."""

    trigrams: dict[str, float]
    trigram_norm: float
    tokens: dict[str, float]
    token_norm: float


_LOG_COUNT = [0.0] + [1.0 + math.log(n) for n in range(1, 64)]


def _weights(items: Iterable[str]) -> tuple[dict[str, float], float]:
    counts = Counter(items)
    weights = {k: _LOG_COUNT[n] if n < 64 else 1.0 + math.log(n) for k, n in counts.items()}
    return weights, math.hypot(*weights.values())


@functools.lru_cache(maxsize=131072)
def _surface(text: str) -> _Surface:
    tokens = _TOKEN.findall(text.casefold())
    joined = f" {' '.join(tokens)} "
    return _Surface(
        *_weights(joined[i : i + 3] for i in range(len(joined) - 2)),
        *_weights(tokens),
    )


def _local_cosines(
    query: dict[str, float], others: list[tuple[dict[str, float], float]]
) -> list[float]:
    """Cosine of ``query`` with each of ``others`` (weights, norm), each key weighted by its
    rarity among them (what tells the candidates apart, not what they all share with the
    query)."""
    shared = [query.keys() & o.keys() for o, _ in others]
    df = dict.fromkeys(query, 0)
    for keys in shared:
        for k in keys:
            df[k] += 1
    m = len(others) + 1
    idf = {k: math.log(m / (d + 0.5)) for k, d in df.items()}
    q = {k: w * idf[k] for k, w in query.items()}
    q_norm = math.hypot(*q.values())
    qi = {k: w * idf[k] for k, w in q.items()}
    out = []
    for (other, norm), keys in zip(others, shared, strict=True):
        # The candidate's norm is without the rarity weights: they are known for the query's
        # keys only, and the norm is there to account for the candidate's length.
        if keys and q_norm and norm:
            out.append(sum([qi[k] * other[k] for k in keys]) / (q_norm * norm))
        else:
            out.append(0.0)
    return out


_SIGNATURE = re.compile(
    r"(?:\s?[—–]\s?|\s-\s)[^—–()]{0,100}\([^()]*\) \w+ \d{1,2}, \d{4}$"
    r"|\s\([^()]*\) \w+ \d{1,2}, \d{4}$"
)


def without_signature(text: str) -> str:
    """``text`` (read as prose, ``search.prepare``) without the signature an embedded post
    ends with ("... — Ilhan Omar (Ilhan MN) January 6, 2020"; when a web address swallowed
    the dash, the handle and date only).

    >>> without_signature("Trump needs to divest. — Ilhan Omar (Ilhan MN) January 6, 2020")
    'Trump needs to divest.'
    """
    if not text.endswith(tuple("0123456789")):
        return text
    return _SIGNATURE.sub("", text)


_VECTORS: dict[str, npt.NDArray[np.float32]] = {}
_VECTORS_KEPT = 65536
"""Texts whose word vectors are kept (about 1 KB each): every claim that was a candidate,
up to this many."""


def word_vector_cosines(query: str, texts: list[str]) -> list[float]:
    """Cosine of the static word vectors (``claimtrack.wordvectors``: mean token vectors of
    WordLlama's model) of ``query`` and each of ``texts``, rounded so that it is the same on
    any machine. A text's vector is computed once and kept."""
    import numpy as np

    from .. import wordvectors

    missing = list(dict.fromkeys(t for t in [query, *texts] if t not in _VECTORS))
    if missing:
        if len(_VECTORS) + len(missing) > _VECTORS_KEPT:
            _VECTORS.clear()
        _VECTORS.update(zip(missing, wordvectors.vectors(missing), strict=True))
    q = _VECTORS[query]
    if not texts:
        return []
    cosines = np.stack([_VECTORS[t] for t in texts]) @ q
    return [round(float(c), 4) for c in cosines]


def ranking_signals(
    query: Features, pool: list[tuple[Features, float]], same_claim: list[float]
) -> list[tuple[float, ...]]:
    """The ranking features (``RANKING_FEATURES``) of each candidate in ``pool`` ((features,
    first-stage score)), given their same-claim scores."""
    best = max((s for _, s in pool), default=0.0)
    q = _surface(query.text)
    surfaces = [_surface(f.text) for f, _ in pool]
    trigrams = _local_cosines(q.trigrams, [(s.trigrams, s.trigram_norm) for s in surfaces])
    tokens = _local_cosines(q.tokens, [(s.tokens, s.token_norm) for s in surfaces])
    # Who posted it and when help the words find the claim, not the word vectors.
    vectors = word_vector_cosines(without_signature(query.text), [f.text for f, _ in pool])
    rows: list[tuple[float, ...]] = []
    for (feats, first), same, tri, tok, vec in zip(
        pool, same_claim, trigrams, tokens, vectors, strict=True
    ):
        agree = clash = 0.0
        if query.figures and feats.figures:
            if any(f.agrees(g) for f in query.figures for g in feats.figures):
                agree = 1.0
            else:
                clash = 1.0
        share = first / best if best > 0 else 0.0
        taken = 1.0 if is_same_claim(same) else 0.0
        rows.append((round(share, 6), same, taken, agree, clash, round(tri, 6), round(tok, 6), vec))
    return rows


def rerank(
    query: Features,
    candidates: Iterable[tuple[Claim, float]],
    *,
    top: int = 5,
    n: int | None = None,
    df: Callable[[str], int] | None = None,
) -> list[Match]:
    """The second stage of matching: order first-stage candidates, best ``top`` first.

    ``candidates`` are (claim, first-stage score) pairs, e.g. from ``Store.search`` or
    ``MemorySearch.search``. Each gets its same-claim score (``score``: figures that agree
    within rounding and qualifier, compatible units, shared subject words, the same claimant;
    figures that disagree pull it down), which is ``Match.score`` and decides "same claim"
    (``is_same_claim``). Candidates are ordered by ``Match.relevance``: the learned ranking
    model (``ranking_model``) over ``RANKING_FEATURES`` (the first-stage score as a share of
    the best one, the same-claim score, figures that agree or clash, and how much of their
    letter trigrams and words they share, weighted by rarity among the candidates), kept as
    ``Match.signals``.

    Word weights are the words' rarity among the candidates, or among ``n`` claims when
    ``n`` and ``df(word)`` (how many of them hold the word) are given.
    """
    pool = [(c, claim_features(c), s) for c, s in candidates]
    if not pool or top <= 0:
        return []
    if df is None or n is None:
        counts: dict[str, int] = {}
        for _, f, _ in pool:
            for w in f.words:
                counts[w] = counts.get(w, 0) + 1
        n = len(pool)

        def df(word: str) -> int:
            return counts.get(word, 0)

    total = n
    weights: dict[str, float] = {}

    def weight(word: str) -> float:
        w = weights.get(word)
        if w is None:
            w = weights[word] = idf(df(word), total)
        return w

    same = [round(score(query, feats, weight), 4) for _, feats, _ in pool]
    signals = ranking_signals(query, [(f, s) for _, f, s in pool], same)
    model = ranking_model()
    ranked = [
        Match(claim.id, sc, model.value(row), row)
        for (claim, _, _), sc, row in zip(pool, same, signals, strict=True)
    ]
    ranked.sort(key=lambda m: (-m.relevance, m.claim))
    return ranked[:top]
