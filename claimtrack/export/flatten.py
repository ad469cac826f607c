"""What every exporter starts from: records, graph and assessments, optionally cut down to the
neighbourhood of some claims, and the graph's attributes flattened to scalars.

GraphML and GEXF hold only scalar attributes (no None, lists or dicts), so ``flat_graph``
turns the graph of ``claimtrack.graph.build`` into one whose attributes are ``bool``, ``int``,
``float`` or ``str``: None is left out, lists are joined with ``"; "``, datetimes become ISO
8601 strings, and each claim gains its derived ``status``, ``flags`` (codes) and counts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..errors import NotFound
from ..vocabulary import OTHER_RELATION

if TYPE_CHECKING:
    import networkx as nx

    from ..flags import Assessment
    from ..workspace import Records

LIST_SEPARATOR = "; "
# Characters XML 1.0 cannot hold at all, not even escaped (C0 controls but tab, CR, LF; the
# surrogates; U+FFFE and U+FFFF). Article text pasted from anywhere can contain them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NEEDS_ATTR_ESCAPE = re.compile('[&<>"\n\r\t]')


def xml_text(value: str) -> str:
    """``value`` without the characters an XML document cannot contain."""
    return _XML_ILLEGAL.sub("", value)


def xml_attr(value: object) -> str:
    """``value`` as a double-quoted XML attribute value, quotes included; whitespace is kept
    as character references so that parsers do not normalise it away."""
    text = _XML_ILLEGAL.sub("", str(value))
    if _NEEDS_ATTR_ESCAPE.search(text):
        text = (
            text.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&quot;")
            .replace("\n", "&#10;")
            .replace("\r", "&#13;")
            .replace("\t", "&#9;")
        )
    return '"' + text + '"'


@dataclass
class Bundle:
    """The input of every exporter.

    ``records`` and ``graph`` may be a neighbourhood of the workspace; ``assessments`` were
    computed on the whole workspace (a claim's status depends on all of it) and ``focus``
    holds the claims asked for with ``--claim`` (empty for a whole-workspace export).
    """

    records: Records
    graph: nx.MultiDiGraph[str]
    assessments: dict[str, Assessment]
    focus: tuple[str, ...] = ()


def prepare(
    records: Records,
    *,
    claims: Iterable[str] | None = None,
    assessments: dict[str, Assessment] | None = None,
    explain: bool = False,
) -> Bundle:
    """Build the graph, assess every claim, and cut both down to ``claims``' neighbourhood.

    ``explain`` asks ``claimtrack.flags.assess`` for each claim's origin groups too (the
    dossier shows them).
    """
    from ..flags import assess
    from ..graph import build

    graph = build(records)
    if assessments is None:
        assessments = assess(records, graph, explain=explain)
    bundle = Bundle(records=records, graph=graph, assessments=assessments)
    focus = list(dict.fromkeys(claims or ()))
    if focus:
        bundle = neighbourhood(bundle, focus)
    return bundle


def neighbourhood(bundle: Bundle, claim_ids: list[str]) -> Bundle:
    """The given claims and everything one edge away from them, in either direction: the
    sources that assert, support or contradict them, their questions and claimants, and the
    claims they conflict with. Records are kept when their node is kept, and so are the
    sources that the kept claims' mentions name.
    """
    from ..workspace import Records

    graph = bundle.graph
    nodes: set[str] = set()
    for cid in claim_ids:
        if cid not in bundle.records.claims:
            raise NotFound(f"no claim with id {cid!r} in the workspace")
        nodes.add(cid)
        nodes.update(graph.predecessors(cid))
        nodes.update(graph.successors(cid))
    # Keep the builder's node order so output stays deterministic.
    sub = graph.subgraph([n for n in graph.nodes if n in nodes]).copy()
    rec = bundle.records
    claims = {k: v for k, v in rec.claims.items() if k in nodes}
    evidence = {k: v for k, v in rec.evidence.items() if v.claim in claims and v.source in nodes}
    # A kept claim's records name their sources (a conflicting claim's mentions, two edges
    # from the focus): keep those source records too, so that they are not shown as missing.
    wanted = set(nodes)
    wanted.update(m.source for c in claims.values() for m in c.mentions)
    records = Records(
        claims=claims,
        sources={k: v for k, v in rec.sources.items() if k in wanted},
        evidence=evidence,
        questions={k: v for k, v in rec.questions.items() if k in nodes},
        problems=list(rec.problems),
    )
    return Bundle(
        records=records, graph=sub, assessments=bundle.assessments, focus=tuple(claim_ids)
    )


def scalar(value: Any) -> bool | int | float | str | None:
    """``value`` as a GraphML/GEXF scalar, or None when there is nothing to write."""
    if value is None:
        return None
    if isinstance(value, bool | int | float):
        if isinstance(value, float) and value != value:  # NaN: nothing to write
            return None
        return value
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        items = [scalar(v) for v in value]
        return LIST_SEPARATOR.join(str(v) for v in items if v is not None)
    if isinstance(value, dict):
        return xml_text(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))
    return xml_text(str(value))


def claim_attributes(assessment: Assessment | None) -> dict[str, Any]:
    """The derived attributes a claim node carries in every graph export."""
    if assessment is None:
        return {"flags": "", "flag_count": 0}
    attrs: dict[str, Any] = {
        "flags": " ".join(f.code for f in assessment.flags),
        "flag_count": len(assessment.flags),
        "mention_count": int(assessment.mentions or 0),
        "origin_count": int(assessment.origins or 0),
    }
    if assessment.status is not None:
        attrs["status"] = str(assessment.status)
    return attrs


def _scalars(attrs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in attrs.items():
        v = scalar(value)
        if v is not None:
            out[name] = v
    return out


def flat_items(
    bundle: Bundle,
) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, str, str, dict[str, Any]]]]:
    """The bundle's nodes as ``(id, attributes)`` and edges as ``(source, target, key,
    attributes)``, in the graph's order, with only scalar attributes (see ``flat_graph``)."""
    nodes = []
    for node, attrs in bundle.graph.nodes(data=True):
        out = _scalars(attrs)
        if attrs.get("type") == "claim":
            out["figure_count"] = len(attrs.get("figures") or [])
            out.update(claim_attributes(bundle.assessments.get(node)))
        out.setdefault("label", str(node))
        out.setdefault("type", "other")
        nodes.append((node, out))
    edges = []
    for u, v, key, attrs in bundle.graph.edges(keys=True, data=True):
        out = _scalars(attrs)
        out.setdefault("relation", OTHER_RELATION)
        out.setdefault("label", out["relation"])
        out["id"] = str(key)
        edges.append((u, v, key, out))
    return nodes, edges


