"""Figure conflicts between claims ("700 agents" vs "853 agents").

Two claims conflict when they give the same kind of figure for the same counted thing (the
same unit, read through the paraphrase table of ``claimtrack.match``: agents ~ staff ~ people),
about the same subject (their words other than the unit and the claimant's name overlap, or
the claimant is the same and they overlap a little), and the values cannot both be true given
their qualifiers: "nearly 2,000 jobs" rules out 1,000 jobs; "more than 1,000 jobs" does not rule
out nearly 2,000.

The search is near-linear: figures are bucketed by kind and unit, and within a large bucket each
claim is compared only with the claims that share its rarest subject words. Everything a
bucket's answer depends on is inside the bucket (word rarity is counted among its claims), so
a change to one claim re-runs only the buckets of its figures (``claimtrack.store.derive``).
"""

from __future__ import annotations

import functools
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .match import (
    claimant_key,
    content_words,
    figure_group,
    idf,
    interval,
    proper_names,
    same_claimant,
    unit_key,
)
from .vocabulary import AMOUNT_KINDS, CONTEXT_KINDS

if TYPE_CHECKING:
    from .models import Claim, Figure
    from .workspace import Records

SUBJECT_SIMILARITY = 0.3
"""Subject-word overlap at which two claims are about the same thing, whoever makes them."""
SAME_CLAIMANT_SIMILARITY = 0.15
"""The lower overlap that suffices when both claims come from the same claimant."""
NO_UNIT_SIMILARITY = 0.5
"""The overlap needed when the figures have no unit (percentages, money): "repeat inquiries
fell 25%" and "66% of chats" are both percentages about the assistant, not one figure."""
SMALL_BUCKET = 64
NEIGHBOURS = 20


@dataclass(frozen=True)
class Conflict:
    """Two claims whose figures about the same thing disagree."""

    a: str
    b: str
    reason: str


@dataclass
class Entry:
    """One comparable figure of one claim, with what conflict detection compares."""

    claim: str  # the claim's id
    position: int  # the figure's index in ``Claim.figures``
    figure: str  # the figure as written, for the reason
    speaker: str | None  # ``Claim.claimant`` as written, for the reason
    lo: float
    hi: float
    words: frozenset[str]
    claimant: str | None
    names: frozenset[str]
    all_words: frozenset[str]
    text_words: tuple[str, ...]  # the claim's content words (bucket statistics)


Bucket = tuple[str, "str | None"]
"""(figure group, unit): only figures in the same bucket are compared."""


@functools.lru_cache(maxsize=65536)
def _short_words(text: str) -> frozenset[str]:
    """Content words of a unit or a claimant name: a few distinct strings, seen 100k times."""
    return frozenset(content_words(text))


def claim_entries(claim: Claim) -> list[tuple[Bucket, Entry]]:
    """The comparable figures of ``claim``, each with the bucket it is compared in."""
    comparable: list[tuple[int, Figure, float, str | None]] = []
    for position, f in enumerate(claim.figures):
        value = f.value
        if value is None or not math.isfinite(value) or f.kind in CONTEXT_KINDS:
            continue
        unit = unit_key(f.unit)
        if unit is None and f.kind in AMOUNT_KINDS:
            continue  # "700" of what? not comparable
        comparable.append((position, f, value, unit))
    if not comparable:
        return []  # a claim without a comparable figure cannot conflict
    text_words = content_words(claim.text)
    claimant = claimant_key(claim.claimant)
    name_words = _short_words(claim.claimant or "")
    tokens = set(text_words)
    base = tokens - name_words
    names = frozenset(set(proper_names(claim.text)) | (name_words if claimant else set()))
    all_words = frozenset(tokens | name_words)
    out = []
    for position, f, value, unit in comparable:
        lo, hi = interval(value, f.low, f.high, f.qualifier, open_ended=True)
        words = frozenset(base - {unit} - _short_words(f.unit or ""))
        entry = Entry(
            claim.id, position, f.text, claim.claimant, lo, hi, words, claimant, names,
            all_words, text_words,
        )  # fmt: skip
        out.append(((figure_group(f.kind, f.currency), unit), entry))
    return out


def bucket_order(bucket: Bucket) -> str:
    """The order buckets are searched in; a pair found in two buckets keeps the first's
    reason."""
    return str(bucket)


