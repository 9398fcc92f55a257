"""Answers that list a section's points read the whole section, citing chunks beyond the retrieved ones.

Small documents isolate one mechanism each; the real corpus shows it on real plans.
"""
import json
import re

import pytest

from planqa.rag.answer.sections import heading_title, is_intro, lead
from planqa.rag.serialize import answer_to_json
from planqa.rag.service import Assistant
from tests.rag.test_answers import _check_citations

pytestmark = pytest.mark.slow

GOALS = ("天津市测试街道国民经济和社会发展第十四个五年规划\n\n第二章 发展目标\n\n第一节 主要目标\n\n"
         "综合考虑测试街道发展的机遇和条件，今后五年经济社会发展的主要目标是：\n\n"
         + "".join(f"——{t}。{'围绕这一目标持续用力，稳步推进各项工作落实，确保取得实效。' * 3}\n\n"
                   for t in ("产业结构持续优化", "城市品质明显提升", "民生福祉不断增进", "治理效能全面提高"))
         + "第二节 发展路径\n\n坚持规划引领，分步推进街区更新。\n\n"
         "第三章 保障措施\n\n（一）强化组织领导\n\n街道工委统筹协调，定期研究规划落实中的重大问题。\n\n"
         "（二）完善考核机制\n\n将规划目标分解到年度，纳入绩效考核。\n\n"
         "（三）营造良好氛围\n\n广泛宣传规划内容，凝聚社会共识。\n")


def _small(tmp_path, bundled_assistant, text: str, **overrides) -> Assistant:
    doc = tmp_path / "测试街道规划.txt"
    doc.write_text(text, "utf-8")
    s = bundled_assistant.settings.with_overrides({"data_dir": str(tmp_path / "kb"), "corpus": "none", **overrides})
    assistant = Assistant(s, embedder=bundled_assistant.embedder)
    assistant.ingest([doc])
    return assistant


def _cited_text(assistant, answer):
    text = (assistant.kb.doc_text(answer.citations[0].chunk.doc_id)).split("\n")
    return {c.n: "\n".join(text[c.start_line - 1:c.end_line]) for c in answer.citations}


def test_items_after_an_introducing_sentence_beyond_the_retrieved_chunks(tmp_path, bundled_assistant):
    a = _small(tmp_path, bundled_assistant, GOALS, top_k=2)
    answer = a.ask("测试街道“十四五”时期经济社会发展的主要目标包括哪几个方面？")
    for item in ("产业结构持续优化", "城市品质明显提升", "民生福祉不断增进", "治理效能全面提高"):
        assert item in answer.text
    assert "发展路径" not in answer.text and "坚持规划引领" not in answer.text  # the list ends with its section
    assert len(answer.hits) == 2 and answer.context  # read past the two retrieved passages
    cited = _cited_text(a, answer)
    for c in answer.citations:  # each quote stands on the lines cited
        assert re.sub(r"\s", "", c.quote) in re.sub(r"\s", "", cited[c.n])
    data = answer_to_json(answer)
    assert [p["rank"] for p in data["passages"]] == [1, 2]
    assert data["context_passages"][0]["rank"] == 3
    json.dumps(data, ensure_ascii=False)


def test_measures_question_lists_the_subsections(tmp_path, bundled_assistant):
    a = _small(tmp_path, bundled_assistant, GOALS, top_k=2)
    answer = a.ask("测试街道提出了哪些保障措施？")
    assert [t for t in ("强化组织领导", "完善考核机制", "营造良好氛围") if t in answer.text] == \
        ["强化组织领导", "完善考核机制", "营造良好氛围"]
    summary = a.ask("请概括测试街道的保障措施。")
    assert "强化组织领导：街道工委统筹协调" in summary.text


def test_lead_and_intro_shapes():
    assert lead("坚持人民至上。坚持以人民为中心的发展思想。") == ("坚持人民至上。", "坚持人民至上")
    assert lead("（一）强化组织领导。统筹协调。")[1] == "强化组织领导"
    assert lead("一段很长很长的说明文字，没有一个短小的标题句子，而是一口气写下去直到最后才结束。") is None
    assert lead("") is None and lead("主要目标是：") is None
    assert is_intro("主要目标是：") and is_intro("今后五年努力实现以下目标。") and not is_intro("目标明确。")
    assert heading_title("第二节 基本原则") == "基本原则" and heading_title("（一）强化组织领导") == "强化组织领导"


# ---- the real corpus ---------------------------------------------------------------------------
def test_real_goals_after_intro(bundled_assistant):
    answer = bundled_assistant.ask("静海区政府工作报告里“十四五”主要目标有哪几个方面？")
    for item in ("经济高质量发展迈上新台阶", "改革开放迈出新步伐", "社会文明程度得到新提高",
                 "生态文明建设取得新成效", "民生福祉得到新改善", "社会治理效能得到新提升"):
        assert item in answer.text
    _check_citations(answer)


def test_real_named_section_is_read_whole(bundled_assistant):
    answer = bundled_assistant.ask("海滨街道的特色产业提质增效工程包括哪几类产业？")
    for item in ("生产性服务业", "生活性服务业", "高铁经济", "房地产"):
        assert item in answer.text
    _check_citations(answer)


