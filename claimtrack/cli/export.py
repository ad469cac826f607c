"""The export command: GraphML, GEXF, JSON, ClaimReview JSON-LD, Markdown and HTML dossiers."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .base import get_workspace, main, report_problems

if TYPE_CHECKING:
    from ..workspace import Workspace

FORMAT_NAMES = ("graphml", "gexf", "json", "claimreview", "markdown", "html")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _valid_date(text: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return bool(_DATE.match(text))


@main.command("export")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMAT_NAMES),
    required=True,
    help="graphml/gexf (Gephi, yEd, Cytoscape, igraph), json (scripts), claimreview "
    "(schema.org JSON-LD), markdown or html (a dossier for editors).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE instead of standard output.",
)
@click.option(
    "--claim",
    "claim_ids",
    multiple=True,
    metavar="ID",
    help="Export only this claim's neighbourhood (its sources, evidence, questions, claimant "
    "and conflicting claims). Repeatable; any unique id prefix.",
)
@click.option("--author", help='ClaimReview author (default: the workspace\'s "author" setting).')
@click.option(
    "--publisher", help='ClaimReview publisher (default: the workspace\'s "publisher" setting).'
)
@click.option(
    "--date",
    "date",
    metavar="YYYY-MM-DD",
    help="Date of the review / dossier (default: today, UTC).",
)
@click.pass_context
def export_cmd(
    ctx: click.Context,
    fmt: str,
    output: Path | None,
    claim_ids: tuple[str, ...],
    author: str | None,
    publisher: str | None,
    date: str | None,
) -> None:
    """Export the claim graph, ClaimReview JSON-LD, or a dossier.

    Writes to standard output unless -o FILE is given. A Markdown dossier written with -o
    links its graph picture from FILE's name with .svg, written alongside.

    \b
    Example:
        claimtrack export --format graphml -o case.graphml
        claimtrack export --format html -o dossier.html
        claimtrack export --format markdown --claim c-3f2a -o c-3f2a.md
        claimtrack export --format claimreview --author "Jane Doe" --publisher "The Daily"
    """
    from datetime import datetime, timezone

    from ..export import prepare, render, write_file

    ws = get_workspace(ctx)
    if date is None:
        date = datetime.now(timezone.utc).date().isoformat()
    elif not _valid_date(date):
        raise click.BadParameter("use a real date as YYYY-MM-DD", param_hint="--date")
    settings = ws.settings
    for name in ("author", "publisher"):
        if settings.get(name) is not None and not isinstance(settings[name], str):
            raise click.ClickException(
                f'the workspace setting "{name}" of {ws.location} must be text'
            )
    author = author or settings.get("author")
    publisher = publisher or settings.get("publisher")
    claims = [ws.resolve(c, "claim")[1] for c in claim_ids]
    if fmt == "graphml" and not claims:
        # The whole case: streamed from the store, never held in memory.
        _stream_graphml(ws, output)
        return
    records = ws.records()
    report_problems(ws)

    svg_path = None
    if output is not None and fmt == "markdown":
        svg_path = output.with_suffix(".svg")
        if svg_path == output:
            svg_path = output.with_name(output.name + ".graph.svg")
    bundle = prepare(records, claims=claims, explain=fmt in ("markdown", "html"))
    text = render(
        bundle,
        fmt,
        author=author,
        publisher=publisher,
        date=date,
        svg_href=svg_path.name if svg_path else None,
    )
    if output is None:
        # Always UTF-8 (the XML declares it), whatever the terminal's locale says.
        binary = getattr(sys.stdout, "buffer", None)
        try:
            if binary is None:
                click.echo(text, nl=False)
            else:
                sys.stdout.flush()
                binary.write(text.encode("utf-8"))
                binary.flush()
        except BrokenPipeError:
            # The reader stopped early (| head): not an error. Point stdout at /dev/null so
            # that Python's exit-time flush does not complain either.
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    if svg_path is not None:
        from ..export.dossier import claim_views, graph_svg

        write_file(svg_path, graph_svg(bundle, claim_views(bundle)).encode("utf-8"))
    write_file(output, text.encode("utf-8"))
    click.echo(f"Wrote {output}" + (f" and {svg_path}" if svg_path else ""), err=True)


def _stream_graphml(ws: Workspace, output: Path | None) -> None:
    if output is None:
        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:  # a text-only stdout (some test runners): no streaming there
            import io

            buffer = io.BytesIO()
            ws.write_graphml(buffer)
            report_problems(ws)
            click.echo(buffer.getvalue().decode("utf-8"), nl=False)
            return
        sys.stdout.flush()
        try:
            ws.write_graphml(binary)
            binary.flush()
        except BrokenPipeError:
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        report_problems(ws)
        return
    from ..workspace import atomic_stream

    with atomic_stream(output) as handle:
        ws.write_graphml(handle)
    report_problems(ws)
    click.echo(f"Wrote {output}", err=True)
