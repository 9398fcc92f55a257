"""The ``Embedder`` protocol, the backend registry (``register`` / ``get_embedder``) and ``EmbeddingError``.

Defines the contract only: no model code here, and importing this module loads no model.
"""
from __future__ import annotations

import importlib
import threading
from collections import OrderedDict
from typing import Callable, Protocol, TypeVar, runtime_checkable

import numpy as np

from planqa.config import Settings

# Modules holding the shipped backends; imported on first registry lookup so that
# each can ``@register`` itself without this module importing them at import time.
_BUILTIN_MODULES = (
    "planqa.embeddings.e5",
    "planqa.embeddings.use_multilingual",
    "planqa.embeddings.sentence_transformers_backend",
)

_REGISTRY: dict[str, type] = {}

T = TypeVar("T", bound=type)


class EmbeddingError(RuntimeError):
    """An embedder cannot be created, loaded or run; the message says what to do."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors.

    ``name`` is the registry name (``settings.embedder``); ``model_id`` names the
    exact model, so an index can record which model built it.
    """

    name: str
    model_id: str

    @property
    def dim(self) -> int:
        """Vector dimension (may load the model)."""
        ...

    def load(self) -> None:
        """Load the model now instead of on first use."""
        ...

    def embed_documents(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        """Embed passages: float32, L2-normalised, shape ``(len(texts), dim)``."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query: float32, L2-normalised, shape ``(dim,)``."""
        ...


def register(name: str) -> Callable[[T], T]:
    """Class decorator adding an embedder backend under ``name``.

    The class must offer ``from_settings(settings)``; it gets ``cls.name = name``.

    Raises:
        ValueError: ``name`` is already taken by another class.
    """

    def decorator(cls: T) -> T:
        existing = _REGISTRY.get(name)
        if existing is not None and existing.__qualname__ != cls.__qualname__:
            raise ValueError(f"embedder name {name!r} already registered by {existing.__qualname__}")
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return decorator


def known_embedders() -> list[str]:
    """Sorted names accepted by ``settings.embedder``."""
    _import_builtins()
    return sorted(_REGISTRY)


def get_embedder(settings: Settings) -> Embedder:
    """The embedder named by ``settings.embedder``, constructed but not loaded.

    Raises:
        EmbeddingError: the name is unknown (the message lists the known ones) or
            the backend rejects its settings.
    """
    _import_builtins()
    cls = _REGISTRY.get(settings.embedder)
    if cls is None:
        raise EmbeddingError(f"unknown embedder {settings.embedder!r}; "
                             f"known: {', '.join(sorted(_REGISTRY))}")
    return cls.from_settings(settings)


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` as C-contiguous float32 rows of unit L2 length (zero rows stay zero).

    >>> normalize_rows(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6000000238418579, 0.800000011920929], [0.0, 0.0]]
    """
    out = np.ascontiguousarray(vectors, dtype=np.float32)
    if out is vectors:
        out = out.copy()
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def embed_in_batches(encode: Callable[[list[str]], np.ndarray], texts: list[str], dim: int, batch_size: int,
                     lock, show_progress: bool = False) -> np.ndarray:
    """``encode`` over ``texts`` in batches (one at a time under ``lock``), as unit float32 rows ``(n, dim)``.

    The lock is held per batch, so a question's query embedding waits one batch at most.

    >>> import threading
    >>> embed_in_batches(lambda b: np.ones((len(b), 2)), ["a", "b", "c"], 2, 2, threading.Lock()).shape
    (3, 2)
    """
    texts = as_text_list(texts)
    out = np.empty((len(texts), dim), dtype=np.float32)
    starts = range(0, len(texts), batch_size)
    if show_progress:
        from tqdm.auto import tqdm

        starts = tqdm(starts, total=len(starts), desc="embedding", unit="batch")
    for start in starts:
        batch = texts[start:start + batch_size]
        with lock:
            out[start:start + len(batch)] = encode(batch)
    return normalize_rows(out)


def as_text_list(texts: list[str]) -> list[str]:
    """``texts`` as a list, rejecting a bare string or non-string items with ``TypeError``."""
    if isinstance(texts, str):
        raise TypeError("embed_documents takes a list of strings, got one str: use embed_query")
    texts = list(texts)
    bad = next((t for t in texts if not isinstance(t, str)), None)
    if bad is not None:
        raise TypeError(f"texts must be strings, got {type(bad).__name__}")
    return texts


class QueryMemo:
    """The last few query vectors by text, so one question is embedded once for retrieval and answering.

    >>> memo = QueryMemo(size=2)
    >>> calls = []
    >>> embed = lambda t: calls.append(t) or np.ones(2, np.float32)
    >>> _ = memo.get("a", embed); _ = memo.get("a", embed); calls
    ['a']
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str, embed: Callable[[str], np.ndarray]) -> np.ndarray:
        """The vector of ``text``, computed with ``embed`` only when not remembered (a read-only array)."""
        with self._lock:
            vec = self._items.get(text)
            if vec is not None:
                self._items.move_to_end(text)
                return vec
        vec = np.asarray(embed(text), dtype=np.float32)
        vec.setflags(write=False)  # shared between callers: nobody may change it in place
        with self._lock:
            self._items[text] = vec
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return vec


def _import_builtins() -> None:
    for module in _BUILTIN_MODULES:
        importlib.import_module(module)
