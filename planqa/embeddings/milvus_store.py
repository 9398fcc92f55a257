"""A Milvus collection of chunk rows: scalar fields, a dense vector and a lexical sparse vector.

Knows Milvus (schema, batched writes, filtered searches, Milvus Lite's
one-process file); what the rows mean is ``planqa.rag.milvus_rows``'. pymilvus
is imported only when a store is first used.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

_CLIENTS: dict[tuple[str, str], object] = {}  # one client per (uri, token) and process
_CLIENTS_LOCK = threading.Lock()
TEXT_MAX = 65_535
KEY_MAX = 512
LEXICAL_FIELD = {"sparse": "sparse", "bm25": "bm25"}


class MilvusStoreError(RuntimeError):
    """Milvus is missing, unreachable or its collection does not fit; the message says the fix."""


def is_lite(uri: str) -> bool:
    """Whether ``uri`` names a Milvus Lite file (anything not http(s)/tcp/unix)."""
    return not uri.startswith(("http://", "https://", "tcp://", "unix:"))


def _client(uri: str, token: str):
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise MilvusStoreError("store=milvus 需要 pymilvus：pip install 'planqa[milvus]'"
                               "（Milvus Lite 另需 milvus-lite）") from None
    key = (uri, token)
    with _CLIENTS_LOCK:
        if key not in _CLIENTS:
            if is_lite(uri):
                Path(uri).expanduser().parent.mkdir(parents=True, exist_ok=True)
            try:
                _CLIENTS[key] = MilvusClient(uri=uri, token=token) if token else MilvusClient(uri=uri)
            except Exception as exc:  # pymilvus raises its own exception types for every failure
                why = ("Milvus Lite 文件一次只能由一个进程打开：请关闭正在使用它的进程（如 planqa serve），"
                       "或改用 Milvus 服务（milvus_uri=http://host:19530）") if is_lite(uri) else \
                      "请检查 milvus_uri 与 PLANQA_MILVUS_TOKEN，确认服务已启动"
                raise MilvusStoreError(f"无法连接 Milvus {uri}（{exc}）：{why}") from None
        return _CLIENTS[key]


def release(uri: str) -> None:
    """Close this process's client of ``uri`` (for Milvus Lite: stop its server so another process may open it)."""
    with _CLIENTS_LOCK:
        for key in [k for k in _CLIENTS if k[0] == uri]:
            try:
                _CLIENTS.pop(key).close()
            except Exception:
                pass
    if is_lite(uri):
        try:
            from milvus_lite.server_manager import server_manager_instance

            server_manager_instance.release_server(uri)
        except ImportError:
            pass


