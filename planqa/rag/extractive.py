"""The offline answerer: picks the sentences or table rows that answer the question and cites them.

It scores sentences (not passages) by how much of the question's content they
cover, weighted by term rarity, plus question-type cues, and composes a short
answer from verbatim clauses or rebuilt table rows. It never writes a fact
that is not in a passage; when coverage is too low it refuses.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from planqa.corpus.text import halfwidth, normalize, sentence_spans
from planqa.rag.query import QueryInfo
from planqa.types import Hit, TableRow

REFUSAL = "文档中没有找到相关内容。"
_QWORDS = ("多少", "几", "哪些", "哪几", "什么", "怎样", "如何", "是否", "哪个", "哪里", "谁", "何时",
           "请问", "吗", "呢", "具体", "主要", "分别", "有关", "方面", "情况", "提出", "要求", "规划",
           "目标", "期间", "时期", "达到", "计划", "安排", "哪", "十四五", "十三五", "年", "内容", "包括")
_CLAUSE_SPLIT = re.compile(r"(?<=[，,；;：:])")
_HAS_NUMBER = re.compile(r"\d|[一二三四五六七八九十百千万]+(个|项|家|所|条|万|亿)")
_UNIT_NUM = re.compile(r"\d+(\.\d+)?\s*(%|％|万|亿|元|人|家|个|项|所|户|公里|平方米|亩|吨|张|座|条|倍|次|天|年)")
_ENUM = re.compile(r"[、；;]")
_REVIEW_HEADING = re.compile(r"回顾|发展基础|成就|十三五|过去五年|工作总结")
_FUTURE_Q = re.compile(r"目标|计划|将要|要求|力争|预期|打算|安排|部署|十四五|202[1-9]年.*(要|将)")
_PAST_Q = re.compile(r"十三五|过去|已经|完成了|取得了|回顾|成效|成绩|此前|以来")
_DATE = re.compile(r"\d{4}年(\d{1,2}月)?(\d{1,2}日)?|[一二三四五六七八九十]+月")


def question_type(question: str) -> str:
    """number | list | who | when | fact, from the question's wording.

    >>> question_type("商品销售总额目标是多少？"), question_type("包括哪些措施？"), question_type("何时印发？")
    ('number', 'list', 'when')
    """
    q = question
    if re.search(r"什么时候|何时|哪一年|哪年|日期|时间", q):
        return "when"
    if re.search(r"多少|几[个项家所条万亿%]|比例|比重|增速|增长率|覆盖率|规模|数量|金额|总额|总值|面积|率是|达到多|目标值", q):
        return "number"
    if re.search(r"哪些|哪几|包括|包含|有什么(举措|措施|工作|项目|重点)|列举|几个方面|哪几个", q):
        return "list"
    if re.search(r"谁|哪个|哪位|哪家|什么会议|由.*作", q):
        return "who"
    return "fact"


def question_tense(question: str) -> str:
    """'past' (asks about results achieved), 'future' (targets, plans) or '' (neither or both).

    >>> question_tense("“十三五”期间完成了多少？"), question_tense("2025年的目标是多少？"), question_tense("位于哪里")
    ('past', 'future', '')
    """
    past, future = bool(_PAST_Q.search(question)), bool(_FUTURE_Q.search(question))
    if past and not future:
        return "past"
    if future and not past:
        return "future"
    return ""


@dataclass
class Unit:
    """A candidate answer unit: one sentence of a text passage, or a table row."""

    n: int  # passage number (1-based)
    text: str  # verbatim sentence, or the rendered row
    row: TableRow | None
    score: float = 0.0
    coverage: float = 0.0
    found: set = field(default_factory=set)


class ExtractiveAnswerer:
    """Selects and composes cited sentences; ``idf`` gives the weight of a question term."""

    name = "extractive"

    def __init__(self, tokenize, idf, refuse_threshold: float = 0.35):
        self.tokenize = tokenize
        self.idf = idf
        self.refuse_threshold = refuse_threshold

    # ---- question terms ------------------------------------------------------------------
    def terms(self, question: str, info: QueryInfo) -> dict[str, float]:
        """Content terms of the question with their weights (places and question words removed)."""
        q = question
        for p in sorted(info.places, key=len, reverse=True):
            q = q.replace(p, " ")
        out: dict[str, float] = {}
        for tok in self.tokenize(q):
            if tok.startswith("#") or tok in _QWORDS or len(tok) < 2 or re.fullmatch(r"(19|20)\d\d", tok):
                continue  # years are checked separately against the passages
            if any(tok != o and tok in o for o in out):
                continue
            out[tok] = max(self.idf(tok), 0.1)
        # drop sub-terms of longer terms (jieba search mode yields both)
        return {t: w for t, w in out.items() if not any(t != o and t in o for o in out)}

    # ---- scoring -------------------------------------------------------------------------
    def units(self, hits: list[Hit], info: QueryInfo) -> list[Unit]:
        allowed = set(info.docs)
        out = []
        for n, h in enumerate(hits, 1):
            c = h.chunk
            if allowed and c.doc_id not in allowed:
                continue
            if c.kind == "table_row":
                out.append(Unit(n, c.text, c.row))
                continue
            for a, b in sentence_spans(c.text):
                s = c.text[a:b].strip("*# ")
                if len(s) >= 4:
                    out.append(Unit(n, s, None))
        return out

    def score(self, unit: Unit, terms: dict[str, float], qtype: str, hits: list[Hit],
              tense: str = "") -> None:
        text = normalize(unit.text)
        headings = hits[unit.n - 1].chunk.headings
        context = normalize(" ".join(headings[-1:]))
        total = sum(terms.values()) or 1.0
        got, found = 0.0, set()
        for t, w in terms.items():
            nt = normalize(t)
            if nt in text:
                got += w
                found.add(t)
            elif nt in context:
                got += 0.5 * w
            elif len(nt) >= 3:
                got += 0.8 * w * _bigram_share(nt, text)
        unit.coverage = got / total
        unit.found = found
        cue = 0.0
        if qtype == "number":
            cue = 1.0 if (unit.row is not None or _UNIT_NUM.search(halfwidth(unit.text))) else \
                (0.4 if _HAS_NUMBER.search(unit.text) else 0.0)
        elif qtype == "list":
            cue = min(1.0, len(_ENUM.findall(unit.text)) / 3)
        elif qtype == "when":
            cue = 1.0 if _DATE.search(halfwidth(unit.text)) else 0.0
        prior = 1.0 / math.sqrt(unit.n)
        # plans review the last period and set targets for the next: match the question's tense
        review = any(_REVIEW_HEADING.search(h) for h in headings)
        tense_fit = 0.0 if not tense else (0.1 if (tense == "past") == review else -0.1)
        unit.score = unit.coverage + 0.15 * cue + 0.1 * prior + tense_fit

    # ---- answering -----------------------------------------------------------------------
    def answer(self, question: str, hits: list[Hit], info: QueryInfo) -> "Draft":
        qtype = question_type(question)
        terms = self.terms(question, info)
        units = self.units(hits, info)
        tense = question_tense(question)
        for u in units:
            self.score(u, terms, qtype, hits, tense)
        units.sort(key=lambda u: -u.score)
        reason = self.refusal_reason(units, info, hits)
        if reason:
            return Draft(REFUSAL, {}, True, reason)
        if len(info.docs) > 1:
            return self._per_place(units, info, hits, qtype)
        chosen = self._choose(units, qtype)
        parts, quotes = [], {}
        for u in chosen:
            parts.append(compose(u, qtype, terms) + f"[{u.n}]。")
            quotes.setdefault(u.n, u.text if u.row is None else hits[u.n - 1].chunk.text)
        return Draft("".join(parts), quotes, False, "")

    def refusal_reason(self, units: list[Unit], info: QueryInfo, hits: list[Hit]) -> str:
        if not units:
            return "所问地方没有相关段落" if info.docs else "没有检索到相关段落"
        if info.unknown_places and not info.docs:
            return f"知识库中没有关于{'、'.join(info.unknown_places)}的文档"
        texts = normalize(" ".join(h.chunk.text + " ".join(h.chunk.headings) for h in hits))
        missing_years = [y for y in info.years if str(y) not in texts]
        if missing_years:
            return f"文档中没有关于{missing_years[0]}年的内容"
        if units[0].coverage < self.refuse_threshold:
            return "最相关的句子与问题的关键信息不符"
        return ""

    def _choose(self, units: list[Unit], qtype: str) -> list[Unit]:
        best = units[0]
        limit = {"number": 2, "when": 1, "who": 1, "list": 2, "fact": 2}.get(qtype, 2)
        chosen = [best]
        for u in units[1:]:
            if len(chosen) >= limit:
                break
            if u.score >= 0.85 * best.score and u.coverage >= self.refuse_threshold \
                    and not _redundant(u, chosen) and (u.found - best.found or qtype in ("list", "fact")):
                chosen.append(u)
        chosen.sort(key=lambda u: (u.n, units.index(u)))
        return chosen

    def _per_place(self, units: list[Unit], info: QueryInfo, hits: list[Hit], qtype: str) -> "Draft":
        parts, quotes = [], {}
        for doc in info.docs:
            mine = [u for u in units if hits[u.n - 1].chunk.doc_id == doc]
            place = next((p for p in info.places if doc in _docs_for(p, hits)), doc)
            if not mine or mine[0].coverage < self.refuse_threshold:
                parts.append(f"{_short_place(hits, doc, place)}：文档中没有找到相关内容。")
                continue
            u = mine[0]
            parts.append(f"{_short_place(hits, doc, place)}：{compose(u, qtype, {})}[{u.n}]。")
            quotes.setdefault(u.n, u.text if u.row is None else hits[u.n - 1].chunk.text)
        refused = not quotes
        return Draft("".join(parts) if not refused else REFUSAL, quotes, refused,
                     "各地文档中都没有找到相关内容" if refused else "")


@dataclass
class Draft:
    text: str
    quotes: dict[int, str]
    refused: bool
    reason: str


def _bigram_share(term: str, text: str) -> float:
    """Share of a term's character bigrams found in ``text`` (外贸出口 vs 出口总额 → 1/3)."""
    grams = [term[i:i + 2] for i in range(len(term) - 1)]
    return sum(1 for g in grams if g in text) / len(grams)


