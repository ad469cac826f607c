"""A parsed input before it becomes a Source (``Document``), and the small readers of URLs and
dates that the page and text parsers share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..notes import Segment

SEPARATOR = "\n\n"
"""Between the text segments of a source (headline, highlights, summary, table cells)."""


@dataclass
class Document:
    """A parsed input, before it becomes a Source: its text segments and metadata."""

    segments: list[Segment]
    content_type: str
    url: str | None = None
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: str | None = None
    language: str | None = None
    kind: str | None = None
    notes: list[str] = field(default_factory=list)


def _date_or_none(value: object) -> str | None:
    if value is None:
        return None
    m = re.search(r"\d{4}-\d{2}-\d{2}", str(value))
    return m.group(0) if m else None


def _is_http(url: str) -> bool:
    try:
        parts = urlsplit(str(url))
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return ""


def _same_site(a: str, b: str) -> bool:
    ha, hb = _host(a), _host(b)
    return bool(ha) and (ha == hb or ha.endswith("." + hb) or hb.endswith("." + ha))
