"""Ingest: turn a URL, a saved page, a text file or a reading note into an archived Source.

For each input::

    fetch or read -> decode -> parse (page: trafilatura; text: Markdown, reading notes)
                  -> Source record (id from the canonical URL, else from the content)
                  -> claimtrack.extract on the text
    then, in batches: archive the raw bytes and the text (by sha256), write the Source,
                  link its sentences to claims (claimtrack.linking.attach)

Everything an input needs (download, parsing, text extraction, claim extraction) is computed
before anything is written, so an input that fails leaves the workspace exactly as it was.
Re-ingesting the same URL or the same file content finds the existing source and changes
nothing (``IngestResult.new`` is False).

Inputs:

- http(s) URLs, fetched within limits (claimtrack.fetch);
- saved HTML pages (``.html``, ``.htm``) and folders of them;
- plain text (``.txt``) and Markdown (``.md``);
- reading notes: Readwise/Obsidian highlight notes and structured summaries
  (claimtrack.notes). Their Source is the article they describe, not the note.

Modules: ``decode`` (bytes to text), ``page`` (web pages), ``text`` (text, Markdown, notes),
``document`` (what parsing gives), ``pipeline`` (prepare, commit, batches). ``ingest_one``
handles one input and ``iter_ingest``/``ingest_many`` many (URLs fetched concurrently,
results in input order). ``verify`` re-hashes the archive (``Store.verify``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import FetchError, InputError
from ..store.verify import VerifyProblem, VerifyReport
from .decode import decode
from .document import SEPARATOR, Document
from .page import parse_html
from .pipeline import (
    IngestOptions,
    IngestResult,
    Prepared,
    archive,
    classify,
    commit,
    expand,
    ingest_many,
    ingest_one,
    iter_ingest,
    merge_into,
    prepare,
    source_record,
)
from .text import parse_text

if TYPE_CHECKING:
    from ..store.base import Store


def verify(ws: Store) -> VerifyReport:
    """Re-hash every archived snapshot and check every record (``Store.verify``)."""
    return ws.verify()


__all__ = [
    "SEPARATOR",
    "Document",
    "FetchError",
    "IngestOptions",
    "IngestResult",
    "InputError",
    "Prepared",
    "VerifyProblem",
    "VerifyReport",
    "archive",
    "classify",
    "commit",
    "decode",
    "expand",
    "ingest_many",
    "ingest_one",
    "iter_ingest",
    "merge_into",
    "parse_html",
    "parse_text",
    "prepare",
    "source_record",
    "verify",
]