def _redundant(u: Unit, chosen: list[Unit]) -> bool:
    nu = normalize(u.text)
    return any(nu in normalize(c.text) or normalize(c.text) in nu for c in chosen)


def _docs_for(place: str, hits: list[Hit]) -> set[str]:
    return {h.chunk.doc_id for h in hits if place and place in h.chunk.place}


def _short_place(hits: list[Hit], doc: str, fallback: str) -> str:
    for h in hits:
        if h.chunk.doc_id == doc and h.chunk.place:
            return re.sub(r"^(天津市)?(滨海新区|静海区(?=.))?", "", h.chunk.place) or h.chunk.place
    return fallback


def compose(u: Unit, qtype: str, terms: dict[str, float]) -> str:
    """The answer text for one unit: a table row in words, or the verbatim clauses that matter."""
    if u.row is not None:
        return render_row(u.row)
    if qtype in ("number", "when", "who") and terms:
        return _key_clauses(u.text, terms)
    return u.text.rstrip("。；;！!？?")


def render_row(row: TableRow) -> str:
    """A table row as a short statement with units.

    >>> render_row(TableRow("专栏1", "商品销售总额累计", "亿元", (("2020", "7.5"), ("2025", "46"), ("属性", "预期性"))))
    '商品销售总额累计：2020年7.5亿元，2025年46亿元（预期性指标）'
    """
    vals, attr = [], ""
    for header, value in row.cells:
        if header.startswith("属性"):
            attr = value if value.endswith("性") else value + "性"
            continue
        if value in ("——", "—", "-", ""):
            continue
        label = header.replace("目标·", "目标")
        if re.fullmatch(r"\d{4}", label):
            label += "年"
        v = value
        if row.unit and re.search(r"\d$|〕$|\]$", value) and row.unit not in value:
            v = value + row.unit
        vals.append(f"{label}{v}" if label.endswith("年") else f"{label}{v}")
    text = f"{row.name}：" + "，".join(vals)
    return text + (f"（{attr}指标）" if attr else "")


