"""The pre-publication check: Markdown masking, figure comparison, verdicts, the command."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest

from claimtrack.check import (
    check_text,
    compare_figures,
    figures_agree,
    mask_markdown,
    same_claim_threshold,
)
from claimtrack.extract import ExtractedSentence
from claimtrack.ids import make_id
from claimtrack.models import Claim, Evidence, Figure, Mention, Source
from claimtrack.workspace import Records

T0 = datetime(2024, 3, 1, tzinfo=timezone.utc)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)(?: ([a-z]+))?")


def stub_extract(text: str, all_sentences: bool = False) -> list[ExtractedSentence]:
    """A tiny stand-in for claimtrack.extract: sentences, and numbers with the next word as
    unit, so that these tests pin the check and not the extractor."""
    out = []
    for m in _SENTENCE.finditer(text):
        raw = m.group(0)
        start = m.start() + len(raw) - len(raw.lstrip())
        sentence = raw.strip()
        if not sentence:
            continue
        figures = []
        for n in _NUMBER.finditer(sentence):
            value = float(n.group(1).replace(",", ""))
            unit = n.group(2)
            kind = "year" if unit is None and 1900 <= value <= 2100 else "count"
            figures.append(Figure(text=n.group(0), value=value, unit=unit, kind=kind))
        out.append(
            ExtractedSentence(
                sentence, start, start + len(sentence), bool(figures), figures=figures
            )
        )
    return out


def figure(text, value, unit=None, kind="count", qualifier="exact", **kw):
    return Figure(text=text, value=value, unit=unit, kind=kind, qualifier=qualifier, **kw)


# -- Markdown --------------------------------------------------------------------------------------


def test_mask_markdown_keeps_offsets_and_drops_markup():
    text = (
        "---\ntitle: Draft 2024\n---\n# Klarna, 2024\n\n"
        "1. The bot does the work of **700 agents** ([source](https://x.org/91039401)).\n"
        "> It speaks 35 languages.[^1]\n\n```\ncode 12345\n```\n<!-- note 999 -->\n"
        "![chart 42](img/42.png) See https://example.com/2/3 too, and `v7.5` as well.\n"
    )
    masked = mask_markdown(text)
    assert len(masked) == len(text)
    assert [i for i, c in enumerate(masked) if c == "\n"] == [
        i for i, c in enumerate(text) if c == "\n"
    ]
    for gone in (
        "title",
        "91039401",
        "12345",
        "999",
        "42",
        "https",
        "[^1]",
        "**",
        "#",
        "1.",
        "7.5",
    ):
        assert gone not in masked, gone
    for kept in ("The bot does the work of", "700 agents", "source", "It speaks 35 languages."):
        assert kept in masked
        assert text[masked.index(kept) : masked.index(kept) + len(kept)] == kept


# -- figures ----------------------------------------------------------------------------------------


def test_figures_agree_within_qualifiers_and_rounding():
    assert figures_agree(figure("700", 700), figure("700", 700.0))
    assert figures_agree(figure("$40 million", 40e6), figure("$40.1 million", 40.1e6))
    assert figures_agree(figure("nearly 2,000", 2000, qualifier="nearly"), figure("1,950", 1950))
    assert not figures_agree(
        figure("nearly 2,000", 2000, qualifier="nearly"), figure("1,000", 1000)
    )
    assert figures_agree(figure("more than 700", 700, qualifier="more_than"), figure("853", 853))
    assert not figures_agree(figure("700", 700), figure("800", 800))
    assert figures_agree(figure("700-800", 750, low=700, high=800), figure("720", 720))


def test_compare_figures_tells_extra_figures_from_disagreeing_ones():
    tracked = [figure("700 agents", 700, "agents")]
    assert compare_figures([figure("700 full-time agents", 700, "agents")], tracked) == (1, [])
    shared, clashes = compare_figures([figure("800 agents", 800, "agents")], tracked)
    assert shared == 0 and clashes[0][1].text == "700 agents"
    # A figure about something else is extra information, not a conflict.
    assert compare_figures([figure("35 languages", 35, "languages")], tracked) == (0, [])
    # The tracked figure is accounted for, so an extra unitless number does not clash with it.
    assert (
        compare_figures([figure("700 agents", 700, "agents"), figure("2.3", 2.3)], tracked)[1] == []
    )


# -- verdicts ------------------------------------------------------------------------------------------


def case_records() -> Records:
    """Four tracked claims: supported, supported-but-hedged, unsupported, and one about markets."""
    records = Records()
    own = Source(id=make_id("source", "own"), kind="statement", publisher="Klarna")
    indep = Source(id=make_id("source", "indep"), title="Analysis")
    records.sources = {own.id: own, indep.id: indep}
    texts = {
        "supported": (
            "Klarna's assistant does the work of 700 agents",
            "700 agents",
            700,
            "agents",
        ),
        "hedged": (
            "Klarna expects profit to grow by 40 percent",
            "40 percent",
            40,
            "percent",
        ),
        "unsupported": ("Klarna's assistant speaks 35 languages", "35 languages", 35, "languages"),
        "markets": ("Klarna's assistant is available in 23 markets", "23 markets", 23, "markets"),
    }
    for name, (text, ftext, value, unit) in texts.items():
        claim = Claim(
            id=make_id("claim", text, "Klarna"),
            text=text,
            claimant="Klarna",
            figures=[figure(ftext, value, unit)],
            created_at=T0,
            mentions=[Mention(source=own.id, quote=text, hedged=name == "hedged")],
        )
        records.claims[claim.id] = claim
        if name in ("supported", "hedged"):
            ev = Evidence(
                id=make_id("evidence", claim.id, indep.id, "supports", None),
                claim=claim.id,
                source=indep.id,
                stance="supports",
                created_at=T0,
            )
            records.evidence[ev.id] = ev
    return records


def claim_id(text):
    return make_id("claim", text, "Klarna")


def verdicts(text, records=None, **kw):
    report = check_text(text, records or case_records(), extract=stub_extract, **kw)
    return report, [(s.verdict, s.claim) for s in report.sentences]


def test_each_verdict():
    draft = (
        "Klarna's assistant does the work of 700 agents.\n"
        "Klarna's assistant speaks 35 languages.\n"
        "The company employs 3800 people.\n"
        "Klarna's assistant is available in 45 markets.\n"
        "It launched in 2024.\n"
    )
    report, got = verdicts(draft)
    assert got == [
        ("supported", claim_id("Klarna's assistant does the work of 700 agents")),
        ("flagged", claim_id("Klarna's assistant speaks 35 languages")),
        ("untracked", None),
        ("conflict", claim_id("Klarna's assistant is available in 23 markets")),
    ]  # the sentence with only a year is not a figure claim to check
    assert not report.ok
    assert report.counts() == {"supported": 1, "flagged": 1, "untracked": 1, "conflict": 1}
    flagged = report.sentences[1]
    assert flagged.status == "unsupported"
    assert {f.code for f in flagged.flags} >= {"no-evidence", "self-reported"}
    conflict = report.sentences[3]
    assert '"45 markets"' in conflict.detail and '"23 markets"' in conflict.detail
    assert draft[conflict.start : conflict.end] == conflict.sentence
    assert conflict.line == 4


def test_a_draft_of_supported_figures_passes():
    report, got = verdicts("Klarna's assistant does the work of 700 agents. No other figures.")
    assert report.ok and [v for v, _ in got] == ["supported"]
    assert check_text("No figures at all here.", case_records(), extract=stub_extract).ok


def test_allow_tolerates_named_flags_on_supported_claims():
    draft = "Klarna expects profit to grow by 40 percent."
    _, got = verdicts(draft)
    assert got[0][0] == "flagged"  # supported, but hedged
    report, got = verdicts(draft, allow=["hedged"])
    assert got[0][0] == "supported" and report.sentences[0].flags  # the flag is still reported
    # Allowing a flag never turns an unsupported claim into a supported one.
    _, got = verdicts(
        "Klarna's assistant speaks 35 languages.", allow=["no-evidence", "self-reported"]
    )
    assert got[0][0] == "flagged"


def test_threshold_comes_from_matching():
    from claimtrack import match

    assert same_claim_threshold() == match.MATCH_THRESHOLD
    _, got = verdicts("Klarna's assistant does the work of 700 agents.", threshold=1.01)
    assert got == [("untracked", None)]


def test_markdown_draft_offsets_point_into_the_file():
    draft = (
        "# Notes\n\n- Klarna's assistant does the **work of 700 agents** ([src](https://a.b/1)).\n"
    )
    report = check_text(draft, case_records(), markdown=True, extract=stub_extract)
    [item] = report.sentences
    assert item.verdict == "supported"
    assert draft[item.start : item.end].startswith("Klarna's assistant")
    assert "**" not in item.sentence and "https" not in item.sentence


# -- the command -----------------------------------------------------------------------------------------


@pytest.fixture
def tracked(ws, monkeypatch):
    records = case_records()
    ws.save_many([*records.sources.values(), *records.claims.values(), *records.evidence.values()])
    monkeypatch.setattr("claimtrack.extract.extract", stub_extract)
    return records


def test_check_command_json_and_exit_codes(ws, run, tracked, tmp_path):
    good = tmp_path / "good.md"
    good.write_text("Klarna's assistant does the work of 700 agents.\n", encoding="utf-8")
    result = run("check", str(good), "--json")
    assert result.exit_code == 0, result.output
    [row] = [json.loads(x) for x in result.output.splitlines()]
    assert set(row) == {
        "sentence", "start", "end", "line", "figures", "claim", "status", "flags", "verdict",
        "score", "detail",
    }  # fmt: skip
    assert row["verdict"] == "supported" and row["status"] == "supported"
    assert row["figures"][0]["value"] == 700 and row["flags"] == []
    assert (row["start"], row["end"], row["line"]) == (0, 47, 1)

    bad = tmp_path / "bad.txt"
    bad.write_text(
        "Klarna's assistant speaks 35 languages.\nIt has 12 offices.\n", encoding="utf-8"
    )
    result = run("check", str(bad))
    assert result.exit_code == 1
    assert "FLAGGED" in result.output and "UNTRACKED" in result.output
    assert f"{bad}:2" in result.output and "no-evidence" in result.output

    result = run("check", "-", "--json", input="It has 12 offices.\n")
    assert result.exit_code == 1 and json.loads(result.output)["verdict"] == "untracked"


def test_check_command_errors_are_one_line(ws, run, tracked, tmp_path):
    for args, message in [
        (("check", str(tmp_path / "missing.md")), "no such draft"),
        (("check", str(tmp_path / "latin1.txt")), "not UTF-8"),
    ]:
        (tmp_path / "latin1.txt").write_bytes("Caf\xe9 with 3 tables.".encode("latin-1"))
        result = run(*args)
        assert result.exit_code == 1
        assert result.output.strip().startswith("Error:") and message in result.output
        assert len(result.output.strip().splitlines()) == 1
    empty = tmp_path / "empty.md"
    empty.write_text("Nothing to count here.\n")
    result = run("check", str(empty))
    assert result.exit_code == 0 and "no figures found" in result.output


def test_check_exit_status_as_a_subprocess(tmp_path):
    """What a publishing pipeline sees: the installed command's exit status."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "CLAIMTRACK_WORKSPACE": ""}

    def claimtrack(*args):
        return subprocess.run(
            [sys.executable, "-m", "claimtrack", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    assert claimtrack("init").returncode == 0
    (tmp_path / "clean.md").write_text("# Notes\n\nNothing here is a number.\n")
    (tmp_path / "story.md").write_text("The company employs 3,800 people in Stockholm.\n")
    clean = claimtrack("check", "clean.md")
    assert clean.returncode == 0, clean.stderr
    story = claimtrack("check", "story.md", "--json")
    assert story.returncode == 1, story.stderr
    [row] = [json.loads(line) for line in story.stdout.splitlines()]
    assert row["verdict"] == "untracked" and "3,800" in row["sentence"]
    missing = claimtrack("check", "nope.md")
    assert missing.returncode == 1 and missing.stderr.startswith("Error: no such draft")
