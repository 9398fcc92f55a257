"""The document viewer in headless Chromium: a clicked [n] shows the cited lines with the quote marked."""
from __future__ import annotations

import pytest

from tests.ui.helpers import XINHE_Q, ask

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def cited_lines(page) -> list[int]:
    page.locator("#pq-viewer .pq-cited").first.wait_for()
    return [int(x) for x in page.locator("#pq-viewer .pq-cited").evaluate_all("els => els.map(e => e.dataset.line)")]


def test_clicking_a_marker_in_the_answer_opens_the_document_at_its_lines(page, artifacts):
    ask(page, "塘沽街道规划新增多少张养老床位？")
    page.locator("#pq-chat a[href='#pq-cite-1']").first.click()
    assert cited_lines(page) == [247]
    marked = " ".join(page.locator("#pq-viewer mark").all_inner_texts())
    assert "新增养老床位48张" in marked
    viewer = page.inner_text("#pq-viewer")
    assert "tanggu_street_14th_plan.txt · 第247行" in viewer and "第二节 加快建设多元养老、家庭服务体系" in viewer
    assert "问题：塘沽街道规划新增多少张养老床位？" in viewer
    # the whole document is there, scrolled to the cited line
    assert page.locator("#pq-viewer .pq-line").count() > 300
    page.wait_for_function("() => document.querySelector('#pq-lines').scrollTop > 0", timeout=10_000)
    page.screenshot(path=str(artifacts / "chat_viewer.png"))


def test_clicking_a_marker_in_the_source_panel_and_in_an_earlier_answer(page):
    ask(page, XINHE_Q)
    ask(page, "塘沽街道规划新增多少张养老床位？")
    page.locator("#pq-sources a.pq-open").first.click()  # 查看原文 of the shown (latest) answer
    assert cited_lines(page) == [247]
    page.get_by_role("tab", name="引用来源").click()
    page.locator("#pq-chat a[href='#pq-cite-1']").first.click()  # [1] of the first answer: the table row
    page.wait_for_function("() => !document.querySelector('#pq-viewer').innerText.includes('第247行')")
    lines = cited_lines(page)
    assert lines[0] >= 100 and lines[-1] <= 108
    assert "xinhe_street_14th_plan.txt" in page.inner_text("#pq-viewer")
    assert "问题：" + XINHE_Q in page.inner_text("#pq-viewer")
