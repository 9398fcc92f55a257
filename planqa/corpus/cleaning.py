"""Find the lines of a document that are not content: web-page furniture and tables of contents.

Works line by line on the original text and only reports line numbers; it
never rewrites the text, so quotes and line numbers stay true to the source.
"""
from __future__ import annotations

import re

from planqa.corpus.text import halfwidth

_FURNITURE = [re.compile(p) for p in (
    r"^当前位置\s*[:：]",
    r"^(发布日期|发布时间|来源|信息来源|作者|浏览次数|点击数)\s*[:：].{0,60}$",
    r"^字号\s*[:：]?\s*([大中小]\s*){0,3}$",
    r"扫一扫在手机打开当前页",
    r"^[•·]?\s*(打印本页|关闭窗口|【?打印】?|【?关闭】?|分享到.*|返回顶部)$",
    r"^[（(]此件(主动|不予)?公开(发布)?[）)]$",
    r"^(网站地图|联系我们|版权所有.*|主办单位.*|ICP备.*|网站标识码.*)$",
)]
_LINK_LIST = re.compile(r"(网站|链接|导航)$")
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,3}(\s*页)?[-—–\s]*$")
_TOC_MARK = re.compile(r"^目\s*录$")
_DOT_LEADER = re.compile(r"(\.{3,}|…{2,}|·{3,}|\s{2,}|\t)\s*\d{1,3}\s*$")
_TRAILING_PAGE = re.compile(r"^(.*?\D)\s*\d{1,3}\s*$")


def is_furniture(line: str) -> bool:
    """True for web-page furniture lines (breadcrumbs, publish info, font-size, share links).

    >>> is_furniture("当前位置:新河街道> 政务公开"), is_furniture("  • 扫一扫在手机打开当前页")
    (True, True)
    >>> is_furniture("新河街道办事处全力推进民生工作。")
    False
    """
    s = halfwidth(line).strip().strip("•·").strip()
    if not s:
        return False
    if "发布日期" in s and "来源" in s:
        return True
    return any(p.search(s) for p in _FURNITURE)


def trailing_link_block(lines: list[str]) -> set[int]:
    """0-based indexes of a link list at the end of a page (全国各省市政府网站 / 重点链接 …)."""
    out: set[int] = set()
    i = len(lines) - 1
    while i >= 0 and not lines[i].strip():
        i -= 1
    block = []
    while i >= 0 and lines[i].strip() and len(lines[i].strip()) <= 20:
        block.append(i)
        i -= 1
    if block and sum(bool(_LINK_LIST.search(lines[j].strip())) for j in block) >= max(1, len(block) // 2):
        out.update(block)
    return out


def _strip_toc_number(s: str) -> str:
    m = _DOT_LEADER.search(s)
    if m:
        return s[: m.start()].strip().rstrip(".…·")
    m = _TRAILING_PAGE.match(s)
    return m.group(1).strip() if m else s


def toc_lines(lines: list[str], is_heading) -> set[int]:
    """0-based indexes of table-of-contents lines.

    A line is a TOC entry when it has a dot leader and page number, or when it is
    a heading followed by a page number whose text reappears later as a heading.
    A ``目录`` line and the entries right after it are TOC too.
    """
    last_seen = {re.sub(r"\s+", "", halfwidth(x)): i for i, x in enumerate(lines) if x.strip()}
    out: set[int] = set()
    for i, line in enumerate(lines):
        s = halfwidth(line).strip()
        if not s:
            continue
        if _TOC_MARK.match(re.sub(r"\s+", " ", s)):
            out.add(i)
            continue
        bare = _strip_toc_number(s)
        if bare == s or not bare:
            continue
        if _DOT_LEADER.search(s) and len(bare) <= 60:
            out.add(i)
            continue
        if is_heading(bare):
            key = re.sub(r"\s+", "", bare)
            if last_seen.get(key, -1) > i:
                out.add(i)
    return out


def excluded_lines(lines: list[str], is_heading, keep: set[int] = frozenset()) -> set[int]:
    """0-based indexes of every non-content line; ``keep`` (e.g. table lines) is never excluded."""
    out = {i for i, line in enumerate(lines) if is_furniture(line)}
    out |= trailing_link_block(lines)
    out |= toc_lines(lines, is_heading)
    out |= {i for i, line in enumerate(lines) if line.strip() and _PAGE_NUMBER.match(halfwidth(line).strip())}
    return out - set(keep)
