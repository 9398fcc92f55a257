"""VectorCache: passage vectors reused by (model, text) across ingests; damaged or half-written shards ignored."""
from __future__ import annotations

import numpy as np

from planqa.embeddings import vector_cache
from planqa.embeddings.vector_cache import VectorCache


class Fake:
    """A deterministic 4-d 'model' that records what it embeds."""

    def __init__(self):
        self.seen: list[str] = []

    def embed_documents(self, texts, show_progress=False):
        self.seen += texts
        return np.array([[len(t), t.count("a"), 1.0, 0.0] for t in texts], dtype=np.float32)


def test_cached_texts_are_not_embedded_again(tmp_path):
    fake = Fake()
    cache = VectorCache(tmp_path, "m1", 4)
    first = cache.embed(["aa", "b", "aa"], fake.embed_documents)
    assert fake.seen == ["aa", "b"] and first.shape == (3, 4) and np.array_equal(first[0], first[2])
    cache.save()
    again = VectorCache(tmp_path, "m1", 4)  # a later process
    out = again.embed(["b", "ccc", "aa"], fake.embed_documents)
    assert fake.seen == ["aa", "b", "ccc"] and np.array_equal(out[0], first[1])
    assert (again.hits, again.misses) == (2, 1)


def test_another_model_does_not_share_vectors(tmp_path):
    fake = Fake()
    one = VectorCache(tmp_path, "m1", 4)
    one.embed(["aa"], fake.embed_documents)
    one.save()
    VectorCache(tmp_path, "m2@pkg-2", 4).embed(["aa"], fake.embed_documents)
    assert fake.seen == ["aa", "aa"]


def test_half_written_and_damaged_shards_are_ignored(tmp_path):
    fake = Fake()
    cache = VectorCache(tmp_path, "m1", 4)
    cache.embed(["aa", "b"], fake.embed_documents)
    cache.save()
    keys = next(cache.folder.glob("*.json"))
    keys.with_suffix(".npy").write_bytes(b"\x93NUMPY garbage")  # damaged vectors
    (cache.folder / "0000.npy").write_bytes(b"partial")  # a crash before its key list was written
    fresh = VectorCache(tmp_path, "m1", 4)
    assert len(fresh) == 0
    fresh.embed(["aa"], fake.embed_documents)
    assert fake.seen[-1] == "aa"


def test_many_shards_are_merged(tmp_path, monkeypatch):
    monkeypatch.setattr(vector_cache, "MAX_SHARDS", 3)
    fake = Fake()
    cache = VectorCache(tmp_path, "m1", 4)
    for i in range(6):
        cache.embed([f"t{i}"], fake.embed_documents)
        cache.save()
    assert len(list(cache.folder.glob("*.json"))) <= 3
    reread = VectorCache(tmp_path, "m1", 4)
    assert len(reread) == 6
    reread.embed([f"t{i}" for i in range(6)], fake.embed_documents)
    assert len(fake.seen) == 6
