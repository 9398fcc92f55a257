"""Facts for briefings and comparisons: verbatim sentences or table rows of one document, with lines.

A fact knows its place, document, kind (目标/举措/项目/指标/现状基础), the exact
source lines it cites and the numbers it states; ``unsupported_numbers`` checks
those numbers against the cited lines. Nothing here retrieves or renders.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from planqa.corpus.text import halfwidth, line_of, line_starts, normalize, norm_numbers, \
    numbers_in, sentence_spans, squash
from planqa.rag.citations import unsupported_numbers as check_numbers
from planqa.rag.answer.compose import UNIT_NUMBER, render_row
from planqa.rag.query import place_aliases
from planqa.rag.topics import TopicTerms, find_terms
from planqa.types import Chunk, TableRow

_REVIEW = re.compile(r"回顾|发展基础|发展环境|成就|过去五年|工作总结|十三五")
_FORWARD = re.compile(r"目标|远景|任务|开局|举措|十四五")
_YEAR = re.compile(r"20\d\d年")
_COMMIT = re.compile(r"(达到|达|力争|争取|确保|实现|控制在|提高到|提升至|增至|不低于|超过)[^，。；,;]{0,25}(\d|全覆盖|以上|以内)")
_PROJECT = re.compile(r"项目|新建|改扩建|扩建|改造|升级|综合体"
                      r"|(建设|建立|打造|引入)[^，。；,;]{0,20}(一所|一批|一个|一座|\d+个|中心|站|食堂|院|馆|平台|场所)"
                      r"|(中心|站|食堂|院|馆|平台|场所)[^，。；,;]{0,4}建设")
_HEADING_LINE = re.compile(r"^(第[一二三四五六七八九十百零〇\d]+[章节篇]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]"
                           r"|专栏\s*\d|表\s*\d)")
_CLAUSE = re.compile(r"[^，,；;：:。！？!?]+[，,；;：:。！？!?]*")
_LEVEL_RANK = {"市": 0, "区": 1, "县": 1, "镇": 2, "乡": 2, "街道": 3}


@dataclass
class Fact:
    """One cited statement: a verbatim sentence (or clause) of a document, or a rebuilt table row."""

    place: str
    doc_id: str
    source: str
    text: str
    kind: str  # target | measure | project | indicator | baseline (from a review section)
    chunk: Chunk
    start_line: int
    end_line: int
    numbers: list[str]
    quote: str = ""  # what the footnote quotes: the whole sentence, or the table row's source lines
    span: tuple[int, int] = (0, 0)  # character span of ``text`` in the document text (text facts)
    terms: tuple[str, ...] = ()  # topic terms it contains
    header_lines: tuple[int, int] | None = None  # a table row's column-header lines (years 2020 / 2025)
    incidental: bool = False  # the topic is only one item of a list of other things

    @property
    def title(self) -> str:
        return self.chunk.title

    def cited(self) -> dict:
        d = {"source": self.source, "start_line": self.start_line, "end_line": self.end_line,
             "quote": self.quote or self.text, "title": self.chunk.title, "headings": list(self.chunk.headings)}
        if self.header_lines:
            d["header_lines"] = list(self.header_lines)
        return d


# ---- places --------------------------------------------------------------------------------
def short_place(place: str, fallback: str = "") -> str:
    """The lowest administrative unit of a place name.

    >>> short_place("天津市滨海新区新河街道"), short_place("天津市静海区")
    ('新河街道', '静海区')
    """
    units = [a for a in place_aliases(place) if re.search(r"(街道|镇|乡|区|县|市)$", a)]
    return min(units, key=len) if units else (place or fallback)


def _doc_order(kb, doc_id: str) -> tuple:
    meta = kb.docs[doc_id].meta
    return _LEVEL_RANK.get(meta.level, 9), meta.place, doc_id


def resolve_docs(kb, places: list[str] | None) -> tuple[list[str], list[str]]:
    """Documents for place names, aliases, doc ids or file names; also the names no document matches."""
    names = [p.strip() for p in places or () if p and p.strip()]
    if not names:
        return sorted(kb.docs, key=lambda d: _doc_order(kb, d)), []
    docs, unknown = [], []
    for name in names:
        found = {name} if name in kb.docs else set(kb.places.alias_docs.get(name, set()))
        found |= {d for d, r in kb.docs.items() if r.source == name}
        if not found:  # a name no alias knows: any document whose place contains it
            found = {d for d, r in kb.docs.items() if name in r.meta.place}
        if not found:
            unknown.append(name)
        docs.extend(d for d in sorted(found, key=lambda d: _doc_order(kb, d)) if d not in docs)
    return docs, unknown


# ---- sentences → facts ---------------------------------------------------------------------
def classify(text: str, headings: tuple[str, ...]) -> str:
    """target | project | measure, or baseline when the section reviews the past.

    >>> classify("新增养老床位48张。", ("第五章",)), classify("推进老年食堂建设。", ()), classify("鼓励敬老。", ())
    ('target', 'project', 'measure')
    >>> classify("建设日间照料站19个。", ("一、发展基础和发展环境", "(一)发展基础"))
    'baseline'
    """
    for h in reversed(headings):  # the deepest heading that says which way the section looks decides
        if _FORWARD.search(h) and not _REVIEW.search(h):
            break
        if _REVIEW.search(h):
            return "baseline"
    t = halfwidth(text)
    if UNIT_NUMBER.search(t) or _YEAR.search(t) or _COMMIT.search(t):
        return "target"
    if _PROJECT.search(t) or (headings and re.search(r"专栏.*(工程|项目)", headings[-1])):
        return "project"
    return "measure"


def _is_heading(sentence: str, chunk: Chunk) -> bool:
    """A heading repeated in the text, or a short numbered title line such as （七）民生事业显著改善。"""
    ns = normalize(sentence).rstrip("。；;：:")
    if any(ns and ns in normalize(h) for h in chunk.headings):
        return True
    return bool(_HEADING_LINE.match(sentence.strip())) and len(ns) <= 30


def _units(chunk: Chunk, doc_text: str) -> list[tuple[int, int]]:
    """Absolute character spans of the sentences of a text chunk; a short lead title joins its next sentence."""
    spans = [(chunk.start + a, chunk.start + b) for a, b in sentence_spans(chunk.text)]
    out, i = [], 0
    while i < len(spans):
        a, b = spans[i]
        s = doc_text[a:b]
        if _is_heading(s, chunk) or len(normalize(s)) < 6:
            i += 1
            continue
        line_start = doc_text.rfind("\n", 0, a) + 1
        lead = len(s) <= 20 and s.endswith("。") and not doc_text[line_start:a].strip()
        if lead and i + 1 < len(spans) and "\n" not in doc_text[b:spans[i + 1][0]]:
            out.append((a, spans[i + 1][1]))
            i += 2
            continue
        out.append((a, b))
        i += 1
    return out


class DocView:
    """One document's text, line index, place and table rows, for building facts."""

    def __init__(self, kb, doc_id: str):
        rec = kb.docs[doc_id]
        self.doc_id, self.source, self.title = doc_id, rec.source, rec.meta.title
        self.place = short_place(rec.meta.place, rec.source)
        self.text = kb.doc_text(doc_id)
        self.starts = line_starts(self.text)
        self.lines = self.text.split("\n")
        self.rows = [c for c in kb.chunks if c.doc_id == doc_id and c.kind == "table_row" and c.row is not None]

    def fact(self, chunk: Chunk, a: int, b: int, kind: str, terms, quote: str = "", incidental=False) -> Fact:
        text = self.text[a:b]
        return Fact(self.place, self.doc_id, self.source, text, kind, chunk, line_of(self.starts, a),
                    line_of(self.starts, max(a, b - 1)), numbers_in(text), quote or text, (a, b), tuple(terms),
                    incidental=incidental)

    def topic_facts(self, chunk: Chunk, topic: TopicTerms) -> list[Fact]:
        """The sentences of a text chunk that are about ``topic``, classified."""
        if chunk.kind != "text" or self.text[chunk.start:chunk.end] != chunk.text:
            return []
        in_topic_section = any(topic.matches(h) for h in chunk.headings)
        out = []
        for a, b in _units(chunk, self.text):
            s = self.text[a:b]
            found = topic.matches(s)
            if found:
                weak = not in_topic_section and incidental(s, topic)
                out.append(self.fact(chunk, a, b, classify(s, chunk.headings), found, incidental=weak))
        return out

    def row_fact(self, chunk: Chunk, terms=()) -> Fact:
        text = render_row(chunk.row)
        quote = squash(" ".join(self.lines[chunk.start_line - 1:chunk.end_line]))
        return Fact(self.place, self.doc_id, self.source, text, "indicator", chunk, chunk.start_line,
                    chunk.end_line, numbers_in(text), quote, (chunk.start, chunk.end), tuple(terms),
                    self.header_span(chunk))

    def header_span(self, chunk: Chunk) -> tuple[int, int] | None:
        """Lines above a table's first row that hold the numbers of its column headers (2020, 2025)."""
        labels = set().union(*(norm_numbers(h) for h, _ in chunk.row.cells))
        first = min(c.start_line for c in self.rows if c.row.table == chunk.row.table)
        found, need = [], set(labels)
        for ln in range(first - 1, max(0, first - 40), -1):
            if not need:
                break
            got = norm_numbers(self.lines[ln - 1]) & need
            if got:
                found.append(ln)
                need -= got
        return (min(found), max(found)) if found and not need else None


