"""Rendering for the 知识库 tab: the document table, a document's chunks, upload checks and ingest reports.

Split from ``ui_render`` for size; pure functions on strings, no gradio, no I/O.
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Iterable, Sequence

from planqa.corpus.loaders import SUPPORTED_SUFFIXES
from planqa.rag.serialize import lines_label
from planqa.ui_render import group_rows, heading_path, render_rows_table, short_place

KB_HEADERS = ["标题", "地区", "类型", "日期", "片段", "表格行", "文件"]
KB_COLUMN_WIDTHS = ["34%", "9%", "11%", "9%", "6%", "7%", "24%"]
KB_PHONE_WIDTH_PX = 760  # on a phone the table keeps this width and scrolls sideways


def kb_table_phone_css(elem_id: str = "pq-kb-table") -> str:
    """CSS giving the table's columns their shares of KB_PHONE_WIDTH_PX on a narrow screen.

    Gradio sizes the cells of its (virtual) table in pixels from the visible width, which on a
    phone leaves one character a line; the shares here override those inline widths.
    """
    rules = [f"#{elem_id} table {{ min-width: {KB_PHONE_WIDTH_PX}px; }}"]
    for i, w in enumerate(KB_COLUMN_WIDTHS, 1):
        rules.append(f"#{elem_id} .virtual-row > :nth-child({i}), #{elem_id} thead th:nth-child({i}) "
                     f"{{ width: {w} !important; flex: 0 0 {w} !important; min-width: 0 !important; }}")
    return "@media (max-width: 767px) {\n" + "\n".join("  " + r for r in rules) + "\n}\n"


# ---- knowledge base tab ---------------------------------------------------------------------
def kb_rows(records: Iterable, table_rows: dict[str, int] | None = None) -> list[list]:
    """Table rows (see KB_HEADERS) for ``DocRecord``-like objects; ``table_rows``: doc_id → rebuilt rows."""
    rows = []
    for r in sorted(records, key=lambda r: (r.meta.place, r.meta.date, r.source)):
        m = r.meta
        rows.append([m.title, short_place(m.place), m.doc_type, m.date, r.chunks,
                     (table_rows or {}).get(r.doc_id, 0), r.source])
    return rows


def render_doc_chunks(chunks: Sequence, limit: int = 400) -> str:
    """A document's chunks (kind text) and rebuilt table rows (kind table_row) as HTML."""
    if not chunks:
        return '<div class="pq-empty">这个文档没有片段。</div>'
    rows = [c for c in chunks if c.kind == "table_row"]
    texts = [c for c in chunks if c.kind != "table_row"]
    out = [f'<div class="pq-doc"><p class="pq-where">共 {len(texts)} 个正文片段、{len(rows)} 个重建的表格行。</p>']
    if rows:
        out.append("<h4>重建的指标表行</h4>")
        out += [render_rows_table(group) for group in group_rows([c.text for c in rows])]
    out.append("<h4>正文片段</h4>")
    for i, c in enumerate(texts[:limit], 1):
        out.append(f'<section class="pq-card"><div class="pq-where">#{i} · {lines_label(c.start_line, c.end_line)}'
                   f" · {html.escape(heading_path(c.headings)) or '（无标题）'}</div>"
                   f'<div class="pq-text">{html.escape(c.text)}</div></section>')
    if len(texts) > limit:
        out.append(f'<p class="pq-where">（其余 {len(texts) - limit} 个片段未显示）</p>')
    out.append("</div>")
    return "".join(out)


