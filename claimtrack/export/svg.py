"""A picture of the claim graph as plain SVG, drawn without any layout library.

The layout is layered and deterministic: sources on the left, claims in the middle, questions
and claimants on the right. Claims keep the order they are given; every other node is placed
at the mean height of the claims it is linked to (the barycentre heuristic), then pushed down
just enough not to overlap its neighbour. ``derived_from`` edges arc to the left of the sources
and ``conflicts_with`` edges to the right of the claims. Every piece of text is escaped.

The same function draws the graph of a workspace (``claimtrack.graph.build``) and a graph read
back from an exported GraphML file: it needs only node ``type``, ``label`` (``text``/``title``
when present) and ``status``, and edge ``relation``.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING, Any

from ..vocabulary import (
    CLAIM_STATUSES,
    NODE_TYPES,
    OTHER_RELATION,
    OTHER_RELATION_COLOUR,
    RELATIONS,
)
from .flatten import xml_text

if TYPE_CHECKING:
    import networkx as nx

NODE_COLOURS: dict[str, str] = {name: t.colour for name, t in NODE_TYPES.items()}
NODE_FILLS: dict[str, str] = {name: t.fill for name, t in NODE_TYPES.items()}
RELATION_COLOURS: dict[str, str] = {
    **{name: t.colour for name, t in RELATIONS.items()},
    OTHER_RELATION: OTHER_RELATION_COLOUR,
}
RELATION_LABELS: dict[str, str] = {name: t.label for name, t in RELATIONS.items()}
DASHED = frozenset(name for name, t in RELATIONS.items() if t.dashed)
COLUMN_TITLES = ("Sources", "Claims", "Questions and claimants")

ROW = 30
BOX_H = 22
COL_W = 240
GAP = 130
LEFT = 70
TOP = 110
CHARS = 34


def rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as three integers."""
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


STATUS_FILLS: dict[str, str] = {name: t.fill for name, t in CLAIM_STATUSES.items()}


def status_colour(status: str | None) -> str:
    """Fill colour of a claim box for its status (grey when not assessed)."""
    if not status:
        return "#eeeeee"
    return STATUS_FILLS.get(status, "#e8e1f5")


def _e(text: object) -> str:
    return escape(xml_text(str(text)), quote=True)