def incidental(sentence: str, topic: TopicTerms) -> bool:
    """True when every mention of the topic is one item of a list of other things.

    >>> from planqa.rag.topics import topic_terms
    >>> t = topic_terms("养老服务")
    >>> incidental("大力发展餐饮、健康、养老等生活性服务业。", t), incidental("推进老年食堂建设。", t)
    (True, False)
    """
    for seg in re.split(r"[，,。；;：:！？!?]", sentence):
        if not topic.matches(seg):
            continue
        items = seg.split("、")
        if len(items) < 2 or 2 * sum(1 for it in items if topic.matches(it)) > len(items):
            return False
    return True


def unsupported_numbers(fact: Fact, doc_text: str) -> list[str]:
    """Numbers in ``fact.text`` that the lines it cites do not hold ([] means the fact checks out).

    A table row's year labels (2020 / 2025) come from its column headers, so for
    indicators those labels may instead be found in the cited header lines.
    """
    lines = doc_text.split("\n")
    support = norm_numbers("\n".join(lines[fact.start_line - 1:fact.end_line]))
    if fact.kind == "indicator" and fact.chunk.row is not None and fact.header_lines:
        labels = set().union(*(norm_numbers(h) for h, _ in fact.chunk.row.cells))
        h0, h1 = fact.header_lines
        support |= norm_numbers("\n".join(lines[h0 - 1:h1])) & labels
    return check_numbers(fact.text, support)


