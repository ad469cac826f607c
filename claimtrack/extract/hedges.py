"""Hedges (estimates, projections, conditionals) and non-answers ("declined to comment").

Both are plain word patterns, listed here so that a reader can see exactly what counts.
"""

from __future__ import annotations

import re

HEDGE_WORDS = """may might could would should expects expected expecting expect estimates
estimated estimate estimating projects projected projection projections forecast forecasts
forecasting anticipates anticipated anticipate predicts predicted predict potential
potentially possibly likely unlikely probably hopes hoped intends intend plans planned aims
targets targeting if unless""".split()
HEDGE_PHRASES = [
    "up to",
    "as much as",
    "as many as",
    "set to",
    "on track to",
    "poised to",
    "is believed to",
    "are believed to",
    "on course to",
    "in the future",
]

_HEDGE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(HEDGE_WORDS + [p.replace(" ", r"\s+") for p in HEDGE_PHRASES])
    + r")(?![\w-])",
    re.I,
)

_VERBS = (
    r"(?:comment|say|said|provide|disclose|specify|elaborate|discuss|answer|respond|confirm|"
    r"give|share|reveal|explain|detail|offer|return|reply|identify|name|clarify|release|"
    r"make|be[ ]reached|address|break[ ]down|quantify|immediately)"
)
NONANSWER_PATTERNS = [
    rf"declined\s+to\s+{_VERBS}",
    rf"refused\s+to\s+{_VERBS}",
    rf"(?:did|does|do|would|could|will|has|have|had)\s*(?:n[o’']t|\s+not)\s+(?:immediately\s+|yet\s+)?{_VERBS}",
    rf"(?:was|were|is|are|has\s+been|have\s+been)\s+(?:not\s+|un)able\s+to\s+(?:immediately\s+)?{_VERBS}",
    rf"(?:was|were|is|are)n[’']t\s+able\s+to\s+(?:immediately\s+)?{_VERBS}",
    r"could\s*(?:n[o’']t|\s+not)\s+be\s+reached",
    r"(?:has|have|had)\s*(?:n[o’']t|\s+not)\s+(?:yet\s+)?(?:responded|replied|commented|answered|returned|provided|disclosed|confirmed|said)",
    r"not\s+immediately\s+(?:available|respond|reply|return|provide|clear)",
    r"no\s+(?:immediate\s+)?(?:response|reply|comment)\s+(?:from|to|was|has)",
    r"(?:unavailable|not\s+available)\s+for\s+comment",
    r"neither\s+confirmed\s+nor\s+denied",
    r"did\s*(?:n[o’']t|\s+not)\s+say\s+(?:how|whether|what|why|when|where|which|who)",
    r"would\s*(?:n[o’']t|\s+not)\s+(?:say|specify|disclose|elaborate|comment)",
    r"no\s+comment",
]
_NONANSWER = re.compile(r"(?<![\w])(?:" + "|".join(NONANSWER_PATTERNS) + r")(?![\w])", re.I)


def hedge(sentence: str) -> str | None:
    """The first hedge word or phrase in ``sentence``, or None.

    >>> hedge("The chatbot could boost profits by $40 million.")
    'could'
    """
    m = _HEDGE.search(sentence)
    return m.group(0).lower() if m else None


def nonanswer(sentence: str) -> str | None:
    """The phrase that makes ``sentence`` a non-answer, or None.

    >>> nonanswer("A spokesperson declined to comment.")
    'declined to comment'
    """
    m = _NONANSWER.search(sentence)
    return m.group(0) if m else None
