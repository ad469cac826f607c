"""Evidence and provenance: what supports or contradicts a claim, and which sources only repeat
others.

- ``add_evidence`` records that a source supports, contradicts or gives context to a claim,
  with a quote that must occur in the source's archived text (``find_quote``); a quote that is
  not there is refused with the closest passage, unless the caller accepts it as unverified.
- ``remove_evidence`` withdraws evidence: the record stays on disk with ``removed_at`` set, so
  history is kept, but it no longer counts.
- ``link_derived`` records that a source merely repeats another (``Source.derived_from``),
  which the independence analysis in ``claimtrack.flags`` follows.

Every function computes and checks everything first and writes last, so a refusal leaves the
workspace exactly as it was.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ClaimtrackError, FetchError, NotFound, QuoteNotFound
from .ids import make_id
from .models import Claim, Evidence, Source, expect, utcnow
from .vocabulary import STANCES as _STANCE_TERMS
from .vocabulary import names

if TYPE_CHECKING:
    import httpx

    from .ingest import Prepared
    from .vocabulary import Stance
    from .workspace import Records, Workspace

STANCES: tuple[Stance, ...] = names(_STANCE_TERMS)


class ProvenanceError(ClaimtrackError):
    """A derived-from link that would make no sense (a source repeating itself, a cycle)."""


# -- quote verification ------------------------------------------------------------------------

# Typographic variants that a journalist retyping a quote cannot be expected to reproduce.
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4\u02bc"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_ELLIPSIS = re.compile(r"\s*(?:\.\s*\.\s*\.|\u2026)\s*")
_TRIM = "\"' \t\r\n" + _SINGLE_QUOTES + _DOUBLE_QUOTES
_OUTER = '" \t\r\n' + _DOUBLE_QUOTES  # stripped from a found passage (not apostrophes)
_MAX_ELISION_GAP = 400  # characters of source text an ellipsis may stand for


def _fold_char(ch: str) -> str:
    if ch in _SINGLE_QUOTES:
        return "'"
    if ch in _DOUBLE_QUOTES:
        return '"'
    if ch in _DASHES:
        return "-"
    if ch == "\u2026":
        return "..."
    return unicodedata.normalize("NFKC", ch).casefold()


def normalize_quote(text: str) -> tuple[str, list[int]]:
    """``text`` folded for quote matching, and the offset in ``text`` of each folded character.

    Folding is tolerant of what retyping changes and nothing else: runs of whitespace become
    one space, curly quotes become straight ones, every dash becomes ``-`` (and the spaces
    around a dash go, so "markets — speak" matches "markets—speak"), case is ignored, invisible
    characters (soft hyphens, zero-width spaces) are dropped. Words stay words.

    >>> normalize_quote("Klarna\\u2019s  AI \\u2014 now")[0]
    "klarna's ai-now"
    """
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch in _INVISIBLE:
            continue
        if ch.isspace():
            if chars and chars[-1] not in (" ", "-"):
                chars.append(" ")
                where.append(i)
            continue
        if chars and unicodedata.combining(ch):
            # "e" + combining acute is "é": compose, so decomposed and precomposed text match.
            composed = unicodedata.normalize("NFC", chars[-1] + ch)
            if len(composed) == 1:
                chars[-1] = composed
                continue
        folded = _fold_char(ch)
        if folded == "-":
            if chars and chars[-1] == " ":  # "word - word": the space before the dash goes
                chars.pop()
                where.pop()
            if chars and chars[-1] == "-":  # "--" typed for an em dash
                continue
        for c in folded:
            chars.append(c)
            where.append(i)
    if chars and chars[-1] == " ":
        chars.pop()
        where.pop()
    return "".join(chars), where


def _span(where: list[int], start: int, end: int) -> tuple[int, int]:
    """Offsets in the original text of folded characters ``start:end``."""
    return where[start], where[end - 1] + 1


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` occurs in ``text``, tolerant of typography (``normalize_quote``), as
    (start, end) offsets into ``text``; None if it does not occur.

    Surrounding quotation marks and final punctuation the quote adds are forgiven, and an
    ellipsis ("..." or "…") in the quote stands for a short omitted passage (at most 400
    characters), as in print.

    >>> text = "It said the bots \\u201cspeak 35 languages\\u201d and work 24 hours."
    >>> find_quote(text, '"speak 35 languages"')
    (17, 37)
    >>> find_quote(text, "speak 36 languages") is None
    True
    """
    folded_text, where = normalize_quote(text)
    if not folded_text:
        return None
    attempts = [quote, quote.strip(_TRIM), quote.strip(_TRIM).rstrip(".,;:!?").strip(_TRIM)]
    for attempt in dict.fromkeys(a for a in attempts if a.strip()):
        folded, _ = normalize_quote(attempt)
        if not folded:
            continue
        at = folded_text.find(folded)
        if at >= 0:
            return _span(where, at, at + len(folded))
        parts = [normalize_quote(p)[0] for p in _ELLIPSIS.split(attempt)]
        parts = [p for p in parts if p]
        if len(parts) > 1:
            found = _find_elided(folded_text, parts)
            if found:
                return _span(where, *found)
    return None


