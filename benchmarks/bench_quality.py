"""Extraction quality: precision, recall and F1 of claimtrack's figures, claimants and
check-worthiness on its labelled set, and of figure values side by side with the quantulum3
library, on claimtrack's set and on quantulum3's own test sentences.

    python benchmarks/bench_quality.py [--errors]

The quantulum3 comparison is restricted to what claimtrack is for: plain values, money and
percentages. A gold quantity in another unit (metres, degrees, bytes...) is out of scope: it
is not counted, and neither is a prediction that overlaps it or that is itself of another
unit. A prediction is correct when its category (value, money, percent) and value agree with
a gold quantity whose text it overlaps. Ranges are compared by their midpoint.

Needs the ``bench`` extra (``pip install quantulum3``); without it only claimtrack's scores
are printed. quantulum3's optional classifier (scikit-learn) is not needed and is used if
it loads (its pickle does not load with scikit-learn 1.9; then quantulum3's own rules
disambiguate units, as they do without scikit-learn).
"""

from __future__ import annotations

import json
import math
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "quality"))

import news_dev  # noqa: E402
from gold import HERE, evaluate, load  # noqa: E402

from claimtrack.extract import extract  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets" / "quantulum3"

MONEY_UNITS = {"dollar", "euro", "pound sterling", "penny", "cent", "dime", "yen", "yuan"}
OUR_CATEGORY = {
    "currency": "money",
    "percent": "percent",
    "count": "value",
    "number": "value",
    "year": "value",
    "ratio": "value",
    "multiplier": "value",
}


def q3_category(unit_name: str, entity: str) -> str | None:
    if unit_name == "dimensionless":
        return "value"
    if unit_name == "percentage":
        return "percent"
    if unit_name in MONEY_UNITS or (entity == "currency" and " per " not in unit_name):
        return "money"
    return None


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(cases, predict):
    """cases: [(text, [(category|None, value, (start, end))])]; predict(text) -> same shape."""
    tp = fp = fn = 0
    errors = []
    for text, gold in cases:
        preds = predict(text)
        in_scope = [g for g in gold if g[0] is not None]
        out_scope = [g for g in gold if g[0] is None]
        unmatched = list(in_scope)
        for cat, value, span in preds:
            if cat is None or any(overlaps(span, g[2]) for g in out_scope):
                continue
            hit = next(
                (
                    g
                    for g in unmatched
                    if g[0] == cat
                    and value is not None
                    and math.isclose(g[1], value, rel_tol=1e-3)
                    and overlaps(span, g[2])
                ),
                None,
            )
            if hit:
                unmatched.remove(hit)
                tp += 1
            else:
                fp += 1
                errors.append(f"  extra {cat} {value} {text[span[0] : span[1]]!r} in {text[:70]!r}")
        fn += len(unmatched)
        errors.extend(f"  missed {g[0]} {g[1]} in {text[:70]!r}" for g in unmatched)
    return prf(tp, fp, fn), errors


def ours(text):
    return [
        (OUR_CATEGORY.get(f.kind), f.value, (f.start, f.end))
        for s in extract(text, all_sentences=True)
        for f in s.figures
    ]


def theirs(parser):
    def predict(text):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            quantities = parser.parse(text)
        return [
            (q3_category(q.unit.name, q.unit.entity.name), q.value, tuple(q.span))
            for q in quantities
        ]

    return predict


# quantulum3 test sentences whose expected answer differs from a convention docs/extraction.md
# chooses on purpose (scored apart, for both systems)
CONVENTIONS = {
    "Hubble images of the non-standard object SCP 06F6": "a number inside a name or code",
    'The class is "English 101"': "a number inside a name or code",
    "Cannington—South 32 Ltd": "a number inside a name or code",
    "Bahco 9031 Ergo": "a number inside a name or code",
    "Intel Core i7 860": "a number inside a name or code",
    "Oh look, a penny": "cents, pence and dimes are converted to the currency",
    "Quite a lot of currencies have cents": "cents, pence and dimes are converted to the currency",
    "That one costs 3 dimes": "cents, pence and dimes are converted to the currency",
    "Zero is a small number": "zero (and a bare one) is not a figure",
    "We produced nothing in 2013-14": "a fiscal year is a year, not a range",
    "The annual revenue is ($99.99)": "parentheses do not make an amount negative",
    "This means that the USDA hardiness zones": '"from 7 to 10" is a change: two figures',
    "One pound of good Welsh coal": '"from 50 to 80%" is a change: two figures',
}


def convention(text: str) -> str | None:
    return next((why for start, why in CONVENTIONS.items() if text.startswith(start)), None)


def quantulum3_cases():
    cases = []
    for name in ("quantities.json", "quantities.ambiguity.json"):
        for item in json.loads((DATASETS / name).read_text(encoding="utf-8")):
            text = item["req"]
            gold = []
            for r in item["res"]:
                start = text.find(r["surface"])
                span = (start, start + len(r["surface"])) if start >= 0 else (0, len(text))
                entity = r.get("entity", "")
                gold.append((q3_category(r["unit"], entity), float(r["value"]), span))
            cases.append((text, gold))
    return cases


