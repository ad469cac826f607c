"""One scan over the whole text for every keyword that extraction looks at.

Attribution cues, hedges, the words that start a non-answer, and the check-worthiness
keywords (change verbs, comparisons, superlatives, opinion words, page furniture, first
person, shopping pitches) are listed here as plain words and phrases. ``scan(text)`` finds them all in one
regex pass and says which categories each hit belongs to; ``extract`` then gives each
sentence the set of categories that fired in it, and runs the detailed attribution and
non-answer patterns only on the sentences that need them.
"""

from __future__ import annotations

import re

from .attribution import CUE_VERBS
from .figures import NUMBER_TRIGGERS
from .hedges import HEDGE_PHRASES, HEDGE_WORDS
from .numbers import NUMBER_WORD_END, word_regex

CATEGORIES: dict[str, list[str]] = {
    "cue": [*CUE_VERBS, "according to", "reportedly", "allegedly", "as reported by", "per"],
    "hedge": [*HEDGE_WORDS, *HEDGE_PHRASES],
    "nonanswer": """declined refused not unable unavailable neither cannot didn't doesn't
        don't wouldn't couldn't won't hasn't haven't hadn't wasn't weren't isn't aren't
        no""".split(),
    "change": """cut cuts cutting slashed slash layoffs hired hires hiring rose rise rises
        risen fell fall falls fallen grew grow grows grown increased increase increases
        decreased decline declined declines dropped drops jumped jumps surged surges soared
        plunged plunges doubled tripled halved raised raises raising earned lost losses
        reported reports launched launches acquired acquires bought sold sells invested
        invests spent spends saved saves reduced reduces reduce expanded expands closed
        closes opened opens paid pays fined valued handles handled serves served employs
        employed generated generates recorded posted boost boosted boosts topped reached
        reaches exceeded equivalent revenue profit profits sales shares valuation turnover
        workforce jobs speak speaks available operates operate overtook overtakes write-down
        write-downs ordered filed signed agreed delivered shipped carried recalled cancelled
        canceled won approved""".split()
    + ["laid off", "lay off", "written off", "wrote off", "wrote down"],
    "superlative": """largest biggest smallest highest lowest fastest slowest most least
        record all-time first best worst ever straight consecutive only""".split()
    + ["in a row"],
    "comparison": """higher lower larger bigger faster slower cheaper better worse compared
        than outperformed outperforms leading times double overtook beat beating""".split()
    + ["more than", "less than", "fewer than"],
    "opinion": """amazing awesome terrible awful wonderful love hate must ought hopefully
        sadly frankly obviously clearly imo lol wow beautiful exciting scary crazy
        interesting fascinating brilliant stunning shocking disgraceful shameful ridiculous
        absurd""".split()
    + [
        "I think",
        "I believe",
        "I feel",
        "we think",
        "in my opinion",
        "in my view",
        "so true",
        "great job",
        "great read",
    ],
    "boilerplate": """subscribe newsletter hello cookie cookies advertisement copyright""".split()
    + [
        "thanks for reading",
        "thank you for reading",
        "sign up",
        "click here",
        "read more",
        "follow us",
        "all rights reserved",
        "hi there",
        "good morning",
        "welcome to",
        "share this",
        "view highlight",
        "related articles",
        "related article",
    ],
    "first_person": ["I", "me", "my", "mine", "myself"],
    # Shopping and subscription pitches: a price in them is an offer, not a claim.
    "promotion": [
        "see it now",
        "buy now",
        "buy it now",
        "shop now",
        "order now",
        "pre-order",
        "add to cart",
        "promo code",
        "discount code",
        "coupon",
        "coupon code",
        "use code",
        "free shipping",
        "limited time offer",
        "best deals",
        "get yours",
        "on sale now",
        "buy tickets",
        "book tickets",
        "book now",
    ],
}


def _key(s: str) -> str:
    return " ".join(s.replace("’", "'").split()).lower()


_LOOKUP: dict[str, frozenset[str]] = {}
for _cat, _words in CATEGORIES.items():
    for _w in _words:
        k = _key(_w)
        _LOOKUP[k] = _LOOKUP.get(k, frozenset()) | {_cat}
# "I" is first person only as a capital; "me"/"my" are fine in any case at a word start
_VARIANTS = set()
for _w in _LOOKUP:
    _VARIANTS.add(_w)
    if "'" in _w:
        _VARIANTS.add(_w.replace("'", "’"))
_VARIANTS.discard("i")
_VARIANTS |= {"I", "I think", "I believe", "I feel"}
# Number words are found in the same pass for claimtrack.extract.figures; unlike keywords they
# may run on with a hyphen ("twenty-three", "two-year").
_NUMBERS = [w for w in NUMBER_TRIGGERS if w not in _VARIANTS]
_NUMBER_SET = frozenset(NUMBER_TRIGGERS) | {w.capitalize() for w in NUMBER_TRIGGERS}
_FIRST = sorted({v[0] for v in (*_VARIANTS, *_NUMBERS)} | {v[0].upper() for v in _VARIANTS})
_FIRST += sorted({w[0].upper() for w in _NUMBERS})
_TRIGGER = re.compile(
    "(?=["
    + re.escape("".join(sorted(set(_FIRST))))
    + r"])\b(?:(?P<n>"
    + word_regex(NUMBER_TRIGGERS)
    + r")"
    + NUMBER_WORD_END
    + "|"
    + word_regex(sorted(_VARIANTS))
    + r"(?![\w'’-]))"
)
NUMBER = frozenset(["number"])
_NUMBER_AND = {c: NUMBER | c for c in set(_LOOKUP.values())}


def scan(
    text: str, start: int = 0, end: int | None = None
) -> list[tuple[int, frozenset[str], str]]:
    """(offset, categories, word) for every keyword in ``text[start:end]``, in order."""
    offsets, cats, words = scan_columns(text, start, end)
    return list(zip(offsets, cats, words, strict=True))


def scan_columns(
    text: str, start: int = 0, end: int | None = None
) -> tuple[list[int], list[frozenset[str]], list[str]]:
    """What :func:`scan` finds, as three parallel lists (offsets, categories, words): no
    tuple per keyword, which spares the garbage collector on big texts."""
    get = _LOOKUP.get
    offsets: list[int] = []
    categories_: list[frozenset[str]] = []
    words: list[str] = []
    for m in _TRIGGER.finditer(text, start, len(text) if end is None else end):
        word = m.group(0)
        if m.group("n") is not None:
            # a number word that is also a keyword ("doubled", "times"...) keeps both roles
            cats = get(word) or get(word.lower())
            cats = _NUMBER_AND.get(cats, NUMBER) if cats else NUMBER
        else:
            cats = get(word) or get(_key(word))
            if cats is None:
                continue
        offsets.append(m.start())
        categories_.append(cats)
        words.append(word)
    return offsets, categories_, words


def categories(sentence: str) -> set[str]:
    """The categories of the keywords in ``sentence``."""
    out: set[str] = set()
    for _pos, cats, _w in scan(sentence):
        out |= cats
    return out
