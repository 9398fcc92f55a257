"""Pure checks of what a question pins down: years, units, several facets, list heads (no models, no corpus)."""
import pytest

from planqa.rag.answer.agreement import (family, figure_fits, frame_years, other_measure, phrase_share, written_years,
                            year_conflict, years_of)
from planqa.rag.answer.figures import asked_unit, facets
from planqa.rag.answer.question import joined_bigrams, list_head, question_type, scene_bigrams, topic_bigrams


# ---- years -------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,doc_year,expected", [
    ("", None, set()),
    ("。", None, set()),
    ("２０２１年主要预期目标", None, {2021}),  # full-width digits
    ("二〇三五年远景目标", None, {2035}),
    ("2021—2025年规划期", None, set(range(2021, 2026))),
    ("“十三五”时期GDP年均增长2.3%", None, set(range(2016, 2021))),
    ("“十四五”开局之年即2021年", None, {2021}),  # a written year wins over the period's name
    ("今年新增就业1.35万人", 2021, {2021}),
    ("去年完成投资", 2021, {2020}),
    ("今年新增就业", None, set()),  # no report year known: 今年 says nothing
    ("新增就业人口2030人", None, set()),  # a count, not a year
])
def test_years_of(text, doc_year, expected):
    assert years_of(text, doc_year) == expected


def test_frame_falls_back_to_the_nearest_heading_that_names_years():
    headings = ("三、努力实现“十四五”良好开局", "（七）着力提升群众生活品质")
    assert frame_years("城镇登记失业率控制在3.8%以内", headings) == set(range(2021, 2026))
    assert frame_years("2021年新增就业1.35万人", headings) == {2021}
    assert frame_years("完善社区服务", ("第四章 民生",)) == set()


@pytest.mark.parametrize("asked,frame,written,conflict", [
    ((), {2021}, set(), False),
    ((2022,), set(), set(), False),
    ((2022,), {2021}, set(), True),
    ((2020, 2025), {2025}, set(), False),
    ((2019,), set(range(2016, 2021)), set(), True),  # a period average is not one year's figure
    ((2019,), set(range(2016, 2021)), {2019}, False),
    ((2020,), set(range(2016, 2021)), set(), False),  # the period's end year is reported
    ((2021,), set(range(2021, 2026)), set(), False),
])
def test_year_conflict(asked, frame, written, conflict):
    assert year_conflict(asked, frame, written) is conflict


def test_written_years_leave_ranges_out():
    assert written_years("2016—2020年累计完成，2019年增长5%，二〇二一年") == {2019, 2021}
    assert written_years("") == set()


# ---- units -------------------------------------------------------------------------------------
@pytest.mark.parametrize("unit,fam", [
    ("亿元", "money"), ("万元", "money"), ("元", "money"), ("%", "percent"), ("％", "percent"),
    ("个百分点", "percent"), ("万人", "people"), ("人次", "people"), ("名", "people"), ("亩", "area"),
    ("平方公里", "area"), ("公里", "length"), ("吨", "weight"), ("家", "count"), ("个", "count"),
    ("张", "count"), ("万", ""), ("", ""),
])
def test_family(unit, fam):
    assert family(unit) == fam


@pytest.mark.parametrize("question,measure", [
    ("2020年地区生产总值的总量是多少亿元？", "money"),
    ("新增多少张养老床位？", "count"),
    ("全域设了多少个采样点？", "count"),
    ("完成了多少人的核酸检测？", "people"),
    ("绿化覆盖率要达到多少？", "percent"),
    ("百分之多少的社区？", "percent"),
    ("目标是多少？", ""),
    ("", ""),
])
def test_asked_unit(question, measure):
    assert asked_unit(question) == measure


