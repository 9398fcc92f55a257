"""Pure rendering for the app: answers, cited sources, documents and exports as HTML/Markdown strings.

Works on the ``answer_to_json`` object (the same one the API returns), so the
chat view, the API and the export share one format. No gradio import, no I/O.
"""
from __future__ import annotations

import html
import re
from typing import Iterable, Sequence

from planqa.rag.serialize import lines_label

EXAMPLE_QUESTIONS = (
    "新河街道“十四五”期间商品销售总额累计目标是多少？",
    "海滨街道工业总产值2025年目标是多少？",
    "塘沽街道规划新增多少张养老床位？",
    "静海镇城乡居民可支配收入2025年预计达到多少？",
    "静海区2021年计划建设多少个5G基站？",
)
_PLACE_PART = re.compile(r".+?(?:自治区|特别行政区|省|自治州|市|新区|区|县|旗|街道|镇|乡)")
_MARK_GAP = r"(?:\s|\*\*|__)*"
_PLAN_TITLE = re.compile(r"国民经济和社会发展第([一二三四五六七八九十]+)个五年规划和二[〇零○]([一二三四五六七八九〇零○]{2})年远景目标纲要")

APP_CSS = """
#pq-new { align-self: flex-end; min-height: 42px; max-height: 48px; margin-bottom: 4px; }
#pq-question .input-container { position: relative; }
#pq-question textarea { padding-right: 88px; }
#pq-count { position: absolute; right: 12px; top: 50%; transform: translateY(-50%); font-size: 12px;
  color: var(--body-text-color-subdued); pointer-events: none; }
.gradio-container { max-width: 1360px !important; width: 100% !important; margin: 0 auto; }
html { scrollbar-gutter: stable; }
footer .divider { display: none !important; }
#pq-chat .message { font-size: 15px; line-height: 1.7; }
#pq-sources-col { position: sticky; top: 8px; }
/* on a phone the sources follow the question box, before examples and settings */
@media (max-width: 767px) {
  #pq-chat-row { flex-direction: column; flex-wrap: nowrap; }
  #pq-main-col { display: contents; }
  #pq-main-col > * { order: 2; width: 100%; }
  #pq-main-col > #pq-conv-row, #pq-main-col > #pq-chat, #pq-main-col > #pq-ask-row { order: 0; }
  #pq-sources-col { order: 1; position: static; width: 100%; }
  #pq-eval-charts .grid-container { --grid-cols: 1 !important; }  /* one chart a row, readable */
  #pq-eval-charts { height: auto !important; }
  #pq-eval-charts .grid-wrap { height: auto !important; max-height: none !important; }
}
"""
PANEL_CSS = """
.pq-sources { max-height: 640px; overflow-y: auto; display: flex; flex-direction: column; gap: 10px; }
.pq-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px;
  background: var(--background-fill-primary); }
.pq-card.pq-active { border-color: var(--color-accent); box-shadow: 0 0 0 2px var(--color-accent-soft); }
.pq-head { display: flex; gap: 8px; align-items: baseline; font-weight: 600; }
.pq-n { color: var(--color-accent); white-space: nowrap; }
.pq-title { font-size: 14px; flex: 1; }
.pq-path, .pq-where { color: var(--body-text-color-subdued); font-size: 12px; margin-top: 2px; }
.pq-text { margin-top: 6px; font-size: 14px; line-height: 1.75; white-space: pre-wrap; }
.pq-text mark, .pq-row tr.pq-hit td { background: #fde68a; color: #1f2937; }
.pq-row { border-collapse: collapse; margin-top: 6px; font-size: 13px; width: 100%; }
.pq-row caption { text-align: left; font-size: 12px; color: var(--body-text-color-subdued); padding-bottom: 2px; }
.pq-row th, .pq-row td { border: 1px solid var(--border-color-primary); padding: 3px 8px; text-align: left; }
.pq-row th { background: var(--background-fill-secondary); font-weight: 500; }
.pq-for { font-size: 13px; color: var(--body-text-color-subdued); padding: 0 2px; }
.pq-empty { color: var(--body-text-color-subdued); padding: 12px; font-size: 14px; }
.pq-refused { background: #fef3c7; color: #92400e; border-radius: 6px; padding: 8px 10px; font-size: 14px; }
.pq-doc { max-height: 720px; overflow-y: auto; padding-right: 6px; }
.pq-doc h4 { margin: 12px 0 4px; }
.pq-header h1 { font-size: 22px; margin: 4px 0 2px; }
.pq-header p { margin: 0; color: var(--body-text-color-subdued); font-size: 14px; }
"""


