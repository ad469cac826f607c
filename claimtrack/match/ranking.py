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
from itertools import chain
from typing import TYPE_CHECKING

from .features import Features, claim_features
from .same_claim import MATCH_THRESHOLD, ONE_SIDED_FIGURES, idf, is_same_claim, score

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
    ends with ("... — Dana Reyes (dana reyes) March 3, 2021"; when a web address swallowed
    the dash, the handle and date only).

    >>> without_signature("The levy doubled in a year. — Dana Reyes (dana reyes) March 3, 2021")
    'The levy doubled in a year.'
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


def _pool(
    candidates: Iterable[tuple[Claim, float]],
    n: int | None,
    df: Callable[[str], int] | None,
    features_of: Callable[[Claim], Features] = claim_features,
    asked: frozenset[str] | None = None,
) -> tuple[list[tuple[Claim, Features, float]], Callable[[str], float]]:
    """The candidates with their features (``features_of``), and the word weights the
    same-claim score uses: each word's rarity among the candidates, or among ``n`` claims when
    ``n`` and ``df`` are given. The candidates' words are counted when a weight is first asked
    for (most pools ``best_same_claim`` sees need none); only the words ``asked`` when given
    (the query's: ``score`` weighs no other), and any other when it is asked for."""
    pool = [(c, features_of(c), s) for c, s in candidates]
    if df is None or n is None:
        counts: Counter[str] = Counter()
        n = len(pool)

        def df(word: str) -> int:
            if asked is not None and word not in asked:
                return sum(1 for _, f, _ in pool if word in f.words)
            if not counts:
                held = (f.words for _, f, _ in pool)
                counts.update(
                    chain.from_iterable(held if asked is None else map(asked.intersection, held))
                )
            return counts[word]

    total = n
    weights: dict[str, float] = {}

    def weight(word: str) -> float:
        w = weights.get(word)
        if w is None:
            w = weights[word] = idf(df(word), total)
        return w

    return pool, weight


def _ranked(
    query: Features, pool: list[tuple[Claim, Features, float]], same: list[float]
) -> list[Match]:
    """The pool as matches with their same-claim scores ``same``, best ``relevance`` first."""
    signals = ranking_signals(query, [(f, s) for _, f, s in pool], same)
    model = ranking_model()
    ranked = [
        Match(claim.id, sc, model.value(row), row)
        for (claim, _, _), sc, row in zip(pool, same, signals, strict=True)
    ]
    ranked.sort(key=lambda m: (-m.relevance, m.claim))
    return ranked


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
    pool, weight = _pool(candidates, n, df)
    if not pool or top <= 0:
        return []
    same = [round(score(query, feats, weight), 4) for _, feats, _ in pool]
    return _ranked(query, pool, same)[:top]


def best_same_claim(
    query: Features,
    candidates: Iterable[tuple[Claim, float]],
    *,
    top: int = 3,
    n: int | None = None,
    df: Callable[[str], int] | None = None,
    features_of: Callable[[Claim], Features] = claim_features,
) -> Match | None:
    """The claim linking takes ``query`` to state: of the ``top`` candidates ``rerank`` ranks
    first, the one with the highest same-claim score that ``is_same_claim`` accepts (ties: the
    lower id); None when none of them is. ``features_of``: ``claim_features``, or a caller's
    store of them (linking keeps each claim's for a batch).

    The answer of ``rerank(query, candidates, top=top)`` filtered by ``is_same_claim``, without
    ranking when it need not: ``taken_as_same`` outweighs every other ranking feature
    (``FIXED_WEIGHTS``; ``_same_claim_ranks_first`` checks it for the model and the pool), so
    the candidates ``is_same_claim`` accepts rank above all the others. When no more than
    ``top`` are accepted, they are the accepted ones among the first ``top``, and their
    relevance is not needed. The returned match carries no relevance or signals.
    """
    pool, weight = _pool(candidates, n, df, features_of, frozenset(query.words))
    if not pool or top <= 0:
        return None
    # Word weights are rarities among the pool's candidates unless ``n`` and ``df`` are given.
    may_be = _SameClaimBound(query, len(pool) if n is None or df is None else None).may_be
    accepted = []
    for claim, feats, _ in pool:
        if may_be(feats):
            same = round(score(query, feats, weight), 4)
            if is_same_claim(same):
                accepted.append(Match(claim.id, same))
    if len(accepted) > top or (accepted and not _same_claim_ranks_first(pool)):
        # Which of them are the first ``top`` is the ranking model's call.
        scores = [round(score(query, feats, weight), 4) for _, feats, _ in pool]
        ranked = _ranked(query, pool, scores)[:top]
        accepted = [m for m in ranked if is_same_claim(m.score)]
    return min(accepted, key=lambda m: (-m.score, m.claim), default=None)


