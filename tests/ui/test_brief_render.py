"""The 简报 tab's preview: footnotes as links and a list of notes, the table in a scroll box; download names."""
from __future__ import annotations

import re

from planqa.rag.briefing_render import compare_outline
from planqa.ui_brief_render import outline_html

BLOCKS = [("title", "“养老服务”政策简报"), ("h2", "一、总体情况"), ("p", ["共检索", 1, "。"]),
          ("table", ["地区", "目标"], [[["新河街道"], ["床位48张<script>", 2]], [["静海镇"], ["未提及"]]]),
          ("h3", "新河街道"), ("label", "目标"), ("li", ["甲", 1]), ("li", ["乙", 2])]
NOTES = ["《甲》，第1行：“甲。”", "《乙》，第2行：“乙。”"]


def test_markers_become_links_and_notes_a_separate_list():
    page = outline_html(BLOCKS, NOTES)
    assert "[^" not in page and "<script>" not in page and "床位48张&lt;script&gt;" in page
    assert page.count('<sup class="pq-fn">') == 4 and page.count('id="pq-fnref-1"') == 1  # one back-anchor
    notes = re.search(r'<section class="pq-notes">.*</section>', page).group(0)
    assert re.findall(r'<li id="pq-fn-(\d)">', notes) == ["1", "2"] and "《乙》，第2行" in notes
    assert 'title="《甲》，第1行：“甲。”"' in page  # hovering a marker shows its source
    assert page.index('<div class="pq-table-wrap"><table>') < page.index("新河街道")
    assert page.count("<ul>") == 1 and "<p><strong>目标</strong></p>" in page


def test_comparison_preview_without_finds_has_no_notes():
    rows = [{"place": "静海镇", "status": "未提及", "source": "jinghai.txt"}]
    page = outline_html(*(lambda b, n: (b, n.texts))(*compare_outline(rows, "商品销售总额")))
    assert "“商品销售总额”各地比较" in page and "未提及" in page and "pq-notes" not in page


def test_download_names_say_what_they_are():
    from planqa.ui.tabs import brief_file_stem

    assert brief_file_stem("商品销售总额", "20250308", kind="指标对比") == "指标对比-商品销售总额-20250308"
    assert brief_file_stem("../养老 服务", "20250308") == "简报-养老-服务-20250308"


def test_tabs_docstring_examples():
    import doctest

    import planqa.ui.tabs as tabs

    assert doctest.testmod(tabs).failed == 0
