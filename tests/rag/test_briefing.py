"""Briefings and comparisons over the real bundled corpus with the real default models.

Every number shown must be found in the source-file lines its footnote cites;
this is checked here against the files themselves, not against the index.
"""
import re
from dataclasses import replace
from pathlib import Path

import doctest

import pytest

import planqa.rag.briefing_render as briefing_render
import planqa.rag.comparison as comparison
import planqa.rag.facts as facts
import planqa.rag.topics as topics
from planqa.config import Settings
from planqa.corpus.document import bundled_paths
from planqa.corpus.text import norm_numbers, number_forms, squash
from planqa.rag.briefing import _checked, build_briefing, compare, expand_topic
from planqa.rag.briefing_render import briefing_docx, briefing_markdown, compare_markdown, note_text
from planqa.rag.comparison_xlsx import sheet_rows
from planqa.rag.facts import DocView, resolve_docs, row_value, unsupported_numbers
from planqa.rag.service import Assistant
from planqa.rag.topics import topic_terms
from planqa.types import TableRow
from tests.rag.scripted_llm import ScriptedLLM
from tests.rag.test_briefing_docx import check_gongwen_docx

slow = pytest.mark.slow

ELDERLY_PLACES = {"新河街道", "海滨街道", "塘沽街道", "静海镇"}


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, vector_cache):
    a = Assistant(Settings().with_overrides({"data_dir": str(tmp_path_factory.mktemp("briefing-kb")),
                                             "embed_cache_dir": vector_cache}))
    a.ingest(bundled_paths())
    return a


@pytest.fixture(scope="module")
def elderly(assistant):
    return build_briefing(assistant, "养老服务")


@pytest.fixture(scope="module")
def source_lines():
    return {Path(p).name: Path(p).read_text(encoding="utf-8").splitlines() for p in bundled_paths()}


def cited_text(lines: list[str], cited: dict) -> str:
    return "\n".join(lines[cited["start_line"] - 1:cited["end_line"]])


def assert_numbers_in_source(text: str, cited: dict, source_lines: dict) -> None:
    """Each number of ``text`` is in the cited lines of the source file (table years: in its header lines)."""
    lines = source_lines[cited["source"]]
    support = norm_numbers(cited_text(lines, cited))
    if cited.get("header_lines"):
        h0, h1 = cited["header_lines"]
        support |= norm_numbers("\n".join(lines[h0 - 1:h1]))
    for forms in number_forms(text):
        assert forms & support, f"{sorted(forms)} of {text!r} not in {cited['source']} lines " \
                                f"{cited['start_line']}–{cited['end_line']}"


# ---- pure parts ----------------------------------------------------------------------------
@pytest.mark.parametrize("module", [topics, facts, comparison, briefing_render])
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0


def test_row_value_keeps_bracketed_totals_and_growth_rates():
    row = TableRow("表1", "固定资产投资", "亿元", (("2020年", "——"), ("目标·2025年", "〔332.69〕"),
                                             ("目标·年均增长", "10"), ("属性", "预期性")))
    assert row_value(row) == "2025年〔332.69〕亿元（年均增长10%）"
    assert row_value(TableRow("", "城镇登记失业率", "%", (("2020", "3.5以内"),))) == "2020年3.5以内"


def test_note_text_names_table_header_lines():
    cited = {"title": "纲要", "headings": ["专栏1"], "start_line": 100, "end_line": 108, "quote": "3 商品销售总额 7.5 46",
             "header_lines": [74, 76]}
    assert note_text(cited) == "《纲要》 › 专栏1，第100–108行（表头第74–76行）：“3 商品销售总额 7.5 46”"


def test_expand_topic_maps_known_domains_and_falls_back_to_words():
    elderly = expand_topic("养老服务")
    assert elderly[0] == "养老服务"
    assert {"日间照料", "老年食堂", "老人家食堂", "养老床位", "医养结合", "居家养老", "为老服务"} <= set(elderly)
    assert "营商环境" in expand_topic("营商环境") and "政务服务" in expand_topic("优化营商环境")
    assert expand_topic("航天发射场建设") == ["航天发射场建设", "航天", "发射场"]
    with pytest.raises(ValueError, match="主题是空的"):
        expand_topic("  ")


def test_topic_matching_excludes_other_domains_phrases():
    t = topic_terms("养老服务")
    assert t.matches("推进老年食堂建设。") == ["老年食堂"]
    assert t.matches("推进养老保险全民参保计划，扩大基本养老保险覆盖面。") == []
    unknown = topic_terms("航天发射场建设")
    assert unknown.matches("建设航天发射场配套设施") and not unknown.matches("发展航天产业")