def could_be_same_claim(
    query: Features,
    claims: Iterable[Features],
    pool: int | None = None,
    *,
    unseen: Iterable[str] = (),
) -> bool:
    """False when none of ``claims`` can be the claim ``query`` states, whatever the word
    weights, or, given ``pool``, whatever the rarities among at most that many candidates
    (the bound ``best_same_claim`` spares candidates with): then ``best_same_claim`` over
    any of them (in a pool of at most ``pool``) is None.

    ``unseen``: words of ``query`` that none of the claims the candidates are drawn from
    holds (as rare as a word can be in any pool of them; only read with ``pool``)."""
    return any(map(_SameClaimBound(query, pool, unseen).may_be, claims))


_LEAST = MATCH_THRESHOLD - 1e-3
"""What a candidate's bound must reach for its same-claim score to be worked out (below
``MATCH_THRESHOLD`` by more than rounding)."""


class _SameClaimBound:
    """The most ``score(query, claim, weight)`` can be (``bound``), whatever the word weights,
    or, given ``pool``, whatever the rarities among at most that many candidates, from counts
    of shared words: it spares most candidates (9 in 10 when ingesting news) their same-claim
    score. ``unseen``: words of the query that no candidate holds (only read with ``pool``).

    ``score`` is at most ``0.1 + 0.9 r``, ``r`` its value before the claimant and the names
    are weighed (the same claimant raises it that much; another one or other names lower
    it). The word overlaps are ``sqrt(cover * shared / claim's)`` with ``cover`` (the
    weighted share of the query's words) at most 1, or less with word weights that are
    rarities among at most ``pool`` candidates (``_cover_terms``). ``r`` is the lexical
    overlap ``L``, times ``ONE_SIDED_FIGURES`` when one side states figures, times 0.4 when
    both do and none agree, and ``0.5 L + (1 - 0.5 L) * 0.8 * subject`` at most when some
    agree, with ``subject`` at most ``min(1, overlap of the subject words / 0.25)``.
    tests/test_best_same_claim.py checks it against ``score`` on many pairs and weights.
    """

    __slots__ = ("figures", "subject", "words", "_subject_cover", "_word_cover")

    def __init__(self, query: Features, pool: int | None = None, unseen: Iterable[str] = ()):
        # ``features`` gives the words and subject words sorted and unique.
        self.words = frozenset(query.words)
        self.subject = frozenset(query.subject)
        self.figures = query.figures
        missing = self.words.intersection(unseen) if pool is not None else frozenset()
        self._word_cover = _cover_terms(len(self.words), pool, len(missing))
        self._subject_cover = _cover_terms(
            len(self.subject), pool, len(self.subject.intersection(missing))
        )

    def bound(self, claim: Features, need: float = 0.0) -> float:
        """The bound for ``claim``. When figures on both sides could at best give less than
        ``need``, that is returned without comparing them (the bound is below ``need``
        whether they agree or not). A claim that shares no word with the query is at most
        0.1 (no subject word either: they are words)."""
        shared = len(self.words.intersection(claim.words))
        if not shared:
            return 0.1
        lexical = math.sqrt(_cover(shared, self._word_cover) * shared / len(claim.words))
        if self.figures and claim.figures:
            common = len(self.subject.intersection(claim.subject))
            overlap = (
                math.sqrt(_cover(common, self._subject_cover) * common / len(claim.subject))
                if common
                else 0.0
            )
            # Agreeing figures allow the most (0.4 * lexical when none agree is never more).
            bound = 0.5 * lexical + (1 - 0.5 * lexical) * 0.8 * min(1.0, overlap / 0.25)
            if 0.1 + 0.9 * bound < need:
                return 0.1 + 0.9 * bound
            if not any(f.agrees(g) for f in self.figures for g in claim.figures):
                bound = 0.4 * lexical
        elif self.figures or claim.figures:
            bound = lexical * ONE_SIDED_FIGURES
        else:
            bound = lexical
        return 0.1 + 0.9 * bound

    def may_be(self, claim: Features) -> bool:
        """False when ``claim`` cannot be the claim the query states (its bound is below
        ``MATCH_THRESHOLD``)."""
        return self.bound(claim, _LEAST) >= _LEAST


