"""Matching without a case: ``ClaimIndex`` holds claims in memory, finds candidates with
``claimtrack.search.MemorySearch`` (BM25, the first stage) and orders them with ``rerank``.
``rank`` ranks claims from a postings lookup (the PostgreSQL store's first stage)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from .features import Features, claim_features, features
from .figures import figure_keys, query_figure_keys
from .ranking import Match, best_same_claim, could_be_same_claim, rerank
from .same_claim import idf, score

if TYPE_CHECKING:
    from ..models import Claim, Figure
    from ..search import MemorySearch

CANDIDATES = 40
"""How many claims, pre-ranked by shared rare words and figures, get a full score per query."""

COMMON_POSTINGS = 2000
"""Keys (words, figure buckets) on more claims than this nominate candidates only when the
rarer keys found too few."""


class ClaimIndex:
    """Matching over claims held in memory: ``claimtrack.search.MemorySearch`` (BM25) for the
    candidates, ``rerank`` for the order and the scores. Built once, queried many times;
    ``add``/``remove`` keep it current as claims change.
    """

    def __init__(self, claims: Iterable[Claim] = ()):
        self.claims: dict[str, Claim] = {}
        self.features: dict[str, Features] = {}  # ``claim_features`` of each, by id
        self._search: MemorySearch | None = None  # made when first searched
        self.counts: dict[str, int] = {}  # claims holding each word (``df``)
        for claim in claims:
            self.add(claim)

    @property
    def search(self) -> MemorySearch:
        """The first stage over the claims held (made at the first search: linking keeps one
        index per source, and most are never searched)."""
        if self._search is None:
            from ..search import MemorySearch

            self._search = MemorySearch(self.claims.values())
        return self._search

    def __len__(self) -> int:
        return len(self.claims)

    def df(self, word: str) -> int:
        """How many of the claims hold ``word`` (a content word, ``content_words``)."""
        return self.counts.get(word, 0)

    def add(self, claim: Claim) -> None:
        if claim.id in self.claims:
            self.remove(claim.id)
        self.claims[claim.id] = claim
        if self._search is not None:
            self._search.add([claim])
        feats = self.features[claim.id] = claim_features(claim)
        for w in feats.words:
            self.counts[w] = self.counts.get(w, 0) + 1

    def remove(self, claim_id: str) -> None:
        claim = self.claims.pop(claim_id, None)
        if claim is not None:
            if self._search is not None:
                self._search.remove([claim_id])
            for w in self.features.pop(claim_id).words:
                self.counts[w] -= 1
                if not self.counts[w]:
                    del self.counts[w]

    def query(
        self,
        text: str,
        figures: list[Figure] | None = None,
        *,
        top: int = 5,
        claimant: str | None = None,
    ) -> list[Match]:
        """The best ``top`` claims for ``text``, best first, each with a score in [0, 1]."""
        return self.query_features(features(text, figures, claimant), text=text, top=top)

    def query_features(
        self, query: Features, *, text: str | None = None, top: int = 5
    ) -> list[Match]:
        """The best ``top`` claims for features already computed; ``text`` is what the first
        stage searches (default: the features' words)."""
        return rerank(query, self._candidates(query, text), top=top)

    def same_claim(self, query: Features, *, text: str | None = None, top: int = 3) -> Match | None:
        """The claim ``query`` states, if any: ``best_same_claim`` of the first ``top`` that
        ``query_features`` ranks. Not searched when no claim held could be the one
        (``could_be_same_claim`` for a pool of at most all of them: its candidates are some of
        the claims held, weighed by their rarity among them)."""
        held = self.features.values()
        unseen = [w for w in query.words if w not in self.counts]
        if not could_be_same_claim(query, held, len(self.claims), unseen=unseen):
            return None
        return best_same_claim(
            query, self._candidates(query, text), top=top, features_of=self._features_of
        )

    def _features_of(self, claim: Claim) -> Features:
        return self.features[claim.id]

    def _candidates(self, query: Features, text: str | None) -> list[tuple[Claim, float]]:
        if not self.claims:
            return []
        found = self.search.search(text if text is not None else " ".join(query.words))
        return [(self.claims[cid], s) for cid, s in found]


class SameClaimFilter:
    """Which of many claims could be the claim a text states, without searching: the claims
    that share a content word with it, tested with ``could_be_same_claim``. A claim that
    shares no content word with a text is never the claim it states (its same-claim score
    is at most 0.1: ``_SameClaimBound``), so only those that share one are tested.

    Linking asks it before the full-text search (``linking.Matcher.same_claim``): when no
    claim of the case could be the one, ``best_same_claim`` of the search's candidates is
    None, so neither the search nor the ranking is needed.
    """

    def __init__(self, claims: Iterable[Claim] = ()):
        self.features: dict[str, Features] = {}
        self.holding: defaultdict[str, set[str]] = defaultdict(set)  # word -> claim ids
        for claim in claims:
            self.add(claim)

    def __len__(self) -> int:
        return len(self.features)

    def add(self, claim: Claim) -> None:
        """Add ``claim``, or take it as it is now when it is held already."""
        feats = claim_features(claim)
        old = self.features.get(claim.id)
        if old is feats:
            return
        if old is not None:
            for word in old.words:
                self.holding[word].discard(claim.id)
        self.features[claim.id] = feats
        for word in feats.words:
            self.holding[word].add(claim.id)

    def could_be_stated(self, query: Features, pool: int | None = None) -> bool:
        """False when none of the claims can be the claim ``query`` states: whatever the word
        weights (``could_be_same_claim``), or, given ``pool``, among at most that many
        candidates weighed by their rarity among them (``best_same_claim`` of the first
        stage's candidates; a word none of the claims holds is as rare as can be there)."""
        sharing: Counter[str] = Counter()  # claim id -> words it shares with the text
        unseen = []
        for word in query.words:
            holding = self.holding.get(word)
            if holding:
                sharing.update(holding)
            else:
                unseen.append(word)
        # Those sharing the most first: the claim that could be the one, when there is one,
        # is most often among them.
        found = (self.features[cid] for cid, _ in sharing.most_common())
        return could_be_same_claim(query, found, pool, unseen=unseen)


class CaseClaims:
    """Every claim of a case held in memory while a batch of writes links sentences to them
    (``linking.Matcher(ws, prefilter=True)``), answering what linking asks of the case index
    as the index would: the first-stage search (the same BM25 table, ``MemorySearch``), the
    claims a source is mentioned by, how many claims hold a word (``df``); and the same-claim
    pre-check (``SameClaimFilter``). ``add`` keeps it current as claims are written.

    So a batch reads its own claims here, and the index takes the batch's writes once, when
    the batch is committed, instead of before each read.
    """

    def __init__(self, claims: Iterable[Claim] = ()):
        from ..search import MemorySearch

        self.filter = SameClaimFilter()
        self.first_stage = MemorySearch()
        self.rows: dict[str, tuple[str, str, str, str]] = {}  # claim id -> its search row
        self.sources: dict[str, frozenset[str]] = {}  # claim id -> the sources it mentions
        self.mentioning: defaultdict[str, set[str]] = defaultdict(set)  # source -> claim ids
        self.add(claims)

    def __len__(self) -> int:
        return len(self.filter)

    def add(self, claims: Iterable[Claim]) -> None:
        """Add claims, or take them as they are now when they are held already."""
        from ..search import row

        searched: dict[str, Claim] = {}  # claims whose search row is new or changed
        replaced: list[str] = []  # of those, the ones held already
        for claim in claims:
            self.filter.add(claim)
            if self.rows.get(claim.id) != (found := row(claim)):
                if claim.id in self.rows:
                    replaced.append(claim.id)
                self.rows[claim.id] = found
                searched[claim.id] = claim
            sources = frozenset(m.source for m in claim.mentions)
            for source in self.sources.get(claim.id, frozenset()) - sources:
                self.mentioning[source].discard(claim.id)
            for source in sources:
                self.mentioning[source].add(claim.id)
            self.sources[claim.id] = sources
        if replaced:
            self.first_stage.remove(replaced)
        self.first_stage.add(searched.values())

    def search(self, text: str, top: int = 100) -> list[tuple[str, float]]:
        """``Store.search`` over the claims held."""
        return self.first_stage.search(text, top)

    def claims_of_source(self, source_id: str) -> list[str]:
        """``Store.claims_of_source`` over the claims held."""
        return sorted(self.mentioning.get(source_id, ()))

    def df(self, word: str) -> int:
        """How many of the claims hold ``word`` among their matching words (the index's
        ``match_statistics``)."""
        return len(self.filter.holding.get(word, ()))


def rank(
    query: Features,
    postings: Callable[[str], Iterable[str]],
    load: Callable[[Iterable[str]], dict[str, Features]],
    n: int,
    *,
    top: int = 5,
    df: Callable[[str], int] | None = None,
    candidates: int = CANDIDATES,
) -> list[Match]:
    """Rank claims for ``query`` given a postings lookup and a features loader.

    Shared by the in-memory ``ClaimIndex`` and the workspace's persistent index: candidates are
    pre-ranked by the idf of the words they share with the query plus a bonus for a figure in
    the same bucket, and only the best ``CANDIDATES`` are scored in full.
    """
    if n == 0 or top <= 0:
        return []
    lists: dict[str, list[str]] = {k: list(postings(k)) for k in query.words}
    dfs = {k: (df(k) if df else len(v)) for k, v in lists.items()}

    def weight(word: str) -> float:
        return idf(dfs.get(word, 0), n)

    # Rarest keys first. A key on more than COMMON_POSTINGS claims only nominates candidates
    # while there are too few (so a query of common words still finds something), which keeps
    # the work per query bounded however many claims there are.
    own = set(figure_keys(query.figures))
    keys: list[tuple[int, str, list[str], float, bool]] = []
    for word, ids in lists.items():
        keys.append((len(ids), word, ids, weight(word), False))
    for key in query_figure_keys(query.figures):
        ids = list(postings(key))
        # A figure in the same bucket counts like a word as rare as the bucket (once per
        # claim); half as much in a neighbouring bucket.
        keys.append((len(ids), key, ids, idf(len(ids), n) * (1.0 if key in own else 0.5), True))
    keys.sort(key=lambda k: (k[0], k[1]))
    pre: dict[str, float] = {}
    figure_bonus: dict[str, float] = {}
    pool = max(candidates, top)
    for size, _, ids, w, is_figure in keys:
        if size > COMMON_POSTINGS and len(pre) + len(figure_bonus) >= pool:
            continue  # too common to tell claims apart; still weighs in the full score
        if is_figure:
            for cid in ids:
                if figure_bonus.get(cid, 0.0) < w:
                    figure_bonus[cid] = w
        else:
            for cid in ids:
                pre[cid] = pre.get(cid, 0.0) + w
    for cid, w in figure_bonus.items():
        pre[cid] = pre.get(cid, 0.0) + w
    best = sorted(pre.items(), key=lambda kv: (-kv[1], kv[0]))[: max(candidates, top)]
    feats = load([cid for cid, _ in best])
    scored = [Match(cid, round(score(query, f, weight), 4)) for cid, f in feats.items()]
    scored = [m for m in scored if m.score > 0]
    scored.sort(key=lambda m: (-m.score, m.claim))
    return scored[:top]
