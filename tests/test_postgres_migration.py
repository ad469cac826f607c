"""A case made by the first database layout (schema version 1, claimtrack 0.1's PostgreSQL
backend) is migrated when a newer claimtrack opens it: the records stay exactly as they were,
the derived tables of the first layout go (its matching index among them), and the state is
derived afresh on first use, giving the answers the folder gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from claimtrack.store.postgres import PostgresStore
from claimtrack.workspace import Workspace

EXAMPLE = Path(__file__).resolve().parents[1] / "claims"

# The tables as version 1 created them (frozen here: the code that made them is gone).
V1_TABLES = [
    """CREATE TABLE schema_version (version integer NOT NULL)""",
    """CREATE TABLE case_meta (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        format integer NOT NULL,
        settings text NOT NULL,
        generation bigint NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE records (
        kind text NOT NULL,
        id text COLLATE "C" NOT NULL,
        body text NOT NULL,
        claim text COLLATE "C",
        PRIMARY KEY (kind, id)
    )""",
    "CREATE INDEX records_claim ON records (claim) WHERE claim IS NOT NULL",
    """CREATE TABLE blobs (
        sha256 text COLLATE "C" PRIMARY KEY,
        data bytea NOT NULL
    )""",
    """CREATE TABLE claim_index (
        claim_id text COLLATE "C" PRIMARY KEY,
        search tsvector NOT NULL,
        checkworthy double precision NOT NULL,
        features text NOT NULL,
        code text NOT NULL
    )""",
    "CREATE INDEX claim_index_search ON claim_index USING gin (search)",
    "CREATE INDEX claim_index_code ON claim_index (code)",
    """CREATE TABLE match_keys (
        key text COLLATE "C" NOT NULL,
        claim_id text COLLATE "C" NOT NULL,
        PRIMARY KEY (key, claim_id)
    )""",
    "CREATE INDEX match_keys_claim ON match_keys (claim_id)",
    """CREATE TABLE claim_sources (
        source_id text COLLATE "C" NOT NULL,
        claim_id text COLLATE "C" NOT NULL,
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
    """CREATE TABLE claim_state (
        claim_id text COLLATE "C" PRIMARY KEY,
        status text,
        status_rank integer NOT NULL,
        weight double precision NOT NULL,
        mentions integer NOT NULL,
        checkworthy double precision NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        has_figures boolean NOT NULL,
        codes text[] NOT NULL,
        row_json text NOT NULL,
        row_fields text NOT NULL,
        assessment_json text NOT NULL
    )""",
    """CREATE TABLE claim_conflicts (
        position integer PRIMARY KEY,
        a text COLLATE "C" NOT NULL,
        b text COLLATE "C" NOT NULL,
        reason text NOT NULL
    )""",
    "CREATE INDEX claim_conflicts_a ON claim_conflicts (a)",
    "CREATE INDEX claim_conflicts_b ON claim_conflicts (b)",
    """CREATE TABLE derived_meta (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        generation bigint NOT NULL,
        code text NOT NULL
    )""",
    "INSERT INTO derived_meta (generation, code) VALUES (-1, '')",
]


def make_v1_case(url: str, folder: Workspace) -> None:
    """The case in ``folder`` stored as version 1 stored it: the records (exact file bytes),
    snapshots, and the record-level tables; the derived state left for the next read."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute("CREATE SCHEMA claimtrack")
        conn.execute("SET search_path TO claimtrack")
        for statement in V1_TABLES:
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version VALUES (1)")
        conn.execute("INSERT INTO case_meta (format, settings, generation) VALUES (1, '{}', 7)")
        for kind, part in (("claim", "claims"), ("source", "sources"),
                           ("evidence", "evidence"), ("question", "questions")):  # fmt: skip
            for path in sorted((folder.root / part).glob("*.json")):
                body = path.read_text(encoding="utf-8")
                about = json.loads(body).get("claim") if kind in ("evidence", "question") else None
                conn.execute(
                    "INSERT INTO records VALUES (%s, %s, %s, %s)", (kind, path.stem, body, about)
                )
        for claim in folder.load_all("claim"):
            for source in sorted({m.source for m in claim.mentions}):
                conn.execute("INSERT INTO claim_sources VALUES (%s, %s)", (source, claim.id))
            conn.execute("INSERT INTO match_keys VALUES ('agents', %s)", (claim.id,))
        for sha in folder.blob_hashes():
            conn.execute("INSERT INTO blobs VALUES (%s, %s)", (sha, folder.read_blob(sha)))


def test_a_version_1_case_is_migrated_and_derived_afresh(pg_url, tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "claims", ignore=shutil.ignore_patterns(".cache"))
    folder = Workspace.open(tmp_path / "claims")
    make_v1_case(pg_url, folder)
    store = PostgresStore.open(pg_url)
    db = store.db
    assert db.rows("SELECT version FROM schema_version") == [(2,)]
    assert db.rows("SELECT to_regclass('claimtrack.match_keys')") == [(None,)]
    assert db.rows("SELECT rules FROM derived_meta") == [("",)]  # derived on first use
    evidence = folder.load_all("evidence")
    assert evidence and dict(db.rows("SELECT id, source FROM records WHERE kind = 'evidence'")) == {
        e.id: e.source for e in evidence
    }
    for kind in ("claim", "source", "evidence", "question"):
        assert dict(store.raw_records(kind)) == {
            rid: folder.path_for(kind, rid).read_bytes() for rid in folder.ids(kind)
        }
    assert store.query_claims(order="triage") == folder.query_claims(order="triage")
    assert store.assessments() == folder.assessments()
    for cid in folder.ids("claim"):
        assert store.claim_view(cid) == folder.claim_view(cid)
    assert store.mention_counts() == folder.mention_counts()
    assert store.verify().ok
    store.close()
