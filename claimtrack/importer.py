"""Bulk import of claims from JSON Lines or schema.org ClaimReview JSON-LD.

JSON Lines: one object per line, ``{"text", "title", "ref", "claimant", "source", "date"}``;
only ``text`` is required. ``title`` is the headline the claim came with (a fact-check's
title), kept on the claim and used in matching; ``ref`` is an external id (a fact-check
database's) kept on the claim;
``source`` is a URL or a publication's name and becomes a source with a mention of the claim;
``date`` (YYYY-MM-DD) becomes the claim's ``created_at``.

ClaimReview: a single object, a list of them, or an ``@graph``: ``claimReviewed`` is the text,
``name`` (or ``headline``) the title, ``itemReviewed.author`` the claimant, ``itemReviewed.appearance`` / ``firstAppearance`` the
sources, ``url`` (or ``identifier``/``@id``) the ref, ``reviewRating.alternateName`` a
``rating:`` tag.

The whole file is read and checked before anything is written; a bad line is reported by
number and the workspace is left as it was. Importing the same file again changes nothing.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import collector
from .errors import InputError
from .ids import is_valid_id, make_id

if TYPE_CHECKING:
    from .models import Claim, Source
    from .workspace import Workspace


PARALLEL_FIGURES = 2000
"""More new claims than this: their figures are read in worker processes (``forked.Forked``)
while the importer builds the records and writes the sources."""
IMPORT_BATCH = 5000
"""Records an import commits at a time (larger than ``Workspace.batch``'s default: an import
is decided before it writes, and its claims are derived in worker processes a batch at a
time)."""


@dataclass
class ImportItem:
    """One claim as read from an import file."""

    text: str
    title: str | None = None
    ref: str | None = None
    claimant: str | None = None
    sources: list[str] = field(default_factory=list)
    date: str | None = None
    tags: list[str] = field(default_factory=list)
    claim_id: str | None = None  # a claimtrack id carried by a ClaimReview exported by claimtrack


@dataclass
class ImportResult:
    """What an import did: ids of the new and the updated claims, and new sources."""

    new_claims: list[str] = field(default_factory=list)
    updated_claims: list[str] = field(default_factory=list)
    unchanged: int = 0
    new_sources: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, int]:
        return {
            "new": len(self.new_claims),
            "updated": len(self.updated_claims),
            "unchanged": self.unchanged,
            "sources": len(self.new_sources),
        }


# -- reading -----------------------------------------------------------------------------------


def _str(value: object, where: str, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InputError(f"{where}: {name!r} must be a string")
    return " ".join(value.split()) or None


def _name(value: object) -> str | None:
    """A schema.org Person/Organization (or a list of them, or a plain string) as a name."""
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        value = value.get("name") or value.get("alternateName")
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _urls(value: object) -> list[str]:
    if isinstance(value, list):
        return [u for v in value for u in _urls(v)]
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id")
    return [value.strip()] if isinstance(value, str) and value.strip() else []


def _date(value: object) -> str | None:
    if isinstance(value, str) and len(value) >= 10:
        return value[:10]
    return None


def is_claimreview(obj: object) -> bool:
    if not isinstance(obj, dict):
        return False
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return "ClaimReview" in kinds or "claimReviewed" in obj


def from_claimreview(obj: dict[str, Any], where: str) -> ImportItem:
    reviewed = obj.get("itemReviewed")
    item: dict[str, Any] = reviewed if isinstance(reviewed, dict) else {}
    text = obj.get("claimReviewed") or item.get("text") or item.get("name")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{where}: a ClaimReview without claimReviewed text")
    ref = None
    claim_id = None
    for key in ("url", "identifier", "@id"):
        value = obj.get(key)
        if isinstance(value, dict):
            value = value.get("value") or value.get("@id")
        if not isinstance(value, str) or not value.strip():
            continue
        value = value.strip()
        if is_valid_id(value) and value.startswith("c-"):
            claim_id = claim_id or value  # exported by claimtrack: keep the claim's identity
        elif ref is None:
            ref = value
    sources = _urls(item.get("appearance")) + _urls(item.get("firstAppearance"))
    title = next(
        (" ".join(v.split()) for v in (obj.get("name"), obj.get("headline")) if isinstance(v, str)),
        None,
    )
    rating = obj.get("reviewRating")
    tags = []
    if isinstance(rating, dict) and isinstance(rating.get("alternateName"), str):
        tags.append(f"rating:{rating['alternateName'].strip()}")
    return ImportItem(
        text=" ".join(text.split()),
        title=title or None,
        ref=ref,
        claimant=_name(item.get("author")),
        sources=list(dict.fromkeys(sources)),
        date=_date(item.get("datePublished")) or _date(obj.get("datePublished")),
        tags=tags,
        claim_id=claim_id,
    )


def from_line(obj: object, where: str) -> ImportItem:
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object with a 'text'")
    if is_claimreview(obj):
        return from_claimreview(obj, where)
    text = _str(obj.get("text"), where, "text")
    if not text:
        raise InputError(f"{where}: no 'text'")
    source = _str(obj.get("source"), where, "source")
    date = _str(obj.get("date"), where, "date")
    if date is not None:
        try:
            datetime.strptime(date[:10], "%Y-%m-%d")
        except ValueError:
            raise InputError(f"{where}: date {date!r} is not YYYY-MM-DD") from None
    return ImportItem(
        text=text,
        title=_str(obj.get("title"), where, "title"),
        ref=_str(obj.get("ref"), where, "ref"),
        claimant=_str(obj.get("claimant"), where, "claimant"),
        sources=[source] if source else [],
        date=date[:10] if date else None,
    )


def parse(data: str, name: str = "input") -> list[ImportItem]:
    """The claims in an import file's text (JSON Lines, or ClaimReview JSON-LD)."""
    stripped = data.strip()
    if not stripped:
        return []
    if stripped[0] in "[{":
        try:
            whole = json.loads(stripped)
        except ValueError:
            whole = None
        if isinstance(whole, list):
            return [from_line(o, f"{name}: item {i + 1}") for i, o in enumerate(whole)]
        if isinstance(whole, dict):
            graph = whole.get("@graph")
            if isinstance(graph, list):
                return [from_line(o, f"{name}: @graph item {i + 1}") for i, o in enumerate(graph)]
            return [from_line(whole, name)]
    items = []
    # Lines end at \n, \r\n or \r (``str.splitlines`` would also end one at U+2028, U+0085
    # and other separators, which a JSON string may hold as they are).
    for number, line in enumerate(io.StringIO(data, newline=None), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:  # a JSONDecodeError, or a number too long to convert
            why = (
                f"{exc.msg.removesuffix(' at')} at column {exc.colno}"
                if isinstance(exc, json.JSONDecodeError)
                else str(exc)
            )
            raise InputError(f"{name}: line {number} is not JSON ({why})") from None
        items.append(from_line(obj, f"{name}: line {number}"))
    return items


def read(path: str | Path) -> list[ImportItem]:
    path = Path(path)
    try:
        data = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}") from None
    with collector.paused():
        return parse(data, str(path))


