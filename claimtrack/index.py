"""The workspace's persistent matching index, so linking one article costs the same at 1,000 or
100,000 claims.

It lives in ``<workspace>/.cache/match/`` and is derived data: it can be deleted at any time and
is rebuilt from the claim files (silently) whenever it is missing, corrupt, from another
version of claimtrack, or out of date. A ``.gitignore`` in ``.cache/`` keeps it out of git.

Layout::

    .cache/.gitignore       "*"
    .cache/match/meta.json  version, number of claims, and the fingerprint of claims/ it matches
    .cache/match/p/xyz.json postings: {key: [claim ids]}, 4096 shards by hash of the key
    .cache/match/d/xyz.json features: {claim id: {...}}, 4096 shards by the claim id

Keys are a claim's content words, its figure buckets (``#n:57``) and ``@s:<source id>`` for each
source that mentions it. A lookup reads only the shards of the keys it needs, and an update
rewrites only the shards it touches (each with ``atomic_write``).

Staleness: ``meta.json`` records the claims folder's modification time and size as they were
after the index's last update. Any other write to ``claims/`` changes them, and the next use
rebuilds the index. Each entry also keeps a hash of its claim, so a caller that loads a claim
the index named can check it (``matches_record``) and rebuild on a mismatch.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .match import (
    CANDIDATES,
    Features,
    FigureSpan,
    Match,
    claim_features,
    features,
    figure_keys,
    rank,
)
from .workspace import atomic_write

if TYPE_CHECKING:
    from .models import Claim, Figure
    from .workspace import Workspace

VERSION = 5
CACHE_DIR = ".cache"
INDEX_DIR = "match"
SHARDS = 4096
MAX_POSTINGS = 5000
"""A word or figure bucket on more claims than this keeps only its count: it is too common to
nominate candidates (``match.COMMON_POSTINGS``), and rewriting its list on every new claim
would make linking slower as the workspace grows."""


class StaleIndex(Exception):
    """The cache cannot be trusted; rebuild it (never shown to users)."""


def cache_dir(ws: Workspace):
    return ws.root / CACHE_DIR


def claim_hash(claim: Claim) -> str:
    """A short hash of what the index derives from a claim (text, claimant, figures, sources)."""
    data = json.dumps(
        [
            claim.text,
            claim.claimant,
            [f.model_dump(mode="json") for f in claim.figures],
            sorted({m.source for m in claim.mentions}),
        ],
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def _key_shard(key: str) -> str:
    return f"{zlib.crc32(key.encode('utf-8')) % SHARDS:03x}"


def _doc_shard(claim_id: str) -> str:
    # Claim ids are "c-" + hex; the hex is already uniformly spread.
    try:
        return f"{int(claim_id[2:5], 16) % SHARDS:03x}"
    except ValueError:
        return _key_shard(claim_id)


def _doc_keys(doc: dict) -> list[str]:
    spans = [FigureSpan(*f) for f in doc["f"]]
    return list(doc["w"]) + figure_keys(spans) + ["@s:" + s for s in doc["s"]]


def _doc_features(doc: dict) -> Features:
    return Features(
        tuple(doc["w"]),
        tuple(FigureSpan(*f) for f in doc["f"]),
        doc["c"],
        tuple(doc["b"]),
        tuple(doc["n"]),
    )


def _make_doc(claim: Claim) -> dict:
    feats = claim_features(claim)
    return {
        "w": list(feats.words),
        "f": [[s.group, s.lo, s.hi, s.unit] for s in feats.figures],
        "c": feats.claimant,
        "b": list(feats.subject),
        "n": list(feats.names),
        "s": sorted({m.source for m in claim.mentions}),
        "h": claim_hash(claim),
    }


class WorkspaceIndex:
    """The persistent index of a workspace's claims. Open it with ``WorkspaceIndex.open(ws)``.

    Changes (``put``, ``remove``) are kept in memory until ``flush``, which the caller runs
    after writing the claim records themselves, under the workspace lock.
    """

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.root = cache_dir(ws) / INDEX_DIR
        self.n = 0
        self._postings: dict[str, dict[str, list[str]]] = {}
        self._docs: dict[str, dict[str, dict]] = {}
        self._dirty_p: set[str] = set()
        self._dirty_d: set[str] = set()
        self._meta_dirty = False
        self.rebuilt = False

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, ws: Workspace) -> WorkspaceIndex:
        """The index of ``ws``, rebuilt first if it cannot be trusted."""
        own = getattr(ws, "match_index", None)
        if own is not None:  # a database case keeps its matching index in its own tables
            return own()
        index = cls(ws)
        try:
            index._read_meta()
        except StaleIndex:
            index.rebuild()
        return index

    def _fingerprint(self) -> list[int]:
        try:
            st = os.stat(self.ws.root / "claims")
        except FileNotFoundError:
            return [0, 0, 0]
        return [st.st_mtime_ns, st.st_ctime_ns, st.st_size]

    def _read_meta(self) -> None:
        try:
            meta = json.loads((self.root / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StaleIndex("no readable meta.json") from exc
        if not isinstance(meta, dict) or meta.get("version") != VERSION:
            raise StaleIndex("another version")
        if meta.get("fingerprint") != self._fingerprint():
            raise StaleIndex("claims changed since the index was written")
        n = meta.get("claims")
        if not isinstance(n, int) or n < 0:
            raise StaleIndex("bad claim count")
        self.n = n

    # -- shards ------------------------------------------------------------------------------
    def _load_shard(self, kind: str, shard: str) -> dict:
        cache = self._postings if kind == "p" else self._docs
        if shard in cache:
            return cache[shard]
        path = self.root / kind / f"{shard}.json"
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError:
            data = {}
        except (OSError, ValueError) as exc:
            raise StaleIndex(f"{path} unreadable") from exc
        if not isinstance(data, dict):
            raise StaleIndex(f"{path} is not an object")
        cache[shard] = data
        return data

    def postings(self, key: str) -> list[str]:
        """Ids of the claims with ``key`` ([] for a saturated key: see ``df``)."""
        ids = self._load_shard("p", _key_shard(key)).get(key, [])
        if isinstance(ids, int) and not isinstance(ids, bool):
            return []
        if not isinstance(ids, list):
            raise StaleIndex(f"bad postings for {key!r}")
        return ids

    def df(self, key: str) -> int:
        """How many claims have ``key``."""
        ids = self._load_shard("p", _key_shard(key)).get(key, [])
        return ids if isinstance(ids, int) else len(ids)

    def doc(self, claim_id: str) -> dict | None:
        doc = self._load_shard("d", _doc_shard(claim_id)).get(claim_id)
        if doc is not None and not (
            isinstance(doc, dict) and {"w", "f", "c", "b", "n", "s", "h"} <= set(doc)
        ):
            raise StaleIndex(f"bad entry for {claim_id}")
        return doc

    def _features(self, ids: Iterable[str]) -> dict[str, Features]:
        out = {}
        for cid in ids:
            doc = self.doc(cid)
            if doc is not None:
                try:
                    out[cid] = _doc_features(doc)
                except (TypeError, ValueError) as exc:
                    raise StaleIndex(f"bad entry for {cid}") from exc
        return out

    # -- queries -----------------------------------------------------------------------------
    def query(
        self,
        text: str,
        figures: list[Figure] | None = None,
        *,
        top: int = 5,
        claimant: str | None = None,
        candidates: int = CANDIDATES,
    ) -> list[Match]:
        """Like ``ClaimIndex.query``, over every claim in the workspace."""
        return self.query_features(
            features(text, figures, claimant), top=top, candidates=candidates
        )

    def query_features(
        self, feats: Features, *, top: int = 5, candidates: int = CANDIDATES
    ) -> list[Match]:
        return rank(
            feats,
            self.postings,
            self._features,
            self.n,
            top=top,
            candidates=candidates,
            df=self.df,
        )

    def claims_of_source(self, source_id: str) -> list[str]:
        """Ids of the claims that have a mention in ``source_id``."""
        return list(self.postings("@s:" + source_id))

    def matches_record(self, claim: Claim) -> bool:
        """Whether the index's entry for ``claim`` was made from this very record."""
        doc = self.doc(claim.id)
        return doc is not None and doc.get("h") == claim_hash(claim)

    # -- updates -----------------------------------------------------------------------------
    def put(self, claim: Claim) -> None:
        """Index ``claim`` (new or changed)."""
        self._remove(claim.id)
        doc = _make_doc(claim)
        shard = _doc_shard(claim.id)
        self._load_shard("d", shard)[claim.id] = doc
        self._dirty_d.add(shard)
        for key in _doc_keys(doc):
            kshard = _key_shard(key)
            postings = self._load_shard("p", kshard)
            ids = postings.setdefault(key, [])
            if isinstance(ids, int):
                postings[key] = ids + 1
            elif claim.id not in ids:
                ids.append(claim.id)
                if len(ids) > MAX_POSTINGS and not key.startswith("@"):
                    postings[key] = len(ids)
            self._dirty_p.add(kshard)
        self.n += 1
        self._meta_dirty = True

    def remove(self, claim_id: str) -> None:
        """Drop ``claim_id`` from the index (merged or deleted claims)."""
        self._remove(claim_id)

    def _remove(self, claim_id: str) -> None:
        shard = _doc_shard(claim_id)
        docs = self._load_shard("d", shard)
        doc = docs.pop(claim_id, None)
        if doc is None:
            return
        self._dirty_d.add(shard)
        for key in _doc_keys(doc):
            kshard = _key_shard(key)
            postings = self._load_shard("p", kshard)
            ids = postings.get(key)
            if isinstance(ids, int):
                if ids > 1:
                    postings[key] = ids - 1
                else:
                    del postings[key]
                self._dirty_p.add(kshard)
            elif ids and claim_id in ids:
                ids.remove(claim_id)
                if not ids:
                    del postings[key]
                self._dirty_p.add(kshard)
        self.n = max(0, self.n - 1)
        self._meta_dirty = True

    def flush(self) -> None:
        """Write what changed, then the meta file naming the claims folder's current state.

        Run it after the claim records are written, under the workspace lock, so the
        fingerprint covers them. A crash before the meta file is written leaves a stale
        fingerprint, and the next user rebuilds.
        """
        with self.ws.lock():
            if not (self._dirty_p or self._dirty_d or self._meta_dirty):
                if self._fingerprint_matches():
                    return
            _ensure_gitignore(cache_dir(self.ws))
            for kind, dirty, cache in (
                ("p", self._dirty_p, self._postings),
                ("d", self._dirty_d, self._docs),
            ):
                for shard in sorted(dirty):
                    path = self.root / kind / f"{shard}.json"
                    data = cache[shard]
                    if data:
                        atomic_write(path, _dump(data))
                    else:
                        try:
                            path.unlink()
                        except FileNotFoundError:
                            pass
                dirty.clear()
            self._write_meta()

    def _fingerprint_matches(self) -> bool:
        try:
            meta = json.loads((self.root / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return meta.get("fingerprint") == self._fingerprint() and meta.get("claims") == self.n

    def _write_meta(self) -> None:
        meta = {"version": VERSION, "claims": self.n, "fingerprint": self._fingerprint()}
        atomic_write(self.root / "meta.json", _dump(meta))
        self._meta_dirty = False

    def rebuild(self, claims: Iterable[Claim] | None = None) -> None:
        """Build the index afresh from ``claims`` (default: every claim file) and write it."""
        with self.ws.lock():
            if claims is None:
                problems = list(self.ws.problems)
                claims = self.ws.load_all("claim")
                # Corrupt records are reported by the commands that list them, not here.
                self.ws.problems = problems
            self._postings, self._docs = {}, {}
            self.n = 0
            for claim in claims:
                doc = _make_doc(claim)
                self._docs.setdefault(_doc_shard(claim.id), {})[claim.id] = doc
                for key in _doc_keys(doc):
                    self._postings.setdefault(_key_shard(key), {}).setdefault(key, []).append(
                        claim.id
                    )
                self.n += 1
            for postings in self._postings.values():
                for key, ids in postings.items():
                    if len(ids) > MAX_POSTINGS and not key.startswith("@"):
                        postings[key] = len(ids)
            try:
                if self.root.exists():
                    shutil.rmtree(self.root)
                _ensure_gitignore(cache_dir(self.ws))
                for kind, cache in (("p", self._postings), ("d", self._docs)):
                    for shard, data in cache.items():
                        atomic_write(self.root / kind / f"{shard}.json", _dump(data))
                self._dirty_p.clear()
                self._dirty_d.clear()
                self._write_meta()
            except OSError:
                # A read-only workspace still matches, from memory.
                pass
            self.rebuilt = True


def _dump(data) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _ensure_gitignore(folder) -> None:
    path = folder / ".gitignore"
    if not path.is_file():
        atomic_write(path, b"# claimtrack's derived caches: rebuilt when missing\n*\n")
