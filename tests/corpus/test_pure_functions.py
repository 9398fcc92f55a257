"""Edge cases of the pure text functions: sentences, headings, tables, chunking."""
import doctest

import pytest

import planqa.corpus.chunking as chunking
import planqa.corpus.cleaning as cleaning
import planqa.corpus.gazetteer as gazetteer
import planqa.corpus.kinds as kinds
import planqa.corpus.metadata as metadata
import planqa.corpus.structure as structure
import planqa.corpus.tables as tables
import planqa.corpus.text as text
from planqa.corpus.chunking import chunk_document, pack, Span, split_long
from planqa.corpus.document import parse_text
from planqa.corpus.loaders import LoadedText
from planqa.corpus.structure import detect_heading
from planqa.corpus.tables import find_tables
from planqa.corpus.text import halfwidth, normalize, sentence_spans


@pytest.mark.parametrize("module", [text, structure, tables, chunking, cleaning, gazetteer, kinds, metadata])
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0


def _sents(t):
    return [t[a:b] for a, b in sentence_spans(t)]


def test_sentences_edge_cases():
    assert _sents("") == []
    assert _sents("字") == ["字"]
    assert _sents("   \n  ") == []
    assert _sents("GDP增长7%；人均收入增长6.5%。Done!") == ["GDP增长7%；", "人均收入增长6.5%。", "Done!"]
    assert _sents("提出“双城”战略。”后续") == ["提出“双城”战略。”", "后续"]
    assert _sents("第一行\n第二行。") == ["第一行", "第二行。"]
    assert _sents("省略……然后") == ["省略……", "然后"]


def test_fullwidth_and_numerals():
    assert halfwidth("２０２５年") == "2025年"
    assert normalize("二〇三五年 目标") == "2035年目标"
    assert normalize("Ａｂｃ　１２") == "abc12"


@pytest.mark.parametrize("line,style,heading", [
    ("第一章  发展基础和发展环境", "chapter", "第一章 发展基础和发展环境"),
    ("    第二节 发展环境", "section", "第二节 发展环境"),
    ("一、发展基础和发展环境", "cn", "一、发展基础和发展环境"),
    ("(一)发展基础", "paren", "(一)发展基础"),
    ("（三）2035年远景目标", "paren", "（三）2035年远景目标"),
    ("1. 总体要求", "arabic", "1. 总体要求"),
    ("## 背景", "md2", "背景"),
    ("专栏3 现代商贸业提升工程", "box", "专栏3 现代商贸业提升工程"),
    ("**第一章 总则**", "chapter", "第一章 总则"),
])
def test_heading_detection(line, style, heading):
    h = detect_heading(line)
    assert h is not None and (h.style, h.text) == (style, heading)


@pytest.mark.parametrize("line", ["", "字", "这是一个普通的句子。", "2025年", "1", "12.5",
                                   "第一是加强领导，第二是完善机制，第三是狠抓落实，确保规划目标如期实现，推动各项工作。"])
def test_not_headings(line):
    assert detect_heading(line) is None


def test_toc_lines_detected():
    lines = ["目 录", "第一章 总则.....1", "第二章 目标.....3", "", "第一章 总则", "正文。", "第二章 目标", "正文。"]
    toc = cleaning.toc_lines(lines, structure.is_heading)
    assert toc == {0, 1, 2}
    lines2 = ["第一章  发展基础2", "第一节  基础2", "", "第一章  发展基础", "第一节  基础", "内容。"]
    assert cleaning.toc_lines(lines2, structure.is_heading) == {0, 1}


def test_trailing_link_list():
    lines = ["正文。", "", "全国各省市政府网站", "天津市各区政府网站", "重点链接", ""]
    assert cleaning.trailing_link_block(lines) == {2, 3, 4}
    assert cleaning.trailing_link_block(["正文。", "天津市滨海新区塘沽街道办事处"]) == set()


def test_table_one_cell_per_line():
    lines = ["专栏1 主要指标", "", "序号", "", "指标名称", "", "2020", "", "2025", "", "属性", "",
             "1", "", "人口（万人）", "", "１.５", "", "2", "", "预期性", "",
             "2", "", "产值(亿元)", "", "3", "", "4", "", "约束性", "", "第二章 下一章"]
    t = find_tables(lines)
    assert len(t) == 1 and t[0].caption == "专栏1 主要指标"
    rows = [r.row for r in t[0].rows]
    assert [r.name for r in rows] == ["人口", "产值"]
    assert rows[0].unit == "万人" and rows[0].value("2020") == "１.５"
    assert rows[1].render() == "专栏1 主要指标｜产值（亿元）｜2020：3｜2025：4｜属性：约束性"


