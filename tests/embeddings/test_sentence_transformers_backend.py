"""The sentence-transformers backend: prompt rules, offline failure, and the real all-MiniLM-L6-v2 model."""
from __future__ import annotations

import json
import time

import numpy as np
import pytest

from planqa.config import Settings
from planqa.embeddings import EmbeddingError, get_embedder
from planqa.embeddings.sentence_transformers_backend import (
    BGE_EN_QUERY,
    BGE_ZH_QUERY,
    SentenceTransformerEmbedder,
    resolve_prompts,
)


def _settings(model: str) -> Settings:
    return Settings().with_overrides({"embedder": "sentence-transformers", "embedding_model": model})


@pytest.fixture(scope="module")
def minilm(minilm_path):
    embedder = get_embedder(_settings(str(minilm_path)))
    embedder.load()
    return embedder


@pytest.mark.parametrize("name, expected", [
    ("BAAI/bge-small-zh-v1.5", (BGE_ZH_QUERY, "")),
    ("./models/bge-large-zh", (BGE_ZH_QUERY, "")),
    ("~/.cache/huggingface/hub/models--BAAI--bge-base-zh-v1.5/snapshots/abc123", (BGE_ZH_QUERY, "")),
    ("BAAI/bge-small-en-v1.5", (BGE_EN_QUERY, "")),
    ("BAAI/bge-m3", ("", "")),
    ("intfloat/multilingual-e5-small", ("query: ", "passage: ")),
    ("intfloat/e5-base-v2", ("query: ", "passage: ")),
    ("sentence-transformers/all-MiniLM-L6-v2", ("", "")),
])
def test_prompt_rules_by_model_name(name, expected):
    assert resolve_prompts(name) == expected


def test_model_prompts_used_when_name_is_not_a_known_family():
    assert resolve_prompts("acme/retriever", {"query": "Q: ", "document": "D: "}) == ("Q: ", "D: ")
    assert resolve_prompts("acme/retriever", {"query": "Q: ", "passage": "P: "}) == ("Q: ", "P: ")
    assert resolve_prompts("acme/retriever", {"classification": "C: "}) == ("", "")
    # a known family wins over whatever the model config says
    assert resolve_prompts("intfloat/e5-small", {"query": "Q: "}) == ("query: ", "passage: ")


def test_empty_model_setting_fails_at_construction():
    with pytest.raises(EmbeddingError, match="embedding_model"):
        get_embedder(_settings(""))


def test_unreachable_hub_fails_fast_with_instructions(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = get_embedder(_settings("nonexistent-org/no-such-embedding-model"))
    import sentence_transformers  # noqa: F401  (the library's own import time is not what is checked)

    start = time.monotonic()
    with pytest.raises(EmbeddingError) as err:
        embedder.load()
    # no network retries: a hub lookup that waited on them would take minutes, not a busy machine's seconds
    assert time.monotonic() - start < 60
    message = str(err.value)
    assert "nonexistent-org/no-such-embedding-model not found locally" in message
    assert "model hub is unreachable" in message
    assert "set embedding_model to its local path" in message


def test_missing_local_directory_is_named(tmp_path):
    missing = tmp_path / "models" / "bge-small-zh"
    with pytest.raises(EmbeddingError, match="does not exist"):
        get_embedder(_settings(str(missing))).load()


def test_minilm_vectors_are_384d_unit_float32(minilm):
    docs = minilm.embed_documents(["养老服务体系建设", "The cat sits on the mat."], show_progress=True)
    assert minilm.dim == 384 and docs.shape == (2, 384) and docs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    q = minilm.embed_query("Where is the cat?")
    assert q.shape == (384,) and q.dtype == np.float32
    assert minilm.embed_documents([]).shape == (0, 384)


def test_minilm_similar_sentences_score_higher(minilm):
    cat, kitten, stocks = minilm.embed_documents([
        "The cat sits on the mat.", "A kitten is lying on a rug.", "Stock markets fell sharply today."])
    assert cat @ kitten > cat @ stocks + 0.2
    q = minilm.embed_query("Where is the cat sleeping?")
    assert q @ cat > q @ stocks


def test_minilm_has_no_prompts_so_query_equals_document(minilm):
    assert minilm.prompts == ("", "")
    text = "How many elderly care centres will be built?"
    np.testing.assert_allclose(minilm.embed_query(text), minilm.embed_documents([text])[0], atol=1e-5)


def _minilm_with_config(minilm_path, target, config: dict):
    """A model dir linking to MiniLM's files, with its own config_sentence_transformers.json."""
    target.mkdir()
    for item in minilm_path.iterdir():
        if item.name != "config_sentence_transformers.json":
            (target / item.name).symlink_to(item, target_is_directory=item.is_dir())
    (target / "config_sentence_transformers.json").write_text(json.dumps(config))
    return target


def _raw(embedder, text: str) -> np.ndarray:
    return embedder._model.encode([text], normalize_embeddings=True)[0]


def test_e5_named_model_gets_query_and_passage_prefixes(minilm_path, tmp_path):
    e5_dir = tmp_path / "multilingual-e5-mini"
    e5_dir.symlink_to(minilm_path, target_is_directory=True)
    embedder = SentenceTransformerEmbedder(str(e5_dir))
    assert embedder.prompts == ("query: ", "passage: ")
    text = "how are elderly people cared for"
    q, d = embedder.embed_query(text), embedder.embed_documents([text])[0]
    np.testing.assert_allclose(q, _raw(embedder, "query: " + text), atol=1e-5)
    np.testing.assert_allclose(d, _raw(embedder, "passage: " + text), atol=1e-5)
    assert float(q @ d) < 0.9999


def test_model_config_prompts_are_applied(minilm_path, tmp_path):
    config = {"prompts": {"query": "Question: ", "document": "Passage: "}, "default_prompt_name": None}
    custom = _minilm_with_config(minilm_path, tmp_path / "custom-retriever", config)
    embedder = SentenceTransformerEmbedder(str(custom))
    assert embedder.prompts == ("Question: ", "Passage: ")
    np.testing.assert_allclose(embedder.embed_query("cats"), _raw(embedder, "Question: cats"), atol=1e-5)
    np.testing.assert_allclose(embedder.embed_documents(["cats"])[0], _raw(embedder, "Passage: cats"),
                               atol=1e-5)


def test_default_prompt_name_does_not_leak_into_documents(minilm_path, tmp_path):
    config = {"prompts": {"query": "Question: ", "other": "Other: "}, "default_prompt_name": "other"}
    custom = _minilm_with_config(minilm_path, tmp_path / "defaulted", config)
    embedder = SentenceTransformerEmbedder(str(custom))
    assert embedder.prompts == ("Question: ", "")
    plain = embedder._model.encode(["cats"], prompt="", normalize_embeddings=True)[0]
    np.testing.assert_allclose(embedder.embed_documents(["cats"])[0], plain, atol=1e-5)
