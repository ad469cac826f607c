"""What a journalist sees when a database case cannot be used: one clear line, exit code 1,
no password, and nothing half-written."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from claimtrack.cli import main
from claimtrack.store.postgres import PostgresStore
from tests.pgserver import PASSWORD, free_port


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def one_error_line(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert PASSWORD not in result.output and "Traceback" not in result.output
    return lines[0]


def test_an_unreachable_server(pg_server):
    url = f"postgresql://desk:{PASSWORD}@127.0.0.1:{free_port()}/klarna"
    line = one_error_line(cli("--workspace", url, "claims"))
    assert line == (
        f"Error: cannot reach the database server of postgresql://desk@127.0.0.1:"
        f"{url.split(':')[3].split('/')[0]}/klarna: connection refused"
    )


def test_bad_credentials(pg_server, pg):
    wrong = pg.url.replace(PASSWORD, "wrong-password")
    line = one_error_line(cli("--workspace", wrong, "flags"))
    assert "refused the login" in line and "wrong user name or password" in line
    assert "wrong-password" not in line
    nobody = pg.url.replace("claimtrack_admin:", "nobody:")
    assert "refused the login" in one_error_line(cli("--workspace", nobody, "flags"))


def test_a_database_that_does_not_exist(pg_server):
    line = one_error_line(cli("--workspace", pg_server.url("no_such_db"), "claims"))
    assert "there is no database 'no_such_db'" in line and "createdb no_such_db" in line


def test_a_database_that_is_not_a_claimtrack_case(pg_server, pg_url):
    pg_server.execute("CREATE TABLE invoices (id integer)", database=pg_url.rsplit("/", 1)[1])
    line = one_error_line(cli("--workspace", pg_url, "claims"))
    assert "is not a claimtrack case" in line and "claimtrack init postgresql://" in line
    # Nothing was created by looking.
    name = pg_url.rsplit("/", 1)[1]
    assert pg_server.execute(
        "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'claimtrack'",
        database=name,
    ) == [(0,)]


def test_a_lost_connection_mid_import_writes_nothing(pg, pg_server, tmp_path, monkeypatch):
    lines = [
        json.dumps({"text": f"Northwind Pay hired {n} engineers in 2024.", "source": "wire"})
        for n in range(100, 150)
    ]
    path = tmp_path / "claims.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    save_many = PostgresStore.save_many

    def save_then_lose_the_server(self, records):
        save_many(self, records)
        pid = self.db.conn().info.backend_pid
        pg_server.execute(f"SELECT pg_terminate_backend({pid})")

    monkeypatch.setattr(PostgresStore, "save_many", save_then_lose_the_server)
    line = one_error_line(cli("--workspace", pg.url, "import", str(path)))
    assert "lost the connection to the database server" in line and "wrote nothing" in line
    monkeypatch.undo()
    assert pg.ids("claim") == [] and pg.ids("source") == []
    # The next command works again.
    result = cli("--workspace", pg.url, "import", str(path))
    assert result.exit_code == 0, result.output
    assert len(pg.ids("claim")) == 50


def test_a_writer_that_waits_too_long_for_the_case_gives_up(pg, monkeypatch, tmp_path):
    import psycopg

    from claimtrack.store.postgres import connection

    monkeypatch.setattr(connection, "LOCK_TIMEOUT", "200ms")
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"text": "Fjord Bank opened 12 branches."}) + "\n")
    with psycopg.connect(pg.url, autocommit=True) as other:
        with other.transaction():
            other.execute("SELECT pg_advisory_xact_lock(%s)", (connection.CASE_LOCK,))
            line = one_error_line(cli("--workspace", pg.url, "import", str(path)))
    assert "is being written by another claimtrack command" in line
    assert pg.ids("claim") == []


def test_init_without_the_right_to_create_tables(pg_server, pg_url):
    name = pg_url.rsplit("/", 1)[1]
    pg_server.execute(f"CREATE ROLE reporter LOGIN PASSWORD '{PASSWORD}'")
    try:
        pg_server.execute(f"REVOKE CREATE ON DATABASE {name} FROM PUBLIC", database=name)
        url = pg_url.replace("claimtrack_admin:", "reporter:")
        line = one_error_line(cli("init", url))
        assert "cannot create the case's tables" in line and "permission denied" in line
    finally:
        pg_server.drop_database(name)
        pg_server.execute("DROP ROLE reporter")


@pytest.mark.parametrize(
    "args",
    [
        ["init", "postgresql://desk@127.0.0.1:1/klarna"],
        ["--workspace", "postgresql://desk@127.0.0.1:1/klarna", "claims"],
        ["copy", "claims", "postgresql://desk@127.0.0.1:1/klarna"],
    ],
)
def test_without_postgresql_support_installed(args, monkeypatch, tmp_path):
    """A plain ``pip install claimtrack`` has no psycopg: every way into a database case
    says what to install, in one line."""
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    monkeypatch.chdir(tmp_path)
    assert cli("init").exit_code == 0
    line = one_error_line(cli(*args))
    assert "pip install 'claimtrack[postgres]'" in line


@pytest.mark.parametrize("url", ["postgresql://[::1/x", "postgresql://host:notaport/db"])
def test_a_malformed_url(url):
    line = one_error_line(cli("--workspace", url, "claims"))
    assert "postgresql://" in line


def test_a_reader_without_write_rights_still_gets_the_answers(pg_server, pg, tmp_path):
    name = pg.url.rsplit("/", 1)[1]
    note = tmp_path / "note.md"
    note.write_text("# Notes\n\nKlarna says its assistant handles 2.3 million chats.\n")
    assert cli("--workspace", pg.url, "ingest", str(note)).exit_code == 0
    pg_server.execute(f"CREATE ROLE reader LOGIN PASSWORD '{PASSWORD}'")
    try:
        for grant in (
            "GRANT USAGE ON SCHEMA claimtrack TO reader",
            "GRANT SELECT ON ALL TABLES IN SCHEMA claimtrack TO reader",
        ):
            pg_server.execute(grant, database=name)
        reader = pg.url.replace("claimtrack_admin:", "reader:")
        expected = cli("--workspace", pg.url, "flags", "--json").output
        assert "2.3 million" in expected
        assert cli("--workspace", reader, "flags", "--json").output == expected
        # State derived by another claimtrack's rules: the reader may not derive it afresh,
        # and gets the answers computed from the records instead.
        pg.db.execute("UPDATE derived_meta SET rules = 'another-version'")
        result = cli("--workspace", reader, "flags", "--json")
        assert result.exit_code == 0, result.output
        assert result.output == expected
        assert pg.db.rows("SELECT rules FROM derived_meta") == [("another-version",)]
        other = tmp_path / "other.md"
        other.write_text("# More\n\nFjord Bank says it opened 140 branches last year.\n")
        line = one_error_line(cli("--workspace", reader, "ingest", str(other)))
        assert "the database refused: permission denied" in line
    finally:
        pg_server.drop_database(name)
        pg_server.execute("DROP ROLE reader")