# ---- briefing ------------------------------------------------------------------------------
@slow
def test_elderly_briefing_covers_every_document_that_plans_elderly_care(elderly):
    assert ELDERLY_PLACES <= set(elderly.covered())
    for place in ELDERLY_PLACES:
        kinds = {f.kind for f in elderly.facts_by_place[place]}
        assert kinds & {"target", "indicator"}, place  # each of them states a figure
    xinhe = elderly.facts_by_place["新河街道"]
    assert any("13个社区" in f.text for f in xinhe)
    assert any(f.kind == "indicator" and "老年日间照料中心覆盖率" in f.text for f in xinhe)
    assert any("新增养老床位48张" in f.text for f in elderly.facts_by_place["塘沽街道"])
    assert any("61个村居" in f.text for f in elderly.facts_by_place["静海镇"])
    every = [f for fs in elderly.facts_by_place.values() for f in fs]
    assert not any("养老保险" in f.text and not topic_terms("养老服务").matches(f.text) for f in every)


@slow
def test_every_fact_and_cell_is_verbatim_and_its_numbers_are_in_its_cited_lines(elderly, source_lines):
    facts = [f for fs in elderly.facts_by_place.values() for f in fs] + elderly.overview_facts
    cells = [c for row in elderly.table.rows.values() for c in row if c is not None]
    assert facts and cells
    for f in facts + cells:
        cited = f.cited()
        assert_numbers_in_source(f.text, cited, source_lines)
        if f.kind != "indicator":  # prose: the quote and the shown text are the source's own words
            span = squash(cited_text(source_lines[f.source], cited))
            assert squash(cited["quote"]) in span and squash(f.text) in span


@slow
def test_comparison_table_has_a_cell_or_explicit_gap_per_place(elderly, source_lines):
    table = elderly.table
    assert "日间照料" in table.columns and set(table.rows) == set(elderly.places)
    day_care = {p: table.cell(p, "日间照料") for p in table.rows}
    assert all(day_care[p] is not None for p in ELDERLY_PLACES)
    assert "100%" in day_care["塘沽街道"].text and "8个" in day_care["海滨街道"].text
    lines = source_lines[day_care["海滨街道"].source]
    assert "8个日间照料站" in cited_text(lines, day_care["海滨街道"].cited())
    assert day_care["静海区"] is None  # the work report says nothing on day care
    md = briefing_markdown(elderly)
    row = next(line for line in md.splitlines() if line.startswith("| 静海区 |"))
    assert "未提及" in row


@slow
def test_markdown_reads_as_a_briefing_with_all_footnotes_defined(elderly):
    md = briefing_markdown(elderly)
    assert md.startswith("# “养老服务”政策简报")
    for heading in ("## 一、总体情况", "## 二、各地对比", "## 三、分地区要点", "### 新河街道", "**目标**", "**举措**"):
        assert heading in md
    used = set(re.findall(r"\[\^(\d+)\](?!:)", md))
    defined = set(re.findall(r"^\[\^(\d+)\]: 《", md, re.M))
    assert used and used == defined
    note = next(line for line in md.splitlines() if line.startswith("[^1]: "))
    assert re.match(r"\[\^1\]: 《[^》]+》( › [^，]+)*，第\d+(–\d+)?行.*：“.+”$", note)
    # every list item of the per-place sections carries a footnote
    body = md.split("## 三、分地区要点")[1].split("## 注释")[0]
    items = [line for line in body.splitlines() if line.startswith("- ")]
    assert items and all(re.search(r"\[\^\d+\]$", line) for line in items)


@slow
def test_docx_opens_and_holds_the_table_and_footnotes(elderly, tmp_path):
    from docx import Document

    path = tmp_path / "brief.docx"
    briefing_docx(elderly, path)
    blocks, _ = briefing_render.outline(elderly)
    n_refs = sum(isinstance(s, int) for b in blocks if b[0] in ("p", "li") for s in b[1]) + \
        sum(isinstance(s, int) for b in blocks if b[0] == "table" for row in b[2] for cell in row for s in cell)
    check_gongwen_docx(path, "养老服务", n_refs)
    doc = Document(str(path))
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["地区", *elderly.table.columns]
    assert len(table.rows) == len(elderly.places) + 1
    assert any("未提及" in c.text for r in table.rows for c in r.cells)
    assert not any(p.text == "注释" for p in doc.paragraphs)


@slow
def test_absent_topic_gives_an_honest_not_found_briefing(assistant, tmp_path):
    b = build_briefing(assistant, "航天发射场建设")
    assert not b.found and not b.table.columns and not b.overview_facts
    assert "未找到" in b.overview
    md = briefing_markdown(b)
    assert "未找到" in md and "[^" not in md and "|" not in md
    briefing_docx(b, tmp_path / "none.docx")


