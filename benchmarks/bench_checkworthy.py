"""Check-worthiness against labelled data nobody on the team wrote, with baselines in the same
run.

    pip install -e '.[bench]'     # scikit-learn, to refit the models inside each fold
    python benchmarks/bench_checkworthy.py

Every section compares, in this run: calling every sentence check-worthy; the rules that
scored sentences before the learned layer (:data:`RULES`, claim at 0.35); the first learned
layer (SCORER_VERSION 2: word counts and named features, claim at 0.6; its shipped weights
are read from git at :data:`ROUND1_COMMIT`, and inside cross-validation its recipe,
:func:`round1_fit`, is refitted on the same folds); and the shipped model (TF-IDF and named
features, claim at ``checkworthy.THRESHOLD``).

1. ClaimBuster (debate sentences, 25% check-worthy): 5-fold cross-validation on the
   development 80% (each fold refits on the other folds plus everything else the shipped
   model is trained on), then the shipped weights on the seeded 20% held out. F1 of the
   check-worthy class at the data's own mix and "balanced" (the classes reweighted to equal
   shares, the mix of the held-out split the issue quotes: all-positive scores 0.667 there).
2. news-dev (real web articles, our labels by reference): precision of the default list and
   recall of the figure claims a fact-checker would check, by 5-fold cross-validation over
   the development articles; on the held-out articles with the shipped weights: the first
   round's labels (read while tuning the first round), the fresh sample (labelled before any
   change of the second round, never read while tuning) and both together. Counts are
   weighted so that they stand for every sentence of the articles
   (``checkworthy_data.news``). Claims listed by default per article.
3. The team's labelled sets (tests/quality/, written for claimtrack): precision and recall of
   ``is_claim`` on labelled.txt (trained on; the quality gate's floor is 0.97) and on
   heldout.txt (never trained on).

``--explore`` adds the recipes that were tried and not shipped (:func:`explore_section`),
each cross-validated like the shipped one; they never see the fresh sample. Its contextual
sentence-embedding recipes (:func:`embedding_recipes`) need the semantic extra
(``pip install -e '.[bench,semantic]'``) and a minute and a half of CPU to embed the sentences.
``--curve`` adds a learning curve (:func:`curve_section`): the news scores when each fold is
trained on a share of the development news labels, to tell whether more labels of the same
kind would close the gap to the news target.
"""

from __future__ import annotations

import json
import math
import subprocess
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
ROUND1_COMMIT = "d27ff86122ed7bfde16086848c0fbcea5953a279"
"""main with the first learned layer (SCORER_VERSION 2), whose weights file is compared."""
ROUND1_THRESHOLD = 0.6


def rules_score(fired: list[str]) -> float:
    return max(0.0, min(1.0, sum(RULES.get(f, 0.0) for f in fired)))


