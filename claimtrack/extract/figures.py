"""Figures: the numbers in a text, parsed and normalised so that they can be compared.

``parse(text)`` returns :class:`claimtrack.models.Figure` objects whose ``start``/``end`` index
``text``. Each figure's ``text`` runs from its qualifier to its counted noun ("nearly 2,000
jobs"), ``value`` is fully scaled ("$40 million" -> 40000000, a range's midpoint), and
``kind``, ``unit``, ``currency`` and ``qualifier`` say what it counts. Conventions
(docs/extraction.md):

- percent, percentage points, currency, multiplier and ratio figures have ``unit`` null;
- a count's unit is its counted noun, lowercased, as written ("700 full-time human agents"
  -> "agents", "1 store" -> "store");
- a measurement's unit is a canonical symbol ("km", "kg", "MW", "GB", "°C"), a duration's a
  plural word ("days", "years");
- years are ``kind="year"`` with the year as value; dates are ``kind="date"`` with value null.

Two scans over the whole text (digits and currency symbols; number words) find candidate
numbers; each candidate then looks at a few characters either side with anchored regexes.
Nothing here is per-sentence, so the cost grows with the number of figures, not sentences.
"""

from __future__ import annotations

import heapq
import math
import re

from ..models import Figure
from .numbers import (
    FRACTIONS,
    MULTIPLIER_WORDS,
    NUMBER_WORDS,
    SCALES,
    UNITS,
    word_regex,
    words_value,
)

# ---------------------------------------------------------------------------------------------
# Currencies

_SYMBOLS = {
    "US$": "USD",
    "$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "HK$": "HKD",
    "NT$": "TWD",
    "S$": "SGD",
    "NZ$": "NZD",
    "R$": "BRL",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
}
_CODES = {
    c: c
    for c in (
        "USD EUR GBP SEK NOK DKK CHF JPY CNY INR AUD CAD HKD SGD NZD BRL ZAR KRW MXN PLN "
        "TRY RUB AED SAR"
    ).split()
}
_CODES["RMB"] = "CNY"
_NAMES = {
    "dollar": "USD",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "sterling": "GBP",
    "krona": "SEK",
    "kronor": "SEK",
    "kroner": "NOK",
    "krone": "NOK",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rupee": "INR",
    "rupees": "INR",
    "franc": "CHF",
    "francs": "CHF",
    "won": "KRW",
    "peso": "MXN",
    "pesos": "MXN",
    "reais": "BRL",
    "cent": "USD",
    "cents": "USD",
    "pence": "GBP",
    "dime": "USD",
    "dimes": "USD",
    "p": "GBP",
}
_NATIONAL = {
    "us": "USD",
    "u.s.": "USD",
    "american": "USD",
    "australian": "AUD",
    "canadian": "CAD",
    "hong kong": "HKD",
    "singapore": "SGD",
    "new zealand": "NZD",
    "swedish": "SEK",
    "norwegian": "NOK",
    "danish": "DKK",
    "swiss": "CHF",
    "japanese": "JPY",
    "chinese": "CNY",
    "indian": "INR",
    "mexican": "MXN",
    "brazilian": "BRL",
}

_SYM_RE = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_CODE_RE = "|".join(sorted(_CODES))

# ---------------------------------------------------------------------------------------------
# Candidate scans

_DIGITS = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    r"|\d{1,3}(?:[\u00a0\u202f]\d{3})+(?![\d])"
    r"|\d{1,3}(?:[ ]\d{3})+(?=[ ]?(?:%|per[ ]?cent|dollars?|euros?|pounds?|kronor|kroner|yen|"
    r"francs?|[A-Z]{3}\b))"
    r"|\d+(?:\.\d+)?|\.\d+"
)
# scientific notation: "2.48×10−5", "4e14"
_EXPONENT = re.compile(r"(?:[ ]?[×x][ ]?10(?:\^|\*\*)?([−-]?\d{1,3})|[eE]([−-]?\d{1,3}))(?![\w.])")
_MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|"
    r"Aug(?:ust|\.)?|Sep(?:tember|t\.|\.|t)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
    r"(?![a-z])"
)
# Digits, currency-prefixed digits and dates. Every branch starts with a literal or a class,
# which lets the regex engine skip ahead to candidate positions.
_NUMERIC = re.compile(
    rf"""
    # a cheap first test lets the engine pass over most characters quickly
    (?=[\dA-Z$€£¥₹₩+(½¼¾⅓⅔.−-])
    (?:
    (?P<date>
        \d{{4}}-\d{{1,2}}-\d{{1,2}}(?!\d)
      | \d{{1,2}}/\d{{1,2}}/\d{{2,4}}(?!\d)
      | {_MONTH}[ ]\d{{1,2}}(?:st|nd|rd|th)?(?:,?[ ]\d{{4}})?(?!\d|,\d)
      | \d{{1,2}}(?:st|nd|rd|th)?[ ]{_MONTH}(?:,?[ ]\d{{4}})?(?!\d)
      | {_MONTH},?[ ](?:1[89]|20)\d\d(?!\d)
    )
  | (?P<phone>
        \+\d{{1,3}}[ .-]?\(?\d{{1,4}}\)?(?:[ .-]?\d{{2,4}}){{2,4}}(?!\d)
      | \(\d{{2,4}}\)[ .-]?\d{{3,4}}[ .-]\d{{3,4}}(?!\d)
      | \d{{3}}[.-]\d{{3}}[.-]\d{{4}}(?!\d)
      | \d{{3}}-\d{{4}}(?![\d-])
      | 0\d{{2,4}}[ ]\d{{3,4}}[ ]\d{{3,4}}(?!\d)
    )
  | (?P<time>\d{{1,2}}:\d\d(?::\d\d)?(?:[ ]?[ap]\.?m\.?)?|\d{{1,2}}(?:\.\d\d)?[ ]?[ap]\.?m\b\.?)
  | (?:(?P<sym>{_SYM_RE})|(?P<code>(?:{_CODE_RE}))[ ]?)?(?P<neg>[-−](?=\d))?(?P<num>{_DIGITS})
  | (?P<uni>[½¼¾⅓⅔])
    )
    """,
    re.X,
)

