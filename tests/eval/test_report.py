"""Evaluation reports and config comparison on a small real run (real models, real corpus)."""
from __future__ import annotations

import json
import re

import pytest

from planqa.config import ConfigError, Settings
from planqa.eval.compare import (PRESETS, config_settings, parse_config, run_compare,
                                 write_compare_report)
from planqa.eval.progress import bar, config_bars
from planqa.eval.questions import QUESTION_TYPES, bundled_questions_path, load_questions
from planqa.eval.report import worst_questions, write_report
from planqa.eval.runner import evaluate

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHARTS = ("hit_at_k.png", "metrics_by_type.png", "latency.png")


def _quality(metrics: dict) -> dict:
    """Everything but timings and memory, which differ from run to run."""
    from planqa.eval.compare import RUN_METRICS

    return {k: v for k, v in metrics.items() if not k.startswith("latency_ms/") and k not in RUN_METRICS}


@pytest.fixture(scope="module")
def settings(tmp_path_factory, vector_cache) -> Settings:
    return Settings().with_overrides({"data_dir": str(tmp_path_factory.mktemp("kb")), "embed_cache_dir": vector_cache})


@pytest.fixture(scope="module")
def questions():
    """The first two dev questions of every type (12)."""
    every = load_questions(bundled_questions_path())
    return [q for t in QUESTION_TYPES for q in [q for q in every if q.type == t][:2]]


@pytest.fixture(scope="module")
def assistant(settings):
    from planqa.rag.service import Assistant

    a = Assistant(settings)
    a.kb  # builds the knowledge base from the bundled corpus (about 10 s)
    return a


@pytest.fixture(scope="module")
def run(assistant, questions):
    return evaluate(assistant, questions)


@pytest.fixture(scope="module")
def report_dir(run, questions, tmp_path_factory):
    metrics, predictions = run
    out = tmp_path_factory.mktemp("report")
    write_report(out, metrics, predictions, questions, config_label="test-run")
    return out


