"""``verify``: is everything in a case whole? Every archived snapshot re-hashed, every record
checked. The folder's version is here; a database backend provides its own ``verify`` with the
same report."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..workspace import Workspace


@dataclass
class VerifyProblem:
    """One thing wrong with the archive. ``to_json()`` is the ``verify --json`` contract."""

    problem: str
    """missing, mismatch or corrupt."""
    path: str
    source: str | None = None
    detail: str = ""

    def to_json(self) -> dict[str, str | None]:
        return {
            "problem": self.problem,
            "path": self.path,
            "source": self.source,
            "detail": self.detail,
        }


@dataclass
class VerifyReport:
    sources: int = 0
    snapshots: int = 0
    problems: list[VerifyProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify_folder(ws: Workspace) -> VerifyReport:
    """Re-hash every archived snapshot: those the sources reference (missing ones reported)
    and any other file under snapshots/; and report every record file that does not load
    (read from the files themselves, not the index)."""
    report = VerifyReport()
    records = ws.read_files()
    for problem in records.problems:
        report.problems.append(VerifyProblem("corrupt", problem.path, None, problem.reason))
    checked: set[Path] = set()
    for source in sorted(records.sources.values(), key=lambda s: s.id):
        report.sources += 1
        for label, sha in (("snapshot", source.sha256), ("text", source.text_sha256)):
            if not sha:
                continue
            path = ws.blob_path(sha)
            if path in checked:
                continue
            checked.add(path)
            if not path.is_file():
                report.problems.append(
                    VerifyProblem("missing", str(path), source.id, f"the archived {label} is gone")
                )
                continue
            report.snapshots += 1
            actual = _hash_file(path)
            if actual != sha:
                report.problems.append(
                    VerifyProblem(
                        "mismatch",
                        str(path),
                        source.id,
                        f"the archived {label} has changed (sha256 now {actual[:12]}...)",
                    )
                )
    snapshots = ws.root / "snapshots"
    if snapshots.is_dir():
        for path in sorted(p for p in snapshots.rglob("*") if p.is_file()):
            if path in checked or path.name.startswith("."):
                continue
            report.snapshots += 1
            actual = _hash_file(path)
            if actual != path.name:
                report.problems.append(
                    VerifyProblem(
                        "mismatch",
                        str(path),
                        None,
                        f"contents do not match the file name (sha256 now {actual[:12]}...)",
                    )
                )
    return report
