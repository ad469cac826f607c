"""The figure reader on text written the way others write it: currency with spaces and codes,
scale suffixes, spelled-out compounds, fractions, negatives, names and codes, ages, units,
scores (issue 15's categories; sentences written for these tests)."""

from __future__ import annotations

import pytest

from claimtrack.extract import parse_figures
from claimtrack.models import Figure


def read(text: str):
    return [(f.value, f.kind, f.unit, f.currency) for f in parse_figures(text)]


@pytest.mark.parametrize(
    "text, value, currency",
    [
        ("The start-up raised $ 8 million from angels.", 8e6, "USD"),
        ("The toll bridge cost £ 2.4 billion to build.", 2.4e9, "GBP"),
        ("Ottawa paid C $ 7.5 million for the land.", 7.5e6, "CAD"),
        ("The port operator borrowed HK $ 4 billion.", 4e9, "HKD"),
        ("Turnover reached US$ 6MM in the quarter.", 6e6, "USD"),
        ("The licence costs 30 USD million a year.", 30e6, "USD"),
        ("The grant was worth 12 MEUR in total.", 12e6, "EUR"),
        ("Each seat sold for 49.5USD at the door.", 49.5, "USD"),
        ("A bowl of noodles costs 300元 there.", 300, "CNY"),
        ("A museum ticket is 15,000₩ for adults.", 15000, "KRW"),
        ("The box set lists at 29.99 Euro in Germany.", 29.99, "EUR"),
        ("The farmer borrowed Rs 18 lakh from the bank.", 1.8e6, "INR"),
        ("The dam will cost 7 crore rupees.", 7e7, "INR"),
        ("The ledger showed 12,34,567.50 rupees owed.", 1234567.5, "INR"),
        ("The fund sold 2mil NOK of bonds.", 2e6, "NOK"),
        ("It cost 3 million and a half euros.", 3.5e6, "EUR"),
        ("She kept a one-dollar bill in her wallet.", 1, "USD"),
    ],
)
def test_currency_written_with_spaces_codes_and_scales(text, value, currency):
    (fig,) = parse_figures(text)
    assert (fig.kind, fig.currency) == ("currency", currency)
    assert fig.value == pytest.approx(value)


@pytest.mark.parametrize(
    "text, value",
    [
        ("The app now has 9M users.", 9e6),
        ("Exports rose to 6 bln last year.", 6e9),
        ("Public debt is near 3 tln.", 3e12),
        ("Half a billion was spent on roads.", 5e8),
        ("About a quarter billion people listen to it.", 2.5e8),
        ("Three quarters of a billion viewers tuned in.", 7.5e8),
        ("She bought three dozen eggs.", 36),
        ("The town has 1 234 567 residents.", 1234567),
        ("They planted three hundred and sixty five trees.", 365),
        ("There were eighty - two delegates.", 82),
        ("The dam cost four billion and a quarter dollars.", 4.25e9),
        ("The prize was three million and a half dollars.", 3.5e6),
        ("The bill came to one million, two hundred & six dollars.", 1000206),
        ("The trip took three and a half hours.", 3.5),
    ],
)
def test_scales_and_spelled_out_compounds(text, value):
    (fig,) = parse_figures(text)
    assert fig.value == pytest.approx(value)


def test_a_space_grouped_number_before_a_percent_is_two_numbers():
    assert [f.value for f in parse_figures("Scores were 64 100% of the time.")] == [64, 100]


@pytest.mark.parametrize(
    "text, value, kind",
    [
        ("Only two out of five hundred applicants passed.", 0.004, "ratio"),
        ("Three fifths of the members voted.", 0.6, "ratio"),
        ("Just over half were women.", 0.5, "ratio"),
        ("Half the budget went on salaries.", 0.5, "ratio"),
        ("Add ¾ cup of milk.", 0.75, "quantity"),
        ("Use a 3/8 inch drill bit.", 0.375, "quantity"),
        ("Gains ranged between ~3x and ~7x.", 5, "multiplier"),
        ("The lake froze at minus 8 degrees.", -8, "quantity"),
        ("Growth was negative two percent.", -2, "percent"),
        ("Margins fell -3% on the year.", -3, "percent"),
    ],
)
def test_fractions_ratios_ranges_and_negatives(text, value, kind):
    (fig,) = parse_figures(text)
    assert (fig.kind, fig.value) == (kind, pytest.approx(value))


