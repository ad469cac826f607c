"""Ingest: files, URLs and reading notes become archived sources; failures change nothing."""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest
from conftest import snapshot_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimtrack.errors import FetchError
from claimtrack.ids import make_id
from claimtrack.ingest import IngestResult, ingest_many, ingest_one, iter_ingest, verify

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
ARTICLE = FIXTURES / "klarna_article.html"
ARTICLE_URL = "https://www.business.example.com/tech/klarna-ai-assistant-two-thirds"
NOTE = FIXTURES / "klarna_highlights.md"
SUMMARY = FIXTURES / "klarna_summary.md"
FIXED = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
CONTRACT_KEYS = ["input", "path", "url", "source", "title", "text_chars", "claims", "new", "error"]


def page(body: str, head: str = "", charset_meta: str | None = None) -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return (
        f"<html><head>{meta}<title>Test page</title>{head}</head><body><article>"
        f"<h1>Test page</h1><p>{body}</p><p>{body}</p></article></body></html>"
    )


class Site:
    """Pages served through httpx.MockTransport; counts requests per path."""

    def __init__(self):
        self.pages: dict[str, httpx.Response] = {}
        self.hits: dict[str, int] = {}

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.hits[request.url.path] = self.hits.get(request.url.path, 0) + 1
        response = self.pages.get(request.url.path)
        return response if response is not None else httpx.Response(404)

    def add(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8"):
        self.pages[path] = httpx.Response(200, content=body, headers={"content-type": content_type})

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handler))


@pytest.fixture
def site():
    return Site()


def claims_of(ws, source_id):
    return [(c, m) for c in ws.load_all("claim") for m in c.mentions if m.source == source_id]


# -- files ------------------------------------------------------------------------------------
def test_html_file_becomes_an_archived_source(ws):
    result = ingest_one(ws, str(ARTICLE), extract=False, now=lambda: FIXED)
    assert result.error is None and result.new
    source = result.source
    assert source.url == ARTICLE_URL  # the page's canonical link, tracking parameter gone
    assert source.id == make_id("source", ARTICLE_URL)
    assert source.title == "Klarna says its AI assistant handles two thirds of chats"
    assert source.author == "Sam Okafor"
    assert source.publisher == "Example Business News"
    assert source.published == "2024-02-28"
    assert (source.kind, source.language, source.content_type) == ("article", "en", "text/html")
    assert source.retrieved_at == FIXED
    assert ws.read_blob(source.sha256) == ARTICLE.read_bytes()
    text = ws.source_text(source)
    assert "held 2.3 million conversations in its first month" in text
    assert "Privacy" not in text and "Fintech valuations fall" not in text
    assert result.text_chars == len(text)
    assert result.path == str(ARTICLE.resolve()) and result.url == ARTICLE_URL
    assert ws.load("source", source.id) == source
    assert list(result.to_json()) == CONTRACT_KEYS
    assert result.to_json()["source"] == source.id


def test_reingesting_the_same_file_or_content_changes_nothing(ws, tmp_path):
    first = ingest_one(ws, str(ARTICLE), extract=False)
    before = snapshot_tree(ws.root)
    again = ingest_one(ws, str(ARTICLE), extract=False)
    copy = tmp_path / "elsewhere" / "copy.htm"
    copy.parent.mkdir()
    shutil.copy(ARTICLE, copy)
    moved = ingest_one(ws, str(copy), extract=False)
    assert (again.new, moved.new) == (False, False)
    assert again.source.id == moved.source.id == first.source.id
    assert again.error is None and again.text_chars == first.text_chars
    assert snapshot_tree(ws.root) == before


def test_another_copy_of_an_archived_page_changes_nothing(ws, tmp_path):
    ingest_one(ws, str(ARTICLE), extract=False)
    before = snapshot_tree(ws.root)
    later = tmp_path / "later.html"
    later.write_text(
        ARTICLE.read_text(encoding="utf-8").replace(
            "</article>", "<p>Updated at 10:42.</p></article>"
        ),
        encoding="utf-8",
    )
    result = ingest_one(ws, str(later), extract=False)
    assert (result.new, result.updated, result.error) == (False, False, None)
    assert snapshot_tree(ws.root) == before


