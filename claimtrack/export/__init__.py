"""Exports: the claim graph for Gephi, yEd, Cytoscape and igraph, ClaimReview JSON-LD for the
web, and a dossier an editor reads before publication.

Every exporter is a small function over one :class:`Bundle` (the records, the graph built from
them, and each claim's assessment)::

    from claimtrack.export import export
    text = export(ws.records(), "graphml")                    # the whole workspace
    text = export(records, "html", claims=["c-3f2a9b1c0d4e"])  # one claim's neighbourhood

Formats: ``graphml``, ``gexf``, ``json``, ``claimreview``, ``markdown``, ``html``.
Nothing here reads a clock: dates that appear in an export (``date``) are passed in.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ClaimtrackError
from .flatten import Bundle, prepare

if TYPE_CHECKING:
    from ..flags import Assessment
    from ..workspace import Records

FORMATS = ("graphml", "gexf", "json", "claimreview", "markdown", "html")
DOSSIERS = ("markdown", "html")
SUFFIXES = {
    "graphml": ".graphml",
    "gexf": ".gexf",
    "json": ".json",
    "claimreview": ".jsonld",
    "markdown": ".md",
    "html": ".html",
}


class ExportError(ClaimtrackError):
    """An export cannot be made as asked (unknown format, missing ClaimReview author, ...)."""


def export(
    records: Records,
    fmt: str,
    *,
    claims: Iterable[str] | None = None,
    author: str | None = None,
    publisher: str | None = None,
    date: str | None = None,
    svg_href: str | None = None,
    assessments: dict[str, Assessment] | None = None,
) -> str:
    """The workspace ``records`` (or the neighbourhood of ``claims``) as text in ``fmt``.

    ``author``, ``publisher`` and ``date`` (ISO 8601) go into ClaimReview and the dossier's
    header. ``svg_href`` makes a Markdown dossier link its graph picture instead of embedding
    it. ``assessments`` replaces ``claimtrack.flags.assess`` (for tests and callers that have
    already assessed the records).
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    bundle = prepare(records, claims=claims, assessments=assessments, explain=fmt in DOSSIERS)
    return render(bundle, fmt, author=author, publisher=publisher, date=date, svg_href=svg_href)


def render(
    bundle: Bundle,
    fmt: str,
    *,
    author: str | None = None,
    publisher: str | None = None,
    date: str | None = None,
    svg_href: str | None = None,
) -> str:
    """``bundle`` as text in ``fmt`` (see :func:`export`)."""
    if fmt == "graphml":
        from .graphml import to_graphml

        return to_graphml(bundle)
    if fmt == "gexf":
        from .gexf import to_gexf

        return to_gexf(bundle)
    if fmt == "json":
        from .jsonexport import to_json

        return to_json(bundle)
    if fmt == "claimreview":
        from .claimreview import to_claimreview

        return to_claimreview(bundle, author=author, publisher=publisher, date=date)
    if fmt == "markdown":
        from .dossier import to_markdown

        return to_markdown(bundle, date=date, svg_href=svg_href)
    if fmt == "html":
        from .dossier import to_html

        return to_html(bundle, date=date)
    raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_file(path: str | os.PathLike[str], data: bytes) -> None:
    """Write an export atomically (a reader sees the old file or the whole new one), with the
    usual permissions of a file made to be shared, not a private record's 0600."""
    from ..workspace import atomic_write

    atomic_write(Path(path), data, shared=True)


__all__ = [
    "FORMATS",
    "SUFFIXES",
    "Bundle",
    "ExportError",
    "export",
    "prepare",
    "render",
    "write_file",
]
