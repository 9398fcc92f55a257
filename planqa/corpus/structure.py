"""Heading detection and the heading path of each line of a Chinese policy document.

Levels are not fixed per numbering style: the first style seen becomes the
outer level, as documents differ (一、 is a chapter in one plan, a sub-item in
another). Boxed items (专栏N / 表N) nest under the current section.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from planqa.corpus.text import halfwidth, squash

_CN = "一二三四五六七八九十百零〇两"
_STYLES: list[tuple[str, re.Pattern]] = [
    ("md", re.compile(r"^(#{1,6})\s+\S")),
    ("part", re.compile(rf"^第[{_CN}\d]+[编篇部分]+(\s|$)")),
    ("chapter", re.compile(rf"^第[{_CN}\d]+章")),
    ("section", re.compile(rf"^第[{_CN}\d]+节")),
    ("cn", re.compile(rf"^[{_CN}]+、")),
    ("paren", re.compile(rf"^[（(][{_CN}]+[）)]")),
    ("arabic", re.compile(r"^\d{1,2}[.．、](?!\d)")),
    ("paren_arabic", re.compile(r"^[（(]\d{1,2}[）)]")),
    ("box", re.compile(r"^(专栏|表)\s*[0-9０-９一二三四五六七八九十]+(\s|[^\d]|$)")),
]
_LOOSE_STYLES = {"cn", "paren", "arabic", "paren_arabic"}  # also used as list numbering
_RUN_IN_MAX = 40


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


class HeadingTracker:
    """Keeps the current heading path as headings arrive in document order."""

    def __init__(self) -> None:
        self._stack: list[Heading] = []

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(h.text for h in self._stack)

    def push(self, heading: Heading) -> None:
        styles = [h.style for h in self._stack]
        if self._stack and self._stack[-1].style == "box":
            self._stack.pop()
            styles.pop()
        if heading.style in styles:
            del self._stack[styles.index(heading.style):]
        self._stack.append(heading)

    def close_box(self) -> None:
        """Leave a 专栏 box (its content ended) so following prose is back in its section."""
        if self._stack and self._stack[-1].style == "box":
            self._stack.pop()

    def in_box(self) -> bool:
        return bool(self._stack) and self._stack[-1].style == "box"
