"""The extract command, through the CLI runner and as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from claimtrack.cli import main

TEXT = (
    "Klarna says its AI assistant does the work of 700 full-time agents. "
    "It is a nice day. A spokesperson declined to comment.\n"
)


def invoke(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_json_lines_for_claims_from_a_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    result = invoke("extract", str(path), "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == str(path)
    assert row["claimant"] == "Klarna" and row["cue"] == "says"
    assert TEXT[row["start"] : row["end"]] == row["sentence"]
    fig = row["figures"][0]
    assert (fig["value"], fig["unit"], fig["kind"]) == (700.0, "agents", "count")
    assert TEXT[fig["start"] : fig["end"]] == fig["text"]


def test_all_sentences_from_stdin():
    result = invoke("extract", "--all", "--json", input=TEXT)
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["is_claim"] for r in rows] == [True, False, False]
    assert all(r["id"] == "stdin" for r in rows)


def test_jsonl_input_keeps_ids_and_offsets():
    lines = [
        json.dumps({"id": "a1", "text": "Revenue rose 27% to SEK 3bn."}),
        "",
        json.dumps({"id": 7, "text": "Intro.\nKlarna cut nearly 2,000 jobs."}),
    ]
    result = invoke("extract", "--input", "jsonl", "--json", "-", input="\n".join(lines))
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in rows] == ["a1", "7"]
    assert rows[0]["figures"][1]["currency"] == "SEK"
    assert rows[1]["start"] == 7


def test_bad_jsonl_is_one_line_and_exit_1():
    result = CliRunner().invoke(main, ["extract", "--input", "jsonl"], input='{"id": 1}\n')
    assert result.exit_code == 1
    assert 'stdin line 1: expected an object with a "text" string' in result.output
    assert "Traceback" not in result.output


def test_missing_file_and_binary_file(tmp_path):
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1 and "No such file" in result.output
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00bad")
    result = CliRunner().invoke(main, ["extract", str(bad)])
    assert result.exit_code == 1 and "not UTF-8 text" in result.output


def test_table_for_people():
    result = invoke("extract", input=TEXT)
    assert result.exit_code == 0
    assert "Klarna" in result.output and "700 full-time agents" in result.output


def test_runs_as_a_module():
    out = subprocess.run(
        [sys.executable, "-m", "claimtrack", "extract", "--json", "-"],
        input="Klarna cut 700 jobs, according to the company.",
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out)["claimant"] == "Klarna"