def safe_upload_name(name: str, taken: Iterable[str] = ()) -> str:
    """A file name safe to create in a fresh directory: basename only, no odd characters, unique.

    >>> safe_upload_name("../../etc/测试镇 规划(2021).TXT")
    '测试镇_规划_2021.txt'
    >>> safe_upload_name("..\\\\x.md", taken={"x.md"})
    'x_2.md'
    >>> safe_upload_name(".txt")
    'upload.txt'
    """
    base = re.split(r"[\\/]", name)[-1]
    m = re.search(r"\.[A-Za-z0-9]{1,10}$", base)
    suffix = m.group(0).lower() if m else ""
    stem = base[:m.start()] if m else base
    stem = re.sub(r"[^\w\u4e00-\u9fff.-]+", "_", stem).strip("._")[:80] or "upload"
    out, k, taken = f"{stem}{suffix}", 2, set(taken)
    while out in taken:
        out, k = f"{stem}_{k}{suffix}", k + 1
    return out


def check_uploads(files: Sequence[tuple[str, int]], max_mb: int, max_files: int,
                  suffixes: Sequence[str] = SUPPORTED_SUFFIXES) -> list[str]:
    """Reasons (in Chinese) why a batch of (name, size in bytes) uploads is refused; [] when fine."""
    problems = []
    if not files:
        return ["请先选择要上传的文件"]
    if len(files) > max_files:
        problems.append(f"一次最多上传 {max_files} 个文件（本次 {len(files)} 个）")
    for name, size in files:
        base = re.split(r"[\\/]", name)[-1]
        suffix = Path(base).suffix.lower()
        if suffix not in suffixes:
            problems.append(f"{base}：不支持的文件类型 {suffix or '（无扩展名）'}（支持 {' '.join(suffixes)}）")
        elif size > max_mb * 1024 * 1024:
            problems.append(f"{base}：文件过大（{size / 1048576:.1f} MB，上限 {max_mb} MB）")
        elif size == 0:
            problems.append(f"{base}：文件是空的")
    return problems


_TECH_DETAIL = re.compile(r"\s*[（(][^（()）\u4e00-\u9fff]*[)）]\s*$")


def user_reason(reason: str) -> str:
    """A skip reason without the parser's own words: the trailing Latin-only detail in brackets goes.

    The CLI keeps the detail (``planqa: bad.docx: 不是有效的 Word 文档 (BadZipFile: …)``);
    the page shows what a reader can act on.

    >>> user_reason("不是有效的 Word 文档 (BadZipFile: File is not a zip file)")
    '不是有效的 Word 文档'
    >>> user_reason("文件太大：25.0 MB，上限 20.0 MB (26214400 > 20971520 bytes)")
    '文件太大：25.0 MB，上限 20.0 MB'
    >>> user_reason("是二进制文件，不是文本")
    '是二进制文件，不是文本'
    """
    short = _TECH_DETAIL.sub("", reason)
    return short if re.search(r"[\u4e00-\u9fff]", short) else reason


def render_ingest_report(report, renamed: dict[str, str] | None = None, rejected: Sequence[str] = ()) -> str:
    """Markdown summary of an ``IngestReport``: what was added, replaced, unchanged, duplicate and skipped.

    ``rejected``: reasons for files refused before ingest (too big, empty, wrong type).
    """
    back = {v: k for k, v in (renamed or {}).items()}
    name = lambda s: back.get(s, s)  # noqa: E731 - show the user's own file name
    out = []
    if report.added:
        out.append("**已入库**：" + "、".join(name(s) for s in report.added))
    if report.replaced:
        out.append("**已更新**：" + "、".join(name(s) for s in report.replaced))
    if report.unchanged:
        out.append("**内容未变，未重复入库**：" + "、".join(name(s) for s in report.unchanged))
    for a, b in getattr(report, "duplicates", ()):
        out.append(f"**内容重复，未入库**：{name(a)} 与已入库的 {name(b)} 相同")
    for err in report.skipped:
        out.append(f"**未入库** {name(Path(err.path).name)}：{user_reason(err.reason)}")
    out += [f"**未入库** {user_reason(reason)}" for reason in rejected]
    out.append(f"知识库现有 {report.documents} 个文档、{report.chunks} 个片段。"
               + ("新文档已可提问。" if report.added or report.replaced else "知识库未改变。"))
    return "\n\n".join(out)
