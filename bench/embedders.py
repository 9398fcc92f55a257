"""USE-multilingual vs e5 on the bundled corpus, each in a fresh process from an empty data folder.

``python -m bench.embedders`` writes ``bench/embedders.json`` and ``bench/EMBEDDERS.md``:
dense-only and hybrid hit@1 / hit@5 / MRR@10 on the dev set (answerable single-document
questions), cold ingest (no vector cache), chunks/s, warm retrieval and answer
latency, and memory. Each embedder runs with its own defaults (USE: the weights it was
tuned with, dense_weight 0.02; e5: the defaults in ``planqa/config.py``).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from bench.measure import WORK, latency, machine_info, peak_rss_mb, rss_mb, timed_ms, write_json

BENCH = Path(__file__).resolve().parent
OUT_JSON, OUT_MD = BENCH / "embedders.json", BENCH / "EMBEDDERS.md"
CONFIGS = {
    "use-multilingual": {"embedder": "use-multilingual", "dense_weight": "0.02", "fusion_k": "10",
                         "semantic_weight": "0.3"},
    "e5": {"embedder": "e5"},
}


def _scores(assistant, questions, mode: str) -> dict:
    from bench.quality import score_rankings

    texts = assistant.kb.source_texts()
    ranked = {q.id: [(h.chunk.source, h.chunk.start_line, h.chunk.end_line)
                     for h in assistant.retrieve(q.question, 10, mode=mode)] for q in questions}
    return score_rankings(ranked, questions, texts)


def child(name: str, out: Path, passes: int) -> None:
    from bench.planqa_system import cold_ingest
    from bench.quality import dev_questions, scored_questions
    from planqa.config import Settings

    folder = WORK / f"embedders-{name}"
    shutil.rmtree(folder, ignore_errors=True)  # cold: no knowledge base, no vector cache
    settings = Settings().with_overrides({"data_dir": str(folder), **CONFIGS[name]}, source="bench")
    assistant, facts = cold_ingest(settings)
    embed_s = facts["stages_s"]["embed_index_save"]
    facts["chunks_per_s"] = round(facts["chunks"] / embed_s, 1) if embed_s else None
    facts["sentences"] = len(assistant.kb.sentences)
    facts["load_avg_after_ingest"] = [round(x, 2) for x in os.getloadavg()]
    facts["rss_mb_after_ingest"] = rss_mb()
    questions = [q.question for q in dev_questions()]
    for q in questions:  # warm-up
        assistant.ask(q)
    retrieve, answer = [], []
    for _ in range(passes):  # one pass of each over all questions: no question vector is remembered
        retrieve += [timed_ms(lambda q=q: assistant.retrieve(q))[0] for q in questions]
        answer += [timed_ms(lambda q=q: assistant.ask(q))[0] for q in questions]
    scored = scored_questions()
    facts.update({"model_id": assistant.embedder.model_id, "settings": CONFIGS[name],
                  "query_latency": latency(retrieve), "answer_latency": latency(answer),
                  "dense": _scores(assistant, scored, "dense"), "hybrid": _scores(assistant, scored, "hybrid"),
                  "rss_mb": rss_mb(), "peak_rss_mb": peak_rss_mb(),
                  "load_avg_at_end": [round(x, 2) for x in os.getloadavg()]})
    write_json(out, facts)


def render(res: dict) -> str:
    names = list(res["systems"])
    rows = [("dense-only hit@1 / hit@5 / MRR@10", lambda r: "{hit@1:.3f} / {hit@5:.3f} / {mrr@10:.3f}".format(**r["dense"])),
            ("hybrid hit@1 / hit@5 / MRR@10", lambda r: "{hit@1:.3f} / {hit@5:.3f} / {mrr@10:.3f}".format(**r["hybrid"])),
            ("cold ingest (process start to saved, no cache)", lambda r: f"{r['ingest_s']} s"),
            ("embedding stage: chunks/s (chunks + their sentences)",
             lambda r: f"{r['chunks_per_s']} ({r['chunks']} chunks, {r['sentences']} sentences)"),
            ("retrieval p50 / p95, warm", lambda r: "{p50} / {p95} ms".format(**r["query_latency"])),
            ("question → cited answer p50 / p95, warm", lambda r: "{p50} / {p95} ms".format(**r["answer_latency"])),
            ("RSS after the run / peak", lambda r: f"{r['rss_mb']:.0f} / {r['peak_rss_mb']:.0f} MiB"),
            ("load average after ingest / at end (2 cores)",
             lambda r: f"{r['load_avg_after_ingest'][0]} / {r['load_avg_at_end'][0]}")]
    lines = ["# USE-multilingual vs e5", "",
             f"Bundled corpus, dev set ({res['systems'][names[0]]['hybrid']['questions']} answerable "
             f"single-document questions for quality, all dev questions for latency); "
             f"{res['machine']['cpu']}, {res['machine']['usable_cores']} cores, {res['machine']['date']}.", "",
             "Dense-only and hybrid are as served (`Assistant.retrieve`, place preference included).", "",
             "| | " + " | ".join(f"`{n}`" for n in names) + " |", "|---|" + "---:|" * len(names)]
    lines += [f"| {label} | " + " | ".join(fn(res["systems"][n]) for n in names) + " |" for label, fn in rows]
    lines += ["", "Settings: " + "; ".join(f"`{n}` {json.dumps(res['systems'][n]['settings'])}" for n in names), ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("NAME", "OUT"))
    parser.add_argument("--passes", type=int, default=2)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]), args.passes)
        return 0
    from bench.run import run_child

    WORK.mkdir(parents=True, exist_ok=True)
    res = {"machine": machine_info(), "systems": {}}
    for name in CONFIGS:
        out = WORK / f"embedders-{name}.json"
        t = time.time()
        run_child("bench.embedders", ["--child", name, str(out), "--passes", str(args.passes)],
                  WORK / f"embedders-{name}.log")
        res["systems"][name] = json.loads(out.read_text(encoding="utf-8")) | {"wall_s": round(time.time() - t, 1)}
    write_json(OUT_JSON, res)
    OUT_MD.write_text(render(res), encoding="utf-8")
    print(OUT_MD.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
