"""match.best_same_claim, where linking decides which claim a sentence states, gives exactly
what it replaced: ``rerank(top=3)`` filtered by ``is_same_claim``, the best score first (ties:
the lower id). Checked on random candidate pools drawn from the example case's claims, the
fixture articles' sentences and generated paraphrases of one figure claim."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimtrack.extract import extract
from claimtrack.match import (
    ClaimIndex,
    Features,
    Match,
    best_same_claim,
    claim_features,
    could_be_same_claim,
    features,
    is_same_claim,
    rerank,
    score,
)
from claimtrack.match.claim_index import SameClaimFilter
from claimtrack.match.ranking import (
    _pool,
    _same_claim_ranks_first,
    _SameClaimBound,
)
from claimtrack.match.same_claim import idf
from claimtrack.models import Claim

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"

WHO = ["Klarna", "The company", "Klarna's chief executive", "Affirm", None]
BOT = ["AI assistant", "chatbot", "assistant", "bot"]
WORK = ["does the work of", "handles the workload of", "is doing the job of", "replaces"]
COUNT = ["700", "nearly 700", "853", "about 700", "2,000", "more than 700"]
STAFF = ["full-time agents", "customer service staff", "people", "employees", "human agents"]


def paraphrases() -> list[tuple[str, str | None]]:
    """(text, claimant) for many wordings of one figure claim and of its neighbours."""
    out = []
    for i, (who, bot, work, count, staff) in enumerate(
        (w, b, k, c, s) for w in WHO for b in BOT for k in WORK for c in COUNT for s in STAFF
    ):
        if i % 7:
            continue
        subject = f"{who} says its" if who else "Its"
        out.append((f"{subject} {bot} {work} {count} {staff}.", who))
    return out


def paraphrases_without_figures() -> list[tuple[str, str | None]]:
    """(text, claimant) for wordings of claims that state no figure."""
    out = []
    for who in WHO:
        subject = f"{who} says its" if who else "Its"
        for bot in BOT:
            for staff in STAFF:
                out.append((f"{subject} {bot} now handles most of the work of its {staff}.", who))
                out.append(
                    (f"{subject} {bot} answers customer questions faster than {staff}.", who)
                )
    return out[::3]


def example_claims() -> list[Claim]:
    folder = ROOT / "claims" / "claims"
    return [
        Claim.model_validate(json.loads(p.read_text("utf-8"))) for p in sorted(folder.iterdir())
    ]


def fixture_sentences() -> list[tuple[str, str | None]]:
    out = []
    for folder in ("linking", "story"):
        for path in sorted((FIXTURES / folder).glob("*.txt")):
            for s in extract(path.read_text("utf-8"), all_sentences=True):
                if s.is_claim or s.candidate:
                    out.append((s.sentence, s.claimant))
    return out


def build_claims() -> list[Claim]:
    claims = example_claims()
    generated = paraphrases() + paraphrases_without_figures() + fixture_sentences()
    for n, (text, claimant) in enumerate(generated):
        claims.append(Claim(id=f"c-{n + 1:012x}", text=text, claimant=claimant))
    return claims


CLAIMS = build_claims()
QUERIES = [c.text for c in CLAIMS] + [text for text, _ in paraphrases()]
QUERIES += [text for text, _ in paraphrases_without_figures()]


def picks(min_size: int, max_size: int) -> st.SearchStrategy[list[int]]:
    """Indexes of distinct claims of CLAIMS: a pool of candidates."""
    return st.lists(st.integers(0, len(CLAIMS) - 1), min_size=min_size, max_size=max_size,
                    unique=True)  # fmt: skip


def first_stage_scores(n: int) -> st.SearchStrategy[list[float]]:
    """A first-stage score for each of up to ``n`` candidates."""
    return st.lists(st.floats(0.0, 30.0), min_size=n, max_size=n)


def examples(n: int) -> settings:
    return settings(max_examples=n, deadline=None, suppress_health_check=[HealthCheck.too_slow])


QUERY = st.sampled_from(QUERIES)
CLAIMANT = st.sampled_from(WHO)


def searched_pools(size: int) -> dict[str, st.SearchStrategy[Any]]:
    """A query, its claimant, and a pool of up to ``size`` candidates with their first-stage
    scores, as ``best_same_claim`` is given them after a search."""
    return {
        "query": QUERY,
        "claimant": CLAIMANT,
        "picked": picks(0, size),
        "scores": first_stage_scores(size),
    }


def old_answer(query: Features, pool: list[tuple[Claim, float]], top: int) -> Match | None:
    """What linking decided before ``best_same_claim``."""
    found = [m for m in rerank(query, pool, top=top) if is_same_claim(m.score)]
    found.sort(key=lambda m: (-m.score, m.claim))
    return found[0] if found else None


def key(m: Match | None) -> tuple[str, float] | None:
    return None if m is None else (m.claim, m.score)


@examples(400)
@given(**searched_pools(60), top=st.integers(1, 5))
def test_the_same_answer_as_rerank_then_the_same_claim_filter(query, claimant, picked, scores, top):
    feats = features(query, claimant=claimant)
    pool = [(CLAIMS[i], round(s, 1)) for i, s in zip(picked, scores, strict=False)]
    want = key(old_answer(feats, pool, top))
    assert key(best_same_claim(feats, pool, top=top)) == want
    # ClaimIndex skips its search when none of its claims could be the one.
    if not could_be_same_claim(feats, [claim_features(c) for c, _ in pool]):
        assert want is None


def test_pools_of_paraphrases_reach_the_ranking_and_the_shortcut():
    """The random pools above cover both ways through: more accepted candidates than ``top``
    (the ranking decides) and a few (it is not needed)."""
    query = features("Klarna says its chatbot does the work of 700 agents.", claimant="Klarna")
    pool = [(c, 1.0) for c in CLAIMS]
    accepted = [m for m in rerank(query, pool, top=len(pool)) if is_same_claim(m.score)]
    assert len(accepted) > 3
    assert key(best_same_claim(query, pool, top=3)) == key(old_answer(query, pool, 3))
    assert key(best_same_claim(query, pool[:5], top=3)) == key(old_answer(query, pool[:5], 3))


@pytest.mark.parametrize("size", [1, 2, 10, 100, 1000])
def test_the_shipped_model_ranks_every_accepted_candidate_first(size):
    pool, _ = _pool([(CLAIMS[i % len(CLAIMS)], 1.0) for i in range(size)], None, None)
    assert _same_claim_ranks_first(pool)
    # A negative first-stage score has no known share of the best: the ranking decides.
    assert not _same_claim_ranks_first([*pool[:-1], (pool[-1][0], pool[-1][1], -1.0)])


def test_claim_index_same_claim_is_its_query_filtered():
    index = ClaimIndex(CLAIMS)
    for text in QUERIES[::25]:
        feats = features(text)
        found = [m for m in index.query_features(feats, text=text, top=3) if is_same_claim(m.score)]
        found.sort(key=lambda m: (-m.score, m.claim))
        want = key(found[0]) if found else None
        assert key(index.same_claim(feats, text=text, top=3)) == want


@examples(300)
@given(
    query=QUERY,
    claimant=CLAIMANT,
    picked=picks(1, 40),
    rarity=st.dictionaries(st.sampled_from(sorted({w for c in CLAIMS for w in c.text.split()})),
                           st.floats(0.01, 20.0)),
)  # fmt: skip
def test_the_cheap_bound_never_spares_a_claim_the_score_accepts(query, claimant, picked, rarity):
    """``_SameClaimBound.may_be`` holds whatever the word weights: those of the pool, and any."""
    feats = features(query, claimant=claimant)
    pool, weight = _pool([(CLAIMS[i], 1.0) for i in picked], None, None)
    bound = _SameClaimBound(feats)
    for _, claim, _ in pool:
        if not bound.may_be(claim):
            assert not is_same_claim(round(score(feats, claim, weight), 4))
            assert not is_same_claim(round(score(feats, claim, lambda w: rarity.get(w, 1.0)), 4))


def test_the_cheap_bound_spares_most_candidates_and_keeps_the_paraphrases():
    query = features("Klarna says its chatbot does the work of 700 agents.", claimant="Klarna")
    pool, weight = _pool([(c, 1.0) for c in CLAIMS], None, None)
    kept = [f for _, f, _ in pool if _SameClaimBound(query).may_be(f)]
    accepted = [f for _, f, _ in pool if is_same_claim(round(score(query, f, weight), 4))]
    assert accepted and all(f in kept for f in accepted)
    # Another figure for the same thing (853, 2,000) cannot be the same claim: spared.
    clashing = [f for _, f, _ in pool if "853" in f.text or "2,000" in f.text]
    assert clashing and not any(f in kept for f in clashing)
    # The fixture articles' sentences (about Klarna and its assistant too): half are spared.
    others = [f for _, f, _ in pool[-len(fixture_sentences()) :]]
    assert sum(1 for f in others if f in kept) <= len(others) / 2


def test_the_cheap_bound_holds_on_every_pair_of_a_sweep():
    """Every query of a fixed sample against every claim: the score never exceeds the bound,
    with the weights of the whole set and with the weights that favour the pair most (its
    shared words weigh everything, the others nothing: where the score meets the bound), so
    a change to ``score`` that the bound no longer covers fails here, not by chance."""
    pool, weight = _pool([(c, 1.0) for c in CLAIMS], None, None)
    met = 0
    for text in QUERIES[::7]:
        query = features(text, claimant="Klarna" if "Klarna" in text else None)
        for _, claim, _ in pool:
            bound = _SameClaimBound(query).bound(claim)
            shared = set(claim.words)
            favoured = lambda w, shared=shared: 1e6 if w in shared else 1e-6  # noqa: E731
            for weighing in (weight, favoured):
                same = score(query, claim, weighing)
                assert same <= bound + 1e-9, (text, claim.text, same, bound)
                met += same > bound - 1e-3
    assert met  # the bound is tight: some pairs reach it


def test_every_subject_word_is_a_word():
    """``SameClaimFilter`` tests only the claims that share a word with a text: sound because
    the subject words (the only other overlap the same-claim score reads) are words too."""
    for text in QUERIES:
        for claimant in (None, "Klarna", "The company"):
            feats = features(text, claimant=claimant)
            assert set(feats.subject) <= set(feats.words)
    for claim in CLAIMS:
        feats = claim_features(claim)
        assert set(feats.subject) <= set(feats.words)


@examples(300)
@given(**searched_pools(80))
def test_the_same_claim_filter_only_spares_texts_no_claim_could_state(
    query, claimant, picked, scores
):
    """``SameClaimFilter.could_be_stated`` is ``could_be_same_claim`` over all its claims; when
    it is False, ``best_same_claim`` of any pool of them is None (what linking would have
    found after searching)."""
    feats = features(query, claimant=claimant)
    claims = [CLAIMS[i] for i in picked]
    found = SameClaimFilter(claims)
    possible = found.could_be_stated(feats)
    assert possible == could_be_same_claim(feats, [claim_features(c) for c in claims])
    pool = [(c, round(s, 1)) for c, s in zip(claims, scores, strict=False)]
    if not possible:
        assert best_same_claim(feats, pool, top=3) is None
        assert best_same_claim(feats, pool[: len(pool) // 2], top=1) is None
    # Among at most 30 candidates weighed by their rarity among them (linking's first stage
    # names at most ``linking.CANDIDATES``): fewer could be, and none that is is missed.
    if not found.could_be_stated(feats, 30):
        for part in (pool[:30], pool[:5], pool[10:25]):
            assert best_same_claim(feats, part, top=3) is None


@examples(300)
@given(
    query=QUERY,
    claimant=CLAIMANT,
    picked=picks(1, 60),
)
def test_the_bound_for_a_pool_never_spares_a_claim_the_pool_weights_accept(query, claimant, picked):
    """With the word weights ``best_same_claim`` uses when it is given none (rarity among
    the pool), the score never exceeds the bound for a pool of that size or larger, told or
    not which of the query's words no claim of the pool holds."""
    feats = features(query, claimant=claimant)
    pool, weight = _pool([(CLAIMS[i], 1.0) for i in picked], None, None)
    held = {w for _, f, _ in pool for w in f.words}
    unseen = set(feats.words) - held
    for _, claim, _ in pool:
        same = score(feats, claim, weight)
        for size in (len(pool), len(pool) + 7, 100):
            for missing in ((), unseen):
                assert same <= _SameClaimBound(feats, size, missing).bound(claim) + 1e-9
        assert _SameClaimBound(feats, len(pool), unseen).bound(claim) <= (
            _SameClaimBound(feats, len(pool)).bound(claim) + 1e-12
        )
        assert _SameClaimBound(feats, len(pool)).bound(claim) <= (
            _SameClaimBound(feats).bound(claim) + 1e-12
        )