def _short(text: str, limit: int = CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _full_text(attrs: dict[str, Any], node: str) -> str:
    for name in ("text", "title", "name", "label"):
        value = attrs.get(name)
        if value:
            return str(value)
    return str(node)


def claim_graph_svg(
    graph: nx.MultiDiGraph[str],
    *,
    claim_order: Iterable[str] | None = None,
    statuses: dict[str, str | None] | None = None,
    max_claims: int = 150,
    title: str = "Claim graph",
) -> str:
    """The graph drawn as a standalone SVG document (also valid inline in HTML5).

    ``claim_order`` fixes the claims' top-to-bottom order (default: the graph's); at most
    ``max_claims`` are drawn with their neighbours, and a note says how many were left out.
    ``statuses`` gives claim statuses when the nodes have no ``status`` attribute.
    """
    statuses = statuses or {}
    types = {n: str(a.get("type", "other")) for n, a in graph.nodes(data=True)}
    all_claims = [n for n in graph.nodes if types[n] == "claim"]
    if claim_order is not None:
        wanted = [c for c in dict.fromkeys(claim_order) if c in graph and types[c] == "claim"]
        placed = set(wanted)
        all_claims = wanted + [c for c in all_claims if c not in placed]
    claims = all_claims[:max_claims]
    hidden = len(all_claims) - len(claims)
    order = {n: i for i, n in enumerate(graph.nodes)}

    pos: dict[str, tuple[int, float]] = {c: (1, TOP + i * ROW) for i, c in enumerate(claims)}
    shown = set(claims)
    left: dict[str, float] = {}
    right: dict[str, float] = {}
    linked: dict[str, list[float]] = {}
    for c in claims:
        y = pos[c][1]
        for n in list(graph.predecessors(c)) + list(graph.successors(c)):
            if types[n] != "claim":
                linked.setdefault(n, []).append(y)
    for n in graph.nodes:
        if types[n] == "claim":
            continue
        if n in linked:
            desired = sum(linked[n]) / len(linked[n])
        elif hidden == 0 and not any(
            types[m] == "claim" for m in (*graph.predecessors(n), *graph.successors(n))
        ):
            desired = float("inf")  # linked to no claim at all: listed at the bottom
        else:
            continue
        (left if types[n] == "source" else right)[n] = desired
    for col, column in ((0, left), (2, right)):
        y_prev: float = TOP - ROW
        for n in sorted(column, key=lambda n: (column[n], order[n])):
            y = max(column[n], y_prev + ROW) if column[n] != float("inf") else y_prev + ROW
            pos[n] = (col, y)
            y_prev = y
    shown.update(left)
    shown.update(right)

    xs = (LEFT, LEFT + COL_W + GAP, LEFT + 2 * (COL_W + GAP))
    width = xs[2] + COL_W + 30
    bottom = max((y for _, y in pos.values()), default=TOP) + ROW
    height = int(bottom + (30 if hidden else 10))

    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="claim-graph" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">\n',
        f"<title>{_e(title)}</title>\n",
        "<defs>\n",
    ]
    for relation, colour in RELATION_COLOURS.items():
        parts.append(
            f'<marker id="ct-arrow-{relation}" viewBox="0 0 10 10" refX="10" refY="5" '
            f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>\n'
        )
    parts.append("</defs>\n")
    parts.append(f'<rect width="{width}" height="{height}" fill="#ffffff"/>\n')
    _legend(parts, width)
    for x, name in zip(xs, COLUMN_TITLES, strict=True):
        parts.append(
            f'<text x="{x}" y="{TOP - 28}" font-weight="bold" font-size="13" '
            f'fill="#333333">{_e(name)}</text>\n'
        )

    # Edges first, so boxes sit on top of them; parallel edges of one relation drawn once.
    drawn: dict[tuple[str, str, str], int] = {}
    for u, v, data in graph.edges(data=True):
        if u in shown and v in shown:
            k = (u, v, str(data.get("relation", OTHER_RELATION)))
            drawn[k] = drawn.get(k, 0) + 1
    parts.append('<g class="edges" fill="none" stroke-width="1.4">\n')
    for (u, v, relation), count in drawn.items():
        parts.append(_edge(pos[u], pos[v], xs, relation, count, u, v))
    parts.append("</g>\n")

    parts.append('<g class="nodes">\n')
    for n in sorted(shown, key=lambda n: (pos[n][0], pos[n][1], order[n])):
        col, y = pos[n]
        attrs = graph.nodes[n]
        kind = types[n]
        full = _full_text(attrs, n)
        status = attrs.get("status") if attrs.get("status") not in (None, "") else statuses.get(n)
        fill = status_colour(status) if kind == "claim" else NODE_FILLS.get(kind, "#f0f0f0")
        stroke = NODE_COLOURS.get(kind, NODE_COLOURS["other"])
        tip = f"{kind} {n}: {full}" + (f" [{status}]" if status else "")
        dash = ' stroke-dasharray="4 3"' if attrs.get("missing") else ""
        status_class = f" status-{_e(status).replace(' ', '-')}" if status else ""
        parts.append(
            f'<g class="node {_e(kind)}{status_class}" data-id="{_e(n)}">'
            f"<title>{_e(tip)}</title>"
            f'<rect x="{xs[col]}" y="{y - BOX_H / 2:.1f}" width="{COL_W}" height="{BOX_H}" '
            f'rx="5" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>'
            f'<text x="{xs[col] + 8}" y="{y + 4:.1f}" fill="#1f1f1f">{_e(_short(full))}</text>'
            "</g>\n"
        )
    parts.append("</g>\n")
    if hidden:
        parts.append(
            f'<text x="{xs[1]}" y="{height - 12}" fill="#555555">'
            f"{hidden} more claims not drawn; export with --claim ID to draw one claim's "
            "neighbourhood</text>\n"
        )
    parts.append("</svg>\n")
    return "".join(parts)


