"""Parsers for the reading notes journalists already have.

Two formats are read, both Markdown:

- **Highlight notes** as Readwise exports them to Obsidian: YAML front matter (title, author,
  URL, published date), ``key:: value`` fields (one of them the ``summary::``), then a
  ``## Highlights`` section where each ``### id`` block holds a date line, the highlighted
  passage as a ``>`` quote and optionally the reader's note as ``- [n] ...``.
- **Structured summaries**: a ``# Title, (from page [...](...).)`` line, an
  ``[External link](URL)`` to the article, a ``## Summary`` section and Markdown tables
  (Signals, Concerns, ...).

Both describe an article somewhere else: the parsed ``Note`` carries that article's URL and
metadata, and its text as ``Segment``s marked with where they came from (``highlight``,
``summary``, ``table`` or ``text`` for the headline). The reader's own notes are kept apart
(``Note.notes``): they are the journalist's thoughts, not the article's claims.

Pure functions of text: no files, no workspace. A note that looks like one of the formats but
is broken raises ``InputError`` naming the problem and the line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import InputError
from .vocabulary import SourceKind, TextOrigin

NoteFormat = Literal["readwise", "summary"]


@dataclass
class Segment:
    """A stretch of text and where it came from (a Mention's ``origin``)."""

    text: str
    origin: TextOrigin


@dataclass
class Note:
    """What a reading note says about the article it is about."""

    format: NoteFormat
    url: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    kind: SourceKind = "article"
    notes: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)


# -- Markdown to plain text ---------------------------------------------------------------------
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))*\)")
_WIKILINK = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
_URL = re.compile(r"https?://[^\s)\]>]+")


def plain(markdown: str) -> str:
    """Inline Markdown reduced to the words a reader sees.

    >>> plain("*Fast Company* [asked](https://x.example/a) about [[AI|artificial intelligence]]")
    'Fast Company asked about artificial intelligence'
    """
    text = _IMAGE.sub("", markdown)
    text = _LINK.sub(r"\1", text)
    text = _WIKILINK.sub(r"\1", text)
    for _ in range(2):  # nested emphasis: ***bold italic***
        text = _EMPHASIS.sub(r"\2", text)
    return text.strip()


def _first_url(text: str | None) -> str | None:
    if not text:
        return None
    m = _URL.search(str(text))
    return m.group(0) if m else None


# -- detection ----------------------------------------------------------------------------------
_HIGHLIGHTS = re.compile(r"^##\s+highlights\s*$", re.I | re.M)
_EXTERNAL = re.compile(r"\[external link\]\((\S+?)\)", re.I)
_FROM_PAGE = re.compile(r",?\s*\(from page \[[^\]]*\]\(([^)]*)\)\.?\)\s*$", re.I)


def detect(text: str) -> NoteFormat | None:
    """Which note format ``text`` is in, or None for ordinary text."""
    stripped = text.lstrip("\ufeff")
    if stripped.startswith("---") and _HIGHLIGHTS.search(stripped):
        return "readwise"
    first = next((line for line in stripped.splitlines() if line.strip()), "")
    if first.startswith("# ") and (_EXTERNAL.search(stripped[:3000]) or _FROM_PAGE.search(first)):
        return "summary"
    return None


def parse(text: str, name: str = "note") -> Note | None:
    """The Note in ``text``, or None when it is in neither format. ``name`` (the file name) is
    used in error messages."""
    kind = detect(text)
    if kind == "readwise":
        return parse_readwise(text, name)
    if kind == "summary":
        return parse_summary(text, name)
    return None


# -- front matter -------------------------------------------------------------------------------
def split_front_matter(text: str, name: str = "note") -> tuple[dict[str, Any], str, int]:
    """(front matter as a dict, body, line number where the body starts). A text without front
    matter gives ({}, text, 1)."""
    import yaml

    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return {}, text, 1
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            break
    else:
        raise InputError(f"{name}: the front matter opened by '---' on line 1 is never closed")
    raw = "".join(lines[1:i])
    try:
        data = yaml.safe_load(raw) if raw.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" on line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "cannot be parsed"
        raise InputError(f"{name}: the front matter is not valid YAML ({problem}{where})") from exc
    if not isinstance(data, dict):
        raise InputError(f"{name}: the front matter is not a list of 'key: value' lines")
    return data, "".join(lines[i + 1 :]), i + 2


