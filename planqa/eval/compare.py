"""Evaluate the served pipeline under several configurations and write a side-by-side report.

Each configuration is a preset name or ``key=value[;key=value]`` settings overrides; each
builds its own ``Assistant``. Settings that change the index get their own data folder.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable, Mapping, Sequence

from planqa.config import ConfigError, Settings
from planqa.eval.questions import Question
from planqa.eval.report import format_metric

PRESETS: dict[str, dict[str, str]] = {
    "bm25": {"retrieval_mode": "bm25"},
    "dense": {"retrieval_mode": "dense"},
    "hybrid": {},
    "hybrid+rerank": {"rerank": "true"},
    "chunk=200": {"chunk_size": "200"},
    "chunk=400": {"chunk_size": "400"},
    # the embedders side by side, each with the fusion weights chosen for it (bench/cv_weights.py)
    "e5": {"embedder": "e5"},
    "e5+dense": {"embedder": "e5", "retrieval_mode": "dense"},
    "use": {"embedder": "use-multilingual", "dense_weight": "0.02", "fusion_k": "10", "semantic_weight": "0.3"},
    "use+dense": {"embedder": "use-multilingual", "retrieval_mode": "dense"},
}
ALIASES = {"chunk": "chunk_size"}
# settings recorded in the index signature: changing one needs a separate knowledge base
INDEX_KEYS = ("chunk_size", "chunk_min", "embedder", "embedding_model", "store", "milvus_uri", "milvus_collection",
              "milvus_lexical")
RUN_METRICS = ("ingest_s", "ingest_chunks_per_s", "rss_mib")
COMPARE_METRICS = ("hit@1", "hit@3", "hit@5", "hit@10", "mrr@10", "ndcg@10", "evidence_coverage@10",
                   "numbers_present", "list_recall", "char_f1", "rouge_l", "citation_precision",
                   "citation_recall", "refusal_correct", "false_refusal", "answer_chars_median")
CHART_METRICS = ("hit@1", "hit@5", "mrr@10", "numbers_present", "citation_precision")
LOWER_IS_BETTER = ("false_refusal",)


def parse_config(spec: str) -> dict[str, str]:
    """Settings overrides for one compare config: a preset, ``key=value`` pairs, or both.

    Parts are separated by ``;``; each is a preset name or ``key=value`` (``chunk`` means
    ``chunk_size``). Values stay strings; ``Settings.with_overrides`` checks and converts them.

    >>> parse_config("top_k=5;retrieval_mode=bm25")
    {'top_k': '5', 'retrieval_mode': 'bm25'}
    >>> parse_config("bm25;chunk=400")
    {'retrieval_mode': 'bm25', 'chunk_size': '400'}

    Raises:
        ConfigError: for an empty spec, an unknown preset or a part without a key.
    """
    spec = spec.strip()
    if not spec:
        raise ConfigError("empty compare config: use a preset or key=value[;key=value]")
    if spec in PRESETS:
        return dict(PRESETS[spec])
    out: dict[str, str] = {}
    for part in (p.strip() for p in spec.split(";")):
        if not part:
            continue
        if part in PRESETS:
            out.update(PRESETS[part])
            continue
        if "=" not in part:
            raise ConfigError(f"unknown compare preset {part!r}: use one of {', '.join(PRESETS)} "
                              f"or key=value[;key=value] settings (e.g. top_k=5;retrieval_mode=bm25)")
        key, value = (x.strip() for x in part.split("=", 1))
        if not key:
            raise ConfigError(f"compare config {spec!r}: {part!r} has no setting name before '='")
        out[ALIASES.get(key, key)] = value
    return out


def config_settings(base: Settings, spec: str) -> Settings:
    """``base`` with the config's overrides; index-changing overrides get a data folder of their own
    under ``base``'s (e.g. ``<data_dir>/compare-chunk200``) unless the config names ``data_dir``."""
    overrides = parse_config(spec)
    settings = base.with_overrides(overrides, source=f"compare config {spec!r}")
    if "data_dir" in overrides:
        return settings
    changed = [k for k in INDEX_KEYS if getattr(settings, k) != getattr(base, k)]
    if not changed:
        return settings
    slug = "-".join(_slug(k, getattr(settings, k)) for k in changed)
    return settings.with_overrides({"data_dir": str(base.data_path / f"compare-{slug}")},
                                   source=f"compare config {spec!r}")


def _slug(key: str, value) -> str:
    name = {"chunk_size": "chunk", "chunk_min": "chunkmin"}.get(key, key)
    return re.sub(r"[^A-Za-z0-9_.]+", "_", f"{name}{value}").strip("_")


def _embedder_key(s: Settings) -> tuple:
    return (s.embedder, s.embedding_model, s.embed_threads, s.embed_batch_size)