def _edge(
    a: tuple[int, float],
    b: tuple[int, float],
    xs: tuple[int, int, int],
    relation: str,
    count: int,
    u: str,
    v: str,
) -> str:
    (ca, ya), (cb, yb) = a, b
    if ca < cb:
        x1, x2 = xs[ca] + COL_W, xs[cb]
        mid = (x1 + x2) / 2
        d = f"M{x1},{ya:.1f} C{mid:.1f},{ya:.1f} {mid:.1f},{yb:.1f} {x2},{yb:.1f}"
    elif ca > cb:
        x1, x2 = xs[ca], xs[cb] + COL_W
        mid = (x1 + x2) / 2
        d = f"M{x1},{ya:.1f} C{mid:.1f},{ya:.1f} {mid:.1f},{yb:.1f} {x2},{yb:.1f}"
    else:
        bulge = 30 + min(abs(yb - ya) / 6, 40)
        if ca == 0:  # sources: arc on the left
            x = xs[0]
            d = f"M{x},{ya:.1f} C{x - bulge:.1f},{ya:.1f} {x - bulge:.1f},{yb:.1f} {x},{yb:.1f}"
        else:  # claims (and anything else): arc on the right
            x = xs[ca] + COL_W
            d = f"M{x},{ya:.1f} C{x + bulge:.1f},{ya:.1f} {x + bulge:.1f},{yb:.1f} {x},{yb:.1f}"
    key = relation if relation in RELATION_COLOURS else OTHER_RELATION
    colour = RELATION_COLOURS[key]
    words = RELATION_LABELS.get(relation, relation)
    dash = ' stroke-dasharray="5 3"' if relation in DASHED else ""
    width = f' stroke-width="{min(1.4 + 0.6 * (count - 1), 4):.1f}"' if count > 1 else ""
    times = f" (\u00d7{count})" if count > 1 else ""
    return (
        f'<path class="edge {_e(key)}" d="{d}" stroke="{colour}"{dash}{width} '
        f'marker-end="url(#ct-arrow-{key})"><title>{_e(u)} {_e(words)} {_e(v)}{times}'
        "</title></path>\n"
    )


def _legend(parts: list[str], width: int) -> None:
    x, y = LEFT, 20
    parts.append('<g class="legend" font-size="11" fill="#333333">\n')
    for kind, node in NODE_TYPES.items():
        if kind == "other":
            continue
        name = node.label
        parts.append(
            f'<rect x="{x}" y="{y - 9}" width="14" height="12" rx="3" fill="{node.fill}" '
            f'stroke="{node.colour}" stroke-width="1.5"/>'
            f'<text x="{x + 19}" y="{y + 1}">{name}</text>\n'
        )
        x += 30 + 7 * len(name)
    x += 10
    for term in RELATIONS.values():
        if x + 130 > width:
            x, y = LEFT, y + 20
        dash = ' stroke-dasharray="5 3"' if term.dashed else ""
        parts.append(
            f'<line x1="{x}" y1="{y - 3}" x2="{x + 22}" y2="{y - 3}" stroke="{term.colour}" '
            f'stroke-width="2"{dash}/><text x="{x + 27}" y="{y + 1}">{term.label}</text>\n'
        )
        x += 40 + 7 * len(term.label)
    y += 22
    x = LEFT
    for status in (None, *STATUS_FILLS):
        label = status or "not assessed"
        parts.append(
            f'<rect x="{x}" y="{y - 9}" width="14" height="12" rx="3" '
            f'fill="{status_colour(status)}" stroke="{NODE_COLOURS["claim"]}" stroke-width="1"/>'
            f'<text x="{x + 19}" y="{y + 1}">claim: {label}</text>\n'
        )
        x += 60 + 7 * len(label)
    parts.append("</g>\n")