# ---- small labels ---------------------------------------------------------------------------
def short_place(place: str) -> str:
    """The most specific unit of a place name.

    >>> short_place("天津市滨海新区新河街道"), short_place("天津市静海区"), short_place("")
    ('新河街道', '静海区', '')
    """
    parts = _PLACE_PART.findall(place)
    return parts[-1] if parts else place


def doc_label(title: str, place: str = "", doc_type: str = "", period: str = "") -> str:
    """A short name for a document in menus: place, type and period when known, else the title.

    >>> doc_label("天津市静海区2021年政府工作报告", "天津市静海区", "政府工作报告", "2021年")
    '静海区 政府工作报告（2021年）'
    >>> doc_label("一份很长很长的文件标题" * 4)
    '一份很长很长的文件标题一份很长很长的文件标题一份很…'
    """
    if place and doc_type:
        return f"{short_place(place)} {doc_type}" + (f"（{period}）" if period else "")
    return title if len(title) <= 26 else title[:25] + "…"


def heading_path(headings: Sequence[str]) -> str:
    return " › ".join(h for h in headings if h)


def active_filters(docs=(), places=(), doc_types=()) -> str:
    """What the chat's filters restrict, in words ('' when nothing).

    >>> active_filters(["xinhe"], [], ["规划纲要"])
    '文档（1 个）、文件类型（规划纲要）'
    """
    parts = []
    if docs:
        parts.append(f"文档（{len(docs)} 个）")
    if places:
        parts.append(f"地区（{'、'.join(short_place(p) for p in places)}）")
    if doc_types:
        parts.append(f"文件类型（{'、'.join(doc_types)}）")
    return "、".join(parts)


def for_display(answer: dict | None) -> dict | None:
    """The answer with its citations numbered [1], [2] … in reading order; ``ref`` keeps each one's passage number.

    Answers cite passages by rank ([3] is the third passage); the page numbers them from 1.

    >>> a = for_display({"answer": "甲[3]。乙[5]。", "citations": [{"n": 3}, {"n": 5}]})
    >>> a["answer"], a["citations"]
    ('甲[1]。乙[2]。', [{'n': 1, 'ref': 3}, {'n': 2, 'ref': 5}])
    """
    cites = (answer or {}).get("citations", [])
    if not cites or any("ref" in c for c in cites):
        return answer
    order: list[int] = []
    for m in re.finditer(r"\[(\d+)\]", answer.get("answer", "")):
        if int(m.group(1)) in {c["n"] for c in cites} and int(m.group(1)) not in order:
            order.append(int(m.group(1)))
    order += [c["n"] for c in cites if c["n"] not in order]
    number = {n: i for i, n in enumerate(order, 1)}
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{number.get(int(m.group(1)), m.group(1))}]", answer.get("answer", ""))
    return {**answer, "answer": text, "citations": [{**c, "n": number[c["n"]], "ref": c["n"]} for c in cites]}


def marker_choices(answer: dict | None) -> list[tuple[str, str]]:
    """Radio choices for the cited passages of an answer: (label as numbered on the page, passage number).

    >>> marker_choices({"answer": "[3][1]", "citations": [{"n": 1}, {"n": 3}]})
    [('[1]', '[3]'), ('[2]', '[1]')]
    """
    shown = for_display(answer) or {}
    return sorted(((f"[{c['n']}]", f"[{c.get('ref', c['n'])}]") for c in shown.get("citations", [])),
                  key=lambda x: int(x[0][1:-1]))


def marker_number(label: str | None) -> int | None:
    """``"[3]"`` → 3; anything else → None."""
    m = re.fullmatch(r"\[(\d+)\]", (label or "").strip())
    return int(m.group(1)) if m else None


