"""Follow-ups and saved conversations in headless Chromium: reload, restart, clear, double submit."""
from __future__ import annotations

import pytest

from tests.ui.conftest import free_port
from tests.ui.helpers import XINHE_Q, ask, last_answer, open_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TANGGU_Q = "塘沽街道“十四五”期间商品销售总额累计目标是多少？"


def messages(page) -> list[str]:
    return page.locator("#pq-chat .message-row").all_inner_texts()


def test_a_follow_up_is_answered_for_the_new_place(page, artifacts):
    ask(page, XINHE_Q)
    ask(page, "那塘沽街道呢？")
    answer = last_answer(page)
    assert f"按上文理解为：{TANGGU_Q}" in answer and "12.45" in answer and "46" not in answer
    panel = page.inner_text("#pq-sources")
    assert f"问题：{TANGGU_Q}" in panel and "tanggu_street_14th_plan.txt" in panel
    ask(page, "它的养老服务有哪些举措？")
    assert "按上文理解为：塘沽街道的养老服务有哪些举措？" in last_answer(page)
    assert "xinhe_street" not in page.inner_text("#pq-sources")
    page.screenshot(path=str(artifacts / "chat_follow_up.png"), full_page=True)


def test_a_conversation_survives_a_reload_and_can_be_renamed_and_reopened(page):
    ask(page, XINHE_Q)
    ask(page, "那塘沽街道呢？")
    page.reload()
    open_app(page, page.url)
    page.wait_for_function("() => document.querySelectorAll('#pq-chat .message-row').length === 4")
    assert "12.45" in messages(page)[-1] and "tanggu_street_14th_plan.txt" in page.inner_text("#pq-sources")
    page.get_by_text("管理当前对话").click()
    page.fill("#pq-title textarea, #pq-title input", "两个街道的销售额")
    page.get_by_role("button", name="重命名").click()
    page.locator("#pq-conversations input").wait_for()
    page.wait_for_function("() => document.querySelector('#pq-conversations input').value.startsWith('两个街道的销售额')")
    page.get_by_role("button", name="新对话").click()
    page.wait_for_function("() => document.querySelectorAll('#pq-chat .message-row').length === 0")
    assert "提问后" in page.inner_text("#pq-sources")
    page.locator("#pq-conversations input").click()
    page.get_by_role("option", name="两个街道的销售额", exact=False).click()
    page.wait_for_function("() => document.querySelectorAll('#pq-chat .message-row').length === 4")


def test_a_conversation_survives_an_app_restart(browser, ui_server):
    from planqa import ui
    from planqa.rag.service import Assistant

    settings, port = ui_server[1].settings, free_port()
    url = f"http://127.0.0.1:{port}/"
    demo = ui.launch(settings, host="127.0.0.1", port=port, assistant=Assistant(settings), block=False)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        open_app(pg, url)
        ask(pg, XINHE_Q)
        demo.close()
        demo = ui.launch(settings, host="127.0.0.1", port=port, assistant=Assistant(settings), block=False)
        open_app(pg, url)
        pg.wait_for_function("() => document.querySelectorAll('#pq-chat .message-row').length === 2")
        assert "46" in pg.locator("#pq-chat .message").last.inner_text()
    finally:
        context.close()
        demo.close()


def test_clearing_stays_cleared(page):
    ask(page, XINHE_Q)
    page.locator("#pq-chat button[aria-label='清空对话']").click()  # the chatbot's own trash icon
    page.wait_for_function("() => document.querySelectorAll('#pq-chat .message-row').length === 0")
    page.locator("#pq-sources").get_by_text("提问后").wait_for()
    ask(page, "海滨街道工业总产值2025年目标是多少？")
    assert len(messages(page)) == 2 and XINHE_Q not in page.inner_text("#pq-chat")
    assert "xinhe_street" not in page.inner_text("#pq-sources")
    page.click("#pq-clear")  # and the button below the chat
    page.wait_for_function("() => document.querySelectorAll('#pq-chat .message-row').length === 0")
    page.locator("#pq-sources").get_by_text("提问后").wait_for()
    page.reload()
    open_app(page, page.url)
    assert len(messages(page)) == 0 and "提问后" in page.inner_text("#pq-sources")


def test_a_second_question_sent_while_the_first_is_answered_is_kept(page):
    page.fill("#pq-question textarea", XINHE_Q)
    page.keyboard.press("Enter")
    # typed as soon as the first question has left the box, while its answer is still coming
    page.wait_for_function("() => document.querySelector('#pq-question textarea').value === ''")
    page.fill("#pq-question textarea", "那塘沽街道呢？")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#pq-chat .message-row').length === 4"
                           " && !document.querySelector('#pq-chat').innerText.includes('正在检索')", timeout=60_000)
    page.wait_for_timeout(500)
    texts = messages(page)
    assert "46" in texts[1] and "12.45" in texts[3]
