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
from .build import _make, validate
from .currency import _CUR_AFTER, _currency_after_ok, _currency_from
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
    _NOT_NAME,
    _NUMBER_SIGN,
    _PREV_WORD,
    _URL,
    _YEARISH_PREFIX,
    _count_not_year,
    _is_phoneish,
    _is_reference,
    _is_sentence_start,
    _score,
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
from .units import _MEASURES, _TIME_UNITS, _UNIT_AFTER, _counted_noun, _unit_ok

_AGE_DECADE = re.compile(r"s(?![\w'’])")
_AGE_BEFORE = re.compile(r"\b(?:his|her|their|my|your|our)[ ](?:(?:early|mid|late)[ -]?)?$", re.I)
_OLD = re.compile(r"[ -]old\b")
_NEGATIVE = re.compile(r"(?<![\w])(?:minus|negative|Minus|Negative)[ ]$")
_OR_MORE = re.compile(r"[ ]or[ ](more|so)\b")
# "twice" counts events unless it compares: "won the cup twice" vs "twice as many"
_COMPARE_BEFORE = re.compile(
    r"(?:\b(?:is|was|are|were|be|been|being|nearly|almost|about|roughly|than|over|some|by)[ ])$",
    re.I,
)


def _counts_events(text: str, c, before: str) -> bool:
    if text[c.start : c.end].lower() not in ("twice", "thrice"):
        return False
    if _TIMES_COMPARE.match(text, c.end) or _COMPARE_BEFORE.search(before):
        return False
    return not re.match(r"[ ](?:a|an|per|each|every|its|their|the)\b", text[c.end : c.end + 7])


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
    figures: list[dict] = []
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
        pos = fig["end"]
    return validate(figures)


def _read(text: str, c: _Candidate) -> dict | None:
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
                if not (raw == ["one"] and _one_with_unit(text, c.end)):
                    return _ratio(text, c)  # "one in five"; "a one-year deal" reads on
            if raw[0] in ("a", "an") and len(raw) == 1:
                return None
        if c.start > 1 and text[c.start - 1] == "-" and text[c.start - 2].isdigit():
            return None  # "7-Eleven"
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
            return _make(text, qstart, end, c.value, c.kind, qualifier=qualifier)
    else:
        digits = c.digits or ""
        prev = text[c.start - 1] if c.start > 0 else ""
        if c.currency is None and len(digits) == 2 and _AGE_DECADE.match(text, c.end):
            if _AGE_BEFORE.search(before):  # an age: "in her late-40s", "his 50s"
                return _make(text, c.start, c.end + 1, c.value, "number")
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
            sc = _score(text, c, before)
            if sc is not None:
                return _make(text, sc[0], sc[1], None, "score")
            if _is_reference(text, c, before, digits):
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
    if scale != 1.0 and not c.words and (fm := AND_FRACTION.match(text, end)):
        value += FRACTION_VALUES[fm.group(1).lower()] * scale  # "5 million and a half"
        end = fm.end()

    # currency after the number: "40 million dollars", "SEK 3bn", "15€"
    if currency is None:
        m = _CUR_AFTER.match(text, end)
        if m and _currency_after_ok(text, m):
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
        else:
            noun, nend = _counted_noun(text, end, value, c.words)
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
                and not w.endswith(".")
                and (
                    # "Fahrenheit 451 is", "Ocean's 11": a name even first or possessive when
                    # no noun follows ("Klarna's 700 agents" is a count)
                    kind == "number"
                    or not (
                        w.endswith(("’s", "'s")) or _is_sentence_start(text, c.start - len(w) - 1)
                    )
                )
            ):
                return None

    # a number run straight into letters that nothing above read: "5G", "3D", "4K TV"
    if end == c.end and c.end < len(text) and text[c.end].isalpha() and not c.words:
        return None

    qualifier, qstart = _qualifier(before, c.start)
    if qualifier == "exact" and value and (neg := _NEGATIVE.search(before)):
        # "minus 12 degrees", "negative three percent"
        value, qstart = -value, c.start - (len(before) - neg.start())
        if low is not None:
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
