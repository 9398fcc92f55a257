"""The offline answerer: picks the sentences or table rows that answer the question and cites them.

Sentences (not passages) are scored by how much of the question's content they
cover — character bigrams weighted by rarity in the corpus — plus
question-type and tense cues. The answer is composed from verbatim clauses or
rebuilt table rows; when coverage is too low, or the question's place or year
is not covered, it refuses.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from planqa.corpus.text import cn_year_to_digits, halfwidth, norm_numbers, normalize, sentence_spans
from planqa.rag.compose import (HAS_NUMBER, UNIT_NUMBER, enumeration_items, key_clauses, render_row,
                                with_enumeration)
from planqa.rag.query import QueryInfo
from planqa.rag.question import (asked_count, content_bigrams, defined_term, term_parts, content_text, indicator_phrase, nouns, question_tense,
                                 question_type, question_words)
from planqa.types import Hit, TableRow

REFUSAL = "文档中没有找到相关内容。"
_ENUM = re.compile(r"[、；;]|[一二三四五六七八九]是")
_DATE = re.compile(r"\d{4}年(\d{1,2}月)?(\d{1,2}日)?|[一二三四五六七八九十]+月")
_REVIEW_HEADING = re.compile(r"回顾|发展基础|成就|十三五|过去五年|工作总结")
_LEAD_MAX = 30
FOREIGN_MAX_COVERAGE = 0.5  # a question about a thing the corpus never names, unless the rest matches well
SECOND_COVERAGE, SECOND_SCORE = 0.6, 0.7  # how close a second sentence must come to the best one
YEAR_WEIGHT = 1.0
NAMED_FIGURE = 0.5
WORD_MIN_IDF = 1.5  # a question word this common (发展, 工作) does not justify a second citation


@dataclass
class Unit:
    """A candidate answer unit: one sentence of a text passage, or a table row."""

    n: int  # passage number (1-based)
    text: str  # verbatim sentence, or the rendered row
    row: TableRow | None
    index: int = 0  # sentence number within its passage
    sentences: tuple[str, ...] = ()  # all sentences of the passage (for enumerations)
    score: float = 0.0
    coverage: float = 0.0
    tense_fit: float = 0.0
    found: frozenset = field(default_factory=frozenset)
    raw: str = ""  # the passage text as written, when ``text`` joins wrapped lines

    @property
    def source_text(self) -> str:
        return self.raw or self.text


@dataclass
class Draft:
    text: str
    quotes: dict[int, str]
    refused: bool
    reason: str


class ExtractiveAnswerer:
    """Selects and composes cited sentences. ``idf(token)`` weighs question bigrams by rarity."""

    name = "extractive"

    def __init__(self, idf, refuse_threshold: float = 0.35, periods: dict[str, str] | None = None,
                 embedder=None, semantic_weight: float = 0.3, semantic_top: int = 12,
                 tokenize=None, doc_freq=None):
        self.idf = idf
        self.tokenize = tokenize
        self.doc_freq = doc_freq
        self.embedder = embedder
        self.semantic_weight = semantic_weight
        self.semantic_top = semantic_top
        self.refuse_threshold = refuse_threshold
        self.periods = periods or {}

    def weights(self, question: str, info: QueryInfo) -> dict[str, float]:
        """Question bigrams weighted by rarity; a year asked about (到2035年) counts as a common word."""
        w = {g: max(self.idf("#" + g), 0.2) for g in content_bigrams(question, info.places)}
        w.update({str(y): YEAR_WEIGHT for y in info.years if y >= 2000})
        return w

    # ---- candidates and scores -----------------------------------------------------------
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
            spans = _join_wrapped(c.text, sentence_spans(c.text),
                                  lambda piece, h=h: _is_heading_line(piece.strip("*# "), h))
            sents = tuple(_unwrap(c.text[a:b]).strip("*# ") for a, b in spans)
            out.extend(Unit(n, s, None, i, sents, raw=c.text[a:b] if "\n" in c.text[a:b] else "")
                       for i, (s, (a, b)) in enumerate(zip(sents, spans))
                       if len(s) >= 6 and not _is_heading_line(s, h))
        return out

    def score(self, u: Unit, weights: dict[str, float], qtype: str, tense: str, hits: list[Hit],
              count: int = 0, term: str = "") -> None:
        text = cn_year_to_digits(normalize(u.text))
        headings = hits[u.n - 1].chunk.headings
        context = cn_year_to_digits(normalize(headings[-1])) if headings else ""
        total = sum(weights.values()) or 1.0
        found = frozenset(g for g in weights if g in text)
        near = sum(w for g, w in weights.items() if g not in found and g in context)
        u.coverage = (sum(weights[g] for g in found) + 0.5 * near) / total
        u.found = found
        cue = 0.0
        if qtype == "number":
            if u.row is not None:  # a row whose cells hold no figure (——, 与GDP增长保持同步) gives none
                cue = 1.0 if _row_has_figures(u.row) else -0.5
            else:
                cue = 1.0 if UNIT_NUMBER.search(halfwidth(u.text)) else (0.4 if HAS_NUMBER.search(u.text) else -1.0)
        elif qtype == "list":
            # 哪三个“区”: an enumeration of exactly that many items is the answer's shape
            cue = 1.0 if count and _items(u.text) == count else min(1.0, len(_ENUM.findall(u.text)) / 3)
        elif qtype == "when":
            cue = 1.0 if _DATE.search(halfwidth(u.text)) else 0.0
        if term and any(_defines(u.text, part) for part in {term, *term_parts(term)}):
            cue += 2.0  # 一带：以南运河为骨架… answers 什么是“一带”
        # plans review the last period and set targets for the next: match the question's tense
        review = any(_REVIEW_HEADING.search(h) for h in headings)
        tense_fit = 0.0 if not tense else (0.1 if (tense == "past") == review else -0.1)
        u.tense_fit = tense_fit
        u.score = u.coverage + 0.15 * cue + 0.3 / math.sqrt(u.n) + tense_fit

    # ---- answering -----------------------------------------------------------------------
    def answer(self, question: str, hits: list[Hit], info: QueryInfo) -> Draft:
        qtype, tense = question_type(question), question_tense(question)
        weights = self.weights(question, info)
        units = self.units(hits, info)
        count, term = asked_count(question), defined_term(question)
        phrase = indicator_phrase(question, info.places)
        for u in units:
            self.score(u, weights, qtype, tense, hits, count, term)
            # a figure asked for by name (绿化覆盖率) comes from a sentence or row that names it
            if qtype == "number" and len(phrase) >= 3 and _phrase_share(phrase, u.text) >= 0.6:
                u.score += NAMED_FIGURE
        units.sort(key=lambda u: -u.score)
        self._add_semantic(question, units)
        reason = self.refusal_reason(units, info, hits, qtype, phrase, self.foreign_words(question, info))
        if reason:
            return Draft(REFUSAL, {}, True, reason)
        if len(info.docs) > 1:
            return self._per_place(units, info, hits, qtype, weights)
        if term:
            defs = definitions(units, term, hits)
            if defs:
                return defs
        if qtype in ("list", "summary"):
            leads = section_leads(units, weights, hits)
            if leads:
                return leads
        if qtype == "summary":
            return _summary(units[0], hits)
        parts, quotes = [], {}
        for u in self._choose(units, qtype, self.key_words(question, info), weights, hits, phrase):
            parts.append(_cite(_compose(u, qtype, weights, hits), u.n))
            quotes.setdefault(u.n, _quote(u, hits))
        return Draft("".join(parts), quotes, False, "")

    def foreign_words(self, question: str, info: QueryInfo) -> list[str]:
        """Content words of the question none of whose character pairs occur anywhere in the corpus."""
        if self.tokenize is None or self.doc_freq is None:
            return []
        out = []
        for tok in nouns(content_text(question, info.places)):
            if all(self.doc_freq("#" + tok[i:i + 2]) == 0 for i in range(len(tok) - 1)):
                out.append(tok)
        return out

    def _add_semantic(self, question: str, units: list[Unit]) -> None:
        """Re-score the lexically best sentences with embedding similarity to the question."""
        if self.embedder is None or not self.semantic_weight or not units:
            return
        head = units[: self.semantic_top]
        q = self.embedder.embed_query(question)
        vecs = self.embedder.embed_documents([u.text for u in head])
        for u, sim in zip(head, vecs @ q):
            u.score += self.semantic_weight * float(sim)
        head.sort(key=lambda u: -u.score)
        units[: len(head)] = head

    def refusal_reason(self, units: list[Unit], info: QueryInfo, hits: list[Hit], qtype: str,
                       phrase: str = "", foreign: list[str] = ()) -> str:
        if not units:
            return "所问地方的文档中没有相关段落" if info.docs else "没有检索到相关段落"
        if info.unknown_places and not info.docs:
            return f"知识库中没有关于{'、'.join(info.unknown_places)}的文档"
        if foreign and units and units[0].coverage < FOREIGN_MAX_COVERAGE:
            return f"文档中没有提到“{foreign[0]}”"
        uncovered = [y for y in info.years if not _year_covered(y, hits, self.periods)]
        if uncovered:
            return f"文档中没有关于{uncovered[0]}年的内容"
        best = units[0]
        if best.coverage < self.refuse_threshold:
            return "最相关的句子与问题的关键信息不符"
        numeric = [u for u in units[:8] if u.row is not None or HAS_NUMBER.search(u.text)]
        if qtype == "number" and not any(u.coverage >= self.refuse_threshold for u in numeric):
            return "相关段落中没有所问的数字"
        # a figure is asked for by name (商品销售总额, 养老床位): that name must be in the passage found
        if qtype == "number" and len(phrase) >= 3 and \
                max((_phrase_share(phrase, u.text) for u in numeric), default=0.0) < 0.6:
            return f"文档中没有“{phrase}”的相关数字"
        return ""

    def key_words(self, question: str, info: QueryInfo) -> list[str]:
        """The question's words that are rare enough to tell passages apart."""
        def common(w: str) -> bool:  # in many passages of a corpus big enough to tell (发展, 工作)
            grams = ["#" + w[i:i + 2] for i in range(len(w) - 1)]
            rare = max(grams, key=self.idf)
            return self.idf(rare) < WORD_MIN_IDF and (self.doc_freq is None or self.doc_freq(rare) >= 3)

        return [w for w in question_words(question, info.places) if not common(w)]

    def _choose(self, units: list[Unit], qtype: str, words: list[str] = (), weights=None,
                hits: list[Hit] = (), phrase: str = "") -> list[Unit]:
        best = units[0]
        limit = {"when": 1, "who": 1}.get(qtype, 2)
        if qtype == "number" and best.row is not None and _row_has_figures(best.row) \
                and _row_is_asked(best.row, phrase):
            limit = 1  # an indicator question is answered by its table row
        if qtype == "list" and _items(_compose(best, qtype, weights or {}, hits)) >= 3:
            limit = 1  # the list is there; a second sentence would only talk around it
        chosen = [best]
        # the sentence right after (or before) the best one goes on with the same statement: try it first
        rest = sorted(units[1:], key=lambda u: not _next_to(u, best, hits))
        for u in rest:
            if len(chosen) >= limit:
                break
            if u.coverage < max(self.refuse_threshold, SECOND_COVERAGE * best.coverage) \
                    or u.score < SECOND_SCORE * best.score:
                continue
            if _redundant(u, chosen) or u.tense_fit < 0:
                continue
            # a second unit must add something the first lacks: a question word it does not hold,
            # or, beside an indicator table row, prose that states a different figure
            if qtype == "number" and (u.row is None) != (best.row is None):
                shown = {n for c in chosen for n in norm_numbers(_compose(c, qtype, weights or {}, hits))}
                adds = bool(norm_numbers(_compose(u, qtype, weights or {}, hits)) - shown)
            else:
                held = {w for c in chosen for w in words if w in normalize(c.text)}
                adds = any(w in normalize(u.text) and w not in held for w in words)
            if adds:
                chosen.append(u)
        chosen.sort(key=lambda u: (u.n, u.index))
        return chosen

    def _per_place(self, units, info: QueryInfo, hits: list[Hit], qtype: str, weights) -> Draft:
        parts, quotes = [], {}
        for doc in info.docs:
            mine = [u for u in units if hits[u.n - 1].chunk.doc_id == doc]
            name = _short_place(hits, doc)
            if not mine or mine[0].coverage < self.refuse_threshold:
                parts.append(f"{name}：文档中没有找到相关内容。")
                continue
            u = mine[0]
            parts.append(f"{name}：" + _cite(_compose(u, qtype, weights, hits), u.n))
            quotes.setdefault(u.n, _quote(u, hits))
        if not quotes:
            return Draft(REFUSAL, {}, True, "各地文档中都没有找到相关内容")
        return Draft("".join(parts), quotes, False, "")


