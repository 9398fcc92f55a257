"""Embedding fanned out over worker processes (and Ray in local mode) gives the in-process vectors, in order."""
import numpy as np
import pytest

from planqa.embeddings.base import get_embedder
from planqa.embeddings.parallel import embed_parallel
from tests.conftest import make_settings

TEXTS = [f"到2025年，测试街道新增就业岗位{n}个。" for n in range(0, 3000, 500)] + ["", "绿化覆盖率达到45%"]


@pytest.fixture(scope="module")
def expected(tmp_path_factory):
    s = make_settings(tmp_path_factory.mktemp("par"))
    return get_embedder(s).embed_documents(TEXTS)


@pytest.mark.parametrize("backend", ["process", "ray"])
def test_workers_embed_as_one_process(tmp_path, expected, backend, monkeypatch):
    if backend == "ray":
        pytest.importorskip("ray", reason="ingest_backend=ray needs ray (pip install 'planqa[ray]')")
    monkeypatch.setattr("planqa.embeddings.parallel.SLICE", 3)  # several tasks from a few texts
    s = make_settings(tmp_path, ingest_workers=2, ingest_backend=backend)
    seen = []
    got = embed_parallel(TEXTS, s, expected.shape[1], progress=lambda n, total: seen.append((n, total)))
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert seen[-1] == (len(TEXTS), len(TEXTS))
    if backend == "ray":
        import ray

        ray.shutdown()
