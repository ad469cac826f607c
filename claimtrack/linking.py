"""Linking: one claim across many sources.

``attach`` turns the extracted sentences of a source into mentions: each claim sentence becomes
a new appearance of the claim it matches (``claimtrack.match``) or a new claim, and each
non-answer ("a rep could not provide specifics") becomes an open question on the claim it is
about. ``merge`` and ``detach`` correct the matching by hand.

All of them read, decide, and only then write, under the store's write lock. Matching runs in
two stages: the store's full-text search (``Store.search``, BM25) names up to
``CANDIDATES`` claims for a sentence, and ``claimtrack.match.rerank`` scores and orders them.
Which claim a sentence is linked to is decided in ``_Plan.best``: the best same-claim match
among the first ``SAME_CLAIM_TOP`` that ``rerank`` orders (``match.best_same_claim``), in the
case and among the claims the same source created just before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from .errors import ClaimtrackError, CorruptRecord, NotFound
from .ids import make_id, normalize_text
from .match import (
    ClaimIndex,
    Features,
    Match,
    best_same_claim,
    claim_features,
    features,
    idf,
    lexical_similarity,
    rerank,
)
from .match.claim_index import CaseClaims
from .models import Claim, Evidence, Mention, Question, QuestionOrigin, expect

if TYPE_CHECKING:
    from .extract import ExtractedSentence
    from .models import Figure, Record, Source
    from .store.base import Kind, Store
    from .vocabulary import TextOrigin

    Workspace = Store

CANDIDATES = 100
"""Claims the first stage (``Store.search``) names for each sentence."""

SAME_CLAIM_TOP = 3
"""A sentence is linked to a claim among the first this many that ``match.rerank`` ranks
(``match.best_same_claim``)."""

PREFILTER_CLAIMS = 2000
"""A matcher shared by the inputs of a batch (``Matcher(ws, prefilter=True)``) loads every
claim of a case of at most this many claims, to tell which sentences no claim could be the
same as before searching for them (``SameClaimFilter``)."""

SUBJECT_THRESHOLD = 0.2
"""Word similarity above which a non-answer is taken to be about a claim's subject."""

SUBJECT_MARGIN = 0.1
"""Claims within this much of the most similar one count as equally about the subject; the
nearest of them gets the question."""


class LinkingError(ClaimtrackError):
    """A merge or detach that cannot be done as asked."""


@dataclass
class LinkResult:
    """What attaching a source's sentences did to the workspace."""

    new_claims: list[str] = field(default_factory=list)
    matched_claims: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)

    @property
    def claims(self) -> int:
        return len(self.new_claims) + len(self.matched_claims)


def _relative_figures(s: ExtractedSentence) -> list[Figure]:
    """The sentence's figures with offsets into the sentence (the claim's text)."""
    return [
        f.model_copy(update={"start": f.start - s.start, "end": f.end - s.start})
        if f.start is not None and f.end is not None
        else f
        for f in s.figures
    ]


def _states_more(sentence: Features, claim: Features) -> bool:
    """Whether the sentence states a figure that agrees with none of the claim's. Then it is
    not a mention of that claim but a claim of its own, so that its other figures are tracked
    and flagged too ("voted to double the ferry budget to 4.2 million euros" is not only
    "doubles ferry budget"). Years and dates beside other figures are context, not figures
    (``match.figures.figure_spans``)."""
    return any(not any(f.agrees(g) for g in claim.figures) for f in sentence.figures)


def _mention_key(start: int | None, quote: str) -> tuple[int | None, str]:
    return (start, normalize_text(quote))


class Searchable(Protocol):
    """What finding candidates reads of a store: ``Store.search`` and ``Store.load``."""

    def search(self, text: str, top: int = 100) -> list[tuple[str, float]]: ...

    def load(self, kind: Kind, record_id: str) -> Record: ...


