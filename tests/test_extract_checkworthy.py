"""Check-worthiness, the ExtractedSentence contract, and properties of extract()."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.extract import ExtractedSentence, extract, shift
from claimtrack.extract.checkworthy import THRESHOLD, WEIGHTS


def only(text):
    found = extract(text, all_sentences=True)
    assert len(found) == 1
    return found[0]


def test_figures_and_attributed_statements_are_claims():
    s = only("Klarna says its assistant does the work of 700 agents.")
    assert s.is_claim and s.checkworthy >= THRESHOLD
    assert {"figure", "attributed", "named_entity"} <= set(s.features)
    s = only("Maersk warned that disruption in the Red Sea could last all year.")
    assert s.is_claim and "attributed" in s.features and "figure" not in s.features


def test_opinions_questions_and_greetings_are_not_claims():
    for text in [
        "I think this is a terrible decision.",
        "Are these expectations realistic?",
        "Thanks for reading, and subscribe to our newsletter.",
        "Hello from London.",
        "So true, AI will replace everything.",
        "Dependence on Technology for Revenue",
        "Increased Financial Performance from AI Investments",
    ]:
        s = only(text)
        assert not s.is_claim, (text, s.features)


def test_features_explain_the_score():
    s = only("Why did Klarna cut 700 jobs?")
    assert "question" in s.features and not s.is_claim
    expected = max(0.0, min(1.0, sum(WEIGHTS[f] for f in s.features)))
    assert s.checkworthy == expected


def test_default_returns_only_claims():
    text = "Hello from London. Klarna cut 700 jobs. I love it."
    assert [s.sentence for s in extract(text)] == ["Klarna cut 700 jobs."]
    assert len(extract(text, all_sentences=True)) == 3


def test_to_json_is_the_contract():
    s = only("Klarna cut nearly 2,000 jobs, the company said.")
    obj = s.to_json("a1")
    assert list(obj) == [
        "id", "sentence", "start", "end", "is_claim", "checkworthy",
        "claimant", "cue", "hedged", "figures",
    ]  # fmt: skip
    assert obj["figures"] == [
        {
            "text": "nearly 2,000 jobs",
            "start": 11,
            "end": 28,
            "value": 2000.0,
            "low": None,
            "high": None,
            "unit": "jobs",
            "kind": "count",
            "currency": None,
            "qualifier": "nearly",
        }
    ]
    json.dumps(obj)


def test_shift_moves_sentence_and_figures():
    s = only("Klarna cut 700 jobs.")
    moved = shift(s, 100)
    assert (moved.start, moved.end) == (100, s.end + 100)
    assert moved.figures[0].start == s.figures[0].start + 100
    assert s.figures[0].start == 11  # the original is unchanged
    assert isinstance(moved, ExtractedSentence)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Klarna",
                "cut",
                "nearly",
                "2,000",
                "jobs",
                "$40",
                "million",
                "27%",
                "in",
                "2024",
                "Inc.",
                "U.S.",
                "No.",
                "10",
                "said",
                "according to",
                "the company",
                "one in five",
                "between",
                "700",
                "and",
                "800",
                "\n",
                "\n\n",
                ".",
                "?",
                "-",
                "twenty-three",
                "half",
                "of",
                "24/7",
                "Covid-19",
                "Q3",
                "555-123-4567",
                "€",
                "(",
                ")",
                '"',
                "’s",
                " ",
            ]
        ),
        max_size=40,
    ).map(" ".join)
)
def test_offsets_always_index_the_input(text):
    for s in extract(text, all_sentences=True):
        assert text[s.start : s.end] == s.sentence
        assert 0 <= s.checkworthy <= 1
        for f in s.figures:
            assert s.start <= f.start < f.end <= s.end
            assert text[f.start : f.end] == f.text


def test_extract_finds_the_same_figures_as_parse():
    # extract() reuses the keyword scan to find number words; parse() scans on its own
    from claimtrack.extract.figures import parse

    text = (
        "Twenty-three markets and a dozen firms. A third of staff left, a two-year plan said. "
        "It cut an estimated seven hundred jobs; sales doubled and costs were three times "
        "higher. Half of users, half a million people, one in five shoppers and two-thirds "
        "of banks agreed.\n\n- one hundred and two agents\n- Ninety-nine languages"
    )
    via_extract = [f for s in extract(text, all_sentences=True) for f in s.figures]
    assert via_extract == parse(text)
    assert len(via_extract) == 13