class MilvusStore:
    """One collection of chunk rows.

    Args:
        uri: a Milvus Lite file path, or a server / Zilliz URI.
        token: the server's token ("" when none).
        collection: the collection name.
        dim: the dense vector dimension.
        lexical: ``sparse`` (sparse vectors given with each row) or ``bm25`` (Milvus' BM25 function
            over the text field, jieba analyzer).
    """

    def __init__(self, uri: str, token: str, collection: str, dim: int, lexical: str = "sparse"):
        if lexical not in LEXICAL_FIELD:
            raise ValueError(f"lexical={lexical!r}: use sparse or bm25")
        if dim < 1:
            raise ValueError(f"dim={dim}: must be positive")
        self.uri, self.token, self.name, self.dim, self.lexical = uri, token, collection, dim, lexical
        self._ready = False

    @property
    def client(self):
        return _client(self.uri, self.token)

    # ---- the collection ----------------------------------------------------------------
    def ensure(self) -> None:
        """Create the collection when missing, and load it for search."""
        if self._ready:
            return
        c = self.client
        try:
            if not c.has_collection(self.name):
                self._create(c)
            c.load_collection(self.name)
            if is_lite(self.uri):  # rows a killed writer left in the write-ahead log come back unsealed
                c.flush(self.name)
        except MilvusStoreError:
            raise
        except Exception as exc:
            raise MilvusStoreError(f"无法打开 Milvus 集合 {self.name}（{exc}）") from None
        self._ready = True

    def drop(self) -> None:
        """Remove the collection (a rebuild starts from an empty one)."""
        if self.client.has_collection(self.name):
            self.client.drop_collection(self.name)
        self._ready = False

    def _create(self, c) -> None:
        from pymilvus import DataType, Function, FunctionType

        s = c.create_schema(auto_id=False, description=f"planqa chunks; lexical={self.lexical}")
        s.add_field("key", DataType.VARCHAR, is_primary=True, max_length=KEY_MAX)
        s.add_field("doc_ver", DataType.VARCHAR, max_length=KEY_MAX)
        s.add_field("doc_id", DataType.VARCHAR, max_length=KEY_MAX)
        s.add_field("seq", DataType.INT64)
        for name in ("place", "kind", "period", "doc_type"):
            s.add_field(name, DataType.VARCHAR, max_length=KEY_MAX)
        text_opts = {"enable_analyzer": True, "analyzer_params": {"tokenizer": "jieba"}} \
            if self.lexical == "bm25" else {}
        s.add_field("text", DataType.VARCHAR, max_length=TEXT_MAX, **text_opts)
        for name in ("start", "end", "start_line", "end_line"):
            s.add_field(name, DataType.INT64)
        s.add_field("chunk", DataType.JSON)  # the rest of the record (headings, title, table row, tokens)
        s.add_field("dense", DataType.FLOAT_VECTOR, dim=self.dim)
        s.add_field(LEXICAL_FIELD[self.lexical], DataType.SPARSE_FLOAT_VECTOR)
        if self.lexical == "bm25":
            s.add_function(Function(name="text_bm25", function_type=FunctionType.BM25,
                                    input_field_names=["text"], output_field_names=["bm25"]))
        ip = c.prepare_index_params()
        ip.add_index("dense", index_type="AUTOINDEX", metric_type="IP")
        ip.add_index(LEXICAL_FIELD[self.lexical], index_type="SPARSE_INVERTED_INDEX",
                     metric_type="BM25" if self.lexical == "bm25" else "IP")
        c.create_collection(self.name, schema=s, index_params=ip)

    # ---- writes ------------------------------------------------------------------------
    def insert(self, rows: Iterable[dict], batch_size: int = 512,
               progress: Callable[[int], None] | None = None) -> int:
        """Insert rows in batches; ``progress`` gets the running count after each batch."""
        self.ensure()
        done, batch = 0, []
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                done += self._insert_batch(batch)
                batch = []
                if progress:
                    progress(done)
        if batch:
            done += self._insert_batch(batch)
            if progress:
                progress(done)
        return done

    def _insert_batch(self, batch: list[dict]) -> int:
        for attempt in range(3):  # a server may refuse a write for a moment (rate limit, compaction)
            try:
                return int(self.client.insert(self.name, batch)["insert_count"])
            except Exception as exc:
                if attempt == 2:
                    raise MilvusStoreError(f"写入 Milvus 集合 {self.name} 失败（{exc}）") from None
                time.sleep(0.5 * (attempt + 1))
        raise AssertionError("unreachable")

    def seal(self) -> None:
        """Make what was written since the last seal searchable through the indexes (Milvus Lite only).

        Milvus Lite keeps unflushed rows (up to 128 MiB of them) in a memtable that every
        search scans row by row in Python, about 0.35 s per 1,000 rows for a sparse search;
        a flush writes them to a segment whose indexes are built once. A Milvus server
        indexes growing segments itself and rate-limits flushes, so it is left to seal them.
        Sealing changes no row: what a search may return is still decided by its filter.
        """
        if is_lite(self.uri):
            self._call("写入", lambda: self.client.flush(self.name))

    def keys_of(self, doc_ver: str) -> set[str]:
        """Primary keys already stored under ``doc_ver`` (what an interrupted ingest wrote)."""
        self.ensure()
        return {r["key"] for r in self.rows(f"doc_ver == {_quote(doc_ver)}", ["key"])}

    def versions(self) -> set[str]:
        """Every ``doc_ver`` that has rows."""
        return {r["doc_ver"] for r in self.rows('doc_ver != ""', ["doc_ver"])}

    def delete_versions(self, doc_vers: Iterable[str]) -> None:
        gone = sorted(doc_vers)
        for i in range(0, len(gone), 200):
            self.client.delete(self.name, filter=f"doc_ver in {_list(gone[i:i + 200])}")

    # ---- reads -------------------------------------------------------------------------
    def rows(self, expr: str, fields: list[str], page: int = 4096) -> Iterator[dict]:
        """Every row matching ``expr`` (paged with a query iterator)."""
        self.ensure()
        if is_lite(self.uri):  # Milvus Lite has no query iterator (no timestamps): one query reads it all
            yield from self._call("读取", lambda: self.client.query(self.name, filter=expr, output_fields=fields))
            return
        it = self.client.query_iterator(self.name, batch_size=page, filter=expr, output_fields=fields)
        try:
            while True:
                batch = it.next()
                if not batch:
                    return
                yield from batch
        finally:
            it.close()

    def search(self, field: str, query, n: int, expr: str) -> list[tuple[str, float]]:
        """(key, score) of the ``n`` best rows for one query vector (or text, for BM25), best first."""
        self.ensure()
        params = {"metric_type": "BM25"} if field == "bm25" else {"metric_type": "IP"}
        res = self._call("检索", lambda: self.client.search(self.name, data=[query], anns_field=field, limit=n,
                                                             filter=expr, search_params=params,
                                                             output_fields=["key"]))
        return [(h["entity"]["key"], abs(float(h["distance"])) if field == "bm25" else float(h["distance"]))
                for h in res[0]]

    def hybrid(self, requests: list[tuple[str, object, int]], n: int, expr: str, k: int) -> list[tuple[str, float]]:
        """One ``hybrid_search``: each (field, query, limit) request, fused in the engine by ``RRFRanker(k)``."""
        from pymilvus import AnnSearchRequest, RRFRanker

        self.ensure()
        reqs = [AnnSearchRequest(data=[q], anns_field=f, limit=lim, expr=expr,
                                 param={"metric_type": "BM25" if f == "bm25" else "IP"})
                for f, q, lim in requests]
        res = self._call("检索", lambda: self.client.hybrid_search(self.name, reqs, RRFRanker(k), limit=n,
                                                                    output_fields=["key"]))
        return [(h["entity"]["key"], float(h["distance"])) for h in res[0]]

    def _call(self, what: str, fn):
        try:
            return fn()
        except MilvusStoreError:
            raise
        except Exception as exc:  # pymilvus raises its own exception types for every failure
            raise MilvusStoreError(f"Milvus 集合 {self.name} {what}失败（{exc}）") from None

    def count(self) -> int:
        self.ensure()
        res = self.client.query(self.name, filter="", output_fields=["count(*)"])
        return int(res[0]["count(*)"])


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _list(values: Iterable[str]) -> str:
    return "[" + ", ".join(_quote(v) for v in values) + "]"


def in_expr(field: str, values: Iterable[str]) -> str:
    """A filter expression ``field in [...]`` (never empty: no values matches nothing)."""
    values = list(values)
    return f"{field} in {_list(values)}" if values else f'{field} == ""'


def as_sparse(weights: dict[int, float]) -> dict[int, float]:
    """A sparse vector Milvus accepts (at least one entry: an empty text still needs a vector)."""
    return weights or {0: 1e-9}


def as_dense(vec: np.ndarray) -> list[float]:
    return np.asarray(vec, dtype=np.float32).tolist()