SUMMARY_CHARS = 160


def _summary(best: Unit, hits: list[Hit]) -> Draft:
    """The best sentence and the ones after it in its passage, up to a short paragraph."""
    if best.row is not None or not best.sentences:
        return Draft(_cite(_compose(best, "fact", {}, hits), best.n), {best.n: _quote(best, hits)}, False, "")
    picked = [best.sentences[best.index]]
    for s in best.sentences[best.index + 1:]:
        if sum(len(x) for x in picked) + len(s) > SUMMARY_CHARS:
            break
        picked.append(s)
    quote = _span_text(hits[best.n - 1].chunk.text, best.source_text, picked[-1])
    return Draft(_cite("".join(picked), best.n), {best.n: quote}, False, "")


def _compose(u: Unit, qtype: str, weights: dict[str, float], hits: list[Hit]) -> str:
    if u.row is not None:
        return render_row(u.row)
    if re.search(r"[一二三四五六七八九]是", u.text):
        return with_enumeration(list(u.sentences), u.index)
    return key_clauses(u.text, weights, prefer="list" if qtype == "list" else "number")


_WRAP_MAX = 80
_END_MARK = re.compile(r"[。；;！!？?：:，,、]$")


def _join_wrapped(text: str, spans: list[tuple[int, int]], is_heading=lambda piece: False
                  ) -> list[tuple[int, int]]:
    """Join lines that are pieces of one wrapped statement (a title or subtitle broken over lines).

    Lines without an end mark that follow each other (at most one blank line
    apart) make one unit, up to a short statement's length.
    """
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out:
            pa, pb = out[-1]
            gap = text[pb:a]
            if not _END_MARK.search(text[pa:pb].rstrip()) and not _END_MARK.search(text[a:b].rstrip()) \
                    and not gap.strip() and 0 < gap.count("\n") <= 2 \
                    and not is_heading(text[a:b]) and not is_heading(text[pa:pb]) \
                    and len(_unwrap(text[pa:b])) <= _WRAP_MAX:
                out[-1] = (pa, b)
                continue
        out.append((a, b))
    return out


