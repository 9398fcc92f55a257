"""Heading detection and the heading path of each line of a Chinese policy document.

Levels are not fixed per numbering style: the first style seen becomes the
outer level, as documents differ (一、 is a chapter in one plan, a sub-item in
another). Boxed items (专栏N / 表N) nest under the current section. An article
(第X条) or a note (注：) is a leaf: the numbered items inside it are its content.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from planqa.corpus.kinds import doc_number
from planqa.corpus.metadata import DATE_LINE, ORGAN
from planqa.corpus.text import halfwidth, squash

_CN = "一二三四五六七八九十百零〇两"
_STYLES: list[tuple[str, re.Pattern]] = [
    ("md", re.compile(r"^(#{1,6})\s+\S")),
    ("part", re.compile(rf"^第[{_CN}\d]+[编篇部分]+(\s|$)")),
    ("chapter", re.compile(rf"^第[{_CN}\d]+章")),
    ("section", re.compile(rf"^第[{_CN}\d]+节")),
    ("article", re.compile(rf"^第[{_CN}\d]+条(?=[\s\u3000]|$)")),
    ("note", re.compile(r"^(注|附注|备注|说明|注释)\s*[:：]")),
    ("cn", re.compile(rf"^[{_CN}]+、")),
    ("paren", re.compile(rf"^[（(][{_CN}]+[）)]")),
    ("arabic", re.compile(r"^\d{1,2}[.．、](?!\d)")),
    ("paren_arabic", re.compile(r"^[（(]\d{1,2}[）)]")),
    ("box", re.compile(r"^(专栏|表)\s*[0-9０-９一二三四五六七八九十]+(\s|[^\d]|$)")),
]
_LOOSE_STYLES = {"cn", "paren", "arabic", "paren_arabic"}  # also used as list numbering
LEAF_STYLES = {"article", "note"}  # their numbered lines are items, never sub-headings
_RUN_IN_MAX = 40
_INLINE_UNIT = re.compile(rf"(?<=[ \u3000])第[{_CN}\d]+[章节条](?=[ \u3000])")
_ITEM_END = re.compile(r"[；;]$")


@dataclass(frozen=True)
class Heading:
    style: str
    text: str  # the heading as shown, whitespace squashed, markdown markers removed
    run_in: bool = False  # heading is the first sentence of a paragraph that continues


def _clean(line: str) -> str:
    s = squash(line.replace("\u00a0", " "))
    return s.strip("*_ ").strip()


def detect_heading(line: str) -> Heading | None:
    """The heading on ``line``, or None.

    >>> detect_heading("第三章  着力打造现代产业体系").text
    '第三章 着力打造现代产业体系'
    >>> detect_heading("（一）经济发展质量和效益显著提高。累计完成投资…").run_in
    True
    >>> detect_heading("1.加强组织领导，完善工作机制，确保各项任务落实到位，形成工作合力，推动规划实施。") is None
    True
    """
    raw = line.strip()
    if not raw:
        return None
    s = _clean(raw)
    probe = halfwidth(s)  # same length as s: match on folded text, keep the original
    for style, pat in _STYLES:
        if not pat.match(probe):
            continue
        if style == "md":
            return Heading(f"md{len(s) - len(s.lstrip('#'))}", s.lstrip("#").strip())
        if style in LEAF_STYLES:  # 第七条　运营单位应当…: the label heads the article's own text
            label = pat.match(probe).group(0).rstrip(":： ")
            return Heading(style, label, run_in=len(s) > len(label) + 1)
        if style in _LOOSE_STYLES and _ITEM_END.search(probe):
            return None  # （一）在本市注册的独立法人；: a list item, not a heading
        end = min((probe.find(c) for c in "。;!?" if c in probe), default=-1)
        if end == -1:
            if len(s) > 60 or (style in _LOOSE_STYLES and len(s) > 40):
                return None
            return Heading(style, s.rstrip("：:"))
        head = s[:end]
        if end + 1 >= len(s):  # the whole line is one sentence
            if style in _LOOSE_STYLES and len(s) > 30:
                return None
            return Heading(style, head) if len(head) <= _RUN_IN_MAX else None
        if len(head) <= _RUN_IN_MAX and style in ("paren", "cn", "chapter", "section"):
            return Heading(style, head, run_in=True)
        return None
    return None


def is_heading(text: str) -> bool:
    return detect_heading(text) is not None


def unit_starts(line: str) -> list[int]:
    """Offsets in ``line`` where a chapter, section or article begins (several share a line in legal-database exports).

    >>> line = "第一章　总则　　第一条　为了规范管理，制定本办法。"
    >>> [line[i:i + 3] for i in unit_starts(line)]
    ['第一章', '第一条']
    >>> unit_starts("依照本办法第七条规定处理。"), unit_starts(""), unit_starts("一")
    ([0], [0], [0])
    """
    return [0] + [m.start() for m in _INLINE_UNIT.finditer(line) if line[:m.start()].strip()]


def is_item(line: str, heading: Heading | None, current: tuple[str, ...], after_colon: bool = False,
            next_line: str = "") -> bool:
    """A numbered line is a list item, not a heading: inside an article or a note, a whole sentence in
    a list that a colon opened (应当具备下列条件：), or a whole sentence followed straight by its next
    sibling (1.…（5分）。 2.…（5分）。: a heading has text of its own under it).

    >>> is_item("（一）在本市注册的独立法人。", detect_heading("（一）在本市注册的独立法人。"), ("chapter", "article"))
    True
    >>> is_item("（一）组织领导（15分）", detect_heading("（一）组织领导（15分）"), ("cn",), True)
    False
    >>> is_item("1.每年演练不少于2次（5分）。", detect_heading("1.每年演练不少于2次（5分）。"), ("cn",), False, "2.开展活动（5分）。")
    True
    """
    if heading is None or heading.style not in _LOOSE_STYLES:
        return False
    if current and current[-1] in LEAF_STYLES:
        return True
    sentence = halfwidth(line.strip()).endswith(("。", ";", "."))
    if sentence and after_colon and not heading.run_in:
        return True
    return sentence and not heading.run_in and (not next_line.strip() or bool(numbering_style(next_line)))


def numbering_style(line: str) -> str:
    """The numbering or heading style ``line`` starts with, whatever its length ("" for none).

    >>> numbering_style("3.生产经营单位主要负责人和安全管理人员培训率达到100%（5分）。"), numbering_style("正文")
    ('arabic', '')
    """
    probe = halfwidth(_clean(line))
    return next((style for style, pat in _STYLES if pat.match(probe)), "")


_FIELD = re.compile(r"^[\u4e00-\u9fa5]{2,6}\s*[:：]\s*\S")


def is_block_line(line: str) -> bool:
    """A title-block or signature line that stands alone: an organ's name, a date, a 文号, a 标签：值 field.

    >>> is_block_line("宜春市统计局　国家统计局宜春调查队"), is_block_line("（2023年3月28日）")
    (True, True)
    >>> is_block_line("发文字号：京政办发〔2023〕18号"), is_block_line("各区人民政府，市政府各委、办、局：")
    (True, False)
    >>> is_block_line("一、总体要求"), is_block_line("")
    (False, False)
    """
    s = halfwidth(line).replace("\u3000", " ").strip()
    if not s or len(s) > 60 or re.search(r"[。；，,;]", s):
        return False
    if DATE_LINE.match(s) or doc_number(s) or _FIELD.match(s):
        return True
    return all(ORGAN.fullmatch(w) or DATE_LINE.match(w) for w in s.split())


class HeadingTracker:
    """Keeps the current heading path as headings arrive in document order."""

    def __init__(self) -> None:
        self._stack: list[Heading] = []

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(h.text for h in self._stack)

    def push(self, heading: Heading) -> None:
        if heading.style != "note":  # a box's notes (注：) are its own; any other heading ends both
            self.close_note()
            self.close_box()
        styles = [h.style for h in self._stack]
        if heading.style in styles:
            del self._stack[styles.index(heading.style):]
        self._stack.append(heading)

    def close_box(self) -> None:
        """Leave a 专栏 box (its content ended) so following prose is back in its section."""
        if self._stack and self._stack[-1].style == "box":
            self._stack.pop()

    def close_note(self) -> None:
        """Leave a note (注：…) when prose resumes, and the box it annotated."""
        if self._stack and self._stack[-1].style == "note":
            self._stack.pop()
            self.close_box()

    def in_box(self) -> bool:
        return bool(self._stack) and self._stack[-1].style == "box"

    @property
    def styles(self) -> tuple[str, ...]:
        return tuple(h.style for h in self._stack)
