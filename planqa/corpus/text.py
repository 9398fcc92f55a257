"""Pure string helpers for Chinese text: width folding, numerals, sentence spans.

Normalisation here is for matching only; quoted text always comes from the
original document.
"""
from __future__ import annotations

import re

_FW_TABLE = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FW_TABLE[0x3000] = 0x20

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}

SENTENCE_END = "。！？；!?;…"
_CLOSERS = "”’」』）)】》\"'"


def halfwidth(text: str) -> str:
    """Fold full-width ASCII and the ideographic space to half-width.

    >>> halfwidth("２０２５年ＧＤＰ　增长")
    '2025年GDP 增长'
    """
    return text.translate(_FW_TABLE)


def cn_year_to_digits(text: str) -> str:
    """Rewrite digit-by-digit Chinese years (二〇三五, 二〇二一年) as Arabic digits.

    >>> cn_year_to_digits("二〇三五年远景目标")
    '2035年远景目标'
    """
    return re.sub(r"[〇零○一二三四五六七八九]{4}(?=年)|[二][〇○][〇○一二三四五六七八九]{2}",
                  lambda m: "".join(str(_CN_DIGITS[c]) for c in m.group(0)), text)


def cn_number(text: str) -> int | None:
    """Value of a small Chinese numeral (up to 9999), or None.

    >>> cn_number("十四"), cn_number("二十"), cn_number("一百零五"), cn_number("7")
    (14, 20, 105, 7)
    """
    if not text:
        return None
    if text.isdigit():
        return int(halfwidth(text))
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def normalize(text: str) -> str:
    """Matching form: half-width, Chinese years as digits, no whitespace, lower case.

    >>> normalize("“十四五”时期 二〇三五年 ＧＤＰ")
    '“十四五”时期2035年gdp'
    """
    text = cn_year_to_digits(halfwidth(text))
    return re.sub(r"\s+", "", text).lower()


def sentence_spans(text: str, start: int = 0, end: int | None = None,
                   joins: frozenset[int] | set[int] = frozenset()) -> list[tuple[int, int]]:
    """Spans of sentences in ``text[start:end]``, cut after 。！？；… and at line breaks.

    Closing quotes/brackets after the end mark stay with their sentence;
    whitespace between sentences belongs to neither. A line break whose offset
    is in ``joins`` (a hard wrap, see ``soft_breaks``) does not end a sentence.

    >>> t = "目标明确。任务“很重”！其余"
    >>> [t[a:b] for a, b in sentence_spans(t)]
    ['目标明确。', '任务“很重”！', '其余']
    >>> t = "全年实现地区生产总值186.4亿元，同比\\n增长3.6%。"
    >>> [t[a:b] for a, b in sentence_spans(t, joins={t.index("\\n")})]
    ['全年实现地区生产总值186.4亿元，同比\\n增长3.6%。']
    >>> sentence_spans("")
    []
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    i = start
    while i < end:
        while i < end and text[i].isspace():
            i += 1
        if i >= end:
            break
        j = i
        while j < end and (text[j] != "\n" or j in joins):
            if text[j] in SENTENCE_END:
                j += 1
                while j < end and (text[j] in SENTENCE_END or text[j] in _CLOSERS):
                    j += 1
                break
            j += 1
        k = j
        while k > i and text[k - 1].isspace():
            k -= 1
        spans.append((i, k))
        i = j
    return spans


_WRAP_END = set(SENTENCE_END) | set(_CLOSERS) | set("：:")
_ITEM_START = re.compile(r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[章节篇]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|"
                         r"\d+[.、．]|——|[-*#|>•·]|专栏|表\s*\d)")
WRAP_MIN = 20  # a line this long that stops mid-sentence was cut by a line width, not by its author


def soft_breaks(text: str) -> set[int]:
    """Offsets of the line breaks in ``text`` that only wrap a long line (text copied from a PDF):
    the line runs on mid-sentence and the next one is no heading or list item.

    >>> sorted(soft_breaks("在市委、市政府和县委的坚强领导下，在县人大的\\n监督支持下，全县经济运行稳中向好。\\n（一）坚持人民至上"))
    [22]
    >>> soft_breaks("第一章 发展基础\\n“十三五”时期，经济平稳增长。")
    set()
    """
    out, pos = set(), 0
    lines = text.split("\n")
    for k, line in enumerate(lines[:-1]):
        pos += len(line)
        s, nxt = line.strip(), lines[k + 1].strip()
        if len(s) >= WRAP_MIN and s[-1] not in _WRAP_END and "\t" not in s and nxt \
                and not _ITEM_START.match(nxt):
            out.add(pos)
        pos += 1
    return out


def is_hard_wrapped(text: str, breaks: set[int] | None = None) -> bool:
    """Most of the document's long lines break mid-sentence: it was wrapped at a fixed width
    (``breaks``: its ``soft_breaks``, when already known)."""
    long_lines = sum(1 for line in text.split("\n") if len(line.strip()) >= WRAP_MIN)
    breaks = soft_breaks(text) if breaks is None else breaks
    return long_lines >= 10 and len(breaks) >= 0.3 * long_lines


def line_starts(text: str) -> list[int]:
    """Offsets where each line begins (index 0 is line 1)."""
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def line_of(starts: list[int], offset: int) -> int:
    """1-based line number holding character ``offset`` (binary search over ``starts``)."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1


_NUM_RE = re.compile(r"\d+(?:\.\d+)?")


def numbers_in(text: str) -> list[str]:
    """Arabic numbers in ``text`` after width folding, e.g. ``['7.5', '46']``.

    >>> numbers_in("从７.５亿元增至46亿元")
    ['7.5', '46']
    """
    return _NUM_RE.findall(halfwidth(text))


def squash(text: str) -> str:
    """Collapse runs of whitespace to one space and strip (for display)."""
    return re.sub(r"\s+", " ", text).strip()


_CN_MULT = {"万": 1e4, "亿": 1e8}
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d,])")


def number_forms(text: str) -> list[set[str]]:
    """For each number written in ``text``, the canonical forms it may match.

    >>> [sorted(f) for f in number_forms("46亿元和2,800家")]
    [['46', '4600000000'], ['2800']]
    """
    text = cn_year_to_digits(halfwidth(text))
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text)
    out = []
    for m in _NUM_RE.finditer(text):
        forms = {_canon(m.group(0))}
        nxt = text[m.end(): m.end() + 1]
        if nxt in _CN_MULT:
            forms.add(_canon(str(float(m.group(0)) * _CN_MULT[nxt])))
        out.append(forms)
    return out


def norm_numbers(text: str) -> set[str]:
    """Numbers in ``text`` in a canonical form (full-width, Chinese years, 1万 → 10000, 2,800 → 2800).

    >>> sorted(norm_numbers("新增就业1.2万人，投资２,８００亿元，二〇三五年"))
    ['1.2', '12000', '2035', '2800', '280000000000']
    """
    text = cn_year_to_digits(halfwidth(text))
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text)
    out = set()
    for m in _NUM_RE.finditer(text):
        raw = m.group(0)
        out.add(_canon(raw))
        nxt = text[m.end(): m.end() + 1]
        if nxt in _CN_MULT:
            out.add(_canon(str(float(raw) * _CN_MULT[nxt])))
    return out


def _canon(num: str) -> str:
    value = round(float(num), 6)
    return str(int(value)) if value == int(value) else f"{value:f}".rstrip("0").rstrip(".")