_W = word_regex(NUMBER_WORDS)
_FRAC_NUM = word_regex(["a", "an", "one", *[w for w in UNITS if w not in ("zero", "one")]])
_FRAC_DEN = word_regex(list(FRACTIONS))
NUMBER_TRIGGERS = sorted({*NUMBER_WORDS, *FRACTIONS, *MULTIPLIER_WORDS, "half", "double", "triple"})
_FIRST_LETTERS = "".join(
    sorted({w[0] for w in [*NUMBER_WORDS, *FRACTIONS, *MULTIPLIER_WORDS, "a"]})
)
_WORDS = re.compile(
    rf"""
    (?=[{_FIRST_LETTERS}{_FIRST_LETTERS.upper()}])\b
    (?:
    (?P<frac>{_FRAC_NUM}[ -]{_FRAC_DEN}(?![\w-]))
  | (?P<halfa>(?:half|Half)[ ]an?[ ](?:million|billion|trillion|thousand|dozen)(?!\w))
  | (?P<half>(?:half|Half)(?=[ ]of\b)|(?<=by[ ])half(?![\w-])|(?<=in[ ])half(?![\w-]))
  | (?P<dbl>(?:double|triple|Double|Triple)(?=[ ](?:the|that|what|its|their|his|her|our)\b))
  | (?P<mult>{word_regex(list(MULTIPLIER_WORDS))}(?!\w))
  | (?P<words>(?:an?[ ]|An?[ ])?{_W}(?:(?:[ -]|[ ]and[ ]){_W})*(?![\w]))
    )
    """,
    re.X,
)

# ---------------------------------------------------------------------------------------------
# Right context (all anchored with .match at a position)

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
        [ ]?(?P<word>thousand|million|billion|trillion|mln|bln|mn|bn|tn)(?![\w])
      | (?P<letter>[kKmMbBT])(?![\w])
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
}
_CUR_AFTER = re.compile(
    rf"""(?:
        [ ]?(?P<sym>[€£$¥₹])
      | [ ](?P<code>{_CODE_RE})(?![\w])
      | [ ](?:(?P<nat>US|U\.S\.|American|Australian|Canadian|Hong[ ]Kong|Singapore|New[ ]Zealand|
              Swedish|Norwegian|Danish|Swiss|Japanese|Chinese|Indian|Mexican|Brazilian)[ ])?
            (?P<name>dollars?|euros?|pounds[ ]sterling|pounds?|sterling|kronor|krona|kroner|krone|
              yen|yuan|renminbi|rupees?|francs?|pesos?|reais|won|cents?|pence|dimes?)(?![\w-])
    )""",
    re.X,
)
_MULT_AFTER = re.compile(r"(?:(?P<x>[xX×])(?![\w])|[ -](?P<times>times|fold)(?![\w-]))")
# "three times higher" is a multiplier; "raised rates eight times" counts events
_TIMES_COMPARE = re.compile(
    r"[ ](?:more|less|higher|lower|larger|bigger|smaller|greater|faster|slower|as|the|that|"
    r"what|over|cheaper|longer|stronger|better|worse)\b"
)
_FRACTION_LEAD = re.compile(
    r"(?:about|around|roughly|nearly|almost|over|than|by|some|just|only|least|fully)[ ]$",
    re.I,
)
_RATIO = re.compile(r"[ ](?:in|out[ ]of)[ ](?:every[ ])?")
_RANGE = re.compile(r"(?:[ ]?(?:-[ ])?(?P<word>to|and)[ ]|(?P<hy>[ ]?(?:-|–|—)[ ]?))")
_PLUS = re.compile(r"\+(?![\d])")
_ORDINAL = re.compile(r"(?:st|nd|rd|th)(?![\w])")
_DECADE = re.compile(r"['’]?s(?![\w])")