def _key_clauses(sentence: str, terms: dict[str, float]) -> str:
    """The clause(s) of a sentence holding the numbers and question terms it is chosen for."""
    clauses = [c for c in _CLAUSE_SPLIT.split(sentence.rstrip("。；;！!？?")) if c.strip()]

    def value(c: str) -> float:
        nc = normalize(c)
        hit = sum(w for t, w in terms.items() if normalize(t) in nc)
        return hit + (0.5 if _HAS_NUMBER.search(c) else 0.0)

    best = max(range(len(clauses)), key=lambda i: value(clauses[i]))
    lo, hi = best, best + 1
    # pull in a neighbour that carries a missing term (subject before, figure after)
    if best > 0 and value(clauses[best - 1]) > 0.5:
        lo = best - 1
    if hi < len(clauses) and value(clauses[hi]) >= value(clauses[best]) * 0.8 and _HAS_NUMBER.search(clauses[hi]):
        hi += 1
    chosen = "".join(clauses[lo:hi]).strip().rstrip("，,；;：:")
    # an enumeration of figures (A完成23.3亿、B完成25.5亿、…): keep the item asked about
    items = chosen.split("、")
    if len(items) > 2 and sum(1 for it in items if _UNIT_NUM.search(halfwidth(it))) >= 2:
        best_item = max(items, key=value)
        if value(best_item) > 0.5:
            return best_item.strip()
    return chosen