def test_the_bound_for_a_pool_is_tight_on_a_sweep():
    """Every query of a fixed sample against pools of the claims: the pool bound holds with
    the pool's own weights and with the most favourable weights a pool of that size allows
    (the claim's words as rare as a word it holds can be, the query's words no claim of the
    pool holds as rare as can be, the others as common), where some pairs reach it."""
    met = 0
    for size in (100, 9):
        pool, weight = _pool([(c, 1.0) for c in CLAIMS[:size]], None, None)
        held = {w for _, f, _ in pool for w in f.words}
        for text in QUERIES[::11]:
            query = features(text, claimant="Klarna" if "Klarna" in text else None)
            found = _SameClaimBound(query, len(pool), set(query.words) - held)
            for _, claim, _ in pool:
                bound = found.bound(claim)
                favoured = _favourable(set(claim.words), held, len(pool))
                for weighing in (weight, favoured):
                    same = score(query, claim, weighing)
                    assert same <= bound + 1e-9, (text, claim.text, same, bound)
                    met += same > bound - 1e-3
    assert met


def _favourable(shared: set[str], held: set[str], m: int) -> Callable[[str], float]:
    """The word weights among ``m`` candidates (rarities, ``idf(df, m)``) that favour a claim
    holding the words ``shared`` most: each of its words held by it alone, the words no
    candidate holds (not in ``held``) as rare as can be, the others held by every one."""
    high, low, rare = idf(1, m), idf(m, m), idf(0, m)
    return lambda w: high if w in shared else low if w in held else rare


