import json

from claimtrack.cli import main
from claimtrack.extract.checkworthy import THRESHOLD
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
    assert list(row) == [
        "id", "text", "claimant", "figures", "mentions", "sources", "status", "ref",
        "checkworthy", "flags",
    ]  # fmt: skip
    assert row["mentions"] == 1 and row["sources"] == 1
    assert row["figures"][0]["value"] == 700
    assert row["checkworthy"] >= THRESHOLD
    assert [f["code"] for f in row["flags"]] == ["no-evidence"]


def add_triage_case(ws):
    """Three claims: a check-worthy flagged figure claim, a check-worthy claim without a
    figure, and a product's specification (a figure statement below the threshold)."""
    src = Source(id="s-0123456789ab", url="https://example.com/a", title="Assistant story")
    texts = {
        "c-00000000000a": ("Klarna says its assistant does the work of 700 agents.", 700),
        "c-00000000000b": (
            "Maersk warned that disruption in the Red Sea could last all year.",
            None,
        ),
        "c-00000000000c": ("The new model comes with 22-inch wheels and a 12-inch screen.", 22),
    }
    claims = [
        Claim(
            id=cid,
            text=text,
            figures=[Figure(text=str(v), value=v, kind="number")] if v else [],
            mentions=[Mention(source=src.id, quote=text, start=0, end=len(text))],
        )
        for cid, (text, v) in texts.items()
    ]
    ws.save_many([src, *claims])
    return claims


def ids(result):
    return [json.loads(line)["id"] for line in result.output.splitlines()]


def test_claims_lists_the_check_worthy_ones_and_counts_the_rest(ws, run):
    add_triage_case(ws)
    default = run("claims", "--json")
    assert default.exit_code == 0, default.output
    assert set(ids(default)) == {"c-00000000000a", "c-00000000000b"}
    rows = [json.loads(line) for line in default.output.splitlines()]
    assert all(r["checkworthy"] >= THRESHOLD for r in rows)
    # worst first: the figure claim with its flags before the claim without a figure
    assert ids(default)[0] == "c-00000000000a"
    table = run("claims")
    assert "c-00000000000c" not in table.output
    assert f"1 more below check-worthiness {THRESHOLD:g}" in table.output
    assert "--all" in table.output
    every = run("claims", "--all", "--json")
    assert set(ids(every)) == {"c-00000000000a", "c-00000000000b", "c-00000000000c"}
    assert "more below" not in run("claims", "--all").output


def test_claims_filters_min_score_and_figures_only(ws, run):
    add_triage_case(ws)
    assert set(ids(run("claims", "--figures-only", "--all", "--json"))) == {
        "c-00000000000a",
        "c-00000000000c",
    }
    assert ids(run("claims", "--figures-only", "--json")) == ["c-00000000000a"]
    assert ids(run("claims", "--min-score", "0", "--json"))[-1] == "c-00000000000c"
    assert ids(run("claims", "--min-score", "1", "--json")) == []
    nothing = run("claims", "--min-score", "1")
    assert nothing.exit_code == 0 and "3 below it" in nothing.output
    for bad in (["--min-score", "2"], ["--min-score", "x"], ["--all", "--min-score", "0.3"]):
        result = run("claims", *bad)
        assert result.exit_code == 2 and "Traceback" not in result.output, bad


def test_flags_shows_only_check_worthy_claims_unless_all(ws, run):
    add_triage_case(ws)
    listed = [json.loads(x)["claim"] for x in run("flags", "--json").output.splitlines()]
    assert listed == ["c-00000000000a"]
    table = run("flags")
    assert f"1 flagged figure claims below check-worthiness {THRESHOLD:g} not shown" in table.output
    every = [json.loads(x)["claim"] for x in run("flags", "--all", "--json").output.splitlines()]
    assert set(every) == {"c-00000000000a", "c-00000000000c"}


def test_show_says_why_a_claim_is_check_worthy(ws, run):
    add_triage_case(ws)
    detail = json.loads(run("show", "c-00000000000a", "--json").output)
    assert detail["checkworthy"] >= THRESHOLD
    assert detail["why"][0] == {"reason": "figure", "weight": detail["why"][0]["weight"]}
    assert detail["why"][0]["weight"] > 0
    text = run("show", "c-00000000000a").output
    assert f"check-worthiness: {detail['checkworthy']:.2f} (figure +" in text


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
