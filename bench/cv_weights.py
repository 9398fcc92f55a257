"""Choose the fusion weights, the dense passage prefix and ``semantic_weight`` by leave-one-document-out CV.

``python -m bench.cv_weights [--out bench/cv_weights.json]`` (about 10 min on 2 cores the first
time, the e5 vectors are cached after). For every held-out document the grid point
with the best mean MRR@10 (retrieval) or answer score (``semantic_weight``) on the
other documents' dev questions is chosen, then scored on the held-out document's
questions; the figure reported is the pooled held-out one, never the fitted one.
Retrieval is replayed exactly as ``HybridRetriever`` ranks (weighted RRF, then place
preference) from one BM25 and one dense ranking per question.
"""
from __future__ import annotations

import argparse
import itertools
import json
import statistics
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "_work"
DENSE_WEIGHTS = (0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5)
FUSION_KS = (1, 3, 10, 30, 60)
SEMANTIC_WEIGHTS = (0.0, 0.15, 0.3, 0.5, 0.8)
CANDIDATES = 50


def _settings(**over):
    from planqa.config import Settings

    return Settings().with_overrides({"data_dir": str(WORK / "cv-e5"), **over}, source="cv")


def build(settings):
    """The e5 assistant over the bundled corpus (ingested once; vectors cached)."""
    from planqa.corpus.document import bundled_paths
    from planqa.rag.service import Assistant

    assistant = Assistant(settings)
    assistant.ingest(bundled_paths())
    return assistant


def rankings(assistant, questions, bare: bool) -> dict[str, dict]:
    """Per question: BM25 ids, dense ids (chunk vectors with or without the title/heading prefix) and places."""
    from planqa.rag.bm25 import index_text

    kb = assistant.kb
    retriever = assistant.retriever("hybrid")
    texts = [c.text if bare else index_text(c) for c in kb.chunks]
    vecs = kb.vectors if not bare else kb.sentences.embed(texts, show_progress=True)
    if bare:
        kb.sentences.save_cache()
    out = {}
    for q in questions:
        info = retriever.analyze(q.question)
        bm25 = [i for i, _ in retriever.bm25.scored(q.question, CANDIDATES, None)]
        scores = vecs @ assistant.embedder.embed_query(q.question)
        dense = [int(i) for i in np.argsort(-scores, kind="stable")[:CANDIDATES]]
        out[q.id] = {"bm25": bm25, "dense": dense, "info": info}
    return out


def fused(retriever, r: dict, dense_weight: float, k: int, top: int = 10) -> list[int]:
    from planqa.rag.retrievers import weighted_rrf

    rank = [(r["bm25"], 1.0)]
    if dense_weight:
        rank.append((r["dense"], dense_weight))
    f = weighted_rrf(rank, k)
    ranked = sorted(f, key=lambda i: -f[i])
    return retriever._prefer_places(ranked, r["info"])[:top]


def retrieval_scores(assistant, questions, ranks, gold) -> dict[tuple, dict[str, tuple]]:
    """Grid point → question id → (hit@1, hit@5, mrr@10)."""
    from planqa.eval.metrics import hit_at, mrr_at, relevant

    kb, retriever = assistant.kb, assistant.retriever("hybrid")
    out = {}
    for bare, w, k in itertools.product(sorted(ranks), DENSE_WEIGHTS, FUSION_KS):
        per = {}
        for q in questions:
            ids = fused(retriever, ranks[bare][q.id], w, k)
            flags = [relevant(kb.chunks[i].source, kb.chunks[i].start_line, kb.chunks[i].end_line, gold[q.id])
                     for i in ids]
            per[q.id] = (hit_at(flags, 1), hit_at(flags, 5), mrr_at(flags, 10))
        out[(bare, w, k)] = per
    # dense alone, for the report
    for bare in sorted(ranks):
        per = {}
        for q in questions:
            ids = ranks[bare][q.id]["dense"][:10]
            flags = [relevant(kb.chunks[i].source, kb.chunks[i].start_line, kb.chunks[i].end_line, gold[q.id])
                     for i in ids]
            per[q.id] = (hit_at(flags, 1), hit_at(flags, 5), mrr_at(flags, 10))
        out[("dense-only", bare)] = per
    return out


