"""The persisted knowledge base: documents, chunks, their vectors (FAISS) and BM25 tokens.

One directory, written atomically as a whole (write aside, then swap), with a
JSON manifest that records how it was built so a mismatch is caught on load.
No pickle: JSON, JSONL, .npy (allow_pickle=False) and FAISS's own format.
"""
from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from planqa import __version__
from planqa.config import Settings
from planqa.corpus.document import ParsedDocument
from planqa.embeddings.atomic import atomic_write_dir, recover_dir
from planqa.embeddings.faiss_store import IndexCorruptError, VectorIndex
from planqa.rag.bm25 import BM25Index, index_text
from planqa.rag.query import PlaceIndex, place_aliases
from planqa.rag.sentence_vectors import SentenceVectors, SentenceVectorsError
from planqa.rag.tokenize import ChineseTokenizer
from planqa.types import Chunk, DocMeta

FORMAT = 1
PARSER_VERSION = 7  # bump when parsing/chunking output changes
_REBUILD = "run `planqa ingest --rebuild`"


class KnowledgeBaseError(RuntimeError):
    """The knowledge base is missing, stale, mismatched or corrupt; the message says the fix."""


@dataclass(frozen=True)
class DocRecord:
    doc_id: str
    source: str
    path: str
    fingerprint: str
    size: int
    mtime: float
    meta: DocMeta
    chunks: int
    tables: int

    def to_dict(self) -> dict:
        return {"doc_id": self.doc_id, "source": self.source, "path": self.path,
                "fingerprint": self.fingerprint, "size": self.size, "mtime": self.mtime,
                "meta": self.meta.to_dict(), "chunks": self.chunks, "tables": self.tables}

    @classmethod
    def from_dict(cls, d: dict) -> "DocRecord":
        return cls(d["doc_id"], d["source"], d.get("path", ""), d["fingerprint"], int(d.get("size", 0)),
                   float(d.get("mtime", 0)), DocMeta(**d["meta"]), int(d["chunks"]), int(d.get("tables", 0)))


def kb_dir(settings: Settings) -> Path:
    return settings.data_path / "kb"


def build_signature(settings: Settings, embedder_id: str, dim: int) -> dict:
    """What must match between a stored index and the current settings."""
    return {"embedder": embedder_id, "dim": dim, "chunk_size": settings.chunk_size,
            "chunk_min": settings.chunk_min, "parser_version": PARSER_VERSION}


