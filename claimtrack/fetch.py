"""Fetching web pages to archive them: httpx with limits a newsroom can rely on.

``fetch(url)`` returns the page's bytes and what the server said about them, or raises
``FetchError`` with one readable sentence. It

- accepts http and https URLs only, and follows at most ``max_redirects`` redirects (each one
  checked the same way, so a redirect cannot lead to ``file:`` or ``ftp:``);
- sends a User-Agent that says what claimtrack is;
- gives up after ``timeout`` seconds without progress (connect, read) and after
  ``total_timeout`` seconds overall;
- retries 429 and 5xx answers ``retries`` times with exponential backoff (honouring a short
  ``Retry-After``); the sleep function is a parameter so tests do not wait;
- stops reading as soon as the body passes ``max_bytes`` (default 20 MB), so an enormous file
  is never held in memory;
- refuses what it cannot read as text (PDF, images, audio, video, archives), naming the type.

No workspace is touched here: archiving is claimtrack.ingest's job.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from .errors import FetchError

if TYPE_CHECKING:
    import httpx

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_TIMEOUT = 20.0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("claimtrack")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "dev"


USER_AGENT = f"claimtrack/{_version()} (archives pages as evidence for fact-checking)"

#: Content types read as HTML or as plain text.
HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain", "text/markdown", "text/x-markdown"}
_RETRY_STATUS = {429, 500, 502, 503, 504}
_MAX_RETRY_AFTER = 30.0
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.I)

# Magic numbers of binary formats a server may send with a wrong or missing content type.
_MAGIC = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
    (b"RIFF", "application/octet-stream"),
]
_TYPE_NAMES = {
    "application/pdf": "a PDF",
    "application/zip": "a zip archive",
    "application/gzip": "a gzip archive",
    "application/octet-stream": "binary data",
    "application/msword": "a Word document",
    "application/json": "JSON data",
}


def parse_size(text: str | int) -> int:
    """Bytes from a size such as ``20MB``, ``500k`` or ``1048576``.

    >>> parse_size("20MB")
    20971520
    """
    if isinstance(text, int):
        return text
    m = _SIZE.match(str(text))
    if not m:
        raise ValueError(f"{text!r} is not a size (try 20MB, 500KB or a number of bytes)")
    number, unit = float(m.group(1)), m.group(2).lower()
    return int(number * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit])


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"  # pragma: no cover


def check_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host, else FetchError saying why."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError as exc:
        raise FetchError(f"{url}: not a valid URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "a URL without a scheme"
        raise FetchError(
            f"{url}: only http and https URLs can be fetched, not {shown} "
            "(for a file on this computer, give its path)"
        )
    if not parts.hostname:
        raise FetchError(f"{url}: the URL has no host name")
    return url.strip()


_TRACKING = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid)$", re.I)


def normalize_url(url: str) -> str:
    """The form of a URL used as a source's identity: lower-case scheme and host, no default
    port, no fragment, no tracking parameters (utm_*, fbclid, ...).

    >>> normalize_url("HTTPS://Example.com:443/a?utm_source=x&id=3#top")
    'https://example.com/a?id=3'
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # a malformed address is kept as written rather than guessed at
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not _TRACKING.match(pair.split("=")[0])
    )
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


@dataclass
class FetchOptions:
    """Limits for one fetch. ``sleep`` is how backoff waits (tests pass a no-op)."""

    timeout: float = DEFAULT_TIMEOUT
    total_timeout: float | None = 120.0
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 0.5
    user_agent: str = USER_AGENT
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)


@dataclass
class Fetched:
    """A fetched page: its bytes and what the server said about them."""

    url: str
    """The URL as asked for."""
    final_url: str
    """Where the last redirect led."""
    status: int
    content_type: str
    """The MIME type without parameters, e.g. ``text/html``."""
    charset: str | None
    """The charset the server declared, which may be wrong."""
    content: bytes
    redirects: list[str] = field(default_factory=list)

    @property
    def is_html(self) -> bool:
        return self.content_type in HTML_TYPES


def make_client(options: FetchOptions | None = None) -> httpx.Client:
    """An httpx client with claimtrack's User-Agent and timeouts. Redirects are followed by
    ``fetch`` itself, so that every hop is checked."""
    import httpx

    options = options or FetchOptions()
    return httpx.Client(
        headers={
            "User-Agent": options.user_agent,
            "Accept": "text/html,text/plain;q=0.9,*/*;q=0.1",
        },
        timeout=httpx.Timeout(options.timeout),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
    )


def _split_content_type(value: str | None) -> tuple[str, str | None]:
    if not value:
        return "", None
    mime, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'").lower()
    return mime.strip().lower(), charset


def describe_type(mime: str) -> str:
    """'a PDF (application/pdf)', 'an image (image/png)', ..."""
    if mime.startswith("image/"):
        name = "an image"
    elif mime.startswith("audio/"):
        name = "audio"
    elif mime.startswith("video/"):
        name = "a video"
    else:
        name = _TYPE_NAMES.get(mime, "a file type claimtrack cannot read")
    return f"{name} ({mime})"


