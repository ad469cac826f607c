"""The click group, workspace option, error handling and output helpers shared by commands.

Commands live in sibling modules by area and only parse options, call the library and print.
Heavy modules (networkx, httpx, trafilatura, pydantic models, rich) are imported inside the
commands that need them so that ``claimtrack --help`` stays quick.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import click

from ..errors import ClaimtrackError

if TYPE_CHECKING:
    from rich.console import Console

    from ..workspace import Workspace


def one_line(message: str) -> str:
    return " ".join(str(message).split())


class ClaimtrackGroup(click.Group):
    """A group that turns library errors into one clean line and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ClaimtrackError as exc:
            raise click.ClickException(one_line(str(exc))) from None
        except BrokenPipeError:
            # `claimtrack claims | head`: the reader left; that is not an error.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(0)
        except OSError as exc:
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            raise click.ClickException(one_line(f"{where}{exc.strerror or exc}")) from None
        except KeyboardInterrupt:
            click.echo("interrupted; the workspace is unchanged by the unfinished step", err=True)
            ctx.exit(130)


class ClaimtrackCommand(click.Command):
    """Commands that keep their ``Example:`` blocks formatted as written."""


@click.group(cls=ClaimtrackGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--workspace",
    "-w",
    metavar="DIR|URL",
    envvar="CLAIMTRACK_WORKSPACE",
    help="Workspace folder, or the postgresql:// URL of a case kept in a database. Default: "
    "the nearest claims/ found walking up from here (or $CLAIMTRACK_WORKSPACE).",
)
@click.version_option(package_name="claimtrack")
@click.pass_context
def main(ctx: click.Context, workspace: str | None) -> None:
    """Track the claims in news articles: where each figure comes from, who repeats it,
    what supports or contradicts it, and what nobody has answered.

    \b
    Example:
        claimtrack init
        claimtrack ingest https://example.com/article.html
        claimtrack flags
        claimtrack check draft.md
    """
    ctx.ensure_object(dict)
    ctx.obj["workspace"] = workspace


def get_workspace(ctx: click.Context | None = None) -> Workspace:
    """Open the case chosen by --workspace, $CLAIMTRACK_WORKSPACE or the folder tree."""
    from ..store import open_store

    ctx = ctx or click.get_current_context()
    root = ctx.find_root().obj.get("workspace") if ctx.find_root().obj else None
    return open_store(root)  # type: ignore[return-value]  # commands move to Store


def warn(message: str) -> None:
    click.echo(f"warning: {one_line(message)}", err=True)


def report_problems(ws: Workspace) -> None:
    """Name every record that failed to load, on stderr; the command carries on without it."""
    for problem in ws.problems:
        warn(f"skipped corrupt record {problem}")


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON Lines.")


def print_json_lines(objects: Iterable[dict[str, Any]]) -> None:
    out = sys.stdout
    for obj in objects:
        out.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
    out.flush()


def print_lines(lines: Iterable[str]) -> None:
    """Lines already made (JSON Lines from the store), each followed by a newline."""
    out = sys.stdout
    for line in lines:
        out.write(line)
        out.write("\n")
    out.flush()


def print_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def console(stderr: bool = False) -> Console:
    """A rich console; wide enough to be useful when output is piped to a file."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else int(os.environ.get("COLUMNS", "120"))
    return Console(file=stream, width=width, soft_wrap=False, highlight=False)


def print_table(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None
) -> None:
    """A rich table for people (``--json`` is the format for programs)."""
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for name in columns:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    console().print(table)
