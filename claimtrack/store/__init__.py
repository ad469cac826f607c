"""Where a case is kept: ``open_store`` and ``init_store`` choose the backend by location.

- a folder path (the default, ``claims/``): ``claimtrack.workspace.Workspace``, JSON files;
- a ``postgresql://`` (or ``postgres://``) URL: a case kept in a PostgreSQL database
  (``claimtrack.store.postgres``, installed with ``pip install 'claimtrack[postgres]'``).

Both provide ``claimtrack.store.base.Store``; nothing else in claimtrack knows which it has.
"""

from __future__ import annotations

import os

from .base import ClaimRow, Kind, NaiveReads, Store, claim_row

__all__ = [
    "ClaimRow",
    "Kind",
    "NaiveReads",
    "Store",
    "claim_row",
    "init_store",
    "is_database_url",
    "open_store",
]

DATABASE_SCHEMES = ("postgresql://", "postgres://")


def is_database_url(location: str | os.PathLike[str] | None) -> bool:
    """Whether ``location`` names a database case rather than a folder."""
    return isinstance(location, str) and location.lower().startswith(DATABASE_SCHEMES)


def open_store(location: str | os.PathLike[str] | None = None) -> Store:
    """The case at ``location``: a database URL, a folder, or (None) the folder found from
    $CLAIMTRACK_WORKSPACE or by walking up from the current directory."""
    location = location or os.environ.get("CLAIMTRACK_WORKSPACE") or None
    if is_database_url(location):
        from .postgres import PostgresStore  # pragma: no cover - until the backend lands

        return PostgresStore.open(str(location))
    from ..workspace import Workspace

    return Workspace.open(location)


def init_store(location: str | os.PathLike[str]) -> tuple[Store, bool]:
    """Create a case at ``location`` (or open the one there). Returns (store, created)."""
    if is_database_url(location):
        from .postgres import PostgresStore  # pragma: no cover - until the backend lands

        return PostgresStore.init(str(location))
    from ..workspace import Workspace

    return Workspace.init(location)
