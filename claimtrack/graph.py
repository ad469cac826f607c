"""The claim graph: one networkx MultiDiGraph built from the workspace's records.

Nodes have a ``type``: ``claim``, ``source``, ``question`` or ``entity`` (a claimant).
Edges have a ``relation`` and a unique ``id`` (also their multigraph key):

=================  =====================  ===============================================
relation           direction              from
=================  =====================  ===============================================
asserts            source -> claim        each mention of the claim in the source
supports           source -> claim        evidence (the evidence id is the edge id)
contradicts        source -> claim        evidence
context            source -> claim        evidence
asks_about         question -> claim      each question
claimed_by         claim -> entity        the claim's claimant
derived_from       source -> source       Source.derived_from
conflicts_with     claim -> claim         computed by claimtrack.conflicts
=================  =====================  ===============================================

Attributes keep the records' own types (lists, None); exporters flatten them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

    from .workspace import Records

_NON_WORD = re.compile(r"[^\w]+")


def entity_id(name: str) -> str:
    """Node id of a claimant: ``entity:klarna`` for "Klarna" and "KLARNA"."""
    return "entity:" + _NON_WORD.sub("-", name.casefold()).strip("-")


def _short(text: str | None, limit: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def build(records: Records, *, conflicts: bool = True) -> nx.MultiDiGraph:
    """Build the graph of DESIGN.md from ``records``.

    >>> from claimtrack.workspace import Records
    >>> build(Records()).number_of_nodes()
    0
    """
    import networkx as nx

    g = nx.MultiDiGraph()

    def edge(u: str, v: str, relation: str, edge_id: str, **attrs) -> None:
        g.add_edge(u, v, key=edge_id, id=edge_id, relation=relation, label=relation, **attrs)

    for source in records.sources.values():
        g.add_node(
            source.id,
            type="source",
            label=_short(source.title or source.url or source.input or source.id),
            title=source.title,
            url=source.url,
            publisher=source.publisher,
            author=source.author,
            published=source.published,
            kind=source.kind,
            sha256=source.sha256,
        )
    for claim in records.claims.values():
        g.add_node(
            claim.id,
            type="claim",
            label=_short(claim.text),
            text=claim.text,
            title=claim.title,
            claimant=claim.claimant,
            ref=claim.ref,
            tags=list(claim.tags),
            figures=[f.text for f in claim.figures],
            units=sorted({f.unit for f in claim.figures if f.unit}),
            created_at=claim.created_at.isoformat(),
        )
        if claim.claimant:
            ent = entity_id(claim.claimant)
            if ent not in g:
                g.add_node(ent, type="entity", label=claim.claimant, name=claim.claimant)
            edge(claim.id, ent, "claimed_by", f"{claim.id}>claimed_by>{ent}")
        for i, mention in enumerate(claim.mentions):
            if mention.source not in g:
                # A mention of a source that is missing or failed to load: keep the edge, and
                # mark the node so analyses and exports can say so.
                g.add_node(mention.source, type="source", label=mention.source, missing=True)
            edge(
                mention.source,
                claim.id,
                "asserts",
                f"{mention.source}>asserts>{claim.id}#{i}",
                quote=mention.quote,
                claimant=mention.claimant,
                cue=mention.cue,
                hedged=mention.hedged,
                origin=mention.origin,
            )
    for ev in records.evidence.values():
        if ev.removed_at is not None or ev.claim not in g:
            continue
        if ev.source not in g:
            g.add_node(ev.source, type="source", label=ev.source, missing=True)
        edge(
            ev.source,
            ev.claim,
            ev.stance,
            ev.id,
            quote=ev.quote,
            note=ev.note,
            unverified=ev.unverified,
            author=ev.author,
        )
    for q in records.questions.values():
        g.add_node(q.id, type="question", label=_short(q.text), text=q.text, status=q.status)
        if q.claim in g:
            edge(q.id, q.claim, "asks_about", f"{q.id}>asks_about>{q.claim}")
    for source in records.sources.values():
        for parent in source.derived_from:
            if parent in g:
                edge(source.id, parent, "derived_from", f"{source.id}>derived_from>{parent}")
    if conflicts:
        from .conflicts import find_conflicts

        for conflict in find_conflicts(records):
            edge(
                conflict.a,
                conflict.b,
                "conflicts_with",
                f"{conflict.a}>conflicts_with>{conflict.b}",
                reason=conflict.reason,
            )
    return g
