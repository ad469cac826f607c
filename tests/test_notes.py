"""Reading-note parsers: Readwise highlight notes and structured summaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtrack import notes
from claimtrack.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_readwise_note_describes_the_original_article():
    note = notes.parse(read("klarna_highlights.md"), "klarna_highlights.md")
    assert note.format == "readwise"
    assert note.url == "https://news.example.org/2024/03/klarna-chatbot-workload"
    assert note.title == "How Klarna counts the work its chatbot does"
    assert note.author == "Maria Lindqvist"
    assert note.published == "2024-03-01"
    assert note.kind == "article"
    origins = [s.origin for s in note.segments]
    assert origins == ["text", "highlight", "highlight", "highlight", "summary"]


def test_readwise_highlights_are_plain_text_and_reader_notes_kept_apart():
    note = notes.parse(read("klarna_highlights.md"))
    highlights = [s.text for s in note.segments if s.origin == "highlight"]
    assert highlights[0].startswith("Klarna would not say how it had turned chat volumes")
    assert "700 full-time agents" in highlights[0] and "*" not in highlights[0]
    # the link's words stay, its address goes
    assert highlights[2].endswith("more than 35 languages, the company said.")
    assert note.notes == [
        "Ask for the denominator: two thirds of which chats?",
        "Compare with the press release wording.",
    ]
    assert not any("View Highlight" in n or "readwise.io" in n for n in note.notes)
    # a reader's note is never part of the article's text
    assert not any("denominator" in s.text for s in note.segments)
    summary = note.segments[-1].text
    assert summary.startswith("The payments company Klarna credits") and "$40 million" in summary


def test_structured_summary_describes_the_linked_article():
    note = notes.parse(read("klarna_summary.md"), "klarna_summary.md")
    assert note.format == "summary"
    assert note.url == "https://business.example.co.uk/klarna-halve-staff-ai-2024"
    assert note.title == "Klarna plans to halve its staff as AI takes on customer service"
    assert note.kind == "article"
    assert note.notes == ["structured summary from https://digest.example.net/p/20241110"]
    summary = [s.text for s in note.segments if s.origin == "summary"]
    assert summary[0] == note.title
    assert summary[1].startswith("Klarna intends to shrink its workforce")
    cells = [s.text for s in note.segments if s.origin == "table"]
    assert "The chatbot handles the workload of 700 customer service agents." in cells
    assert "Shrinking through attrition" in cells
    # relevancy scores and source hashes are not text
    assert not any(c.strip().isdigit() for c in cells)
    assert not any("0123456789abcdef" in c for c in cells)
    assert "A customer service chatbot built on a large language model." in cells


def test_plain_markdown_is_not_a_note():
    assert notes.parse("# A heading\n\nSome text about 700 agents.\n") is None
    assert notes.detect("---\ntitle: x\n---\nbody\n") is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("---\ntitle: x\nURL: https://a.example/1\n## Highlights\n> q\n", "never closed"),
        ("---\ntitle: [unclosed\n---\n## Highlights\n> a quote\n", "not valid YAML"),
        ("---\ntitle: x\n---\n## Highlights\n", "holds no highlights"),
        (
            "---\ntitle: x\n---\n## Highlights\n### id1\n[[2024-01-01]] 10:00\n\n"
            "- [n] a note but no quote\n",
            "'### id1' (line 5) has no quoted text",
        ),
        ("---\n- a\n- b\n---\n## Highlights\n> q\n", "not a list of 'key: value' lines"),
    ],
)
def test_malformed_readwise_notes_name_the_problem(text, problem):
    with pytest.raises(InputError) as err:
        notes.parse(text, "bad.md")
    assert str(err.value).startswith("bad.md: ")
    assert problem in str(err.value)


def test_yaml_error_gives_the_line():
    text = "---\ntitle: fine\nauthor: [broken\n---\n## Highlights\n> q\n"
    with pytest.raises(InputError, match=r"line \d"):
        notes.parse(text, "bad.md")


def test_summary_without_external_link_is_refused():
    text = "# Title, (from page [1](https://d.example/1).)\n\n## Summary\n\nSome text.\n"
    with pytest.raises(InputError, match="External link"):
        notes.parse(text, "s.md")


def test_summary_table_with_a_broken_row_names_the_line():
    text = (
        "# T\n\n[External link](https://a.example/x)\n\n## Signals\n\n"
        "| name | description |\n|:--|:--|\n| one | fine |\n| two | too | many |\n"
    )
    with pytest.raises(InputError, match=r"line 10 of the table under '## Signals' has 3 cells"):
        notes.parse(text, "s.md")


def test_summary_with_nothing_to_read_is_refused():
    text = "# T\n\n[External link](https://a.example/x)\n\n## Keywords\n\n* a\n"
    with pytest.raises(InputError, match="no '## Summary' text and no tables"):
        notes.parse(text, "s.md")


def test_plain_strips_inline_markdown():
    assert notes.plain("**Klarna** said [in a post](https://x.example/p) `700`") == (
        "Klarna said in a post 700"
    )
    assert notes.plain("![cover](https://x.example/c.jpg) [[AI]] and [[a|b]]") == "AI and b"
