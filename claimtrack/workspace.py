"""The workspace: a folder of human-readable JSON records and archived snapshots.

Layout (``claims/`` by default)::

    claims/
      claimtrack.json          format version and settings; marks the folder as a workspace
      claims/c-<12 hex>.json   one file per record, sorted keys, 2-space indent
      sources/s-....json
      evidence/e-....json
      questions/q-....json
      snapshots/ab/abcd...     raw bytes and extracted text, named by their sha256
      .lock                    taken while writing

Writes are atomic (temp file, fsync, rename) and serialised by a file lock, so a crash leaves
either the old or the new version of a record, never half of one. A record that fails to load
is reported by path and the rest of the workspace still loads (``Workspace.problems``).

Everything else in claimtrack talks to the workspace through this class, so a second backend
(a shared PostgreSQL store) only has to provide the same methods.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import secrets
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import AmbiguousId, CorruptRecord, NotFound, WorkspaceError
from .ids import PREFIXES, kind_of
from .store.base import NaiveReads

if TYPE_CHECKING:
    from .models import Claim, Evidence, Question, Record, Source

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
_PREFIX_OK = re.compile(r"[a-z0-9-]+")
# What a record id may look like on disk: never a path ("../x", "a/b"), NUL or a dot-file.
_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def find_workspace(explicit: str | os.PathLike | None = None, cwd: Path | None = None) -> Path:
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


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, shared: bool = False) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never a mix.

    Records get a private temporary file's permissions (0600); ``shared`` files (exports made
    to be handed on) get the usual ones, 0666 less the umask.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if shared:
        tmp = str(path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"))
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    else:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


def dump_record(record: Record) -> bytes:
    """The stable on-disk form of a record: sorted keys, 2-space indent, UTF-8, final newline."""
    data = record.model_dump(mode="json")
    try:
        text = json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError:
        # An infinite or NaN float (a 400-digit "number" in a page) would be written as the
        # non-JSON word Infinity; pydantic's own JSON writes null, which every tool can read.
        data = json.loads(record.model_dump_json())
        text = json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading or assessing many records.

    Loading creates hundreds of thousands of long-lived objects and no reference cycles; each
    automatic collection rescans everything loaded so far, which made loading 100k claims
    three times slower (and worse than linear). Reference counting still frees garbage.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    if record.id != record_id:
        raise CorruptRecord(str(path), f"holds id {record.id!r}, not {record_id!r}")
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

    It is the folder backend of ``claimtrack.store.base.Store``.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.problems: list[CorruptRecord] = []
        self._lock = None

    @property
    def location(self) -> str:
        return str(self.root)

    # -- creating and opening ------------------------------------------------------------
    @classmethod
    def init(cls, root: str | os.PathLike) -> tuple[Workspace, bool]:
        """Create a workspace at ``root`` (or open the one there). Returns (workspace, created)."""
        from .models import SCHEMA_VERSION

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
            atomic_write(path / MARKER, (json.dumps(settings, indent=2) + "\n").encode())
        except OSError as exc:
            raise WorkspaceError(f"cannot create a workspace at {path}: {exc.strerror}") from exc
        return cls(path), True

    @classmethod
    def open(cls, root: str | os.PathLike | None = None) -> Workspace:
        """Open the workspace at ``root``, or find one as ``find_workspace`` does."""
        from .models import SCHEMA_VERSION

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

    def config(self) -> dict:
        marker = self.root / MARKER
        try:
            config = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise WorkspaceError(f"{marker} cannot be read: {exc}") from exc
        if not isinstance(config, dict):
            raise WorkspaceError(f"{marker} is not a JSON object; was it edited by hand?")
        return config

    @property
    def settings(self) -> dict:
        return self.config().get("settings") or {}

    def set_setting(self, key: str, value) -> None:
        with self.lock():
            config = self.config()
            config.setdefault("settings", {})[key] = value
            atomic_write(self.root / MARKER, (json.dumps(config, indent=2) + "\n").encode())

    # -- locking -------------------------------------------------------------------------
    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the workspace's write lock. Re-entrant within one process.

        Read-modify-write of a record (adding a mention to a claim) must happen inside it.
        """
        from filelock import FileLock, Timeout

        if self._lock is None:
            self._lock = FileLock(str(self.root / ".lock"))
        try:
            self._lock.acquire(timeout=LOCK_TIMEOUT)
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
            self._lock.release()

    def transaction(self):
        """The store interface's unit of writing; for a folder, the write lock."""
        return self.lock()

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
            return []
        return sorted(n[:-5] for n in names if n.endswith(".json") and not n.startswith("."))

    def exists(self, kind: str, record_id: str) -> bool:
        return self.path_for(kind, record_id).is_file()

    def resolve(self, prefix: str, kind: str | None = None) -> tuple[str, str]:
        """(kind, full id) for a unique id prefix, like git's short hashes.

        ``kind`` restricts the search; otherwise the prefix's type letter decides, and a bare
        hex prefix is searched in every kind. Merged claim ids resolve to the surviving claim.
        """
        prefix = prefix.strip()
        if not prefix or not _PREFIX_OK.fullmatch(prefix):
            raise NotFound(f"{prefix!r} is not a claimtrack id (ids look like c-3f2a9b1c0d4e)")
        kinds = [kind] if kind else ([kind_of(prefix)] if kind_of(prefix) else list(KIND_DIRS))
        candidates: list[tuple[str, str]] = []
        for k in kinds:
            wanted = prefix if kind_of(prefix) else PREFIXES[k] + prefix
            candidates += [(k, i) for i in self.ids(k) if i.startswith(wanted)]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            exact = [c for c in candidates if c[1] == prefix]
            if exact:
                return exact[0]
            raise AmbiguousId(prefix, [c[1] for c in candidates])
        if "claim" in kinds:
            for claim in self.load_all("claim"):
                if any(alias.startswith(prefix) for alias in claim.aliases):
                    return "claim", claim.id
        what = kind or kind_of(prefix) or "record"
        raise NotFound(f"no {what} with id {prefix!r} in {self.root}")

    def load(self, kind: str, record_id: str) -> Record:
        """Load one record; raises CorruptRecord naming the file when it does not validate."""
        path = self.path_for(kind, record_id)
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
        """Every loadable record of ``kind``; failures are added to ``self.problems``."""
        folder = os.path.join(self.root, KIND_DIRS[kind])
        records = []
        with gc_paused():
            for record_id in self.ids(kind):
                path = os.path.join(folder, record_id + ".json")
                try:
                    data = _read(path)
                except FileNotFoundError:  # removed between listdir and read
                    continue
                except OSError as exc:
                    self.problems.append(CorruptRecord(path, f"cannot be read: {exc.strerror}"))
                    continue
                try:
                    records.append(_parse(kind, record_id, path, data))
                except CorruptRecord as exc:
                    self.problems.append(exc)
        return records

    def records(self) -> Records:
        """All records, by id (the input of the graph and the analyses)."""
        self.problems = []
        out = Records()
        with gc_paused():
            out.claims = {r.id: r for r in self.load_all("claim")}
            out.sources = {r.id: r for r in self.load_all("source")}
            out.evidence = {r.id: r for r in self.load_all("evidence")}
            out.questions = {r.id: r for r in self.load_all("question")}
        out.problems = list(self.problems)
        return out

    def save(self, record: Record) -> Path:
        """Validate and atomically write one record (under the lock)."""
        return self.save_many([record])[0]

    def save_many(self, records: Iterable[Record]) -> list[Path]:
        """Validate every record first, then write them all under one lock acquisition."""
        from .models import RECORD_TYPES

        prepared = []
        for record in records:
            kind = next(k for k, t in RECORD_TYPES.items() if isinstance(record, t))
            if not _SAFE_ID.fullmatch(record.id):
                raise WorkspaceError(
                    f"cannot save a {kind} with id {record.id!r}: an id is lower-case letters, "
                    "digits and dashes, like c-3f2a9b1c0d4e"
                )
            # Re-validate so a record built with model_construct cannot write bad data.
            RECORD_TYPES[kind].model_validate(record.model_dump())
            prepared.append((self.path_for(kind, record.id), dump_record(record)))
        paths = []
        with self.lock():
            for path, data in prepared:
                try:
                    if path.is_file() and path.read_bytes() == data:
                        paths.append(path)
                        continue
                    atomic_write(path, data)
                except OSError as exc:
                    raise WorkspaceError(f"cannot write {path}: {exc.strerror}") from exc
                paths.append(path)
        return paths

    def delete(self, kind: str, record_id: str) -> None:
        with self.lock():
            try:
                self.path_for(kind, record_id).unlink()
            except FileNotFoundError:
                pass

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
        if not path.is_file():
            # No workspace lock: the name is the content and the rename is atomic, so two
            # writers of one blob write the same bytes, and ingest's worker threads do not
            # queue behind each other (4x slower with the lock, measured).
            try:
                atomic_write(path, data)
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
        try:
            return self.blob_path(sha256).read_bytes()
        except FileNotFoundError as exc:
            raise NotFound(f"snapshot {sha256[:12]} is missing from {self.root}") from exc

    def source_text(self, source: Source) -> str:
        """The archived main text of a source ('' if it has none)."""
        if not source.text_sha256:
            return ""
        return self.read_blob(source.text_sha256).decode("utf-8")
