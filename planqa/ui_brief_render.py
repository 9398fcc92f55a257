"""The 简报 tab's preview: a briefing or comparison outline as HTML with linked footnotes.

Gradio's Markdown shows ``[^1]`` literally and runs the notes together, so the
preview is rendered here from the same outline the .md and .docx are written
from: markers become superscript links (hover shows the source), notes an ordered
list with a way back, and the table sits in a horizontal scroll box so a phone
never squeezes a cell to one character a line. Pure strings, no gradio.
"""
from __future__ import annotations

import html

BRIEF_CSS = """
.pq-brief { font-size: 15px; line-height: 1.8; max-width: 100%; }
.pq-brief h2 { font-size: 21px; text-align: center; margin: 8px 0 12px; }
.pq-brief h3 { font-size: 17px; margin: 18px 0 6px; }
.pq-brief h4 { font-size: 15px; margin: 14px 0 4px; }
.pq-brief p { margin: 4px 0; }
.pq-brief ul { margin: 4px 0 8px; padding-left: 1.4em; }
.pq-brief sup.pq-fn a { color: var(--color-accent); text-decoration: none; font-size: 12px; padding: 0 1px; }
.pq-table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; max-width: 100%; margin: 8px 0; }
.pq-brief table { border-collapse: collapse; font-size: 14px; min-width: 100%; }
.pq-brief th, .pq-brief td { border: 1px solid var(--border-color-primary); padding: 6px 8px;
  text-align: left; vertical-align: top; min-width: 9em; }
.pq-brief th:first-child, .pq-brief td:first-child { min-width: 5.5em; white-space: nowrap; }
.pq-brief th { background: var(--background-fill-secondary); font-weight: 600; }
.pq-notes { margin-top: 18px; border-top: 1px solid var(--border-color-primary); padding-top: 8px;
  font-size: 13px; color: var(--body-text-color-subdued); }
.pq-notes ol { padding-left: 2.2em; margin: 4px 0; }
.pq-notes li { margin: 3px 0; word-break: break-all; }
.pq-notes li:target { background: #fde68a; color: #1f2937; }
.pq-notes a.pq-back { text-decoration: none; margin-left: 4px; }
"""


def _segs(segs, notes: list[str], seen: dict[int, int]) -> str:
    out = []
    for s in segs:
        if isinstance(s, int):
            seen[s] = seen.get(s, 0) + 1
            tip = html.escape(notes[s - 1]) if 0 < s <= len(notes) else ""
            anchor = f' id="pq-fnref-{s}"' if seen[s] == 1 else ""
            out.append(f'<sup class="pq-fn"><a href="#pq-fn-{s}"{anchor} title="{tip}">[{s}]</a></sup>')
        else:
            out.append(html.escape(s))
    return "".join(out)


def _table(header, rows, notes, seen) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_segs(cell, notes, seen)}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<div class="pq-table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def outline_html(blocks: list[tuple], notes: list[str]) -> str:
    """Outline blocks (see ``briefing_render.outline``) and note texts as one HTML fragment.

    >>> outline_html([("title", "T"), ("li", ["甲<b>", 1]), ("li", ["乙"])], ["《A》，第1行"])[:123]
    '<div class="pq-brief"><h2>T</h2><ul><li>甲&lt;b&gt;<sup class="pq-fn"><a href="#pq-fn-1" id="pq-fnref-1" title="《A》，第1行">[1]'
    """
    out, seen, in_list = ['<div class="pq-brief">'], {}, False
    for block in blocks:
        kind = block[0]
        if in_list and kind != "li":
            out.append("</ul>")
            in_list = False
        if kind == "li":
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{_segs(block[1], notes, seen)}</li>")
        elif kind == "table":
            out.append(_table(block[1], block[2], notes, seen))
        elif kind == "p":
            out.append(f"<p>{_segs(block[1], notes, seen)}</p>")
        else:
            tag = {"title": "h2", "h2": "h3", "h3": "h4"}.get(kind)
            text = html.escape(block[1])
            out.append(f"<{tag}>{text}</{tag}>" if tag else f"<p><strong>{text}</strong></p>")
    if in_list:
        out.append("</ul>")
    if notes:
        items = "".join(f'<li id="pq-fn-{i}">{html.escape(t)}'
                        + (f' <a class="pq-back" href="#pq-fnref-{i}" title="回到正文">↩</a>' if i in seen else "")
                        + "</li>" for i, t in enumerate(notes, 1))
        out.append(f'<section class="pq-notes"><h3>注释</h3><ol>{items}</ol></section>')
    out.append("</div>")
    return "".join(out)


def empty_preview() -> str:
    return ('<div class="pq-brief pq-empty">输入主题后点“生成简报”，或输入指标点“指标对比表”；'
            "预览显示在这里，文件在下方下载。</div>")
