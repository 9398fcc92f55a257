"""Where a Milvus Lite search spends its time: the calls ``store = "milvus"`` makes, one variant at a time.

On one collection of synthetic chunks (``bench.synth``, written as ingest writes
them), each search planqa makes is timed over real query vectors and their
planqa sparse weights: dense and sparse alone, before and after the rows are
flushed, without a filter, with the live-version filter ``doc_ver in [...]``
and with a 2,000-version one; consistency levels, a client per query, a
repeated ``load_collection`` / ``flush``; and the fusions (two searches and
planqa's RRF, ``hybrid_search`` with ``RRFRanker`` and planqa's weights as
repeated requests, unweighted, ``WeightedRanker``). Run as
``python -m bench.milvus_profile bench/milvus_profile.json --size 10000``.
"""
from __future__ import annotations

import argparse
import dataclasses
import shutil
import tempfile
import time
from pathlib import Path

from bench import synth
from bench.measure import latency, write_json
from bench.quality import dev_questions


def _timed(fn, inputs) -> dict:
    samples = []
    for x in inputs:
        t = time.perf_counter()
        fn(x)
        samples.append((time.perf_counter() - t) * 1000)
    return latency(samples)


def _collection(kb, real, n: int):
    """A Milvus side holding ``n`` synthetic rows, written but not yet flushed; the rows' chunks."""
    from planqa.rag.milvus_rows import to_row

    units = synth.Units.from_kb(real)
    plan = synth.Plan.make(n, len(units), 0)
    chunks = [dataclasses.replace(real.chunks[p], chunk_id=f"syn{n}-{j}") for j, p in enumerate(plan.p.tolist())]
    tokens, vectors = synth.tokens(units, plan), synth.vectors(units, plan)
    version = {d: r.version for d, r in kb.docs.items()}
    meta = {d: r.meta for d, r in kb.docs.items()}
    avgdl = sum(len(t) for t in tokens) / len(tokens)
    kb.milvus.store.insert((to_row(c, tok, v, version[c.doc_id], j, meta[c.doc_id], "sparse", avgdl)
                            for j, (c, tok, v) in enumerate(zip(chunks, tokens, vectors))),
                           kb.settings.milvus_batch_size)
    kb.chunks, kb.tokens = chunks, tokens


def _searches(kb, queries, expr: str, big_expr: str) -> dict:
    store = kb.milvus.store
    out = {}
    for label, e in (("no filter", ""), ("doc_ver in [live versions]", expr), ("doc_ver in [2000 versions]", big_expr)):
        out[f"dense, {label}"] = _timed(lambda q: store.search("dense", q[0], 60, e), queries)
        out[f"sparse, {label}"] = _timed(lambda q: store.search("sparse", q[1], 60, e), queries)
    return out


def _fusions(kb, queries, expr: str) -> dict:
    from pymilvus import AnnSearchRequest, RRFRanker, WeightedRanker

    from planqa.rag.milvus_rows import engine_repeats

    store, c, s = kb.milvus.store, kb.milvus.store.client, kb.settings
    rb, rd = engine_repeats(s.bm25_weight, s.dense_weight)

    def req(field, q):
        return AnnSearchRequest(data=[q], anns_field=field, limit=60, expr=expr, param={"metric_type": "IP"})

    def hybrid(reqs, ranker):
        return c.hybrid_search(store.name, reqs, ranker, limit=60, output_fields=["key"])

    return {
        "client: sparse + dense searches (planqa's weighted RRF)":
            _timed(lambda q: (store.search("sparse", q[1], 60, expr), store.search("dense", q[0], 60, expr)), queries),
        f"engine: RRFRanker, {rb} sparse + {rd} dense requests (milvus_fusion=engine)":
            _timed(lambda q: hybrid([req("sparse", q[1])] * rb + [req("dense", q[0])] * rd, RRFRanker(s.fusion_k)),
                   queries),
        "engine: RRFRanker, 1 + 1 requests (unweighted)":
            _timed(lambda q: hybrid([req("sparse", q[1]), req("dense", q[0])], RRFRanker(s.fusion_k)), queries),
        f"engine: WeightedRanker({s.bm25_weight}, {s.dense_weight}), 1 + 1 requests (scores, not ranks)":
            _timed(lambda q: hybrid([req("sparse", q[1]), req("dense", q[0])],
                                    WeightedRanker(s.bm25_weight, s.dense_weight)), queries),
    }


