"""Policy briefings on a topic across places: per-document retrieval, cited facts, a comparison table.

Retrieval runs once per document with the expanded topic; only sentences that
name the topic are kept, classified, number-checked against the lines they cite
and grouped by place. Facts are verbatim sentences or rebuilt table rows; the
only words added are labels and counts. Rendering is in ``briefing_render``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from planqa.corpus.text import halfwidth, normalize
from planqa.rag.citations import verify
from planqa.rag.answer.compose import UNIT_NUMBER
from planqa.rag.comparison import compare
from planqa.rag.facts import DocView, Fact, clause, resolve_docs, unsupported_numbers
from planqa.rag.retrievers import Filters
from planqa.rag.topics import TopicTerms, expand_topic, find_terms, topic_terms
from planqa.types import Chunk, Hit

__all__ = ["Briefing", "ComparisonTable", "Fact", "build_briefing", "compare", "expand_topic"]

KIND_ORDER = ("indicator", "target", "project", "measure", "baseline")
CAPS = {"indicator": 6, "target": 6, "project": 5, "measure": 6, "baseline": 2}  # per place, most relevant first
_CELL_RANK = {"indicator": 0, "target": 1, "project": 2, "measure": 3}
_KIND_COLUMNS = (("目标与指标", ("target", "indicator")), ("重点项目", ("project",)), ("主要举措", ("measure",)))


@dataclass
class ComparisonTable:
    """Rows are places, columns are aspects of the topic; a cell is a Fact or None (未提及)."""

    columns: list[str]
    rows: dict[str, list[Fact | None]]

    def cell(self, place: str, column: str) -> Fact | None:
        return self.rows[place][self.columns.index(column)]


@dataclass
class Briefing:
    topic: str
    places: list[str]
    facts_by_place: dict[str, list[Fact]]
    table: ComparisonTable
    overview: str  # lines of sentences with [n] markers pointing into ``overview_facts`` (1-based)
    notices: list[str]
    overview_facts: list[Fact] = field(default_factory=list)
    docs_by_place: dict[str, list[str]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # doc_id -> title
    sources: dict[str, str] = field(default_factory=dict)  # doc_id -> file name
    unknown_places: list[str] = field(default_factory=list)
    omitted: dict[str, int] = field(default_factory=dict)  # place -> related sentences left out
    terms: list[str] = field(default_factory=list)
    overview_by: str = "extractive"  # or "llm"

    @property
    def found(self) -> bool:
        return any(self.facts_by_place.values())

    def covered(self) -> list[str]:
        """Places whose documents plan something on the topic (not only review it)."""
        return [p for p in self.places if any(f.kind != "baseline" for f in self.facts_by_place[p])]


# ---- facts per document --------------------------------------------------------------------
def _relevance(f: Fact, topic: TopicTerms) -> float:
    return len(f.terms) + (2.0 if topic.topic in f.terms else 0.0) + (0.5 if f.numbers else 0.0) \
        - (3.0 if f.incidental else 0.0)


def _doc_facts(assistant, doc: DocView, topic: TopicTerms, per_doc_k: int) -> list[Fact]:
    """Facts of one document about the topic: retrieved sentences plus every matching table row."""
    chunks: dict[str, Chunk] = {}
    for q in topic.search_queries():
        for h in assistant.retrieve(q, per_doc_k, Filters(doc_ids=(doc.doc_id,))):
            chunks.setdefault(h.chunk.chunk_id, h.chunk)
    facts = [f for c in chunks.values() for f in doc.topic_facts(c, topic)]
    facts += [doc.row_fact(c, topic.matches(c.row.name)) for c in doc.rows if topic.matches(c.row.name)]
    return facts


def _checked(facts: list[Fact], doc: DocView, notices: list[str]) -> list[Fact]:
    kept = []
    for f in facts:
        missing = unsupported_numbers(f, doc.text)
        if missing:
            notices.append(f"已剔除{doc.place}的一条表述：数字 {missing[0]} 不在所引第{f.start_line}–{f.end_line}行中"
                           f"（{f.text[:30]}…）")
        else:
            kept.append(f)
    return kept


def _dedupe(facts: list[Fact]) -> list[Fact]:
    out: list[Fact] = []
    for f in sorted(facts, key=lambda f: -len(f.text)):
        if not any(normalize(f.text) in normalize(g.text) for g in out):
            out.append(f)
    return out


def _select(facts: list[Fact], topic: TopicTerms) -> tuple[list[Fact], int]:
    """The most relevant facts of each kind within the caps, in document order; and how many were left out.

    Passing mentions (养老 as one item of a list of services) are left out when
    the document says something about the topic in its own right.
    """
    if any(not f.incidental and f.kind != "baseline" for f in facts):
        pool = [f for f in facts if not f.incidental]
    else:
        pool = facts
    kept = []
    for kind in KIND_ORDER:
        mine = sorted((f for f in pool if f.kind == kind), key=lambda f: (-_relevance(f, topic), f.start_line))
        kept.extend(mine[:CAPS[kind]])
    kept.sort(key=lambda f: (f.doc_id, KIND_ORDER.index(f.kind), f.start_line))
    return kept, len(facts) - len(kept)


# ---- comparison table and overview ---------------------------------------------------------
def _best(facts: list[Fact], terms, kinds=tuple(_CELL_RANK), topic: TopicTerms | None = None) -> Fact | None:
    cands = [f for f in facts if f.kind in kinds and (not terms or find_terms(f.text, terms))]
    if not cands:
        return None
    if topic is not None:
        return min(cands, key=lambda f: (-_relevance(f, topic), f.start_line))
    return min(cands, key=lambda f: (_CELL_RANK[f.kind], -len(find_terms(f.text, terms)), f.start_line))


def _table(topic: TopicTerms, b: Briefing, docs: dict[str, DocView]) -> ComparisonTable:
    """Columns are the topic's aspects; other topics get 目标与指标 / 重点项目 / 主要举措."""
    specs = [(label, terms, tuple(_CELL_RANK)) for label, terms in topic.aspects]
    if len(specs) < 2:  # one aspect would make a one-column table: compare by kind instead
        specs = [(label, (), kinds) for label, kinds in _KIND_COLUMNS]
    columns, rows = [], {p: [] for p in b.places}
    for label, terms, kinds in specs:
        col = {}
        for place in b.places:
            best = _best(b.facts_by_place[place], terms, kinds, None if terms else topic)
            cell = clause(best, terms or best.terms, docs[best.doc_id]) if best else None
            col[place] = cell if cell is None or not unsupported_numbers(cell, docs[cell.doc_id].text) else None
        if any(col.values()):
            columns.append(label)
            for place in b.places:
                rows[place].append(col[place])
    if topic.aspects and any(not any(rows[p]) for p in b.covered()):
        # a place whose statements fit no aspect must not read as saying nothing
        col = {p: _other(b.facts_by_place[p], rows[p], topic, docs) for p in b.places}
        columns.append("其他相关表述")
        for place in b.places:
            rows[place].append(col[place])
    return ComparisonTable(columns, rows)


