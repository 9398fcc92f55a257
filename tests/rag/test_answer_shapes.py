"""How the offline answerer shapes answers: enumerations, definitions, counted lists, wrapped titles,
one citation per indicator row, and the second citation only when it adds something.

Real corpus first (checked against the documents), then small documents that isolate one mechanism.
"""
import re

import pytest

from planqa.corpus.document import BUNDLED_DIR
from planqa.rag.service import Assistant
from tests.rag.test_answers import _check_citations

pytestmark = pytest.mark.slow


def _cited_lines(answer):
    return [(c.chunk.source, c.start_line, c.end_line) for c in answer.citations]


def test_enumeration_over_several_sentences_is_answered_whole(bundled_assistant):
    # 一是…；新旧动能…。二是…。三是…。四是…: every item, each part carrying its citation
    answer = bundled_assistant.ask("塘沽街道自己梳理出的短板和弱项有哪些？")
    for item in ("产业优势不充分", "民生保障存在短板", "社会治理还有弱项", "脑袋上的津门尚未完全打开"):
        assert item in answer.text
    assert all(re.search(r"\[\d+\]$", part) for part in re.split(r"[；。]", answer.text) if part)
    _check_citations(answer)


def test_definition_of_a_quoted_term(bundled_assistant):
    answer = bundled_assistant.ask("静海镇空间布局中的“一带”是指什么？")
    assert "以南运河为骨架" in answer.text and len(answer.citations) == 1
    source, a, b = _cited_lines(answer)[0]
    assert "一带：以南运河为骨架" in "".join(
        (BUNDLED_DIR / source).read_text("utf-8").split("\n")[a - 1:b])


def test_numbered_slogan_is_answered_part_by_part(bundled_assistant):
    answer = bundled_assistant.ask("海滨街“一轴多片”的空间格局是怎样安排的？")
    assert "一轴:以街镇核心区为主" in answer.text and "多片:东部为产业发展片区" in answer.text
    _check_citations(answer)


def test_asked_count_picks_the_enumeration_of_that_many(bundled_assistant):
    answer = bundled_assistant.ask("塘沽街道到2035年要建设哪三个“区”？")
    for item in ("政务服务聚集区", "港航服务产业重要承载区", "现代化海滨城市宜居宜业示范区"):
        assert item in answer.text


def test_section_paragraph_leads_answer_a_measures_question(bundled_assistant):
    answer = bundled_assistant.ask("塘沽街道在维护社会和谐稳定方面有哪些主要措施？")
    assert "提升矛盾纠纷化解能力" in answer.text and "大调解" in answer.text
    _check_citations(answer)


def test_indicator_row_answers_alone(bundled_assistant):
    answer = bundled_assistant.ask("新河街道的智慧社区覆盖率计划从多少提高到多少？")
    assert "100%" in answer.text and len(answer.citations) == 1
    assert answer.citations[0].chunk.kind == "table_row"


def test_second_citation_must_add_a_question_word(bundled_assistant):
    # 固定资产投资累计完成… shares only 累计完成 with the question: it is not cited beside 招商引资
    answer = bundled_assistant.ask("“十三五”时期静海镇招商引资累计完成了多少？")
    assert "129.69" in answer.text and "183.97" not in answer.text
    assert len(answer.citations) == 1


def test_wrapped_title_lines_are_one_statement(bundled_assistant):
    answer = bundled_assistant.ask("静海区2021年政府工作报告是在什么会议上作的？")
    assert "第二届人民代表大会第八次会议" in answer.text
    _check_citations(answer)


# ---- small documents, one mechanism each ------------------------------------------------------

def _assistant(tmp_path, bundled_assistant, text: str) -> Assistant:
    doc = tmp_path / "测试街道规划.txt"
    doc.write_text(text, "utf-8")
    s = bundled_assistant.settings.with_overrides({"data_dir": str(tmp_path / "kb"), "corpus": "none"})
    assistant = Assistant(s, embedder=bundled_assistant.embedder)
    assistant.ingest([doc])
    return assistant


def test_definition_and_slogan_parts_small(tmp_path, bundled_assistant):
    a = _assistant(tmp_path, bundled_assistant,
                   "天津市测试街道“十四五”规划\n\n第一章 空间布局\n\n构建“一核两翼”空间格局。\n\n"
                   "一核：以老城区为核心，集聚商务服务功能。\n\n两翼：东翼发展物流产业，西翼发展生态农业。\n\n"
                   "第二章 其他\n\n推进老城区更新改造，完善公共服务。\n")
    answer = a.ask("测试街道的“一核两翼”是怎样安排的？")
    assert "一核：以老城区为核心" in answer.text and "两翼：东翼发展物流产业" in answer.text
    assert not answer.refused


def test_counted_list_small(tmp_path, bundled_assistant):
    a = _assistant(tmp_path, bundled_assistant,
                   "天津市测试街道“十四五”规划\n\n第一章 目标\n\n到2035年，测试街道建成创新区、宜居区、开放区，"
                   "群众生活更加美好。\n\n到2025年，测试街道完成老旧小区改造、道路提升。\n")
    answer = a.ask("测试街道到2035年要建成哪三个区？")
    assert all(x in answer.text for x in ("创新区", "宜居区", "开放区"))
