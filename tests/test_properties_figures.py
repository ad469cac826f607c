"""Property-based tests for the figure parser (``claimtrack.extract.figures.parse``): no crash
on any text, offsets that slice the input, and parse(format(x)) == x for generated figures.
"""

from __future__ import annotations

import math

from hypothesis import example, given
from hypothesis import strategies as st
from test_properties import SETTINGS, texts

from claimtrack.extract.figures import parse
from claimtrack.models import Figure

QUALIFIERS = {
    "": "exact",
    "nearly ": "nearly",
    "more than ": "more_than",
    "at least ": "at_least",
    "about ": "approximately",
    "fewer than ": "less_than",
}
UNITS = ["agents", "jobs", "employees", "markets", "languages", "customers", "stores"]
SCALES = {"million": 1e6, "billion": 1e9}


@SETTINGS
@given(text=texts | st.text(alphabet="0123456789,.$%€£ -–kmbnMBxX×/", max_size=80))
@example(text="$" * 500 + "1" * 500)
@example(text="1," * 2000)
@example(text="between 3 and " * 200)
def test_parse_never_crashes_and_offsets_slice_the_text(text):
    figures = parse(text)
    end = 0
    for fig in figures:
        assert isinstance(fig, Figure)
        assert end <= fig.start <= fig.end <= len(text)
        assert text[fig.start : fig.end] == fig.text
        end = fig.end
        for number in (fig.value, fig.low, fig.high):
            assert number is None or not math.isnan(number)
        Figure.model_validate(fig.model_dump())  # a valid record, although built unvalidated


def _sentence(before: str, phrase: str) -> str:
    return f"Acme said {before}{phrase} were affected last year."


@SETTINGS
@given(
    n=st.integers(min_value=2, max_value=10**9),
    unit=st.sampled_from(UNITS),
    qualifier=st.sampled_from(sorted(QUALIFIERS)),
)
def test_count_round_trip(n, unit, qualifier):
    phrase = f"{n:,} {unit}"
    figures = [f for f in parse(_sentence(qualifier, phrase)) if f.kind != "year"]
    assert len(figures) == 1, figures
    fig = figures[0]
    assert (fig.value, fig.kind, fig.unit, fig.qualifier) == (
        n,
        "count",
        unit,
        QUALIFIERS[qualifier],
    )
    assert fig.text == qualifier + phrase


@SETTINGS
@given(
    amount=st.integers(min_value=1, max_value=999),
    scale=st.sampled_from(sorted(SCALES)),
    qualifier=st.sampled_from(sorted(QUALIFIERS)),
)
def test_money_round_trip(amount, scale, qualifier):
    figures = [f for f in parse(_sentence(qualifier, f"${amount} {scale}")) if f.kind != "year"]
    assert len(figures) == 1, figures
    fig = figures[0]
    assert (fig.value, fig.kind, fig.currency, fig.qualifier) == (
        amount * SCALES[scale],
        "currency",
        "USD",
        QUALIFIERS[qualifier],
    )


@SETTINGS
@given(whole=st.integers(min_value=0, max_value=100), tenth=st.integers(min_value=0, max_value=9))
def test_percent_round_trip(whole, tenth):
    written = f"{whole}.{tenth}%" if tenth else f"{whole}%"
    figures = parse(f"Revenue grew {written} in the quarter.")
    assert [(f.value, f.kind, f.unit) for f in figures] == [
        (pytest_approx(whole + tenth / 10), "percent", None)
    ]


def pytest_approx(value: float):
    import pytest

    return pytest.approx(value)


def _with_positions(text: str) -> list[Figure]:
    """The figures ``extract`` reads: the keyword scan's number-word positions given."""
    from claimtrack.extract.triggers import scan_columns

    at, cats, _ = scan_columns(text)
    return parse(text, word_positions=[p for p, c in zip(at, cats, strict=True) if "number" in c])


@SETTINGS
@given(text=texts | st.text(alphabet="onetwhrfivsxalfdq '’\"-.,", max_size=80))
@example(text="A woman was 'cut in half' in an accident.")
@example(text="Officials said 'well over half' of the crowd stayed.")
@example(text="An episode of Three’s Company aired at nine.")
@example(text="It is one's own choice; two's company.")
def test_a_text_gives_the_same_figures_with_and_without_the_keyword_positions(text):
    # extract() hands the reader the keyword scan's positions; import, matching and the
    # case index call parse(text) alone: they must read the same figures.
    assert [(f.value, f.start, f.end) for f in _with_positions(text)] == [
        (f.value, f.start, f.end) for f in parse(text)
    ]
