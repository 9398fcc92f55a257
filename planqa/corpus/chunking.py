"""Sentence-aware chunking of a document's sections, plus one chunk per rebuilt table row.

Chunks never cross a heading, a table or a non-content line, and never cut a
sentence unless that sentence alone is longer than the size limit.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from planqa.corpus.structure import HeadingTracker, detect_heading
from planqa.corpus.tables import Table
from planqa.corpus.text import is_hard_wrapped, line_of, line_starts, sentence_spans, soft_breaks
from planqa.types import Chunk, Document, TableRow

_SOFT_BREAKS = "，、：,:"
_EDGE_MARKS = "*#>_ "


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    para: int  # paragraph number, to prefer breaks between paragraphs


def chunk_id(doc_id: str, kind: str, start: int, end: int, text: str) -> str:
    """Stable id from the chunk's content and position."""
    key = f"{doc_id}\x1f{kind}\x1f{start}\x1f{end}\x1f{text}".encode("utf-8")
    return hashlib.sha1(key).hexdigest()[:16]


def split_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut one over-long sentence at commas (or hard, as a last resort) into pieces ≤ limit.

    >>> t = "甲" * 5 + "，" + "乙" * 5 + "。"
    >>> [t[a:b] for a, b in split_long(t, 0, len(t), 8)]
    ['甲甲甲甲甲，', '乙乙乙乙乙。']
    """
    pieces, a = [], start
    while end - a > limit:
        cut = max((text.rfind(c, a, a + limit) for c in _SOFT_BREAKS), default=-1)
        b = cut + 1 if cut > a else a + limit
        pieces.append((a, b))
        a = b
    if a < end:
        pieces.append((a, end))
    return pieces


def pack(spans: list[Span], text: str, size: int, min_size: int) -> list[tuple[int, int]]:
    """Greedily pack consecutive sentence spans into chunks of at most ``size`` characters.

    A chunk ends early at a paragraph break when it is already 60% full; a short
    tail is merged into the previous chunk when the result stays near the limit.

    >>> t = "一二三。四五六。七八九。"
    >>> [t[a:b] for a, b in pack([Span(0, 4, 0), Span(4, 8, 0), Span(8, 12, 1)], t, 8, 0)]
    ['一二三。四五六。', '七八九。']
    """
    pieces: list[Span] = []
    for sp in spans:
        if sp.end - sp.start > size:
            pieces.extend(Span(a, b, sp.para) for a, b in split_long(text, sp.start, sp.end, size))
        else:
            pieces.append(sp)
    chunks: list[list[Span]] = []
    for sp in pieces:
        cur = chunks[-1] if chunks else None
        if cur is not None:
            length = sp.end - cur[0].start
            para_break = sp.para != cur[-1].para and (cur[-1].end - cur[0].start) >= 0.6 * size
            if length <= size and not para_break:
                cur.append(sp)
                continue
        chunks.append([sp])
    if len(chunks) >= 2 and chunks[-1][-1].end - chunks[-1][0].start < min_size \
            and chunks[-1][-1].end - chunks[-2][0].start <= int(size * 1.3):
        chunks[-2].extend(chunks.pop())
    return [(c[0].start, c[-1].end) for c in chunks]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in _EDGE_MARKS:
        a += 1
    while b > a and text[b - 1] in _EDGE_MARKS:
        b -= 1
    return a, b


class _Builder:
    def __init__(self, doc: Document, size: int, min_size: int):
        self.doc, self.size, self.min_size = doc, size, min_size
        self.starts = line_starts(doc.text)
        self.chunks: list[Chunk] = []
        self.buffer: list[Span] = []
        self.headings: tuple[str, ...] = ()
        # text copied from a PDF is wrapped at a fixed width: its sentences run on over line breaks
        breaks = soft_breaks(doc.text)
        self.joins = breaks if is_hard_wrapped(doc.text, breaks) else set()

    def add_line(self, idx: int, para: int, last: int | None = None) -> None:
        """The sentences of line ``idx`` (through ``last``, for a paragraph hard-wrapped over lines)."""
        last = idx if last is None else last
        a = self.starts[idx]
        b = self.starts[last + 1] - 1 if last + 1 < len(self.starts) else len(self.doc.text)
        for s, e in sentence_spans(self.doc.text, a, b, self.joins):
            s, e = _trim(self.doc.text, s, e)
            if e > s:
                self.buffer.append(Span(s, e, para))

    def flush(self) -> None:
        if self.buffer:
            for a, b in pack(self.buffer, self.doc.text, self.size, self.min_size):
                self._emit("text", a, b, self.doc.text[a:b])
        self.buffer = []

    def table(self, table: Table) -> None:
        name = table.caption or (self.headings[-1] if self.headings else "")
        for pr in table.rows:
            row = TableRow(name, pr.row.name, pr.row.unit, pr.row.cells, pr.row.category) \
                if not pr.row.table else pr.row
            a = self.starts[pr.start_line - 1]
            end_idx = pr.end_line
            b = self.starts[end_idx] - 1 if end_idx < len(self.starts) else len(self.doc.text)
            self._emit("table_row", a, b, row.render(), row)

    def _emit(self, kind: str, a: int, b: int, text: str, row: TableRow | None = None) -> None:
        d = self.doc
        self.chunks.append(Chunk(
            chunk_id=chunk_id(d.doc_id, kind, a, b, text), doc_id=d.doc_id, source=d.source,
            title=d.meta.title, headings=self.headings, kind=kind, text=text, start=a, end=b,
            start_line=line_of(self.starts, a), end_line=line_of(self.starts, max(a, b - 1)),
            place=d.meta.place, row=row))


def chunk_document(doc: Document, tables: list[Table], size: int = 300, min_size: int = 60) -> list[Chunk]:
    """All chunks of ``doc``: sentence-packed text chunks per section, one chunk per table row.

    ``doc.excluded_lines`` (1-based) are skipped and act as boundaries.
    """
    lines = doc.text.split("\n")
    by_start = {t.start_line - 1: t for t in tables}
    b = _Builder(doc, size, min_size)
    tracker = HeadingTracker()
    i, para, blanks = 0, 0, 0
    pending: list[int] = []  # heading lines waiting for their section's first content
    while i < len(lines):
        line = lines[i]
        if i in by_start:
            b.flush()
            pending = []
            b.headings = tracker.path
            b.table(by_start[i])
            i = by_start[i].end_line
            tracker.close_box()
            continue
        if (i + 1) in doc.excluded_lines:
            b.flush()
            i += 1
            continue
        if not line.strip():
            blanks += 1
            if blanks >= 2 and tracker.in_box():
                b.flush()
                tracker.close_box()
                b.headings = tracker.path
            i += 1
            continue
        if blanks:
            para += 1
        blanks = 0
        heading = detect_heading(line)
        if heading is not None:
            b.flush()
            tracker.push(heading)
            b.headings = tracker.path
            if heading.run_in:
                b.add_line(i, para)
            else:
                pending.append(i)
        else:
            # a section's heading lines lead its first chunk, so headings are retrievable and quotable
            for h in pending:
                b.add_line(h, para)
            pending = []
            last = i
            while last + 1 < len(lines) and b.starts[last + 1] - 1 in b.joins and last + 1 not in by_start \
                    and (last + 2) not in doc.excluded_lines and detect_heading(lines[last + 1]) is None:
                last += 1
            b.add_line(i, para, last)
            i = last
        i += 1
    b.flush()
    return b.chunks
