"""VectorIndex: every index type, recall against exact search, filtered search, add/remove, auto."""
from __future__ import annotations

import numpy as np
import pytest

from planqa.config import Settings
from planqa.embeddings.faiss_store import VectorIndex, recall_at_k
from planqa.embeddings.faiss_types import auto_nlist, auto_pq_m, resolve_index_type

TYPES = ("flat", "hnsw", "ivf", "ivfpq")


@pytest.fixture(scope="module")
def exact(vectors, queries):
    x, ids = vectors
    return VectorIndex.build(x, ids, "flat").search(queries, 10)


@pytest.fixture(scope="module")
def built(vectors):
    x, ids = vectors
    return {t: VectorIndex.build(x, ids, t) for t in TYPES}


@pytest.mark.parametrize("index_type, floor", [("flat", 1.0), ("hnsw", 0.9), ("ivf", 0.9), ("ivfpq", 0.8)])
def test_recall_at_10_against_flat(built, queries, exact, index_type, floor):
    _, got = built[index_type].search(queries, 10)
    assert recall_at_k(got, exact[1], 10) >= floor


@pytest.mark.parametrize("index_type", TYPES)
def test_round_trip_keeps_results(built, queries, tmp_path, index_type):
    index = built[index_type]
    index.save(tmp_path / "index", meta={"model_id": "test-model"})
    loaded = VectorIndex.load(tmp_path / "index")
    assert (loaded.index_type, loaded.dim, len(loaded)) == (index_type, 64, 2000)
    assert loaded.params == index.params and loaded.built_params == index.built_params
    assert loaded.meta == {"model_id": "test-model"}
    np.testing.assert_array_equal(loaded.ids, index.ids)
    before, after = index.search(queries, 10), loaded.search(queries, 10)
    np.testing.assert_array_equal(after[1], before[1])
    np.testing.assert_allclose(after[0], before[0], rtol=1e-5)


def test_scores_are_inner_products_best_first(built, vectors, queries):
    x, ids = vectors
    scores, got = built["flat"].search(queries[:3], 5)
    rows = (got - 7) // 3
    np.testing.assert_allclose(scores, np.einsum("md,mkd->mk", queries[:3], x[rows]), rtol=1e-5)
    assert (np.diff(scores, axis=1) <= 1e-6).all()
    assert scores.dtype == np.float32 and got.dtype == np.int64


@pytest.mark.parametrize("index_type", TYPES)
@pytest.mark.parametrize("path", ["exact", "selector"])
@pytest.mark.parametrize("form", ["ids", "mask"])
def test_filtered_search_returns_only_allowed_ids(built, vectors, queries, index_type, path, form):
    _, ids = vectors
    index = built[index_type]
    allowed_ids = ids[ids % 2 == 1]  # half the ids
    if form == "mask":
        allowed = np.zeros(ids.max() + 1, dtype=bool)
        allowed[allowed_ids] = True
    else:
        allowed = allowed_ids.tolist()
    old_limit = index.exact_filter_limit
    index.exact_filter_limit = 10**9 if path == "exact" else 0
    try:
        scores, got = index.search(queries, 10, allowed=allowed)
    finally:
        index.exact_filter_limit = old_limit
    assert np.isin(got, allowed_ids).all()  # no -1 either: half the vectors is plenty
    assert np.isfinite(scores).all()


def test_exact_filtered_search_matches_brute_force(built, vectors, queries):
    x, ids = vectors
    allowed = ids[::50]
    scores, got = built["hnsw"].search(queries, 5, allowed=allowed)  # 40 allowed: exact path
    sims = queries @ x[::50].T
    np.testing.assert_array_equal(got, allowed[np.argsort(-sims, axis=1)[:, :5]])


def test_tiny_filter_pads_with_minus_one(built, vectors, queries):
    _, ids = vectors
    scores, got = built["ivf"].search(queries[:2], 5, allowed=[ids[3], ids[9]])
    assert sorted(got[0, :2].tolist()) == sorted([ids[3], ids[9]])
    assert (got[:, 2:] == -1).all() and np.isneginf(scores[:, 2:]).all()


def test_empty_filter_and_empty_index_give_no_results(built, queries):
    scores, got = built["flat"].search(queries[:2], 3, allowed=np.array([], dtype=np.int64))
    assert (got == -1).all() and np.isneginf(scores).all()
    scores, got = VectorIndex(dim=64).search(queries[0], 3)
    assert got.shape == (1, 3) and (got == -1).all()


def test_k_larger_than_the_index_pads(queries):
    index = VectorIndex.build(queries[:4], [10, 11, 12, 13])
    scores, got = index.search(queries[:1], 6)
    assert sorted(got[0, :4].tolist()) == [10, 11, 12, 13]
    assert (got[0, 4:] == -1).all() and np.isneginf(scores[0, 4:]).all()


@pytest.mark.parametrize("index_type", TYPES)
def test_remove_and_add_back(vectors, queries, index_type, tmp_path):
    x, ids = vectors
    index = VectorIndex.build(x, ids, index_type)
    gone = ids[:500]
    assert index.remove(np.concatenate([gone, gone[:3], [999_999]])) == 500
    assert len(index) == 1500
    _, got = index.search(queries, 10)
    assert not np.isin(got, gone).any()
    index.add(x[:500], gone)
    assert len(index) == 2000
    _, got = index.search(x[:5], 1)
    assert got[:, 0].tolist() == gone[:5].tolist()  # each vector finds itself
    index.save(tmp_path / "ix")
    assert len(VectorIndex.load(tmp_path / "ix")) == 2000


