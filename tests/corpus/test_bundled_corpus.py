"""The real bundled corpus parses into correct metadata, headings, tables and citable chunks."""
import re
from pathlib import Path

import pytest

from planqa.corpus.cleaning import is_furniture
from planqa.corpus.document import BUNDLED_DIR, bundled_paths, parse_text
from planqa.corpus.loaders import load_file
from planqa.corpus.text import normalize, numbers_in

SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpus"
NAMES = ["haibin_street_14th_plan.txt", "jinghai_district_2021_work_report.txt",
         "jinghai_town_14th_plan.txt", "tanggu_street_14th_plan.txt", "xinhe_street_14th_plan.txt"]


@pytest.fixture(scope="module")
def parsed():
    return {p.name: parse_text(load_file(p)) for p in bundled_paths()}


def test_bundled_files_present_under_original_names():
    assert sorted(p.name for p in bundled_paths()) == NAMES


@pytest.mark.skipif(not SHARED.exists(), reason="shared corpus not beside the checkout")
def test_bundled_files_byte_identical_to_originals():
    for name in NAMES:
        assert (BUNDLED_DIR / name).read_bytes() == (SHARED / name).read_bytes()


def _squash(s):
    return re.sub(r"\s+", "", s)


def test_text_chunks_are_verbatim_and_within_their_lines(parsed):
    for name, pd in parsed.items():
        lines = pd.doc.text.split("\n")
        for c in pd.chunks:
            assert 1 <= c.start_line <= c.end_line <= len(lines)
            span = "".join(lines[c.start_line - 1:c.end_line])
            if c.kind == "text":
                assert pd.doc.text[c.start:c.end] == c.text
                assert _squash(c.text) in _squash(span), (name, c.start_line)
            else:
                for num in numbers_in(c.row.name + "".join(v for _, v in c.row.cells)):
                    assert num in normalize(span), (name, c.start_line, num)


def test_no_furniture_or_toc_in_chunks(parsed):
    for name, pd in parsed.items():
        lines = pd.doc.text.split("\n")
        for c in pd.chunks:
            for ln in range(c.start_line, c.end_line + 1):
                assert ln not in pd.doc.excluded_lines, (name, ln)
            for line in c.text.split("\n"):
                assert not is_furniture(line)
            assert "扫一扫" not in c.text and "当前位置" not in c.text
            assert "全国各省市政府网站" not in c.text and "重点链接" not in c.text
            assert not re.search(r"\.{4,}\s*\d+\s*$", c.text)
    # the tables of contents of 塘沽 and 海滨 are recognised as such
    tanggu = parsed["tanggu_street_14th_plan.txt"].doc
    assert set(range(15, 48)) <= tanggu.excluded_lines
    haibin = parsed["haibin_street_14th_plan.txt"].doc
    assert {23, 25, 103} <= haibin.excluded_lines and 113 not in haibin.excluded_lines


@pytest.mark.parametrize("name,title,place,level,doc_type,period", [
    ("xinhe_street_14th_plan.txt", "天津市滨海新区新河街道国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要",
     "天津市滨海新区新河街道", "街道", "五年规划纲要", "2021—2025"),
    ("haibin_street_14th_plan.txt", "天津市滨海新区海滨街道国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要",
     "天津市滨海新区海滨街道", "街道", "五年规划纲要", "2021—2025"),
    ("tanggu_street_14th_plan.txt", "天津市滨海新区塘沽街道国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要",
     "天津市滨海新区塘沽街道", "街道", "五年规划纲要", "2021—2025"),
    ("jinghai_town_14th_plan.txt", "天津市静海区静海镇国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要",
     "天津市静海区静海镇", "镇", "五年规划纲要", "2021—2025"),
    ("jinghai_district_2021_work_report.txt", "天津市静海区2021年政府工作报告",
     "天津市静海区", "区", "政府工作报告", "2021年"),
])
def test_metadata(parsed, name, title, place, level, doc_type, period):
    meta = parsed[name].doc.meta
    assert (meta.title, meta.place, meta.level, meta.doc_type, meta.period) == \
        (title, place, level, doc_type, period)
    assert meta.date.startswith(("2021", "2022"))


def test_issuers_and_dates(parsed):
    assert parsed["tanggu_street_14th_plan.txt"].doc.meta.issuer == "天津市滨海新区塘沽街道办事处"
    assert parsed["tanggu_street_14th_plan.txt"].doc.meta.date == "2021-08-10"
    assert parsed["jinghai_district_2021_work_report.txt"].doc.meta.issuer == "天津市静海区人民政府"
    assert parsed["xinhe_street_14th_plan.txt"].doc.meta.date == "2021-08-27"