def test_text_file_without_url_is_identified_by_content(ws, tmp_path):
    result = ingest_one(ws, str(FIXTURES / "plain_statement.txt"), extract=False)
    source = result.source
    assert source.url is None and result.url is None
    assert source.id == make_id("source", "sha256:" + source.sha256)
    assert source.title == "Statement from the Example Workers Union"
    assert source.kind == "other" and source.content_type == "text/plain"
    assert "Fewer than 300 of the affected staff" in ws.source_text(source)


def test_saved_copy_with_url_option_is_the_same_source_as_the_live_page(ws, site):
    live = "https://press.example.com/releases/klarna-ai"
    site.add("/releases/klarna-ai", page("Klarna said its assistant did the work of 700 agents."))
    saved = ingest_one(ws, str(ARTICLE), url=live, kind="press_release", publisher="Klarna")
    assert saved.source.id == make_id("source", live) and saved.source.url == live
    assert (saved.source.kind, saved.source.publisher) == ("press_release", "Klarna")
    with site.client() as client:
        fetched = ingest_one(ws, live, client=client)
    assert fetched.new is False and fetched.source.id == saved.source.id
    assert site.hits == {}  # known URL: not even fetched


def test_markdown_is_reduced_to_plain_text(ws, tmp_path):
    md = tmp_path / "memo.md"
    md.write_text(
        "---\ntitle: Call notes\nurl: https://example.org/memo\n---\n"
        "# Call with the union\n\nThe union said **fewer than 300** staff were in "
        "[customer service](https://example.org/cs).\n",
        encoding="utf-8",
    )
    source = ingest_one(ws, str(md), extract=False).source
    assert source.title == "Call notes" and source.url == "https://example.org/memo"
    assert ws.source_text(source) == (
        "Call with the union\n\nThe union said fewer than 300 staff were in customer service."
    )


# -- reading notes --------------------------------------------------------------------------------
def test_readwise_note_archives_the_original_article(ws):
    result = ingest_one(ws, str(NOTE))
    assert result.error is None and result.new
    source = result.source
    assert source.url == "https://news.example.org/2024/03/klarna-chatbot-workload"
    assert source.id == make_id("source", source.url)
    assert (source.title, source.author, source.published, source.kind) == (
        "How Klarna counts the work its chatbot does",
        "Maria Lindqvist",
        "2024-03-01",
        "article",
    )
    assert source.notes == [
        "Ask for the denominator: two thirds of which chats?",
        "Compare with the press release wording.",
    ]
    text = ws.source_text(source)
    assert "held 2.3 million conversations in its first four weeks" in text
    assert "denominator" not in text  # the reader's own thoughts are not the article's text
    mentions = claims_of(ws, source.id)
    assert result.claims >= 1 and mentions
    for _, m in mentions:
        assert text[m.start : m.end] == m.quote  # offsets index the archived text
        assert m.origin in {"text", "highlight", "summary"}
    assert any(m.origin == "highlight" for _, m in mentions)


def test_structured_summary_marks_summary_and_table_text(ws):
    result = ingest_one(ws, str(SUMMARY))
    source = result.source
    assert source.url == "https://business.example.co.uk/klarna-halve-staff-ai-2024"
    assert source.title == "Klarna plans to halve its staff as AI takes on customer service"
    text = ws.source_text(source)
    mentions = claims_of(ws, source.id)
    assert mentions
    for _, m in mentions:
        assert text[m.start : m.end] == m.quote
        assert m.origin in {"summary", "table"}
    assert {m.origin for _, m in mentions} == {"summary", "table"}


