"""GraphML of a whole case, written as it is read from the case index.

``claimtrack.export`` builds the networkx graph of ``claimtrack.graph.build`` and writes it
(``export.graphml.to_graphml``): right for a neighbourhood or a small case, but a 100,000-claim
case would be held in memory three times over (records, graph, text). This writes the same
document (the same nodes, edges, attributes and order, byte for byte; the tests compare them)
from the index's rows, a few thousand records at a time, in two passes: the first finds each
attribute's type (GraphML declares them before the first node), the second writes.

Node order is the graph builder's: sources, then each claim followed by its claimant's entity
(when new) and any source its mentions name that has no record, then sources named only by
evidence, then questions. Edges are grouped by their start node in that order (as networkx
lists them), then by end node in the order its first edge was added, then by key.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from .index import CaseIndex

CHUNK = 2000
"""Records read per query."""


def _iso(text: str) -> str:
    """A JSON datetime (pydantic writes UTC as "Z") as ``datetime.isoformat`` writes it."""
    return text[:-1] + "+00:00" if text.endswith("Z") else text


class _Graph:
    """The graph builder's nodes and edges, generated from the index (see the module
    docstring). ``nodes()`` must run before ``edges()``."""

    def __init__(self, index: CaseIndex):
        self.index = index
        self.conn = index.db
        # (node id, kind, extra) in node order: extra is a source's derived_from, a claim's
        # claimant, a question's claim.
        self.plan: list[tuple[str, str, Any]] = []
        self.seen: set[str] = set()
        self.evidence_claims: set[str] = set()

    def _records(self, table: str, where: str = "") -> Iterator[dict[str, Any]]:
        last = ""
        while True:
            rows = self.conn.execute(
                f"SELECT id, record FROM {table} WHERE id > ? {where} ORDER BY id LIMIT ?",
                (last, CHUNK),
            ).fetchall()
            if not rows:
                return
            for _, record in rows:
                yield json.loads(record)
            last = rows[-1][0]

    def nodes(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(node id, flattened attributes), in node order."""
        from ..export.flatten import _scalars, claim_attributes
        from ..graph import _short, entity_id

        plan, seen = self.plan, self.seen
        plan.clear()
        seen.clear()

        def node(
            node_id: str, kind: str, extra: Any, attrs: dict[str, Any]
        ) -> tuple[str, dict[str, Any]]:
            seen.add(node_id)
            plan.append((node_id, kind, extra))
            out = _scalars(attrs)
            out.setdefault("label", str(node_id))
            out.setdefault("type", "other")
            return node_id, out

        for s in self._records("sources"):
            yield node(
                s["id"],
                "source",
                s["derived_from"],
                {
                    "type": "source",
                    "label": _short(s["title"] or s["url"] or s["input"] or s["id"]),
                    "title": s["title"],
                    "url": s["url"],
                    "publisher": s["publisher"],
                    "author": s["author"],
                    "published": s["published"],
                    "kind": s["kind"],
                    "sha256": s["sha256"],
                },
            )

        def missing(source_id: str) -> tuple[str, dict[str, Any]]:
            return node(
                source_id, "source", (), {"type": "source", "label": source_id, "missing": True}
            )

        batch: list[dict[str, Any]] = []

        def claims() -> Iterator[tuple[str, dict[str, Any]]]:
            assessed = self.index.assessments([c["id"] for c in batch])
            for c in batch:
                figures = [f["text"] for f in c["figures"]]
                node_id, out = node(
                    c["id"],
                    "claim",
                    c["claimant"],
                    {
                        "type": "claim",
                        "label": _short(c["text"]),
                        "text": c["text"],
                        "title": c["title"],
                        "claimant": c["claimant"],
                        "ref": c["ref"],
                        "tags": list(c["tags"]),
                        "figures": figures,
                        "units": sorted({f["unit"] for f in c["figures"] if f["unit"]}),
                        "created_at": _iso(c["created_at"]),
                    },
                )
                out["figure_count"] = len(figures)
                out.update(claim_attributes(assessed.get(c["id"])))
                yield node_id, out
                if c["claimant"]:
                    ent = entity_id(c["claimant"])
                    if ent not in seen:
                        yield node(
                            ent,
                            "entity",
                            None,
                            {"type": "entity", "label": c["claimant"], "name": c["claimant"]},
                        )
                for m in c["mentions"]:
                    if m["source"] not in seen:
                        yield missing(m["source"])
            batch.clear()

        for c in self._records("claims"):
            batch.append(c)
            if len(batch) >= CHUNK:
                yield from claims()
        yield from claims()
        self.evidence_claims = set()
        for e in self._records("evidence", "AND removed_at IS NULL"):
            if e["claim"] not in seen:
                continue
            self.evidence_claims.add(e["claim"])
            if e["source"] not in seen:
                yield missing(e["source"])
        for q in self._records("questions"):
            yield node(
                q["id"],
                "question",
                q["claim"],
                {"type": "question", "label": _short(q["text"]), "text": q["text"],
                 "status": q["status"]},
            )  # fmt: skip

    def edges(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """(start, end, key, flattened attributes with the edge's ``id``), in networkx's
        order."""
        from ..export.flatten import _scalars
        from ..graph import entity_id
        from ..vocabulary import OTHER_RELATION, RELATIONS, Relation
        from .index.relations import Related

        conn, seen = self.conn, self.seen
        conflicts = Related(self.index).conflicts_of(None)
        for u, kind, extra in self.plan:
            targets: dict[str, list[tuple[str, Relation, dict[str, Any]]]] = {}
            if kind == "source":
                for cid, i, quote, claimant, cue, hedged, origin in conn.execute(
                    "SELECT claim_id, position, quote, claimant, cue, hedged, origin "
                    "FROM mentions WHERE source_id = ? ORDER BY claim_id, position",
                    (u,),
                ):
                    targets.setdefault(cid, []).append(
                        (
                            f"{u}>asserts>{cid}#{i}",
                            "asserts",
                            {"quote": quote, "claimant": claimant, "cue": cue,
                             "hedged": bool(hedged), "origin": origin},
                        )
                    )  # fmt: skip
                for eid, cid, stance, quote, note, unverified, author in conn.execute(
                    "SELECT id, claim_id, stance, quote, note, unverified, author FROM evidence "
                    "WHERE source_id = ? AND removed_at IS NULL ORDER BY id",
                    (u,),
                ):
                    if cid in self.evidence_claims:
                        targets.setdefault(cid, []).append(
                            (
                                eid,
                                stance,
                                {"quote": quote, "note": note, "unverified": bool(unverified),
                                 "author": author},
                            )
                        )  # fmt: skip
                for parent in extra:
                    if parent in seen:
                        targets.setdefault(parent, []).append(
                            (f"{u}>derived_from>{parent}", "derived_from", {})
                        )
            elif kind == "claim":
                if extra:
                    ent = entity_id(extra)
                    targets.setdefault(ent, []).append((f"{u}>claimed_by>{ent}", "claimed_by", {}))
                for b, reason in conflicts.get(u, ()):
                    if b > u:
                        targets.setdefault(b, []).append(
                            (f"{u}>conflicts_with>{b}", "conflicts_with", {"reason": reason})
                        )
            elif kind == "question" and extra in seen:
                targets.setdefault(extra, []).append((f"{u}>asks_about>{extra}", "asks_about", {}))
            for v, items in targets.items():
                keys: dict[str, dict[str, Any]] = {}
                for key, relation, attrs in items:  # a key added twice keeps its last attributes
                    label = RELATIONS[relation].label
                    keys[key] = {"id": key, "relation": relation, "label": label, **attrs}
                for key, attrs in keys.items():
                    out = _scalars(attrs)
                    out.setdefault("relation", OTHER_RELATION)
                    out.setdefault("label", out["relation"])
                    out["id"] = str(key)
                    yield u, v, key, out


class _Streamed:
    """What networkx's GraphML writer asks of a graph, answered from the index: its nodes and
    edges are made afresh each time the writer walks them (three times each), so the case is
    never held in memory. Ids are made into NMTOKENs as ``export.graphml.to_graphml`` makes
    them."""

    def __init__(self, index: CaseIndex):
        from ..export.graphml import _Ids

        self.source = _Graph(index)
        self.graph: dict[str, Any] = {"id": "claimtrack"}
        self.node_ids = _Ids()
        self.edge_ids = _Ids()

    def is_directed(self) -> bool:
        return True

    def is_multigraph(self) -> bool:
        return True

    def nodes(self, data: bool = True) -> Iterator[tuple[str, dict[str, Any]]]:
        for node, attrs in self.source.nodes():
            yield self.node_ids.get(node), attrs

    def edges(
        self, keys: bool = True, data: bool = True
    ) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        ids = self.node_ids
        for u, v, key, attrs in self.source.edges():
            edge = {name: value for name, value in attrs.items() if name != "id"}
            yield ids.get(u), ids.get(v), self.edge_ids.get(attrs.get("id", key)), edge


def write_graphml(index: CaseIndex, out: BinaryIO) -> None:
    """Write the case's graph as GraphML to ``out`` (a binary file), streaming: what
    ``export.render(prepare(records), "graphml")`` gives (the same writer writes it), without
    holding the case."""
    from ..export.graphml import _Writer

    writer = _Writer(out)  # type: ignore[arg-type]  # any binary file will do, not just BytesIO
    # networkx's writer asks a graph only what _Streamed answers (see there): duck typing.
    writer.add_graph_element(_Streamed(index))  # type: ignore[arg-type]
    writer.dump()