def _key(key: object) -> str:
    return re.sub(r"[\s_-]+", " ", str(key)).strip().lower()


def _lookup(data: dict[str, Any], *keys: str) -> Any:
    normal = {_key(k): v for k, v in data.items()}
    for key in keys:
        value = normal.get(key)
        if value not in (None, "", []):
            return value
    return None


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v is not None)
    text = plain(str(value)).strip()
    return text or None


def _as_date(value: object) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return None
    m = re.search(r"\d{4}-\d{2}-\d{2}", str(value))
    return m.group(0) if m else None


# -- Readwise highlight notes -------------------------------------------------------------------
_FIELD = re.compile(r"^([A-Za-z][\w ]*?)::\s?(.*)$")
_NOTE_LINE = re.compile(r"^\s*[-*]\s+\[n\]\s*(.*)$", re.I)
_VIEW = re.compile(r"\s*\*?\s*\[view highlight\]\([^)]*\)\s*$", re.I)


def parse_readwise(text: str, name: str = "note") -> Note:
    """A Readwise/Obsidian highlight note. The headline becomes a ``text`` segment, each
    highlight a ``highlight`` segment and the Readwise summary a ``summary`` segment."""
    front, body, body_line = split_front_matter(text, name)
    fields: dict[str, str] = {}
    lines = body.splitlines()
    start = None
    for i, line in enumerate(lines):
        if _HIGHLIGHTS.match(line):
            start = i
            break
        m = _FIELD.match(line)
        if m:
            fields.setdefault(_key(m.group(1)), m.group(2).strip())
    if start is None:
        raise InputError(f"{name}: no '## Highlights' section")

    url = _first_url(_lookup(front, "url", "source url", "link")) or _first_url(fields.get("url"))
    note = Note(
        format="readwise",
        url=url,
        title=_as_text(_lookup(front, "full title", "title")),
        author=_as_text(_lookup(front, "author", "authors")) or _as_text(fields.get("author")),
        published=_as_date(_lookup(front, "published date", "published", "date published"))
        or _as_date(fields.get("published date")),
    )
    for own in (_as_text(_lookup(front, "note")), _as_text(fields.get("note"))):
        if own and own not in note.notes:
            note.notes.append(own)

    highlights = _highlight_blocks(lines[start + 1 :], name, body_line + start + 1)
    if not highlights:
        raise InputError(
            f"{name}: the '## Highlights' section (line {body_line + start}) holds no highlights "
            "(quoted lines starting with '>')"
        )
    if note.title:
        note.segments.append(Segment(note.title, "text"))
    for quote, reader_notes in highlights:
        note.segments.append(Segment(quote, "highlight"))
        note.notes.extend(n for n in reader_notes if n not in note.notes)
    summary = plain(fields.get("summary", ""))
    if summary:
        note.segments.append(Segment(summary, "summary"))
    return note


def _highlight_blocks(lines: list[str], name: str, first_line: int) -> list[tuple[str, list[str]]]:
    """[(highlighted text, [reader's notes])] from the lines after '## Highlights'."""
    blocks: list[tuple[str, int, list[str]]] = []
    for offset, line in enumerate(lines):
        if line.startswith("## "):
            break  # the next top-level section
        if line.startswith("### ") or not blocks:
            if line.startswith("### "):
                blocks.append((line[4:].strip(), first_line + offset, []))
                continue
            if not line.strip():
                continue
            blocks.append(("", first_line + offset, []))
        blocks[-1][2].append(line)
    out = []
    for title, line_no, block in blocks:
        quote_lines: list[str] = []
        notes: list[str] = []
        for line in block:
            stripped = line.strip()
            if stripped.startswith(">"):
                quote_lines.append(stripped[1:].strip())
                continue
            m = _NOTE_LINE.match(line)
            if m:
                text = plain(_VIEW.sub("", m.group(1)))
                if text:
                    notes.append(text)
        paragraphs = " ".join(q if q else "\n\n" for q in quote_lines)
        quote = "\n\n".join(" ".join(p.split()) for p in paragraphs.split("\n\n") if p.strip())
        if not quote:
            what = f"'### {title}'" if title else "a highlight"
            raise InputError(
                f"{name}: {what} (line {line_no}) has no quoted text (a line starting with '>')"
            )
        out.append((plain(quote), notes))
    return out


