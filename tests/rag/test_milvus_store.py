"""store = "milvus" on a real Milvus Lite file: the same hits and answers as the local store, versioned writes.

One module-scoped pair of knowledge bases (local and Milvus) over the tiny
corpus; the crash test runs a real ingest in a subprocess and kills it.
"""
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pymilvus", reason="store=milvus needs pymilvus (pip install 'planqa[milvus]')")
pytest.importorskip("milvus_lite", reason="the Milvus tests run on Milvus Lite (pip install milvus-lite)")

from planqa.embeddings import milvus_store  # noqa: E402
from planqa.rag.kb_files import KnowledgeBaseError  # noqa: E402
from planqa.rag.knowledge_base import KnowledgeBase  # noqa: E402
from planqa.rag.retrievers import Filters  # noqa: E402
from planqa.rag.service import Assistant  # noqa: E402
from tests.conftest import make_settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ["测试街道到2025年新增就业岗位多少个？", "绿化覆盖率目标", "养老驿站", "地区生产总值年均增长",
             "工作报告的主要任务是什么？"]
JOBS_V2 = "测试街道到2025年新增就业岗位多少个？"


@pytest.fixture(scope="module")
def pair(tmp_path_factory, tiny_corpus):
    """(local assistant, milvus assistant) over the tiny corpus, sharing one vector cache."""
    root = tmp_path_factory.mktemp("milvus-pair")
    cache = str(root / "vectors")
    local = Assistant(make_settings(root / "local", corpus="none", embed_cache_dir=cache))
    local.ingest(tiny_corpus)
    milvus = Assistant(make_settings(root / "milvus", corpus="none", embed_cache_dir=cache, store="milvus"),
                       embedder=local.embedder)
    milvus.ingest(tiny_corpus)
    return local, milvus


def _ids(hits):
    return [h.chunk.chunk_id for h in hits]


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_the_same_hits_as_the_local_store(pair, mode):
    local, milvus = pair
    for q in QUESTIONS:
        a, b = local.retrieve(q, 5, mode=mode), milvus.retrieve(q, 5, mode=mode)
        assert _ids(a) == _ids(b), q
        assert [h.chunk for h in a] == [h.chunk for h in b]


def test_filters_are_milvus_filters(pair):
    local, milvus = pair
    doc = next(iter(milvus.kb.docs))
    for f in (Filters(doc_ids=(doc,)), Filters(places=("测试街道",)), Filters(doc_ids=("nothing",))):
        a, b = local.retrieve("发展目标", 10, f), milvus.retrieve("发展目标", 10, f)
        assert _ids(a) == _ids(b)
    assert {h.chunk.doc_id for h in milvus.retrieve("发展目标", 10, Filters(doc_ids=(doc,)))} <= {doc}


def test_the_same_answers_and_citations(pair):
    local, milvus = pair
    for q in QUESTIONS:
        a, b = local.ask(q), milvus.ask(q)
        assert (a.text, a.refused) == (b.text, b.refused), q
        assert [(c.chunk.chunk_id, c.start_line, c.end_line, c.quote) for c in a.citations] == \
               [(c.chunk.chunk_id, c.start_line, c.end_line, c.quote) for c in b.citations]


def test_fusion_in_the_engine_ranks_as_weighted_rrf(pair):
    local, milvus = pair
    engine = Assistant(milvus.settings.with_overrides({"milvus_fusion": "engine"}), embedder=milvus.embedder)
    for q in QUESTIONS:
        assert _ids(engine.retrieve(q, 3))[:1] == _ids(local.retrieve(q, 3))[:1], q


def test_chunks_are_read_back_from_milvus(pair):
    _, milvus = pair
    reopened = KnowledgeBase.open(milvus.settings, milvus.embedder)
    assert reopened.chunks == milvus.kb.chunks and reopened.tokens == milvus.kb.tokens
    assert not (Path(milvus.settings.data_dir) / "kb" / "chunks.jsonl").exists()
    assert reopened.milvus.store.count() == len(reopened.chunks)


def test_an_ingest_seals_the_rows_it_wrote(pair, tiny_corpus, monkeypatch):
    """Milvus Lite scans unflushed rows in Python on every search: an ingest flushes them once written."""
    _, milvus = pair
    sealed = []
    seal = milvus_store.MilvusStore.seal
    monkeypatch.setattr(milvus_store.MilvusStore, "seal", lambda self: (sealed.append(self.count()), seal(self)))
    s = milvus.settings.with_overrides({"data_dir": milvus.settings.data_dir + "-sealed"})
    fresh = Assistant(s, embedder=milvus.embedder)
    fresh.ingest(tiny_corpus)
    assert sealed == [len(fresh.kb.chunks)]


