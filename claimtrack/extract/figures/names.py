"""Numbers that are not figures or not amounts: names and codes ("Boeing 737"), phone numbers,
web addresses, years and the checks that tell a year from a count."""

from __future__ import annotations

import re

from .kinds import _QUALIFIER, _QUALIFIER_ENDS
from .scan import _Candidate
from .units import _counted_noun, _is_plural

_URL = re.compile(r"(?:https?://|www\.)[^\s)\]>\"'”]+")
_NUMBER_SIGN = re.compile(r"(?:(?<![\w])(?:No|no|Nos|nos|Number|number)\.?[ ]?|#|§[ ]?)$")
_YEARISH_PREFIX = re.compile(r"(?:^|[^\w])(?:mid|pre|post|early|late|end|fiscal|FY|fy)[ -]?$")
_YEAR_PREPS = frozenset(
    "in since by of from until till through during before after to fiscal early late mid a an "
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
    also still already even another another among across including within despite against
    throughout per like unlike beyond below above via except excluding yesterday tomorrow
    monday tuesday wednesday thursday friday saturday sunday age ages aged up down""".split()
)
# a word that labels or numbers things, right before the number: "page 12", "type 2 diabetes",
# "version 3.1", "phase 3 trials", "season 2", "room 101", "route 66", "gate 12"
_LABELS = frozenset(
    """page pages p. pp. chapter chapters section sections article articles clause clauses
    paragraph paragraphs fig. appendix phase version versions ver. episode episodes season
    seasons gen room rooms gate platform terminal highway interstate flight bus apartment apt
    apt. suite ward district precinct zone verse category class tier grade series""".split()
)
# labels that are also verbs ("plans to release 5 models", "it builds 300 homes"): only after
# a word that shows a noun ("the model 3", "in figure 2", "see table 4")
_LABELS_AFTER_NOUN_WORD = frozenset(
    "release build patch step stage level game exit route seat channel figure table floor "
    "round model type size".split()
)
_NOUN_WORDS = frozenset(
    "the a an this that its their his her our in on at of from for with by per see into "
    "after before during every each next last final".split()
)


def _label_before(before: str) -> bool:
    """Whether a label word stands right before the number ("page 12", "Type 2", "the model
    3"; not "plans to release 5 phones")."""
    if not before.endswith(" "):
        return False
    i = before.rfind(" ", 0, len(before) - 1)
    word = before[i + 1 : -1].lstrip("([“\"'‘").lower()
    if word in _LABELS:
        return True
    if word not in _LABELS_AFTER_NOUN_WORD:
        return False
    prev = before[before.rfind(" ", 0, i) + 1 : i].lower()
    return prev in _NOUN_WORDS or before[i + 1 : i + 2].isupper()


# "6th Avenue", "42nd Street": an address, not a rank
_STREET_AFTER = re.compile(
    r"[ ](?:Avenue|Ave\b\.?|Street|St\b\.?|Road|Rd\b\.?|Boulevard|Blvd\b\.?|Lane|Drive|Place|"
    r"Parkway|Terrace|Floor)\b"
)
# a capitalised word after the number, where no noun was counted: "the 11 Pro Max",
# "350 Fifth Avenue", "a 3 Series": the number is part of a name
_CAPITALISED_AFTER = re.compile(
    r"[ ](?!(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
    r"[a-z]*\b)[A-Z][a-z]"
)


_WORD_CHARS = frozenset("&'’.-_")


def _last_word(before: str) -> str:
    """The word right before the number ("Boeing" in "the Boeing "), "" if none: a run of
    letters, digits and & ' ’ . - _ that starts with a letter."""
    if not before.endswith(" "):
        return ""
    end = len(before) - 1
    i = end
    while i > 0 and (before[i - 1].isalnum() or before[i - 1] in _WORD_CHARS):
        i -= 1
    while i < end and not ("a" <= before[i].lower() <= "z"):
        i += 1
    return before[i:end]


def _after_name(before: str, counted: bool) -> bool:
    """Whether the number at ``start`` follows a name: "Boeing 737", "Windows 11", "Fortune
    500", "Voyager 2"; at the start of a sentence too ("Formula 1 returns", "Chapter 3
    explains"). A possessive is a name only when no noun is counted: "Ocean's 11" is a name,
    "Klarna's 700 agents" a count."""
    w = _last_word(before)
    if not w or w.islower() or w.lower() in _NOT_NAME or w.endswith("."):
        return False
    return not (counted and w.endswith(("’s", "'s")))


def _spelled_in_name(text: str, start: int, before: str) -> bool:
    """A capitalised number word inside a sentence, after a capitalised word: "the Big Four",
    "Ocean's Eleven", "the Group of Seven", "World War Two" (not "About Two")."""
    if not text[start].isupper() or _is_sentence_start(text, start):
        return False
    m = re.search(r"([A-Za-z][\w'’.-]*)[ ](?:(?:of|the)[ ])?$", before)
    return bool(m and m.group(1)[0].isupper() and m.group(1).lower() not in _NOT_NAME)


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
    if text[c.end + 1 : c.end + 2].isupper():
        return False  # "Copyright 2019 Hawaii News", "the 2020 Olympics": a name follows
    w = ""
    if before.endswith(" "):
        i = len(before) - 1
        while i > 0 and (before[i - 1].isalpha() or before[i - 1] in "'’"):
            i -= 1
        w = before[i:-1].lower()
    year_word = not w or w in _YEAR_PREPS or w.endswith(("'s", "’s"))
    if year_word and w not in _QUALIFIER_ENDS and not before.endswith("~"):
        return False  # "in 2019 ...", "the 2020 ...": no qualifier can stand before it
    noun, _ = _counted_noun(text, c.end, c.value)
    if not noun or not _is_plural(noun):
        return False
    if _QUALIFIER.search(before):
        return True
    return not year_word


# ---------------------------------------------------------------------------------------------
# Numbers that are names, codes or references, not amounts

# "10 Things in Tech": Capitalised words joined by a short lower-case word, as titles are
_TITLE_AFTER = re.compile(
    r"[ ][A-Z][\w'’]*(?:[ ](?:[A-Z][\w'’]*|a|an|the|and|or|of))*"
    r"[ ](?:in|of|to|for|on|with|from|at|by|the|and)[ ][A-Z]"
)
# "(12)", "(4, 5)", "[3]", "[12-14]": reference markers
_CITATION_AFTER = re.compile(r"(?:[ ]?[,–-][ ]?\d{1,3})*[)\]]")
# "call 911", "999 calls"
_CITATION_LIST_BEFORE = re.compile(r"[(\[]\d{1,3}(?:[ ]?[,–-][ ]?\d{1,3})*[ ]?[,–-][ ]?$")
_EMERGENCY = re.compile(r"[ ](?:calls?|operators?|dispatch\w*|emergency|line)\b")
_CALL_BEFORE = re.compile(r"(?:call(?:ed|ing|s)?|dial(?:l?ed|l?ing|s)?)[ ]$", re.I)


def _is_reference(text: str, c: _Candidate, before: str, digits: str) -> bool:
    """Whether the digits at ``c`` name or cite something rather than count it: a title
    ("10 Things in Tech"), a reference marker ("(12)", "[3]"), an emergency number ("911
    calls"), a name or code run into a hyphen ("7-Eleven", "5-1A")."""
    end = c.end
    nxt = text[end : end + 1]
    if nxt == "-" and (
        text[end + 1 : end + 2].isupper() or re.match(r"-\d+[A-Za-z]", text[end : end + 8])
    ):
        return True
    if not digits.isdigit() or len(digits) > 3:
        return False
    prev = before[-1:]
    if prev == "[" or (prev == "(" and not _capitalised_before(before[:-1])):
        if _CITATION_AFTER.match(text, end):
            return True
    if _CITATION_LIST_BEFORE.search(before) and _CITATION_AFTER.match(text, end):
        return True  # the "5" of "(4, 5)"
    if digits in ("911", "999", "112") and (
        _EMERGENCY.match(text, end) or _CALL_BEFORE.search(before)
    ):
        return True
    if nxt == " " and text[end + 1 : end + 2].isupper():
        if _TITLE_AFTER.match(text, end) or prev in "\"“‘'":
            return True
    return False


def _capitalised_before(before: str) -> bool:
    """ "Smith (64)" gives an age; "this (12)" cites a reference."""
    m = re.search(r"([A-Za-z][\w'’.-]*)[ ]?$", before)
    return bool(m and m.group(1)[0].isupper() and not _is_sentence_start_word(before, m.start()))


def _is_sentence_start_word(before: str, i: int) -> bool:
    return _is_sentence_start(before, i)


# ---------------------------------------------------------------------------------------------
# Sports scores: "won 6-3, 6-4", "lost 24-17", "a (5-1) record", "Lakers 110, Celtics 102"

_PAIR = re.compile(r"[-–](\d{1,3})(?![\d.,]\d|[\w%-])")
_SPORT_BEFORE = re.compile(
    r"(?:\b(?:won|win|wins|winning|lost|lose|loses|losing|beat|beating|beaten|defeated|drew|"
    r"draw|tied|tie|record|score|scored|scoreline|victory|defeat|loss|lead|led|leads|trail|"
    r"trailed|trails|sets?|games?|at|to)[ ]|\()$",
    re.I,
)
_PAIR_LIST = re.compile(r"(?:,[ ]\d{1,3}[-–]\d{1,3}(?![\d\w]))+")
_TEAMS = re.compile(r",[ ][A-Z][a-z]+(?:[ ][A-Z][a-z]+)?[ ](\d{1,3})(?![\d.,]?\d|[\w%-])")
_TEAM_BEFORE = re.compile(r"(?:^|[^\w])(?:The[ ])?([A-Z][a-z]+(?:[ ][A-Z][a-z]+)?)[ ]$")


def _score(text: str, c: _Candidate, before: str, near: bool = False) -> tuple[int, int] | None:
    """(start, end) of a sports score or win-loss record starting at the digits of ``c``;
    ``near``: another score was read just before in the sentence ("At 4-7, including 2-6")."""
    digits = c.digits or ""
    if not digits.isdigit() or len(digits) > 3:
        return None
    m = _PAIR.match(text, c.end)
    if m and (before.endswith("[") or _CITATION_LIST_BEFORE.search(before)):
        return None  # "[3, 7-9]": references
    if m:
        if int(m.group(1)) <= c.value:
            return c.start, m.end()  # "24-17": not a range, which goes up
        after = text[m.end() : m.end() + 12]
        if re.match(r"[ ]?(?:%|[a-z])", after) and not re.match(r"[ ](?:in|on|at|and|to)\b", after):
            return None  # "3-4 days", "3-4%": a range
        if near or _SPORT_BEFORE.search(before) or _PAIR_LIST.match(text, m.end()):
            return c.start, m.end()  # "At 4-7", "(2-6)", "won 6-7, 6-3"
        return None
    t = _TEAMS.match(text, c.end)
    tb = _TEAM_BEFORE.search(before) if t else None
    if t and tb and max(c.value, int(t.group(1))) <= 3 * max(1, min(c.value, int(t.group(1)))):
        # similar numbers after two names: "Windows 10, Office 365" are not a score
        return c.start - (len(before) - tb.start(1)), t.end()
    return None