# ---- highlighting ---------------------------------------------------------------------------
def highlight(text: str, quote: str) -> str:
    """``text`` as HTML with ``quote`` wrapped in <mark>; whitespace and ** inside may differ.

    >>> highlight("第一句。目标 46 亿元。<b>", "目标46亿元。")
    '第一句。<mark>目标 46 亿元。</mark>&lt;b&gt;'
    >>> highlight("没有对应", "别的句子")
    '没有对应'
    """
    chars = [c for c in quote if not c.isspace()]
    if not chars:
        return html.escape(text)
    pattern = _MARK_GAP.join(re.escape(c) for c in chars)
    m = re.search(pattern, text)
    if not m:
        return html.escape(text)
    a, b = m.span()
    return f"{html.escape(text[:a])}<mark>{html.escape(text[a:b])}</mark>{html.escape(text[b:])}"


def split_row(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """A rendered table row → (labels, cells): labels are caption/category/name, cells (header, value).

    >>> split_row("专栏1｜商品销售总额累计（亿元）｜2020：7.5｜2025：46")
    (['专栏1', '商品销售总额累计（亿元）'], [('2020', '7.5'), ('2025', '46')])
    """
    labels, cells = [], []
    for part in text.split("｜"):
        if "：" in part:
            head, _, value = part.partition("：")
            cells.append((head, value))
        else:
            labels.append(part)
    return labels, cells


def render_row_table(text: str, marked: bool = True) -> str:
    """A table-row passage as a small HTML table (caption above, the row highlighted)."""
    return render_rows_table([text], marked)


def render_rows_table(texts: Sequence[str], marked: bool = False) -> str:
    """Rows of one indicator table (same caption and columns) as one HTML table."""
    parsed = [split_row(t) for t in texts]
    if not parsed or not all(cells for _, cells in parsed):
        return "".join(f'<div class="pq-text">{html.escape(t)}</div>' for t in texts)
    labels, cells = parsed[0]
    caption = " · ".join(labels[:-1])
    head = "".join(f"<th>{html.escape(h)}</th>" for h, _ in cells)
    cls = ' class="pq-hit"' if marked else ""
    body = "".join(f"<tr{cls}><td>{html.escape(lab[-1] if lab else '')}</td>"
                   + "".join(f"<td>{html.escape(v)}</td>" for _, v in cs) + "</tr>" for lab, cs in parsed)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<table class="pq-row">{cap}<thead><tr><th>指标</th>{head}</tr></thead><tbody>{body}</tbody></table>'


def group_rows(texts: Sequence[str]) -> list[list[str]]:
    """Consecutive table-row texts grouped by (caption, column headers).

    >>> group_rows(["表1｜甲｜2020：1", "表1｜乙｜2020：2", "表2｜丙｜2025：3"])
    [['表1｜甲｜2020：1', '表1｜乙｜2020：2'], ['表2｜丙｜2025：3']]
    """
    groups: list[list[str]] = []
    last = None
    for t in texts:
        labels, cells = split_row(t)
        key = (tuple(labels[:-1]), tuple(h for h, _ in cells))
        if groups and key == last:
            groups[-1].append(t)
        else:
            groups.append([t])
        last = key
    return groups


# ---- sources panel --------------------------------------------------------------------------
def _passage(answer: dict, n: int) -> dict:
    passages = answer.get("passages", []) + answer.get("context_passages", [])
    return passages[n - 1] if 0 < n <= len(passages) else {}


def render_source_card(citation: dict, passage: dict, active: bool = False) -> str:
    """One cited passage: number, title, heading path, file and lines, text with the quote marked."""
    label, n = citation["n"], citation.get("ref", citation["n"])
    kind = passage.get("kind", "text")
    text = passage.get("text", "")
    body = render_row_table(text) if kind == "table_row" else \
        f'<div class="pq-text">{highlight(text, citation.get("quote", ""))}</div>'
    path = heading_path(citation.get("headings", []))
    where = f'{html.escape(citation.get("source", ""))} · {lines_label(citation["start_line"], citation["end_line"])}'
    if kind == "table_row":
        where += " · 指标表"
    return (f'<section class="pq-card{" pq-active" if active else ""}" id="pq-src-{n}" data-n="{n}">'
            f'<div class="pq-head"><a class="pq-n pq-cite-link" href="#pq-cite-{n}" title="查看原文">[{label}]</a>'
            f'<span class="pq-title">{html.escape(citation.get("title", ""))}</span>'
            f'<a class="pq-open" href="#pq-cite-{n}">查看原文</a></div>'
            + (f'<div class="pq-path">{html.escape(path)}</div>' if path else "")
            + f'<div class="pq-where">{where}</div>{body}</section>')


def render_sources(answer: dict | None, active: int | None = None) -> str:
    """The source panel for one answer (or a hint when there is none yet)."""
    if not answer:
        return ('<div class="pq-sources pq-empty">提问后，这里显示回答所引用的原文段落：'
                "文件、章节、行号，并高亮被引用的句子。</div>")
    if answer.get("error"):
        return f'<div class="pq-sources pq-empty">{html.escape(answer["error"])}</div>'
    answer = for_display(answer)
    cites = sorted(answer.get("citations", []), key=lambda c: c["n"])
    if not cites:
        return _render_nearest(answer)
    refs = [c.get("ref", c["n"]) for c in cites]
    active = active if active in refs else refs[0]
    cards = "".join(render_source_card(c, _passage(answer, ref), ref == active) for c, ref in zip(cites, refs))
    return f'<div class="pq-sources">{_panel_question(answer)}{cards}</div>'


def asked_as(answer: dict) -> str:
    """The question answered when it differs from the one typed (a follow-up completed from the conversation)."""
    used = answer.get("question_used") or ""
    return used if used and used != answer.get("question") else ""


def _panel_question(answer: dict) -> str:
    """Which question the panel's sources belong to."""
    q = answer.get("question_used") or answer.get("question") or ""
    return f'<div class="pq-for">问题：{html.escape(q)}</div>' if q else ""


def _render_nearest(answer: dict) -> str:
    passages = answer.get("passages", [])[:3]
    if not passages:
        return (f'<div class="pq-sources">{_panel_question(answer)}<div class="pq-empty">没有检索到任何段落：'
                "知识库为空，或筛选条件排除了所有文档。</div></div>")
    items = "".join(
        f'<details><summary>{html.escape(" · ".join(x for x in (p["title"], heading_path(p["headings"])) if x))}'
        f' · {lines_label(p["start_line"], p["end_line"])}</summary>'
        f'<div class="pq-text">{html.escape(p["text"])}</div></details>' for p in passages)
    return (f'<div class="pq-sources">{_panel_question(answer)}<div class="pq-refused">文档中没有可引用的依据。'
            f"以下是最接近的检索结果，仅供参考：</div>{items}</div>")


# ---- chat messages and export ---------------------------------------------------------------
def short_title(title: str) -> str:
    """A document title with the standard five-year-plan wording abbreviated.

    >>> short_title("新河街道国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要")
    '新河街道“十四五”规划纲要'
    """
    return _PLAN_TITLE.sub(lambda m: f"“{m.group(1)}五”规划纲要", title)


def source_line(c: dict, compact: bool = False) -> str:
    """``[n] 标题 › 章节（文件，第x–y行）`` for one citation; compact: short title, last heading."""
    heads = c.get("headings", [])
    parts = (short_title(c.get("title", "")), *heads[-1:]) if compact else (c.get("title", ""), *heads)
    where = " › ".join(x for x in parts if x)
    return f"[{c['n']}] {where}（{c.get('source', '')}，{lines_label(c['start_line'], c['end_line'])}）"


def strip_paths(text: str) -> str:
    """A message without the server's file paths: each absolute path shortened to its file name.

    >>> strip_paths("/tmp/gradio/3f2a/q.jsonl:3: 缺少 question 字段")
    'q.jsonl:3: 缺少 question 字段'
    """
    return re.sub(r"(?<![\w.])/(?:[^\s/:：，。]+/)+([^\s/:：，。]+)", r"\1", text)


def md_literal(text: str) -> str:
    """``text`` shown as written in Markdown: HTML escaped, emphasis, code and link marks backslashed.

    Document text and questions are data: an ``<img>`` in a document must be
    shown, not fetched, ``*`` must not turn into italics, a line must not turn into
    a heading or a quote. Markers such as [1] stay as they are.

    >>> md_literal("<img src=x> 1*2 [1] [a](http://x) snake_case _x_")
    '&lt;img src=x&gt; 1\\\\*2 [1] [a]\\\\(http://x) snake_case \\\\_x\\\\_'
    >>> md_literal("# 标题")
    '\\\\# 标题'
    """
    text = html.escape(text, quote=False)
    text = re.sub(r"([\\`*~])", r"\\\1", text)
    text = re.sub(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])", r"\\_", text)  # snake_case stays; _x_ would be emphasis
    text = text.replace("](", "]\\(")
    text = re.sub(r"(?m)^(\s*)([#>+=|-]|\d+[.)])", r"\1\\\2", text)
    return text.replace("\n", "  \n")