def _case(text, figures):
    """(text, gold) as scored against quantulum3: values, money and percentages only (gold
    figures of other kinds have no category and are dropped; neither system is scored on
    them)."""
    gold = [
        (OUR_CATEGORY.get(f.kind), f.value, (0, len(text))) for f in figures if f.value is not None
    ]
    return (text, [g for g in gold if g[0] is not None])


def labelled_cases(path):
    return [_case(s.text, s.figures) for story in load(path) for s in story.sentences]


def news_dev_cases(path):
    """The labelled real-article sentences, restricted like quantulum3's (values, money,
    percentages); each sentence is read on its own."""
    return [_case(s.text, s.figures) for s in news_dev.load(path)]


def row(name, scores, seconds, n):
    p, r, f = scores
    return f"  {name:12s} P={p:.3f} R={r:.3f} F1={f:.3f}   {n / seconds:8.0f} sentences/s"


def main(show_errors: bool = False) -> None:
    for title, path in (
        ("claimtrack's labelled set (tuned on; gated by tests/quality)", HERE / "labelled.txt"),
        ("claimtrack's held-out set (never tuned on)", HERE / "heldout.txt"),
    ):
        report = evaluate(load(path))
        print(f"{title}: {report.sentences} sentences, {report.figures} figures")
        for name, (p, r, f) in report.scores.items():
            print(f"  {name:18s} P={p:.3f} R={r:.3f} F1={f:.3f}")
        if show_errors:
            print("\n".join("  " + e for e in report.errors))

    news_sets = [
        (f"real articles (news-dev), tuning: {name}", path)
        for name, path in news_dev.TUNING_PARTS.items()
    ] + [
        ("real articles (news-dev), tuning sample, all", news_dev.TUNING),
        ("real articles (news-dev), held-out v2 (never tuned on)", news_dev.HELDOUT),
    ]
    for title, path in news_sets:
        report = news_dev.evaluate(news_dev.load(path))
        print(f"\n{title}: {report.sentences} sentences, {report.figures} figures")
        for name, (p, r, f) in (("value+kind", report.value_kind), ("value", report.value_only)):
            print(f"  {name:18s} P={p:.3f} R={r:.3f} F1={f:.3f}")
        print(
            f"  false alarms: {report.false_alarms} of {report.empty} figure-free sentences "
            f"that hold a digit or a number word ({report.false_alarms / report.empty:.1%})"
        )
        if show_errors and isinstance(path, Path):
            print("\n".join("  " + e for e in report.errors))

    try:
        from quantulum3 import classifier, parser
    except ImportError:
        print("\nquantulum3 is not installed (pip install quantulum3): no side-by-side")
        return
    if classifier.USE_CLF:
        try:
            classifier.classifier("en_US", None)
        except Exception as e:  # its shipped pickle does not load with every scikit-learn
            classifier.USE_CLF = False
            print(f"\nquantulum3's classifier does not load ({e}): its rules disambiguate units")

    q3 = quantulum3_cases()
    print("\nquantulum3 sentences set apart (a docs/extraction.md convention differs):")
    for text, _gold in q3:
        if convention(text):
            print(f"  {text[:60]!r}: {convention(text)}")
    for title, cases in (
        ("quantulum3's test sentences (values, money, percentages)", q3),
        (
            "quantulum3's test sentences, conventions set apart",
            [c for c in q3 if not convention(c[0])],
        ),
        (
            "real articles (news-dev) tuning sample, same restriction",
            news_dev_cases(news_dev.TUNING),
        ),
        (
            "real articles (news-dev) held-out v2, same restriction",
            news_dev_cases(news_dev.HELDOUT),
        ),
        ("claimtrack's labelled set, same restriction", labelled_cases(HERE / "labelled.txt")),
        ("claimtrack's held-out set, same restriction", labelled_cases(HERE / "heldout.txt")),
    ):
        n_gold = sum(1 for _t, g in cases for x in g if x[0] is not None)
        print(f"\n{title}: {len(cases)} sentences, {n_gold} quantities in scope")
        results = {}
        for name, predict in (("claimtrack", ours), ("quantulum3", theirs(parser))):
            predict(cases[0][0])  # warm up (quantulum3 loads its unit tables)
            t0 = time.perf_counter()
            scores, errors = score(cases, predict)
            seconds = time.perf_counter() - t0
            results[name] = scores
            print(row(name, scores, seconds, len(cases)))
            if show_errors:
                print("\n".join(errors))
        ratio = (
            results["claimtrack"][2] / results["quantulum3"][2] if results["quantulum3"][2] else 0
        )
        print(f"  F1 ratio claimtrack / quantulum3: {ratio:.2f}")


if __name__ == "__main__":
    main(show_errors="--errors" in sys.argv)
