"""Check-worthiness: does a sentence state a fact that someone could check?

``score(...)`` adds up named features; each sentence carries the list of features that fired,
so a journalist (or a test) can see why it was or was not taken as a claim. Weights:

| feature | weight | fires when |
|---|---|---|
| `figure` | +0.45 | a count, amount, percentage, multiplier, ratio or measure (not a bare year or date) |
| `money_or_percent` | +0.10 | a currency or percentage figure |
| `attributed` | +0.15 | an attribution cue ("says", "according to") |
| `change` | +0.15 | a verb of measurable change or action ("cut", "rose", "hired", "launched") |
| `comparison` | +0.15 | a comparative or superlative ("largest", "more than", "record", "first") |
| `named_entity` | +0.10 | a capitalised name inside the sentence |
| `time_reference` | +0.05 | a year or date |
| `question` | -0.50 | ends with "?" |
| `opinion` | -0.30 | an opinion or evaluative phrase ("I think", "so true", "amazing") |
| `first_person` | -0.15 | "I", "my", "me" outside quotes |
| `boilerplate` | -0.60 | greetings and page furniture ("thanks for reading", "subscribe") |
| `short` | -0.30 | fewer than five words |

The score is clamped to [0, 1]; a sentence is a claim when it reaches :data:`THRESHOLD` and has
a figure, or an attribution or a change verb together with a name.
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

_CHANGE = re.compile(
    r"(?<![\w-])(?:cut|cuts|cutting|slashed|slash|laid\s+off|lay\s+off|layoffs|hired|hires|"
    r"hiring|rose|rise|rises|risen|fell|fall|falls|fallen|grew|grow|grows|grown|increased|"
    r"increase|increases|decreased|decline|declined|declines|dropped|drops|jumped|jumps|"
    r"surged|surges|soared|plunged|plunges|doubled|tripled|halved|raised|raises|raising|"
    r"earned|lost|losses|reported|reports|launched|launches|acquired|acquires|bought|sold|"
    r"sells|invested|invests|spent|spends|saved|saves|reduced|reduces|reduce|expanded|"
    r"expands|closed|closes|opened|opens|paid|pays|fined|valued|handles|handled|serves|served|"
    r"employs|employed|generated|generates|recorded|posted|boost|boosted|boosts|topped|"
    r"reached|reaches|exceeded|equivalent|revenue|profit|profits|sales|shares|valuation|"
    r"turnover|workforce|jobs|speak|speaks|available|operates|operate|overtook|overtakes|"
    r"written\s+off|wrote\s+(?:off|down)|write-downs?|fined|ordered|filed|signed|agreed|"
    r"delivered|shipped|carried|recalled|cancelled|canceled|won|approved)(?![\w-])",
    re.I,
)
_SUPERLATIVE = re.compile(
    r"(?<![\w])(?:largest|biggest|smallest|highest|lowest|fastest|slowest|most|least|record|"
    r"all-time|first|best|worst|ever|straight|consecutive|in\s+a\s+row|only)(?![\w-])",
    re.I,
)
_COMPARISON = re.compile(
    r"(?<![\w-])(?:more\s+than|less\s+than|fewer\s+than|higher|lower|larger|bigger|faster|"
    r"slower|cheaper|better|worse|compared|than|outperform\w*|leading|times|double|"
    r"overtook|beat|beating)(?![\w-])",
    re.I,
)
_OPINION = re.compile(
    r"(?<![\w-])(?:I\s+think|I\s+believe|I\s+feel|we\s+think|in\s+my\s+(?:opinion|view)|"
    r"so\s+true|amazing|awesome|terrible|awful|wonderful|great\s+(?:job|read)|love|hate|"
    r"must|ought|hopefully|sadly|frankly|obviously|clearly|imo|lol|wow|"
    r"beautiful|exciting|scary|crazy|interesting|fascinating|brilliant|"
    r"stunning|shocking|disgraceful|shameful|ridiculous|absurd)(?![\w-])",
    re.I,
)
_FIRST_PERSON = re.compile(r"(?<![\w’'])(?:I|me|my|mine|myself)(?![\w’'])")
_BOILERPLATE = re.compile(
    r"(?<![\w-])(?:thanks?\s+(?:you\s+)?for\s+reading|subscribe|sign\s+up|click\s+here|"
    r"read\s+more|follow\s+us|all\s+rights\s+reserved|cookie|newsletter|hello|hi\s+there|"
    r"good\s+morning|welcome\s+to|share\s+this|view\s+highlight|advertisement|"
    r"related\s+articles?|copyright)(?![\w-])",
    re.I,
)
_NAME_INSIDE = re.compile(
    r"(?<=[\w,;:]\s)(?!(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|"
    r"Sat|Sun)[a-z]*\b)[A-ZÀ-ÖØ-Þ][a-z]+|(?<=\s)[A-Z]{2,}(?![a-z])"
)
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
) -> list[str]:
    """The names of the features of ``sentence`` that fire, in the order of WEIGHTS."""
    fired = []
    kinds = {f.kind for f in figures}
    if kinds & _FIGURE_KINDS:
        fired.append("figure")
    if "currency" in kinds or "percent" in kinds or "percentage_points" in kinds:
        fired.append("money_or_percent")
    if cue:
        fired.append("attributed")
    if _CHANGE.search(sentence):
        fired.append("change")
    if _SUPERLATIVE.search(sentence):
        fired.append("superlative")
    if _COMPARISON.search(sentence):
        fired.append("comparison")
    if _proper(claimant) or _NAME_INSIDE.search(sentence):
        fired.append("named_entity")
    if "year" in kinds or "date" in kinds:
        fired.append("time_reference")
    if sentence.rstrip("\"”’' )*_").endswith("?"):
        fired.append("question")
    if _OPINION.search(sentence):
        fired.append("opinion")
    unquoted = _QUOTED.sub("", sentence) if ('"' in sentence or "“" in sentence) else sentence
    if _FIRST_PERSON.search(unquoted):
        fired.append("first_person")
    if nonanswer:
        fired.append("nonanswer")
    if _BOILERPLATE.search(sentence):
        fired.append("boilerplate")
    if sentence.count(" ") < 3:
        fired.append("short")
    return fired


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