def _unwrap(text: str) -> str:
    return re.sub(r"\s*\n\s*", "", text)


def _cite(text: str, n: int) -> str:
    """``text`` with the marker [n] closing each of its sentences (；-separated parts included).

    >>> _cite("一是产业弱；二是民生有短板。", 3)
    '一是产业弱[3]；二是民生有短板[3]。'
    """
    body = re.sub(r"\s*[。；;！!？?]+$", "", text.strip())
    return re.sub(r"(?<![\]])([。；;！!？?])", rf"[{n}]\1", body) + f"[{n}]。"


def _quote(u: Unit, hits: list[Hit]) -> str:
    """The passage text a unit's answer rests on: its row, its sentence, or its whole enumeration."""
    chunk = hits[u.n - 1].chunk
    if u.row is not None:
        return chunk.text
    if re.search(r"[一二三四五六七八九]是", u.text) and u.sentences:
        items = enumeration_items(list(u.sentences), u.index)
        last = u.sentences[u.index + sum(len(parts) for parts in items) - 1]
        return _span_text(chunk.text, u.source_text, last)
    return u.source_text


def _span_text(text: str, first: str, last: str) -> str:
    """The stretch of ``text`` from sentence ``first`` to sentence ``last`` (``first`` if not found)."""
    a = text.find(first)
    b = text.find(last, max(a, 0))
    return text[a:b + len(last)] if a >= 0 and b >= 0 else first


