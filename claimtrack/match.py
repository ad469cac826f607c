"""Claim matching: is this sentence an appearance of a claim we already track?

Matching is a pure function of text and figures; no workspace is needed. It weighs three kinds
of evidence:

- **figures**: the normalised values (within rounding and qualifier: "nearly 2,000" agrees with
  1,950, not with 1,000) of the same kind of number. Agreeing figures plus shared subject words
  are strong evidence of the same claim even when the counted noun is worded differently ("the
  work of 700 people" / "700 full-time agents"); figures that disagree are strong evidence of a
  different claim (or of a conflict, see ``claimtrack.conflicts``);
- **content words**: the words that carry the subject, stemmed and mapped through a small table
  of news paraphrases (chatbot ~ assistant, staff ~ agents ~ people ~ employees, workload ~
  work), weighted by how rare they are among the claims;
- **claimant**: the same claimant nudges the score up, a different one down.

``ClaimIndex(claims).query(text)`` ranks claims with an inverted index, so a query only looks at
claims that share a word or a figure with it. ``is_same_claim(score)`` (``MATCH_THRESHOLD``) is
the cut-off linking uses to decide "same claim".

>>> from claimtrack.models import Claim
>>> index = ClaimIndex([Claim(id="c-000000000001", text="Klarna says its AI assistant does the "
...     "work of 700 full-time agents", claimant="Klarna")])
>>> [m.claim for m in index.query("Klarna's chatbot handles the workload of 700 staff")]
['c-000000000001']
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import snowballstemmer  # type: ignore[import-untyped]  # ships no type information

from . import claimants
from .search import STOPWORDS as FUNCTION_WORDS
from .search import prepare
from .vocabulary import AMOUNT_KINDS, CONTEXT_KINDS, FigureKind, Qualifier

if TYPE_CHECKING:
    from .models import Claim, Figure

MATCH_THRESHOLD = 0.5
"""Scores at or above this mean "the same claim" (linking attaches the mention to it)."""

CANDIDATES = 40
"""How many claims, pre-ranked by shared rare words and figures, get a full score per query."""

COMMON_POSTINGS = 2000
"""Keys (words, figure buckets) on more claims than this nominate candidates only when the
rarer keys found too few."""


OTHER_NAMES = 0.5
"""Score factor when the query and the claim each name someone the other does not."""

ONE_SIDED_FIGURES = 0.85
"""Score factor when only one of the two states a figure ("Increased efficiency through AI"
is not "Klarna to cut nearly 2,000 jobs as AI boosts efficiency")."""


def is_same_claim(score: float) -> bool:
    """True when a ``Match.score`` is high enough to treat the text as the same claim."""
    return score >= MATCH_THRESHOLD


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


# -- content words -----------------------------------------------------------------------------

STOPWORDS = FUNCTION_WORDS | frozenset(
    """
    say says said saying tell tells told claim claims claimed claiming assert asserts asserted
    estimate estimates estimated state states stated report reports reported reportedly
    according announce announces announced add adds added note notes noted
    approximately roughly last
    mr mrs ms dr percent cent
    monday tuesday wednesday thursday friday saturday sunday today yesterday week
    """.split()
)
"""Words that do not tell claims apart: function words (``claimtrack.search.STOPWORDS``) and
the words of news copy that introduce a claim rather than state it."""

# Stem -> canonical word: common news paraphrases of the same subject. Kept small and general;
# the figures do most of the work of telling claims apart.
_SYNONYM_GROUPS = {
    "staff": "agent people person staff staffer employee worker human personnel rep "
    "representative headcount workforce fte",
    "assistant": "assistant chatbot bot chat-bot",
    "work": "work workload equivalent",
    "job": "job role position",
    "cut": "cut layoff lay laid axe eliminate slash shed fire redundancy",
    "profit": "profit earning",
    "revenue": "revenue sale turnover",
    "increase": "increase grow growth rise boost gain jump",
    "market": "market country",
    "customer": "customer client shopper consumer user",
    "conversation": "conversation chat interaction query inquiry enquiry",
    "ai": "ai artificial intelligence",
    "app": "app application",
    "fund": "fund funding investor investment financing",
}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


class _Stemmer(Protocol):
    """What matching uses of a ``snowballstemmer`` stemmer."""

    def stemWord(self, word: str) -> str: ...  # noqa: N802 (snowballstemmer's name)


_STEMMER: _Stemmer = snowballstemmer.stemmer("english")


def _strip(word: str) -> str:
    """The Snowball (Porter 2) stem of a word, so inflections compare equal."""
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    return _STEMMER.stemWord(word)


SYNONYMS = {
    _strip(word): canon for canon, words in _SYNONYM_GROUPS.items() for word in words.split()
}


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    # Called millions of times over a few thousand distinct words when conflicts are
    # computed for a large workspace (100k claims: find_conflicts 8.8 s -> 3.8 s).
    word = _strip(word)
    return SYNONYMS.get(word, word)


def content_words(text: str) -> tuple[str, ...]:
    """The canonical content words of ``text``, sorted and unique.

    >>> content_words("Klarna's chatbot handles the workload of 700 customer service staff")
    ('assistant', 'customer', 'handl', 'klarna', 'servic', 'staff', 'work')
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    out = set()
    for raw in _WORD.findall(text):
        word = _stem(raw)
        if len(word) < 2 or word in STOPWORDS or raw in STOPWORDS:
            continue
        out.add(word)
    return tuple(sorted(out))