class Round1:
    """The first learned layer: bias plus one weight per word occurrence (``terms``) and per
    named feature (``#name``)."""

    def __init__(self, bias: float, weights: dict[str, float]):
        self.bias = bias
        self.weights = weights

    def probability(self, sentence: str, fired: list[str]) -> float:
        get = self.weights.get
        z = self.bias + sum(get(t, 0.0) for t in checkworthy.terms(sentence))
        z += sum(get("#" + f, 0.0) for f in fired)
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def round1_shipped() -> Round1:
    text = subprocess.run(
        ["git", "-C", str(data.ROOT), "show", f"{ROUND1_COMMIT}:claimtrack/data/checkworthy.json"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    payload = json.loads(text)
    return Round1(float(payload["bias"]), payload["weights"])


def round1_fit(examples: list[data.Example]) -> Round1:
    """The first round's recipe: word and feature counts, C 0.3, balanced classes, news and
    team sentences weighing 3."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = CountVectorizer(
        analyzer=lambda ex: checkworthy.terms(ex.text) + ["#" + f for f in ex.fired], min_df=2
    )
    X = vec.fit_transform(examples)
    lr = LogisticRegression(C=0.3, max_iter=5000, class_weight="balanced")
    weights = [1.0 if data.source(ex) == "claimbuster" else 3.0 for ex in examples]
    lr.fit(X, [ex.positive for ex in examples], sample_weight=weights)
    coef = lr.coef_[0]
    kept = {k: float(coef[i]) for k, i in vec.vocabulary_.items() if abs(coef[i]) >= 0.005}
    return Round1(float(lr.intercept_[0]), kept)


# -- measures -------------------------------------------------------------------------------------


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
    return f"  {name:36s} P {p:.3f} R {r:.3f} F1 {f:.3f}   | balanced P {bp:.3f} F1 {bf:.3f}"


def folds(n: int, k: int = 5, seed: int = 7) -> list[list[int]]:
    import random

    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def scores_of(model, examples) -> list[float]:
    """Scores as extraction gives them: 0 for a non-assertion, else the model's probability."""
    return [
        0.0
        if checkworthy.NON_ASSERTIONS.intersection(ex.fired)
        else model.probability(ex.text, ex.fired)
        for ex in examples
    ]


def news_metrics(examples, listed: list[bool]) -> str:
    """Precision of what is listed and recall of the figure claims, each weighted so that the
    labels stand for every sentence of their articles."""
    shown = [ex for ex, li in zip(examples, listed, strict=True) if li]
    good = [ex for ex in shown if ex.label > 0]
    figs = [(ex, li) for ex, li in zip(examples, listed, strict=True) if ex.label == 2]
    found = [ex for ex, li in figs if li]
    weight = sum(ex.weight for ex in shown)
    precision = sum(ex.weight for ex in good) / weight if weight else 0.0
    recall = sum(ex.weight for ex in found) / sum(ex.weight for ex, _ in figs)
    return (
        f"precision {precision:.2f} ({len(good)}/{len(shown)} labels listed), "
        f"figure-claim recall {recall:.2f} ({len(found)}/{len(figs)})"
    )


# -- sections -------------------------------------------------------------------------------------


def claimbuster_section(dev, heldout, others) -> None:
    t = checkworthy.THRESHOLD
    print("1. ClaimBuster: is this debate sentence check-worthy?")
    gold = [ex.positive for ex in dev]
    new = [0.0] * len(dev)
    old = [0.0] * len(dev)
    for test in folds(len(dev)):
        held = set(test)
        train = [ex for i, ex in enumerate(dev) if i not in held] + others
        part = [dev[i] for i in test]
        for i, s in zip(test, scores_of(data.fit(train), part), strict=True):
            new[i] = s
        for i, s in zip(test, scores_of(round1_fit(train), part), strict=True):
            old[i] = s
    print(f"5-fold cross-validation on the development 80% ({len(dev)} sentences, "
          f"{sum(gold)} check-worthy):")  # fmt: skip
    print(row("all positive (baseline)", [True] * len(dev), gold))
    rules = [rules_score(ex.fired) >= RULES_THRESHOLD for ex in dev]
    print(row(f"rules (before, >= {RULES_THRESHOLD})", rules, gold))
    print(
        row(
            f"first learned layer (>= {ROUND1_THRESHOLD})",
            [s >= ROUND1_THRESHOLD for s in old],
            gold,
        )
    )
    print(row(f"shipped (>= {t})", [s >= t for s in new], gold))
    grid = [x / 100 for x in range(20, 96)]
    best = max((prf([s >= c for s in new], gold, balance(gold))[2], c) for c in grid)
    raw = max((prf([s >= c for s in new], gold)[2], c) for c in grid)
    print(f"  (shipped recipe, best cut-off on these folds: balanced F1 {best[0]:.3f} at "
          f"{best[1]:.2f}; raw F1 {raw[0]:.3f} at {raw[1]:.2f})")  # fmt: skip
    gold_h = [ex.positive for ex in heldout]
    print(f"held-out 20% ({len(heldout)} sentences, {sum(gold_h)} check-worthy; shipped weights):")
    print(row("all positive (baseline)", [True] * len(heldout), gold_h))
    rules = [rules_score(ex.fired) >= RULES_THRESHOLD for ex in heldout]
    print(row(f"rules (before, >= {RULES_THRESHOLD})", rules, gold_h))
    old_h = scores_of(round1_shipped(), heldout)
    print(
        row(
            f"first learned layer (>= {ROUND1_THRESHOLD})",
            [s >= ROUND1_THRESHOLD for s in old_h],
            gold_h,
        )
    )
    shipped = scores_of(checkworthy.model(), heldout)
    print(row(f"shipped (>= {t})", [s >= t for s in shipped], gold_h))
    print(
        row(
            f"shipped at the folds' best cut-off {best[1]:.2f}",
            [s >= best[1] for s in shipped],
            gold_h,
        )
    )
    print()


def news_section(cb_dev, team, news) -> None:
    t = checkworthy.THRESHOLD
    print("2. news-dev: is this sentence worth a fact-checker's time? (our labels)")
    # Scored on every label of the development articles; trained only on the "dev" split
    # (the "devtest" labels measure and are never trained on: checkworthy_data).
    dev = [ex for ex in news if ex.split in data.DEVELOPMENT]
    arts = sorted({ex.group for ex in dev})
    new = [0.0] * len(dev)
    old = [0.0] * len(dev)
    for k in range(5):
        test_arts = set(arts[k::5])
        train = cb_dev + team + [ex for ex in dev if ex.group not in test_arts and data.trained(ex)]
        idx = [i for i, ex in enumerate(dev) if ex.group in test_arts]
        part = [dev[i] for i in idx]
        for i, s in zip(idx, scores_of(data.fit(train), part), strict=True):
            new[i] = s
        for i, s in zip(idx, scores_of(round1_fit(train), part), strict=True):
            old[i] = s
    n_trained = sum(1 for ex in dev if data.trained(ex))
    print(f"development articles ({len(arts)}), 5-fold cross-validation by article, "
          f"{len(dev)} labels ({n_trained} trained on):")  # fmt: skip
    rules = [rules_score(ex.fired) >= RULES_THRESHOLD for ex in dev]
    print(f"  {'rules (before)':28s}", news_metrics(dev, rules))
    print(
        f"  {'first learned layer (0.6)':28s}",
        news_metrics(dev, [s >= ROUND1_THRESHOLD for s in old]),
    )
    print(f"  {f'shipped recipe ({t})':28s}", news_metrics(dev, [s >= t for s in new]))
    for other in (0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85):
        if other != t:
            print(f"  {f'  at {other}':28s}", news_metrics(dev, [s >= other for s in new]))
    round1 = round1_shipped()
    shipped = checkworthy.model()
    held = [ex for ex in news if ex.split == "heldout"]
    fresh = [ex for ex in news if ex.split == "fresh"]
    for name, part in (
        ("first round's labels, read while tuning the first round", held),
        ("fresh sample, never read while tuning", fresh),
        ("both: every sentence of the held-out articles", held + fresh),
    ):
        n_arts = len({ex.group for ex in part})
        print(f"held-out articles ({n_arts}), {name}: {len(part)} labels, shipped weights:")
        rules = [rules_score(ex.fired) >= RULES_THRESHOLD for ex in part]
        print(f"  {'rules (before)':28s}", news_metrics(part, rules))
        old_s = [s >= ROUND1_THRESHOLD for s in scores_of(round1, part)]
        print(f"  {'first learned layer (0.6)':28s}", news_metrics(part, old_s))
        print(
            f"  {f'shipped ({t})':28s}",
            news_metrics(part, [s >= t for s in scores_of(shipped, part)]),
        )
    # Claims listed by default per article: every English article, whole text.
    from claimtrack.extract import extract

    before = first = after = recorded = n = 0
    for text in data.articles().values():
        if data.not_english(text):
            continue
        sentences = extract(text, all_sentences=True)
        n += 1
        before += sum(1 for s in sentences if rules_score(s.features) >= RULES_THRESHOLD)
        first += sum(1 for s in scores_of(round1, _examples(sentences)) if s >= ROUND1_THRESHOLD)
        after += sum(1 for s in sentences if s.is_claim)
        recorded += sum(1 for s in sentences if s.candidate)
    print(f"claims listed by default per article ({n} English articles): rules {before / n:.1f}, "
          f"first learned layer {first / n:.1f}, shipped {after / n:.1f} "
          f"({recorded / n:.1f} recorded, claims --all)")  # fmt: skip
    print()


def _examples(sentences) -> list[data.Example]:
    return [data.Example(s.sentence, s.features, 0) for s in sentences]


def quality_section() -> None:
    sys.path.insert(0, str(data.ROOT / "tests" / "quality"))
    import gold

    print("3. claimtrack's labelled sets (team-written news sentences):")
    p, r, f = gold.evaluate().scores["checkworthy"]
    print(f"  labelled.txt (trained on; quality gate floor 0.97): P {p:.3f} R {r:.3f} F1 {f:.3f}")
    p, r, f = gold.evaluate(gold.load(gold.HERE / "heldout.txt")).scores["checkworthy"]
    print(f"  heldout.txt (never trained on):                     P {p:.3f} R {r:.3f} F1 {f:.3f}")


# -- recipes tried and not shipped (--explore) ------------------------------------------------------

VECTOR_SCALE = 0.5
"""The sentence vectors (unit length) are multiplied by this before fitting, so that the same
regularisation suits them and the TF-IDF part (chosen by cross-validation: 0.25 to 4 tried)."""


def _explore_fit(
    train,
    tests,
    *,
    vectors=None,
    flag=False,
    weights=None,
    figure_bar=None,
    tfidf=True,
    figures_plain=False,
):
    """Scores of ``tests`` (lists of examples) by a logistic regression fitted on ``train``
    over the shipped recipe's columns (``checkworthy_data.fit``), plus, with ``vectors`` (text
    -> 256-d WordLlama sentence vector), the vector times :data:`VECTOR_SCALE`, and with
    ``flag``, a column that is 1 for a debate-transcript sentence (ClaimBuster); without
    ``tfidf``, no word columns (the named features and the vector only). With
    ``figure_bar``, a sentence without a figure is listed only at that score or more (its
    score is set to 0 below it). With ``figures_plain``, a sentence with a figure gets the
    score of the same recipe without ``vectors``."""
    if figures_plain:
        plain = _explore_fit(train, tests, flag=flag, weights=weights, figure_bar=figure_bar)
        mixed = _explore_fit(
            train, tests, vectors=vectors, flag=flag, weights=weights, figure_bar=figure_bar,
            tfidf=tfidf,
        )  # fmt: skip
        return [
            [p if "figure" in ex.fired else m for ex, p, m in zip(test, ps, ms, strict=True)]
            for test, ps, ms in zip(tests, plain, mixed, strict=True)
        ]
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = CountVectorizer(analyzer=checkworthy.terms, min_df=data.MIN_DF)
    vec.fit([ex.text for ex in train])
    counts = vec.transform([ex.text for ex in train]).tocsr().astype(float)
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1 + len(train)) / (1 + df)) + 1

    def design(examples):
        c = vec.transform([ex.text for ex in examples]).tocsr().astype(float)
        mass = np.sqrt(np.asarray((c @ sparse.diags(idf * idf)).sum(axis=1)).ravel())
        scale = np.divide(1.0, mass, out=np.zeros_like(mass), where=mass > 0)
        parts = [sparse.diags(scale) @ c @ sparse.diags(idf)] if tfidf else []
        names = [[1.0 if f in ex.fired else 0.0 for f in checkworthy.FEATURES] for ex in examples]
        parts.append(sparse.csr_matrix(np.array(names)))
        if vectors is not None:
            parts.append(sparse.csr_matrix(np.array([vectors[ex.text] for ex in examples])))
        if flag:
            debate = [[1.0 if data.source(ex) == "claimbuster" else 0.0] for ex in examples]
            parts.append(sparse.csr_matrix(np.array(debate)))
        return sparse.hstack(parts).tocsr()

    lr = LogisticRegression(C=data.C, max_iter=10000)
    w = weights(train) if weights else data.training_weights(train)
    lr.fit(design(train), [ex.positive for ex in train], sample_weight=w)
    out = []
    for test in tests:
        p = lr.predict_proba(design(test))[:, 1]
        scores = []
        for ex, pi in zip(test, p, strict=True):
            vetoed = bool(checkworthy.NON_ASSERTIONS.intersection(ex.fired))
            low = figure_bar is not None and "figure" not in ex.fired and pi < figure_bar
            scores.append(0.0 if vetoed or low else float(pi))
        out.append(scores)
    return out


