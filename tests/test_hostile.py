"""Hostile and broken inputs: each gives one clear line and a non-zero exit, and leaves the
workspace exactly as it was.

Ids that are paths, NUL bytes, text with no full stop, HTML nested past any parser's depth,
notes with broken front matter, workspace files edited by hand into invalid JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from conftest import snapshot_tree

from claimtrack.errors import NotFound, WorkspaceError
from claimtrack.extract import extract
from claimtrack.ids import make_id
from claimtrack.models import Claim, Mention, Source
from claimtrack.workspace import Workspace


def assert_one_line_error(result, *expected: str) -> str:
    """Exit 1, no traceback, exactly one line on stderr; returns that line."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


def run_subprocess(ws, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CLAIMTRACK_WORKSPACE"}
    return subprocess.run(
        [sys.executable, "-m", "claimtrack", "--workspace", str(ws.root), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


@pytest.fixture
def stocked(ws):
    """A workspace with one source (with archived text) and one claim that quotes it."""
    text = "Acme says its assistant does the work of 700 agents. Nobody checked."
    source = Source(
        id=make_id("source", "https://example.com/acme"),
        url="https://example.com/acme",
        title="Acme assistant",
        text_sha256=ws.put_blob(text.encode()),
    )
    claim = Claim(
        id=make_id("claim", "Acme says its assistant does the work of 700 agents.", "Acme"),
        text="Acme says its assistant does the work of 700 agents.",
        claimant="Acme",
        mentions=[Mention(source=source.id, quote=text[:52], start=0, end=52)],
    )
    ws.save_many([source, claim])
    return ws


# -- ids that are paths ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "bad_id",
    ["../../etc/passwd", "c-../../claimtrack", "c-0123/../../x", "..", "c-\x00", "s-abc\n", "/tmp"],
)
def test_ids_that_are_paths_or_hold_nul_are_refused(stocked, run, bad_id):
    before = snapshot_tree(stocked.root.parent)
    assert_one_line_error(run("show", bad_id), "id")
    assert_one_line_error(run("sources", "show", bad_id))
    assert snapshot_tree(stocked.root.parent) == before


PATH_ID_COMMANDS = [
    ("evidence", "add", "../../x", "{source}", "--supports"),
    ("evidence", "list", "../x"),
    ("evidence", "remove", "e-../../x"),
    ("link", "../x", "--derived-from", "{source}"),
    ("link", "{source}", "--derived-from", "s-../x"),
    ("merge", "{claim}", "c-../../x"),
    ("detach", "../x"),
    ("question", "add", "../../x", "Where does 700 come from?"),
    ("export", "--format", "json", "--claim", "../x"),
]


@pytest.mark.parametrize(
    "args", PATH_ID_COMMANDS, ids=lambda a: " ".join(a[:2]) if isinstance(a, tuple) else None
)
def test_every_command_refuses_path_ids(stocked, run, args):
    source = stocked.ids("source")[0]
    claim = stocked.ids("claim")[0]
    argv = [a.format(source=source, claim=claim) for a in args]
    before = snapshot_tree(stocked.root.parent)
    assert_one_line_error(run(*argv))
    assert snapshot_tree(stocked.root.parent) == before


def test_library_never_reads_or_writes_outside_the_workspace(stocked, tmp_path):
    outside = tmp_path / "secret.json"
    outside.write_text(json.dumps({"id": "c-000000000001", "text": "not yours"}))
    before = snapshot_tree(tmp_path)
    with pytest.raises(NotFound):
        stocked.load("claim", "../../secret")
    with pytest.raises(WorkspaceError, match="cannot save"):
        stocked.save(Claim(id="../../escaped", text="written outside"))
    with pytest.raises(WorkspaceError, match="cannot save"):
        stocked.save_many([Claim(id="c-000000000002", text="ok"), Claim(id="c-x/y", text="no")])
    assert snapshot_tree(tmp_path) == before  # not even the valid record of the batch


def test_a_record_pointing_its_snapshot_at_a_path_reads_nothing(stocked, run, tmp_path):
    (tmp_path / "passwd").write_text("root:x:0:0")
    source = Source(id="s-000000000bad", title="hand-edited", text_sha256="../../../passwd")
    path = stocked.path_for("source", source.id)
    path.write_text(source.model_dump_json())
    before = snapshot_tree(stocked.root)
    line = assert_one_line_error(run("sources", "show", source.id, "--text"), "sha256")
    assert "root:x" not in line
    assert snapshot_tree(stocked.root) == before


# -- NUL bytes -----------------------------------------------------------------------------------
def test_nul_bytes_in_record_text_round_trip(ws):
    claim = Claim(id="c-000000000001", text="700\x00agents", tags=["a\x00b"])
    ws.save(claim)
    assert ws.load("claim", claim.id) == claim
    assert b"\x00" not in ws.path_for("claim", claim.id).read_bytes()  # escaped as \u0000


def _huge_figure_claim() -> Claim:
    """A claim whose figure is too large for a float (its value is infinite)."""
    return Claim(
        id="c-000000000001",
        text="9" * 400 + " agents",
        figures=[{"text": "9" * 400, "value": float("inf"), "low": float("-inf")}],
    )


def test_a_figure_too_large_for_a_float_is_saved_as_valid_json(ws):
    claim = _huge_figure_claim()
    ws.save(claim)
    data = ws.path_for("claim", claim.id).read_bytes()
    assert json.loads(data, parse_constant=lambda word: pytest.fail(f"{word} is not JSON"))
    assert ws.load("claim", claim.id).figures[0].value is None


def test_a_figure_too_large_for_a_float_keeps_its_value_in_the_index(ws):
    ws.save(_huge_figure_claim())
    row = ws._open_index().db.execute("SELECT value, low FROM figures").fetchone()
    assert row == (float("inf"), float("-inf"))


def test_nul_bytes_in_a_record_file_make_it_corrupt_not_fatal(stocked, run):
    claim_id = stocked.ids("claim")[0]
    path = stocked.path_for("claim", claim_id)
    path.write_bytes(path.read_bytes()[:40] + b"\x00\x00\x00" + path.read_bytes()[40:])
    before = snapshot_tree(stocked.root)
    result = run("claims", "--json")
    assert result.exit_code == 0
    assert claim_id in result.stderr and "corrupt" in result.stderr
    assert_one_line_error(run("show", claim_id), claim_id)
    assert snapshot_tree(stocked.root) == before


def test_ingesting_a_file_full_of_nul_bytes(ws, run, tmp_path):
    binary = tmp_path / "dump.txt"
    binary.write_bytes(b"\x00" * 5000 + b"Acme hired 700 agents.\x00\xff\xfe" * 10)
    result = run("ingest", str(binary))
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        before = snapshot_tree(ws.root)
        assert_one_line_error(run("ingest", str(binary)), "dump.txt")
        assert snapshot_tree(ws.root) == before
    else:
        assert Workspace.open(ws.root).records().problems == []


# -- text without a full stop -------------------------------------------------------------------
def test_extract_stays_linear_on_text_without_a_full_stop():
    """No sentence end for megabytes: extraction time grows linearly, not quadratically."""
    chunk = "the assistant handled 2,300 chats and 700 agents were let go and "

    def seconds(n_bytes: int) -> float:
        text = chunk * (n_bytes // len(chunk))
        best = float("inf")
        for _ in range(2):
            started = time.perf_counter()
            items = extract(text)
            best = min(best, time.perf_counter() - started)
        for item in items:
            assert text[item.start : item.end] == item.sentence
        return best

    small, large = seconds(100_000), seconds(800_000)
    # 8x the text: linear is ~8x the time, quadratic ~64x. Generous for a busy machine.
    assert large < max(small, 0.01) * 24, f"100 kB: {small:.3f} s, 800 kB: {large:.3f} s"


def test_a_file_over_the_size_limit_is_refused_before_reading(ws, run, tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:
        handle.truncate(101 * 1024 * 1024)  # sparse: 101 MB without writing them
    before = snapshot_tree(ws.root)
    assert_one_line_error(run("ingest", str(big)), "big.txt", "limit")
    assert snapshot_tree(ws.root) == before


# -- deeply nested HTML ---------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [300, 100_000])
def test_deeply_nested_html(ws, tmp_path, depth):
    page = tmp_path / f"nested-{depth}.html"
    page.write_text(
        "<html><body>"
        + "<div>" * depth
        + "<p>Acme says its assistant does the work of 700 agents.</p>"
        + "</div>" * depth
        + "</body></html>"
    )
    before = snapshot_tree(ws.root)
    # A subprocess: a parser that overflows the C stack must not take the test run with it.
    proc = run_subprocess(ws, "ingest", str(page))
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    if proc.returncode == 1:
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert page.name in proc.stderr
        assert snapshot_tree(ws.root) == before
    else:
        assert Workspace.open(ws.root).records().problems == []


# -- notes with broken front matter ----------------------------------------------------------------
BROKEN_NOTES = {
    "unclosed.md": "---\ntitle: Acme assistant\nauthor: A. Writer\n\n## Highlights\n\n"
    "### 1\n> Acme says its assistant does the work of 700 agents.\n",
    "bad-yaml.md": "---\ntitle: [Acme assistant\nauthor: : :\n---\n## Highlights\n\n"
    "### 1\n> Acme says its assistant does the work of 700 agents.\n",
    "not-a-mapping.md": "---\n- just\n- a list\n---\n## Highlights\n\n"
    "### 1\n> Acme says its assistant does the work of 700 agents.\n",
}


@pytest.mark.parametrize("name", sorted(BROKEN_NOTES))
def test_note_with_broken_front_matter(ws, run, tmp_path, name):
    note = tmp_path / name
    note.write_text(BROKEN_NOTES[name])
    before = snapshot_tree(ws.root)
    assert_one_line_error(run("ingest", str(note)), name)
    assert snapshot_tree(ws.root) == before


# -- workspace files edited by hand --------------------------------------------------------------
@pytest.mark.parametrize(
    "content",
    ['{"schema_version": 1,', "", "[]", '"claims"', '{"schema_version": "one"}', "\x00\xff"],
)
@pytest.mark.parametrize("command", [("claims",), ("show", "c-0"), ("sources", "--json")])
def test_hand_broken_workspace_file(stocked, run, content, command):
    marker = stocked.root / "claimtrack.json"
    marker.write_bytes(content.encode("utf-8", "surrogateescape"))
    before = snapshot_tree(stocked.root)
    assert_one_line_error(run(*command), "claimtrack.json")
    assert snapshot_tree(stocked.root) == before


def test_hand_broken_record_is_named_and_the_rest_loads(stocked, run):
    claim_id = stocked.ids("claim")[0]
    path = stocked.path_for("claim", claim_id)
    path.write_text(path.read_text()[:-20])  # cut off mid-way, as an editor crash would
    before = snapshot_tree(stocked.root)
    listing = run("sources", "--json")
    assert listing.exit_code == 0 and claim_id in listing.stderr
    assert json.loads(listing.stdout.splitlines()[0])["url"] == "https://example.com/acme"
    assert_one_line_error(run("show", claim_id[:6]), str(path))
    assert snapshot_tree(stocked.root) == before
