"""The Milvus scale series beside the local store: 10k, 100k … synthetic chunks, in one process.

Per size, the same synthetic chunks (``bench.synth``) go into the local store
(planqa's BM25 + a flat FAISS index, the exact reference) and into Milvus
(``store = "milvus"`` rows, written in batches as ingest writes them), and
planqa's ``HybridRetriever`` is timed over the dev questions on each: ingest
throughput (embedding excluded: the vectors are synthetic), p50/p95 hybrid
latency (the question is embedded just before, outside the timing, so it is
the stores' time; ``query_embed_ms`` is the embedding's), dense recall@10
against exact search, and the RSS of this process
(Milvus Lite's engine runs inside it, so the milvus rows count it). Run as
``python -m bench.milvus_scale bench/milvus_scale.json --sizes 10000,100000``.
"""
from __future__ import annotations

import argparse
import dataclasses
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from bench import synth
from bench.measure import latency, peak_rss_mb, rss_mb, timed_ms, write_json
from bench.quality import dev_questions
from bench.scale import release_memory


def _search_latency(retriever, questions, passes) -> dict:
    """Latency of ``retriever.retrieve(q, 10)`` with the query embedding already memoised."""
    samples = []
    for _ in range(passes):
        for q in questions:
            retriever.kb.embedder.embed_query(q)
            samples.append(timed_ms(lambda q=q: retriever.retrieve(q, 10))[0])
    return latency(samples)


def _local(kb, vectors, tokens, questions, passes) -> dict:
    from planqa.rag.retrievers import HybridRetriever

    t = time.perf_counter()
    kb.tokens, kb.vectors = tokens, vectors
    kb.warm()
    build = time.perf_counter() - t
    retriever = HybridRetriever(kb, "hybrid")
    lat = _search_latency(retriever, questions, passes)
    return {"store": "local", "ingest_s": round(build, 2), "ingest_rows_per_s": round(len(tokens) / build),
            "hybrid_ms_p50": lat["p50"], "hybrid_ms_p95": lat["p95"], "recall@10_vs_exact": 1.0,
            "rss_mb": round(rss_mb(), 1)}


def _milvus(kb, chunks, vectors, tokens, questions, qvecs, exact, passes, fusion) -> dict:
    from planqa.embeddings.milvus_store import in_expr
    from planqa.rag.milvus_rows import to_row
    from planqa.rag.retrievers import HybridRetriever

    side = kb.milvus
    version = {d: r.version for d, r in kb.docs.items()}
    meta = {d: r.meta for d, r in kb.docs.items()}
    avgdl = sum(len(t) for t in tokens) / len(tokens)
    lexical = kb.settings.milvus_lexical
    t = time.perf_counter()
    side.store.insert((to_row(c, tok, v, version[c.doc_id], j, meta[c.doc_id], lexical, avgdl)
                       for j, (c, tok, v) in enumerate(zip(chunks, tokens, vectors))), kb.settings.milvus_batch_size)
    side.store.seal()  # as ingest does after its writes
    ingest = time.perf_counter() - t
    kb.tokens = tokens
    expr = in_expr("doc_ver", version.values())
    found = [[kb.row_of(k.split("#", 1)[1]) for k, _ in side.dense(q, 10, expr)] for q in qvecs]
    recall = float(np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact)]))
    row = {"store": "milvus", "ingest_s": round(ingest, 2), "ingest_rows_per_s": round(len(chunks) / ingest),
           "recall@10_vs_exact": round(recall, 4)}
    for name in fusion:
        kb.settings = dataclasses.replace(kb.settings, milvus_fusion=name)
        retriever = HybridRetriever(kb, "hybrid")
        lat = _search_latency(retriever, questions, passes)
        row.update({f"hybrid_{name}_ms_p50": lat["p50"], f"hybrid_{name}_ms_p95": lat["p95"]})
    row["rss_mb"] = round(rss_mb(), 1)
    return row


def measure_size(n, real, embedder, units, questions, qvecs, passes, seed, root: Path,
                 fusion: tuple[str, ...] = ("client",)) -> list[dict]:
    from planqa.rag.knowledge_base import KnowledgeBase

    plan = synth.Plan.make(n, len(units), seed)
    chunks = [dataclasses.replace(real.chunks[p], chunk_id=f"syn{n}-{j}") for j, p in enumerate(plan.p.tolist())]
    tokens = synth.tokens(units, plan)
    vectors = synth.vectors(units, plan)
    exact = np.argsort(-(qvecs @ vectors.T), axis=1)[:, :10]

    local = KnowledgeBase(real.settings, embedder)
    local.docs, local.chunks = real.docs, chunks
    rows = [_local(local, vectors, tokens, questions, passes)]
    del local
    release_memory()

    s = real.settings.with_overrides({"store": "milvus", "data_dir": str(root / f"n{n}"),
                                      "milvus_collection": f"bench_{n}"}, source="bench")
    kb = KnowledgeBase(s, embedder)
    kb.docs = {d: dataclasses.replace(r, version=f"{d}@bench{n}") for d, r in real.docs.items()}
    kb.chunks = chunks
    rows.append(_milvus(kb, chunks, vectors, tokens, questions, qvecs, exact, passes, fusion))
    from planqa.embeddings.milvus_store import release

    release(s.milvus_target)
    for row in rows:
        row["chunks"] = n
        print(row, flush=True)
    return rows


