"""``verify`` for a database case: every archived snapshot re-hashed by the server (only the
hashes travel), every record checked; the report of ``claimtrack.store.verify``.

Problems are listed as the folder lists them: records that do not load, then the snapshots
the sources name (in source order; missing, or holding other bytes), then any other snapshot
whose bytes do not match the sha256 it is kept under. A snapshot is named
``<case> snapshot <sha256>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..verify import VerifyProblem, VerifyReport
from . import records

if TYPE_CHECKING:
    from .connection import Database


def verify(db: Database) -> VerifyReport:
    case = records.read_all(db)
    actual: dict[str, str] = dict(
        db.rows("SELECT sha256, encode(sha256(data), 'hex') FROM blobs ORDER BY sha256")
    )
    report = VerifyReport(
        problems=[VerifyProblem("corrupt", p.path, None, p.reason) for p in case.problems]
    )
    named: dict[str, tuple[str, str]] = {}  # sha256 -> (first source naming it, what it is)
    for source in sorted(case.sources.values(), key=lambda s: s.id):
        report.sources += 1
        for label, sha in (("snapshot", source.sha256), ("text", source.text_sha256)):
            if sha:
                named.setdefault(sha, (source.id, label))
    for sha, (source_id, label) in named.items():
        where = f"{db.location} snapshot {sha}"
        if sha not in actual:
            report.problems.append(
                VerifyProblem("missing", where, source_id, f"the archived {label} is gone")
            )
            continue
        report.snapshots += 1
        if actual[sha] != sha:
            report.problems.append(
                VerifyProblem(
                    "mismatch", where, source_id,
                    f"the archived {label} has changed (sha256 now {actual[sha][:12]}...)",
                )
            )  # fmt: skip
    for sha, now in actual.items():
        if sha in named:
            continue
        report.snapshots += 1
        if now != sha:
            report.problems.append(
                VerifyProblem(
                    "mismatch", f"{db.location} snapshot {sha}", None,
                    f"contents do not match the sha256 it is stored under (now {now[:12]}...)",
                )
            )  # fmt: skip
    return report
