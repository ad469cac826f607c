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
import re

from ...models import Figure
from ..numbers import SCALES
from .build import FigureData, _make, validate
from .currency import _CUR_AFTER, _currency_after_ok, _currency_from, is_weight
from .kinds import (
    _BETWEEN,
    _DECADE,
    _MULT_AFTER,
    _ORDINAL,
    _PERCENT,
    _PLUS,
    _RANGE,
    _SCALE,
    _SCALE_VALUES,
    _TIMES_COMPARE,
    _letter_scale_ok,
    _qualifier,
    _range,
    _ratio,
    _slash,
)
from .names import (
    _CAPITALISED_AFTER,
    _NUMBER_SIGN,
    _STREET_AFTER,
    _URL,
    _YEARISH_PREFIX,
    _after_name,
    _count_not_year,
    _is_phoneish,
    _is_reference,
    _label_before,
    _score,
    _spelled_in_name,
    _year_value,
)
from .scan import (
    _EXPONENT,
    _NUMERIC,
    _SCALE_AFTER,
    AND_FRACTION,
    FRACTION_VALUES,
    _Candidate,
    _scan_numeric,
    _scan_words,
)
from .units import _MEASURES, _TIME_UNITS, _UNIT_AFTER, _counted_noun, _is_plural, _unit_ok

_AGE_DECADE = re.compile(r"s(?![\w'’])")
# a decade in two digits: "the '90s", "the 80s", "80’S style" (not an age: "his 50s")
_SHORT_DECADE = re.compile(r"(?:['’]?s|['’]S)(?![\w'’])")
# a season or fiscal year: "the 2022/23 season", "2022/2023"
_SEASON = re.compile(r"/(\d\d|\d{4})(?![\d/])")
# two numbers side by side, the second too short to be a group of digits: "245 23 yen" is
# neither 245 nor 23 yen ("81 100%" is two numbers, "2 345 678" one)
_RUN_ON = re.compile(r"[ ]\d{1,2}(?![\d/:.,]|st\b|nd\b|rd\b|th\b)")
_AGE_BEFORE = re.compile(r"\b(?:his|her|their|my|your|our)[ ](?:(?:early|mid|late)[ -]?)?$", re.I)
_OLD = re.compile(r"[ -]olds?\b")
_NEGATIVE = re.compile(r"(?<![\w])(?:minus|negative|Minus|Negative)[ ]$")
_OR_MORE = re.compile(r"[ ]or[ ](more|so)\b")
_DOTTED = re.compile(r"\.\d")
_POINT_AFTER = re.compile(r"[ -](?:percentage[ -])?points?(?![\w-])")
# pence stuck to the number: "fell to 312p" (but "1080p" is a resolution)
_PENCE = re.compile(r"p(?![\w'’])")
_VIDEO_LINES = frozenset("240 360 480 576 720 1080 1440 2160 4320".split())
# "a year or two": the duration is named before the number
_UNIT_OR = re.compile(r"\ban?[ ](second|minute|hour|day|week|month|year|decade)[ ]or[ ]$", re.I)
# an age in months or years: "children above age 6 months", "a viewing age of 48 months"
_AGE_OF = re.compile(r"\bage[ds]?(?:[ ]of)?[ ]$", re.I)
# a temperature run into its scale: "30C", "-5C", "1.5C of warming", "100F"
_TEMPERATURE = re.compile(r"[CF](?![\w'’°-])")
# display resolutions: "4K", "8K", "1080p" are no amounts unless something is counted
_RESOLUTIONS = frozenset("2 4 5 6 8 10 12 16".split())
# "twice" counts events unless it compares: "won the cup twice" vs "twice as many"
_COMPARE_BEFORE = re.compile(
    r"(?:\b(?:is|was|are|were|be|been|being|nearly|almost|about|roughly|than|over|some|by)[ ])$",
    re.I,
)


def _counts_events(text: str, c: _Candidate, before: str) -> bool:
    if text[c.start : c.end].lower() not in ("twice", "thrice"):
        return False
    if _TIMES_COMPARE.match(text, c.end) or _COMPARE_BEFORE.search(before):
        return False
    return not re.match(r"[ ](?:a|an|per|each|every|its|their|the)\b", text[c.end : c.end + 7])


_METRES_AFTER = re.compile(
    r"[ ](?:high|tall|long|wide|deep|away|across|race|sprint|run|dash|swim|hurdles|freestyle|relay|"
    r"final|butterfly|backstroke|breaststroke|medley)\b"
)


