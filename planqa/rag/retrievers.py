"""Retrievers over a knowledge base: BM25, dense (FAISS) and their weighted fusion.

Every retriever takes the same filters and returns ``Hit``s best first. Fusion
is weighted reciprocal-rank fusion with weights from settings (chosen by
measurement on the dev set, see the eval report), then place preference.
With ``store = "milvus"`` the two rankings (or, with ``milvus_fusion = "engine"``,
the fused one) come from Milvus; everything after them is the same.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from planqa.rag.knowledge_base import KnowledgeBase, KnowledgeBaseError
from planqa.rag.query import QueryInfo, analyze, narrow_by_kind
from planqa.types import Hit


@dataclass(frozen=True)
class Filters:
    """Explicit restrictions from the user (CLI flags, app controls, API arguments)."""

    doc_ids: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.doc_ids or self.places or self.doc_types)


class Retriever(Protocol):
    name: str

    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[Hit]: ...


def _top(scores: np.ndarray, k: int, mask: np.ndarray | None) -> np.ndarray:
    """Row ids of the k best scores (mask: only rows where it is True), best first."""
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    idx = np.argpartition(-scores, k - 1)[:k]
    idx = idx[np.argsort(-scores[idx], kind="stable")]
    return idx[np.isfinite(scores[idx])]


def _milvus_expr(kb: KnowledgeBase, allowed: set[str] | None) -> str:
    from planqa.embeddings.milvus_store import in_expr

    docs = kb.docs if allowed is None else [d for d in kb.docs if d in allowed]
    return in_expr("doc_ver", [kb.docs[d].version for d in docs])


def _milvus_rows(kb: KnowledgeBase, found: list[tuple[str, float]]) -> list[tuple[int, float]]:
    """Milvus keys (``doc_ver#chunk_id``) as row numbers of ``kb.chunks``."""
    out = []
    for key, score in found:
        row = kb.row_of(key.split("#", 1)[1])
        if row is not None:
            out.append((row, score))
    return out


def _milvus_call(fn, *args):
    from planqa.rag.milvus_rows import MilvusStoreError

    try:
        return fn(*args)
    except MilvusStoreError as exc:
        raise KnowledgeBaseError(str(exc)) from None


class BM25Retriever:
    name = "bm25"

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb

    def scored(self, query: str, k: int, mask: np.ndarray | None,
               allowed: set[str] | None = None) -> list[tuple[int, float]]:
        if self.kb.milvus is not None:
            kb = self.kb
            found = _milvus_call(kb.milvus.lexical, query, kb.tokenizer.tokenize(query), kb.idf,
                                 lambda t: kb.doc_freq(t) > 0, k, _milvus_expr(kb, allowed))
            return [(i, s) for i, s in _milvus_rows(kb, found) if s > 0]
        scores = self.kb.bm25.scores(self.kb.tokenizer.tokenize(query))
        ids = _top(scores, k, mask)
        return [(int(i), float(scores[i])) for i in ids if scores[i] > 0]

    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[Hit]:
        allowed, mask = _restrict(self.kb, filters)
        return [Hit(self.kb.chunks[i], s, self.name) for i, s in self.scored(query, k, mask, allowed)]


class DenseRetriever:
    name = "dense"

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb

    def scored(self, query: str, k: int, mask: np.ndarray | None,
               allowed: set[str] | None = None) -> list[tuple[int, float]]:
        if not self.kb.chunks:
            return []
        qv = self.kb.embedder.embed_query(query).reshape(1, -1)
        if self.kb.milvus is not None:
            found = _milvus_call(self.kb.milvus.dense, qv, k, _milvus_expr(self.kb, allowed))
            return _milvus_rows(self.kb, found)
        allowed = None if mask is None else np.flatnonzero(mask)
        scores, ids = self.kb.vector_index.search(qv, k, allowed=allowed)
        return [(int(i), float(s)) for s, i in zip(scores[0], ids[0]) if i >= 0]

    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[Hit]:
        allowed, mask = _restrict(self.kb, filters)
        return [Hit(self.kb.chunks[i], s, self.name) for i, s in self.scored(query, k, mask, allowed)]


def _restrict(kb: KnowledgeBase, filters: Filters | None) -> tuple[set[str] | None, np.ndarray | None]:
    """The filters as allowed doc ids (Milvus filters by them) or as a row mask (the local indexes)."""
    if kb.milvus is not None:
        return kb.allowed_docs(*_filter_args(filters)), None
    return None, kb.mask(*_filter_args(filters))


def _filter_args(filters: Filters | None):
    if not filters:
        return None, None, None
    return filters.doc_ids, filters.places, filters.doc_types


def weighted_rrf(rankings: list[tuple[list[int], float]], k: int = 60) -> dict[int, float]:
    """Weighted reciprocal-rank fusion: sum of weight / (k + rank) over the rankings.

    >>> sorted(weighted_rrf([([1, 2], 1.0), ([2, 3], 0.5)], k=1).items())
    [(1, 0.5), (2, 0.5833333333333333), (3, 0.16666666666666666)]
    """
    fused: dict[int, float] = {}
    for ids, weight in rankings:
        for rank, i in enumerate(ids, 1):
            fused[i] = fused.get(i, 0.0) + weight / (k + rank)
    return fused


class HybridRetriever:
    """BM25 + dense with weighted RRF, preferring the documents whose place the question names."""

    def __init__(self, kb: KnowledgeBase, mode: str | None = None):
        self.kb = kb
        s = kb.settings
        self.mode = mode or s.retrieval_mode
        self.name = self.mode
        self.bm25 = BM25Retriever(kb)
        self.dense = DenseRetriever(kb)
        self.reranker = None
        if s.rerank:
            from planqa.rag.rerank import CrossEncoderReranker

            self.reranker = CrossEncoderReranker(s.reranker_model)
            self.name = self.mode + "+rerank"

    def analyze(self, query: str) -> QueryInfo:
        info = analyze(query, self.kb.places)
        return narrow_by_kind(info, {d: r.meta.doc_type for d, r in self.kb.docs.items()}, self.kb.places)

    def retrieve(self, query: str, k: int, filters: Filters | None = None,
                 info: QueryInfo | None = None) -> list[Hit]:
        s = self.kb.settings
        info = info or self.analyze(query)
        allowed, mask = _restrict(self.kb, filters)
        n = max(s.candidates, k)
        if self.kb.milvus is not None and s.milvus_fusion == "engine" and self.mode == "hybrid":
            fused = dict(self._engine_fused(query, n, allowed))
        else:
            rankings = []
            if self.mode in ("hybrid", "bm25"):
                rankings.append(([i for i, _ in self.bm25.scored(query, n, mask, allowed)], s.bm25_weight))
            if self.mode in ("hybrid", "dense"):
                rankings.append(([i for i, _ in self.dense.scored(query, n, mask, allowed)], s.dense_weight))
            fused = weighted_rrf(rankings, s.fusion_k)
        ranked = sorted(fused, key=lambda i: -fused[i])
        if self.reranker is not None:
            head = ranked[:max(k, 30)]
            by_id = {self.kb.chunks[i].chunk_id: i for i in head}
            reranked = self.reranker.rerank(query, [Hit(self.kb.chunks[i], fused[i], self.name) for i in head])
            fused.update({by_id[h.chunk.chunk_id]: h.score for h in reranked})
            ranked = [by_id[h.chunk.chunk_id] for h in reranked] + ranked[len(head):]
        ranked = self._prefer_places(ranked, info)
        return [Hit(self.kb.chunks[i], fused[i], self.name) for i in ranked[:k]]

    def _engine_fused(self, query: str, n: int, allowed: set[str] | None) -> list[tuple[int, float]]:
        """Both rankings fused by Milvus' ``hybrid_search`` + ``RRFRanker`` (one round trip)."""
        kb = self.kb
        if not kb.chunks:
            return []
        qv = kb.embedder.embed_query(query)
        found = _milvus_call(kb.milvus.fused, query, kb.tokenizer.tokenize(query), kb.idf,
                             lambda t: kb.doc_freq(t) > 0, qv, n, _milvus_expr(kb, allowed))
        return _milvus_rows(kb, found)

    def _prefer_places(self, ranked: list[int], info: QueryInfo) -> list[int]:
        """Named places first; several named places are interleaved so each is represented."""
        if not info.docs:
            return ranked
        named = set(info.docs)
        per_doc: dict[str, list[int]] = {d: [] for d in info.docs}
        rest = []
        for i in ranked:
            d = self.kb.chunks[i].doc_id
            (per_doc[d] if d in named else rest).append(i)
        if len(per_doc) == 1:
            return per_doc[info.docs[0]] + rest
        out, queues = [], [q for q in per_doc.values() if q]
        while queues:
            for q in queues:
                out.append(q.pop(0))
            queues = [q for q in queues if q]
        return out + rest
