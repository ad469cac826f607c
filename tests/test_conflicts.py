"""Figure conflicts: same thing, same kind of figure, values that cannot both be true."""

from __future__ import annotations

from claimtrack.conflicts import Conflict, conflicts_among, find_conflicts, unit_key
from claimtrack.models import Claim, Figure
from claimtrack.workspace import Records


def claim(n, text, value, unit, *, qualifier="exact", claimant=None, kind="count", currency=None):
    shown = f"{value:,g} {unit or ''}".strip()
    return Claim(
        id=f"c-{n:012x}",
        text=text,
        claimant=claimant,
        figures=[
            Figure(
                text=shown,
                value=value,
                unit=unit,
                kind=kind,
                qualifier=qualifier,
                currency=currency,
            )
        ],
    )


AGENTS_700 = claim(
    1, "Klarna's AI assistant does the work of 700 agents", 700, "agents", claimant="Klarna"
)
AGENTS_853 = claim(2, "An analyst says the AI assistant does the work of 853 agents", 853, "agents")
JOBS_2000 = claim(
    3, "Klarna will cut nearly 2,000 jobs", 2000, "jobs", qualifier="nearly", claimant="Klarna"
)
JOBS_1000 = claim(4, "Klarna is cutting 1,000 jobs, a union says", 1000, "jobs")


def pairs(conflicts):
    return {(c.a, c.b) for c in conflicts}


def test_700_vs_853_agents_is_a_conflict_with_its_reason():
    (found,) = conflicts_among([AGENTS_700, AGENTS_853])
    assert (found.a, found.b) == (AGENTS_700.id, AGENTS_853.id)
    assert "700 agents" in found.reason and "853 agents" in found.reason


def test_nearly_2000_vs_1000_jobs_is_a_conflict():
    assert pairs(conflicts_among([JOBS_2000, JOBS_1000])) == {(JOBS_2000.id, JOBS_1000.id)}


def test_values_that_agree_within_their_qualifiers_do_not_conflict():
    more_than = claim(5, "Klarna cut more than 1,000 jobs", 1000, "jobs", qualifier="more_than")
    about = claim(6, "Klarna will cut about 1,900 jobs", 1900, "jobs", qualifier="approximately")
    rounded = claim(7, "Klarna will cut 1,990 jobs", 1990, "jobs")
    assert conflicts_among([JOBS_2000, more_than, about, rounded]) == []


def test_different_units_kinds_or_subjects_do_not_conflict():
    languages = claim(8, "Klarna's AI assistant speaks 35 languages", 35, "languages")
    markets = claim(9, "Klarna's AI assistant works in 23 markets", 23, "markets")
    staff = claim(10, "Klarna employs 3,000 people", 3000, "people", claimant="Klarna")
    laid_off = claim(11, "Klarna laid off 700 people in 2022", 700, "people", claimant="Klarna")
    money = claim(12, "The assistant does $700 of work", 700, None, kind="currency", currency="USD")
    assert conflicts_among([AGENTS_700, languages, markets, staff, laid_off, money]) == []


def test_unit_synonyms_compare_as_the_same_unit():
    assert unit_key("full-time agents") == unit_key("customer service staff") == unit_key("people")
    assert unit_key("jobs") != unit_key("agents")
    workers = claim(13, "The AI assistant does the work of 900 staff", 900, "staff")
    assert pairs(conflicts_among([AGENTS_700, workers])) == {(AGENTS_700.id, workers.id)}


def test_figures_without_a_unit_or_value_are_not_compared():
    bare = Claim(
        id="c-00000000000e",
        text="Klarna's AI assistant does the work of 853",
        figures=[Figure(text="853", value=853, kind="count")],
    )
    no_value = Claim(
        id="c-00000000000f",
        text="Klarna's AI assistant does the work of many agents",
        figures=[Figure(text="many agents", unit="agents", kind="count")],
    )
    assert conflicts_among([AGENTS_700, bare, no_value]) == []


def test_find_conflicts_takes_records_and_reports_each_pair_once():
    records = Records(claims={c.id: c for c in (AGENTS_700, AGENTS_853, JOBS_2000, JOBS_1000)})
    found = find_conflicts(records)
    assert all(isinstance(c, Conflict) and c.a < c.b for c in found)
    assert pairs(found) == {(AGENTS_700.id, AGENTS_853.id), (JOBS_2000.id, JOBS_1000.id)}


def test_large_buckets_still_find_the_conflict():
    # Hundreds of claims with the same unit (the bucketed, non-quadratic path).
    filler = [
        claim(
            100 + i,
            f"Warehouse {i} in district{i} packs {1000 + 7 * i} boxes for client{i}",
            1000 + 7 * i,
            "boxes",
        )
        for i in range(400)
    ]
    a = claim(900, "The Oslo depot of Nordfrakt packs 5,000 boxes a day", 5000, "boxes")
    b = claim(901, "The Oslo depot of Nordfrakt packs 8,000 boxes a day", 8000, "boxes")
    found = conflicts_among([*filler, a, b])
    assert (a.id, b.id) in pairs(found)
    assert len(found) < 50


def test_graph_gets_conflicts_with_edges():
    from claimtrack.graph import build

    records = Records(claims={c.id: c for c in (AGENTS_700, AGENTS_853)})
    g = build(records)
    edges = [d for _, _, d in g.edges(data=True) if d["relation"] == "conflicts_with"]
    assert len(edges) == 1 and "853 agents" in edges[0]["reason"]


def test_claims_about_different_named_companies_do_not_conflict():
    affirm = claim(20, "Affirm's AI assistant does the work of 853 agents", 853, "agents")
    unnamed = claim(21, "The AI assistant does the work of 853 agents", 853, "agents")
    assert conflicts_among([AGENTS_700, affirm]) == []
    assert pairs(conflicts_among([AGENTS_700, unnamed])) == {(AGENTS_700.id, unnamed.id)}


def test_percentages_about_different_things_do_not_conflict():
    share = claim(
        30,
        "Klarna says the assistant held 2.3 million conversations, 66% of its customer chats",
        66,
        None,
        kind="percent",
        claimant="Klarna",
    )
    repeats = claim(
        31,
        "Klarna says customers rate the assistant well and repeat inquiries fell 25%",
        25,
        None,
        kind="percent",
        claimant="Klarna",
    )
    growth_a = claim(32, "Klarna's revenue grew 27% last year", 27, None, kind="percent")
    growth_b = claim(33, "Klarna's revenue grew 24% last year", 24, None, kind="percent")
    assert pairs(conflicts_among([share, repeats, growth_a, growth_b])) == {
        (growth_a.id, growth_b.id)
    }
