"""The two note parsers called directly (not through ``notes.parse``'s detection) on any text:
a Note or InputError, never another exception."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from test_properties import SETTINGS, _parse_note, note_texts

from claimtrack import notes


@pytest.mark.parametrize("parser", ["parse_readwise", "parse_summary"])
@SETTINGS
@given(text=note_texts)
@example(text="")
@example(text="\n\n")
def test_each_note_parser_raises_only_input_error(parser, text):
    _parse_note(getattr(notes, parser), text)
