"""The extraction quality gate: F1 on claimtrack's labelled set must stay above the floors
recorded in floors.json (``python tests/quality/gold.py -v`` lists every error)."""

from __future__ import annotations

import json

import pytest
from gold import FLOORS, evaluate, load


@pytest.fixture(scope="module")
def report():
    return evaluate()


def test_the_labelled_set_is_big_enough():
    stories = load()
    sentences = [s for story in stories for s in story.sentences]
    assert len(sentences) >= 300
    assert sum(len(s.figures) for s in sentences) >= 300
    assert sum(1 for s in sentences if s.claimant) >= 80
    assert sum(1 for s in sentences if not s.claim) >= 40


@pytest.mark.parametrize("score", sorted(k for k in json.loads(FLOORS.read_text()) if k[0] != "_"))
def test_f1_stays_above_its_floor(report, score):
    floor = json.loads(FLOORS.read_text())[score]
    precision, recall, f1 = report.scores[score]
    assert f1 >= floor, (
        f"{score} F1 {f1:.3f} < floor {floor} (P={precision:.3f} R={recall:.3f}); "
        "errors:\n" + "\n".join(report.errors[:40])
    )


def test_figure_value_and_kind_meets_the_target(report):
    assert report.scores["figure_value_kind"][2] >= 0.95
