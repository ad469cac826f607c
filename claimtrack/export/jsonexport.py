"""JSON for scripts: the graph in networkx's node-link form, plus the records themselves and
each claim's assessment. ``networkx.node_link_graph(data["graph"], edges="links")`` rebuilds
the graph; ``claimtrack.models.Claim.model_validate(data["records"]["claims"][0])`` a record.
The layout is documented in docs/export-json.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .flatten import Bundle

if TYPE_CHECKING:
    from pydantic import BaseModel

FORMAT_VERSION = 1


def node_link(bundle: Bundle) -> dict[str, Any]:
    """The graph as node-link data; claims also carry ``status`` and ``flags`` (codes)."""
    nodes = []
    for node, attrs in bundle.graph.nodes(data=True):
        item = {"id": node, **attrs}
        if attrs.get("type") == "claim":
            a = bundle.assessments.get(node)
            item["status"] = a.status if a else None
            item["flags"] = [f.code for f in a.flags] if a else []
        nodes.append(item)
    links = [
        {"source": u, "target": v, "key": key, **attrs}
        for u, v, key, attrs in bundle.graph.edges(keys=True, data=True)
    ]
    return {"directed": True, "multigraph": True, "graph": {}, "nodes": nodes, "links": links}


def to_dict(bundle: Bundle) -> dict[str, Any]:
    """The whole export as one JSON-ready dict."""
    r = bundle.records

    def dump(items: Iterable[BaseModel]) -> list[dict[str, Any]]:
        return [x.model_dump(mode="json") for x in items]

    assessments = []
    for cid in r.claims:
        a = bundle.assessments.get(cid)
        assessments.append(
            {
                "claim": cid,
                "status": a.status if a else None,
                "flags": [{"code": f.code, "detail": f.detail} for f in a.flags] if a else [],
                "origins": a.origins if a else 0,
                "mentions": a.mentions if a else 0,
            }
        )
    return {
        "claimtrack_export": FORMAT_VERSION,
        "focus": list(bundle.focus),
        "graph": node_link(bundle),
        "records": {
            "claims": dump(r.claims.values()),
            "sources": dump(r.sources.values()),
            "evidence": dump(r.evidence.values()),
            "questions": dump(r.questions.values()),
        },
        "assessments": assessments,
    }


def to_json(bundle: Bundle) -> str:
    """The export as pretty-printed UTF-8 JSON text."""
    return json.dumps(to_dict(bundle), ensure_ascii=False, indent=2, default=str) + "\n"
