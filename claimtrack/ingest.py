"""Ingest: turn a URL, a saved page, a text file or a reading note into an archived Source.

For each input::

    fetch or read -> archive the raw bytes and the extracted text (by sha256)
                  -> Source record (id from the canonical URL, else from the content)
                  -> claimtrack.extract on the text -> claimtrack.linking.attach

Everything an input needs (download, parsing, text extraction, claim extraction) is computed
before anything is written, so an input that fails leaves the workspace exactly as it was.
Re-ingesting the same URL or the same file content finds the existing source and changes
nothing (``IngestResult.new`` is False).

Inputs:

- http(s) URLs, fetched within limits (claimtrack.fetch);
- saved HTML pages (``.html``, ``.htm``) and folders of them;
- plain text (``.txt``) and Markdown (``.md``);
- reading notes: Readwise/Obsidian highlight notes and structured summaries
  (claimtrack.notes). Their Source is the article they describe, not the note.

``ingest_one`` handles one input and ``iter_ingest``/``ingest_many`` many (URLs fetched
concurrently, results in input order). ``verify`` re-hashes the archive.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, get_args
from urllib.parse import urlsplit

from .errors import ClaimtrackError, FetchError, InputError
from .fetch import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    FetchOptions,
    check_url,
    describe_type,
    fetch,
    human_size,
    make_client,
    normalize_url,
    sniff_binary,
)
from .ids import make_id
from .language import language_of, reads_english
from .models import Source, SourceKind, utcnow
from .notes import Segment, plain, split_front_matter

if TYPE_CHECKING:
    import httpx

    from .extract import ExtractedSentence
    from .workspace import Workspace

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
SOURCE_KINDS = set(get_args(SourceKind))
SEPARATOR = "\n\n"
"""Between the text segments of a source (headline, highlights, summary, table cells)."""

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):(//)?")
_BARE_SCHEMES = {"mailto", "javascript", "data", "file", "about", "ftp", "tel", "news"}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


# -- options and results ------------------------------------------------------------------------
@dataclass
class IngestOptions:
    """What ``ingest_one``/``iter_ingest`` accept as keyword options."""

    kind: str | None = None
    """Source kind (article, press_release, statement, report, dataset, note, other)."""
    publisher: str | None = None
    url: str | None = None
    """Canonical URL of the document (for a saved copy of a web page)."""
    title: str | None = None
    author: str | None = None
    published: str | None = None
    """Publication date, YYYY-MM-DD."""
    extract: bool = True
    """Run claim extraction and linking (False: archive the source and its text only)."""
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT
    retries: int = 3
    max_redirects: int = 5
    sleep: Callable[[float], None] = time.sleep
    """How retry backoff waits (tests pass a no-op)."""
    now: Callable[[], datetime] = utcnow
    """The clock for ``retrieved_at``."""

    @classmethod
    def build(cls, **options) -> IngestOptions:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise TypeError(f"unknown ingest option(s): {', '.join(unknown)}")
        opts = cls(**{k: v for k, v in options.items() if v is not None})
        if opts.kind is not None and opts.kind not in SOURCE_KINDS:
            raise InputError(
                f"unknown source kind {opts.kind!r}; use one of {', '.join(sorted(SOURCE_KINDS))}"
            )
        if opts.published is not None:
            opts.published = _check_date(opts.published)
        if opts.url is not None:
            check_url(opts.url)
        return opts

    def fetch_options(self) -> FetchOptions:
        return FetchOptions(
            timeout=self.timeout,
            max_bytes=self.max_bytes,
            retries=self.retries,
            max_redirects=self.max_redirects,
            sleep=self.sleep,
        )


def _check_date(text: str) -> str:
    text = str(text).strip()
    if _DATE.match(text):
        try:
            datetime.strptime(text + "-01-01"[len(text) - 4 :], "%Y-%m-%d")
            return text
        except ValueError:
            pass
    raise InputError(f"{text!r} is not a date; write it as YYYY-MM-DD")


@dataclass
class IngestResult:
    """What happened to one input. ``to_json()`` is the ``ingest --json`` contract."""

    input: str
    """The input as given."""
    path: str | None = None
    """Absolute path of a local file, else None."""
    url: str | None = None
    """The source's canonical URL, else the URL as given, else None."""
    source: Source | None = None
    new: bool = False
    """True when this run created the source; False when it already existed (or failed)."""
    claims: int = 0
    """Distinct claims this run linked the source's sentences to."""
    error: str | None = None
    """One-line message when the input failed; nothing was written for it then."""
    text_chars: int = 0
    """Length of the source's archived text."""
    updated: bool = False
    """The source existed and this input added text or notes to it (``new`` is False)."""
    exception: ClaimtrackError | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    def raise_for_error(self) -> IngestResult:
        """Raise the error that made this input fail, if any; else return self."""
        if self.exception is not None:
            raise self.exception
        if self.error is not None:
            raise InputError(self.error)
        return self

    def to_json(self) -> dict:
        """The ``ingest --json`` contract (docs/ingest.md)."""
        return {
            "input": self.input,
            "path": self.path,
            "url": self.url,
            "source": self.source.id if self.source else None,
            "title": self.source.title if self.source else None,
            "text_chars": self.text_chars,
            "claims": self.claims,
            "new": self.new,
            "error": self.error,
        }


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


