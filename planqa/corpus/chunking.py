"""Sentence-aware chunking of a document's sections, plus one chunk per rebuilt table row.

Chunks never cross a heading, a table or a non-content line, and never cut a
sentence unless that sentence alone is longer than the size limit.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from planqa.corpus.metadata import title_lines
from planqa.corpus.structure import Heading, HeadingTracker, detect_heading, is_block_line, is_item, numbering_style, \
    unit_starts
from planqa.corpus.tables import Table
from planqa.corpus.text import halfwidth, is_hard_wrapped, line_of, line_starts, sentence_spans, soft_breaks, \
    squash
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

    def line_span(self, idx: int, last: int | None = None) -> tuple[int, int]:
        last = idx if last is None else last
        b = self.starts[last + 1] - 1 if last + 1 < len(self.starts) else len(self.doc.text)
        return self.starts[idx], b

    def add_line(self, idx: int, para: int, last: int | None = None) -> None:
        """The sentences of line ``idx`` (through ``last``, for a paragraph hard-wrapped over lines)."""
        self.add_span(*self.line_span(idx, last), para)

    def add_span(self, a: int, b: int, para: int) -> None:
        """The sentences of the text between offsets ``a`` and ``b``."""
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


def _next_text(lines: list[str], i: int, excluded: frozenset[int]) -> str:
    """The next non-blank content line after line ``i`` ("" at the end)."""
    for j in range(i + 1, min(len(lines), i + 4)):
        if lines[j].strip() and (j + 1) not in excluded:
            return lines[j]
    return ""


def chunk_document(doc: Document, tables: list[Table], size: int = 300, min_size: int = 60) -> list[Chunk]:
    """All chunks of ``doc``: sentence-packed text chunks per section, one chunk per table row.

    ``doc.excluded_lines`` (1-based) are skipped and act as boundaries. Title-block and signature
    lines (issuer, date, 文号) make chunks of their own; a file holding several documents starts a
    new heading path at each one's title.
    """
    return _Walker(doc, tables, _Builder(doc, size, min_size)).run()


class _Walker:
    """Walks a document's lines in order, keeping the heading path and what waits for content."""

    def __init__(self, doc: Document, tables: list[Table], builder: _Builder):
        self.doc, self.b = doc, builder
        self.lines = doc.text.split("\n")
        self.by_start = {t.start_line - 1: t for t in tables}
        self.titles = set(title_lines(self.lines, {i - 1 for i in doc.excluded_lines}))
        self.tracker = HeadingTracker()
        self.para = self.blanks = 0
        self.pending: list[tuple[int, int]] = []  # heading spans waiting for their section's first content
        self.in_block = self.after_colon = self.after_table = False

    def run(self) -> list[Chunk]:
        i = 0
        while i < len(self.lines):
            i = self.step(i)
        self.b.flush()
        return self.b.chunks

    def step(self, i: int) -> int:
        """Read line ``i`` (a whole table from there); the index of the next line to read."""
        b, tracker, line = self.b, self.tracker, self.lines[i]
        if i in self.by_start:
            b.flush()
            self.pending, b.headings = [], tracker.path
            b.table(self.by_start[i])
            self.after_table, self.blanks = True, 0  # the box stays open for the table's own notes (注：…)
            return self.by_start[i].end_line
        if (i + 1) in self.doc.excluded_lines:
            b.flush()
            return i + 1
        if not line.strip():
            self.blanks += 1
            if self.blanks >= 2 and tracker.in_box():
                self.reset(tracker.close_box)
            return i + 1
        if self.blanks:
            self.para += 1
            if tracker.styles[-1:] == ("note",) and not numbering_style(line):  # prose after a note
                self.reset(tracker.close_note)
        self.blanks = 0
        if self.after_table and numbering_style(line) != "note":
            tracker.close_box()
        self.after_table = False
        if i in self.titles:  # one of the documents the file holds begins: a heading path of its own
            b.flush()
            self.tracker = HeadingTracker()
            self.tracker.push(Heading("doc", squash(line).strip()))
            b.headings, self.pending, self.in_block, self.after_colon = self.tracker.path, [b.line_span(i)], True, False
            return i + 1
        if is_block_line(line) != self.in_block:  # front matter and signatures apart from the text they frame
            b.flush()
            self.in_block = not self.in_block
        starts = unit_starts(line)
        for k, off in enumerate(starts):
            a = b.starts[i] + off
            e = b.starts[i] + (starts[k + 1] if k + 1 < len(starts) else len(line))
            if not self.heading(i, a, e, len(starts) == 1) and len(starts) == 1:
                return self.paragraph(i) + 1
        return i + 1

    def reset(self, close) -> None:
        self.b.flush()
        close()
        self.b.headings = self.tracker.path

    def heading(self, i: int, a: int, e: int, whole_line: bool = True) -> bool:
        """Take the unit at ``a:e`` of line ``i`` as a heading, or as content; True for a heading.

        Content that is a whole line is left to ``paragraph`` (it may run on over wrapped lines)."""
        b, text = self.b, self.doc.text[a:e]
        heading = detect_heading(text)
        item = is_item(text, heading, self.tracker.styles, self.after_colon,
                       _next_text(self.lines, i, self.doc.excluded_lines))
        if heading is None or item:
            self.lead_pending()
            if not item:
                self.after_colon = halfwidth(text).rstrip().endswith(":")
            if not whole_line:
                b.add_span(a, e, self.para)
            return False
        b.flush()
        self.tracker.push(heading)
        b.headings = self.tracker.path
        if heading.run_in:  # its own text follows the headings waiting before it
            self.lead_pending()
            b.add_span(a, e, self.para)
        else:
            self.pending.append((a, e))
        self.after_colon = False
        return True

    def lead_pending(self) -> None:
        """A section's heading lines lead its first chunk, so headings are retrievable and quotable."""
        for pa, pe in self.pending:
            self.b.add_span(pa, pe, self.para)
        self.pending = []

    def paragraph(self, i: int) -> int:
        """Add line ``i`` and the lines its paragraph runs on over (hard-wrapped text); the last line added."""
        b, lines, last = self.b, self.lines, i
        while last + 1 < len(lines) and b.starts[last + 1] - 1 in b.joins and last + 1 not in self.by_start \
                and (last + 2) not in self.doc.excluded_lines and detect_heading(lines[last + 1]) is None:
            last += 1
        b.add_line(i, self.para, last)
        return last