def run_compare(base_settings: Settings, questions: Sequence[Question], configs: Sequence[str],
                progress: Callable[[str, int, int], None] | None = None) -> dict[str, dict]:
    """Evaluate ``questions`` once per config; return config label -> metrics (as ``evaluate``).

    Every config is parsed and validated before anything runs. A config that fails while
    running (e.g. a reranker that cannot load offline) gets ``{"error": message}`` instead
    of metrics and the others still run. Configs with their own data folder ingest the
    bundled corpus there first (unchanged files are skipped on later runs).

    Args:
        progress: called as ``progress(label, done, total)`` after each question.

    Raises:
        ConfigError: for an unknown preset or setting, a bad value, or a repeated label.
    """
    from planqa.embeddings.base import get_embedder
    from planqa.eval.runner import evaluate
    from planqa.rag.service import Assistant

    labels = [c.strip() for c in configs]
    repeated = sorted({c for c in labels if labels.count(c) > 1})
    if repeated:
        raise ConfigError(f"compare config(s) given twice: {', '.join(repeated)}")
    planned = {label: config_settings(base_settings, label) for label in labels}
    embedders: dict[tuple, object] = {}
    results: dict[str, dict] = {}
    questions = list(questions)
    for label, settings in planned.items():
        try:
            key = _embedder_key(settings)
            if key not in embedders:  # constructed, not loaded: loading happens on first use
                embedders[key] = get_embedder(settings)
            assistant = Assistant(settings, embedder=embedders[key])
            ingest = _ingest_bundled(assistant) if settings.data_dir != base_settings.data_dir else {}
            report = (lambda done, total, label=label: progress(label, done, total)) if progress else None
            metrics, _ = evaluate(assistant, questions, progress=report)
            results[label] = {**metrics, **ingest, "rss_mib": _rss_mib()}
        except Exception as exc:  # one broken config must not lose the others' results
            results[label] = {"error": str(exc) or type(exc).__name__}
    return results


def _ingest_bundled(assistant) -> dict[str, float]:
    """Ingest the bundled corpus into the config's own folder; its time and speed when anything was
    embedded (a folder already up to date from an earlier run reports nothing)."""
    import time

    from planqa.corpus.document import bundled_paths
    from planqa.rag.knowledge_base import KnowledgeBaseError

    start = time.perf_counter()
    try:
        report = assistant.ingest(bundled_paths())
    except KnowledgeBaseError:  # a stale index from other settings in that folder: start over
        report = assistant.ingest(bundled_paths(), rebuild=True)
    seconds = time.perf_counter() - start
    if not (report.added or report.replaced) or not report.chunks:
        return {}
    return {"ingest_s": round(seconds, 1), "ingest_chunks_per_s": round(report.chunks / seconds, 2)}


def _rss_mib() -> float | None:
    """This process's resident memory now (Linux), in MiB."""
    try:
        pages = int(open("/proc/self/statm").read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    import os

    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


# ---- output ------------------------------------------------------------------------------
def write_compare_report(out_dir: str | Path, results: Mapping[str, Mapping]) -> dict[str, Path]:
    """Write compare.json (label -> sorted metrics), compare.md (side-by-side table) and compare.png."""
    from planqa.eval import charts

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ordered = {label: dict(sorted(m.items())) for label, m in results.items()}
    paths = {"json": out / "compare.json", "markdown": out / "compare.md", "chart": out / "compare.png"}
    paths["json"].write_text(json.dumps(ordered, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    paths["markdown"].write_text(render_compare_markdown(results), encoding="utf-8")
    ok = [label for label, m in results.items() if "error" not in m]
    charts.grouped_bars(paths["chart"], [charts.metric_name(m) for m in CHART_METRICS],
                        {label: [results[label].get(m) for m in CHART_METRICS] for label in ok},
                        charts.label("开发集上的配置对比", "Configurations compared on the dev set"))
    return paths


def _best(values: list[float | None], lower: bool) -> float | None:
    present = [v for v in values if v is not None]
    if len(present) < 2 or len(set(present)) == 1:
        return None
    return min(present) if lower else max(present)


def render_compare_markdown(results: Mapping[str, Mapping]) -> str:
    """The compare.md text: one column per config, one row per key metric, the best in bold."""
    ok = [label for label, m in results.items() if "error" not in m]
    lines = ["# 配置对比 Configuration comparison", ""]
    if ok:
        latency = sorted({k for label in ok for k in results[label] if k.startswith("latency_ms/")},
                         key=lambda k: (k.split("/")[1] == "total", k))
        lines += ["| metric | " + " | ".join(f"`{label}`" for label in ok) + " |",
                  "|---|" + "---:|" * len(ok)]
        for key in ("questions", *COMPARE_METRICS, *latency, *RUN_METRICS):
            values = [results[label].get(key) for label in ok]
            if all(v is None for v in values):
                continue
            lower = key in LOWER_IS_BETTER or key.startswith("latency_ms/") or key in ("ingest_s", "rss_mib")
            best = None if key in ("questions", "answer_chars_median") else _best(values, lower)
            cells = [format_metric(v, key) for v in values]
            cells = [f"**{c}**" if v is not None and v == best else c for c, v in zip(cells, values)]
            lines.append(f"| {key} | " + " | ".join(cells) + " |")
        lines += ["", "Bold: best value in the row (lowest for false_refusal and latency).", "",
                  "![compare](compare.png)", ""]
    errors = [(label, m["error"]) for label, m in results.items() if "error" in m]
    if errors:
        lines += ["## 失败的配置 Configs that failed", ""]
        lines += [f"- `{label}`: {' '.join(str(msg).split())}" for label, msg in errors]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