def _chapters(pd):
    seen = []
    for c in pd.chunks:
        if c.headings and c.headings[0] not in seen:
            seen.append(c.headings[0])
    return seen


def test_chapters_in_order(parsed):
    cn = "一二三四五六七八九"
    town = [h for h in _chapters(parsed["jinghai_town_14th_plan.txt"]) if h.startswith("第")]
    assert [h[:3] for h in town] == [f"第{cn[i]}章" for i in range(8)]
    assert town[2] == "第三章 着力打造现代产业体系"
    for name, n in [("haibin_street_14th_plan.txt", 9), ("tanggu_street_14th_plan.txt", 7)]:
        chapters = [h for h in _chapters(parsed[name]) if h.startswith("第")]
        assert [h[:3] for h in chapters] == [f"第{cn[i]}章" for i in range(n)], name
    xinhe = [h for h in _chapters(parsed["xinhe_street_14th_plan.txt"]) if re.match(r"^[一二三四五六七八九]、", h)]
    assert [h[0] for h in xinhe] == list(cn)


def test_heading_paths(parsed):
    for name, pd in parsed.items():
        with_path = sum(1 for c in pd.chunks if c.headings)
        assert with_path / len(pd.chunks) >= 0.9, name
    town = parsed["jinghai_town_14th_plan.txt"]
    logistics = [c for c in town.chunks if "拓展物流产业链条" in c.text][0]
    assert logistics.headings[:2] == ("第三章 着力打造现代产业体系", "第一节 构建现代物流业体系")
    report = parsed["jinghai_district_2021_work_report.txt"]
    run_in = [c for c in report.chunks if c.headings[-1:] == ("（一）经济发展质量和效益显著提高",)]
    assert run_in, "run-in headings of the work report are detected"


def _rows(pd):
    return {c.row.name: c for c in pd.chunks if c.kind == "table_row"}


def test_tables_rebuilt_for_all_four_plans(parsed):
    xinhe = _rows(parsed["xinhe_street_14th_plan.txt"])
    row = xinhe["商品销售总额累计"].row
    assert (row.unit, row.value("2020"), row.value("2025"), row.value("属性")) == ("亿元", "7.5", "46", "预期性")
    assert xinhe["商品销售总额累计"].text == \
        "专栏1“十四五”时期经济社会发展主要指标｜商品销售总额累计（亿元）｜2020：7.5｜2025：46｜属性：预期性"
    assert len(xinhe) == 14
    haibin = _rows(parsed["haibin_street_14th_plan.txt"])
    assert haibin["社会消费品零售总额"].row.value("2020") == "10.69"
    assert haibin["社会消费品零售总额"].row.value("2025") == "11.8"
    assert len(haibin) == 9
    tanggu = _rows(parsed["tanggu_street_14th_plan.txt"])
    assert tanggu["商品销售总额"].row.value("2025") == "12.45" and len(tanggu) == 6
    assert tanggu["商品销售总额"].start_line == tanggu["商品销售总额"].end_line == 158
    town = _rows(parsed["jinghai_town_14th_plan.txt"])
    assert len(town) == 13
    gdp = town["地区生产总值增长率"].row
    assert gdp.unit == "%" and gdp.category == "经济发展"
    assert gdp.value("2025") == "7" and gdp.value("年均增长") == "7"
    assert town["一般公共预算收入增速"].row.value("年均增长") == "与GDP增长保持同步"
    assert town["新增就业人数"].row.unit == "万人" and town["新增就业人数"].row.value("2025") == "〔1.2〕"


def test_table_rows_never_mix_with_prose(parsed):
    for pd in parsed.values():
        table_lines = {ln for t in pd.tables for ln in t.lines}
        for c in pd.chunks:
            if c.kind == "text":
                assert not table_lines & set(range(c.start_line, c.end_line + 1))


def test_chunk_sizes_and_stable_ids(parsed):
    again = {p.name: parse_text(load_file(p)) for p in bundled_paths()}
    ids = set()
    for name, pd in parsed.items():
        assert [c.chunk_id for c in pd.chunks] == [c.chunk_id for c in again[name].chunks]
        for c in pd.chunks:
            assert c.chunk_id not in ids
            ids.add(c.chunk_id)
            if c.kind == "text":
                assert len(c.text) <= 300 * 1.3 + 1
    lengths = [len(c.text) for pd in parsed.values() for c in pd.chunks]
    assert sum(lengths) / len(lengths) <= 600
