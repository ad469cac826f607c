"""Flags and status: which claims stand on nothing but the claimant's word.

Placeholder until the evidence and flags work lands: every claim is assessed with no flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

    from .workspace import Records


@dataclass(frozen=True)
class Flag:
    """A reason code (``no-evidence``, ``single-origin`` ...) and a one-line explanation."""

    code: str
    detail: str


@dataclass
class Assessment:
    """The derived state of one claim."""

    claim: str
    status: str | None
    flags: list[Flag] = field(default_factory=list)
    origins: int = 0
    mentions: int = 0


def assess(records: Records, graph: nx.MultiDiGraph | None = None) -> dict[str, Assessment]:
    """The assessment of every claim in ``records``, by claim id."""
    return {
        cid: Assessment(claim=cid, status=None, mentions=len(c.mentions))
        for cid, c in records.claims.items()
    }
