"""Retrieval quality on the dev set, scored the same way for planqa and the baseline.

Relevance is planqa's: a passage counts when its source line span overlaps a line
span where an evidence quote is found (``evidence_spans`` + ``metrics.relevant``).
Only answerable single-document questions are scored, so neither system is
judged on multi-document coverage.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

from planqa.eval.metrics import hit_at, mrr_at, relevant
from planqa.eval.questions import Question, bundled_questions_path, evidence_spans, load_questions

Passage = tuple[str, int, int]  # file name, first line, last line (1-based, inclusive)


def dev_questions() -> list[Question]:
    """Every dev question (used for latency; unanswerable ones included, as served)."""
    return load_questions(bundled_questions_path())


def scored_questions(questions: Sequence[Question] | None = None) -> list[Question]:
    """The answerable single-document dev questions (the quality subset)."""
    return [q for q in (questions or dev_questions()) if q.answerable and len(q.docs) == 1]


def line_span(text: str, start: int, length: int) -> tuple[int, int]:
    """1-based inclusive lines of ``text[start:start + length]``.

    >>> line_span("a\\nbc\\nd", 2, 4)
    (2, 3)
    """
    first = text.count("\n", 0, start) + 1
    last = first + text.count("\n", start, start + max(length - 1, 0))
    return first, last


def score_rankings(rankings: Mapping[str, Sequence[Passage]], questions: Sequence[Question],
                   doc_texts: Mapping[str, str]) -> dict[str, float]:
    """hit@1/5/10 and mrr@10 of each question's ranked passages (keyed by question id)."""
    rows = []
    for q in questions:
        gold = evidence_spans(q, doc_texts)
        flags = [relevant(src, a, b, gold) for src, a, b in rankings[q.id]]
        rows.append({"hit@1": hit_at(flags, 1), "hit@5": hit_at(flags, 5), "hit@10": hit_at(flags, 10),
                     "mrr@10": mrr_at(flags, 10)})
    n = max(len(rows), 1)
    out = {key: round(sum(r[key] for r in rows) / n, 4) for key in ("hit@1", "hit@5", "hit@10", "mrr@10")}
    out["questions"] = len(rows)
    return out


def file_texts(paths: Sequence[Path]) -> dict[str, str]:
    """File name → text as read from disk (line numbers as in the file)."""
    return {Path(p).name: Path(p).read_text(encoding="utf-8") for p in paths}
