"""Where numbers are: the two scans over the whole text (digits, currency-prefixed digits, dates
and times; number words) that yield candidates, before their context is read."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..numbers import (
    FRACTIONS,
    MULTIPLIER_WORDS,
    NUMBER_WORD_END,
    NUMBER_WORDS,
    SCALES,
    UNITS,
    word_regex,
    words_value,
)
from .currency import _CODE_RE, _CODES, _SYM_RE, _SYMBOLS

# ---------------------------------------------------------------------------------------------
# Candidate scans

_DIGITS = (
    # South Asian grouping: "45,67,890.12", "25,00,000"
    r"\d{1,2}(?:,\d\d)+,\d{3}(?!\d|,\d)(?:\.\d+)?"
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    r"|\d{1,3}(?:[\u00a0\u202f]\d{3})+(?![\d])"
    # groups of three after spaces: "2 345 678"; one group only before a currency ("81 100%"
    # is two numbers)
    r"|\d{1,3}(?:[ ]\d{3}){2,}(?![\d.,]\d)"
    r"|\d{1,3}[ ]\d{3}(?=[ ]?(?:dollars?|euros?|pounds?|kronor|kroner|yen|francs?|[A-Z]{3}\b))"
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
    (?=[\dA-Z$€£¥₹₩₦₽₺元+(½¼¾⅓⅔.−-])
    (?:
    (?P<date>
        \d{{4}}-\d{{1,2}}-\d{{1,2}}(?!\d)
      | \d{{4}}\.\d{{1,2}}\.\d{{1,2}}(?!\d|\.\d)
      | \d{{1,2}}/\d{{1,2}}/\d{{2,4}}(?!\d)
      | {_MONTH}[ ]\d{{1,2}}(?:st|nd|rd|th)?(?:[–-]\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?[ ]\d{{4}})?(?!\d|,\d)
      | \d{{1,2}}(?:st|nd|rd|th)?[ ]{_MONTH}(?:,?[ ]\d{{4}})?(?!\d)
      | {_MONTH},?[ ](?:1[89]|20)\d\d(?!\d)
    )
  | (?P<phone>
        \+\d{{1,3}}[ .-]?\(?\d{{1,4}}\)?(?:[ .-]?\d{{2,4}}){{2,4}}(?!\d)
      | \(\d{{2,4}}\)[ .-]?\d{{3,4}}[ .-]\d{{3,4}}(?!\d)
      | \d{{3}}[.-]\d{{3}}[.-]\d{{4}}(?!\d)
      | 0\d{{1,3}}-\d{{3,4}}-\d{{4}}(?!\d)
      | \d{{3}}-\d{{4}}(?![\d-])
      | 0\d{{2,4}}[ ]\d{{3,4}}[ ]\d{{3,4}}(?!\d)
    )
    # a journal reference, year; volume(issue): pages: "2019; 14(2): 101-109"
  | (?P<cite>(?:1[89]|20)\d\d[ ]?;[ ]?\d{{1,4}}(?:[ ]?\(\d{{1,4}}\))?[ ]?:[ ]?[A-Za-z]?\d+(?:[–-][A-Za-z]?\d+)?)
    # a clock time on the 24-hour clock: "0600 GMT", "0930 hrs"
  | (?P<clock>(?:[01]\d|2[0-3])[0-5]\d[ ]?(?:GMT|UTC|BST|CET|CEST|EST|EDT|PST|PDT|ET|PT|Z)\b
      | 0\d[0-5]\d[ ]?(?:hrs|hours|h)\b)
  | (?P<time>\d{{1,2}}:\d\d(?::\d\d)?(?:[ ]?[aApP]\.?[mM]\.?)?|\d{{1,2}}(?:\.\d\d)?[ ]?[aApP]\.?[mM]\b\.?)
    # a whole number and a fraction: "2 1/2 inches"
  | (?P<mixed>\d{{1,3}}[ ](?:1[0-5]|[1-9])/(?:1[06]|[23458])(?![\d/]))
  | (?:(?P<sym>{_SYM_RE})[ ]?|(?P<code>(?:{_CODE_RE}))[ ]?)?(?P<neg>[-−](?=\d))?(?P<num>{_DIGITS})
  | (?P<uni>[½¼¾⅓⅔])
    )
    """,
    re.X,
)

