"""Web pages: their main text and metadata, by trafilatura's public API
(``trafilatura.bare_extraction``), after ``decode`` has read the bytes."""

from __future__ import annotations

import re
from typing import Any

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
        tree, meta = _metadata(html, url)
        # The main text, by trafilatura's public API; the metadata was read above, so that
        # this pass skips it (the canonical URL it finds is the page's address, as there).
        page = (
            trafilatura.bare_extraction(
                tree,
                url=url or meta.url,
                include_comments=False,
                include_tables=True,
                with_metadata=False,
            )
            if tree is not None
            else None
        )
    except Exception as exc:  # trafilatura/lxml raise assorted errors on broken markup
        raise InputError(f"{name}: the HTML cannot be parsed ({type(exc).__name__})") from exc
    text = (getattr(page, "text", None) or "").strip() if page is not None else ""
    if not text:
        raise InputError(
            f"{name}: no readable article text found in the page "
            "(an empty page, a paywall or a page built by JavaScript?)"
        )
    page_url = meta.url
    if page_url and not _is_http(page_url):
        page_url = None
    if page_url and url and not _same_site(page_url, url):
        page_url = None  # a canonical pointing at another site is not this page's address
    m = _HTML_LANG.search(html[:4096])
    return Document(
        segments=[Segment(_blocks(text), "text")],
        content_type="text/html",
        url=page_url or url,
        title=meta.title or None,
        author=meta.author or None,
        publisher=meta.sitename or None,
        published=_date_or_none(meta.date),
        language=m.group(1).lower() if m else None,
    )


def _metadata(html: str, url: str | None) -> tuple[Any, Any]:
    """(the page's lxml tree or None, its metadata as a ``trafilatura.settings.Document``):
    what ``trafilatura.extract_metadata`` gives for title, author, canonical URL, publication
    date (htmldate's ``find_date``) and site name, by the same trafilatura functions in the
    same order, without the passes for what claimtrack does not read (licence, categories,
    tags), which cost a quarter of a page's extraction. The tree is parsed as
    ``bare_extraction`` parses it (``trafilatura.utils.load_html``)."""
    from htmldate import find_date
    from trafilatura.metadata import (
        META_URL,
        examine_meta,
        extract_author,
        extract_meta_json,
        extract_sitename,
        extract_title,
        extract_url,
    )
    from trafilatura.settings import DEFAULT_CONFIG, Document, set_date_params
    from trafilatura.utils import load_html

    tree = load_html(html, DEFAULT_CONFIG.getint("DEFAULT", "MAX_FILE_SIZE"))
    if tree is None:
        return None, Document()
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    try:
        meta = extract_meta_json(tree, meta)
    except Exception:  # noqa: S110  (trafilatura's JSON-LD reader has bugs; it skips them too)
        pass
    if not meta.title:
        meta.title = extract_title(tree)
    if not meta.author:
        meta.author = extract_author(tree)
    if not meta.url:
        meta.url = extract_url(tree, url)
    dates = set_date_params(DEFAULT_CONFIG.getboolean("DEFAULT", "EXTENSIVE_DATE_SEARCH"))
    meta.date = find_date(tree, **{**dates, "url": meta.url})
    if not meta.sitename:
        meta.sitename = extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")
        if meta.sitename and "." not in meta.sitename and not meta.sitename[0].isupper():
            meta.sitename = meta.sitename.title()
    elif meta.url:
        found = META_URL.match(meta.url)
        if found:
            meta.sitename = found[1]
    meta.clean_and_trim()
    return tree, meta


def _blocks(text: str) -> str:
    """trafilatura's text has one line per block (heading, paragraph, list item, table row);
    a blank line between blocks keeps a headline from running into the first paragraph."""
    return "\n\n".join(line.strip() for line in text.split("\n") if line.strip())
