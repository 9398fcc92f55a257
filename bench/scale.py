"""The scale series: planqa's indexes and retrievers over 10k … 1M synthetic chunks, in one fresh process.

Per size: synthetic tokens → planqa's BM25 (``KnowledgeBase.bm25``), synthetic
vectors → each ``VectorIndex`` type (flat first, as the exact reference), and
planqa's ``HybridRetriever`` (BM25 top-50 + ANN top-50 + weighted RRF) timed
over the dev questions with each index. Run as
``python -m bench.scale OUT.json --sizes 10000,100000``; partial results are
written after every size.
"""
from __future__ import annotations

import argparse
import ctypes
import gc
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from bench import ann, synth
from bench.measure import peak_rss_mb, repeat_latency, rss_mb, write_json
from bench.planqa_system import bench_settings
from bench.quality import dev_questions

INDEX_TYPES = ("flat", "hnsw", "ivf", "ivfpq")


def real_corpus():
    """The bench knowledge base over the bundled corpus (built if missing) and its embedder."""
    from planqa.rag.service import Assistant

    assistant = Assistant(bench_settings())
    return assistant.kb, assistant.embedder


def loaded_rows_bytes(settings, embedder) -> dict:
    """Python memory per chunk of the rows ``KnowledgeBase.open`` keeps (``Chunk`` records and token lists,
    each token a separate string as read from chunks.jsonl), measured with tracemalloc on the real corpus."""
    from planqa.rag.knowledge_base import KnowledgeBase

    tracemalloc.start()
    kb = KnowledgeBase.open(settings, embedder)
    traced, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n = max(len(kb.chunks), 1)
    tokens = sum(sys.getsizeof(t) + sum(sys.getsizeof(x) for x in t) for t in kb.tokens)
    return {"rows_bytes_per_chunk": round((traced - kb.vectors.nbytes) / n), "token_bytes_per_chunk": round(tokens / n),
            "tokens_per_chunk": round(sum(len(t) for t in kb.tokens) / n, 1)}


def release_memory() -> None:
    """Collect garbage and hand freed heap pages back to the OS (glibc), so later RSS figures are not
    inflated by memory the previous step already freed."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def lexical(kb, units, plan, questions: list[str], passes: int) -> dict:
    """Build planqa's BM25 over the synthetic tokens and time BM25 top-50 per question."""
    from planqa.rag.retrievers import BM25Retriever

    t = time.perf_counter()
    kb.tokens = synth.tokens(units, plan)
    tokens_s = time.perf_counter() - t
    lists = sum(sys.getsizeof(t) for t in kb.tokens)  # the strings themselves are shared with the real chunks
    n_tokens = sum(len(t) for t in kb.tokens)
    t = time.perf_counter()
    bm25 = kb.bm25  # builds planqa's BM25Index(kb.tokens)
    build_s = time.perf_counter() - t
    matrices = sum(v.nbytes for v in bm25._bm25.scores.values() if hasattr(v, "nbytes"))  # bm25s's CSC arrays
    kb.tokens = []  # retrieval no longer needs them (planqa's KnowledgeBase keeps them: see loaded_rows_bytes)
    release_memory()
    retriever = BM25Retriever(kb)
    lat = repeat_latency(lambda q: retriever.scored(q, 50, None), questions, passes)
    n = len(plan)
    return {"bm25_build_s": round(build_s, 2), "bm25_query_ms_p50": lat["p50"], "bm25_query_ms_p95": lat["p95"],
            "bm25_bytes_per_chunk": round(matrices / n), "tokens_per_chunk": round(n_tokens / n, 1),
            "token_list_bytes_per_chunk": round(lists / n), "synth_tokens_s": round(tokens_s, 2)}


def hybrid(kb, index, questions: list[str], passes: int) -> dict:
    """planqa's hybrid retrieval (query embedding, BM25 top-50, ANN top-50, weighted RRF) with ``index``."""
    from planqa.rag.retrievers import HybridRetriever

    kb._vindex = index  # the tuned index; Settings has no field for its search parameters
    retriever = HybridRetriever(kb, "hybrid")
    lat = repeat_latency(lambda q: retriever.retrieve(q, 10), questions, passes)
    kb._vindex = None
    return {"hybrid_ms_p50": lat["p50"], "hybrid_ms_p95": lat["p95"]}


def measure_size(n: int, real, embedder, units, questions, qvecs, passes: int, seed: int) -> list[dict]:
    """Every row (one per index type) for ``n`` synthetic chunks."""
    from planqa.rag.knowledge_base import KnowledgeBase

    plan = synth.Plan.make(n, len(units), seed)
    kb = KnowledgeBase(real.settings, embedder)
    kb.docs = real.docs
    kb.chunks = [real.chunks[i] for i in plan.p.tolist()]  # hits show the dominant real chunk
    lex = lexical(kb, units, plan, questions, passes)
    t = time.perf_counter()
    vectors = synth.vectors(units, plan)
    synth_vectors_s = time.perf_counter() - t
    rows, exact = [], None
    for index_type in INDEX_TYPES:
        index, row, ids = ann.measure(index_type, vectors, qvecs, exact)
        exact = ids if exact is None else exact
        row.update(hybrid(kb, index, questions, passes))
        row.update(lex)
        row.update({"synth_vectors_s": round(synth_vectors_s, 2), "rss_mb": round(rss_mb(), 1),
                    "peak_rss_mb_so_far": round(peak_rss_mb(), 1)})
        rows.append(row)
        print(f"scale n={n:>9,} {index_type:<5} build {row['build_s']:7.1f}s  p95 {row['query_ms_p95']:7.2f}ms  "
              f"recall {row['recall@10_vs_flat']:.3f}  hybrid p95 {row['hybrid_ms_p95']:7.1f}ms  "
              f"rss {row['rss_mb']:,.0f} MB", flush=True)
        del index
        release_memory()
    return rows


def run(sizes: list[int], out: Path, passes: int = 2, seed: int = 0) -> dict:
    real, embedder = real_corpus()
    units = synth.Units.from_kb(real)
    questions = [q.question for q in dev_questions()]
    qvecs = np.stack([embedder.embed_query(q) for q in questions])
    plan = synth.Plan.make(3, len(units), seed)
    result = {"real_chunks": len(units), "sigma": synth.SIGMA, "queries": len(questions),
              "loaded_rows": loaded_rows_bytes(real.settings, embedder), "sample_text": synth.text(units, plan, 2)[:300],
              "rows": []}
    for n in sizes:
        result["rows"] += measure_size(n, real, embedder, units, questions, qvecs, passes, seed)
        release_memory()
        result["peak_rss_mb"] = peak_rss_mb()
        write_json(out, result)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--passes", type=int, default=2)
    args = parser.parse_args(argv)
    run([int(s) for s in args.sizes.split(",")], Path(args.out), args.passes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