def flat_graph(bundle: Bundle) -> nx.MultiDiGraph[str]:
    """A copy of the bundle's graph with only scalar attributes (see the module docstring).

    Claims gain ``status`` (absent when not assessed), ``flags`` (space-separated codes),
    ``flag_count``, ``mention_count``, ``origin_count`` and ``figure_count``; every node
    and edge keeps a ``label``.
    """
    import networkx as nx

    flat: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    nodes, edges = flat_items(bundle)
    for node, attrs in nodes:
        flat.add_node(node, **attrs)
    for u, v, key, attrs in edges:
        flat.add_edge(u, v, key=key, **attrs)
    return flat


def attribute_types(items: Iterable[dict[str, Any]]) -> dict[str, type]:
    """For each attribute name (in first-seen order), the one Python type all its values
    share: bool, int, float (ints mixed with floats) or str (anything else mixed)."""
    seen: dict[str, set[type]] = {}
    for attrs in items:
        for name, value in attrs.items():
            seen.setdefault(name, set()).add(type(value))
    out: dict[str, type] = {}
    for name, types in seen.items():
        if types == {bool}:
            out[name] = bool
        elif types == {int}:
            out[name] = int
        elif types <= {int, float}:
            out[name] = float
        else:
            out[name] = str
    return out


def format_value(value: Any, kind: type) -> str:
    """``value`` written as text for an attribute of type ``kind``."""
    if kind is bool:
        return "true" if value else "false"
    if kind is float:
        return repr(float(value))
    if kind is int:
        return str(int(value))
    return xml_text(str(value))
