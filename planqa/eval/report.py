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
from planqa.eval.questions import QUESTION_TYPES, TYPE_NAMES, Question

# (metric key, label in the overview table)
KEY_METRICS = (
    ("hit@1", "hit@1"), ("hit@3", "hit@3"), ("hit@5", "hit@5"), ("hit@10", "hit@10"),
    ("mrr@10", "MRR@10"), ("ndcg@10", "nDCG@10"),
    ("evidence_coverage@10", "跨文档证据覆盖@10（多文档题）"),
    ("all_docs@10", "全部文档命中@10（多文档题）"),
    ("numbers_present", "数字命中率（数字题、对比题）"),
    ("list_recall", "列表召回率"),
    ("char_f1", "字符 F1"), ("rouge_l", "ROUGE-L"),
    ("citation_precision", "引用精确率"),
    ("citation_recall", "引用召回率"),
    ("refusal_correct", "无答案题拒答率"),
    ("false_refusal", "误拒答率（可回答题）"),
    ("answer_chars_median", "回答长度中位数（字）"),
)
GROUP_COLUMNS = ("questions", "hit@1", "hit@5", "mrr@10", "numbers_present", "list_recall", "char_f1",
                 "citation_precision", "refusal_correct", "false_refusal")
GROUP_HEADS = {"questions": "题数", "numbers_present": "数字命中", "list_recall": "列表召回", "char_f1": "字符 F1",
               "citation_precision": "引用精确率", "refusal_correct": "拒答正确", "false_refusal": "误拒答"}
_STAGES = {"retrieve": "检索", "answer": "回答", "total": "总计"}
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
        out / "metrics_by_type.png", [charts.type_name(t) for t in types],
        {charts.metric_name(m): [metrics.get(f"type={t}/{m}") for t in types] for m in CHART_METRICS},
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
    lines = [f"# 评测报告 — `{config_label}`", "",
             f"共 {len(questions)} 题：" + "、".join(f"{TYPE_NAMES[t]} {counts[t]}" for t in QUESTION_TYPES if counts[t]),
             "", "## 总览", "", "| 指标 | 值 |", "|---|---:|"]
    lines += [f"| {label} | {format_metric(metrics.get(key), key)} |" for key, label in KEY_METRICS]
    lines += ["", "检索指标只计可回答的问题；一个段落的行号范围与标准文档中的证据引文重叠，即为相关段落。", ""]
    lines += _latency_table(metrics)
    lines += ["## 图表", "", "![hit@k](hit_at_k.png)", "", "![各题型指标](metrics_by_type.png)",
              "", "![耗时](latency.png)", ""]
    lines += _group_table("按题型", "type", metrics, "题型")
    lines += _group_table("按文档", "doc", metrics, "文档")
    lines += _worst_sections(predictions, questions)
    return "\n".join(lines).rstrip() + "\n"


def _latency_table(metrics: dict[str, float]) -> list[str]:
    stages = sorted({k.split("/")[1] for k in metrics if k.startswith("latency_ms/")},
                    key=lambda s: (s == "total", s))
    if not stages:
        return []
    lines = ["### 耗时（毫秒）", "", "| 阶段 | p50 | p95 |", "|---|---:|---:|"]
    for s in stages:
        p50, p95 = f"latency_ms/{s}/p50", f"latency_ms/{s}/p95"
        lines.append(f"| {_STAGES.get(s, s)} | {format_metric(metrics.get(p50), p50)} | {format_metric(metrics.get(p95), p95)} |")
    return lines + [""]


def _group_table(title: str, prefix: str, metrics: dict[str, float], column: str = "") -> list[str]:
    names = sorted({k[len(prefix) + 1:].split("/", 1)[0] for k in metrics if k.startswith(prefix + "=")})
    if prefix == "type":
        names.sort(key=lambda t: QUESTION_TYPES.index(t) if t in QUESTION_TYPES else len(QUESTION_TYPES))
    if not names:
        return []
    lines = [f"## {title}", "", f"| {column or prefix} | " + " | ".join(GROUP_HEADS.get(c, c) for c in GROUP_COLUMNS) + " |",
             "|---|" + "---:|" * len(GROUP_COLUMNS)]
    for name in names:
        values = [format_metric(metrics.get(f"{prefix}={name}/{col}"), col) for col in GROUP_COLUMNS]
        shown = f"{TYPE_NAMES[name]}（`{name}`）" if prefix == "type" and name in TYPE_NAMES else f"`{_cell(name)}`"
        lines.append(f"| {shown} | " + " | ".join(values) + " |")
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
    "retrieval_miss": f"检索未命中（前 {MISS_RANK} 个段落中没有相关段落）",
    "false_refusal": "误拒答（可回答的问题被拒答）",
    "answered_unanswerable": "无答案题被作答",
    "numbers_missing": "回答缺少数字",
    "low_overlap": "其余低分（字符 F1 最低）",
}


def _worst_sections(predictions: list[dict], questions: Sequence[Question]) -> list[str]:
    by_id = {q.id: q for q in questions}
    lines = ["## 最差问题", ""]
    for kind, group in worst_questions(predictions).items():
        shown = group[:WORST_PER_SECTION]
        more = f"，显示前 {len(shown)} 题" if len(group) > len(shown) else ""
        lines += [f"### {_SECTION_TITLES[kind]}（{len(group)} 题{more}）", ""]
        if not group:
            lines += ["无。", ""]
        for p in shown:
            lines += _question_block(p, by_id.get(p["id"]))
    return lines


def _snippet(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


def _question_block(p: dict, q: Question | None) -> list[str]:
    s = p["scores"]
    rank = s.get("first_relevant") or f"检索到的 {len(p['passages'])} 个段落都不相关"
    facts = [f"题型 {TYPE_NAMES.get(p['type'], p['type'])}",
             f"首个相关段落排名 {rank}" if p["type"] != "unanswerable" else "无答案题"]
    facts += [f"{GROUP_HEADS[k]} {format_metric(s[k], k)}"
              for k in ("numbers_present", "list_recall", "char_f1", "citation_precision") if k in s]
    gold_docs = "、".join(p.get("gold_docs") or (q.docs if q else ())) or "（无）"
    lines = [f"**`{p['id']}`** — {_snippet(p['question'], 200)}", "",
             f"- 得分：{'；'.join(facts)}",
             f"- 标准答案（{gold_docs}）：{_snippet(p['gold_answer'], ANSWER_CHARS)}",
             "- 检索结果（前 3 个，✓ = 首个相关段落）："]
    for passage in p["passages"][:3]:
        mark = " ✓" if passage["rank"] == s.get("first_relevant") else ""
        lines.append(f"  {passage['rank']}. `{passage['source']}` 第{passage['start_line']}–{passage['end_line']}行"
                     f"{mark}: {_snippet(passage['text'], SNIPPET_CHARS)}")
    if not p["passages"]:
        lines.append("  （没有检索到段落）")
    answered = "（拒答）" if p["refused"] else ""
    lines += [f"- 回答：{answered}{_snippet(p['answer'], ANSWER_CHARS)}", ""]
    return lines