def definitions(units: list[Unit], term: str, hits: list[Hit]) -> Draft | None:
    """The sentences that define a term, or each part of a numbered slogan, in document order.

    “一轴多片” is answered by 一轴：… and 多片：…; “一带” by 一带：….
    """
    parts = term_parts(term)
    found = []
    for part in ([term] + parts if len(parts) > 1 else parts):
        u = next((u for u in units if u.row is None and _defines(u.text, part)), None)
        if u is not None and u not in found:
            found.append(u)
            if part == term:
                break  # the whole term is defined at once
    if len(parts) > 1 and len(found) < len(parts) and not (found and _defines(found[0].text, term)):
        return None  # a slogan half explained is not an answer
    if not found:
        return None
    found.sort(key=lambda u: (u.n, u.index))
    return Draft("".join(_cite(u.text, u.n) for u in found), _quotes(found, hits), False, "")


def section_leads(units: list[Unit], weights: dict[str, float], hits: list[Hit]) -> Draft | None:
    """A list answer from the short lead sentences of the paragraphs of one matching section.

    Plans often list their points as paragraphs that open with a short title
    sentence (建设宜居宜业产城融合示范街区。…); when the question matches the
    section heading, those titles are the answer.
    """
    total = sum(weights.values()) or 1.0
    groups: dict[tuple, list[int]] = {}
    for n, h in enumerate(hits, 1):
        if h.chunk.kind == "text" and h.chunk.headings:
            groups.setdefault((h.chunk.doc_id, h.chunk.headings), []).append(n)
    best_key, best_cov = None, 0.0
    for key, ns in groups.items():
        heading = normalize(key[1][-1])
        cov = sum(w for g, w in weights.items() if g in heading) / total
        if len(ns) >= 2 and cov > best_cov:
            best_key, best_cov = key, cov
    if best_key is None or best_cov < 0.6:
        return None
    leads = []
    for n in sorted(groups[best_key], key=lambda n: hits[n - 1].chunk.start):
        text = hits[n - 1].chunk.text
        for u in sorted((u for u in units if u.n == n and u.row is None), key=lambda u: u.index):
            if len(u.text) <= _LEAD_MAX and u.text.endswith("。") and _opens_paragraph(text, u.text) \
                    and not _is_heading_line(u.text, hits[n - 1]):
                leads.append(u)
    if len(leads) < 2:
        return None
    text = "".join(f"{u.text.rstrip('。')}[{u.n}]；" for u in leads).rstrip("；") + "。"
    return Draft(text, _quotes(leads, hits), False, "")


