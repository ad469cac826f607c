import json

from claimtrack.cli import main
from claimtrack.models import Claim, Figure, Mention, Source


def add_example(ws):
    src = Source(id="s-0123456789ab", url="https://example.com/a", title="Assistant story")
    claim = Claim(
        id="c-00000000000a",
        text="Klarna says its assistant does the work of 700 agents.",
        claimant="Klarna",
        figures=[Figure(text="700 agents", value=700, unit="agents", kind="count")],
        mentions=[Mention(source=src.id, quote="Klarna says ...", start=0, end=15)],
    )
    ws.save_many([src, claim])
    return src, claim


def test_claims_empty_workspace_says_how_to_start(run):
    result = run("claims")
    assert result.exit_code == 0
    assert "claimtrack ingest" in result.output


def test_claims_json_contract(ws, run):
    add_example(ws)
    result = run("claims", "--json")
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == {"id", "text", "claimant", "figures", "mentions", "sources", "status", "ref"}
    assert row["mentions"] == 1 and row["sources"] == 1
    assert row["figures"][0]["value"] == 700


def test_sources_json_contract(ws, run):
    add_example(ws)
    rows = [json.loads(x) for x in run("sources", "--json").output.splitlines()]
    assert set(rows[0]) == {
        "id",
        "url",
        "title",
        "kind",
        "publisher",
        "published",
        "retrieved_at",
        "sha256",
        "mentions",
    }
    assert rows[0]["mentions"] == 1


def test_show_by_prefix_and_json(ws, run):
    add_example(ws)
    result = run("show", "c-00000", "--json")
    assert result.exit_code == 0, result.output
    detail = json.loads(result.output)
    assert detail["id"] == "c-00000000000a"
    assert detail["mentions"][0]["source"] == "s-0123456789ab"
    assert "flags" in detail and "evidence" in detail and "questions" in detail


def test_unknown_id_is_one_line_error(ws):
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["show", "c-ffff"])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert "no claim with id" in result.output


def test_no_workspace_is_one_line_error(tmp_path, monkeypatch):
    from click.testing import CliRunner

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CLAIMTRACK_WORKSPACE", raising=False)
    result = CliRunner().invoke(main, ["claims"])
    assert result.exit_code == 1
    assert "claimtrack init" in result.output