def _metres(text: str, end: int, before: str) -> bool:
    """ "5m" is metres, not millions, before a word of size or a race ("5m high", "the 100m
    final") or after an article when nothing plural is counted ("the 400m in 49 seconds")."""
    if _METRES_AFTER.match(text, end):
        return True
    if not before.endswith(("the ", "a ", "an ", "The ", "A ", "An ")):
        return False
    noun, _e = _counted_noun(text, end, 2.0)
    return not (noun and _is_plural(noun))


def _enumerates(text: str, c: _Candidate) -> bool:
    """ "1) ..." or "2. ..." at the start of a line: a list marker, not a figure."""
    digits = c.digits or ""
    if not (digits.isdigit() and len(digits) <= 3 and text[c.end + 1 : c.end + 2] == " "):
        return False
    j = c.start - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] == "\n"


def _one_with_unit(text: str, end: int) -> bool:
    """ "a one-year deal", "a one-euro coin": a spelled "one" joined to a unit is a figure."""
    if text[end : end + 1] != "-":
        return False
    m = _UNIT_AFTER.match(text, end)
    if m and _unit_ok(text, m):
        return True
    m = _CUR_AFTER.match(text, end)
    return bool(m and m.group("name"))


_NEXT_WORD = re.compile(r"[ ]([a-z][a-z'’-]*)")
_SUFFIX_WORDS = frozenset(
    """thousand million billion trillion mln bln mn bn tn percent per pc pct percentage pp ppt
    ppts basis bps bp times fold in out to and dollar dollars euro euros pound pounds sterling
    kronor krona kroner krone yen yuan renminbi rupee rupees franc francs peso pesos reais won
    cent cents pence dime dimes degrees sq square tln trn mil lakh lakhs lac lacs crore crores
    or""".split()
) | {u.split(" ")[0] for u in (*_MEASURES, *_TIME_UNITS)}


def parse(text: str, *, word_positions: list[int] | None = None) -> list[Figure]:
    """Every figure in ``text``, in order, with offsets into ``text``.

    ``word_positions``, if given, are the offsets where number words start (the keyword scan
    of :mod:`claimtrack.extract.triggers` finds them), which saves a pass over the text.

    >>> [(f.value, f.kind, f.unit, f.qualifier) for f in parse("Klarna cut nearly 2,000 jobs.")]
    [(2000.0, 'count', 'jobs', 'nearly')]
    """
    figures: list[FigureData] = []
    pos = 0
    # numbers in web addresses and e-mail addresses are not figures
    skip = [m.span() for m in _URL.finditer(text)] if ("://" in text or "www." in text) else []
    skip.append((len(text) + 1, len(text) + 1))
    s = 0
    last_score = -1000  # where the last score ended: "At 4-7, including 2-6 in the AFC"
    words = _scan_words(text, word_positions)
    for c in heapq.merge(_scan_numeric(text), words, key=lambda c: c.start):
        if c.start < pos:
            continue
        while skip[s][1] <= c.start:
            s += 1
        if skip[s][0] <= c.start:
            pos = skip[s][1]
            continue
        if (
            text[c.end + 1 : c.end + 2].isdigit()
            and c.kind == "number"
            and c.currency is None
            and c.digits is not None
            and len(c.digits) <= 3
            and (ro := _RUN_ON.match(text, c.end))
            and c.digits.isdigit()
        ):
            pos = ro.end()
            continue
        near_score = c.start - last_score < 60 and "." not in text[last_score : c.start]
        fig = _read(text, c, near_score)
        if fig is None:
            pos = max(pos, c.end)
            continue
        if fig["kind"] == "score":
            last_score = fig["end"]
        figures.append(fig)
        pos = fig["end"]
    return validate(figures)


