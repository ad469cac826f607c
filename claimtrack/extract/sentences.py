"""Sentence splitting with character offsets into the original text.

``split(text)`` returns ``(start, end)`` pairs; ``text[start:end]`` is the sentence without
surrounding whitespace or a leading list, heading or quote marker.

Rules, in order:
- a blank line always ends a sentence;
- a line of a Markdown table is split into its cells;
- a single newline ends a sentence unless the text is hard-wrapped prose (the line before
  ends mid-sentence and the next line starts in lower case, or the line before is long);
- ``.``, ``!``, ``?`` (with closing quotes or brackets) end a sentence when the next word
  starts with a capital letter, a digit, a quote or a bracket, except after abbreviations
  that never end a sentence ("Dr.", "Mr.", "No. 1", "Feb. 27", "e.g."), and after those that
  may ("Inc.", "U.S.", "Corp.") only when the next word is a usual sentence opener ("The").
"""

from __future__ import annotations

import re

_CANDIDATE = re.compile(r"[.!?…]+[\"'”’)\]*_]*(?=\s|$)|\n[ \t]*(?:\n\s*)?")
_TABLE_ROW = re.compile(r"(?m)^[ \t]*\|.*$")
_CELL = re.compile(r"[^|]+")
_LEADER = re.compile(r"(?:[-*•·▪–][ \t]+|#{1,6}[ \t]+|>[ \t]?|\d{1,2}[.)][ \t]+|\[[ x]\][ \t]+)+")
_MARKER_LINE = re.compile(r"[ \t]*(?:[-*•·▪>#|]|\d{1,2}[.)][ \t]|[\w -]{1,30}::?[ \t])")
_PREV_TOKEN = re.compile(r"(?:^|[\s(\"“'‘])([\w.&'’-]+)$")
_ALNUM = re.compile(r"\w")
_LEADER_FIRST = frozenset("-*•·▪–#>[0123456789")
_TOKEN_EDGE = " \t\n(\"“'‘"

NEVER_END = frozenset(
    """mr mrs ms dr prof sen rep gov gen col lt sgt capt st mt no nos vs v e.g i.e eg ie
    approx ca cf fig figs jan feb mar apr aug sep sept oct nov dec rev hon pres supt
    est dept univ ave blvd""".split()
)
MAY_END = frozenset(
    """inc corp co ltd llc plc bros jr sr etc u.s u.k u.n e.u a.m p.m u.s.a d.c n.v s.a ag
    al""".split()
)
OPENERS = frozenset(
    """the a an it he she they we i in but and this that these those its his her their our
    on at for as after before when while however meanwhile still yet so also according
    last next some many most there here if although though since despite analysts shares
    one two three its revenue sales""".split()
)


def split(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text``.

    >>> t = "Klarna Inc. cut 700 jobs. Dr. Ng said so."
    >>> [t[a:b] for a, b in split(t)]
    ['Klarna Inc. cut 700 jobs.', 'Dr. Ng said so.']
    """
    flat = split_flat(text)
    return list(zip(flat[::2], flat[1::2], strict=True))


def split_flat(text: str) -> list[int]:
    """The spans of :func:`split` as one flat list ``[start0, end0, start1, end1, ...]``
    (no tuple per sentence: less work for the garbage collector on big texts)."""
    spans: list[int] = []
    if "|" in text:
        pos = 0
        for row in _TABLE_ROW.finditer(text):
            _split_prose(text, pos, row.start(), spans)
            for cell in _CELL.finditer(text, row.start(), row.end()):
                _add(text, cell.start(), cell.end(), spans)
            pos = row.end()
        _split_prose(text, pos, len(text), spans)
        return spans
    _split_prose(text, 0, len(text), spans)
    return spans


def _split_prose(text: str, begin: int, stop: int, spans: list[int]) -> None:
    start = begin
    for m in _CANDIDATE.finditer(text, begin, stop):
        s = m.group(0)
        if s[0] == "\n":
            if "\n" in s[1:] or _newline_ends(text, start, m.start(), m.end(), stop):
                _add(text, start, m.start(), spans)
                start = m.end()
            continue
        end = m.end()
        if _ends_sentence(text, start, m.start(), end, stop):
            _add(text, start, end, spans)
            start = end
    _add(text, start, stop, spans)


def _add(text: str, start: int, end: int, spans: list[int]) -> None:
    seg = text[start:end]
    stripped = seg.lstrip()
    start += len(seg) - len(stripped)
    stripped = stripped.rstrip()
    end = start + len(stripped)
    if not stripped:
        return
    if stripped[0] in _LEADER_FIRST:
        m = _LEADER.match(text, start, end)
        if m:
            start = m.end()
    if start < end and (text[start].isalnum() or _ALNUM.search(text, start, end)):
        spans.append(start)
        spans.append(end)


def _newline_ends(text: str, sent_start: int, nl: int, after: int, stop: int) -> bool:
    """Whether a single newline at ``nl`` ends the sentence."""
    line_start = text.rfind("\n", 0, nl) + 1
    if _MARKER_LINE.match(text, line_start) or _MARKER_LINE.match(text, after):
        return True
    j = nl - 1
    while j >= line_start and text[j] in " \t":
        j -= 1
    if j < line_start:
        return True
    last = text[j]
    if not (last.isalnum() or last in ",;-–(“\"'"):
        return True
    nxt = text[after : after + 1]
    if nxt.islower() or nxt.isdigit():
        return False
    return (nl - line_start) < 60


def _ends_sentence(text: str, sent_start: int, p: int, end: int, stop: int) -> bool:
    """Whether the punctuation at text[p:end] ends a sentence."""
    j = end
    while j < stop and text[j] in " \t":
        j += 1
    if j >= stop or text[j] == "\n":
        return True
    nxt = text[j]
    if nxt.islower():
        return False
    punct = text[p]
    if punct != "." or text[p : p + 2] == "..":
        return True
    k = p
    floor = max(0, p - 20)
    while k > floor and text[k - 1] not in _TOKEN_EDGE:
        k -= 1
    raw = text[k:p]
    if not raw or (k == floor and floor > 0):
        return True
    word = raw.lower().strip("'’")
    if (
        word.isdigit()
        and len(word) <= 2
        and (p - len(word) == 0 or text[p - len(word) - 1] == "\n")
    ):
        return False  # "1. First item": a list marker
    if word in NEVER_END:
        return False
    if len(word) == 1 and word.isalpha() and raw.isupper():
        return False  # an initial: "J. Smith"
    if word in MAY_END or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
        w = re.match(r"[A-Za-z]+", text[j : j + 20])
        return w is not None and w.group(0).lower() in OPENERS
    return True