_TIME_UNITS = {
    "second": "seconds",
    "seconds": "seconds",
    "minute": "minutes",
    "minutes": "minutes",
    "mins": "minutes",
    "hour": "hours",
    "hours": "hours",
    "hrs": "hours",
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
    "yrs": "years",
    "decade": "decades",
    "decades": "decades",
    "century": "centuries",
    "centuries": "centuries",
}
_MEASURES = {
    "km": "km",
    "kilometre": "km",
    "kilometres": "km",
    "kilometer": "km",
    "kilometers": "km",
    "mile": "mi",
    "miles": "mi",
    "mi": "mi",
    "metre": "m",
    "metres": "m",
    "meter": "m",
    "meters": "m",
    "cm": "cm",
    "centimetres": "cm",
    "centimeters": "cm",
    "mm": "mm",
    "millimetres": "mm",
    "millimeters": "mm",
    "ft": "ft",
    "feet": "ft",
    "foot": "ft",
    "inch": "in",
    "inches": "in",
    "kg": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "kilos": "kg",
    "gram": "g",
    "grams": "g",
    "mg": "mg",
    "nm": "nm",
    "nanometre": "nm",
    "nanometres": "nm",
    "nanometer": "nm",
    "nanometers": "nm",
    "milligrams": "mg",
    "lb": "lb",
    "lbs": "lb",
    "tonne": "t",
    "tonnes": "t",
    "ton": "t",
    "tons": "t",
    "litre": "l",
    "litres": "l",
    "liter": "l",
    "liters": "l",
    "ml": "ml",
    "cl": "cl",
    "gallon": "gal",
    "gallons": "gal",
    "barrel": "bbl",
    "barrels": "bbl",
    "kw": "kW",
    "mw": "MW",
    "gw": "GW",
    "kwh": "kWh",
    "mwh": "MWh",
    "gwh": "GWh",
    "twh": "TWh",
    "watts": "W",
    "kilowatts": "kW",
    "megawatts": "MW",
    "gigawatts": "GW",
    "kb": "KB",
    "mb": "MB",
    "gb": "GB",
    "tb": "TB",
    "pb": "PB",
    "kilobytes": "KB",
    "megabytes": "MB",
    "gigabytes": "GB",
    "terabytes": "TB",
    "petabytes": "PB",
    "exabytes": "EB",
    "ghz": "GHz",
    "mhz": "MHz",
    "°c": "°C",
    "°f": "°F",
    "degrees celsius": "°C",
    "degrees fahrenheit": "°F",
    "degrees": "°",
    "mph": "mph",
    "km/h": "km/h",
    "kph": "km/h",
    "sq km": "km2",
    "km2": "km2",
    "square kilometres": "km2",
    "square kilometers": "km2",
    "square miles": "mi2",
    "sq mi": "mi2",
    "acres": "acres",
    "hectares": "ha",
    "ha": "ha",
}
_UNIT_AFTER = re.compile(
    r"(?P<sep>[ ]?-?|-)(?P<unit>"
    + "|".join(
        re.escape(u).replace("\\ ", "[ ]")
        for u in sorted({*_MEASURES, *_TIME_UNITS}, key=len, reverse=True)
    )
    + r")(?![\w/])(?:['’](?![\w]))?",
    re.I,
)
_NEXT_WORD = re.compile(r"[ ]([a-z][a-z'’-]*)")
_SUFFIX_WORDS = frozenset(
    """thousand million billion trillion mln bln mn bn tn percent per pc pct percentage pp ppt
    ppts basis bps bp times fold in out to and dollar dollars euro euros pound pounds sterling
    kronor krona kroner krone yen yuan renminbi rupee rupees franc francs peso pesos reais won
    cent cents pence dime dimes degrees sq square""".split()
) | {u.split(" ")[0] for u in (*_MEASURES, *_TIME_UNITS)}
_WORD_AFTER = re.compile(
    r"(?:[ ]|-(?=[A-Za-z]))((?:[A-Z]\.){2,}|\d+[A-Za-z][\w-]*|[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’-]*)"
)
# "571 of the deliveries", "2,000 of its 5,000 employees"
_OF_THE = re.compile(
    r"[ ]of[ ](?:the|its|their|his|her|our|these|those|all)(?:[ ](?:\d[\d,.]*|"
    + word_regex(NUMBER_WORDS, capitalized=False)
    + r"))?(?=[ ])"
)