def _read(text: str, c: _Candidate, near_score: bool = False) -> FigureData | None:
    """Read the context of candidate ``c``; None when it is not a figure (a name, a time...).
    ``near_score``: a sports score was read just before, in the same sentence."""
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
                if not (raw == ["one"] and _one_with_unit(text, c.end)):
                    return _ratio(text, c)  # "one in five"; "a one-year deal" reads on
            if raw[0] in ("a", "an") and len(raw) == 1:
                return None
        if c.start > 1 and text[c.start - 1] == "-" and text[c.start - 2].isdigit():
            return None  # "7-Eleven"
        if c.kind == "number" and _spelled_in_name(text, c.start, before):
            return None  # "the Big Four", "Ocean's Eleven"
        if c.kind == "ratio" and (sm := _SCALE_AFTER.match(text, end)):
            # "three quarters of a billion", "a quarter billion people": an amount
            c.value *= SCALES[sm.group(1)]
            c.kind = "number"
            return _finish(text, c, before, sm.end(), c.value, "number", None, None, 1.0, False)
        if c.kind == "multiplier" and _counts_events(text, c, before):
            qualifier, qstart = _qualifier(before, c.start)
            return _make(text, qstart, end, c.value, "count", "times", qualifier=qualifier)
        if c.kind in ("ratio", "multiplier"):
            qualifier, qstart = _qualifier(before, c.start)
            if c.kind == "ratio" and (pp := _POINT_AFTER.match(text, end)):
                # "a quarter point", "a quarter-percentage-point cut": 0.25 percentage points
                end, c.kind = pp.end(), "percentage_points"
            return _make(text, qstart, end, c.value, c.kind, qualifier=qualifier)
    else:
        digits = c.digits or ""
        prev = text[c.start - 1] if c.start > 0 else ""
        if c.currency is None and len(digits) == 2 and _AGE_DECADE.match(text, c.end):
            if _AGE_BEFORE.search(before):  # an age: "in her late-40s", "his 50s"
                return _make(text, c.start, c.end + 1, c.value, "number")
        if c.currency is None and len(digits) == 2 and digits[1] == "0":
            d = _SHORT_DECADE.match(text, c.end)
            if d and (prev in "'’" or d.group(0) != "s" or before.endswith("the ")):
                year = (2000.0 if digits in ("00", "10") else 1900.0) + c.value
                return _make(text, c.start - (prev in "'’"), d.end(), year, "year")
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
            if text[c.end : c.end + 1] in (")", ".") and _enumerates(text, c):
                return None  # a list marker: "1) Lego set", "2. The cost"
            if _label_before(before):
                return None  # "page 12", "type 2 diabetes", "version 3.1", "room 101"
            if "." in digits and _DOTTED.match(text, c.end):
                return None  # "3.1.4", "192.168.0.1": a version or an address
            sc = _score(text, c, before, near_score)
            if sc is not None:
                return _make(text, sc[0], sc[1], None, "score")
            if _is_reference(text, c, before, digits):
                return None
            if len(digits) == 4 and text.startswith("/", c.end) and 1800 <= c.value <= 2100:
                sm = _SEASON.match(text, c.end)
                if sm and int(sm.group(1)[-2:]) == (int(digits) + 1) % 100:
                    return _make(text, c.start, sm.end(), c.value, "year")
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
                if _STREET_AFTER.match(text, o.end()):
                    return None  # "6th Avenue": an address
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
    if not c.words:
        ex = _EXPONENT.match(text, end)
        if ex and ("." in (c.digits or "") or ex.group(1) is not None):
            power = (ex.group(1) or ex.group(2)).replace("−", "-")
            value = value * 10.0 ** int(power)
            end = ex.end()

    # scale words: "$40 million", "1.2bn", "200k"
    m = _SCALE.match(text, end)
    if m and not (c.words and c.raw and c.raw[-1] in SCALES):
        letter = m.group("letter")
        if letter in ("K", "k") and currency is None and c.digits in _RESOLUTIONS:
            noun, _e = _counted_noun(text, m.end(), 2.0)
            if not (noun and _is_plural(noun) and text[m.end() + 1 : m.end() + 2].islower()):
                return None  # "in native 4K", "4K video", "an 8K TV" (but "4k steps")
        if letter is not None and currency is None and _after_name(before, False):
            return None  # "Block 1B", "Falcon 9M": a code, not a scale
        if letter == "m" and currency is None and _metres(text, m.end(), before):
            kind, unit, end = "quantity", "m", m.end()  # "5m high", "the 400m final"
        elif letter is None or currency or _letter_scale_ok(text, m.end(), letter):
            key = (m.group("word") or letter).lower()
            scale = _SCALE_VALUES[key]
            end = m.end()
    value = value * scale
    if scale != 1.0 and not c.words and (fm := AND_FRACTION.match(text, end)):
        value += FRACTION_VALUES[fm.group(1).lower()] * scale  # "5 million and a half"
        end = fm.end()

    # currency after the number: "40 million dollars", "SEK 3bn", "15€"
    # pence stuck to the number: "fell to 312p"
    if (
        text[end : end + 1] == "p"
        and currency is None
        and end == c.end
        and not c.words
        and _PENCE.match(text, end)
    ):
        if c.digits in _VIDEO_LINES:
            return None  # "1080p": a video resolution
        value, currency, kind, end = value / 100, "GBP", "currency", end + 1
    if currency is None:
        m = _CUR_AFTER.match(text, end)
        if m and is_weight(text, m):
            kind, unit, end = "quantity", "lb", m.end()
        elif m and _currency_after_ok(text, m):
            currency, factor = _currency_from(m)
            value *= factor
            kind = "currency"
            end = m.end()
            if scale == 1.0 and factor == 1.0 and (sm := _SCALE.match(text, end)):
                if sm.group("word"):  # "40 USD million"
                    scale = _SCALE_VALUES[sm.group("word").lower()]
                    value *= scale
                    end = sm.end()

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
        elif m and (m.group("x") is None or abs(value) < 1000):
            kind = "multiplier"  # "3x", "10x"; but "7950X" is a model
            end = m.end()
        elif m:
            return None
        elif c.words or scale == 1.0:
            ratio = _ratio(text, c)
            if ratio is not None:
                return ratio
    return _finish(text, c, before, end, value, kind, currency, unit, scale, plus, full=True)


