"""The claim graph: one networkx MultiDiGraph built from the workspace's records.

Nodes have a ``type``: ``claim``, ``source``, ``question`` or ``entity`` (a claimant).
Edges have a ``relation`` and a unique ``id`` (also their multigraph key). The relations, which
node types they join and what makes each edge are claimtrack.vocabulary.RELATIONS; every edge's
``label`` is its relation's words there ("asks about"). Claimant nodes are one per claimant
name as claimtrack.claimants normalises it (``entity:klarna`` for "Klarna" and "Klarna AB").

Attributes keep the records' own types (lists, None); exporters flatten them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .claimants import entity_id
from .vocabulary import RELATIONS, Relation

if TYPE_CHECKING:
    import networkx as nx

    from .workspace import Records

__all__ = ["build", "edges_of", "entity_id"]


def edges_of(
    graph: nx.MultiDiGraph[str], relation: Relation
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """The edges of one relation, as ``(from, to, attributes)``, in the graph's order."""
    for u, v, data in graph.edges(data=True):
        if data.get("relation") == relation:
            yield u, v, data


def _short(text: str | None, limit: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def build(records: Records, *, conflicts: bool = True) -> nx.MultiDiGraph[str]:
    """Build the graph of DESIGN.md from ``records``.

    >>> from claimtrack.workspace import Records
    >>> build(Records()).number_of_nodes()
    0
    """
    import networkx as nx

    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()

    def edge(u: str, v: str, relation: Relation, edge_id: str | None = None, **attrs: Any) -> None:
        """An edge; its id is ``edge_id`` when given (evidence), else "u>relation>v"."""
        edge_id = edge_id or f"{u}>{relation}>{v}"
        label = RELATIONS[relation].label
        g.add_edge(u, v, key=edge_id, id=edge_id, relation=relation, label=label, **attrs)

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
            edge(claim.id, ent, "claimed_by")
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
            edge(q.id, q.claim, "asks_about")
    for source in records.sources.values():
        for parent in source.derived_from:
            if parent in g:
                edge(source.id, parent, "derived_from")
    if conflicts:
        from .conflicts import find_conflicts

        for conflict in find_conflicts(records):
            edge(conflict.a, conflict.b, "conflicts_with", reason=conflict.reason)
    return g
