"""The language of a source's text, so that English rules are only run on English.

``detect(text)`` asks CLD2 (Chromium's compact language detector, through the ``pycld2``
package, which ships its model compiled in: offline, no download, about 0.5 ms for an
article) and returns an ISO 639-1 code, or None when it cannot tell reliably (too little
text, a mix, a language it does not know). ``language_of`` falls back to what the page
declares (``<html lang>``).

Claim extraction (figures, attribution, hedges, check-worthiness) reads English. A source in
another language is archived and recorded with its language, but not read for claims:
``reads_english(code)`` says whether to run extraction, and ``skipped(code)`` is the note
``ingest`` and ``show`` print ("in German: not read for claims, claimtrack reads English").
Unknown (None) is read as English, as before detection existed.
"""

from __future__ import annotations

import re

MAX_CHARS = 100_000
"""Detection reads at most this much of a text (the start of it)."""

# CLD2 uses a few codes older than ISO 639-1's current ones; traditional Chinese is "zh-Hant".
_ISO = {"iw": "he", "jw": "jv", "in": "id", "zh-Hant": "zh"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def detect(text: str) -> str | None:
    """The ISO 639-1 code of the language ``text`` is written in, or None when unsure.

    >>> detect("Die Regierung will die Zahl der Ladestationen bis 2030 verdoppeln.")
    'de'
    >>> detect("Klarna says its assistant does the work of 700 agents.")
    'en'
    """
    import pycld2  # type: ignore[import-untyped]

    sample = _CONTROL.sub(" ", text[:MAX_CHARS])
    sample = sample.encode("utf-8", "replace").decode("utf-8")  # lone surrogates
    try:
        reliable, _, details = pycld2.detect(sample)
    except (pycld2.error, ValueError):
        return None
    code = details[0][1] if details else "un"
    if not reliable or code in ("un", "xxx", ""):
        return None
    return _ISO.get(code, code.split("-")[0].lower())


def language_of(text: str, declared: str | None = None) -> str | None:
    """The language of a source: detected from its text, else as its page declares it."""
    return detect(text) or (declared.lower() if declared else None)


def reads_english(code: str | None) -> bool:
    """Whether claimtrack's English extraction rules apply to text in this language (unknown
    counts as English)."""
    return code is None or code == "en"


def name(code: str) -> str:
    """A language's English name from its code ("de" -> "German"); the code if unknown."""
    import pycld2  # untyped: mypy says so once per module, at the import in detect

    names = {c: n.capitalize() for n, c in reversed(pycld2.LANGUAGES)}  # first name wins
    old = {v: k for k, v in _ISO.items()}.get(code)
    return names.get(code) or names.get(old or "") or code


def skipped(code: str | None) -> str | None:
    """What ``ingest`` and ``show`` say about a source that is not read for claims, else
    None: "in German (de): not read for claims; claimtrack reads English"."""
    if code is None or reads_english(code):
        return None
    return f"in {name(code)} ({code}): not read for claims; claimtrack reads English"
