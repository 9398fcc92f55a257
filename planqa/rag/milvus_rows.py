"""The knowledge base's Milvus side: chunk rows in and out, versioned writes, filtered and fused searches.

A document's rows carry its version (``doc_ver``: doc id + a hash of its
content and of the build signature). Readers search only the versions the
manifest lists, so new rows stay invisible until the manifest swap and old
ones are deleted after it; a re-run finds the rows an interrupted ingest
already wrote and skips them. It holds no documents of its own: the manifest
and ``KnowledgeBase`` say which versions are live.
"""
from __future__ import annotations

import hashlib
import json
import zlib
from collections import Counter
from fractions import Fraction
from typing import Callable, Iterable

import numpy as np

from planqa.config import Settings
from planqa.embeddings.milvus_store import MilvusStore, MilvusStoreError, as_dense, as_sparse, in_expr
from planqa.rag.bm25 import index_text
from planqa.types import Chunk, DocMeta

K1, B = 1.5, 0.5  # as planqa's local BM25 (bm25s, lucene)
MAX_ENGINE_REQUESTS = 16  # weighted RRF in the engine repeats each request by its weight's numerator


def doc_version(doc_id: str, fingerprint: str, signature: dict) -> str:
    """The version tag of a document's rows: same content and build settings, same tag.

    >>> doc_version("d1", "abc", {"dim": 4}) == doc_version("d1", "abc", {"dim": 4}) != doc_version("d1", "abd", {"dim": 4})
    True
    """
    digest = hashlib.blake2b(f"{fingerprint}\0{json.dumps(signature, sort_keys=True)}".encode(), digest_size=8)
    return f"{doc_id}@{digest.hexdigest()}"


def token_id(token: str) -> int:
    """A token's sparse dimension (1 … 2³¹−1; 0 is the placeholder of an empty text).

    >>> token_id("海洋") == token_id("海洋") != token_id("经济")
    True
    """
    return zlib.crc32(token.encode("utf-8")) % 0x7FFFFFFE + 1


def doc_sparse(tokens: list[str], avgdl: float) -> dict[int, float]:
    """The BM25 term-frequency part of each token (the idf goes on the query side).

    >>> doc_sparse(["a", "a", "b"], 3.0)[token_id("a")] > doc_sparse(["a", "a", "b"], 3.0)[token_id("b")]
    True
    """
    norm = K1 * (1 - B + B * len(tokens) / max(avgdl, 1e-9))
    out: dict[int, float] = {}
    for tok, tf in Counter(tokens).items():
        i = token_id(tok)
        out[i] = out.get(i, 0.0) + tf / (tf + norm)
    return out


def query_sparse(tokens: list[str], idf: Callable[[str], float], known: Callable[[str], bool]) -> dict[int, float]:
    """Query weights: idf × count of each known token (inner product with ``doc_sparse`` = BM25)."""
    out: dict[int, float] = {}
    for tok, n in Counter(t for t in tokens if known(t)).items():
        i = token_id(tok)
        out[i] = out.get(i, 0.0) + n * idf(tok)
    return out


def to_row(chunk: Chunk, tokens: list[str], vector: np.ndarray, doc_ver: str, seq: int, meta: DocMeta,
           lexical: str, avgdl: float) -> dict:
    record = chunk.to_dict()
    row = {"key": f"{doc_ver}#{chunk.chunk_id}", "doc_ver": doc_ver, "doc_id": chunk.doc_id, "seq": seq,
           "place": chunk.place or meta.place, "kind": chunk.kind, "period": meta.period,
           "doc_type": meta.doc_type, "text": index_text(chunk),
           "start": chunk.start, "end": chunk.end, "start_line": chunk.start_line, "end_line": chunk.end_line,
           "chunk": {**record, "tokens": tokens}, "dense": as_dense(vector)}
    if lexical == "sparse":
        row["sparse"] = as_sparse(doc_sparse(tokens, avgdl))
    return row


ROW_FIELDS = ["key", "doc_ver", "seq", "chunk"]


def from_row(row: dict) -> tuple[Chunk, list[str]]:
    record = dict(row["chunk"])
    tokens = list(record.pop("tokens", []))
    return Chunk.from_dict(record), tokens


def engine_repeats(bm25_weight: float, dense_weight: float) -> tuple[int, int]:
    """Whole-number repeats of each request whose ratio is the weights' (RRF sums over requests).

    >>> engine_repeats(1.0, 0.3)
    (10, 3)
    >>> engine_repeats(1.0, 1.0)
    (1, 1)
    """
    if bm25_weight <= 0 or dense_weight <= 0:
        return (1 if bm25_weight > 0 else 0), (1 if dense_weight > 0 else 0)
    for limit in range(MAX_ENGINE_REQUESTS, 0, -1):
        ratio = Fraction(bm25_weight / dense_weight).limit_denominator(limit)
        if ratio.numerator + ratio.denominator <= MAX_ENGINE_REQUESTS and ratio > 0:
            return ratio.numerator, ratio.denominator
    return 1, 1


