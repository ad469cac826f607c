"""Check-worthiness: is a sentence worth a fact-checker's time?

Two layers. The first names what a reader would point at: ``features(...)`` lists the
features of a sentence that fire (a figure, an attribution, a superlative, a question, an
instruction, a shopping pitch, ...). The second is a logistic regression over those named
features and the sentence's words (:func:`terms`), learned from labelled
sentences by ``benchmarks/train_checkworthy.py`` and shipped as ``claimtrack/data/
checkworthy.json``: ``score`` is its probability in [0, 1], and ``explain`` names the
features and words that pushed it up most. The weights file is read once, on first use;
scoring is plain Python (a dictionary look-up per word).

Two decisions come from the score:

- ``is_claim``: the score reaches :data:`THRESHOLD`. This is the default decision: ``extract``
  returns these sentences, and ``claimtrack claims`` lists the claims whose text scores this
  much.
- ``is_candidate``: what ingest records as a claim: every claim, and every other statement
  of a figure, so that a journalist can still reach it (``claimtrack claims --all``) and a
  draft's figures can be checked against it.

A non-assertion (a question, an instruction to the reader, a shopping pitch, page furniture, a
non-answer: :data:`NON_ASSERTIONS`) scores 0 whatever its words: it is no claim at all.

Bump :data:`SCORER_VERSION` whenever the scores change (new weights, new features): a case
index that stores each claim's check-worthiness rebuilds when it changes. The keyword lists
are in :mod:`claimtrack.extract.triggers`; docs/extraction.md describes the features.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from ..vocabulary import FIGURE_KINDS, TIME_KINDS
from .attribution import BARE_ROLES

if TYPE_CHECKING:
    from ..models import Figure

SCORER_VERSION = 3
"""Changes whenever a sentence's score may change (weights, features, terms)."""

THRESHOLD = 0.75
"""The default decision: a sentence is a claim at this score or more."""

WEIGHTS_FILE = Path(__file__).resolve().parent.parent / "data" / "checkworthy.json"

FEATURES = (
    "figure",
    "money_or_percent",
    "attributed",
    "change",
    "superlative",
    "comparison",
    "named_entity",
    "time_reference",
    "question",
    "opinion",
    "first_person",
    "nonanswer",
    "boilerplate",
    "short",
    "instruction",
    "promotion",
    "quotation",
)
"""Every named feature, in the order ``features`` lists them."""

NON_ASSERTIONS = frozenset(["question", "instruction", "promotion", "boilerplate", "nonanswer"])
"""Features that make a sentence no claim at all (score 0): it asks, tells the reader what to
do, sells, is page furniture, or says that someone did not answer (linking turns that into
an open question on the claim it is about)."""

_FIRST_PERSON = re.compile(r"(?<![\w’'])(?:I|me|my|mine|myself|Me|My)(?![\w’'])")
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")
# A capitalised word inside a sentence (after a word or a comma, so not its first word), or an
# acronym. The capital comes first so the regex engine can skip to capitals quickly.
_NAME_INSIDE = re.compile(r"[A-ZÀ-ÖØ-Þ](?:(?<=[\w,;:]\s.)[a-z]+|(?<=\s.)[A-Z]+(?![a-z]))")
_NOT_ENTITIES = frozenset(
    """January February March April May June July August September October November December
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday Friday
    Saturday Sunday""".split()
)
# An instruction starts with a verb in the imperative ("Check the results", "Don't miss") or
# tells the reader what they should do.
_IMPERATIVES = frozenset(
    """see check click read buy try remember consider attend cheer follow visit join learn
    make take keep find let let's don't do get go give put sign subscribe download contact
    beware imagine pick grab shop discover explore enjoy register apply compare choose avoid
    ask tap scroll listen""".split()
)
_LEADING = " \t\"“‘'(*-•–—>#"
_ADVICE = re.compile(
    r"\b(?:you should|you need to|you must|you'll want to|you will want to|make sure|be sure to)\b",
    re.I,
)
# "Sonos Move for $400": a product listed at a price.
_LISTING = re.compile(r"\bfor [$£€]\s?\d[\d,.]*\W*$")
_OPENING_QUOTES = ('"', "“")
# The end of a quoted utterance: "... a breakthrough," the chief executive said.
_QUOTE_ENDS = re.compile(r"[,.!?…][\"”]")


