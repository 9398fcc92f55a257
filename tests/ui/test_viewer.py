"""The document viewer's HTML (planqa.ui_viewer): numbered lines, cited lines shaded, quote marked, text escaped."""
from planqa.ui_viewer import mark_lines, render_viewer

CITE = {"n": 2, "title": "测试镇规划", "headings": ["第一章 发展目标", ""], "source": "t.txt",
        "start_line": 3, "end_line": 4, "quote": "绿化覆盖率达到45%，新建口袋公园12个。"}
TEXT = "测试镇规划\n\n到2025年，测试镇绿化覆盖率达到45%，\n新建口袋公园12个。<img src=x>\n最后一行"


def test_cited_lines_are_shaded_and_the_quote_marked_across_them():
    page = render_viewer(TEXT, CITE, "测试镇的绿化目标？")
    assert page.count('class="pq-line pq-cited"') == 2 and 'data-line="3"' in page and 'data-line="5"' in page
    assert "<mark>绿化覆盖率达到45%，</mark>" in page and "<mark>新建口袋公园12个。</mark>" in page
    assert "&lt;img src=x&gt;" in page and "<img" not in page
    assert "第一章 发展目标" in page and "· ·" not in page and "第3–4行" in page and "问题：测试镇的绿化目标？" in page


def test_a_removed_document_shows_the_quote_and_why():
    page = render_viewer("", CITE, missing="这个文件已不在知识库中")
    assert "这个文件已不在知识库中" in page and "口袋公园" in page and "pq-line" not in page


def test_lines_out_of_range_are_clamped():
    assert 'pq-cited' in render_viewer("一行", {**CITE, "start_line": 9, "end_line": 12})


def test_mark_lines_without_a_match_escapes_only():
    assert mark_lines(["<b>", "x"], "没有") == ["&lt;b&gt;", "x"]
