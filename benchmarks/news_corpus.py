"""A deterministic corpus of business-news-style text for the extraction benchmarks.

Paragraphs of 3 to 6 sentences drawn (seeded) from claimtrack's labelled extraction set
(tests/quality/labelled.txt, three sentences in four carry a figure) mixed with figure-free
news prose, so that a little under half of all sentences state a number, a bit denser than
typical news copy. Paragraphs are separated by blank lines; every tenth one is a short
bulleted list.
"""

from __future__ import annotations

import random
from pathlib import Path

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "quality" / "labelled.txt"

PROSE = [
    "The company has faced growing pressure from investors to show that its bets are paying off.",
    "Executives have repeatedly described the shift as a once-in-a-generation change.",
    "Not everyone is convinced that the strategy will work.",
    "Rivals have been quick to copy the approach, and some have gone further.",
    "The announcement came as a surprise to many staff, who learned of it from the press.",
    "Regulators in Brussels are watching the sector closely.",
    "Shares in the group have been volatile since the start of the year.",
    "The decision follows months of speculation about the future of the business.",
    "Trade unions said they would seek urgent talks with management.",
    "The chief executive has made cutting costs the centrepiece of his plan.",
    "Analysts said the results were broadly in line with expectations.",
    "Customers have complained about longer waiting times on the phone lines.",
    "The firm did not give a timetable for the changes.",
    "Competition in the market has intensified as new entrants arrive from Asia.",
    "Some economists warn that the slowdown could deepen later in the year.",
    "The board said it remained confident in the long-term outlook.",
    "Critics argue that the technology is being oversold.",
    "The move is part of a wider restructuring announced last spring.",
    "It is not clear how many of the new roles will be filled internally.",
    "Investors will be looking for more detail at the capital markets day.",
    "The group also confirmed that its finance chief would step down.",
    "Demand for the product has held up better than many had feared.",
    "Officials declined to say whether the review would be made public.",
    "The partnership gives the startup access to a much larger customer base.",
]


def corpus(size: int, seed: int = 7, share: float = 0.55) -> str:
    """About ``size`` characters of news text, the same for the same seed; ``share`` of the
    sentences come from the labelled set (most state a figure), the rest are plain prose."""
    labelled = [
        line.split("||")[0].strip()
        for line in LABELLED.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    n = 0
    while total < size:
        k = rng.randint(3, 6)
        sentences = [
            rng.choice(labelled) if rng.random() < share else rng.choice(PROSE) for _ in range(k)
        ]
        if n % 10 == 9:
            para = "\n".join("- " + s for s in sentences)
        else:
            para = " ".join(sentences)
        parts.append(para)
        total += len(para) + 2
        n += 1
    return "\n\n".join(parts)[:size]
