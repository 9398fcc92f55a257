"""The knowledge base never loses, mixes or hides a document: identity, concurrent writers, damage, bad input."""
from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from planqa.rag.knowledge_base import KnowledgeBase, KnowledgeBaseError, kb_dir
from planqa.rag.service import Assistant
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[2]
ZI = "子镇“十四五”规划\n\n一、总体目标\n\n到2025年，子镇地区生产总值达到50亿元。\n"
CHOU = "丑镇“十四五”规划\n\n说明\n\n本规划由丑镇人民政府编制。\n\n一、总体目标\n\n到2025年，丑镇地区生产总值达到80亿元。\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


def cli(*args: str, data_dir: Path, check: bool = False) -> subprocess.CompletedProcess:
    """The real command line in a child process (what a user or a second writer runs)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PLANQA_CORPUS": "none"}
    out = subprocess.run([sys.executable, "-m", "planqa.cli", *args, "--data-dir", str(data_dir)],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    if check:
        assert out.returncode == 0, out.stderr
    return out


@pytest.fixture()
def towns(tmp_path):
    """Two towns' plans under the same file stem in two folders."""
    return write(tmp_path / "a" / "plan.txt", ZI), write(tmp_path / "b" / "plan.md", CHOU)


def test_same_stem_documents_are_two_documents_each_cited_at_its_own_lines(tmp_path, towns):
    for batches in ([towns[:1], towns[1:]], [list(towns)]):
        a = Assistant(make_settings(tmp_path / f"kb{len(batches)}", corpus="none"))
        reports = [a.ingest(b) for b in batches]
        assert sum(len(r.added) for r in reports) == 2 and not any(r.replaced for r in reports)
        assert sorted(r.source for r in a.kb.docs.values()) == ["plan.md", "plan.txt"]
        assert len(set(a.kb.docs)) == 2
        zi, chou = a.ask("子镇地区生产总值目标是多少？"), a.ask("丑镇地区生产总值目标是多少？")
        assert "50" in zi.text and zi.citations[0].chunk.source == "plan.txt"
        assert "80" in chou.text and chou.citations[0].chunk.source == "plan.md"
        assert zi.citations[0].start_line == 5 and chou.citations[0].start_line == 9
        for cite in (zi.citations[0], chou.citations[0]):
            lines = a.kb.doc_text(cite.chunk.doc_id).split("\n")
            assert cite.quote in lines[cite.start_line - 1]


def test_same_content_under_another_name_is_a_duplicate_unless_asked(tmp_path, towns):
    a = Assistant(make_settings(tmp_path / "kb", corpus="none"))
    a.ingest([towns[0]])
    copy = write(tmp_path / "c" / "copy.txt", ZI)
    report = a.ingest([copy])
    assert report.duplicates == [("copy.txt", "plan.txt")] and len(a.kb.docs) == 1
    assert any("内容相同" in line for line in report.lines())
    report = a.ingest([copy], allow_duplicates=True)
    assert report.added == ["copy.txt"] and len(a.kb.docs) == 2


def test_changed_file_replaces_exactly_that_document(tmp_path, towns):
    a = Assistant(make_settings(tmp_path / "kb", corpus="none"))
    a.ingest(towns)
    ids = dict((r.source, d) for d, r in a.kb.docs.items())
    write(towns[0], ZI.replace("50亿元", "55亿元"))
    report = a.ingest([towns[0]])
    assert report.replaced == ["plan.txt"] and dict((r.source, d) for d, r in a.kb.docs.items()) == ids
    assert "55" in a.ask("子镇地区生产总值目标是多少？").text
    assert "80" in a.ask("丑镇地区生产总值目标是多少？").text


def test_a_file_name_two_documents_share_is_ambiguous(tmp_path):
    a = Assistant(make_settings(tmp_path / "kb", corpus="none"))
    a.ingest([write(tmp_path / "x" / "plan.txt", ZI), write(tmp_path / "y" / "plan.txt", CHOU)])
    with pytest.raises(KnowledgeBaseError, match="有 2 个文档都叫 plan.txt"):
        a.remove(["plan.txt"])
    doc = next(iter(a.kb.docs))
    assert a.remove([doc]) == [doc] and len(a.kb.docs) == 1


