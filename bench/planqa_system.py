"""planqa on the bundled corpus, measured in a fresh process: cold ingest, index build, warm latency, quality.

Run as ``python -m bench.planqa_system OUT.json [--passes N]``; ``bench.run`` starts it.
The pipeline measured is the served one: ``Assistant.ingest``, ``.retrieve`` and
``.ask`` with default settings, only ``data_dir`` pointed at ``bench/_work``.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

from bench.measure import (WORK, latency, peak_rss_mb, process_age_s, repeat_latency, rss_mb, system_main,
                           timed_ms)
from bench.quality import dev_questions, scored_questions

KB_DIR = WORK / "planqa-kb"


def bench_settings():
    from planqa.config import Settings

    return Settings().with_overrides({"data_dir": str(KB_DIR)}, source="bench")


def cold_ingest(settings) -> tuple[object, dict]:
    """Ingest the bundled corpus from scratch; stage times from the ingest progress messages."""
    from planqa.corpus.document import bundled_paths
    from planqa.rag.service import Assistant

    marks: list[tuple[str, float]] = []

    def progress(message: str) -> None:
        marks.append((message, time.perf_counter()))

    assistant = Assistant(settings)
    t0 = time.perf_counter()
    report = assistant.ingest(bundled_paths(), rebuild=True, progress=progress)
    t_end = time.perf_counter()
    stage = {"tokenize": next((t for m, t in marks if m.startswith("切词")), t0),
             "embed": next((t for m, t in marks if m.startswith("向量化")), t0)}
    facts = {"ingest_s": round(process_age_s(), 2), "ingest_call_s": round(t_end - t0, 2),
             "stages_s": {"parse": round(stage["tokenize"] - t0, 2),
                          "tokenize": round(stage["embed"] - stage["tokenize"], 2),
                          "embed_index_save": round(t_end - stage["embed"], 2)},
             "chunks": report.chunks, "documents": report.documents}
    return assistant, facts


def index_build_s(assistant, repeats: int = 5) -> dict:
    """Seconds to build the search indexes (FAISS + BM25) from stored vectors and tokens (median)."""
    from planqa.embeddings.faiss_store import VectorIndex
    from planqa.rag.bm25 import BM25Index

    kb, s = assistant.kb, assistant.settings
    vec, lex = [], []
    for _ in range(repeats):
        vec.append(timed_ms(lambda: VectorIndex.build(kb.vectors, index_type=s.index_type,
                                                      auto_threshold=s.index_auto_threshold))[0])
        lex.append(timed_ms(lambda: BM25Index(kb.tokens))[0])
    v, b = statistics.median(vec) / 1000, statistics.median(lex) / 1000
    return {"index_build_s": round(v + b, 4), "vector_index_build_s": round(v, 4), "bm25_build_s": round(b, 4),
            "index_type": kb.vector_index.index_type}


def quality(assistant) -> dict:
    """hit@5 / mrr@10 through ``planqa.eval.runner.evaluate`` (the served chain) on the scored subset."""
    from planqa.eval.runner import evaluate

    metrics, _ = evaluate(assistant, scored_questions())
    return {k: metrics[k] for k in ("hit@1", "hit@5", "hit@10", "mrr@10")} | {"questions": int(metrics["questions"])}


def measure(passes: int) -> dict:
    settings = bench_settings()
    assistant, out = cold_ingest(settings)
    out["rss_mb_after_ingest"] = rss_mb()
    out.update(index_build_s(assistant))
    questions = [q.question for q in dev_questions()]
    for q in questions:  # warm-up: first-use costs (jieba user dict, answerer) are not "warm"
        assistant.ask(q)
    retrieval = repeat_latency(lambda q: assistant.retrieve(q), questions, passes)
    totals, stages = [], {"retrieve": [], "answer": []}
    for _ in range(passes):
        for q in questions:
            ms, answer = timed_ms(lambda q=q: assistant.ask(q))
            totals.append(ms)
            for stage in stages:
                stages[stage].append(answer.timings_ms[stage])
    answered = latency(totals)
    out.update({"query_ms_p50": retrieval["p50"], "query_ms_p95": retrieval["p95"],
                "answer_ms_p50": answered["p50"], "answer_ms_p95": answered["p95"],
                "query_latency": retrieval, "answer_latency": answered,
                "answer_stage_ms": {k: latency(v) for k, v in stages.items()}})
    out.update(quality(assistant))
    out.update({"rss_mb": rss_mb(), "peak_rss_mb": peak_rss_mb(),
                "pipeline": f"planqa defaults: chunk_size={settings.chunk_size}, retrieval={settings.retrieval_mode}"
                            f" (BM25 + dense, weighted RRF), top_k={settings.top_k}, "
                            f"index={out['index_type']}, answerer={settings.answerer}"})
    return out


if __name__ == "__main__":
    raise SystemExit(system_main(__doc__, measure))
