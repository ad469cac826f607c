"""Train the learned layer of check-worthiness and write claimtrack/data/checkworthy.json.

    pip install -e '.[bench]'       # scikit-learn, for training only
    python benchmarks/train_checkworthy.py

A logistic regression over the TF-IDF vector of each sentence's words
(``claimtrack.extract.checkworthy.terms``) and its named features, fitted on the development part of ClaimBuster
(80% of ../shared/datasets/claimbuster/train.json; the seeded 20% held out is never used), on
claimtrack's labelled extraction set (tests/quality/labelled.txt; heldout.txt is never used)
and on our labelled news sentences of the development articles (the held-out articles are
never used); see benchmarks/checkworthy_data.py. Deterministic: the same data gives the same file.
Bump ``checkworthy.SCORER_VERSION`` when the file changes, and measure with
benchmarks/bench_checkworthy.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import checkworthy_data as data  # noqa: E402

from claimtrack.extract import checkworthy  # noqa: E402


def main() -> None:
    dev, _heldout = data.claimbuster()
    news, stale = data.news()
    train = dev + data.team() + [ex for ex in news if ex.split == "dev"]
    model = data.fit(train)
    payload = {
        "meta": {
            "about": "claimtrack check-worthiness: a logistic regression over the TF-IDF "
            "vector of a sentence's terms (claimtrack.extract.checkworthy.terms; terms maps "
            "each to [weight, idf]) and its named features (features maps each to its weight)",
            "scorer_version": checkworthy.SCORER_VERSION,
            "trained_on": [
                "ClaimBuster (Arslan, Hassan, Li, Tremayne, ICWSM 2020; "
                "doi 10.5281/zenodo.3609356): 80% of the training split used by "
                "utaresearch/claimbuster-spotter",
                "claimtrack's own labels of news-dev sentences (development articles), "
                "benchmarks/data/checkworthy_news_dev.tsv",
                "claimtrack's labelled extraction set, tests/quality/labelled.txt",
            ],
            "sentences": len(train),
            "C": data.C,
            "sources": {k: list(v) for k, v in data.SOURCES.items()},
            "min_df": data.MIN_DF,
        },
        "bias": model.bias,
        "features": model.features,
        "terms": {t: list(wi) for t, wi in model.terms.items()},
    }
    checkworthy.WEIGHTS_FILE.parent.mkdir(exist_ok=True)
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    checkworthy.WEIGHTS_FILE.write_text(text + "\n", encoding="utf-8")
    size = checkworthy.WEIGHTS_FILE.stat().st_size
    print(
        f"trained on {len(train)} sentences ({len(dev)} ClaimBuster, {len(train) - len(dev)} "
        f"news and claimtrack's own; {stale} stale news labels skipped): "
        f"{len(model.terms)} terms, "
        f"{size / 1000:.0f} kB -> {checkworthy.WEIGHTS_FILE.relative_to(data.ROOT)}"
    )
    print("named features:", ", ".join(f"{k} {w:+.2f}" for k, w in model.features.items()))


if __name__ == "__main__":
    main()