def test_malformed_note_is_an_error_and_changes_nothing(ws, tmp_path):
    ingest_one(ws, str(ARTICLE), extract=False)
    bad = tmp_path / "broken.md"
    bad.write_text("---\ntitle: x\n---\n## Highlights\n### id1\n\n- [n] only a note\n")
    before = snapshot_tree(ws.root)
    result = ingest_one(ws, str(bad))
    assert (
        result.error == f"{bad}: '### id1' (line 5) has no quoted text (a line starting with '>')"
    )
    assert result.source is None and result.new is False and result.path == str(bad.resolve())
    assert snapshot_tree(ws.root) == before


# -- URLs -------------------------------------------------------------------------------------
def test_url_is_fetched_archived_and_not_fetched_again(ws, site):
    site.add("/news/a", page("Klarna said revenue grew 27 percent in 2024 across its markets."))
    with site.client() as client:
        first = ingest_one(ws, "https://news.example.com/news/a?utm_medium=email", client=client)
        before = snapshot_tree(ws.root)
        second = ingest_one(ws, "https://news.example.com/news/a", client=client)
    assert first.new and first.url == "https://news.example.com/news/a"
    assert "revenue grew 27 percent" in ws.source_text(first.source)
    assert second.new is False and second.source.id == first.source.id
    assert site.hits == {"/news/a": 1}
    assert snapshot_tree(ws.root) == before


def test_redirected_url_is_archived_under_its_final_address(ws):
    def handler(request):
        if request.url.host == "sho.rt":
            return httpx.Response(301, headers={"location": "https://news.example.com/long"})
        return httpx.Response(200, content=page("Klarna cut 700 jobs in 2022.").encode())

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        result = ingest_one(ws, "https://sho.rt/x", client=client, extract=False)
    assert result.source.url == "https://news.example.com/long"
    assert result.source.input == "https://sho.rt/x"


def test_canonical_link_to_another_site_is_ignored(ws, site):
    head = '<link rel="canonical" href="https://aggregator.example.net/story/1">'
    site.add("/story", page("Klarna said its assistant works in 23 markets.", head))
    with site.client() as client:
        result = ingest_one(ws, "https://news.example.com/story", client=client, extract=False)
    assert result.source.url == "https://news.example.com/story"


@pytest.mark.parametrize(
    ("path", "response", "options", "message"),
    [
        ("/missing", httpx.Response(404), {}, "HTTP 404 Not Found"),
        (
            "/report.pdf",
            httpx.Response(200, content=b"%PDF-1.7", headers={"content-type": "application/pdf"}),
            {},
            "a PDF (application/pdf)",
        ),
        (
            "/chart.png",
            httpx.Response(200, content=b"\x89PNG\r\n", headers={"content-type": "image/png"}),
            {},
            "an image (image/png)",
        ),
        (
            "/huge",
            httpx.Response(
                200, content=iter([b"<p>" + b"x" * 600] * 5), headers={"content-type": "text/html"}
            ),
            {"max_bytes": 1000},
            "larger than the 1000 bytes limit",
        ),
        (
            "/empty",
            httpx.Response(200, content=b"<html><body></body></html>"),
            {},
            "no readable article text",
        ),
        ("/down", httpx.Response(503), {"retries": 1}, "HTTP 503 Service Unavailable"),
    ],
)
def test_failed_url_leaves_the_workspace_exactly_as_it_was(
    ws, site, path, response, options, message
):
    ingest_one(ws, str(ARTICLE), extract=False)
    site.pages[path] = response
    before = snapshot_tree(ws.root)
    with site.client() as client:
        result = ingest_one(
            ws, f"https://news.example.com{path}", client=client, sleep=lambda s: None, **options
        )
    assert result.error is not None and message in result.error
    assert "\n" not in result.error
    assert result.source is None and not result.new
    assert result.to_json()["error"] == result.error
    assert snapshot_tree(ws.root) == before


def test_500_then_success_is_ingested(ws, site):
    answers = [
        httpx.Response(500),
        httpx.Response(200, content=page("Klarna has 5,000 staff.").encode()),
    ]
    slept = []
    with httpx.Client(transport=httpx.MockTransport(lambda r: answers.pop(0))) as client:
        result = ingest_one(ws, "https://news.example.com/x", client=client, sleep=slept.append)
    assert result.new and slept == [0.5]


