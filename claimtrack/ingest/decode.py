"""Bytes to text, whatever their charset claims: the decoding every ingested input goes
through."""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
# WHATWG: these labels mean windows-1252 on the web.
_AS_CP1252 = {"iso-8859-1", "latin-1", "latin1", "ascii", "us-ascii", "iso8859-1", "l1"}


def decode(data: bytes, declared: str | None = None, *, html: bool = False) -> str:
    """Text from bytes whatever their charset claims.

    Valid UTF-8 is taken as UTF-8 even when a server declares another charset (a common
    mistake, and UTF-8 almost never validates by accident); then the declared charset (HTTP
    header, then ``<meta charset>``) if it decodes cleanly; then a statistical guess; then
    windows-1252, which decodes anything.
    """
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = [declared] if declared else []
    if html:
        m = _META_CHARSET.search(data[:4096])
        if m:
            candidates.append(m.group(1).decode("ascii", "ignore"))
    for label in candidates:
        label = label.strip().lower()
        if label in _AS_CP1252:
            label = "cp1252"
        try:
            text = data.decode(label)
        except (LookupError, UnicodeDecodeError):
            continue
        if label != "cp1252" or _looks_western(text):
            return text
    # Statistical detectors misjudge short Western texts (café -> cafť), so windows-1252,
    # the web's usual legacy charset, goes first when the result reads like Western text.
    try:
        text = data.decode("cp1252")
        if _looks_western(text):
            return text
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode("cp1252", errors="replace")


def _looks_western(text: str) -> bool:
    """True when non-ASCII letters are the exception, as in English, French or Swedish; text
    in another script decoded as windows-1252 is mostly accented letters."""
    letters = sum(c.isalpha() for c in text)
    high = sum(ord(c) > 127 for c in text)
    return letters > 0 and high / letters < 0.3
