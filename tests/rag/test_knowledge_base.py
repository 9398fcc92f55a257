"""Knowledge base: persistence, manifest checks, atomic writes, incremental changes, filters."""
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from planqa.rag.knowledge_base import KnowledgeBase, KnowledgeBaseError, kb_dir
from planqa.rag.retrievers import Filters
from planqa.rag.sentence_vectors import unit_texts
from planqa.rag.service import Assistant
from tests.conftest import make_settings


class CountingEmbedder:
    """Wraps the real embedder and counts what it embeds."""

    def __init__(self, inner):
        self.inner, self.embedded = inner, 0
        self.name, self.model_id = inner.name, inner.model_id

    @property
    def dim(self):
        return self.inner.dim

    def load(self):
        self.inner.load()

    def embed_documents(self, texts, *, show_progress=False):
        self.embedded += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def test_ingest_and_reopen(tmp_index):
    kb = tmp_index.kb
    assert {r.source for r in kb.docs.values()} == {"tiny_plan.txt", "tiny_report.md", "tiny_gbk.txt"}
    again = KnowledgeBase.open(tmp_index.settings, tmp_index.embedder)
    assert [c.chunk_id for c in again.chunks] == [c.chunk_id for c in kb.chunks]
    assert np.allclose(again.vectors, kb.vectors)
    assert again.doc_text("tiny_plan") == kb.doc_text("tiny_plan")
    manifest = json.loads((kb_dir(tmp_index.settings) / "manifest.json").read_text("utf-8"))
    assert manifest["signature"]["embedder"] == tmp_index.embedder.model_id
    assert {d["fingerprint"] for d in manifest["documents"]} and manifest["chunks"] == len(kb.chunks)


def test_table_rows_and_gb18030_are_indexed(tmp_index):
    rows = [c for c in tmp_index.kb.chunks if c.kind == "table_row"]
    assert {r.row.name for r in rows} == {"绿化覆盖率", "新增就业岗位"}
    hits = tmp_index.retrieve("测试乡人口目标", 3)
    assert hits[0].chunk.source == "tiny_gbk.txt"


def test_mismatched_settings_are_detected(tmp_index):
    s = tmp_index.settings
    with pytest.raises(KnowledgeBaseError, match="chunk_size.*planqa ingest --rebuild"):
        Assistant(s.with_overrides({"chunk_size": 200})).kb
    manifest_path = kb_dir(s) / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest["signature"]["embedder"] = "BAAI/bge-small-zh-v1.5"
    manifest_path.write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(KnowledgeBaseError, match="index built with embedding model 'BAAI/bge-small-zh-v1.5'"):
        Assistant(s).kb


@pytest.mark.parametrize("victim,damage", [
    ("manifest.json", b"{not json"),
    ("chunks.jsonl", b'{"broken": '),
    ("vectors/index.faiss", b"garbage"),
    ("vectors/vectors.npy", b"\x93NUMPY garbage"),
])
def test_corrupt_files_give_clear_errors(tmp_index, victim, damage):
    (kb_dir(tmp_index.settings) / victim).write_bytes(damage)
    with pytest.raises(KnowledgeBaseError, match="rebuild"):
        Assistant(tmp_index.settings).kb


def test_missing_index_message(tmp_path):
    s = make_settings(tmp_path / "none", corpus="none")
    with pytest.raises(KnowledgeBaseError, match="planqa ingest"):
        Assistant(s).kb


def test_interrupted_save_keeps_previous_index(tmp_index, tiny_corpus, monkeypatch):
    before = [c.chunk_id for c in tmp_index.kb.chunks]
    kb = tmp_index.kb

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(type(kb.vector_index), "save", boom)
    kb.remove(["tiny_gbk"])
    with pytest.raises(KnowledgeBaseError, match="无法写入知识库.*disk full.*知识库未改变"):
        kb.save()
    monkeypatch.undo()
    reopened = KnowledgeBase.open(tmp_index.settings, tmp_index.embedder)
    assert [c.chunk_id for c in reopened.chunks] == before
    assert not any(p.name.startswith(".kb") and "tmp" in p.name for p in kb_dir(tmp_index.settings).parent.iterdir()
                   if p.is_dir() and p.name != "kb" and not p.name.endswith(".old"))