def test_figure_fits_needs_the_subject_beside_the_figure():
    s = "预计2020年地区生产总值下降3%，造成一般公共预算收入减少6亿元左右"
    assert not figure_fits(s, "money", "地区生产总值")
    assert figure_fits(s, "money", "一般公共预算收入")
    assert figure_fits(s, "percent", "地区生产总值")
    assert figure_fits("全域 30 余个采样点同时开战", "count")  # 余 between the number and its unit
    assert figure_fits("确保符合救助对象户数与工作人员 200: 1 的比例", "percent")  # a ratio
    assert figure_fits("地区生产总值，达到46亿元", "money", "地区生产总值")  # the subject in the clause before
    assert figure_fits("任何句子", "")
    assert figure_fits("", "money", row_unit="亿元") and not figure_fits("", "money", row_unit="%")
    assert figure_fits("", "count", row_unit="万")  # a bare multiplier says no measure


def test_phrase_share_reads_abbreviations():
    assert phrase_share("商品销售总额", "商品销售总额累计") == 1.0
    assert phrase_share("粮食播种面积", "粮食播面稳定在98万亩以上") >= 0.6
    assert phrase_share("粮食播种面积", "粮食安全责任制") < 0.6
    assert phrase_share("", "任何") == 0.0 and phrase_share("绿化", "") == 0.0


def test_other_measure():
    assert other_measure("地区生产总值增长率", "地区生产总值")
    assert not other_measure("地区生产总值增长率", "地区生产总值增速")
    assert not other_measure("商品销售总额累计", "商品销售总额")
    assert other_measure("人均地区生产总值", "地区生产总值")


# ---- what a question asks ------------------------------------------------------------------------
@pytest.mark.parametrize("question,qtype", [
    ("依托的是哪家企业的养猪项目？", "who"),  # 规模化 is a word, not a measure asked for
    ("重新犯罪率要控制在什么水平？", "number"),
    ("包括几个方面？", "list"),
    ("在学校建设方面有哪些数量安排？", "number"),
    ("提出了哪些具体数量要求？", "number"),
    ("城镇化率是多少", "number"),
    ("发展定位是什么", "fact"),
    ("请概括城市更新的主要思路。", "summary"),
])
def test_question_type(question, qtype):
    assert question_type(question) == qtype


def test_facets():
    assert [f[:2] for f in facets("新河街道规上工业总产值和限上商品销售总额累计分别完成了多少？", ("新河街道",))] == \
        [("规上工业总产值", ""), ("限上商品销售总额累计 完成", "")]
    assert [f.text for f in facets("累计完成了多少家国家高新技术企业和国家科技型中小企业的认定？")] == \
        ["累计完成 国家高新技术企业", "国家科技型中小企业 认定"]
    assert facets("研究与试验发展经费支出总额是多少亿元？") == []  # 与 inside one name
    assert [f.years for f in facets("2020年PM2.5浓度是多少？到2025年降到多少？")] == [(2020,), (2025,)]
    # a clause that asks nothing sets the scene; each asking clause keeps its own unit
    assert [f[:2] for f in facets("11月“滨海大筛”期间，全域设了多少个采样点？共完成了多少人的核酸检测？")] == \
        [("全域设 采样点", "count"), ("共完成 核酸检测", "people")]
    assert facets("商品销售总额的目标是多少？") == [] and facets("") == []


def test_list_head_and_topic():
    assert list_head("计划打造哪些特色产业集群？") == "特色产业集群"
    assert list_head("重点打造哪几类“红色”力量？") == "红色力量"
    assert list_head("海滨街十四五规划确定的基本原则有哪些？") == "基本原则"
    assert list_head("开展了哪四项专项活动？") == "专项活动"
    assert list_head("这是什么？") == ""
    assert topic_bigrams("新河街道提出了哪些组织保障措施？", ("新河街道",)) == ["组织", "织保", "保障"]


def test_scene_and_joined_bigrams():
    assert scene_bigrams("在党建引领中，新河街道重点打造哪几类力量？", ("新河街道",)) == {"党建", "建引", "引领"}
    assert scene_bigrams("商品销售总额是多少？") == set()  # one clause: nothing is scene
    assert joined_bigrams("重点打造哪几类力量？") == {"点打"}