def _quotes(units: list[Unit], hits: list[Hit]) -> dict[int, str]:
    """Per passage, the stretch from the first to the last of the sentences used from it."""
    quotes = {}
    for n in dict.fromkeys(u.n for u in units):
        mine = sorted((u for u in units if u.n == n), key=lambda u: u.index)
        quotes[n] = _span_text(hits[n - 1].chunk.text, mine[0].source_text, mine[-1].source_text)
    return quotes


def _opens_paragraph(text: str, sentence: str) -> bool:
    """The sentence stands at the start of a line of the passage."""
    pos = text.find(sentence)
    return pos == 0 or (pos > 0 and text[:pos].rstrip(" \t\u3000*#").endswith("\n"))


def _is_heading_line(sentence: str, hit: Hit) -> bool:
    ns = normalize(sentence)
    return any(ns == normalize(h) or ns in normalize(h) and len(ns) >= 0.8 * len(normalize(h))
               for h in hit.chunk.headings)


def _year_covered(year: int, hits: list[Hit], periods: dict[str, str]) -> bool:
    """A year is covered when a passage mentions it as a year or its document's period spans it."""
    for h in hits:
        years = [int(y) for y in re.findall(r"\d{4}", periods.get(h.chunk.doc_id, ""))]
        # a plan's period, and the base year before it that its indicator tables report
        if years and min(years) - (1 if len(years) > 1 else 0) <= year <= max(years):
            return True
        if h.chunk.row is not None and any(str(year) in header for header, _ in h.chunk.row.cells):
            return True
        c = h.chunk
        text = normalize(c.text + " ".join(c.headings))
        if f"{year}年" in text or re.search(rf"{year}[—–-]|[—–-]{year}", text):
            return True
    return False


