"""Labelled sentences for check-worthiness, read from ../shared/datasets, and the fitting code
that benchmarks/train_checkworthy.py and benchmarks/bench_checkworthy.py share.

- ClaimBuster (Arslan, Hassan, Li, Tremayne, ICWSM 2020; doi 10.5281/zenodo.3609356):
  ``claimbuster/train.json``, 7,976 presidential-debate sentences labelled check-worthy (1) or
  not (0) by human coders. A fixed, seeded 20% (:func:`claimbuster`) is held out: never
  trained on, never tuned on, only reported.
- claimtrack's labelled set, ``tests/quality/labelled.txt`` (business news sentences written
  for claimtrack, each marked claim or not; the quality gate's check-worthiness floor is
  measured on it, so it is in-domain and tuned on, as the rules before were).
- news-dev: ``news-dev/articles.jsonl``, 79 real web articles. Our own labels of 450 of their
  sentences are in benchmarks/data/checkworthy_news_dev.tsv, by reference (article id,
  offsets and a hash of the sentence; the text is read from the dataset): 0 not worth a
  fact-checker's time, 1 worth it, 2 worth it and states a figure. ``sample`` says how a
  sentence was drawn ("random": uniformly from all sentences of the English articles;
  "figures": from the sentences with a figure, for recall; "random2": a second uniform draw
  from the development articles only); ``split`` holds out a third of the articles
  ("heldout"), never trained or tuned on.

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
NEWS_WEIGHT = 3.0
"""Each labelled news sentence counts as this many debate sentences in training."""
TEAM = ROOT / "tests" / "quality" / "labelled.txt"
TEAM_WEIGHT = 3.0
"""The same for the sentences of claimtrack's own labelled set (tests/quality/labelled.txt;
its held-out companion, heldout.txt, is never trained on)."""
C = 0.3
"""Inverse regularisation strength of the logistic regression."""
MIN_DF = 2
"""A term is kept when at least this many training sentences have it."""


@dataclass
class Example:
    text: str
    fired: list[str]
    label: int  # 0/1 (ClaimBuster) or 0/1/2 (news: 2 = worth checking and states a figure)
    group: str = ""  # the article, for news
    sample: str = ""
    split: str = ""

    @property
    def positive(self) -> int:
        return 1 if self.label > 0 else 0


def _sentences(text: str):
    """``extract(text, all_sentences=True)`` with a neutral model: only the features matter
    here, and the weights file may not exist yet."""
    from claimtrack.extract import checkworthy, extract

    saved = checkworthy._MODEL
    checkworthy._MODEL = checkworthy.Model(0.0, {})
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


def sentence_hash(sentence: str) -> str:
    return hashlib.sha256(sentence.encode("utf-8")).hexdigest()[:12]


def news() -> tuple[list[Example], int]:
    """Our labelled news sentences, with the features they have in their article, and the
    number of labels whose sentence is no longer where the label says (the dataset or the
    sentence splitter changed)."""
    texts = articles()
    by_article: dict[str, dict[tuple[int, int], object]] = {}
    out, stale = [], 0
    for line in NEWS_LABELS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        art, start, end, digest, sample, split, label = line.split("\t")
        text = texts.get(art, "")
        if art not in by_article:
            by_article[art] = {(s.start, s.end): s for s in _sentences(text)}
        s = by_article[art].get((int(start), int(end)))
        if s is None or sentence_hash(s.sentence) != digest:
            stale += 1
            continue
        out.append(Example(s.sentence, list(s.features), int(label), art, sample, split))
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


def fit(examples: list[Example], weights: list[float] | None = None):
    """A logistic regression over the counts of ``checkworthy.keys`` of each example; returns
    ``checkworthy.Model``."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    from claimtrack.extract import checkworthy

    vec = CountVectorizer(
        analyzer=lambda ex: checkworthy.keys(ex.text, ex.fired),
        min_df=MIN_DF,
    )
    X = vec.fit_transform(examples)
    y = [ex.positive for ex in examples]
    lr = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    lr.fit(X, y, sample_weight=weights)
    coef = lr.coef_[0]
    kept = {
        key: round(float(coef[i]), 4) for key, i in vec.vocabulary_.items() if abs(coef[i]) >= 0.005
    }
    return checkworthy.Model(round(float(lr.intercept_[0]), 4), dict(sorted(kept.items())))


def training_weights(examples: list[Example]) -> list[float]:
    return [
        TEAM_WEIGHT if ex.group.startswith("team:") else NEWS_WEIGHT if ex.group else 1.0
        for ex in examples
    ]


def predict(model, examples: list[Example]) -> list[float]:
    """Scores as extraction gives them (``checkworthy.score`` with ``model``)."""
    from claimtrack.extract import checkworthy

    out = []
    for ex in examples:
        if checkworthy.NON_ASSERTIONS.intersection(ex.fired):
            out.append(0.0)
        else:
            out.append(model.probability(checkworthy.keys(ex.text, ex.fired)))
    return out
