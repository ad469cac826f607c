"""The derived reads of a database case (``Store.query_claims``, ``assessments``,
``neighbourhood``, ``claim_view``, ``search``, ...), answered from the derived tables.

Each gives what ``claimtrack.store.base.NaiveReads`` defines (the tests compare them), from
rows the writers keep up to date (``derived``). ``ready`` says whether the tables answer for
the case as the calling thread sees it; when they cannot (derived by another claimtrack's
rules, for a user who may not rebuild them), the store answers from the records instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from ...errors import NotFound
from . import derived, records
from .connection import ReadOnlyCase

if TYPE_CHECKING:
    from ...errors import CorruptRecord
    from ...flags import Assessment
    from ...workspace import Records
    from ..base import ClaimQuery, ClaimRow
    from .connection import Database


def ready(db: Database) -> bool:
    """Whether the derived tables answer for the case as this thread sees it. Inside a
    transaction, what this thread has written is derived first. State made by other rules
    (another claimtrack version) is rebuilt, under the case's lock; False when this user may
    not write it."""
    if db.in_transaction:
        derived.finish(db)
        if derived.current(db):
            return True
        try:
            with db.savepoint():
                derived.rebuild(db)
        except ReadOnlyCase:
            return False
        return True
    if derived.current(db):
        return True
    try:
        with db.transaction():
            if not derived.current(db):
                derived.rebuild(db)
    except ReadOnlyCase:
        return False
    return True


# -- listings -------------------------------------------------------------------------------------
def _claims_sql(column: str, filters: ClaimQuery) -> tuple[str, list[Any]]:
    """The query of ``Store.query_claims(**filters)`` over ``claim_state``, selecting
    ``column``."""
    status = filters.get("status")
    flagged = filters.get("flagged")
    codes = sorted(set(filters.get("codes") or ()))
    min_checkworthy = filters.get("min_checkworthy")
    limit = filters.get("limit")
    where: list[str] = []
    params: list[Any] = []
    if status is not None:
        where.append("status = %s")
        params.append(status)
    if flagged is not None:
        where.append("cardinality(codes) > 0" if flagged else "cardinality(codes) = 0")
    if filters.get("figures_only"):
        where.append("has_figures")
    if codes:
        where.append("codes && %s")
        params.append(codes)
    if min_checkworthy is not None:
        where.append("checkworthy >= %s")
        params.append(min_checkworthy)
    sql = f"SELECT {column} FROM claim_state"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += {
        "severity": " ORDER BY status_rank, weight DESC, mentions DESC, claim_id",
        "triage": " ORDER BY status_rank, weight DESC, checkworthy DESC, mention_count DESC, "
        "claim_id",
    }.get(filters.get("order") or "created", " ORDER BY created_at, claim_id")
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    return sql, params


def query_claims(db: Database, filters: ClaimQuery) -> list[ClaimRow]:
    loads = json.loads
    return [loads(text) for text in db.values(*_claims_sql("row_json", filters))]


def query_claims_json(
    db: Database, fields: Sequence[tuple[str, str]], filters: ClaimQuery
) -> list[str]:
    """The rows as JSON text holding ``fields``, put together from each field's stored JSON
    (``claim_state.row_fields``), without decoding the rows."""
    picks = [
        (json.dumps(name, ensure_ascii=False), derived.ROW_KEYS.index(key)) for name, key in fields
    ]
    out = []
    for joined in db.values(*_claims_sql("row_fields", filters)):
        values = joined.split(derived.FIELD_SEPARATOR)
        out.append("{" + ", ".join(f"{name}: {values[i]}" for name, i in picks) + "}")
    return out


def checkworthy_threshold(db: Database) -> float:
    """The check-worthiness threshold of the scorer the stored scores were made by."""
    [threshold] = db.values("SELECT checkworthy_threshold FROM derived_meta")
    return float(threshold)


def assessments(db: Database, claim_ids: Iterable[str] | None) -> dict[str, Assessment]:
    """Stored assessments: every claim's in id order (without origin groups), or those of
    ``claim_ids`` in the order asked (with them), as ``flags.assess`` gives them."""
    sql = "SELECT claim_id, assessment_json FROM claim_state"
    if claim_ids is None:
        return {
            cid: derived.assessment_from_doc(cid, json.loads(doc), explain=False)
            for cid, doc in db.rows(sql + " ORDER BY claim_id")
        }
    wanted = list(dict.fromkeys(claim_ids))
    found = dict(db.rows(sql + " WHERE claim_id = ANY(%s)", (wanted,)))
    return {
        cid: derived.assessment_from_doc(cid, json.loads(found[cid]), explain=True)
        for cid in wanted
        if cid in found
    }


# -- one claim --------------------------------------------------------------------------------
def neighbourhood(db: Database, claim_id: str, problems: list[CorruptRecord]) -> Records:
    """``Store.neighbourhood``: the claim, its evidence and questions (by its id and its
    aliases), the provenance group of the sources behind it, the claims it conflicts with."""
    from ...models import Claim, Evidence, Question, Source
    from ...workspace import Records
    from .. import derive

    tables = derived.Tables(db)
    with db.snapshot():
        claim = records.load(db, Claim, claim_id)
        out = Records()
        out.claims[claim_id] = claim
        names = [claim_id, *claim.aliases]
        out.evidence = records.load_about(db, Evidence, names, problems)
        out.questions = records.load_about(db, Question, names, problems)
        behind = {m.source for m in claim.mentions} | {e.source for e in out.evidence.values()}
        group = derive.provenance_group(behind, tables)
        out.sources = records.load_many(db, Source, sorted(group), problems)
        partners = [other for other, _ in tables.conflicts_of({claim_id}).get(claim_id, [])]
        out.claims.update(records.load_many(db, Claim, partners, problems))
    out.problems = list(problems)
    return out


def claim_view(db: Database, claim_id: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """``Store.claim_view`` from the stored JSON, without loading any model."""
    from .. import derive
    from ..base import claim_detail

    loads = json.loads
    with db.snapshot():
        found = db.rows(
            "SELECT r.body, i.checkworthy, i.why, s.assessment_json FROM records r "
            "JOIN claim_index i ON i.claim_id = r.id "
            "LEFT JOIN claim_state s ON s.claim_id = r.id "
            "WHERE r.kind = 'claim' AND r.id = %s",
            (claim_id,),
        )
        if not found:
            raise NotFound(f"no claim with id {claim_id!r}")
        body, checkworthy, why, state = found[0]
        claim = loads(body)
        names = [claim_id, *claim["aliases"]]
        evidence, questions = (
            [loads(text) for text in db.values(
                "SELECT body FROM records WHERE kind = %s AND claim = ANY(%s) ORDER BY id",
                (kind, names),
            )]
            for kind in ("evidence", "question")
        )  # fmt: skip
        behind = {m["source"] for m in claim["mentions"]} | {e["source"] for e in evidence}
        group = derive.provenance_group(behind, derived.Tables(db))
        sources = [loads(text) for text in records.json_bodies(db, "source", group)]
    assessment = (
        derived.assessment_from_doc(claim_id, loads(state), explain=True) if state else None
    )
    reasons = [(reason, weight) for reason, weight in loads(why)]
    detail = claim_detail(claim, evidence, questions, assessment, checkworthy, reasons)
    return detail, {s["id"]: s for s in sources}


# -- matching ---------------------------------------------------------------------------------
def search(db: Database, text: str, top: int) -> list[tuple[str, float]]:
    """PostgreSQL's full-text search (english stemming, accents folded) for any of the words
    ``search.query_terms`` finds in ``text``, over each claim's text and title, and its
    claimant at the weight ``search.WEIGHTS`` gives it; the best ``top`` by ``ts_rank``."""
    from ...search import query_terms

    terms = query_terms(derived.fold(text))
    if not terms or top <= 0:
        return []
    found = db.rows(
        f"SELECT claim_id, ts_rank('{derived.rank_weights()}', search, q) AS score "
        "FROM claim_index, websearch_to_tsquery('english', %s) AS q WHERE search @@ q "
        "ORDER BY score DESC, claim_id LIMIT %s",
        (" or ".join(terms), top),
    )
    return [(cid, float(score)) for cid, score in found]


def match_statistics(db: Database, words: Iterable[str]) -> tuple[int, dict[str, int]]:
    """(number of claims, {word: claims whose matching words hold it}) for the words held by
    any claim."""
    with db.snapshot():
        [(n,)] = db.rows("SELECT count(*) FROM claim_index")
        df = dict(
            db.rows("SELECT word, df FROM match_words WHERE word = ANY(%s)", (sorted(set(words)),))
        )
    return int(n), cast("dict[str, int]", df)


def claims_of_source(db: Database, source_id: str) -> list[str]:
    found: list[str] = db.values(
        "SELECT claim_id FROM claim_sources WHERE source_id = %s ORDER BY claim_id", (source_id,)
    )
    return found


def mention_counts(db: Database) -> dict[str, int]:
    return {
        sid: int(n)
        for sid, n in db.rows(
            "SELECT source_id, sum(mentions) FROM claim_sources GROUP BY source_id"
        )
    }