def _defines(sentence: str, term: str) -> bool:
    """The sentence opens by defining ``term`` (一带：…, “一带”是指…, 一带即…)."""
    t = normalize(sentence).lstrip("“\"'（(")
    nt = normalize(term)
    if not t.startswith(nt):
        return False
    rest = t[len(nt):].lstrip("”\"')）")
    return rest.startswith(("：", ":", "是指", "指", "即", "是", "为", "，即"))


def _next_to(u: Unit, best: Unit, hits: list[Hit]) -> bool:
    """``u`` is the sentence just before or after ``best`` in the same document."""
    if u.row is not None or best.row is not None or not hits:
        return False
    cu, cb = hits[u.n - 1].chunk, hits[best.n - 1].chunk
    if cu.doc_id != cb.doc_id:
        return False
    a = cu.start + max(cu.text.find(u.source_text), 0)
    b = cb.start + max(cb.text.find(best.source_text), 0)
    lo, hi = sorted(((a, u.source_text), (b, best.source_text)))
    return 0 < hi[0] - (lo[0] + len(lo[1])) <= 3 or hi[0] == lo[0] + len(lo[1])


def _row_is_asked(row: TableRow, phrase: str) -> bool:
    """The row is the one indicator asked for, not a neighbour of it (地区生产总值 vs 地区生产总值增长率).

    A question that names no single indicator (two figures asked at once) is not answered by one row.
    """
    if not phrase:
        return False
    name, p = normalize(row.name), normalize(phrase)
    return p not in name or len(name) - len(p) < 2


def _row_has_figures(row: TableRow) -> bool:
    return any(re.search(r"\d", value) for header, value in row.cells if not header.startswith("属性"))


def _items(text: str) -> int:
    """How many items the longest enumeration (A、B、C) in ``text`` has."""
    return max((part.count("、") + 1 for part in re.split(r"[，,；;。：:]", text) if "、" in part), default=0)


def _phrase_share(phrase: str, text: str) -> float:
    """Share of a phrase's character bigrams present in ``text``."""
    grams = [phrase[i:i + 2] for i in range(len(phrase) - 1)]
    t = normalize(text)
    return sum(1 for g in grams if g in t) / len(grams) if grams else 0.0


def _redundant(u: Unit, chosen: list[Unit]) -> bool:
    """The unit repeats one already chosen (contained in it, or half its bigrams shared)."""
    nu = normalize(u.text)
    grams = {nu[i:i + 2] for i in range(len(nu) - 1)}
    for c in chosen:
        nc = normalize(c.text)
        if nu in nc or nc in nu:
            return True
        other = {nc[i:i + 2] for i in range(len(nc) - 1)}
        if grams and other and len(grams & other) / min(len(grams), len(other)) >= 0.5:
            return True
    return False


def _short_place(hits: list[Hit], doc: str) -> str:
    for h in hits:
        if h.chunk.doc_id == doc and h.chunk.place:
            return re.sub(r"^(天津市)?(滨海新区|静海区(?=.))?", "", h.chunk.place) or h.chunk.place
    return doc
