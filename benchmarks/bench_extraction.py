"""Extraction speed on one core: MB/s of news text through ``claimtrack.extract.extract``,
and the same as a ratio to a plain regex sentence split over the same text in the same run.

    python benchmarks/bench_extraction.py [MB]      # default 10
    python benchmarks/bench_extraction.py --before REF [MB]   # REF's code, then this tree's

The text is benchmarks/news_corpus.py's deterministic business-news corpus: by default about
45% of its sentences state a figure (about 9,000 figures per MB, denser than most news copy),
and a curve over 2 MB samples shows how the speed depends on that density. Times are process
CPU seconds (``time.process_time``), the best of three runs, so that other work on a shared
machine disturbs them less (the wall-clock time of the first full run is printed too). Each
stage is timed on its own on a fifth of the text; the per-sentence work is the rest.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from news_corpus import corpus  # noqa: E402

from claimtrack.extract import extract  # noqa: E402
from claimtrack.extract.figures import parse  # noqa: E402
from claimtrack.extract.sentences import split  # noqa: E402
from claimtrack.extract.triggers import scan  # noqa: E402

BASELINE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)", re.M)


def cpu(fn, repeat=1):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def _with_rules_scorer(fn):
    """Run ``fn`` with check-worthiness scored as on main before the learned layer: the
    weights of benchmarks/bench_checkworthy.py's RULES summed."""
    from bench_checkworthy import rules_score

    from claimtrack.extract import checkworthy

    learned = checkworthy.score, checkworthy.score_at
    checkworthy.score = lambda sentence, fired: rules_score(fired)
    checkworthy.score_at = lambda lowered, start, end, fired: rules_score(fired)
    try:
        return fn()
    finally:
        checkworthy.score, checkworthy.score_at = learned


def _vector_cost(sample: str, ssize: float, seconds_per_mb: float) -> None:
    """What scoring with static sentence vectors would cost (tried for check-worthiness, not
    shipped): WordLlama's 256-d vector (``claimtrack.wordvectors``, in one batch) of every
    sentence of ``sample`` that extraction scores (not a non-assertion), and the speed
    extract() would have with them."""
    from claimtrack import wordvectors

    scored = [s.sentence for s in extract(sample, all_sentences=True) if s.checkworthy > 0]
    try:
        wordvectors.vectors(scored[:10])  # loads the model
    except ImportError:
        print("sentence vectors: wordllama is not installed (pip install -e .)")
        return
    t = cpu(lambda: wordvectors.vectors(scored), repeat=2)
    print(
        f"sentence vectors (tried, not shipped): {len(scored)} scored sentences of "
        f"{ssize:.1f} MB in {t:.2f} s CPU ({ssize / t:.2f} MB/s alone); extract() with them "
        f"would run at {1 / (seconds_per_mb + t / ssize):.2f} MB/s"
    )


def _embedding_cost(text: str, seconds_per_mb: float, mb: float = 0.2) -> None:
    """What a contextual sentence embedding would cost (tried for check-worthiness, not
    shipped): the semantic extra's all-MiniLM-L6-v2 (``semantic.load_embedder``, one thread)
    over every sentence that extraction scores (not a non-assertion) in the first ``mb`` MB
    of ``text``: sentences per second, and the speed extract() would have with it."""
    from claimtrack.semantic import SemanticUnavailable, load_embedder

    sample = text[: int(mb * 1_000_000)]
    ssize = len(sample.encode("utf-8")) / 1e6
    scored = [s.sentence for s in extract(sample, all_sentences=True) if s.checkworthy > 0]
    try:
        embedder = load_embedder(threads=1)
    except SemanticUnavailable:
        print(
            "sentence embedding: the semantic extra is not installed (pip install -e '.[semantic]')"
        )
        return
    embedder.embed(scored[:32])  # warms the session
    t = cpu(lambda: embedder.embed(scored))
    print(
        f"sentence embedding (tried, not shipped): {len(scored)} scored sentences of "
        f"{ssize:.2f} MB in {t:.1f} s CPU ({len(scored) / t:.0f} sentences/s, "
        f"{ssize / t:.3f} MB/s alone); extract() with it would run at "
        f"{1 / (seconds_per_mb + t / ssize):.3f} MB/s"
    )


