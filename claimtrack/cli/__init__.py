"""claimtrack's command line. ``main`` is the click group; commands live in modules by area:

- records:  init, reindex, claims, show, sources
- ingest:   ingest, verify
- extract:  extract
- linking:  match, import, merge, detach, question, questions
- evidence: evidence, link, flags, check
- export:   export
- copy:     copy (a case between a folder and a database)
"""

from . import copy, evidence, export, extract, ingest, linking, records  # noqa: F401  (registers)
from .base import main

__all__ = ["main"]
