"""Linking: turn extracted sentences of a source into mentions of claims.

Placeholder until the linking work lands: one claim per distinct sentence text and claimant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .ids import make_id
from .models import Claim, Mention

if TYPE_CHECKING:
    from .extract import ExtractedSentence
    from .models import Source, TextOrigin
    from .workspace import Workspace


@dataclass
class LinkResult:
    """What attaching a source's sentences did to the workspace."""

    new_claims: list[str] = field(default_factory=list)
    matched_claims: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)

    @property
    def claims(self) -> int:
        return len(self.new_claims) + len(self.matched_claims)


def attach(
    ws: Workspace,
    source: Source,
    sentences: list[ExtractedSentence],
    *,
    origin: TextOrigin = "text",
) -> LinkResult:
    """Record each claim sentence of ``source`` as a mention of a new or existing claim."""
    result = LinkResult()
    with ws.lock():
        for s in sentences:
            if not s.is_claim:
                continue
            mention = Mention(
                source=source.id,
                quote=s.sentence,
                start=s.start,
                end=s.end,
                claimant=s.claimant,
                cue=s.cue,
                hedged=s.hedged,
                origin=origin,
            )
            cid = make_id("claim", s.sentence, s.claimant)
            if ws.exists("claim", cid):
                claim = ws.load("claim", cid)
                if any(m.source == source.id and m.start == s.start for m in claim.mentions):
                    continue
                claim.mentions.append(mention)
                result.matched_claims.append(cid)
            else:
                figures = [
                    f.model_copy(update={"start": f.start - s.start, "end": f.end - s.start})
                    if f.start is not None and f.end is not None
                    else f
                    for f in s.figures
                ]
                claim = Claim(
                    id=cid,
                    text=s.sentence,
                    claimant=s.claimant,
                    figures=figures,
                    mentions=[mention],
                )
                result.new_claims.append(cid)
            ws.save(claim)
    return result