# ---------------------------------------------------------------------------------------------
# Left context (searched at the end of a short slice before the number)

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
_BETWEEN = re.compile(r"(?<![\w])between[ ]$", re.I)
_FROM = re.compile(r"(?<![\w])from[ ](?:about[ ]|around[ ]|roughly[ ])?$", re.I)
_URL = re.compile(r"(?:https?://|www\.)[^\s)\]>\"'”]+")
_NUMBER_SIGN = re.compile(r"(?:(?<![\w])(?:No|no|Nos|nos|Number|number)\.?[ ]?|#)$")
_PREV_WORD = re.compile(r"([A-Za-z][\w&'’.-]*)[ ]$")
_YEARISH_PREFIX = re.compile(r"(?:^|[^\w])(?:mid|pre|post|early|late|end|fiscal|FY|fy)[ -]?$")
_YEAR_PREPS = frozenset(
    "in since by of from until till through during before after to fiscal early late mid "
    "the this that last next its their his her our 's ’s year and or between end spring "
    "summer autumn fall winter around circa".split()
)
# Capitalized words that may stand before a plain number without making it a model name
# ("Boeing 737", "Windows 11", "Fortune 500" are names; "In 2023", "About 700" are not).
_NOT_NAME = frozenset(
    """the a an in on at by for from to of with about around nearly almost some over under
    more less fewer than only just all its their his her our these those this that another
    roughly approximately since until between after before during and but or so yet if when
    while as last next top estimated at least up another each every both another overall
    total just another almost exactly barely fully roughly another since by nearly perhaps
    maybe around approximately another it he she they we i you there here then now today
    also still already even another another""".split()
)
_COUNT_STOP = frozenset(
    """a an the of in on at by for from to with and or but as than that which who whom whose
    this these those its their his her our my your it he she they we you i is are was were be
    been being has have had do does did will would can could may might must shall should
    said says say told tells according per each every while when where since until after
    before during about around over under into onto than across between among within without
    not no nor so if yet also only just more most less least very too already still even
    up down out off last next this year years ago now today worldwide globally annually
    alone overall total respectively apiece a-year per-cent percent there here
    make makes made take takes took give gives gave show shows showed mean means meant
    remain remains remained seem seems seemed go goes went come comes came get gets got
    work works worked help helps helped handle handles handled use uses used need needs
    lose loses lost cut cuts hire hires hired add adds added fell fall falls rose rise rises
    grew grow grows jumped jump jumps dropped drop drops
    """.split()
)
_IRREGULAR_PLURALS = frozenset(
    """people staff personnel children men women police cattle feet teeth mice data media
    crew workforce headcount aircraft sheep fish series species offspring""".split()
)
_NOT_PLURAL_ENDINGS = ("ss", "us", "is", "ous")


def _is_plural(word: str) -> bool:
    w = word.lower()
    if w in _IRREGULAR_PLURALS:
        return True
    return len(w) > 2 and w.endswith("s") and not w.endswith(_NOT_PLURAL_ENDINGS)


def _is_word_start(text: str, i: int) -> bool:
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")


def _number(s: str) -> float:
    return float(s.replace(",", "").replace(" ", "").replace("\u00a0", "").replace("\u202f", ""))


class _Candidate:
    """A number found by a scan, before its context is read."""

    __slots__ = ("start", "end", "value", "kind", "currency", "digits", "words", "raw")

    def __init__(self, start, end, value, kind="number", currency=None, digits=None, words=False):
        self.start = start
        self.end = end
        self.value = value
        self.kind = kind
        self.currency = currency
        self.digits = digits  # the digit string as written, for year and name checks
        self.words = words
        self.raw = None


def _scan_numeric(text: str):
    for m in _NUMERIC.finditer(text):
        g = m.lastgroup
        if g == "date":
            c = _Candidate(m.start(), m.end(), None, "date")
            yield c
        elif g == "phone":
            yield _Candidate(m.start(), m.end(), None, "time")
        elif g == "time":
            yield _Candidate(m.start(), m.end(), None, "time")
        elif g == "uni":
            v = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3}[m.group("uni")]
            start = m.start()
            # "2½" reads as 2.5
            yield _Candidate(start, m.end(), v)
        else:
            start = m.start()
            num = m.group("num")
            if m.group("sym") is None and m.group("code") is None:
                # not inside a longer number or word: "1.2.3", "A320" are checked later
                if start > 0 and (text[start - 1].isdigit() or text[start - 1] in ",."):
                    if not (
                        text[start - 1] == "." and (start < 2 or not text[start - 2].isdigit())
                    ):
                        continue
            elif m.group("code") and not _is_word_start(text, start):
                start = m.start("neg") if m.group("neg") else m.start("num")
                c = _Candidate(start, m.end(), _number(num), digits=num)
                yield c
                continue
            value = _number(num)
            if m.group("neg"):
                value = -value
            currency = None
            if m.group("sym"):
                currency = _SYMBOLS[m.group("sym")]
            elif m.group("code"):
                currency = _CODES[m.group("code")]
            c = _Candidate(start, m.end(), value, digits=num)
            c.currency = currency
            if currency:
                c.kind = "currency"
            yield c


def _word_matches(text: str, positions):
    """The number-word matches at ``positions`` (where a number word starts), each tried
    from the article before it first ("a dozen", "a third of")."""
    last = -1
    match = _WORDS.match
    for p in positions:
        if p < last:
            continue
        m = None
        if p >= 2 and text[p - 1] == " " and text[p - 2] in "aA" and _is_word_start(text, p - 2):
            m = match(text, p - 2)
        elif p >= 3 and text[p - 1] == " " and text[p - 3 : p - 1] in ("an", "An"):
            if _is_word_start(text, p - 3):
                m = match(text, p - 3)
        if m is None or m.end() <= p:
            m = match(text, p)
        if m is not None:
            last = m.end()
            yield m


