"""Embedders (``get_embedder``) and the persisted FAISS vector index (``VectorIndex``).

Importing this package loads no model and does not import faiss or torch.
"""
from __future__ import annotations

from typing import Any

from planqa.embeddings.base import (
    Embedder,
    EmbeddingError,
    get_embedder,
    known_embedders,
    register,
)

__all__ = [
    "Embedder", "EmbeddingError", "get_embedder", "known_embedders", "register",
    "VectorIndex", "IndexCorruptError", "recall_at_k",
]

_LAZY = {"VectorIndex", "IndexCorruptError", "recall_at_k"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:  # faiss_store imports numpy only, but keep the package import minimal
        from planqa.embeddings import faiss_store

        return getattr(faiss_store, name)
    raise AttributeError(f"module 'planqa.embeddings' has no attribute {name!r}")
