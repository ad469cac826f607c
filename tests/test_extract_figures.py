"""Figures: parsing and normalising the numbers in news sentences."""

from __future__ import annotations

import pytest

from claimtrack.extract.figures import parse


def one(text: str):
    figures = parse(text)
    assert len(figures) == 1, [f.text for f in figures]
    return figures[0]


def summary(text: str):
    return [(f.value, f.kind, f.unit, f.currency, f.qualifier) for f in parse(text)]


@pytest.mark.parametrize(
    "text, value",
    [
        ("Klarna cut 2,000 jobs.", 2000),
        ("The shares rose to 1.45 euros.", 1.45),
        ("It raised $40 million.", 40e6),
        ("Revenue hit $1.2bn last year.", 1.2e9),
        ("A fund of 3 trillion dollars.", 3e12),
        ("The app has 200k users.", 200e3),
        ("It lost €10M in the deal.", 10e6),
        ("Its GDP is $2.174T.", 2.174e12),
        ("Seven hundred agents were hired.", 700),
        ("Some twenty-three markets are covered.", 23),
        ("It hired a dozen engineers.", 12),
        ("It hired one hundred and two engineers.", 102),
        ("It spent two and a half million dollars.", 2.5e6),
        ("Half a million users signed up.", 500e3),
    ],
)
def test_values_are_fully_scaled(text, value):
    assert one(text).value == pytest.approx(value)


def test_figure_text_and_offsets_index_the_input():
    text = "Intro line.\nKlarna plans to cut nearly 2,000 jobs this year."
    f = one(text)
    assert f.text == "nearly 2,000 jobs"
    assert text[f.start : f.end] == f.text


@pytest.mark.parametrize(
    "text, currency",
    [
        ("It paid $5 for it.", "USD"),
        ("It paid US$5 for it.", "USD"),
        ("It paid A$5 billion for it.", "AUD"),
        ("It paid €5 for it.", "EUR"),
        ("It paid £5 for it.", "GBP"),
        ("Profit was SEK 3bn.", "SEK"),
        ("Profit was 3bn SEK.", "SEK"),
        ("Profit was NOK 6.3 billion.", "NOK"),
        ("It spent 40 million dollars.", "USD"),
        ("Sales were 59.6 billion kronor.", "SEK"),
        ("Sales were 65.9 billion Danish kroner.", "DKK"),
        ("Profit was 600 billion won.", "KRW"),
        ("It costs 15€.", "EUR"),
        ("I spent 20 million pounds on it.", "GBP"),
    ],
)
def test_currencies_by_symbol_code_and_name(text, currency):
    f = one(text)
    assert (f.kind, f.currency, f.unit) == ("currency", currency, None)


def test_cents_are_fractions_of_the_currency():
    assert summary("It pays a dividend of 20 cents a share.") == [
        (0.2, "currency", None, "USD", "exact")
    ]


def test_percent_points_and_basis_points():
    assert summary(
        "Revenue rose 27% and margins 3 percentage points; rates rose 50 basis points."
    ) == [
        (27, "percent", None, None, "exact"),
        (3, "percentage_points", None, None, "exact"),
        (0.5, "percentage_points", None, None, "exact"),
    ]
    assert one("Sales grew 12 per cent.").kind == "percent"


@pytest.mark.parametrize(
    "text, value",
    [
        ("Costs were three times higher.", 3),
        ("Sales grew 2x in a year.", 2),
        ("Revenue doubled.", 2),
        ("Orders tripled.", 3),
        ("Rates have halved.", 0.5),
        ("It is twice as fast.", 2),
        ("Inflation is double the target.", 2),
    ],
)
def test_multipliers(text, value):
    f = one(text)
    assert (f.kind, f.value) == ("multiplier", value)


def test_times_that_counts_events_is_not_a_multiplier():
    f = one("The bank has raised rates eight times since then.")
    assert (f.kind, f.unit, f.value) == ("count", "times", 8)


@pytest.mark.parametrize(
    "text, value",
    [
        ("One in five customers left.", 0.2),
        ("About 1 in 4 shoppers paid late.", 0.25),
        ("Two out of every three firms agreed.", 2 / 3),
        ("Half of its staff work remotely.", 0.5),
        ("Shares fell by about two-thirds.", 2 / 3),
        ("It cut the price by a third.", 1 / 3),
    ],
)
def test_ratios(text, value):
    f = one(text)
    assert f.kind == "ratio"
    assert f.value == pytest.approx(value)


@pytest.mark.parametrize(
    "text, low, high, kind",
    [
        ("It will hire between 700 and 800 staff.", 700, 800, "count"),
        ("Premiums may rise 10 to 15 percent.", 10, 15, "percent"),
        ("It sold 3-4% of its stake.", 3, 4, "percent"),
        ("It will spend $3 to 4 billion.", 3e9, 4e9, "currency"),
        ("It will spend between $2 billion and $2.5 billion.", 2e9, 2.5e9, "currency"),
        ("It plans an 8- to 16-meter telescope.", 8, 16, "quantity"),
        ("Voyages take 10 to 14 days longer.", 10, 14, "duration"),
    ],
)
def test_ranges(text, low, high, kind):
    f = one(text)
    assert (f.low, f.high, f.kind) == (low, high, kind)
    assert f.value == pytest.approx((low + high) / 2)


