"""Check-worthiness against labelled data nobody on the team wrote, with baselines in the same
run.

    pip install -e '.[bench]'     # scikit-learn, to refit the model inside each fold
    python benchmarks/bench_checkworthy.py

1. ClaimBuster (debate sentences, 25% check-worthy): 5-fold cross-validation on the
   development 80% (each fold refits the learned layer exactly as
   benchmarks/train_checkworthy.py does, on the other folds plus the development news
   labels), against calling every sentence check-worthy and against the rules scorer on main
   (:data:`RULES`, a weighted sum of the named features, claim at 0.35). F1 is given at the
   data's own class mix and reweighted to equal classes, the mix of the held-out split the
   issue quotes (all-positive 0.667 there). Then the shipped weights on the seeded 20% held
   out.
2. news-dev (real web articles, our labels by reference): the default list's precision on the
   randomly drawn sentences, and the recall of the figure claims a fact-checker would check,
   by 5-fold cross-validation over the development articles and on the held-out articles
   (shipped weights); claims listed by default per article, rules (main) against now.
3. The team's labelled sets (tests/quality/, written for claimtrack): precision and recall of
   ``is_claim`` on labelled.txt (trained on; the quality gate's floor is 0.97) and on
   heldout.txt (never trained on).

Each fold refits on everything the shipped model is fitted on except the part it is tested
on: ClaimBuster development folds, the development news labels, tests/quality/labelled.txt.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import checkworthy_data as data  # noqa: E402

from claimtrack.extract import checkworthy  # noqa: E402

RULES = {
    "figure": 0.50,
    "money_or_percent": 0.10,
    "attributed": 0.30,
    "change": 0.20,
    "superlative": 0.25,
    "comparison": 0.15,
    "named_entity": 0.20,
    "time_reference": 0.15,
    "question": -0.60,
    "opinion": -0.35,
    "first_person": -0.20,
    "nonanswer": -0.40,
    "boilerplate": -0.70,
    "short": -0.30,
}
"""The scorer on main before the learned layer: these weights summed, clamped to [0, 1]."""
RULES_THRESHOLD = 0.35


def rules_score(fired: list[str]) -> float:
    return max(0.0, min(1.0, sum(RULES.get(f, 0.0) for f in fired)))


def prf(pred: list[bool], gold: list[int], weights: list[float] | None = None):
    w = weights or [1.0] * len(gold)
    tp = sum(wi for p, g, wi in zip(pred, gold, w, strict=True) if p and g)
    fp = sum(wi for p, g, wi in zip(pred, gold, w, strict=True) if p and not g)
    fn = sum(wi for p, g, wi in zip(pred, gold, w, strict=True) if not p and g)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def balance(gold: list[int]) -> list[float]:
    """Weights that give both classes the same total (the held-out split's mix)."""
    pos = sum(gold)
    neg = len(gold) - pos
    return [1.0 if g else pos / neg for g in gold]


def row(name: str, pred: list[bool], gold: list[int]) -> str:
    p, r, f = prf(pred, gold)
    bp, br, bf = prf(pred, gold, balance(gold))
    return f"  {name:34s} P {p:.3f} R {r:.3f} F1 {f:.3f}   | balanced P {bp:.3f} F1 {bf:.3f}"


def folds(n: int, k: int = 5, seed: int = 7) -> list[list[int]]:
    import random

    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def claimbuster_section(dev, heldout, others) -> None:
    print("1. ClaimBuster: is this debate sentence check-worthy?")
    gold = [ex.positive for ex in dev]
    scores = [0.0] * len(dev)
    for test in folds(len(dev)):
        held = set(test)
        train = [ex for i, ex in enumerate(dev) if i not in held] + others
        model = data.fit(train, data.training_weights(train))
        for i, s in zip(test, data.predict(model, [dev[i] for i in test]), strict=True):
            scores[i] = s
    print(f"5-fold cross-validation on the development 80% ({len(dev)} sentences, "
          f"{sum(gold)} check-worthy):")  # fmt: skip
    print(row("all positive (baseline)", [True] * len(dev), gold))
    print(
        row("rules (main, >= 0.35)", [rules_score(ex.fired) >= RULES_THRESHOLD for ex in dev], gold)
    )
    print(
        row(
            f"learned (>= {checkworthy.THRESHOLD})",
            [s >= checkworthy.THRESHOLD for s in scores],
            gold,
        )
    )
    best = max((prf([s >= t for s in scores], gold)[2], t) for t in [x / 20 for x in range(4, 17)])
    print(f"  (learned, best threshold on these folds: {best[1]:.2f}, F1 {best[0]:.3f})")
    gold_h = [ex.positive for ex in heldout]
    shipped = data.predict(checkworthy.model(), heldout)
    print(f"held-out 20% ({len(heldout)} sentences, {sum(gold_h)} check-worthy; shipped weights):")
    print(row("all positive (baseline)", [True] * len(heldout), gold_h))
    print(
        row(
            "rules (main, >= 0.35)",
            [rules_score(ex.fired) >= RULES_THRESHOLD for ex in heldout],
            gold_h,
        )
    )
    print(
        row(
            f"learned (>= {checkworthy.THRESHOLD})",
            [s >= checkworthy.THRESHOLD for s in shipped],
            gold_h,
        )
    )
    print()


def news_metrics(examples, listed: list[bool]) -> str:
    rand = [(ex, li) for ex, li in zip(examples, listed, strict=True) if ex.sample != "figures"]
    shown = [ex for ex, li in rand if li]
    good = sum(1 for ex in shown if ex.label > 0)
    precision = good / len(shown) if shown else 0.0
    figs = [li for ex, li in zip(examples, listed, strict=True) if ex.label == 2]
    worth = [li for ex, li in zip(examples, listed, strict=True) if ex.label > 0]
    return (
        f"precision {precision:.2f} ({good}/{len(shown)} listed of {len(rand)} random), "
        f"figure-claim recall {sum(figs) / len(figs):.2f} ({sum(figs)}/{len(figs)}), "
        f"all-claim recall {sum(worth) / len(worth):.2f}"
    )


def news_section(cb_dev, team, news) -> None:
    print("2. news-dev: is this sentence worth a fact-checker's time? (our labels)")
    dev = [ex for ex in news if ex.split == "dev"]
    held = [ex for ex in news if ex.split == "heldout"]
    arts = sorted({ex.group for ex in dev})
    scores = [0.0] * len(dev)
    for k in range(5):
        test_arts = set(arts[k::5])
        train = cb_dev + team + [ex for ex in dev if ex.group not in test_arts]
        model = data.fit(train, data.training_weights(train))
        idx = [i for i, ex in enumerate(dev) if ex.group in test_arts]
        for i, s in zip(idx, data.predict(model, [dev[i] for i in idx]), strict=True):
            scores[i] = s
    t = checkworthy.THRESHOLD
    print(f"development articles ({len(arts)}), 5-fold cross-validation by article, "
          f"{len(dev)} labels:")  # fmt: skip
    print(
        "  rules (main):  ",
        news_metrics(dev, [rules_score(ex.fired) >= RULES_THRESHOLD for ex in dev]),
    )
    print(f"  learned (>= {t}):", news_metrics(dev, [s >= t for s in scores]))
    for other in (0.4, 0.5, 0.7):
        print(f"    at {other}:      ", news_metrics(dev, [s >= other for s in scores]))
    shipped = data.predict(checkworthy.model(), held)
    n_held = len({ex.group for ex in held})
    print(f"held-out articles ({n_held}), {len(held)} labels, shipped weights:")
    print(
        "  rules (main):  ",
        news_metrics(held, [rules_score(ex.fired) >= RULES_THRESHOLD for ex in held]),
    )
    print(f"  learned (>= {t}):", news_metrics(held, [s >= t for s in shipped]))
    # Claims per article: every English article, whole text.
    from claimtrack.extract import extract

    before = after = recorded = n = 0
    for text in data.articles().values():
        if _not_english(text):
            continue
        sentences = extract(text, all_sentences=True)
        n += 1
        before += sum(1 for s in sentences if rules_score(s.features) >= RULES_THRESHOLD)
        after += sum(1 for s in sentences if s.is_claim)
        recorded += sum(1 for s in sentences if s.candidate)
    print(f"claims per article ({n} English articles): rules (main) {before / n:.1f} listed; "
          f"now {after / n:.1f} listed by default, {recorded / n:.1f} recorded "
          "(claims --all)")  # fmt: skip
    print()


def _not_english(text: str) -> bool:
    try:
        from claimtrack.language import detect
    except ImportError:
        return False
    code = detect(text)
    return code is not None and code != "en"


def quality_section() -> None:
    sys.path.insert(0, str(data.ROOT / "tests" / "quality"))
    import gold

    print("3. claimtrack's labelled sets (team-written news sentences):")
    p, r, f = gold.evaluate().scores["checkworthy"]
    print(f"  labelled.txt (trained on; quality gate floor 0.97): P {p:.3f} R {r:.3f} F1 {f:.3f}")
    p, r, f = gold.evaluate(gold.load(gold.HERE / "heldout.txt")).scores["checkworthy"]
    print(f"  heldout.txt (never trained on):                     P {p:.3f} R {r:.3f} F1 {f:.3f}")


def main() -> None:
    t0 = time.perf_counter()
    cb_dev, cb_held = data.claimbuster()
    news, stale = data.news()
    if stale:
        print(f"warning: {stale} news labels no longer match their sentence; skipped\n")
    news_dev = [ex for ex in news if ex.split == "dev"]
    team = data.team()
    claimbuster_section(cb_dev, cb_held, news_dev + team)
    news_section(cb_dev, team, news)
    quality_section()
    print(f"\n({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