@pytest.mark.parametrize(
    "text",
    [
        "She reread Slaughterhouse-5 on holiday.",
        "They saw Apollo 13 at the cinema.",
        "Ocean's 12 was filmed in Rome.",
        "Fahrenheit 451 is on the list.",
        "3M said demand was strong.",
        "7-Eleven opened more shops.",
        "The effect was confirmed (14).",
        "Later studies agreed (8, 9).",
        "Earlier work disagreed [21].",
        "See Nature. 2020; 581: 434-440.",
        "The convoy left at 0430 GMT.",
        "Neighbours made 911 calls all night.",
        "Listen to 5 Things in Science every day.",
    ],
)
def test_names_codes_and_references_are_not_figures(text):
    assert parse_figures(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The 52-year-old was charged.", [(52, "number", None, None)]),
        ("Maria Ortiz, 71, retired in May.", [(71, "number", None, None)]),
        ("She is in her mid-30s.", [(30, "number", None, None)]),
        ("The monitor is 2560 pixels wide.", [(2560, "count", "pixels", None)]),
        ("Pour in a 16-ounce bottle.", [(16, "quantity", "oz", None)]),
        ("Stir in 3 tbsp of honey.", [(3, "quantity", "tbsp", None)]),
        ("The car has 250 hp.", [(250, "quantity", "hp", None)]),
        ("It films at 60fps.", [(60, "quantity", "fps", None)]),
        ("The phone has a 12MP camera.", [(12, "quantity", "MP", None)]),
        ("He swam the 400 yard medley.", [(400, "quantity", "yd", None)]),
        ("The airline leased six 777 wide-body jets.", [(6, "count", "jets", None)]),
        ("It ordered 12 Airbus 320-200 planes.", [(12, "count", "planes", None)]),
        ("Three United Nations staff members were hurt.", [(3, "count", "members", None)]),
        ("He won the league twice.", [(2, "count", "times", None)]),
        ("Prices were twice as high.", [(2, "multiplier", None, None)]),
        ("She signed a one-year contract.", [(1, "duration", "years", None)]),
        ("A million or more fans came.", [(1e6, "count", "fans", None)]),
    ],
)
def test_kinds_ages_units_and_counted_nouns(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(
    "text, scores",
    [
        ("Federer won 7-5, 6-2.", ["7-5", "6-2"]),
        ("The hosts lost 31-20 on Sunday.", ["31-20"]),
        ("The club moved to a (6-2) record.", ["6-2"]),
        ("The Bulls 98, Knicks 91 game went late.", ["Bulls 98, Knicks 91"]),
    ],
)
def test_scores_are_scores(text, scores):
    figures = parse_figures(text)
    assert [(f.text, f.kind, f.value) for f in figures] == [(s, "score", None) for s in scores]


@pytest.mark.parametrize(
    "text, value",
    [("The trial lasts 2-3 weeks.", 2.5), ("Prices rose 4-5% this year.", 4.5)],
)
def test_ranges_with_a_unit_are_still_ranges(text, value):
    (fig,) = parse_figures(text)
    assert fig.value == value and fig.low is not None


@pytest.mark.parametrize(
    "text, kind",
    [("Sales grew in 2019.", "year"), ("The event ran 2018.04.05.", "date")],
)
def test_dates_and_years(text, kind):
    assert [f.kind for f in parse_figures(text)] == [kind]


def test_a_date_range_is_one_date():
    assert [(f.text, f.kind) for f in parse_figures("The fair runs Oct. 4–9 in Leeds.")] == [
        ("Oct. 4–9", "date")
    ]


def test_figures_are_validated_models_with_their_own_fields_set():
    a, b = parse_figures("Klarna cut 700 jobs and 2,000 roles.")
    assert isinstance(a, Figure) and a.model_fields_set == set(Figure.model_fields)
    assert a.model_fields_set is not b.model_fields_set
    a.model_fields_set.discard("unit")
    assert "unit" in b.model_fields_set
    assert a.model_copy(update={"value": 1.0}).value == 1.0 and a.value == 700
