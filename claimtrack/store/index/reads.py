"""The derived reads: what ``claims``, ``flags``, ``show``, matching and the exports ask of a
case, answered from the index's rows (``IndexReads``, the first layer of ``CaseIndex``)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ...errors import CorruptRecord, NotFound
from .. import derive
from .relations import Related, Relations
from .schema import CACHE_DIR, FILE_NAME, KIND_TABLES, Rebuild, chunks, marks

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ...flags import Assessment
    from ...models import Record
    from ...workspace import Records, Workspace
    from ..base import ClaimQuery, ClaimRow

M = TypeVar("M", bound="Record")

ROW_COLUMNS = {
    "id": "c.id",
    "text": "c.text",
    "title": "c.title",
    "claimant": "c.claimant",
    "figures": "c.figures",
    "mentions": "c.mention_count",
    "sources": "c.source_count",
    "status": "a.status",
    "flags": "coalesce(a.flags, '[]')",
    "origins": "coalesce(a.origins, 0)",
    "backing": "coalesce(a.backing, 0)",
    "checkworthy": "c.checkworthy",
    "ref": "c.ref",
    "created_at": "c.created_at",
}
"""How each key of a ``ClaimRow`` is read from the index (in ``ClaimRow``'s order)."""
JSON_COLUMNS = {"figures", "flags"}  # stored as JSON text
TEXT_COLUMNS = {"id", "text", "title", "claimant", "status", "ref", "created_at"}
FLOAT_COLUMNS = {"checkworthy"}


class IndexReads:
    """The connection to the index and every read. Reads assume the index is up to date:
    ``Workspace`` syncs it first (``IndexSync.sync``)."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.folder: Path = ws.root / CACHE_DIR
        self.path = self.folder / FILE_NAME
        self.conn: sqlite3.Connection | None = None
        self.in_memory = False
        self._fingerprint: str | None = None
        self._write_depth = 0
        self.changes = 0  # records applied by this process: see files_version

    @property
    def db(self) -> sqlite3.Connection:
        """The open connection (``CaseIndex.open`` first)."""
        conn = self.conn
        assert conn is not None, "the case index is not open"
        return conn

    # -- bookkeeping ---------------------------------------------------------------------------
    def files_version(self) -> int:
        """Changes by this process so far (a sync that applied nothing leaves it)."""
        return self.changes

    def checkworthy_threshold(self) -> float:
        """``extract.checkworthy.THRESHOLD`` as it was when the index was built (the index is
        rebuilt when the scorer changes, so it is the one its scores go with)."""
        row = self.db.execute(
            "SELECT value FROM meta WHERE key = 'checkworthy_threshold'"
        ).fetchone()
        if row is None:
            raise Rebuild("no threshold")
        return float(row[0])

    def counts(self) -> dict[str, int]:
        out = {}
        for table in KIND_TABLES.values():
            out[table] = self._count(f"SELECT count(*) FROM {table}")
        out["problems"] = self._count("SELECT count(*) FROM problems")
        return out

    def _count(self, sql: str) -> int:
        n: int = self.db.execute(sql).fetchone()[0]
        return n

    def problems(self) -> list[CorruptRecord]:
        return [
            CorruptRecord(path, reason)
            for path, reason in self.db.execute(
                "SELECT path, reason FROM problems ORDER BY kind = 'question', kind = 'evidence', "
                "kind = 'source', kind, id"
            )
        ]

    # -- records -------------------------------------------------------------------------------
    def _stored(self, kind: str, ids: Iterable[str] | None) -> list[tuple[str, str]]:
        """(id, stored JSON) of records of ``kind`` (all, or these ids), in id order."""
        table = KIND_TABLES[kind]
        if ids is None:
            return self.db.execute(f"SELECT id, record FROM {table} ORDER BY id").fetchall()
        out: list[tuple[str, str]] = []
        wanted = sorted(set(ids))
        for chunk in chunks(wanted):
            out += self.db.execute(
                f"SELECT id, record FROM {table} WHERE id IN ({marks(chunk)})", chunk
            ).fetchall()
        out.sort()
        return out

    def load_json(self, kind: str, ids: Iterable[str] | None = None) -> list[str]:
        """The stored JSON of records of ``kind`` (all, or these ids), in id order."""
        return [r for _, r in self._stored(kind, ids)]

    def load_models(self, model: type[M], ids: Iterable[str] | None = None) -> dict[str, M]:
        """The stored records of one model (all, or these ids), by id in id order."""
        validate = model.model_validate_json
        return {rid: validate(text) for rid, text in self._stored(_kind_of(model), ids)}

    def load_records(self, kind: str, ids: Iterable[str] | None = None) -> dict[str, Record]:
        """``load_models`` by kind."""
        from ...models import RECORD_TYPES

        validate = RECORD_TYPES[kind].model_validate_json
        return {rid: validate(text) for rid, text in self._stored(kind, ids)}

    def records(self) -> Records:
        from ...models import Claim, Evidence, Question, Source
        from ...workspace import Records

        return Records(
            claims=self.load_models(Claim),
            sources=self.load_models(Source),
            evidence=self.load_models(Evidence),
            questions=self.load_models(Question),
            problems=self.problems(),
        )

    # -- claims as rows ------------------------------------------------------------------------
    def _claims_sql(
        self, columns: Iterable[str], query: ClaimQuery, *, raw: bool = False
    ) -> tuple[str, list[object]]:
        status, flagged = query.get("status"), query.get("flagged")
        min_checkworthy, order = query.get("min_checkworthy"), query.get("order", "created")
        limit = query.get("limit")
        where = []
        args: list[object] = []
        if status is not None:
            where.append("a.status = ?")
            args.append(status)
        if flagged is not None:
            where.append("a.flag_count > 0" if flagged else "coalesce(a.flag_count, 0) = 0")
        if query.get("figures_only"):
            where.append("c.figure_count > 0")
        wanted = sorted(set(query.get("codes") or ()))
        if wanted:
            where.append(
                f"EXISTS (SELECT 1 FROM claim_flags AS f WHERE f.claim_id = c.id "
                f"AND f.code IN ({marks(wanted)}))"
            )
            args += wanted
        if min_checkworthy is not None:
            where.append("c.checkworthy >= ?")
            args.append(min_checkworthy)
        if order == "severity":
            order_by = "a.status_rank, a.flag_weight DESC, a.mentions DESC, c.id"
        elif order == "triage":
            order_by = (
                "a.status_rank, a.flag_weight DESC, c.checkworthy DESC, c.mention_count DESC, c.id"
            )
        else:
            order_by = "c.created_at, c.id"
        sql = (
            f"SELECT {', '.join(columns if raw else (ROW_COLUMNS[c] for c in columns))} "
            "FROM claims AS c LEFT JOIN assessments AS a ON a.claim_id = c.id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + f" ORDER BY {order_by}"
            + (" LIMIT ?" if limit is not None else "")
        )
        if limit is not None:
            args.append(limit)
        return sql, args

    def query_claims(self, **query: Unpack[ClaimQuery]) -> list[ClaimRow]:
        sql, args = self._claims_sql(ROW_COLUMNS, query)
        loads = json.loads
        out: list[ClaimRow] = []
        for r in self.db.execute(sql, args):
            row: ClaimRow = {
                "id": r[0], "text": r[1], "title": r[2], "claimant": r[3],
                "figures": loads(r[4]), "mentions": r[5], "sources": r[6], "status": r[7],
                "flags": loads(r[8]), "origins": r[9], "backing": r[10],
                "checkworthy": r[11], "ref": r[12], "created_at": r[13],
            }  # fmt: skip
            out.append(row)
        return out

    def query_claims_json(
        self, fields: Sequence[tuple[str, str]], **query: Unpack[ClaimQuery]
    ) -> Iterator[str]:
        """``query_claims`` rows as JSON text, one object a row with only ``fields`` ((output
        name, row key) pairs), exactly as ``json.dumps(obj, ensure_ascii=False)`` writes it.
        SQLite writes the lines (``json_quote`` escapes text as ``json.dumps`` does; stored
        JSON is spliced in as it is), so no row is decoded or built in Python; only a float
        (written by Python's rules) is added here."""
        from json.encoder import encode_basestring

        pieces: list[tuple[str, str, str]] = []  # (JSON key, SQL value, column)
        floats: list[int] = []
        for i, (name, key) in enumerate(fields):
            head = ("{" if i == 0 else ", ") + encode_basestring(name) + ": "
            column = ROW_COLUMNS[key]
            if key in JSON_COLUMNS:
                value = column
            elif key in TEXT_COLUMNS:
                value = f"json_quote({column})"
            elif key in FLOAT_COLUMNS:
                floats.append(len(pieces))
                value = "char(0)"  # a mark no JSON text holds unescaped: filled in below
            else:
                value = f"coalesce(CAST({column} AS TEXT), 'null')"
            pieces.append((head, value, column))
        sql_line = " || ".join(f"{_sql_text(head)} || {value}" for head, value, _ in pieces)
        columns = [f"({sql_line}) || '}}'"] + [pieces[i][2] for i in floats]
        sql, args = self._claims_sql(columns, query, raw=True)
        if not floats:
            for (line,) in self.db.execute(sql, args):
                yield line
            return
        for row in self.db.execute(sql, args):
            parts = row[0].split("\x00")
            out = [parts[0]]
            for value, rest in zip(row[1:], parts[1:], strict=True):
                out.append("null" if value is None else json.dumps(value))
                out.append(rest)
            yield "".join(out)

    def assessments(self, claim_ids: Iterable[str] | None = None) -> dict[str, Assessment]:
        sql = (
            "SELECT claim_id, status, flags, origins, backing, mentions, claimant, groups, "
            "supporting, contradicting FROM assessments"
        )
        if claim_ids is None:
            rows = self.db.execute(sql + " ORDER BY claim_id").fetchall()
            return {r[0]: _assessment(r, explain=False) for r in rows}
        wanted = list(dict.fromkeys(claim_ids))
        found = {}
        for chunk in chunks(wanted):
            for r in self.db.execute(sql + f" WHERE claim_id IN ({marks(chunk)})", chunk):
                found[r[0]] = _assessment(r, explain=True)
        return {cid: found[cid] for cid in wanted if cid in found}

    # -- one claim's neighbourhood -------------------------------------------------------------
    def neighbourhood(self, claim_id: str) -> Records:
        from ...models import Claim, Evidence, Question, Source
        from ...workspace import Records

        conn = self.db
        claims = self.load_models(Claim, [claim_id])
        if claim_id not in claims:
            raise NotFound(f"no claim with id {claim_id!r}")
        claim = claims[claim_id]
        out = Records(problems=self.problems())
        out.claims[claim_id] = claim
        names = sorted({claim_id, *claim.aliases})
        in_names = marks(names)
        ev_ids = [
            r[0]
            for r in conn.execute(f"SELECT id FROM evidence WHERE claim_id IN ({in_names})", names)
        ]
        q_ids = [
            r[0]
            for r in conn.execute(f"SELECT id FROM questions WHERE claim_id IN ({in_names})", names)
        ]
        out.evidence = self.load_models(Evidence, ev_ids)
        out.questions = self.load_models(Question, q_ids)
        wanted = {m.source for m in claim.mentions} | {e.source for e in out.evidence.values()}
        group = derive.provenance_group(wanted, Relations(conn))
        out.sources = self.load_models(Source, group)
        partners = [other for other, _ in Related(self).conflicts_of({claim_id}).get(claim_id, [])]
        others = self.load_models(Claim, partners)
        for other in partners:
            if other in others:
                out.claims[other] = others[other]
        return out

    def claim_view(self, claim_id: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        """``Store.claim_view`` from the stored JSON, without loading any model."""
        from ..base import claim_detail

        conn = self.db
        row = conn.execute(
            "SELECT record, checkworthy, why FROM claims WHERE id = ?", (claim_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no claim with id {claim_id!r}")
        claim = json.loads(row[0])
        names = sorted({claim_id, *claim["aliases"]})
        in_names = marks(names)
        evidence = [
            json.loads(r[0])
            for r in conn.execute(
                f"SELECT record FROM evidence WHERE claim_id IN ({in_names}) ORDER BY id", names
            )
        ]
        questions = [
            json.loads(r[0])
            for r in conn.execute(
                f"SELECT record FROM questions WHERE claim_id IN ({in_names}) ORDER BY id", names
            )
        ]
        behind = {m["source"] for m in claim["mentions"]} | {e["source"] for e in evidence}
        group = derive.provenance_group(behind, Relations(conn))
        sources = {json.loads(r)["id"]: json.loads(r) for r in self.load_json("source", group)}
        assessment = self.assessments([claim_id]).get(claim_id)
        why = [(reason, weight) for reason, weight in json.loads(row[2])]
        return claim_detail(claim, evidence, questions, assessment, row[1], why), sources

    def neighbourhood_files(self, claim_id: str) -> list[tuple[str, str]]:
        """The record files ``show`` answers from for one claim: to check before answering."""
        conn = self.db
        out = [("claim", claim_id)]
        row = conn.execute("SELECT aliases FROM claims WHERE id = ?", (claim_id,)).fetchone()
        if row is None:
            return out
        names = sorted({claim_id, *json.loads(row[0])})
        in_names = marks(names)
        out += [
            ("evidence", r[0])
            for r in conn.execute(f"SELECT id FROM evidence WHERE claim_id IN ({in_names})", names)
        ]
        out += [
            ("question", r[0])
            for r in conn.execute(f"SELECT id FROM questions WHERE claim_id IN ({in_names})", names)
        ]
        behind = {
            r[0]
            for r in conn.execute("SELECT source_id FROM mentions WHERE claim_id = ?", (claim_id,))
        } | {
            r[0]
            for r in conn.execute(
                f"SELECT source_id FROM evidence WHERE claim_id IN ({in_names})", names
            )
        }
        out += [("source", s) for s in sorted(derive.provenance_group(behind, Relations(conn)))]
        out += [("claim", c) for c in sorted(Relations(conn).conflict_partners({claim_id}))]
        return out

    # -- matching ------------------------------------------------------------------------------
    def search(self, text: str, top: int = 100) -> list[tuple[str, float]]:
        from ...search import search

        return search(self.db, text, top)

    def claims_of_source(self, source_id: str) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT DISTINCT claim_id FROM mentions WHERE source_id = ? ORDER BY claim_id",
                (source_id,),
            )
        ]

    def mention_counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT source_id, count(*) FROM mentions GROUP BY source_id"))

    def alias_owner(self, prefix: str) -> list[str]:
        """Claims with an alias that starts with ``prefix``."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT DISTINCT claim_id FROM aliases WHERE alias >= ? AND alias < ? "
                "ORDER BY claim_id",
                (prefix, prefix + "\uffff"),
            )
        ]

    def claim_count(self) -> int:
        return self._count("SELECT count(*) FROM claims")

    def word_df(self, words: Iterable[str]) -> dict[str, int]:
        wanted = sorted(set(words))
        out: dict[str, int] = {}
        for chunk in chunks(wanted):
            out.update(
                self.db.execute(
                    f"SELECT word, df FROM match_words WHERE word IN ({marks(chunk)})", chunk
                ).fetchall()
            )
        return out


@cache
def _kind_of(model: type[Record]) -> str:
    """The kind of record a model is (``models.RECORD_TYPES`` the other way)."""
    from ...models import RECORD_TYPES

    return next(kind for kind, of_kind in RECORD_TYPES.items() if of_kind is model)


def _sql_text(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _assessment(row: Sequence[Any], *, explain: bool) -> Assessment:
    """An ``assessments`` row as the ``flags.Assessment`` it stores (origin groups only with
    ``explain``)."""
    from ...flags import Assessment, Flag, Origin

    cid, status, flags, origins, backing, mentions, claimant, groups, supporting, contra = row
    return Assessment(
        claim=cid,
        status=status,
        flags=[Flag(f["code"], f["detail"]) for f in json.loads(flags)],
        origins=origins,
        mentions=mentions,
        claimant=claimant,
        sources=backing,
        groups=[
            Origin(key=k, label=label, sources=tuple(s), claimant=bool(own))
            for k, label, s, own in json.loads(groups)
        ]
        if explain
        else [],
        supporting=json.loads(supporting),
        contradicting=json.loads(contra),
    )