def _other_names(a: Entry, b: Entry) -> bool:
    """Each names someone the other does not mention ("Klarna's" / "Affirm's" 700 agents)."""
    if not (a.names and b.names):
        return False
    return bool(a.names - b.names - b.all_words) and bool(b.names - a.names - a.all_words)


def _similarity(a: frozenset[str], b: frozenset[str], weight: Callable[[str], float]) -> float:
    shared = a & b
    if not shared:
        return 0.0
    wa = sum(weight(w) for w in a)
    wb = sum(weight(w) for w in b)
    ws = sum(weight(w) for w in shared)
    return math.sqrt((ws / wa) * (ws / wb)) if wa and wb else 0.0


def _pairs(entries: list[Entry], df: Counter[str]) -> list[tuple[Entry, Entry]]:
    """Candidate pairs in one bucket: all of them when it is small, else each entry with the
    entries that share its rarest subject words."""
    if len(entries) <= SMALL_BUCKET:
        return [(a, b) for i, a in enumerate(entries) for b in entries[i + 1 :]]
    by_word: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(entries):
        for w in e.words:
            by_word[w].append(i)
    pairs = set()
    limit = max(SMALL_BUCKET, int(len(entries) ** 0.5))
    for i, e in enumerate(entries):
        counts: Counter[int] = Counter()
        for w in sorted(e.words, key=lambda w: (df[w], w))[:8]:
            ids = by_word[w]
            if len(ids) > limit * 4:
                continue
            for j in ids:
                if j != i:
                    counts[j] += 1
        for j, _ in counts.most_common(NEIGHBOURS):
            pairs.add((min(i, j), max(i, j)))
    return [(entries[i], entries[j]) for i, j in sorted(pairs)]


def find_conflicts(records: Records) -> list[Conflict]:
    """Every pair of conflicting claims in ``records``, each once, ``a`` < ``b``."""
    return conflicts_among(records.claims.values())


def conflicts_among(claims: Iterable[Claim]) -> list[Conflict]:
    buckets: dict[Bucket, list[Entry]] = defaultdict(list)
    for claim in claims:
        for key, entry in claim_entries(claim):
            buckets[key].append(entry)
    found: dict[tuple[str, str], Conflict] = {}
    for key in sorted(buckets, key=bucket_order):
        for c in bucket_conflicts(key, buckets[key]):
            found.setdefault((c.a, c.b), c)
    return sorted(found.values(), key=lambda c: (c.a, c.b))


def bucket_conflicts(key: Bucket, entries: list[Entry]) -> list[Conflict]:
    """The conflicting pairs among the entries of one bucket, each once, ``a`` < ``b``.

    Word rarity is counted among the claims of the bucket (the claims that could conflict),
    so a bucket's pairs depend on that bucket alone: a case index re-runs only the buckets a
    change touches.
    """
    entries = sorted(entries, key=lambda e: (e.claim, e.position))
    text_words = {e.claim: e.text_words for e in entries}
    n = len(text_words)
    df: Counter[str] = Counter()
    for words in text_words.values():
        df.update(words)

    weights: dict[str, float] = {}

    def weight(word: str) -> float:
        w = weights.get(word)
        if w is None:
            w = weights[word] = idf(df[word], n)
        return w

    found: dict[tuple[str, str], Conflict] = {}
    for a, b in _pairs(entries, df):
        if a.claim == b.claim:
            continue
        if a.lo <= b.hi and b.lo <= a.hi:
            continue  # the figures can both be true
        pair = (a.claim, b.claim) if a.claim < b.claim else (b.claim, a.claim)
        if pair in found or _other_names(a, b):
            continue
        similarity = _similarity(a.words, b.words, weight)
        same = same_claimant(a.claimant, b.claimant) is True
        if key[1] is None:
            # "25%" or "$40 million" of what? Only near-identical subjects compare.
            if similarity < NO_UNIT_SIMILARITY:
                continue
        elif similarity < SUBJECT_SIMILARITY and not (
            same and similarity >= SAME_CLAIMANT_SIMILARITY
        ):
            continue
        first, second = (a, b) if a.claim == pair[0] else (b, a)
        reason = f'"{first.figure}" vs "{second.figure}"'
        if same:
            reason += f" (both from {first.speaker})"
        found[pair] = Conflict(pair[0], pair[1], reason)
    return sorted(found.values(), key=lambda c: (c.a, c.b))
