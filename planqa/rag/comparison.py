"""Compare one indicator or topic across places: one row per document, each value cited or 未提及.

An indicator-table row whose name matches the subject is preferred (its values
come straight from the table); otherwise the answer chain is asked, restricted to
that one document. Every value is number-checked against the lines it cites.
"""
from __future__ import annotations

import re

from planqa.corpus.text import normalize, numbers_in
from planqa.rag.citations import MARKER_RE, answer_sentences
from planqa.rag.facts import DocView, Fact, classify, resolve_docs, row_value, unsupported_numbers
from planqa.rag.retrievers import Filters
from planqa.rag.topics import TopicTerms, topic_terms

_INDICATOR_WORD = re.compile(r"(额|率|数|量|值|比例|比重|增速|面积|规模|人数|收入|产值|投资|床位)$")
MIN_NAME_MATCH = 0.75


def name_match(subject: str, name: str) -> float:
    """How well an indicator name matches the subject: 1.0 when one contains the other, else bigram share.

    >>> name_match("商品销售总额", "商品销售总额累计"), name_match("商品销售总额", "社会消费品零售总额")
    (1.0, 0.4)
    """
    s, n = normalize(subject), normalize(name)
    if len(n) >= 2 and len(s) >= 2 and (s in n or n in s):
        return 1.0
    grams = [s[i:i + 2] for i in range(len(s) - 1)]
    return sum(1 for g in grams if g in n) / len(grams) if grams else 0.0


def _row(doc: DocView | None, fact: Fact | None, status: str, indicator: str = "", place: str = "") -> dict:
    row = fact.chunk.row if fact is not None and status == "found" and fact.kind == "indicator" else None
    return {"place": doc.place if doc else place, "doc_id": doc.doc_id if doc else "",
            "source": doc.source if doc else "", "title": doc.title if doc else "",
            "indicator": indicator, "kind": fact.kind if fact else "", "status": status,
            "value": fact.text if fact else "", "cited": fact.cited() if fact else None,
            "unit": row.unit if row else "", "cells": [list(c) for c in row.cells] if row else []}


def _from_table(doc: DocView, subject: str) -> tuple[Fact, str] | None:
    scored = [(c, name_match(subject, c.row.name)) for c in doc.rows]
    scored = [(c, s) for c, s in scored if s >= MIN_NAME_MATCH]
    if not scored:
        return None
    c = min(scored, key=lambda cs: (-cs[1], len(cs[0].row.name), cs[0].start_line))[0]
    fact = doc.row_fact(c)
    fact.text, fact.numbers = row_value(c.row), numbers_in(row_value(c.row))
    return fact, (f"{c.row.name}（{c.row.unit}）" if c.row.unit else c.row.name)


def _from_answer(assistant, doc: DocView, subject: str, topic: TopicTerms) -> Fact | None:
    """The answer chain restricted to one document; None unless its cited sentence is about the subject."""
    q = f"{subject}是多少？" if _INDICATOR_WORD.search(subject) else f"{subject}方面有哪些规划？"
    ans = assistant.ask(q, filters=Filters(doc_ids=(doc.doc_id,)))
    if ans.refused or not ans.citations:
        return None
    by_n = {c.n: c for c in ans.citations}
    for sent in answer_sentences(ans.text):
        ns = [int(n) for n in MARKER_RE.findall(sent) if int(n) in by_n]
        if not ns:
            continue
        c = by_n[ns[0]]
        value = MARKER_RE.sub("", sent).strip().rstrip("。；;")
        found = topic.matches(c.quote) or topic.matches(value)
        if not found:
            continue
        kind = "indicator" if c.chunk.kind == "table_row" else classify(c.quote, c.chunk.headings)
        header = doc.header_span(c.chunk) if c.chunk.row is not None else None
        return Fact(doc.place, doc.doc_id, doc.source, value, kind, c.chunk, c.start_line, c.end_line,
                    numbers_in(value), c.quote, (c.chunk.start, c.chunk.end), tuple(found), header)
    return None


def compare(assistant, subject: str, places: list[str] | None = None) -> list[dict]:
    """One row per document (all documents when ``places`` is None).

    Row keys: place, doc_id, source, title, indicator (the matched table row's
    name), kind, value, cited ({source, start_line, end_line, quote, title,
    headings[, header_lines]} or None), unit and cells (a table row's unit and its
    [column header, value] pairs; "" and [] otherwise) and status: "found", "未提及", "未核实"
    (a value whose numbers are not in its cited lines, withheld) or "无文件".
    """
    topic = topic_terms(subject)  # fails fast on an empty subject
    subject, kb = topic.topic, assistant.kb
    doc_ids, unknown = resolve_docs(kb, places)
    rows = []
    for d in doc_ids:
        doc = DocView(kb, d)
        got = _from_table(doc, subject)
        fact, indicator = got if got else (_from_answer(assistant, doc, subject, topic), "")
        if fact is None:
            rows.append(_row(doc, None, "未提及"))
        elif unsupported_numbers(fact, doc.text):
            rows.append(_row(doc, None, "未核实"))
        else:
            rows.append(_row(doc, fact, "found", indicator))
    return rows + [_row(None, None, "无文件", place=u) for u in unknown]
