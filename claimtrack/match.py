"""Claim matching: rank a workspace's claims against a piece of text.

Placeholder until the linking work lands: token overlap over every claim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Claim, Figure

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Match:
    claim: str
    score: float


class ClaimIndex:
    """An index over claims, built once and queried many times."""

    def __init__(self, claims: Iterable[Claim]):
        self.claims = {c.id: c for c in claims}
        self._tokens = {
            cid: set(_WORD.findall(c.text.casefold())) for cid, c in self.claims.items()
        }

    def query(self, text: str, figures: list[Figure] | None = None, *, top: int = 5) -> list[Match]:
        """The best ``top`` claims for ``text``, best first, each with a score in [0, 1]."""
        words = set(_WORD.findall(text.casefold()))
        scored = []
        for cid, tokens in self._tokens.items():
            union = words | tokens
            if union:
                score = len(words & tokens) / len(union)
                if score > 0:
                    scored.append(Match(cid, score))
        scored.sort(key=lambda m: (-m.score, m.claim))
        return scored[:top]