def _other(facts: list[Fact], used: list[Fact | None], topic: TopicTerms, docs: dict[str, DocView]) -> Fact | None:
    taken = {(c.doc_id, c.start_line) for c in used if c is not None}
    rest = [f for f in facts if f.kind != "baseline" and (f.doc_id, f.start_line) not in taken]
    best = min(rest, key=lambda f: (-_relevance(f, topic), f.start_line)) if rest else None
    return clause(best, best.terms, docs[best.doc_id]) if best else None


def _key_fact(facts: list[Fact], topic: TopicTerms, docs: dict[str, DocView]) -> Fact:
    """The fact an overview sentence leads with: a quantified target first."""
    def score(f: Fact):
        quantified = bool(UNIT_NUMBER.search(halfwidth(f.text)))
        rank = {"target": 0, "indicator": 1, "project": 2, "measure": 3}[f.kind]  # prose targets say more
        return rank + (0 if quantified else 2), -_relevance(f, topic), f.start_line
    best = min((f for f in facts if f.kind != "baseline"), key=score)
    return clause(best, best.terms, docs[best.doc_id], limit=80)


def _extractive_overview(b: Briefing, docs: dict[str, DocView], topic: TopicTerms) -> tuple[str, list[Fact]]:
    n_docs = sum(len(v) for v in b.docs_by_place.values())
    if not b.found:
        return f"在所检索的{n_docs}份文件中未找到与“{b.topic}”相关的内容。", []
    covered = b.covered()
    silent = [p for p in b.places if p not in covered]
    head = f"共检索{n_docs}份文件，{len(covered)}个地方对“{b.topic}”作出了部署"
    lines, facts = [head + (f"，{'、'.join(silent)}未作部署。" if silent else "。")], []
    for place in covered:
        fs = b.facts_by_place[place]
        counts = [(label, sum(1 for f in fs if f.kind == k)) for k, label in
                  (("target", "目标"), ("indicator", "指标"), ("measure", "举措"), ("project", "项目"))]
        key = _key_fact(fs, topic, docs)
        facts.append(key)
        lines.append(f"{place}梳理出{'、'.join(f'{label}{n}条' for label, n in counts if n)}，"
                     f"重点是：{key.text.rstrip('。；;，,')}[{len(facts)}]。")
    return "\n".join(lines), facts