@dataclass
class Prepared:
    """Everything computed for one input; ``commit`` only writes it."""

    result: IngestResult
    raw: bytes = b""
    text: str = ""
    sentences: list[tuple[str, list[ExtractedSentence]]] = field(default_factory=list)
    existing: bool = False
    """The source is already in the workspace and nothing would change: nothing to write."""
    archived: bool = False
    merged: bool = False
    """The source exists and this input adds text or notes to it (``Source`` updated)."""
    segments: list[Segment] = field(default_factory=list)
    document: Document | None = None
    extract: bool = True


# -- decoding -----------------------------------------------------------------------------------
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


# -- parsing ------------------------------------------------------------------------------------
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
    from trafilatura.utils import load_html

    html = _XML_DECL.sub("", decode(data, charset, html=True), count=1)
    try:
        tree = load_html(html)
        doc = None
        if tree is not None:
            doc = trafilatura.bare_extraction(
                tree, url=url, include_comments=False, include_tables=True
            )
    except Exception as exc:  # trafilatura/lxml raise assorted errors on broken markup
        raise InputError(f"{name}: the HTML cannot be parsed ({type(exc).__name__})") from exc
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not text:
        raise InputError(
            f"{name}: no readable article text found in the page "
            "(an empty page, a paywall or a page built by JavaScript?)"
        )
    meta = _page_metadata(tree, url)
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


def _page_metadata(tree, url: str | None):
    """trafilatura's metadata steps that claimtrack keeps (meta tags, JSON-LD, title, author,
    canonical URL, site name, htmldate's publication date), without the categories, tags and
    licence that ``extract_metadata`` also looks for and that cost as much again."""
    try:
        from htmldate import find_date
        from trafilatura.metadata import (
            examine_meta,
            extract_author,
            extract_meta_json,
            extract_sitename,
            extract_title,
            extract_url,
            set_date_params,
        )

        meta = examine_meta(tree)
        if meta.author and " " not in meta.author:
            meta.author = None  # a handle or a site name, not a byline
        try:
            meta = extract_meta_json(tree, meta)
        except Exception:  # trafilatura's JSON-LD reader fails on some malformed blocks
            pass
        meta.title = meta.title or extract_title(tree)
        meta.author = meta.author or extract_author(tree)
        meta.url = meta.url or extract_url(tree, url)
        meta.sitename = meta.sitename or extract_sitename(tree)
        if meta.sitename:
            meta.sitename = meta.sitename.lstrip("@")
        params = set_date_params(False)
        params["url"] = meta.url
        meta.date = find_date(tree, **params)
        meta.clean_and_trim()
        return meta
    except (ImportError, AttributeError, TypeError):  # another trafilatura version: all of it
        from trafilatura.metadata import extract_metadata

        return extract_metadata(tree, url)


def parse_text(data: bytes, *, name: str, markdown: bool, charset: str | None = None) -> Document:
    """A text file: a reading note when it is in one of the note formats, else plain text or
    Markdown (reduced to plain text; front matter gives title, URL, author and date)."""
    from . import notes

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
    front: dict = {}
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


def _as_str(value) -> str | None:
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


def _blocks(text: str) -> str:
    """trafilatura's text has one line per block (heading, paragraph, list item, table row);
    a blank line between blocks keeps a headline from running into the first paragraph."""
    return "\n\n".join(line.strip() for line in text.split("\n") if line.strip())


def _date_or_none(value) -> str | None:
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