_FRACTION_LEAD = re.compile(
    r"(?:about|around|roughly|nearly|almost|over|than|by|some|just|only|least|fully)[ ]$",
    re.I,
)
# "and a half" after a number: "two million and a half" is 2,500,000
AND_FRACTION = re.compile(r"[ -]and[ -]an?[ -](half|quarter|third)(?!\w)")
FRACTION_VALUES = {"half": 0.5, "quarter": 0.25, "third": 1 / 3}
# a fraction of a scale: "a quarter billion", "three quarters of a billion"
_SCALE_AFTER = re.compile(r"[ ](?:of[ ]an?[ ])?(thousand|million|billion|trillion)(?![\w-])")
_W = word_regex(NUMBER_WORDS)
# "three million, two hundred": a comma only after a scale word
_SCALE_PART = "(?<=thousand,[ ])|(?<=million,[ ])|(?<=billion,[ ])"
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
  | (?P<half>(?:half|Half)(?=[ ](?:of|the|its|their|his|her|our|all)\b)
      | (?:(?<=by[ ])|(?<=in[ ])|(?<=over[ ])|(?<=than[ ])|(?<=about[ ])|(?<=nearly[ ])
          |(?<=almost[ ])|(?<=roughly[ ])|(?<=around[ ]))half(?![\w-]))
  | (?P<dbl>(?:double|triple|Double|Triple)(?=[ ](?:the|that|what|its|their|his|her|our)\b))
  | (?P<mult>{word_regex(list(MULTIPLIER_WORDS))}(?!\w))
  | (?P<words>(?:an?[ ]|An?[ ])?{_W}(?:(?:[ -]|[ ]-[ ]|[ ](?:and|&)[ ]|,[ ](?={_SCALE_PART})){_W})*(?![\w]))
    ){NUMBER_WORD_END}
    """,
    re.X,
)


def _is_word_start(text: str, i: int) -> bool:
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")


def _number(s: str) -> float:
    return float(s.replace(",", "").replace(" ", "").replace("\u00a0", "").replace("\u202f", ""))


class _Candidate:
    """A number found by a scan, before its context is read."""

    __slots__ = ("start", "end", "value", "kind", "currency", "digits", "words", "raw")

    def __init__(
        self,
        start: int,
        end: int,
        value: float,
        kind: str = "number",
        currency: str | None = None,
        digits: str | None = None,
        words: bool = False,
    ) -> None:
        self.start = start
        self.end = end
        self.value = value  # 0.0 for dates and times, which have no value
        self.kind = kind
        self.currency = currency
        self.digits = digits  # the digit string as written, for year and name checks
        self.words = words
        self.raw: list[str] | None = None


def _scan_numeric(text: str) -> Iterator[_Candidate]:
    for m in _NUMERIC.finditer(text):
        g = m.lastgroup
        if g == "date":
            c = _Candidate(m.start(), m.end(), 0.0, "date")
            yield c
        elif g == "phone":
            yield _Candidate(m.start(), m.end(), 0.0, "time")
        elif g in ("time", "cite", "clock"):
            yield _Candidate(m.start(), m.end(), 0.0, "time")
        elif g == "mixed":
            if m.start() > 0 and (text[m.start() - 1].isdigit() or text[m.start() - 1] in ",."):
                continue
            whole, frac = m.group("mixed").split(" ")
            a, b = frac.split("/")
            if int(a) < int(b):
                yield _Candidate(m.start(), m.end(), int(whole) + int(a) / int(b), digits=whole)
            else:
                yield _Candidate(m.start(), m.start() + len(whole), float(whole), digits=whole)
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
            elif (m.group("code") or m.group("sym")[0].isalpha()) and not _is_word_start(
                text, start
            ):
                start = m.start("neg") if m.group("neg") else m.start("num")
                c = _Candidate(start, m.end(), _number(num), digits=num)
                yield c
                continue
            value = _number(num)
            if m.group("neg") and start > 0 and text[start - 1].isalnum():
                start = m.start("num")  # "late-40s", "Covid-19": a hyphen, not a minus
            elif m.group("neg"):
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


def _word_matches(text: str, positions: Iterable[int]) -> Iterator[re.Match[str]]:
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


def _scan_words(text: str, positions: Iterable[int] | None = None) -> Iterator[_Candidate]:
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
                if (
                    not text.startswith(" of", m.end())
                    and not _SCALE_AFTER.match(text, m.end())
                    and not _FRACTION_LEAD.search(text, max(0, start - 12), start)
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
            # "two and a half (million)", "two million and a half", "two billion and a quarter"
            fm = AND_FRACTION.match(text, end)
            if fm:
                c.value += FRACTION_VALUES[fm.group(1).lower()] * SCALES.get(c.raw[-1], 1.0)
                c.end = fm.end()
            yield c