_CoverTerms = tuple[int, float, float] | None
"""``_cover_terms``: (query words, and what the share's denominator adds per shared word
and in all), or None when the share is at most 1 and no less."""


def _cover_terms(words: int, pool: int | None, unseen: int = 0) -> _CoverTerms:
    """What bounds the weighted share of ``words`` query words that some of them, shared with
    a claim, make (``_cover``): at most 1 whatever the weights. With rarities among ``m``, at
    most ``pool``, candidates (``idf(df, m)``), one of them the claim, which holds the
    shared words: a shared word weighs at most ``idf(1, m)``, each of the ``unseen`` words
    (which no candidate holds; never shared) ``idf(0, m)``, any other at least
    ``idf(m, m) = log 2``. Over the weight of a shared word, both of the others fall as
    ``m`` grows, so the share is largest for ``m = pool``: ``s / (s + unseen * rare +
    (words - s - unseen) * other)`` for ``s`` shared words, with the weights as ratios to a
    shared word's."""
    if pool is None:
        return None
    rare, other = _rarity_ratios(pool)
    return (words, 1.0 - other, unseen * rare + (words - unseen) * other)


def _cover(shared: int, terms: _CoverTerms) -> float:
    """The most the weighted share of the query's words that ``shared`` of them make can be
    (``_cover_terms``)."""
    if terms is None or shared >= terms[0]:
        return 1.0
    return shared / (shared * terms[1] + terms[2])


@functools.lru_cache(maxsize=256)
def _rarity_ratios(pool: int) -> tuple[float, float]:
    """Among ``pool`` candidates, the weight of a word no candidate holds and the least weight
    of a word, each over the most a word one of them holds can weigh."""
    most = idf(1, pool)
    return idf(0, pool) / most, idf(pool, pool) / most


def _same_claim_ranks_first(pool: list[tuple[Claim, Features, float]]) -> bool:
    """True when, for this pool, the ranking model values every candidate ``is_same_claim``
    accepts above every candidate it does not, whatever their other features: the fixed
    weight of ``taken_as_same`` exceeds the most the other features can add up to.

    Their ranges: ``search`` a share of the best first-stage score (in [0, 1] when no score is
    negative), ``same_claim`` in [0, 1] (accepted from ``MATCH_THRESHOLD``), the figure flags
    0 or 1, the rarity-weighted cosines in [0, log(m / 1.5)] for a pool of m - 1
    candidates (``_local_cosines``: a cosine, times at most the largest idf of a shared key),
    and the word vectors' cosine in [-1, 1].
    """
    if any(s < 0 for _, _, s in pool):
        return False
    cosine = math.log((len(pool) + 1) / 1.5)
    ranges = {
        "search": (0.0, 1.0),
        "figures_agree": (0.0, 1.0),
        "figures_clash": (0.0, 1.0),
        "trigrams": (0.0, cosine),
        "tokens": (0.0, cosine),
        "word_vectors": (-1.0, 1.0),  # the cosine of two unit vectors
    }
    accepted_low = other_high = 0.0
    for name, w in zip(ranking_model().names, ranking_model().weights, strict=True):
        if name == "taken_as_same":
            accepted_low += w
        elif name == "same_claim":
            accepted_low += min(w * MATCH_THRESHOLD, w)
            other_high += max(0.0, w * MATCH_THRESHOLD)
        elif name in ranges:
            lo, hi = ranges[name]
            accepted_low += min(w * lo, w * hi)
            other_high += max(w * lo, w * hi)
        else:
            return False  # a feature whose range is not known here
    return accepted_low - other_high > 0.01  # beyond rounding (``RankingModel.value``)
