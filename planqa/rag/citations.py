"""Citations by one mechanism: number passages, map [n] markers back to them, verify.

Every answerer's draft goes through ``verify``: a marker must name a passage
that was given, and every number in a sentence must occur in a passage it
cites. Failing sentences are dropped and reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from planqa.corpus.text import halfwidth, line_of, line_starts, sentence_spans
from planqa.corpus.text import norm_numbers, number_forms
from planqa.types import Citation, Hit

MARKER_RE = re.compile(r"\[(\d{1,3})\]")
_ANSWER_SENT = re.compile(r"[^。！？；!?;\n]+(?:\[\d{1,3}\])*[。！？；!?;]?(?:\[\d{1,3}\])*")


def number_passages(hits: list[Hit]) -> str:
    """The passages as the answerer sees them: ``[n] 标题 › 章节\\n正文``."""
    blocks = []
    for n, h in enumerate(hits, 1):
        c = h.chunk
        where = " › ".join(x for x in (c.title, *c.headings) if x)
        blocks.append(f"[{n}] {where}\n{' '.join(c.text.split())}")
    return "\n\n".join(blocks)


def answer_sentences(text: str) -> list[str]:
    """Split an answer into sentences, keeping each sentence's trailing markers with it.

    >>> answer_sentences("目标是46亿元[1]。另有2800家[2]。")
    ['目标是46亿元[1]。', '另有2800家[2]。']
    """
    return [m.group(0).strip() for m in _ANSWER_SENT.finditer(text) if m.group(0).strip()]


def markers(sentence: str) -> list[int]:
    return [int(m) for m in MARKER_RE.findall(sentence)]


def unsupported_numbers(sentence: str, support: set[str]) -> list[str]:
    """Numbers of ``sentence`` (markers aside) that no form of appears in ``support``."""
    return [min(forms, key=len) for forms in number_forms(MARKER_RE.sub(" ", sentence))
            if not forms & support]


@dataclass
class Verified:
    text: str
    cited: list[int]  # passage numbers cited, in order of first use
    dropped: list[str]  # sentences removed, with the reason


def verify(draft: str, hits: list[Hit], require_citation: bool = True) -> Verified:
    """Keep the sentences whose markers name given passages and whose numbers those passages hold."""
    kept, cited, dropped = [], [], []
    for sent in answer_sentences(draft):
        ns = markers(sent)
        bad = [n for n in ns if not 1 <= n <= len(hits)]
        if bad:
            dropped.append(f"引用了不存在的来源 [{bad[0]}]：{MARKER_RE.sub('', sent)}")
            continue
        if not ns:
            if require_citation and _has_content(sent) and "没有找到" not in sent:
                dropped.append(f"没有引用来源：{sent}")
                continue
            kept.append(sent)
            continue
        support = set()
        for n in ns:
            support |= norm_numbers(hits[n - 1].chunk.text)
        missing = unsupported_numbers(sent, support)
        if missing:
            dropped.append(f"数字 {missing[0]} 不在所引来源中：{MARKER_RE.sub('', sent)}")
            continue
        kept.append(sent)
        for n in ns:
            if n not in cited:
                cited.append(n)
    return Verified("".join(kept), cited, dropped)


def _has_content(sentence: str) -> bool:
    return len(re.sub(r"[\W_]", "", sentence)) > 6


def locate_quote(doc_text: str, hit: Hit, quote: str) -> tuple[int, int]:
    """1-based line span of ``quote`` inside the hit's chunk (whole chunk if not found)."""
    c = hit.chunk
    if c.kind == "text":
        pos = c.text.find(quote)
        if pos >= 0:
            starts = line_starts(doc_text)
            a = c.start + pos
            return line_of(starts, a), line_of(starts, a + max(len(quote), 1) - 1)
    return c.start_line, c.end_line


def best_quote(hit: Hit, sentence: str) -> str:
    """The sentence of the passage that best supports an answer sentence (for LLM answers)."""
    c = hit.chunk
    if c.kind != "text":
        return c.text
    target = set(_bigrams(sentence))
    best, best_score = c.text, -1.0
    for a, b in sentence_spans(c.text):
        s = c.text[a:b]
        grams = set(_bigrams(s))
        score = len(grams & target) / (len(target) or 1)
        if score > best_score:
            best, best_score = s, score
    return best


def _bigrams(text: str) -> list[str]:
    t = re.sub(r"\s+", "", halfwidth(MARKER_RE.sub("", text)))
    return [t[i:i + 2] for i in range(len(t) - 1)]


def build_citations(cited: list[int], quotes: dict[int, str], hits: list[Hit], doc_text) -> tuple[Citation, ...]:
    """Citation records for the cited passage numbers; ``doc_text(doc_id)`` gives source text."""
    out = []
    for n in cited:
        hit = hits[n - 1]
        quote = quotes.get(n) or hit.chunk.text
        a, b = locate_quote(doc_text(hit.chunk.doc_id), hit, quote) if hit.chunk.kind == "text" \
            else (hit.chunk.start_line, hit.chunk.end_line)
        out.append(Citation(n, hit.chunk, clean_quote(quote), a, b))
    return tuple(out)


def clean_quote(text: str) -> str:
    """A quote for display: whitespace squashed, markdown emphasis removed."""
    return re.sub(r"\*\*|__", "", " ".join(text.split()))