def sniff_binary(head: bytes) -> str | None:
    """The MIME type of a binary format recognised by its first bytes, else None."""
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    if b"\x00" in head[:1024]:
        return "application/octet-stream"
    return None


def _check_type(url: str, mime: str) -> None:
    if not mime or mime in HTML_TYPES or mime in TEXT_TYPES:
        return
    raise FetchError(
        f"{url} is {describe_type(mime)}; claimtrack reads HTML pages and plain text "
        "(save the text of the document and ingest the file instead)"
    )


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return min(float(value.strip()), _MAX_RETRY_AFTER)
    return None


def fetch(
    url: str, *, client: httpx.Client | None = None, options: FetchOptions | None = None
) -> Fetched:
    """Fetch one web page within ``options``' limits.

    >>> fetch("ftp://example.com/a")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    claimtrack.errors.FetchError: ftp://example.com/a: only http and https URLs can be fetched
    """
    check_url(url)
    options = options or FetchOptions()
    if client is None:
        with make_client(options) as own:
            return _fetch(url, own, options)
    return _fetch(url, client, options)


def _fetch(url: str, client: httpx.Client, options: FetchOptions) -> Fetched:
    import httpx

    started = time.monotonic()
    current = url.strip()
    redirects: list[str] = []
    attempt = 0
    while True:
        try:
            outcome = _get_once(client, current, options, started)
        except httpx.TimeoutException as exc:
            raise FetchError(
                f"{current}: no answer within {options.timeout:g} seconds (timed out)"
            ) from exc
        except httpx.TooManyRedirects as exc:  # pragma: no cover - we follow redirects ourselves
            raise FetchError(f"{current}: too many redirects") from exc
        except httpx.UnsupportedProtocol as exc:
            raise FetchError(f"{current}: only http and https URLs can be fetched") from exc
        except httpx.ConnectError as exc:
            raise FetchError(f"{current}: cannot connect ({_reason(exc)})") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{current}: the download failed ({_reason(exc)})") from exc
        except httpx.InvalidURL as exc:
            raise FetchError(f"{current}: not a valid URL ({_reason(exc)})") from exc
        if isinstance(outcome, Fetched):
            outcome.url = url
            outcome.redirects = redirects
            return outcome
        if isinstance(outcome, _Redirect):
            value = outcome.location
            if len(redirects) >= options.max_redirects:
                raise FetchError(
                    f"{url}: more than {options.max_redirects} redirects (last to {value})"
                )
            redirects.append(value)
            try:
                check_url(value)
            except FetchError as exc:
                raise FetchError(f"{url} redirects to {value}, which cannot be fetched") from exc
            current = value
            continue
        status, wait = outcome.status, outcome.wait
        if attempt >= options.retries:
            raise FetchError(
                f"{current}: HTTP {status} {_phrase(status)} (gave up after {attempt + 1} attempts)"
            )
        delay = wait if wait is not None else options.backoff * (2**attempt)
        attempt += 1
        options.sleep(delay)


def _reason(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


@dataclass
class _Redirect:
    location: str


@dataclass
class _Retry:
    status: int
    wait: float | None  # seconds the server asked for, if it did


def _get_once(
    client: httpx.Client, url: str, options: FetchOptions, started: float
) -> Fetched | _Redirect | _Retry:
    """One GET: the page, a redirect to follow, or a status to retry after a wait."""
    with client.stream(
        "GET",
        url,
        follow_redirects=False,
        timeout=options.timeout,
        headers={"User-Agent": options.user_agent},
    ) as response:
        status = response.status_code
        if response.is_redirect:
            location = response.headers.get("location", "")
            if not location:
                raise FetchError(f"{url}: HTTP {status} redirect without a Location")
            return _Redirect(str(response.url.join(location)))
        if status in _RETRY_STATUS:
            return _Retry(status, _retry_after(response.headers.get("retry-after")))
        if status >= 400:
            raise FetchError(f"{url}: HTTP {status} {_phrase(status)}".rstrip())
        mime, charset = _split_content_type(response.headers.get("content-type"))
        _check_type(url, mime)
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > options.max_bytes:
            raise FetchError(
                f"{url} is {human_size(int(length))}, over the "
                f"{human_size(options.max_bytes)} limit (--max-bytes)"
            )
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > options.max_bytes:
                raise FetchError(
                    f"{url} is larger than the {human_size(options.max_bytes)} limit "
                    "(--max-bytes); stopped downloading"
                )
            if (
                options.total_timeout is not None
                and time.monotonic() - started > options.total_timeout
            ):
                raise FetchError(
                    f"{url}: still downloading after {options.total_timeout:g} seconds (timed out)"
                )
            chunks.append(chunk)
        content = b"".join(chunks)
        sniffed = sniff_binary(content[:2048])
        if sniffed:
            _check_type(url, sniffed)
        if not mime:
            head = content[:1024].lstrip().lower()
            mime = "text/html" if head.startswith((b"<!doctype", b"<html", b"<")) else "text/plain"
        return Fetched(
            url=url,
            final_url=str(response.url),
            status=status,
            content_type=mime,
            charset=charset,
            content=content,
        )
