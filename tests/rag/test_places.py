"""Places in questions: gazetteer and knowledge base only, the hierarchy, a county's towns, document kinds."""
import doctest

import pytest

import planqa.rag.answer.agreement as fit
import planqa.rag.query as query
import planqa.rag.answer.sections as sections
from planqa.rag.query import PlaceIndex, analyze, narrow_by_kind, parent_places, place_aliases

DOCS = {"county": "万载县", "county_rule": "万载县", "city": "宜春市", "opinions": "宜春市", "bj": "北京市",
        "street": "江苏省嘉溪市鹭洲区桐湾街道"}
KINDS = {"county": "统计公报", "county_rule": "考评办法", "city": "统计公报", "opinions": "指导意见", "bj": "办法",
         "street": "五年规划纲要"}
IDX = PlaceIndex.build(DOCS)


def test_aliases_from_the_gazetteer_and_the_name():
    assert place_aliases("江西省宜春市万载县") == ["江西省宜春市万载县", "宜春市万载县", "万载县", "万载"]
    assert place_aliases("宜春市") == ["宜春市", "江西省宜春市", "宜春"] and place_aliases("") == []
    assert place_aliases("嘉溪市梅岭区") == ["嘉溪市梅岭区", "梅岭区", "梅岭"]  # not in the gazetteer: from its unit words
    assert parent_places("宜春市") == ["江西省"] and parent_places("") == []


def test_phrases_that_are_no_places():
    q = analyze("北京数据专区由哪个部门负责统筹管理？", IDX)
    assert q.docs == ("bj",) and q.unknown_places == ()
    assert analyze("消费集聚区有什么奖励？", IDX).unknown_places == ()
    assert analyze("全县四个街道和各乡镇的任务", IDX).unknown_places == ()


def test_real_places_without_documents_are_named_as_such():
    assert analyze("上高县2022年地区生产总值是多少？", IDX).unknown_places == ("上高县",)
    assert analyze("北京市海淀区的数据专区", IDX).unknown_places == ("海淀区",)
    assert analyze("鹭洲区柳港街道的目标", IDX).unknown_places == ("柳港街道",)  # a town inside a known district


def test_county_and_city_are_told_apart():
    q = analyze("比较万载县和宜春市2022年地区生产总值", IDX)
    assert set(q.docs) == {"county", "county_rule", "city", "opinions"} and q.places == ("万载县", "宜春市")
    assert set(analyze("宜春市万载县的粮食产量", IDX).docs) == {"county", "county_rule"}


def test_a_county_town_is_a_part_of_its_county():
    q = analyze("宜春市2022年高城镇粮食产量是多少？", IDX)
    assert set(q.docs) == {"county", "county_rule"} and q.inner == ("高城镇",) and q.unknown_places == ()
    assert analyze("万载县高村镇的粮食产量", IDX).inner == ("高村镇",)
    assert analyze("高城镇的粮食产量", IDX).docs == ()  # no named place holds it: not guessed


def test_the_kind_named_picks_documents():
    q = narrow_by_kind(analyze("宜春市指导意见对万载县提出了什么要求？", IDX), KINDS, IDX)
    assert q.docs == ("opinions",) and q.places == ("宜春市",)
    q = narrow_by_kind(analyze("两份统计公报中万载县和宜春市的粮食产量", IDX), KINDS, IDX)
    assert set(q.docs) == {"county", "city"}
    q = narrow_by_kind(analyze("万载县的粮食产量", IDX), KINDS, IDX)
    assert set(q.docs) == {"county", "county_rule"}  # no kind named: every document of the place
    assert narrow_by_kind(analyze("", IDX), KINDS, IDX).docs == ()


def test_a_place_named_before_the_kind_keeps_its_documents():
    q = narrow_by_kind(analyze("万载县2022年和宜春市的指导意见分别提出了什么？", IDX), KINDS, IDX)
    assert set(q.docs) == {"county", "county_rule", "opinions"} and q.places == ("万载县", "宜春市")


@pytest.mark.parametrize("module", [query, fit, sections])
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0
