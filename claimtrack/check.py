"""The pre-publication check: every figure in a draft, matched to the claims being tracked.

``check_text(draft, store=ws)`` finds the figure sentences of a draft with
``claimtrack.extract.extract``, matches each to the tracked claims (candidates from the
store's full-text search, scored by ``claimtrack.match.rerank``), and gives each a verdict:

- ``supported``: it matches a tracked claim whose status is ``supported`` and which carries no
  flag (flags named in ``allow`` are tolerated);
- ``flagged``: it matches a tracked claim that is not supported or carries flags;
- ``untracked``: no tracked claim matches it;
- ``conflict``: it matches a tracked claim but states a different figure for the same thing
  ("800 agents" where the tracked claim says "700 agents").

A draft passes (``CheckReport.ok``) when every figure sentence is supported. The function is
pure: the store (or records in memory, and optionally the assessments) are passed in. docs/check.md
explains it for journalists and documents the JSON.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .errors import InputError
from .vocabulary import AMOUNT_KINDS, UNCHECKED_KINDS

if TYPE_CHECKING:
    from .extract import ExtractedSentence
    from .flags import Assessment, Flag
    from .linking import Searchable
    from .match import ClaimIndex
    from .models import Claim, Figure
    from .store.base import Kind, Store
    from .workspace import Records

VERDICTS = ("supported", "flagged", "untracked", "conflict")

#: Matching score (from ClaimIndex) at or above which a draft sentence is taken to state a
#: tracked claim, used when claimtrack.match does not expose its own same-claim threshold.
DEFAULT_THRESHOLD = 0.5
#: Candidates ranked per sentence; the one sharing a figure with the sentence wins.
CANDIDATES = 5
#: Relative difference under which two exact figures are the same number (rounding).
RELATIVE_TOLERANCE = 0.005
#: How far "about", "nearly" and the like let a figure stretch.
QUALIFIER_SLACK = {"approximately": 0.1, "nearly": 0.1}


def same_claim_threshold() -> float:
    """The score at which ``ClaimIndex`` considers two texts the same claim: the one
    ``claimtrack.match`` exposes, else ``DEFAULT_THRESHOLD``."""
    from . import match

    for name in ("MATCH_THRESHOLD", "SAME_CLAIM_THRESHOLD"):
        value = getattr(match, name, None)
        if isinstance(value, (int, float)):
            return float(value)
    return DEFAULT_THRESHOLD


# -- reading a draft ------------------------------------------------------------------------------


def read_draft(path: str | Path) -> str:
    """The text of a draft file; InputError with one readable line when it cannot be read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"no such draft: {path}") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path} is a folder, not a draft") from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path} is not UTF-8 text (byte {exc.start}); save the draft as UTF-8 text or Markdown"
        ) from exc


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$", re.S | re.M)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK_TARGET = re.compile(r"\]\([^)\n]*\)|\]\[[^\]\n]*\]")
_REF_DEF = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[^\n]*$", re.M)
_FOOTNOTE = re.compile(r"\[\^[^\]\n]*\]")
_URL = re.compile(r"<?https?://[^\s)>\]]+>?")
_TAG = re.compile(r"</?[A-Za-z][^>\n]*>")
_LINE_MARK = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t>]*|[-*+][ \t]+|\d{1,9}[.)][ \t]+)", re.M)
_EMPHASIS = re.compile(r"(?<!\w)(?:\*{1,3}|_{1,3}|~~)(?=\S)|(?<=\S)(?:\*{1,3}|_{1,3}|~~)(?!\w)")
_PUNCT_MARKUP = re.compile(r"[\[\]`|]")
_HEADING_RULE = re.compile(r"^[ \t]*(?:=+|-{3,}|\*{3,}|_{3,})[ \t]*$", re.M)


def mask_markdown(text: str) -> str:
    """``text`` with Markdown markup replaced by spaces, so that extraction sees prose and
    every offset still points at the same character of the draft.

    Front matter, code (fenced and inline), HTML, images, link targets, URLs, footnote marks,
    list numbers ("1."), heading and quote markers, emphasis and table bars are blanked; link
    texts and prose stay.

    >>> mask_markdown("1. See [the report](https://x.org/7) **now**.")
    '   See  the report                     now  .'
    """
    chars = list(text)

    def blank(match: re.Match[str]) -> None:
        for i in range(match.start(), match.end()):
            if chars[i] != "\n":
                chars[i] = " "

    for pattern in (
        _FRONT_MATTER,
        _FENCE,
        _HTML_COMMENT,
        _INLINE_CODE,
        _REF_DEF,
        _IMAGE,
        _LINK_TARGET,
    ):
        for m in pattern.finditer(text):
            blank(m)
    masked = "".join(chars)
    for pattern in (_FOOTNOTE, _URL, _TAG, _HEADING_RULE, _LINE_MARK, _EMPHASIS, _PUNCT_MARKUP):
        for m in pattern.finditer(masked):
            blank(m)
    return "".join(chars)


