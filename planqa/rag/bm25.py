"""BM25 over jieba tokens (bm25s), with the title, place and heading path indexed with each chunk.

Builds in memory from token lists stored with the chunks; it does not persist
its own matrices.
"""
from __future__ import annotations

import numpy as np

from planqa.types import Chunk


def index_text(chunk: Chunk) -> str:
    """What lexical retrieval indexes for a chunk: context in front, then the text.

    Table rows already carry their table name; for them only place and headings
    are added.
    """
    headings = () if chunk.kind == "table_row" else chunk.headings
    context = [chunk.place or chunk.title, *headings]
    return " ".join(x for x in context if x) + "\n" + chunk.text


class BM25Index:
    """A bm25s index over pre-tokenised chunks; ``scores`` returns one score per chunk."""

    def __init__(self, corpus_tokens: list[list[str]], k1: float = 1.5, b: float = 0.5):
        import bm25s

        self.size = len(corpus_tokens)
        self._bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        # bm25s cannot index an empty document list or an empty document
        safe = [toks if toks else ["\u2400"] for toks in corpus_tokens] or [["\u2400"]]
        self._bm25.index(safe, show_progress=False)
        self._vocab = self._bm25.vocab_dict

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every chunk for ``query_tokens`` (zeros when none is known)."""
        known = [t for t in query_tokens if t in self._vocab]
        if not known or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)[: self.size]