# -- writing -----------------------------------------------------------------------------------


def _is_url(ref: str) -> bool:
    return ref.lower().startswith(("http://", "https://"))


def source_id(ref: str) -> str:
    """The id of the source a URL (as ingest would give it) or a name names."""
    return _Sources().id(ref)


def source_for(ref: str, now: datetime) -> Source:
    """A source record for a URL or a publication's name given in an import file."""
    return _Sources().record(ref, now)


class _Sources:
    """``source_id`` and ``source_for``, each URL normalised and each id made once (an import
    names the same sources many times, and a record's id is the id of its normalised URL)."""

    def __init__(self) -> None:
        self.normal: dict[str, str] = {}
        self.ids: dict[str, str] = {}

    def normalized(self, ref: str) -> str:
        found = self.normal.get(ref)
        if found is None:
            found = ref
            if _is_url(ref):
                from .fetch import normalize_url

                found = normalize_url(ref)
            self.normal[ref] = found
        return found

    def id(self, ref: str) -> str:
        found = self.ids.get(ref)
        if found is None:
            found = self.ids[ref] = make_id("source", self.normalized(ref))
        return found

    def record(self, ref: str, now: datetime) -> Source:
        from .models import Source

        is_url = _is_url(ref)
        if is_url:
            ref = self.normalized(ref)
        return Source(
            id=self.id(ref),
            url=ref if is_url else None,
            title=None if is_url else ref,
            input=ref,
            retrieved_at=now,
            kind="article",
        )


