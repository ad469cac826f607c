"""The ingest pipeline: each input prepared (fetched or read, parsed, its claims extracted)
with nothing written, then committed (snapshots, the Source, its claims linked) in batches.

``prepare`` computes everything an input needs, so an input that fails leaves the case as it
was; ``commit`` writes it; ``iter_ingest`` runs many inputs (URLs fetched by worker threads),
committing them in batches (``Store.batch``): the records of a batch are written together and
the index takes them in one transaction. Results are reported once their batch is committed,
so what a caller was told is in the case is in it, whatever happens next.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from .. import collector
from ..errors import ClaimtrackError, InputError
from ..fetch import (
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
from ..ids import make_id
from ..language import language_of, reads_english
from ..models import Source, expect, utcnow
from ..notes import Segment
from ..vocabulary import SourceKind, TextOrigin
from .document import SEPARATOR, Document
from .page import parse_html
from .text import parse_text

if TYPE_CHECKING:
    import httpx

    from ..extract import ExtractedSentence
    from ..linking import Matcher
    from ..store.base import Store as Workspace

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
SOURCE_KINDS = set(get_args(SourceKind))
BATCH_INPUTS = 50
"""Inputs committed together (at most; a batch also ends when it holds
``workspace.BATCH_RECORDS`` records, or after ``BATCH_SECONDS``)."""
BATCH_SECONDS = 2.0

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
    def build(cls, **options: Any) -> IngestOptions:
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

    def to_json(self) -> dict[str, Any]:
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
class Prepared:
    """Everything computed for one input; ``commit`` only writes it."""

    result: IngestResult
    raw: bytes = b""
    text: str = ""
    sentences: list[tuple[TextOrigin, list[ExtractedSentence]]] = field(default_factory=list)
    existing: bool = False
    """The source is already in the workspace and nothing would change: nothing to write."""
    archived: bool = False
    merged: bool = False
    """The source exists and this input adds text or notes to it (``Source`` updated)."""
    segments: list[Segment] = field(default_factory=list)
    document: Document | None = None
    extract: bool = True


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

    address = opts.url or doc.url
    canonical = normalize_url(address) if address else None
    result.url = canonical or result.url
    segments = [s for s in doc.segments if s.text.strip()]
    text = SEPARATOR.join(s.text for s in segments)
    source = source_record(item, doc, raw, text, canonical, opts)
    source_id = source.id
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
        from .. import linking  # noqa: F401  (fail here, before writing, if it cannot load)
    result.source = source
    result.text_chars = len(text)
    if ws.exists("source", source_id):
        return merge_into(ws, prepared, expect(ws.load("source", source_id), Source))
    if prepared.extract:
        prepared.sentences = _extract_segments(segments)
    return prepared


def source_record(
    item: str, doc: Document, raw: bytes, text: str, url: str | None, opts: IngestOptions
) -> Source:
    """The Source record of a parsed input: what the options say, else what the document
    says. Its id comes from the canonical ``url``, else from the raw bytes. Every ingested
    Source is built here (its ``language``: ``claimtrack.language.language_of`` its text)."""
    raw_sha = _sha(raw)
    source_id = make_id("source", url) if url else make_id("source", "sha256:" + raw_sha)
    return Source(
        id=source_id,
        url=url,
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
    updates: dict[str, Any] = {"notes": [*old.notes, *notes]}
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
) -> list[tuple[TextOrigin, list[ExtractedSentence]]]:
    """Every sentence of every segment, with offsets into the joined text (which starts at
    ``offset`` in the archived text), grouped by origin (one ``attach`` call per origin rather
    than per table cell)."""
    from ..extract import extract, shift

    grouped: dict[TextOrigin, list[ExtractedSentence]] = {}
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
        return expect(ws.load("source", source_id), Source)
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


def commit(ws: Workspace, prepared: Prepared, *, matcher: Matcher | None = None) -> IngestResult:
    """Write what ``prepare`` computed: snapshots, the Source, then the claims it mentions
    (``matcher``: a ``linking.Matcher`` shared by the inputs of one batch)."""
    result = prepared.result
    if prepared.existing or result.source is None:
        return result
    source = result.source
    from ..linking import attach  # already imported by prepare when extracting

    with ws.transaction():
        if not prepared.merged and ws.exists("source", source.id):
            # Ingested meanwhile, e.g. a note and its article in one batch.
            stored = expect(ws.load("source", source.id), Source)
            if prepared.document is None:
                return _already(ws, result, stored).result
            prepared = merge_into(ws, prepared, stored)
            if prepared.existing or prepared.result.source is None:
                return prepared.result
            source = prepared.result.source
        archive(ws, prepared)
        ws.save(source)
        claims: set[str] = set()
        for origin, sentences in prepared.sentences:
            if not sentences:
                continue
            link = attach(ws, source, sentences, origin=origin, matcher=matcher)
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
    ws: Workspace, item: str, *, client: httpx.Client | None = None, **options: Any
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
    **options: Any,
) -> Iterator[IngestResult]:
    """Ingest many inputs, yielding one result per input in input order (folders expanded).

    URLs are fetched and parsed by up to ``jobs`` threads at once, while the calling thread
    reads the local files (those of a batch before committing them) and writes everything, in
    input order. Writes are committed in batches (``BATCH_INPUTS`` inputs, or
    ``BATCH_SECONDS``), and each result is yielded once its batch is committed. One failed
    input does not stop the others.
    """
    from concurrent.futures import ThreadPoolExecutor

    opts = IngestOptions.build(**options)
    expanded = expand(items)
    own_client = None
    if client is None and any(_SCHEME.match(i.strip()) for i, _ in expanded):
        client = own_client = make_client(opts.fetch_options())

    def work(entry: tuple[str, ClaimtrackError | None]) -> Prepared | IngestResult:
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

    # Threads help with downloads. Reading and parsing a local file is CPU work that the GIL
    # serialises with the writing thread's: a thread for it only adds the cost of handing the
    # GIL to and fro (about a tenth of an ingest of saved pages, measured), so files are read
    # in the calling thread, a batch's worth at a time (``ahead``).
    urls = [
        i
        for i, (item, _) in enumerate(expanded)
        if i not in repeats and _SCHEME.match(item.strip())
    ]
    pool = ThreadPoolExecutor(max_workers=min(jobs, len(urls))) if urls else None
    batch: AbstractContextManager[None] | None = None
    matcher: Matcher | None = None  # claims loaded for linking, kept for one batch
    waiting: list[IngestResult] = []  # written, not yet committed
    # The collector is paused while a batch is worked on, never across a yield to the caller.
    pause = collector.Pause()
    try:
        futures = {i: pool.submit(work, expanded[i]) for i in urls} if pool else {}
        done: dict[int, IngestResult] = {}
        ahead: dict[int, Prepared | IngestResult] = {}  # local files read, to be committed
        started = 0.0
        for index, (item, _) in enumerate(expanded):
            if batch is None:
                from ..linking import Matcher

                pause.start()
                batch = ws.batch()
                batch.__enter__()
                # The pre-check pays for loading the case's claims only over several inputs.
                matcher = Matcher(ws, prefilter=len(expanded) - index > 1)
                started = time.monotonic()
            if index in repeats:
                earlier = done[repeats[index]]
                if earlier.source is not None:
                    result = _already(ws, IngestResult(input=item, path=earlier.path),
                                      earlier.source).result  # fmt: skip
                else:
                    result = _failed(item, earlier.exception or InputError(earlier.error or ""),
                                     earlier.path)  # fmt: skip
            else:
                if index in futures:
                    outcome = futures[index].result()
                else:
                    if index not in ahead:
                        # The rest of the batch's local files are read and parsed together,
                        # then committed one by one (less processor time than alternating).
                        end = min(index + BATCH_INPUTS - len(waiting), len(expanded))
                        for j in range(index, end):
                            if j not in futures and j not in repeats:
                                ahead[j] = work(expanded[j])
                    outcome = ahead.pop(index)
                if isinstance(outcome, IngestResult):
                    result = outcome
                else:
                    result = commit(ws, outcome, matcher=matcher)
            done[index] = result
            waiting.append(result)
            if len(waiting) >= BATCH_INPUTS or time.monotonic() - started > BATCH_SECONDS:
                closing, batch = batch, None
                _close(closing)  # batch is None first: a failing commit is not closed twice
                pause.end()
                yield from _drain(waiting)
        last, batch = batch, None
        _close(last)
        pause.end()
        yield from _drain(waiting)
    except GeneratorExit:
        # The caller stopped reading: keep what was done (it is whole), then stop.
        if batch is not None:
            batch.__exit__(None, None, None)
        raise
    except BaseException as exc:
        if batch is not None:
            batch.__exit__(type(exc), exc, exc.__traceback__)
        raise
    finally:
        pause.end()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if own_client is not None:
            own_client.close()


def _drain(results: list[IngestResult]) -> Iterator[IngestResult]:
    while results:
        yield results.pop(0)


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


def _close(batch: AbstractContextManager[None] | None) -> None:
    """Commit a batch (``Store.batch``) that the ingest loop opened."""
    if batch is not None:
        batch.__exit__(None, None, None)


def ingest_many(
    ws: Workspace,
    items: Iterable[str],
    *,
    jobs: int = 8,
    client: httpx.Client | None = None,
    on_result: Callable[[IngestResult], None] | None = None,
    **options: Any,
) -> list[IngestResult]:
    """``iter_ingest`` collected into a list; ``on_result`` is called as each one is done."""
    results = []
    for result in iter_ingest(ws, items, jobs=jobs, client=client, **options):
        if on_result is not None:
            on_result(result)
        results.append(result)
    return results
