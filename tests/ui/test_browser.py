"""The app in headless Chromium: ask with cited sources, export, upload and ask, reject a corrupt upload."""
from __future__ import annotations

import re

import pytest

from tests.ui.helpers import TEST_TOWN, XINHE_Q, ask, last_answer, open_app, open_tab, upload

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


def test_an_upload_of_several_files_reports_each_and_steps_through_them(page, ui_server, tmp_path):
    assistant = ui_server[1]
    good, empty, exe = tmp_path / "测试乡 规划.txt", tmp_path / "空文件.txt", tmp_path / "程序.exe"
    good.write_text(TEST_TOWN.replace("测试镇", "测试乡"), encoding="utf-8")
    empty.write_text("", encoding="utf-8")
    exe.write_bytes(b"MZ" * 64)
    broken = tmp_path / "损坏.docx"
    broken.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    open_tab(page, "知识库")
    page.evaluate("""() => { window.pqSteps = []; new MutationObserver(() => {
        for (const t of document.querySelectorAll('[data-testid="status-tracker"]'))
          if (t.getBoundingClientRect().height > 0 && t.innerText.trim()) window.pqSteps.push((t.closest('[id]') || {}).id + ' ' + t.innerText); })
      .observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
    page.locator("#pq-files input[type=file]").set_input_files([str(good), str(empty), str(exe), str(broken)])
    page.locator('#pq-files td.filename[aria-label="程序.exe"]').wait_for()
    page.click("#pq-upload")
    page.wait_for_function("() => /知识库现有/.test(document.querySelector('#pq-kb-report')?.innerText || '')",
                           timeout=60_000)
    report = page.inner_text("#pq-kb-report")
    assert "已入库：测试乡 规划.txt" in report
    assert "空文件.txt：文件是空的" in report and "程序.exe：不支持的文件类型 .exe" in report
    assert "损坏.docx：不是有效的 Word 文档" in report and "Error" not in report and "Zip" not in report
    steps = page.evaluate("() => window.pqSteps")
    assert steps and all(s.startswith("pq-files") for s in steps), steps  # only the upload box shows progress
    # each file's own named step is pinned in test_kb_views: one small file parses faster than Gradio
    # sends progress, so the page need not show it
    assert not [s for s in steps if re.search(r"[A-Za-z]{3,}", s.replace("pq-files", ""))], steps  # in Chinese
    assistant.remove([d for d, r in assistant.kb.docs.items() if r.source == good.name])


def test_document_view_lists_chunks_and_table_rows(page, artifacts):
    open_tab(page, "知识库")
    dd = page.get_by_label("查看文档的片段与表格行")
    dd.click()
    page.get_by_role("option", name="新河街道", exact=False).first.click()
    page.get_by_text("重建的指标表行").first.wait_for()
    assert "商品销售总额累计" in page.inner_text("body")
    page.get_by_text("重建的指标表行").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "kb_chunks.png"))


def test_briefing_tab_previews_and_offers_downloads(page, artifacts, tmp_path):
    open_tab(page, "简报")
    page.get_by_label("主题或指标").fill("养老服务")
    page.get_by_role("button", name="生成简报").click()
    preview = page.locator("#pq-brief")
    preview.get_by_text("各地对比").wait_for(timeout=60_000)
    text = preview.inner_text()
    assert "养老服务" in text and "塘沽街道" in text and "48" in text
    assert "[^" not in text  # footnotes are links and a list of notes, not literal markers
    assert preview.locator("sup.pq-fn a").count() > 3 and preview.locator(".pq-notes li").count() > 3
    assert preview.locator(".pq-notes li").first.inner_text().startswith("《")
    page.screenshot(path=str(artifacts / "brief_tab.png"), full_page=True)
    names = download_names(page)
    assert any(re.fullmatch(r"简报-养老服务-\d{8}\.docx", n) for n in names) and len(names) == 2

    page.get_by_label("主题或指标").fill("商品销售总额")
    page.get_by_role("button", name="指标对比表").click()
    preview.get_by_text("“商品销售总额”各地比较").wait_for(timeout=60_000)
    page.wait_for_function("() => [...document.querySelectorAll('#pq-brief-files a')].some("
                           "a => decodeURIComponent(a.href).endsWith('.xlsx'))")
    names = download_names(page)
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["md", "xlsx"]  # the briefing is no longer offered
    assert all(n.startswith("指标对比-商品销售总额-") for n in names)
    with page.expect_download() as dl:
        page.locator("#pq-brief-files a[href$='.xlsx']").first.click()
    from openpyxl import load_workbook

    xlsx = tmp_path / dl.value.suggested_filename
    dl.value.save_as(xlsx)
    ws = load_workbook(xlsx).active
    rows = {r[0].value: [c.value for c in r] for r in ws.iter_rows(min_row=2)}
    header = [c.value for c in ws[1]]
    assert 46 in rows["新河街道"] and header[0] == "地区" and ws.freeze_panes == "B2"
    assert rows["新河街道"][header.index(next(h for h in header if h.startswith("2025年")))] == 46


def download_names(page) -> list[str]:
    hrefs = page.locator("#pq-brief-files a").evaluate_all("as => as.map(a => decodeURIComponent(a.href))")
    return sorted({h.rsplit("/", 1)[-1].split("?")[0] for h in hrefs})


def test_briefing_table_scrolls_on_a_phone(browser, ui_server, artifacts):
    """At 390 px the comparison table keeps readable cells and scrolls sideways; notes stay reachable."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    try:
        open_app(pg, ui_server[0])
        open_tab(pg, "简报")
        pg.get_by_label("主题或指标").fill("养老服务")
        pg.get_by_role("button", name="生成简报").click()
        pg.locator("#pq-brief .pq-table-wrap").wait_for(timeout=60_000)
        widths = pg.eval_on_selector_all("#pq-brief td, #pq-brief th", "cs => cs.map(c => c.getBoundingClientRect().width)")
        font = pg.eval_on_selector("#pq-brief td", "c => parseFloat(getComputedStyle(c).fontSize)")
        assert widths and min(widths) >= 4 * font  # never one character a line
        wrap = pg.eval_on_selector("#pq-brief .pq-table-wrap", "w => [w.scrollWidth, w.clientWidth, getComputedStyle(w).overflowX]")
        assert wrap[2] == "auto" and wrap[0] > wrap[1]  # the table scrolls inside its box ...
        assert pg.evaluate("() => document.documentElement.scrollWidth") <= 390  # ... not the page
        pg.locator("#pq-brief .pq-table-wrap").scroll_into_view_if_needed()
        pg.screenshot(path=str(artifacts / "brief_phone_table.png"))
        pg.locator("#pq-brief sup.pq-fn a").first.click()  # a marker leads to its note
        pg.wait_for_function("() => location.hash.startsWith('#pq-fn-')")
        note = pg.locator(pg.evaluate("() => location.hash"))
        assert note.inner_text().startswith("《") and note.is_visible()
    finally:
        context.close()


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
