"""Draw sentences of the news-dev articles to label, reproducibly (how held-out v2 was drawn).

    python tests/quality/sample_news_dev.py [--text] [N]

Prints ``ARTICLE START END SHA1[:8]`` for the first N sentences (default 250) of a seeded
random order over the sentences nobody has labelled yet (in any news_dev*.txt file) that hold
a digit or a number word and are 15 to 500 characters long. Held-out articles
(``int(id, 16) % 4 == 0``) are favoured: weighted sampling without replacement, weight 3 for a
held-out article's sentence and 1 for another's (key ``u ** (1 / w)``), and at most 10
sentences of a held-out article, 5 of another. ``--text``
adds the sentence, for the person labelling (never paste it into the repository).

Held-out v2 (news_dev_heldout_v2.txt) is this order, with seed ``"news-dev held-out v2"``,
drawn before the labels of v2 existed (so before the file was created), walked from the top:
each sentence was labelled by hand, then kept while its stratum had room (84 sentences with a
figure, 42 without), until both were full.
"""

from __future__ import annotations

import hashlib
import random
import sys

import news_dev

SEED = "news-dev held-out v2"
PER_ARTICLE = {True: 10, False: 5}  # held out or not
# the labelled files at the time of the draw (held-out v1 was news_dev_heldout.txt then)
LABELLED_BEFORE_V2 = ("news_dev.txt", "news_dev_v1.txt")


def held_out(article: str) -> bool:
    return int(article, 16) % 4 == 0


def draw(seed: str = SEED, labelled=LABELLED_BEFORE_V2) -> list[tuple[str, int, int, str]]:
    from claimtrack.extract import split_sentences

    texts = news_dev.articles()
    taken: dict[str, list[tuple[int, int]]] = {}
    for name in labelled:
        for line in (news_dev.HERE / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                article, start, end, _ = line.split("||")[0].split()
                taken.setdefault(article, []).append((int(start), int(end)))
    rng = random.Random(seed)
    keyed = []
    for article in sorted(texts):
        text = texts[article]
        for start, end in split_sentences(text):
            sentence = text[start:end]
            if not 15 <= len(sentence) <= 500 or not news_dev._NUMBERISH.search(sentence):
                continue
            if any(start < e and s < end for s, e in taken.get(article, ())):
                continue
            weight = 3.0 if held_out(article) else 1.0
            keyed.append((rng.random() ** (1 / weight), article, start, end))
    keyed.sort(reverse=True)
    per_article: dict[str, int] = {}
    out = []
    for _key, article, start, end in keyed:
        if per_article.get(article, 0) >= PER_ARTICLE[held_out(article)]:
            continue
        per_article[article] = per_article.get(article, 0) + 1
        digest = hashlib.sha1(texts[article][start:end].encode()).hexdigest()[:8]
        out.append((article, start, end, digest))
    return out


if __name__ == "__main__":  # pragma: no cover
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 250
    texts = news_dev.articles()
    for article, start, end, digest in draw()[:n]:
        line = f"{article} {start} {end} {digest}"
        if "--text" in sys.argv:
            mark = "H" if held_out(article) else "T"
            line += f" {mark} " + texts[article][start:end].replace("\n", " ")
        print(line)
