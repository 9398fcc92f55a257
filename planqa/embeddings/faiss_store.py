"""A persisted FAISS inner-product index over chunk vectors, with ids, filtered search and atomic save/load.

The raw vectors are kept (in memory and as ``vectors.npy``; float16 for ivfpq) next to the faiss
index, so any index type can be rebuilt, HNSW rows removed, and small filtered
searches answered exactly. Nothing is pickled; loading never runs stored code.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from planqa.embeddings import faiss_types
from planqa.embeddings.faiss_io import IndexCorruptError, read_dir, write_dir

__all__ = ["VectorIndex", "IndexCorruptError", "recall_at_k"]


class VectorIndex:
    """Unit vectors with integer ids (row positions in the chunk store), searched by inner product.

    Args:
        dim: vector dimension.
        index_type: ``flat`` (exact, default), ``hnsw``, ``ivf`` or ``ivfpq``.
        **params: overrides of ``faiss_types.DEFAULT_PARAMS`` (``ef_search``,
            ``nprobe``, ``nlist``, ``hnsw_m``, ``ef_construction``, ``pq_m``, ``pq_nbits``,
            ``refine``); search-time ones (``ef_search``, ``nprobe``, ``refine``) may
            also be changed later through ``index.params``.

    Searches may run concurrently; ``add``/``remove``/``rebuild`` need exclusive use.

    Example:
        >>> index = VectorIndex.build(vectors, ids=list(range(len(vectors))))  # doctest: +SKIP
        >>> scores, ids = index.search(query_vectors, k=5)  # doctest: +SKIP
    """

    # a filter allowing at most this many vectors is answered by exact numpy search:
    # cheap at that size, and graph/IVF search with a tight filter can miss results
    exact_filter_limit = 10_000

    def __init__(self, dim: int, index_type: str = "flat", **params: int) -> None:
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
            raise ValueError(f"dim={dim!r}: must be a positive integer")
        if index_type not in faiss_types.INDEX_TYPES:
            raise ValueError(f"index_type={index_type!r}: use {', '.join(faiss_types.INDEX_TYPES)} "
                             "(resolve auto with VectorIndex.build)")
        self.dim = dim
        self.index_type = index_type
        self.params = faiss_types.check_params(params)
        self.meta: dict[str, Any] = {}
        self.built_params: dict[str, int] = {}  # params with auto values (nlist, pq_m) as built
        # the compressed type keeps its exact-rescoring copy in float16: half the memory, same ranking
        self._dtype = np.float16 if index_type == "ivfpq" else np.float32
        self._vectors = np.zeros((0, dim), dtype=self._dtype)
        self._ids = np.zeros(0, dtype=np.int64)
        self._index: Any = None  # built on first add: IVF needs vectors to train on
        self._order: np.ndarray | None = None  # argsort of _ids, for id -> row lookups

    @classmethod
    def build(cls, vectors: np.ndarray, ids: list[int] | np.ndarray | None = None,
              index_type: str = "flat", *, auto_threshold: int = 200_000, **params: int) -> "VectorIndex":
        """An index holding ``vectors`` under ``ids`` (default ``0..n-1``).

        Args:
            vectors: float array ``(n, dim)``, ideally L2-normalised.
            ids: one distinct non-negative int per row.
            index_type: a type of ``faiss_types.INDEX_TYPES`` or ``auto``
                (``flat`` below ``auto_threshold`` vectors, else ``hnsw``).
            auto_threshold: see ``index_type``; pass ``settings.index_auto_threshold``.
            **params: index parameters, see the class docstring.
        """
        vectors = _as_matrix(vectors)
        concrete = faiss_types.resolve_index_type(index_type, len(vectors), auto_threshold)
        index = cls(vectors.shape[1], concrete, **params)
        index.add(vectors, np.arange(len(vectors)) if ids is None else ids)
        return index

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> np.ndarray:
        """The ids in insertion order (a copy)."""
        return self._ids.copy()

    @property
    def vectors(self) -> np.ndarray:
        """The stored vectors, row i under ``ids[i]`` (read-only view)."""
        view = self._vectors.view()
        view.flags.writeable = False
        return view

    def add(self, vectors: np.ndarray, ids: list[int] | np.ndarray) -> None:
        """Add rows; ``ids`` must be new, distinct and non-negative.

        IVF types train on the first vectors added; call ``rebuild()`` to retrain
        after the collection has grown a lot.
        """
        vectors = _as_matrix(vectors, self.dim)
        ids = _as_ids(ids)
        if len(ids) != len(vectors):
            raise ValueError(f"{len(vectors)} vectors but {len(ids)} ids")
        clash = np.intersect1d(ids, self._ids)
        if len(clash):
            raise ValueError(f"ids already in the index: {clash[:10].tolist()}; remove them first")
        if not len(ids):
            return
        self._vectors = np.concatenate([self._vectors, vectors.astype(self._dtype, copy=False)])
        self._ids = np.concatenate([self._ids, ids])
        self._order = None
        if self._index is None:
            self.rebuild()
        else:
            self._index.add_with_ids(vectors, ids)

    def remove(self, ids: list[int] | np.ndarray) -> int:
        """Drop the rows with these ids (unknown ids are ignored); returns how many went.

        HNSW graphs cannot delete nodes, so an HNSW index is rebuilt from the stored vectors.
        """
        ids = np.unique(_as_ids(ids, distinct=False))
        keep = ~np.isin(self._ids, ids)
        removed = int(len(keep) - keep.sum())
        if not removed:
            return 0
        self._vectors, self._ids = self._vectors[keep], self._ids[keep]
        self._order = None
        if self.index_type == "hnsw" or not len(self._ids):
            self.rebuild()
        else:
            import faiss

            self._index.remove_ids(faiss.IDSelectorBatch(ids))
        return removed

    def rebuild(self) -> None:
        """Recreate (and for IVF, retrain and resize) the faiss index from the stored vectors."""
        self._index, self.built_params = None, {}
        if not len(self._ids):
            return
        index, params = faiss_types.new_index(self.index_type, self.dim, len(self._ids), self.params)
        full = self._vectors.astype(np.float32, copy=False)
        if faiss_types.needs_training(self.index_type):
            index.train(full)
        index.add_with_ids(full, self._ids)
        self._index, self.built_params = index, params

    def search(self, query_vecs: np.ndarray, k: int,
               allowed: np.ndarray | list[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best ids per query by inner product.

        Args:
            query_vecs: ``(m, dim)`` or ``(dim,)`` query vectors.
            k: results per query.
            allowed: restrict results to these ids: a boolean mask indexed by id
                (ids past its end are excluded) or an array/list of ids.

        Returns:
            ``(scores, ids)``, both ``(m, k)``, best first; missing results
            (fewer than ``k`` allowed vectors) have id -1 and score -inf.
        """
        queries = _as_matrix(np.atleast_2d(query_vecs), self.dim)
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"k={k!r}: must be a positive integer")
        if allowed is None:
            rows = None
        else:
            rows = self._allowed_rows(allowed)
        if self._index is None or (rows is not None and not len(rows)):
            return _empty(len(queries), k)
        if rows is not None and len(rows) <= self.exact_filter_limit:
            return self._exact_search(queries, k, rows)
        selector = None
        if rows is not None:
            import faiss

            selector = faiss.IDSelectorBatch(self._ids[rows])
        params = faiss_types.search_parameters(self.index_type, self.params, selector)
        refine = self.params["refine"] if self.index_type == "ivfpq" else 1
        scores, ids = self._index.search(queries, k * refine, params=params)
        ids = ids.astype(np.int64, copy=False)
        if refine > 1:
            return self._rerank(queries, ids, k)
        scores[ids < 0] = -np.inf
        return scores.astype(np.float32, copy=False), ids

    def save(self, directory: str | os.PathLike, meta: dict[str, Any] | None = None) -> None:
        """Write ``vectors.npy``, ``ids.npy``, ``index.faiss`` and ``index.json`` atomically.

        A failed or interrupted save leaves the previous index in ``directory`` usable.

        Args:
            directory: the index directory (replaced as a whole).
            meta: JSON-able facts to keep with the index, e.g. the embedder's ``model_id``;
                defaults to ``self.meta``.
        """
        if meta is not None:
            self.meta = dict(meta)
        info = {"index_type": self.index_type, "dim": self.dim, "count": len(self),
                "params": self.params, "built_params": self.built_params, "meta": self.meta}
        write_dir(Path(directory), info, self._vectors, self._ids, self._index)

    @classmethod
    def load(cls, directory: str | os.PathLike, *, verify: bool = True) -> "VectorIndex":
        """Read an index written by ``save``.

        Args:
            directory: the index directory.
            verify: check each file's size and sha256 against ``index.json``.

        Raises:
            IndexCorruptError: a file is missing, truncated, altered or inconsistent;
                the message names the file and says to run ``planqa ingest --rebuild``.
        """
        info, vectors, ids, faiss_index = read_dir(Path(directory), verify=verify)
        try:
            index = cls(info["dim"], info["index_type"], **info["params"])
        except ValueError as exc:
            raise IndexCorruptError(Path(directory) / "index.json", str(exc)) from None
        index.meta = dict(info.get("meta") or {})
        index.built_params = dict(info.get("built_params") or {})
        index._vectors = vectors.astype(index._dtype, copy=False)
        index._ids, index._index = ids, faiss_index
        return index

    def _allowed_rows(self, allowed: np.ndarray | list[int]) -> np.ndarray:
        allowed = np.asarray(allowed)
        if allowed.dtype == bool:
            mask = np.zeros(len(self._ids), dtype=bool)
            inside = self._ids < len(allowed)
            mask[inside] = allowed.ravel()[self._ids[inside]]
            return np.flatnonzero(mask)
        if allowed.size and not np.issubdtype(allowed.dtype, np.integer):
            raise TypeError(f"allowed must be a boolean mask or integer ids, got {allowed.dtype}")
        return np.flatnonzero(np.isin(self._ids, allowed.astype(np.int64).ravel()))

    def _rerank(self, queries: np.ndarray, candidates: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The best ``k`` of each query's candidate ids, scored exactly against the stored vectors."""
        if self._order is None:
            self._order = np.argsort(self._ids, kind="stable")
        order = self._order
        pos = np.searchsorted(self._ids, candidates, sorter=order).clip(0, len(order) - 1)
        rows = order[pos]
        valid = (candidates >= 0) & (self._ids[rows] == candidates)
        sims = np.einsum("md,mcd->mc", queries, self._vectors[rows].astype(np.float32, copy=False))
        sims[~valid] = -np.inf
        best = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        scores = np.take_along_axis(sims, best, axis=1).astype(np.float32)
        ids = np.where(np.isfinite(scores), np.take_along_axis(candidates, best, axis=1), -1)
        if ids.shape[1] < k:
            pad_s, pad_i = _empty(len(queries), k - ids.shape[1])
            scores, ids = np.hstack([scores, pad_s]), np.hstack([ids, pad_i])
        return scores, ids

    def _exact_search(self, queries: np.ndarray, k: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sims = queries @ self._vectors[rows].astype(np.float32, copy=False).T
        kk = min(k, len(rows))
        top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        top_scores = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        scores, ids = _empty(len(queries), k)
        scores[:, :kk] = np.take_along_axis(top_scores, order, axis=1)
        ids[:, :kk] = self._ids[rows][np.take_along_axis(top, order, axis=1)]
        return scores, ids


def recall_at_k(approx_ids: np.ndarray, exact_ids: np.ndarray, k: int) -> float:
    """Share of the exact top-``k`` ids that the approximate top-``k`` also found (pooled over queries).

    Ids of -1 (missing results) are ignored; 1.0 when there is nothing to find.

    >>> recall_at_k(np.array([[1, 2, 3]]), np.array([[1, 3, 4]]), k=3)
    0.6666666666666666
    """
    approx = np.atleast_2d(np.asarray(approx_ids))[:, :k]
    exact = np.atleast_2d(np.asarray(exact_ids))[:, :k]
    if len(approx) != len(exact):
        raise ValueError(f"{len(approx)} approximate rows but {len(exact)} exact rows")
    found = total = 0
    for got, truth in zip(approx, exact, strict=True):
        truth = set(truth[truth >= 0].tolist())
        found += len(truth & set(got.tolist()))
        total += len(truth)
    return found / total if total else 1.0


def _as_matrix(vectors: np.ndarray, dim: int | None = None) -> np.ndarray:
    arr = np.ascontiguousarray(vectors, dtype=np.float32)
    if arr.ndim != 2:
        raise ValueError(f"vectors must be a 2-D array (n, dim), got shape {arr.shape}")
    if dim is not None and arr.shape[1] != dim:
        raise ValueError(f"vectors have dimension {arr.shape[1]}, the index has {dim}: "
                         "was the index built with another embedding model?")
    if not np.isfinite(arr).all():
        raise ValueError("vectors contain NaN or infinity")
    return arr


def _as_ids(ids: list[int] | np.ndarray, distinct: bool = True) -> np.ndarray:
    arr = np.asarray(ids)
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"ids must be integers, got {arr.dtype}")
    arr = np.ascontiguousarray(arr.astype(np.int64).ravel())
    if arr.size and arr.min() < 0:
        raise ValueError("ids must be non-negative")
    if distinct and len(np.unique(arr)) != len(arr):
        raise ValueError("ids must be distinct")
    return arr


def _empty(m: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full((m, k), -np.inf, dtype=np.float32), np.full((m, k), -1, dtype=np.int64)