def test_incremental_add_and_remove_embed_only_changes(tmp_path, tiny_corpus):
    copies = tmp_path / "docs"
    copies.mkdir()
    tiny_corpus = [Path(shutil.copy(p, copies / p.name)) for p in tiny_corpus]
    base = Assistant(make_settings(tmp_path / "kb", corpus="none"))
    counting = CountingEmbedder(base.embedder)
    assistant = Assistant(base.settings, embedder=counting)
    assistant.ingest(tiny_corpus[1:])
    first = counting.embedded
    report = assistant.ingest(tiny_corpus)  # two unchanged, one new
    new_chunks = sum(1 for c in assistant.kb.chunks if c.source == tiny_corpus[0].name)
    old_units = {t for c in assistant.kb.chunks if c.source != tiny_corpus[0].name for t in unit_texts(c)}
    new_units = {t for c in assistant.kb.chunks if c.source == tiny_corpus[0].name for t in unit_texts(c)}
    assert counting.embedded - first == new_chunks + len(new_units - old_units)  # chunks + unseen sentences
    assert sorted(report.unchanged) == sorted(p.name for p in tiny_corpus[1:])
    changed = next(p for p in tiny_corpus if p.name == "tiny_plan.txt")  # the same file, edited in place
    with open(changed, "a", encoding="utf-8") as fh:
        fh.write("\n新增一段：测试街道新建口袋公园6个。\n")
    report = assistant.ingest([changed])
    assert report.replaced == [changed.name]
    assert any("口袋公园" in c.text for c in assistant.kb.chunks)
    assistant.remove(["tiny_report.md"])
    assert "tiny_report" not in Assistant(assistant.settings).kb.docs


def test_changed_source_is_reported_stale(tmp_path, tiny_corpus):
    src = tmp_path / "plan.txt"
    shutil.copy(tiny_corpus[1], src)
    assistant = Assistant(make_settings(tmp_path / "kb", corpus="none"))
    assistant.ingest([src])
    assert assistant.kb.stale_sources() == []
    src.write_text(src.read_text("utf-8") + "\n补充内容。", "utf-8")
    assert assistant.kb.stale_sources() == ["plan.txt"]


def test_bad_files_are_skipped_and_reported(tmp_path, tiny_corpus):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("", "utf-8")
    (bad / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    (bad / "notes.xyz").write_text("x", "utf-8")
    shutil.copy(tiny_corpus[0], bad / "good.txt")
    assistant = Assistant(make_settings(tmp_path / "kb", corpus="none"))
    report = assistant.ingest([bad])
    assert report.added == ["good.txt"]
    reasons = " ".join(str(e) for e in report.skipped)
    assert "empty.txt" in reasons and "image.txt" in reasons and "notes.xyz" in reasons


def test_filters(tmp_index):
    only = tmp_index.retrieve("测试 目标", 10, Filters(doc_ids=("tiny_report.md",)))
    assert only and {h.chunk.source for h in only} == {"tiny_report.md"}
    by_place = tmp_index.retrieve("目标", 10, Filters(places=("测试街道",)))
    assert {h.chunk.source for h in by_place} == {"tiny_plan.txt"}
    by_type = tmp_index.retrieve("测试", 10, Filters(doc_types=("政府工作报告",)))
    assert {h.chunk.source for h in by_type} == {"tiny_report.md"}


def test_no_pickle_on_disk(tmp_index):
    for path in kb_dir(tmp_index.settings).rglob("*"):
        if path.suffix == ".npy":
            np.load(path, allow_pickle=False)
        assert path.suffix not in (".pkl", ".pickle")