def run(out: Path, n: int, data_dir: str, embed_cache_dir: str, queries: int) -> dict:
    from pymilvus import MilvusClient

    from planqa.config import Settings
    from planqa.embeddings.milvus_store import as_dense, in_expr, release
    from planqa.rag.knowledge_base import KnowledgeBase
    from planqa.rag.milvus_rows import query_sparse
    from planqa.rag.service import Assistant

    overrides = {"data_dir": data_dir, **({"embed_cache_dir": embed_cache_dir} if embed_cache_dir else {})}
    real = Assistant(Settings().with_overrides(overrides, source="bench")).kb
    root = Path(tempfile.mkdtemp(prefix="planqa-milvus-profile-"))
    try:
        s = real.settings.with_overrides({"store": "milvus", "data_dir": str(root), "milvus_collection": "profile"},
                                         source="bench")
        kb = KnowledgeBase(s, real.embedder)
        kb.docs = {d: dataclasses.replace(r, version=f"{d}@profile") for d, r in real.docs.items()}
        _collection(kb, real, n)
        texts = [q.question for q in dev_questions()]
        texts = texts[::max(1, len(texts) // queries)][:queries]
        qs = [(as_dense(real.embedder.embed_query(t)),
               query_sparse(kb.tokenizer.tokenize(t), kb.idf, lambda w: kb.doc_freq(w) > 0) or {0: 1.0})
              for t in texts]
        expr = in_expr("doc_ver", [r.version for r in kb.docs.values()])
        big = in_expr("doc_ver", [r.version for r in kb.docs.values()] + [f"doc{i}@{i:016x}" for i in range(2000)])
        store = kb.milvus.store
        result = {"chunks": n, "queries": len(qs), "limit": 60,
                  "unflushed (Milvus Lite memtable)": _searches(kb, qs[:3], expr, big)}
        t = time.perf_counter()
        store.seal()
        result["flush_s"] = round(time.perf_counter() - t, 2)
        store.client.load_collection(store.name)
        time.sleep(5)  # the segment's indexes are built by a background thread after the flush
        result["flushed"] = _searches(kb, qs, expr, big)
        result["flushed, dense, other calls"] = {
            **{f"consistency_level={lvl}": _timed(lambda q: store.client.search(
                store.name, [q[0]], anns_field="dense", limit=60, filter=expr, output_fields=["key"],
                consistency_level=lvl), qs) for lvl in ("Strong", "Bounded", "Eventually")},
            "a new MilvusClient per query": _timed(lambda q: MilvusClient(uri=s.milvus_target).search(
                store.name, [q[0]], anns_field="dense", limit=60, filter=expr, output_fields=["key"]), qs),
            "load_collection again": _timed(lambda q: store.client.load_collection(store.name), qs),
            "flush with nothing unflushed": _timed(lambda q: store.client.flush(store.name), qs),
        }
        result["fusion"] = _fusions(kb, qs, expr)
        release(s.milvus_target)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    write_json(out, result)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--data-dir", default=str(Path(__file__).parent / ".kb"),
                        help="a local knowledge base over the bundled corpus (built when missing)")
    parser.add_argument("--embed-cache-dir", default="", help="a passage-vector cache to build the real one from")
    args = parser.parse_args(argv)
    run(Path(args.out), args.size, args.data_dir, args.embed_cache_dir, args.queries)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