def test_the_same_claim_filter_takes_claims_added_and_changed():
    first, second = CLAIMS[0], CLAIMS[1]
    found = SameClaimFilter()
    query = claim_features(second)
    assert not found.could_be_stated(query)
    found.add(first)
    found.add(first)  # again: held once
    assert len(found) == 1
    found.add(second)
    assert found.could_be_stated(query)
    # The same id with another text: its old words no longer name it.
    found.add(second.model_copy(update={"text": "Shares of a grocer fell on Tuesday."}))
    assert len(found) == 2
    assert found.could_be_stated(query) == could_be_same_claim(
        query, [claim_features(first), found.features[second.id]]
    )


def test_the_quick_paths_of_the_bound_decide_as_the_bound_does():
    """``_SameClaimBound`` gives 0.1 for a claim sharing no word with the query and stops
    before comparing figures that could not reach the threshold even if they agreed: it
    decides as the whole bound does, for every query of the sample against every claim and
    pool size, and both paths are taken."""
    from claimtrack.match.same_claim import MATCH_THRESHOLD

    disjoint = early = kept = 0
    least = MATCH_THRESHOLD - 1e-3
    for text in QUERIES[::3]:
        for claimant in (None, "Klarna"):
            query = features(text, claimant=claimant)
            words = frozenset(query.words)
            for claim in CLAIMS:
                feats = claim_features(claim)
                for pool in (None, 3, 100):
                    bound = _SameClaimBound(query, pool)
                    whole = bound.bound(feats)
                    quick = bound.bound(feats, need=least)
                    assert bound.may_be(feats) == (whole >= least)
                    assert (quick >= least) == (whole >= least) and quick >= whole - 1e-12
                    disjoint += words.isdisjoint(feats.words)
                    early += quick != whole
                    kept += whole >= least
    assert disjoint and early and kept