class Candidates:
    """Candidates for a sentence from a store's claims: ``Store.search``, then
    ``match.rerank`` (what linking and ``check`` both rank). Claims are loaded once."""

    def __init__(self, store: Searchable):
        self.store = store
        self.claims: dict[str, Claim | None] = {}
        self.features: dict[str, Features] = {}

    def features_of(self, claim: Claim) -> Features:
        """``match.claim_features`` of a claim loaded here, worked out once."""
        feats = self.features.get(claim.id)
        if feats is None:
            feats = self.features[claim.id] = claim_features(claim)
        return feats

    def get(self, cid: str) -> Claim | None:
        """A claim loaded once (None when it is gone or does not load)."""
        if cid not in self.claims:
            try:
                self.claims[cid] = expect(self.store.load("claim", cid), Claim)
            except (NotFound, CorruptRecord):
                self.claims[cid] = None
        return self.claims[cid]

    def candidates(self, text: str) -> list[tuple[Claim, float]]:
        found = self.store.search(text, CANDIDATES)
        out = []
        for cid, first in found:
            claim = self.get(cid)
            if claim is not None:
                out.append((claim, first))
        return out

    def rank(self, query: Features, text: str, *, top: int) -> list[Match]:
        # Word rarity is counted among the candidates, as ``match.rerank`` is tuned.
        return rerank(query, self.candidates(text), top=top)

    def same_claim(self, query: Features, text: str) -> Match | None:
        """The claim ``text`` states among the candidates, if any (``match.best_same_claim``
        of the first ``SAME_CLAIM_TOP`` that ``rank`` orders)."""
        return best_same_claim(
            query, self.candidates(text), top=SAME_CLAIM_TOP, features_of=self.features_of
        )


class Matcher(Candidates):
    """Matching against a case's claims (``Candidates``), with word statistics from the store
    for telling which claim a non-answer is about.

    ``prefilter``: for a matcher that serves many sentences (the inputs of a batch), the
    claims of a case of at most ``PREFILTER_CLAIMS`` claims are loaded at the first read and
    held in memory (``CaseClaims``): a sentence that none of them could be the same as
    (``SameClaimFilter``) is not searched for, and the search, the claims of a source and the
    word statistics are answered from them rather than from the case index (which then takes
    the batch's writes once, at its commit). The claims ``attach`` writes are added
    (``wrote``)."""

    def __init__(self, ws: Workspace, *, prefilter: bool = False):
        super().__init__(ws)
        self.ws = ws
        self._n: int | None = None
        self._df: defaultdict[str, int] = defaultdict(int)
        self._prefilter = prefilter
        self._case: CaseClaims | None = None

    def candidates(self, text: str) -> list[tuple[Claim, float]]:
        case = self._held()
        if case is None:
            return super().candidates(text)
        loaded = self.claims
        out = []
        for cid, first in case.search(text, CANDIDATES):
            claim = loaded[cid] if cid in loaded else self.get(cid)
            if claim is not None:
                out.append((claim, first))
        return out

    def same_claim(self, query: Features, text: str) -> Match | None:
        """``Candidates.same_claim``; None without a search when the prefilter knows that no
        claim of the case could be the one (``best_same_claim`` would find none)."""
        case = self._held()
        if case is not None and not case.filter.could_be_stated(query, min(CANDIDATES, len(case))):
            return None
        return super().same_claim(query, text)

    def claims_of_source(self, source_id: str) -> list[str]:
        """``Store.claims_of_source``."""
        case = self._held()
        if case is None:
            return self.ws.claims_of_source(source_id)
        return case.claims_of_source(source_id)

    def wrote(self, claims: Iterable[Claim]) -> None:
        """Claims written to the case since its claims were loaded."""
        if self._case is not None:
            self._case.add(claims)

    def _held(self) -> CaseClaims | None:
        if self._prefilter and self._case is None:
            self._prefilter = False  # loaded once (or never, for a large case)
            ids = self.ws.ids("claim")
            if len(ids) <= PREFILTER_CLAIMS:
                self._case = CaseClaims(c for cid in ids if (c := self.get(cid)))
        return self._case

    def refresh(self) -> None:
        """Count words again (claims were added): the claims loaded stay (the writes this
        matcher's users make go to the very objects it holds)."""
        self._n = None
        self._df = defaultdict(int)

    def statistics(self, words: Iterable[str]) -> tuple[int, dict[str, int]]:
        case = self._held()
        if case is not None:
            return len(case), {w: case.df(w) for w in words}
        missing = [w for w in words if w not in self._df]
        if missing or self._n is None:
            n, found = self.ws.match_statistics(missing)
            self._n = n
            for w in missing:
                self._df[w] = found.get(w, 0)
        return self._n, self._df