@pytest.mark.slow
def test_concurrent_cli_ingests_both_survive(tmp_path):
    files = [write(tmp_path / "yin.txt", "寅镇规划\n\n到2025年，寅镇新增就业1000人。\n"),
             write(tmp_path / "mao.txt", "卯镇规划\n\n到2025年，卯镇新增就业2000人。\n")]
    data = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PLANQA_CORPUS": "none"}
    procs = [subprocess.Popen([sys.executable, "-m", "planqa.cli", "ingest", str(f), "--data-dir", str(data)],
                              env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for f in files]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    kb = KnowledgeBase.open(make_settings(data, corpus="none"), Assistant(make_settings(data)).embedder)
    assert sorted(r.source for r in kb.docs.values()) == ["mao.txt", "yin.txt"]


def test_a_writer_merges_into_what_another_writer_saved(tmp_path, towns):
    s = make_settings(tmp_path / "kb", corpus="none")
    first, second = Assistant(s), Assistant(s)
    first.ingest([towns[0]])
    second.kb  # noqa: B018 - loaded before the other writer's change
    first.ingest([towns[1]])
    second.ingest([write(tmp_path / "c" / "yin.txt", "寅镇规划\n\n到2025年，寅镇新增就业1000人。\n")])
    assert sorted(r.source for r in Assistant(s).kb.docs.values()) == ["plan.md", "plan.txt", "yin.txt"]


def test_another_process_change_is_seen_by_the_next_question(tmp_path, towns):
    s = make_settings(tmp_path / "kb", corpus="none")
    app = Assistant(s)
    app.ingest([towns[0]])
    cli("ingest", str(towns[1]), data_dir=s.data_path, check=True)
    with app.reading() as kb:
        assert len(kb.docs) == 2
        assert "80" in app.ask("丑镇地区生产总值目标是多少？").text


def test_questions_are_answered_while_an_ingest_embeds(tmp_path, towns):
    s = make_settings(tmp_path / "kb", corpus="none", embed_cache=False)
    inner = Assistant(s).embedder
    started, slow = threading.Event(), threading.Event()

    class SlowEmbedder:
        name, model_id, dim = inner.name, inner.model_id, inner.dim

        def embed_documents(self, texts, *, show_progress=False):
            if slow.is_set():
                started.set()
                time.sleep(3)
            return inner.embed_documents(texts)

        def embed_query(self, text):
            return inner.embed_query(text)

    app = Assistant(s, embedder=SlowEmbedder())
    app.ingest([towns[0]])
    app.ask("子镇地区生产总值目标是多少？")
    slow.set()
    writer = threading.Thread(target=app.ingest, args=([towns[1]],))
    writer.start()
    assert started.wait(30)
    t = time.perf_counter()
    with app.reading():
        answer = app.ask("子镇地区生产总值目标是多少？")
    assert "50" in answer.text and time.perf_counter() - t < 2.5 and writer.is_alive()
    writer.join()
    assert len(app.kb.docs) == 2


def test_a_missing_manifest_loses_nothing_and_recover_rebuilds_it(tmp_path, towns):
    s = make_settings(tmp_path / "kb")  # corpus = bundled: must not be ingested over the user's data
    Assistant(s).ingest(towns)
    before = sorted(p.relative_to(kb_dir(s)).as_posix() for p in kb_dir(s).rglob("*"))
    (kb_dir(s) / "manifest.json").unlink()
    with pytest.raises(KnowledgeBaseError, match="缺少 manifest.json.*planqa recover"):
        Assistant(s).kb
    out = cli("ingest", "--if-missing", data_dir=s.data_path)
    assert out.returncode == 2 and "planqa recover" in out.stderr
    after = sorted(p.relative_to(kb_dir(s)).as_posix() for p in kb_dir(s).rglob("*"))
    assert after == [p for p in before if p != "manifest.json"]
    out = cli("recover", data_dir=s.data_path, check=True)
    assert "2 个文档" in out.stdout
    assert sorted(r.source for r in Assistant(s).kb.docs.values()) == ["plan.md", "plan.txt"]


@pytest.mark.parametrize("damage, words", [
    (b"", "校验和不符"),
    (b"\xff\xfe\x00garbage", "校验和不符"),
])
def test_damaged_document_text_is_detected(tmp_path, towns, damage, words):
    s = make_settings(tmp_path / "kb", corpus="none")
    a = Assistant(s)
    a.ingest(towns)
    victim = next((kb_dir(s) / "docs").iterdir())
    victim.write_bytes(damage)
    with pytest.raises(KnowledgeBaseError, match=words):
        Assistant(s).kb.doc_text(victim.stem)


def test_every_stored_file_is_checksummed(tmp_path, towns):
    s = make_settings(tmp_path / "kb", corpus="none")
    Assistant(s).ingest(towns)
    manifest = json.loads((kb_dir(s) / "manifest.json").read_text("utf-8"))
    on_disk = {p.relative_to(kb_dir(s)).as_posix() for p in kb_dir(s).rglob("*") if p.is_file()}
    assert set(manifest["files"]) == on_disk - {"manifest.json"}
    vec = next(p for p in kb_dir(s).rglob("*") if p.is_file() and p.parent.name == "vectors")
    data = vec.read_bytes()
    vec.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
    with pytest.raises(KnowledgeBaseError, match="校验和不符"):
        Assistant(s).kb


@pytest.mark.parametrize("code, words", [
    (errno.ENOSPC, "磁盘已满"), (errno.EROFS, "只读"), (errno.EACCES, "没有写入权限")])
def test_write_failures_are_messages_and_keep_the_base(tmp_path, towns, monkeypatch, code, words):
    s = make_settings(tmp_path / "kb", corpus="none")
    a = Assistant(s)
    a.ingest([towns[0]])
    from planqa.rag import knowledge_base

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(knowledge_base.KnowledgeBase, "_write", fail)
    with pytest.raises(KnowledgeBaseError, match=words + ".*知识库未改变"):
        a.ingest([towns[1]])
    monkeypatch.undo()
    assert [r.source for r in Assistant(s).kb.docs.values()] == ["plan.txt"]


def test_leftover_temp_copies_are_cleaned_on_the_next_write(tmp_path, towns):
    s = make_settings(tmp_path / "kb", corpus="none")
    a = Assistant(s)
    a.ingest([towns[0]])
    left = kb_dir(s).parent / ".kb.tmp-crashed"
    left.mkdir()
    (left / "chunks.jsonl").write_text("half", "utf-8")
    Assistant(s).kb  # noqa: B018 - the next start (no writer at work) removes it
    assert not left.exists()
    left.mkdir()
    a.ingest([towns[1]])  # and so does the next write
    assert not left.exists()


def test_long_file_names_and_symlinks(tmp_path):
    folder = tmp_path / "in"
    long_name = folder / ("镇" * 83 + "ab.txt")  # 255 bytes: the longest name a Linux file system takes
    write(long_name, ZI)
    write(folder / "good.txt", CHOU)
    secret = write(tmp_path / "secret.txt", "机密：不应入库的内容。\n")
    (folder / "link.txt").symlink_to(secret)
    a = Assistant(make_settings(tmp_path / "kb", corpus="none"))
    report = a.ingest([folder])
    assert sorted(report.added) == sorted([long_name.name, "good.txt"])
    assert [Path(e.path).name for e in report.skipped] == ["link.txt"] and "符号链接" in report.skipped[0].reason
    assert not any("机密" in c.text for c in a.kb.chunks)
    assert all(len(d.encode("utf-8")) < 200 for d in a.kb.docs)


def test_cli_messages_instead_of_tracebacks(tmp_path, towns):
    data = tmp_path / "data"
    cli("ingest", str(towns[0]), data_dir=data, check=True)
    gbk = write(tmp_path / "q.jsonl", json.dumps({"id": "1", "question": "子镇目标？"}, ensure_ascii=False), "gbk")
    out = cli("ask", "--questions", str(gbk), data_dir=data)
    assert out.returncode == 2 and "不是 UTF-8" in out.stderr and "Traceback" not in out.stderr
    out = cli("ask", "子镇目标？", "--doc", "nothing-here", data_dir=data)
    assert out.returncode == 2 and "知识库中没有这些文档：nothing-here" in out.stderr
    out = cli("ask", "子镇目标？", "--embedder", "sentence-transformers", "--embedding-model",
              str(tmp_path / "no-model"), data_dir=tmp_path / "other")
    assert out.returncode == 2 and "Traceback" not in out.stderr and out.stderr.startswith("planqa:")


def test_docx_bombs_are_refused_by_the_upload_limit(tmp_path):
    import zipfile

    from planqa.corpus.loaders import LoadError, load_file

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document>" + " " * (30 * 2**20) + "</w:document>")
    assert bomb.stat().st_size < 2**20
    with pytest.raises(LoadError, match="解压后有 30 MB"):
        load_file(bomb, max_bytes=5 * 2**20)


def test_secrets_never_reach_a_notice(monkeypatch):
    from planqa.config import redact

    monkeypatch.setenv("PLANQA_LLM_API_KEY", "sk-live-0123456789")
    echoed = "Error code: 401 - {'error': 'bad header Authorization: Bearer sk-live-0123456789'}"
    assert "0123456789" not in redact(echoed) and "***" in redact(echoed)


def test_a_knowledge_base_of_the_previous_format_still_opens(tmp_path, towns):
    s = make_settings(tmp_path / "kb", corpus="none")
    Assistant(s).ingest(towns)
    path = kb_dir(s) / "manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    for key in ("files", "generation"):
        manifest.pop(key)
    for d in manifest["documents"]:
        d.pop("origin")
    path.write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    a = Assistant(s)
    assert len(a.kb.docs) == 2 and a.ingest(towns).unchanged == ["plan.txt", "plan.md"]
    assert "80" in a.ask("丑镇地区生产总值目标是多少？").text
