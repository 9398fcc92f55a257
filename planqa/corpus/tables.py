"""Detect indicator tables that reached us flattened and rebuild their rows.

Handles four layouts: markdown pipe tables, tab-separated rows, one cell per
line (rows found by their 序号), and tab-prefixed cells with multi-row headers.
It does not parse tables that have neither pipes, tabs nor a 序号 column; those
stay prose.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from planqa.corpus.text import halfwidth, squash
from planqa.types import TableRow

CAPTION_RE = re.compile(r"^(专栏|表)\s*[0-9０-９一二三四五六七八九十]+")
SEQ_HEADERS = ("序号", "编号")
_HEADING_RE = re.compile(r"^(第[一二三四五六七八九十百零〇\d]+[章节篇]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
_UNIT_RE = re.compile(r"^(.*?)[（(]([^（）()]{1,8})[）)]?\s*$")
_MAX_CELL = 40


@dataclass
class ParsedRow:
    row: TableRow
    start_line: int  # 1-based inclusive
    end_line: int


@dataclass
class Table:
    caption: str
    start_line: int  # first line of the table body (caption excluded)
    end_line: int
    rows: list[ParsedRow] = field(default_factory=list)
    note: str = ""

    @property
    def lines(self) -> range:
        return range(self.start_line, self.end_line + 1)


@dataclass
class _Cell:
    text: str
    first: int  # 1-based line numbers
    last: int


def split_unit(name: str) -> tuple[str, str]:
    """Split an indicator name into (name, unit); a missing closing bracket is tolerated.

    >>> split_unit("商品销售总额累计(亿元)"), split_unit("增速(%"), split_unit("智慧社区覆盖率")
    (('商品销售总额累计', '亿元'), ('增速', '%'), ('智慧社区覆盖率', ''))
    """
    m = _UNIT_RE.match(name.strip())
    if m and m.group(1):
        return m.group(1).strip(), m.group(2).strip()
    return name.strip(), ""


def _is_seq(text: str, expected: int) -> bool:
    return halfwidth(text.strip()) == str(expected)


def _is_terminator(line: str) -> bool:
    s = line.strip()
    return bool(_HEADING_RE.match(s)) or len(s) > _MAX_CELL or bool(CAPTION_RE.match(s))


def _caption_above(lines: list[str], idx: int) -> str:
    """A 专栏/表 caption within three non-blank lines above ``idx`` (0-based), else ''."""
    seen = 0
    for j in range(idx - 1, -1, -1):
        s = lines[j].strip()
        if not s:
            continue
        seen += 1
        if CAPTION_RE.match(s) or ("指标" in s and len(s) <= 40):
            return squash(s)
        if seen >= 3:
            break
    return ""


def _merge_headers(top: list[str], sub: list[str]) -> list[str]:
    """Combine a two-row header where ``top`` has spanning cells over ``sub``.

    >>> _merge_headers(["序号", "指标", "目标", "属性"], ["", "", "2025年", "年均增长", ""])
    ['序号', '指标', '目标·2025年', '目标·年均增长', '属性']
    """
    out, p, i = [], 0, 0
    while i < len(sub) and p < len(top):
        if sub[i]:
            while i < len(sub) and sub[i]:
                out.append(f"{top[p]}·{sub[i]}")
                i += 1
        else:
            out.append(top[p])
            i += 1
        p += 1
    return out if len(out) == len(sub) else sub


def _build_row(caption: str, headers: list[str], cells: list[_Cell], category: str) -> ParsedRow:
    texts = [c.text for c in cells]
    first_col = 1 if len(headers) > 1 and headers[0].strip() in SEQ_HEADERS else 0
    name_col = next((i for i, h in enumerate(headers) if any(k in h for k in ("指标", "名称", "项目"))), first_col)
    unit_col = next((i for i, h in enumerate(headers) if h.strip() == "单位"), None)
    name, unit = split_unit(texts[name_col])
    if unit_col is not None and texts[unit_col] not in ("", "——", "—", "-"):
        unit = texts[unit_col]
    skip = {name_col, unit_col} | {i for i, h in enumerate(headers) if h in SEQ_HEADERS}
    pairs = tuple((headers[i], texts[i]) for i in range(len(headers)) if i not in skip and texts[i])
    row = TableRow(caption, name, unit, pairs, category)
    return ParsedRow(row, min(c.first for c in cells), max(c.last for c in cells))


def _parse_tsv(lines: list[str], i: int) -> tuple[Table, int] | None:
    """Tab-separated rows starting at line index ``i`` (0-based), the header first.

    Short lines without tabs between rows (经济发展, 民生福祉) are group labels: each
    sets the category of the rows below it. A block whose first line is already a
    numbered row (1⇥…) has no header to read it by and is not a table.
    """
    def fields(line: str) -> list[str]:
        return [f.strip() for f in line.strip().split("\t")]

    def is_row(line: str) -> bool:
        return "\t" in line.strip() and len(fields(line)) >= 3

    head = fields(lines[i])
    if len(head) < 3 or not is_row(lines[i]) or re.fullmatch(r"\d+", halfwidth(head[0])):
        return None
    body: list[tuple[int, str]] = []  # (line index, category)
    j, category = i + 1, ""
    while j < len(lines):
        if is_row(lines[j]):
            body.append((j, category))
            j += 1
        elif _is_group_label(lines[j]) and j + 1 < len(lines) and is_row(lines[j + 1]):
            category = lines[j].strip()
            j += 1
        else:
            break
    if len(body) < 2:
        return None
    caption = _caption_above(lines, i)
    headers, rows = head, []
    for k, cat in body:
        vals = fields(lines[k])
        if len(vals) != len(headers):
            vals = (vals + [""] * len(headers))[: len(headers)]
        cells = [_Cell(v, k + 1, k + 1) for v in vals]
        rows.append(_build_row(caption, headers, cells, cat))
    return Table(caption, i + 1, j, rows), j


_PIPE_SEP = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _pipe_cells(line: str) -> list[str]:
    s = line.strip()
    return [c.strip().strip("*") for c in s.strip("|").split("|")]


def _parse_pipe(lines: list[str], i: int) -> tuple[Table, int] | None:
    """A markdown pipe table (| 序号 | 指标 | … |, then | --- | …) starting at line index ``i``.

    A row whose cells are empty but its first non-number one is a group label (| | 经济发展 | | |).
    """
    if i + 1 >= len(lines) or not _PIPE_SEP.match(lines[i + 1].strip()):
        return None
    headers = _pipe_cells(lines[i])
    if len(headers) < 3:
        return None
    caption, rows, category, j = _caption_above(lines, i), [], "", i + 2
    while j < len(lines) and lines[j].strip().startswith("|"):
        vals = (_pipe_cells(lines[j]) + [""] * len(headers))[: len(headers)]
        filled = [v for v in vals if v and not re.fullmatch(r"\d+", halfwidth(v))]
        if len(filled) == 1 and sum(1 for v in vals if v) <= 2:
            category = filled[0]
        elif any(vals):
            rows.append(_build_row(caption, headers, [_Cell(v, j + 1, j + 1) for v in vals], category))
        j += 1
    if len(rows) < 2:
        return None
    return Table(caption, i + 1, j, rows), j


def _is_group_label(line: str) -> bool:
    """A short label line inside a table (经济发展, 民生福祉), not a heading, caption or sentence."""
    s = line.strip()
    return 2 <= len(s) <= 12 and "\t" not in s and not _is_terminator(s) and not re.search(r"[。；;，,：:\d]", s)


def _collect_cells(lines: list[str], i: int, tabbed: bool) -> tuple[list[list[_Cell]], int]:
    """Cells from line index ``i`` on, grouped by blank lines (tabbed) or one per group."""
    groups: list[list[_Cell]] = [[]]
    j = i
    while j < len(lines):
        raw = lines[j]
        s = raw.strip()
        if not s and not (tabbed and raw.startswith("\t")):
            if groups[-1]:
                groups.append([])
            j += 1
            continue
        if _is_terminator(raw) or s.startswith(("注：", "注:")):
            break
        if tabbed and not raw.startswith("\t"):
            # a wrapped cell: belongs to the last cell seen
            prev = groups[-1] if groups[-1] else (groups[-2] if len(groups) > 1 else None)
            if prev is None:
                break
            if not groups[-1]:
                groups.pop()
            prev[-1] = _Cell(prev[-1].text + s, prev[-1].first, j + 1)
            j += 1
            continue
        cell = _Cell(s, j + 1, j + 1)
        if tabbed:
            groups[-1].append(cell)
        else:
            groups[-1].append(cell)
            groups.append([])
        j += 1
    return [g for g in groups if g], j


def _rows_by_sequence(cells: list[_Cell], ncols: int) -> tuple[list[tuple[list[_Cell], str]], int]:
    """Split a flat cell stream into rows that start with 1, 2, 3 …; returns rows and cells used."""
    rows, pos, expected, category = [], 0, 1, ""
    while pos < len(cells) and _is_seq(cells[pos].text, expected):
        nxt = pos + ncols
        if nxt > len(cells):
            break
        row = cells[pos:nxt]
        rows.append((row, category))
        pos, expected = nxt, expected + 1
        # a group label (经济发展 …) may sit between rows
        if pos + 1 < len(cells) and not _is_seq(cells[pos].text, expected) and _is_seq(cells[pos + 1].text, expected):
            category = cells[pos].text
            pos += 1
    return rows, pos


def _parse_cells(lines: list[str], i: int) -> tuple[Table, int] | None:
    """A table flattened to one cell per line, starting at its 序号 header cell."""
    tabbed = lines[i].startswith("\t")
    groups, j = _collect_cells(lines, i, tabbed)
    flat = [c for g in groups for c in g]
    first = next((k for k, c in enumerate(flat) if _is_seq(c.text, 1)), None)
    if first is None or first < 2:
        return None
    header_cells, category = flat[:first], ""
    if tabbed:
        hgroups, n = [], 0
        for g in groups:
            if n >= first:
                break
            hgroups.append([c.text for c in g])
            n += len(g)
        data_lens = Counter(len(g) for g in groups if g and _is_seq(g[0].text, int(halfwidth(g[0].text)) if halfwidth(g[0].text).isdigit() else -1))
        ncols = data_lens.most_common(1)[0][0] if data_lens else len(hgroups[0])
        if len(hgroups) > 1 and len(hgroups[-1]) == 1 and len(hgroups[-2]) >= 2:
            category = hgroups.pop()[0]
        if len(hgroups) >= 2 and len(hgroups[1]) == ncols and len(hgroups[0]) < ncols:
            headers = _merge_headers(hgroups[0], hgroups[1])
        else:
            headers = hgroups[0]
    else:
        headers = [c.text for c in header_cells]
        ncols = len(headers)
    if len(headers) != ncols or ncols < 3:
        return None
    body = flat[first:]
    rows, used = _rows_by_sequence(body, ncols)
    if len(rows) < 2:
        return None
    caption = _caption_above(lines, i)
    parsed = [_build_row(caption, headers, cells, cat or category) for cells, cat in rows]
    end_line = body[used - 1].last
    table = Table(caption, i + 1, end_line, parsed)
    # a note line right after the table (注：〔〕内数字为五年累计数) explains its values
    k = end_line
    while k < len(lines) and not lines[k].strip():
        k += 1
    if k < len(lines) and lines[k].strip().startswith(("注：", "注:")):
        table.note = lines[k].strip()
    return table, end_line


def find_tables(lines: list[str]) -> list[Table]:
    """Every table in ``lines`` (the document split on ``\\n``), in order.

    >>> t = find_tables(["序号\\t指标名称\\t2020\\t2025", "1\\t人口（万人）\\t1\\t2", "2\\t产值（亿元）\\t3\\t4"])
    >>> [r.row.render() for r in t[0].rows]
    ['人口（万人）｜2020：1｜2025：2', '产值（亿元）｜2020：3｜2025：4']
    >>> md = ["| 序号 | 指标 | 单位 | 2020年 | 2025年 |", "| --- | --- | --- | --- | --- |",
    ...       "| | **经济发展** | | | |", "| 1 | 地区生产总值 | 亿元 | 28.6 | 40 |", "| 2 | 茶园面积 | 万亩 | 3.6 | 4.5 |"]
    >>> [(r.row.category, r.row.name, r.row.unit, r.row.cells) for r in find_tables(md)[0].rows][0]
    ('经济发展', '地区生产总值', '亿元', (('2020年', '28.6'), ('2025年', '40')))
    """
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        s = lines[i].strip()
        found = _parse_pipe(lines, i) if s.startswith("|") else None
        if found is None and (s.split("\t")[0].strip() in SEQ_HEADERS or (s.count("\t") >= 2 and len(s) < 200)):
            found = _parse_tsv(lines, i) if "\t" in s else None
            if found is None and s.split("\t")[0].strip() in SEQ_HEADERS:
                found = _parse_cells(lines, i)
        if found:
            tables.append(found[0])
            i = found[1]
        else:
            i += 1
    return tables
