"""Candidate answer units (sentences of passages, table rows) and the helpers that cite and quote them.

A unit keeps its passage number, so whatever is composed from it carries the
right [n] marker and a verbatim quote. Scoring and choosing happen elsewhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from planqa.corpus.structure import is_block_line
from planqa.corpus.text import normalize, sentence_spans, soft_breaks
from planqa.rag.answer.compose import UNIT_NUMBER, enumeration_items, key_clauses, render_row, with_enumeration
from planqa.rag.query import QueryInfo
from planqa.types import Hit, TableRow


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
    cue: float = 0.0  # how well its shape fits the question (a figure, an enumeration of the asked kind …)
    semantic: float = 0.0  # embedding similarity to the question (the lexically best candidates only)
    found: frozenset = field(default_factory=frozenset)
    raw: str = ""  # the passage text as written, when ``text`` joins wrapped lines
    context: str = ""  # the headings it stands under, once scored

    @property
    def source_text(self) -> str:
        return self.raw or self.text


@dataclass
class Draft:
    text: str
    quotes: dict[int, str]
    refused: bool
    reason: str
    extra: tuple[Hit, ...] = ()  # passages read beyond the retrieved ones, numbered after them


_CONDITION_ITEM = re.compile(r"^[（(][一二三四五六七八九十\d]+[）)].*的[；;。]?$")
_ITEM_LINE = re.compile(r"^[（(][一二三四五六七八九十\d]+[）)]")


def condition_intro(u: Unit) -> str:
    """For an item that is a condition (（一）提供虚假材料骗取创新券的；), the article sentence it completes
    (…有下列行为之一的，由市科技局收回已兑付资金，5年内取消其申领资格：), which holds what follows from
    it; else ''."""
    if u.row is not None or not u.sentences or not _CONDITION_ITEM.match(u.text.strip()):
        return ""
    for k in range(u.index - 1, -1, -1):
        s = u.sentences[k].strip()
        if _ITEM_LINE.match(s):
            continue
        return s if s.endswith(("：", ":")) and re.search(r"下列|以下|如下", s) else ""
    return ""


def compose_unit(u: Unit, qtype: str, weights: dict[str, float], hits: list[Hit]) -> str:
    if u.row is not None:
        return render_row(u.row)
    intro = condition_intro(u)
    if intro:  # what the provision does to whoever does this
        return intro + u.text.strip().rstrip("；;。")
    if re.search(r"[一二三四五六七八九]是", u.text):
        return with_enumeration(list(u.sentences), u.index)
    return key_clauses(u.text, weights, prefer="list" if qtype == "list" else "number")


_WRAP_MAX = 80
_END_MARK = re.compile(r"[。；;！!？?：:，,、]$")


def join_wrapped(text: str, spans: list[tuple[int, int]], is_heading=lambda piece: False
                  ) -> list[tuple[int, int]]:
    """Join lines that are pieces of one wrapped statement (a title or subtitle broken over lines).

    Lines without an end mark that follow each other (at most one blank line
    apart) make one unit, up to a short statement's length; an issuer, date or
    文号 line stands alone.
    """
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out:
            pa, pb = out[-1]
            gap = text[pb:a]
            if not _END_MARK.search(text[pa:pb].rstrip()) and not _END_MARK.search(text[a:b].rstrip()) \
                    and not gap.strip() and 0 < gap.count("\n") <= 2 \
                    and not is_heading(text[a:b]) and not is_heading(text[pa:pb]) \
                    and not is_block_line(text[a:b]) and not is_block_line(text[pa:pb]) \
                    and len(unwrap(text[pa:b])) <= _WRAP_MAX:
                out[-1] = (pa, b)
                continue
        out.append((a, b))
    return out


def unwrap(text: str) -> str:
    return re.sub(r"\s*\n\s*", "", text)


def cite(text: str, n: int) -> str:
    """``text`` with the marker [n] closing each of its sentences (；-separated parts included).

    >>> cite("一是产业弱；二是民生有短板。", 3)
    '一是产业弱[3]；二是民生有短板[3]。'
    """
    body = re.sub(r"\s*[。；;！!？?]+$", "", text.strip())
    return re.sub(r"(?<![\]])([。；;！!？?])", rf"[{n}]\1", body) + f"[{n}]。"


def quote_of(u: Unit, hits: list[Hit]) -> str:
    """The passage text a unit's answer rests on: its row, its sentence, or its whole enumeration."""
    chunk = hits[u.n - 1].chunk
    if u.row is not None:
        return chunk.text
    if re.search(r"[一二三四五六七八九]是", u.text) and u.sentences:
        items = enumeration_items(list(u.sentences), u.index)
        last = u.sentences[u.index + sum(len(parts) for parts in items) - 1]
        return span_text(chunk.text, u.source_text, last)
    intro = condition_intro(u)
    if intro and intro in chunk.text:
        return span_text(chunk.text, intro, u.source_text)
    return u.source_text