def _scan_words(text: str, positions=None):
    matches = _WORDS.finditer(text) if positions is None else _word_matches(text, positions)
    for m in matches:
        start = m.start()
        if not _is_word_start(text, start):
            continue
        g = m.lastgroup
        s = m.group(0)
        if g == "frac":
            num, den = re.split(r"[ -]", s, maxsplit=1)
            n = 1 if num.lower() in ("a", "an") else UNITS[num.lower()]
            den_l = den.lower()
            if num.lower() in ("a", "an") or den_l.startswith("quarter"):
                if not text.startswith(" of", m.end()) and not _FRACTION_LEAD.search(
                    text, max(0, start - 12), start
                ):
                    continue
            c = _Candidate(start, m.end(), n / FRACTIONS[den_l], "ratio", words=True)
            yield c
        elif g == "halfa":
            scale = s.split()[-1].lower()
            v = 6.0 if scale == "dozen" else 0.5 * SCALES[scale]
            yield _Candidate(start, m.end(), v, words=True)
        elif g == "half":
            before = text[max(0, start - 8) : start].lower()
            if before.endswith(("first ", "second ", "other ", "back ", "front ")):
                continue
            yield _Candidate(start, m.end(), 0.5, "ratio", words=True)
        elif g == "dbl":
            yield _Candidate(start, m.end(), 2.0 if s[0] in "dD" else 3.0, "multiplier", words=True)
        elif g == "mult":
            yield _Candidate(start, m.end(), MULTIPLIER_WORDS[s.lower()], "multiplier", words=True)
        else:
            tokens = re.findall(r"[A-Za-z]+", s)
            value, used = words_value(tokens)
            if tokens[0].lower() in ("a", "an") and used < 2 and len(tokens) > 1:
                # "a two-year plan": the article is not part of the number
                start = text.index(tokens[1], start + len(tokens[0]))
                tokens = tokens[1:]
                value, used = words_value(tokens)
            if value is None:
                continue
            if used < len(tokens):
                # trim the match to the tokens that formed a number
                pos = start
                for t in tokens[:used]:
                    pos = text.index(t, pos) + len(t)
                end = pos
            else:
                end = m.end()
            c = _Candidate(start, end, value, words=True)
            c.raw = [t.lower() for t in tokens[:used]]
            # "and a half": "two and a half million"
            if text.startswith(" and a half", end):
                c.value += 0.5
                c.end = end + len(" and a half")
            yield c


def parse(text: str, *, word_positions: list[int] | None = None) -> list[Figure]:
    """Every figure in ``text``, in order, with offsets into ``text``.

    ``word_positions``, if given, are the offsets where number words start (the keyword scan
    of :mod:`claimtrack.extract.triggers` finds them), which saves a pass over the text.

    >>> [(f.value, f.kind, f.unit, f.qualifier) for f in parse("Klarna cut nearly 2,000 jobs.")]
    [(2000.0, 'count', 'jobs', 'nearly')]
    """
    figures: list[Figure] = []
    pos = 0
    # numbers in web addresses and e-mail addresses are not figures
    skip = [m.span() for m in _URL.finditer(text)] if ("://" in text or "www." in text) else []
    skip.append((len(text) + 1, len(text) + 1))
    s = 0
    words = _scan_words(text, word_positions)
    for c in heapq.merge(_scan_numeric(text), words, key=lambda c: c.start):
        if c.start < pos:
            continue
        while skip[s][1] <= c.start:
            s += 1
        if skip[s][0] <= c.start:
            pos = skip[s][1]
            continue
        fig = _read(text, c)
        if fig is None:
            pos = max(pos, c.end)
            continue
        figures.append(fig)
        pos = fig.end
    return figures


def _make(
    text, start, end, value, kind, unit=None, currency=None, qualifier="exact", low=None, high=None
) -> Figure:
    assert kind in _KINDS and qualifier in _QUALIFIER_NAMES  # nothing else is ever built
    values = {
        "text": text[start:end],
        "start": start,
        "end": end,
        "value": _tidy(value),
        "low": _tidy(low),
        "high": _tidy(high),
        "unit": unit,
        "kind": kind,
        "currency": currency,
        "qualifier": qualifier,
    }
    # What Figure.model_construct does, without its per-call overhead (a third of the time
    # of building figures): the values above are already of the model's types.
    fig = _new_figure(Figure)
    _set(fig, "__dict__", values)
    # every field is set, so all figures can share one fields-set: pydantic only ever adds
    # field names to it (already there) or copies it (model_copy)
    _set(fig, "__pydantic_fields_set__", _ALL_FIELDS)
    _set(fig, "__pydantic_extra__", None)
    _set(fig, "__pydantic_private__", None)
    return fig


