"""Commands for evidence, provenance, flags and the pre-publication check:
evidence add|list|remove, link, flags, check."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from ..check import CheckReport

from ..vocabulary import FLAG_CODES, SOURCE_KINDS, STANCES, Stance, names
from .base import (
    get_workspace,
    json_option,
    main,
    print_json_lines,
    print_lines,
    print_table,
    report_problems,
)

# claimtrack.vocabulary imports nothing heavy, so its words are offered as choices at start-up.
FLAG_CODE_NAMES = names(FLAG_CODES)
TABLE_LIMIT = 50  # claims shown by the flags table unless --limit says otherwise
#: The ``flags --json`` contract (docs/flags.md): (key, store row key) pairs.
FLAG_FIELDS = (
    ("claim", "id"),
    ("text", "text"),
    ("status", "status"),
    ("flags", "flags"),
    ("origins", "origins"),
    ("mentions", "mentions"),
)


_FLAGS = [f"--{stance}" for stance in STANCES]
_STANCE_FLAGS = ", ".join(_FLAGS[:-1]) + " or " + _FLAGS[-1]
F = TypeVar("F", bound=Callable[..., Any])


def stance_options(command: F) -> F:
    """One flag per stance (``--supports``, ``--contradicts``, ``--context``), each setting
    ``stance``, with the stance's meaning as its help."""
    for stance, term in reversed(STANCES.items()):
        text = term.meaning[:1].upper() + term.meaning[1:] + "."
        command = click.option(f"--{stance}", "stance", flag_value=stance, help=text)(command)
    return command


