"""Triage through the real pipeline: what ingest records as claims, and what claims and flags
list by default. The text is written for this test."""

from __future__ import annotations

import json

from claimtrack.extract.checkworthy import THRESHOLD

PAGE = """Northwind Pay cut 1,200 jobs last year, chief executive Maria Lund told investors.

Is that the end of the cuts?

The new model comes with 22-inch wheels and a 12-inch screen.

Check the full results below.

Sonos Move for $400

Subscribe to our newsletter for more stories like this.

Lund said the company remained confident about the year ahead.
"""


def rows(run, *args):
    result = run("claims", "--json", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_ingest_records_claims_and_figure_statements_and_claims_triages_them(ws, run, tmp_path):
    page = tmp_path / "northwind.txt"
    page.write_text(PAGE, encoding="utf-8")
    assert run("ingest", str(page)).exit_code == 0
    every = {r["text"]: r for r in rows(run, "--all")}
    # Questions, instructions, shopping pitches and page furniture are not claims at all.
    for text in every:
        assert not text.startswith(("Is that", "Check the", "Sonos Move", "Subscribe"))
    cut = every[
        "Northwind Pay cut 1,200 jobs last year, chief executive Maria Lund told investors."
    ]
    assert cut["checkworthy"] >= THRESHOLD
    spec = every["The new model comes with 22-inch wheels and a 12-inch screen."]
    assert spec["checkworthy"] < THRESHOLD and spec["figures"]  # recorded: it states figures
    listed = [r["text"] for r in rows(run)]
    assert cut["text"] in listed and spec["text"] not in listed
    assert all(r["checkworthy"] >= THRESHOLD for r in rows(run))
    table = run("claims").output
    hidden = len(every) - len(listed)
    assert f"{hidden} more below check-worthiness" in table
    # flags: only the check-worthy figure claims unless --all
    flagged = [json.loads(x)["text"] for x in run("flags", "--json").output.splitlines()]
    assert cut["text"] in flagged and spec["text"] not in flagged
    flagged_all = [
        json.loads(x)["text"] for x in run("flags", "--all", "--json").output.splitlines()
    ]
    assert spec["text"] in flagged_all