# -- figures -----------------------------------------------------------------------------------

# How far a figure's true value may lie from the stated one, by qualifier, for matching.
_EXACT_TOLERANCE = 0.02
_OPEN_RANGE = 0.5  # "more than 700" is taken to mean at most ~1,050 when matching


def figure_group(kind: str, currency: str | None = None) -> str:
    """The comparison group of a figure: counts and plain numbers compare; money by currency."""
    if kind == "currency":
        return f"cur:{(currency or '?').upper()}"
    return "n" if kind in AMOUNT_KINDS else kind


def interval(
    value: float,
    low: float | None = None,
    high: float | None = None,
    qualifier: str = "exact",
    *,
    open_ended: bool = False,
) -> tuple[float, float]:
    """The values a figure admits, given its rounding and qualifier.

    ``open_ended`` leaves "more than" / "less than" unbounded (for conflicts); otherwise they
    are capped so that "more than 700" still matches 700-ish figures only.

    >>> interval(2000, qualifier="nearly")
    (1800.0, 2000.0)
    """
    lo = low if low is not None else value
    hi = high if high is not None else value
    tol = max(abs(lo), abs(hi)) * _EXACT_TOLERANCE
    if qualifier == "approximately":
        return (lo * 0.9, hi * 1.1)
    if qualifier == "nearly":
        return (lo * 0.9, float(hi))
    if qualifier in ("at_least", "more_than"):
        return (float(lo), math.inf if open_ended else hi * (1 + _OPEN_RANGE))
    if qualifier in ("at_most", "less_than"):
        return (-math.inf if open_ended else lo / (1 + _OPEN_RANGE), float(hi))
    return (lo - tol, hi + tol)


@dataclass(frozen=True)
class FigureSpan:
    """A figure reduced to what matching compares: its group and the interval it admits."""

    group: str
    lo: float
    hi: float
    unit: str | None = None  # the counted thing, normalised (``unit_key``)

    def agrees(self, other: FigureSpan) -> bool:
        return self.group == other.group and self.lo <= other.hi and other.lo <= self.hi

    def closeness(self, other: FigureSpan) -> float:
        """1 for the same interval, down to 0 for intervals that barely touch."""
        if not self.agrees(other):
            return 0.0
        width = max(self.hi - self.lo, other.hi - other.lo)
        if not math.isfinite(width) or width <= 0:
            return 1.0
        gap = abs((self.lo + self.hi) - (other.lo + other.hi)) / 2
        return max(0.0, 1.0 - gap / width)


