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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
    """A claim id and how well it matches the query, in [0, 1] (1: same wording and figures)."""

    claim: str
    score: float


# -- content words -----------------------------------------------------------------------------

STOPWORDS = frozenset(
    """
    a about above according across after again against all almost along also although am among
    an and another any are around as at be became because been before being below between both
    but by can could did do does doing done during each either else even ever every few for from
    further had has have having he her here hers herself him himself his how however i if in
    into is it its itself just last least less like made make makes many may me might more most
    much must my myself near nearly next no nor not now of off on once one only or other our ours
    ourselves out over own per quite rather same she should since so some still such than that
    the their theirs them themselves then there these they this those though through thus to too
    under until up upon us very via was we were what when where whether which while who whom
    whose why will with within without would yet you your yours yourself
    say says said saying tell tells told claim claims claimed claiming assert asserts asserted
    estimate estimates estimated state states stated report reports reported reportedly
    according announce announces announced add adds added note notes noted
    approximately roughly nearly almost around some over under least than
    mr mrs ms dr percent per cent
    monday tuesday wednesday thursday friday saturday sunday today yesterday week
    """.split()
)

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
_VOWELS = set("aeiouy")


def _strip(word: str) -> str:
    """A light stemmer: plurals, -ing, -ed and a final -e, so inflections compare equal."""
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) >= 6 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) >= 5 and word.endswith("ed") and not word.endswith("eed"):
        word = word[:-2]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in _VOWELS | {"l", "s"}:
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


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

_KIND_GROUP = {"count": "n", "number": "n", "quantity": "n"}
# How far a figure's true value may lie from the stated one, by qualifier, for matching.
_EXACT_TOLERANCE = 0.02
_OPEN_RANGE = 0.5  # "more than 700" is taken to mean at most ~1,050 when matching


def figure_group(kind: str, currency: str | None = None) -> str:
    """The comparison group of a figure: counts and plain numbers compare; money by currency."""
    if kind == "currency":
        return f"cur:{(currency or '?').upper()}"
    return _KIND_GROUP.get(kind, kind)


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


_NUMBER = re.compile(
    r"(?:(?P<cur>[$€£])\s?)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|m|k)\b)?"
    r"(?:\s?(?P<pct>%|percent\b|per cent\b))?",
    re.I,
)
_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9}
_SCALES["trillion"] = 1e12
_QUALIFIER_WORDS = [
    (re.compile(r"(?:nearly|almost|close to|just under)\s*$", re.I), "nearly"),
    (
        re.compile(r"(?:about|around|approximately|roughly|some|an estimated)\s*$", re.I),
        "approximately",
    ),
    (re.compile(r"(?:more than|over|above|upwards of)\s*$", re.I), "more_than"),
    (re.compile(r"(?:at least)\s*$", re.I), "at_least"),
    (re.compile(r"(?:less than|under|below|fewer than)\s*$", re.I), "less_than"),
    (re.compile(r"(?:up to|at most)\s*$", re.I), "at_most"),
]


def parse_numbers(text: str) -> list[Figure]:
    """A rough reading of the numbers in ``text``, for claims and queries that come without
    extracted figures (imported claims, draft sentences). Units are not read.

    >>> [(f.value, f.kind, f.qualifier) for f in parse_numbers("nearly 2,000 jobs, $40 million")]
    [(2000.0, 'count', 'nearly'), (40000000.0, 'currency', 'exact')]
    """
    from .models import Figure

    out = []
    for m in _NUMBER.finditer(text):
        before = text[max(0, m.start() - 1) : m.start()]
        if before and (before.isalnum() or before in "-/."):
            continue
        value = float(m.group("num").replace(",", ""))
        scale = (m.group("scale") or "").lower()
        value *= _SCALES.get(scale, 1)
        currency = {"$": "USD", "€": "EUR", "£": "GBP"}.get(m.group("cur") or "")
        if m.group("pct"):
            kind = "percent"
        elif currency:
            kind = "currency"
        elif (
            not scale
            and "," not in m.group("num")
            and 1900 <= value <= 2100
            and value == int(value)
        ):
            kind = "year"
        else:
            kind = "count"
        qualifier = "exact"
        head = text[max(0, m.start() - 20) : m.start()]
        for pattern, name in _QUALIFIER_WORDS:
            if pattern.search(head):
                qualifier = name
                break
        out.append(
            Figure(
                text=m.group(0).strip(),
                start=m.start(),
                end=m.end(),
                value=value,
                kind=kind,
                currency=currency,
                qualifier=qualifier,
            )
        )
    return out


_CONTEXT_KINDS = {"year", "date", "ordinal", "duration"}


def figure_spans(figures: Iterable[Figure]) -> tuple[FigureSpan, ...]:
    """The spans matching compares. Years and dates only count when nothing else is there:
    "in 2024" is context; "founded in 2005" is the claim."""
    spans = []
    context = []
    for f in figures:
        if f.value is None or not math.isfinite(f.value):
            continue
        span = FigureSpan(
            figure_group(f.kind, f.currency),
            *interval(f.value, f.low, f.high, f.qualifier),
            unit_key(f.unit),
        )
        (context if f.kind in _CONTEXT_KINDS else spans).append(span)
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

_CORPORATE = {"inc", "ltd", "llc", "ab", "plc", "corp", "co", "group", "the"}


_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "our", "one"}


@functools.lru_cache(maxsize=65536)
def claimant_key(name: str | None) -> str | None:
    """A normalised claimant name: "Klarna AB" and "klarna" compare equal. A description
    rather than a name ("the company", "a spokesperson", "the buy-now-pay-later firm") gives
    None: it says nothing about who it is.
    """
    if not name:
        return None
    raw = re.findall(r"\w+", name)
    if raw and raw[0].casefold() in _DETERMINERS:
        raw = raw[1:]
    if not any(w[:1].isupper() for w in raw):
        return None
    words = [w for w in (r.casefold() for r in raw) if w not in _CORPORATE]
    return " ".join(words) or None


