"""Embedder for any sentence-transformers model (hub id or local path), with its query/passage prompts.

Loads on CPU, from a local path or the local hub cache first; it only goes to the
hub when the hub answers, so an offline machine fails fast with what to do instead.
"""
from __future__ import annotations

import re
import socket
import threading
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlparse

import numpy as np

from planqa.config import Settings, env_flag
from planqa.embeddings.base import EmbeddingError, as_text_list, normalize_rows, register

BGE_ZH_QUERY = "为这个句子生成表示以用于检索相关文章："
BGE_EN_QUERY = "Represent this sentence for searching relevant passages: "
E5_QUERY, E5_PASSAGE = "query: ", "passage: "
_HUB_PROBE_TIMEOUT_S = 3.0


def resolve_prompts(model_name: str, model_prompts: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The (query, document) prompt prefixes a model expects.

    Known families are recognised by name: BGE Chinese/English (query instruction,
    bare passages) and E5 (``query:`` / ``passage:``). Anything else uses the
    model's own ``prompts`` if it defines a ``query`` entry, else no prompts.
    BGE models named neither ``zh`` nor ``en`` (e.g. bge-m3) need no instruction.

    >>> resolve_prompts("BAAI/bge-small-zh-v1.5")
    ('为这个句子生成表示以用于检索相关文章：', '')
    >>> resolve_prompts("intfloat/multilingual-e5-small")
    ('query: ', 'passage: ')
    >>> resolve_prompts("my-model", {"query": "Q: ", "document": "D: "})
    ('Q: ', 'D: ')
    """
    tokens = set(re.split(r"[/\\_\-.\s]+", model_name.lower()))
    if any(t.startswith("bge") for t in tokens):
        if "zh" in tokens:
            return BGE_ZH_QUERY, ""
        if "en" in tokens:
            return BGE_EN_QUERY, ""
    if "e5" in tokens:
        return E5_QUERY, E5_PASSAGE
    prompts = dict(model_prompts or {})
    if "query" in prompts:
        return prompts["query"] or "", prompts.get("document", prompts.get("passage", "")) or ""
    return "", ""


@register("sentence-transformers")
class SentenceTransformerEmbedder:
    """A sentence-transformers model on CPU, normalised output.

    Args:
        model: hub model id (``BAAI/bge-small-zh-v1.5``) or a local model directory.
        batch_size: texts per forward pass.
    """

    name = "sentence-transformers"

    def __init__(self, model: str, batch_size: int = 32) -> None:
        if not model or not model.strip():
            raise EmbeddingError("embedder sentence-transformers needs embedding_model: a model id "
                                 "such as BAAI/bge-small-zh-v1.5 or a local model directory")
        if batch_size < 1:
            raise EmbeddingError(f"embed_batch_size={batch_size}: must be at least 1")
        self.model_id = model.strip()
        self.batch_size = batch_size
        self._model: Any = None
        self._prompts: tuple[str, str] = ("", "")
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> "SentenceTransformerEmbedder":
        """Build from ``embedding_model`` and ``embed_batch_size``."""
        return cls(settings.embedding_model, batch_size=settings.embed_batch_size)

    @property
    def dim(self) -> int:
        """The model's output dimension (loads the model)."""
        self.load()
        get_dim = getattr(self._model, "get_embedding_dimension", None) \
            or self._model.get_sentence_embedding_dimension
        return int(get_dim())

    @property
    def prompts(self) -> tuple[str, str]:
        """The (query, document) prefixes in use (loads the model)."""
        self.load()
        return self._prompts

    def load(self) -> None:
        """Load the model on CPU; later calls are no-ops.

        Raises:
            EmbeddingError: sentence-transformers is missing, the path does not
                exist, or the model is not cached and the hub is unreachable.
        """
        if self._model is not None:
            return
        with self._lock:
            if self._model is None:
                model = _load_model(self.model_id)
                self._prompts = resolve_prompts(self.model_id, getattr(model, "prompts", None))
                self._model = model

    def embed_documents(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        """Embed passages with the model's document prompt: float32, unit length, ``(n, dim)``."""
        texts = as_text_list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.load()
        return self._encode(texts, self._prompts[1], show_progress)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query with the model's query prompt: float32, unit length, ``(dim,)``."""
        if not isinstance(text, str):
            raise TypeError(f"query must be a str, got {type(text).__name__}")
        self.load()
        return self._encode([text], self._prompts[0], False)[0]

    def _encode(self, texts: list[str], prompt: str | None, show_progress: bool) -> np.ndarray:
        # "" (not None) stops a model's default_prompt_name from being applied; without
        # one, pass None, as sentence-transformers 3.x counts "" as a 1-token prompt
        if not prompt and getattr(self._model, "default_prompt_name", None) is None:
            prompt = None
        vectors = self._model.encode(texts, prompt=prompt, batch_size=self.batch_size,
                                     show_progress_bar=show_progress, normalize_embeddings=True,
                                     convert_to_numpy=True)
        return normalize_rows(np.asarray(vectors))


def _load_model(name: str, kind: str = "SentenceTransformer") -> Any:
    """Load a sentence-transformers model class (``SentenceTransformer`` or ``CrossEncoder``) offline-first."""
    try:
        import sentence_transformers
    except ImportError:
        raise EmbeddingError("sentence-transformers models need the package: "
                             "pip install sentence-transformers") from None
    SentenceTransformer = getattr(sentence_transformers, kind)
    path = Path(name).expanduser()
    if path.exists():
        try:
            return SentenceTransformer(str(path), device="cpu")
        except Exception as exc:
            raise EmbeddingError(f"cannot load embedding model from {path}: {exc}") from exc
    if _looks_like_path(name):
        raise EmbeddingError(f"embedding model directory {name} does not exist: "
                             "set embedding_model to a model directory or a model hub id")
    try:  # the local hub cache needs no network
        return SentenceTransformer(name, device="cpu", local_files_only=True)
    except Exception:
        pass
    if _hub_offline() or not _hub_reachable():
        raise EmbeddingError(
            f"embedding model {name} not found locally and the model hub is unreachable: "
            f"download it on a machine with internet (e.g. `hf download {name} "
            f"--local-dir models/{name.split('/')[-1]}`, then copy that folder here, or set "
            "HF_ENDPOINT to a reachable mirror) and set embedding_model to its local path")
    try:
        return SentenceTransformer(name, device="cpu")
    except Exception as exc:
        raise EmbeddingError(f"cannot load embedding model {name} from the model hub ({exc}): "
                             "check the model id, or download it and set embedding_model "
                             "to its local path") from exc


def _looks_like_path(name: str) -> bool:
    """Hub ids are ``name`` or ``org/name``; anything else is meant as a path."""
    return name.startswith(("/", ".", "~")) or "\\" in name or name.count("/") > 1


def _hub_offline() -> bool:
    # huggingface_hub freezes HF_HUB_OFFLINE at import; read it again so a later change counts
    flags = (env_flag("HF_HUB_OFFLINE"), env_flag("TRANSFORMERS_OFFLINE"))
    if any(f.strip().lower() in ("1", "true", "yes", "on") for f in flags):
        return True
    try:
        from huggingface_hub import constants

        return bool(constants.HF_HUB_OFFLINE)
    except Exception:
        return False


def _hub_reachable() -> bool:
    """Whether a TCP connection to the hub endpoint opens within a few seconds."""
    try:
        from huggingface_hub import constants

        endpoint = urlparse(constants.ENDPOINT)
    except Exception:
        endpoint = urlparse("https://huggingface.co")
    host = endpoint.hostname or "huggingface.co"
    port = endpoint.port or (80 if endpoint.scheme == "http" else 443)
    try:
        with socket.create_connection((host, port), timeout=_HUB_PROBE_TIMEOUT_S):
            return True
    except OSError:
        return False
