"""Vectors of every answer candidate (sentence of a passage, table row), computed once at ingest.

The extractive answerer re-scores its best candidates by similarity to the
question; with these stored it never embeds a sentence at question time. Keys
are a hash of the candidate's text as ``units.candidates`` cuts it (the same
splitter the answerer uses), so a candidate not stored (a knowledge base from an
older planqa) is simply embedded when asked — slower, same score. Chunk and
candidate vectors both go through the on-disk ``VectorCache``, so only texts
never embedded before by this model cost anything. Not a retrieval index.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from planqa.config import Settings
from planqa.embeddings.vector_cache import VectorCache, text_key
from planqa.rag.query import QueryInfo
from planqa.rag.answer.units import candidates
from planqa.types import Chunk, Hit

KEYS_FILE, VECTORS_FILE = "sentence_keys.json", "sentence_vectors.npy"
_NO_QUERY = QueryInfo("", (), (), (), ())


class SentenceVectorsError(ValueError):
    """The stored sentence vectors are damaged or do not match the embedder."""


CHECKPOINT = 4096  # texts embedded between two saves of the vector cache in a large ingest


def unit_texts(chunk: Chunk) -> list[str]:
    """The texts of a chunk's answer candidates, exactly as the answerer scores them.

    >>> from planqa.types import Chunk
    >>> c = Chunk("d-1", "d", "d.txt", "标题", ("第一章",), "text", "加快建设新型工业化。推进城市更新行动。", 0, 19, 1, 1)
    >>> unit_texts(c)
    ['加快建设新型工业化。', '推进城市更新行动。']
    """
    return [u.text for u in candidates([Hit(chunk, 0.0, "")], _NO_QUERY)]


def cache_root(settings: Settings) -> Path:
    """Where passage vectors are cached: ``embed_cache_dir``, else beside the knowledge base (it outlives
    ``--rebuild``). The cache is content-addressed, so several data folders may share one."""
    if settings.embed_cache_dir:
        return Path(settings.embed_cache_dir).expanduser()
    return settings.data_path / "cache" / "vectors"


class SentenceVectors:
    """Candidate vectors per document, and the vector cache every passage embedding goes through."""

    def __init__(self, settings: Settings, embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self._by_doc: dict[str, list[str]] = {}  # doc_id → keys of its candidates
        self._vectors: dict[str, np.ndarray] = {}  # key → unit vector
        self._cache: VectorCache | None = None

    # ---- ingest -------------------------------------------------------------------------
    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """Passage vectors of ``texts`` through the cache (only unseen texts reach the model)."""
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        fn = self._embed_fn()
        if not self.settings.embed_cache:
            return fn(texts, show_progress=show_progress)
        if self._cache is None:
            self._cache = VectorCache(cache_root(self.settings), self.embedder.model_id, self.embedder.dim)
        if len(texts) <= CHECKPOINT:
            return self._cache.embed(texts, fn, show_progress)
        parts = []
        for i in range(0, len(texts), CHECKPOINT):  # a large ingest resumes from the last saved slice
            parts.append(self._cache.embed(texts[i:i + CHECKPOINT], fn, show_progress))
            self._cache.save()
        return np.vstack(parts)

    def _embed_fn(self):
        """The embedding function: the embedder itself, or worker processes when ``ingest_workers`` > 1."""
        if self.settings.ingest_workers <= 1:
            return self.embedder.embed_documents
        from planqa.embeddings.parallel import embed_parallel

        def fanned_out(texts: list[str], show_progress: bool = False) -> np.ndarray:
            return embed_parallel(texts, self.settings, self.embedder.dim)
        return fanned_out

    def embed_units(self, chunks: Sequence[Chunk], show_progress: bool = False) -> dict[str, np.ndarray]:
        """Vectors of the candidates of ``chunks`` not stored yet, by key; changes nothing stored.

        A writer computes them ahead of the swap (``add(..., known=…)`` then takes them in),
        while readers keep using this store.
        """
        texts: dict[str, str] = {}
        for c in chunks:
            for t in unit_texts(c):
                texts.setdefault(text_key(self.embedder.model_id, t), t)
        todo = [k for k in texts if k not in self._vectors]
        return dict(zip(todo, self.embed([texts[k] for k in todo], show_progress)))

    def add(self, chunks: Sequence[Chunk], show_progress: bool = False,
            known: dict[str, np.ndarray] | None = None) -> int:
        """Embed the candidates of ``chunks`` (replacing what their documents had); returns how many.

        ``known``: vectors already computed by ``embed_units``; only the rest are embedded.
        """
        texts: dict[str, str] = {}
        per_doc: dict[str, list[str]] = {}
        for c in chunks:
            for t in unit_texts(c):
                k = text_key(self.embedder.model_id, t)
                texts.setdefault(k, t)
                per_doc.setdefault(c.doc_id, []).append(k)
        known = known or {}
        self._vectors.update({k: known[k] for k in texts if k in known and k not in self._vectors})
        todo = [k for k in texts if k not in self._vectors]
        vecs = self.embed([texts[k] for k in todo], show_progress)
        self._vectors.update(zip(todo, vecs))
        for doc_id, keys in per_doc.items():
            self._by_doc[doc_id] = list(dict.fromkeys(keys))
        return len(texts)

    def drop(self, doc_ids: Iterable[str]) -> None:
        """Forget the candidates of these documents (vectors another document shares stay)."""
        for d in doc_ids:
            self._by_doc.pop(d, None)

    def copy(self) -> "SentenceVectors":
        other = SentenceVectors(self.settings, self.embedder)
        other._by_doc = {d: list(keys) for d, keys in self._by_doc.items()}
        other._vectors = dict(self._vectors)
        other._cache = self._cache
        return other

    # ---- answering ----------------------------------------------------------------------
    def __len__(self) -> int:
        return len({k for keys in self._by_doc.values() for k in keys})

    def lookup(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(vectors, found): the stored vector of each text; rows not found are zero and ``found`` False."""
        dim = self.embedder.dim
        out = np.zeros((len(texts), dim), dtype=np.float32)
        found = np.zeros(len(texts), dtype=bool)
        for i, t in enumerate(texts):
            v = self._vectors.get(text_key(self.embedder.model_id, t))
            if v is not None and v.shape == (dim,):
                out[i], found[i] = v, True
        return out, found

    def vectors_for(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts``: stored ones looked up, any missing one embedded now."""
        out, found = self.lookup(texts)
        missing = [i for i in range(len(texts)) if not found[i]]
        if missing:
            out[missing] = self.embedder.embed_documents([texts[i] for i in missing])
        return out

    # ---- persistence --------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write the candidates of the current documents into ``folder`` (the knowledge base being saved),
        and the new vectors into the cache."""
        keys = list(dict.fromkeys(k for d in sorted(self._by_doc) for k in self._by_doc[d]
                                  if k in self._vectors))
        row = {k: i for i, k in enumerate(keys)}
        dim = self.embedder.dim
        matrix = np.stack([self._vectors[k] for k in keys]) if keys else np.zeros((0, dim), np.float32)
        np.save(folder / VECTORS_FILE, matrix.astype(np.float32, copy=False), allow_pickle=False)
        meta = {"model_id": self.embedder.model_id, "dim": dim, "keys": keys,
                "docs": {d: [row[k] for k in ks if k in row] for d, ks in sorted(self._by_doc.items())}}
        (folder / KEYS_FILE).write_text(json.dumps(meta), encoding="utf-8")
        self.save_cache()

    def save_cache(self) -> None:
        """Write the passage vectors embedded since the last save into the on-disk cache."""
        if self._cache is not None:
            self._cache.save()

    @classmethod
    def load(cls, folder: Path, settings: Settings, embedder) -> "SentenceVectors":
        """The stored candidate vectors; an empty store when the knowledge base has none.

        Raises:
            SentenceVectorsError: the files are damaged or were written by another model.
        """
        out = cls(settings, embedder)
        keys_path = folder / KEYS_FILE
        if not keys_path.exists():
            return out
        try:
            meta = json.loads(keys_path.read_text(encoding="utf-8"))
            keys = list(meta["keys"])
            docs = {str(d): [keys[i] for i in rows] for d, rows in meta["docs"].items()}
            matrix = np.load(folder / VECTORS_FILE, allow_pickle=False)
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            raise SentenceVectorsError(f"{folder / KEYS_FILE} is damaged ({exc})") from None
        if meta.get("model_id") != embedder.model_id:
            raise SentenceVectorsError(f"sentence vectors built with {meta.get('model_id')!r}, "
                                       f"config says {embedder.model_id!r}")
        if matrix.dtype != np.float32 or matrix.shape != (len(keys), embedder.dim):
            raise SentenceVectorsError(f"{folder / VECTORS_FILE} holds {matrix.shape} {matrix.dtype} "
                                       f"for {len(keys)} sentences")
        out._by_doc = docs
        out._vectors = dict(zip(keys, matrix))
        return out
