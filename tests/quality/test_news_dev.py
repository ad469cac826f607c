"""Figures on real web articles (news-dev, text nobody here wrote): the tuning sample's
value+kind F1 must stay above its floor; held-out v2 is only reported (by
benchmarks/bench_quality.py), never gated or tuned on."""

from __future__ import annotations

import news_dev
import pytest

# The samples are labelled by reference: their text is read from the public datasets kept
# beside the repository (../shared/datasets), never copied into it. Where that folder is not
# there, these tests say so and skip; the rest of the quality gate still runs. (Here rather
# than in a tests/quality/conftest.py, which would shadow tests/conftest.py's helpers.)
pytestmark = pytest.mark.skipif(
    not news_dev.ARTICLES.is_file(),
    reason=f"needs the public datasets beside the repository: {news_dev.ARTICLES} is missing",
)

# value+kind F1 on the tuning sample (first sample + held-out v1 + drawn with v2, 345
# sentences) was 0.950 and false alarms 7 of 68 when v1 was folded in; 0.988 and 2 of 68 after
# the second round of issue 15 (2026-11-30)
FLOOR = 0.97
ALARMS = 0.05


def test_the_labels_still_match_the_articles():
    # load() checks each sentence against the hash recorded with its label
    assert len(news_dev.load(news_dev.TUNING)) >= 340
    assert len(news_dev.load(news_dev.HELDOUT)) >= 120


def test_value_and_kind_f1_on_real_articles_stays_above_its_floor():
    report = news_dev.evaluate(news_dev.load(news_dev.TUNING))
    p, r, f1 = report.value_kind
    assert f1 >= FLOOR, "\n".join(report.errors)
    assert report.false_alarms <= ALARMS * report.empty, "\n".join(report.errors)
