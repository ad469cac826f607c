"""Text files: plain text, Markdown (front matter gives title, URL, author and date) and the
reading-note formats of ``claimtrack.notes``."""

from __future__ import annotations

import re
from typing import Any

from ..errors import InputError
from ..notes import Segment, plain, split_front_matter
from .decode import decode
from .document import Document, _date_or_none, _is_http


def parse_text(data: bytes, *, name: str, markdown: bool, charset: str | None = None) -> Document:
    """A text file: a reading note when it is in one of the note formats, else plain text or
    Markdown (reduced to plain text; front matter gives title, URL, author and date)."""
    from .. import notes

    text = decode(data, charset).replace("\r\n", "\n").replace("\r", "\n")
    note = notes.parse(text, name)
    if note is not None:
        return Document(
            segments=[s for s in note.segments if s.text.strip()],
            content_type="text/markdown",
            url=note.url,
            title=note.title,
            author=note.author,
            published=note.published,
            kind=note.kind,
            notes=note.notes,
        )
    front: dict[str, Any] = {}
    if markdown or text.startswith("---\n"):
        front, text, _ = split_front_matter(text, name)
    if markdown:
        text = _markdown_to_text(text)
    text = _tidy(text)
    if not text:
        raise InputError(f"{name}: the file holds no text")
    title = _as_str(front.get("title"))
    if not title:
        first = text.split("\n", 1)[0].strip()
        title = first if 0 < len(first) <= 200 else None
    url = _as_str(front.get("url") or front.get("URL") or front.get("source"))
    return Document(
        segments=[Segment(text, "text")],
        content_type="text/markdown" if markdown else "text/plain",
        url=url if url and _is_http(url) else None,
        title=title,
        author=_as_str(front.get("author")),
        published=_date_or_none(front.get("published") or front.get("date")),
    )


def _as_str(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value).strip() or None


def _markdown_to_text(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        stripped = line.strip()
        if re.fullmatch(r"[-*_=]{3,}|```.*", stripped):
            continue
        stripped = re.sub(r"^#{1,6}\s+", "", stripped)
        stripped = re.sub(r"^>\s?", "", stripped)
        lines.append(plain(stripped) if stripped else "")
    return "\n".join(lines)


def _tidy(text: str) -> str:
    """Trailing spaces gone and runs of blank lines reduced to one: the archived form."""
    lines = [line.rstrip() for line in text.strip().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