def cite_links(markdown: str, refs: dict[int, int] | None = None) -> str:
    """Markers [n] as links the page opens in the document viewer (``#pq-cite-<passage number>``).

    >>> cite_links("目标46亿元[1]，[2]。", {1: 4})
    '目标46亿元[[1]](#pq-cite-4)，[[2]](#pq-cite-2)。'
    """
    refs = refs or {}
    return re.sub(r"(?<!\\)\[(\d{1,3})\](?!\()",
                  lambda m: f"[[{m.group(1)}]](#pq-cite-{refs.get(int(m.group(1)), m.group(1))})", markdown)


def render_chat_message(answer: dict) -> str:
    """The assistant's chat message: answer with [n] markers, notices, then a short source list.

    Every piece of text from documents, questions or errors is shown literally (``md_literal``),
    so the displayed answer is exactly the verified one.
    """
    if answer.get("error"):
        return f"**无法回答**：{md_literal(answer['error'])}"
    answer = for_display(answer)
    refs = {c["n"]: c.get("ref", c["n"]) for c in answer.get("citations", [])}
    out = []
    if asked_as(answer):
        out.append(f"> 按上文理解为：{md_literal(asked_as(answer))}")
    if answer.get("refused"):
        out.append("**未找到依据**")
    out.append(cite_links(md_literal(answer.get("answer", "")), refs))
    out += [f"> 提示：{md_literal(note)}" for note in answer.get("notices", [])]
    cites = answer.get("citations", [])
    if cites:
        out.append("**来源**\n\n" + "\n".join(f"- {cite_links(md_literal(source_line(c, compact=True)), refs)}"
                                                for c in sorted(cites, key=lambda c: c["n"])))
    return "\n\n".join(out)