def _find_elided(folded_text: str, parts: list[str]) -> tuple[int, int] | None:
    """Span of ``parts`` occurring in order, each gap at most ``_MAX_ELISION_GAP`` long and
    every gap between whole words (an ellipsis cannot turn "unconvinced" into "convinced")."""

    def bounded(at: int, end: int, left: bool, right: bool) -> bool:
        ok_left = not left or at == 0 or not folded_text[at - 1].isalnum()
        ok_right = not right or end >= len(folded_text) or not folded_text[end].isalnum()
        return ok_left and ok_right

    def find(part: str, pos: int, left: bool, right: bool) -> int:
        at = folded_text.find(part, pos)
        while at >= 0 and not bounded(at, at + len(part), left, right):
            at = folded_text.find(part, at + 1)
        return at

    last = len(parts) - 1
    start = find(parts[0], 0, False, True)
    while start >= 0:
        pos = start + len(parts[0])
        for i, part in enumerate(parts[1:], 1):
            nxt = find(part, pos, True, i < last)
            if nxt < 0 or nxt - pos > _MAX_ELISION_GAP:
                break
            pos = nxt + len(part)
        else:
            return start, pos
        start = find(parts[0], start + 1, False, True)
    return None


# A sentence: up to a stop followed by a space, or to the end of the line ("2.3" stays whole).
_PASSAGE = re.compile(r"[^\n]+?(?:[.!?]+[\"'\u201d\u2019)]*(?=\s)|$)", re.M)


