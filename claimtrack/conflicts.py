"""Figure conflicts between claims ("700 agents" vs "853 agents").

Placeholder until the linking work lands: finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .workspace import Records


@dataclass(frozen=True)
class Conflict:
    """Two claims whose figures about the same thing disagree."""

    a: str
    b: str
    reason: str


def find_conflicts(records: Records) -> list[Conflict]:
    """Every pair of conflicting claims in ``records``."""
    return []
