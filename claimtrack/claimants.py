"""Who is who: the one rule for claimant names, used by flags, matching, conflicts and the graph.

A claimant is written many ways: "Klarna", "Klarna AB", "the Klarna Group", "Klarna's". The
rule has two parts, both defined here and nowhere else:

- **The same name** (``claimant_key``): the words of the name, case and punctuation ignored,
  without a possessive "'s", a leading determiner ("the", "a", "its" ...) and the corporate
  words "Inc", "Ltd", "LLC", "AB", "plc", "Corp", "Co", "Group" and "the". "Klarna AB",
  "klarna" and "The Klarna Group" all have the key ``klarna``. A description rather than a name,
  one with no capitalised word ("a spokesperson", "the buy-now-pay-later firm"), has no key: it
  says nothing about who it is. Names with the same key are one claimant node in the graph
  (``entity_id``).
- **The same party** (``same_claimant``, ``keys_match``): two names whose keys are known denote
  the same party when every word of one key is a word of the other: "Klarna" and "Klarna Bank
  AB", "Siemiatkowski" and "Sebastian Siemiatkowski", "Klarna" and "Klarna CEO Sebastian
  Siemiatkowski"; not "Meta" and "Metal Corp", nor "Sebastian Siemiatkowski" and "Klarna".
  A name without a key (a description, or a name written in lower case such as a site name
  "klarna.com") is compared by the same words rule but can only be recognised as the same
  party, never told apart: otherwise the answer is None (unknown).

claimtrack.flags uses ``same_claimant`` to decide whose word a source is, matching and conflict
detection (claimtrack.match, claimtrack.conflicts) compare claimant keys with ``keys_match``, and
claimtrack.graph makes one ``entity`` node per key.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"\w+")
_POSSESSIVE = re.compile(r"['\u2019]s\b")
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our", "one"})
_CORPORATE = frozenset({"inc", "ltd", "llc", "ab", "plc", "corp", "co", "group", "the"})


def _words(name: str) -> list[str]:
    return _WORD.findall(_POSSESSIVE.sub("", name))


@lru_cache(maxsize=65536)
def claimant_key(name: str | None) -> str | None:
    """A claimant name normalised (see the module docstring); None for a description.

    >>> claimant_key("Klarna AB"), claimant_key("the Klarna Group"), claimant_key("Klarna's")
    ('klarna', 'klarna', 'klarna')
    >>> claimant_key("a spokesperson") is None, claimant_key("Klarna Bank AB")
    (True, 'klarna bank')
    """
    if not name:
        return None
    raw = _words(name)
    if raw and raw[0].casefold() in _DETERMINERS:
        raw = raw[1:]
    if not any(w[:1].isupper() for w in raw):
        return None
    words = [w for w in (r.casefold() for r in raw) if w not in _CORPORATE]
    return " ".join(words) or None


def keys_match(a: str | None, b: str | None) -> bool | None:
    """Whether two claimant keys (``claimant_key``) denote the same party: every word of one
    is a word of the other. None when either is unknown.

    >>> keys_match("klarna", "klarna bank"), keys_match("meta", "metal"), keys_match(None, "x")
    (True, False, None)
    """
    if not a or not b:
        return None
    wa, wb = set(a.split()), set(b.split())
    return wa <= wb or wb <= wa


def same_claimant(a: str | None, b: str | None) -> bool | None:
    """Whether two claimant names denote the same party (the module docstring's rule): True or
    False when both are names; when either is a description or written in lower case, True if
    the words of one are among the other's (``"klarna.com"`` and "Klarna", "a spokesperson"
    twice), else None: it can be recognised, never told apart. None when either is missing.

    >>> same_claimant("Klarna", "Klarna Bank AB"), same_claimant("Meta", "Metal Corp")
    (True, False)
    >>> same_claimant("a spokesperson", "A spokesperson"), same_claimant("the firm", "Klarna")
    (True, None)
    """
    if not a or not b:
        return None
    ka, kb = claimant_key(a), claimant_key(b)
    if ka is not None and kb is not None:
        return keys_match(ka, kb)
    wa, wb = _plain_words(a), _plain_words(b)
    return True if wa and wb and (wa <= wb or wb <= wa) else None


def _plain_words(name: str) -> frozenset[str]:
    words = (w.casefold() for w in _words(name))
    return frozenset(w for w in words if w not in _DETERMINERS and w not in _CORPORATE)


def entity_id(name: str) -> str:
    """Graph node id of a claimant: ``entity:`` and its key's words joined by ``-``, so that
    "Klarna", "KLARNA" and "Klarna AB" are one node (``entity:klarna``). A description keeps
    all its words (``entity:a-spokesperson``).
    """
    key = claimant_key(name)
    words = key.split() if key else [w.casefold() for w in _words(name)]
    return "entity:" + "-".join(words)
