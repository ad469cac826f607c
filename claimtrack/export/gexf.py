"""GEXF 1.3 for Gephi, with nodes coloured by type and edges by relation (``viz:color``).

Attributes are the flattened ones of ``flatten.flat_graph`` (GraphML has the same), declared
once per class. Edges carry ``kind`` = their relation, so Gephi keeps an ``asserts`` and a
``supports`` edge between the same source and claim apart instead of merging them.
"""

from __future__ import annotations

from typing import Any

from ..vocabulary import OTHER_RELATION
from .flatten import Bundle, attribute_types, flat_items, format_value, xml_attr
from .svg import NODE_COLOURS, RELATION_COLOURS, rgb

NAMESPACE = "http://gexf.net/1.3"
VIZ_NAMESPACE = "http://gexf.net/1.3/viz"
SCHEMA_LOCATION = "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
GEXF_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
# Written as XML attributes of <node>/<edge>, so not repeated as attvalues.
_NODE_OWN = {"label"}
_EDGE_OWN = {"label", "id"}


_q = xml_attr


def to_gexf(bundle: Bundle) -> str:
    """The bundle's graph as a GEXF 1.3 document."""
    flat_nodes, flat_edges = flat_items(bundle)
    nodes = [(n, {k: v for k, v in a.items() if k not in _NODE_OWN}, a) for n, a in flat_nodes]
    edges = [
        (u, v, k, {n: x for n, x in a.items() if n not in _EDGE_OWN}, a)
        for u, v, k, a in flat_edges
    ]
    node_types = attribute_types(a for _, a, _ in nodes)
    edge_types = attribute_types(a for *_, a, _ in edges)
    node_ids = {name: str(i) for i, name in enumerate(node_types)}
    edge_ids = {name: str(i) for i, name in enumerate(edge_types)}

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<gexf xmlns="{NAMESPACE}" xmlns:viz="{VIZ_NAMESPACE}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{SCHEMA_LOCATION}" version="1.3">\n',
        "  <meta>\n    <creator>claimtrack</creator>\n"
        "    <description>Claims, the sources that assert, support or contradict them, their "
        "claimants and open questions</description>\n  </meta>\n",
        '  <graph defaultedgetype="directed" mode="static">\n',
    ]
    for cls, types, ids in (("node", node_types, node_ids), ("edge", edge_types, edge_ids)):
        out.append(f'    <attributes class="{cls}" mode="static">\n')
        for name, kind in types.items():
            out.append(
                f'      <attribute id="{ids[name]}" title={_q(name)} type="{GEXF_TYPES[kind]}"/>\n'
            )
        out.append("    </attributes>\n")

    out.append("    <nodes>\n")
    for node, attrs, full in nodes:
        out.append(f"      <node id={_q(node)} label={_q(full.get('label', node))}>\n")
        _attvalues(out, attrs, node_types, node_ids)
        r, g, b = rgb(NODE_COLOURS.get(str(full.get("type")), NODE_COLOURS["other"]))
        out.append(f'        <viz:color r="{r}" g="{g}" b="{b}" a="1.0"/>\n')
        size = 10.0 + 2.0 * min(int(full.get("mention_count", 0) or 0), 20)
        out.append(f'        <viz:size value="{size:.1f}"/>\n')
        out.append("      </node>\n")
    out.append("    </nodes>\n    <edges>\n")
    for u, v, key, attrs, full in edges:
        relation = str(full.get("relation", OTHER_RELATION))
        out.append(
            f"      <edge id={_q(full.get('id', key))} source={_q(u)} target={_q(v)} "
            f"label={_q(full.get('label', relation))} kind={_q(relation)}>\n"
        )
        _attvalues(out, attrs, edge_types, edge_ids)
        r, g, b = rgb(RELATION_COLOURS.get(relation, RELATION_COLOURS[OTHER_RELATION]))
        out.append(f'        <viz:color r="{r}" g="{g}" b="{b}" a="1.0"/>\n')
        out.append("      </edge>\n")
    out.append("    </edges>\n  </graph>\n</gexf>\n")
    return "".join(out)


def _attvalues(
    out: list[str], attrs: dict[str, Any], types: dict[str, type], ids: dict[str, str]
) -> None:
    if not attrs:
        return
    out.append("        <attvalues>\n")
    for name, value in attrs.items():
        out.append(
            f'          <attvalue for="{ids[name]}" value={_q(format_value(value, types[name]))}/>\n'
        )
    out.append("        </attvalues>\n")
