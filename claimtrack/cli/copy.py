"""The ``copy`` command: move a case between a folder and a database (either way).

Records are copied as the exact bytes of their JSON text (a folder's file, a database's
stored text), so a folder copied to a database and back gives identical files; snapshots are
copied by sha256 and re-hashed on the way.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import CorruptRecord, WorkspaceError
from .base import main

if TYPE_CHECKING:
    from ..store.base import Kind, Store

KINDS: tuple[Kind, ...] = ("claim", "source", "evidence", "question")
BATCH = 2000


def _raw_records(store: Store, kind: Kind) -> Iterator[tuple[str, bytes]]:
    """(id, bytes) of every record of ``kind``: the stored text, as a folder keeps it."""
    from ..store.postgres import PostgresStore
    from ..workspace import Workspace

    if isinstance(store, PostgresStore):
        yield from store.raw_records(kind)
    elif isinstance(store, Workspace):
        for rid in store.ids(kind):
            yield rid, store.path_for(kind, rid).read_bytes()
    else:
        raise TypeError(f"cannot copy the records of {store!r}")


def _check_source(store: Store) -> dict[str, int]:
    """Refuse a case with a record that does not load: its copy would not load either."""
    records = store.records()
    if records.problems:
        first = records.problems[0]
        more = f" (and {len(records.problems) - 1} more)" if len(records.problems) > 1 else ""
        raise WorkspaceError(
            f"cannot copy {store.location}: a record does not load: {first}{more}; "
            "fix or remove it first (claimtrack verify lists them)"
        )
    return {
        "claim": len(records.claims),
        "source": len(records.sources),
        "evidence": len(records.evidence),
        "question": len(records.questions),
    }


def _copy_blobs(src: Store, dst: Store) -> int:
    n = 0
    for sha in src.blob_hashes():
        data = src.read_blob(sha)
        if dst.put_blob(data) != sha:
            raise WorkspaceError(
                f"cannot copy {src.location}: snapshot {sha[:12]} does not match its sha256; "
                "run claimtrack verify"
            )
        n += 1
    return n


def _to_database(src: Store, url: str) -> int:
    from ..store.postgres import PostgresStore

    dst, _ = PostgresStore.init(url)
    try:
        with dst.transaction():
            held = sum(len(dst.ids(kind)) for kind in KINDS)
            if held:
                raise WorkspaceError(
                    f"{dst.location} already holds a case ({held} records); copy needs an "
                    "empty database or one with an empty case"
                )
            for key, value in src.settings.items():
                dst.set_setting(key, value)
            for kind in KINDS:
                batch = []
                for rid, data in _raw_records(src, kind):
                    batch.append((kind, rid, data))
                    if len(batch) >= BATCH:
                        dst.put_raw(batch)
                        batch = []
                dst.put_raw(batch)
            return _copy_blobs(src, dst)
    finally:
        dst.close()


def _to_folder(src: Store, target: Path) -> int:
    import os
    import shutil
    import tempfile

    from ..workspace import Workspace, atomic_write

    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise WorkspaceError(f"{target} already exists; copy into a new (or empty) folder")
    parent = target.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.copy-", dir=parent))
    except OSError as exc:
        raise WorkspaceError(f"cannot create {target}: {exc.strerror}") from exc
    try:
        ws, _ = Workspace.init(staging)
        for key, value in src.settings.items():
            ws.set_setting(key, value)
        for kind in KINDS:
            for rid, data in _raw_records(src, kind):
                atomic_write(ws.path_for(kind, rid), data)
        n = _copy_blobs(src, ws)
        if target.exists():
            target.rmdir()
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return n


@main.command("copy")
@click.argument("source", metavar="SRC")
@click.argument("target", metavar="DST")
def copy_cmd(source: str, target: str) -> None:
    """Copy the case at SRC (a folder or a postgresql:// URL) to DST, a new folder or an
    empty database: every record byte for byte, every snapshot.

    Use it to move a folder case into a database the whole desk shares, or to take a copy
    of a shared case home (and to back one up). SRC is not changed. A copy that fails part
    way leaves DST without any records.

    \b
    Example:
        claimtrack copy claims postgresql://desk@db.example.org/klarna
        claimtrack copy postgresql://desk@db.example.org/klarna ~/cases/klarna-copy
    """
    from ..store import is_database_url, open_store

    src = open_store(source)
    counts = _check_source(src)
    try:
        if is_database_url(target):
            snapshots = _to_database(src, target)
        else:
            snapshots = _to_folder(src, Path(target))
    except CorruptRecord as exc:
        raise WorkspaceError(f"cannot copy {src.location}: {exc}") from None
    from ..store.postgres import redact

    shown = redact(target) if is_database_url(target) else target

    def n(count: int, word: str) -> str:
        return f"{count} {word}" + ("" if count == 1 or word == "evidence" else "s")

    click.echo(
        f"Copied {n(counts['claim'], 'claim')}, {n(counts['source'], 'source')}, "
        f"{n(counts['evidence'], 'evidence')}, {n(counts['question'], 'question')} and "
        f"{n(snapshots, 'snapshot')} from {src.location} to {shown}"
    )