# ---- write_report --------------------------------------------------------------------------
@pytest.mark.slow
def test_report_writes_every_file(report_dir, run, questions):
    metrics, predictions = run
    for name in ("metrics.json", "predictions.jsonl", "report.md", *CHARTS):
        assert (report_dir / name).stat().st_size > 0, name
    text = (report_dir / "metrics.json").read_text(encoding="utf-8")
    stored = json.loads(text)
    assert stored == metrics
    assert list(stored) == sorted(stored)
    assert "hit@5" in stored and "type=number/hit@5" in stored
    assert any(k.startswith("doc=xinhe_street_14th_plan.txt/") for k in stored)
    lines = (report_dir / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [q.id for q in questions]
    assert "新河" in "".join(lines)  # ensure_ascii=False keeps Chinese readable


@pytest.mark.slow
def test_metrics_json_is_deterministic(run, questions, assistant, tmp_path):
    metrics, predictions = run
    for name in ("a", "b"):
        write_report(tmp_path / name, metrics, predictions, questions)
    for name in ("metrics.json", "predictions.jsonl", "report.md"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    again, _ = evaluate(assistant, questions)
    assert _quality(again) == _quality(metrics)


@pytest.mark.slow
def test_charts_are_png_and_linked_from_report(report_dir):
    report = (report_dir / "report.md").read_text(encoding="utf-8")
    for name in CHARTS:
        assert (report_dir / name).read_bytes()[:8] == PNG_SIGNATURE
        assert f"]({name})" in report


@pytest.mark.slow
def test_report_has_overview_and_groups(report_dir, run):
    report = (report_dir / "report.md").read_text(encoding="utf-8")
    assert "`test-run`" in report
    assert f"| hit@5 | {run[0]['hit@5']:.3f} |" in report
    for heading in ("## 总览", "### 耗时", "## 按题型", "## 按文档", "## 最差问题"):
        assert heading in report
    docs = {k.split("/")[0][len("doc="):] for k in run[0] if k.startswith("doc=")}
    assert "| 无答案题（`unanswerable`） |" in report and all(f"| `{doc}` |" in report for doc in docs)


@pytest.mark.slow
def test_report_lists_the_worst_questions(run, questions, tmp_path):
    metrics, predictions = run
    broken = [dict(p) for p in predictions]
    unanswerable = next(p for p in broken if p["type"] == "unanswerable")
    unanswerable.update(refused=False, answer="编造的回答[1]")
    number = next(p for p in broken if p["type"] == "number")
    number.update(scores={**number["scores"], "first_relevant": None, "numbers_present": 0.0})
    write_report(tmp_path, metrics, broken, questions)
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    worst = worst_questions(broken)
    assert unanswerable in worst["answered_unanswerable"]
    assert worst["retrieval_miss"][0] is number and number in worst["numbers_missing"]
    for p in worst["answered_unanswerable"] + worst["retrieval_miss"]:
        section = report[report.index(f"**`{p['id']}`**"):]
        assert p["question"] in section[:400]
        assert p["passages"][0]["source"] in section
    assert "编造的回答" in report


# ---- compare --------------------------------------------------------------------------------
def test_parse_config():
    assert parse_config("top_k=5;retrieval_mode=bm25") == {"top_k": "5", "retrieval_mode": "bm25"}
    assert parse_config(" bm25 ") == {"retrieval_mode": "bm25"}
    assert parse_config("hybrid") == {}
    assert parse_config("chunk=200") == {"chunk_size": "200"}
    assert parse_config("chunk=250") == {"chunk_size": "250"}
    assert parse_config("dense;top_k=3;") == {"retrieval_mode": "dense", "top_k": "3"}
    assert parse_config("hybrid+rerank") == {"rerank": "true"}


@pytest.mark.parametrize("spec, message", [("bm52", "unknown compare preset 'bm52'"),
                                           ("", "empty compare config"),
                                           ("=5", "no setting name")])
def test_parse_config_errors(spec, message):
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        parse_config(spec)
    if spec == "bm52":
        assert all(name in str(info.value) for name in PRESETS)


def test_bad_configs_fail_before_anything_runs(tmp_path):
    base = Settings().with_overrides({"data_dir": str(tmp_path)})
    with pytest.raises(ConfigError, match="unknown setting"):
        run_compare(base, [], ["bm25", "no_such_setting=1"])
    with pytest.raises(ConfigError, match="top_k"):
        run_compare(base, [], ["top_k=0"])
    with pytest.raises(ConfigError, match="given twice"):
        run_compare(base, [], ["bm25", "bm25"])
    assert not any(tmp_path.iterdir())


def test_index_settings_get_their_own_data_dir(tmp_path):
    base = Settings().with_overrides({"data_dir": str(tmp_path)})
    assert config_settings(base, "bm25").data_dir == base.data_dir
    assert config_settings(base, "chunk=300").data_dir == base.data_dir  # the default already
    chunked = config_settings(base, "chunk=200")
    assert (chunked.chunk_size, chunked.data_path) == (200, tmp_path / "compare-chunk200")
    assert config_settings(base, "chunk=400;data_dir=/elsewhere").data_dir == "/elsewhere"
    # the embedder presets: each its own knowledge base, USE with the fusion weights chosen for it
    use = config_settings(base, "use")
    assert use.embedder == "use-multilingual" and use.data_dir != base.data_dir and use.dense_weight == 0.02
    assert config_settings(base, "e5+dense").retrieval_mode == "dense"


def test_compare_table_shows_ingest_and_memory():
    from planqa.eval.compare import render_compare_markdown

    results = {"e5": {"questions": 3, "hit@5": 0.9, "ingest_s": 60.0, "ingest_chunks_per_s": 5.6, "rss_mib": 900.0},
               "use": {"questions": 3, "hit@5": 0.8, "ingest_s": 8.0, "ingest_chunks_per_s": 40.0, "rss_mib": 700.0}}
    table = render_compare_markdown(results)
    assert "ingest_chunks_per_s" in table and "rss_mib" in table
    assert "**8" in table.split("ingest_s")[1].splitlines()[0]  # less is better for time and memory


@pytest.mark.slow
def test_run_compare_evaluates_each_config(settings, questions, run, tmp_path):
    seen = []
    results = run_compare(settings, questions, ["bm25", "hybrid", "embedder=no-such-embedder"],
                          progress=lambda label, done, total: seen.append((label, done, total)))
    assert list(results) == ["bm25", "hybrid", "embedder=no-such-embedder"]
    for label in ("bm25", "hybrid"):
        assert 0.0 <= results[label]["hit@5"] <= 1.0
        assert (label, len(questions), len(questions)) in seen
    # the default config is the served pipeline: the same scores as evaluating it directly
    assert _quality(results["hybrid"]) == _quality(run[0])
    assert "unknown embedder" in results["embedder=no-such-embedder"]["error"]

    paths = write_compare_report(tmp_path, results)
    stored = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert list(stored) == list(results) and stored["bm25"]["hit@5"] == results["bm25"]["hit@5"]
    markdown = paths["markdown"].read_text(encoding="utf-8")
    assert "| metric | `bm25` | `hybrid` |" in markdown
    assert "unknown embedder" in markdown and "](compare.png)" in markdown
    assert paths["chart"].read_bytes()[:8] == PNG_SIGNATURE


# ---- progress -------------------------------------------------------------------------------
def test_progress_bar_reports_to_stderr(capsys):
    with bar(3, "eval") as progress:
        for done in (1, 2, 3):
            progress(done, 3)
    with config_bars() as progress:
        progress("bm25", 1, 1)
        progress("hybrid", 1, 1)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "eval" in captured.err and "3/3" in captured.err
    assert "bm25" in captured.err and "hybrid" in captured.err
