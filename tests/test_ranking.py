"""The learned ranking of match.rerank: the shipped model, its features, and the rules it keeps
(a claim taken for the same one ranks first; a clashing figure does not win on words)."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from claimtrack.match import (
    FIXED_WEIGHTS,
    RANKING_FEATURES,
    ClaimIndex,
    RankingModel,
    claim_features,
    features,
    is_same_claim,
    ranking_model,
    rerank,
)
from claimtrack.models import Claim, Figure


def fig(text, value, unit=None, kind="count"):
    return Figure(text=text, value=value, unit=unit, kind=kind)


AGENTS = Claim(
    id="c-d00000000001",
    text="Klarna says its AI assistant is doing the work of 700 full-time agents",
    claimant="Klarna",
    figures=[fig("700 full-time agents", 700, "full-time agents")],
)
AGENTS_853 = Claim(
    id="c-d00000000002",
    text="Klarna says its AI assistant is doing the work of 853 full-time agents",
    claimant="Klarna",
    figures=[fig("853 full-time agents", 853, "full-time agents")],
)
LAYOFFS = Claim(
    id="c-d00000000003",
    text="Klarna's chatbot rollout came as the company laid off staff across its offices",
    claimant="Klarna",
)
WOMBATS = Claim(
    id="c-d00000000004",
    text="Wombats shared their burrows with other animals during the bushfires.",
    title="Did Wombats Herd Animals to Safety From the #AustralianFires?",
)
KOALAS = Claim(
    id="c-d00000000005",
    text="A photograph shows a koala drinking from a bottle during the Australian fires.",
    title="Is This Koala Photo Real?",
)


def test_the_shipped_models_weigh_every_feature():
    data = json.loads(files("claimtrack").joinpath("data/ranking.json").read_text("utf-8"))
    for kind, extra in (("core", ()), ("semantic", ("cosine",))):
        weights = data["models"][kind]["weights"]
        assert set(weights) | set(FIXED_WEIGHTS) == set(RANKING_FEATURES) | set(extra)
        assert "CheckThat" in data["models"][kind]["fitted_on"]
        model = ranking_model(kind)
        assert model.names == RANKING_FEATURES + extra
        assert all(isinstance(w, float) for w in model.weights)
    # Words matter: the first-stage share and the letter/word overlaps weigh positively.
    core = dict(zip(ranking_model().names, ranking_model().weights, strict=True))
    assert core["search"] > 0 and core["trigrams"] > 0 and core["tokens"] > 0
    assert core["taken_as_same"] == FIXED_WEIGHTS["taken_as_same"]


def test_a_model_missing_a_weight_is_refused():
    with pytest.raises(ValueError, match="trigrams"):
        RankingModel(("search", "trigrams"), {"search": 1.0})
    assert RankingModel(("a", "b"), {"a": 2.0, "b": -1.0}).value((1.0, 0.5)) == 1.5


def test_rerank_keeps_each_candidates_features_and_orders_by_the_model():
    query = features("Klarna's chatbot handles the workload of 700 staff")
    ranked = rerank(query, [(AGENTS, 3.0), (AGENTS_853, 3.0), (LAYOFFS, 4.0)], top=3)
    model = ranking_model()
    assert [len(m.signals) for m in ranked] == [len(RANKING_FEATURES)] * 3
    for m in ranked:
        assert m.relevance == model.value(m.signals)
        named = dict(zip(RANKING_FEATURES, m.signals, strict=True))
        assert named["same_claim"] == m.score
        assert named["taken_as_same"] == (1.0 if is_same_claim(m.score) else 0.0)
        assert 0.0 <= named["search"] <= 1.0
        assert 0.0 <= named["trigrams"] <= 1.0 + 1e-9 and 0.0 <= named["tokens"] <= 1.0 + 1e-9
    assert [m.relevance for m in ranked] == sorted((m.relevance for m in ranked), reverse=True)


def test_the_claim_taken_for_the_same_one_ranks_first_whatever_the_first_stage_says():
    query = features("Klarna's chatbot handles the workload of 700 staff")
    # The first stage liked the other two better (more shared words, say).
    ranked = rerank(query, [(LAYOFFS, 9.0), (AGENTS_853, 8.0), (AGENTS, 2.0)], top=3)
    assert ranked[0].claim == AGENTS.id and is_same_claim(ranked[0].score)
    assert not any(is_same_claim(m.score) for m in ranked[1:])
    # The claim stating another figure is flagged as a clash, and does not win on words.
    clash = next(m for m in ranked if m.claim == AGENTS_853.id)
    named = dict(zip(RANKING_FEATURES, clash.signals, strict=True))
    assert named["figures_clash"] == 1.0 and named["figures_agree"] == 0.0


def test_letter_trigrams_find_words_run_together_in_a_hashtag():
    index = ClaimIndex([WOMBATS, KOALAS])
    found = index.query("Wombats are heroes of the #AustralianFires, sheltering animals", top=2)
    assert [m.claim for m in found][0] == WOMBATS.id
    tri = dict(zip(RANKING_FEATURES, found[0].signals, strict=True))["trigrams"]
    other = dict(zip(RANKING_FEATURES, found[1].signals, strict=True))["trigrams"]
    assert tri > other


def test_rerank_of_nothing_is_nothing():
    assert rerank(features("anything at all"), [], top=5) == []
    assert rerank(features("anything at all"), [(AGENTS, 1.0)], top=0) == []


def test_static_word_vectors_see_words_that_share_no_letters():
    from claimtrack.match.ranking import word_vector_cosines

    query = features("Wildfires in Australia have wiped out the marsupials of the bush")
    ranked = rerank(query, [(WOMBATS, 1.0), (KOALAS, 1.0), (LAYOFFS, 1.0)], top=3)
    named = {m.claim: dict(zip(RANKING_FEATURES, m.signals, strict=True)) for m in ranked}
    near = named[WOMBATS.id]["word_vectors"], named[KOALAS.id]["word_vectors"]
    assert min(near) > named[LAYOFFS.id]["word_vectors"]
    assert all(-1.0 <= v["word_vectors"] <= 1.0 for v in named.values())
    # A text's vector is kept: asking again gives the very same cosines, in the given order.
    texts = [claim_features(c).text for c in (LAYOFFS, WOMBATS)]
    first = word_vector_cosines(query.text, texts)
    assert word_vector_cosines(query.text, texts[::-1]) == first[::-1]
    assert word_vector_cosines(query.text, []) == []


def test_the_word_vectors_read_a_post_without_its_signature():
    from claimtrack.match.ranking import without_signature
    from claimtrack.search import prepare

    post = "Koalas are gone from the bush — Jo Bloggs (@jobloggs) January 6, 2020"
    assert without_signature(prepare(post)) == "Koalas are gone from the bush"
    # A web address glued to the dash takes it along: the handle and the date still go.
    glued = "Koalas are gone pic.twitter.com/abc— Jo Bloggs (@jobloggs) January 6, 2020"
    assert without_signature(prepare(glued)) == "Koalas are gone Jo Bloggs"
    for text in ("Klarna's revenue grew 27% in 2024", "Sales (in euros) rose on May 2, 2024"):
        assert without_signature(prepare(text)) == prepare(text)