def _finish(
    text: str,
    c: _Candidate,
    before: str,
    end: int,
    value: float,
    kind: str,
    currency: str | None,
    unit: str | None,
    scale: float,
    plus: bool,
    full: bool = False,
) -> FigureData | None:
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

    # "a million or more people", "20 or so stores"
    om = _OR_MORE.match(text, end) if full and kind == "number" else None
    if om:
        end = om.end()

    # units: measures, durations, counted nouns
    if kind == "number" and unit is None:
        m = _UNIT_AFTER.match(text, end) if full else None
        if m and _unit_ok(text, m):
            u = m.group("unit").lower()
            if u in _TIME_UNITS:
                unit = _TIME_UNITS[u]
                kind = "duration"
                old = _OLD.match(text, m.end()) if unit == "years" else None
                if old:  # an age: "the 31-year-old", "aged 18 to 25 years old"
                    unit, kind, m = None, "number", old
            else:
                unit = _MEASURES.get(u) or _MEASURES.get(u.replace(" ", ""))
                kind = "quantity"
            end = m.end()
        elif text.startswith(" m ", end) and _METRES_AFTER.match(text, end + 2):
            kind, unit, end = "quantity", "m", end + 2  # "98 m tall"
        else:
            noun, nend = _counted_noun(text, end, value, c.words)
            if noun in _TIME_UNITS:
                unit, kind, end = _TIME_UNITS[noun], "duration", nend  # "five working days"
            elif noun:
                unit = noun
                kind = "count"
                end = nend

    if kind == "number" and unit is None and low is None and not c.words and scale == 1.0:
        if text[end : end + 1] in ("C", "F") and _TEMPERATURE.match(text, end):
            if _after_name(before, False):
                return None  # "the iPhone 5C"
            kind, unit, end = "quantity", "°" + text[end], end + 1  # "30C", "1.5C"
        elif (
            end == c.end
            and text[end + 1 : end + 2].isupper()
            and _CAPITALISED_AFTER.match(text, end)
            and "," not in (c.digits or ",")
        ):
            return None  # "the 11 Pro Max", "350 Fifth Avenue": part of a name
    if kind == "number" and before.endswith(" or ") and (uo := _UNIT_OR.search(before)):
        kind, unit = "duration", uo.group(1).lower() + "s"  # "a year or two"
    if kind == "duration" and "ge" in before[-8:] and _AGE_OF.search(before):
        kind, unit = "number", None  # an age: "above age 6 months"

    # a bare number after a name: "Boeing 737", "Windows 11", "Fortune 500", "Voyager 2"
    if (
        kind in ("number", "count")
        and not c.words
        and scale == 1.0
        and (low is None or kind == "number" and (high or 0) < 1000 and float(low).is_integer())
        and "," not in (c.digits or ",")
        and _after_name(before, kind == "count")
    ):
        return None  # also "Collection 1-4", "Volumes 2-3"

    # a number run straight into letters that nothing above read: "5G", "3D", "4K TV"
    if end == c.end and c.end < len(text) and text[c.end].isalpha() and not c.words:
        return None

    qualifier, qstart = _qualifier(before, c.start)
    if (
        qualifier == "exact"
        and value
        and before.endswith(("minus ", "negative ", "Minus ", "Negative "))
        and (neg := _NEGATIVE.search(before))
    ):
        # "minus 12 degrees", "negative three percent"
        value, qstart = -value, c.start - (len(before) - neg.start())
        if low is not None and high is not None:
            low, high = -high, -low
    if kind == "duration" and qualifier == "more_than" and before.lower().endswith("over "):
        qualifier, qstart = "exact", c.start  # "over two years" means during them
    if qualifier == "exact" and plus:
        qualifier = "more_than"
    if qualifier == "exact" and om:
        qualifier = "at_least" if om.group(1) == "more" else "approximately"
    if r is not None:
        # "between" belongs to the range text
        b = _BETWEEN.search(before)
        if b:
            qstart = min(qstart, c.start - (len(before) - b.start()))
    return _make(text, qstart, end, value, kind, unit, currency, qualifier, low, high)
