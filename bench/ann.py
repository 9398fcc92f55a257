"""One vector index type at one scale: build, tune its search parameters against exact search, size it.

Indexes are planqa's ``VectorIndex``; search parameters are swept from cheap to
expensive and the first setting whose recall@10 against the flat index reaches
the target is kept (``ef_search`` for HNSW, ``nprobe`` and ``refine`` for IVF).
"""
from __future__ import annotations

import math
import os
import time

import numpy as np

from bench.measure import WORK, latency, rss_mb, timed_ms
from planqa.embeddings import faiss_types
from planqa.embeddings.faiss_store import VectorIndex, recall_at_k

RECALL_TARGET = 0.95
K = 10
# search-time settings, cheapest first
SWEEPS: dict[str, list[dict[str, int]]] = {
    "flat": [{}],
    "hnsw": [{"ef_search": e} for e in (64, 128, 256, 512, 1024)],
    "ivf": [{"nprobe": p} for p in (8, 16, 32, 64, 128)],
    "ivfpq": [{"nprobe": p, "refine": r} for p, r in ((16, 4), (16, 8), (32, 8), (32, 16), (64, 16), (64, 32),
                                                      (128, 32))],
}


def build_params(index_type: str, n: int) -> dict[str, int]:
    """Build-time parameters: planqa's defaults, except IVF lists ≈ √n (4√n k-means is too slow at 1M on
    two cores) and 128 PQ sub-quantizers (1 byte per 4 dimensions; 64 needed refine ≥ 16 for 0.95)."""
    if index_type in ("ivf", "ivfpq"):
        params = {"nlist": max(16, round(math.sqrt(n)))}
        if index_type == "ivfpq":
            params["pq_m"] = 128
        return params
    return {}


def search_all(index: VectorIndex, queries: np.ndarray, k: int = K) -> tuple[np.ndarray, list[float]]:
    """One query at a time, as served: (ids (m, k), milliseconds per query)."""
    ids, times = [], []
    for qv in queries:
        ms, (_, got) = timed_ms(lambda qv=qv: index.search(qv, k))
        ids.append(got[0])
        times.append(ms)
    return np.stack(ids), times


def index_bytes(index: VectorIndex) -> int:
    """Size of the faiss structure as faiss writes it (vectors/codes, graph or lists, ids)."""
    import faiss

    path = WORK / f"size-probe-{os.getpid()}.faiss"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        faiss.write_index(index._index, str(path))  # the faiss object itself: VectorIndex has no size API
        return path.stat().st_size
    finally:
        path.unlink(missing_ok=True)


def tune(index: VectorIndex, queries: np.ndarray, exact: np.ndarray) -> tuple[dict, list[dict]]:
    """Sweep search settings; the first reaching ``RECALL_TARGET`` (else the best) and the whole sweep."""
    sweep = []
    for setting in SWEEPS[index.index_type]:
        index.params.update(setting)
        ids, times = search_all(index, queries)
        sweep.append({**setting, "recall@10": round(recall_at_k(ids, exact, K), 4), **_lat(times)})
    chosen = next((s for s in sweep if s["recall@10"] >= RECALL_TARGET), max(sweep, key=lambda s: s["recall@10"]))
    index.params.update({k: v for k, v in chosen.items() if k in faiss_types.DEFAULT_PARAMS})
    return chosen, sweep


def _lat(times: list[float]) -> dict:
    lat = latency(times)
    return {"query_ms_p50": lat["p50"], "query_ms_p95": lat["p95"]}


def fp16_refine(index: VectorIndex, vectors: np.ndarray, queries: np.ndarray, exact: np.ndarray) -> dict:
    """Prototype (not in planqa): IVF-PQ candidates re-ranked with float16 copies of the vectors instead of
    the float32 ones ``VectorIndex`` keeps, which is what would bring resident memory under 1.5 KB/chunk."""
    half = vectors.astype(np.float16)
    refine = index.params["refine"]
    sp = faiss_types.search_parameters("ivfpq", index.params)
    ids, times = [], []
    for qv in queries:
        t = time.perf_counter()
        _, cand = index._index.search(qv[None, :], K * refine, params=sp)  # raw faiss candidates
        cand = cand[0][cand[0] >= 0]
        sims = half[cand].astype(np.float32) @ qv
        ids.append(np.pad(cand[np.argsort(-sims)[:K]], (0, max(0, K - len(cand))), constant_values=-1))
        times.append((time.perf_counter() - t) * 1000)
    per_chunk = index_bytes(index) / len(vectors) + 2 * vectors.shape[1]
    return {"recall@10_vs_flat": round(recall_at_k(np.stack(ids), exact, K), 4), **_lat(times),
            "bytes_per_chunk": round(per_chunk)}


def measure(index_type: str, vectors: np.ndarray, queries: np.ndarray, exact: np.ndarray | None
            ) -> tuple[VectorIndex, dict, np.ndarray]:
    """Build ``index_type`` over ``vectors`` and measure it; (index, row, top-10 ids at the kept setting).

    ``exact`` is None for the flat reference. Latency is pooled over the tuning pass and one more pass.
    """
    n, d = vectors.shape
    before = rss_mb()
    t = time.perf_counter()
    index = VectorIndex.build(vectors, index_type=index_type, **build_params(index_type, n))
    build_s = time.perf_counter() - t
    resident = (rss_mb() - before) * 2 ** 20 if before is not None else float("nan")
    chosen, sweep = ({"recall@10": 1.0}, []) if exact is None else tune(index, queries, exact)
    ids, first = search_all(index, queries)
    _, again = search_all(index, queries)
    row = {"chunks": n, "index": index_type, "build_s": round(build_s, 2), "build_params": index.built_params,
           "search_params": {k: v for k, v in chosen.items() if k in faiss_types.DEFAULT_PARAMS},
           **_lat(first + again), "recall@10_vs_flat": chosen["recall@10"], "sweep": sweep}
    per_chunk = index_bytes(index) / n
    stored = index.vectors.itemsize * d + 8  # VectorIndex's own copy (float16 for ivfpq) and its id
    row.update({"bytes_per_chunk": round(per_chunk), "stored_vector_bytes_per_chunk": stored,
                "vector_index_bytes_per_chunk": round(per_chunk + stored),
                "rss_delta_bytes_per_chunk": round(resident / n)})
    if index_type == "ivfpq":
        row["fp16_refine"] = fp16_refine(index, vectors, queries, exact)
    return index, row, ids
