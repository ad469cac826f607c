"""Claimants and cues, hedges and non-answers."""

from __future__ import annotations

import pytest

from claimtrack.extract import extract
from claimtrack.extract.attribution import attribute
from claimtrack.extract.hedges import hedge, nonanswer


@pytest.mark.parametrize(
    "sentence, claimant, cue",
    [
        ("Klarna says its assistant does the work of 700 agents.", "Klarna", "says"),
        ("Siemiatkowski told Bloomberg that hiring had stopped.", "Siemiatkowski", "told"),
        ("Klarna estimates the chatbot could add $40 million.", "Klarna", "estimates"),
        ("Revenue rose 27%, according to Klarna.", "Klarna", "according to"),
        ("Revenue rose 27%, Klarna said.", "Klarna", "said"),
        ('"We are done," said Sebastian Siemiatkowski.', "Sebastian Siemiatkowski", "said"),
        (
            "Siemiatkowski, Klarna's chief executive, said hiring had stopped.",
            "Siemiatkowski",
            "said",
        ),
        ("Its founder, Anita Roy, said revenue had tripled.", "Anita Roy", "said"),
        ("Klarna CEO Sebastian Siemiatkowski said so.", "Sebastian Siemiatkowski", "said"),
        ("A spokesperson said the figure was accurate.", "a spokesperson", "said"),
        ("Analysts expect volumes to recover.", "Analysts", "expect"),
        (
            "People familiar with the matter said it was sold.",
            "People familiar with the matter",
            "said",
        ),
        (
            "Around 21 million people work, according to official data.",
            "official data",
            "according to",
        ),
        ("Klarna reportedly made more cuts.", None, "reportedly"),
        ("Klarna cut 700 jobs.", None, None),
        ("Prices rose, according to them, by 5%.", None, None),
    ],
)
def test_claimant_and_cue(sentence, claimant, cue):
    assert attribute(sentence) == (claimant, cue)


def test_nouns_that_look_like_cues_are_not_attributions():
    assert attribute("Netflix added 13.1 million subscribers.") == (None, None)
    assert attribute("Sensor Tower's estimates are based on a sample.")[0] is None
    assert attribute("Orsted wrote down $4 billion.") == (None, None)


def test_the_company_is_the_organisation_named_before():
    text = (
        "Klarna, a Swedish fintech, laid off 700 people in 2022. "
        "Its assistant now does the work of 700 agents, according to the company. "
        "The Stockholm-based firm estimates it could save $40 million. "
        "It says the bots speak 35 languages."
    )
    found = extract(text)
    assert [s.claimant for s in found[1:]] == ["Klarna", "Klarna", "Klarna"]


def test_subjects_win_over_names_in_passing():
    text = (
        "Brightline Health raised $75 million in a round led by Sequoia. "
        "It says one in five hospitals use its software."
    )
    assert extract(text)[1].claimant == "Brightline Health"


def test_he_is_the_person_named_before():
    text = (
        "Siemiatkowski, Klarna's chief executive, spoke to Bloomberg on Monday. "
        "He said the workforce would shrink to 2,000."
    )
    assert extract(text)[-1].claimant == "Siemiatkowski"


def test_unresolvable_references_stay_as_written():
    assert extract("The company said it hired 300 people.")[0].claimant == "the company"


@pytest.mark.parametrize(
    "sentence",
    [
        "The chatbot could boost profits by $40 million.",
        "Klarna expects revenue to grow.",
        "It will cut up to 2,000 jobs.",
        "Sales may fall if demand weakens.",
        "The firm is set to reduce its workforce.",
        "Losses were estimated at $3 billion.",
    ],
)
def test_hedges(sentence):
    assert hedge(sentence)
    assert extract(sentence, all_sentences=True)[0].hedged


def test_plain_statements_are_not_hedged():
    assert hedge("Klarna cut 700 jobs in 2022.") is None


@pytest.mark.parametrize(
    "sentence",
    [
        "A spokesperson could not immediately provide specifics.",
        "A rep was not able to immediately provide specifics.",
        "Klarna declined to comment.",
        "The company did not respond to a request for comment.",
        "The company didn't respond to questions.",
        "Klarna did not say how it arrived at the figure.",
        "The firm would not say whether staff were told.",
        "Officials could not be reached.",
        "The bank has not responded.",
        "The company refused to disclose the cost.",
    ],
)
def test_non_answers(sentence):
    assert nonanswer(sentence)
    got = extract(sentence, all_sentences=True)[0]
    assert got.nonanswer and not got.is_claim


def test_answers_are_not_non_answers():
    for sentence in ["Klarna said it would not cut more jobs.", "The company responded quickly."]:
        assert not extract(sentence, all_sentences=True)[0].nonanswer


def test_name_index_agrees_with_last_named():
    from claimtrack.extract.attribution import NameIndex, last_named

    text = (
        "Cobalt Freight reported a loss. Freight volumes fell, according to IDC. "
        "Siemiatkowski, Klarna's chief executive, spoke. Sales in China rose. "
    )
    index = NameIndex(text)
    # references are resolved at the start of the phrase that makes them, never inside a name
    starts = [i + 2 for i, ch in enumerate(text) if ch == "." and i + 2 <= len(text)]
    for hi in [0, *starts]:
        for want in ("org", "person"):
            assert index.last_named(0, hi, want) == last_named(text[:hi], want)