def _reweighted(debate_ratio: float, news_ratio: float, news_no_figure: float):
    """Training weights with ClaimBuster's and the news' check-worthy shares changed
    (``checkworthy_data.SOURCES``), and news claims without a figure weighing
    ``news_no_figure`` times as much."""

    def weights(train):
        saved = dict(data.SOURCES)
        data.SOURCES["claimbuster"] = (1.0, debate_ratio)
        data.SOURCES["news"] = (1.0, news_ratio)
        try:
            out = data.training_weights(train)
        finally:
            data.SOURCES.clear()
            data.SOURCES.update(saved)
        return [
            w * news_no_figure if data.source(ex) == "news" and ex.label == 1 else w
            for w, ex in zip(out, train, strict=True)
        ]

    return weights


def explore_section(cb_dev, team, news) -> None:
    """The recipes tried for issue 14's second round and not shipped, cross-validated exactly
    like the shipped recipe (ClaimBuster: 5 folds of the development 80%; news: 5 folds of the
    development articles), and fitted on all the training data for the first round's labels
    of the held-out articles. The fresh sample is never scored here."""
    from claimtrack import wordvectors

    t = checkworthy.THRESHOLD
    print(f"4. recipes tried and not shipped (claim at {t} unless said):")
    texts = sorted({ex.text for ex in cb_dev + team + news})
    vectors = dict(zip(texts, wordvectors.vectors(texts) * VECTOR_SCALE, strict=True))
    # "reweighted a/b/c": ClaimBuster's check-worthy sentences weigh a times its others, the
    # news sentences worth checking b times the others, and news claims without a figure c
    # times the other news claims (data.SOURCES ships 2/0.5/1). "known debate source": a
    # column that is 1 for every ClaimBuster sentence, so the model learns the debates' own
    # offset: the best a decision that knows the kind of source could do.
    recipes = [
        ("shipped recipe", {}),
        ("+ sentence vectors", {"vectors": vectors}),
        ("+ vectors, no-figure bar 0.85", {"vectors": vectors, "figure_bar": 0.85}),
        ("no-figure bar 0.9", {"figure_bar": 0.9}),
        ("+ vectors, reweighted 2/0.7/0.5",
         {"vectors": vectors, "weights": _reweighted(2.0, 0.7, 0.5)}),
        ("+ vectors, known debate source, reweighted 6/0.5/0.3",
         {"vectors": vectors, "flag": True, "weights": _reweighted(6.0, 0.5, 0.3)}),
    ]  # fmt: skip
    for name, options in recipes:
        explore_recipe(name, options, cb_dev, team, news)
    embedding_recipes(cb_dev, team, news)
    print()


