"""Headings, items, title blocks and document parts in the layouts of local-government documents."""
from planqa.corpus.chunking import chunk_document
from planqa.corpus.metadata import derive, is_part_title, part_titles, read_date, read_place, title_lines
from planqa.corpus.structure import (HeadingTracker, detect_heading, is_block_line, is_item, numbering_style,
                                     unit_starts)
from planqa.types import DocMeta, Document


def _chunks(text: str):
    doc = Document("d", "d.txt", text, DocMeta("d"))
    return chunk_document(doc, [])


def test_articles_and_chapters_on_one_line():
    line = "第二章　职责分工　　第四条　市经济和信息化局是统筹管理部门。　　第五条　市大数据中心负责技术支撑。"
    assert [line[i:i + 3] for i in unit_starts(line)] == ["第二章", "第四条", "第五条"]
    assert unit_starts("按照第四条 规定执行。") == [0]  # a reference inside a sentence is no unit
    assert unit_starts("　　第五条　全角空格开头。") == [0]
    h = detect_heading("第十一条　运营单位有下列情形之一的，终止授权：")
    assert (h.style, h.text, h.run_in) == ("article", "第十一条", True)
    assert detect_heading("第十一条").run_in is False and detect_heading("第十一条规定的情形") is None


def test_items_are_not_headings():
    assert detect_heading("（一）在本市注册的独立法人；") is None
    assert is_item("（二）具有管理制度。", detect_heading("（二）具有管理制度。"), ("article",))
    assert is_item("1.本公报数据为初步统计数。", detect_heading("1.本公报数据为初步统计数。"), ("note",))
    assert not is_item("（一）组织领导（15分）", detect_heading("（一）组织领导（15分）"), ("cn",), False, "1.成立小组（5分）。")
    assert not is_item("正文。", None, ())
    assert numbering_style("") == "" and numbering_style("注：见附表") == "note"


def test_block_lines():
    assert is_block_line("万载县统计局　　2023年4月6日") and is_block_line("二〇二三年三月")
    assert is_block_line("效力位阶：地方规范性文件") and is_block_line("万府办字〔2023〕21号")
    assert not is_block_line("全年全县地区生产总值242.36亿元。") and not is_block_line("一")


def test_notes_of_a_box_stay_in_it_and_prose_leaves_them():
    t = HeadingTracker()
    for line in ("第二章 目标", "专栏1 主要指标", "注：1.按现价计算。"):
        t.push(detect_heading(line))
    assert t.path == ("第二章 目标", "专栏1 主要指标", "注")
    t.close_note()
    assert t.path == ("第二章 目标",)
    t.push(detect_heading("专栏2 项目")), t.push(detect_heading("注：单位亿元"))
    t.push(detect_heading("第三章 任务"))
    assert t.path == ("第三章 任务",)


def test_chunks_of_a_legal_layout_keep_spans_and_lines():
    text = "某市管理办法\n第一章　总则　　第一条　为了规范管理，制定本办法。\n　　第二条　本办法适用于：\n" \
           "　　（一）甲事项；\n　　（二）乙事项。\n第二章　附则　　第三条　本办法自印发之日起施行。"
    chunks = _chunks(text)
    assert all(text[c.start:c.end] == c.text for c in chunks)
    paths = [c.headings for c in chunks]
    assert ("第一章 总则", "第二条") in paths and ("第二章 附则", "第三条") in paths
    second = next(c for c in chunks if c.headings == ("第一章 总则", "第二条"))
    assert second.text.endswith("（二）乙事项。") and (second.start_line, second.end_line) == (3, 5)
    assert _chunks("") == [] and [c.text for c in _chunks("一")] == ["一"]


def test_several_documents_in_one_file():
    lines = ["某省人民政府办公厅关于印发某省若干政策措施和行动计划的通知", "", "各市人民政府：", "现印发给你们。", "",
             "某省若干政策措施", "一、支持企业。对企业给予奖励。", "", "某省产业培育行动计划（2023—2025年）", "一、总体目标",
             "到2025年产值达到1万亿元。"]
    assert title_lines(lines) == [0, 5, 8]
    assert part_titles(lines, 5) == ["某省若干政策措施", "某省产业培育行动计划（2023—2025年）"]
    assert title_lines(["某县统计公报", "正文。"]) == [] and title_lines([]) == []
    chunks = _chunks("\n".join(lines))
    assert chunks[-1].headings == ("某省产业培育行动计划（2023—2025年）", "一、总体目标")
    assert is_part_title("某市“十四五”规划") and not is_part_title("（一）完善规划") and not is_part_title("")
    assert derive("\n".join(lines)).doc_type == "政策措施、行动计划"


def test_places_and_dates_read_from_title_blocks():
    assert read_place("宜春市万载县2022年统计公报")[:2] == ("宜春市万载县", "县")
    assert read_place("万载县康乐街道2023年工作要点")[:2] == ("万载县康乐街道", "街道")
    assert read_place("江西省数字经济行动计划")[:2] == ("江西省", "省")
    assert read_place("") == ("", "", ()) and read_place("关于做好工作的通知")[:2] == ("", "")
    assert read_date("2023年4月6日印发") == "2023-04-06" and read_date("２０２３年４月６日") == "2023-04-06"
    assert read_date("2023年") == "" and read_date("") == "" and read_date("第2023号")== ""
