"""The app in headless Chromium: ask with cited sources, export, upload and ask, reject a corrupt upload."""
from __future__ import annotations

import pytest

from tests.ui.helpers import TEST_TOWN, XINHE_Q, ask, last_answer, open_tab, upload

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_ask_shows_answer_with_cited_table_row(page, artifacts):
    ask(page, XINHE_Q)
    answer = last_answer(page)
    assert "46" in answer and "[1]" in answer and "来源" in answer
    card = page.locator("#pq-sources .pq-card.pq-active")
    assert "新河街道" in card.inner_text()
    hit = card.locator("tr.pq-hit")
    assert "商品销售总额累计" in hit.inner_text() and "46" in hit.inner_text()
    assert "第100–108行" in card.inner_text() or "行" in card.inner_text()
    page.screenshot(path=str(artifacts / "chat_answer.png"), full_page=True)

    markers = page.locator("#pq-marker label")
    if markers.count() > 1:  # selecting another marker brings its source forward
        markers.nth(1).click()
        page.wait_for_function("() => document.querySelector('#pq-sources .pq-active')?.dataset.n !== '1'")
    with page.expect_download() as dl:
        page.get_by_role("button", name="导出对话（Markdown）").click()
    text = open(dl.value.path(), encoding="utf-8").read()
    assert XINHE_Q in text and "[1]" in text and "xinhe_street_14th_plan.txt" in text


def test_refused_question_says_so(page, artifacts):
    ask(page, "月球上的人口有多少？")
    assert "未找到依据" in last_answer(page)
    assert "没有可引用的依据" in page.inner_text("#pq-sources")
    page.get_by_text("筛选与设置").click()
    page.get_by_text("检索段落数 top-k").wait_for()
    page.screenshot(path=str(artifacts / "chat_refused.png"), full_page=True)


def test_empty_question_warns_and_keeps_the_chat(page):
    page.fill("#pq-question textarea", "   ")
    page.keyboard.press("Enter")
    page.get_by_text("问题是空的").first.wait_for()
    assert page.locator("#pq-chat .message").count() == 0


def test_upload_then_ask_and_corrupt_upload_is_rejected(page, ui_server, tmp_path, artifacts):
    assistant = ui_server[1]
    town = tmp_path / "测试镇 规划（2021）.txt"
    town.write_text(TEST_TOWN, encoding="utf-8")
    open_tab(page, "知识库")
    report = upload(page, town)
    assert "已入库" in report and "测试镇 规划（2021）.txt" in report
    page.get_by_text("测试镇国民经济和社会发展第十四个五年规划纲要").first.wait_for()
    page.screenshot(path=str(artifacts / "kb_uploaded.png"), full_page=True)

    docs_before = sorted(assistant.kb.docs)
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    report = upload(page, bad)
    assert "未入库" in report and "scan.txt" in report and "知识库未改变" in report
    assert sorted(assistant.kb.docs) == docs_before
    page.screenshot(path=str(artifacts / "kb_rejected.png"), full_page=True)

    open_tab(page, "问答")
    ask(page, "测试镇的绿化覆盖率目标是多少？")
    assert "45%" in last_answer(page) and "[1]" in last_answer(page)
    assert "测试镇" in page.inner_text("#pq-sources")
    page.screenshot(path=str(artifacts / "chat_uploaded_doc.png"), full_page=True)

    open_tab(page, "知识库")  # remove it again, confirming the browser's dialog
    page.get_by_label("删除文档").click()
    page.get_by_role("option", name="测试镇").first.click()
    page.keyboard.press("Escape")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="删除所选文档").click()
    page.get_by_text("已删除").first.wait_for()
    assert sorted(assistant.kb.docs) == sorted(d for d in docs_before if "测试镇" not in d)


def test_document_view_lists_chunks_and_table_rows(page, artifacts):
    open_tab(page, "知识库")
    dd = page.get_by_label("查看文档的片段与表格行")
    dd.click()
    page.get_by_role("option", name="新河街道", exact=False).first.click()
    page.get_by_text("重建的指标表行").first.wait_for()
    assert "商品销售总额累计" in page.inner_text("body")
    page.get_by_text("重建的指标表行").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "kb_chunks.png"))


def test_briefing_tab_previews_and_offers_downloads(page, artifacts):
    open_tab(page, "简报")
    page.get_by_label("主题或指标").fill("养老服务")
    page.get_by_role("button", name="生成简报").click()
    preview = page.locator("#pq-brief")
    preview.get_by_text("各地对比").wait_for(timeout=60_000)
    text = preview.inner_text()
    assert "养老服务" in text and "塘沽街道" in text and "48" in text
    page.screenshot(path=str(artifacts / "brief_tab.png"), full_page=True)
    link = page.locator("a[href$='.docx']").first
    link.wait_for(state="attached")
    assert "简报-养老服务-" in link.evaluate("a => decodeURIComponent(a.href)")  # named by topic and date


def test_eval_tab_runs_an_uploaded_question_file(page, tmp_path, artifacts):
    qfile = tmp_path / "q.jsonl"
    qfile.write_text(
        '{"id": "a", "question": "新河街道商品销售总额累计2025年目标是多少？", "answer": "46亿元", '
        '"doc": "xinhe_street_14th_plan.txt", "evidence": ["商品销售总额累计(亿元)"], "type": "number"}\n'
        '{"id": "b", "question": "泰达街道的商品销售总额目标是多少？", "answer": "无", "doc": [], '
        '"evidence": [], "type": "unanswerable"}\n', encoding="utf-8")
    open_tab(page, "评测")
    page.locator("#pq-eval-file input[type=file]").set_input_files(str(qfile))
    page.get_by_text("q.jsonl").first.wait_for()
    page.get_by_role("button", name="开始评测").click()
    page.get_by_text("无答案题拒答率").wait_for(timeout=60_000)
    assert "检索 hit@1" in page.inner_text("body")
    page.screenshot(path=str(artifacts / "eval_tab.png"), full_page=True)


def test_html_in_a_document_is_shown_as_text(page, ui_server, tmp_path):
    doc = tmp_path / "注入镇规划.txt"
    doc.write_text("注入镇“十四五”规划\n\n一、生态环境\n\n到2025年，注入镇绿化覆盖率达到47%"
                   "<img src=http://127.0.0.1:9/track.png>，建成公园<script>window.pqHacked=1</script>3个。\n",
                   encoding="utf-8")
    open_tab(page, "知识库")
    assert "已入库" in upload(page, doc)
    open_tab(page, "问答")
    ask(page, "注入镇绿化覆盖率目标是多少？")
    answer = last_answer(page)
    assert "47%" in answer and "<img src=http://127.0.0.1:9/track.png>" in answer
    assert page.locator("#pq-chat img[src*='track.png']").count() == 0
    assert page.evaluate("() => window.pqHacked") is None
    ui_server[1].remove([d for d, r in ui_server[1].kb.docs.items() if r.source == doc.name])