def figure_spans(figures: Iterable[Figure]) -> tuple[FigureSpan, ...]:
    """The spans matching compares. Years and dates only count when nothing else is there:
    "in 2024" is context; "founded in 2005" is the claim."""
    spans: list[FigureSpan] = []
    context: list[FigureSpan] = []
    for f in figures:
        if f.value is None or not math.isfinite(f.value):
            continue
        span = FigureSpan(
            figure_group(f.kind, f.currency),
            *interval(f.value, f.low, f.high, f.qualifier),
            unit_key(f.unit),
        )
        (context if f.kind in CONTEXT_KINDS else spans).append(span)
    return tuple(sorted(set(spans or context), key=lambda s: (s.group, s.lo, s.hi, s.unit or "")))


def unit_key(unit: str | None) -> str | None:
    """The counted thing, normalised: "full-time agents" -> "staff"; "jobs" -> "job"."""
    if not unit:
        return None
    words = content_words(unit)
    if not words:
        return None
    last = _stem(unit.replace("-", " ").split()[-1].casefold())
    return last if last in words else words[-1]


def figure_keys(spans: Iterable[FigureSpan]) -> list[str]:
    """Inverted-index keys for figure spans: the group and a ~12% wide log bucket of each end,
    so agreeing figures always share a key."""
    keys = set()
    for s in spans:
        for v in (s.lo, s.hi):
            if math.isfinite(v):
                keys.add(f"#{s.group}:{_bucket(v)}")
    return sorted(keys)


def _bucket(value: float) -> int:
    return int(math.floor(math.log10(abs(value) + 1e-9) * 20)) if value else -999


def query_figure_keys(spans: Iterable[FigureSpan]) -> list[str]:
    """Keys a query looks up: every bucket its spans overlap (bounded)."""
    keys = set()
    for s in spans:
        lo = s.lo if math.isfinite(s.lo) else s.hi
        hi = s.hi if math.isfinite(s.hi) else s.lo
        b0, b1 = sorted((_bucket(lo), _bucket(hi)))
        for b in range(b0 - 1, min(b1, b0 + 12) + 2):
            keys.add(f"#{s.group}:{b}")
    return sorted(keys)


# -- claimants ---------------------------------------------------------------------------------

# One rule for the whole package: claimtrack.claimants. ``claimant_key`` normalises a name ("Klarna
# AB" -> "klarna"; a description gives None); ``same_claimant`` compares two such keys.
claimant_key = claimants.claimant_key
same_claimant = claimants.keys_match


# -- features and scoring ----------------------------------------------------------------------


@dataclass(frozen=True)
class Features:
    """What matching knows about one text: content words, figure spans and claimant key."""

    words: tuple[str, ...]
    figures: tuple[FigureSpan, ...]
    claimant: str | None = None
    subject: tuple[str, ...] = ()  # the words minus the units' and the claimant's
    names: tuple[str, ...] = ()  # proper names in the text and the claimant's name
    text: str = ""  # the text read as prose (``prepare``d), with the title after it

    def keys(self) -> list[str]:
        return list(self.words) + figure_keys(self.figures)


def features(
    text: str,
    figures: list[Figure] | None = None,
    claimant: str | None = None,
    *,
    title: str | None = None,
) -> Features:
    """The matching features of a text; its figures are read from it
    (``claimtrack.extract.parse_figures``) when ``figures`` is empty or None.

    Text from social media is read as prose first (``claimtrack.search.prepare``: no web
    addresses; hashtags and handles as words). A ``title`` (a fact-check's headline) adds its
    words; its figures and capitalised words are not read (a headline capitalises every word).
    """
    text = prepare(text)
    if figures:
        figs = figures
    else:
        from .extract import parse_figures

        figs = parse_figures(text)
    words = content_words(text)
    if title:
        words = tuple(sorted(set(words) | set(content_words(prepare(title)))))
    years = {str(int(f.value)) for f in figs if f.kind == "year" and f.value is not None}
    if years:
        # A year places a claim in time ("grew 35% in 2024"): it counts like a word.
        words = tuple(sorted(set(words) | years))
    who = claimant_key(claimant)
    # Words naming or describing the claimant ("the buy-now-pay-later firm") are about who
    # speaks, not what is claimed.
    names = set(content_words(claimant)) if claimant else set()
    if who:
        # Who makes the claim is part of what it is about ("Klarna" in "its revenue grew").
        words = tuple(sorted(set(words) | names))
    units = {w for f in figs if f.unit for w in content_words(f.unit)}
    subject = tuple(w for w in words if w not in units and w not in names)
    proper = set(proper_names(text)) | (names if who else set())
    surface = f"{text} {prepare(title)}" if title else text
    return Features(words, figure_spans(figs), who, subject, tuple(sorted(proper)), surface)


