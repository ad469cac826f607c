"""The same-claim score: how likely a tracked claim is the claim a text states, in [0, 1],
from figures that agree (within rounding and qualifier) or disagree, shared subject words
weighted by rarity, the claimant and the names each mentions. ``is_same_claim`` is the cut-off
linking uses to attach a mention to a claim."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from .features import Features, same_claimant

MATCH_THRESHOLD = 0.5
"""Scores at or above this mean "the same claim" (linking attaches the mention to it)."""

OTHER_NAMES = 0.5
"""Score factor when the query and the claim each name someone the other does not."""

ONE_SIDED_FIGURES = 0.85
"""Score factor when only one of the two states a figure ("Increased efficiency through AI"
is not "Klarna to cut nearly 2,000 jobs as AI boosts efficiency")."""


def is_same_claim(score: float) -> bool:
    """True when a ``Match.score`` is high enough to treat the text as the same claim."""
    return score >= MATCH_THRESHOLD


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
