"""Run a question set through the served answer chain and score retrieval, answers, citations, refusals.

``evaluate(assistant, questions)`` returns flat metrics (``hit@5``, ``mrr@10`` …,
also per type and per document) and per-question predictions. The assistant is
the same object the CLI and app serve.
"""
from __future__ import annotations

import re
import statistics
from collections import defaultdict
from typing import Callable, Iterable

from planqa.eval.metrics import (char_f1, doc_coverage, hit_at, list_recall, mrr_at, ndcg_at,
                                 numbers_present, percentile, relevant, rouge_l)
from planqa.eval.questions import Question, evidence_occurrences
from planqa.rag.serialize import answer_to_json

_MARK = re.compile(r"\[\d+\]")


Occurrences = dict[str, list[tuple[str, list[tuple[int, int]]]]]


def score_question(q: Question, pred: dict, occurrences: Occurrences) -> dict:
    """Scores of one prediction (the ``ask --json`` object) against its gold question.

    ``occurrences`` holds, per document, each evidence quote with every line span
    where it stands; a passage or citation at any of them points at the evidence.
    """
    gold = {doc: [span for _, spans in quotes for span in spans] for doc, quotes in occurrences.items()}
    passages = pred["passages"]
    flags = [relevant(p["source"], p["start_line"], p["end_line"], gold) for p in passages]
    s: dict = {"refused": pred["refused"], "answer_chars": len(_MARK.sub("", pred["answer"]))}
    if not q.answerable:
        s["refusal_correct"] = float(pred["refused"])
        return s
    n_rel = sum(len(quotes) for quotes in occurrences.values())
    s.update({"hit@1": hit_at(flags, 1), "hit@3": hit_at(flags, 3), "hit@5": hit_at(flags, 5),
              "hit@10": hit_at(flags, 10), "mrr@10": mrr_at(flags, 10), "ndcg@10": ndcg_at(flags, 10, n_rel),
              "first_relevant": next((i for i, f in enumerate(flags, 1) if f), None),
              "false_refusal": float(pred["refused"])})
    if len(q.docs) > 1:
        s["evidence_coverage@10"] = doc_coverage([(p["source"], f) for p, f in zip(passages, flags)], q.docs, 10)
        s["all_docs@10"] = float(s["evidence_coverage@10"] == 1.0)
    answer = "" if pred["refused"] else pred["answer"]
    s["char_f1"] = char_f1(q.answer, answer)
    s["rouge_l"] = rouge_l(q.answer, answer)
    nums = numbers_present(q.answer, answer)
    if nums is not None and q.type in ("number", "compare"):
        s["numbers_present"] = nums
    if q.type == "list":
        rec = list_recall(q.answer, answer)
        if rec is not None:
            s["list_recall"] = rec
    cites = pred["citations"]
    if cites:
        ok = [relevant(c["source"], c["start_line"], c["end_line"], gold) for c in cites]
        s["citation_precision"] = sum(ok) / len(ok)
        s["citation_recall"] = _citation_recall(cites, occurrences)
    return s


def _citation_recall(cites: list[dict], occurrences: Occurrences) -> float:
    """Share of evidence quotes cited at one of the places they stand."""
    quotes = [(doc, spans) for doc, items in occurrences.items() for _, spans in items]
    if not quotes:
        return 0.0
    got = sum(1 for doc, spans in quotes
              if any(relevant(c["source"], c["start_line"], c["end_line"], {doc: spans}) for c in cites))
    return got / len(quotes)


def aggregate(rows: list[tuple[Question, dict]]) -> dict[str, float]:
    """Flat metrics: overall, then ``type=…/`` and ``doc=…/`` prefixed groups."""
    out = _mean_block([s for _, s in rows])
    by_type, by_doc = defaultdict(list), defaultdict(list)
    for q, s in rows:
        by_type[q.type].append(s)
        for d in q.docs or ("(none)",):
            by_doc[d].append(s)
    for name, group in sorted(by_type.items()):
        out.update({f"type={name}/{k}": v for k, v in _mean_block(group).items()})
    for name, group in sorted(by_doc.items()):
        out.update({f"doc={name}/{k}": v for k, v in _mean_block(group).items()})
    return out


_MEAN_KEYS = ("hit@1", "hit@3", "hit@5", "hit@10", "mrr@10", "ndcg@10", "evidence_coverage@10", "all_docs@10",
              "char_f1", "rouge_l", "numbers_present", "list_recall", "citation_precision", "citation_recall",
              "refusal_correct", "false_refusal")


def _mean_block(scores: list[dict]) -> dict[str, float]:
    out = {"questions": float(len(scores))}
    for key in _MEAN_KEYS:
        vals = [s[key] for s in scores if key in s]
        if vals:
            out[key] = round(sum(vals) / len(vals), 4)
    lengths = [s["answer_chars"] for s in scores if not s["refused"]]
    if lengths:
        out["answer_chars_median"] = float(statistics.median(lengths))
    return out


def evaluate(assistant, questions: Iterable[Question], progress: Callable[[int, int], None] | None = None
             ) -> tuple[dict[str, float], list[dict]]:
    """Answer every question with the assistant's chain; return metrics and predictions."""
    questions = list(questions)
    texts = assistant.kb.source_texts()
    rows, predictions = [], []
    timings = defaultdict(list)
    for i, q in enumerate(questions, 1):
        answer = assistant.ask(q.question)
        pred = answer_to_json(answer, q.id)
        gold = evidence_occurrences(q, texts) if q.answerable else {}
        scores = score_question(q, pred, gold)
        pred.update({"type": q.type, "gold_answer": q.answer, "gold_docs": list(q.docs), "scores": scores})
        predictions.append(pred)
        rows.append((q, scores))
        for stage, ms in answer.timings_ms.items():
            timings[stage].append(ms)
        if progress:
            progress(i, len(questions))
    metrics = aggregate(rows)
    for stage, values in timings.items():
        metrics[f"latency_ms/{stage}/p50"] = round(percentile(values, 50), 2)
        metrics[f"latency_ms/{stage}/p95"] = round(percentile(values, 95), 2)
    return metrics, predictions
