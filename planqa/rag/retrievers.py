"""Retrievers over a knowledge base: BM25, dense (FAISS) and their weighted fusion.

Every retriever takes the same filters and returns ``Hit``s best first. Fusion
is weighted reciprocal-rank fusion with weights from settings (chosen by
measurement on the dev set, see the eval report), then place preference.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from planqa.rag.knowledge_base import KnowledgeBase
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


class BM25Retriever:
    name = "bm25"

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb

    def scored(self, query: str, k: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        scores = self.kb.bm25.scores(self.kb.tokenizer.tokenize(query))
        ids = _top(scores, k, mask)
        return [(int(i), float(scores[i])) for i in ids if scores[i] > 0]

    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[Hit]:
        mask = self.kb.mask(*_filter_args(filters))
        return [Hit(self.kb.chunks[i], s, self.name) for i, s in self.scored(query, k, mask)]


class DenseRetriever:
    name = "dense"

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb

    def scored(self, query: str, k: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        if not self.kb.chunks:
            return []
        qv = self.kb.embedder.embed_query(query).reshape(1, -1)
        allowed = None if mask is None else np.flatnonzero(mask)
        scores, ids = self.kb.vector_index.search(qv, k, allowed=allowed)
        return [(int(i), float(s)) for s, i in zip(scores[0], ids[0]) if i >= 0]

    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[Hit]:
        mask = self.kb.mask(*_filter_args(filters))
        return [Hit(self.kb.chunks[i], s, self.name) for i, s in self.scored(query, k, mask)]


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
        mask = self.kb.mask(*_filter_args(filters))
        n = max(s.candidates, k)
        rankings = []
        if self.mode in ("hybrid", "bm25"):
            rankings.append(([i for i, _ in self.bm25.scored(query, n, mask)], s.bm25_weight))
        if self.mode in ("hybrid", "dense"):
            rankings.append(([i for i, _ in self.dense.scored(query, n, mask)], s.dense_weight))
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
