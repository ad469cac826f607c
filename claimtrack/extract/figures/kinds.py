"""What sort of number: percent, scale words, multipliers, ratios, fractions, ranges and the
qualifier words before a number ("nearly", "more than")."""

from __future__ import annotations

import re

from ..numbers import NUMBER_WORDS, word_regex, words_value
from .build import FigureData, _make
from .currency import _CODES, _CUR_AFTER, _SYMBOLS, _currency_after_ok, _currency_from
from .scan import _NUMERIC, _WORDS, _Candidate, _number
from .units import _MEASURES, _TIME_UNITS, _UNIT_AFTER, _unit_ok

_PERCENT = re.compile(
    r"""[ ]?(?:
        (?P<pp>percentage[ -]points?|pp\b|ppts?\b|percent(?:age)?[ ]pts?\b)
      | (?P<bp>basis[ ]points?|bps\b|bp\b)
      | (?P<pct>%|[ ]?per[ ]?cent\b|pc\b|pct\b)
    )""",
    re.X | re.I,
)
# Multi-letter scales may stand apart from the number ("£3 bn"); single letters must touch it.
_SCALE = re.compile(
    r"""(?:
        [ -]?(?P<word>thousand|million|billion|trillion|mln|bln|mn|bn|tn|tln|trn|mil|
                      lakhs?|lacs?|crores?)(?![\w])
      | (?P<letter>MM|[kKmMbBT])(?![\w])
    )""",
    re.X,
)
_SCALE_VALUES = {
    "thousand": 1e3,
    "million": 1e6,
    "mln": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bln": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "t": 1e12,
    "k": 1e3,
    "mm": 1e6,
    "mil": 1e6,
    "tln": 1e12,
    "trn": 1e12,
    # South Asian scales: "25 lakh" is 2,500,000, "3 crore" 30,000,000
    "lakh": 1e5,
    "lakhs": 1e5,
    "lac": 1e5,
    "lacs": 1e5,
    "crore": 1e7,
    "crores": 1e7,
}

_MULT_AFTER = re.compile(r"(?:(?P<x>[xX×])(?![\w])|[ -](?P<times>times|fold)(?![\w-]))")
# "three times higher" is a multiplier; "raised rates eight times" counts events
_TIMES_COMPARE = re.compile(
    r"[ ](?:more|less|higher|lower|larger|bigger|smaller|greater|faster|slower|as|the|that|"
    r"what|over|cheaper|longer|stronger|better|worse)\b"
)
_RATIO = re.compile(r"[ -](?:in|out[ -]of)[ -](?:every[ -])?")
_RANGE = re.compile(r"(?:[ ]?(?:-[ ])?(?P<word>to|and)[ ]|(?P<hy>[ ]?(?:-|–|—)[ ]?))")
_PLUS = re.compile(r"\+(?![\d])")
_ORDINAL = re.compile(r"(?:st|nd|rd|th)(?![\w])")
_DECADE = re.compile(r"['’]?s(?![\w])")

_QUALIFIERS = [
    ("nearly", r"nearly|almost|close[ ]to|just[ ]under|just[ ]shy[ ]of|just[ ]below"),
    (
        "approximately",
        r"about|around|roughly|approximately|approx\.?|some|an[ ]estimated|estimated|circa|"
        r"c\.|~|an[ ]approximate|upward[ ]of",
    ),
    (
        "more_than",
        r"more[ ]than|over|above|upwards[ ]of|in[ ]excess[ ]of|north[ ]of|greater[ ]than|"
        r"just[ ]over|just[ ]above|higher[ ]than",
    ),
    ("at_least", r"at[ ]least|no[ ](?:fewer|less)[ ]than|a[ ]minimum[ ]of|not[ ]less[ ]than"),
    (
        "at_most",
        r"up[ ]to|as[ ]many[ ]as|as[ ]much[ ]as|at[ ]most|no[ ]more[ ]than|a[ ]maximum[ ]of|"
        r"not[ ]more[ ]than",
    ),
    ("less_than", r"less[ ]than|fewer[ ]than|under|below|lower[ ]than"),
]
_QUALIFIER = re.compile(
    r"(?<![\w])(?:" + "|".join(f"(?P<{name}>{alts})" for name, alts in _QUALIFIERS) + r")[ ]?$",
    re.I,
)
_BETWEEN = re.compile(r"(?<![\w])between[ ](?:~|about[ ]|around[ ]|roughly[ ])?$", re.I)
_FROM = re.compile(r"(?<![\w])from[ ](?:about[ ]|around[ ]|roughly[ ])?$", re.I)


_VERB_AFTER = re.compile(
    r"[ ](?:[a-z]+ed|said|says|is|was|has|had|will|would|makes?|made|sells?|sold|shares?)\b"
)


def _letter_scale_ok(text: str, pos: int, letter: str) -> bool:
    """A single-letter scale without a currency ("5m users") must be followed by a word."""
    if letter in "mM":
        if _VERB_AFTER.match(text, pos):
            return False  # "3M reported": a name
        return bool(re.match(r"[ ][a-z]", text[pos : pos + 2])) and not re.match(
            r"[ ](?:high|tall|long|wide|deep|away|race|sprint|run|dash|swim)\b", text[pos : pos + 8]
        )
    if letter in "kK":
        return True
    return letter in "bBT" and bool(re.match(r"[ ][a-z]", text[pos : pos + 2]))


_QUALIFIER_ENDS = frozenset(
    """nearly almost to under of below about around roughly approximately approx approx.
    some estimated circa c. ~ approximate over above than least minimum up many much most
    maximum as""".split()
)