def _read(text: str, c: _Candidate) -> Figure | None:
    """Read the context of candidate ``c``; None when it is not a figure (a name, a time...)."""
    if c.kind == "time":
        return None
    if c.kind == "date":
        return _make(text, c.start, c.end, None, "date")
    before = text[max(0, c.start - 40) : c.start]
    end = c.end

    if c.words:
        raw = c.raw
        if raw is not None:
            # a bare "one" ("one of the", "no one") or "zero" is not a figure
            if raw in (["one"], ["zero"], ["a"], ["an"]):
                ratio = _ratio(text, c)
                return ratio
            if raw[0] in ("a", "an") and len(raw) == 1:
                return None
        if c.kind in ("ratio", "multiplier"):
            qualifier, qstart = _qualifier(before, c.start)
            return _make(text, qstart, end, c.value, c.kind, qualifier=qualifier)
    else:
        digits = c.digits or ""
        prev = text[c.start - 1] if c.start > 0 else ""
        if c.currency is None:
            # attached to letters: "Q3", "A320", "Covid-19", "GPT-4", "FY2024"
            if (
                prev.isalpha()
                or prev == "_"
                or (prev in "-+" and c.start > 1 and text[c.start - 2].isalnum())
            ):
                if len(digits) in (2, 4) and _YEARISH_PREFIX.search(before):
                    y = _year_value(digits)
                    if y is not None:
                        return _make(text, c.start, c.end, y, "year")
                return None
            if prev == "/" or text.startswith("/", c.end):
                return _slash(text, c)
            if _NUMBER_SIGN.search(before, len(before) - 8) or text.startswith("](", c.end):
                return None
            if len(digits) >= 8 and digits.isdigit():
                return None  # an id or a date written as digits, not an amount
            # "1960s", "'90s"
            if len(digits) == 4 and "." not in digits and "," not in digits:
                d = _DECADE.match(text, c.end)
                if d and 1800 <= c.value <= 2100:
                    return _make(text, c.start, d.end(), c.value, "year")
            o = _ORDINAL.match(text, c.end)
            if o and "." not in digits and "," not in digits:
                return _make(text, c.start, o.end(), c.value, "ordinal")
            if text.startswith(":", c.end) or text.startswith("-", c.end) and _is_phoneish(text, c):
                return None

    value = c.value
    kind = c.kind
    currency = c.currency
    unit = None
    scale = 1.0
    plus = False
    # Most numbers are followed by a space and an ordinary word ("700 agents"): then none of
    # the suffixes below (scale, currency, percent, multiplier, ratio, range, unit) can
    # follow, and their patterns need not be tried.
    nw = _NEXT_WORD.match(text, end)
    simple = nw is not None and nw.group(1).split("-")[0].rstrip("'’") not in _SUFFIX_WORDS
    if simple:
        return _finish(text, c, before, end, value, kind, currency, unit, scale, plus)

    # "between 3 and 7 March": the first number belongs to the date
    rm = _RANGE.match(text, end)
    if rm and not c.words:
        dm = _NUMERIC.match(text, rm.end())
        if dm and dm.lastgroup == "date":
            return _make(text, c.start, dm.end(), None, "date")

    # scientific notation: "2.48×10−5"
    if not c.words and value is not None:
        ex = _EXPONENT.match(text, end)
        if ex and ("." in (c.digits or "") or ex.group(1) is not None):
            power = (ex.group(1) or ex.group(2)).replace("−", "-")
            value = value * 10.0 ** int(power)
            end = ex.end()

    # scale words: "$40 million", "1.2bn", "200k"
    m = _SCALE.match(text, end)
    if m and not (c.words and c.raw and c.raw[-1] in SCALES):
        letter = m.group("letter")
        if letter is None or currency or _letter_scale_ok(text, m.end(), letter):
            key = (m.group("word") or letter).lower()
            scale = _SCALE_VALUES[key]
            end = m.end()
    value = value * scale if value is not None else None

    # currency after the number: "40 million dollars", "SEK 3bn", "15€"
    if currency is None:
        m = _CUR_AFTER.match(text, end)
        if m and _currency_after_ok(text, m):
            currency, factor = _currency_from(m)
            value *= factor
            kind = "currency"
            end = m.end()

    # "700+"
    pm = _PLUS.match(text, end)
    if pm:
        plus = True
        end = pm.end()

    if kind != "currency":
        m = _PERCENT.match(text, end)
        if m:
            if m.group("pp"):
                kind = "percentage_points"
            elif m.group("bp"):
                kind = "percentage_points"
                value = value / 100
            else:
                kind = "percent"
            end = m.end()
    if kind not in ("currency", "percent", "percentage_points"):
        m = _MULT_AFTER.match(text, end)
        if m and m.group("times") == "times" and not _TIMES_COMPARE.match(text, m.end()):
            kind = "count"
            unit = "times"
            end = m.end()
        elif m:
            kind = "multiplier"
            end = m.end()
        elif c.words or scale == 1.0:
            ratio = _ratio(text, c)
            if ratio is not None:
                return ratio
    return _finish(text, c, before, end, value, kind, currency, unit, scale, plus, full=True)


