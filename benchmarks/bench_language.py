"""Language detection: claimtrack.language.detect (CLD2 via pycld2) on real articles and on
short sentences, with the other detectors on PyPI that ship their model when they are
installed (py3langid, langdetect), in the same run.

    python benchmarks/bench_language.py
    pip install py3langid langdetect     # optional, to compare

The articles are ../shared/datasets/news-dev/articles.jsonl (78 English, 1 Italian:
20b2b64916b0). The short sentences are claimtrack's labelled extraction set
(tests/quality/labelled.txt, all English): a short English note taken for another language
would not be read for claims, the costly mistake. Times are per text, wall clock, after a
warm-up; the import time is measured on first use.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "quality"))

NON_ENGLISH = {"20b2b64916b0": "it"}


def detectors():
    """(name, loader) of each detector that is installed; a loader returns text -> code."""
    from importlib.util import find_spec

    from claimtrack.language import detect

    yield "claimtrack (pycld2)", lambda: detect
    if find_spec("py3langid"):

        def load_py3langid():
            import py3langid

            return lambda text: py3langid.classify(text)[0]

        yield "py3langid", load_py3langid
    if find_spec("langdetect"):

        def load_langdetect():
            from langdetect import DetectorFactory, LangDetectException, detect

            DetectorFactory.seed = 0

            def run(text):
                try:
                    return detect(text)
                except LangDetectException:
                    return None

            return run

        yield "langdetect", load_langdetect


def main() -> None:
    import gold

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from checkworthy_data import articles

    arts = articles()
    sentences = [g.text for story in gold.load() for g in story.sentences]
    print(f"{len(arts)} articles, {len(sentences)} short English sentences\n")
    print(f"{'detector':22s} {'load ms':>8s} {'articles right':>15s} {'ms/article':>11s} "
          f"{'short taken as other':>21s} {'us/sentence':>12s}")  # fmt: skip
    for name, load in detectors():
        t0 = time.perf_counter()
        fn = load()
        fn("warm up: a first sentence to load the model")
        loaded = time.perf_counter() - t0
        t0 = time.perf_counter()
        right = sum(1 for aid, text in arts.items() if fn(text) == NON_ENGLISH.get(aid, "en"))
        per_article = (time.perf_counter() - t0) / len(arts)
        t0 = time.perf_counter()
        wrong = sum(1 for s in sentences if fn(s) not in ("en", None))
        per_sentence = (time.perf_counter() - t0) / len(sentences)
        print(
            f"{name:22s} {loaded * 1000:8.0f} {right:>9d}/{len(arts):<5d} "
            f"{per_article * 1000:11.2f} {wrong:>15d}/{len(sentences):<5d} "
            f"{per_sentence * 1e6:12.0f}"
        )


if __name__ == "__main__":
    main()
