"""Draw sentences of the held-out news-dev articles to label for check-worthiness,
reproducibly (how the fresh held-out sample of benchmarks/data/checkworthy_news_dev.tsv was
drawn).

    python benchmarks/sample_checkworthy.py [--text]
    python benchmarks/sample_checkworthy.py --dev [--text]
    python benchmarks/sample_checkworthy.py --dev-rest [--text]

The held-out articles are those whose id hashes to 0 mod 3 (``checkworthy_data.held_out``; the split of
the first labels). Their sentences as extraction splits them, minus those the first round
labelled (``checkworthy_data.FIRST_ROUND``), are put in a seeded random order (:data:`SEED`); the first :data:`RANDOM` are the uniform
sample ("fresh"), and the first :data:`FIGURES` of the rest that hold a figure are the
recall sample ("fresh_figures"). Prints one TSV row per sentence with an empty label, in the
labels file's columns; ``--text`` adds the sentence, for the person labelling (never paste
it into the repository).

The fresh sample was drawn and labelled before any change of round 2 of issue 14, without
looking at the scores, and is only reported, never trained or tuned on.

``--dev`` draws more training sentences the same way from the development articles
(:data:`DEV_SEED`, the first :data:`DEV_RANDOM` of the unlabelled ones, sample "random3").
``--dev-rest`` draws every development sentence no label covers yet, in a seeded order
(:data:`REST_SEED`, sample "random4"): the third round labelled them all, after the learning
curve (``bench_checkworthy.py --curve``) showed the news precision still rising with labels.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import checkworthy_data as data  # noqa: E402

SEED = "claimtrack check-worthiness fresh held-out"
RANDOM = 150
FIGURES = 60
DEV_SEED = "claimtrack check-worthiness development 3"
DEV_RANDOM = 300
REST_SEED = "claimtrack check-worthiness development 4"


def draw(dev: bool = False, rest: bool = False) -> list[tuple[str, int, int, str, str]]:
    """(article, start, end, sentence hash, sample) of the fresh sample (or with ``dev`` of
    the development sample; with ``rest``, every development sentence not labelled yet), in
    drawing order."""
    from claimtrack.extract import extract

    labelled = set()
    for line in data.NEWS_LABELS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            art, start, end, _digest, sample = line.split("\t")[:5]
            if rest or sample in data.FIRST_ROUND:
                labelled.add((art, int(start), int(end)))
    texts = data.articles()
    pool = []
    for art in sorted(texts):
        if data.held_out(art) == dev or data.not_english(texts[art]):
            continue
        for s in extract(texts[art], all_sentences=True):
            if (art, s.start, s.end) not in labelled:
                pool.append((art, s.start, s.end, s.sentence, bool(s.figures)))
    random.Random(REST_SEED if rest else DEV_SEED if dev else SEED).shuffle(pool)
    if rest:
        return [(a, st, en, data.sentence_hash(t), "random4") for a, st, en, t, _ in pool]
    if dev:
        return [
            (a, st, en, data.sentence_hash(t), "random3") for a, st, en, t, _ in pool[:DEV_RANDOM]
        ]
    out = [(a, st, en, data.sentence_hash(t), "fresh") for a, st, en, t, _ in pool[:RANDOM]]
    rest = [p for p in pool[RANDOM:] if p[4]][:FIGURES]
    out += [(a, st, en, data.sentence_hash(t), "fresh_figures") for a, st, en, t, _ in rest]
    return out


if __name__ == "__main__":  # pragma: no cover
    texts = data.articles()
    rest = "--dev-rest" in sys.argv
    dev = rest or "--dev" in sys.argv
    for art, start, end, digest, sample in draw(dev, rest):
        split = "devtest" if rest else "dev" if dev else "fresh"
        line = f"{art}\t{start}\t{end}\t{digest}\t{sample}\t{split}\t"
        if "--text" in sys.argv:
            line += "\t" + " ".join(texts[art][start:end].split())
        print(line)
