"""Markdown and DOCX renderings of briefings and comparisons; every statement keeps its footnote.

Both writers render one outline (headings, paragraphs, list items, a table),
whose text segments are strings or footnote numbers. Footnotes are numbered in
order of first use and shared when two statements cite the same lines with the
same quote. The DOCX (``briefing_docx``) turns each footnote number into a real
Word footnote; Markdown keeps ``[^n]`` footnotes.
"""
from __future__ import annotations

import re

from planqa.rag.citations import MARKER_RE
from planqa.rag.facts import Fact

Segs = list  # list[str | int]: text, or a footnote number
_SECTIONS = (("目标", ("indicator", "target")), ("举措", ("measure",)), ("项目", ("project",)),
             ("现状基础（规划前已有工作）", ("baseline",)))
_CN_NUM = "一二三四五六七八九十"


class Notes:
    """Footnotes in order of first use; the same citation gets the same number."""

    def __init__(self):
        self.texts: list[str] = []
        self._ids: dict[tuple, int] = {}

    def ref(self, cited: dict) -> int:
        key = (cited["source"], cited["start_line"], cited["end_line"], cited["quote"])
        if key not in self._ids:
            self.texts.append(note_text(cited))
            self._ids[key] = len(self.texts)
        return self._ids[key]


def note_text(c: dict) -> str:
    """《title》 › heading path，第x–y行：“quote”.

    >>> note_text({"title": "T", "headings": ["第一章", "第二节"], "start_line": 5, "end_line": 5, "quote": "句子。"})
    '《T》 › 第一章 › 第二节，第5行：“句子。”'
    """
    where = "".join(f" › {h}" for h in c.get("headings") or [])
    a, b = c["start_line"], c["end_line"]
    lines = f"第{a}行" if a == b else f"第{a}–{b}行"
    if c.get("header_lines"):
        h0, h1 = c["header_lines"]
        lines += f"（表头第{h0}行）" if h0 == h1 else f"（表头第{h0}–{h1}行）"
    return f"《{c['title']}》{where}，{lines}：“{c['quote']}”"


def display(text: str) -> str:
    """A fact's text as a list item: a trailing ；/， becomes 。 (the quote in the footnote stays verbatim)."""
    t = " ".join(text.split())
    return t[:-1] + "。" if t and t[-1] in "；;，,：:" else t


def _fact_segs(f: Fact, notes: Notes, lead: str = "") -> Segs:
    return [lead + display(f.text), notes.ref(f.cited())]


# ---- outline of a briefing -----------------------------------------------------------------
def _overview(b, notes: Notes) -> list[tuple]:
    lines = b.overview.split("\n")
    out = []
    for i, line in enumerate(lines):
        segs: Segs = []
        pos = 0
        for m in MARKER_RE.finditer(line):
            segs.append(line[pos:m.start()])
            n = int(m.group(1))
            if 1 <= n <= len(b.overview_facts):
                segs.append(notes.ref(b.overview_facts[n - 1].cited()))
            pos = m.end()
        segs.append(line[pos:])
        out.append(("p" if i == 0 or b.overview_by == "llm" else "li", [s for s in segs if s != ""]))
    return out


def _table_blocks(b, notes: Notes) -> list[tuple]:
    header = ["地区", *b.table.columns]
    rows = []
    for place in b.places:
        cells = b.table.rows.get(place) or [None] * len(b.table.columns)
        rows.append([[place]] + [_fact_segs(c, notes) if c else ["未提及"] for c in cells])
    return [("table", header, rows),
            ("p", ["注：“未提及”指该地文件中未检索到与该项相关的表述；单元格为原文摘句，出处见注释。"])]


def _place_blocks(b, place: str, notes: Notes) -> list[tuple]:
    out: list[tuple] = [("h3", place)]
    sources = "；".join(f"《{b.titles[d]}》（{b.sources[d]}）" for d in b.docs_by_place[place])
    out.append(("p", [f"来源：{sources}"]))
    facts = b.facts_by_place[place]
    if not facts:
        out.append(("p", [f"文件中未提及“{b.topic}”。"]))
        return out
    for label, kinds in _SECTIONS:
        mine = [f for f in facts if f.kind in kinds]
        if mine:
            out.append(("label", label))
            out.extend(("li", _fact_segs(f, notes, "【指标表】" if f.kind == "indicator" else "")) for f in mine)
    if b.omitted.get(place):
        out.append(("p", [f"（另有{b.omitted[place]}条相关表述未列出：顺带提及，或超出每类条数上限。）"]))
    return out


