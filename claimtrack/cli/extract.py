"""The extract command: find the claims, figures and claimants in text, without a workspace."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import click

from .base import json_option, main, print_json_lines, print_table

if TYPE_CHECKING:
    from ..models import Figure


@main.command("extract")
@click.argument(
    "paths", nargs=-1, metavar="[PATH ...|-]", type=click.Path(dir_okay=False, allow_dash=True)
)
@click.option("--all", "all_sentences", is_flag=True, help="Every sentence, not only claims.")
@click.option(
    "--input",
    "input_format",
    type=click.Choice(["text", "jsonl"]),
    default="text",
    show_default=True,
    help='Plain text, or JSON Lines of {"id": ..., "text": ...}.',
)
@json_option
def extract_cmd(
    paths: tuple[str, ...], all_sentences: bool, input_format: str, as_json: bool
) -> None:
    """Find the claims in text: sentences with their figures, claimant, cue and hedges.

    Reads plain text files, or standard input when no PATH (or -) is given. Offsets index
    each input's text. Needs no workspace.

    \b
    Example:
        claimtrack extract article.txt
        claimtrack extract --all --json notes/*.md
        echo 'Klarna says its assistant does the work of 700 agents.' | claimtrack extract --json
        claimtrack extract --input jsonl --json < articles.jsonl
    """
    from ..extract import extract

    rows = []
    for rid, text in _inputs(paths or ("-",), input_format):
        for s in extract(text, all_sentences=all_sentences):
            if as_json:
                print_json_lines([s.to_json(rid)])
            else:
                rows.append((rid, s))
    if as_json:
        return
    if not rows:
        click.echo("No claims found." if not all_sentences else "No sentences found.")
        return
    print_table(
        ["id", "at", "claim", "claimant", "cue", "figures", "hedged"],
        [
            (
                rid,
                f"{s.start}-{s.end}",
                "yes" if s.is_claim else "no",
                s.claimant or "",
                s.cue or "",
                "; ".join(_figure_summary(f) for f in s.figures),
                "yes" if s.hedged else "",
            )
            for rid, s in rows
        ],
        title=f"{len(rows)} sentences",
    )
    for rid, s in rows:
        click.echo(f"{rid}:{s.start}: {s.sentence}")


def _inputs(paths: Iterable[str], input_format: str) -> Iterator[tuple[str, str]]:
    from ..extract.inputs import decode, jsonl_records

    for path in paths:
        name = "stdin" if path == "-" else path
        with click.open_file(path, "rb") as fh:  # "-" is standard input
            data = fh.read()
        text = decode(data, name)
        if input_format == "jsonl":
            yield from jsonl_records(text.splitlines(), name)
        else:
            yield name, text


def _figure_summary(f: Figure) -> str:
    what = f.unit or f.currency or f.kind
    value = "?" if f.value is None else f"{f.value:g}"
    return f"{f.text} [{value} {what}]"