def named_entities(text: str, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets of the capitalised names inside sentences of ``text`` (months and days are not
    names)."""
    stop = len(text) if end is None else end
    return [
        m.start()
        for m in _NAME_INSIDE.finditer(text, start, stop)
        if m.group(0) not in _NOT_ENTITIES
    ]


_NO_KINDS: frozenset[str] = frozenset()
_KEYWORD_FEATURES = ("change", "superlative", "comparison")
# Every kind of figure but a year or a date (a reference to time, not a figure).
_FIGURE_KINDS = frozenset(FIGURE_KINDS) - TIME_KINDS


def features(
    sentence: str,
    figures: Sequence[Figure],
    cue: str | None,
    claimant: str | None = None,
    nonanswer: bool = False,
    hits: set[str] | None = None,
    has_name: bool | None = None,
) -> list[str]:
    """The names of the features of ``sentence`` that fire, in the order of FEATURES.

    They depend on the sentence alone (a claimant counts as a name only when it is written in
    the sentence), so a claim's text scores the same in its source and on its own. ``hits`` is
    the set of keyword categories found in the sentence
    (:func:`claimtrack.extract.triggers.categories`); computed here when not given.
    """
    if hits is None:
        from .triggers import categories

        hits = categories(sentence)
    fired = []
    kinds = {f.kind for f in figures} if figures else _NO_KINDS
    has_figure = not _FIGURE_KINDS.isdisjoint(kinds)
    if has_figure:
        fired.append("figure")
        if "currency" in kinds or "percent" in kinds or "percentage_points" in kinds:
            fired.append("money_or_percent")
    if cue:
        fired.append("attributed")
    if hits:
        fired += [name for name in _KEYWORD_FEATURES if name in hits]
    if has_name is None:
        has_name = bool(named_entities(sentence))
    if has_name and _title_case(sentence):
        has_name = False  # "Dependence on Technology for Revenue": a heading, not names
    if has_name or (_proper(claimant) and claimant in sentence):
        fired.append("named_entity")
    if not TIME_KINDS.isdisjoint(kinds):
        fired.append("time_reference")
    question = sentence.rstrip("\"”’' )*_").endswith("?")
    if question:
        fired.append("question")
    if "opinion" in hits:
        fired.append("opinion")
    if "first_person" in hits:
        quoted = '"' in sentence or "“" in sentence
        if not quoted or _FIRST_PERSON.search(_QUOTED.sub("", sentence)):
            fired.append("first_person")
    if nonanswer:
        fired.append("nonanswer")
    if "boilerplate" in hits:
        fired.append("boilerplate")
    if sentence.count(" ") < 3:
        fired.append("short")
    if not question and _instruction(sentence):
        fired.append("instruction")
    if "promotion" in hits or (has_figure and "for " in sentence and _LISTING.search(sentence)):
        fired.append("promotion")
    if not has_figure and (
        sentence.lstrip()[:1] in _OPENING_QUOTES
        or (("”" in sentence or '"' in sentence) and _QUOTE_ENDS.search(sentence))
    ):
        fired.append("quotation")
    return fired


def _instruction(sentence: str) -> bool:
    head = sentence[:24].lstrip(_LEADING).split(None, 1)
    if head and head[0].lower().replace("’", "'") in _IMPERATIVES and len(head) > 1:
        return True
    return ("you" in sentence or "You" in sentence or "sure" in sentence) and bool(
        _ADVICE.search(sentence)
    )


def _proper(claimant: str | None) -> TypeGuard[str]:
    """A claimant that is a name ("Klarna"), not a role ("analysts", "a spokesperson")."""
    if not claimant or not claimant[0].isupper():
        return False
    return claimant.split(" ")[-1].lower() not in BARE_ROLES


_INITIAL_CAPITAL = re.compile(r"(?<!\S)[A-ZÀ-ÖØ-Þ]")


def _title_case(sentence: str) -> bool:
    """Most words capitalised, as in a heading or a table label."""
    n = len(sentence.split())
    return n >= 3 and len(_INITIAL_CAPITAL.findall(sentence)) >= 0.6 * n


# -- the learned layer ----------------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z]+(?:['’][a-z]+)?|[0-9][0-9,.]*[0-9]|[0-9]|[$%£€?!]")


_findall = _TOKEN.findall
_sqrt = math.sqrt
_NOTHING = repeat(0j)  # what an unknown term adds (map stops at the end of the terms)


def terms(sentence: str) -> list[str]:
    """The terms of ``sentence`` that the learned layer weighs, with repeats: lower-cased
    words, numbers as written ("2024", "1,200"), currency and percent signs, "?" and "!"."""
    return _TOKEN.findall(sentence.lower())


class Model:
    """The learned layer: a logistic regression over a sentence's TF-IDF vector and its
    named features.

    The text part is the TF-IDF vector of the sentence's :func:`terms` that are in the
    vocabulary: each term counts ``idf`` per occurrence (the smoothed inverse document
    frequency in the training sentences), and the vector is divided by ``norm``, the square
    root of the sum of ``idf ** 2`` over the occurrences (its length when no term repeats). So
    each occurrence adds ``weight * idf / norm`` to the margin. Each named feature that fires
    adds its own weight, unscaled.
    """

    def __init__(
        self,
        bias: float,
        features: dict[str, float],
        terms: dict[str, tuple[float, float]],
        meta: dict[str, object] | None = None,
    ):
        self.bias = bias
        self.features = {f: features.get(f, 0.0) for f in FEATURES}
        self.terms = terms
        """term -> (weight, idf)"""
        self.meta = meta or {}
        # Precomputed for scoring: one complex number per term, weight * idf + idf ** 2 * 1j,
        # so that a single sum over a sentence's terms gives both the text part of the margin
        # before scaling (real) and the square of its norm (imaginary).
        self.packed = {t: complex(w * idf, idf * idf) for t, (w, idf) in terms.items()}
        self._term = self.packed.get
        self._feature = self.features.__getitem__

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> Model:
        data = json.loads(path.read_text(encoding="utf-8"))
        terms = {t: (float(w), float(idf)) for t, (w, idf) in data["terms"].items()}
        return cls(float(data["bias"]), data["features"], terms, data.get("meta"))

    def margin_at(self, lowered: str, start: int, end: int, fired: list[str]) -> float:
        """The log-odds that the sentence ``lowered[start:end]`` (a lower-cased text), with
        the named features ``fired``, is check-worthy."""
        z = sum(map(self._term, _findall(lowered, start, end), _NOTHING))
        margin = self.bias + sum(map(self._feature, fired))
        return margin + z.real / _sqrt(z.imag) if z.imag else margin

    def margin(self, sentence: str, fired: list[str]) -> float:
        return self.margin_at(sentence.lower(), 0, len(sentence), fired)

    def probability(self, sentence: str, fired: list[str]) -> float:
        return _sigmoid(self.margin(sentence, fired))

    def reasons(self, sentence: str, fired: list[str]) -> list[tuple[str, float]]:
        """Every named feature (``"figure"``) and vocabulary term (``'word "cut"'``) of the
        sentence with its part of the margin."""
        present = [t for t in terms(sentence) if t in self.terms]
        out = [(f, self.features[f]) for f in fired]
        if present:
            norm = math.sqrt(sum(self.terms[t][1] ** 2 for t in present))
            for t in dict.fromkeys(present):
                weight, idf = self.terms[t]
                out.append((f'word "{t}"', present.count(t) * weight * idf / norm))
        return out


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


_MODEL: Model | None = None


def model() -> Model:
    """The shipped model, loaded on first use."""
    global _MODEL
    if _MODEL is None:
        _MODEL = Model.load()
    return _MODEL


def score(sentence: str, fired: list[str]) -> float:
    """The check-worthiness of ``sentence`` (whose named features are ``fired``), in [0, 1]:
    the learned probability, or 0 for a non-assertion."""
    return score_at(sentence.lower(), 0, len(sentence), fired)


def score_at(lowered: str, start: int, end: int, fired: list[str]) -> float:
    """:func:`score` of the sentence ``lowered[start:end]`` of a lower-cased text (extraction
    lower-cases a text once, not each sentence)."""
    if not _NON_ASSERTIONS_DISJOINT(fired):
        return 0.0
    z = (_MODEL or model()).margin_at(lowered, start, end, fired)
    return 1.0 / (1.0 + _exp(-z)) if z >= 0 else _exp(z) / (1.0 + _exp(z))


_NON_ASSERTIONS_DISJOINT = NON_ASSERTIONS.isdisjoint
_exp = math.exp


def explain(sentence: str, fired: list[str], top: int = 3) -> list[tuple[str, float]]:
    """Why ``sentence`` scores what it does: the named features and words that raise its score
    most, as (reason, part of the margin), strongest first: ``("figure", 1.4)``,
    ``('word "percent"', 0.8)``; for a non-assertion, the features that make it one, with
    weight 0."""
    vetoes = [f for f in fired if f in NON_ASSERTIONS]
    if vetoes:
        return [(f"not a claim: {f}", 0.0) for f in vetoes]
    found = [(reason, part) for reason, part in model().reasons(sentence, fired) if part > 0]
    found.sort(key=lambda kw: (-kw[1], kw[0]))
    return [(reason, round(part, 2)) for reason, part in found[:top]]


def is_claim(value: float) -> bool:
    """The default decision: the score reaches THRESHOLD."""
    return value >= THRESHOLD


def is_candidate(fired: list[str], value: float) -> bool:
    """Recorded as a claim by ingest: a claim, or a statement of a figure that scores below
    THRESHOLD; never a non-assertion (NON_ASSERTIONS), which scores 0."""
    return value >= THRESHOLD or (value > 0.0 and "figure" in fired)
