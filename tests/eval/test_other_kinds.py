"""Documents of the kinds the bundled corpus lacks, read end to end (tests/data/dev_docs): a county's
统计公报 with a tab-separated table, a 实施办法 in 章/条 layout, a 若干措施 + 三年行动方案 file, a 实施意见 with
numbered slogans, a street's mid-term evaluation of its plan.

What is checked is a kind of document or question, not a sentence of these five: the things a list question
counts found as sibling headings, the sections a question names found in the whole outline, and the
settled refusals for what a provision leaves out (a level not listed, a figure left to another text, a
table cell left blank, a district the knowledge base has no document of).
"""
from pathlib import Path

import pytest

from planqa.eval.questions import load_questions
from planqa.eval.runner import evaluate
from planqa.rag.service import Assistant

pytestmark = pytest.mark.slow

DEV_DOCS = Path(__file__).resolve().parents[1] / "data" / "dev_docs"


@pytest.fixture(scope="module")
def kinds(tmp_path_factory, bundled_assistant):
    s = bundled_assistant.settings.with_overrides(
        {"data_dir": str(tmp_path_factory.mktemp("kinds-kb")), "corpus": "none"})
    assistant = Assistant(s, embedder=bundled_assistant.embedder)
    report = assistant.ingest(sorted(p for p in DEV_DOCS.iterdir() if p.suffix == ".txt"))
    assert not report.skipped and len(report.added) == 5
    return assistant


def test_sibling_headings_that_are_the_things_counted_answer_in_document_order(kinds):
    actions = kinds.ask("顺德预制菜三年行动方案提出要实施哪六个行动？")
    names = ["龙头企业培育", "产业园区提升", "科技创新赋能", "标准品牌建设", "冷链物流完善", "市场开拓拓展"]
    at = [actions.text.find(n) for n in names]
    assert -1 not in at and at == sorted(at)
    chapters = kinds.ask("吴江区餐厨废弃物管理实施办法一共分了哪几章？").text
    order = ["总则", "源头减量与分类投放", "收集运输", "处置", "监督管理", "法律责任", "附则"]
    at = [chapters.find(c) for c in order]
    assert -1 not in at and at == sorted(at)


def test_a_section_the_question_names_is_found_in_the_whole_outline(kinds):
    problems = kinds.ask("仙女山街道中期评估指出了哪些主要问题？").text
    for p in ("经济增长动力偏弱", "旅游淡旺季矛盾突出", "农业产业化水平不高", "公共服务短板依然存在", "要素保障压力加大"):
        assert p in problems
    principles = kinds.ask("伊春发展林下经济坚持的基本原则都有啥？").text
    assert principles.count("坚持") == 5 and "基本原则[" not in principles


def test_things_and_their_figures_given_respectively_stay_together(kinds):
    answer = kinds.ask("伊春新评上国家级林下经济示范基地，市里一次性奖多少钱？")
    assert "国家级、省级" in answer.text and "30万元、15万元" in answer.text


@pytest.mark.parametrize("question", [
    "伊春对新认定的市级林下经济示范基地奖励多少钱？",  # the reward is set for 国家级、省级 only
    "吴江区向餐饮单位收取的餐厨废弃物处理费标准是每吨多少元？",  # 具体收费标准…另行制定
    "仙女山街道固定资产投资年均增长这项指标的2020年基数是多少？",  # the base cell is —
    "藁城区2023年社会消费品零售总额是多少？",  # a neighbouring district: the bulletin is 正定县's
])
def test_what_a_provision_or_table_leaves_out_is_refused(kinds, question):
    assert kinds.ask(question).refused


def test_answer_floors_on_documents_of_other_kinds(kinds):
    questions = load_questions(DEV_DOCS / "questions.jsonl", kinds.kb.source_texts())
    m, _ = evaluate(kinds, questions)
    assert m["type=number/numbers_present"] >= 0.85
    assert m["type=list/list_recall"] >= 0.75
    assert m["type=unanswerable/refusal_correct"] >= 0.85
    assert m["false_refusal"] <= 0.06
    assert m["citation_precision"] >= 0.85
