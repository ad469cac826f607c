"""Commands that create a workspace and list or show its records: init, reindex, claims,
show, sources."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..errors import NotFound
from .base import (
    get_workspace,
    json_option,
    main,
    print_json,
    print_json_lines,
    print_lines,
    print_table,
    report_problems,
)

if TYPE_CHECKING:
    from ..models import Source
    from ..store.base import ClaimRow
    from ..workspace import Workspace


@main.command()
@click.argument("location", required=False, metavar="[DIRECTORY|URL]")
@click.pass_context
def init(ctx: click.Context, location: str | None) -> None:
    """Create a workspace (default: --workspace, else ./claims), or a case shared in a
    PostgreSQL database (a postgresql:// URL; needs pip install 'claimtrack[postgres]').

    \b
    Example:
        claimtrack init
        claimtrack init ~/cases/klarna/claims
        claimtrack init postgresql://desk@db.example.org/klarna
    """
    from ..store import init_store
    from ..workspace import DEFAULT_DIR

    chosen = ctx.find_root().obj.get("workspace") if ctx.find_root().obj else None
    ws, created = init_store(location or chosen or DEFAULT_DIR)
    if created:
        click.echo(f"Created an empty claimtrack workspace in {ws.location}")
    else:
        click.echo(f"{ws.location} is already a claimtrack workspace; nothing changed")


@main.command()
@click.pass_context
def reindex(ctx: click.Context) -> None:
    """Rebuild the case index from the record files.

    The index (.cache/index.sqlite in a folder case) is derived: claimtrack keeps it up to date
    by itself, noticing files changed by hand, by git or by other programs, and rebuilds it when
    it is missing or damaged. Run this to rebuild it anyway; no record changes.

    \b
    Example:
        claimtrack reindex
    """
    ws = get_workspace(ctx)
    reindex_store = getattr(ws, "reindex", None)
    if reindex_store is None:
        click.echo(f"{ws.location} keeps no index to rebuild; nothing to do")
        return
    counts = reindex_store()
    report_problems(ws)
    where = counts.get("path") or "memory (the workspace cannot be written)"
    click.echo(
        f"Rebuilt the case index in {where} in {counts['seconds']:.1f} s: "
        f"{counts['claims']} claims, {counts['sources']} sources, "
        f"{counts['evidence']} evidence, {counts['questions']} questions"
        + (f", {counts['problems']} corrupt records skipped" if counts["problems"] else "")
    )


TABLE_LIMIT = 50  # claims shown by the claims table unless --limit says otherwise


CLAIM_FIELDS = (
    "id",
    "text",
    "claimant",
    "figures",
    "mentions",
    "sources",
    "status",
    "ref",
    "checkworthy",
    "flags",
)
"""The ``claims --json`` contract (docs/json.md): these keys of a store row (``ClaimRow``)."""


def claim_summary(row: ClaimRow) -> dict[str, Any]:
    """The ``claims --json`` contract (docs/json.md), from a store row (``ClaimRow``)."""
    data: dict[str, Any] = dict(row)
    return {key: data[key] for key in CLAIM_FIELDS}


@main.command("claims")
@json_option
@click.option("--status", "status_filter", help="Only claims with this status.")
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="Every claim, not only the check-worthy ones.",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0.0, 1.0),
    metavar="SCORE",
    help="Only claims whose check-worthiness is at least SCORE, in [0, 1] (default: "
    "claimtrack.extract.checkworthy.THRESHOLD).",
)
@click.option("--figures-only", is_flag=True, help="Only claims that state a figure.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    metavar="N",
    help=f"Show the first N (default: {TABLE_LIMIT} in the table, all with --json; 0: all).",
)
@click.pass_context
def claims_cmd(
    ctx: click.Context,
    as_json: bool,
    status_filter: str | None,
    show_all: bool,
    min_score: float | None,
    figures_only: bool,
    limit: int | None,
) -> None:
    """List the check-worthy claims, the ones to look at first on top.

    By default only claims whose check-worthiness reaches the threshold are listed, worst
    status and heaviest flags first, then the most check-worthy; the rest are counted.
    --all lists every claim, --min-score sets another threshold.

    \b
    Example:
        claimtrack claims
        claimtrack claims --all --limit 0
        claimtrack claims --figures-only --min-score 0.8
        claimtrack claims --status unsupported --json
    """
    if show_all and min_score is not None:
        raise click.UsageError("--all and --min-score do not go together")
    ws = get_workspace(ctx)
    # The store says which threshold its scores go with (without loading the scorer).
    THRESHOLD = ws.checkworthy_threshold()
    floor = None if show_all else (THRESHOLD if min_score is None else min_score)
    if as_json:
        # Written by the store as JSON text, rows never built (docs/case-index.md).
        lines = ws.query_claims_json(
            [(k, k) for k in CLAIM_FIELDS],
            status=status_filter,
            figures_only=figures_only,
            min_checkworthy=floor,
            order="triage",
            limit=limit or None,
        )
        report_problems(ws)
        print_lines(lines)
        return
    rows = ws.query_claims(
        status=status_filter, figures_only=figures_only, min_checkworthy=floor, order="triage"
    )
    hidden = 0
    if floor is not None and not as_json:
        everything = ws.query_claims(status=status_filter, figures_only=figures_only)
        hidden = len(everything) - len(rows)
    report_problems(ws)
    if limit is None:
        limit = 0 if as_json else TABLE_LIMIT
    more = max(0, len(rows) - limit) if limit else 0
    if limit:
        rows = rows[:limit]
    if not rows:
        if hidden:
            click.echo(
                f"No claims reach check-worthiness {floor:g}; {hidden} below it "
                "(claimtrack claims --all lists them)."
            )
        else:
            click.echo("No claims yet. Add some with: claimtrack ingest URL|FILE")
        return
    what = "claims" if floor is None else f"claims with check-worthiness >= {floor:g}"
    print_table(
        ["id", "score", "status", "claim", "flags"],
        [
            (
                r["id"],
                f"{r['checkworthy']:.2f}",
                r["status"] or "",
                _short(r["text"], 80),
                ", ".join(f["code"] for f in r["flags"]),
            )
            for r in rows
        ],
        title=f"{len(rows) + more} {what}, worst first",
    )
    if more:
        click.echo(f"... and {more} more; --limit 0 shows them all")
    if hidden:
        click.echo(
            f"... and {hidden} more below check-worthiness {floor:g}; "
            "--all lists every claim, --min-score sets the threshold"
        )


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def source_summary(source: Source, mentions: int) -> dict[str, Any]:
    """The ``sources --json`` contract (docs/json.md)."""
    return {
        "id": source.id,
        "url": source.url,
        "title": source.title,
        "kind": source.kind,
        "publisher": source.publisher,
        "published": source.published,
        "retrieved_at": source.retrieved_at.isoformat(),
        "sha256": source.sha256,
        "mentions": mentions,
    }


@main.group("sources", invoke_without_command=True)
@json_option
@click.pass_context
def sources_cmd(ctx: click.Context, as_json: bool) -> None:
    """List the sources in the workspace (or show one: sources show ID).

    \b
    Example:
        claimtrack sources
        claimtrack sources --json
        claimtrack sources show s-1a2b --text
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..models import Source, expect

    ws = get_workspace(ctx)
    sources = [expect(s, Source) for s in ws.load_all("source")]
    counts = ws.mention_counts()
    report_problems(ws)
    rows = [
        source_summary(s, counts.get(s.id, 0))
        for s in sorted(sources, key=lambda s: (s.retrieved_at, s.id))
    ]
    if as_json:
        print_json_lines(rows)
        return
    if not rows:
        click.echo("No sources yet. Add some with: claimtrack ingest URL|FILE")
        return
    print_table(
        ["id", "title", "kind", "publisher", "published", "mentions"],
        [
            (
                r["id"],
                r["title"] or r["url"] or "",
                r["kind"],
                r["publisher"],
                r["published"],
                r["mentions"],
            )
            for r in rows
        ],
        title=f"{len(rows)} sources",
    )


@sources_cmd.command("show")
@click.argument("source_id")
@json_option
@click.option("--text", "show_text", is_flag=True, help="Print the archived main text.")
@click.pass_context
def sources_show(ctx: click.Context, source_id: str, as_json: bool, show_text: bool) -> None:
    """Show one source, or its archived text.

    \b
    Example:
        claimtrack sources show s-1a2b
        claimtrack sources show s-1a2b --text
    """
    from ..models import Source, expect

    ws = get_workspace(ctx)
    source = expect(ws.get(source_id, "source"), Source)
    if show_text:
        click.echo(ws.source_text(source))
        return
    _show_source(ws, source, as_json)


def _show_source(ws: Workspace, source: Source, as_json: bool) -> None:
    from ..models import Claim, expect

    claims = [
        expect(c, Claim) for c in ws.load_many("claim", ws.claims_of_source(source.id)).values()
    ]
    report_problems(ws)
    mentioned = [
        {"claim": c.id, "text": c.text, "quote": m.quote, "start": m.start, "end": m.end}
        for c in claims
        for m in c.mentions
        if m.source == source.id
    ]
    data = source.model_dump(mode="json")
    data["claims"] = mentioned
    if as_json:
        print_json(data)
        return
    for key in (
        "id",
        "title",
        "url",
        "kind",
        "author",
        "publisher",
        "published",
        "retrieved_at",
        "sha256",
        "language",
        "input",
    ):
        if data.get(key):
            click.echo(f"{key:>12}: {data[key]}")
    from ..language import skipped

    if skipped(source.language):
        click.echo(f"{'skipped':>12}: {skipped(source.language)}")
    if source.derived_from:
        click.echo(f"{'derived from':>12}: {', '.join(source.derived_from)}")
    for note in source.notes:
        click.echo(f"{'note':>12}: {note}")
    click.echo(f"\n{len(mentioned)} claim mentions")
    for m in mentioned:
        click.echo(f"  {m['claim']}  {m['quote']}")


@main.command()
@click.argument("record_id")
@json_option
@click.pass_context
def show(ctx: click.Context, record_id: str, as_json: bool) -> None:
    """Show a claim with its mentions, evidence, questions, status and flags.

    ID may be any unique prefix of a claim, source, evidence or question id.

    \b
    Example:
        claimtrack show c-3f2a
        claimtrack show c-3f2a --json
    """
    ws = get_workspace(ctx)
    kind, full_id = ws.resolve(record_id)
    if kind == "claim":
        # One claim's neighbourhood, as JSON from the store (no model is loaded).
        try:
            detail, sources = ws.claim_view(full_id)
        except NotFound:
            ws.load(kind, full_id)  # a file that does not load: say why
            raise
        report_problems(ws)
        if as_json:
            print_json(detail)
            return
        _print_claim(detail, sources)
        return
    from ..models import Source, expect

    record = ws.load(kind, full_id)
    if kind == "source":
        _show_source(ws, expect(record, Source), as_json)
        return
    if as_json:
        print_json(record.model_dump(mode="json"))
    else:
        for key, value in record.model_dump(mode="json").items():
            if value not in (None, [], ""):
                click.echo(f"{key:>12}: {value}")


def _print_claim(d: dict[str, Any], sources: dict[str, dict[str, Any]]) -> None:
    click.secho(d["text"], bold=True)
    if d["title"]:
        click.echo(f"title: {d['title']}")
    click.echo(f"{d['id']}  claimant: {d['claimant'] or '-'}  status: {d['status'] or '-'}")
    reasons = ", ".join(f"{w['reason']} {w['weight']:+g}" for w in d["why"])
    click.echo(f"check-worthiness: {d['checkworthy']:.2f}" + (f" ({reasons})" if reasons else ""))
    if d["origin_groups"]:
        n = len(d["mentions"])
        click.echo(
            f"{n} mention{'s' if n != 1 else ''}, {d['origins']} "
            f"origin{'s' if d['origins'] != 1 else ''}:"
        )
        for g in d["origin_groups"]:
            whose = "the claimant's own word" if g["claimant"] else "independent"
            k = len(g["sources"])
            click.echo(f"  - {g['label']} ({k} source{'s' if k != 1 else ''}, {whose})")
    if d["figures"]:
        click.echo(
            "figures: "
            + "; ".join(
                f"{f['text']} = {f['value']:g} {f['unit'] or ''} ({f['kind']}, {f['qualifier']})"
                if f["value"] is not None
                else f["text"]
                for f in d["figures"]
            )
        )
    if d["flags"]:
        click.echo("\nFlags:")
        for f in d["flags"]:
            click.echo(f"  {f['code']:<20} {f['detail']}")
    click.echo(f"\nMentions ({len(d['mentions'])}):")
    for m in d["mentions"]:
        src = sources.get(m["source"])
        name = (src["title"] or src["url"]) if src else m["source"]
        click.echo(f"  {m['source']}  {name}")
        click.echo(f"      \u201c{m['quote']}\u201d")
    if d["evidence"]:
        click.echo(f"\nEvidence ({len(d['evidence'])}):")
        for e in d["evidence"]:
            click.echo(
                f"  {e['id']}  {e['stance']:<11} {e['source']}"
                + ("  (quote unverified)" if e["unverified"] else "")
            )
            if e["quote"]:
                click.echo(f"      \u201c{e['quote']}\u201d")
            if e["note"]:
                click.echo(f"      note: {e['note']}")
    if d["questions"]:
        click.echo(f"\nQuestions ({len(d['questions'])}):")
        for q in d["questions"]:
            click.echo(f"  {q['id']}  [{q['status']}] {q['text']}")
