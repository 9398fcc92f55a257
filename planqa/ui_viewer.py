"""The document viewer's HTML: a cited document with line numbers, the cited lines and the quote marked.

Split from ``ui_render`` for size; pure functions on strings, no gradio. Document text
is always escaped, so HTML inside a document is shown as text.
"""
from __future__ import annotations

import html
import re
from typing import Sequence

from planqa.rag.serialize import lines_label
from planqa.ui_render import heading_path, highlight

VIEWER_CSS = """
.pq-viewer .pq-vhead { font-weight: 600; font-size: 14px; }
.pq-lines { max-height: 560px; overflow-y: auto; margin-top: 8px; border: 1px solid var(--border-color-primary);
  border-radius: 6px; font-size: 13px; line-height: 1.7; background: var(--background-fill-primary); }
.pq-line { display: flex; gap: 10px; padding: 0 8px; }
.pq-line.pq-cited { background: #fef9c3; }
.pq-ln { color: var(--body-text-color-subdued); min-width: 3.2em; text-align: right; user-select: none; }
.pq-lt { white-space: pre-wrap; word-break: break-all; flex: 1; }
.pq-lt mark { background: #fde68a; color: #1f2937; }
.pq-cite-link, .pq-open { color: var(--color-accent); cursor: pointer; text-decoration: none; }
.pq-open { font-size: 12px; font-weight: 400; margin-left: auto; white-space: nowrap; }
"""
_MARK = re.compile(r"</?mark>")


def mark_lines(lines: Sequence[str], quote: str) -> list[str]:
    """HTML for each line of a cited block, the quote marked even where it runs over several lines.

    >>> mark_lines(["第一句。目标", "46 亿元。下一句"], "目标46亿元。")
    ['第一句。<mark>目标</mark>', '<mark>46 亿元。</mark>下一句']
    >>> mark_lines(["<b>"], "")
    ['&lt;b&gt;']
    """
    marked = highlight("\n".join(lines), quote).split("\n")
    out, open_mark = [], False
    for line in marked:
        text = ("<mark>" + line) if open_mark else line
        for tag in _MARK.findall(line):
            open_mark = tag == "<mark>"
        out.append(text + ("</mark>" if open_mark else ""))
    return [s.replace("<mark></mark>", "") for s in out]


def render_viewer(text: str, citation: dict, question: str = "", missing: str = "") -> str:
    """The whole document, numbered line by line, the cited lines shaded and the quote marked.

    ``missing``: why the document cannot be shown (removed since); the quote is shown instead.
    """
    n, start, end = citation.get("n"), int(citation.get("start_line", 1)), int(citation.get("end_line", 1))
    path = heading_path(citation.get("headings", []))
    head = (f'<div class="pq-vhead"><span class="pq-n">[{n}]</span> {html.escape(citation.get("title", ""))}</div>'
            + (f'<div class="pq-path">{html.escape(path)}</div>' if path else "")
            + f'<div class="pq-where">{html.escape(citation.get("source", ""))} · {lines_label(start, end)}</div>'
            + (f'<div class="pq-for">问题：{html.escape(question)}</div>' if question else ""))
    if missing:
        return (f'<div class="pq-viewer">{head}<div class="pq-refused">{html.escape(missing)}</div>'
                f'<div class="pq-text"><mark>{html.escape(citation.get("quote", ""))}</mark></div></div>')
    lines = text.split("\n")
    start, end = max(1, min(start, len(lines))), max(1, min(max(end, start), len(lines)))
    cited = mark_lines(lines[start - 1:end], citation.get("quote", ""))
    rows = []
    for i, line in enumerate(lines, 1):
        inside = start <= i <= end
        body = cited[i - start] if inside else html.escape(line)
        rows.append(f'<div class="pq-line{" pq-cited" if inside else ""}" data-line="{i}">'
                    f'<span class="pq-ln">{i}</span><span class="pq-lt">{body or "&#8203;"}</span></div>')
    return f'<div class="pq-viewer">{head}<div class="pq-lines" id="pq-lines">{"".join(rows)}</div></div>'


def render_viewer_empty() -> str:
    return '<div class="pq-empty">点击回答或引用来源中的编号 [n]，这里显示该文件的原文，定位并高亮被引用的句子。</div>'
