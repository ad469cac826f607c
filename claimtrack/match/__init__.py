"""Claim matching: is this sentence an appearance of a claim we already track?

Matching is a pure function of text and figures; no workspace is needed. It weighs three kinds
of evidence:

- **figures**: the normalised values (within rounding and qualifier: "nearly 2,000" agrees with
  1,950, not with 1,000) of the same kind of number. Agreeing figures plus shared subject words
  are strong evidence of the same claim even when the counted noun is worded differently ("the
  work of 700 people" / "700 full-time agents"); figures that disagree are strong evidence of a
  different claim (or of a conflict, see ``claimtrack.conflicts``);
- **content words**: the words that carry the subject, stemmed and mapped through a small table
  of news paraphrases (chatbot ~ assistant, staff ~ agents ~ people ~ employees, workload ~
  work), weighted by how rare they are among the claims;
- **claimant**: the same claimant nudges the score up, a different one down.

It runs in two stages. Where each part lives:

1. **First stage**: ``claimtrack.search`` (BM25 over each claim's text, title and claimant); a
   case searches its index (``Store.search``), ``ClaimIndex`` a ``MemorySearch``.
2. **Features** of a text or a claim: ``match.features`` (``Features``, ``features``,
   ``claim_features``), built from ``match.words`` (content words, the paraphrase table, proper
   names) and ``match.figures`` (figure spans and the buckets they are indexed by).
3. **Same-claim score**: ``match.same_claim`` (``score``; ``is_same_claim`` with
   ``MATCH_THRESHOLD`` is the cut-off linking uses to decide "same claim").
4. **Learned re-ranking**: ``match.ranking`` (``rerank``, the second stage: a ranking model over
   ``RANKING_FEATURES``, its weights in ``claimtrack/data/ranking.json``).

``match.claim_index`` holds ``ClaimIndex`` (both stages over claims held in memory) and ``rank``
(ranking from a postings lookup). Every name below is importable from ``claimtrack.match``.

>>> from claimtrack.models import Claim
>>> index = ClaimIndex([Claim(id="c-000000000001", text="Klarna says its AI assistant does the "
...     "work of 700 full-time agents", claimant="Klarna")])
>>> [m.claim for m in index.query("Klarna's chatbot handles the workload of 700 staff")]
['c-000000000001']
"""

from __future__ import annotations

from .claim_index import CANDIDATES, COMMON_POSTINGS, ClaimIndex, rank
from .features import Features, claim_features, claimant_key, features, same_claimant
from .figures import (
    FigureSpan,
    figure_group,
    figure_keys,
    figure_spans,
    interval,
    query_figure_keys,
    unit_key,
)
from .ranking import (
    FIXED_WEIGHTS,
    RANKING_FEATURES,
    Match,
    RankingModel,
    best_same_claim,
    could_be_same_claim,
    ranking_model,
    ranking_models,
    ranking_signals,
    rerank,
)
from .same_claim import (
    MATCH_THRESHOLD,
    ONE_SIDED_FIGURES,
    OTHER_NAMES,
    idf,
    is_same_claim,
    lexical_similarity,
    score,
)
from .words import STOPWORDS, SYNONYMS, content_words, proper_names

__all__ = [
    "CANDIDATES",
    "COMMON_POSTINGS",
    "FIXED_WEIGHTS",
    "MATCH_THRESHOLD",
    "ONE_SIDED_FIGURES",
    "OTHER_NAMES",
    "RANKING_FEATURES",
    "STOPWORDS",
    "SYNONYMS",
    "ClaimIndex",
    "Features",
    "FigureSpan",
    "Match",
    "RankingModel",
    "best_same_claim",
    "claim_features",
    "claimant_key",
    "content_words",
    "could_be_same_claim",
    "features",
    "figure_group",
    "figure_keys",
    "figure_spans",
    "idf",
    "interval",
    "is_same_claim",
    "lexical_similarity",
    "proper_names",
    "query_figure_keys",
    "rank",
    "ranking_model",
    "ranking_models",
    "ranking_signals",
    "rerank",
    "same_claimant",
    "score",
    "unit_key",
]
