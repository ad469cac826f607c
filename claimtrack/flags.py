"""Flags and status: which claims stand on nothing but the claimant's word.

Nothing here is stored: ``assess`` derives every claim's status, flags and independent origins
from the records each time, so they cannot go stale. docs/flags.md explains the rules for
journalists; this docstring is the precise version.

**Claimant.** ``Claim.claimant``; when it is empty, the party the claim's mentions attribute it
to most often; else the publisher of a press release or statement that mentions it
(``effective_claimant``).

**Origins.** The sources behind a claim are those that mention it and those given as
evidence that *supports* it; a source recorded only as contradicting it, or only as context,
is not behind it, even when it mentions it. Sources collapse into one origin when

1. they are linked by ``derived_from``, in either direction and transitively;
2. they are the claimant's own: a kind that is the claimant's own word (``press_release`` or
   ``statement``: ``claimtrack.vocabulary.OWN_KINDS``) and a publisher that names the
   claimant; every source linked to such a source by ``derived_from`` is then the claimant's
   word too;
3. every mention of the claim they carry is attributed to the claimant (``Mention.claimant``
   names ``Claim.claimant``): an article that writes "Klarna says ..." reports the claim, it
   does not check it. This rule does not apply to a source the journalist has recorded as
   supporting evidence: recording it is the judgement that it checked the claim.

Whether two names name the same party is claimtrack.claimants' rule (``same_claimant``), the
one matching and the graph use. Sources collapsed by rules 2 and 3 form the *claimant origin*. ``origins`` counts the distinct
origins; an origin other than the claimant's is *independent*.

**Status**, from live (not removed) evidence:

- ``contested``: at least one verified supporting evidence from an independent origin, and at
  least one contradicting evidence;
- ``contradicted``: contradicting evidence and no verified independent support;
- ``supported``: verified independent support and nothing contradicting;
- ``unverified``: independent support exists but none of it is verified (every such evidence
  was recorded with ``--unverified``: its quote is not in the source's archived text);
- ``unsupported``: everything else: no evidence, only context, or support only from the
  claimant's own origin.

Contradicting evidence counts whether or not its quote was verified: an unchecked quote can
make a claim look worse, never better.

**Flags** (``claimtrack.vocabulary.FLAG_CODES`` has their weights and meanings), each a code
and a one-line detail: ``contradicted``, ``conflicting-figures`` (``conflicts_with`` edges from
``claimtrack.conflicts``),
``self-reported`` (every origin is the claimant's), ``single-origin`` (two or more sources,
one origin), ``no-evidence`` (no supporting evidence from an independent origin),
``unverified-quote`` (the only independent support has an unchecked quote), ``open-question``
(open questions about the claim), ``hedged`` (a mention presents it as an estimate or
projection). A claim is *flagged* when it has any flag; a supported claim can still be flagged
(an open question, a hedge).

Cost: one pass over the sources (a union-find over ``derived_from``), one over the evidence,
questions and conflicts, one over each claim's mentions: linear in the size of the workspace.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .claimants import same_claimant
from .vocabulary import CLAIM_STATUSES, FLAG_CODES, OWN_KINDS, ClaimStatus, FlagCode, names

if TYPE_CHECKING:
    import networkx as nx

    from .models import Claim, Evidence, Question, Source
    from .workspace import Records

#: Statuses, worst first (claimtrack.vocabulary.CLAIM_STATUSES).
STATUSES: tuple[ClaimStatus, ...] = names(CLAIM_STATUSES)

_RANKS: dict[str | None, int] = {status: i for i, status in enumerate(STATUSES)}
_WEIGHTS: dict[str, float] = {code: float(t.weight) for code, t in FLAG_CODES.items()}


def flag_weight(code: str) -> float:
    """A flag code's weight in the "worst first" ordering (0 for an unknown code)."""
    return _WEIGHTS.get(code, 0.0)


CLAIMANT = "claimant"  # key of the claimant origin


@dataclass(frozen=True)
class Flag:
    """A reason code (``no-evidence``, ``single-origin`` ...) and a one-line explanation."""

    code: FlagCode
    detail: str


@dataclass(frozen=True)
class Origin:
    """One independent origin behind a claim: the sources that collapse into it."""

    key: str  # "claimant", or the id of the source that represents the group
    label: str  # the claimant's name, or the representative source's title
    sources: tuple[str, ...]
    claimant: bool  # True for the claimant's own word