def test_real_principles(bundled_assistant):
    answer = bundled_assistant.ask("海滨街规划提出了哪些基本原则？")
    for item in ("坚持党的全面领导", "坚持以人民为中心", "坚持新发展理念", "坚持深化改革创新", "坚持总体安全"):
        assert item in answer.text
    _check_citations(answer)


def test_real_inline_enumeration_beats_the_chapter_outline(bundled_assistant):
    answer = bundled_assistant.ask("静海镇要构建的现代产业体系由哪几大产业组成？")
    assert "现代物流业、高端商务业、现代商贸业、高端制造业" in answer.text
    assert len(answer.citations) == 1


SCORED = ("测试县2023年度安全生产工作考核办法\n\n一、考核对象\n\n各乡镇人民政府。\n\n二、考核内容及分值\n\n"
          "（一）组织领导（20分）\n\n　　1.每季度研究一次安全生产工作（10分）。\n　　2.配备专职监管人员（10分）。\n\n"
          "（二）应急管理（30分）\n\n　　1.每年组织应急演练不少于2次（15分）。\n　　2.编制应急预案并备案（15分）。\n\n"
          "（三）事故控制（50分）\n\n　　全年未发生较大生产安全事故的，得50分。\n\n"
          "三、结果运用\n\n　　考核不合格的，由县政府约谈其主要负责人。\n")


def test_scored_headings_answer_their_score_and_make_the_outline(tmp_path, bundled_assistant):
    assistant = _small(tmp_path, bundled_assistant, SCORED)
    score = assistant.ask("应急管理一项占多少分？")
    assert "30分" in score.text and any("（二）应急管理（30分）" in c.quote for c in score.citations)
    outline = assistant.ask("测试县安全生产工作考核办法包括哪几方面内容？")
    assert not outline.refused
    assert all(t in outline.text for t in ("组织领导", "应急管理", "事故控制"))


def test_a_question_about_a_whole_document_matches_the_section_of_its_list_kind():
    from planqa.rag.answer.sections import best_section

    paths = [("d", ("一、考核对象",)), ("d", ("二、考核内容及分值",))]
    weights = {"考核": 0.2, "内容": 1.0, "方面": 1.0}
    assert best_section(paths, weights, [], ("方面", "内容")) == (("d", ("二、考核内容及分值",)), 1.0)
    assert best_section(paths, weights, [], ())[0] is None  # without the kind, the name alone matches nothing


def test_only_a_heading_with_a_figure_in_brackets_is_a_candidate():
    from planqa.rag.answer.units import FIGURE_HEADING

    assert FIGURE_HEADING.search("（二）隐患排查治理（30分）")
    assert FIGURE_HEADING.search("10. 卫生院迁建工程（总投资1.1亿元）")
    assert not FIGURE_HEADING.search("江西省数字产业集群培育行动计划（2023—2025年）")
    assert not FIGURE_HEADING.search("（二）隐患排查治理")


SLOGAN = ("测试街道国民经济和社会发展第十四个五年规划\n\n第一章 空间布局\n\n"
          "坚持统筹发展，构建“一轴两片”空间格局。以项目支撑片区发展。\n\n"
          "做强滨河发展轴，串联主要功能区。做优北部产业片，集聚先进制造业。做美南部生活片，完善公共服务。\n\n"
          "第二章 产业发展\n\n推进产业升级。\n")


def test_a_slogan_s_parts_are_the_openings_after_it(tmp_path, bundled_assistant):
    assistant = _small(tmp_path, bundled_assistant, SLOGAN)
    answer = assistant.ask("“一轴两片”指的是什么？")
    assert answer.text.startswith("滨河发展轴")  # the opening without its verb (做强)
    assert "北部产业片[" in answer.text and "南部生活片[" in answer.text
    assert "以项目支撑片区发展" not in answer.text  # a noun met in passing is no part
    assert all(c.quote in assistant.kb.doc_text(c.chunk.doc_id) for c in answer.citations)


MEASURES = ("测试市科技创新券管理暂行办法\n\n第一章　总则\n\n"
            "第一条　为降低企业研发成本，制定本办法。\n\n第二章　申领\n\n"
            "第八条　申领创新券的企业应当同时具备下列条件：\n（一）在本市注册登记；\n（二）上一年度营业收入不超过2亿元；\n"
            "（三）具有专职研发人员。\n\n"
            "第九条　服务机构有虚开发票等行为的，由市科技局追回已兑付资金，3年内不得重新申请入库。\n\n"
            "第十条　对年度绩效评价结果为优秀的服务机构，属于国家级科技服务平台的，给予20万元奖励；"
            "属于自治区级科技服务平台的，给予10万元奖励。\n")


def test_conditions_announced_by_an_article_are_its_items(tmp_path, bundled_assistant):
    a = _small(tmp_path, bundled_assistant, MEASURES)
    text = a.ask("企业要申领创新券得满足哪些条件？").text
    assert "在本市注册登记" in text and "具有专职研发人员" in text
    penalty = a.ask("服务机构虚开发票会受到什么处罚？").text
    assert "追回已兑付资金" in penalty and "3年内不得重新申请入库" in penalty  # the condition keeps its consequence
    assert a.ask("绩效评价优秀的市级科技服务平台能拿多少奖励？").refused  # only 国家级、自治区级 are set
    level = a.ask("绩效评价优秀的自治区级科技服务平台能拿多少奖励？").text
    assert "10万元" in level and "20万元" not in level