# -- figures ---------------------------------------------------------------------------------------


def _unit_key(figure: Figure) -> str | None:
    if not figure.unit:
        return None
    words: list[str] = re.findall(r"\w+", figure.unit.casefold())
    if not words:
        return None
    word = words[-1]
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _kind_key(figure: Figure) -> str:
    if figure.kind in AMOUNT_KINDS:
        return "count"
    if figure.kind == "currency":
        return f"currency:{figure.currency or ''}"
    return figure.kind


def _interval(figure: Figure) -> tuple[float, float] | None:
    """The values a figure allows: its range, stretched by its qualifier."""
    low = figure.low if figure.low is not None else figure.value
    high = figure.high if figure.high is not None else figure.value
    if low is None or high is None:
        return None
    q = figure.qualifier
    if q == "approximately":
        low, high = low - abs(low) * QUALIFIER_SLACK[q], high + abs(high) * QUALIFIER_SLACK[q]
    elif q == "nearly":  # "nearly 2,000": a little under 2,000
        low = low - abs(low) * QUALIFIER_SLACK[q]
    elif q in ("at_least", "more_than"):
        high = math.inf
    elif q in ("at_most", "less_than"):
        low = -math.inf
    return low, high


def figures_agree(a: Figure, b: Figure) -> bool:
    """Whether two figures can state the same number: their ranges (widened by "about",
    "nearly", "more than" ...) overlap, allowing for rounding.

    >>> from claimtrack.models import Figure
    >>> figures_agree(Figure(text="700", value=700), Figure(text="nearly 700", value=700,
    ...               qualifier="nearly"))
    True
    """
    ia, ib = _interval(a), _interval(b)
    if ia is None or ib is None:
        return False
    finite = [abs(v) for v in (*ia, *ib) if math.isfinite(v)]
    tolerance = max(finite, default=0.0) * RELATIVE_TOLERANCE
    return ia[0] <= ib[1] + tolerance and ib[0] <= ia[1] + tolerance


def same_measure(a: Figure, b: Figure) -> bool:
    """Whether two figures can measure the same thing: the same kind (and currency), and the
    same unit when both have one."""
    ua, ub = _unit_key(a), _unit_key(b)
    return _kind_key(a) == _kind_key(b) and (ua is None or ub is None or ua == ub)


def compare_figures(
    draft: list[Figure], tracked: list[Figure]
) -> tuple[int, list[tuple[Figure, Figure]]]:
    """How the figures of a draft sentence compare with a tracked claim's: (number of draft
    figures that agree with a tracked figure, [(draft figure, tracked figure)] for each draft
    figure that agrees with none while a tracked figure of the same measure is left unmatched).

    A draft figure with no counterpart at all ("2.3 million chats" next to the tracked "700
    agents") is extra information, not a disagreement.
    """
    agreed: set[int] = set()
    loose: list[Figure] = []
    shared = 0
    for figure in draft:
        if figure.value is None and figure.low is None:
            continue
        hits = [
            i for i, t in enumerate(tracked) if same_measure(figure, t) and figures_agree(figure, t)
        ]
        if hits:
            shared += 1
            agreed.update(hits)
        else:
            loose.append(figure)
    clashes: list[tuple[Figure, Figure]] = []
    for figure in loose:
        rivals = [
            t
            for i, t in enumerate(tracked)
            if i not in agreed and t.value is not None and same_measure(figure, t)
        ]
        # Prefer a rival with the same unit named on both sides.
        rivals.sort(key=lambda t: _unit_key(t) != _unit_key(figure))
        if rivals:
            clashes.append((figure, rivals[0]))
    return shared, clashes


# -- the check -------------------------------------------------------------------------------------