@dataclass
class Assessment:
    """The derived state of one claim."""

    claim: str
    status: ClaimStatus | None
    flags: list[Flag] = field(default_factory=list)
    origins: int = 0
    mentions: int = 0
    claimant: str | None = None  # who asserts it (``effective_claimant``)
    sources: int = 0  # distinct sources behind it (mentions and supporting evidence)
    groups: list[Origin] = field(default_factory=list)
    supporting: list[str] = field(default_factory=list)  # verified independent support ids
    contradicting: list[str] = field(default_factory=list)  # contradicting evidence ids

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.flags]

    def severity(self) -> tuple[int, float, int, str]:
        """Sort key, worst first: status, then flag weight, then how widely it is repeated."""
        weight = 0.0
        for f in self.flags:
            weight += _WEIGHTS.get(f.code, 0.0)
        return (_RANKS.get(self.status, len(STATUSES)), -weight, -self.mentions, self.claim)

    def to_json(self, claim: Claim) -> dict[str, Any]:
        """The ``flags --json`` contract (docs/flags.md)."""
        return {
            "claim": self.claim,
            "text": claim.text,
            "status": self.status,
            "flags": [{"code": f.code, "detail": f.detail} for f in self.flags],
            "origins": self.origins,
            "mentions": self.mentions,
        }


# -- provenance groups ----------------------------------------------------------------------------


class _Groups:
    """Sources linked by ``derived_from``, in either direction and transitively, grouped with
    networkx's union-find; each group is named by its smallest source id, so the names do not
    depend on the order of the records."""

    def __init__(self, sources: dict[str, Source]):
        self.root: dict[str, str] = {}
        pairs = [(s.id, other) for s in sources.values() for other in s.derived_from]
        if pairs:  # networkx is imported only when there is something to group
            from networkx.utils import UnionFind

            links: UnionFind[str] = UnionFind()
            for a, b in pairs:
                links.union(a, b)
            for group in links.to_sets():
                name = min(group)
                for member in group:
                    self.root[member] = name
        # Publishers of the claimant-own documents in each group: a group holding Klarna's
        # press release is Klarna's word for a claim Klarna makes.
        self.own_publishers: dict[str, list[str]] = defaultdict(list)
        for source in sources.values():
            if source.kind in OWN_KINDS and source.publisher:
                self.own_publishers[self.find(source.id)].append(source.publisher)

    def find(self, source_id: str) -> str:
        """The name of ``source_id``'s group (itself when it is linked to nothing)."""
        return self.root.get(source_id, source_id)

    def owned_by(self, root: str, claimant: str | None) -> bool:
        return any(same_claimant(p, claimant) for p in self.own_publishers.get(root, ()))


# -- the assessment -----------------------------------------------------------------------------


def _short(text: str | None, limit: int = 70) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _source_label(sources: dict[str, Source], source_id: str) -> str:
    s = sources.get(source_id)
    if s is None:
        return source_id
    return _short(s.title or s.publisher or s.url or s.id, 50)