def test_incremental_add_equals_one_build(vectors, queries):
    x, ids = vectors
    index = VectorIndex(dim=64)
    index.add(x[:700], ids[:700])
    index.add(x[700:], ids[700:])
    np.testing.assert_array_equal(index.search(queries, 10)[1],
                                  VectorIndex.build(x, ids).search(queries, 10)[1])


def test_add_rejects_bad_input(vectors):
    x, ids = vectors
    index = VectorIndex.build(x[:10], ids[:10])
    with pytest.raises(ValueError, match="already in the index"):
        index.add(x[:1], ids[:1])
    with pytest.raises(ValueError, match="another embedding model"):
        index.add(np.ones((1, 32), dtype=np.float32), [5000])
    with pytest.raises(ValueError, match="distinct"):
        index.add(x[:2], [9000, 9000])
    with pytest.raises(ValueError, match="non-negative"):
        index.add(x[:1], [-4])
    with pytest.raises(ValueError, match="2 vectors but 1 ids"):
        index.add(x[:2], [9001])
    with pytest.raises(ValueError, match="NaN"):
        index.add(np.full((1, 64), np.nan, dtype=np.float32), [9002])


def test_constructor_validates():
    with pytest.raises(ValueError, match="dim"):
        VectorIndex(dim=0)
    with pytest.raises(ValueError, match="index_type='annoy'"):
        VectorIndex(dim=8, index_type="annoy")
    with pytest.raises(ValueError, match="unknown index parameter"):
        VectorIndex(dim=8, index_type="hnsw", efsearch=10)
    with pytest.raises(ValueError, match="nprobe=0"):
        VectorIndex(dim=8, index_type="ivf", nprobe=0)


def test_search_time_params_change_results(vectors, queries, exact):
    x, ids = vectors
    index = VectorIndex.build(x, ids, "ivf", nprobe=1)
    low = recall_at_k(index.search(queries, 10)[1], exact[1], 10)
    index.params["nprobe"] = index.built_params["nlist"]  # probing every list is exact
    assert recall_at_k(index.search(queries, 10)[1], exact[1], 10) == 1.0 > low


def test_auto_picks_flat_below_threshold_else_ivf(vectors):
    x, ids = vectors
    assert VectorIndex.build(x, ids, "auto").index_type == "flat"
    threshold = Settings().with_overrides({"index_auto_threshold": 1000}).index_auto_threshold
    assert VectorIndex.build(x, ids, "auto", auto_threshold=threshold).index_type == "ivf"
    assert resolve_index_type("auto", 999, 1000) == "flat"
    with pytest.raises(ValueError):
        resolve_index_type("lsh", 10, 1000)


def test_small_collections_still_train_ivf(queries):
    for index_type in ("ivf", "ivfpq"):
        index = VectorIndex.build(queries[:20], None, index_type)
        assert index.built_params["nlist"] <= 20
        _, got = index.search(queries[:1], 1)
        assert got[0, 0] == 0


def test_rebuild_resizes_ivf_after_growth(vectors):
    x, ids = vectors
    index = VectorIndex.build(x[:100], ids[:100], "ivf")
    assert index.built_params["nlist"] == 40 and index.params["nlist"] == 0
    index.add(x[100:], ids[100:])
    index.rebuild()
    assert index.built_params["nlist"] == 179


def test_auto_sizes():
    assert auto_nlist(2000) == 179 and auto_nlist(0) == 1
    assert 512 % auto_pq_m(512) == 0 and 384 % auto_pq_m(384) == 0 and auto_pq_m(7) == 1


def test_recall_at_k():
    assert recall_at_k(np.array([[1, 2, 3]]), np.array([[1, 3, 4]]), 3) == pytest.approx(2 / 3)
    assert recall_at_k(np.array([[1, 2], [5, -1]]), np.array([[1, 2], [5, -1]]), 2) == 1.0
    assert recall_at_k(np.array([[9, 8, 1]]), np.array([[1, 2, 3]]), 2) == 0.0
    assert recall_at_k(np.array([[-1]]), np.array([[-1]]), 1) == 1.0


def test_compressed_index_memory_and_recall():
    import faiss

    from tests.embeddings.conftest import clustered, unit_rows

    # like real chunk vectors: many near-duplicates around a few thousand topics
    rng = np.random.default_rng(8)
    base = clustered(2000, 512, seed=7)
    noise = rng.standard_normal((20_000, 512)) / np.sqrt(512)
    data = unit_rows(base[rng.integers(0, 2000, 20_000)] + 0.3 * noise).astype(np.float32)
    queries = unit_rows(data[rng.choice(len(data), 50)] + 0.05 * noise[:50]).astype(np.float32)
    flat = VectorIndex.build(data, index_type="flat")
    pq = VectorIndex.build(data, index_type="ivfpq")
    assert pq.vectors.dtype == np.float16 and flat.vectors.dtype == np.float32
    per_chunk = (pq.vectors.nbytes + pq.ids.nbytes + len(faiss.serialize_index(pq._index))) / len(data)
    assert per_chunk <= 1536, per_chunk
    _, exact = flat.search(queries, 10)
    _, approx = pq.search(queries, 10)
    assert recall_at_k(approx, exact, 10) >= 0.95
