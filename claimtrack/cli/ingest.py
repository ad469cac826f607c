"""Commands that archive documents as sources and check the archive: ingest, verify."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ..vocabulary import SOURCE_KINDS, names
from .base import get_workspace, json_option, main, one_line, print_json_lines

if TYPE_CHECKING:
    from rich.console import Console

    from ..ingest import IngestResult

KINDS = names(SOURCE_KINDS)


def _size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    from ..fetch import parse_size

    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="SOURCE...")
@json_option
@click.option("--kind", type=click.Choice(KINDS), help="What sort of document (default: article).")
@click.option("--publisher", help="Who published it (default: the site name in the page).")
@click.option("--url", help="Canonical URL of a saved page (one input only).")
@click.option("--title", help="Title (one input only; default: from the document).")
@click.option("--author", help="Byline (one input only; default: from the document).")
@click.option("--published", metavar="YYYY-MM-DD", help="Publication date (one input only).")
@click.option("--no-extract", is_flag=True, help="Archive the text only; find no claims.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=8, show_default=True,
              help="How many URLs to fetch at once.")  # fmt: skip
@click.option("--max-bytes", callback=_size, default="20MB", show_default=True, metavar="SIZE",
              help="Largest page or file to accept (e.g. 5MB).")  # fmt: skip
@click.option("--timeout", type=click.FloatRange(0.1, 600), default=20.0, show_default=True,
              help="Seconds to wait for a server before giving up.")  # fmt: skip
@click.pass_context
def ingest(
    ctx: click.Context,
    inputs: tuple[str, ...],
    as_json: bool,
    kind: str | None,
    publisher: str | None,
    url: str | None,
    title: str | None,
    author: str | None,
    published: str | None,
    no_extract: bool,
    jobs: int,
    max_bytes: int,
    timeout: float,
) -> None:
    """Archive web pages, saved pages, text files and reading notes as sources, and find
    the claims in them.

    SOURCE is an http(s) URL, an HTML, text or Markdown file, a folder of them, a Readwise
    highlight note or a structured summary. The raw bytes and the extracted text are kept
    in the workspace by sha256. Ingesting the same URL or file again changes nothing; a
    reading note and the article it quotes become one source, whichever comes first.
    One failed input does not stop the others; the exit code is 1 if any failed.

    \b
    Example:
        claimtrack ingest https://www.example.com/news/klarna-ai.html
        claimtrack ingest saved/ --kind article --jobs 4
        claimtrack ingest release.html --kind press_release --url https://example.com/pr/1
        claimtrack ingest notes/klarna-highlights.md --json
    """
    from ..ingest import expand, iter_ingest

    single = {"--url": url, "--title": title, "--author": author, "--published": published}
    given = [name for name, value in single.items() if value]
    if given and len(inputs) > 1:
        raise click.UsageError(f"{', '.join(given)} applies to one input; {len(inputs)} given")
    ws = get_workspace(ctx)
    results = iter_ingest(
        ws,
        list(inputs),
        jobs=jobs,
        kind=kind,
        publisher=publisher,
        url=url,
        title=title,
        author=author,
        published=published,
        extract=not no_extract,
        max_bytes=max_bytes,
        timeout=timeout,
    )
    counts = {"new": 0, "updated": 0, "unchanged": 0, "failed": 0}
    if as_json:
        for result in results:
            counts[_outcome(result)] += 1
            print_json_lines([result.to_json()])
    else:
        from .base import console

        out = console()
        if sys.stdout.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            progress = Progress(
                TextColumn("ingesting"),
                BarColumn(),
                MofNCompleteColumn(),
                console=out,
                transient=True,
            )
            with progress:
                task = progress.add_task("ingest", total=len(expand(inputs)))
                for result in results:
                    counts[_outcome(result)] += 1
                    _print_result(result, progress.console)
                    progress.advance(task)
        else:
            for result in results:
                counts[_outcome(result)] += 1
                _print_result(result, out)
        total = sum(counts.values())
        if total > 1:
            click.echo(
                f"{total} inputs: {counts['new']} new, "
                + (f"{counts['updated']} updated, " if counts["updated"] else "")
                + f"{counts['unchanged']} unchanged, {counts['failed']} failed",
                err=True,
            )
    if counts["failed"]:
        ctx.exit(1)


def _outcome(result: IngestResult) -> str:
    if result.error:
        return "failed"
    if result.updated:
        return "updated"
    return "new" if result.new else "unchanged"


def _print_result(result: IngestResult, out: Console) -> None:
    from rich.markup import escape

    from ..language import skipped

    source = result.source
    if result.error or source is None:
        click.echo(f"Error: {one_line(result.error or 'nothing could be read')}", err=True)
        return
    name = escape(source.title or source.url or result.input)
    claims = f"{result.claims} claim{'s' if result.claims != 1 else ''}"
    note = skipped(source.language)
    if (result.new or result.updated) and note:
        claims = note
    if result.new:
        line = f"new        {source.id}  {name}  ({result.text_chars} chars, {claims})"
    elif result.updated:
        line = f"updated    {source.id}  {name}  (text or notes added: {result.text_chars} chars, {claims})"
    else:
        line = f"unchanged  {source.id}  {name}  (already in the workspace)"
    out.print(line, soft_wrap=True)


@main.command()
@json_option
@click.pass_context
def verify(ctx: click.Context, as_json: bool) -> None:
    """Re-hash every archived snapshot and report any that changed or went missing, and any
    record file that does not load. Exit code 1 if anything is wrong.

    \b
    Example:
        claimtrack verify
        claimtrack verify --json
    """
    ws = get_workspace(ctx)
    report = ws.verify()
    if as_json:
        print_json_lines(p.to_json() for p in report.problems)
    else:
        for p in report.problems:
            what = f" (source {p.source})" if p.source else ""
            click.echo(f"Error: {p.problem}: {p.path}{what}: {p.detail}", err=True)
        n = len(report.problems)
        status = "OK" if report.ok else f"{n} problem{'s' if n != 1 else ''}"
        click.echo(
            f"{status}: {report.sources} sources, {report.snapshots} snapshots checked",
            err=not report.ok,
        )
    if not report.ok:
        ctx.exit(1)