def closest_passage(text: str, quote: str, *, limit: int = 240) -> tuple[str, float] | None:
    """The passage of ``text`` most like ``quote`` and its similarity in [0, 1], or None when
    ``text`` is empty. Used to tell the journalist what the source actually says.

    Each sentence (and each pair of neighbouring sentences) is aligned with the quote by
    difflib's SequenceMatcher on folded text, narrowed to the words that line up, and scored
    by the similarity of that stretch to the quote. The standard library is enough: this only
    runs when a quote is refused, over one source's text, and a cheap upper bound skips
    sentences that cannot beat the best so far.
    """
    folded_quote = normalize_quote(quote)[0]
    sentences = [(m.start(), m.end()) for m in _PASSAGE.finditer(text) if m.group(0).strip()]
    if not sentences or not folded_quote:
        return None
    candidates = sentences + [(a[0], b[1]) for a, b in zip(sentences, sentences[1:], strict=False)]
    lq = len(folded_quote)
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(folded_quote)
    best: tuple[float, int, int] = (-1.0, 0, 0)
    for start, end in candidates:
        folded, where = normalize_quote(text[start:end])
        if not folded:
            continue
        matcher.set_seq1(folded)
        # At most this many characters can line up, so the narrowed stretch's ratio is at
        # most 2m / (m + lq): skip the sentence when that cannot beat the best.
        m = min(lq, matcher.quick_ratio() * (len(folded) + lq) / 2)
        if 2 * m / (m + lq) <= best[0]:
            continue
        blocks = [b for b in matcher.get_matching_blocks() if b.size >= 3]
        if not blocks:
            continue
        lo, hi = blocks[0].a, blocks[-1].a + blocks[-1].size
        while lo > 0 and folded[lo - 1].isalnum():
            lo -= 1
        while hi < len(folded) and folded[hi].isalnum():
            hi += 1
        ratio = difflib.SequenceMatcher(None, folded[lo:hi], folded_quote, autojunk=False).ratio()
        if ratio > best[0]:
            best = (ratio, start + where[lo], start + where[hi - 1] + 1)
    ratio, start, end = best
    if ratio < 0:
        return None
    passage = " ".join(text[start:end].split())
    if len(passage) > limit:
        passage = passage[: limit - 1].rstrip() + "\u2026"
    return passage, ratio


# -- adding, listing and removing evidence -------------------------------------------------------


@dataclass
class AddResult:
    """What ``add_evidence`` did."""

    evidence: Evidence
    source: Source
    created: bool  # False when the same evidence was already recorded
    restored: bool = False  # True when it had been removed and is counted again
    ingested: bool = False  # True when SOURCE was a URL or file ingested on the spot
    span: tuple[int, int] | None = None  # where the quote is in the source's archived text


_URL = re.compile(r"^https?://", re.I)
_ID_LIKE = re.compile(r"^(?:s-)?[0-9a-f]{1,12}$")


def is_url(ref: str) -> bool:
    return bool(_URL.match(ref.strip()))


def resolve_source(ws: Workspace, ref: str) -> Source | None:
    """The source a SOURCE argument names by id (prefix), or None when it names a URL or an
    existing file to ingest. Raises NotFound when it is none of these."""
    ref = ref.strip()
    if is_url(ref):
        return None
    if _ID_LIKE.match(ref):
        try:
            return expect(ws.get(ref, "source"), Source)
        except NotFound:
            if not Path(ref).is_file():
                raise
    if Path(ref).expanduser().is_file():
        return None
    raise NotFound(
        f"{ref!r} is neither a source id in {ws.location} nor a URL nor a file; see: claimtrack sources"
    )


def _prepare_ingest(
    ws: Workspace, item: str, client: httpx.Client | None, options: dict[str, Any] | None
) -> tuple[Prepared, Source, str]:
    """Fetch or read ``item`` and compute its Source and text without writing anything:
    (prepared, source, text). Failures raise (FetchError, InputError ...)."""
    from .ingest import IngestOptions, prepare

    opts = IngestOptions.build(**(options or {}))
    prepared = prepare(ws, item, client=client, opts=opts)
    source = prepared.result.source
    if source is None:  # pragma: no cover - prepare raises instead
        raise FetchError(f"cannot add {item} as evidence: nothing could be read from it")
    text = ws.source_text(source) if prepared.existing else prepared.text
    return prepared, source, text


def _quote_check(source: Source, text: str, quote: str) -> tuple[str, tuple[int, int]]:
    """The passage as the source writes it and its span; QuoteNotFound when it is not there."""
    label = source.id + (f" ({_short(source.title)})" if source.title else "")
    if not text.strip():
        raise QuoteNotFound(
            f"cannot check the quote: {label} has no archived text; "
            "add --unverified to record it anyway"
        )
    span = find_quote(text, quote)
    if span is not None:
        # Keep the passage without the quotation marks around it, so that the same quote typed
        # with or without them is the same evidence (same id).
        start, end = span
        while start < end and text[start] in _OUTER:
            start += 1
        while end > start and text[end - 1] in _OUTER + ",;:":
            end -= 1
        if start < end and text[start] in "'\u2018" and text[end - 1] in "'\u2019":
            start, end = start + 1, end - 1  # 'single quotes' around the whole passage
        if start >= end:
            start, end = span
        return text[start:end], (start, end)
    closest = closest_passage(text, quote)
    passage = closest[0] if closest else None
    shown = f'; closest passage: "{passage}"' if passage else ""
    raise QuoteNotFound(
        f"quote not found in {label}{shown}; fix the quote or add --unverified to record it anyway",
        closest=passage,
    )


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _archived_text(ws: Workspace, source: Source) -> str:
    try:
        return ws.source_text(source)
    except NotFound:  # the snapshot is missing: nothing to check a quote against
        return ""


def _evidence_id(claim: str, source: str, stance: str, quote: str | None) -> str:
    return make_id("evidence", claim, source, stance, quote)


def add_evidence(
    ws: Workspace,
    claim: str,
    source: str | Source,
    stance: Stance,
    *,
    quote: str | None = None,
    note: str | None = None,
    unverified: bool = False,
    author: str | None = None,
    now: datetime | None = None,
    client: httpx.Client | None = None,
    ingest_options: dict[str, Any] | None = None,
) -> AddResult:
    """Record that ``source`` supports, contradicts or gives context to ``claim``.

    ``claim`` is a claim id or unique prefix (a merged claim's old id resolves to the claim it
    was merged into). ``source`` is a Source, a source id or prefix, or a URL or file, which is
    ingested (``claimtrack.ingest``, with ``client`` and ``ingest_options``) once every check
    has passed.

    ``quote`` must occur in the source's archived text (see ``find_quote``); the evidence keeps
    the passage as the source writes it. When it does not occur, QuoteNotFound is raised with
    the closest passage, unless ``unverified`` is true: then the quote is kept as given and the
    evidence is marked ``unverified``.

    Adding the same evidence again changes nothing; adding evidence that was removed counts it
    again. Nothing is written when any check fails (an unknown claim, a source that cannot be
    fetched or read, a quote that is not there).
    """
    if stance not in STANCES:
        raise ClaimtrackError(f"stance must be one of {', '.join(STANCES)}, not {stance!r}")
    claim_record = expect(ws.get(claim, "claim"), Claim)
    quote = quote if quote and quote.strip() else None
    prepared = None
    if isinstance(source, str):
        found = resolve_source(ws, source)
        if found is None:
            prepared, source_record, text = _prepare_ingest(ws, source, client, ingest_options)
        else:
            source_record, text = found, None
    else:
        source_record, text = source, None

    span = None
    is_unverified = False
    if quote is not None:
        if text is None:
            text = _archived_text(ws, source_record)
        try:
            quote, span = _quote_check(source_record, text, quote)
        except QuoteNotFound:
            if not unverified:
                raise
            is_unverified = True

    evidence_id = _evidence_id(claim_record.id, source_record.id, stance, quote)
    existing: Evidence | None = None
    if ws.exists("evidence", evidence_id):
        existing = expect(ws.load("evidence", evidence_id), Evidence)
    if existing is None:
        record = Evidence(
            id=evidence_id,
            claim=claim_record.id,
            source=source_record.id,
            stance=stance,
            quote=quote,
            unverified=is_unverified,
            note=note,
            author=author,
            created_at=now or utcnow(),
        )
    elif existing.removed_at is not None:
        record = existing.model_copy(
            update={
                "removed_at": None,
                "note": note if note is not None else existing.note,
                "author": author if author is not None else existing.author,
            }
        )
    else:
        record = existing

    # Every check has passed: write.
    ingested = False
    if prepared is not None:
        from .ingest import commit

        result = commit(ws, prepared)
        source_record = result.source or source_record
        ingested = not prepared.existing
    if record is not existing:
        ws.save(record)
    return AddResult(
        record,
        source_record,
        created=existing is None,
        restored=existing is not None and record is not existing,
        ingested=ingested,
        span=span,
    )


def remove_evidence(ws: Workspace, evidence: str, *, now: datetime | None = None) -> Evidence:
    """Withdraw evidence: it stays on disk with ``removed_at`` set and no longer counts.

    Removing evidence that is already removed changes nothing.
    """
    record = expect(ws.get(evidence, "evidence"), Evidence)
    if record.removed_at is not None:
        return record
    updated = record.model_copy(update={"removed_at": now or utcnow()})
    ws.save(updated)
    return updated


def list_evidence(
    records: Records,
    *,
    claim: str | None = None,
    source: str | None = None,
    include_removed: bool = False,
) -> list[Evidence]:
    """Evidence in ``records``, oldest first, optionally for one claim (full id, aliases
    included) or one source."""
    claim_ids: set[str] | None = None
    if claim is not None:
        claim_ids = {claim}
        if claim in records.claims:
            claim_ids.update(records.claims[claim].aliases)
    out = [
        e
        for e in records.evidence.values()
        if (include_removed or e.removed_at is None)
        and (claim_ids is None or e.claim in claim_ids)
        and (source is None or e.source == source)
    ]
    out.sort(key=lambda e: (e.created_at, e.id))
    return out


def evidence_summary(evidence: Evidence, records: Records | None = None) -> dict[str, Any]:
    """The ``evidence list --json`` contract (docs/flags.md)."""
    source = records.sources.get(evidence.source) if records else None
    return {
        "id": evidence.id,
        "claim": evidence.claim,
        "source": evidence.source,
        "source_title": source.title if source else None,
        "stance": evidence.stance,
        "quote": evidence.quote,
        "unverified": evidence.unverified,
        "note": evidence.note,
        "author": evidence.author,
        "created_at": evidence.created_at.isoformat(),
        "removed_at": evidence.removed_at.isoformat() if evidence.removed_at else None,
    }


# -- provenance -------------------------------------------------------------------------------


def link_derived(
    ws: Workspace, source: str, parents: Iterable[str], *, remove: bool = False
) -> tuple[Source, list[str]]:
    """Record that ``source`` merely repeats each of ``parents`` (or, with ``remove``, that it
    does not). Returns the updated source and the parent ids that changed.

    Refuses a source derived from itself and a link that would make a cycle (A repeats B,
    B repeats A), since then neither would be the origin.
    """
    with ws.lock():
        record = expect(ws.get(source, "source"), Source)
        parent_ids = [expect(ws.get(p, "source"), Source).id for p in parents]
        changed: list[str] = []
        derived = list(record.derived_from)
        if remove:
            for pid in parent_ids:
                if pid in derived:
                    derived.remove(pid)
                    changed.append(pid)
        else:
            graph = _derived_graph(ws)
            for pid in parent_ids:
                if pid == record.id:
                    raise ProvenanceError(f"{record.id} cannot be derived from itself")
                if pid in derived:
                    continue
                if _reaches(graph, pid, record.id):
                    raise ProvenanceError(
                        f"{pid} is already derived (directly or through others) from "
                        f"{record.id}; a link back would make a cycle"
                    )
                derived.append(pid)
                graph.setdefault(record.id, []).append(pid)
                changed.append(pid)
        if changed:
            record = record.model_copy(update={"derived_from": derived})
            ws.save(record)
    return record, changed


def _derived_graph(ws: Workspace) -> dict[str, list[str]]:
    sources = (expect(s, Source) for s in ws.load_all("source"))
    return {s.id: list(s.derived_from) for s in sources}


def _reaches(graph: dict[str, list[str]], start: str, target: str) -> bool:
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        if node == target:
            return True
        for nxt in graph.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False
