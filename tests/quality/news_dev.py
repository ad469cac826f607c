"""Score ``claimtrack.extract.parse_figures`` on claimtrack's labels for sentences of real web
articles (the articles are read from ``../shared/datasets/news-dev/articles.jsonl``, never
copied into the repository).

Tuning sample (tuned on, gated by test_news_dev.py): news_dev.txt, news_dev_v1.txt (held-out v1,
folded in once it had been looked at) and news_dev_v2_extra.txt. Held-out v2
(news_dev_heldout_v2.txt): never tuned on, only reported.

    python tests/quality/news_dev.py [-v] [--heldout]

Used by benchmarks/bench_quality.py and tests/quality/test_news_dev.py.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from gold import Counts, GoldFigure, _figure, same_figure

HERE = Path(__file__).resolve().parent
ARTICLES = HERE.parent.parent.parent / "shared" / "datasets" / "news-dev" / "articles.jsonl"
TUNING_PARTS = {
    "first sample": HERE / "news_dev.txt",
    "held-out v1": HERE / "news_dev_v1.txt",
    "drawn with v2": HERE / "news_dev_v2_extra.txt",
}
TUNING = list(TUNING_PARTS.values())
HELDOUT = HERE / "news_dev_heldout_v2.txt"


@dataclass
class Sentence:
    article: str
    start: int
    end: int
    text: str
    figures: list[GoldFigure]
    line: int
    file: str = ""


def articles() -> dict[str, str]:
    with ARTICLES.open(encoding="utf-8") as f:
        return {a["id"]: a["text"] for a in map(json.loads, f)}


def load(path: Path | list[Path] = TUNING) -> list[Sentence]:
    if isinstance(path, list):
        return [s for p in path for s in load(p)]
    texts = articles()
    out = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        ref, figs = (p.strip() for p in raw.split("||"))
        article, start, end, digest = ref.split()
        text = texts[article][int(start) : int(end)]
        if hashlib.sha1(text.encode()).hexdigest()[:8] != digest:
            raise ValueError(f"{path.name}:{number}: the article text changed")
        figures = [] if figs == "-" else [_figure(f) for f in figs.split(" ; ")]
        out.append(Sentence(article, int(start), int(end), text, figures, number, path.name))
    return out


# a digit or a number word: the sentences whose figure-free label is a real test
_NUMBERISH = re.compile(
    r"\d|[½¼¾⅓⅔]|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|forty|fifty|hundred|thousand|million|billion|dozen|half|third|quarter|twice)\b",
    re.I,
)


@dataclass
class Report:
    value_kind: tuple[float, float, float]
    value_only: tuple[float, float, float]
    sentences: int
    figures: int
    empty: int  # figure-free sentences that hold a digit or a number word
    false_alarms: int  # of those, how many got a figure
    errors: list[str]


def evaluate(sentences: list[Sentence], parse=None) -> Report:
    """Value+kind (and value-only) precision, recall and F1 of the figures read from each
    labelled sentence, and the false alarms on sentences that hold no figure."""
    if parse is None:
        from claimtrack.extract import parse_figures as parse
    texts = articles()
    by_article: dict[str, list] = {}
    vk, vo = Counts(), Counts()
    errors: list[str] = []
    empty = alarms = n_fig = 0
    for s in sentences:
        if s.article not in by_article:
            by_article[s.article] = parse(texts[s.article])
        mine = [f for f in by_article[s.article] if s.start <= f.start and f.end <= s.end]
        n_fig += len(s.figures)
        if not s.figures and _NUMBERISH.search(s.text):
            empty += 1
            alarms += bool(mine)
        for counts, same in ((vk, same_figure), (vo, _same_value)):
            unmatched = list(mine)
            for g in s.figures:
                hit = next((p for p in unmatched if same(g, p)), None)
                if hit is None:
                    counts.fn += 1
                    if counts is vk:
                        errors.append(f"{s.file}:{s.line}: missed {_spec(g)}   in {s.text[:90]!r}")
                    continue
                unmatched.remove(hit)
                counts.tp += 1
            counts.fp += len(unmatched)
            if counts is vk:
                errors.extend(
                    f"{s.file}:{s.line}: extra {p.text!r} {p.value} {p.kind} {p.unit or p.currency or ''}"
                    f"   in {s.text[:90]!r}"
                    for p in unmatched
                )
    return Report(vk.prf(), vo.prf(), len(sentences), n_fig, empty, alarms, errors)


def _same_value(gold: GoldFigure, pred) -> bool:
    if gold.value is None or pred.value is None:
        return gold.value is None and pred.value is None and gold.kind == pred.kind
    return abs(gold.value - pred.value) <= 1e-3 * max(abs(gold.value), abs(pred.value))


def _spec(g: GoldFigure) -> str:
    v = "none" if g.value is None else f"{g.low}..{g.high}" if g.low is not None else g.value
    return f"{v} {g.kind} {g.unit or g.currency or ''}"


if __name__ == "__main__":  # pragma: no cover
    import sys

    report = evaluate(load(HELDOUT if "--heldout" in sys.argv else TUNING))
    for name, (p, r, f) in (("value+kind", report.value_kind), ("value", report.value_only)):
        print(f"{name:12s} P={p:.3f} R={r:.3f} F1={f:.3f}")
    print(
        f"{report.sentences} sentences, {report.figures} figures; false alarms "
        f"{report.false_alarms}/{report.empty} figure-free sentences"
    )
    if "-v" in sys.argv:
        print("\n".join(report.errors))
