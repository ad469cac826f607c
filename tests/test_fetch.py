"""Fetching: redirects, timeouts, HTTP errors, retries, size cap, content types. No network:
httpx.MockTransport, and one real server on 127.0.0.1 for the timeout."""

from __future__ import annotations

import http.server
import threading
import time

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.errors import FetchError
from claimtrack.fetch import (
    USER_AGENT,
    FetchOptions,
    check_url,
    fetch,
    normalize_url,
    parse_size,
)

PAGE = b"<html><head><title>T</title></head><body><p>Klarna said 700 agents.</p></body></html>"


def client_for(handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def no_sleep_options(**kw) -> tuple[FetchOptions, list[float]]:
    slept: list[float] = []
    return FetchOptions(sleep=slept.append, **kw), slept


def html(content: bytes = PAGE, status: int = 200, **headers) -> httpx.Response:
    headers.setdefault("content-type", "text/html; charset=utf-8")
    return httpx.Response(status, content=content, headers=headers)


def test_follows_redirects_and_reports_them():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/short":
            return httpx.Response(301, headers={"location": "/middle"})
        if request.url.path == "/middle":
            return httpx.Response(302, headers={"location": "https://b.example/final"})
        return html()

    with client_for(handler) as client:
        got = fetch("https://a.example/short", client=client)
    assert got.url == "https://a.example/short"
    assert got.final_url == "https://b.example/final"
    assert got.redirects == ["https://a.example/middle", "https://b.example/final"]
    assert got.content == PAGE and got.content_type == "text/html" and got.charset == "utf-8"


def test_redirect_loop_is_bounded():
    calls = []

    def handler(request):
        calls.append(request.url.path)
        return httpx.Response(302, headers={"location": f"/r{len(calls)}"})

    with client_for(handler) as client, pytest.raises(FetchError, match="more than 3 redirects"):
        fetch("https://a.example/r0", client=client, options=FetchOptions(max_redirects=3))
    assert len(calls) == 4


def test_redirect_to_another_scheme_is_refused():
    def handler(request):
        return httpx.Response(302, headers={"location": "file:///etc/passwd"})

    with client_for(handler) as client, pytest.raises(FetchError, match="cannot be fetched"):
        fetch("https://a.example/x", client=client)


@pytest.mark.parametrize(
    "url", ["ftp://example.com/a.html", "file:///etc/passwd", "javascript:alert(1)", "example.com"]
)
def test_only_http_and_https(url):
    with pytest.raises(FetchError, match="only http and https"):
        check_url(url)


def test_timeout_against_a_slow_local_server():
    class Slow(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            time.sleep(1.0)
            try:
                self.send_response(200)
                self.end_headers()
            except OSError:
                pass

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"no answer within 0.2 seconds \(timed out\)"):
            fetch(f"http://127.0.0.1:{server.server_port}/slow", options=FetchOptions(timeout=0.2))
        assert time.monotonic() - started < 0.9
    finally:
        server.shutdown()
        server.server_close()


def test_404_is_one_readable_line():
    with client_for(lambda r: html(b"gone", 404)) as client:
        with pytest.raises(FetchError) as err:
            fetch("https://a.example/missing", client=client)
    assert str(err.value) == "https://a.example/missing: HTTP 404 Not Found"


def test_500_then_success_is_retried_with_backoff():
    answers = [html(b"oops", 500), html(b"busy", 503), html()]
    options, slept = no_sleep_options()
    with client_for(lambda r: answers.pop(0)) as client:
        got = fetch("https://a.example/flaky", client=client, options=options)
    assert got.content == PAGE
    assert slept == [0.5, 1.0]


def test_gives_up_after_the_retries():
    calls = []
    options, slept = no_sleep_options(retries=2)
    with client_for(lambda r: calls.append(r) or html(b"", 502)) as client:
        with pytest.raises(FetchError, match=r"HTTP 502 Bad Gateway \(gave up after 3 attempts\)"):
            fetch("https://a.example/down", client=client, options=options)
    assert len(calls) == 3 and slept == [0.5, 1.0]


def test_429_honours_a_short_retry_after():
    answers = [html(b"", 429, **{"retry-after": "3"}), html()]
    options, slept = no_sleep_options()
    with client_for(lambda r: answers.pop(0)) as client:
        fetch("https://a.example/rate", client=client, options=options)
    assert slept == [3.0]


def test_404_is_not_retried():
    calls = []
    options, slept = no_sleep_options()
    with client_for(lambda r: calls.append(r) or html(b"", 404)) as client:
        with pytest.raises(FetchError):
            fetch("https://a.example/x", client=client, options=options)
    assert len(calls) == 1 and slept == []


def test_oversize_body_is_stopped_while_streaming():
    produced = []

    def chunks():
        for _ in range(1000):  # 64 MB if read to the end
            produced.append(1)
            yield b"x" * 65536

    def handler(request):
        return httpx.Response(200, headers={"content-type": "text/html"}, content=chunks())

    with client_for(handler) as client, pytest.raises(FetchError, match="larger than the 1.0 MB"):
        fetch("https://a.example/huge", client=client, options=FetchOptions(max_bytes=1 << 20))
    assert len(produced) <= 20


def test_declared_length_over_the_cap_is_refused_before_reading():
    def handler(request):
        return httpx.Response(
            200, headers={"content-type": "text/html", "content-length": str(50 << 20)}, content=b""
        )

    with client_for(handler) as client, pytest.raises(FetchError, match=r"is 50.0 MB, over the"):
        fetch("https://a.example/big", client=client)


@pytest.mark.parametrize(
    ("content_type", "body", "named"),
    [
        ("application/pdf", b"%PDF-1.7 ...", "a PDF (application/pdf)"),
        ("image/png", b"\x89PNG\r\n", "an image (image/png)"),
        ("image/jpeg", b"\xff\xd8\xff\xe0", "an image (image/jpeg)"),
        ("video/mp4", b"\x00\x00\x00 ftyp", "a video (video/mp4)"),
        ("text/html", b"%PDF-1.4 mislabelled", "a PDF (application/pdf)"),
        ("", b"\x89PNG\r\n\x1a\n", "an image (image/png)"),
    ],
)
def test_binary_content_types_are_refused_by_name(content_type, body, named):
    def handler(request):
        return httpx.Response(200, headers={"content-type": content_type}, content=body)

    with client_for(handler) as client, pytest.raises(FetchError) as err:
        fetch("https://a.example/doc", client=client)
    assert named in str(err.value)
    assert "HTML pages and plain text" in str(err.value)


def test_plain_text_and_missing_type_are_accepted():
    with client_for(lambda r: httpx.Response(200, content=b"Just words.")) as client:
        assert fetch("https://a.example/t", client=client).content_type == "text/plain"
    with client_for(lambda r: httpx.Response(200, content=PAGE)) as client:
        assert fetch("https://a.example/h", client=client).content_type == "text/html"


def test_sends_a_clear_user_agent():
    seen = []
    with client_for(lambda r: seen.append(r.headers["user-agent"]) or html()) as client:
        fetch("https://a.example/", client=client)
    assert seen == [USER_AGENT] and seen[0].startswith("claimtrack/")


def test_connection_failure_is_one_line():
    def handler(request):
        raise httpx.ConnectError("Name or service not known", request=request)

    with client_for(handler) as client, pytest.raises(FetchError, match="cannot connect"):
        fetch("https://nowhere.example/", client=client)


def test_normalize_url_and_parse_size():
    assert normalize_url("HTTPS://WWW.Example.com:443/a?utm_source=x&id=3#top") == (
        "https://www.example.com/a?id=3"
    )
    assert normalize_url("http://example.com") == "http://example.com/"
    assert normalize_url("http://example.com:8080/x?fbclid=1") == "http://example.com:8080/x"
    assert parse_size("20MB") == 20 * 1024 * 1024
    assert parse_size("500k") == 500 * 1024
    assert parse_size("1234") == 1234
    with pytest.raises(ValueError):
        parse_size("lots")


@settings(max_examples=150, deadline=None)
@given(
    scheme=st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "", "mailto:", "//"]),
    rest=st.text(max_size=40),
)
def test_any_address_is_fetched_or_refused_with_fetch_error(scheme, rest):
    url = scheme + rest
    with client_for(lambda r: html(b"", 404)) as client:
        try:
            fetch(url, client=client, options=FetchOptions(retries=0))
        except FetchError as exc:
            assert "\n" not in str(exc).strip() or url.count("\n")
    assert isinstance(normalize_url(url), str)