def span_text(text: str, first: str, last: str) -> str:
    """The stretch of ``text`` from sentence ``first`` to sentence ``last`` (``first`` if not found)."""
    a = text.find(first)
    b = text.find(last, max(a, 0))
    return text[a:b + len(last)] if a >= 0 and b >= 0 else first


def quotes_of(units: list[Unit], hits: list[Hit]) -> dict[int, str]:
    """Per passage, what the units used from it rest on (``quote_of``): one unit's quote, or the stretch
    from the first one's to the end of the last one's."""
    quotes = {}
    for n in dict.fromkeys(u.n for u in units):
        mine = sorted((u for u in units if u.n == n), key=lambda u: u.index)
        first, last = quote_of(mine[0], hits), quote_of(mine[-1], hits)
        quotes[n] = first if len(mine) == 1 else span_text(hits[n - 1].chunk.text, first, last)
    return quotes


def is_heading_line(sentence: str, hit: Hit) -> bool:
    ns = normalize(sentence).rstrip("。；;：:")  # （三）农业产业化水平不高。 is the run-in heading itself
    return any(ns == normalize(h) or ns in normalize(h) and len(ns) >= 0.8 * len(normalize(h))
               for h in hit.chunk.headings)


def candidates(hits: list[Hit], info: QueryInfo, chains: bool = False) -> list[Unit]:
    """Every sentence (wrapped title lines joined) and table row of the passages, from the named places only.

    With ``chains``, also each run of clauses joined by ；(其中，教育支出…；社会保障和就业支出…；…。) as one
    candidate: a list question's items may be those clauses."""
    allowed = set(info.docs)
    out = []
    for n, h in enumerate(hits, 1):
        c = h.chunk
        if allowed and c.doc_id not in allowed:
            continue
        if c.kind == "table_row":
            out.append(Unit(n, c.text, c.row))
            continue
        breaks = soft_breaks(c.text)  # a passage of text wrapped at a fixed width: sentences run on
        spans = join_wrapped(c.text, sentence_spans(c.text, joins=breaks if len(breaks) >= 2 else frozenset()),
                             lambda piece, h=h: is_heading_line(piece.strip("*# "), h))
        sents = tuple(unwrap(c.text[a:b]).strip("*# ") for a, b in spans)
        out.extend(Unit(n, s, None, i, sents, raw=c.text[a:b] if "\n" in c.text[a:b] else "")
                   for i, (s, (a, b)) in enumerate(zip(sents, spans))
                   if len(s) >= 6 and (not is_heading_line(s, h) or FIGURE_HEADING.search(s))
                   and not _is_title(s, c.title))
        if chains:
            out.extend(_chains(n, c.text, spans, sents))
    return out


def _chains(n: int, text: str, spans: list[tuple[int, int]], sents: tuple[str, ...]) -> list[Unit]:
    """Runs of three or more sentences of one paragraph that end in ；, the last one included, as one unit each."""
    out, i = [], 0
    while i < len(spans):
        j = i
        while j < len(spans) and text[spans[j][0]:spans[j][1]].rstrip().endswith(("；", ";")) \
                and "\n" not in text[spans[j][1]:spans[j + 1][0] if j + 1 < len(spans) else spans[j][1]]:
            j += 1
        if j - i >= 2 and j < len(spans):
            a, b = spans[i][0], spans[j][1]
            out.append(Unit(n, unwrap(text[a:b]).strip("*# "), None, i, sents, raw=text[a:b]))
        i = max(j, i) + 1
    return out



# a heading that states its own figure — a scored item of an assessment (（二）隐患排查治理（30分）), a project
# with its investment — is the only place that figure stands, so it is a candidate like a sentence
FIGURE_HEADING = re.compile(r"[（(][^（）()]*" + UNIT_NUMBER.pattern + r"[^（）()]*[）)]$")


def _is_title(sentence: str, title: str) -> bool:
    """The sentence is the document's title line (a cover page, not a statement)."""
    t, s = normalize(title), normalize(sentence).strip("《》")
    return bool(t) and (s == t or s.startswith(t) and len(s) - len(t) <= 24)  # title, issuer and date
