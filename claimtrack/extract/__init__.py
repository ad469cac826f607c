"""Claim extraction: a pure function of text. No workspace, no network.

``extract(text)`` splits the text into sentences with offsets, parses the figures in each,
finds who asserts it, whether it is hedged, whether it is a non-answer ("declined to comment"),
and scores how check-worthy it is. The parts live in their own modules:

- :mod:`.sentences` (``split``), :mod:`.figures` (``parse``), :mod:`.attribution`
  (``attribute``, ``last_named``), :mod:`.hedges` (``hedge``, ``nonanswer``),
  :mod:`.checkworthy` (``features``, ``score``, ``explain``), :mod:`.triggers` (the one
  keyword scan ``extract`` runs over the whole text), :mod:`.numbers` (spelled-out numbers),
  :mod:`.inputs` (reading the ``extract`` command's text and JSON Lines input).

docs/extraction.md describes the rules and the conventions figures follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..models import Figure
from . import checkworthy
from .attribution import NameIndex, attribute
from .figures import parse as parse_figures
from .hedges import nonanswer
from .sentences import split as split_sentences
from .sentences import split_flat
from .triggers import scan_columns

__all__ = [
    "ExtractedSentence",
    "checkworthiness",
    "claim_figures",
    "explain_checkworthiness",
    "remember_claim_figures",
    "extract",
    "parse_figures",
    "shift",
    "split_sentences",
]


@dataclass(slots=True)
class ExtractedSentence:
    """One sentence and what extraction found in it. Offsets index the input text."""

    sentence: str
    start: int
    end: int
    is_claim: bool = False
    checkworthy: float = 0.0
    features: list[str] = field(default_factory=list)
    candidate: bool = False
    """Recorded as a claim by ingest (``checkworthy.is_candidate``); every claim is one."""
    claimant: str | None = None
    cue: str | None = None
    hedged: bool = False
    nonanswer: bool = False
    figures: list[Figure] = field(default_factory=list)

    def to_json(self, record_id: str | None = None) -> dict[str, object]:
        """The ``extract --json`` contract (docs/json.md)."""
        return {
            "id": record_id,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "is_claim": self.is_claim,
            "checkworthy": round(self.checkworthy, 3),
            "claimant": self.claimant,
            "cue": self.cue,
            "hedged": self.hedged,
            "figures": [f.model_dump(mode="json") for f in self.figures],
            "features": list(self.features),
            "why": [{"reason": r, "weight": w} for r, w in self.why()],
        }

    def why(self, top: int = 3) -> list[tuple[str, float]]:
        """The features and words that raise the score most (``checkworthy.explain``)."""
        return checkworthy.explain(self.sentence, self.features, top)


def shift(item: ExtractedSentence, offset: int) -> ExtractedSentence:
    """The same sentence with its offsets (and its figures') moved by ``offset``."""
    figures = [
        f.model_copy(
            update={
                "start": None if f.start is None else f.start + offset,
                "end": None if f.end is None else f.end + offset,
            }
        )
        for f in item.figures
    ]
    return replace(item, start=item.start + offset, end=item.end + offset, figures=figures)


def extract(
    text: str, *, all_sentences: bool = False, figures: Sequence[Figure] | None = None
) -> list[ExtractedSentence]:
    """The claim sentences of ``text`` (every sentence with ``all_sentences``).

    Offsets (the sentence's and its figures') index ``text``. Non-answers ("declined to
    comment") are flagged with ``nonanswer=True``; they are claims only if they also state a
    checkable fact, so ask for ``all_sentences=True`` to see every one of them. ``figures``:
    the text's figures as ``parse_figures(text)`` reads them, when the caller has them (the
    same answer, without reading them again).

    >>> [s.claimant for s in extract("Klarna says its assistant does the work of 700 agents.")]
    ['Klarna']
    """
    kw_at, kw_cats, kw_words = scan_columns(text)
    if figures is None:
        figures = parse_figures(
            text, word_positions=[p for p, c in zip(kw_at, kw_cats, strict=True) if "number" in c]
        )
    # (start, end) of each figure; the reader gives every figure its offsets
    fig_at = [(f.start or 0, f.end or 0) for f in figures]
    names = checkworthy.named_entities(text)
    name_index = NameIndex(text)
    spans = split_flat(text)
    lowered = text.lower()  # for check-worthiness, once; per sentence if lengths change ("İ")
    same_length = len(lowered) == len(text)
    n_fig, n_kw, n_names = len(figures), len(kw_at), len(names)
    i = k = n = 0  # sentences, figures, keywords and names are all in text order
    out = []
    for j in range(0, len(spans), 2):
        start = spans[j]
        end = spans[j + 1]
        sentence = text[start:end]
        while i < n_fig and fig_at[i][0] < start:
            i += 1
        mine = []
        while i < n_fig and fig_at[i][0] < end:
            if fig_at[i][1] <= end:
                mine.append(figures[i])
            i += 1
        while k < n_kw and kw_at[k] < start:
            k += 1
        hits: set[str] = set()
        first = k
        while k < n_kw and kw_at[k] < end:
            hits |= kw_cats[k]
            k += 1
        while n < n_names and names[n] < start:
            n += 1
        has_name = n < n_names and names[n] < end
        claimant = cue = None
        if "cue" in hits:
            claimant, cue = attribute(
                sentence,
                text,
                start,
                words=set(kw_words[first:k]),
                names=name_index,
                cues=[
                    (kw_at[x] - start, kw_words[x]) for x in range(first, k) if "cue" in kw_cats[x]
                ],
            )
        na = "nonanswer" in hits and nonanswer(sentence) is not None
        fired = checkworthy.features(sentence, mine, cue, claimant, na, hits, has_name)
        if same_length:
            score = checkworthy.score_at(lowered, start, end, fired)
        else:
            score = checkworthy.score(sentence, fired)
        is_claim = score >= checkworthy.THRESHOLD
        if is_claim or all_sentences:
            out.append(
                ExtractedSentence(
                    sentence=sentence,
                    start=start,
                    end=end,
                    is_claim=is_claim,
                    checkworthy=score,
                    features=fired,
                    candidate=checkworthy.is_candidate(fired, score),
                    claimant=claimant,
                    cue=cue,
                    hedged="hedge" in hits,
                    nonanswer=na,
                    figures=mine,
                )
            )
    return out


CLAIM_FIGURES_KEPT = 20_000
"""Claim texts whose figures ``claim_figures`` remembers (the last ones read)."""
_CLAIM_FIGURES: dict[str, tuple[Figure, ...]] = {}


def claim_figures(text: str) -> list[Figure]:
    """``parse_figures(text)`` for a claim's text (treat them as read-only). The figures of the
    last ``CLAIM_FIGURES_KEPT`` texts are remembered, so that scoring the claim
    (``explain_checkworthiness``) does not read them again: an import reads them for the
    claim's record, then the case index scores it."""
    found = _CLAIM_FIGURES.get(text)
    if found is None:
        found = tuple(parse_figures(text))
        remember_claim_figures(text, found)
    return list(found)


def remember_claim_figures(text: str, figures: Sequence[Figure]) -> None:
    """Remember ``figures`` as ``claim_figures(text)``'s: read by ``claim_figures`` in another
    process (an import's worker processes)."""
    _CLAIM_FIGURES.pop(text, None)
    while _CLAIM_FIGURES and len(_CLAIM_FIGURES) >= CLAIM_FIGURES_KEPT:
        del _CLAIM_FIGURES[next(iter(_CLAIM_FIGURES))]
    _CLAIM_FIGURES[text] = tuple(figures)


def explain_checkworthiness(text: str, top: int = 3) -> tuple[float, list[tuple[str, float]]]:
    """The check-worthiness of a claim's text (``checkworthiness``) and why: the features and
    words that raise it most (``checkworthy.explain``) in its best sentence."""
    sentences = extract(text, all_sentences=True, figures=_CLAIM_FIGURES.get(text))
    best = max(sentences, key=lambda s: s.checkworthy, default=None)
    return (0.0, []) if best is None else (best.checkworthy, best.why(top))


def checkworthiness(text: str) -> float:
    """The check-worthiness of a claim's text in [0, 1]: the highest of its sentences'
    (``checkworthy.score``; a claim's sentence scores the same on its own as in its source).

    >>> checkworthiness("Klarna says its assistant does the work of 700 agents.") >= 0.5
    True
    """
    sentences = extract(text, all_sentences=True, figures=_CLAIM_FIGURES.get(text))
    return max((s.checkworthy for s in sentences), default=0.0)
