"""Load claimtrack's labelled extraction set and score ``claimtrack.extract`` against it.

Used by tests/quality/test_quality_gate.py (which fails below the floors in floors.json) and
by benchmarks/bench_quality.py (which prints the scores). See labelled.txt for the format.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELLED = HERE / "labelled.txt"
FLOORS = HERE / "floors.json"


@dataclass
class GoldFigure:
    value: float | None
    low: float | None
    high: float | None
    kind: str
    unit: str | None = None
    currency: str | None = None
    qualifier: str = "exact"


@dataclass
class GoldSentence:
    text: str
    start: int
    end: int
    figures: list[GoldFigure]
    claimant: str | None
    claim: bool
    line: int


@dataclass
class Story:
    text: str
    sentences: list[GoldSentence] = field(default_factory=list)


def _figure(spec: str) -> GoldFigure:
    tokens = spec.split()
    value_s, kind = tokens[0], tokens[1]
    low = high = None
    if value_s == "none":
        value = None
    elif ".." in value_s:
        a, b = value_s.split("..")
        low, high = float(a), float(b)
        value = (low + high) / 2
    else:
        value = float(value_s)
    fig = GoldFigure(value, low, high, kind)
    for t in tokens[2:]:
        if t.startswith("~"):
            fig.qualifier = t[1:]
        elif kind == "currency":
            fig.currency = t
        else:
            fig.unit = t
    return fig


def load(path: Path = LABELLED) -> list[Story]:
    stories: list[Story] = []
    lines: list[tuple[int, str]] = []

    def flush():
        if not lines:
            return
        story = Story(text="")
        parts = []
        pos = 0
        for number, line in lines:
            sentence, figs, claimant, claim = [p.strip() for p in line.split("||")]
            figures = [] if figs == "-" else [_figure(f) for f in figs.split(" ; ")]
            story.sentences.append(
                GoldSentence(
                    sentence,
                    pos,
                    pos + len(sentence),
                    figures,
                    None if claimant == "-" else claimant,
                    claim == "y",
                    number,
                )
            )
            parts.append(sentence)
            pos += len(sentence) + 1
        story.text = " ".join(parts)
        stories.append(story)
        lines.clear()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.startswith("#"):
            continue
        if not raw.strip():
            flush()
            continue
        lines.append((number, raw))
    flush()
    return stories


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-9)


def same_figure(gold: GoldFigure, pred) -> bool:
    """Value and kind agree (and the currency, for money; the bounds, for ranges)."""
    if gold.kind != pred.kind or not _close(gold.value, pred.value):
        return False
    if gold.kind == "currency" and gold.currency != pred.currency:
        return False
    if gold.low is not None and not (_close(gold.low, pred.low) and _close(gold.high, pred.high)):
        return False
    return True


class Counts:
    def __init__(self):
        self.tp = self.fp = self.fn = 0

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


@dataclass
class Report:
    scores: dict[str, tuple[float, float, float]]
    sentences: int
    figures: int
    errors: list[str]


def evaluate(stories: list[Story] | None = None, extract=None) -> Report:
    """Precision, recall and F1 of figure value+kind, unit, qualifier, claimant and
    check-worthiness, plus sentence-boundary accuracy (as P=R=F1)."""
    if extract is None:
        from claimtrack.extract import extract
    stories = load() if stories is None else stories
    value_kind, unit, qualifier, claimant, claim, bounds = (Counts() for _ in range(6))
    errors: list[str] = []
    n_sent = n_fig = 0
    for story in stories:
        predicted = extract(story.text, all_sentences=True)
        by_start = {s.start: s for s in predicted}
        all_figs = [f for s in predicted for f in s.figures]
        for gold in story.sentences:
            n_sent += 1
            n_fig += len(gold.figures)
            pred = by_start.get(gold.start)
            if pred is not None and pred.end == gold.end:
                bounds.tp += 1
            else:
                bounds.fn += 1
                bounds.fp += 1
                errors.append(f"{gold.line}: sentence split differs")
            mine = [f for f in all_figs if gold.start <= f.start < gold.end]
            unmatched = list(mine)
            for g in gold.figures:
                hit = next((p for p in unmatched if same_figure(g, p)), None)
                if hit is None:
                    value_kind.fn += 1
                    unit.fn += 1
                    qualifier.fn += 1
                    errors.append(f"{gold.line}: missed {g}")
                    continue
                unmatched.remove(hit)
                value_kind.tp += 1
                if (g.unit or None) == (hit.unit or None):
                    unit.tp += 1
                else:
                    unit.fn += 1
                    unit.fp += 1
                    errors.append(f"{gold.line}: unit {hit.unit!r} != {g.unit!r} in {hit.text!r}")
                if g.qualifier == hit.qualifier:
                    qualifier.tp += 1
                else:
                    qualifier.fn += 1
                    qualifier.fp += 1
                    errors.append(
                        f"{gold.line}: qualifier {hit.qualifier!r} != {g.qualifier!r} "
                        f"in {hit.text!r}"
                    )
            for p in unmatched:
                value_kind.fp += 1
                unit.fp += 1
                qualifier.fp += 1
                errors.append(
                    f"{gold.line}: extra {p.text!r} value={p.value} kind={p.kind} "
                    f"currency={p.currency}"
                )
            got = pred.claimant if pred else None
            want = gold.claimant
            if want and got and want.lower() == got.lower():
                claimant.tp += 1
            else:
                if got:
                    claimant.fp += 1
                if want:
                    claimant.fn += 1
                if got or want:
                    errors.append(f"{gold.line}: claimant {got!r} != {want!r}")
            is_claim = bool(pred and pred.is_claim)
            if is_claim and gold.claim:
                claim.tp += 1
            elif is_claim:
                claim.fp += 1
                errors.append(f"{gold.line}: taken as a claim ({pred.features})")
            elif gold.claim:
                claim.fn += 1
                feats = pred.features if pred else None
                errors.append(f"{gold.line}: claim missed ({feats})")
    scores = {
        "figure_value_kind": value_kind.prf(),
        "figure_unit": unit.prf(),
        "figure_qualifier": qualifier.prf(),
        "claimant": claimant.prf(),
        "checkworthy": claim.prf(),
        "sentence_bounds": bounds.prf(),
    }
    return Report(scores, n_sent, n_fig, errors)


if __name__ == "__main__":  # pragma: no cover
    import sys

    report = evaluate()
    for name, (p, r, f) in report.scores.items():
        print(f"{name:20s} P={p:.3f} R={r:.3f} F1={f:.3f}")
    print(f"{report.sentences} sentences, {report.figures} figures")
    if "-v" in sys.argv:
        print("\n".join(report.errors))