EMBEDDING_SCALES = (0.5, 1.0)
"""The contextual sentence embedding (unit length, 384-d) is multiplied by these before
fitting (0.5 to 4 tried by cross-validation on the development parts; no TF-IDF: 1 to 4)."""


def embedding_recipes(cb_dev, team, news) -> None:
    """The shipped recipe with a contextual sentence embedding added: the semantic extra's
    all-MiniLM-L6-v2 (``semantic.load_embedder``, int8 ONNX, one thread) of each sentence,
    scaled, as 384 more columns of the same logistic regression; and the embedding with the
    named features and no word columns. Tried as an optional layer (the embedder runs at a
    few hundred sentences a second: benchmarks/bench_extraction.py) and not shipped."""
    from claimtrack.semantic import SemanticUnavailable, load_embedder

    try:
        embedder = load_embedder(threads=1)
    except SemanticUnavailable:
        print(
            "  (sentence embedding: the semantic extra is not installed; pip install -e .[semantic])"
        )
        return
    texts = sorted({ex.text for ex in cb_dev + team + news})
    t0 = time.process_time()
    embedded = embedder.embed(texts)
    seconds = time.process_time() - t0
    print(
        f"  sentence embedding ({embedder.name}): {len(texts)} sentences in {seconds:.0f} s "
        f"CPU ({len(texts) / seconds:.0f} a second)"
    )
    for scale in EMBEDDING_SCALES:
        vectors = dict(zip(texts, embedded * scale, strict=True))
        explore_recipe(f"+ sentence embedding x{scale}", {"vectors": vectors}, cb_dev, team, news)
    vectors = dict(zip(texts, embedded * 0.5, strict=True))
    recipes = [
        ("+ embedding x0.5, a figure's sentence keeps the shipped recipe's score",
         {"vectors": vectors, "figures_plain": True}),
        ("+ embedding x0.5, no-figure bar 0.8", {"vectors": vectors, "figure_bar": 0.8}),
    ]  # fmt: skip
    for name, options in recipes:
        explore_recipe(name, options, cb_dev, team, news)
    vectors = dict(zip(texts, embedded, strict=True))
    explore_recipe(
        "sentence embedding x1 and named features, no TF-IDF",
        {"vectors": vectors, "tfidf": False},
        cb_dev,
        team,
        news,
    )