def conflicts_by_claim(
    records: Records, graph: nx.MultiDiGraph[str] | None = None
) -> dict[str, list[tuple[str, str]]]:
    """{claim id: [(other claim id, reason)]} from the graph's ``conflicts_with`` edges, or
    from ``claimtrack.conflicts.find_conflicts`` when no graph is given."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if graph is not None:
        from .graph import edges_of

        pairs: Iterable[tuple[str, str, str]] = (
            (u, v, str(d.get("reason") or "")) for u, v, d in edges_of(graph, "conflicts_with")
        )
    else:
        from .conflicts import find_conflicts

        pairs = ((c.a, c.b, c.reason) for c in find_conflicts(records))
    for a, b, reason in pairs:
        out[a].append((b, reason))
        out[b].append((a, reason))
    return out


def assess(
    records: Records,
    graph: nx.MultiDiGraph[str] | None = None,
    *,
    claims: Iterable[str] | None = None,
    conflicts: dict[str, list[tuple[str, str]]] | None = None,
    explain: bool = False,
) -> dict[str, Assessment]:
    """The assessment of every claim in ``records`` (or of the ids in ``claims``), by claim id.

    ``graph``, when given, is only read for its ``conflicts_with`` edges, so callers that have
    built the graph do not pay for conflict detection twice; ``conflicts`` (as returned by
    ``conflicts_by_claim``) does the same without a graph. Otherwise conflicts are computed
    from the records. ``explain`` also fills ``Assessment.groups`` (which sources make up each
    origin), for showing one claim.
    """
    sources = records.sources
    groups = _Groups(sources)
    alias = {a: c.id for c in records.claims.values() if c.aliases for a in c.aliases}

    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for ev in records.evidence.values():
        if ev.removed_at is None:
            evidence[alias.get(ev.claim, ev.claim)].append(ev)
    questions: dict[str, list[Question]] = defaultdict(list)
    for q in records.questions.values():
        if q.status == "open":
            questions[alias.get(q.claim, q.claim)].append(q)
    if conflicts is None:
        conflicts = conflicts_by_claim(records, graph)

    wanted = records.claims if claims is None else {c: records.claims[c] for c in claims}
    no: tuple[()] = ()
    return {
        cid: _assess_claim(
            claim,
            sources,
            groups,
            evidence.get(cid, no),
            questions.get(cid, no),
            conflicts.get(cid, no),
            records.claims,
            explain,
        )
        for cid, claim in wanted.items()
    }


def for_claim(
    records: Records, claim_id: str, graph: nx.MultiDiGraph[str] | None = None
) -> Assessment:
    """The assessment of one claim (same rules as ``assess``), with its origin groups."""
    return assess(records, graph, claims=[claim_id], explain=True)[claim_id]


def effective_claimant(claim: Claim, sources: dict[str, Source]) -> str | None:
    """Who asserts ``claim``: its claimant; else the party its mentions attribute it to most
    often; else the publisher of a press release or statement that states it in its own voice.

    A claim first seen in a company's statement ("Our assistant does the work of 700 agents")
    has no attribution in its text, yet it is the company's claim.
    """
    if claim.claimant:
        return claim.claimant
    counts: dict[str, int] = {}
    for m in claim.mentions:
        if m.claimant:
            counts[m.claimant] = counts.get(m.claimant, 0) + 1
    if counts:
        return max(counts, key=counts.__getitem__)  # ties: the first attributed
    for m in claim.mentions:
        source = sources.get(m.source)
        if source is not None and source.kind in OWN_KINDS and source.publisher:
            return source.publisher
    return None


def _assess_claim(
    claim: Claim,
    sources: dict[str, Source],
    groups: _Groups,
    evidence: Sequence[Evidence],
    questions: Sequence[Question],
    conflicts: Sequence[tuple[str, str]],
    claims: dict[str, Claim],
    explain: bool,
) -> Assessment:
    claimant = claim.claimant or effective_claimant(claim, sources)
    find = groups.find
    # Per source: does it carry a mention of the claim not attributed to the claimant?
    mention_sources: dict[str, bool] = {}
    hedged = 0
    for m in claim.mentions:
        said_by = m.claimant
        attributed = same_claimant(said_by, claimant) is True
        mention_sources[m.source] = mention_sources.get(m.source, False) or not attributed
        if m.hedged:
            hedged += 1
    if evidence:
        supports = [e for e in evidence if e.stance == "supports"]
        contradicts = [e for e in evidence if e.stance == "contradicts"]
    else:
        supports = contradicts = []
    if evidence:
        # A source the journalist recorded as contradicting the claim, or as context only, is
        # not behind it, even if linking found the claim in it ("far fewer than 700 agents",
        # "did not literally replace 700 people"): recording it is the judgement that it does
        # not assert the claim.
        judged = {e.source for e in evidence if e.stance != "supports"}
        for sid in judged - {e.source for e in supports}:
            mention_sources.pop(sid, None)
    roots = {sid: find(sid) for sid in mention_sources}
    for e in supports:
        if e.source not in roots:
            roots[e.source] = find(e.source)
    support_sources = {e.source for e in supports}

    # Which provenance groups are the claimant's word for this claim.
    claimant_roots: set[str] = set()
    if claimant is not None:
        for sid, root in roots.items():
            if root in claimant_roots:
                continue
            source = sources.get(sid)
            if (
                (
                    source is not None
                    and source.kind in OWN_KINDS
                    and same_claimant(source.publisher, claimant) is True
                )
                or (mention_sources.get(sid) is False and sid not in support_sources)
                or groups.owned_by(root, claimant)
            ):
                claimant_roots.add(root)
    origin_keys = {CLAIMANT if r in claimant_roots else r for r in roots.values()}
    n_sources = len(roots)
    n_origins = len(origin_keys)

    verified = [e for e in supports if roots[e.source] not in claimant_roots and not e.unverified]
    unchecked = [e for e in supports if roots[e.source] not in claimant_roots and e.unverified]
    status: ClaimStatus
    if contradicts and verified:
        status = "contested"
    elif contradicts:
        status = "contradicted"
    elif verified:
        status = "supported"
    elif unchecked:
        status = "unverified"
    else:
        status = "unsupported"

    flags: list[Flag] = []
    if contradicts:
        names = "; ".join(dict.fromkeys(_source_label(sources, e.source) for e in contradicts))
        flags.append(
            Flag("contradicted", f"contradicted by {_plural(len(contradicts), 'source')}: {names}")
        )
    if conflicts:
        other, reason = conflicts[0]
        other_claim = claims.get(other)
        about = f' ("{_short(other_claim.text, 50)}")' if other_claim else ""
        more = f" and {len(conflicts) - 1} more" if len(conflicts) > 1 else ""
        flags.append(
            Flag(
                "conflicting-figures",
                f"conflicts with {other}{about}{more}" + (f": {reason}" if reason else ""),
            )
        )
    if claimant and origin_keys == {CLAIMANT}:
        if n_sources > 1:
            detail = (
                f"all {n_sources} sources trace back to {claimant}: its own statements, or "
                "reports attributing the figure to it"
            )
        else:
            sid = next(iter(roots))
            only = _source_label(sources, sid)
            source = sources.get(sid)
            if source is not None and source.kind in OWN_KINDS:
                detail = (
                    f"its only source is {claimant}'s own {source.kind.replace('_', ' ')}: {only}"
                )
            else:
                detail = f"its only source attributes it to {claimant}: {only}"
        flags.append(Flag("self-reported", detail))
    if not verified and not unchecked:
        if not evidence:
            detail = (
                f"no evidence recorded, only {_plural(len(claim.mentions), 'mention')} "
                "(repeating a claim does not check it)"
            )
        elif supports:
            detail = f"the only supporting evidence comes from {claimant}'s own origin"
        else:
            detail = "no source supports it (its evidence only contradicts it or gives context)"
        flags.append(Flag("no-evidence", detail))
    if n_sources >= 2 and n_origins == 1:
        flags.append(Flag("single-origin", f"{n_sources} sources, 1 independent origin"))
    if unchecked and not verified:
        flags.append(
            Flag(
                "unverified-quote",
                f"the quote from {_source_label(sources, unchecked[0].source)} was not found in "
                "its archived text (recorded with --unverified)",
            )
        )
    if questions:
        first = _short(questions[0].text, 60)
        more = f" (and {len(questions) - 1} more)" if len(questions) > 1 else ""
        flags.append(
            Flag("open-question", f"{_plural(len(questions), 'open question')}: {first}{more}")
        )
    if hedged:
        flags.append(
            Flag(
                "hedged",
                f"{hedged} of {_plural(len(claim.mentions), 'mention')} "
                f"{'presents' if hedged == 1 else 'present'} it as an estimate or projection",
            )
        )
    origin_list: list[Origin] = []
    if explain:
        members: dict[str, list[str]] = {}
        for sid, root in roots.items():
            members.setdefault(CLAIMANT if root in claimant_roots else root, []).append(sid)
        origin_list = sorted(
            (
                Origin(
                    key=key,
                    label=claimant
                    if key == CLAIMANT and claimant
                    else _source_label(sources, sids[0]),
                    sources=tuple(sids),
                    claimant=key == CLAIMANT,
                )
                for key, sids in members.items()
            ),
            key=lambda o: (not o.claimant, o.key),
        )
    return Assessment(
        claim=claim.id,
        claimant=claimant,
        status=status,
        flags=flags,
        origins=n_origins,
        mentions=len(claim.mentions),
        sources=n_sources,
        groups=origin_list,
        supporting=[e.id for e in verified],
        contradicting=[e.id for e in contradicts],
    )


def flagged_figure_claims(
    records: Records,
    assessments: dict[str, Assessment] | None = None,
    *,
    codes: Iterable[str] = (),
) -> list[Assessment]:
    """The assessments of claims that state figures and carry flags, worst first; only those
    with one of ``codes`` when given."""
    assessments = assessments if assessments is not None else assess(records)
    wanted = set(codes)
    claims = records.claims
    out = [
        a
        for cid, a in assessments.items()
        if a.flags
        and claims[cid].figures
        and (not wanted or any(f.code in wanted for f in a.flags))
    ]
    out.sort(key=Assessment.severity)
    return out