def run(sizes: list[int], out: Path, data_dir: str, passes: int = 1, seed: int = 0, embed_cache_dir: str = "",
        queries: int = 0, fusion: tuple[str, ...] = ("client",)) -> dict:
    from planqa.config import Settings
    from planqa.rag.service import Assistant

    overrides = {"data_dir": data_dir, **({"embed_cache_dir": embed_cache_dir} if embed_cache_dir else {})}
    real = Assistant(Settings().with_overrides(overrides, source="bench")).kb
    embedder = real.embedder
    units = synth.Units.from_kb(real)
    questions = [q.question for q in dev_questions()][::max(1, len(dev_questions()) // queries) if queries else 1]
    embed = [timed_ms(lambda q=q: embedder.embed_query(q)) for q in questions]
    qvecs = np.stack([v for _, v in embed])
    result = {"real_chunks": len(units), "queries": len(questions), "passes": passes, "rows": [],
              "query_embed_ms": latency([ms for ms, _ in embed]),
              "note": "rss_mb is this process after each store's searches; Milvus Lite's engine runs inside it"}
    root = Path(tempfile.mkdtemp(prefix="planqa-milvus-bench-"))
    try:
        for n in sizes:
            result["rows"] += measure_size(n, real, embedder, units, questions, qvecs, passes, seed, root, fusion)
            release_memory()
            result["peak_rss_mb"] = peak_rss_mb()
            write_json(out, result)
            write_report(out.parent / "MILVUS.md", markdown(result)
                         + f"\n{result['queries']} dev questions timed per store, {result['passes']} pass(es); "
                         + result["note"] + "\n")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return result


COLUMNS = (("chunks", "chunks"), ("store", "store"), ("ingest_rows_per_s", "ingest rows/s"),
           ("hybrid_ms_p50", "hybrid p50 ms"), ("hybrid_ms_p95", "hybrid p95 ms"),
           ("hybrid_client_ms_p50", "hybrid p50 ms (client RRF)"), ("hybrid_client_ms_p95", "p95"),
           ("hybrid_engine_ms_p50", "hybrid p50 ms (engine RRF)"), ("hybrid_engine_ms_p95", "p95"),
           ("recall@10_vs_exact", "dense recall@10 vs exact"), ("rss_mb", "planqa RSS MiB"))


TABLE_START, TABLE_END = "<!-- milvus_scale table -->", "<!-- end of milvus_scale table -->"


def write_report(path: Path, table: str) -> None:
    """Put the table between its markers in ``path``, keeping the notes written around it."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if TABLE_START in text and TABLE_END in text:
        head, rest = text.split(TABLE_START, 1)
        tail = rest.split(TABLE_END, 1)[1]
    else:
        head, tail = "# Milvus scale series\n\n" + (__doc__ or "") + "\n", ""
    path.write_text(f"{head}{TABLE_START}\n{table}{TABLE_END}{tail}", encoding="utf-8")


def markdown(result: dict) -> str:
    """The rows as one table (a dash where a store has no such figure)."""
    head = "| " + " | ".join(t for _, t in COLUMNS) + " |\n|" + "---|" * len(COLUMNS) + "\n"
    body = "".join("| " + " | ".join(str(r.get(k, "–")) for k, _ in COLUMNS) + " |\n" for r in result["rows"])
    return head + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--passes", type=int, default=1)
    parser.add_argument("--data-dir", default=str(Path(__file__).parent / ".kb"),
                        help="a local knowledge base over the bundled corpus (built when missing)")
    parser.add_argument("--queries", type=int, default=0, help="time about this many dev questions, evenly spaced "
                        "(0: all; each is embedded and searched once per store and fusion)")
    parser.add_argument("--fusion", default="client", help="milvus_fusion values to time, comma-separated (client,engine)")
    parser.add_argument("--embed-cache-dir", default="", help="a passage-vector cache to build the real one from")
    args = parser.parse_args(argv)
    run([int(s) for s in args.sizes.split(",")], Path(args.out), args.data_dir, args.passes,
        embed_cache_dir=args.embed_cache_dir, queries=args.queries,
        fusion=tuple(args.fusion.split(",")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
