"""A throwaway PostgreSQL server for the tests and benchmarks of database cases.

``TempServer().start()`` runs ``initdb`` in a new temporary folder and starts ``postgres`` on
127.0.0.1 at a free port (and a unix socket in the same folder), with a password-protected
superuser; ``stop()`` stops it and removes the folder. PostgreSQL refuses to run as root, so
as root (CI) the server runs as the ``postgres`` user that Debian's ``postgresql`` package
creates (``runuser -u postgres``).

The server binaries are looked for in $CLAIMTRACK_PG_BINDIR, on the PATH, and in
/usr/lib/postgresql/*/bin (Debian). ``unavailable()`` says why no server can be had here, or
None.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ADMIN = "claimtrack_admin"
PASSWORD = "not-a-real-secret-7f3a"


def find_bindir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None."""
    candidates = []
    if os.environ.get("CLAIMTRACK_PG_BINDIR"):
        candidates.append(os.environ["CLAIMTRACK_PG_BINDIR"])
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if all((Path(folder) / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    return None


def unavailable() -> str | None:
    """Why no throwaway server can be started on this machine, or None when one can."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]' brings it)"
    if find_bindir() is None:
        return (
            "no PostgreSQL server binaries (initdb, pg_ctl, postgres) on this machine; "
            "install Debian's postgresql package (apt-get install postgresql) to run them"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempServer:
    """One throwaway server. ``fsync=False`` (tests) trades durability for speed; benchmarks
    keep PostgreSQL's defaults."""

    def __init__(self, *, fsync: bool = False):
        self.fsync = fsync
        self.bindir = find_bindir()
        self.folder: Path | None = None
        self.port = 0
        self._prefix: list[str] = []

    # -- running the server's tools ------------------------------------------------------------
    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        assert self.bindir is not None
        return subprocess.run(
            [*self._prefix, str(self.bindir / tool), *args],
            check=True,
            capture_output=True,
            text=True,
            cwd=self.folder,
        )

    def start(self) -> TempServer:
        if self.bindir is None:
            raise RuntimeError(unavailable() or "no PostgreSQL binaries")
        self.folder = Path(tempfile.mkdtemp(prefix="claimtrack-pg-"))
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self._prefix = ["runuser", "-u", "postgres", "--"]
        pwfile = self.folder / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self._prefix:
            os.chown(pwfile, pwd.getpwnam("postgres").pw_uid, -1)
        data = self.folder / "data"
        options = ["--no-sync"] if not self.fsync else []
        try:
            self._run(
                "initdb", "-D", str(data), "-U", ADMIN, f"--pwfile={pwfile}", "-E", "UTF8",
                "--no-locale", "--auth-local=trust", "--auth-host=scram-sha-256", *options,
            )  # fmt: skip
            self.port = free_port()
            settings = [
                "-c listen_addresses=127.0.0.1",
                f"-p {self.port}",
                f"-k {self.folder}",
                "-c max_connections=60",
            ]
            if not self.fsync:
                settings += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
            self._run(
                "pg_ctl", "-D", str(data), "-l", str(self.folder / "log"), "-w", "-t", "60",
                "-o", " ".join(settings), "start",
            )  # fmt: skip
        except subprocess.CalledProcessError as exc:
            log = self.folder / "log"
            detail = (exc.stderr or "") + (log.read_text() if log.is_file() else "")
            self.stop()
            raise RuntimeError(f"the throwaway PostgreSQL server did not start: {detail}") from exc
        return self

    def stop(self) -> None:
        if self.folder is None:
            return
        data = self.folder / "data"
        if (data / "postmaster.pid").is_file():
            try:
                self._run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
            except subprocess.CalledProcessError:  # pragma: no cover - already gone
                pass
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    # -- addresses and databases ---------------------------------------------------------------
    def url(self, database: str = "postgres", user: str = ADMIN, password: str = PASSWORD) -> str:
        credentials = f"{user}:{password}" if password else user
        return f"postgresql://{credentials}@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> list[tuple]:
        """Run one statement as the superuser (autocommit) and return its rows."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            cur = conn.execute(sql)
            return cur.fetchall() if cur.description else []

    def create_database(self, name: str, owner: str = ADMIN) -> str:
        """A new empty database; returns its URL (as the superuser)."""
        self.execute(f'CREATE DATABASE "{name}" OWNER "{owner}" STRATEGY FILE_COPY')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def __enter__(self) -> TempServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def wait_until(predicate, timeout: float = 10.0, step: float = 0.05) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()
