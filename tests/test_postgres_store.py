"""A case kept in PostgreSQL (claimtrack.store.postgres) against a real throwaway server: the
store interface, the same answers as the folder, copying both ways byte for byte, the schema
version, verify, and what nothing leaves on the local disk."""

from __future__ import annotations

import inspect
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimtrack.cli import main
from claimtrack.errors import AmbiguousId, NotFound, WorkspaceError
from claimtrack.models import Claim, Evidence, Mention, Source
from claimtrack.store import NaiveReads, Store, open_store
from claimtrack.store.postgres import PostgresStore, redact
from claimtrack.workspace import Workspace
from tests.conftest import snapshot_tree

EXAMPLE = Path(__file__).resolve().parents[1] / "claims"


def cli(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def example_db(pg, tmp_path):
    """The bundled example case (claims/) copied into the database; (store, folder)."""
    folder = tmp_path / "example"
    shutil.copytree(EXAMPLE, folder)
    result = cli("copy", str(folder), pg.url)
    assert result.exit_code == 0, result.output
    return pg, Workspace.open(folder)


def test_the_database_store_has_every_method_of_the_interface():
    wanted = {n for n, _ in inspect.getmembers(Store) if not n.startswith("_")} - {"problems"}
    assert not {n for n in wanted if not hasattr(PostgresStore, n)}


def test_open_store_opens_a_database_case_by_url(pg):
    store = open_store(pg.url)
    assert isinstance(store, PostgresStore) and store.ids("claim") == []
    assert "not-a-real-secret" in pg.url and "not-a-real-secret" not in store.location
    store.close()


def test_location_never_shows_a_password():
    assert redact("postgresql://desk:s3cret@db.example.org:5433/klarna") == (
        "postgresql://desk@db.example.org:5433/klarna"
    )
    assert redact("postgresql://db/klarna?password=s3cret&sslmode=require") == (
        "postgresql://db/klarna?sslmode=require"
    )


def test_records_round_trip_and_resolve_like_a_folder(pg):
    claim = Claim(id="c-3f2a9b1c0d4e", text="The assistant does the work of 700 agents.")
    other = Claim(id="c-3f2a00000000", text="Another claim.", aliases=["c-99aa00000000"])
    source = Source(id="s-000000000001", title="A page")
    pg.save_many([claim, other, source])
    assert pg.load("claim", claim.id) == claim
    assert pg.ids("claim") == sorted([claim.id, other.id])
    assert pg.exists("source", source.id) and not pg.exists("source", "s-ffffffffffff")
    assert pg.resolve("c-3f2a9") == ("claim", claim.id)
    assert pg.resolve("3f2a9") == ("claim", claim.id)  # a bare hex prefix: every kind
    with pytest.raises(AmbiguousId):
        pg.resolve("c-3f2a")
    assert pg.resolve("c-99aa") == ("claim", other.id)  # a merged id resolves to the survivor
    with pytest.raises(NotFound, match="no claim with id"):
        pg.get("c-dead")
    with pytest.raises(NotFound):
        pg.resolve("../etc")
    assert pg.load_many("claim", [claim.id, "c-ffffffffffff"]) == {claim.id: claim}
    # The stored text is the folder's file, byte for byte.
    from claimtrack.workspace import dump_record

    assert dict(pg.raw_records("claim"))[claim.id] == dump_record(claim)
    pg.delete("claim", other.id)
    assert pg.ids("claim") == [claim.id]
    with pytest.raises(WorkspaceError, match="is lower-case letters"):
        pg.save(Claim(id="C-BAD", text="x"))


def test_a_failed_transaction_writes_nothing(pg):
    with pytest.raises(RuntimeError):
        with pg.transaction():
            pg.save(Claim(id="c-000000000001", text="First."))
            with pg.transaction():  # re-entrant
                pg.save(Claim(id="c-000000000002", text="Second."))
            raise RuntimeError("the command failed half way")
    assert pg.ids("claim") == [] and pg.query_claims() == []
    assert pg.db.rows("SELECT count(*) FROM claim_index") == [(0,)]
    with pg.transaction():
        pg.save(Claim(id="c-000000000001", text="First."))
    assert pg.ids("claim") == ["c-000000000001"]
    assert [r["id"] for r in pg.query_claims()] == ["c-000000000001"]


def test_on_commit_runs_after_the_commit_and_never_after_a_rollback(pg):
    ran = []
    with pg.transaction(), pg.batch():
        pg.save(Claim(id="c-000000000001", text="First."))
        pg.on_commit(lambda: ran.append(PostgresStore.open(pg.url).ids("claim")))
        assert ran == []
    assert ran == [["c-000000000001"]]  # another session sees the write by then
    with pytest.raises(RuntimeError):
        with pg.transaction():
            pg.on_commit(lambda: ran.append("rolled back"))
            raise RuntimeError
    pg.on_commit(lambda: ran.append("now"))
    assert ran == [["c-000000000001"], "now"]


def test_snapshots_are_kept_by_sha256(pg):
    sha = pg.put_blob(b"archived text")
    assert pg.put_blob(b"archived text") == sha
    assert pg.read_blob(sha) == b"archived text"
    assert list(pg.blob_hashes()) == [sha]
    with pytest.raises(NotFound):
        pg.read_blob("0" * 64)
    with pytest.raises(NotFound):
        pg.read_blob("../../etc/passwd")
    source = Source(id="s-000000000001", text_sha256=sha)
    assert pg.source_text(source) == "archived text"


def test_settings(pg):
    pg.set_setting("publisher", "The Daily")
    assert PostgresStore.open(pg.url).settings == {"publisher": "The Daily"}


def test_copy_folder_to_database_and_back_is_byte_for_byte(example_db, tmp_path):
    pg, folder = example_db
    back = tmp_path / "back"
    result = cli("copy", pg.url, str(back))
    assert result.exit_code == 0, result.output
    assert "not-a-real-secret" not in result.output
    assert snapshot_tree(back) == snapshot_tree(folder.root)
    assert len(pg.ids("claim")) == len(folder.ids("claim")) > 10
    # A database that already holds a case is not copied over.
    result = cli("copy", str(back), pg.url)
    assert result.exit_code == 1 and "already holds a case" in result.output
    result = cli("copy", pg.url, str(back))
    assert result.exit_code == 1 and "already exists" in result.output


def test_copy_refuses_a_case_with_a_broken_record_and_writes_nothing(pg, tmp_path):
    folder = tmp_path / "example"
    shutil.copytree(EXAMPLE, folder)
    broken = sorted((folder / "claims").glob("c-*.json"))[0]
    broken.write_text('{"id": "c-', encoding="utf-8")
    result = cli("copy", str(folder), pg.url)
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot copy") and broken.stem in result.output
    assert pg.ids("claim") == [] and pg.ids("source") == []


def test_the_derived_reads_give_the_folder_answers(example_db, monkeypatch):
    pg, folder = example_db
    reference = {
        "assessments": NaiveReads.assessments(pg),
        "flags": NaiveReads.query_claims(pg, flagged=True, order="severity"),
    }

    def whole_case():
        raise AssertionError("a stored answer must not read the whole case")

    monkeypatch.setattr(pg, "records", whole_case)  # the copy derived every claim's state
    assert pg.assessments() == reference["assessments"]
    assert pg.query_claims(flagged=True, order="severity") == reference["flags"]
    for options in [
        {},
        {"order": "severity"},
        {"order": "triage"},
        {"flagged": True, "figures_only": True, "order": "severity"},
        {"flagged": False},
        {"status": "unsupported"},
        {"codes": ["self-reported", "hedged"]},
        {"min_checkworthy": 0.5, "order": "triage", "limit": 3},
    ]:
        expected = folder.query_claims(**options)
        assert pg.query_claims(**options) == expected, options
    assert pg.assessments() == folder.assessments()
    assert pg.mention_counts() == folder.mention_counts()
    assert pg.checkworthy_threshold() == folder.checkworthy_threshold()
    fields = [("claim", "id"), ("text", "text"), ("flags", "flags"), ("figures", "figures")]
    for options in [{"flagged": True, "figures_only": True, "order": "severity"}, {"limit": 4}]:
        expected = [
            json.dumps({name: row[key] for name, key in fields}, ensure_ascii=False)
            for row in folder.query_claims(**options)
        ]
        assert pg.query_claims_json(fields, **options) == expected
    for cid in folder.ids("claim"):
        assert pg.assessments([cid]) == folder.assessments([cid])
        near, want = pg.neighbourhood(cid), folder.neighbourhood(cid)
        for part in ("claims", "sources", "evidence", "questions"):
            assert list(getattr(near, part).items()) == list(getattr(want, part).items()), part
        assert pg.claim_view(cid) == folder.claim_view(cid)
    for sid in folder.ids("source"):
        assert pg.claims_of_source(sid) == folder.claims_of_source(sid)
    with pytest.raises(NotFound):
        pg.neighbourhood("c-ffffffffffff")


def test_derived_reads_follow_every_write(example_db):
    pg, folder = example_db
    before = pg.query_claims(order="severity")
    target = before[0]["id"]
    other = PostgresStore.open(pg.url)  # another journalist's session
    source = next(iter(folder.records().sources.values()))
    evidence = Evidence(
        id="e-00000000abcd",
        claim=target,
        source=source.id,
        stance="contradicts",
        quote="a passage",
        unverified=True,
    )
    other.save(evidence)
    folder.save(evidence)
    assert pg.query_claims(order="severity") == folder.query_claims(order="severity")
    assert pg.assessments([target])[target].status == "contradicted"
    other.delete("evidence", evidence.id)
    assert pg.query_claims(order="severity") == before
    other.close()


def test_another_claimtrack_version_derives_the_state_afresh(example_db, monkeypatch):
    from claimtrack.store.postgres import derived

    pg, folder = example_db
    expected = folder.query_claims(order="triage")
    assert pg.query_claims(order="triage") == expected
    pg.db.execute("UPDATE claim_index SET checkworthy = 0, words = '[]'")
    pg.db.execute("UPDATE claim_state SET row_json = '{}'")
    monkeypatch.setattr(derived, "_RULES", "another-version")
    assert pg.query_claims(order="triage") == expected
    assert pg.db.rows("SELECT rules FROM derived_meta") == [("another-version",)]
    assert pg.search("700 agents")
    assert pg.db.rows("SELECT count(*) FROM match_words WHERE df > 0")[0][0] > 50


def test_search_finds_claims_by_their_words(example_db):
    pg, _ = example_db
    found = pg.search("the work of 700 agents", top=5)
    assert found and all(isinstance(score, float) for _, score in found)
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
    top = pg.load("claim", found[0][0])
    assert "700" in top.text
    assert pg.search("   ...  ") == []
    assert pg.search('AND OR NOT "chats" * ^ ( | & !') is not None  # never query syntax
    # Accents are folded, words are stemmed.
    pg.save(Claim(id="c-0000000000aa", text="Le café a embauché 12 baristas."))
    assert pg.search("cafe embauche")[0][0] == "c-0000000000aa"
    assert pg.search("barista")[0][0] == "c-0000000000aa"


def test_linking_matches_against_the_database(pg):
    from claimtrack.linking import match_queries

    pg.save(
        Claim(
            id="c-00000000000a",
            text="Klarna's AI assistant does the work of 700 full-time agents",
            claimant="Klarna",
            mentions=[Mention(source="s-000000000001", quote="q")],
        )
    )
    [[(claim, score)]] = match_queries(pg, ["The assistant does the work of 700 agents"], top=1)
    assert claim.id == "c-00000000000a" and score > 0.5
    assert pg.claims_of_source("s-000000000001") == ["c-00000000000a"]
    from claimtrack.match import claim_features

    words = claim_features(claim).words
    assert pg.match_statistics([*words, "unheard"]) == (1, dict.fromkeys(words, 1))


def test_verify_rehashes_the_snapshots_in_the_database(example_db, pg_server):
    pg, folder = example_db
    result = cli("--workspace", pg.url, "verify")
    assert result.exit_code == 0, result.output
    assert result.output == cli("--workspace", str(folder.root), "verify").output
    assert result.output.startswith("OK: 4 sources, 8 snapshots")
    [sha, other] = list(pg.blob_hashes())[:2]
    pg.db.execute("UPDATE blobs SET data = %s WHERE sha256 = %s", (b"tampered", sha))
    pg.db.execute("DELETE FROM blobs WHERE sha256 = %s", (other,))
    result = cli("--workspace", pg.url, "verify", "--json")
    assert result.exit_code == 1
    problems = {p["problem"]: p for p in map(json.loads, result.output.splitlines())}
    assert set(problems) == {"mismatch", "missing"}
    assert sha in problems["mismatch"]["path"] and other in problems["missing"]["path"]


def test_a_newer_schema_is_refused_in_one_line(pg):
    pg.db.execute("UPDATE schema_version SET version = 99")
    result = cli("--workspace", pg.url, "claims")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {pg.location} was set up by a newer claimtrack (database schema 99, this one "
        "knows up to 2); upgrade claimtrack"
    ]


def test_init_creates_a_case_in_an_empty_database_and_nothing_on_disk(
    pg_url, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init", pg_url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output == f"Created an empty claimtrack workspace in {redact(pg_url)}\n"
    result = CliRunner().invoke(
        main, ["init"], env={"CLAIMTRACK_WORKSPACE": pg_url}, catch_exceptions=False
    )
    assert result.output == f"{redact(pg_url)} is already a claimtrack workspace; nothing changed\n"
    assert list(tmp_path.iterdir()) == []


def test_commands_on_a_database_case_create_nothing_on_disk(pg_run, tmp_path):
    note = tmp_path.parent / "note.md"
    note.write_text(
        "# Klarna\n\nKlarna says its assistant handles 2.3 million chats a month.\n",
        encoding="utf-8",
    )
    assert pg_run("ingest", str(note)).exit_code == 0
    for args in (["claims"], ["flags"], ["sources"], ["questions"], ["verify"]):
        result = pg_run(*args)
        assert result.exit_code == 0, (args, result.output)
    claims = [json.loads(x) for x in pg_run("claims", "--json").output.splitlines()]
    assert len(claims) == 1 and "2.3 million" in claims[0]["text"]
    assert list(tmp_path.iterdir()) == []


def test_merge_and_detach_in_a_database(pg_run, pg):
    lines = [
        {"text": "Klarna's assistant does the work of 700 agents.", "source": "wire"},
        {"text": "The chatbot replaced 700 customer service staff.", "source": "blog"},
    ]
    path = Path.cwd().parent / "two.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    assert pg_run("import", str(path)).exit_code == 0
    first, second = (r["id"] for r in pg.query_claims())
    result = pg_run("merge", first, second)
    assert result.exit_code == 0, result.output
    assert pg.ids("claim") == [first]
    assert pg.resolve(second[:8]) == ("claim", first)  # the merged id resolves to the survivor
    assert pg.query_claims()[0]["mentions"] == 2
    blog = pg.load("claim", first).mentions[1].source
    result = pg_run("detach", first, "--source", blog)
    assert result.exit_code == 0, result.output
    assert len(pg.ids("claim")) == 2
    assert [r["mentions"] for r in pg.query_claims()] == [1, 1]


def test_an_older_schema_is_migrated_when_the_case_is_opened(pg, monkeypatch):
    from claimtrack.store.postgres import schema

    pg.save(Claim(id="c-000000000001", text="Kept across the upgrade."))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 3)
    monkeypatch.setitem(
        schema.MIGRATIONS, 2, ["CREATE TABLE reviewer_notes (claim_id text, note text)"]
    )
    store = PostgresStore.open(pg.url)
    assert store.db.rows("SELECT version FROM schema_version") == [(3,)]
    assert store.db.rows("SELECT count(*) FROM reviewer_notes") == [(0,)]
    assert store.ids("claim") == ["c-000000000001"]
    store.close()