class MilvusSide:
    """What a ``KnowledgeBase`` with ``store = "milvus"`` keeps in Milvus, and its searches there."""

    def __init__(self, settings: Settings, dim: int):
        self.settings = settings
        # one collection per schema: switching lexical side or model never touches the rows in use
        name = f"{settings.milvus_collection}_{settings.milvus_lexical}_{dim}"
        self.store = MilvusStore(settings.milvus_target, settings.milvus_token(), name, dim, settings.milvus_lexical)
        self.pending: list[tuple[str, list[Chunk], list[list[str]], np.ndarray, DocMeta]] = []

    def copy(self) -> "MilvusSide":
        other = MilvusSide.__new__(MilvusSide)
        other.settings, other.store, other.pending = self.settings, self.store, list(self.pending)
        return other

    def connect(self) -> None:
        """Open the client now, so an unreachable ``milvus_uri`` is reported before any work."""
        self.store.client

    # ---- writes ------------------------------------------------------------------------
    def stage(self, doc_ver: str, chunks: list[Chunk], tokens: list[list[str]], vectors: np.ndarray,
              meta: DocMeta) -> None:
        self.pending = [p for p in self.pending if p[0] != doc_ver] + [(doc_ver, chunks, tokens, vectors, meta)]

    def drop_pending(self, doc_ids: set[str]) -> None:
        self.pending = [p for p in self.pending if not p[1] or p[1][0].doc_id not in doc_ids]

    def flush(self, avgdl: float, progress: Callable[[str], None] | None = None) -> int:
        """Write the staged documents' rows (skipping rows an interrupted run already wrote); returns rows written."""
        lexical, size = self.settings.milvus_lexical, self.settings.milvus_batch_size
        total = sum(len(p[1]) for p in self.pending)
        written = 0
        for doc_ver, chunks, tokens, vectors, meta in self.pending:
            have = self.store.keys_of(doc_ver)
            rows = (to_row(c, t, v, doc_ver, i, meta, lexical, avgdl)
                    for i, (c, t, v) in enumerate(zip(chunks, tokens, vectors))
                    if f"{doc_ver}#{c.chunk_id}" not in have)
            base = written

            def said(n: int, base=base) -> None:
                if progress:
                    progress(f"写入 Milvus {base + n}/{total} 行")
            written += self.store.insert(rows, size, said) + len(have)
        if self.pending:
            self.store.seal()
        self.pending = []
        return written

    def collect(self, live: Iterable[str]) -> int:
        """Delete the rows of every version the manifest no longer lists; returns how many versions went."""
        gone = self.store.versions() - set(live)
        if gone:
            self.store.delete_versions(gone)
            self.store.seal()
        return len(gone)

    # ---- reads -------------------------------------------------------------------------
    def load(self, versions: dict[str, str]) -> tuple[list[Chunk], list[list[str]]]:
        """Chunks and tokens of the given ``doc_id → version``, in document order then chunk order."""
        order = {v: i for i, v in enumerate(versions.values())}
        rows = list(self.store.rows(in_expr("doc_ver", versions.values()), ROW_FIELDS))
        rows.sort(key=lambda r: (order.get(r["doc_ver"], 0), r["seq"]))
        pairs = [from_row(r) for r in rows]
        return [c for c, _ in pairs], [t for _, t in pairs]

    def dense(self, qv: np.ndarray, n: int, expr: str) -> list[tuple[str, float]]:
        return self.store.search("dense", as_dense(qv.reshape(-1)), n, expr)

    def lexical(self, query: str, query_tokens: list[str], idf, known, n: int, expr: str) -> list[tuple[str, float]]:
        if self.settings.milvus_lexical == "bm25":
            return self.store.search("bm25", query, n, expr) if query.strip() else []
        weights = query_sparse(query_tokens, idf, known)
        return self.store.search("sparse", weights, n, expr) if weights else []

    def fused(self, query: str, query_tokens: list[str], idf, known, qv: np.ndarray | None, n: int,
              expr: str) -> list[tuple[str, float]]:
        """One ``hybrid_search`` fused by RRF in the engine, weights as repeated requests.

        ``RRFRanker`` takes no weights, so planqa's 1.0 : 0.3 becomes 10 sparse + 3 dense
        requests, each a search of its own: the same ranking as client fusion at about six
        times its cost on Milvus Lite (``bench/milvus_profile.json``). ``WeightedRanker``
        would need only two, but it sums normalised scores, not ranks, so answers would change.
        """
        s = self.settings
        rb, rd = engine_repeats(s.bm25_weight, s.dense_weight)
        if s.milvus_lexical == "bm25":
            lex = ("bm25", query) if query.strip() else None
        else:
            weights = query_sparse(query_tokens, idf, known)
            lex = ("sparse", weights) if weights else None
        reqs = ([(lex[0], lex[1], n)] * rb if lex else []) + ([("dense", as_dense(qv.reshape(-1)), n)] * rd
                                                            if qv is not None else [])
        if not reqs:
            return []
        return self.store.hybrid(reqs, n, expr, s.fusion_k)


__all__ = ["MilvusSide", "MilvusStoreError", "doc_version", "engine_repeats"]
