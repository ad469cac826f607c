"""Web pages: their main text and metadata, by trafilatura's public API
(``trafilatura.bare_extraction``), after ``decode`` has read the bytes."""

from __future__ import annotations

import re

from ..errors import InputError
from ..notes import Segment
from .decode import decode
from .document import Document, _date_or_none, _is_http, _same_site

_HTML_LANG = re.compile(r"<html[^>]*\slang\s*=\s*[\"']?([a-zA-Z]{2,3})\b", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def parse_html(data: bytes, *, charset: str | None = None, url: str | None = None,
               name: str = "page") -> Document:  # fmt: skip
    """Main text and metadata (title, author, date, site name, canonical URL) of an HTML page,
    both by trafilatura.

    The bytes are decoded by ``decode`` rather than by trafilatura, whose guess misreads short
    windows-1252 pages and ignores the declared charset.
    """
    import trafilatura

    html = _XML_DECL.sub("", decode(data, charset, html=True), count=1)
    try:
        # One pass of trafilatura's public API: the main text, and the metadata (meta tags,
        # JSON-LD, title, author, canonical URL, site name, htmldate's publication date).
        meta = trafilatura.bare_extraction(
            html, url=url, include_comments=False, include_tables=True, with_metadata=True
        )
    except Exception as exc:  # trafilatura/lxml raise assorted errors on broken markup
        raise InputError(f"{name}: the HTML cannot be parsed ({type(exc).__name__})") from exc
    text = (getattr(meta, "text", None) or "").strip() if meta is not None else ""
    if not text:
        raise InputError(
            f"{name}: no readable article text found in the page "
            "(an empty page, a paywall or a page built by JavaScript?)"
        )
    page_url = getattr(meta, "url", None)
    if page_url and not _is_http(page_url):
        page_url = None
    if page_url and url and not _same_site(page_url, url):
        page_url = None  # a canonical pointing at another site is not this page's address
    m = _HTML_LANG.search(html[:4096])
    return Document(
        segments=[Segment(_blocks(text), "text")],
        content_type="text/html",
        url=page_url or url,
        title=getattr(meta, "title", None) or None,
        author=getattr(meta, "author", None) or None,
        publisher=getattr(meta, "sitename", None) or None,
        published=_date_or_none(getattr(meta, "date", None)),
        language=m.group(1).lower() if m else None,
    )


def _blocks(text: str) -> str:
    """trafilatura's text has one line per block (heading, paragraph, list item, table row);
    a blank line between blocks keeps a headline from running into the first paragraph."""
    return "\n\n".join(line.strip() for line in text.split("\n") if line.strip())
