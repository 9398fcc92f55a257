"""Constants and small page helpers shared by the UI tests."""
from __future__ import annotations

XINHE_Q = "新河街道“十四五”期间商品销售总额累计目标是多少？"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TEST_TOWN = """测试镇国民经济和社会发展第十四个五年规划纲要

第一章 发展目标

到2025年，测试镇绿化覆盖率达到45%，新建口袋公园12个。
测试镇将持续改善人居环境，建成生态宜居示范镇。
"""


def open_app(page, url: str) -> None:
    """Open the app and wait until the knowledge base and the saved conversation are loaded."""
    page.goto(url)
    page.wait_for_selector("#pq-question textarea")
    page.get_by_text("个文档").first.wait_for()  # the knowledge base status line, filled on load
    page.wait_for_timeout(500)


def ask(page, question: str, timeout: float = 30_000) -> None:
    """Type a question, send it, and wait until the answer (and its source panel) is rendered."""
    before = page.locator("#pq-chat .message-row").count()
    page.fill("#pq-question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "([n]) => document.querySelectorAll('#pq-chat .message-row').length >= n + 2"
        " && !document.querySelector('#pq-chat').innerText.includes('正在检索')", arg=[before], timeout=timeout)
    page.wait_for_timeout(300)


def last_answer(page) -> str:
    return page.locator("#pq-chat .message-row").last.inner_text()


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    page.wait_for_timeout(300)


def upload(page, path, timeout: float = 60_000) -> str:
    """Upload one file on the 知识库 tab and return the ingest report text."""
    page.locator("#pq-files input[type=file]").set_input_files(str(path))
    page.locator(f'#pq-files td.filename[aria-label="{path.name}"]').wait_for(timeout=timeout)
    old = page.inner_text("#pq-kb-report")
    page.click("#pq-upload")
    page.wait_for_function(
        "([old]) => { const t = document.querySelector('#pq-kb-report')?.innerText || '';"
        " return t !== old && /知识库现有|未入库|入库失败/.test(t) && !/%|\\d\\.\\ds/.test(t); }", arg=[old], timeout=timeout)
    return page.inner_text("#pq-kb-report")


# Latin text allowed on the page: code, file names, model and product names, metric names, markers
LATIN_OK = (r"planqa|API|BM25|top-k|MRR@10|hit@\d+|JSONL|jsonl|Markdown|Word|PDF|docx?|pdf|html?|txt|md|MB|"
            r"LLM|llm_base_url|PLANQA_\w+|id|question|answer|doc|evidence|type|README|p50|p95|JSON|json|"
            r"[\w.-]+\.(?:txt|md|docx|pdf|html|jsonl|json)|Gradio|gradio_client")
LABELS_JS = """() => {
  const out = [];
  const skip = (el) => el.closest('style, script, #pq-chat .message-row, #pq-sources .pq-card, #pq-viewer, code, pre, .pq-doc, table, .cm-editor');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) { const n = walker.currentNode, el = n.parentElement;
    if (!el || skip(el) || !n.textContent.trim()) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (el.closest('[hidden], .hidden') && !el.closest('.sr-only')) continue;
    out.push(n.textContent.trim()); }
  for (const el of document.querySelectorAll('[title], [aria-label], [placeholder]')) {
    if (skip(el)) continue;
    for (const a of ['title', 'aria-label', 'placeholder']) { const v = el.getAttribute(a); if (v && v.trim()) out.push(v.trim()); } }
  return out; }"""


def latin_labels(page) -> list[str]:
    """UI strings on the page with Latin words but no Chinese, beyond the allowed names (LATIN_OK)."""
    import re

    bad = []
    for text in page.evaluate(LABELS_JS):
        if re.search(r"[\u4e00-\u9fff]", text):
            continue
        rest = re.sub(LATIN_OK, "", text)
        if re.search(r"[A-Za-z]{2,}", rest):
            bad.append(text)
    return sorted(set(bad))
