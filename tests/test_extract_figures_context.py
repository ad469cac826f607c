"""The figure reader on the context around a number: names, versions, model numbers, labels
and addresses that hold digits but state no figure; resolutions, decades, seasons, pence,
temperatures and other forms found in web articles (sentences written for these tests)."""

from __future__ import annotations

import pytest

from claimtrack.extract import parse_figures


def read(text: str):
    return [(f.value, f.kind, f.unit, f.currency) for f in parse_figures(text)]


@pytest.mark.parametrize(
    "text",
    [
        # product names, versions and model numbers
        "The iPhone 15 sold out in its first weekend.",
        "Every laptop in the office moved to Windows 11 in the spring.",
        "Version 2.0 of the app adds a dark mode.",
        "The app reached version 3.1.4 on Tuesday.",
        "The router talks to the server at 192.168.0.1 first.",
        "Sony could not make enough PS5 units before Christmas.",
        "The film was remastered in 4K for its anniversary.",
        "Streaming at 1080p uses far less data than 4K does.",
        "The camera records 8K video.",
        "Carriers are rolling out 5G across the region.",
        "The router supports Wi-Fi 6 and Bluetooth 5.3.",
        "The COVID-19 pandemic closed schools for months.",
        "The airline grounded its Boeing 737 MAX fleet.",
        "The 11 Pro Max has the longest battery life of the range.",
        "The AMD Ryzen 9 7950X is a desktop chip.",
        "Formula 1 returns to the city next spring.",
        "Windows 10 users can upgrade for free.",
        # labels: pages, types, phases, seasons, rooms, routes
        "See page 12 for the method.",
        "Read pages 12-14 before the seminar.",
        "People with type 2 diabetes need regular checks.",
        "The phase 3 trials begin in the autumn.",
        "The model 3 sedan is the cheapest of the line.",
        "The patch 1.03 fixes the crashes.",
        "The interview took place in room 101.",
        "Chapter 3 explains the sampling.",
        "The ruling cites § 1030 of the code.",
        # addresses
        "The office is at 350 Fifth Avenue.",
        "She walked down 6th Avenue in the rain.",
        # names with spelled numbers
        "The Big Four accounting firms were fined.",
        "The Group of Seven met in Japan.",
        "Her grandfather fought in World War Two.",
        # phone numbers, clock times, run-on digits
        "Inquiries: 02-751-1500",
        "Open 9.30 A.M. / 7.00 P.M. every day.",
        "245 23 yen",
    ],
)
def test_names_versions_labels_and_addresses_are_not_figures(text):
    assert read(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        # a count is still a count next to a name
        ("Klarna's 700 agents were busy.", [(700, "count", "agents", None)]),
        ("The Boeing 787 Dreamliner flew 300 passengers.", [(300, "count", "passengers", None)]),
        ("The app has 10K users.", [(10000, "count", "users", None)]),
        ("The watch counts 10k steps a day.", [(10000, "count", "steps", None)]),
        ("The start-up raised $4K from friends.", [(4000, "currency", None, "USD")]),
        ("Sales grew 3x in a year.", [(3, "multiplier", None, None)]),
        # an age in months
        ("Children above age 6 months get the vaccine.", [(6, "number", None, None)]),
        # the year after a name or before a capitalised phrase stays a year
        ("Copyright 2019 Harbour News Ltd.", [(2019, "year", None, None)]),
        ("It was a 2010 complaint against the founder.", [(2010, "year", None, None)]),
        ("The firm cut 2000 jobs.", [(2000, "count", "jobs", None)]),
    ],
)
def test_counts_next_to_names_and_years_next_to_phrases(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(
    "text, value, kind, unit",
    [
        ("Music from the '90s is back in fashion.", 1990, "year", None),
        ("Fashion from the 80s returned this season.", 1980, "year", None),
        ("An 80’S Style Camera", 1980, "year", None),
        ("A man in his 30s was taken to hospital.", 30, "number", None),
        ("The 2022/23 season ended in May.", 2022, "year", None),
        ("The 2022/2023 budget was approved.", 2022, "year", None),
        ("The door is 2 1/2 inches thick.", 2.5, "quantity", "in"),
        ("Add 1 1/2 cups of flour.", 1.5, "quantity", "cup"),
        ("The manager left after five-and-a-half years.", 5.5, "duration", "years"),
        ("Nine-in-ten voters agree.", 0.9, "ratio", None),
        ("The world is on track for 1.5C of warming.", 1.5, "quantity", "°C"),
        ("The temperature dropped to -5C overnight.", -5, "quantity", "°C"),
        ("Highs reached 100F in the desert.", 100, "quantity", "°F"),
        ("The console promised 10.7 teraflop graphics.", 10.7, "quantity", "TFLOPS"),
        ("They detected 5,200 pounds of water vapour.", 5200, "quantity", "lb"),
        ("Delivery takes five working days.", 5, "duration", "days"),
        ("He has been there for 18 straight months.", 18, "duration", "months"),
        ("He chose a year or two of rest.", 2, "duration", "years"),
        ("The central bank raised rates by a quarter point.", 0.25, "percentage_points", None),
    ],
)
def test_decades_seasons_fractions_temperatures_and_units(text, value, kind, unit):
    (fig,) = parse_figures(text)
    assert (fig.kind, fig.unit) == (kind, unit)
    assert fig.value == pytest.approx(value)


@pytest.mark.parametrize(
    "text, value, currency",
    [
        ("Shares fell to 312p in early trading.", 3.12, "GBP"),
        ("A 5p charge applies to plastic bags.", 0.05, "GBP"),
        ("The court ordered them to pay N500m in damages.", 5e8, "NGN"),
        ("The bridge will cost N2.5 billion.", 2.5e9, "NGN"),
        ("The fund lost 5,200 pounds in a day.", 5200, "GBP"),
        ("The council spent 2 million pounds of public money.", 2e6, "GBP"),
    ],
)
def test_pence_naira_and_pounds_that_are_money(text, value, currency):
    (fig,) = parse_figures(text)
    assert (fig.kind, fig.currency) == ("currency", currency)
    assert fig.value == pytest.approx(value)


def test_nurses_masks_and_resolutions_are_not_money():
    assert read("Nurses wore N95 masks on the ward.") == []
    assert read("Streaming at 1080p uses less data.") == []


def test_pairs_after_a_score_are_scores_too():
    text = "At 4-7, including 2-6 at home and 0-3 in the division, the team is out."
    assert [f.kind for f in parse_figures(text)] == ["score", "score", "score"]
    # without a score before it, an ascending pair followed by a noun is a range
    assert read("Recovery takes 7-10 days.") == [(8.5, "duration", "days", None)]


def test_a_year_before_a_number_still_reads_both():
    assert read("In 2019 23 people died on that road.") == [
        (2019, "year", None, None),
        (23, "count", "people", None),
    ]
    # a three-digit group after a number is two numbers, as documented
    assert [f.value for f in parse_figures("The tanks hold 81 100% full loads.")] == [81, 100]


@pytest.mark.parametrize(
    "text",
    [
        "1) Harbour Models 75188 Cargo Ship",
        "2. The cost of the works",
        "Box Collection 1-4 (Steelbook)",
    ],
)
def test_list_markers_and_ranges_in_names_are_not_figures(text):
    assert read(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "She ran the 400m in 49.2 seconds.",
            [(400, "quantity", "m", None), (49.2, "duration", "seconds", None)],
        ),
        ("He won the 100m final.", [(100, "quantity", "m", None)]),
        ("The wall is 5m high.", [(5, "quantity", "m", None)]),
        ("The app has 150m users.", [(150e6, "count", "users", None)]),
        (
            "The airline ordered 150 Boeing 737 MAX 10 jets.",
            [(150, "count", "jets", None)],
        ),
        (
            "Sony sold 4.5 million PlayStation 5 consoles.",
            [(4.5e6, "count", "consoles", None)],
        ),
        ("Children aged 5-12 pay half.", [(8.5, "number", None, None)]),
    ],
)
def test_metres_and_counts_after_model_names(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a label word used as a verb does not hide the count after it
        ("The firm plans to release 5 new phones.", [(5, "count", "phones", None)]),
        ("It builds 300 homes a year.", [(300, "count", "homes", None)]),
        ("It releases 2,360 kilograms of water.", [(2360, "quantity", "kg", None)]),
        ("The venue seats 200 people.", [(200, "count", "people", None)]),
        # units of science pages
        ("The galaxy lies 13 billion light-years away.", [(13e9, "quantity", "ly", None)]),
        ("The rocket can lift 95 metric tons.", [(95, "quantity", "t", None)]),
        ("The tower stands 98 m tall.", [(98, "quantity", "m", None)]),
        ("Blood pressure fell by 10 mmHg.", [(10, "quantity", "mmHg", None)]),
        ("The 30-40 year olds were surveyed.", [(35, "number", None, None)]),
    ],
)
def test_verbs_that_look_like_labels_and_more_units(text, expected):
    assert read(text) == expected


def test_a_scale_letter_after_a_name_is_a_code():
    assert read("The SLS Block 1B rocket will fly later.") == []
    assert read("See table 4 for the results.") == []