def test_from_to_is_a_change_not_a_range():
    assert [f.value for f in parse("Headcount fell from 5,000 to 3,800.")] == [5000, 3800]
    assert [f.kind for f in parse("Profit fell 55% to $1.13 billion.")] == ["percent", "currency"]


@pytest.mark.parametrize(
    "text, qualifier",
    [
        ("It cut nearly 2,000 jobs.", "nearly"),
        ("It cut almost 2,000 jobs.", "nearly"),
        ("It cut about 2,000 jobs.", "approximately"),
        ("It cut roughly 2,000 jobs.", "approximately"),
        ("It cut some 2,000 jobs.", "approximately"),
        ("It cut more than 2,000 jobs.", "more_than"),
        ("It cut over 2,000 jobs.", "more_than"),
        ("It cut 2,000+ jobs.", "more_than"),
        ("It cut at least 2,000 jobs.", "at_least"),
        ("It will cut up to 2,000 jobs.", "at_most"),
        ("It will cut as many as 2,000 jobs.", "at_most"),
        ("It cut fewer than 2,000 jobs.", "less_than"),
        ("It cut 2,000 jobs.", "exact"),
    ],
)
def test_qualifiers(text, qualifier):
    f = one(text)
    assert f.qualifier == qualifier
    assert f.text.endswith("2,000 jobs") or f.text.endswith("2,000+ jobs")


def test_over_a_duration_means_during_it():
    assert one("It will invest the money over two years.").qualifier == "exact"


@pytest.mark.parametrize(
    "text, unit",
    [
        ("Its assistant does the work of 700 agents.", "agents"),
        ("It speaks 35 languages.", "languages"),
        ("It is live in 23 markets.", "markets"),
        ("It is equivalent to 700 full-time human agents.", "agents"),
        ("It equals 700 customer service agents.", "agents"),
        ("The firm employs 2,000 people.", "people"),
        ("Airbus delivered 735 aircraft.", "aircraft"),
        ("It opened 1 store.", "store"),
        ("Three rivals filed complaints.", "rivals"),
        ("It added 1.5 million new 5G customers.", "customers"),
        ("It accounted for 571 of the deliveries.", "deliveries"),
        ("It shipped 234.6 million iPhones.", "iphones"),
    ],
)
def test_counted_noun_is_the_unit(text, unit):
    f = one(text)
    assert (f.kind, f.unit) == ("count", unit)


def test_measures_and_durations_have_canonical_units():
    assert summary("A 450 MW farm, 250 km of road, 3,000 tonnes of CO2 and a two-year plan.") == [
        (450, "quantity", "MW", None, "exact"),
        (250, "quantity", "km", None, "exact"),
        (3000, "quantity", "t", None, "exact"),
        (2, "duration", "years", None, "exact"),
    ]
    assert summary("It is open 24 hours a day.") == [(24, "duration", "hours", None, "exact")]


def test_years_and_dates_are_not_counts():
    assert summary("In 2024 it cut jobs, as it did in the 1990s and in fiscal 2023.") == [
        (2024, "year", None, None, "exact"),
        (1990, "year", None, None, "exact"),
        (2023, "year", None, None, "exact"),
    ]
    kinds = [
        f.kind for f in parse("It began on Feb. 27, 2024, on 12 April 2024 and on 2024-02-28.")
    ]
    assert kinds == ["date", "date", "date"]
    assert [f.value for f in parse("On March 4 talks resume.")] == [None]


def test_a_four_digit_count_after_a_verb_is_not_a_year():
    assert summary("Klarna cut 2000 jobs in 2000.") == [
        (2000, "count", "jobs", None, "exact"),
        (2000, "year", None, None, "exact"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Call 555-123-4567 for details.",
        "Call +44 20 7946 0958 for details.",
        "Call (555) 123-4567 for details.",
        "The meeting was at No. 10 Downing Street.",
        "Support is open 24/7.",
        "Sales fell during Covid-19.",
        "Results improved in Q3.",
        "The Boeing 737 is its best seller.",
        "It runs Windows 11.",
        "It is a Fortune 500 company.",
        "The iPhone 15 sold well.",
        "It rolled out 5G networks.",
        "GPT-4 was released then.",
        "One of the founders left.",
        "No one knows.",
        "The meeting starts at 2 pm, or 14:30.",
        "See https://example.com/article/91039401 for more.",
        "![cover](https://images.example.net/upload/w_1280,q_80/2024/02/p-1-700.jpg)",
        "See www.example.com/2024/report-27 for more.",
        "It is at [page 20241103](https://example.substack.com/p/20241103).",
        "Profits rose in the second half of the year.",
        "It was the third-largest fine.",
    ],
)
def test_things_that_are_not_figures(text):
    assert parse(text) == []


def test_a_year_after_a_quarter_is_still_a_year():
    assert summary("Construction begins in Q3 2025.") == [(2025, "year", None, None, "exact")]


def test_no_float_noise_in_scaled_values():
    assert one("Sales drove $16.6 billion.").value == 16_600_000_000.0


def test_a_number_too_large_for_a_float_has_no_value():
    from claimtrack.extract import extract

    (sentence,) = extract("The firm says it made $" + "9" * 400 + " million.")
    assert [(f.kind, f.value) for f in sentence.figures] == [("currency", None)]