@pytest.mark.parametrize("item", ["ftp://example.com/a.html", "file:///etc/hosts", "mailto:a@b.c"])
def test_non_http_scheme_is_refused(ws, item):
    before = snapshot_tree(ws.root)
    result = ingest_one(ws, item)
    assert "only http and https URLs can be fetched" in result.error
    with pytest.raises(FetchError):
        result.raise_for_error()
    assert snapshot_tree(ws.root) == before


# -- encodings ----------------------------------------------------------------------------------
TEXT = "Klarna's café in Malmö reported €40 million in savings – an estimate, the firm said."


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        # declared Latin-1 in the header, actually UTF-8
        (page(TEXT).encode("utf-8"), "text/html; charset=iso-8859-1"),
        # no charset anywhere, windows-1252 bytes
        (page(TEXT).encode("cp1252"), "text/html"),
        # the page's meta says UTF-8, the bytes are windows-1252
        (page(TEXT, charset_meta="utf-8").encode("cp1252"), "text/html"),
        # the header says UTF-8, the bytes are windows-1252, the meta is right
        (page(TEXT, charset_meta="windows-1252").encode("cp1252"), "text/html; charset=utf-8"),
        # plain text in windows-1252 with no charset
        ((TEXT + "\n").encode("cp1252"), "text/plain"),
    ],
)
def test_broken_or_missing_charsets_still_give_the_right_text(ws, site, body, content_type):
    site.add("/enc", body, content_type)
    with site.client() as client:
        result = ingest_one(ws, "https://news.example.com/enc", client=client, extract=False)
    assert result.error is None
    assert TEXT in ws.source_text(result.source)


# -- many inputs --------------------------------------------------------------------------------
def test_one_bad_input_does_not_stop_the_others(ws, site, tmp_path):
    site.add("/a", page("Klarna operates in 45 countries."))
    site.add("/b", page("Klarna has 150 million users."))
    items = [
        "https://news.example.com/a",
        "https://news.example.com/missing",
        str(tmp_path / "nope.html"),
        "https://news.example.com/b",
        "https://news.example.com/a",
    ]
    with site.client() as client:
        results = list(iter_ingest(ws, items, jobs=4, client=client, extract=False))
    assert [r.input for r in results] == items  # input order, whatever finished first
    assert [r.error is None for r in results] == [True, False, False, True, True]
    assert [r.new for r in results] == [True, False, False, True, False]
    assert results[2].error.endswith("nope.html: no such file")
    assert len(ws.ids("source")) == 2
    assert site.hits["/a"] == 1  # the repeated URL is fetched once


def test_folders_are_expanded(ws, tmp_path):
    folder = tmp_path / "saved"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(ARTICLE, folder / "one.html")
    (folder / "sub" / "two.htm").write_text(page("Klarna said 27% growth."), encoding="utf-8")
    (folder / "cover.png").write_bytes(b"\x89PNG\r\n")
    (folder / ".hidden.html").write_text(page("Hidden page with 3 figures."), encoding="utf-8")
    seen = []
    results = ingest_many(ws, [str(folder)], extract=False, on_result=seen.append)
    assert [Path(r.input).name for r in results] == ["one.html", "two.htm"]
    assert seen == results and all(r.new for r in results)
    empty = tmp_path / "empty"
    empty.mkdir()
    (failed,) = ingest_many(ws, [str(empty)])
    assert "no .html, .htm, .txt or .md files" in failed.error


def test_no_extract_archives_without_claims(ws):
    result = ingest_one(ws, str(NOTE), extract=False)
    assert result.new and result.claims == 0 and ws.ids("claim") == []


def test_bad_options_are_refused_up_front(ws):
    from claimtrack.errors import InputError

    with pytest.raises(InputError, match="not a date"):
        ingest_one(ws, str(ARTICLE), published="28/02/2024")
    with pytest.raises(InputError, match="unknown source kind"):
        ingest_one(ws, str(ARTICLE), kind="blog")
    with pytest.raises(TypeError):
        ingest_one(ws, str(ARTICLE), colour="red")


