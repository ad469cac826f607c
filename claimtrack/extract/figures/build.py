"""Building :class:`claimtrack.models.Figure` objects from what the reader found.

The reader builds each figure as a plain dict (:func:`_make`); :func:`validate` turns the
text's list of them into ``Figure`` objects in one pydantic call, which is faster than
constructing them one by one and checks every field against the model.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import TypeAdapter

from ...models import Figure

_FIGURES = TypeAdapter(list[Figure])

# a figure as the reader builds it: the fields of Figure, validated in one call at the end
FigureData = dict[str, Any]


def validate(figures: list[FigureData]) -> list[Figure]:
    """The figures built by :func:`_make`, as validated ``Figure`` objects."""
    return _FIGURES.validate_python(figures)


def _make(
    text: str,
    start: int,
    end: int,
    value: float | None,
    kind: str,
    unit: str | None = None,
    currency: str | None = None,
    qualifier: str = "exact",
    low: float | None = None,
    high: float | None = None,
) -> FigureData:
    return {
        "text": text[start:end],
        "start": start,
        "end": end,
        "value": _tidy(value),
        "low": _tidy(low),
        "high": _tidy(high),
        "unit": unit,
        "kind": kind,
        "currency": currency,
        "qualifier": qualifier,
    }


def _tidy(v: float | None) -> float | None:
    """12 significant digits: "$16.6 billion" is 16600000000.0, not 16600000000.000002."""
    if v is None:
        return None
    v = float(v)
    if not math.isfinite(v):
        return None  # "1" followed by 400 digits: a value no figure means
    if v.is_integer() and abs(v) < 1e15:
        return v
    return float(f"{v:.12g}")