def _finish(text, c, before, end, value, kind, currency, unit, scale, plus, full=False):
    """Years, ranges, units and counted nouns, names, qualifiers: the rest of :func:`_read`.
    ``full`` is false when the number is followed by an ordinary word (no range or unit)."""
    # years: 4 digits, 1800-2100, nothing that makes it an amount
    if (
        kind == "number"
        and not c.words
        and scale == 1.0
        and not plus
        and len(c.digits or "") == 4
        and 1800 <= c.value <= 2100
    ):
        if not _count_not_year(text, c, before):
            y_end = end
            # "2013-14" fiscal year
            fy = re.match(r"[-–/](\d\d)(?!\d)", text[end : end + 4])
            if fy:
                y_end = end + fy.end()
            return _make(text, c.start, y_end, c.value, "year")

    # ranges: "between 700 and 800", "8- to 16-meter", "3-4%", "$3bn-$4bn"
    low = high = None
    r = _range(text, c, end, value, kind, currency, scale, before) if full else None
    if r is not None:
        low, high, end, kind, currency, scale2 = r
        if scale == 1.0 and scale2 != 1.0:
            low *= scale2
        value = (low + high) / 2

    # units: measures, durations, counted nouns
    if kind == "number" and unit is None:
        m = _UNIT_AFTER.match(text, end) if full else None
        if m and _unit_ok(text, m):
            u = m.group("unit").lower()
            if u in _TIME_UNITS:
                unit = _TIME_UNITS[u]
                kind = "duration"
            else:
                unit = _MEASURES.get(u) or _MEASURES.get(u.replace(" ", ""))
                kind = "quantity"
            end = m.end()
        else:
            noun, nend = _counted_noun(text, end, value)
            if noun:
                unit = noun
                kind = "count"
                end = nend

    # a bare number after a name: "Boeing 737", "Windows 11", "Fortune 500", "Voyager 2"
    if (
        kind in ("number", "count")
        and not c.words
        and scale == 1.0
        and low is None
        and "," not in (c.digits or ",")
    ):
        pw = _PREV_WORD.search(before, max(0, len(before) - 30))
        if pw:
            w = pw.group(1)
            if (
                any(ch.isupper() for ch in w)
                and w.lower() not in _NOT_NAME
                and not w.endswith((".", "’s", "'s"))
                and not _is_sentence_start(text, c.start - len(w) - 1)
            ):
                return None

    # a number run straight into letters that nothing above read: "5G", "3D", "4K TV"
    if end == c.end and c.end < len(text) and text[c.end].isalpha() and not c.words:
        return None

    qualifier, qstart = _qualifier(before, c.start)
    if kind == "duration" and qualifier == "more_than" and before.lower().endswith("over "):
        qualifier, qstart = "exact", c.start  # "over two years" means during them
    if qualifier == "exact" and plus:
        qualifier = "more_than"
    if r is not None:
        # "between" belongs to the range text
        b = _BETWEEN.search(before)
        if b:
            qstart = min(qstart, c.start - (len(before) - b.start()))
    return _make(text, qstart, end, value, kind, unit, currency, qualifier, low, high)


def _tidy(v: float | None) -> float | None:
    """12 significant digits: "$16.6 billion" is 16600000000.0, not 16600000000.000002."""
    if v is None:
        return None
    v = float(v)
    if not math.isfinite(v):
        return None  # "1" followed by 400 digits: a value no figure means
    if v.is_integer() and abs(v) < 1e15:
        return v
    return float(f"{v:.12g}")


_ALL_FIELDS = set(Figure.model_fields)
_new_figure = object.__new__
_set = object.__setattr__
_KINDS = frozenset(Figure.model_fields["kind"].annotation.__args__)
_QUALIFIER_NAMES = frozenset(Figure.model_fields["qualifier"].annotation.__args__)


def _year_value(digits: str) -> float | None:
    if len(digits) == 4:
        v = float(digits)
        return v if 1800 <= v <= 2100 else None
    return 2000.0 + float(digits)


def _is_sentence_start(text: str, i: int) -> bool:
    """Whether the word starting at ``i`` starts a sentence (capitalised for that reason)."""
    j = i - 1
    while j >= 0 and text[j] in " \t\"'“‘(*>-#":
        j -= 1
    return j < 0 or text[j] in ".!?\n:"


def _letter_scale_ok(text: str, pos: int, letter: str) -> bool:
    """A single-letter scale without a currency ("5m users") must be followed by a word."""
    if letter in "mM":
        return bool(re.match(r"[ ][a-z]", text[pos : pos + 2])) and not re.match(
            r"[ ](?:high|tall|long|wide|deep|away|race|sprint|run|dash|swim)\b", text[pos : pos + 8]
        )
    if letter in "kK":
        return True
    return letter in "bBT" and bool(re.match(r"[ ][a-z]", text[pos : pos + 2]))


def _currency_after_ok(text: str, m: re.Match) -> bool:
    name = m.group("name")
    if name and name.lower().startswith("pound") and m.group(0).startswith("-"):
        return False
    if name in ("cent", "cents") and m.start() < len(text) and text[m.start()] == "-":
        return False
    return True


def _currency_from(m: re.Match) -> tuple[str, float]:
    if m.group("sym"):
        return _SYMBOLS[m.group("sym")], 1.0
    if m.group("code"):
        return _CODES[m.group("code")], 1.0
    name = m.group("name").lower()
    nat = m.group("nat")
    if name in ("cent", "cents", "pence", "dime", "dimes"):
        factor = 0.1 if name.startswith("dime") else 0.01
        return (_NATIONAL.get(nat.lower(), "USD") if nat else _NAMES[name]), factor
    if name.startswith("pound") or name == "sterling":
        return "GBP", 1.0
    if nat and name.startswith(("dollar", "krona", "kronor", "kroner", "krone", "franc", "peso")):
        code = _NATIONAL.get(nat.lower())
        if code:
            return code, 1.0
    return _NAMES[name], 1.0


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
    return m.lastgroup, start - (len(before) - m.start())


