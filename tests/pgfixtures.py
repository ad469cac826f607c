"""Fixtures of the database-case tests (registered by tests/conftest.py): one throwaway
PostgreSQL server for the session (tests/pgserver.py) and a fresh, empty database for each
test.

Where no server can be had (no PostgreSQL binaries, no psycopg) these tests are skipped and
say why; CI sets CLAIMTRACK_REQUIRE_POSTGRES=1 so that there a missing server fails instead.
"""

from __future__ import annotations

import itertools
import os

import pytest
from click.testing import CliRunner

from tests.pgserver import TempServer, unavailable

_names = itertools.count()


@pytest.fixture(scope="session")
def pg_server():
    reason = unavailable()
    if reason:
        if os.environ.get("CLAIMTRACK_REQUIRE_POSTGRES"):
            pytest.fail(f"the database tests must run here, but: {reason}")
        pytest.skip(reason)
    server = TempServer().start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server):
    """The URL of a new empty database (no claimtrack case in it yet)."""
    name = f"case_{os.getpid()}_{next(_names)}"
    url = pg_server.create_database(name)
    yield url
    pg_server.drop_database(name)


@pytest.fixture
def pg(pg_url):
    """An empty claimtrack case in its own database."""
    from claimtrack.store.postgres import PostgresStore

    store, created = PostgresStore.init(pg_url)
    assert created
    yield store
    store.close()


@pytest.fixture
def pg_run(pg, tmp_path, monkeypatch):
    """Run the CLI on the database case (through $CLAIMTRACK_WORKSPACE), from an empty
    folder: pg_run("claims", "--json") -> click Result."""
    monkeypatch.setenv("CLAIMTRACK_WORKSPACE", pg.url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        from claimtrack.cli import main

        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke
