"""schema.org ClaimReview JSON-LD: one review per claim that has a status.

Each review names the claim (``claimReviewed``), who made it and where it appeared
(``itemReviewed``: a ``Claim`` whose ``author`` is the claimant, ``appearance`` the sources'
URLs and ``firstAppearance`` the earliest of them), the verdict in words
(``reviewRating.alternateName``, with the flags as ``ratingExplanation``), and who reviewed it
and when (``author``, ``publisher``, ``datePublished``, all passed in). The output is a JSON
array that ``claimtrack import`` reads back. The fields are documented in
docs/export-claimreview.md.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..models import Source
from ..vocabulary import CLAIM_STATUSES
from . import ExportError
from .flatten import Bundle

CONTEXT = "https://schema.org"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_WEB_URL = re.compile(r"^https?://", re.IGNORECASE)
# The claim statuses in words (claimtrack.vocabulary); any other status is spelled out from its
# code ("self-reported" -> "Self reported").
STATUS_WORDS: dict[str, str] = {name: t.label for name, t in CLAIM_STATUSES.items()}


def status_words(status: str) -> str:
    """A status code as words for ``reviewRating.alternateName``."""
    if status in STATUS_WORDS:
        return STATUS_WORDS[status]
    words = re.sub(r"[-_]+", " ", status).strip()
    return words[:1].upper() + words[1:]


def _appearance(source: Source) -> dict[str, Any]:
    item: dict[str, Any] = {"@type": "CreativeWork", "url": source.url}
    if source.title:
        item["headline"] = source.title
    if source.published:
        item["datePublished"] = source.published
    if source.publisher:
        item["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.author:
        item["author"] = {"@type": "Person", "name": source.author}
    return item


def _first_key(source: Source) -> tuple[bool, str, str, str]:
    # Undated sources count as later than any dated one; then by when they were archived.
    published = source.published if source.published and _ISO_DATE.match(source.published) else None
    return (published is None, published or "", source.retrieved_at.isoformat(), source.id)


def reviews(
    bundle: Bundle,
    *,
    author: str,
    publisher: str | None = None,
    date: str | None = None,
) -> list[dict[str, Any]]:
    """One ClaimReview dict per claim of ``bundle`` that has a status, in claim id order."""
    out = []
    records = bundle.records
    for cid in sorted(records.claims):
        claim = records.claims[cid]
        assessment = bundle.assessments.get(cid)
        if assessment is None or not assessment.status:
            continue
        source_ids = list(dict.fromkeys(m.source for m in claim.mentions))
        sources = [records.sources[s] for s in source_ids if s in records.sources]
        with_url = sorted((s for s in sources if s.url and _WEB_URL.match(s.url)), key=_first_key)
        item: dict[str, Any] = {"@type": "Claim"}
        # The claimant, or who claimtrack.flags works out asserts it (a company's own
        # statement with no attribution in the sentence is still the company's claim).
        claimant = claim.claimant or assessment.claimant
        if claimant:
            item["author"] = {"@type": "Organization", "name": claimant}
        if with_url:
            item["appearance"] = [_appearance(s) for s in with_url]
            item["firstAppearance"] = _appearance(with_url[0])
        dates = [s.published for s in with_url if s.published and _ISO_DATE.match(s.published)]
        if dates:
            item["datePublished"] = min(dates)
        rating: dict[str, Any] = {
            "@type": "Rating",
            "alternateName": status_words(str(assessment.status)),
        }
        if assessment.flags:
            rating["ratingExplanation"] = "; ".join(
                f"{f.code}: {f.detail}" if f.detail else f.code for f in assessment.flags
            )
        review: dict[str, Any] = {
            "@context": CONTEXT,
            "@type": "ClaimReview",
            "identifier": claim.id,
            "claimReviewed": claim.text,
            **({"headline": claim.title} if claim.title else {}),
            **({"url": claim.ref} if claim.ref else {}),
            "itemReviewed": item,
            "reviewRating": rating,
            "author": {"@type": "Person" if publisher else "Organization", "name": author},
        }
        if publisher:
            review["publisher"] = {"@type": "Organization", "name": publisher}
        if date:
            review["datePublished"] = date
        out.append(review)
    return out


def to_claimreview(
    bundle: Bundle,
    *,
    author: str | None = None,
    publisher: str | None = None,
    date: str | None = None,
) -> str:
    """The reviews as a pretty-printed JSON array.

    ``author`` is required (a ClaimReview without a reviewer is not one); ``date`` is the
    review's ISO 8601 ``datePublished``.
    """
    if not author:
        raise ExportError(
            'ClaimReview needs an author: pass --author NAME, or set "author" under '
            '"settings" in the workspace\'s claimtrack.json'
        )
    if date is not None and not _ISO_DATE.match(date):
        raise ExportError(f"the ClaimReview date must be ISO 8601 (YYYY-MM-DD), not {date!r}")
    data = reviews(bundle, author=author, publisher=publisher, date=date)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
