"""What matching knows about a text or a claim (``Features``): its content words, its figure
spans, who makes it (the claimant key) and the proper names it mentions."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import claimants
from ..search import prepare
from ..vocabulary import FigureKind, Qualifier
from .figures import FigureSpan, figure_keys, figure_spans
from .words import content_words, name_words, proper_names

if TYPE_CHECKING:
    from ..models import Claim, Figure

# One rule for the whole package: claimtrack.claimants. ``claimant_key`` normalises a name ("Klarna
# AB" -> "klarna"; a description gives None); ``same_claimant`` compares two such keys.
claimant_key = claimants.claimant_key
same_claimant = claimants.keys_match


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
        from ..extract import parse_figures

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
    names = set(name_words(claimant)) if claimant else set()
    if who:
        # Who makes the claim is part of what it is about ("Klarna" in "its revenue grew").
        words = tuple(sorted(set(words) | names))
    units = {w for f in figs if f.unit for w in name_words(f.unit)}
    subject = tuple(w for w in words if w not in units and w not in names)
    proper = set(proper_names(text)) | (names if who else set())
    surface = f"{text} {prepare(title)}" if title else text
    return Features(words, figure_spans(figs), who, subject, tuple(sorted(proper)), surface)


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
    from ..models import Figure

    figs = [
        Figure.model_construct(
            text="", value=v, low=lo, high=hi, kind=k, unit=u, currency=c, qualifier=q
        )
        for v, lo, hi, k, u, c, q in figures
    ]
    return features(text, figs or None, claimant, title=title)