def _ratio(text: str, c: _Candidate) -> Figure | None:
    """ "one in five", "1 in 4", "two out of every three"."""
    m = _RATIO.match(text, c.end)
    if not m:
        return None
    d = _ONE_NUMBER.match(text, m.end())
    if not d:
        return None
    den = _simple_value(d.group(0))
    if not den or c.value is None or c.value >= den or den > 10000:
        return None
    if d.group(0).isdigit() and len(d.group(0)) == 4 and 1800 <= den <= 2100:
        return None  # "2 in 1979"
    qualifier, qstart = _qualifier(text[max(0, c.start - 40) : c.start], c.start)
    return _make(text, qstart, d.end(), c.value / den, "ratio", qualifier=qualifier)


_ONE_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+|" + word_regex(NUMBER_WORDS) + r"(?:-\w+)?\b")


def _simple_value(s: str) -> float | None:
    if s[0].isdigit():
        return _number(s)
    value, used = words_value(re.findall(r"[A-Za-z]+", s))
    return value


def _slash(text: str, c: _Candidate) -> Figure | None:
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


def _is_phoneish(text: str, c: _Candidate) -> bool:
    return bool(
        re.match(r"\d{3}-\d{4}(?!\d)|\d{3}-\d{3}-\d{4}(?!\d)", text[c.start : c.start + 14])
    )


def _unit_ok(text: str, m: re.Match) -> bool:
    u = m.group("unit")
    ul = u.lower()
    # two-letter symbols must not be the start of a word: "5 mi" yes, "5 minutes" handled
    if ul in ("mi", "ft", "ha", "ml", "cl", "mb", "gb", "kb", "tb", "pb", "lb", "mm", "cm"):
        if u not in ("mi", "ft", "ha", "ml", "cl", "MB", "GB", "KB", "TB", "PB", "lb", "mm", "cm"):
            return False
    if ul in ("kw", "mw", "gw", "kwh", "mwh", "gwh", "twh", "ghz", "mhz"):
        return u[0] in "kMGT" or u[0] == "k"
    if ul == "degrees" and not re.match(r"[ ](?:Celsius|Fahrenheit|C|F)\b", text[m.end() :]):
        return True
    return True


def _counted_noun(text: str, pos: int, value) -> tuple[str | None, int]:
    """The counted noun after a number: "700 full-time human agents" -> ("agents", end)."""
    tokens = []
    p = pos
    for _ in range(4):
        m = _WORD_AFTER.match(text, p)
        if not m:
            break
        w = m.group(1)
        wl = w.lower().rstrip("'’")
        if wl.endswith(("'s", "’s")):
            wl = wl[:-2]
            tokens.append((wl, m.start(1), m.end(1)))
            break
        if wl in _COUNT_STOP or wl in _NUMBER_WORD_SET:
            break
        if tokens and _is_plural(tokens[-1][0]) and not _is_plural(wl):
            break  # "three rivals filed complaints": the phrase ended at "rivals"
        if w[0].isupper() and not tokens and w.isupper() is False and _is_name_like(w):
            # "700 Klarna employees" is fine; a proper noun alone ends the phrase later
            pass
        tokens.append((wl, m.start(1), m.end(1)))
        p = m.end(1)
        if m.group(0).startswith("-"):
            # "700-person team": the hyphenated word is the unit
            break
    if not tokens:
        of = _OF_THE.match(text, pos)
        if of and value != 1:
            noun, end = _counted_noun(text, of.end(), 2)
            if noun and _is_plural(noun):
                # "four of the ten largest retailers": "ten" is a figure of its own
                return noun, (end if of.group(0).count(" ") == 2 else pos)
        return None, pos
    # the head is the last plural-looking word of the phrase
    for wl, _s, e in reversed(tokens):
        if _is_plural(wl) and not wl.endswith("ly"):
            return wl, _trim_possessive(text, e)
    wl, _s, e = tokens[0]
    if value == 1 or text[pos : pos + 1] == "-":
        if wl.endswith("ly") or wl.endswith("ing") or wl.endswith("ed"):
            return None, pos
        return wl, e
    return None, pos


def _trim_possessive(text: str, end: int) -> int:
    if text[end - 1 : end] in ("'", "’"):
        return end - 1
    return end


def _is_name_like(w: str) -> bool:
    return w[:1].isupper()


_NUMBER_WORD_SET = frozenset(NUMBER_WORDS)


def _count_not_year(text: str, c: _Candidate, before: str) -> bool:
    """A 4-digit number is a count, not a year, when a qualifier or a count verb precedes it
    and a plural noun follows ("cut 2000 jobs", "nearly 1900 stores")."""
    noun, _ = _counted_noun(text, c.end, c.value)
    if not noun or not _is_plural(noun):
        return False
    if _QUALIFIER.search(before):
        return True
    pw = re.search(r"([A-Za-z'’]+)[ ]$", before)
    if not pw:
        return False
    w = pw.group(1).lower()
    return w not in _YEAR_PREPS and not w.endswith(("'s", "’s"))


def _range(text, c, end, value, kind, currency, scale, before):
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
            v2, used = words_value(re.findall(r"[A-Za-z]+", w.group(0)))
            if v2 is not None and used == len(re.findall(r"[A-Za-z]+", w.group(0))):
                second = (v2, w.end(), None)
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
