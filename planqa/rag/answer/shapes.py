"""Answer shapes beyond "the best sentence": definitions, summaries, several facets asked at once.

Each takes the scored candidate units and returns a cited ``Draft`` or None when
its shape does not fit the passages; nothing here adds a fact.
"""
from __future__ import annotations

import re

from planqa.corpus.text import normalize
from planqa.rag.answer.compose import HAS_NUMBER, SHORT_SENTENCE, split_clauses
from planqa.rag.answer.agreement import (AVERAGE, figure_fits, other_measure, phrase_share, row_years, without_years,
                                         written_years)
from planqa.rag.answer.figures import Facet, facet_bigrams
from planqa.rag.answer.question import term_parts
from planqa.rag.answer.units import (Draft, Unit, cite, compose_unit, quote_of,
                              quotes_of, span_text)
from planqa.types import Hit

_LEAD_MAX = 30


SUMMARY_CHARS = 160


def summary(best: Unit, hits: list[Hit]) -> Draft:
    """The best sentence and the ones after it in its passage, up to a short paragraph."""
    if best.row is not None or not best.sentences:
        return Draft(cite(compose_unit(best, "fact", {}, hits), best.n), {best.n: quote_of(best, hits)}, False, "")
    picked = [best.sentences[best.index]]
    for s in best.sentences[best.index + 1:]:
        if sum(len(x) for x in picked) + len(s) > SUMMARY_CHARS:
            break
        picked.append(s)
    quote = span_text(hits[best.n - 1].chunk.text, best.source_text, picked[-1])
    return Draft(cite("".join(picked), best.n), {best.n: quote}, False, "")


def definitions(units: list[Unit], term: str, hits: list[Hit]) -> Draft | None:
    """The sentences that define a term, or each part of a numbered slogan, in document order.

    “一轴多片” is answered by 一轴：… and 多片：…; “一带” by 一带：….
    """
    parts = term_parts(term)
    found = []
    for part in ([term] + parts if len(parts) > 1 else parts):
        u = next((u for u in units if u.row is None and defines(u.text, part)), None)
        if u is not None and u not in found:
            found.append(u)
            if part == term:
                break  # the whole term is defined at once
    if len(parts) > 1 and len(found) < len(parts) and not (found and defines(found[0].text, term)):
        return None  # a slogan half explained is not an answer
    if not found:
        return None
    found.sort(key=lambda u: (hits[u.n - 1].chunk.doc_id, hits[u.n - 1].chunk.start, u.index))  # document order
    # markdown emphasis (**“一心”**即…) is how the file was written, not what it says
    return Draft("".join(cite(u.text.replace("**", ""), u.n) for u in found), quotes_of(found, hits), False, "")


def defines(sentence: str, term: str) -> bool:
    """The sentence opens by defining ``term`` (一带：…, “一带”是指…, 一带即…)."""
    t = normalize(sentence).lstrip("“\"'（(*#-—·• ").replace("*", "")  # **“一心”**即… written in markdown
    nt = normalize(term)
    if not t.startswith(nt):
        return False
    rest = t[len(nt):].lstrip("”\"')）")
    return rest.startswith(("：", ":", "是指", "指", "即", "是", "为", "，即"))


_ITEM_NUMBER = re.compile(r"^\s*[（(]?\d{1,2}[.、．)）]\s*(?=\D)")  # 2．地区生产总值…: a note's number
FACET_SHARE = 0.5  # how much of one asked thing a clause must name
FACET_NEAR_SHARE = 0.3  # … when it stands next to the clause of the thing asked before it
FACET_TOP = 12
GENERIC_FACET = 1.5  # a facet none of whose words is rarer than this names nothing of its own


def facet_answer(units: list[Unit], facets: list[Facet], weights: dict[str, float],
                 hits: list[Hit]) -> Draft | None:
    """One clause per thing asked (A和B分别是多少), each cited, in document order.

    For every facet the best clause among the top candidates that names it and
    states a figure (in the asked measure, where one is asked) is kept; a clause
    that opens with its figure keeps the clause before it, which names the subject.
    A later facet often leaves its subject unsaid (生产总值达到多少？年均增速是多少？),
    so a clause next to the previous facet's is preferred. None when fewer than two
    facets are found: the usual answer does then.
    """
    picks: dict[int, tuple[Unit, set[int]]] = {}
    found, last = 0, None
    for facet, measure, years in facets:
        if max((weights.get(g, 1.0) for g in facet_bigrams(facet)), default=0.0) < GENERIC_FACET:
            continue  # 总量达到多少 says nothing the other facets and the sentence found do not
        best, best_key = None, 0.0
        for rank, u in enumerate(units[:FACET_TOP]):
            if u.tense_fit < 0:
                continue
            pieces = [compose_unit(u, "number", weights, hits)] if u.row is not None else _clauses(u.text)
            for i, piece in enumerate(pieces):
                if not HAS_NUMBER.search(without_years(_ITEM_NUMBER.sub("", piece))):
                    continue  # a year, a plan period (2023—2025年) or an item's number (2．) is not the figure asked
                said = row_years(u.row.cells) if u.row is not None else written_years(u.text)
                if years and said and not said & set(years):
                    continue  # 到2025年降到32 does not say what 2020 stood at
                off_year = 0.15 if u.row is None and years and said - set(years) else 0.0  # 由2016年…到2021年: a period
                keep = {i}
                share = _facet_share(facet, piece, weights)
                if share < FACET_SHARE and i > 0 and _opens_with_figure(piece):  # …186.5亿元，年均增长7.2%
                    joined = _facet_share(facet, pieces[i - 1] + piece, weights)
                    if joined > share:
                        keep, share = {i - 1, i}, joined
                near = last is not None and last[0] is u and min(abs(i - j) for j in last[1]) == 1
                if share < (FACET_NEAR_SHARE if near else FACET_SHARE):
                    continue
                if measure and not figure_fits("，".join(pieces[j] for j in sorted(keep)), measure):
                    share -= 0.3
                if u.row is not None and other_measure(u.row.name, facet):
                    continue  # 地区生产总值增长率 does not say what 地区生产总值 reaches
                if u.row is None and AVERAGE.search(piece) and not AVERAGE.search(facet):
                    share -= 0.3  # 年均增长7.4% is not the growth over the year before
                key = share + 0.05 * u.score - 0.01 * rank + (0.3 if near else 0.0) - off_year
                if key > best_key:
                    best, best_key = (u, keep), key
        if best is not None:
            found += 1
            last = best
            picks.setdefault(id(best[0]), (best[0], set()))[1].update(best[1])
    if found < 2:
        return None
    chosen = sorted((u for u, _ in picks.values()), key=lambda u: (u.n, u.index))
    parts = []
    for u in chosen:
        keep = picks[id(u)][1]
        if u.row is not None:
            parts.append(cite(compose_unit(u, "number", weights, hits), u.n))
        elif len(u.text) <= SHORT_SENTENCE:  # a short sentence is quoted whole, as elsewhere
            parts.append(cite(u.text, u.n))
        else:
            pieces = _clauses(u.text)
            parts.append(cite("，".join(pieces[j].strip() for j in sorted(keep)), u.n))
    return Draft("".join(parts), quotes_of(chosen, hits), False, "")