def test_table_tab_prefixed_two_row_header_with_groups():
    lines = ["表1 主要指标", "", "\t序号", "\t指标", "\t单位", "\t目标", "\t属性", "",
             "\t", "\t", "\t", "\t2025年", "\t年均增长", "\t", "", "\t经济", "",
             "\t1", "\t增速", "\t%", "\t7", "\t7", "\t预期性", "",
             "\t2", "\t收入", "\t%", "\t——", "\t与GDP", "", "同步", "\t预期性", "",
             "注：说明", "第二节 下一节"]
    t = find_tables(lines)[0]
    assert t.note == "注：说明"
    r1, r2 = (r.row for r in t.rows)
    assert r1.category == "经济" and r1.value("2025") == "7" and r1.value("年均增长") == "7"
    assert r2.value("年均增长") == "与GDP同步"


def test_no_table_in_prose():
    assert find_tables(["这是正文。", "1", "第二行。"]) == []
    assert find_tables([]) == []


def test_split_long_sentence_and_pack():
    long = "甲" * 250 + "，" + "乙" * 250 + "。"
    pieces = split_long(long, 0, len(long), 300)
    assert all(b - a <= 300 for a, b in pieces) and pieces[-1][1] == len(long)
    hard = "丙" * 700
    assert [b - a for a, b in split_long(hard, 0, 700, 300)] == [300, 300, 100]
    assert pack([], "", 300, 60) == []
    assert pack([Span(0, 1, 0)], "字", 300, 60) == [(0, 1)]


def _loaded(body: str, name="t.txt") -> LoadedText:
    return LoadedText(name, "/tmp/" + name, body, "0" * 64, "txt", "utf-8")


def test_chunking_mixed_text_and_empty():
    pd = parse_text(_loaded(""))
    assert pd.chunks == ()
    pd = parse_text(_loaded("字"))
    assert [c.text for c in pd.chunks] == ["字"]
    body = "第一章 总则\n\nPlanQA supports 中文 and English。第二句 with ＧＤＰ ７％。\n"
    pd = parse_text(_loaded(body), chunk_size=60, chunk_min=0)
    assert [c.headings for c in pd.chunks] == [("第一章 总则",)]
    c = pd.chunks[0]
    # the heading line leads the first chunk of its section
    assert body[c.start:c.end] == c.text and (c.start_line, c.end_line) == (1, 3)
    assert c.text.startswith("第一章 总则") and "ＧＤＰ ７％" in c.text


def test_chunks_never_cut_a_sentence():
    sent = "这是一个测试句子，用来检验分块。"
    body = "第一章 测试\n\n" + sent * 40
    pd = parse_text(_loaded(body), chunk_size=100, chunk_min=20)
    assert len(pd.chunks) > 3
    for c in pd.chunks:
        assert c.text.endswith("。") and len(c.text) <= 130


def test_markdown_markers_not_at_chunk_edges():
    pd = parse_text(_loaded("# 标题\n\n**重点内容。**\n"))
    assert [c.text for c in pd.chunks] == ["标题\n\n**重点内容。"]
    assert pd.chunks[0].headings == ("标题",)
    pd = parse_text(_loaded("**加粗的段落。**\n"))
    assert [c.text for c in pd.chunks] == ["加粗的段落。"]


def test_tsv_table_without_sequence_column():
    lines = ["主要指标表", "指标\t2020年\t2025年\t属性", "人均GDP（万元）\t8.1\t10.2\t预期性",
             "森林覆盖率（%）\t12\t15\t约束性", "", "正文继续。"]
    t = find_tables(lines)[0]
    assert t.caption == "主要指标表"
    r = t.rows[1].row
    assert (r.name, r.unit, r.value("2025"), r.value("属性")) == ("森林覆盖率", "%", "15", "约束性")


@pytest.mark.parametrize("title_lines,doc_type,period,place", [
    (["天津市滨海新区测试街道“十四五”规划"], "五年规划", "2021—2025", "天津市滨海新区测试街道"),
    (["天津市静海区文化和旅游融合“十四五”规划"], "专项规划", "2021—2025", "天津市静海区"),
    (["天津市某某区某某镇国民经济和社会发展", "第十四个五年规划和二〇三五年远景目标纲要"], "五年规划纲要", "2021—2025",
     "天津市某某区某某镇"),
    (["关于印发某某规划的通知", "", "某某县人民政府工作报告", "——2022年1月5日在某某县第一届人民代表大会第二次会议上"],
     "政府工作报告", "2022年", "某某县"),
])
def test_metadata_of_document_kinds(title_lines, doc_type, period, place):
    from planqa.corpus.metadata import derive

    meta = derive("\n".join(title_lines + ["", "正文第一段。"]))
    assert (meta.doc_type, meta.period) == (doc_type, period)
    assert meta.place == place
