"""The FAISS index types planqa offers (flat, hnsw, ivf, ivfpq, auto) and how each is made and searched.

Pure construction and parameter rules; storage, ids and persistence live in ``faiss_store``.
"""
from __future__ import annotations

import math
from typing import Any

INDEX_TYPES = ("flat", "hnsw", "ivf", "ivfpq")

DEFAULT_PARAMS: dict[str, int] = {
    "hnsw_m": 32,  # graph neighbours per node
    "ef_construction": 80,
    "ef_search": 64,
    "nlist": 0,  # IVF lists; 0 = about 4 * sqrt(n), fixed when the index is trained
    "nprobe": 16,  # IVF lists visited per query
    "pq_m": 0,  # PQ sub-quantizers; 0 = a divisor of dim near dim / 8 (8 dims per byte)
    "pq_nbits": 8,  # bits per sub-quantizer code
    "refine": 8,  # ivfpq: fetch refine * k by PQ codes, re-rank them exactly (1 = off); 8 keeps recall@10 ≥ 0.95 at 1M
}


def resolve_index_type(index_type: str, n: int, auto_threshold: int) -> str:
    """The concrete type: ``auto`` is ``flat`` below ``auto_threshold`` vectors, else ``ivf``.

    IVF, not HNSW, above the threshold: measured at 1M chunks (bench/REPORT.md), IVF with
    nprobe 16 keeps recall@10 at 0.97 while HNSW with the default ef_search falls below 0.5.

    >>> resolve_index_type("auto", 1_000, 200_000), resolve_index_type("auto", 200_000, 200_000)
    ('flat', 'ivf')
    """
    if index_type == "auto":
        return "flat" if n < auto_threshold else "ivf"
    if index_type not in INDEX_TYPES:
        raise ValueError(f"index_type={index_type!r}: use auto, {', '.join(INDEX_TYPES)}")
    return index_type


def check_params(params: dict[str, Any]) -> dict[str, int]:
    """``DEFAULT_PARAMS`` updated with ``params``, each checked; unknown names raise ``ValueError``."""
    unknown = sorted(set(params) - set(DEFAULT_PARAMS))
    if unknown:
        raise ValueError(f"unknown index parameter(s) {', '.join(unknown)}; "
                         f"known: {', '.join(DEFAULT_PARAMS)}")
    out = dict(DEFAULT_PARAMS)
    for name, value in params.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"index parameter {name}={value!r}: must be an integer")
        lowest = 0 if name in ("nlist", "pq_m") else 1
        if value < lowest:
            raise ValueError(f"index parameter {name}={value}: must be at least {lowest}")
        out[name] = value
    if out["pq_nbits"] > 16:
        raise ValueError(f"index parameter pq_nbits={out['pq_nbits']}: must be at most 16")
    return out


def auto_nlist(n: int) -> int:
    """IVF list count for ``n`` vectors: about 4 * sqrt(n), at least 1, at most n.

    >>> auto_nlist(2000), auto_nlist(1), auto_nlist(1_000_000)
    (179, 1, 4000)
    """
    return max(1, min(n, round(4 * math.sqrt(n))))


def auto_pq_m(dim: int) -> int:
    """The divisor of ``dim`` nearest ``dim / 8`` (larger wins ties).

    >>> auto_pq_m(512), auto_pq_m(384), auto_pq_m(100), auto_pq_m(3)
    (64, 48, 10, 1)
    """
    divisors = [m for m in range(1, dim + 1) if dim % m == 0]
    return min(divisors, key=lambda m: (abs(m - dim / 8), -m))


def needs_training(index_type: str) -> bool:
    return index_type in ("ivf", "ivfpq")


def new_index(index_type: str, dim: int, n_train: int, params: dict[str, int]) -> tuple[Any, dict[str, int]]:
    """A new, empty faiss index taking ``add_with_ids``, and the params with auto values filled in.

    Flat and HNSW are wrapped in ``IndexIDMap2``; IVF indexes carry ids natively.
    ``n_train`` (the number of training vectors) sizes ``nlist`` and the PQ code width.
    """
    import faiss

    params = dict(params)
    if index_type == "flat":
        return faiss.IndexIDMap2(faiss.IndexFlatIP(dim)), params
    if index_type == "hnsw":
        graph = faiss.IndexHNSWFlat(dim, params["hnsw_m"], faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = params["ef_construction"]
        return faiss.IndexIDMap2(graph), params
    nlist = min(params["nlist"] or auto_nlist(n_train), max(1, n_train))
    params["nlist"] = nlist
    quantizer = faiss.IndexFlatIP(dim)
    if index_type == "ivf":
        index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.cp.min_points_per_centroid = 1  # few points per list is intended for small n
        return index, params
    if index_type == "ivfpq":
        m = params["pq_m"] or auto_pq_m(dim)
        if dim % m:
            raise ValueError(f"index parameter pq_m={m}: must divide the vector dimension {dim}")
        # k-means needs at least 2**nbits training points per sub-quantizer
        nbits = max(1, min(params["pq_nbits"], int(math.log2(max(2, n_train)))))
        params["pq_m"], params["pq_nbits"] = m, nbits
        index = faiss.IndexIVFPQ(quantizer, dim, nlist, m, nbits, faiss.METRIC_INNER_PRODUCT)
        index.cp.min_points_per_centroid = 1
        index.pq.cp.min_points_per_centroid = 1
        return index, params
    raise ValueError(f"index_type={index_type!r}: use {', '.join(INDEX_TYPES)}")


def search_parameters(index_type: str, params: dict[str, int], selector: Any = None) -> Any:
    """faiss ``SearchParameters`` for one search: efSearch / nprobe, and an optional id selector."""
    import faiss

    if index_type == "hnsw":
        sp = faiss.SearchParametersHNSW()
        sp.efSearch = params["ef_search"]
    elif needs_training(index_type):
        sp = faiss.SearchParametersIVF()
        sp.nprobe = params["nprobe"]
    else:
        sp = faiss.SearchParameters()
    if selector is not None:
        sp.sel = selector
    return sp