_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][A-Za-z]*)?\b")
_NATIONALITY = ("ish", "ian", "ese", "ean", "can")
_NOT_NAMES = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)


def proper_names(text: str) -> tuple[str, ...]:
    """Capitalised words that name someone or something ("Klarna", "Siemiatkowski"), as
    content words. The first word of the text is capitalised anyway: it counts when it is
    possessive ("Klarna's") or not a common word of news copy (a stopword, a word of the
    paraphrase table, or a plural like "Analysts").

    >>> proper_names("Sales at Tael grew 35% in March, Klarna's chief said")
    ('klarna', 'tael')
    >>> proper_names("Kadoast opened 57 new stores in Chile")
    ('chile', 'kadoast')
    """
    found: set[str] = set()
    first = len(text) - len(text.lstrip())
    for m in _NAME.finditer(text):
        word = m.group(0)
        if m.start() == first and not text[m.end() :].startswith(("'s", "’s")):
            lower = word.casefold()
            if lower in STOPWORDS or _strip(lower) in SYNONYMS or lower.endswith("s"):
                continue
        if word.casefold() in _NOT_NAMES or word.endswith(_NATIONALITY):
            continue  # "Swedish", "European": say where, not who
        found.update(content_words(word))
    return tuple(sorted(found - STOPWORDS))


def idf(df: int, n: int) -> float:
    """Inverse document frequency, smoothed so that it is positive for any df <= n."""
    return math.log(1.0 + (n + 1) / (df + 1))


def lexical_similarity(query: Features, claim: Features, weight: Callable[[str], float]) -> float:
    """How much of the subject two texts share, in [0, 1]: the geometric mean of the share of
    the query's words (weighted by rarity) and of the claim's words found in the other."""
    return _overlap(query.words, claim.words, weight)


def _overlap(
    query_words: Iterable[str], claim_words: Iterable[str], weight: Callable[[str], float]
) -> float:
    qw, cw = set(query_words), set(claim_words)
    shared = qw & cw
    if not shared:
        return 0.0
    q_total = sum(weight(w) for w in qw)
    cover_q = sum(weight(w) for w in shared) / q_total if q_total else 0.0
    return math.sqrt(cover_q * len(shared) / len(cw))


def score(query: Features, claim: Features, weight: Callable[[str], float]) -> float:
    """How likely ``claim`` is the claim ``query`` states, in [0, 1].

    ``weight(word)`` is the word's idf among the indexed claims.
    """
    lexical = lexical_similarity(query, claim, weight)
    if query.figures and claim.figures:
        closeness = [max(f.closeness(g) for g in claim.figures) for f in query.figures]
        agreeing = sum(1 for c in closeness if c > 0)
        if agreeing:
            share = agreeing / min(len(query.figures), len(claim.figures))
            same_unit = any(
                f.unit and f.unit == g.unit and f.agrees(g)
                for f in query.figures
                for g in claim.figures
            )
            # How much they share besides the figure, its unit and the claimant: "700 people"
            # laid off and the work of "700 people" share a figure, a unit and Klarna, but no
            # subject. The same value of the same counted thing ("700 agents" / "700 staff")
            # needs less subject overlap than a bare number.
            overlap = _overlap(query.subject, claim.subject, weight)
            if same_unit:
                subject = min(1.0, overlap / 0.25)
            else:
                subject = min(1.0, max(0.0, (overlap - 0.05) / 0.3))
            # Within rounding, the nearer value is the likelier claim ($830m: 830 before 823).
            near = 0.95 + 0.05 * sum(closeness) / len(closeness)
            base = 0.5 * lexical
            result = base + (1 - base) * 0.8 * subject * min(1.0, share) * near
        else:
            # Different figures: a different claim, however similar the words.
            result = lexical * 0.4
    elif query.figures or claim.figures:
        # One states a figure and the other does not: words alone are weaker evidence.
        result = lexical * ONE_SIDED_FIGURES
    else:
        result = lexical
    same = same_claimant(query.claimant, claim.claimant)
    if same is True:
        result += (1 - result) * 0.1
    elif same is False:
        result *= 0.9
    # Each names someone the other does not mention at all ("Klarna's revenue grew 27%" /
    # "Affirm's revenue grew 27%"): most likely about different things.
    if query.names and claim.names:
        query_only = set(query.names) - set(claim.names) - set(claim.words)
        claim_only = set(claim.names) - set(query.names) - set(query.words)
        if query_only and claim_only:
            result *= OTHER_NAMES
    return max(0.0, min(1.0, result))