def test_result_without_source_serialises(ws):
    assert IngestResult(input="x", error="boom").to_json() == {
        "input": "x",
        "path": None,
        "url": None,
        "source": None,
        "title": None,
        "text_chars": 0,
        "claims": 0,
        "new": False,
        "error": "boom",
    }


# -- verify -------------------------------------------------------------------------------------
def test_verify_finds_changed_and_missing_snapshots_and_corrupt_records(ws):
    a = ingest_one(ws, str(ARTICLE), extract=False).source
    b = ingest_one(ws, str(NOTE), extract=False).source
    report = verify(ws)
    assert report.ok and report.sources == 2 and report.snapshots == 4
    ws.blob_path(a.sha256).write_bytes(b"tampered")
    ws.blob_path(b.text_sha256).unlink()
    (ws.root / "claims" / "c-000000000000.json").write_text("{not json")
    report = verify(ws)
    problems = {(p.problem, p.source) for p in report.problems}
    assert ("mismatch", a.id) in problems and ("missing", b.id) in problems
    corrupt = [p for p in report.problems if p.problem == "corrupt"]
    assert corrupt and corrupt[0].path.endswith("c-000000000000.json")


# -- command line -------------------------------------------------------------------------------
def test_cli_json_contract_and_exit_code(run, tmp_path):
    result = run("ingest", "--json", "--no-extract", str(ARTICLE), "nope.html", "ftp://x.example/")
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["input"] for line in lines] == [str(ARTICLE), "nope.html", "ftp://x.example/"]
    assert all(list(line) == CONTRACT_KEYS for line in lines)
    good, missing, ftp = lines
    assert good["new"] is True and good["error"] is None and good["path"] == str(ARTICLE)
    assert good["url"] == ARTICLE_URL and good["text_chars"] > 100 and good["claims"] == 0
    assert missing["source"] is None and "no such file" in missing["error"]
    assert "only http and https" in ftp["error"]


def test_cli_human_output_and_reingest(run):
    first = run("ingest", "--no-extract", str(ARTICLE))
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("new ") and "Klarna says its AI assistant" in first.stdout
    again = run("ingest", str(ARTICLE), str(NOTE))
    assert again.exit_code == 0
    assert again.stdout.startswith("unchanged ") and "already in the workspace" in again.stdout
    assert "2 inputs: 1 new, 1 unchanged, 0 failed" in again.stderr


