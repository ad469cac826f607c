"""Synthetic claimtrack workspaces for benchmarks: N claims with sources, mentions, evidence
and questions, shaped like a real case file.

    python benchmarks/synth.py 10000 /tmp/ws10k [--seed 1]

Shape per 1,000 claims (seeded, deterministic): 200 sources (articles, press releases,
statements, notes) whose archived text holds the claim sentences between filler sentences;
about 1,600 mentions (each claim quoted in 1 to 3 sources, with exact offsets into the source
text); 300 evidence records whose quotes are real passages of their source; 200 questions
(half raised by the non-answer rule). Ids are claimtrack's own content-derived ids
(``claimtrack.ids.make_id``); each source has an archived text snapshot.

Speed: ``Workspace.save_many`` validates every record twice and fsyncs every file (correct for
a user's data, about 2 ms a record here), so this writes the record files directly in the
workspace's exact on-disk format (``claimtrack.workspace.dump_record``: sorted keys, 2-space
indent, final newline) without fsync. ``generate(check=True)`` (the default) proves the format
on a sample: each sampled file must equal ``dump_record(Model.model_validate(data))``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from claimtrack.ids import make_id
from claimtrack.workspace import KIND_DIRS, Workspace, dump_record

SOURCES_PER_CLAIM = 0.2
EVIDENCE_PER_CLAIM = 0.3
QUESTIONS_PER_CLAIM = 0.2

COMPANIES = [
    "Klarna",
    "Northwind Pay",
    "Fjord Bank",
    "Helios Energy",
    "Brightline Health",
    "Cobalt Freight",
    "Lumen Telecom",
    "Atlas Insurance",
    "Meridian Foods",
    "Quill Media",
    "Tessera Robotics",
    "Vantage Retail",
]
SPEAKERS = ["the company", "its chief executive", "a spokesperson", "the finance chief", None]
CUES = ["says", "said", "claims", "estimates", "told reporters", "reported"]
COUNT_UNITS = [
    ("agents", "customer service agents"),
    ("jobs", "jobs"),
    ("markets", "markets"),
    ("languages", "languages"),
    ("employees", "employees"),
    ("customers", "customers"),
    ("stores", "stores"),
    ("conversations", "conversations"),
]
SUBJECTS = [
    "its AI assistant does the work of",
    "it will cut",
    "it now operates in",
    "its chatbot answers in",
    "it employs",
    "it served",
    "it opened",
    "its assistant handled",
]
FILLER = [
    "The announcement came a week before the quarterly results.",
    "Analysts were divided on what the change would mean for staff.",
    "Shares barely moved after the statement was published.",
    "The firm did not say how the figure was calculated.",
    "Critics pointed to earlier layoffs at the same company.",
    "Regulators have asked for more detail on the plans.",
    "The report was first published in a trade newsletter.",
    "A rep was not able to provide specifics when asked.",
]
KINDS = ["article"] * 6 + ["press_release", "statement", "note", "report"]


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _dump(data: dict) -> bytes:
    # Identical to claimtrack.workspace.dump_record for data already in JSON form.
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _figure(rng: random.Random, claim_text_prefix: str) -> tuple[str, dict]:
    """A figure phrase and its Figure record (offsets in the claim text)."""
    roll = rng.random()
    if roll < 0.55:
        n = rng.choice([rng.randint(2, 999), rng.randint(1000, 99999)])
        unit, words = rng.choice(COUNT_UNITS)
        qualifier, lead = rng.choice(
            [("exact", ""), ("nearly", "nearly "), ("more_than", "more than "), ("exact", "")]
        )
        text = f"{lead}{n:,} {words}"
        fig = dict(value=float(n), unit=unit, kind="count", currency=None, qualifier=qualifier)
    elif roll < 0.85:
        n = rng.randint(1, 900)
        scale, mult = rng.choice([("million", 1e6), ("billion", 1e9)])
        text = f"${n} {scale}"
        fig = dict(value=n * mult, unit=None, kind="currency", currency="USD", qualifier="exact")
    else:
        n = rng.randint(1, 99)
        text = f"{n}%"
        fig = dict(value=float(n), unit=None, kind="percent", currency=None, qualifier="exact")
    start = len(claim_text_prefix)
    record = {
        "text": text,
        "start": start,
        "end": start + len(text),
        "low": None,
        "high": None,
        **fig,
    }
    return text, record


def _claim_sentence(rng: random.Random, serial: int) -> tuple[str, str, list[dict]]:
    company = rng.choice(COMPANIES)
    cue = rng.choice(CUES)
    subject = rng.choice(SUBJECTS)
    prefix = f"{company} {cue} {subject} "
    phrase, fig = _figure(rng, prefix)
    year = 2019 + serial % 7
    # The serial keeps every claim distinct, as real claims are (dates, places, products).
    text = f"{prefix}{phrase} in {year}, according to filing {serial}."
    return text, company, [fig]


def generate(
    root: str | os.PathLike,
    n_claims: int,
    *,
    seed: int = 0,
    check: bool = True,
) -> dict:
    """Create a workspace at ``root`` holding ``n_claims`` claims and their related records.

    Returns counts and the time taken. ``root`` must not exist or be empty.
    """
    started = time.perf_counter()
    rng = random.Random(seed)
    root = Path(root)
    ws, _ = Workspace.init(root)
    epoch = datetime(2024, 1, 1, tzinfo=timezone.utc)
    n_sources = max(1, int(n_claims * SOURCES_PER_CLAIM))

    # 1. Claims, each with a home source and 0-2 sources that repeat it.
    claims = []
    sentences_of: list[list[int]] = [[] for _ in range(n_sources)]
    for i in range(n_claims):
        text, claimant, figures = _claim_sentence(rng, i)
        home = rng.randrange(n_sources)
        others = {rng.randrange(n_sources) for _ in range(rng.choice([0, 0, 1, 1, 2]))} - {home}
        placed = [home, *sorted(others)]
        for s in placed:
            sentences_of[s].append(i)
        claims.append({"text": text, "claimant": claimant, "figures": figures, "in": placed})

    # 2. Sources: archived text = claim sentences between filler sentences; note offsets.
    sources = []
    offsets: dict[tuple[int, int], tuple[int, int]] = {}
    texts_dir = root / "snapshots"
    for s in range(n_sources):
        parts: list[str] = []
        pos = 0
        for ci in sentences_of[s]:
            filler = rng.choice(FILLER)
            parts.append(filler + " ")
            pos += len(filler) + 1
            sentence = claims[ci]["text"]
            offsets[(ci, s)] = (pos, pos + len(sentence))
            parts.append(sentence + " ")
            pos += len(sentence) + 1
        parts.append(rng.choice(FILLER))
        body = "".join(parts)
        raw = body.encode("utf-8")
        sha = hashlib.sha256(raw).hexdigest()
        blob = texts_dir / sha[:2] / sha
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(raw)
        kind = rng.choice(KINDS)
        url = f"https://news{s % 97}.example.com/{2024 + s % 2}/story-{s}.html"
        retrieved = epoch + timedelta(minutes=7 * s)
        sources.append(
            {
                "id": make_id("source", url),
                "url": url,
                "title": f"{rng.choice(COMPANIES)} figures under scrutiny, part {s}",
                "author": rng.choice(["A. Writer", "B. Reporter", None]),
                "publisher": f"news{s % 97}.example.com",
                "published": (retrieved - timedelta(days=1)).date().isoformat(),
                "retrieved_at": _iso(retrieved),
                "kind": kind,
                "sha256": sha,
                "text_sha256": sha,
                "content_type": "text/plain",
                "language": "en",
                "input": url,
                "derived_from": [],
                "notes": [],
                "_body": body,
            }
        )
    for s in range(1, n_sources):
        if rng.random() < 0.1:
            sources[s]["derived_from"] = [sources[rng.randrange(s)]["id"]]

    # 3. Claim records with their mentions.
    claim_records = []
    for i, c in enumerate(claims):
        mentions = []
        for s in c["in"]:
            start, end = offsets[(i, s)]
            cue_hit = next((cue for cue in CUES if f" {cue} " in c["text"]), None)
            mentions.append(
                {
                    "source": sources[s]["id"],
                    "quote": c["text"],
                    "start": start,
                    "end": end,
                    "claimant": c["claimant"],
                    "cue": cue_hit,
                    "hedged": cue_hit == "estimates",
                    "origin": "text",
                }
            )
        claim_records.append(
            {
                "id": make_id("claim", c["text"], c["claimant"]),
                "text": c["text"],
                "title": None,
                "claimant": c["claimant"],
                "figures": c["figures"],
                "tags": ["synthetic"] if i % 10 == 0 else [],
                "ref": f"FC-{i}" if i % 50 == 0 else None,
                "created_at": _iso(epoch + timedelta(minutes=3 * i)),
                "mentions": mentions,
                "aliases": [],
            }
        )

    # 4. Evidence: a passage of some other source that supports or contradicts the claim.
    evidence = []
    for k in range(int(n_claims * EVIDENCE_PER_CLAIM)):
        ci = rng.randrange(n_claims)
        s = rng.randrange(n_sources)
        body = sources[s]["_body"]
        quote = body[: body.find(".") + 1] if "." in body else body
        stance = rng.choice(["supports", "contradicts", "context", "supports"])
        evidence.append(
            {
                "id": make_id("evidence", claim_records[ci]["id"], sources[s]["id"], quote, str(k)),
                "claim": claim_records[ci]["id"],
                "source": sources[s]["id"],
                "stance": stance,
                "quote": quote,
                "unverified": False,
                "note": "Checked against the filing." if k % 3 == 0 else None,
                "author": rng.choice(["desk", "A. Writer", None]),
                "created_at": _iso(epoch + timedelta(minutes=5 * k)),
                "removed_at": _iso(epoch + timedelta(days=400)) if k % 40 == 0 else None,
            }
        )

    # 5. Questions: asked by people, or raised by the non-answer rule.
    questions = []
    for k in range(int(n_claims * QUESTIONS_PER_CLAIM)):
        ci = rng.randrange(n_claims)
        auto = k % 2 == 0
        text = (
            f"How was the figure in claim {k} calculated?"
            if not auto
            else "The company declined to give specifics: what is the basis?"
        )
        s = claims[ci]["in"][0]
        questions.append(
            {
                "id": make_id("question", claim_records[ci]["id"], text, str(k)),
                "claim": claim_records[ci]["id"],
                "text": text,
                "status": rng.choice(["open", "open", "answered", "dropped"]),
                "answer": None,
                "evidence": None,
                "origin": {
                    "rule": "non-answer",
                    "source": sources[s]["id"],
                    "sentence": "A rep was not able to provide specifics when asked.",
                }
                if auto
                else None,
                "created_at": _iso(epoch + timedelta(minutes=11 * k)),
            }
        )

    for src in sources:
        del src["_body"]
    by_kind = {
        "claim": claim_records,
        "source": sources,
        "evidence": evidence,
        "question": questions,
    }
    for kind, rows in by_kind.items():
        folder = root / KIND_DIRS[kind]
        folder.mkdir(exist_ok=True)
        for row in rows:
            (folder / f"{row['id']}.json").write_bytes(_dump(row))
    if check:
        _check_format(root, by_kind)
    return {
        "claims": len(claim_records),
        "sources": len(sources),
        "mentions": sum(len(c["mentions"]) for c in claim_records),
        "evidence": len(evidence),
        "questions": len(questions),
        "files": sum(len(rows) for rows in by_kind.values()) + n_sources,
        "bytes": sum(f.stat().st_size for f in root.rglob("*") if f.is_file()),
        "seconds": time.perf_counter() - started,
    }


def _check_format(root: Path, by_kind: dict[str, list[dict]]) -> None:
    """Each sampled file is byte-identical to what Workspace.save would have written."""
    from claimtrack.models import RECORD_TYPES

    for kind, rows in by_kind.items():
        for row in rows[:: max(1, len(rows) // 20)]:
            path = root / KIND_DIRS[kind] / f"{row['id']}.json"
            model = RECORD_TYPES[kind].model_validate_json(path.read_bytes())
            if dump_record(model) != path.read_bytes():
                raise AssertionError(f"synthetic {kind} differs from the workspace format: {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("claims", type=int, help="number of claims")
    parser.add_argument("directory", type=Path, help="workspace folder to create (must be new)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.directory.exists() and any(args.directory.iterdir()):
        parser.error(f"{args.directory} exists and is not empty")
    stats = generate(args.directory, args.claims, seed=args.seed)
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
