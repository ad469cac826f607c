"""The figures matching compares: each figure reduced to its comparison group and the interval
of values it admits ("nearly 2,000" admits 1,800-2,000), and the keys that put agreeing
figures in the same bucket."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..vocabulary import AMOUNT_KINDS, CONTEXT_KINDS
from .words import name_words, stem

if TYPE_CHECKING:
    from ..models import Figure

# How far a figure's true value may lie from the stated one, by qualifier, for matching.
_EXACT_TOLERANCE = 0.02
_OPEN_RANGE = 0.5  # "more than 700" is taken to mean at most ~1,050 when matching


def figure_group(kind: str, currency: str | None = None) -> str:
    """The comparison group of a figure: counts and plain numbers compare; money by currency."""
    if kind == "currency":
        return f"cur:{(currency or '?').upper()}"
    return "n" if kind in AMOUNT_KINDS else kind


def interval(
    value: float,
    low: float | None = None,
    high: float | None = None,
    qualifier: str = "exact",
    *,
    open_ended: bool = False,
) -> tuple[float, float]:
    """The values a figure admits, given its rounding and qualifier.

    ``open_ended`` leaves "more than" / "less than" unbounded (for conflicts); otherwise they
    are capped so that "more than 700" still matches 700-ish figures only.

    >>> interval(2000, qualifier="nearly")
    (1800.0, 2000.0)
    """
    lo = low if low is not None else value
    hi = high if high is not None else value
    tol = max(abs(lo), abs(hi)) * _EXACT_TOLERANCE
    if qualifier == "approximately":
        return (lo * 0.9, hi * 1.1)
    if qualifier == "nearly":
        return (lo * 0.9, float(hi))
    if qualifier in ("at_least", "more_than"):
        return (float(lo), math.inf if open_ended else hi * (1 + _OPEN_RANGE))
    if qualifier in ("at_most", "less_than"):
        return (-math.inf if open_ended else lo / (1 + _OPEN_RANGE), float(hi))
    return (lo - tol, hi + tol)


@dataclass(frozen=True)
class FigureSpan:
    """A figure reduced to what matching compares: its group and the interval it admits."""

    group: str
    lo: float
    hi: float
    unit: str | None = None  # the counted thing, normalised (``unit_key``)

    def agrees(self, other: FigureSpan) -> bool:
        return self.group == other.group and self.lo <= other.hi and other.lo <= self.hi

    def closeness(self, other: FigureSpan) -> float:
        """1 for the same interval, down to 0 for intervals that barely touch."""
        if not self.agrees(other):
            return 0.0
        width = max(self.hi - self.lo, other.hi - other.lo)
        if not math.isfinite(width) or width <= 0:
            return 1.0
        gap = abs((self.lo + self.hi) - (other.lo + other.hi)) / 2
        return max(0.0, 1.0 - gap / width)


def figure_spans(figures: Iterable[Figure]) -> tuple[FigureSpan, ...]:
    """The spans matching compares. Years and dates only count when nothing else is there:
    "in 2024" is context; "founded in 2005" is the claim."""
    spans: list[FigureSpan] = []
    context: list[FigureSpan] = []
    for f in figures:
        if f.value is None or not math.isfinite(f.value):
            continue
        span = FigureSpan(
            figure_group(f.kind, f.currency),
            *interval(f.value, f.low, f.high, f.qualifier),
            unit_key(f.unit),
        )
        (context if f.kind in CONTEXT_KINDS else spans).append(span)
    return tuple(sorted(set(spans or context), key=lambda s: (s.group, s.lo, s.hi, s.unit or "")))


def unit_key(unit: str | None) -> str | None:
    """The counted thing, normalised: "full-time agents" -> "staff"; "jobs" -> "job"."""
    if not unit:
        return None
    words = name_words(unit)
    if not words:
        return None
    last = stem(unit.replace("-", " ").split()[-1].casefold())
    return last if last in words else words[-1]


def figure_keys(spans: Iterable[FigureSpan]) -> list[str]:
    """Inverted-index keys for figure spans: the group and a ~12% wide log bucket of each end,
    so agreeing figures always share a key."""
    keys = set()
    for s in spans:
        for v in (s.lo, s.hi):
            if math.isfinite(v):
                keys.add(f"#{s.group}:{_bucket(v)}")
    return sorted(keys)


def _bucket(value: float) -> int:
    return int(math.floor(math.log10(abs(value) + 1e-9) * 20)) if value else -999


def query_figure_keys(spans: Iterable[FigureSpan]) -> list[str]:
    """Keys a query looks up: every bucket its spans overlap (bounded)."""
    keys = set()
    for s in spans:
        lo = s.lo if math.isfinite(s.lo) else s.hi
        hi = s.hi if math.isfinite(s.hi) else s.lo
        b0, b1 = sorted((_bucket(lo), _bucket(hi)))
        for b in range(b0 - 1, min(b1, b0 + 12) + 2):
            keys.add(f"#{s.group}:{b}")
    return sorted(keys)