def test_a_store_mismatch_asks_for_a_rebuild(pair):
    _, milvus = pair
    with pytest.raises(KnowledgeBaseError, match="store 'milvus', config says 'local'.*--rebuild"):
        KnowledgeBase.open(milvus.settings.with_overrides({"store": "local"}), milvus.embedder)


def test_milvus_lexical_bm25_with_jieba(pair, tiny_corpus):
    local, milvus = pair
    s = milvus.settings.with_overrides({"milvus_lexical": "bm25", "data_dir": milvus.settings.data_dir + "-bm25"})
    bm25 = Assistant(s, embedder=milvus.embedder)
    bm25.ingest(tiny_corpus)
    hits = bm25.retrieve("绿化覆盖率", 3, mode="bm25")
    assert hits and "绿化覆盖率" in hits[0].chunk.text
    assert "5000" in bm25.ask(JOBS_V2).text  # its own ranking: the same facts, maybe in another order


_SLOW_INGEST = """
import sys, time
from planqa.embeddings import milvus_store
from planqa.rag.service import Assistant
from tests.conftest import make_settings
real = milvus_store.MilvusStore._insert_batch
def slow(self, batch):
    n = real(self, batch)
    print("batch written", flush=True)
    time.sleep(60)
    return n
milvus_store.MilvusStore._insert_batch = slow
Assistant(make_settings(sys.argv[1], corpus="none", store="milvus", milvus_batch_size=1,
                        embed_cache_dir=sys.argv[3])).ingest([sys.argv[2]])
"""


def test_an_ingest_killed_midway_leaves_the_previous_version_answering(pair, tmp_path, tiny_corpus):
    _, milvus = pair
    cache = milvus.settings.embed_cache_dir
    data = tmp_path / "kb"
    v1 = tmp_path / "docs-v1" / "tiny_plan.txt"
    v1.parent.mkdir()
    shutil.copy(next(p for p in tiny_corpus if p.name == "tiny_plan.txt"), v1)
    settings = make_settings(data, corpus="none", store="milvus", embed_cache_dir=cache)
    first = Assistant(settings, embedder=milvus.embedder)
    first.ingest([v1])
    assert "5000" in first.ask(JOBS_V2).text
    milvus_store.release(settings.milvus_target)  # Milvus Lite: one process at a time holds the file

    v1.write_text(v1.read_text("utf-8").replace("5000", "8000"), "utf-8")  # the same file, changed
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_INGEST, str(data), str(v1), cache], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "batch written", proc.stderr.read()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    after = Assistant(settings, embedder=milvus.embedder)
    answer = after.ask(JOBS_V2)
    assert "5000" in answer.text and "8000" not in answer.text  # the old version, whole
    store = after.kb.milvus.store
    assert len(store.versions()) == 2  # the new version's first rows are there, unread

    report = after.ingest([v1])  # the re-run completes it; the old rows go
    assert report.replaced and "8000" in after.ask(JOBS_V2).text
    assert store.versions() == {r.version for r in after.kb.docs.values()}
    assert store.count() == len(after.kb.chunks)
    milvus_store.release(settings.milvus_target)


def test_config_shows_the_store_and_never_the_token(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PLANQA_STORE": "milvus",
           "PLANQA_MILVUS_TOKEN": "tok-secret-123456", "PLANQA_DATA_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "planqa.cli", "config"], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout
    assert "store" in out and "'milvus'" in out and "milvus_uri" in out
    assert "tok-secret" not in out


def test_an_unreachable_milvus_uri_is_one_clear_line(tmp_path, tiny_corpus):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PLANQA_STORE": "milvus", "PLANQA_CORPUS": "none",
           "PLANQA_MILVUS_URI": "http://127.0.0.1:1", "PLANQA_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "planqa.cli", "ingest", *map(str, tiny_corpus)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "无法连接 Milvus http://127.0.0.1:1" in done.stderr and "milvus_uri" in done.stderr


def test_missing_pymilvus_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pymilvus", None)  # import pymilvus now raises ImportError
    with pytest.raises(milvus_store.MilvusStoreError, match=r"planqa\[milvus\]"):
        milvus_store._client(str(tmp_path / "absent.db"), "")


def test_docs_compare_and_brief_work_unchanged(pair):
    from planqa.rag.briefing import build_briefing, compare

    local, milvus = pair
    assert [(r.doc_id, r.meta) for r in sorted(local.kb.docs.values(), key=lambda r: r.doc_id)] == \
           [(r.doc_id, r.meta) for r in sorted(milvus.kb.docs.values(), key=lambda r: r.doc_id)]
    assert local.kb.outline(next(iter(local.kb.docs))) == milvus.kb.outline(next(iter(local.kb.docs)))
    assert compare(local, "绿化覆盖率") == compare(milvus, "绿化覆盖率")
    assert build_briefing(local, "就业") == build_briefing(milvus, "就业")
