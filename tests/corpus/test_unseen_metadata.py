"""Every unseen-document fixture states its place (with the units above it), kind, period or year,
issuer and date, and they are read from it; the layouts of the local-government fixtures parse into
the headings their numbering says."""
from pathlib import Path

import pytest

from planqa.corpus.document import parse_text
from planqa.corpus.loaders import load_file

UNSEEN = Path(__file__).resolve().parents[1] / "data" / "unseen"

# file: place, level, (province, city, county), kind, period, issuer, date, 文号
EXPECTED = {
    "wanzai_county_2022_statistical_bulletin.txt":
        ("万载县", "县", ("江西省", "宜春市", "万载县"), "统计公报", "2022年", "万载县统计局", "2023-04-06", ""),
    "yichun_city_2022_statistical_bulletin.txt":
        ("宜春市", "市", ("江西省", "宜春市", ""), "统计公报", "2022年", "宜春市统计局、国家统计局宜春调查队",
         "2023-03-28", ""),
    "beijing_public_data_zone_measures.txt":
        ("北京市", "市", ("北京市", "北京市", ""), "办法", "", "北京市人民政府办公厅", "2023-07-12", "京政办发〔2023〕18号"),
    "wanzai_county_2023_township_safety_assessment.txt":
        ("万载县", "县", ("江西省", "宜春市", "万载县"), "考评办法", "2023年", "万载县人民政府办公室", "2023-03-15",
         "万府办字〔2023〕21号"),
    "jiangxi_digital_economy_policies_and_plan.txt":
        ("江西省", "省", ("江西省", "", ""), "政策措施、行动计划", "", "江西省人民政府办公厅", "2023-05-08",
         "赣府厅发〔2023〕11号"),
    "yichun_consumption_cluster_guiding_opinions.txt":
        ("宜春市", "市", ("江西省", "宜春市", ""), "指导意见", "", "宜春市人民政府", "2023-04-20", "宜府发〔2023〕9号"),
    "tongwan_street_14th_plan.txt":
        ("江苏省嘉溪市鹭洲区桐湾街道", "街道", ("江苏省", "", ""), "五年规划纲要", "2021—2025",
         "中共嘉溪市鹭洲区桐湾街道工作委员会", "2021-03", ""),
    "meiling_district_2022_work_report.txt":
        ("嘉溪市梅岭区", "区", ("", "", ""), "政府工作报告", "2022年", "梅岭区人民政府", "", ""),
    "yuning_county_2021_work_report.txt":
        ("榆宁县", "县", ("", "", ""), "政府工作报告", "2021年", "榆宁县人民政府", "", ""),
    "chengling_town_14th_plan.md":
        ("嵩川县澄岭镇", "镇", ("", "", ""), "五年规划纲要", "2021—2025", "澄岭镇人民政府", "2021-04-16", ""),
}


@pytest.fixture(scope="module")
def parsed():
    return {p.name: parse_text(load_file(p)) for p in UNSEEN.iterdir() if p.suffix in (".txt", ".md")}


def test_every_fixture_has_an_expectation(parsed):
    assert set(parsed) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_of_each_fixture(parsed, name):
    m = parsed[name].doc.meta
    place, level, units, kind, period, issuer, date, number = EXPECTED[name]
    assert (m.place, m.level, (m.province, m.city, m.county)) == (place, level, units)
    assert (m.doc_type, m.period, m.issuer, m.date, m.doc_number) == (kind, period, issuer, date, number)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_chunks_are_verbatim_with_true_lines(parsed, name):
    pd = parsed[name]
    lines = pd.doc.text.split("\n")
    for c in pd.chunks:
        if c.kind == "text":
            assert pd.doc.text[c.start:c.end] == c.text
            assert c.text.split("\n")[0].strip() in lines[c.start_line - 1]


def test_articles_sharing_a_line_with_their_chapter(parsed):
    chunks = parsed["beijing_public_data_zone_measures.txt"].chunks
    paths = [c.headings[1:] for c in chunks if len(c.headings) > 1]
    assert ("第一章 总则", "第一条") in paths and ("第五章 附则", "第十三条") in paths
    seventh = next(c for c in chunks if c.headings[-1:] == ("第七条",))
    assert "（四）其他涉及数据专区运营能力的条件。" in seventh.text  # items stay inside their article
    assert not any(h.startswith("（") for c in chunks for h in c.headings)
    notice = chunks[0]
    assert notice.headings[0].endswith("的通知") and "第一条" not in notice.text


def test_policy_and_action_plan_are_parts(parsed):
    chunks = parsed["jiangxi_digital_economy_policies_and_plan.txt"].chunks
    roots = list(dict.fromkeys(c.headings[0] for c in chunks if c.headings))
    assert roots[1:] == ["江西省促进数字经济高质量发展若干政策措施", "江西省数字产业集群培育行动计划（2023—2025年）"]
    tasks = [c for c in chunks if "（二）培育虚拟现实产业集群" in c.headings]
    assert tasks and tasks[0].headings[1] == "二、重点任务"


def test_scored_items_and_notes(parsed):
    chunks = parsed["wanzai_county_2023_township_safety_assessment.txt"].chunks
    heads = {h for c in chunks for h in c.headings}
    assert "（二）隐患排查治理（30分）" in heads and not any(h.startswith(("1.", "2.", "3.")) for h in heads)
    scored = next(c for c in chunks if c.headings[-1:] == ("（二）隐患排查治理（30分）",))
    assert scored.text.startswith("（二）隐患排查治理（30分）")  # the heading with its score is citable
    bulletin = parsed["wanzai_county_2022_statistical_bulletin.txt"].chunks
    notes = [c for c in bulletin if c.headings[-1:] == ("注",)]
    assert notes and "3.本公报中人口数据为人口抽样调查推算数。" in notes[-1].text
    assert bulletin[1].text == "万载县统计局　　2023年4月6日"  # the title block is not run into the text


def test_metadata_round_trips_and_old_manifests_still_load(parsed):
    import json

    from planqa.types import DocMeta

    meta = parsed["wanzai_county_2022_statistical_bulletin.txt"].doc.meta
    assert DocMeta(**json.loads(json.dumps(meta.to_dict(), ensure_ascii=False))) == meta
    old = {"title": "某县规划", "place": "某县", "level": "县", "doc_type": "专项规划", "period": "", "issuer": "", "date": ""}
    assert DocMeta(**old).city == "" and DocMeta(**old).doc_number == ""