@slow
def test_places_filter_and_unknown_place(assistant):
    b = build_briefing(assistant, "养老服务", places=["塘沽", "泰达街道"])
    assert b.places == ["塘沽街道"] and b.unknown_places == ["泰达街道"]
    assert any("泰达街道" in n for n in b.notices)
    kb = assistant.kb
    assert resolve_docs(kb, ["静海区"])[0] == ["jinghai_district_2021_work_report"]  # not the town inside it
    assert set(resolve_docs(kb, ["静海"])[0]) == {"jinghai_district_2021_work_report", "jinghai_town_14th_plan"}
    assert len(resolve_docs(kb, ["滨海新区"])[0]) == 3 and resolve_docs(kb, ["  "])[0] == resolve_docs(kb, None)[0]


@slow
def test_number_checker_drops_a_fact_whose_number_is_not_in_its_lines(elderly, assistant):
    fact = next(f for f in elderly.facts_by_place["塘沽街道"] if "48" in f.text)
    text = assistant.kb.doc_text(fact.doc_id)
    assert unsupported_numbers(fact, text) == []
    assert unsupported_numbers(replace(fact, text=fact.text.replace("48", "84")), text) == ["84"]
    assert unsupported_numbers(replace(fact, start_line=fact.start_line - 1, end_line=fact.start_line - 1), text)
    notices = []
    wrong = replace(fact, text=fact.text.replace("48", "84"))
    assert _checked([fact, wrong], DocView(assistant.kb, fact.doc_id), notices) == [fact]
    assert len(notices) == 1 and "84" in notices[0] and f"第{fact.start_line}" in notices[0]


@slow
def test_llm_overview_is_verified_and_falls_back_when_it_invents_a_number(assistant):
    with ScriptedLLM() as llm:
        s = assistant.settings.with_overrides({"answerer": "llm", "llm_base_url": llm.base_url,
                                               "llm_model": "scripted", "llm_timeout": 3})
        a = Assistant(s, embedder=assistant.embedder)
        llm.needle = "48"
        good = build_briefing(a, "养老服务", places=["塘沽"])
        assert good.overview_by == "llm" and "48" in good.overview
        assert any("48" in f.text for f in good.overview_facts)
        llm.mode = "bad_number"
        bad = build_briefing(a, "养老服务", places=["塘沽"])
        assert bad.overview_by == "extractive" and "99" not in bad.overview
        assert any("99" in n for n in bad.notices)


# ---- comparison ----------------------------------------------------------------------------
@slow
def test_compare_sales_total_cites_each_table_row(assistant, source_lines):
    rows = {r["place"]: r for r in compare(assistant, "商品销售总额")}
    expected = {"新河街道": "46", "海滨街道": "49.6", "塘沽街道": "12.45"}
    for place, value in expected.items():
        r = rows[place]
        assert r["status"] == "found" and r["kind"] == "indicator" and "商品销售总额" in r["indicator"]
        assert f"2025年{value}亿元" in r["value"]
        lines = source_lines[r["source"]][r["cited"]["start_line"] - 1:r["cited"]["end_line"]]
        assert value in [x.strip() for x in re.split(r"[\t\n]", "\n".join(lines))]
        assert any("商品销售总额" in x for x in lines)
        assert_numbers_in_source(r["value"], r["cited"], source_lines)
    assert rows["新河街道"]["cited"]["start_line"] <= 106 <= rows["新河街道"]["cited"]["end_line"]
    assert rows["塘沽街道"]["cited"]["start_line"] == 158
    for place in ("静海镇", "静海区"):
        assert rows[place]["status"] == "未提及" and rows[place]["cited"] is None and not rows[place]["value"]
    md = compare_markdown(list(rows.values()), "商品销售总额")
    assert "| 静海镇 | — | 未提及 |" in md and "2025年46亿元[^" in md
    header, body = sheet_rows(list(rows.values()))  # the .xlsx: the table's own cells, as numbers
    by_place = {r[0]: dict(zip(header, r)) for r in body}
    year = next(h for h in header if h.startswith("2025年"))
    assert by_place["新河街道"][year] == 46 and by_place["塘沽街道"][year] == 12.45
    assert by_place["静海镇"][year] is None and by_place["静海镇"]["状态"] == "未提及"


@slow
def test_compare_falls_back_to_the_answer_chain_and_honours_places(assistant, source_lines):
    rows = compare(assistant, "老年食堂", places=["新河街", "海滨", "泰达街道"])
    assert [r["place"] for r in rows] == ["新河街道", "海滨街道", "泰达街道"]
    assert rows[2]["status"] == "无文件"
    for r in rows[:2]:
        assert r["status"] == "found" and "老年食堂" in r["cited"]["quote"]
        assert_numbers_in_source(r["value"], r["cited"], source_lines)