class _Plan:
    """The claims and questions one ``attach`` will write, worked out before writing."""

    def __init__(self, ws: Workspace, source: Source, matcher: Matcher | None = None):
        self.ws = ws
        self.matcher = matcher or Matcher(ws)
        self.matcher.refresh()
        self.source = source
        self.claims: dict[str, Claim] = {}  # every claim loaded or created, by id
        self.changed: dict[str, Claim] = {}  # those to write
        self.local = ClaimIndex()  # claims created in this call (not yet in the store)
        self.result = LinkResult()
        self.questions: list[Question] = []
        self.seen: set[tuple[int | None, str]] = set()
        # For non-answers: ``features`` of the texts they are weighed against, and whether each
        # claim states figures (by id), worked out once per source.
        self.read: dict[str, Features] = {}
        self.stated: dict[str, bool] = {}
        for cid in self.matcher.claims_of_source(source.id):
            claim = self.get(cid)
            if claim is None:
                continue
            for m in claim.mentions:
                if m.source == source.id:
                    self.seen.add(_mention_key(m.start, m.quote))

    def get(self, cid: str) -> Claim | None:
        """A claim of the store, loaded once (None when it does not load)."""
        if cid in self.claims:
            return self.claims[cid]
        claim = self.matcher.get(cid)
        if claim is not None:
            self.claims[cid] = claim
        return claim

    def best(self, feats: Features, text: str) -> Match | None:
        """Where a claim sentence is linked: the claim it states among the case's claims or
        among those this source created so far (``match.best_same_claim`` of each), the higher
        same-claim score first (ties: the lower id), unless the sentence states a figure that
        claim does not (``_states_more``); None for a new claim."""
        found = [
            self.matcher.same_claim(feats, text),
            self.local.same_claim(feats, text=text, top=SAME_CLAIM_TOP),
        ]
        for m in sorted((m for m in found if m is not None), key=lambda m: (-m.score, m.claim)):
            claim = self.claims.get(m.claim) or self.get(m.claim)
            if claim is not None and not _states_more(feats, self.matcher.features_of(claim)):
                return m
        return None

    def add_claim_sentence(
        self, s: ExtractedSentence, origin: TextOrigin, now: datetime | None
    ) -> None:
        key = _mention_key(s.start, s.sentence)
        if key in self.seen:
            return
        self.seen.add(key)
        mention = Mention(
            source=self.source.id,
            quote=s.sentence,
            start=s.start,
            end=s.end,
            claimant=s.claimant,
            cue=s.cue,
            hedged=s.hedged,
            origin=origin,
        )
        figures = _relative_figures(s)
        feats = features(s.sentence, figures, s.claimant)
        match = self.best(feats, s.sentence)
        cid = match.claim if match else make_id("claim", s.sentence, s.claimant)
        claim = self.claims.get(cid)
        if claim is None and match is None and self.ws.exists("claim", cid):
            claim = self.get(cid)  # same wording and claimant as a claim the search missed
        if claim is not None:
            claim.mentions.append(mention)
            self.changed[cid] = claim
            if cid not in self.result.new_claims and cid not in self.result.matched_claims:
                self.result.matched_claims.append(cid)
            return
        extra = {"created_at": now} if now is not None else {}
        claim = Claim(
            id=cid,
            text=s.sentence,
            claimant=s.claimant,
            figures=figures,
            mentions=[mention],
            **extra,
        )
        self.claims[cid] = claim
        self.changed[cid] = claim
        self.local.add(claim)
        self.result.new_claims.append(cid)

    def add_question(self, s: ExtractedSentence, now: datetime | None) -> None:
        qid = make_id("question", "non-answer", self.source.id, s.sentence)
        if self.ws.exists("question", qid) or any(q.id == qid for q in self.questions):
            return
        claim_id = self.claim_for_nonanswer(s)
        if claim_id is None:
            return
        extra = {"created_at": now} if now is not None else {}
        question = Question(
            id=qid,
            claim=claim_id,
            text=f"Not answered: {s.sentence}",
            origin=QuestionOrigin(rule="non-answer", source=self.source.id, sentence=s.sentence),
            **extra,
        )
        self.questions.append(question)
        self.result.questions.append(qid)

    def claim_for_nonanswer(self, s: ExtractedSentence) -> str | None:
        """The nearest figure claim of this source about the same subject, else the nearest
        claim of this source, else the best match in the workspace."""
        asked = features(s.sentence)
        candidates: list[tuple[str, bool, float, int | None]] = []
        texts: dict[str, tuple[Claim, list[Mention], list[str]]] = {}
        for claim in self.claims.values():
            here = [m for m in claim.mentions if m.source == self.source.id]
            if here:
                texts[claim.id] = (claim, here, [claim.text, *(m.quote for m in here)])
        read: dict[str, Features] = {}
        for _, _, quoted in texts.values():
            for text in quoted:
                if text not in self.read:
                    self.read[text] = features(text)
                read[text] = self.read[text]
        words = set(asked.words)
        for feats in read.values():
            words.update(feats.words)
        n, df = self.matcher.statistics(sorted(words))
        n = max(n + len(self.local), 1)

        def weight(word: str) -> float:
            return idf(df.get(word, 0) + self.local.df(word), n)

        for claim, here, quoted in texts.values():
            distances = [abs(m.start - s.start) for m in here if m.start is not None]
            distance = min(distances) if distances and s.start is not None else None
            if claim.id not in self.stated:
                stated = features(claim.text, claim.figures) if claim.figures else read[claim.text]
                self.stated[claim.id] = bool(stated.figures)
            similarity = max(lexical_similarity(asked, read[text], weight) for text in quoted)
            candidates.append((claim.id, self.stated[claim.id], similarity, distance))
        # About the same subject: close to the best word overlap, and above a floor.
        figure_claims = [c for c in candidates if c[1]]
        best = max((c[2] for c in figure_claims), default=0.0)
        floor = max(SUBJECT_THRESHOLD, best - SUBJECT_MARGIN)
        about = [c for c in figure_claims if c[2] >= floor]

        def nearest(items: list[tuple[str, bool, float, int | None]]) -> str:
            return min(
                items,
                key=lambda c: (c[3] is None, c[3] if c[3] is not None else 0, -c[2], c[0]),
            )[0]

        if about:
            return nearest(about)
        if candidates:
            return nearest(candidates)
        for m in self.matcher.rank(asked, s.sentence, top=1):
            if m.score >= SUBJECT_THRESHOLD and self.get(m.claim) is not None:
                return m.claim
        return None


