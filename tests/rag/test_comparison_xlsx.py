"""Comparison rows as .xlsx: reopened with openpyxl, numbers stored as numbers, header bold and frozen."""
from __future__ import annotations

import doctest

import planqa.rag.comparison_xlsx as comparison_xlsx
from planqa.rag.comparison_xlsx import compare_xlsx, sheet_rows


def row(place, cells, unit="亿元", status="found", start=100, end=108):
    cited = {"source": f"{place}.txt", "start_line": start, "end_line": end, "quote": f"{place}的原文",
             "title": f"{place}规划", "headings": []} if status == "found" else None
    return {"place": place, "doc_id": place, "source": f"{place}.txt", "title": f"{place}规划",
            "indicator": f"商品销售总额（{unit}）" if cells else "", "kind": "indicator" if cells else "",
            "status": status, "value": "2020年7.5亿元 → 2025年46亿元" if cells else "", "cited": cited,
            "unit": unit if cells else "", "cells": cells}


ROWS = [row("新河街道", [["2020", "7.5"], ["2025", "46"], ["属性", "预期性"]]),
        row("塘沽街道", [["2020年", "8.3"], ["2025年", "12.45"], ["属性", "预期性"]], start=90, end=90),
        row("静海镇", [], status="未提及"), row("泰达街道", [], status="无文件")]


def test_docstring_examples():
    assert doctest.testmod(comparison_xlsx).failed == 0


def test_year_columns_merge_and_the_shared_unit_goes_to_the_header():
    header, body = sheet_rows(ROWS)
    assert header == ["地区", "指标", "单位", "2020年（亿元）", "2025年（亿元）", "属性", "数值或表述", "状态", "出处",
                      "原文引文"]
    assert body[0][3:6] == [7.5, 46, "预期性"] and body[1][3:5] == [8.3, 12.45]
    assert body[1][8] == "塘沽街道.txt 第90行" and body[0][8] == "新河街道.txt 第100–108行"
    assert body[2][3:5] == [None, None] and body[2][7] == "未提及" and body[3][7] == "知识库中没有该地的文件"


def test_units_that_differ_stay_in_their_column():
    header, _ = sheet_rows([ROWS[0], row("海滨街道", [["2025", "3"]], unit="%")])
    assert "2025年" in header and not any("（" in h for h in header)


def test_workbook_reopens_with_numbers_bold_frozen_header_and_chinese_widths(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "对比.xlsx"
    compare_xlsx(ROWS, path, "商品销售总额")
    wb = load_workbook(path)
    ws = wb.active
    assert ws.title == "指标对比" and ws.freeze_panes == "B2" and ws.max_row == 5
    assert all(c.font.bold for c in ws[1]) and ws["A1"].value == "地区"
    assert ws["D2"].value == 7.5 and ws["D2"].data_type == "n" and ws["E2"].value == 46
    assert isinstance(ws["E3"].value, float) and ws["F2"].value == "预期性"
    assert ws.column_dimensions["A"].width >= 10  # 塘沽街道: four wide characters
    assert wb.properties.creator == "planqa" and "商品销售总额" in wb.properties.title