def lodo(questions, table: dict, objective, points) -> dict:
    """Leave one document out: per fold the point best on the other documents, scored on the held-out one."""
    docs = sorted({q.docs[0] for q in questions})
    held, folds = {}, []
    for d in docs:
        train = [q.id for q in questions if q.docs[0] != d]
        test = [q.id for q in questions if q.docs[0] == d]
        best = max(points, key=lambda p: (statistics.mean(objective(table[p][i]) for i in train), _prior(p)))
        folds.append({"held_out": d, "chosen": _label(best), "questions": len(test),
                      "train_objective": round(statistics.mean(objective(table[best][i]) for i in train), 4),
                      "held_out_objective": round(statistics.mean(objective(table[best][i]) for i in test), 4)})
        held.update({i: table[best][i] for i in test})
    return {"folds": folds, "held_out": held}


def _prior(point) -> tuple:
    """Tie-break: the simpler point (smaller weights) wins."""
    return tuple(-x if isinstance(x, (int, float)) else 0 for x in point)


def _label(point) -> str:
    if len(point) == 3:
        bare, w, k = point
        return f"dense_text={'chunk' if bare else 'title+headings+chunk'};dense_weight={w};fusion_k={k}"
    return f"semantic_weight={point[0]}"


def _means(per: dict[str, tuple], names=("hit@1", "hit@5", "mrr@10")) -> dict[str, float]:
    rows = list(per.values())
    return {n: round(statistics.mean(r[j] for r in rows), 4) for j, n in enumerate(names)}


def answer_score(scores: dict) -> float:
    """One answer figure per question: refusal for unanswerable ones, else the mean of numbers present,
    list recall, citation precision and not refusing (those that apply)."""
    if "refusal_correct" in scores:
        return scores["refusal_correct"]
    parts = [scores[k] for k in ("numbers_present", "list_recall", "citation_precision") if k in scores]
    parts.append(1.0 - scores["false_refusal"])
    return sum(parts) / len(parts)


def semantic_cv(base, questions, retrieval: dict) -> dict:
    """``semantic_weight`` by LODO on the answer score, with the retrieval settings chosen on all documents."""
    from planqa.eval.runner import evaluate
    from planqa.rag.service import Assistant

    table = {}
    embedder = base.embedder
    for sw in SEMANTIC_WEIGHTS:
        s = _settings(**retrieval, semantic_weight=sw)
        _, preds = evaluate(Assistant(s, embedder=embedder), questions)
        table[(sw,)] = {p["id"]: p["scores"] for p in preds}
    cv = lodo(questions, table, answer_score, list(table))
    fitted = {_label(p): round(statistics.mean(answer_score(v) for v in table[p].values()), 4) for p in table}
    held = round(statistics.mean(answer_score(v) for v in cv["held_out"].values()), 4)
    return {"grid": fitted, "folds": cv["folds"], "held_out_answer_score": held}


def main(argv=None) -> int:
    from planqa.eval.questions import bundled_questions_path, evidence_spans, load_questions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(BENCH / "cv_weights.json"))
    args = parser.parse_args(argv)
    t0 = time.time()
    assistant = build(_settings())
    texts = assistant.kb.source_texts()
    every = load_questions(bundled_questions_path(), texts)
    single = [q for q in every if len(q.docs) == 1]
    answerable = [q for q in single if q.answerable]
    gold = {q.id: evidence_spans(q, texts) for q in answerable}
    ranks = {bare: rankings(assistant, answerable, bare) for bare in (False, True)}
    table = retrieval_scores(assistant, answerable, ranks, gold)
    points = [p for p in table if len(p) == 3]
    cv = lodo(answerable, table, lambda s: s[2], points)
    best_all = max(points, key=lambda p: (statistics.mean(v[2] for v in table[p].values()), _prior(p)))
    bare, w, k = best_all
    current = (False, 0.02, 10)
    result = {
        "questions": {"retrieval": len(answerable), "answers": len(single)},
        "retrieval_objective": "mrr@10 on answerable single-document dev questions",
        "retrieval_held_out": _means(cv["held_out"]),
        "retrieval_folds": cv["folds"],
        "chosen_on_all_documents": _label(best_all),
        "fitted_figures_of_chosen (not a held-out estimate)": _means(table[best_all]),
        "previous_defaults_same_questions": _means(table[current]),
        "dense_only": {("chunk" if b else "title+headings+chunk"): _means(table[("dense-only", b)])
                       for b in (False, True)},
        "grid_mrr@10": {_label(p): _means(table[p])["mrr@10"] for p in points},
    }
    if not bare:
        result["semantic"] = semantic_cv(assistant, single, {"dense_weight": w, "fusion_k": k})
    result["seconds"] = round(time.time() - t0, 1)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "grid_mrr@10"}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