def import_items(
    ws: Workspace,
    items: list[ImportItem],
    *,
    now: datetime | None = None,
    figures: bool = True,
) -> ImportResult:
    """Add ``items`` to the workspace as claims (merging into claims with the same text and
    claimant), with their sources and mentions. Everything is built before anything is written; the records are then written in
    batches (``Store.batch``).
    """
    from .extract import claim_figures, remember_claim_figures
    from .forked import Forked
    from .models import Claim, Mention, expect, utcnow

    now = now or utcnow()
    result = ImportResult()
    with collector.paused(), ws.transaction(), ws.batch(size=IMPORT_BATCH):
        claims: dict[str, Claim] = {}
        sources: dict[str, Source] = {}
        changed: set[str] = set()
        # The case's claims and sources, listed once (an exact match by id is all an import
        # looks for: the same text and claimant make the same id).
        stored = {kind: set(ws.ids(kind)) for kind in ("claim", "source")}
        ids = [item.claim_id or make_id("claim", item.text, item.claimant) for item in items]
        # The figures of the new claims' texts are read in worker processes (when there are
        # many) while this one builds the records and writes the sources.
        new_ids = [cid not in stored["claim"] for cid in ids]
        texts = list(dict.fromkeys(i.text for i, n in zip(items, new_ids, strict=True) if n))
        reading = None
        if figures:
            reading = Forked(texts, claim_figures, ahead=True, at_least=PARALLEL_FIGURES)
        try:
            fresh = []  # the new claims, their figures to come
            named = _Sources()
            dates: dict[str, datetime] = {}  # many claims share a date
            for item, cid in zip(items, ids, strict=True):
                claim = claims.get(cid)
                if claim is None and cid in stored["claim"]:
                    claim = claims[cid] = expect(ws.load("claim", cid), Claim)
                if claim is None:
                    created = now
                    if item.date:
                        created = dates.get(item.date) or dates.setdefault(
                            item.date,
                            datetime.strptime(item.date, "%Y-%m-%d").replace(tzinfo=timezone.utc),
                        )
                    claim = Claim(
                        id=cid,
                        text=item.text,
                        title=item.title,
                        claimant=item.claimant,
                        ref=item.ref,
                        tags=list(item.tags),
                        created_at=created,
                    )
                    claims[cid] = claim
                    fresh.append(claim)
                    changed.add(cid)
                    result.new_claims.append(cid)
                if item.ref and not claim.ref:
                    claim.ref = item.ref
                    changed.add(cid)
                if item.title and not claim.title:
                    claim.title = item.title
                    changed.add(cid)
                for tag in item.tags:
                    if tag not in claim.tags:
                        claim.tags.append(tag)
                        changed.add(cid)
                for ref in item.sources:
                    sid = named.id(ref)
                    if sid not in sources and sid not in stored["source"]:
                        sources[sid] = named.record(ref, now)
                        result.new_sources.append(sid)
                    if not any(m.source == sid and m.quote == item.text for m in claim.mentions):
                        claim.mentions.append(
                            Mention(source=sid, quote=item.text, claimant=item.claimant)
                        )
                        changed.add(cid)
            if sources:  # first: a claim never names a source that is not written
                ws.save_many(list(sources.values()))
            if reading is not None:
                read = dict(zip(texts, reading.result(), strict=True))
                for text, found in read.items():
                    remember_claim_figures(text, found)
                for claim in fresh:
                    claim.figures = list(read[claim.text])
        finally:
            if reading is not None:
                reading.close()
        new = set(result.new_claims)
        result.updated_claims = sorted(changed - new)
        result.unchanged = len(claims) - len(changed)
        to_write = [claims[c] for c in claims if c in changed]
        if to_write:
            ws.save_many(to_write)
    return result