def main(mb: float = 10.0) -> None:
    text = corpus(int(mb * 1_000_000))
    size = len(text.encode("utf-8")) / 1e6
    print(f"{size:.1f} MB of news text, {text.count(chr(10) * 2) + 1} paragraphs")

    baseline = cpu(lambda: BASELINE.findall(text), repeat=3)
    wall0 = time.perf_counter()
    t0 = time.process_time()
    found = extract(text)
    full = time.process_time() - t0
    wall = time.perf_counter() - wall0
    full = min(full, cpu(lambda: extract(text), repeat=2))
    figures = sum(len(s.figures) for s in found)
    print(f"{len(found)} claim sentences, {figures} figures")
    print()
    print(f"{'stage':34s} {'MB/s':>8s} {'x baseline':>11s}")
    print(f"{'baseline: regex sentence split':34s} {size / baseline:8.1f} {1.0:11.2f}")
    print(
        f"{'extract() (whole pipeline)':34s} {size / full:8.2f} {baseline / full:11.3f}"
        f"   ({full:.1f} s CPU, {wall:.1f} s wall)"
    )
    sample = text[: len(text) // 5]  # stages on a fifth of the text, best of three
    ssize = size / 5
    for name, fn in (
        ("  sentences.split", lambda: split(sample)),
        ("  figures.parse", lambda: parse(sample)),
        ("  triggers.scan", lambda: list(scan(sample))),
    ):
        t = cpu(fn, repeat=3)
        print(f"{name:34s} {ssize / t:8.2f} {baseline / size * ssize / t:11.3f}")
    print()
    print("by density (2 MB each): share of sentences with a figure -> MB/s, x baseline")
    for share in (0.2, 0.55, 0.9):
        sample = corpus(2_000_000, share=share)
        with_figures = sum(1 for s in extract(sample, all_sentences=True) if s.figures)
        n = len(split(sample))
        t = cpu(lambda sample=sample: extract(sample), repeat=2)
        b = cpu(lambda sample=sample: BASELINE.findall(sample), repeat=3)
        print(f"  {with_figures / n:4.0%} {2.0 / t:8.2f} MB/s {b / t:8.3f}")
    print()
    rules = cpu(lambda: _with_rules_scorer(lambda: extract(text)), repeat=2)
    print(
        "check-worthiness: extract() with the rules scorer (main before the learned layer) "
        f"{size / rules:.2f} MB/s, with the learned layer {size / full:.2f} MB/s "
        f"(x{rules / full:.2f})"
    )
    _vector_cost(text[: len(text) // 5], size / 5, full / size)
    _embedding_cost(text, full / size)
    print()
    verdict = "meets" if size / full >= 2.0 else "is below"
    print(f"extract() runs at {size / full:.2f} MB/s on one core: {verdict} the 2 MB/s target")


def before_after(ref: str, mb: float) -> None:
    """extract() and figures.parse MB/s of the code at git ``ref`` and of this tree, each in a
    fresh process over the same corpus, one after the other in this run."""
    import subprocess
    import tempfile

    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", ref, "claimtrack"], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        for name, path in ((f"before ({ref})", tmp), ("after (this tree)", str(root))):
            code = (
                "import sys, time; sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2])\n"
                "from news_corpus import corpus\n"
                "from claimtrack.extract import extract\n"
                "from claimtrack.extract.figures import parse\n"
                "from bench_extraction import cpu\n"
                "text = corpus(int(float(sys.argv[3]) * 1e6)); mb = len(text.encode()) / 1e6\n"
                "e = cpu(lambda: extract(text), 3); f = cpu(lambda: parse(text), 3)\n"
                "print(f'{e:.3f} {f:.3f} {mb:.2f} {len(parse(text))}')\n"
            )
            out = subprocess.run(
                [sys.executable, "-c", code, str(Path(__file__).parent), path, str(mb)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            e, f, size, n = float(out[0]), float(out[1]), float(out[2]), int(out[3])
            print(
                f"{name:28s} extract() {size / e:6.2f} MB/s   figures.parse {size / f:6.2f} MB/s"
                f"   {n} figures"
            )


if __name__ == "__main__":
    if "--before" in sys.argv:
        i = sys.argv.index("--before")
        args = sys.argv[1:i] + sys.argv[i + 2 :]
        before_after(sys.argv[i + 1], float(args[0]) if args else 2.0)
    else:
        main(float(sys.argv[1]) if len(sys.argv) > 1 else 10.0)
