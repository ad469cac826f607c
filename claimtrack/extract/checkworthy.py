"""Check-worthiness: does a sentence state a fact that someone could check?

``score(features(...))`` adds up the weights of named features (:data:`WEIGHTS`), clamped to
[0, 1]; each sentence carries the list of features that fired, so a journalist (or a test) can
see why it was or was not taken as a claim. A sentence is a claim at :data:`THRESHOLD`: a
figure alone reaches it; so does an attributed statement by a named party, or a name with a
change verb, a superlative or a date; questions, opinions, non-answers and page furniture pull
the score down. The keyword lists are in :mod:`claimtrack.extract.triggers`; the table of
weights and what fires them is in docs/extraction.md.
"""

from __future__ import annotations

import re

from .attribution import BARE_ROLES

THRESHOLD = 0.35

WEIGHTS = {
    "figure": 0.50,
    "money_or_percent": 0.10,
    "attributed": 0.30,
    "change": 0.20,
    "superlative": 0.25,
    "comparison": 0.15,
    "named_entity": 0.20,
    "time_reference": 0.15,
    "question": -0.60,
    "opinion": -0.35,
    "first_person": -0.20,
    "nonanswer": -0.40,
    "boilerplate": -0.70,
    "short": -0.30,
}

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


def named_entities(text: str, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets of the capitalised names inside sentences of ``text`` (months and days are not
    names)."""
    stop = len(text) if end is None else end
    return [
        m.start()
        for m in _NAME_INSIDE.finditer(text, start, stop)
        if m.group(0) not in _NOT_ENTITIES
    ]


_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")

_FIGURE_KINDS = frozenset(
    [
        "count",
        "currency",
        "percent",
        "percentage_points",
        "multiplier",
        "ratio",
        "quantity",
        "duration",
        "number",
    ]
)


def features(
    sentence: str,
    figures,
    cue: str | None,
    claimant: str | None = None,
    nonanswer: bool = False,
    hits: set[str] | None = None,
    has_name: bool | None = None,
) -> list[str]:
    """The names of the features of ``sentence`` that fire, in the order of WEIGHTS.

    ``hits`` is the set of keyword categories found in the sentence
    (:func:`claimtrack.extract.triggers.categories`); computed here when not given.
    """
    if hits is None:
        from .triggers import categories

        hits = categories(sentence)
    fired = []
    kinds = {f.kind for f in figures}
    if kinds & _FIGURE_KINDS:
        fired.append("figure")
    if "currency" in kinds or "percent" in kinds or "percentage_points" in kinds:
        fired.append("money_or_percent")
    if cue:
        fired.append("attributed")
    for name in ("change", "superlative", "comparison"):
        if name in hits:
            fired.append(name)
    if has_name is None:
        has_name = bool(named_entities(sentence))
    if has_name and _title_case(sentence):
        has_name = False  # "Dependence on Technology for Revenue": a heading, not names
    if has_name or _proper(claimant):
        fired.append("named_entity")
    if "year" in kinds or "date" in kinds:
        fired.append("time_reference")
    if sentence.rstrip("\"”’' )*_").endswith("?"):
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
    return fired


def _title_case(sentence: str) -> bool:
    """Most words capitalised, as in a heading or a table label."""
    words = sentence.split()
    if len(words) < 3:
        return False
    return sum(1 for w in words if w[:1].isupper()) >= 0.6 * len(words)


def _proper(claimant: str | None) -> bool:
    """A claimant that is a name ("Klarna"), not a role ("analysts", "a spokesperson")."""
    if not claimant or not claimant[0].isupper():
        return False
    return claimant.split(" ")[-1].lower() not in BARE_ROLES


def score(fired: list[str]) -> float:
    """The check-worthiness score of a list of features, clamped to [0, 1]."""
    total = sum(WEIGHTS[f] for f in fired)
    return max(0.0, min(1.0, total))


def is_claim(fired: list[str], value: float) -> bool:
    """A claim reaches THRESHOLD: a figure alone does, so does an attributed statement by a
    named party, or a name with a change, a comparison or a date; questions, opinions,
    non-answers and page furniture pull the score below it."""
    return value >= THRESHOLD
