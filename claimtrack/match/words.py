"""The words matching compares: content words, stemmed (Snowball) and mapped through a small
table of news paraphrases (chatbot ~ assistant, staff ~ agents ~ people), and proper names."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Protocol

import snowballstemmer  # type: ignore[import-untyped]  # ships no type information

from ..search import STOPWORDS as FUNCTION_WORDS

STOPWORDS = FUNCTION_WORDS | frozenset(
    """
    say says said saying tell tells told claim claims claimed claiming assert asserts asserted
    estimate estimates estimated state states stated report reports reported reportedly
    according announce announces announced add adds added note notes noted
    approximately roughly last
    mr mrs ms dr percent cent
    monday tuesday wednesday thursday friday saturday sunday today yesterday week
    """.split()
)
"""Words that do not tell claims apart: function words (``claimtrack.search.STOPWORDS``) and
the words of news copy that introduce a claim rather than state it."""

# Stem -> canonical word: common news paraphrases of the same subject. Kept small and general;
# the figures do most of the work of telling claims apart.
_SYNONYM_GROUPS = {
    "staff": "agent people person staff staffer employee worker human personnel rep "
    "representative headcount workforce fte",
    "assistant": "assistant chatbot bot chat-bot",
    "work": "work workload equivalent",
    "job": "job role position",
    "cut": "cut layoff lay laid axe eliminate slash shed fire redundancy",
    "profit": "profit earning",
    "revenue": "revenue sale turnover",
    "increase": "increase grow growth rise boost gain jump",
    "market": "market country",
    "customer": "customer client shopper consumer user",
    "conversation": "conversation chat interaction query inquiry enquiry",
    "ai": "ai artificial intelligence",
    "app": "app application",
    "fund": "fund funding investor investment financing",
}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


class _Stemmer(Protocol):
    """What matching uses of a ``snowballstemmer`` stemmer."""

    def stemWord(self, word: str) -> str: ...  # noqa: N802 (snowballstemmer's name)


_STEMMER: _Stemmer = snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=65536)
def _strip(word: str) -> str:
    """The Snowball (Porter 2) stem of a word, so inflections compare equal (remembered: the
    stemmer is pure Python, and ``proper_names`` asks for every claim's first word)."""
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    return _STEMMER.stemWord(word)


SYNONYMS = {
    _strip(word): canon for canon, words in _SYNONYM_GROUPS.items() for word in words.split()
}


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The canonical form of a word: its Snowball stem, through the paraphrase table
    ("chatbots" -> "assistant")."""
    # Called millions of times over a few thousand distinct words when conflicts are
    # computed for a large workspace (100k claims: find_conflicts 8.8 s -> 3.8 s).
    word = _strip(word)
    return SYNONYMS.get(word, word)


def content_words(text: str) -> tuple[str, ...]:
    """The canonical content words of ``text``, sorted and unique.

    >>> content_words("Klarna's chatbot handles the workload of 700 customer service staff")
    ('assistant', 'customer', 'handl', 'klarna', 'servic', 'staff', 'work')
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    out = set()
    for raw in _WORD.findall(text):
        word = stem(raw)
        if len(word) < 2 or word in STOPWORDS or raw in STOPWORDS:
            continue
        out.add(word)
    return tuple(sorted(out))


@functools.lru_cache(maxsize=65536)
def name_words(text: str) -> tuple[str, ...]:
    """``content_words`` of a short text that recurs: a name, a claimant, a unit (remembered:
    ``proper_names`` reads every capitalised word of every sentence this way)."""
    return content_words(text)


_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][A-Za-z]*)?\b")
_NATIONALITY = ("ish", "ian", "ese", "ean", "can")
_NOT_NAMES = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)


def proper_names(text: str) -> tuple[str, ...]:
    """Capitalised words that name someone or something ("Klarna", "Siemiatkowski"), as
    content words. The first word of the text is capitalised anyway: it counts when it is
    possessive ("Klarna's") or not a common word of news copy (a stopword, a word of the
    paraphrase table, or a plural like "Analysts").

    >>> proper_names("Sales at Tael grew 35% in March, Klarna's chief said")
    ('klarna', 'tael')
    >>> proper_names("Kadoast opened 57 new stores in Chile")
    ('chile', 'kadoast')
    """
    found: set[str] = set()
    first = len(text) - len(text.lstrip())
    for m in _NAME.finditer(text):
        word = m.group(0)
        if m.start() == first and not text[m.end() :].startswith(("'s", "’s")):
            lower = word.casefold()
            if lower in STOPWORDS or _strip(lower) in SYNONYMS or lower.endswith("s"):
                continue
        if word.casefold() in _NOT_NAMES or word.endswith(_NATIONALITY):
            continue  # "Swedish", "European": say where, not who
        found.update(name_words(word))
    return tuple(sorted(found - STOPWORDS))