def _llm_overview(assistant, b: Briefing) -> tuple[str, list[Fact]]:
    """An overview written by the LLM from the cited facts only, verified like any answer."""
    pool = [f for p in b.covered() for f in b.facts_by_place[p] if f.kind != "baseline"][:24]
    hits = [Hit(replace(f.chunk, text=f.text, kind="text"), 1.0, "briefing") for f in pool]
    question = (f"请根据资料写一段关于“{b.topic}”的概述：每个地方一句话，写明地名和最重要的目标或数字，"
                f"每句末尾标注所依据资料的编号。")
    draft = "".join(assistant.llm_answerer().stream(question, hits))
    checked = verify(draft, hits)
    b.notices.extend(f"概述：{d}" for d in checked.dropped)
    if not checked.cited:
        raise ValueError("LLM 概述未通过引用核验")
    silent = [p for p in b.places if p not in b.covered()]
    tail = f"\n{'、'.join(silent)}的文件未对“{b.topic}”作出部署。" if silent else ""
    return checked.text + tail, pool


def build_briefing(assistant, topic: str, places: list[str] | None = None, per_doc_k: int = 8) -> Briefing:
    """Collect the cited facts about ``topic`` from each document (all documents when ``places`` is None).

    ``places`` may hold place names or aliases (新河街, 静海), doc ids or file names.
    A document that says nothing on the topic keeps an empty fact list (未提及).
    """
    terms = topic_terms(topic)  # fails fast on an empty topic
    if per_doc_k < 1:
        raise ValueError(f"per_doc_k={per_doc_k}: must be at least 1")
    topic, kb = terms.topic, assistant.kb
    doc_ids, unknown = resolve_docs(kb, places)
    notices = [f"知识库中没有关于“{u}”的文件" for u in unknown]
    docs = {d: DocView(kb, d) for d in doc_ids}
    b = Briefing(topic, [], {}, ComparisonTable([], {}), "", notices, unknown_places=unknown, terms=terms.queries,
                 titles={d: x.title for d, x in docs.items()}, sources={d: x.source for d, x in docs.items()})
    for d, doc in docs.items():
        facts = _dedupe(_checked(_doc_facts(assistant, doc, terms, per_doc_k), doc, notices))
        kept, left = _select(facts, terms)
        if doc.place not in b.facts_by_place:
            b.places.append(doc.place)
        b.facts_by_place.setdefault(doc.place, []).extend(kept)
        b.docs_by_place.setdefault(doc.place, []).append(d)
        b.omitted[doc.place] = b.omitted.get(doc.place, 0) + left
    if b.found:
        b.table = _table(terms, b, docs)
    b.overview, b.overview_facts = _extractive_overview(b, docs, terms)
    if b.covered() and assistant.settings.answerer == "llm":
        try:
            b.overview, b.overview_facts = _llm_overview(assistant, b)
            b.overview_by = "llm"
        except Exception as exc:  # noqa: BLE001 - any LLM failure keeps the extractive overview
            b.notices.append(f"LLM 概述不可用（{str(exc)[:120]}）；已使用抽取式概述")
    return b