def _facet_share(facet: str, text: str, weights: dict[str, float]) -> float:
    """How much of a facet ``text`` names: its weighted bigrams, or its characters in order (年均增速 → 年平均增长)."""
    fw = {g: weights.get(g, 1.0) for g in facet_bigrams(facet)}
    t = normalize(text)
    pairs = sum(w for g, w in fw.items() if g in t) / (sum(fw.values()) or 1.0)
    return max(pairs, phrase_share(max(facet.split(), key=len), text))


def _clauses(sentence: str) -> list[str]:
    """The clauses of a sentence, cut after ，；： outside quotation marks, verbatim (end marks dropped).

    >>> _clauses("获得“文明单位，先进集体”等荣誉23项，区级荣誉25项。")
    ['获得“文明单位，先进集体”等荣誉23项', '区级荣誉25项']
    """
    return [c.rstrip("，,；;：:。！？!?") for c in split_clauses(sentence.rstrip("。！？!?"))
            if c.rstrip("，,；;：:。！？!?").strip()]


def _opens_with_figure(clause: str) -> bool:
    """The clause starts with its verb and figure (达到46亿元), its subject standing before it."""
    m = re.search(r"\d|[一二三四五六七八九十两]+[个项家所条万亿]", clause)
    return m is not None and m.start() <= 4


# ---- the shape of a list ----------------------------------------------------------------------
_ENUM = re.compile(r"[、；;]|[一二三四五六七八九]是")


def list_cue(text: str, head: str, count: int) -> float:
    """How much a sentence looks like the list asked for: an enumeration (of that many items, 哪三个),
    of things named like the list's head (…、…等特色产业集群; 红色网格、红色物业 for “红色”力量)."""
    best = 0.5 * min(1.0, len(_ENUM.findall(text)) / 3)
    tail = normalize(head)[-2:] if head else ""
    # a breakdown in figure clauses (其中，教育支出…；社会保障和就业支出…；): its parts that carry the head
    parts = [p for p in re.split(r"[；;]", normalize(text)) if tail and tail in p]
    if len(parts) >= 2:
        best = max(best, 1.5 if count == len(parts) else min(1.0, 0.3 * len(parts)))
    for clause in re.split(r"[，,；;。：:]", normalize(text)):
        items = clause.count("、") + 1
        if items == 1 and count == 2 and len(re.findall(r"(?<=[\u4e00-\u9fff])[和及与](?=[\u4e00-\u9fff])", clause)) == 1:
            items = 2  # 是指餐厨垃圾和废弃食用油脂: two things, joined by 和
        if items < 2:
            continue
        named = names_head(clause, head) if head else 0.0
        if count and items == count:
            best = max(best, 1.0 + 0.5 * named)
        elif named:
            best = max(best, named * min(1.0, 0.3 * items))  # two items may be examples; four, the list
    return best


def names_head(clause: str, head: str) -> float:
    """How surely the enumeration in ``clause`` is of ``head``: 1.0 when its items carry the head's words
    (中储滨海现代物流园、晋大物流园) or the head closes it (…、生物医疗等特色产业集群), 0.5 when the head
    only stands elsewhere in the clause, else 0."""
    tail = normalize(head)[-2:]
    parts = clause.split("、")
    grams = {head[i:i + 2] for i in range(len(head) - 1)}
    if sum(1 for p in parts if any(g in p for g in grams)) * 2 > len(parts):
        return 1.0
    last = parts[-1]
    if last.endswith(tail) or re.search(rf"(?:等|为主的?)[^，,；;]{{0,6}}{re.escape(tail)}", last):
        return 1.0
    return 0.5 if tail in clause else 0.0


def items_in(text: str) -> int:
    """How many items the longest enumeration (A、B、C) in ``text`` has."""
    return max((part.count("、") + 1 for part in re.split(r"[，,；;。：:]", text) if "、" in part), default=0)
