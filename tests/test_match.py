"""Claim matching: paraphrases match, different figures do not, scores are well formed."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.extract import parse_figures
from claimtrack.match import (
    MATCH_THRESHOLD,
    ClaimIndex,
    content_words,
    features,
    figure_spans,
    interval,
    is_same_claim,
)
from claimtrack.models import Claim, Figure


def fig(text, value, unit=None, kind="count", qualifier="exact", currency=None):
    return Figure(
        text=text, value=value, unit=unit, kind=kind, qualifier=qualifier, currency=currency
    )


AGENTS = Claim(
    id="c-a00000000001",
    text="Klarna says its AI assistant is doing the work of 700 full-time agents",
    claimant="Klarna",
    figures=[fig("700 full-time agents", 700, "full-time agents")],
)
PROFIT = Claim(
    id="c-a00000000002",
    text="Klarna expects the assistant to add $40 million to profit this year",
    claimant="Klarna",
    figures=[fig("$40 million", 40e6, kind="currency", currency="USD")],
)
JOBS = Claim(
    id="c-a00000000003",
    text="Klarna is cutting nearly 2,000 jobs as AI takes over",
    claimant="Klarna",
    figures=[fig("nearly 2,000 jobs", 2000, "jobs", qualifier="nearly")],
)
MARKETS = Claim(
    id="c-a00000000004",
    text="The assistant is live in 23 markets",
    claimant="Klarna",
    figures=[fig("23 markets", 23, "markets")],
)
ENGINEERS = Claim(
    id="c-a00000000005",
    text="Klarna employs 700 engineers in Stockholm",
    claimant="Klarna",
    figures=[fig("700 engineers", 700, "engineers")],
)
ALL = [AGENTS, PROFIT, JOBS, MARKETS, ENGINEERS]


def best(index, text, figures=None, claimant=None):
    found = index.query(text, figures, claimant=claimant)
    return found[0] if found else None


def test_paraphrases_with_differently_worded_units_match_the_same_claim():
    index = ClaimIndex(ALL)
    paraphrases = [
        ("Klarna's assistant does the work of 700 people", fig("700 people", 700, "people")),
        (
            "The chatbot is equivalent to 700 full-time agents, Klarna said",
            fig("700 full-time agents", 700, "full-time agents"),
        ),
        (
            "Klarna's AI assistant handles the workload of 700 customer service staff",
            fig("700 customer service staff", 700, "customer service staff"),
        ),
    ]
    for text, figure in paraphrases:
        top = best(index, text, [figure])
        assert top.claim == AGENTS.id, text
        assert is_same_claim(top.score), (text, top.score)


def test_paraphrase_matches_without_extracted_figures_by_reading_the_numbers():
    top = best(ClaimIndex(ALL), "Klarna's chatbot handles the workload of 700 human agents")
    assert top.claim == AGENTS.id and is_same_claim(top.score)


def test_a_different_figure_about_the_same_thing_is_not_the_same_claim():
    top = best(
        ClaimIndex(ALL),
        "Klarna's AI assistant does the work of 853 agents",
        [fig("853 agents", 853, "agents")],
    )
    assert top is None or not is_same_claim(top.score)


def test_the_same_number_about_a_different_thing_is_not_the_same_claim():
    found = ClaimIndex([AGENTS]).query(
        "Klarna has hired 700 engineers", [fig("700 engineers", 700, "engineers")]
    )
    assert not found or not is_same_claim(found[0].score)
    # ...and the claim that is about engineers wins when it is there.
    assert best(ClaimIndex(ALL), "Klarna has hired 700 engineers").claim == ENGINEERS.id


def test_different_figures_about_different_things_never_match():
    index = ClaimIndex(ALL)
    for claim in ALL:
        others = ClaimIndex([c for c in ALL if c.id != claim.id])
        for m in others.query(claim.text, claim.figures, claimant=claim.claimant):
            assert not is_same_claim(m.score), (claim.text, m)
        assert best(index, claim.text, claim.figures).claim == claim.id


def test_qualifiers_decide_whether_values_agree():
    index = ClaimIndex([JOBS])
    same = best(index, "Klarna will cut 1,950 jobs", [fig("1,950 jobs", 1950, "jobs")])
    assert is_same_claim(same.score)
    other = best(index, "Klarna will cut 1,000 jobs", [fig("1,000 jobs", 1000, "jobs")])
    assert other is None or not is_same_claim(other.score)
    assert interval(2000, qualifier="nearly") == (1800.0, 2000.0)
    lo, hi = interval(1000, qualifier="more_than", open_ended=True)
    assert lo == 1000 and hi == float("inf")


def test_claimant_breaks_ties():
    a = Claim(id="c-b00000000001", text="Revenue grew 27% last year", claimant="Klarna")
    b = Claim(id="c-b00000000002", text="Revenue grew 27% last year", claimant="Affirm")
    index = ClaimIndex([a, b])
    found = index.query("Revenue grew 27% last year", claimant="Klarna AB")
    assert [m.claim for m in found] == [a.id, b.id]
    assert found[0].score > found[1].score


def test_results_are_best_first_bounded_and_top_is_honoured():
    index = ClaimIndex(ALL)
    found = index.query("Klarna assistant", top=3)
    assert len(found) <= 3
    assert [m.relevance for m in found] == sorted((m.relevance for m in found), reverse=True)
    assert all(0 < m.score <= 1 for m in found)
    assert ClaimIndex([]).query("anything") == []


def test_index_add_and_remove_keep_it_current():
    index = ClaimIndex([PROFIT])
    assert best(index, AGENTS.text, AGENTS.figures) is None or (
        best(index, AGENTS.text, AGENTS.figures).claim != AGENTS.id
    )
    index.add(AGENTS)
    assert best(index, AGENTS.text, AGENTS.figures).claim == AGENTS.id
    index.remove(AGENTS.id)
    assert all(m.claim != AGENTS.id for m in index.query(AGENTS.text))
    assert len(index) == 1


def test_threshold_constant_and_function_agree():
    assert is_same_claim(MATCH_THRESHOLD)
    assert not is_same_claim(MATCH_THRESHOLD - 0.01)


def test_content_words_normalise_paraphrases():
    assert content_words("Klarna's chatbot handles the workload of 700 staff") == content_words(
        "klarna assistant handle work staff"
    )
    assert "staff" in content_words("employees") and "staff" in content_words("agents")
    assert content_words("The company said it was cutting jobs") == content_words("cut job company")


def test_figures_not_given_are_read_with_the_extraction_reader():
    got = features(
        "Nearly 2,000 jobs; about $40 million; revenue up 27%; more than 1,000 layoffs in 2023"
    ).figures
    assert [(f.group, f.lo, f.hi) for f in got] == [
        (f.group, f.lo, f.hi)
        for f in figure_spans(
            parse_figures(
                "Nearly 2,000 jobs; about $40 million; revenue up 27%; more than 1,000 layoffs in 2023"
            )
        )
    ]
    assert {f.group for f in got} == {"n", "cur:USD", "percent"}
    jobs = next(f for f in got if f.unit == "job")
    assert (jobs.lo, jobs.hi) == (1800.0, 2000.0)  # "nearly" 2,000


def test_phone_numbers_and_names_with_numbers_are_not_figures():
    assert features("For details call 555-1234").figures == ()
    assert features("Klarna made the Fortune 500 list").figures == ()
    claim = Claim(id="c-a00000000009", text="Call 555-1234 to join the Fortune 500 list")
    index = ClaimIndex([claim])
    # No figure on either side: the words decide, and no figure penalty applies.
    assert index.query("call 555-1234 to join the Fortune 500 list")[0].score == 1.0


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=120), st.lists(st.text(max_size=60), min_size=1, max_size=5))
def test_scores_stay_in_the_unit_interval(query, texts):
    claims = [Claim(id=f"c-{i:012x}", text=t or "x") for i, t in enumerate(texts)]
    for m in ClaimIndex(claims).query(query, top=10):
        assert 0.0 <= m.score <= 1.0


# -- the match command ---------------------------------------------------------------------------


def test_match_command_json_contract(ws, run):
    ws.save_many([AGENTS.model_copy(update={"ref": "fc-123"}), PROFIT, JOBS])
    result = run("match", "Klarna's chatbot does the work of 700 people", "--json", "--top", "2")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] is None and row["text"].startswith("Klarna's chatbot")
    assert len(row["matches"]) <= 2
    first = row["matches"][0]
    assert set(first) == {"claim", "ref", "score", "text"}
    assert first["claim"] == AGENTS.id and first["ref"] == "fc-123"
    assert first["text"] == AGENTS.text and is_same_claim(first["score"])


def test_match_command_reads_plain_and_jsonl_lines(ws, run, tmp_path):
    ws.save_many(ALL)
    queries = tmp_path / "draft.jsonl"
    queries.write_text(
        '{"id": "p1", "text": "Klarna will cut nearly 2,000 jobs"}\n'
        "\n"
        "The assistant is available in 23 markets\n",
        encoding="utf-8",
    )
    result = run("match", "--from", str(queries), "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in rows] == ["p1", None]
    assert rows[0]["matches"][0]["claim"] == JOBS.id
    assert rows[1]["matches"][0]["claim"] == MARKETS.id


def test_match_command_needs_text_or_file(ws, run):
    result = run("match")
    assert result.exit_code == 1
    assert "give a TEXT" in result.output and "Traceback" not in result.output


def test_match_command_human_output_marks_same_claims(ws, run):
    ws.save_many(ALL)
    result = run("match", "Klarna is cutting nearly 2,000 jobs")
    assert result.exit_code == 0
    assert f"same {JOBS.id}" in result.output


def test_same_figure_same_unit_but_another_subject_is_not_the_same_claim():
    work = Claim(
        id="c-c00000000001",
        text="Klarna says its AI assistant does the work of 700 people",
        claimant="Klarna",
        figures=[fig("700 people", 700, "people")],
    )
    index = ClaimIndex([work])
    for text in ("Klarna laid off 700 people in 2022", "Klarna employs 700 people in Stockholm"):
        found = index.query(text, [fig("700 people", 700, "people")], claimant="Klarna")
        assert not found or not is_same_claim(found[0].score), (text, found)


def test_a_described_claimant_is_not_a_different_claimant():
    top = best(
        ClaimIndex(ALL),
        "The buy-now-pay-later firm claims its chatbot is equivalent to 700 customer service staff",
        [fig("700 customer service staff", 700, "customer service staff")],
        claimant="The buy-now-pay-later firm",
    )
    assert top.claim == AGENTS.id and is_same_claim(top.score)


def test_the_same_figure_about_another_named_company_is_not_the_same_claim():
    klarna = Claim(id="c-d00000000001", text="Klarna's revenue grew 27% in 2023")
    index = ClaimIndex([klarna])
    other = best(index, "Affirm's revenue grew 27% in 2023")
    assert not is_same_claim(other.score)
    for text in ("Revenue at the company grew 27% in 2023", "Klarna's sales rose 27% in 2023"):
        assert is_same_claim(best(index, text).score), text
    # A nationality is not a name: the Swedish company may well be Klarna.
    assert is_same_claim(
        best(ClaimIndex(ALL), "The Swedish company's chatbot does the work of 700 agents").score
    )


def test_a_company_named_first_in_the_sentence_counts_as_a_name():
    index = ClaimIndex(
        [Claim(id="c-e00000000001", text="Kadoast opened 57 new stores in Chile last year")]
    )
    assert not is_same_claim(best(index, "Dovemart opened 57 new stores in Chile").score)
    assert is_same_claim(best(index, "Kadoast added 57 new stores in Chile").score)
    assert is_same_claim(best(index, "Analysts say Kadoast opened 57 new stores in Chile").score)


def test_match_as_a_subprocess(ws, tmp_path):
    import subprocess
    import sys

    ws.save_many(ALL)
    proc = subprocess.run(
        [sys.executable, "-m", "claimtrack", "-w", str(ws.root), "match", "--json", "--top", "1"]
        + ["Klarna is cutting nearly 2,000 jobs"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["matches"][0]["claim"] == JOBS.id
