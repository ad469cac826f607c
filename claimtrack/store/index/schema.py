"""The case index's tables, views and file layout, what makes an index trustworthy (its format
and the fingerprint of the rules it was derived by), and the small helpers every part uses."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sized
from pathlib import Path
from typing import TypeVar

INDEX_FORMAT = 1
"""Bumped when the tables change; an index of another format is rebuilt."""
CACHE_DIR = ".cache"
FILE_NAME = "index.sqlite"
RACY_NS = 2_000_000_000
"""A file changed this close to when it was checked may change again unseen within the same
timestamp tick (coarse clocks, network drives): its content is hashed on the next check."""
LOCK_TIMEOUT = 60.0
FULL_DERIVE_SHARE = 0.2
"""When more than this share of the claims must be re-assessed, assess the whole case at once
(cheaper than claim by claim)."""
KIND_TABLES = {
    "claim": "claims",
    "source": "sources",
    "evidence": "evidence",
    "question": "questions",
}
KINDS = tuple(KIND_TABLES)

Stat = tuple[int, int]
"""A record file's (size, mtime_ns)."""
FileRow = tuple[int, int, "str | None", int]
"""A ``files`` row without its key: (size, mtime_ns, sha256 or None if unreadable,
checked_ns)."""
Todo = list[tuple[str, str, "Stat | None"]]
"""(kind, id, stat, or None when the file is gone) of the record files to read again."""

# Modules whose code defines what the index derives: a change to any of them rebuilds it.
RULE_MODULES = (
    "flags.py",
    "conflicts.py",
    "search.py",
    "claimants.py",
    "vocabulary.py",
    "models.py",
    "ids.py",
    "store/derive.py",
    "store/base.py",
)
RULE_FOLDERS = ("extract", "match", "data", "store/index")


def rules_fingerprint() -> str:
    """A hash of the source of everything the index's derived columns depend on: the
    assessment and conflict rules, matching features, the check-worthiness scorer (all of
    ``claimtrack/extract``) and its data files, and the index's own code."""
    package = Path(__file__).resolve().parent.parent.parent
    h = hashlib.sha256(f"format {INDEX_FORMAT}".encode())
    paths = [package / name for name in RULE_MODULES]
    for folder in RULE_FOLDERS:
        root = package / folder
        if root.is_dir():
            paths += sorted(
                p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            )
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            data = b""
        h.update(str(path.relative_to(package)).encode() + b"\0" + data + b"\0")
    return h.hexdigest()[:32]


SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files (
    kind TEXT NOT NULL, id TEXT NOT NULL, size INTEGER, mtime_ns INTEGER, sha256 TEXT,
    checked_ns INTEGER, PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE folders (kind TEXT PRIMARY KEY, mtime_ns INTEGER, checked_ns INTEGER, digest TEXT);
CREATE TABLE problems (kind TEXT NOT NULL, id TEXT NOT NULL, path TEXT, reason TEXT,
    PRIMARY KEY (kind, id));

CREATE TABLE claims (
    id TEXT PRIMARY KEY, text TEXT NOT NULL, title TEXT, claimant TEXT, ref TEXT,
    created_at TEXT, tags TEXT, aliases TEXT, figures TEXT, mention_count INTEGER,
    source_count INTEGER, figure_count INTEGER, checkworthy REAL, why TEXT, match_words TEXT,
    record TEXT NOT NULL
);
CREATE TABLE figures (
    claim_id TEXT NOT NULL, position INTEGER NOT NULL, text TEXT, value REAL, low REAL,
    high REAL, unit TEXT, kind TEXT, currency TEXT, qualifier TEXT,
    PRIMARY KEY (claim_id, position)
);
CREATE TABLE mentions (
    claim_id TEXT NOT NULL, position INTEGER NOT NULL, source_id TEXT, quote TEXT,
    start INTEGER, "end" INTEGER, claimant TEXT, cue TEXT, hedged INTEGER, origin TEXT,
    PRIMARY KEY (claim_id, position)
);
CREATE TABLE aliases (alias TEXT NOT NULL, claim_id TEXT NOT NULL, PRIMARY KEY (alias, claim_id));
CREATE TABLE sources (
    id TEXT PRIMARY KEY, url TEXT, title TEXT, author TEXT, publisher TEXT, published TEXT,
    retrieved_at TEXT, kind TEXT, sha256 TEXT, text_sha256 TEXT, content_type TEXT,
    language TEXT, input TEXT, notes TEXT, record TEXT NOT NULL
);
CREATE TABLE derived_from (source_id TEXT NOT NULL, parent_id TEXT NOT NULL,
    PRIMARY KEY (source_id, parent_id));
CREATE TABLE evidence (
    id TEXT PRIMARY KEY, claim_id TEXT, source_id TEXT, stance TEXT, quote TEXT,
    unverified INTEGER, note TEXT, author TEXT, created_at TEXT, removed_at TEXT,
    record TEXT NOT NULL
);
CREATE TABLE questions (
    id TEXT PRIMARY KEY, claim_id TEXT, text TEXT, status TEXT, answer TEXT,
    evidence_id TEXT, origin_rule TEXT, origin_source TEXT, origin_sentence TEXT,
    created_at TEXT, record TEXT NOT NULL
);

CREATE TABLE assessments (
    claim_id TEXT PRIMARY KEY, status TEXT, status_rank INTEGER, flag_weight REAL,
    flag_count INTEGER, flags TEXT, origins INTEGER, backing INTEGER, mentions INTEGER,
    claimant TEXT, groups TEXT, supporting TEXT, contradicting TEXT
);
CREATE TABLE claim_flags (claim_id TEXT NOT NULL, position INTEGER NOT NULL, code TEXT,
    detail TEXT, PRIMARY KEY (claim_id, position));
CREATE TABLE conflict_entries (
    claim_id TEXT NOT NULL, position INTEGER NOT NULL, bucket TEXT NOT NULL,
    figure_group TEXT, unit TEXT, entry TEXT NOT NULL, PRIMARY KEY (claim_id, position)
);
CREATE TABLE bucket_conflicts (bucket TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL,
    reason TEXT, PRIMARY KEY (bucket, a, b));
CREATE TABLE match_words (word TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE pending_claims (id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE pending_seeds (kind TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (kind, id))
    WITHOUT ROWID;
CREATE TABLE pending_buckets (bucket TEXT PRIMARY KEY, figure_group TEXT, unit TEXT);

CREATE VIEW conflicts AS
    SELECT a, b, reason FROM bucket_conflicts AS bc
    WHERE bucket = (SELECT min(bucket) FROM bucket_conflicts AS o WHERE o.a = bc.a AND o.b = bc.b);
CREATE VIEW claim_status AS
    SELECT c.id, c.text, c.claimant, a.status,
        (SELECT group_concat(code, ' ') FROM claim_flags AS f WHERE f.claim_id = c.id) AS flags,
        a.origins, a.backing AS sources_behind, c.mention_count AS mentions,
        c.source_count AS sources, c.figure_count AS figures, c.checkworthy, c.ref,
        c.created_at
    FROM claims AS c LEFT JOIN assessments AS a ON a.claim_id = c.id;
CREATE VIEW source_mentions AS
    SELECT s.id, s.title, s.url, s.kind, s.publisher, s.published, s.retrieved_at,
        (SELECT count(*) FROM mentions AS m WHERE m.source_id = s.id) AS mentions,
        (SELECT count(DISTINCT m.claim_id) FROM mentions AS m WHERE m.source_id = s.id)
            AS claims
    FROM sources AS s;
CREATE VIEW edges AS
    SELECT 'asserts' AS relation, source_id AS source, claim_id AS target,
        claim_id || '/' || position AS ref FROM mentions
    UNION ALL SELECT stance, source_id, claim_id, id FROM evidence WHERE removed_at IS NULL
    UNION ALL SELECT 'asks_about', id, claim_id, id FROM questions
    UNION ALL SELECT 'derived_from', source_id, parent_id, NULL FROM derived_from
    UNION ALL SELECT 'conflicts_with', a, b, reason FROM conflicts;
"""


INDEXES = """
CREATE INDEX claims_created ON claims (created_at, id);
CREATE INDEX mentions_by_source ON mentions (source_id, claim_id);
CREATE INDEX derived_from_parent ON derived_from (parent_id);
CREATE INDEX evidence_by_claim ON evidence (claim_id);
CREATE INDEX evidence_by_source ON evidence (source_id);
CREATE INDEX questions_by_claim ON questions (claim_id);
CREATE INDEX assessments_severity ON assessments
    (status_rank, flag_weight DESC, mentions DESC, claim_id);
CREATE INDEX claim_flags_by_code ON claim_flags (code, claim_id);
CREATE INDEX conflict_entries_by_bucket ON conflict_entries (bucket);
CREATE INDEX bucket_conflicts_a ON bucket_conflicts (a);
CREATE INDEX bucket_conflicts_b ON bucket_conflicts (b);
"""
"""Created after a build's rows are in (faster than keeping them up to date row by row)."""


class Rebuild(Exception):
    """The index cannot be trusted: build it again (never shown to users)."""


T = TypeVar("T")


def dumps(value: object) -> str:
    """JSON text as the index stores it."""
    if not value and isinstance(value, list):
        return "[]"
    return json.dumps(value, ensure_ascii=False)


def chunks(items: list[T], size: int = 500) -> Iterator[list[T]]:
    """``items`` a few hundred at a time (SQLite limits the parameters of a statement)."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def marks(items: Sized) -> str:
    """The ``?, ?, ...`` of an ``IN (...)`` for these items."""
    return ",".join("?" * len(items))