def explore_recipe(name: str, options: dict, cb_dev, team, news) -> None:
    """Print one recipe's cross-validated numbers (``_explore_fit`` with ``options``): the
    ClaimBuster folds and the news development folds of the shipped recipe, then the recipe
    fitted on all the training data for the first round's labels of the held-out articles."""
    t = checkworthy.THRESHOLD
    news_dev = [ex for ex in news if ex.split in data.DEVELOPMENT]  # scored
    trainable = [ex for ex in news_dev if data.trained(ex)]
    held = [ex for ex in news if ex.split == "heldout"]
    grid = [x / 100 for x in range(20, 96)]
    gold = [ex.positive for ex in cb_dev]
    arts = sorted({ex.group for ex in news_dev})
    cb = [0.0] * len(cb_dev)
    for test in folds(len(cb_dev)):
        held_set = set(test)
        train = [ex for i, ex in enumerate(cb_dev) if i not in held_set] + trainable + team
        (part,) = _explore_fit(train, [[cb_dev[i] for i in test]], **options)
        for i, s in zip(test, part, strict=True):
            cb[i] = s
    nd = [0.0] * len(news_dev)
    for k in range(5):
        test_arts = set(arts[k::5])
        train = cb_dev + team + [ex for ex in trainable if ex.group not in test_arts]
        idx = [i for i, ex in enumerate(news_dev) if ex.group in test_arts]
        (part,) = _explore_fit(train, [[news_dev[i] for i in idx]], **options)
        for i, s in zip(idx, part, strict=True):
            nd[i] = s
    (hs,) = _explore_fit(cb_dev + team + trainable, [held], **options)
    bw = balance(gold)
    f_at = prf([s >= t for s in cb], gold, bw)[2]
    best = max((prf([s >= c for s in cb], gold, bw)[2], c) for c in grid)
    print(f"  {name}:")
    print(f"    ClaimBuster CV balanced F1 {f_at:.3f} (best {best[0]:.3f} at {best[1]:.2f})")
    print(f"    news dev CV {news_metrics(news_dev, [s >= t for s in nd])}")
    ok = [(news_precision(news_dev, [s >= c for s in nd]), c) for c in grid]
    ok = [(p, c) for (p, r), c in ok if r >= 0.9]
    if ok:
        p, c = max(ok)
        print(f"    news dev CV best precision with figure-claim recall >= 0.9: {p:.2f} at {c:.2f}")
    print(
        f"    held-out articles, first round's labels: {news_metrics(held, [s >= t for s in hs])}"
    )
    if ok:
        print(
            f"    held-out articles, first round's labels, at the development cut-off {c:.2f}: "
            f"{news_metrics(held, [s >= c for s in hs])}"
        )
    print(
        "    ranking of the news labels (weighted; any cut-off): development CV "
        f"{_ranking(news_dev, nd)}, held-out first round {_ranking(held, hs)}"
    )
    print(f"    ranking of ClaimBuster (CV): AUC {_auc(gold, cb):.3f}")
    sys.stdout.flush()


