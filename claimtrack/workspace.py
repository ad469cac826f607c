"""The workspace: a folder of human-readable JSON records and archived snapshots.

Layout (``claims/`` by default)::

    claims/
      claimtrack.json          format version and settings; marks the folder as a workspace
      claims/c-<12 hex>.json   one file per record, sorted keys, 2-space indent
      sources/s-....json
      evidence/e-....json
      questions/q-....json
      snapshots/ab/abcd...     raw bytes and extracted text, named by their sha256
      .cache/index.sqlite      the case index (derived, rebuilt when missing; gitignored)
      .lock                    taken while writing

Writes are atomic (temp file, fsync, rename: ``claimtrack.atomic``) and serialised by a file
lock, so a crash leaves either the old or the new version of a record, never half of one. Many
writes (an ingest or import run) go in batches (``Workspace.batch``, ``claimtrack.batch``): the
files of a batch are synced together (one ``syncfs``) and each folder once, and the index takes
the whole batch in one transaction. A record that fails to load is reported by path and the
rest of the workspace still loads (``Workspace.problems``).

The files are the truth; the derived reads (``query_claims``, ``assessments``,
``neighbourhood``, ``search``, ...) are answered by the case index
(``claimtrack.store.index``), which notices any file changed behind its back.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from . import atomic
from .atomic import atomic_stream as atomic_stream  # importable from here, as before
from .atomic import atomic_write as atomic_write
from .atomic import write_batch as write_batch
from .batch import Batch
from .errors import AmbiguousId, CorruptRecord, NotFound, WorkspaceError
from .ids import PREFIXES, kind_of
from .store.base import NaiveReads

if TYPE_CHECKING:
    from filelock import BaseFileLock
    from typing_extensions import Unpack

    from .flags import Assessment
    from .models import Claim, Evidence, Question, Record, Source
    from .store.base import ClaimQuery, ClaimRow
    from .store.index import CaseIndex
    from .store.verify import VerifyReport

SCHEMA_VERSION = 1
"""The format of a workspace folder and its records (``claimtrack.json``'s schema_version)."""
MARKER = "claimtrack.json"
DEFAULT_DIR = "claims"
ENV_VAR = "CLAIMTRACK_WORKSPACE"
KIND_DIRS = {
    "claim": "claims",
    "source": "sources",
    "evidence": "evidence",
    "question": "questions",
}
LOCK_TIMEOUT = 60.0
BATCH_RECORDS = 1000
"""Records staged before a batch is committed (``Workspace.batch``)."""
_PREFIX_OK = re.compile(r"[a-z0-9-]+")
# What a record id may look like on disk: never a path ("../x", "a/b"), NUL or a dot-file.
_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
T = TypeVar("T")
_Written = tuple[str, str, "Record | None", "tuple[int, int] | None", "bytes | None"]
"""A file this process wrote or removed: (kind, id, record, (size, mtime_ns), bytes)."""


def find_workspace(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """The workspace folder to use: ``explicit``, else $CLAIMTRACK_WORKSPACE, else the nearest
    ``claims/`` (or workspace folder itself) found walking up from ``cwd``, like git's ``.git``.
    """
    chosen = explicit or os.environ.get(ENV_VAR)
    if chosen:
        path = Path(chosen).expanduser()
        if not (path / MARKER).is_file():
            raise WorkspaceError(
                f"{path} is not a claimtrack workspace (no {MARKER}); "
                f"create one with: claimtrack init {path}"
            )
        return path
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return folder
        if (folder / DEFAULT_DIR / MARKER).is_file():
            return folder / DEFAULT_DIR
    raise WorkspaceError(
        "no claimtrack workspace here or in any parent folder; "
        "create one with: claimtrack init (or pass --workspace DIR)"
    )


class _Unusual(Exception):
    """A value whose JSON text ``json.dumps`` decides (see ``_keys_sorted``)."""


def _keys_sorted(value: Any) -> Any:
    """``value`` (a ``model_dump(mode="json")``) with every object's keys in sorted order;
    ``_Unusual`` for a float pydantic-core would write otherwise than ``json.dumps`` (it
    writes 1e-05 as 0.00001) or not at all (infinity, NaN)."""
    kind = type(value)
    if kind is dict:
        return _object_sorted(value)
    if kind is list:
        return [_keys_sorted(item) for item in value]
    if kind is float and not (value == 0 or 1e-4 <= abs(value) < math.inf):
        raise _Unusual
    return value


def _object_sorted(obj: dict[str, Any]) -> dict[str, Any]:
    """``_keys_sorted`` of an object (its plain values checked here: a call less for each)."""
    out = {}
    for key in sorted(obj):
        value = obj[key]
        kind = type(value)
        if kind is dict or kind is list:
            value = _keys_sorted(value)
        elif kind is float and not (value == 0 or 1e-4 <= abs(value) < math.inf):
            raise _Unusual
        out[key] = value
    return out


def dump_record(record: Record) -> bytes:
    """The stable on-disk form of a record: sorted keys, 2-space indent, UTF-8, final newline.

    The bytes are ``json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)``'s;
    pydantic-core's encoder writes them (in a third of the time) when every float is one it
    writes the same way (tests/test_properties.py holds the two equal)."""
    return _encoded(record)[0]


def _encoded(record: Record) -> tuple[bytes, bool]:
    """``dump_record``'s bytes, and whether reading them gives back the record's values
    (not when an infinite or NaN float was written as null)."""
    from pydantic_core import PydanticSerializationError, to_json

    data = record.model_dump(mode="json")
    try:
        return to_json(_keys_sorted(data), indent=2) + b"\n", True
    except (_Unusual, PydanticSerializationError):
        pass  # json.dumps decides (a lone surrogate fails there as it always did)
    exact = True
    try:
        text = json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError:
        # An infinite or NaN float (a 400-digit "number" in a page) would be written as the
        # non-JSON word Infinity; pydantic's own JSON writes null, which every tool can read.
        data = json.loads(record.model_dump_json())
        text = json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)
        exact = False
    return (text + "\n").encode("utf-8"), exact


def _read(path: str) -> bytes:
    """A whole file's bytes (os-level calls: a third of the cost of open() for small files)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _parse(kind: str, record_id: str, path: str | Path, data: bytes) -> Record:
    """Validate the bytes of one record file; CorruptRecord (naming the file) if they are bad."""
    from pydantic import ValidationError

    from .models import RECORD_TYPES

    try:
        record = RECORD_TYPES[kind].model_validate_json(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "file"
        raise CorruptRecord(str(path), f"{where}: {first.get('msg')}") from exc
    found = getattr(record, "id", None)  # every kind of RECORD_TYPES has one
    if found != record_id:
        raise CorruptRecord(str(path), f"holds id {found!r}, not {record_id!r}")
    return record


@dataclass
class Records:
    """Every record of a workspace, by id; what the graph and the analyses are built from."""

    claims: dict[str, Claim] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    problems: list[CorruptRecord] = field(default_factory=list)


class Workspace(NaiveReads):
    """A claimtrack workspace on disk. Open one with ``Workspace.open`` or ``Workspace.init``.

    It is the folder backend of ``claimtrack.store.base.Store``: records are read from and
    written to their files; the derived reads come from the case index.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.problems: list[CorruptRecord] = []
        self._lock: BaseFileLock | None = None
        self._index: CaseIndex | None = None
        self._batch: Batch | None = None
        self._fresh = False  # the index was checked since this process took the lock

    @property
    def location(self) -> str:
        return str(self.root)

    # -- creating and opening ------------------------------------------------------------
    @classmethod
    def init(cls, root: str | os.PathLike[str]) -> tuple[Workspace, bool]:
        """Create a workspace at ``root`` (or open the one there). Returns (workspace, created)."""
        path = Path(root)
        if (path / MARKER).is_file():
            return cls.open(path), False
        if path.exists() and not path.is_dir():
            raise WorkspaceError(f"{path} exists and is not a folder")
        try:
            path.mkdir(parents=True, exist_ok=True)
            for sub in (*KIND_DIRS.values(), "snapshots"):
                (path / sub).mkdir(exist_ok=True)
            settings = {"schema_version": SCHEMA_VERSION, "settings": {}}
            atomic.atomic_write(path / MARKER, (json.dumps(settings, indent=2) + "\n").encode())
        except OSError as exc:
            raise WorkspaceError(f"cannot create a workspace at {path}: {exc.strerror}") from exc
        return cls(path), True

    @classmethod
    def open(cls, root: str | os.PathLike[str] | None = None) -> Workspace:
        """Open the workspace at ``root``, or find one as ``find_workspace`` does."""
        path = find_workspace(root)
        ws = cls(path)
        version = ws.config().get("schema_version")
        if not isinstance(version, int):
            raise WorkspaceError(f"{path / MARKER} has no schema_version; is it a workspace?")
        if version > SCHEMA_VERSION:
            raise WorkspaceError(
                f"{path} was written by a newer claimtrack (format {version}, this one reads "
                f"up to {SCHEMA_VERSION}); upgrade claimtrack"
            )
        return ws

    def config(self) -> dict[str, Any]:
        marker = self.root / MARKER
        try:
            config = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise WorkspaceError(f"{marker} cannot be read: {exc}") from exc
        if not isinstance(config, dict):
            raise WorkspaceError(f"{marker} is not a JSON object; was it edited by hand?")
        return config

    @property
    def settings(self) -> dict[str, Any]:
        return self.config().get("settings") or {}

    def set_setting(self, key: str, value: Any) -> None:
        with self.lock():
            config = self.config()
            config.setdefault("settings", {})[key] = value
            atomic.atomic_write(self.root / MARKER, (json.dumps(config, indent=2) + "\n").encode())

    # -- locking -------------------------------------------------------------------------
    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the workspace's write lock. Re-entrant within one process.

        Read-modify-write of a record (adding a mention to a claim) must happen inside it.
        """
        from filelock import FileLock, Timeout

        if self._lock is None:
            self._lock = FileLock(str(self.root / ".lock"))
        lock = self._lock
        try:
            lock.acquire(timeout=LOCK_TIMEOUT)
        except Timeout as exc:
            raise WorkspaceError(
                f"the workspace {self.root} is locked by another claimtrack process; "
                "try again when it has finished"
            ) from exc
        except OSError as exc:
            raise WorkspaceError(f"cannot lock {self.root}: {exc.strerror}") from exc
        try:
            yield
        finally:
            lock.release()
            if not lock.is_locked:
                self._fresh = False

    def transaction(self) -> AbstractContextManager[None]:
        """The store interface's unit of writing; for a folder, the write lock (each save
        is written whole when it returns)."""
        return self.lock()

    @contextmanager
    def batch(self, size: int | None = None) -> Iterator[None]:
        """Write many records in batches: inside, ``save``/``save_many``/``delete``/
        ``put_blob`` are staged (and seen by every read of this workspace object) and
        committed every ``size`` records (``BATCH_RECORDS``) and at the end: the files of a batch are written and
        fsynced together, each folder is fsynced once, and the index takes the batch in one
        transaction. A crash keeps every committed batch whole (and every record of an
        interrupted one whole or absent). Re-entrant: an inner ``batch`` joins the outer one.

        ``on_commit(callback)`` runs ``callback()`` after the batch holding the writes staged
        so far is committed (ingest reports its results then).
        """
        if self._batch is not None:
            yield
            return
        self._batch = Batch(self, size or BATCH_RECORDS)
        try:
            yield
            self._batch.flush()
        except BaseException:
            self._batch.abandon()
            raise
        finally:
            self._batch = None

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once what has been written is committed (at once outside a
        batch)."""
        if self._batch is None:
            callback()
        else:
            self._batch.callbacks.append(callback)

    # -- the case index --------------------------------------------------------------------
    def _open_index(self) -> CaseIndex:
        from .store.index import CaseIndex

        if self._index is None:
            self._index = CaseIndex(self)
        return self._index.open()

    def _indexed(
        self,
        read: Callable[[CaseIndex], T],
        *,
        full: bool = True,
        files: Callable[[CaseIndex], Iterable[tuple[str, str]]] | None = None,
    ) -> T:
        """``read(index)`` on an index brought up to date first: every file checked
        (``full``), or the folders and the files ``files(index)`` names. A damaged index is
        rebuilt and the read tried once more."""
        from .store.index import index_error

        for attempt in range(2):
            if self._batch is not None:
                self._batch.apply()  # reads see what this batch has staged
            index = self._open_index()
            try:
                if not index.in_transaction and not (self._fresh and not full):
                    if full:
                        index.sync(full=True)
                    else:
                        for _ in range(3):  # the files named may name others once read
                            named = list(files(index)) if files else []
                            before = index.files_version()
                            index.sync(full=False, files=named)
                            if index.files_version() == before:
                                break
                    if self._lock is not None and self._lock.is_locked:
                        self._fresh = True
                result = read(index)
                self.problems = index.problems()
                return result
            except Exception as exc:
                if attempt or not index_error(exc) or index.in_transaction:
                    if index_error(exc) and not isinstance(exc, WorkspaceError):
                        raise WorkspaceError(
                            f"the case index in {self.root} is busy or damaged: {exc}"
                        ) from exc
                    raise
                index.rebuild()
        raise AssertionError("unreachable")  # pragma: no cover

    def verify(self) -> VerifyReport:
        """Re-hash every archived snapshot and check every record file
        (``claimtrack.store.verify``)."""
        from .store.verify import verify_folder

        return verify_folder(self)

    def write_graphml(self, out: BinaryIO) -> None:
        """The whole case as GraphML, written to the binary file ``out`` as it is read from
        the index (``claimtrack.store.graphml``): the same document as
        ``export.render(prepare(records), "graphml")`` in a fraction of the memory."""
        from .store.graphml import write_graphml

        self._indexed(lambda index: None)
        write_graphml(self._open_index(), out)

    def reindex(self) -> dict[str, Any]:
        """Rebuild the case index from the record files; returns counts for a message."""
        from .store.index import CaseIndex

        index = self._index or CaseIndex(self)
        self._index = index
        started = time.perf_counter()
        index.rebuild(force=True)
        counts: dict[str, Any] = dict(index.counts())
        counts["seconds"] = round(time.perf_counter() - started, 2)
        counts["path"] = str(index.path) if not index.in_memory else None
        self.problems = index.problems()
        return counts

    # -- derived reads (the store interface; the answers NaiveReads defines) ---------------
    def query_claims(self, **query: Unpack[ClaimQuery]) -> list[ClaimRow]:
        return self._indexed(lambda index: index.query_claims(**query))

    def checkworthy_threshold(self) -> float:
        return self._indexed(lambda index: index.checkworthy_threshold(), full=False)

    def query_claims_json(
        self, fields: Sequence[tuple[str, str]], **query: Unpack[ClaimQuery]
    ) -> list[str]:
        return self._indexed(lambda index: list(index.query_claims_json(fields, **query)))

    def assessments(self, claim_ids: Iterable[str] | None = None) -> dict[str, Assessment]:
        if claim_ids is None:
            return self._indexed(lambda index: index.assessments(None))
        wanted = list(claim_ids)
        return self._indexed(
            lambda index: index.assessments(wanted),
            full=False,
            files=lambda index: [f for c in wanted for f in index.neighbourhood_files(c)],
        )

    def neighbourhood(self, claim_id: str) -> Records:
        return self._indexed(
            lambda index: index.neighbourhood(claim_id),
            full=False,
            files=lambda index: index.neighbourhood_files(claim_id),
        )

    def claim_view(self, claim_id: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        return self._indexed(
            lambda index: index.claim_view(claim_id),
            full=False,
            files=lambda index: index.neighbourhood_files(claim_id),
        )

    def search(self, text: str, top: int = 100) -> list[tuple[str, float]]:
        return self._indexed(lambda index: index.search(text, top), full=False)

    def claims_of_source(self, source_id: str) -> list[str]:
        return self._indexed(lambda index: index.claims_of_source(source_id), full=False)

    def mention_counts(self) -> dict[str, int]:
        return self._indexed(lambda index: index.mention_counts())

    def match_statistics(self, words: Iterable[str]) -> tuple[int, dict[str, int]]:
        """(number of claims, {word: claims whose matching features hold it}) for
        ``claimtrack.match.rerank``'s ``n`` and ``df``."""
        wanted = list(words)
        return self._indexed(lambda index: (index.claim_count(), index.word_df(wanted)), full=False)

    # -- records -------------------------------------------------------------------------
    def path_for(self, kind: str, record_id: str) -> Path:
        """The file of a record. An id that could name a path outside its folder is refused."""
        if not isinstance(record_id, str) or not _SAFE_ID.fullmatch(record_id):
            raise NotFound(f"{record_id!r} is not a claimtrack id (ids look like c-3f2a9b1c0d4e)")
        return self.root / KIND_DIRS[kind] / f"{record_id}.json"

    def ids(self, kind: str) -> list[str]:
        """Ids of the records of ``kind`` on disk, sorted (cheap: no file is read)."""
        folder = self.root / KIND_DIRS[kind]
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            names = []
        found = {n[:-5] for n in names if n.endswith(".json") and not n.startswith(".")}
        if self._batch is not None:
            for (k, record_id), staged in self._batch.records.items():
                if k == kind:
                    if staged.data is None:
                        found.discard(record_id)
                    else:
                        found.add(record_id)
        return sorted(found)

    def exists(self, kind: str, record_id: str) -> bool:
        path = self.path_for(kind, record_id)
        if self._batch is not None and (kind, record_id) in self._batch.records:
            return self._batch.records[(kind, record_id)].data is not None
        return path.is_file()

    def resolve(self, prefix: str, kind: str | None = None) -> tuple[str, str]:
        """(kind, full id) for a unique id prefix, like git's short hashes.

        ``kind`` restricts the search; otherwise the prefix's type letter decides, and a bare
        hex prefix is searched in every kind. Merged claim ids resolve to the surviving claim.
        """
        prefix = prefix.strip()
        if not prefix or not _PREFIX_OK.fullmatch(prefix):
            raise NotFound(f"{prefix!r} is not a claimtrack id (ids look like c-3f2a9b1c0d4e)")
        typed = kind_of(prefix)
        kinds = [kind] if kind else ([typed] if typed else list(KIND_DIRS))
        candidates: list[tuple[str, str]] = []
        for k in kinds:
            wanted = prefix if typed else PREFIXES[k] + prefix
            candidates += [(k, i) for i in self.ids(k) if i.startswith(wanted)]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            exact = [c for c in candidates if c[1] == prefix]
            if exact:
                return exact[0]
            raise AmbiguousId(prefix, [c[1] for c in candidates])
        if "claim" in kinds:
            wanted = prefix if kind_of(prefix) else PREFIXES["claim"] + prefix
            owners = self._indexed(lambda index: index.alias_owner(wanted), full=False)
            if owners:
                return "claim", owners[-1]
        what = kind or kind_of(prefix) or "record"
        raise NotFound(f"no {what} with id {prefix!r} in {self.root}")

    def load(self, kind: str, record_id: str) -> Record:
        """Load one record; raises CorruptRecord naming the file when it does not validate."""
        path = self.path_for(kind, record_id)
        if self._batch is not None and (kind, record_id) in self._batch.records:
            staged = self._batch.records[(kind, record_id)]
            if staged.data is None:
                raise NotFound(f"no {kind} with id {record_id!r} in {self.root}")
            return _parse(kind, record_id, path, staged.data)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise NotFound(f"no {kind} with id {record_id!r} in {self.root}") from exc
        return _parse(kind, record_id, path, data)

    def get(self, prefix: str, kind: str | None = None) -> Record:
        """Load a record by unique id prefix."""
        kind, record_id = self.resolve(prefix, kind)
        return self.load(kind, record_id)

    def load_many(self, kind: str, record_ids: Iterable[str]) -> dict[str, Record]:
        """The records of these ids that exist and load; failures go to ``self.problems``."""
        out: dict[str, Record] = {}
        for record_id in record_ids:
            try:
                out[record_id] = self.load(kind, record_id)
            except NotFound:
                continue
            except CorruptRecord as exc:
                self.problems.append(exc)
        return out

    def load_all(self, kind: str) -> list[Record]:
        """Every loadable record of ``kind``, in id order; failures are added to
        ``self.problems``."""
        records = self._indexed(lambda index: list(index.load_records(kind).values()))
        self.problems = [p for p in self.problems if _kind_of_path(p.path) == kind]
        return records

    def records(self) -> Records:
        """All records, by id (the input of the graph and the analyses)."""
        return self._indexed(lambda index: index.records())

    def read_files(self) -> Records:
        """Every record read from its file, bypassing the index (slow on a big case: for
        ``verify`` and for tests that check the index against the files)."""
        out = Records()
        for kind, attr in (
            ("claim", "claims"),
            ("source", "sources"),
            ("evidence", "evidence"),
            ("question", "questions"),
        ):
            folder = os.path.join(self.root, KIND_DIRS[kind])
            found = {}
            for record_id in self.ids(kind):
                path = os.path.join(folder, record_id + ".json")
                try:
                    data = _read(path)
                except FileNotFoundError:  # removed between listdir and read
                    continue
                except OSError as exc:
                    out.problems.append(CorruptRecord(path, f"cannot be read: {exc.strerror}"))
                    continue
                try:
                    found[record_id] = _parse(kind, record_id, path, data)
                except CorruptRecord as exc:
                    out.problems.append(exc)
            setattr(out, attr, found)
        return out

    def save(self, record: Record) -> None:
        """Validate and atomically write one record (under the lock)."""
        self.save_many([record])

    def save_many(self, records: Iterable[Record]) -> None:
        """Validate every record first, then write them all under one lock acquisition."""
        from .models import RECORD_TYPES

        prepared: list[tuple[str, Record, str, Path, bytes]] = []
        for record in records:
            kind = next((k for k, t in RECORD_TYPES.items() if isinstance(record, t)), None)
            record_id = getattr(record, "id", None)  # every kind of RECORD_TYPES has one
            if kind is None or not isinstance(record_id, str):
                raise WorkspaceError(f"a {type(record).__name__} is not a record of its own")
            if not _SAFE_ID.fullmatch(record_id):
                raise WorkspaceError(
                    f"cannot save a {kind} with id {record_id!r}: an id is lower-case letters, "
                    "digits and dashes, like c-3f2a9b1c0d4e"
                )
            data, exact = _encoded(record)
            # Re-validate so a record built with model_construct cannot write bad data: from
            # the bytes to be written when they give its values back (quicker), else from them.
            model = RECORD_TYPES[kind]
            if exact:
                checked = model.model_validate_json(data)
            else:
                checked = model.model_validate(record.model_dump())
            path = self.path_for(kind, record_id)
            prepared.append((kind, checked, record_id, path, data))
        with self.lock():
            if self._batch is not None:
                for kind, record, record_id, path, data in prepared:
                    self._batch.stage(kind, record_id, path, data, record)
                return
            written: list[_Written] = []
            for kind, record, record_id, path, data in prepared:
                try:
                    if path.is_file() and path.read_bytes() == data:
                        continue
                    stat = atomic.atomic_write(path, data)
                except OSError as exc:
                    raise WorkspaceError(f"cannot write {path}: {exc.strerror}") from exc
                written.append((kind, record_id, record, stat, data))
            self._index_writes(written)

    def delete(self, kind: str, record_id: str) -> None:
        with self.lock():
            path = self.path_for(kind, record_id)
            if self._batch is not None:
                self._batch.stage(kind, record_id, path, None, None)
                return
            try:
                path.unlink()
            except FileNotFoundError:
                return
            self._index_writes([(kind, record_id, None, None, None)])

    def _index_writes(self, written: list[_Written]) -> None:
        """Tell the index about files this process has just written or removed (a failure
        here loses nothing: the next read sees the files' new stamps)."""
        from .store.index import index_error

        if not written:
            return
        try:
            index = self._open_index()
            with index.writing(sync=False):
                for kind, record_id, record, stat, data in written:
                    if record is None or stat is None or data is None:
                        index.forgot(kind, record_id)
                    else:
                        index.wrote(kind, record_id, stat, hashlib.sha256(data).hexdigest())
                index.apply_many((k, i, r, None) for k, i, r, _, _ in written)
        except Exception as exc:
            if not index_error(exc):
                raise
            if self._index is not None:
                self._index.close()

    # -- snapshots -------------------------------------------------------------------------
    def blob_path(self, sha256: str) -> Path:
        """The file of a snapshot. Anything but a sha256 in hex is refused (never a path)."""
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            raise NotFound(f"{str(sha256)[:80]!r} is not the sha256 of a snapshot")
        return self.root / "snapshots" / sha256[:2] / sha256

    def put_blob(self, data: bytes) -> str:
        """Archive bytes by their sha256 (idempotent) and return the hash."""
        sha = hashlib.sha256(data).hexdigest()
        path = self.blob_path(sha)
        if self._batch is not None:
            if not path.is_file():
                self._batch.blobs[sha] = data
            return sha
        if not path.is_file():
            # No workspace lock: the name is the content and the rename is atomic, so two
            # writers of one blob write the same bytes, and ingest's worker threads do not
            # queue behind each other (4x slower with the lock, measured).
            try:
                atomic.atomic_write(path, data)
            except OSError as exc:
                raise WorkspaceError(f"cannot write {path}: {exc.strerror}") from exc
        return sha

    def blob_hashes(self) -> Iterator[str]:
        """The sha256 of every archived snapshot (file names that are not one are skipped)."""
        folder = self.root / "snapshots"
        if not folder.is_dir():
            return
        for sub in sorted(folder.iterdir()):
            if sub.is_dir():
                for blob in sorted(sub.iterdir()):
                    if _SHA256.fullmatch(blob.name):
                        yield blob.name

    def read_blob(self, sha256: str) -> bytes:
        path = self.blob_path(sha256)
        if self._batch is not None and sha256 in self._batch.blobs:
            return self._batch.blobs[sha256]
        try:
            return path.read_bytes()
        except FileNotFoundError as exc:
            raise NotFound(f"snapshot {sha256[:12]} is missing from {self.root}") from exc

    def source_text(self, source: Source) -> str:
        """The archived main text of a source ('' if it has none)."""
        if not source.text_sha256:
            return ""
        return self.read_blob(source.text_sha256).decode("utf-8")


def _kind_of_path(path: str) -> str | None:
    folder = os.path.basename(os.path.dirname(path))
    return next((k for k, d in KIND_DIRS.items() if d == folder), None)
