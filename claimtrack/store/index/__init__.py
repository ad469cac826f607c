"""The case index: a SQLite database derived from a folder case, behind every read.

The JSON record files stay the truth. ``<workspace>/.cache/index.sqlite`` (``.cache`` is
gitignored) holds the same records as tables, a full-text search table over the claims
(``claimtrack.search``), and each claim's derived assessment and figure conflicts, so that
``claims``, ``flags`` and ``show`` read answers instead of loading and assessing the whole case.
docs/case-index.md describes the tables for people who open it with Datasette or sqlite-utils.

**Never stale.** Each file's size and modification time (and its sha256, compared only when
those differ) is in the ``files`` table. Before answering, the index compares them with the
folder: every file (``sync(full=True)``, for commands that read the whole case) or the
folders' own stamps plus the files an answer is made from (``sync(files=...)``, for ``show``
and for writers). What changed is read again and updated in one transaction. A file whose
stamp is too recent to be trusted (changed within ``RACY_NS`` of being checked, as git's
"racily clean" entries) has its content hashed on the next check.

**Never trusted blindly.** A missing, unreadable, truncated or garbage database, one made by
another index format, or one derived by other rules (``rules_fingerprint``: the source of the
modules that define assessments, conflicts, matching features and check-worthiness) is rebuilt
silently: into a new file, swapped in whole, so readers see the old index or the new one.

**Derived answers stay right incrementally.** A change marks what it reaches
(``claimtrack.store.derive``) in the ``pending_*`` tables in the same transaction; the next
read re-runs conflict detection in the touched figure buckets and re-assesses only the claims
reached, before answering.

SQLite runs in WAL mode: readers never wait for a writer and never see half a transaction.

The modules, in the order a reader needs them:

- ``schema``: the tables and views (``SCHEMA``), the file's place (``CACHE_DIR``,
  ``FILE_NAME``), ``INDEX_FORMAT`` and ``rules_fingerprint``;
- ``rows``: records as table rows, and what is derived from a claim's own record;
- ``relations``: the claim graph's edges as ``claimtrack.store.derive`` asks for them;
- ``reads``: ``IndexReads``, the derived reads (``query_claims``, ``neighbourhood``, ...);
- ``update``: ``IndexUpdates``, replacing changed records' rows and re-deriving what they reach;
- ``sync``: ``IndexSync``, comparing the files with the index, and write transactions;
- ``case``: ``CaseIndex`` (= reads + update + sync), opening, checking and rebuilding it.
"""

from .case import CaseIndex, index_error
from .schema import CACHE_DIR, FILE_NAME, INDEX_FORMAT, rules_fingerprint

__all__ = [
    "CACHE_DIR",
    "FILE_NAME",
    "INDEX_FORMAT",
    "CaseIndex",
    "index_error",
    "rules_fingerprint",
]