def _auc(gold: list[int], scores: list[float]) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(gold, scores))


def _ranking(examples, scores: list[float]) -> str:
    """ROC AUC and average precision of worth-checking (label 1 or 2), each label weighted as
    in :func:`news_metrics`: how well the scores order the sentences, whatever the cut-off."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    gold = [ex.positive for ex in examples]
    weights = [ex.weight for ex in examples]
    auc = roc_auc_score(gold, scores, sample_weight=weights)
    ap = average_precision_score(gold, scores, sample_weight=weights)
    return f"AUC {auc:.3f} AP {ap:.3f}"


def news_precision(examples, listed: list[bool]) -> tuple[float, float]:
    """(precision, figure-claim recall) as :func:`news_metrics` counts them."""
    shown = [ex for ex, li in zip(examples, listed, strict=True) if li]
    weight = sum(ex.weight for ex in shown)
    precision = sum(ex.weight for ex in shown if ex.label > 0) / weight if weight else 0.0
    figs = [(ex, li) for ex, li in zip(examples, listed, strict=True) if ex.label == 2]
    recall = sum(ex.weight for ex, li in figs if li) / sum(ex.weight for ex, _ in figs)
    return precision, recall


CURVE_SHARES = (0.0, 0.25, 0.5, 0.75, 1.0)
CURVE_SEEDS = (1, 2, 3)


def curve_section(cb_dev, team, news) -> None:
    """Would more labels of the kind we have close the news gap? The shipped recipe
    cross-validated over the development articles as in :func:`news_section`, each fold
    trained on a seeded share of the other folds' news labels (ClaimBuster and the team's
    set always whole): the ranking (AUC), the default list at the shipped cut-off, and the
    best precision any cut-off gives at figure-claim recall 0.9 or more. The fresh sample is
    never scored here."""
    import random

    t = checkworthy.THRESHOLD
    dev = [ex for ex in news if ex.split in data.DEVELOPMENT]
    arts = sorted({ex.group for ex in dev})
    gold = [ex.positive for ex in dev]
    cuts = [c / 100 for c in range(30, 99)]
    n_trained = sum(1 for ex in dev if data.trained(ex))
    print(f"5. learning curve: share of the {n_trained} development news labels trained on, "
          f"scored on all {len(dev)} (mean of {len(CURVE_SEEDS)} seeds):")  # fmt: skip
    for share in CURVE_SHARES:
        runs = []
        for seed in CURVE_SEEDS if 0.0 < share < 1.0 else CURVE_SEEDS[:1]:
            rng = random.Random(seed)
            scores = [0.0] * len(dev)
            for k in range(5):
                test_arts = set(arts[k::5])
                kept = [
                    ex
                    for ex in dev
                    if ex.group not in test_arts and data.trained(ex) and rng.random() < share
                ]
                model = data.fit(cb_dev + team + kept)
                idx = [i for i, ex in enumerate(dev) if ex.group in test_arts]
                for i, s in zip(idx, scores_of(model, [dev[i] for i in idx]), strict=True):
                    scores[i] = s
            at_t = news_precision(dev, [s >= t for s in scores])
            best = max(
                (p for p, r in (news_precision(dev, [s >= c for s in scores]) for c in cuts)
                 if r >= 0.9),
                default=0.0,
            )  # fmt: skip
            runs.append((_auc(gold, scores), *at_t, best))
        auc, p, r, best = (sum(x) / len(runs) for x in zip(*runs, strict=True))
        print(f"  {share:4.0%} of the labels  AUC {auc:.3f}  at {t}: precision {p:.2f} "
              f"recall {r:.2f}  best precision at recall >= 0.9: {best:.2f}")  # fmt: skip
    print()


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
    if "--explore" in sys.argv[1:]:
        print()
        explore_section(cb_dev, team, news)
    if "--curve" in sys.argv[1:]:
        print()
        curve_section(cb_dev, team, news)
    print(f"\n({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