# -- one input ----------------------------------------------------------------------------------
def classify(item: str) -> tuple[str, str | Path]:
    """("url", url) or ("file", path) or ("folder", path) for an input as given."""
    text = item.strip()
    m = _SCHEME.match(text)
    if m and (m.group(2) or m.group(1).lower() in _BARE_SCHEMES) and len(m.group(1)) > 1:
        return "url", check_url(text)
    path = Path(text).expanduser()
    if path.is_dir():
        return "folder", path
    if path.exists():
        return "file", path
    hint = ""
    if re.match(r"^(www\.[\w-]+(\.[\w-]+)+|[\w-]+(\.[\w-]+)+/)", text):
        hint = f"; for a web page give the full address (https://{text})"
    raise InputError(f"{item}: no such file{hint}")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def prepare(
    ws: Workspace, item: str, *, client: httpx.Client | None, opts: IngestOptions
) -> Prepared:
    """Fetch or read one input and compute everything to store; write nothing."""
    result = IngestResult(input=item)
    kind, target = classify(item)
    if kind == "folder":
        raise InputError(f"{item} is a folder; give the files in it (claimtrack ingest does)")
    if kind == "url":
        url = str(target)
        result.url = url
        known = _existing(ws, opts.url or url)
        if known is not None and known.content_type == "text/html":
            return _already(ws, result, known)  # the page is archived already: not fetched
        fetched = fetch(url, client=client, options=opts.fetch_options())
        name = url
        raw = fetched.content
        if fetched.is_html:
            doc = parse_html(raw, charset=fetched.charset, url=fetched.final_url, name=name)
        else:
            doc = parse_text(
                raw,
                name=name,
                markdown="markdown" in fetched.content_type,
                charset=fetched.charset,
            )
            doc.url = doc.url or fetched.final_url
    else:
        path = Path(target)
        result.path = str(path.resolve())
        name = str(item)
        raw = _read_file(path, opts.max_bytes, name)
        doc = _parse_file(path, raw, name)
        result.url = doc.url

    url = opts.url or doc.url
    canonical = normalize_url(url) if url else None
    raw_sha = _sha(raw)
    source_id = (
        make_id("source", canonical) if canonical else make_id("source", "sha256:" + raw_sha)
    )
    result.url = canonical or result.url
    segments = [s for s in doc.segments if s.text.strip()]
    text = SEPARATOR.join(s.text for s in segments)
    source = Source(
        id=source_id,
        url=canonical,
        title=opts.title or doc.title,
        author=opts.author or doc.author,
        publisher=opts.publisher or doc.publisher,
        published=opts.published or doc.published,
        retrieved_at=opts.now(),
        kind=opts.kind or doc.kind or ("other" if doc.content_type == "text/plain" else "article"),
        sha256=raw_sha,
        text_sha256=_sha(text.encode("utf-8")),
        content_type=doc.content_type,
        language=language_of(text, doc.language),
        input=item,
        notes=list(doc.notes),
    )
    prepared = Prepared(
        result=result,
        raw=raw,
        text=text,
        segments=segments,
        document=doc,
        # Text in another language is archived but not read with English rules.
        extract=opts.extract and reads_english(source.language),
    )
    if opts.extract:
        from . import linking  # noqa: F401  (fail here, before writing, if it cannot load)
    result.source = source
    result.text_chars = len(text)
    if ws.exists("source", source_id):
        return merge_into(ws, prepared, ws.load("source", source_id))
    if prepared.extract:
        prepared.sentences = _extract_segments(segments)
    return prepared


