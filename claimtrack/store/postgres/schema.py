"""The tables of a database case, and how claimtrack creates and upgrades them.

All tables are in the schema ``claimtrack`` of the database. Three groups:

- **the case**: ``records`` (every record as the exact JSON text the folder writes,
  ``claimtrack.workspace.dump_record``, keyed by kind and content-derived id, with the claim an
  evidence or question is about and the source a piece of evidence comes from), ``blobs``
  (archived snapshots by sha256), ``case_meta`` (record format and settings). The text, not
  JSONB (which reorders keys), so that a case copied folder -> database -> folder gives
  identical files.
- **derived from each record alone**, written with it: ``claim_index`` (full-text search
  vector, check-worthiness and its reasons, matching words), ``match_words`` (how many claims
  hold each matching word), ``claim_sources`` (the sources a claim's mentions name),
  ``claim_aliases`` (merged ids), ``source_links`` (``derived_from``), ``conflict_entries``
  (each comparable figure, in its bucket).
- **derived from the relations between records**, brought up to date at the end of each
  writing transaction (``claimtrack.store.postgres.derived``): ``bucket_conflicts`` (figure
  conflicts found in each bucket) and ``claim_state`` (each claim's assessment and listing
  row); ``derived_meta`` says which rules made them.

``schema_version`` holds the layout's version: ``prepare`` creates the tables in an empty
database, brings an older layout up to date with ``MIGRATIONS`` (in one transaction) and
refuses a newer one.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ...errors import WorkspaceError
from .connection import SCHEMA, SETUP_LOCK, Database, one_line

SCHEMA_VERSION = 2
"""Version of the table layout below; ``MIGRATIONS[v]`` brings a case from v to v + 1."""

DERIVED_TABLES = (
    "claim_index",
    "match_words",
    "claim_sources",
    "claim_aliases",
    "source_links",
    "conflict_entries",
    "bucket_conflicts",
    "claim_state",
)
"""Everything derived from the records: emptied and made again by a rebuild."""

_DERIVED = [
    """CREATE TABLE claim_index (
        claim_id text COLLATE "C" PRIMARY KEY,
        search tsvector NOT NULL,
        checkworthy double precision NOT NULL,
        why text NOT NULL,
        words text NOT NULL
    )""",
    "CREATE INDEX claim_index_search ON claim_index USING gin (search)",
    """CREATE TABLE match_words (
        word text COLLATE "C" PRIMARY KEY,
        df integer NOT NULL
    )""",
    """CREATE TABLE conflict_entries (
        claim_id text COLLATE "C" NOT NULL,
        position integer NOT NULL,
        bucket text COLLATE "C" NOT NULL,
        figure_group text NOT NULL,
        unit text,
        entry text NOT NULL,
        PRIMARY KEY (claim_id, position)
    )""",
    "CREATE INDEX conflict_entries_bucket ON conflict_entries (bucket)",
    """CREATE TABLE bucket_conflicts (
        bucket text COLLATE "C" NOT NULL,
        a text COLLATE "C" NOT NULL,
        b text COLLATE "C" NOT NULL,
        reason text NOT NULL,
        PRIMARY KEY (bucket, a, b)
    )""",
    "CREATE INDEX bucket_conflicts_a ON bucket_conflicts (a)",
    "CREATE INDEX bucket_conflicts_b ON bucket_conflicts (b)",
    """CREATE TABLE claim_state (
        claim_id text COLLATE "C" PRIMARY KEY,
        status text,
        status_rank integer NOT NULL,
        weight double precision NOT NULL,
        mentions integer NOT NULL,
        mention_count integer NOT NULL,
        checkworthy double precision NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        has_figures boolean NOT NULL,
        codes text[] NOT NULL,
        row_json text NOT NULL,
        row_fields text NOT NULL,
        assessment_json text NOT NULL
    )""",
    """CREATE TABLE derived_meta (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        rules text NOT NULL,
        checkworthy_threshold double precision
    )""",
]

_CREATE = [
    f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
    "CREATE TABLE schema_version (version integer NOT NULL)",
    """CREATE TABLE case_meta (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        format integer NOT NULL,
        settings text NOT NULL
    )""",
    """CREATE TABLE records (
        kind text NOT NULL,
        id text COLLATE "C" NOT NULL,
        body text NOT NULL,
        claim text COLLATE "C",
        source text COLLATE "C",
        PRIMARY KEY (kind, id)
    )""",
    "CREATE INDEX records_claim ON records (claim) WHERE claim IS NOT NULL",
    "CREATE INDEX records_source ON records (source) WHERE source IS NOT NULL",
    """CREATE TABLE blobs (
        sha256 text COLLATE "C" PRIMARY KEY,
        data bytea NOT NULL
    )""",
    """CREATE TABLE claim_sources (
        source_id text COLLATE "C" NOT NULL,
        claim_id text COLLATE "C" NOT NULL,
        mentions integer NOT NULL,
        PRIMARY KEY (source_id, claim_id)
    )""",
    "CREATE INDEX claim_sources_claim ON claim_sources (claim_id)",
    """CREATE TABLE claim_aliases (
        alias text COLLATE "C" NOT NULL,
        claim_id text COLLATE "C" NOT NULL,
        PRIMARY KEY (alias, claim_id)
    )""",
    "CREATE INDEX claim_aliases_claim ON claim_aliases (claim_id)",
    """CREATE TABLE source_links (
        source_id text COLLATE "C" NOT NULL,
        derived_from text COLLATE "C" NOT NULL,
        PRIMARY KEY (source_id, derived_from)
    )""",
    "CREATE INDEX source_links_parent ON source_links (derived_from)",
    *_DERIVED,
]

Step = str | Callable[[Database], None]


def _evidence_sources(db: Database) -> None:
    """Fill ``records.source`` (new in version 2) for every piece of evidence."""
    rows = []
    for rid, body in db.rows("SELECT id, body FROM records WHERE kind = 'evidence'"):
        try:
            source = json.loads(body).get("source")
        except (ValueError, AttributeError):
            continue  # a damaged record: verify reports it
        if isinstance(source, str):
            rows.append((source, rid))
    db.executemany("UPDATE records SET source = %s WHERE kind = 'evidence' AND id = %s", rows)


MIGRATIONS: dict[int, list[Step]] = {
    # 1 -> 2: the derived state is kept incrementally (claimtrack.store.derive): figure
    # conflicts per bucket, each claim's matching words counted; the matching index of the
    # first backend (match_keys) and the write counter go. The derived tables are made
    # anew, empty, and filled by the first command that uses the case (derived_meta.rules
    # is blank until then).
    1: [
        'ALTER TABLE records ADD COLUMN source text COLLATE "C"',
        _evidence_sources,
        "CREATE INDEX records_source ON records (source) WHERE source IS NOT NULL",
        "ALTER TABLE case_meta DROP COLUMN generation",
        "DROP TABLE match_keys, claim_index, claim_state, claim_conflicts, derived_meta",
        "ALTER TABLE claim_sources ADD COLUMN mentions integer NOT NULL DEFAULT 1",
        "ALTER TABLE claim_sources ALTER COLUMN mentions DROP DEFAULT",
        *_DERIVED,
        "INSERT INTO derived_meta (rules) VALUES ('')",
    ],
}


def version(db: Database) -> int | None:
    """The layout version of the case's tables; None when the database has none."""
    [(present,)] = db.rows("SELECT to_regclass(%s) IS NOT NULL", (f"{SCHEMA}.schema_version",))
    if not present:
        return None
    [(found,)] = db.rows("SELECT max(version) FROM schema_version")
    return int(found)