def outline(b) -> tuple[list[tuple], Notes]:
    """The briefing as blocks: ("title"|"h2"|"h3"|"label", text), ("p"|"li", segs), ("table", header, rows)."""
    notes = Notes()
    n_docs = sum(len(v) for v in b.docs_by_place.values())
    blocks: list[tuple] = [("title", f"“{b.topic}”政策简报")]
    how = "概述由大模型依据下列摘句撰写并经引用核验" if b.overview_by == "llm" else "抽取式"
    blocks.append(("p", [f"检索范围：{n_docs}份文件（{'、'.join(b.places)}）；检索词：{'、'.join(b.terms[:12])}"
                         f"{'等' if len(b.terms) > 12 else ''}；生成方式：{how}，正文摘句均引自原文，出处与行号见注释。"]))
    if not b.found:
        blocks.append(("h2", "一、检索结果"))
        blocks.append(("p", [b.overview]))
        blocks += [("li", [f"{p}：未提及"]) for p in b.places]
        blocks += [("li", [f"{u}：知识库中没有该地的文件"]) for u in b.unknown_places]
        return blocks, notes
    sections = [("总体情况", _overview(b, notes)), ("各地对比", _table_blocks(b, notes)),
                ("分地区要点", [x for p in b.places for x in _place_blocks(b, p, notes)])]
    if b.notices:
        sections.append(("说明", [("li", [n]) for n in b.notices]))
    for i, (name, body) in enumerate(sections):
        blocks.append(("h2", f"{_CN_NUM[i]}、{name}"))
        blocks.extend(body)
    return blocks, notes


# ---- writers --------------------------------------------------------------------------------
def _md_segs(segs: Segs) -> str:
    return "".join(f"[^{s}]" if isinstance(s, int) else s for s in segs)


def _md_cell(segs: Segs) -> str:
    return re.sub(r"\s+", " ", _md_segs(segs)).replace("|", "｜")


def to_markdown(blocks: list[tuple], notes: Notes) -> str:
    out: list[str] = []
    for block in blocks:
        kind = block[0]
        if kind == "table":
            _, header, rows = block
            out += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            out.append("")
        elif kind == "li":
            out.append(f"- {_md_segs(block[1])}")
        else:
            prefix = {"title": "# ", "h2": "## ", "h3": "### ", "label": "**"}.get(kind, "")
            text = block[1] if isinstance(block[1], str) else _md_segs(block[1])
            if out and out[-1].startswith("- ") and kind != "li":
                out.append("")
            out += [prefix + text + ("**" if kind == "label" else ""), ""]
    if notes.texts:
        out += ["", "## 注释", ""] + [f"[^{i}]: {t}" for i, t in enumerate(notes.texts, 1)]
    return "\n".join(out).rstrip() + "\n"


def briefing_markdown(b) -> str:
    """Title, overview, comparison table, per-place 目标/举措/项目, and footnotes ``[^n]: 《title》 › …``."""
    return to_markdown(*outline(b))


def briefing_docx(b, path, when=None) -> None:
    """Write the briefing as a .docx laid out like a 公文, every citation a Word footnote (``briefing_docx``)."""
    from planqa.rag.briefing_docx import write_docx

    blocks, notes = outline(b)
    write_docx(blocks, notes.texts, path, title=b.topic, when=when)


# ---- comparison -----------------------------------------------------------------------------
_STATUS = {"未提及": "未提及", "未核实": "未核实（数字与所引原文不符，已隐去）", "无文件": "知识库中没有该地的文件"}


def compare_outline(rows: list[dict], subject: str = "") -> tuple[list[tuple], Notes]:
    """The rows of ``compare`` as outline blocks: a title and a table (地区 | 指标 | 数值或表述 | 出处)."""
    notes = Notes()
    header = ["地区", "指标", "数值或表述", "出处"]
    body = []
    for r in rows:
        c = r.get("cited")
        if r.get("status") == "found" and c:
            lines = f"第{c['start_line']}行" if c["start_line"] == c["end_line"] else \
                f"第{c['start_line']}–{c['end_line']}行"
            body.append([[r["place"]], [r.get("indicator") or "—"], [r["value"], notes.ref(c)],
                         [f"{r['source']} {lines}"]])
        else:
            body.append([[r["place"]], ["—"], [_STATUS.get(r.get("status", ""), "未提及")], [r.get("source") or "—"]])
    title = f"“{subject}”各地比较" if subject else "各地比较"
    return [("title", title), ("table", header, body)], notes


def compare_markdown(rows: list[dict], subject: str = "") -> str:
    """A table of the rows of ``compare`` (地区 | 指标 | 数值或表述 | 出处) with footnoted quotes."""
    return to_markdown(*compare_outline(rows, subject))