def merge_into(ws: Workspace, prepared: Prepared, old: Source) -> Prepared:
    """``prepared`` as an addition to the source ``old`` that has the same id: nothing to do
    (``existing``) when this input brings no text and no notes that ``old`` lacks; else the
    old source with the new passages appended to its text (``merged``).

    This is how a reading note and the article it quotes end up as one source, whichever is
    ingested first: the article's full text is added to the highlights, or the reader's notes
    to the article. Text is only ever appended, so the offsets of existing mentions and the
    quotes of existing evidence stay valid.
    """
    result = prepared.result
    if _sha(prepared.raw) == old.sha256:
        return _already(ws, result, old)
    new_type = prepared.document.content_type if prepared.document else None
    if old.content_type == "text/html" and new_type == "text/html":
        # Another copy of a page already archived (it may differ by an ad or a timestamp):
        # the first archived version stands.
        return _already(ws, result, old)
    old_text = ws.source_text(old)
    seen = " ".join(old_text.split())
    added = [s for s in prepared.segments if " ".join(s.text.split()) not in seen]
    notes = [
        n for n in (prepared.document.notes if prepared.document else []) if n not in old.notes
    ]
    if not added and not notes:
        return _already(ws, result, old)
    text = old_text
    updates: dict = {"notes": [*old.notes, *notes]}
    if added:
        start = len(old_text) + len(SEPARATOR) if old_text else 0
        text = old_text + (SEPARATOR if old_text else "") + SEPARATOR.join(s.text for s in added)
        updates["text_sha256"] = _sha(text.encode("utf-8"))
        new = result.source
        if new is not None:
            for key in ("title", "author", "publisher", "published", "language"):
                if getattr(old, key) is None and getattr(new, key) is not None:
                    updates[key] = getattr(new, key)
            if new.content_type == "text/html" and old.content_type != "text/html":
                # The page itself is better evidence than a note about it.
                updates["sha256"] = new.sha256
                updates["content_type"] = new.content_type
        if prepared.extract:
            prepared.sentences = _extract_segments(added, start)
    else:
        prepared.raw = b""
    source = old.model_copy(update=updates)
    result.source = source
    result.text_chars = len(text)
    prepared.text = text
    prepared.merged = True
    return prepared


def _extract_segments(
    segments: list[Segment], offset: int = 0
) -> list[tuple[str, list[ExtractedSentence]]]:
    """Every sentence of every segment, with offsets into the joined text (which starts at
    ``offset`` in the archived text), grouped by origin (one ``attach`` call per origin rather
    than per table cell)."""
    from .extract import extract, shift

    grouped: dict[str, list[ExtractedSentence]] = {}
    for segment in segments:
        found = extract(segment.text, all_sentences=True)
        grouped.setdefault(segment.origin, []).extend(
            shift(s, offset) if offset else s for s in found
        )
        offset += len(segment.text) + len(SEPARATOR)
    return list(grouped.items())


def _existing(ws: Workspace, url: str) -> Source | None:
    source_id = make_id("source", normalize_url(url))
    if ws.exists("source", source_id):
        return ws.load("source", source_id)
    return None


def _already(ws: Workspace, result: IngestResult, source: Source) -> Prepared:
    result.source = source
    result.url = source.url or result.url
    try:
        result.text_chars = len(ws.source_text(source))
    except ClaimtrackError:
        result.text_chars = 0
    return Prepared(result=result, existing=True)


def _read_file(path: Path, max_bytes: int, name: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{name} is {human_size(size)}, over the {human_size(max_bytes)} limit (--max-bytes)"
            )
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file ({exc.strerror or exc})") from exc