def prepare(db: Database, *, create: bool, stamp: Callable[[], tuple[str, float]]) -> bool:
    """Check the case's tables: create them (``create``, in a database without them) or
    migrate them; WorkspaceError when there are none or they are newer. ``stamp`` gives
    (rules, check-worthiness threshold) to mark the (empty) derived state of a new case with;
    it is called only then (it loads the scorer). True when this call created the case."""
    import psycopg

    from ...workspace import SCHEMA_VERSION as FORMAT

    found = version(db)
    if found is None and not create:
        raise WorkspaceError(
            f"{db.location} is not a claimtrack case (the database has no claimtrack "
            f"tables); create one with: claimtrack init {db.location}"
        )
    if found is not None and found > SCHEMA_VERSION:
        raise WorkspaceError(
            f"{db.location} was set up by a newer claimtrack (database schema {found}, "
            f"this one knows up to {SCHEMA_VERSION}); upgrade claimtrack"
        )
    created = False
    if found is None or found < SCHEMA_VERSION:
        conn = db.conn()
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (SETUP_LOCK,))
                found = version(db)  # another process may have done it meanwhile
                if found is None:
                    for statement in _CREATE:
                        conn.execute(statement)
                    conn.execute(
                        "INSERT INTO case_meta (format, settings) VALUES (%s, %s)", (FORMAT, "{}")
                    )
                    conn.execute(
                        "INSERT INTO derived_meta (rules, checkworthy_threshold) VALUES (%s, %s)",
                        stamp(),
                    )
                    conn.execute(
                        "INSERT INTO schema_version (version) VALUES (%s)", (SCHEMA_VERSION,)
                    )
                    created = True
                else:
                    while found < SCHEMA_VERSION:
                        for step in MIGRATIONS[found]:
                            if callable(step):
                                step(db)
                            else:
                                conn.execute(step)
                        found += 1
                        conn.execute("UPDATE schema_version SET version = %s", (found,))
        except psycopg.errors.InsufficientPrivilege as exc:
            raise WorkspaceError(
                f"cannot create the case's tables in {db.location}: "
                f"{one_line(exc.diag.message_primary or exc)}; the database's owner "
                "can run claimtrack init, or grant CREATE on it"
            ) from None
        except psycopg.Error as exc:
            raise db.error(exc) from None
    fmt = settings(db)[0]
    if fmt > FORMAT:
        raise WorkspaceError(
            f"{db.location} holds records written by a newer claimtrack (format {fmt}, "
            f"this one reads up to {FORMAT}); upgrade claimtrack"
        )
    return created


def settings(db: Database) -> tuple[int, dict[str, object]]:
    """(record format, settings) of the case."""
    rows = db.rows("SELECT format, settings FROM case_meta")
    if not rows:
        raise WorkspaceError(f"{db.location} has no case settings; is it a claimtrack case?")
    fmt, text = rows[0]
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise WorkspaceError(f"the settings of {db.location} are not a JSON object")
    return int(fmt), parsed