def _short(text: str | None, limit: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


@main.group("evidence", invoke_without_command=True)
@click.pass_context
def evidence_cmd(ctx: click.Context) -> None:
    """Record what supports, contradicts or gives context to a claim.

    A mention only repeats a claim; evidence is a source that checks it, with a quote that
    claimtrack finds in the source's archived text.

    \b
    Example:
        claimtrack evidence add c-3f2a s-9b1c --supports --quote "handled 2.3 million chats"
        claimtrack evidence list c-3f2a
        claimtrack evidence remove e-77d0
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@evidence_cmd.command("add")
@click.argument("claim")
@click.argument("source")
@stance_options
@click.option("--quote", "-q", metavar="TEXT", help="Passage of the source that shows it.")
@click.option("--note", "-n", metavar="TEXT", help="Your note on this evidence.")
@click.option(
    "--unverified",
    is_flag=True,
    help="Keep a quote even if it is not found in the source's text (marked unverified).",
)
@click.option(
    "--author",
    metavar="NAME",
    envvar="CLAIMTRACK_AUTHOR",
    help="Who is adding it (default: $CLAIMTRACK_AUTHOR).",
)
@click.option(
    "--kind",
    type=click.Choice(names(SOURCE_KINDS)),
    help="Kind of document, when SOURCE is a URL or file to ingest.",
)
@click.option("--publisher", metavar="NAME", help="Its publisher, when SOURCE is ingested.")
@json_option
@click.pass_context
def evidence_add(
    ctx: click.Context,
    claim: str,
    source: str,
    stance: Stance | None,
    quote: str | None,
    note: str | None,
    unverified: bool,
    author: str | None,
    kind: str | None,
    publisher: str | None,
    as_json: bool,
) -> None:
    """Add SOURCE as evidence for or against CLAIM.

    CLAIM is a claim id (any unique prefix). SOURCE is a source id, or a URL or file, which is
    ingested first. The quote must occur in the source's archived text; differences in
    spacing, case, quotation marks and dashes are forgiven, changed words are not. "..." in a
    quote stands for an omitted passage.

    \b
    Example:
        claimtrack evidence add c-3f2a s-9b1c --supports --quote "the equivalent of 700 agents"
        claimtrack evidence add c-3f2a https://example.com/analysis --contradicts
        claimtrack evidence add c-3f2a saved/report.html --context --note "methodology"
    """
    from ..evidence import add_evidence, evidence_summary

    if stance is None:
        raise click.UsageError(f"say how the source relates: {_STANCE_FLAGS}")
    ws = get_workspace(ctx)
    result = add_evidence(
        ws,
        claim,
        source,
        stance,
        quote=quote,
        note=note,
        unverified=unverified,
        author=author,
        ingest_options={"kind": kind, "publisher": publisher},
    )
    ev = result.evidence
    if as_json:
        row = evidence_summary(ev) | {"created": result.created}
        row["source_title"] = result.source.title
        print_json_lines([row])
        return
    if result.created:
        what = "Added"
    elif result.restored:
        what = "Restored removed"
    else:
        what = "Already recorded:"
    if result.ingested:
        click.echo(f"Ingested {result.source.id} ({result.source.title or result.source.url})")
    click.echo(f"{what} evidence {ev.id}: {result.source.id} {ev.stance} {ev.claim}")
    if ev.quote and ev.unverified:
        click.echo("  the quote was not found in the source's text; it is marked unverified")


@evidence_cmd.command("list")
@click.argument("claim", required=False)
@click.option("--source", "source_id", metavar="SOURCE", help="Only evidence from this source.")
@click.option("--removed", is_flag=True, help="Include removed evidence.")
@json_option
@click.pass_context
def evidence_list(
    ctx: click.Context, claim: str | None, source_id: str | None, removed: bool, as_json: bool
) -> None:
    """List evidence, for every claim or for one CLAIM.

    \b
    Example:
        claimtrack evidence list
        claimtrack evidence list c-3f2a --removed --json
    """
    from ..evidence import evidence_summary, list_evidence
    from ..workspace import Records

    ws = get_workspace(ctx)
    claim_id = ws.resolve(claim, "claim")[1] if claim else None
    source_full = ws.resolve(source_id, "source")[1] if source_id else None
    from ..models import Claim, Evidence, Source, expect

    evidence = [expect(e, Evidence) for e in ws.load_all("evidence")]
    claims = ws.load_many("claim", [claim_id] if claim_id else [])
    sources = ws.load_many("source", sorted({e.source for e in evidence}))
    records = Records(
        evidence={e.id: e for e in evidence},
        claims={cid: expect(c, Claim) for cid, c in claims.items()},
        sources={sid: expect(s, Source) for sid, s in sources.items()},
    )
    report_problems(ws)
    rows = [
        evidence_summary(e, records)
        for e in list_evidence(records, claim=claim_id, source=source_full, include_removed=removed)
    ]
    if as_json:
        print_json_lines(rows)
        return
    if not rows:
        click.echo(
            "No evidence yet. Add some with: claimtrack evidence add CLAIM SOURCE --supports"
        )
        return
    print_table(
        ["id", "claim", "stance", "source", "quote", "note"],
        [
            (
                r["id"],
                r["claim"],
                r["stance"] + (" (removed)" if r["removed_at"] else ""),
                r["source_title"] or r["source"],
                (_short(r["quote"], 70) + (" [unverified]" if r["unverified"] else ""))
                if r["quote"]
                else "",
                _short(r["note"], 40),
            )
            for r in rows
        ],
        title=f"{len(rows)} evidence",
    )


@evidence_cmd.command("remove")
@click.argument("evidence_id")
@click.pass_context
def evidence_remove(ctx: click.Context, evidence_id: str) -> None:
    """Withdraw evidence. It is kept (with the time it was removed) but no longer counts.

    \b
    Example:
        claimtrack evidence remove e-77d0
    """
    from ..evidence import remove_evidence
    from ..models import Evidence, expect

    ws = get_workspace(ctx)
    before = expect(ws.get(evidence_id, "evidence"), Evidence)
    ev = remove_evidence(ws, before.id)
    if before.removed_at is not None:
        removed = before.removed_at.isoformat()
        click.echo(f"{ev.id} was already removed on {removed}; nothing changed")
    else:
        click.echo(f"Removed evidence {ev.id} (kept in the workspace; it no longer counts)")


@main.command("link")
@click.argument("source")
@click.option(
    "--derived-from",
    "parents",
    metavar="SOURCE",
    multiple=True,
    required=True,
    help="A source that SOURCE merely repeats (repeatable).",
)
@click.option("--remove", is_flag=True, help="Remove the link instead of adding it.")
@click.pass_context
def link_cmd(ctx: click.Context, source: str, parents: tuple[str, ...], remove: bool) -> None:
    """Record that SOURCE only repeats another source (provenance).

    Sources linked this way count as one origin: an article rewriting a press release adds
    no independent confirmation of its figures.

    \b
    Example:
        claimtrack link s-4d5e --derived-from s-9b1c
        claimtrack link s-4d5e --derived-from s-9b1c --remove
    """
    from ..evidence import link_derived

    ws = get_workspace(ctx)
    record, changed = link_derived(ws, source, parents, remove=remove)
    if not changed:
        click.echo(f"{record.id}: nothing changed")
    elif remove:
        click.echo(f"{record.id} is no longer derived from {', '.join(changed)}")
    else:
        click.echo(f"{record.id} is derived from {', '.join(changed)}")


@main.command("flags")
@click.option(
    "--code",
    "codes",
    multiple=True,
    type=click.Choice(FLAG_CODE_NAMES),
    help="Only claims with this flag (repeatable).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    metavar="N",
    help=f"Show the worst N (default: {TABLE_LIMIT} in the table, all with --json; 0: all).",
)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="Also the flagged claims below the check-worthiness threshold.",
)
@json_option
@click.pass_context
def flags_cmd(
    ctx: click.Context, codes: tuple[str, ...], limit: int | None, show_all: bool, as_json: bool
) -> None:
    """List the check-worthy figure claims that need work before publication, worst first.

    Each flag is a reason code with a one-line explanation; see docs/flags.md. Figure
    statements below the check-worthiness threshold (a product's specifications, a price in a
    listing) are left out unless --all is given.

    \b
    Example:
        claimtrack flags
        claimtrack flags --code single-origin --code self-reported
        claimtrack flags --json --limit 20
    """
    ws = get_workspace(ctx)
    # The store says which threshold its scores go with (without loading the scorer).
    THRESHOLD = ws.checkworthy_threshold()
    floor = None if show_all else THRESHOLD
    if limit is None:
        limit = 0 if as_json else TABLE_LIMIT
    if as_json:
        # Written by the store as JSON text, rows never built (docs/case-index.md).
        lines = ws.query_claims_json(
            FLAG_FIELDS,
            flagged=True,
            figures_only=True,
            codes=codes,
            min_checkworthy=floor,
            order="severity",
            limit=limit or None,
        )
        report_problems(ws)
        print_lines(lines)
        return
    ranked = ws.query_claims(
        flagged=True, figures_only=True, codes=codes, min_checkworthy=floor, order="severity"
    )
    below = 0
    if floor is not None:
        below = len(ws.query_claims(flagged=True, figures_only=True, codes=codes)) - len(ranked)
    report_problems(ws)
    shown = ranked[:limit] if limit else ranked
    if not ranked:
        click.echo("No flagged figure claims.")
        if below:
            click.echo(f"{below} below check-worthiness {THRESHOLD:g}; --all lists them")
        return
    more = len(ranked) - len(shown)
    ranked = shown
    print_table(
        ["claim", "status", "origins", "text", "flags"],
        [
            (
                r["id"],
                r["status"],
                f"{r['origins']}/{r['backing']}",
                _short(r["text"], 70),
                "\n".join(f"{f['code']}: {f['detail']}" for f in r["flags"]),
            )
            for r in ranked
        ],
        title=f"{len(ranked) + more} flagged figure claims, worst first (origins/sources)",
    )
    if more:
        click.echo(f"... and {more} more; --limit 0 shows them all, --json lists them all")
    if below:
        click.echo(
            f"({below} flagged figure claims below check-worthiness {THRESHOLD:g} not shown; "
            "--all lists them)"
        )


@main.command("check")
@click.argument("draft", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "markdown", "text"]),
    default="auto",
    show_default=True,
    help="How to read DRAFT; auto: Markdown for .md/.markdown files.",
)
@click.option(
    "--allow",
    "allowed",
    multiple=True,
    type=click.Choice(FLAG_CODE_NAMES),
    help="Treat a supported claim with only these flags as supported (repeatable).",
)
@json_option
@click.pass_context
def check_cmd(
    ctx: click.Context, draft: str, fmt: str, allowed: tuple[str, ...], as_json: bool
) -> None:
    """Check every figure in a draft against the claims you track.

    Each sentence with a figure is reported as supported, flagged (with the flags), untracked
    (no tracked claim matches) or conflict (its figure disagrees with the tracked one). Exits
    0 when every figure is supported, 1 otherwise: usable in a publishing pipeline. DRAFT may
    be - for standard input.

    \b
    Example:
        claimtrack check draft.md
        claimtrack check draft.md --json
        cat draft.txt | claimtrack check - --allow hedged
    """
    from ..check import check_text, read_draft

    ws = get_workspace(ctx)
    if draft == "-":
        text = sys.stdin.read()
        markdown = fmt == "markdown"
    else:
        text = read_draft(draft)
        markdown = fmt == "markdown" or (
            fmt == "auto" and os.path.splitext(draft)[1].lower() in (".md", ".markdown")
        )
    report = check_text(text, store=ws, markdown=markdown, allow=allowed)
    report_problems(ws)
    if as_json:
        print_json_lines(item.to_json() for item in report.sentences)
    else:
        _print_report(report, draft)
    ctx.exit(0 if report.ok else 1)


_MARKS = {"supported": "ok", "flagged": "FLAGGED", "untracked": "UNTRACKED", "conflict": "CONFLICT"}


def _print_report(report: CheckReport, draft: str) -> None:
    if not report.sentences:
        click.echo(f"{draft}: no figures found; nothing to check")
        return
    for item in report.sentences:
        mark = _MARKS[item.verdict]
        color = {"supported": "green", "flagged": "yellow"}.get(item.verdict, "red")
        click.echo(
            click.style(f"{mark:<9}", fg=color, bold=True)
            + f" {draft}:{item.line}  {_short(item.sentence, 100)}"
        )
        if item.claim:
            click.echo(f"          claim {item.claim} ({item.status})")
        if item.detail:
            click.echo(f"          {item.detail}")
        for flag in item.flags:
            click.echo(f"          {flag.code}: {flag.detail}")
    counts = report.counts()
    summary = ", ".join(f"{n} {verdict}" for verdict, n in counts.items() if n)
    click.echo(f"\n{_plural_sentences(len(report.sentences))} with figures: {summary}")


def _plural_sentences(n: int) -> str:
    return f"{n} sentence" + ("" if n == 1 else "s")