def test_cli_options(run, ws):
    result = run(
        "ingest", str(ARTICLE), "--kind", "press_release", "--publisher", "Klarna",
        "--title", "AI assistant press release", "--published", "2024-02-27",
        "--url", "https://www.klarna.example/press/ai", "--no-extract",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    source = ws.load("source", make_id("source", "https://www.klarna.example/press/ai"))
    assert (source.kind, source.publisher, source.title, source.published) == (
        "press_release",
        "Klarna",
        "AI assistant press release",
        "2024-02-27",
    )
    two = run("ingest", str(ARTICLE), str(NOTE), "--url", "https://a.example/")
    assert two.exit_code == 2 and "--url applies to one input" in two.output
    bad_date = run("ingest", str(NOTE), "--published", "yesterday")
    assert bad_date.exit_code == 1
    assert bad_date.stderr.strip() == "Error: 'yesterday' is not a date; write it as YYYY-MM-DD"
    bad_size = run("ingest", str(NOTE), "--max-bytes", "lots")
    assert bad_size.exit_code == 2 and "is not a size" in bad_size.output


def test_cli_verify(run, ws):
    run("ingest", "--no-extract", str(ARTICLE))
    ok = run("verify")
    assert ok.exit_code == 0 and "OK: 1 sources, 2 snapshots checked" in ok.stdout
    (source,) = ws.load_all("source")
    ws.blob_path(source.text_sha256).write_bytes(b"changed")
    bad = run("verify", "--json")
    assert bad.exit_code == 1
    (problem,) = [json.loads(line) for line in bad.stdout.splitlines()]
    assert problem["problem"] == "mismatch" and problem["source"] == source.id
    assert problem["path"].endswith(source.text_sha256)


@pytest.fixture
def local_site():
    """A real HTTP server on 127.0.0.1: /ok/N pages, anything else 404."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.startswith("/ok/"):
                body = page(f"Page {self.path[4:]} says Klarna has 5,000 staff.").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_cli_fetches_many_urls_concurrently(run, local_site):
    urls = [f"{local_site}/ok/{i}" for i in range(6)] + [f"{local_site}/gone"]
    result = run("ingest", "--json", "--no-extract", "--jobs", "4", *urls)
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["input"] for line in lines] == urls
    assert [line["new"] for line in lines] == [True] * 6 + [False]
    assert lines[-1]["error"].endswith("HTTP 404 Not Found")


def test_module_entry_point_in_a_subprocess(tmp_path):
    ws_dir = tmp_path / "claims"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[1])}
    subprocess.run(
        [sys.executable, "-m", "claimtrack", "init", str(ws_dir)], check=True, env=env, cwd=tmp_path
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "claimtrack",
            "-w",
            str(ws_dir),
            "ingest",
            "--json",
            "--no-extract",
            str(SUMMARY),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    (line,) = [json.loads(x) for x in done.stdout.splitlines()]
    assert line["new"] is True and line["url"].startswith("https://business.example.co.uk/")


def test_decode_prefers_what_reads_right():
    from claimtrack.ingest import decode

    russian = "Компания Кларна сократила 700 сотрудников в 2022 году."
    assert decode(russian.encode("cp1251")) == russian
    assert decode(russian.encode("cp1251"), "iso-8859-1") == russian  # a wrong Latin-1 label
    assert decode(TEXT.encode("utf-8"), "iso-8859-1") == TEXT
    assert decode(b"\xef\xbb\xbfplain") == "plain"


def test_cli_module_does_not_import_heavy_modules():
    code = (
        "import sys, claimtrack.cli.ingest; "
        "print(sorted(m for m in ('httpx', 'trafilatura', 'rich', 'lxml') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_prepare_writes_nothing_and_commit_writes_it(ws):
    from claimtrack.ingest import IngestOptions, commit, prepare

    before = snapshot_tree(ws.root)
    prepared = prepare(ws, str(NOTE), client=None, opts=IngestOptions.build())
    assert snapshot_tree(ws.root) == before
    assert not prepared.existing and "2.3 million conversations" in prepared.text
    result = commit(ws, prepared)
    assert result.new and ws.source_text(result.source) == prepared.text
    again = prepare(ws, str(NOTE), client=None, opts=IngestOptions.build())
    assert again.existing and commit(ws, again).new is False


# -- a note and its article are one source -------------------------------------------------------
NOTE_URL = "https://news.example.org/2024/03/klarna-chatbot-workload"
HIGHLIGHTS = [
    "Klarna would not say how it had turned chat volumes into a count of 700 full-time agents, "
    "and a spokesperson did not respond to follow-up questions",
    "According to the company, the assistant held 2.3 million conversations in its first four "
    "weeks, about two thirds of all customer service chats.",
    "The assistant is live in 23 markets and answers in more than 35 languages, the company said.",
]
FULL_ARTICLE = (
    "<html><head><title>How Klarna counts the work its chatbot does</title></head><body>"
    "<article><h1>How Klarna counts the work its chatbot does</h1>"
    + "".join(f"<p>{h}</p>" for h in HIGHLIGHTS)
    + "<p>Klarna's revenue grew 27% in the quarter, its results showed.</p></article></body></html>"
).encode()


def mentions_index_the_text(ws, source_id):
    text = ws.source_text(ws.load("source", source_id))
    found = claims_of(ws, source_id)
    assert all(text[m.start : m.end] == m.quote for _, m in found)
    return found


def test_article_after_its_note_adds_the_full_text(ws, site):
    site.add("/2024/03/klarna-chatbot-workload", FULL_ARTICLE)
    note = ingest_one(ws, str(NOTE)).source
    old_text = ws.source_text(note)
    before = len(mentions_index_the_text(ws, note.id))
    with site.client() as client:
        article = ingest_one(ws, NOTE_URL, client=client)
    assert article.error is None and article.new is False and article.updated
    source = ws.load("source", note.id)
    assert article.source.id == note.id
    text = ws.source_text(source)
    assert text.startswith(old_text)  # appended: old offsets and quotes stay valid
    added = text[len(old_text) :]
    # the article's whole text, highlighted passages included, follows the note's
    assert added.startswith("\n\nHow Klarna counts the work its chatbot does\n")
    assert all(h in added for h in HIGHLIGHTS) and "revenue grew 27% in the quarter" in added
    assert source.content_type == "text/html" and ws.read_blob(source.sha256) == FULL_ARTICLE
    assert source.notes == note.notes and source.retrieved_at == note.retrieved_at
    assert len(mentions_index_the_text(ws, note.id)) > before
    assert article.to_json()["new"] is False and article.claims >= 1
    # now the page itself is archived: asking again does not even fetch it
    tree = snapshot_tree(ws.root)
    with site.client() as client:
        again = ingest_one(ws, NOTE_URL, client=client)
    assert (again.new, again.updated) == (False, False)
    assert site.hits == {"/2024/03/klarna-chatbot-workload": 1}
    assert snapshot_tree(ws.root) == tree


def test_note_after_its_article_adds_reader_notes_and_summary(ws, site, tmp_path):
    site.add("/2024/03/klarna-chatbot-workload", FULL_ARTICLE)
    with site.client() as client:
        article = ingest_one(ws, NOTE_URL, client=client).source
    old_text = ws.source_text(article)
    result = ingest_one(ws, str(NOTE))
    assert result.updated and not result.new
    source = ws.load("source", article.id)
    assert source.notes == [
        "Ask for the denominator: two thirds of which chats?",
        "Compare with the press release wording.",
    ]
    text = ws.source_text(source)
    added = text[len(old_text) :]
    assert text.startswith(old_text) and "credits its OpenAI-based assistant" in added
    assert not any(h[:40] in added for h in HIGHLIGHTS)  # the highlights are in the article
    assert source.sha256 == article.sha256  # still the page's snapshot
    mentions_index_the_text(ws, article.id)
    assert ingest_one(ws, str(NOTE)).updated is False  # the same note again: nothing new


def test_a_longer_version_of_a_note_adds_only_the_new_highlight(ws, tmp_path):
    first = ingest_one(ws, str(NOTE), extract=False).source
    longer = tmp_path / "longer.md"
    longer.write_text(
        NOTE.read_text(encoding="utf-8")
        + "\n\n### id900000004\n[[2024-03-06]] 10:00\n> Klarna employed about 3,800 people.\n",
        encoding="utf-8",
    )
    result = ingest_one(ws, str(longer), extract=False)
    assert result.updated
    text = ws.source_text(ws.load("source", first.id))
    assert text == ws.source_text(first) + "\n\nKlarna employed about 3,800 people."


def test_note_and_article_in_one_batch_become_one_source(ws, site):
    site.add("/2024/03/klarna-chatbot-workload", FULL_ARTICLE)
    with site.client() as client:
        results = list(iter_ingest(ws, [str(NOTE), NOTE_URL], client=client, jobs=2))
    assert [(r.new, r.updated) for r in results] == [(True, False), (False, True)]
    assert ws.ids("source") == [results[0].source.id]
    assert "revenue grew 27%" in ws.source_text(ws.load("source", results[0].source.id))
    mentions_index_the_text(ws, results[0].source.id)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=400)
    | st.text(max_size=300).map(lambda t: f"<html><body><p>{t}</p></body></html>".encode())
    | st.text(max_size=300).map(str.encode),
    suffix=st.sampled_from([".html", ".txt", ".md", ".dat"]),
)
def test_any_file_is_ingested_or_refused_cleanly(tmp_path_factory, data, suffix):
    from claimtrack.errors import InputError
    from claimtrack.ingest import IngestOptions, prepare

    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(data)
    ws_root = tmp_path_factory.mktemp("ws")
    from claimtrack.workspace import Workspace

    ws, _ = Workspace.init(ws_root / "claims")
    try:
        prepared = prepare(ws, str(path), client=None, opts=IngestOptions.build(extract=False))
    except InputError as exc:
        assert str(path) in str(exc)
        return
    assert prepared.result.source is not None and isinstance(prepared.text, str)


def test_a_crash_on_one_document_does_not_stop_the_batch(ws, monkeypatch):
    import claimtrack.extract

    def flaky(text, **kw):
        if "Fewer than 300" in text:
            raise ZeroDivisionError("division by zero")
        return []

    monkeypatch.setattr(claimtrack.extract, "extract", flaky)
    before = snapshot_tree(ws.root)
    bad = ingest_one(ws, str(FIXTURES / "plain_statement.txt"))
    assert "unexpected ZeroDivisionError" in bad.error and "please report" in bad.error
    assert snapshot_tree(ws.root) == before
    results = ingest_many(ws, [str(FIXTURES / "plain_statement.txt"), str(ARTICLE)])
    assert [r.error is None for r in results] == [False, True]


def test_a_headline_does_not_run_into_the_first_paragraph(ws, tmp_path):
    page = tmp_path / "story.html"
    page.write_text(
        "<html><head><title>Lender says bot does the work of 700 staff</title></head><body>"
        "<article><h1>Lender says bot does the work of 700 staff after cutting 700 jobs</h1>"
        "<p>Northwind Bank, which cut 700 jobs last year, says its chatbot now handles the "
        "workload of 700 support staff.</p><p>The bank did not explain the calculation.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    result = ingest_one(ws, str(page))
    assert result.error is None
    text = ws.source_text(result.source)
    assert "700 jobs\n\nNorthwind Bank" in text  # one block per line of the page
    from claimtrack.extract import extract

    sentences = [s.sentence for s in extract(text, all_sentences=True)]
    assert sentences[0] == "Lender says bot does the work of 700 staff after cutting 700 jobs"
    assert sentences[1].startswith("Northwind Bank, which cut 700 jobs")


def test_local_files_are_read_a_batch_at_a_time(ws, tmp_path, monkeypatch):
    """``iter_ingest`` reads the files of a batch together before committing them, never more
    than a batch ahead: when the first batch's results come, the next batch's files are not
    read yet; every file is read once, and the results come in input order."""
    from claimtrack.ingest import pipeline

    monkeypatch.setattr(pipeline, "BATCH_INPUTS", 3)
    monkeypatch.setattr(pipeline, "BATCH_SECONDS", 3600.0)
    files = []
    for i in range(7):
        path = tmp_path / f"n{i}.txt"
        path.write_text(f"Company {i} says it hired {100 + i} engineers in 2023.\n", "utf-8")
        files.append(str(path))
    read: list[str] = []
    events: list[str] = []
    prepare, commit = pipeline.prepare, pipeline.commit

    def reading(ws, item, **kw):
        read.append(item)
        events.append("read")
        return prepare(ws, item, **kw)

    def committing(ws, prepared, **kw):
        events.append("commit")
        return commit(ws, prepared, **kw)

    monkeypatch.setattr(pipeline, "prepare", reading)
    monkeypatch.setattr(pipeline, "commit", committing)
    results = iter_ingest(ws, files, jobs=1)
    first = next(results)
    assert first.input == files[0] and first.new
    assert read == files[:3]
    assert events == ["read"] * 3 + ["commit"] * 3
    rest = list(results)
    assert [r.input for r in [first, *rest]] == files
    assert read == files and all(r.new for r in rest)
    assert events == (["read"] * 3 + ["commit"] * 3) * 2 + ["read", "commit"]
