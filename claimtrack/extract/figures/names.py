"""Numbers that are not figures or not amounts: names and codes ("Boeing 737"), phone numbers,
web addresses, years and the checks that tell a year from a count."""

from __future__ import annotations

import re

from .kinds import _QUALIFIER
from .scan import _Candidate
from .units import _counted_noun, _is_plural

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


def _is_phoneish(text: str, c: _Candidate) -> bool:
    return bool(
        re.match(r"\d{3}-\d{4}(?!\d)|\d{3}-\d{3}-\d{4}(?!\d)", text[c.start : c.start + 14])
    )


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