# -- learned ranking ---------------------------------------------------------------------------

RANKING_FEATURES = (
    "search",  # the first-stage (BM25) score as a share of the best candidate's
    "same_claim",  # the same-claim score (``score``)
    "taken_as_same",  # 1 when that score says "the same claim" (``is_same_claim``)
    "figures_agree",  # 1 when a figure of the query agrees with one of the claim
    "figures_clash",  # 1 when both state figures and none agree
    "trigrams",  # cosine of their letter trigrams, weighted by rarity among the candidates
    "tokens",  # cosine of all their words, unstemmed, weighted by rarity among the candidates
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
    rows: list[tuple[float, ...]] = []
    for (feats, first), same, tri, tok in zip(pool, same_claim, trigrams, tokens, strict=True):
        agree = clash = 0.0
        if query.figures and feats.figures:
            if any(f.agrees(g) for f in query.figures for g in feats.figures):
                agree = 1.0
            else:
                clash = 1.0
        share = first / best if best > 0 else 0.0
        taken = 1.0 if is_same_claim(same) else 0.0
        rows.append((round(share, 6), same, taken, agree, clash, round(tri, 6), round(tok, 6)))
    return rows


def claim_features(claim: Claim) -> Features:
    """The matching features of a claim: the words of its text and title, its figures (read
    from its text when none are recorded) and its claimant. Memoized by content."""
    figures = tuple(
        (f.value, f.low, f.high, f.kind, f.unit, f.currency, f.qualifier) for f in claim.figures
    )
    return _claim_features(claim.text, claim.title, claim.claimant, figures)


#: What matching reads of a recorded figure (value, low, high, kind, unit, currency,
#: qualifier), hashable so that ``_claim_features`` can be memoized.
_FigureFields = tuple[
    "float | None",
    "float | None",
    "float | None",
    FigureKind,
    "str | None",
    "str | None",
    Qualifier,
]


@functools.lru_cache(maxsize=131072)
def _claim_features(
    text: str, title: str | None, claimant: str | None, figures: tuple[_FigureFields, ...]
) -> Features:
    from .models import Figure

    figs = [
        Figure.model_construct(
            text="", value=v, low=lo, high=hi, kind=k, unit=u, currency=c, qualifier=q
        )
        for v, lo, hi, k, u, c, q in figures
    ]
    return features(text, figs or None, claimant, title=title)


class ClaimIndex:
    """Matching over claims held in memory: ``claimtrack.search.MemorySearch`` (BM25) for the
    candidates, ``rerank`` for the order and the scores. Built once, queried many times;
    ``add``/``remove`` keep it current as claims change.
    """

    def __init__(self, claims: Iterable[Claim] = ()):
        from .search import MemorySearch

        self.claims: dict[str, Claim] = {}
        self.search = MemorySearch()
        self.counts: dict[str, int] = {}  # claims holding each word (``df``)
        for claim in claims:
            self.add(claim)

    def __len__(self) -> int:
        return len(self.claims)

    def df(self, word: str) -> int:
        """How many of the claims hold ``word`` (a content word, ``content_words``)."""
        return self.counts.get(word, 0)

    def add(self, claim: Claim) -> None:
        if claim.id in self.claims:
            self.remove(claim.id)
        self.claims[claim.id] = claim
        self.search.add([claim])
        for w in claim_features(claim).words:
            self.counts[w] = self.counts.get(w, 0) + 1

    def remove(self, claim_id: str) -> None:
        claim = self.claims.pop(claim_id, None)
        if claim is not None:
            self.search.remove([claim_id])
            for w in claim_features(claim).words:
                self.counts[w] -= 1
                if not self.counts[w]:
                    del self.counts[w]

    def query(
        self,
        text: str,
        figures: list[Figure] | None = None,
        *,
        top: int = 5,
        claimant: str | None = None,
    ) -> list[Match]:
        """The best ``top`` claims for ``text``, best first, each with a score in [0, 1]."""
        return self.query_features(features(text, figures, claimant), text=text, top=top)

    def query_features(
        self, query: Features, *, text: str | None = None, top: int = 5
    ) -> list[Match]:
        """The best ``top`` claims for features already computed; ``text`` is what the first
        stage searches (default: the features' words)."""
        found = self.search.search(text if text is not None else " ".join(query.words))
        return rerank(query, [(self.claims[cid], s) for cid, s in found], top=top)


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


def rank(
    query: Features,
    postings: Callable[[str], Iterable[str]],
    load: Callable[[Iterable[str]], dict[str, Features]],
    n: int,
    *,
    top: int = 5,
    df: Callable[[str], int] | None = None,
    candidates: int = CANDIDATES,
) -> list[Match]:
    """Rank claims for ``query`` given a postings lookup and a features loader.

    Shared by the in-memory ``ClaimIndex`` and the workspace's persistent index: candidates are
    pre-ranked by the idf of the words they share with the query plus a bonus for a figure in
    the same bucket, and only the best ``CANDIDATES`` are scored in full.
    """
    if n == 0 or top <= 0:
        return []
    lists: dict[str, list[str]] = {k: list(postings(k)) for k in query.words}
    dfs = {k: (df(k) if df else len(v)) for k, v in lists.items()}

    def weight(word: str) -> float:
        return idf(dfs.get(word, 0), n)

    # Rarest keys first. A key on more than COMMON_POSTINGS claims only nominates candidates
    # while there are too few (so a query of common words still finds something), which keeps
    # the work per query bounded however many claims there are.
    own = set(figure_keys(query.figures))
    keys: list[tuple[int, str, list[str], float, bool]] = []
    for word, ids in lists.items():
        keys.append((len(ids), word, ids, weight(word), False))
    for key in query_figure_keys(query.figures):
        ids = list(postings(key))
        # A figure in the same bucket counts like a word as rare as the bucket (once per
        # claim); half as much in a neighbouring bucket.
        keys.append((len(ids), key, ids, idf(len(ids), n) * (1.0 if key in own else 0.5), True))
    keys.sort(key=lambda k: (k[0], k[1]))
    pre: dict[str, float] = {}
    figure_bonus: dict[str, float] = {}
    pool = max(candidates, top)
    for size, _, ids, w, is_figure in keys:
        if size > COMMON_POSTINGS and len(pre) + len(figure_bonus) >= pool:
            continue  # too common to tell claims apart; still weighs in the full score
        if is_figure:
            for cid in ids:
                if figure_bonus.get(cid, 0.0) < w:
                    figure_bonus[cid] = w
        else:
            for cid in ids:
                pre[cid] = pre.get(cid, 0.0) + w
    for cid, w in figure_bonus.items():
        pre[cid] = pre.get(cid, 0.0) + w
    best = sorted(pre.items(), key=lambda kv: (-kv[1], kv[0]))[: max(candidates, top)]
    feats = load([cid for cid, _ in best])
    scored = [Match(cid, round(score(query, f, weight), 4)) for cid, f in feats.items()]
    scored = [m for m in scored if m.score > 0]
    scored.sort(key=lambda m: (-m.score, m.claim))
    return scored[:top]
