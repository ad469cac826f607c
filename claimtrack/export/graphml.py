"""GraphML for Gephi, yEd, Cytoscape, igraph and networkx, written by networkx's GraphML writer.

The graph written is the flattened one of ``flatten.flat_items`` (scalar attributes only: no
None, lists joined), so every value has a GraphML type: networkx declares one ``<key>`` per
attribute and domain, typed ``boolean``, ``long``, ``double`` or ``string`` across all the
nodes or edges that carry it (``infer_numeric_types``). The file has the GraphML namespace and
schema location, ``edgedefault="directed"``, ``label`` on every node and edge, ``type`` on
nodes, ``relation`` on edges, and the claim's ``status`` and ``flags`` as node attributes.

Two rules of the GraphML schema networkx's writer does not keep are kept here; without them
tests/test_export.py::test_graphml_follows_the_schema_rules fails:

- key ids unique across domains: networkx's ``named_key_ids`` names a key after its attribute
  alone, so a node's ``label`` and an edge's ``label`` would both be ``label``; here they are
  ``n_label`` and ``e_label`` (``_Writer.get_key``);
- node and edge ids that are NMTOKENs: networkx writes ids as they are; here characters an
  NMTOKEN cannot hold, such as ``>`` and ``#`` in the graph's edge ids, become ``.``, with a
  suffix where that would make two ids one (``_Ids``). The edge's id is its ``<edge id>``; it
  is not repeated as data.

And one networkx gets wrong for the XML Schema type that ``attr.type="boolean"`` names: it
writes ``True`` and ``False``; the literals are ``true`` and ``false`` (``_Writer.add_data``;
tests/test_export.py::test_graphml_booleans_are_xml_schema_literals).
"""

from __future__ import annotations

import io
import re
from typing import Any

# This module is imported only to write GraphML (claimtrack.export.render), so networkx here
# does not slow down other commands.
import networkx as nx
from networkx.readwrite.graphml import GraphMLWriterLxml

from .flatten import Bundle, flat_items

# XML 1.0 (5th edition) NameChar, the characters an NMTOKEN is made of.
_NAME_CHARS = (
    ":A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
    "\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
)
_NOT_NAME_CHAR = re.compile(f"[^{_NAME_CHARS}]")


def nmtoken(text: str) -> str:
    """``text`` with every character an NMTOKEN cannot hold replaced by ``.``."""
    return _NOT_NAME_CHAR.sub(".", text) or "_"


class _Ids:
    """Unique NMTOKEN ids for arbitrary strings, stable for a given input order."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.by_original: dict[object, str] = {}

    def get(self, original: object) -> str:
        if original in self.by_original:
            return self.by_original[original]
        base = nmtoken(str(original))
        candidate, n = base, 1
        while candidate in self.used:
            n += 1
            candidate = f"{base}.{n}"
        self.used.add(candidate)
        self.by_original[original] = candidate
        return candidate


class _Writer(GraphMLWriterLxml):
    """networkx's writer, with key ids prefixed by their domain (``n_label``, ``e_label``) and
    declared in the order the attributes are first seen."""

    def __init__(self, stream: io.BytesIO) -> None:
        self.key_ids = _Ids()
        super().__init__(stream, infer_numeric_types=True, named_key_ids=True)

    def get_key(self, name: str, attr_type: str, scope: str, default: Any) -> str:
        found: str | None = self.keys.get((name, attr_type, scope))
        if found is None:
            found = self.key_ids.get(f"{scope[0]}_{name}")
            self.keys[(name, attr_type, scope)] = found
            attrs = {"id": found, "for": scope, "attr.name": name, "attr.type": attr_type}
            self.xml.append(self.myElement("key", **attrs))
        return found

    def add_data(
        self, name: str, element_type: type, value: Any, scope: str = "all", default: Any = None
    ) -> Any:
        if element_type is bool:  # networkx writes str(True); the boolean literals are lower case
            value = str(value).lower()
        return super().add_data(name, element_type, value, scope, default)


def to_graphml(bundle: Bundle) -> str:
    """The bundle's graph as a GraphML document (a string, UTF-8 declared)."""
    nodes, edges = flat_items(bundle)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(id="claimtrack")
    node_ids, edge_ids = _Ids(), _Ids()
    graph.add_nodes_from((node_ids.get(node), attrs) for node, attrs in nodes)
    for u, v, key, attrs in edges:
        data = {name: value for name, value in attrs.items() if name != "id"}
        edge_id = edge_ids.get(attrs.get("id", key))
        graph.add_edge(node_ids.get(u), node_ids.get(v), key=edge_id, **data)
    out = io.BytesIO()
    writer = _Writer(out)
    writer.add_graph_element(graph)
    writer.dump()
    return out.getvalue().decode("utf-8")
