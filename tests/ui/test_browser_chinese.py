"""Every tab in Chinese, at desktop and phone width: no Latin-only label outside code, file and model names.

Also saves the screenshots the README shows (test-artifacts/screens/, copied to docs/).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.helpers import XINHE_Q, ask, latin_labels, open_app, open_tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TABS = {"问答": "chat", "知识库": "kb", "评测": "eval", "简报": "brief"}


def screenshot(page, path: Path, most: int = 2000) -> None:
    """The page from its top, at most ``most`` CSS pixels tall (a briefing runs far longer)."""
    height = page.evaluate("() => document.documentElement.scrollHeight")
    page.screenshot(path=str(path), full_page=True,
                    clip={"x": 0, "y": 0, "width": page.viewport_size["width"], "height": min(height, most)})


def sample_questions(folder: Path) -> Path:
    """Two questions of each type from the bundled dev set, as an uploaded question file."""
    from planqa.eval.questions import QUESTION_TYPES

    lines = (Path(__file__).parents[2] / "planqa/eval/data/questions.jsonl").read_text(encoding="utf-8").splitlines()
    picked = [[line for line in lines if f'"type": "{t}"' in line][:2] for t in QUESTION_TYPES]
    path = folder / "sample.jsonl"
    path.write_text("\n".join(line for group in picked for line in group) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("width, name", [(1440, "desktop"), (390, "phone")])
def test_every_tab_is_in_chinese(browser, ui_server, artifacts, tmp_path, width, name):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN",
                                  device_scale_factor=1 if width > 500 else 2)
    page = context.new_page()
    page.set_default_timeout(30_000)
    shots = artifacts / "screens"
    shots.mkdir(exist_ok=True)
    try:
        open_app(page, ui_server[0])
        ask(page, XINHE_Q)
        ask(page, "那塘沽街道呢？")
        page.get_by_text("筛选与设置").click()
        page.get_by_text("管理当前对话").click()
        page.wait_for_timeout(500)
        found = {"问答": latin_labels(page)}
        page.get_by_text("筛选与设置").click()
        page.get_by_text("管理当前对话").click()
        screenshot(page, shots / f"chat-{name}.png")
        if width < 500:  # on a phone the sources come right after the question box, before the settings
            tops = [page.locator(s).bounding_box()["y"] for s in ("#pq-question", "#pq-sources", "#pq-clear")]
            assert tops == sorted(tops)
        page.locator("#pq-chat a[href='#pq-cite-1']").last.click()
        page.locator("#pq-viewer .pq-cited").first.wait_for()
        page.wait_for_timeout(300)
        top = page.evaluate("() => document.querySelector('#pq-right').getBoundingClientRect().top")
        assert 0 <= top < page.viewport_size["height"] / 2  # the opened document is in sight
        found["原文"] = latin_labels(page)
        page.screenshot(path=str(shots / f"viewer-{name}.png"), full_page=width < 500)
        for tab in ("知识库", "评测", "简报"):
            open_tab(page, tab)
            page.wait_for_timeout(500)
            if tab == "评测":  # a small question file, so the charts and worst questions are on the page
                page.locator("#pq-eval-file input[type=file]").set_input_files(str(sample_questions(tmp_path)))
                # the name is two spans (stem, extension), so it is found by its label, not its text
                page.locator('#pq-eval-file td.filename[aria-label="sample.jsonl"]').wait_for(timeout=60_000)
                page.get_by_role("button", name="开始评测").click()
                page.locator("#pq-eval-charts img").first.wait_for(timeout=120_000)
                page.wait_for_timeout(1000)
            if tab == "简报":
                page.get_by_label("主题或指标").fill("养老服务")
                page.get_by_role("button", name="生成简报").click()
                page.locator("#pq-brief").get_by_text("各地对比").wait_for(timeout=60_000)
            found[tab] = latin_labels(page)
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width, tab  # no sideways scrolling
            if tab == "知识库" and width < 500:  # the document table scrolls inside its box, cells stay readable
                cells = page.eval_on_selector_all("#pq-kb-table .virtual-row > *", "cs => cs.map(c => c.offsetWidth)")
                assert cells and min(cells) >= 40
            screenshot(page, shots / f"{TABS[tab]}-{name}.png")
    finally:
        context.close()
    bad = {tab: bad for tab, bad in found.items() if bad}
    assert bad == {}, repr(bad)


def test_a_warning_has_a_chinese_title(page):
    page.fill("#pq-question textarea", "   ")
    page.keyboard.press("Enter")
    toast = page.locator(".toast-body, [data-testid='toast-body']").first
    toast.wait_for()
    text = toast.inner_text()
    title = text.split("\n")[0]
    assert "问题是空的" in text and "Warning" not in text and title.strip() == "无法提问"
    assert "【" not in text  # the title went into the heading


def test_the_footer_has_no_stray_separator_and_tabs_keep_the_page_width(page):
    assert page.locator("footer").inner_text().strip() == "通过 API 使用"
    widths = set()
    for tab in TABS:
        open_tab(page, tab)
        widths.add(round(page.evaluate("() => document.querySelector('.gradio-container').getBoundingClientRect().width")))
    assert len(widths) == 1
