"""The rows of ``compare`` as an Excel workbook: one row per place, table values as numbers, each row cited.

Columns: 地区, 指标, 单位, one column per table column (2020年, 2025年, 属性 …; numeric
cells stored as numbers, their unit in the header when every row shares it),
数值或表述 (the cited text), 状态, 出处 (file and lines) and 原文引文. The header row is
bold and frozen. Layout only: the values come from ``compare`` unchanged.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from planqa.corpus.text import halfwidth

STATUS_TEXT = {"found": "已找到", "未提及": "未提及", "未核实": "未核实（数字与所引原文不符，已隐去）",
               "无文件": "知识库中没有该地的文件"}
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_YEAR = re.compile(r"^(\d{4})年?$")


def cell_number(value: str) -> int | float | None:
    """The number a table cell holds, or None when it holds more than a number.

    >>> cell_number("46"), cell_number("7.5"), cell_number("１２.４５"), cell_number("1,200")
    (46, 7.5, 12.45, 1200)
    >>> cell_number("＞50"), cell_number("5左右"), cell_number("——"), cell_number("2.5%")
    (None, None, None, None)
    """
    v = halfwidth(str(value)).strip()
    if not _NUMBER.fullmatch(v):
        return None
    v = v.replace(",", "")
    return float(v) if "." in v else int(v)


def column_name(header: str) -> str:
    """A table column header as a sheet column: years read ``2025年``; others as written.

    >>> column_name("2025"), column_name("2020年"), column_name("目标·年均增长")
    ('2025年', '2020年', '目标·年均增长')
    """
    h = halfwidth(header).strip()
    m = _YEAR.match(h)
    return f"{m.group(1)}年" if m else header.strip()


def display_width(text: str) -> int:
    """Width in Excel character units: a Chinese (wide) character counts two.

    >>> display_width("商品销售总额"), display_width("46"), display_width("")
    (12, 2, 0)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _lines(c: dict) -> str:
    a, b = c["start_line"], c["end_line"]
    return f"第{a}行" if a == b else f"第{a}–{b}行"


def sheet_rows(rows: list[dict]) -> tuple[list[str], list[list]]:
    """Header and body of the sheet (values as they go into cells: numbers, text or None)."""
    columns: list[str] = []
    for r in rows:
        for h, _ in r.get("cells") or []:
            if column_name(h) not in columns:
                columns.append(column_name(h))
    units = {r.get("unit", "") for r in rows if r.get("cells")}
    shared = units.pop() if len(units) == 1 else ""
    numeric = {c for c in columns if any(cell_number(v) is not None for r in rows
                                         for h, v in r.get("cells") or [] if column_name(h) == c)}
    header = ["地区", "指标", "单位"] + [f"{c}（{shared}）" if shared and c in numeric else c for c in columns] + \
        ["数值或表述", "状态", "出处", "原文引文"]
    body = []
    for r in rows:
        cells = {column_name(h): v for h, v in r.get("cells") or []}
        values = [cell_number(cells[c]) if cell_number(cells.get(c, "")) is not None else cells.get(c)
                  for c in columns]
        c = r.get("cited") or {}
        where = f"{r.get('source', '')} {_lines(c)}" if c else (r.get("source") or None)
        body.append([r.get("place", ""), r.get("indicator") or None, r.get("unit") or None, *values,
                     r.get("value") or None, STATUS_TEXT.get(r.get("status", ""), r.get("status", "")),
                     where, c.get("quote") or None])
    return header, body


def compare_xlsx(rows: list[dict], path, subject: str = "", when: dt.datetime | None = None) -> None:
    """Write the rows of ``compare`` to ``path`` (.xlsx)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header, body = sheet_rows(rows)
    wb = Workbook()
    ws = wb.active
    ws.title = "指标对比"
    ws.append(header)
    for row in body:
        ws.append(row)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F3")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = "B2"  # the header row and the place column stay in view
    ws.auto_filter.ref = ws.dimensions
    for i, name in enumerate(header, 1):
        col = [name] + [row[i - 1] for row in body]
        width = max(display_width(v) for v in col if v is not None) + 2
        wrap = name in ("数值或表述", "原文引文", "出处")
        ws.column_dimensions[get_column_letter(i)].width = min(max(width, 8), 48 if wrap else 30)
        for cell in ws[get_column_letter(i)][1:]:
            cell.alignment = Alignment(vertical="top", wrap_text=wrap)
    wb.properties.title = f"“{subject}”各地比较" if subject else "各地比较"
    wb.properties.creator = wb.properties.lastModifiedBy = "planqa"
    wb.properties.created = wb.properties.modified = when or dt.datetime.now()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