@dataclass
class SentenceCheck:
    """The verdict on one figure sentence of the draft. Offsets index the draft."""

    sentence: str
    start: int
    end: int
    line: int
    figures: list[Figure]
    verdict: str
    claim: str | None = None
    status: str | None = None
    flags: list[Flag] = field(default_factory=list)
    score: float | None = None
    detail: str | None = None

    def to_json(self) -> dict[str, object]:
        """The ``check --json`` contract (docs/check.md)."""
        return {
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "figures": [f.model_dump(mode="json") for f in self.figures],
            "claim": self.claim,
            "status": self.status,
            "flags": [{"code": f.code, "detail": f.detail} for f in self.flags],
            "verdict": self.verdict,
            "score": None if self.score is None else round(self.score, 3),
            "detail": self.detail,
        }


@dataclass
class CheckReport:
    """Every figure sentence of a draft with its verdict, in draft order."""

    sentences: list[SentenceCheck]

    @property
    def ok(self) -> bool:
        """True when every figure sentence is supported (the draft may be published)."""
        return all(s.verdict == "supported" for s in self.sentences)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(VERDICTS, 0)
        for s in self.sentences:
            out[s.verdict] += 1
        return out


def _checkable(figures: Iterable[Figure]) -> list[Figure]:
    return [f for f in figures if f.kind not in UNCHECKED_KINDS]


def check_text(
    text: str,
    records: Records | None = None,
    *,
    store: Store | None = None,
    markdown: bool = False,
    assessments: dict[str, Assessment] | None = None,
    index: ClaimIndex | None = None,
    threshold: float | None = None,
    allow: Iterable[str] = (),
    extract: _Extract | None = None,
) -> CheckReport:
    """Check every figure sentence of ``text`` against the claims of a ``store`` (a case:
    candidates from ``Store.search``, scored by ``match.rerank``), or of ``records`` held in
    memory (searched the same way, or with ``index`` when one is given).

    ``markdown`` blanks Markdown markup first (``mask_markdown``). ``assessments`` may be
    passed in when already computed; ``threshold`` overrides the same-claim score
    (``same_claim_threshold``); flags in ``allow`` do not stop a supported claim from being
    ``supported``; ``extract`` replaces ``claimtrack.extract.extract``.
    """
    if extract is None:
        from .extract import extract as extract_all

        extract = extract_all
    finder: _Finder
    if store is not None:
        finder = _StoreFinder(store)
    elif records is None:
        raise TypeError("check_text needs a store or records")
    elif index is not None:
        finder = _IndexFinder(index, records)
    else:
        finder = _StoreFinder(_InMemory(records))
    known: _Assessments = _LazyAssessments(store, records) if assessments is None else assessments
    threshold = same_claim_threshold() if threshold is None else threshold
    allowed = set(allow)
    prose = mask_markdown(text) if markdown else text

    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    out: list[SentenceCheck] = []
    for item in extract(prose, all_sentences=True):
        figures = _checkable(item.figures)
        if not figures:
            continue
        start, end = item.start, item.end
        sentence = " ".join(prose[start:end].split())
        line = bisect.bisect_right(line_starts, start)
        check = SentenceCheck(
            sentence=sentence, start=start, end=end, line=line, figures=figures, verdict=""
        )
        _judge(check, sentence, finder, known, threshold, allowed)
        out.append(check)
    return CheckReport(out)


class _Extract(Protocol):
    """What reads a draft's sentences and figures: ``claimtrack.extract.extract``."""

    def __call__(self, text: str, *, all_sentences: bool = ...) -> list[ExtractedSentence]: ...


class _Finder(Protocol):
    """Where a draft sentence's candidate claims come from."""

    def find(self, text: str, figures: list[Figure], top: int) -> list[tuple[Claim, float]]:
        """The best ``top`` claims for ``text``, each with its same-claim score."""
        ...


class _Assessments(Protocol):
    """The assessments of tracked claims by id: a dict, or ``_LazyAssessments``."""

    def get(self, claim_id: str, /) -> Assessment | None: ...


class _StoreFinder:
    """Candidates for a sentence from a store, as linking finds them
    (``linking.Candidates``: ``Store.search``, then ``match.rerank``)."""

    def __init__(self, store: Searchable):
        from .linking import Candidates

        self.candidates = Candidates(store)

    def find(self, text: str, figures: list[Figure], top: int) -> list[tuple[Claim, float]]:
        from .match import features

        found = self.candidates.rank(features(text, figures), text, top=top)
        return [(c, m.score) for m in found if (c := self.candidates.get(m.claim)) is not None]


