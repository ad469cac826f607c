"""Stable, content-derived record ids with a type prefix.

The same content always gives the same id, so re-ingesting a page or re-importing a file
changes nothing, and two people adding the same claim in two clones end up with one file.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

PREFIXES = {"claim": "c-", "source": "s-", "evidence": "e-", "question": "q-"}
ID_LENGTH = 12  # hex digits after the prefix: 48 bits, collision-safe well past 1M records
ID_PATTERN = re.compile(rf"^[cseq]-[0-9a-f]{{{ID_LENGTH}}}$")
_SPACE = re.compile(r"\s+")
# Quotation marks are typography, not content: a fact-check database that holds one claim with
# 'single', "double" and “curly” quotes holds one claim. An apostrophe inside a word
# (Klarna's, Klarna’s) stays an apostrophe.
_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")
_QUOTE_MARK = re.compile(r"[\"'“”„‟«»‘’‚‛‹›]")
_KEEP = "\ue000"


def normalize_text(text: str) -> str:
    """Case-, space-, quotation-mark- and unicode-normalised text used for hashing.

    >>> normalize_text("  Klarna  SAYS\\n700 ")
    'klarna says 700'
    >>> normalize_text("A 'law to separate families’") == normalize_text('a “Law to separate families”')
    True
    """
    text = unicodedata.normalize("NFKC", text)
    text = _APOSTROPHE.sub(_KEEP, text)
    text = _QUOTE_MARK.sub('"', text).replace(_KEEP, "'")
    return _SPACE.sub(" ", text).strip().casefold()


def make_id(kind: str, *parts: str | None) -> str:
    """Id for a record of ``kind`` made from its identifying parts.

    >>> make_id("claim", "Klarna's assistant does the work of 700 agents", "Klarna")[:2]
    'c-'
    """
    h = hashlib.sha256()
    for part in parts:
        h.update(normalize_text(part or "").encode("utf-8"))
        h.update(b"\x1f")
    return PREFIXES[kind] + h.hexdigest()[:ID_LENGTH]


def kind_of(record_id: str) -> str | None:
    """The record kind a full or partial id names by its prefix, or None."""
    for kind, prefix in PREFIXES.items():
        if record_id.startswith(prefix):
            return kind
    return None


def is_valid_id(record_id: str) -> bool:
    return bool(ID_PATTERN.match(record_id))
