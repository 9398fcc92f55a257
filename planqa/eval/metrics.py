"""Pure metric functions: retrieval ranks, answer overlap, numbers, lists, citations.

Relevance is by line overlap: a passage is relevant when its source line span
overlaps a span where an evidence quote is found in that document.
"""
from __future__ import annotations

import math
import re
from typing import Iterable, Mapping, Sequence

from planqa.corpus.text import halfwidth, norm_numbers

Span = tuple[int, int]


def overlaps(a: Span, b: Span) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def relevant(source: str, start: int, end: int, gold: Mapping[str, list[Span]]) -> bool:
    """Whether a passage (file name, 1-based inclusive lines) overlaps any gold evidence span."""
    return any(overlaps((start, end), span) for span in gold.get(source, ()))


def first_relevant_rank(flags: Sequence[bool]) -> int | None:
    """1-based rank of the first relevant passage, or None."""
    for i, flag in enumerate(flags, 1):
        if flag:
            return i
    return None


def hit_at(flags: Sequence[bool], k: int) -> float:
    return float(any(flags[:k]))


def mrr_at(flags: Sequence[bool], k: int) -> float:
    r = first_relevant_rank(flags[:k])
    return 1.0 / r if r else 0.0


def ndcg_at(flags: Sequence[bool], k: int, n_relevant: int) -> float:
    """Binary nDCG@k; ``n_relevant`` is how many relevant passages could exist (≥ 1)."""
    dcg = sum(1.0 / math.log2(i + 1) for i, f in enumerate(flags[:k], 1) if f)
    # several passages may overlap one evidence span: the ideal list has as many hits as were found
    n = max(n_relevant, sum(1 for f in flags[:k] if f), 1)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(k, n) + 1))
    return dcg / ideal if ideal else 0.0


def doc_coverage(sources_flags: Sequence[tuple[str, bool]], docs: Iterable[str], k: int) -> float:
    """Share of ``docs`` that have a relevant passage within the top ``k``."""
    docs = list(docs)
    if not docs:
        return 0.0
    covered = {s for s, f in sources_flags[:k] if f}
    return sum(1 for d in docs if d in covered) / len(docs)


def numbers_present(gold_answer: str, answer: str) -> float | None:
    """Share of the gold answer's numbers found in the answer (None if gold has none)."""
    gold = norm_numbers(gold_answer)
    if not gold:
        return None
    got = norm_numbers(answer)
    return sum(1 for n in gold if n in got) / len(gold)


def list_items(text: str) -> list[str]:
    """Items of a gold list answer separated by 、，；; or line breaks."""
    parts = re.split(r"[、，,；;\n]|以及|和", text)
    return [p.strip(" 。.") for p in parts if len(p.strip(" 。.")) >= 2]


def list_recall(gold_answer: str, answer: str) -> float | None:
    items = list_items(gold_answer)
    if not items:
        return None
    norm_answer = _compact(answer)
    return sum(1 for it in items if _compact(it) in norm_answer) / len(items)


def _compact(s: str) -> str:
    return re.sub(r"[\s“”\"'‘’《》「」]", "", halfwidth(s)).lower()


def char_f1(gold: str, pred: str) -> float:
    """Character-level F1 (bag of characters, whitespace and punctuation ignored)."""
    g = [c for c in _compact(gold) if c.isalnum()]
    p = [c for c in _compact(pred) if c.isalnum()]
    if not g or not p:
        return 0.0
    from collections import Counter

    common = sum((Counter(g) & Counter(p)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def rouge_l(gold: str, pred: str) -> float:
    """ROUGE-L F-measure over characters (LCS based)."""
    g = [c for c in _compact(gold) if c.isalnum()]
    p = [c for c in _compact(pred) if c.isalnum()]
    if not g or not p:
        return 0.0
    prev = [0] * (len(p) + 1)
    for gc in g:
        cur = [0]
        for j, pc in enumerate(p, 1):
            cur.append(prev[j - 1] + 1 if gc == pc else max(prev[j], cur[j - 1]))
        prev = cur
    lcs = prev[-1]
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(p), lcs / len(g)
    return 2 * precision * recall / (precision + recall)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)
