"""Sentence splitting: offsets into the original text, and the usual traps."""

from __future__ import annotations

from claimtrack.extract.sentences import split


def sentences(text: str) -> list[str]:
    spans = split(text)
    for a, b in spans:
        assert text[a:b] == text[a:b].strip()
    return [text[a:b] for a, b in spans]


def test_abbreviations_do_not_end_sentences():
    text = "Dr. Ng joined Acme Inc. in May. Mr. Lee left. The U.S. market grew. It ranks No. 1 in sales."
    assert sentences(text) == [
        "Dr. Ng joined Acme Inc. in May.",
        "Mr. Lee left.",
        "The U.S. market grew.",
        "It ranks No. 1 in sales.",
    ]


def test_an_abbreviation_can_still_end_a_sentence():
    assert sentences("It sells in the U.S. The company said so.") == [
        "It sells in the U.S.",
        "The company said so.",
    ]


def test_decimals_dates_and_initials():
    assert sentences("Shares rose 1.45 percent on Feb. 27 after J. Smith spoke. Then fell.") == [
        "Shares rose 1.45 percent on Feb. 27 after J. Smith spoke.",
        "Then fell.",
    ]


def test_quotes():
    assert sentences('He said "we are done." Then he left. "Is it?" he asked.') == [
        'He said "we are done."',
        "Then he left.",
        '"Is it?" he asked.',
    ]


def test_blank_lines_always_end_a_sentence():
    assert sentences("A heading without a stop\n\nand a paragraph that starts in lower case.") == [
        "A heading without a stop",
        "and a paragraph that starts in lower case.",
    ]


def test_bullets_headings_and_quotes_are_units_without_their_markers():
    text = "# Klarna cuts\n- 700 agents\n- 35 languages\n> Revenue rose 27%\n1. First item"
    assert sentences(text) == [
        "Klarna cuts",
        "700 agents",
        "35 languages",
        "Revenue rose 27%",
        "First item",
    ]


def test_hard_wrapped_prose_is_joined():
    text = (
        "Klarna said on Tuesday that its assistant, which it built with OpenAI, now\n"
        "handles two-thirds of chats.\n"
    )
    assert sentences(text) == [text.strip()]


def test_table_cells_are_separate():
    assert sentences("| a | Klarna cut 2,000 jobs. |\n|---|---|\n| b | c |") == [
        "a",
        "Klarna cut 2,000 jobs.",
        "b",
        "c",
    ]


def test_offsets_index_the_text():
    text = "  First one.   Second one!\n\n  Third?  "
    for a, b in split(text):
        assert text[a] not in " \n" and text[b - 1] in ".!?"