def _parse_file(path: Path, raw: bytes, name: str) -> Document:
    suffix = path.suffix.lower()
    binary = sniff_binary(raw[:2048])
    if binary:
        raise InputError(
            f"{name} is {describe_type(binary)}; claimtrack reads HTML, plain text and Markdown "
            "files (save the document's text first)"
        )
    if suffix in HTML_SUFFIXES:
        return parse_html(raw, name=name)
    if suffix in TEXT_SUFFIXES:
        return parse_text(raw, name=name, markdown=suffix in (".md", ".markdown"))
    head = raw[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return parse_html(raw, name=name)
    return parse_text(raw, name=name, markdown=False)


def archive(ws: Workspace, prepared: Prepared) -> None:
    """Store the raw bytes and the text of a fully prepared input (content-addressed, so
    idempotent), before the Source record that refers to them."""
    if prepared.existing or prepared.archived or prepared.result.source is None:
        return
    if prepared.raw:
        ws.put_blob(prepared.raw)
    ws.put_blob(prepared.text.encode("utf-8"))
    prepared.archived = True


def commit(ws: Workspace, prepared: Prepared) -> IngestResult:
    """Write what ``prepare`` computed: snapshots, the Source, then the claims it mentions."""
    result = prepared.result
    if prepared.existing or result.source is None:
        return result
    source = result.source
    from .linking import attach  # already imported by prepare when extracting

    with ws.lock():
        if not prepared.merged and ws.exists("source", source.id):
            # Ingested meanwhile, e.g. a note and its article in one batch.
            if prepared.document is None:
                return _already(ws, result, ws.load("source", source.id)).result
            prepared = merge_into(ws, prepared, ws.load("source", source.id))
            if prepared.existing:
                return prepared.result
            source = prepared.result.source
        archive(ws, prepared)
        ws.save(source)
        claims: set[str] = set()
        for origin, sentences in prepared.sentences:
            if not sentences:
                continue
            link = attach(ws, source, sentences, origin=origin)
            claims.update(getattr(link, "new_claims", []))
            claims.update(getattr(link, "matched_claims", []))
    result.new = not prepared.merged
    result.updated = prepared.merged
    result.claims = len(claims)
    return result


def _failed(item: str, exc: ClaimtrackError, path: str | None = None) -> IngestResult:
    url = item.strip() if _SCHEME.match(item.strip()) else None
    message = " ".join(str(exc).split()) or type(exc).__name__
    return IngestResult(input=item, path=path, url=url, error=message, exception=exc)


def ingest_one(
    ws: Workspace, item: str, *, client: httpx.Client | None = None, **options
) -> IngestResult:
    """Ingest one URL or file into ``ws``. Failures come back as ``result.error`` (the
    workspace unchanged); ``result.raise_for_error()`` turns them into the exception.

    >>> result = ingest_one(ws, "https://example.com/news/klarna.html")  # doctest: +SKIP
    >>> result.new, result.source.id
    (True, 's-5c1e0a9d2b7f')
    """
    opts = IngestOptions.build(**options)
    return _run_one(ws, item, client, opts)


def _run_one(
    ws: Workspace, item: str, client: httpx.Client | None, opts: IngestOptions
) -> IngestResult:
    outcome = _prepare_or_fail(ws, item, client, opts)
    return outcome if isinstance(outcome, IngestResult) else commit(ws, outcome)


def _prepare_or_fail(
    ws: Workspace, item: str, client: httpx.Client | None, opts: IngestOptions
) -> Prepared | IngestResult:
    try:
        return prepare(ws, item, client=client, opts=opts)
    except ClaimtrackError as exc:
        return _failed(item, exc, _file_path(item))
    except Exception as exc:  # a bug met on one document must not stop a batch of hundreds
        problem = ClaimtrackError(
            f"{item}: unexpected {type(exc).__name__} while reading it ({exc}); "
            "nothing was stored for it; please report this"
        )
        problem.__cause__ = exc
        return _failed(item, problem, _file_path(item))


def _file_path(item: str) -> str | None:
    candidate = Path(item.strip()).expanduser()
    if not _SCHEME.match(item.strip()) and candidate.is_file():
        return str(candidate.resolve())
    return None


# -- many inputs --------------------------------------------------------------------------------
def expand(items: Iterable[str]) -> list[tuple[str, ClaimtrackError | None]]:
    """Inputs with folders replaced by the HTML, text and Markdown files in them (sorted,
    hidden files skipped); an empty folder becomes an error for that folder."""
    out: list[tuple[str, ClaimtrackError | None]] = []
    suffixes = HTML_SUFFIXES | TEXT_SUFFIXES
    for item in items:
        path = Path(item.strip()).expanduser()
        if _SCHEME.match(item.strip()) or not path.is_dir():
            out.append((item, None))
            continue
        found = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.lower() in suffixes
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not found:
            out.append(
                (item, InputError(f"{item}: no .html, .htm, .txt or .md files in this folder"))
            )
        out.extend((str(Path(item) / p.relative_to(path)), None) for p in found)
    return out


def iter_ingest(
    ws: Workspace,
    items: Iterable[str],
    *,
    jobs: int = 8,
    client: httpx.Client | None = None,
    **options,
) -> Iterator[IngestResult]:
    """Ingest many inputs, yielding one result per input in input order (folders expanded).

    URLs are fetched and parsed by up to ``jobs`` threads at once (local files by one);
    everything is written in the calling thread, one input at a time and in input order, while
    the threads work on the next inputs. One failed input does not stop the others.
    """
    from concurrent.futures import ThreadPoolExecutor

    opts = IngestOptions.build(**options)
    expanded = expand(items)
    own_client = None
    if client is None and any(_SCHEME.match(i.strip()) for i, _ in expanded):
        client = own_client = make_client(opts.fetch_options())

    def work(entry: tuple[str, ClaimtrackError | None]):
        item, problem = entry
        if problem is not None:
            return _failed(item, problem)
        return _prepare_or_fail(ws, item, client, opts)

    # The same input twice is fetched once; the repeat reports the first one's source.
    first: dict[str, int] = {}
    repeats: dict[int, int] = {}
    for index, (item, _) in enumerate(expanded):
        key = _input_key(item)
        if key in first:
            repeats[index] = first[key]
        else:
            first[key] = index

    # Threads help with downloads; parsing local files is CPU work that the GIL serialises
    # anyway, and more threads only starve the writing thread, so files get one helper.
    urls = sum(1 for item, _ in expanded if _SCHEME.match(item.strip()))
    pool = ThreadPoolExecutor(max_workers=max(1, min(jobs, urls)))
    try:
        futures = {
            i: pool.submit(work, entry) for i, entry in enumerate(expanded) if i not in repeats
        }
        done: dict[int, IngestResult] = {}
        for index, (item, _) in enumerate(expanded):
            if index in repeats:
                earlier = done[repeats[index]]
                if earlier.source is not None:
                    result = _already(ws, IngestResult(input=item, path=earlier.path),
                                      earlier.source).result  # fmt: skip
                else:
                    result = _failed(item, earlier.exception or InputError(earlier.error or ""),
                                     earlier.path)  # fmt: skip
            else:
                outcome = futures[index].result()
                result = outcome if isinstance(outcome, IngestResult) else commit(ws, outcome)
            done[index] = result
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if own_client is not None:
            own_client.close()


def _input_key(item: str) -> str:
    text = item.strip()
    if _SCHEME.match(text):
        try:
            return "url:" + normalize_url(text)
        except ValueError:
            return "input:" + text
    try:
        return "file:" + str(Path(text).expanduser().resolve())
    except OSError:
        return "input:" + text


def ingest_many(
    ws: Workspace,
    items: Iterable[str],
    *,
    jobs: int = 8,
    client: httpx.Client | None = None,
    on_result: Callable[[IngestResult], None] | None = None,
    **options,
) -> list[IngestResult]:
    """``iter_ingest`` collected into a list; ``on_result`` is called as each one is done."""
    results = []
    for result in iter_ingest(ws, items, jobs=jobs, client=client, **options):
        if on_result is not None:
            on_result(result)
        results.append(result)
    return results


# -- verify -------------------------------------------------------------------------------------
@dataclass
class VerifyProblem:
    """One thing wrong with the archive. ``to_json()`` is the ``verify --json`` contract."""

    problem: str
    """missing, mismatch or corrupt."""
    path: str
    source: str | None = None
    detail: str = ""

    def to_json(self) -> dict:
        return {
            "problem": self.problem,
            "path": self.path,
            "source": self.source,
            "detail": self.detail,
        }


@dataclass
class VerifyReport:
    sources: int = 0
    snapshots: int = 0
    problems: list[VerifyProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify(ws: Workspace) -> VerifyReport:
    """Re-hash every archived snapshot: those the sources reference (missing ones reported)
    and any other file under snapshots/; and report every record that does not load."""
    own = getattr(ws, "verify", None)
    if own is not None:  # a store that checks its own archive (a database case)
        return own()
    report = VerifyReport()
    records = ws.records()
    for problem in records.problems:
        report.problems.append(VerifyProblem("corrupt", problem.path, None, problem.reason))
    checked: set[Path] = set()
    for source in sorted(records.sources.values(), key=lambda s: s.id):
        report.sources += 1
        for label, sha in (("snapshot", source.sha256), ("text", source.text_sha256)):
            if not sha:
                continue
            path = ws.blob_path(sha)
            if path in checked:
                continue
            checked.add(path)
            if not path.is_file():
                report.problems.append(
                    VerifyProblem("missing", str(path), source.id, f"the archived {label} is gone")
                )
                continue
            report.snapshots += 1
            actual = _hash_file(path)
            if actual != sha:
                report.problems.append(
                    VerifyProblem(
                        "mismatch",
                        str(path),
                        source.id,
                        f"the archived {label} has changed (sha256 now {actual[:12]}...)",
                    )
                )
    snapshots = ws.root / "snapshots"
    if snapshots.is_dir():
        for path in sorted(p for p in snapshots.rglob("*") if p.is_file()):
            if path in checked or path.name.startswith("."):
                continue
            report.snapshots += 1
            actual = _hash_file(path)
            if actual != path.name:
                report.problems.append(
                    VerifyProblem(
                        "mismatch",
                        str(path),
                        None,
                        f"contents do not match the file name (sha256 now {actual[:12]}...)",
                    )
                )
    return report


__all__ = [
    "IngestOptions",
    "IngestResult",
    "VerifyProblem",
    "VerifyReport",
    "expand",
    "ingest_many",
    "ingest_one",
    "iter_ingest",
    "verify",
    "FetchError",
    "InputError",
]