def chat_messages(turns: Iterable[dict]) -> list[dict]:
    """Chatbot messages (role/content dicts) for the conversation so far."""
    msgs = []
    for t in turns:
        msgs.append({"role": "user", "content": md_literal(t.get("question", ""))})
        msgs.append({"role": "assistant", "content": render_chat_message(t)})
    return msgs


def conversation_markdown(turns: Sequence[dict], when: str = "") -> str:
    """The whole conversation as a Markdown document with numbered sources and quotes."""
    out = ["# planqa 问答记录", ""]
    if when:
        out += [f"导出时间：{when}", ""]
    for i, t in enumerate(turns, 1):
        t = for_display(t)
        out += [f"## 问题 {i}：{t.get('question', '')}", ""]
        if asked_as(t):
            out += [f"按上文理解为：{asked_as(t)}", ""]
        if t.get("error"):
            out += [f"无法回答：{t['error']}", ""]
            continue
        out += [t.get("answer", ""), ""]
        out += [f"> 提示：{note}" for note in t.get("notices", [])]
        if t.get("notices"):
            out.append("")
        if t.get("citations"):
            out += ["**来源**", ""]
            for c in sorted(t["citations"], key=lambda c: c["n"]):
                out += [f"- {source_line(c)}", f"  > “{c.get('quote', '')}”"]
            out.append("")
    return "\n".join(out).rstrip() + "\n"