class KnowledgeBase:
    """Documents, chunks, vectors and lexical tokens, kept aligned by row number."""

    def __init__(self, settings: Settings, embedder):
        self.settings = settings
        self.embedder = embedder
        self.docs: dict[str, DocRecord] = {}
        self.chunks: list[Chunk] = []
        self.tokens: list[list[str]] = []
        self.vectors = np.zeros((0, 0), dtype=np.float32)
        self.sentences = SentenceVectors(settings, embedder)  # answer candidates' vectors (+ vector cache)
        self._vindex: VectorIndex | None = None
        self._bm25: BM25Index | None = None
        self._tokenizer: ChineseTokenizer | None = None
        self._places: PlaceIndex | None = None
        self._df: dict[str, int] | None = None
        self._by_doc: dict[str, list[Chunk]] | None = None
        self._texts: dict[str, str] = {}  # document texts added in this session (others read on demand)

    # ---- loading -------------------------------------------------------------------------
    @staticmethod
    def exists(settings: Settings) -> bool:
        recover_dir(kb_dir(settings))
        return (kb_dir(settings) / "manifest.json").exists()

    @classmethod
    def open(cls, settings: Settings, embedder) -> "KnowledgeBase":
        """Load the stored knowledge base and check it matches ``settings`` and ``embedder``."""
        kb = cls(settings, embedder)
        root = kb_dir(settings)
        recover_dir(root)
        manifest_path = root / "manifest.json"
        if not manifest_path.exists():
            raise KnowledgeBaseError(f"no knowledge base in {root}: run `planqa ingest` first")
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            kb.docs = {d["doc_id"]: DocRecord.from_dict(d) for d in manifest["documents"]}
            sig = manifest["signature"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise KnowledgeBaseError(f"{manifest_path} is corrupt ({exc}): {_REBUILD}") from None
        kb._check_signature(sig)
        kb._load_rows(root, manifest)
        try:
            kb.sentences = SentenceVectors.load(root, settings, embedder)
        except SentenceVectorsError as exc:
            raise KnowledgeBaseError(f"{exc}: {_REBUILD}") from None
        return kb

    def _check_signature(self, stored: dict) -> None:
        current = build_signature(self.settings, self.embedder.model_id, self.embedder.dim)
        names = {"embedder": "embedding model", "dim": "embedding dimension", "chunk_size": "chunk_size",
                 "chunk_min": "chunk_min", "parser_version": "parser version"}
        for key, label in names.items():
            if stored.get(key) != current[key]:
                raise KnowledgeBaseError(
                    f"index built with {label} {stored.get(key)!r}, config says {current[key]!r}: {_REBUILD}")

    def _load_rows(self, root: Path, manifest: dict) -> None:
        path = root / "chunks.jsonl"
        try:
            with open(path, encoding="utf-8") as fh:
                rows = [json.loads(line) for line in fh if line.strip()]
            self.chunks = [Chunk.from_dict(r) for r in rows]
            self.tokens = [list(r["tokens"]) for r in rows]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise KnowledgeBaseError(f"{path} is corrupt ({exc}): {_REBUILD}") from None
        try:
            self._vindex = VectorIndex.load(root / "vectors")
        except IndexCorruptError as exc:
            raise KnowledgeBaseError(str(exc)) from None
        self.vectors = self._vindex.vectors
        if len(self.chunks) != len(self.vectors) or len(self.chunks) != manifest.get("chunks", -1):
            raise KnowledgeBaseError(
                f"{root}: {len(self.chunks)} chunks but {len(self.vectors)} vectors: {_REBUILD}")

    def stale_sources(self) -> list[str]:
        """Documents whose source file changed since ingest (missing files are not stale)."""
        changed = []
        for rec in self.docs.values():
            p = Path(rec.path)
            if not rec.path or not p.exists():
                continue
            st = p.stat()
            if st.st_size == rec.size and abs(st.st_mtime - rec.mtime) < 1e-3:
                continue
            if hashlib.sha256(p.read_bytes()).hexdigest() != rec.fingerprint:
                changed.append(rec.source)
        return changed

    # ---- derived indexes -----------------------------------------------------------------
    @property
    def tokenizer(self) -> ChineseTokenizer:
        if self._tokenizer is None:
            terms = []
            for rec in self.docs.values():
                terms.extend(place_aliases(rec.meta.place))
            self._tokenizer = ChineseTokenizer(terms)
        return self._tokenizer

    @property
    def bm25(self) -> BM25Index:
        if self._bm25 is None:
            self._bm25 = BM25Index(self.tokens)
        return self._bm25

    @property
    def vector_index(self) -> VectorIndex:
        if self._vindex is None:
            vecs = self.vectors if self.vectors.size else np.zeros((0, self.embedder.dim), np.float32)
            self._vindex = VectorIndex.build(vecs, index_type=self.settings.index_type,
                                             auto_threshold=self.settings.index_auto_threshold)
        return self._vindex

    @property
    def places(self) -> PlaceIndex:
        if self._places is None:
            self._places = PlaceIndex.build({d: r.meta.place for d, r in self.docs.items() if r.meta.place})
        return self._places

    def doc_freq(self, term: str) -> int:
        """How many chunks hold a token (a jieba word, or ``#`` + a character bigram)."""
        if self._df is None:
            df: dict[str, int] = {}
            for toks in self.tokens:
                for t in set(toks):
                    df[t] = df.get(t, 0) + 1
            self._df = df
        return self._df.get(term, 0)

    def idf(self, term: str) -> float:
        """BM25-style inverse document frequency of a token over the chunks (high when unseen)."""
        n = max(len(self.tokens), 1)
        d = self.doc_freq(term)
        return math.log((n - d + 0.5) / (d + 0.5) + 1.0)

    def copy(self) -> "KnowledgeBase":
        """An independent copy to change while readers keep using this one (then swap it in)."""
        other = KnowledgeBase(self.settings, self.embedder)
        other.docs = dict(self.docs)
        other.chunks = list(self.chunks)
        other.tokens = list(self.tokens)
        other.vectors = self.vectors.copy()
        other._texts = dict(self._texts)
        other.sentences = self.sentences.copy()
        return other

    def _invalidate(self) -> None:
        self._vindex = self._bm25 = self._tokenizer = self._places = self._df = self._by_doc = None

    # ---- changes -------------------------------------------------------------------------
    def add(self, parsed: Iterable[ParsedDocument], progress: Callable[[str], None] | None = None) -> dict:
        """Add or replace documents; unchanged ones are skipped, only new chunks are embedded."""
        summary = {"added": [], "replaced": [], "unchanged": []}
        new_docs = []
        for pd in parsed:
            old = self.docs.get(pd.doc.doc_id)
            if old and old.fingerprint == pd.doc.fingerprint:
                summary["unchanged"].append(pd.doc.source)
                continue
            summary["replaced" if old else "added"].append(pd.doc.source)
            new_docs.append(pd)
        if not new_docs:
            return summary
        self._drop({pd.doc.doc_id for pd in new_docs})
        self._invalidate()
        new_chunks = [c for pd in new_docs for c in pd.chunks]
        if progress:
            progress(f"切词 {len(new_chunks)} 个片段")
        new_tokens = self.tokenizer.tokenize_many(index_text(c) for c in new_chunks)
        if progress:
            progress(f"向量化 {len(new_chunks)} 个片段")
        vecs = self.sentences.embed([index_text(c) for c in new_chunks], show_progress=progress is not None)
        self.sentences.add(new_chunks, show_progress=progress is not None)
        self._texts.update({pd.doc.doc_id: pd.doc.text for pd in new_docs})
        self.chunks.extend(new_chunks)
        self.tokens.extend(new_tokens)
        self.vectors = vecs if self.vectors.size == 0 else np.vstack([self.vectors, vecs])
        for pd in new_docs:
            p = Path(pd.doc.path) if pd.doc.path else None
            st = p.stat() if p and p.exists() else None
            self.docs[pd.doc.doc_id] = DocRecord(
                pd.doc.doc_id, pd.doc.source, pd.doc.path, pd.doc.fingerprint,
                st.st_size if st else 0, st.st_mtime if st else 0.0, pd.doc.meta,
                len(pd.chunks), len(pd.tables))
        self._invalidate()
        return summary

    def remove(self, doc_ids: Iterable[str]) -> list[str]:
        ids = set(doc_ids)
        missing = sorted(ids - set(self.docs))
        if missing:
            raise KnowledgeBaseError(f"not in the knowledge base: {', '.join(missing)} (see `planqa docs`)")
        self._drop(ids)
        for d in ids:
            del self.docs[d]
            self._texts.pop(d, None)
        self._invalidate()
        return sorted(ids)

    def _drop(self, doc_ids: set[str]) -> None:
        self.sentences.drop(doc_ids)
        keep = [i for i, c in enumerate(self.chunks) if c.doc_id not in doc_ids]
        if len(keep) == len(self.chunks):
            return
        self.chunks = [self.chunks[i] for i in keep]
        self.tokens = [self.tokens[i] for i in keep]
        self.vectors = self.vectors[keep]

    def save(self) -> None:
        """Write the whole knowledge base aside, then swap it in (atomic)."""
        root = kb_dir(self.settings)
        root.parent.mkdir(parents=True, exist_ok=True)
        vindex = self.vector_index
        with atomic_write_dir(root) as tmp:
            with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
                for c, toks in zip(self.chunks, self.tokens):
                    row = c.to_dict()
                    row["tokens"] = toks
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            vindex.save(tmp / "vectors")
            self.sentences.save(tmp)
            (tmp / "docs").mkdir()
            for doc_id in self.docs:
                (tmp / "docs" / f"{doc_id}.txt").write_text(self.doc_text(doc_id), encoding="utf-8")
            manifest = {
                "format": FORMAT, "planqa_version": __version__, "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "signature": build_signature(self.settings, self.embedder.model_id, self.embedder.dim),
                "index_type": vindex.index_type, "chunks": len(self.chunks),
                "documents": [r.to_dict() for r in sorted(self.docs.values(), key=lambda r: r.doc_id)],
            }
            (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")

    def doc_text(self, doc_id: str) -> str:
        """The full text of a stored document (as parsed; line numbers match its source)."""
        if doc_id not in self._texts:
            path = kb_dir(self.settings) / "docs" / f"{doc_id}.txt"
            try:
                self._texts[doc_id] = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise KnowledgeBaseError(f"{path} is missing ({exc}): {_REBUILD}") from None
        return self._texts[doc_id]

    def source_texts(self) -> dict[str, str]:
        """File name → document text for every stored document."""
        return {r.source: self.doc_text(d) for d, r in self.docs.items()}

    # ---- queries -------------------------------------------------------------------------
    def outline(self, doc_id: str) -> list[tuple[str, ...]]:
        """Every heading path of a document, in document order (its table of contents, as parsed)."""
        return list(dict.fromkeys(c.headings for c in self._text_chunks(doc_id) if c.headings))

    def section(self, doc_id: str, path: tuple[str, ...], limit: int = 80) -> list[Chunk]:
        """The text chunks of the section at heading ``path`` (its subsections included), in document order.

        An answer that lists a section's points reads the whole section, not
        only the chunks retrieval happened to return.
        """
        if not path:
            return []
        return [c for c in self._text_chunks(doc_id) if c.headings[:len(path)] == tuple(path)][:limit]

    def _text_chunks(self, doc_id: str) -> list[Chunk]:
        """A document's text chunks in document order (indexed once per knowledge base state)."""
        if self._by_doc is None:
            by_doc: dict[str, list[Chunk]] = {}
            for c in self.chunks:
                if c.kind == "text":
                    by_doc.setdefault(c.doc_id, []).append(c)
            for cs in by_doc.values():
                cs.sort(key=lambda c: c.start)
            self._by_doc = by_doc
        return self._by_doc.get(doc_id, [])

    def mask(self, doc_ids: Iterable[str] | None = None, places: Iterable[str] | None = None,
             doc_types: Iterable[str] | None = None) -> np.ndarray | None:
        """Boolean row mask for filters (None when no filter is given)."""
        allowed = set(self.docs)
        given = False
        if doc_ids:
            given = True
            want = set(doc_ids)
            by_source = {r.source: d for d, r in self.docs.items()}
            allowed &= {by_source.get(x, x) for x in want}
        if places:
            given = True
            hits = set()
            for name in places:
                hits |= self.places.alias_docs.get(name, set())
                hits |= {d for d, r in self.docs.items() if name and name in r.meta.place}
            allowed &= hits
        if doc_types:
            given = True
            allowed &= {d for d, r in self.docs.items() if r.meta.doc_type in set(doc_types)}
        if not given:
            return None
        return np.fromiter((c.doc_id in allowed for c in self.chunks), dtype=bool, count=len(self.chunks))