class _IndexFinder:
    """Candidates from an in-memory ``match.ClaimIndex`` over ``records``."""

    def __init__(self, index: ClaimIndex, records: Records):
        self.index = index
        self.records = records

    def find(self, text: str, figures: list[Figure], top: int) -> list[tuple[Claim, float]]:
        out = []
        for m in self.index.query(text, figures, top=top):
            claim = self.records.claims.get(m.claim)
            if claim is not None:
                out.append((claim, m.score))
        return out


class _InMemory:
    """Records held in memory, searched as a store is."""

    def __init__(self, records: Records):
        from .search import MemorySearch

        self._records = records
        self._search = MemorySearch(records.claims.values())

    def search(self, text: str, top: int = 100) -> list[tuple[str, float]]:
        return self._search.search(text, top)

    def load(self, kind: Kind, record_id: str) -> Claim:
        from .errors import NotFound

        try:
            return self._records.claims[record_id]
        except KeyError:
            raise NotFound(record_id) from None


class _LazyAssessments:
    """The assessments of the claims a draft matches, asked for as they are needed: from
    the store (one claim's neighbourhood each), or from the records (assessed once)."""

    def __init__(self, store: Store | None, records: Records | None):
        self.store = store
        self.records = records
        self.cache: dict[str, Assessment | None] = {}
        self.all: dict[str, Assessment] | None = None

    def get(self, claim_id: str, /) -> Assessment | None:
        if self.store is not None:
            if claim_id not in self.cache:
                self.cache[claim_id] = self.store.assessments([claim_id]).get(claim_id)
            return self.cache[claim_id]
        if self.all is None:
            from .flags import assess

            assert self.records is not None  # check_text passes a store or records
            self.all = assess(self.records)
        return self.all.get(claim_id)


_DIGITS = re.compile(r"[$€£]?\d[\d,.]*%?")


#: A candidate claim for a draft sentence: (how many of the sentence's figures it states, its
#: same-claim score, the claim, the sentence's figures that clash with its figures).
_Candidate = tuple[int, float, "Claim", list[tuple["Figure", "Figure"]]]


def _candidates(
    query_text: str,
    figures: list[Figure],
    finder: _Finder,
    threshold: float,
    *,
    words_only: bool = False,
) -> list[_Candidate]:
    out: list[_Candidate] = []
    for claim, score in finder.find(query_text, [] if words_only else figures, CANDIDATES):
        if score < threshold:
            continue
        shared, clashes = compare_figures(figures, claim.figures)
        out.append((shared, score, claim, clashes))
    # A candidate that states the same figure wins over a closer wording with another figure.
    out.sort(key=lambda c: (-c[0], -c[1], c[2].id))
    return out


def _judge(
    check: SentenceCheck,
    sentence: str,
    finder: _Finder,
    assessments: _Assessments,
    threshold: float,
    allowed: set[str],
) -> None:
    candidates = _candidates(sentence, check.figures, finder, threshold)
    if not candidates:
        # Matching treats different figures as a different claim. To find a tracked claim the
        # draft contradicts, match the words alone, then compare the figures.
        words_only = _DIGITS.sub(" ", sentence)
        candidates = [
            c
            for c in _candidates(words_only, check.figures, finder, threshold, words_only=True)
            if c[3] and not c[0]
        ]
    if not candidates:
        check.verdict = "untracked"
        check.detail = "no tracked claim states this figure; ingest its source first"
        return
    shared, score, claim, clashes = candidates[0]
    assessment = assessments.get(claim.id)
    check.claim = claim.id
    check.score = score
    check.status = assessment.status if assessment else None
    check.flags = list(assessment.flags) if assessment else []
    if clashes:
        draft_fig, tracked_fig = clashes[0]
        check.verdict = "conflict"
        check.detail = (
            f'the draft says "{draft_fig.text}"; tracked claim {claim.id} says "{tracked_fig.text}"'
        )
        return
    blocking = [f for f in check.flags if f.code not in allowed]
    if check.status == "supported" and not blocking:
        check.verdict = "supported"
        check.detail = None
    else:
        check.verdict = "flagged"
        check.detail = f"tracked claim is {check.status}" + (
            f" with {len(blocking)} flag{'s' if len(blocking) != 1 else ''}" if blocking else ""
        )


def check_draft(path: str | Path, records: Records | None = None, **options: Any) -> CheckReport:
    """``check_text`` on a draft file; Markdown when it ends in .md or .markdown."""
    options.setdefault("markdown", Path(path).suffix.lower() in (".md", ".markdown"))
    return check_text(read_draft(path), records, **options)