def same_claimant(a: str | None, b: str | None) -> bool | None:
    """True/False when both are known ("Klarna" is the same as "Klarna CEO Sebastian
    Siemiatkowski"); None when either is unknown."""
    if not a or not b:
        return None
    wa, wb = set(a.split()), set(b.split())
    return wa <= wb or wb <= wa


# -- features and scoring ----------------------------------------------------------------------


@dataclass(frozen=True)
class Features:
    """What matching knows about one text: content words, figure spans and claimant key."""

    words: tuple[str, ...]
    figures: tuple[FigureSpan, ...]
    claimant: str | None = None
    subject: tuple[str, ...] = ()  # the words minus the units' and the claimant's
    names: tuple[str, ...] = ()  # proper names in the text and the claimant's name

    def keys(self) -> list[str]:
        return list(self.words) + figure_keys(self.figures)


def features(
    text: str, figures: list[Figure] | None = None, claimant: str | None = None
) -> Features:
    """The matching features of a text; its numbers are read from it when ``figures`` is
    empty or None."""
    figs = figures if figures else parse_numbers(text)
    words = content_words(text)
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
    return Features(words, figure_spans(figs), who, subject, tuple(sorted(proper)))


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
    ('chil', 'kadoast')
    """
    found = set()
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


_CLAIM_FEATURES: dict[tuple, Features] = {}
_CLAIM_FEATURES_MAX = 50_000


def claim_features(claim: Claim) -> Features:
    """``features`` of a claim; remembered by content, since matching scores the same
    candidate claims for sentence after sentence."""
    key = (
        claim.text,
        claim.claimant,
        tuple(
            (f.value, f.low, f.high, f.unit, f.kind, f.currency, f.qualifier) for f in claim.figures
        ),
    )
    found = _CLAIM_FEATURES.get(key)
    if found is None:
        if len(_CLAIM_FEATURES) >= _CLAIM_FEATURES_MAX:
            _CLAIM_FEATURES.clear()
        found = _CLAIM_FEATURES[key] = features(claim.text, claim.figures, claim.claimant)
    return found


def idf(df: int, n: int) -> float:
    """Inverse document frequency, smoothed so that it is positive for any df <= n."""
    return math.log(1.0 + (n + 1) / (df + 1))


def lexical_similarity(query: Features, claim: Features, weight: Callable[[str], float]) -> float:
    """How much of the subject two texts share, in [0, 1]: the geometric mean of the share of
    the query's words (weighted by rarity) and of the claim's words found in the other."""
    return _overlap(query.words, claim.words, weight)


def _overlap(query_words, claim_words, weight: Callable[[str], float]) -> float:
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


class ClaimIndex:
    """An in-memory inverted index over claims, built once and queried many times.

    ``add``/``remove`` keep it current as claims change; ``query`` ranks claims for a text.
    """

    def __init__(self, claims: Iterable[Claim] = ()):
        self.features: dict[str, Features] = {}
        self.postings: dict[str, set[str]] = {}
        for claim in claims:
            self.add(claim)

    def __len__(self) -> int:
        return len(self.features)

    def add(self, claim: Claim) -> None:
        self.add_features(claim.id, claim_features(claim))

    def add_features(self, claim_id: str, feats: Features) -> None:
        if claim_id in self.features:
            self.remove(claim_id)
        self.features[claim_id] = feats
        for key in feats.keys():
            self.postings.setdefault(key, set()).add(claim_id)

    def remove(self, claim_id: str) -> None:
        feats = self.features.pop(claim_id, None)
        if feats is None:
            return
        for key in feats.keys():
            ids = self.postings.get(key)
            if ids is not None:
                ids.discard(claim_id)
                if not ids:
                    del self.postings[key]

    def query(
        self,
        text: str,
        figures: list[Figure] | None = None,
        *,
        top: int = 5,
        claimant: str | None = None,
    ) -> list[Match]:
        """The best ``top`` claims for ``text``, best first, each with a score in [0, 1]."""
        return self.query_features(features(text, figures, claimant), top=top)

    def query_features(self, query: Features, *, top: int = 5) -> list[Match]:
        n = len(self.features)
        return rank(
            query,
            lambda key: self.postings.get(key, ()),
            lambda ids: {i: self.features[i] for i in ids if i in self.features},
            n,
            top=top,
        )


def rerank(
    query: Features,
    candidates: Iterable[tuple[Claim, float]],
    *,
    top: int = 5,
    n: int | None = None,
    df: Callable[[str], int] | None = None,
) -> list[Match]:
    """The second stage of matching: score first-stage candidates in full, best ``top`` first.

    ``candidates`` are (claim, first-stage score) pairs, e.g. the claims of
    ``Store.search``; ``n`` is the number of claims searched and ``df(word)`` how many of
    them hold a word (both default to counts among the candidates).
    """
    pool = [(c, claim_features(c), s) for c, s in candidates]
    if not pool or top <= 0:
        return []
    if df is None or n is None:
        counts: dict[str, int] = {}
        for _, f, _ in pool:
            for w in set(f.words):
                counts[w] = counts.get(w, 0) + 1
        n = len(pool)

        def df(word: str) -> int:
            return counts.get(word, 0)

    total = n

    def weight(word: str) -> float:
        return idf(df(word), total)

    scored = [Match(c.id, round(score(query, f, weight), 4)) for c, f, _ in pool]
    scored = [m for m in scored if m.score > 0]
    scored.sort(key=lambda m: (-m.score, m.claim))
    return scored[:top]


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