def attach(
    ws: Workspace,
    source: Source,
    sentences: list[ExtractedSentence],
    *,
    origin: TextOrigin = "text",
    now: datetime | None = None,
    matcher: Matcher | None = None,
) -> LinkResult:
    """Record each claim sentence of ``source`` (and each other statement of a figure:
    ``ExtractedSentence.candidate``) as a mention of a new or matching claim, and each
    non-answer sentence as an open question on the claim it concerns.

    Attaching the same source again adds nothing. ``now`` stamps new records (default: the
    clock). ``matcher`` may be shared by the attaches of one batch of writes (it keeps the
    claims it has loaded); a writer that lets go of the store's lock must start a new one.
    """
    with ws.transaction():
        plan = _Plan(ws, source, matcher)
        for s in sentences:
            if s.is_claim or s.candidate:
                plan.add_claim_sentence(s, origin, now)
        for s in sentences:
            if s.nonanswer:
                plan.add_question(s, now)
        if plan.changed or plan.questions:
            ws.save_many([*plan.changed.values(), *plan.questions])
            plan.matcher.wrote(plan.changed.values())
    return plan.result


def match_queries(
    ws: Workspace, texts: list[str], *, top: int = 5, semantic: bool = False
) -> list[list[tuple[Claim, float]]]:
    """For each text, the workspace's best claims as (claim, score), best first: BM25 over the
    claims (``claimtrack.search``), then ``match.rerank``; figures are read from each text.
    ``semantic`` fuses in the embedding model of the semantic extra (``claimtrack.semantic``),
    with the claims' embeddings cached in the workspace's ``.cache/``."""
    matcher = Matcher(ws)
    if not semantic:
        out = []
        for text in texts:
            found = []
            for m in matcher.rank(features(text), text, top=top):
                claim = matcher.get(m.claim)
                if claim is not None:
                    found.append((claim, m.score))
            out.append(found)
        return out
    from .semantic import (
        EmbeddingCache,
        NearestClaims,
        embedded_text,
        load_embedder,
        semantic_match,
    )

    embedder = load_embedder()
    cache = EmbeddingCache.in_folder(ws.root / ".cache")  # type: ignore[attr-defined]
    every = ((r["id"], embedded_text(r["text"], r["title"])) for r in ws.query_claims())
    nearest = NearestClaims(embedder, cache, every)
    out = []
    for text in texts:
        fused = semantic_match(text, ws.search, matcher.get, nearest, embedder, cache, top=top)
        out.append([(c, m.score) for m in fused if (c := matcher.get(m.claim)) is not None])
    return out


