"""Shared fixtures: tiny documents, a knowledge base over them, and one over the bundled corpus."""
from pathlib import Path

import pytest

from planqa.config import Settings
from planqa.corpus.document import bundled_paths

DATA = Path(__file__).parent / "data"


def pytest_addoption(parser):
    parser.addoption("--store", default="local", choices=["local", "milvus"],
                     help="the store the bundled-corpus fixture uses (milvus: Milvus Lite in the temp folder)")


@pytest.fixture(scope="session")
def tiny_corpus() -> list[Path]:
    """Three tiny documents (a plan with an indicator table, a markdown report, a GB18030 file)."""
    return sorted(DATA.glob("tiny_*"))


def make_settings(data_dir, **overrides) -> Settings:
    return Settings().with_overrides({"data_dir": str(data_dir), **overrides})


@pytest.fixture()
def tmp_index(tmp_path, tiny_corpus):
    """An assistant whose knowledge base holds the tiny corpus, in a fresh directory."""
    from planqa.rag.service import Assistant

    assistant = Assistant(make_settings(tmp_path / "kb", corpus="none"))
    assistant.ingest(tiny_corpus)
    return assistant


@pytest.fixture(scope="session")
def vector_cache(tmp_path_factory, request) -> str:
    """One passage-vector cache for every knowledge base of the session built with the real embedder.

    It lives in pytest's cache folder when there is one, so the bundled corpus is embedded once
    per machine; the cache is content-addressed by model and text, so sharing it is safe.
    """
    cache = getattr(request.config, "cache", None)
    path = cache.mkdir("planqa-vectors") if cache is not None else tmp_path_factory.mktemp("planqa-vectors")
    return str(path)


@pytest.fixture(scope="session")
def bundled_assistant(tmp_path_factory, vector_cache, request):
    """The real pipeline over the real bundled corpus with the real default models (built once).

    The knowledge base is built afresh each session; the passage vectors come from a cache kept
    in pytest's cache folder (content-addressed by model and text), so only the first session
    on a machine pays for embedding the corpus.
    """
    from planqa.rag.service import Assistant

    store = request.config.getoption("--store")
    assistant = Assistant(make_settings(tmp_path_factory.mktemp("bundled-kb"), embed_cache_dir=vector_cache,
                                        store=store))
    assistant.ingest(bundled_paths())
    return assistant
