"""Spelled-out numbers and the regex helpers the other extraction modules share.

``words_value(["seven", "hundred"])`` reads a run of number words; ``word_regex(words)`` builds
a regex that matches any of a list of words, shaped so that Python's regex engine can skip
quickly to the positions where one of them may start.
"""

from __future__ import annotations

from collections.abc import Iterable

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
NUMBER_WORDS = [*UNITS, *TEENS, *TENS, "hundred", "dozen", *SCALES]

# Denominators of spelled fractions: "two-thirds", "one in five" uses plain numbers.
FRACTIONS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fifth": 5,
    "fifths": 5,
    "sixth": 6,
    "sixths": 6,
    "seventh": 7,
    "sevenths": 7,
    "eighth": 8,
    "eighths": 8,
    "ninth": 9,
    "ninths": 9,
    "tenth": 10,
    "tenths": 10,
}

MULTIPLIER_WORDS = {
    "twice": 2.0,
    "doubled": 2.0,
    "doubling": 2.0,
    "doubles": 2.0,
    "tripled": 3.0,
    "tripling": 3.0,
    "triples": 3.0,
    "trebled": 3.0,
    "quadrupled": 4.0,
    "quadrupling": 4.0,
    "halved": 0.5,
    "halving": 0.5,
    "twofold": 2.0,
    "threefold": 3.0,
    "fourfold": 4.0,
    "fivefold": 5.0,
    "tenfold": 10.0,
}


NUMBER_WORD_END = r"(?!\w|['’]\w)"
"""Where a number word ends: not inside a longer word, nor before a possessive or a
contraction ("one's", "Three’s Company"), but before a closing quotation mark ("cut in
'half'"). The keyword scan (``claimtrack.extract.triggers``) and the figure reader
(``claimtrack.extract.figures.scan``) both end number words here, so a text read with and
without the keyword scan's positions gives the same figures."""


def word_regex(words: Iterable[str], *, capitalized: bool = True) -> str:
    """A non-capturing regex matching any of ``words`` (and their capitalized forms).

    The words are grouped by first letter, so every top-level alternative starts with a
    literal character and the regex engine can jump to candidate positions. Callers check the
    word boundary before the match themselves (a leading ``\\b`` would defeat that).
    """
    variants = set(words)
    if capitalized:
        variants |= {w[:1].upper() + w[1:] for w in words}
    by_first: dict[str, list[str]] = {}
    for w in variants:
        by_first.setdefault(w[0], []).append(w[1:])
    branches = []
    for first in sorted(by_first):
        rests = sorted(by_first[first], key=len, reverse=True)
        escaped = [_escape(r) for r in rests]
        if escaped == [""]:
            branches.append(_escape(first))
        else:
            branches.append(_escape(first) + "(?:" + "|".join(escaped) + ")")
    return "(?:" + "|".join(branches) + ")"


def _escape(s: str) -> str:
    import re

    # re.escape escapes spaces; keep them literal but allow any run of spaces.
    return re.escape(s).replace("\\ ", "[ \\t]+")


def words_value(tokens: list[str]) -> tuple[float | None, int]:
    """Read a run of number words; return (value, tokens used).

    Stops at the first token that cannot continue a well-formed number, so "two and three"
    reads as 2 (one token) and "one hundred and two" as 102 (four tokens).

    >>> words_value(["seven", "hundred"])
    (700.0, 2)
    >>> words_value(["a", "dozen"])
    (12.0, 2)
    """
    total = 0.0
    current = 0.0
    prev = None  # kind of the previous token
    used = 0
    last_good: tuple[float | None, int] = (None, 0)
    i = 0
    while i < len(tokens):
        t = tokens[i].lower()
        if t in ("a", "an"):
            if prev is not None:
                break
            current = 1.0
            prev = "a"
            i += 1
            continue
        if t == "and":
            if prev not in ("hundred", "scale") or i + 1 >= len(tokens):
                break
            nxt = tokens[i + 1].lower()
            if nxt not in UNITS and nxt not in TEENS and nxt not in TENS:
                break
            prev = "and"
            i += 1
            continue
        if t in UNITS or t in TEENS:
            if prev not in (None, "hundred", "scale", "tens", "and"):
                break
            if prev == "tens" and t in TEENS:
                break
            current += UNITS.get(t, TEENS.get(t, 0))
            prev = "unit"
        elif t in TENS:
            if prev not in (None, "hundred", "scale", "and"):
                break
            current += TENS[t]
            prev = "tens"
        elif t == "hundred":
            if prev not in ("unit", "a"):
                break
            current = (current or 1.0) * 100
            prev = "hundred"
        elif t == "dozen":
            if prev not in ("unit", "tens", "a"):
                break
            current = (current or 1.0) * 12
            prev = "dozen"
        elif t in SCALES:
            if prev not in ("unit", "tens", "hundred", "a", "dozen"):
                break
            total += (current or 1.0) * SCALES[t]
            current = 0.0
            prev = "scale"
        else:
            break
        i += 1
        used = i
        last_good = (total + current, used)
    value, used = last_good
    if used == 0:
        return None, 0
    return value, used
