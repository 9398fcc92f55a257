"""The records that flow through planqa: Document, TableRow, Chunk, Hit, Citation, Answer.

Frozen dataclasses only; no behaviour beyond small derived properties and
``to_dict`` for JSON output. LangChain documents live in ``planqa.rag.lc_adapter``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class DocMeta:
    """What a document says about itself (derived from its text, catalog may override)."""

    title: str
    place: str = ""
    level: str = ""  # 省 / 市 / 区 / 县 / 镇 / 乡 / 街道
    doc_type: str = ""  # 五年规划纲要 / 政府工作报告 / 统计公报 / 办法 / 指导意见 / 行动计划 … (planqa.corpus.kinds)
    period: str = ""  # 2021—2025 / 2021年
    issuer: str = ""
    date: str = ""  # ISO yyyy-mm-dd or yyyy-mm where only month is stated
    province: str = ""  # the units the place is in, its own rank included (江西省 / 宜春市 / 万载县)
    city: str = ""
    county: str = ""
    doc_number: str = ""  # 文号, e.g. 包府办发〔2022〕43号

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Document:
    """One loaded source file.

    ``text`` is the decoded source text with line endings normalised to ``\\n``;
    for .txt/.md it is line-for-line the file, so line numbers match the file.
    ``excluded_lines`` holds 1-based numbers of lines that are not content
    (web furniture, tables of contents).
    """

    doc_id: str
    source: str  # file name as ingested
    text: str
    meta: DocMeta
    fingerprint: str = ""  # sha256 of the file bytes
    path: str = ""
    excluded_lines: frozenset[int] = field(default_factory=frozenset)

    @property
    def title(self) -> str:
        return self.meta.title


@dataclass(frozen=True)
class TableRow:
    """One rebuilt row of an indicator table.

    ``cells`` pairs each column header with its value in this row, in column
    order, excluding the row-name column.
    """

    table: str  # caption, e.g. 专栏1“十四五”时期经济社会发展主要指标
    name: str  # indicator name without unit, e.g. 商品销售总额累计
    unit: str  # e.g. 亿元, %, 人; "" when the table states none
    cells: tuple[tuple[str, str], ...]
    category: str = ""  # group label such as 经济发展

    def render(self) -> str:
        """One-line rendering used as the chunk text of a ``table_row`` chunk.

        >>> TableRow("专栏1", "商品销售总额累计", "亿元", (("2020", "7.5"), ("2025", "46"))).render()
        '专栏1｜商品销售总额累计（亿元）｜2020：7.5｜2025：46'
        """
        name = f"{self.name}（{self.unit}）" if self.unit else self.name
        parts = [self.table] if self.table else []
        if self.category:
            parts.append(self.category)
        parts.append(name)
        parts.extend(f"{h}：{v}" for h, v in self.cells)
        return "｜".join(parts)

    def value(self, header_part: str) -> str:
        """The first cell whose header contains ``header_part`` ("" if none)."""
        for header, val in self.cells:
            if header_part in header:
                return val
        return ""


@dataclass(frozen=True)
class Chunk:
    """A retrievable, citable unit of a document.

    For ``kind == "text"``: ``doc.text[start:end] == text`` (verbatim).
    For ``kind == "table_row"``: ``text`` is ``row.render()`` and the span covers
    the source lines holding the row's cells.
    """

    chunk_id: str
    doc_id: str
    source: str
    title: str
    headings: tuple[str, ...]
    kind: str  # "text" | "table_row"
    text: str
    start: int
    end: int
    start_line: int  # 1-based, inclusive
    end_line: int
    place: str = ""
    row: TableRow | None = None

    def heading_path(self, sep: str = " › ") -> str:
        return sep.join(self.headings)

    def to_dict(self) -> dict:
        d = {
            "chunk_id": self.chunk_id,
            "doc_id": self.doc_id,
            "source": self.source,
            "title": self.title,
            "place": self.place,
            "headings": list(self.headings),
            "kind": self.kind,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "start_line": self.start_line,
            "end_line": self.end_line,
        }
        if self.row is not None:
            d["row"] = {
                "table": self.row.table,
                "name": self.row.name,
                "unit": self.row.unit,
                "category": self.row.category,
                "cells": [list(c) for c in self.row.cells],
            }
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Chunk":
        row = None
        if d.get("row"):
            r = d["row"]
            row = TableRow(r["table"], r["name"], r["unit"],
                           tuple((h, v) for h, v in r["cells"]), r.get("category", ""))
        return cls(
            chunk_id=d["chunk_id"], doc_id=d["doc_id"], source=d["source"], title=d["title"],
            headings=tuple(d["headings"]), kind=d["kind"], text=d["text"], start=d["start"],
            end=d["end"], start_line=d["start_line"], end_line=d["end_line"],
            place=d.get("place", ""), row=row,
        )


@dataclass(frozen=True)
class Hit:
    """A chunk returned by a retriever, with its score and the retriever's name."""

    chunk: Chunk
    score: float
    retriever: str = ""


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer: the chunk and the verbatim quoted sentence(s)."""

    n: int
    chunk: Chunk
    quote: str
    start_line: int
    end_line: int

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "doc_id": self.chunk.doc_id,
            "source": self.chunk.source,
            "title": self.chunk.title,
            "headings": list(self.chunk.headings),
            "start_line": self.start_line,
            "end_line": self.end_line,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class Answer:
    """An answer with inline [n] markers, its citations and the passages it saw."""

    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    hits: tuple[Hit, ...] = ()
    refused: bool = False
    notices: tuple[str, ...] = ()  # fallbacks, dropped sentences, …
    timings_ms: dict = field(default_factory=dict)
    context: tuple[Hit, ...] = ()  # passages read beside the retrieved ones (a listed section), numbered after them