# -- structured summaries -----------------------------------------------------------------------
_SECTION = re.compile(r"^##\s+(.+?)\s*#*\s*$")
_SKIP_COLUMNS = {"relevancy", "relevance", "src", "id", "score"}
_NUMERIC = re.compile(r"^[\d.,%\s+-]*$")
_HEX = re.compile(r"^[0-9a-f]{16,}$", re.I)
# A summary's "type" column, in its words, as a source kind.
_KINDS: dict[str, SourceKind] = {
    "news": "article",
    "article": "article",
    "press release": "press_release",
    "report": "report",
    "statement": "statement",
    "dataset": "dataset",
}


def parse_summary(text: str, name: str = "note") -> Note:
    """A structured summary of an article: the summary paragraphs become ``summary`` segments
    and each text cell of its tables a ``table`` segment."""
    lines = text.lstrip("\ufeff").splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if not first.startswith("# "):
        raise InputError(f"{name}: a structured summary starts with a '# Title' line")
    heading = first[2:].strip()
    summary_page = None
    m = _FROM_PAGE.search(heading)
    if m:
        summary_page = m.group(1)
        heading = heading[: m.start()]
    title = plain(heading).strip(" ,") or None
    link = _EXTERNAL.search(text)
    if not link:
        raise InputError(
            f"{name}: a structured summary needs an '[External link](URL)' line "
            "giving the article's address; none found"
        )
    note = Note(format="summary", url=link.group(1), title=title)
    if summary_page:
        note.notes.append(f"structured summary from {summary_page}")

    sections: list[tuple[str, int, list[str]]] = []
    for i, line in enumerate(lines):
        m = _SECTION.match(line)
        if m:
            sections.append((m.group(1).strip(), i + 1, []))
        elif sections:
            sections[-1][2].append(line)

    if title:
        note.segments.append(Segment(title, "summary"))
    found_text = False
    for section, line_no, body in sections:
        lowered = section.lower()
        if lowered == "summary":
            for paragraph in "\n".join(body).split("\n\n"):
                cleaned = plain(" ".join(paragraph.split()))
                if cleaned:
                    note.segments.append(Segment(cleaned, "summary"))
                    found_text = True
        elif lowered == "other":
            for line in body:
                key, _, value = plain(line.lstrip("*- ").strip()).partition(":")
                if key.strip().lower() == "type" and value.strip().lower() in _KINDS:
                    note.kind = _KINDS[value.strip().lower()]
        elif any(line.lstrip().startswith("|") for line in body):
            for cell in _table_cells(section, body, line_no, name):
                note.segments.append(Segment(cell, "table"))
                found_text = True
    if not found_text:
        raise InputError(f"{name}: the summary has no '## Summary' text and no tables")
    return note


def _cells(line: str) -> list[str]:
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", inner)]


def _table_cells(section: str, body: list[str], section_line: int, name: str) -> list[str]:
    rows = [
        (section_line + 1 + i, line) for i, line in enumerate(body) if line.lstrip().startswith("|")
    ]
    if len(rows) < 2 or not re.fullmatch(r"[\s|:\-]+", rows[1][1]):
        raise InputError(
            f"{name}: the table under '## {section}' (line {section_line}) has no header "
            "separator row (|---|---|)"
        )
    header = [_key(c) for c in _cells(rows[0][1])]
    out = []
    for line_no, line in rows[2:]:
        cells = _cells(line)
        if len(cells) != len(header):
            raise InputError(
                f"{name}: line {line_no} of the table under '## {section}' has "
                f"{len(cells)} cells; its header has {len(header)}"
            )
        for column, cell in zip(header, cells, strict=True):
            value = plain(cell.replace("\\|", "|"))
            if column in _SKIP_COLUMNS or not value or _NUMERIC.match(value) or _HEX.match(value):
                continue
            out.append(value)
    return out
