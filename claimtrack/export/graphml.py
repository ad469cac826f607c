"""GraphML for Gephi, yEd, Cytoscape, igraph and networkx.

Written by hand rather than with networkx's writer so that the file follows the GraphML
schema's rules exactly and the same way every time:

- the GraphML namespace and schema location; ``edgedefault="directed"``;
- one ``<key>`` per attribute and domain, with ids that cannot collide between domains
  (``n_label`` for nodes, ``e_label`` for edges), ``attr.name`` an NMTOKEN and ``attr.type``
  one of boolean, long, double, string (see ``flatten``: no None, lists joined);
- node and edge ids that are unique NMTOKENs (a multigraph's parallel edges keep distinct
  ids; characters an NMTOKEN cannot hold, such as ``>`` and ``#``, become ``.``);
- ``label`` on every node and edge, ``type`` on nodes, ``relation`` on edges, and the claim's
  ``status`` and ``flags`` as node attributes.
"""

from __future__ import annotations

import re

from .flatten import Bundle, attribute_types, flat_items, format_value, xml_attr, xml_content

NAMESPACE = "http://graphml.graphdrawing.org/xmlns"
SCHEMA_LOCATION = "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
GRAPHML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}

# XML 1.0 (5th edition) NameChar, the characters an NMTOKEN is made of.
_NAME_CHARS = (
    ":A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
    "\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
)
_NOT_NAME_CHAR = re.compile(f"[^{_NAME_CHARS}]")
NMTOKEN = re.compile(f"^[{_NAME_CHARS}]+$")


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


def _keys(domain: str, types: dict[str, type]) -> dict[str, tuple[str, type]]:
    """attribute name -> (key id, type) for one domain; ids prefixed by the domain's letter."""
    out: dict[str, tuple[str, type]] = {}
    used: set[str] = set()
    for name, kind in types.items():
        key_id = f"{domain[0]}_{nmtoken(name)}"
        while key_id in used:
            key_id += "_"
        used.add(key_id)
        out[name] = (key_id, kind)
    return out


def to_graphml(bundle: Bundle) -> str:
    """The bundle's graph as a GraphML document (a string, UTF-8 declared)."""
    nodes, edges = flat_items(bundle)
    node_attrs = [a for _, a in nodes]
    # The edge's own id is the <edge id=...>; it is not repeated as data.
    edge_attrs = [{k: v for k, v in a.items() if k != "id"} for *_, a in edges]
    node_keys = _keys("node", attribute_types(node_attrs))
    edge_keys = _keys("edge", attribute_types(edge_attrs))

    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<graphml xmlns="{NAMESPACE}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{NAMESPACE} {SCHEMA_LOCATION}">\n',
    ]
    for domain, keys in (("node", node_keys), ("edge", edge_keys)):
        for name, (key_id, kind) in keys.items():
            out.append(
                f'  <key id="{key_id}" for="{domain}" attr.name={xml_attr(nmtoken(name))} '
                f'attr.type="{GRAPHML_TYPES[kind]}"/>\n'
            )
    out.append('  <graph id="claimtrack" edgedefault="directed">\n')

    node_ids = _Ids()
    for (node, _), attrs in zip(nodes, node_attrs, strict=True):
        out.append(f"    <node id={xml_attr(node_ids.get(node))}>\n")
        _data(out, attrs, node_keys)
        out.append("    </node>\n")
    edge_ids = _Ids()
    for (u, v, key, full), attrs in zip(edges, edge_attrs, strict=True):
        out.append(
            f"    <edge id={xml_attr(edge_ids.get(full.get('id', key)))} "
            f"source={xml_attr(node_ids.get(u))} target={xml_attr(node_ids.get(v))}>\n"
        )
        _data(out, attrs, edge_keys)
        out.append("    </edge>\n")
    out.append("  </graph>\n</graphml>\n")
    return "".join(out)


def _data(out: list[str], attrs: dict, keys: dict[str, tuple[str, type]]) -> None:
    for name, value in attrs.items():
        key_id, kind = keys[name]
        text = xml_content(format_value(value, kind))
        out.append(f'      <data key="{key_id}">{text}</data>\n')