# -- merge and detach --------------------------------------------------------------------------


def _same_mention(a: Mention, b: Mention) -> bool:
    return a.source == b.source and _mention_key(a.start, a.quote) == _mention_key(b.start, b.quote)


def merge(ws: Workspace, survivor_ref: str, other_ref: str) -> Claim:
    """Merge claim ``other_ref`` into ``survivor_ref``: its mentions, evidence and questions
    move to the survivor, its id becomes one of the survivor's aliases, and its file goes.
    Returns the survivor as written.
    """
    with ws.transaction():
        survivor = expect(ws.get(survivor_ref, "claim"), Claim)
        other = expect(ws.get(other_ref, "claim"), Claim)
        if survivor.id == other.id:
            raise LinkingError(f"{survivor_ref} and {other_ref} are the same claim ({survivor.id})")
        for m in other.mentions:
            if not any(_same_mention(m, k) for k in survivor.mentions):
                survivor.mentions.append(m)
        survivor.aliases = _unique([*survivor.aliases, other.id, *other.aliases])
        survivor.tags = _unique([*survivor.tags, *other.tags])
        survivor.ref = survivor.ref or other.ref
        survivor.created_at = min(survivor.created_at, other.created_at)
        evidence = [expect(e, Evidence) for e in ws.load_all("evidence")]
        questions = [expect(q, Question) for q in ws.load_all("question")]
        moved: list[Evidence | Question] = [
            e.model_copy(update={"claim": survivor.id}) for e in evidence if e.claim == other.id
        ]
        moved += [
            q.model_copy(update={"claim": survivor.id}) for q in questions if q.claim == other.id
        ]
        ws.save_many([survivor, *moved])
        ws.delete("claim", other.id)
    return survivor


def detach(
    ws: Workspace,
    claim_ref: str,
    *,
    source: str | None = None,
    mention: int | None = None,
    now: datetime | None = None,
) -> Claim:
    """Move the mentions of ``source`` (or the mention at index ``mention``) off a claim they
    were wrongly matched to, onto a claim of their own. Questions raised from that source's
    sentences go with them. Returns the new claim.
    """
    if (source is None) == (mention is None):
        raise LinkingError("say which mention to detach: --source SOURCE or --mention N")
    with ws.transaction():
        claim = expect(ws.get(claim_ref, "claim"), Claim)
        if mention is not None:
            if not 0 <= mention < len(claim.mentions):
                raise LinkingError(
                    f"{claim.id} has {len(claim.mentions)} mentions (0 to "
                    f"{len(claim.mentions) - 1}); there is no mention {mention}"
                )
            picked = [claim.mentions[mention]]
        elif source is not None:
            try:
                sid = ws.resolve(source, "source")[1]
            except NotFound:
                sid = source
            picked = [m for m in claim.mentions if m.source in (sid, source)]
            if not picked:
                raise LinkingError(f"{claim.id} has no mention in {source}")
        kept = [m for m in claim.mentions if not any(m is p for p in picked)]
        if not kept:
            raise LinkingError(
                f"that would leave {claim.id} with no mention; it is already a claim of its own"
            )
        first = picked[0]
        new_id = make_id("claim", first.quote, first.claimant)
        if new_id == claim.id or ws.exists("claim", new_id):
            new_id = make_id("claim", first.quote, first.claimant, "detached from", claim.id)
        extra = {"created_at": now} if now is not None else {}
        new = Claim(
            id=new_id,
            text=first.quote,
            claimant=first.claimant,
            figures=figures_of(first.quote),
            mentions=picked,
            **extra,
        )
        claim.mentions = kept
        sources = {m.source for m in picked}
        still = {m.source for m in kept}
        questions = [expect(q, Question) for q in ws.load_all("question")]
        moved_questions = [
            q.model_copy(update={"claim": new.id})
            for q in questions
            if q.claim == claim.id and q.origin is not None and q.origin.source in sources - still
        ]
        ws.save_many([new, claim, *moved_questions])
    return new


def figures_of(text: str) -> list[Figure]:
    """The figures extraction finds in ``text`` (offsets into it)."""
    from .extract import parse_figures

    return parse_figures(text)


def _unique(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out
