"""Labelled sentences for check-worthiness, read from ../shared/datasets, and the fitting code
that benchmarks/train_checkworthy.py and benchmarks/bench_checkworthy.py share.

- ClaimBuster (Arslan, Hassan, Li, Tremayne, ICWSM 2020; doi 10.5281/zenodo.3609356):
  ``claimbuster/train.json``, 7,976 presidential-debate sentences labelled check-worthy (1) or
  not (0) by human coders. A fixed, seeded 20% (:func:`claimbuster`) is held out: never
  trained on, never tuned on, only reported.
- claimtrack's labelled set, ``tests/quality/labelled.txt`` (business news sentences written
  for claimtrack, each marked claim or not; the quality gate's check-worthiness floor is
  measured on it, so it is in-domain and tuned on, as the rules before were).
- news-dev: ``news-dev/articles.jsonl``, 79 real web articles. Our own labels of 1,106 of
  their sentences are in benchmarks/data/checkworthy_news_dev.tsv, by reference (article id,
  offsets and a hash of the sentence; the text is read from the dataset): 0 not worth a
  fact-checker's time, 1 worth it, 2 worth it and states a figure. ``sample`` says how a
  sentence was drawn. The first round (issue 14): "random" (from all sentences of the
  English articles), "figures" (from the sentences with a figure, for recall), "random2"
  (from the development articles). The second round, drawn by
  benchmarks/sample_checkworthy.py from the sentences the first round left: "random3" (300,
  development articles, for training) and, before any change of that round, "fresh" (150)
  with "fresh_figures" (46, every remaining sentence with a figure) of the held-out
  articles. The third round: "random4" (690, every development sentence still unlabelled,
  ``sample_checkworthy.py --dev-rest``), so that the development articles are labelled in
  full. ``split``: "dev" (trained on), "devtest" (the third round's: development articles,
  scored in cross-validation, never trained on; :data:`DEVELOPMENT`), "heldout" (a third of
  the articles, by :func:`held_out`; never trained on, but its labels have been read while
  tuning the first round) and "fresh" (the same articles; never trained on, tuned on or
  read). :func:`news` weighs each label by how many sentences of its articles it stands for
  (1 for every development label now).

Everything here needs scikit-learn (``pip install -e '.[bench]'``), except the loaders.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATASETS = ROOT.parent / "shared" / "datasets"
CLAIMBUSTER = DATASETS / "claimbuster" / "train.json"
NEWS = DATASETS / "news-dev" / "articles.jsonl"
NEWS_LABELS = Path(__file__).resolve().parent / "data" / "checkworthy_news_dev.tsv"

HELDOUT_SEED = 2020
HELDOUT_SHARE = 0.2
TEAM = ROOT / "tests" / "quality" / "labelled.txt"
SOURCES = {
    "claimbuster": (1.0, 2.0),
    "news": (1.0, 0.5),
    "team": (0.1, None),
}
"""How much each source of training sentences weighs: (its total weight relative to
ClaimBuster's, and how much more its check-worthy sentences weigh in total than its others; None
keeps the source's own mix). ClaimBuster's check-worthy sentences weigh twice the rest, our
news sentences worth checking half the rest, so that the news sentences pull towards
precision (the default list) and ClaimBuster towards recall; claimtrack's own labelled set
(tests/quality/labelled.txt; its held-out companion, heldout.txt, is never trained on) weighs a
tenth. Chosen by cross-validation on the development parts (benchmarks/bench_checkworthy.py)."""
C = 3.0
"""Inverse regularisation strength of the logistic regression."""
MIN_DF = 2
"""A term is in the vocabulary when at least this many training sentences have it."""


@dataclass
class Example:
    text: str
    fired: list[str]
    label: int  # 0/1 (ClaimBuster) or 0/1/2 (news: 2 = worth checking and states a figure)
    group: str = ""  # the article, for news
    sample: str = ""
    split: str = ""
    weight: float = 1.0
    """For news: how many sentences of its articles this labelled one stands for (see
    :func:`news`); 1 for a sentence of a part labelled in full."""

    @property
    def positive(self) -> int:
        return 1 if self.label > 0 else 0


def _sentences(text: str):
    """``extract(text, all_sentences=True)`` with a neutral model: only the features matter
    here, and the weights file may not exist yet."""
    from claimtrack.extract import checkworthy, extract

    saved = checkworthy._MODEL
    checkworthy._MODEL = checkworthy.Model(0.0, {}, {})
    try:
        return extract(text, all_sentences=True)
    finally:
        checkworthy._MODEL = saved


def _features_of(text: str) -> list[str]:
    """The named features of a text on its own (the union over its sentences)."""
    fired: list[str] = []
    for s in _sentences(text):
        fired += [f for f in s.features if f not in fired]
    return fired


def claimbuster() -> tuple[list[Example], list[Example]]:
    """(development, held-out) ClaimBuster sentences: a seeded 20% is held out."""
    rows = json.loads(CLAIMBUSTER.read_text(encoding="utf-8"))
    order = list(range(len(rows)))
    random.Random(HELDOUT_SEED).shuffle(order)
    held = set(order[: int(len(rows) * HELDOUT_SHARE)])
    dev, heldout = [], []
    for i, row in enumerate(rows):
        ex = Example(row["text"], _features_of(row["text"]), int(row["label"]), split="")
        (heldout if i in held else dev).append(ex)
    return dev, heldout


def articles() -> dict[str, str]:
    out = {}
    with NEWS.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                out[row["id"]] = row["text"]
    return out


def not_english(text: str) -> bool:
    """Detected as a language other than English (claimtrack does not read it for claims)."""
    from claimtrack.language import detect

    code = detect(text)
    return code is not None and code != "en"


def sentence_hash(sentence: str) -> str:
    return hashlib.sha256(sentence.encode("utf-8")).hexdigest()[:12]


def held_out(article: str) -> bool:
    """The held-out third of the news-dev articles (by a hash of the article id)."""
    return int(hashlib.sha256(article.encode()).hexdigest(), 16) % 3 == 0


DEVELOPMENT = ("dev", "devtest")
"""The splits of the development articles: "dev" labels are trained on; "devtest" labels
(sample "random4": every development sentence the earlier rounds left, labelled in the
third round) only measure, in the cross-validation by article. Training on them too gave the
same scores (news AUC 0.845 and 0.846, precision 0.78 and 0.79 at the shipped cut-off), so
the shipped weights did not change for them."""


def trained(ex: Example) -> bool:
    """Whether the training data holds this labelled sentence (always, but for "devtest" and
    the held-out articles' splits)."""
    return ex.split not in ("devtest", "heldout", "fresh")


FIRST_ROUND = ("random", "figures", "random2")
"""The samples of the first round of labels (issue 14). The later samples ("random3",
"fresh", "fresh_figures") were drawn from the sentences these left out."""


def news() -> tuple[list[Example], int]:
    """Our labelled news sentences, with the features they have in their article, and the
    number of labels whose sentence is no longer where the label says (the dataset or the
    sentence splitter changed).

    Each gets a ``weight``, so that weighted counts estimate counts over every sentence of the
    English articles: the sentences of each part (development or held-out articles) fall in
    strata, by whether the first round labelled them and whether they hold a figure; a
    labelled sentence stands for ``sentences in its stratum / labelled ones`` (1 where a
    stratum is labelled in full: the first round's sentences, the held-out articles' figure
    sentences). The samples drew sentences with figures more often than others, and later
    samples only from what earlier ones left, so unweighted counts would misstate precision.
    """
    texts = articles()
    rows = []
    for line in NEWS_LABELS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            art, start, end, digest, sample, split, label = line.split("\t")
            rows.append((art, int(start), int(end), digest, sample, split, int(label)))
    first = {(r[0], r[1], r[2]) for r in rows if r[4] in FIRST_ROUND}
    total: dict[tuple, int] = {}
    labelled: dict[tuple, int] = {}
    found: dict[tuple[str, int, int], tuple] = {}
    by_label = {(r[0], r[1], r[2]) for r in rows}
    for art, text in sorted(texts.items()):
        if not_english(text):
            continue
        for s in _sentences(text):
            key = (art, s.start, s.end)
            stratum = (held_out(art), key in first, bool(s.figures))
            total[stratum] = total.get(stratum, 0) + 1
            if key in by_label:
                labelled[stratum] = labelled.get(stratum, 0) + 1
                found[key] = (s, stratum)
    out, stale = [], 0
    for art, start, end, digest, sample, split, label in rows:
        s, stratum = found.get((art, start, end), (None, None))
        if s is None or sentence_hash(s.sentence) != digest:
            stale += 1
            continue
        weight = total[stratum] / labelled[stratum]
        out.append(Example(s.sentence, list(s.features), label, art, sample, split, weight))
    return out, stale


def team(path: Path = TEAM) -> list[Example]:
    """The sentences of claimtrack's labelled extraction set, with the features they have in
    their story; label 1 when the set calls the sentence a claim."""
    sys.path.insert(0, str(path.parent))
    import gold

    out = []
    for k, story in enumerate(gold.load(path)):
        found = {(s.start, s.end): s for s in _sentences(story.text)}
        for g in story.sentences:
            s = found.get((g.start, g.end))
            if s is not None:
                out.append(Example(s.sentence, list(s.features), int(g.claim), f"team:{k}"))
    return out


# -- fitting --------------------------------------------------------------------------------------


def source(ex: Example) -> str:
    return "team" if ex.group.startswith("team:") else "news" if ex.group else "claimbuster"


def training_weights(examples: list[Example]) -> list[float]:
    """Each sentence's weight in training (:data:`SOURCES`)."""
    counts: dict[tuple[str, int], int] = {}
    for ex in examples:
        key = (source(ex), ex.positive)
        counts[key] = counts.get(key, 0) + 1
    n_debate = counts.get(("claimbuster", 0), 0) + counts.get(("claimbuster", 1), 0)
    out = []
    for ex in examples:
        name = source(ex)
        total, ratio = SOURCES[name]
        mine = counts[(name, ex.positive)]
        if ratio is None:
            size = counts.get((name, 0), 0) + counts.get((name, 1), 0)
            out.append(total * n_debate / size)
        else:
            share = ratio / (1 + ratio) if ex.positive else 1 / (1 + ratio)
            out.append(total * n_debate * share / mine)
    return out


def fit(examples: list[Example], weights: list[float] | None = None):
    """The learned layer fitted on ``examples``: a logistic regression over each sentence's
    TF-IDF vector and its named features (``checkworthy.Model`` says how the vector is made);
    returns ``checkworthy.Model`` with weights rounded as they ship."""
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    from claimtrack.extract import checkworthy

    vec = CountVectorizer(analyzer=checkworthy.terms, min_df=MIN_DF)
    counts = vec.fit_transform([ex.text for ex in examples]).tocsr().astype(float)
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.round(np.log((1 + len(examples)) / (1 + df)) + 1, 4)  # rounded as it ships
    tfidf = counts @ sparse.diags(idf)
    mass = np.sqrt(np.asarray((counts @ sparse.diags(idf * idf)).sum(axis=1)).ravel())
    text = sparse.diags(np.divide(1.0, mass, out=np.zeros_like(mass), where=mass > 0)) @ tfidf
    named = sparse.csr_matrix(
        np.array([[1.0 if f in ex.fired else 0.0 for f in checkworthy.FEATURES] for ex in examples])
    )
    X = sparse.hstack([text, named]).tocsr()
    y = [ex.positive for ex in examples]
    lr = LogisticRegression(C=C, max_iter=10000)
    lr.fit(X, y, sample_weight=weights if weights is not None else training_weights(examples))
    coef = lr.coef_[0]
    n_terms = len(vec.vocabulary_)
    terms = {
        term: (round(float(coef[i]), 4), float(idf[i]))
        for term, i in sorted(vec.vocabulary_.items())
    }
    features = {f: round(float(coef[n_terms + k]), 4) for k, f in enumerate(checkworthy.FEATURES)}
    return checkworthy.Model(round(float(lr.intercept_[0]), 4), features, terms)


def predict(model, examples: list[Example]) -> list[float]:
    """Scores as extraction gives them (``checkworthy.score`` with ``model``)."""
    from claimtrack.extract import checkworthy

    out = []
    for ex in examples:
        if checkworthy.NON_ASSERTIONS.intersection(ex.fired):
            out.append(0.0)
        else:
            out.append(model.probability(ex.text, ex.fired))
    return out