def _qualifier(before: str, start: int) -> tuple[str, int]:
    # most numbers have no qualifier: look at the last word before running the regex
    tail = before[-14:].rstrip()
    last = tail[tail.rfind(" ") + 1 :].lower() if tail else ""
    if last not in _QUALIFIER_ENDS and not last.endswith("~"):
        return "exact", start
    m = _QUALIFIER.search(before, max(0, len(before) - 24))
    if not m:
        return "exact", start
    return m.lastgroup or "exact", start - (len(before) - m.start())


def _ratio(text: str, c: _Candidate) -> FigureData | None:
    """ "one in five", "1 in 4", "two out of every three"."""
    m = _RATIO.match(text, c.end)
    if not m:
        return None
    d = _ONE_NUMBER.match(text, m.end())
    if not d:
        return None
    den = _simple_value(d.group(0))
    if not den or c.value >= den or den > 10000:
        return None
    if d.group(0).isdigit() and len(d.group(0)) == 4 and 1800 <= den <= 2100:
        return None  # "2 in 1979"
    qualifier, qstart = _qualifier(text[max(0, c.start - 40) : c.start], c.start)
    return _make(text, qstart, d.end(), c.value / den, "ratio", qualifier=qualifier)


_ONE_NUMBER = re.compile(
    r"\d{1,3}(?:,\d{3})+|\d+|"
    + f"{word_regex(NUMBER_WORDS)}(?:(?:[ -]|[ ]and[ ]){word_regex(NUMBER_WORDS)})*"
    + r"(?:-\w+)?\b"
)


def _simple_value(s: str) -> float | None:
    if s[0].isdigit():
        return _number(s)
    value, used = words_value(re.findall(r"[A-Za-z]+", s))
    return value


def _slash(text: str, c: _Candidate) -> FigureData | None:
    """ "1/4 inch" is a fraction; "24/7", "9/11" and dates are not figures."""
    m = re.match(r"(\d+)/(\d+)(?![\d/])", text[c.start : c.start + 12])
    if not m or text[c.start - 1 : c.start] == "/":
        return None
    a, b = int(m.group(1)), int(m.group(2))
    if a >= b or not (b in (2, 3, 4, 5, 8, 10, 16, 100) or (a == 1 and b <= 1000)):
        return None
    end = c.start + m.end()
    qualifier, qstart = _qualifier(text[max(0, c.start - 40) : c.start], c.start)
    unit, kind = None, "number"
    um = _UNIT_AFTER.match(text, end)
    if um and _unit_ok(text, um):
        u = um.group("unit").lower()
        unit = _TIME_UNITS.get(u) or _MEASURES.get(u)
        kind = "duration" if u in _TIME_UNITS else "quantity"
        end = um.end()
    return _make(text, qstart, end, a / b, kind, unit, qualifier=qualifier)


def _range(
    text: str,
    c: _Candidate,
    end: int,
    value: float,
    kind: str,
    currency: str | None,
    scale: float,
    before: str,
) -> tuple[float, float, int, str, str | None, float] | None:
    """(low, high, end, kind, currency, scale of the second number) or None."""
    m = _RANGE.match(text, end)
    if not m:
        return None
    word = m.group("word")
    if word == "and" and not _BETWEEN.search(before):
        return None
    if word == "to" and _FROM.search(before):
        return None
    p = m.end()
    if text.startswith("~", p):
        p += 1  # "between ~2x and ~9x"
    second = None
    # the second number may repeat the currency: "$3bn-$4bn"
    n = _NUMERIC.match(text, p)
    if n and n.group("num") is not None and n.lastgroup != "date":
        cur2 = None
        if n.group("sym"):
            cur2 = _SYMBOLS[n.group("sym")]
        elif n.group("code"):
            cur2 = _CODES[n.group("code")]
        if cur2 and currency and cur2 != currency:
            return None
        if cur2 and not currency and kind != "number":
            return None
        v2 = _number(n.group("num"))
        second = (v2, n.end(), cur2)
    else:
        w = _WORDS.match(text, p)
        if w and w.lastgroup == "words":
            wv, used = words_value(re.findall(r"[A-Za-z]+", w.group(0)))
            if wv is not None and used == len(re.findall(r"[A-Za-z]+", w.group(0))):
                second = (wv, w.end(), None)
    if second is None:
        return None
    v2, e2, cur2 = second
    if m.group("hy") and (c.digits and len(c.digits) == 4 and 1800 <= c.value <= 2100):
        return None  # "2013-2014" is a span of years
    scale2 = 1.0
    sm = _SCALE.match(text, e2)
    if sm and (sm.group("word") or currency or cur2 or sm.group("letter") in "kK"):
        scale2 = _SCALE_VALUES[(sm.group("word") or sm.group("letter")).lower()]
        e2 = sm.end()
    currency2 = currency or cur2
    kind2 = kind
    if currency2 and kind == "number":
        kind2 = "currency"
    if currency is None and cur2 is None:
        cm = _CUR_AFTER.match(text, e2)
        if cm and _currency_after_ok(text, cm):
            currency2, _f = _currency_from(cm)
            kind2 = "currency"
            e2 = cm.end()
    if kind == "multiplier":
        xm = _MULT_AFTER.match(text, e2)
        if not xm:
            return None
        e2 = xm.end()
    pm = _PERCENT.match(text, e2) if kind2 in ("number", "percent", "percentage_points") else None
    if pm:
        k = "percentage_points" if (pm.group("pp") or pm.group("bp")) else "percent"
        if kind not in ("number", k):
            return None
        kind2 = k
        e2 = pm.end()
    elif kind in ("percent", "percentage_points") and word == "to":
        return None  # "rose 5% to 700": not a range
    low = value
    high = v2 * scale2
    if kind2 in ("percent", "percentage_points") and kind == "number":
        pass
    if high <= low:
        return None
    return low, high, e2, kind2, currency2, scale2