def row_value(row: TableRow) -> str:
    """A table row's values as a progression.

    >>> row_value(TableRow("专栏1", "商品销售总额累计", "亿元", (("2020", "7.5"), ("2025", "46"), ("属性", "预期性"))))
    '2020年7.5亿元 → 2025年46亿元'
    """
    steps, extra = [], []
    for header, value in row.cells:
        if header.startswith("属性") or value in ("——", "—", "-", ""):
            continue
        unit = row.unit if re.search(r"[\d〕\]]$", value) and row.unit not in value else ""
        year = re.search(r"(\d{4})", header)
        if year:
            steps.append(f"{year.group(1)}年{value}{unit}")
        else:
            extra.append(f"{header.replace('目标·', '')}{value}{'%' if unit and '增长' in header else unit}")
    return " → ".join(steps) + (f"（{'，'.join(extra)}）" if extra else "")


def clause(f: Fact, terms, doc: DocView, limit: int = 70) -> Fact:
    """The clause(s) of a text fact that carry ``terms`` (and the figure beside them), as a fact of their own.

    The anchor is the first clause with a term and a figure (else the first with
    a term); the window grows to the right while the next clause adds a term, or
    a figure the window lacks. Table rows become ``name：2020年… → 2025年…``.
    """
    if f.kind == "indicator":
        text = f"{f.chunk.row.name}：{row_value(f.chunk.row)}"
        return replace(f, text=text, numbers=numbers_in(text))
    spans = [(m.start(), m.end()) for m in _CLAUSE.finditer(f.text)]
    parts = [f.text[a:b] for a, b in spans]
    has = [bool(find_terms(p, terms)) for p in parts]
    num = [bool(UNIT_NUMBER.search(halfwidth(p)) or _COMMIT.search(p)) for p in parts]
    cands = [i for i, h in enumerate(has) if h]
    if not cands or len(f.text) <= 40:
        return f
    i = j = next((k for k in cands if num[k]), cands[0])
    while j + 1 < len(parts) and spans[j + 1][1] - spans[i][0] <= limit and \
            (has[j + 1] or (num[j + 1] and not any(num[i:j + 1]))):
        j += 1
    if spans[j][1] - spans[i][0] < 8 and i > 0 and not parts[i - 1].endswith("。"):
        i -= 1
    a, b = spans[i][0], spans[j][1]
    while b > a and f.text[b - 1] in "，,；;：:。！？!? ":
        b -= 1
    return doc.fact(f.chunk, f.span[0] + a, f.span[0] + b, f.kind, f.terms, quote=f.quote)
