"""Property-based tests (hypothesis): the record loader, extraction and the note parsers never
crash on any input; they either work or raise the one error their contract names.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from claimtrack import notes
from claimtrack.errors import CorruptRecord, InputError
from claimtrack.extract import extract
from claimtrack.models import RECORD_TYPES, Claim, Figure, Mention
from claimtrack.workspace import Workspace, dump_record

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def store():
    root = Path(tempfile.mkdtemp(prefix="claimtrack-props-"))
    ws, _ = Workspace.init(root / "claims")
    yield ws
    shutil.rmtree(root, ignore_errors=True)


VALID = Claim(
    id="c-000000000001",
    text="Acme says its assistant does the work of 700 agents.",
    claimant="Acme",
    figures=[Figure(text="700 agents", start=41, end=51, value=700, unit="agents", kind="count")],
    mentions=[Mention(source="s-000000000001", quote="It does the work of 700 agents.")],
)
VALID_JSON = json.loads(dump_record(VALID))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _load_outcome(ws: Workspace, kind: str, data: bytes):
    """Write ``data`` as a record file and load it: a record, or CorruptRecord, never else."""
    record_id = {"claim": "c-000000000001", "source": "s-000000000001"}.get(kind, "e-000000000001")
    path = ws.path_for(kind, record_id)
    path.write_bytes(data)
    try:
        record = ws.load(kind, record_id)
    except CorruptRecord as exc:
        assert str(path) in str(exc)
        record = None
    else:
        assert isinstance(record, RECORD_TYPES[kind]) and record.id == record_id
    ws.problems = []
    loaded = ws.load_all(kind)
    assert (record is None) == (len(ws.problems) == 1)
    assert len(loaded) == (record is not None)
    path.unlink()
    return record


@SETTINGS
@given(data=st.binary(max_size=2000), kind=st.sampled_from(["claim", "source", "evidence"]))
@example(data=b"", kind="claim")
@example(data=b"\xff\xfe{", kind="claim")
@example(data=b'{"id": "c-000000000001", "text": "\x00"}', kind="claim")
@example(data=b"[" * 5000, kind="claim")
@example(data=b'{"id": "c-000000000001", "text": "a", "text": "b"}', kind="claim")
def test_loader_on_arbitrary_bytes(store, data, kind):
    _load_outcome(store, kind, data)


@SETTINGS
@given(
    key=st.sampled_from(sorted(VALID_JSON)),
    value=json_values,
    drop=st.booleans(),
)
def test_loader_on_a_valid_record_with_one_field_changed(store, key, value, drop):
    data = dict(VALID_JSON)
    if drop:
        data.pop(key)
    else:
        data[key] = value
    record = _load_outcome(store, "claim", json.dumps(data).encode())
    if record is not None:  # if it loads, it saves back to the same stable form
        assert json.loads(dump_record(record)) == json.loads(dump_record(Claim(**record.__dict__)))


@SETTINGS
@given(cut=st.integers(min_value=0, max_value=len(dump_record(VALID)) - 1))
def test_loader_on_a_record_truncated_anywhere(store, cut):
    data = dump_record(VALID)[:cut]
    record = _load_outcome(store, "claim", data)
    # Only whitespace at the end may be lost; anything more is a corrupt record.
    assert record is None or data.strip() == dump_record(VALID).strip()


# -- extraction ----------------------------------------------------------------------------------
sentence_parts = st.sampled_from(
    [
        "Acme says",
        "its assistant does the work of",
        "700",
        "2,300,000",
        "$40 million",
        "27%",
        "nearly",
        "agents",
        "jobs",
        ".",
        "!",
        "?",
        "...",
        "\n",
        "\n\n",
        " ",
        "U.S.",
        "Dr.",
        "“",
        "”",
        "(",
        ")",
        "3.5",
        "1.",
        "e.g.",
        "—",
        "\x00",
        "\u2028",
        "é",
        "🙂",
    ]
)
texts = (
    st.text(max_size=400)
    | st.lists(sentence_parts, max_size=60).map(" ".join)
    | st.lists(sentence_parts, max_size=60).map("".join)
)


@SETTINGS
@given(text=texts, all_sentences=st.booleans())
@example(text="", all_sentences=True)
@example(text="Acme said 700 agents\r\nwere cut. " * 3, all_sentences=False)
def test_extract_offsets_always_slice_the_input(text, all_sentences):
    items = extract(text, all_sentences=all_sentences)
    last_end = 0
    for item in items:
        assert 0 <= item.start <= item.end <= len(text)
        assert text[item.start : item.end] == item.sentence
        assert item.start >= last_end  # in order, not overlapping
        last_end = item.end
        for figure in item.figures:
            if figure.start is not None and figure.end is not None:
                assert item.start <= figure.start <= figure.end <= item.end
                assert text[figure.start : figure.end] == figure.text
        json.dumps(item.to_json())  # the --json contract always serialises


@SETTINGS
@given(text=texts)
def test_extract_is_a_pure_function_of_text(text):
    first, second = extract(text), extract(text)
    assert [s.to_json() for s in first] == [s.to_json() for s in second]


# -- note parsers ---------------------------------------------------------------------------------
note_lines = st.sampled_from(
    [
        "---",
        "...",
        "title: Acme assistant",
        "title: [unclosed",
        "author: : :",
        "tags: [a, b",
        "- a list item",
        "url: https://example.com/a",
        "published date: 2024-02-27",
        "published date: not a date",
        "## Highlights",
        "## Summary",
        "## Signals",
        "### 1",
        "### id-2",
        "> Acme says its assistant does the work of 700 agents.",
        ">",
        "- [n] the reader's note",
        "summary:: Acme cut 700 jobs.",
        "url:: [articles URL](https://example.com/b)",
        "# Acme cuts jobs, (from page [20241103](https://example.com/p).)",
        "__[External link](https://example.com/c)__",
        "[External link](",
        "| name | description |",
        "|:--|:--|",
        "| a | b |",
        "| unbalanced |",
        "",
        "\t",
        "\ufeff---",
        "\x00",
    ]
)
note_texts = st.lists(note_lines, max_size=40).map("\n".join) | st.text(max_size=300)


@SETTINGS
@given(text=note_texts)
@example(text="---\n## Highlights")
@example(text="# T\n[External link](https://e.example)\n## Summary\n| a |\n|--|\n")
def test_note_parser_raises_only_input_error(text):
    _parse_note(notes.parse, text)


def _parse_note(parse, text: str) -> None:
    """``parse`` gives a Note (or None) or raises InputError naming the file; nothing else."""
    try:
        note = parse(text, "note.md")
    except InputError as exc:
        assert "note.md" in str(exc)
        return
    if note is not None:
        assert note.format in ("readwise", "summary")
        assert all(isinstance(segment.text, str) for segment in note.segments)


@SETTINGS
@given(text=note_texts)
def test_front_matter_split_raises_only_input_error(text):
    try:
        data, body, line = notes.split_front_matter(text, "note.md")
    except InputError as exc:
        assert "note.md" in str(exc)
        return
    assert isinstance(data, dict) and isinstance(body, str) and line >= 1


def _dumps_form(record) -> bytes:
    """A record file's bytes as ``json.dumps`` writes them (what ``dump_record`` must give)."""
    data = record.model_dump(mode="json")
    try:
        text = json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError:  # infinity or NaN: written as null, as pydantic's JSON does
        data = json.loads(record.model_dump_json())
        text = json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


record_texts = st.text(
    st.characters(blacklist_categories=["Cs"]) | st.sampled_from('\x00\x1f\x7f\u2028"\\\t'),
    max_size=30,
)
any_floats = st.floats() | st.sampled_from([1e-5, 2.5e-7, 1e16, 1.5e22, -0.0, 9999999999999998.0])


@SETTINGS
@given(
    text=record_texts,
    tags=st.lists(record_texts, max_size=3),
    values=st.lists(st.tuples(any_floats, any_floats | st.none()), max_size=4),
    offset=st.integers(min_value=-(2**70), max_value=2**70) | st.none(),
)
@example(text="1e-05", tags=[], values=[(1e-05, None)], offset=None)
@example(text="inf", tags=["\x00"], values=[(float("inf"), float("-inf"))], offset=2**65)
def test_record_bytes_are_json_dumps_bytes(text, tags, values, offset):
    claim = Claim(
        id="c-000000000001",
        text=text,
        tags=tags,
        figures=[Figure(text=text, value=v, low=low, start=offset) for v, low in values],
        mentions=[Mention(source="s-000000000001", quote=text, start=offset)],
    )
    assert dump_record(claim) == _dumps_form(claim)
