"""Documents written apart from the bundled corpus: another province's street plan with a tab-separated
indicator table grouped by category lines, a district's 2022 work report, a town plan exported as markdown
(pipe table with a unit column), a county report copied from a PDF (hard-wrapped lines, page footers).
The answer floors hold there too.

The rules are about the kind of document, not the five bundled ones; this is where that is checked.
"""
from pathlib import Path

import pytest

from planqa.eval.questions import load_questions
from planqa.eval.runner import evaluate
from planqa.rag.service import Assistant

pytestmark = pytest.mark.slow

UNSEEN = Path(__file__).resolve().parents[1] / "data" / "unseen"


@pytest.fixture(scope="module")
def unseen(tmp_path_factory, bundled_assistant):
    s = bundled_assistant.settings.with_overrides(
        {"data_dir": str(tmp_path_factory.mktemp("unseen-kb")), "corpus": "none"})
    assistant = Assistant(s, embedder=bundled_assistant.embedder)
    report = assistant.ingest(sorted(p for p in UNSEEN.iterdir() if p.suffix in (".txt", ".md")))
    assert not report.skipped and len(report.added) == 4
    questions = load_questions(UNSEEN / "questions.jsonl", assistant.kb.source_texts())
    metrics, predictions = evaluate(assistant, questions)
    return assistant, metrics, predictions


def test_grouped_tab_table_is_rebuilt_row_by_row(unseen):
    assistant, _, _ = unseen
    rows = [c.row for c in assistant.kb.chunks if c.kind == "table_row" and c.row.table.startswith("专栏1")]
    assert len(rows) == 25
    pm = next(r for r in rows if r.name.startswith("PM2.5"))
    assert pm.category == "绿色生态" and pm.unit == "微克/立方米" and dict(pm.cells)["2025年"] == "32"


def test_answer_floors_on_unseen_documents(unseen):
    _, m, _ = unseen
    assert m["type=number/numbers_present"] >= 0.9
    assert m["type=unanswerable/refusal_correct"] >= 0.85
    assert m["false_refusal"] <= 0.05
    assert m["type=list/list_recall"] >= 0.7
    assert m["citation_precision"] >= 0.9
    assert m["hit@5"] >= 0.95
    assert m["answer_chars_median"] <= 120


def test_markdown_pipe_table_and_hard_wrapped_report(unseen):
    assistant, _, _ = unseen
    rows = [c.row for c in assistant.kb.chunks if c.kind == "table_row" and c.source.endswith(".md")]
    gdp = next(r for r in rows if r.name == "地区生产总值")
    assert gdp.unit == "亿元" and dict(gdp.cells)["2025年"] == "40"
    report = assistant.kb.docs["yuning_county_2021_work_report"].meta
    assert report.place == "榆宁县" and report.period == "2021年" and report.title == "榆宁县2021年政府工作报告"
    answer = assistant.ask("榆宁县2020年地区生产总值是多少？")
    assert "186.4亿元" in answer.text and "\n" not in answer.text  # one sentence over two wrapped lines


def test_a_report_year_the_documents_hold_is_not_refused(unseen):
    assistant, _, _ = unseen
    answer = assistant.ask("梅岭区2022年政府工作报告提出的地区生产总值增长目标是多少？")
    assert not answer.refused and "7%" in answer.text
    assert assistant.ask("梅岭区2023年政府工作报告提出的地区生产总值增长目标是多少？").refused


def test_unseen_answers_pass_their_own_citation_check(unseen):
    _, _, predictions = unseen
    assert [(p["id"], n) for p in predictions for n in p["notices"]
            if n.startswith(("没有引用来源", "数字", "引用了不存在"))] == []
