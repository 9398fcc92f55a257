"""Optional cross-encoder reranking of fused candidates (sentence-transformers ``CrossEncoder``).

Off by default: offline machines have no Chinese reranker. With the model hub
reachable, set ``rerank = true`` and ``reranker_model = "BAAI/bge-reranker-base"``.
"""
from __future__ import annotations

import threading

from planqa.rag.bm25 import index_text
from planqa.types import Hit


class RerankError(RuntimeError):
    """The reranker model could not be loaded; the message says what to do."""


class CrossEncoderReranker:
    """Scores (question, passage) pairs with a cross-encoder and reorders the hits."""

    def __init__(self, model: str, batch_size: int = 16):
        if not model:
            raise RerankError("rerank is on but reranker_model is empty: set reranker_model to a "
                              "cross-encoder id (e.g. BAAI/bge-reranker-base) or a local path")
        self.model_id = model
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    def load(self):
        with self._lock:
            if self._model is None:
                from planqa.embeddings.base import EmbeddingError
                from planqa.embeddings.sentence_transformers_backend import _load_model

                try:
                    self._model = _load_model(self.model_id, kind="CrossEncoder")
                except EmbeddingError as exc:
                    raise RerankError(str(exc).replace("embedding model", "reranker model")
                                      .replace("embedding_model", "reranker_model")) from None
        return self._model

    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        """The hits reordered by cross-encoder score (score replaced, retriever tagged)."""
        if not hits:
            return []
        scores = self.load().predict([(query, index_text(h.chunk)) for h in hits],
                                     batch_size=self.batch_size, show_progress_bar=False)
        order = sorted(range(len(hits)), key=lambda i: -float(scores[i]))
        return [Hit(hits[i].chunk, float(scores[i]), hits[i].retriever + "+rerank") for i in order]
