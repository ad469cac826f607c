"""Check-worthiness, the ExtractedSentence contract, and properties of extract()."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.extract import ExtractedSentence, checkworthy, extract, shift
from claimtrack.extract.checkworthy import THRESHOLD


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


def test_non_assertions_score_zero_and_say_why():
    for text, feature in [
        ("Why did Klarna cut 700 jobs?", "question"),
        ("Check the full results below.", "instruction"),
        ("Sonos Move for $400", "promotion"),
        ("Buy now: the Acme X2 headphones are 40% off.", "promotion"),
        ("Thanks for reading, and subscribe to our newsletter.", "boilerplate"),
    ]:
        s = only(text)
        assert feature in s.features and s.checkworthy == 0.0 and not s.is_claim, text
        assert not s.candidate
        assert (f"not a claim: {feature}", 0.0) in s.why()
        assert all(w == 0.0 for _, w in s.why())
    # an ordinary sentence that starts with a word that can be a verb is not an instruction
    s = only("Research from Acme shows 40% of shoppers pay later.")
    assert "instruction" not in s.features and s.is_claim


def test_the_score_is_the_learned_probability_of_tfidf_and_features():
    import math

    s = only("Klarna cut 700 jobs in 2022, the company said.")
    m = checkworthy.model()
    # by hand: each occurrence of a vocabulary term counts its idf, scaled by the norm
    present = [t for t in checkworthy.terms(s.sentence) if t in m.terms]
    assert {"cut", "jobs", "the", "company", "said"} <= set(present)
    norm = math.sqrt(sum(m.terms[t][1] ** 2 for t in present))
    z = m.bias + sum(m.terms[t][0] * m.terms[t][1] for t in present) / norm
    z += sum(m.features[f] for f in s.features)
    assert abs(s.checkworthy - 1 / (1 + math.exp(-z))) < 1e-12
    assert abs(s.checkworthy - m.probability(s.sentence, s.features)) < 1e-12


def test_unknown_words_do_not_change_the_text_part_and_a_repeat_counts_again():
    m = checkworthy.model()
    base = "Revenue at the company rose to a record last year"
    assert "qqzzx" not in m.terms and "zzqqx" not in m.terms
    margins = {round(m.margin(text, ["change"]), 12) for text in (base, base + " qqzzx zzqqx")}
    assert len(margins) == 1
    twice = base.replace("rose", "rose rose")
    assert m.margin(twice, ["change"]) != m.margin(base, ["change"])


def test_why_names_the_features_and_words_that_raise_the_score():
    s = only("Klarna cut 700 jobs in 2022, the company said.")
    why = s.why(top=10)
    assert why[0][0] == "figure"  # the strongest reason here
    assert [w for _, w in why] == sorted((w for _, w in why), reverse=True)
    assert all(w > 0 for _, w in why)
    words = [reason for reason, _ in why if reason.startswith("word ")]
    assert words and all(reason[6:-1] in checkworthy.terms(s.sentence) for reason in words)
    # each reason's weight is its part of the margin: they add up to at most margin - bias
    m = checkworthy.model()
    parts = dict(m.reasons(s.sentence, s.features))
    assert abs(sum(parts.values()) - (m.margin(s.sentence, s.features) - m.bias)) < 1e-9
    assert all(abs(parts[reason] - w) <= 0.005 for reason, w in why)


def test_a_claim_scores_the_same_on_its_own_as_in_its_source():
    text = (
        "Klarna is a Swedish payments company. It said on Tuesday that its assistant does "
        "the work of 700 agents. The company did not say how it counted them."
    )
    for s in extract(text, all_sentences=True):
        alone = checkworthy.score(s.sentence, only(s.sentence).features)
        assert abs(alone - s.checkworthy) < 1e-9, s.sentence


def test_candidates_are_recorded_below_the_default_decision():
    s = only("The new model has 22-inch wheels.")
    assert "figure" in s.features and s.candidate
    assert checkworthy.is_candidate(["figure"], 0.1)
    assert not checkworthy.is_candidate(["named_entity"], THRESHOLD - 0.01)
    assert not checkworthy.is_candidate(["figure", "question"], 0.0)
    assert checkworthy.is_candidate([], THRESHOLD)
    for s in extract("Klarna cut 700 jobs. Is that true? See it now.", all_sentences=True):
        assert s.candidate == (s.is_claim or "figure" in s.features), s.sentence
        assert not s.is_claim or s.candidate


def test_terms_are_lower_cased_words_numbers_and_signs():
    assert checkworthy.terms("Sales rose 14% to $1,200 in 2024! It’s 2.3.") == [
        "sales", "rose", "14", "%", "to", "$", "1,200", "in", "2024", "!", "it’s", "2.3",
    ]  # fmt: skip
    assert checkworthy.terms("") == []


def test_the_model_loads_once_and_has_named_features():
    m = checkworthy.model()
    assert m is checkworthy.model()
    assert m.features["figure"] > 0 > m.features["question"]
    assert set(m.features) == set(checkworthy.FEATURES)
    assert m.meta["scorer_version"] == checkworthy.SCORER_VERSION
    assert all(idf >= 1.0 for _w, idf in m.terms.values())  # smoothed idf


def test_default_returns_only_claims():
    text = "Hello from London. Klarna cut 700 jobs. I love it."
    assert [s.sentence for s in extract(text)] == ["Klarna cut 700 jobs."]
    assert len(extract(text, all_sentences=True)) == 3


def test_to_json_is_the_contract():
    s = only("Klarna cut nearly 2,000 jobs, the company said.")
    obj = s.to_json("a1")
    assert list(obj) == [
        "id", "sentence", "start", "end", "is_claim", "checkworthy",
        "claimant", "cue", "hedged", "figures", "features", "why",
    ]  # fmt: skip
    assert obj["features"] == s.features
    assert obj["why"] == [{"reason": r, "weight": w} for r, w in s.why()]
    assert obj["why"] and obj["why"][0]["weight"] > 0
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


def test_a_text_whose_lower_case_changes_length_scores_each_sentence_as_alone():
    # "İ" lower-cases to two characters, so extraction cannot read words from the text
    # lower-cased once by the sentence's offsets; it lower-cases each sentence instead.
    text = "İstanbul hosted the fair. Klarna cut 700 jobs in 2022, the company said."
    assert len(text.lower()) != len(text)
    found = extract(text, all_sentences=True)
    assert [s.sentence for s in found][-1] == "Klarna cut 700 jobs in 2022, the company said."
    for s in found:
        assert text[s.start : s.end] == s.sentence
        assert abs(s.checkworthy - checkworthy.score(s.sentence, s.features)) < 1e-12
        assert abs(s.checkworthy - only(s.sentence).checkworthy) < 1e-9


def test_news_labels_keep_their_articles_on_one_side_of_the_split():
    import hashlib
    from pathlib import Path

    labels = Path(__file__).resolve().parent.parent / "benchmarks" / "data"
    rows = [
        line.split("\t")
        for line in (labels / "checkworthy_news_dev.tsv").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(rows) > 1000
    for article, start, end, digest, sample, split, label in rows:
        held = int(hashlib.sha256(article.encode()).hexdigest(), 16) % 3 == 0
        assert held == (split in ("heldout", "fresh")), (article, split)
        assert label in ("0", "1", "2") and int(start) < int(end) and len(digest) == 12
        assert (split == "fresh") == sample.startswith("fresh")
