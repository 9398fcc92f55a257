"""Write an evaluation run to a folder: metrics.json, predictions.jsonl, report.md and PNG charts.

Takes what ``evaluate`` returned; it computes no new scores, only tables, the
worst questions and charts. Output is deterministic for the same inputs.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Sequence

from planqa.eval import charts
from planqa.eval.questions import QUESTION_TYPES, Question

# (metric key, label in the overview table)
KEY_METRICS = (
    ("hit@1", "hit@1"), ("hit@3", "hit@3"), ("hit@5", "hit@5"), ("hit@10", "hit@10"),
    ("mrr@10", "MRR@10"), ("ndcg@10", "nDCG@10"),
    ("evidence_coverage@10", "跨文档证据覆盖 evidence coverage@10 (multi-doc)"),
    ("all_docs@10", "全部文档命中 all docs covered@10 (multi-doc)"),
    ("numbers_present", "数字命中 numbers present (number/compare)"),
    ("list_recall", "列表召回 list recall"),
    ("char_f1", "字符 F1 char F1"), ("rouge_l", "ROUGE-L"),
    ("citation_precision", "引用精确率 citation precision"),
    ("citation_recall", "引用召回率 citation recall"),
    ("refusal_correct", "无答案题拒答率 refusal accuracy (unanswerable)"),
    ("false_refusal", "误拒答率 false-refusal rate (answerable)"),
    ("answer_chars_median", "回答长度中位数 answer length median (chars)"),
)
GROUP_COLUMNS = ("questions", "hit@1", "hit@5", "mrr@10", "numbers_present", "list_recall", "char_f1",
                 "citation_precision", "refusal_correct", "false_refusal")
CHART_METRICS = ("hit@5", "mrr@10", "char_f1", "numbers_present", "citation_precision", "refusal_correct")
MISS_RANK = 5
WORST_PER_SECTION = 10
SNIPPET_CHARS = 60
ANSWER_CHARS = 300


def write_report(out_dir: str | Path, metrics: dict[str, float], predictions: list[dict],
                 questions: Sequence[Question], config_label: str = "default") -> dict[str, Path]:
    """Write metrics.json, predictions.jsonl, report.md and charts (PNG) into ``out_dir``.

    Args:
        out_dir: folder to write to (created if missing; files in it are overwritten).
        metrics: the flat metrics from ``evaluate``.
        predictions: the per-question objects from ``evaluate`` (same order as ``questions``).
        questions: the evaluated questions (for types and gold documents).
        config_label: names the configuration in the report heading.

    Returns:
        File kind (``metrics``, ``predictions``, ``report``, ``hit_curve`` …) -> path written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"metrics": out / "metrics.json", "predictions": out / "predictions.jsonl",
             "report": out / "report.md"}
    paths["metrics"].write_text(json.dumps(metrics, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                encoding="utf-8")
    paths["predictions"].write_text("".join(json.dumps(p, ensure_ascii=False) + "\n"
                                            for p in predictions), encoding="utf-8")
    types = [t for t in QUESTION_TYPES if f"type={t}/questions" in metrics]
    answerable_types = [t for t in types if t != "unanswerable"]
    paths["hit_curve"] = charts.hit_curve(out / "hit_at_k.png", metrics, answerable_types)
    paths["by_type"] = charts.grouped_bars(
        out / "metrics_by_type.png", types,
        {m: [metrics.get(f"type={t}/{m}") for t in types] for m in CHART_METRICS},
        charts.label("各题型指标", "Metrics per question type"))
    paths["latency"] = charts.latency_histograms(out / "latency.png", _stage_timings(predictions))
    paths["report"].write_text(render_markdown(metrics, predictions, questions, config_label), encoding="utf-8")
    return paths


def _stage_timings(predictions: list[dict]) -> dict[str, list[float]]:
    stages: dict[str, list[float]] = {}
    for p in predictions:
        for stage, ms in p.get("timings_ms", {}).items():
            stages.setdefault(stage, []).append(float(ms))
    return stages


COUNT_KEYS = ("questions", "answer_chars_median")


def format_metric(value, key: str = "") -> str:
    """Counts and lengths as integers, milliseconds with one decimal, rates with three."""
    if value is None:
        return "–"
    if not isinstance(value, float):
        return str(value)
    if key.split("/")[-1] in COUNT_KEYS:
        return f"{value:g}"
    return f"{value:.1f}" if key.startswith("latency_ms/") else f"{value:.3f}"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(metrics: dict[str, float], predictions: list[dict], questions: Sequence[Question],
                    config_label: str = "default") -> str:
    """The report.md text (overview, per type, per document, latency, worst questions, charts)."""
    counts = Counter(q.type for q in questions)
    lines = [f"# 评测报告 Evaluation report — `{config_label}`", "",
             f"{len(questions)} 题 questions: " + ", ".join(f"{t} {counts[t]}" for t in QUESTION_TYPES if counts[t]),
             "", "## 总览 Overview", "", "| 指标 metric | 值 value |", "|---|---:|"]
    lines += [f"| {label} | {format_metric(metrics.get(key), key)} |" for key, label in KEY_METRICS]
    lines += ["", "Retrieval metrics count answerable questions only; a passage is relevant when its "
              "line span overlaps an evidence quote in a gold document.", ""]
    lines += _latency_table(metrics)
    lines += ["## 图表 Charts", "", "![hit@k](hit_at_k.png)", "", "![metrics per type](metrics_by_type.png)",
              "", "![latency](latency.png)", ""]
    lines += _group_table("按题型 By question type", "type", metrics)
    lines += _group_table("按文档 By document", "doc", metrics)
    lines += _worst_sections(predictions, questions)
    return "\n".join(lines).rstrip() + "\n"


def _latency_table(metrics: dict[str, float]) -> list[str]:
    stages = sorted({k.split("/")[1] for k in metrics if k.startswith("latency_ms/")},
                    key=lambda s: (s == "total", s))
    if not stages:
        return []
    lines = ["### 延迟 Latency (ms)", "", "| stage | p50 | p95 |", "|---|---:|---:|"]
    for s in stages:
        p50, p95 = f"latency_ms/{s}/p50", f"latency_ms/{s}/p95"
        lines.append(f"| {s} | {format_metric(metrics.get(p50), p50)} | {format_metric(metrics.get(p95), p95)} |")
    return lines + [""]


def _group_table(title: str, prefix: str, metrics: dict[str, float]) -> list[str]:
    names = sorted({k[len(prefix) + 1:].split("/", 1)[0] for k in metrics if k.startswith(prefix + "=")})
    if prefix == "type":
        names.sort(key=lambda t: QUESTION_TYPES.index(t) if t in QUESTION_TYPES else len(QUESTION_TYPES))
    if not names:
        return []
    lines = [f"## {title}", "", f"| {prefix} | " + " | ".join(GROUP_COLUMNS) + " |",
             "|---|" + "---:|" * len(GROUP_COLUMNS)]
    for name in names:
        values = [format_metric(metrics.get(f"{prefix}={name}/{col}"), col) for col in GROUP_COLUMNS]
        lines.append(f"| `{_cell(name)}` | " + " | ".join(values) + " |")
    return lines + [""]


# ---- worst questions ---------------------------------------------------------------------
def worst_questions(predictions: list[dict]) -> dict[str, list[dict]]:
    """The failing predictions per failure kind, worst first (ties by id).

    Kinds: ``retrieval_miss`` (answerable, no relevant passage in the top 5), ``false_refusal``
    (answerable but refused), ``answered_unanswerable``, ``numbers_missing`` (numbers_present < 1),
    ``low_overlap`` (answered, not refused, lowest char F1 among the rest).
    """
    def rank_key(p):
        r = p["scores"].get("first_relevant")
        return (-(10**6) if r is None else -r, str(p["id"]))

    answerable = [p for p in predictions if p["type"] != "unanswerable"]
    kinds = {
        "retrieval_miss": sorted((p for p in answerable if (p["scores"].get("first_relevant") or 10**6) > MISS_RANK),
                                 key=rank_key),
        "false_refusal": sorted((p for p in answerable if p["refused"]), key=lambda p: str(p["id"])),
        "answered_unanswerable": sorted((p for p in predictions if p["type"] == "unanswerable" and not p["refused"]),
                                        key=lambda p: str(p["id"])),
        "numbers_missing": sorted((p for p in answerable if p["scores"].get("numbers_present", 1.0) < 1.0),
                                  key=lambda p: (p["scores"]["numbers_present"], str(p["id"]))),
    }
    listed = {p["id"] for group in kinds.values() for p in group}
    rest = [p for p in answerable if p["id"] not in listed and not p["refused"]]
    kinds["low_overlap"] = sorted(rest, key=lambda p: (p["scores"].get("char_f1", 0.0), str(p["id"])))[:WORST_PER_SECTION]
    return kinds


_SECTION_TITLES = {
    "retrieval_miss": f"检索未命中 Retrieval misses (no relevant passage in top {MISS_RANK})",
    "false_refusal": "误拒答 Wrong refusals (answerable question refused)",
    "answered_unanswerable": "无答案题被作答 Unanswerable questions answered",
    "numbers_missing": "数字缺失 Numbers missing from the answer",
    "low_overlap": "其余低分 Lowest answer overlap among the rest (char F1)",
}


def _worst_sections(predictions: list[dict], questions: Sequence[Question]) -> list[str]:
    by_id = {q.id: q for q in questions}
    lines = ["## 最差问题 Worst questions", ""]
    for kind, group in worst_questions(predictions).items():
        shown = group[:WORST_PER_SECTION]
        more = f" — showing {len(shown)} of {len(group)}" if len(group) > len(shown) else ""
        lines += [f"### {_SECTION_TITLES[kind]} ({len(group)}){more}", ""]
        if not group:
            lines += ["None.", ""]
        for p in shown:
            lines += _question_block(p, by_id.get(p["id"]))
    return lines


def _snippet(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


def _question_block(p: dict, q: Question | None) -> list[str]:
    s = p["scores"]
    rank = s.get("first_relevant") or f"none of {len(p['passages'])} retrieved"
    facts = [f"type `{p['type']}`", f"first relevant rank {rank}" if p["type"] != "unanswerable" else "unanswerable"]
    facts += [f"{k} {format_metric(s[k], k)}" for k in ("numbers_present", "list_recall", "char_f1", "citation_precision")
              if k in s]
    gold_docs = ", ".join(p.get("gold_docs") or (q.docs if q else ())) or "(none)"
    lines = [f"**{p['id']}** — {_snippet(p['question'], 200)}", "",
             f"- scores: {'; '.join(facts)}",
             f"- gold ({gold_docs}): {_snippet(p['gold_answer'], ANSWER_CHARS)}",
             "- retrieved (top 3, ✓ = first relevant):"]
    for passage in p["passages"][:3]:
        mark = " ✓" if passage["rank"] == s.get("first_relevant") else ""
        lines.append(f"  {passage['rank']}. `{passage['source']}` L{passage['start_line']}–{passage['end_line']}"
                     f"{mark}: {_snippet(passage['text'], SNIPPET_CHARS)}")
    if not p["passages"]:
        lines.append("  (nothing retrieved)")
    answered = "(refused) " if p["refused"] else ""
    lines += [f"- answered: {answered}{_snippet(p['answer'], ANSWER_CHARS)}", ""]
    return lines
