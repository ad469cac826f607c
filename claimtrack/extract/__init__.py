"""Claim extraction: a pure function of text. No workspace, no network.

``extract(text)`` splits the text into sentences with offsets, parses the figures in each,
finds who asserts it, whether it is hedged, whether it is a non-answer ("declined to comment"),
and scores how check-worthy it is.

Placeholder until the extraction work lands: a naive splitter and no figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..models import Figure

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)", re.M)


@dataclass
class ExtractedSentence:
    """One sentence and what extraction found in it. Offsets index the input text."""

    sentence: str
    start: int
    end: int
    is_claim: bool = False
    checkworthy: float = 0.0
    features: list[str] = field(default_factory=list)
    claimant: str | None = None
    cue: str | None = None
    hedged: bool = False
    nonanswer: bool = False
    figures: list[Figure] = field(default_factory=list)

    def to_json(self, record_id: str | None = None) -> dict:
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
        }


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


def extract(text: str, *, all_sentences: bool = False) -> list[ExtractedSentence]:
    """The claim sentences of ``text`` (every sentence with ``all_sentences``)."""
    out = []
    for m in _SENTENCE.finditer(text):
        s = m.group(0)
        stripped = s.strip()
        if not stripped:
            continue
        start = m.start() + (len(s) - len(s.lstrip()))
        item = ExtractedSentence(sentence=stripped, start=start, end=start + len(stripped))
        item.is_claim = bool(re.search(r"\d", stripped))
        if item.is_claim or all_sentences:
            out.append(item)
    return out
