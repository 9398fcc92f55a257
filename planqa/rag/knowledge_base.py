"""The persisted knowledge base: documents, chunks, their vectors (FAISS) and BM25 tokens.

One directory, written atomically as a whole (write aside, then swap) under a
cross-process writer lock, with a JSON manifest that records how it was built
and the checksum of every file, so a mismatch or damage is caught on load.
No pickle: JSON, JSONL, .npy (allow_pickle=False) and FAISS's own format.
With ``store = "milvus"`` the chunks, vectors and lexical index live in Milvus
instead (``milvus_rows``); the manifest names the live version of each document.
"""
from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from planqa.config import Settings
from planqa.corpus.document import ParsedDocument
from planqa.embeddings.atomic import atomic_write_dir
from planqa.embeddings.faiss_store import IndexCorruptError, VectorIndex
from planqa.rag import kb_files
from planqa.rag.doc_ids import Placement, origin_of, place_documents, relabel
from planqa.rag.kb_files import KnowledgeBaseError
from planqa.rag.kb_records import DocRecord, Staged, missing_manifest_message, write_manifest
from planqa.rag.bm25 import BM25Index, index_text
from planqa.rag.query import PlaceIndex, place_aliases
from planqa.rag.sentence_vectors import SentenceVectors, SentenceVectorsError
from planqa.rag.tokenize import ChineseTokenizer
from planqa.types import Chunk

PARSER_VERSION = 8  # bump when parsing/chunking output changes
_REBUILD = "run `planqa ingest --rebuild`"
RECORDS = "records.json"
_OPEN_TRIES = 3  # a writer may swap the directory while a reader loads it: read again


def kb_dir(settings: Settings) -> Path:
    return settings.data_path / "kb"


def build_signature(settings: Settings, embedder_id: str, dim: int) -> dict:
    """What must match between a stored index and the current settings."""
    sig = {"embedder": embedder_id, "dim": dim, "chunk_size": settings.chunk_size,
           "chunk_min": settings.chunk_min, "parser_version": PARSER_VERSION}
    if settings.store == "milvus":
        sig.update(store="milvus", milvus_lexical=settings.milvus_lexical)
    return sig


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
        self._rows: dict[str, int] | None = None
        self._texts: dict[str, str] = {}  # document texts added in this session (others read on demand)
        self._files: dict[str, str] = {}  # relative path → sha256, as the manifest records them
        self.generation = 0  # saves so far; a writer that finds a newer one on disk merges into it
        self.stamp: tuple | None = None  # manifest identity when loaded or saved (see kb_files.manifest_stamp)
        self.milvus = None
        if settings.store == "milvus":
            from planqa.rag.milvus_rows import MilvusSide

            self.milvus = MilvusSide(settings, embedder.dim)

    # ---- loading -------------------------------------------------------------------------
    @staticmethod
    def exists(settings: Settings) -> bool:
        root = kb_dir(settings)
        kb_files.try_recover(root)
        return (root / "manifest.json").exists()

    @staticmethod
    def orphaned(settings: Settings) -> bool:
        """Data without a manifest: never to be overwritten by an automatic ingest."""
        root = kb_dir(settings)
        return not KnowledgeBase.exists(settings) and kb_files.has_data(root)

    @classmethod
    def open(cls, settings: Settings, embedder) -> "KnowledgeBase":
        """Load the stored knowledge base and check it matches ``settings`` and ``embedder``."""
        root = kb_dir(settings)
        for attempt in range(_OPEN_TRIES):
            stamp = kb_files.manifest_stamp(root)
            try:
                return cls._open_once(settings, embedder, root)
            except KnowledgeBaseError:
                if attempt + 1 == _OPEN_TRIES or kb_files.manifest_stamp(root) == stamp:
                    raise  # not a swap under our feet: really damaged
                time.sleep(0.05)
        raise AssertionError("unreachable")

    @classmethod
    def _open_once(cls, settings: Settings, embedder, root: Path) -> "KnowledgeBase":
        kb = cls(settings, embedder)
        kb_files.try_recover(root)
        manifest_path = root / "manifest.json"
        if not manifest_path.exists():
            if kb_files.has_data(root):
                raise KnowledgeBaseError(missing_manifest_message(root))
            raise KnowledgeBaseError(f"no knowledge base in {root}: run `planqa ingest` first")
        kb.stamp = kb_files.manifest_stamp(root)
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            kb.docs = {d["doc_id"]: DocRecord.from_dict(d) for d in manifest["documents"]}
            sig = manifest["signature"]
            kb._files = dict(manifest.get("files", {}))
            kb.generation = int(manifest.get("generation", 0))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            hint = "运行 planqa recover 从知识库自带的记录重建清单，或 " if (root / RECORDS).exists() else ""
            raise KnowledgeBaseError(f"{manifest_path} is corrupt ({exc}): {hint}{_REBUILD}") from None
        kb._check_signature(sig)
        kb_files.verify(root, kb._files)
        kb._load_rows(root, manifest)
        try:
            kb.sentences = SentenceVectors.load(root, settings, embedder)
        except SentenceVectorsError as exc:
            raise KnowledgeBaseError(f"{exc}: {_REBUILD}") from None
        return kb

    def _check_signature(self, stored: dict) -> None:
        current = build_signature(self.settings, self.embedder.model_id, self.embedder.dim)
        names = {"embedder": "embedding model", "dim": "embedding dimension", "chunk_size": "chunk_size",
                 "chunk_min": "chunk_min", "parser_version": "parser version", "store": "store",
                 "milvus_lexical": "milvus_lexical"}
        defaults = {"store": "local"}
        for key, label in names.items():
            old, new = stored.get(key, defaults.get(key)), current.get(key, defaults.get(key))
            if old != new:
                raise KnowledgeBaseError(
                    f"index built with {label} {old!r}, config says {new!r}: {_REBUILD}")

    def _load_rows(self, root: Path, manifest: dict) -> None:
        if self.milvus is not None:
            return self._load_milvus_rows(root, manifest)
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

    def _load_milvus_rows(self, root: Path, manifest: dict) -> None:
        from planqa.rag.milvus_rows import MilvusStoreError

        try:
            self.chunks, self.tokens = self.milvus.load({d: r.version for d, r in self.docs.items()})
        except MilvusStoreError as exc:
            raise KnowledgeBaseError(str(exc)) from None
        if len(self.chunks) != manifest.get("chunks", -1):
            raise KnowledgeBaseError(f"{root}: the manifest lists {manifest.get('chunks')} chunks but Milvus "
                                     f"{self.settings.milvus_target} holds {len(self.chunks)} of them: {_REBUILD}")

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

    def warm(self) -> None:
        """Build every derived index now (a writer calls this before swapping a new version in)."""
        if self.milvus is None:
            _ = self.bm25, self.vector_index
        _ = self.places, self.tokenizer
        self.doc_freq("")
        self._text_chunks("")  # builds the per-document chunk index for all documents

    def copy(self) -> "KnowledgeBase":
        """An independent copy to change while readers keep using this one (then swap it in)."""
        other = KnowledgeBase(self.settings, self.embedder)
        other.docs = dict(self.docs)
        other.chunks = list(self.chunks)
        other.tokens = list(self.tokens)
        other.vectors = self.vectors.copy()
        other._texts = dict(self._texts)
        other._files = dict(self._files)
        other.generation, other.stamp = self.generation, self.stamp
        other.sentences = self.sentences.copy()
        other.milvus = self.milvus.copy() if self.milvus is not None else None
        return other

    def _invalidate(self) -> None:
        self._vindex = self._bm25 = self._tokenizer = self._places = self._df = self._by_doc = None
        self._rows = None

    # ---- changes -------------------------------------------------------------------------
    def add(self, parsed: Iterable[ParsedDocument], progress: Callable[[str], None] | None = None,
            origins: dict[str, str] | None = None, allow_duplicates: bool = False) -> dict:
        """Add or replace documents; unchanged ones and duplicates are skipped, only new chunks embedded."""
        return self.apply(self.stage(parsed, progress, origins), progress, allow_duplicates)

    def stage(self, parsed: Iterable[ParsedDocument], progress: Callable[[str], None] | None = None,
              origins: dict[str, str] | None = None) -> list[Staged]:
        """Tokenise and embed, ahead of taking the writer lock, what this knowledge base would take in."""
        items = [(pd, origin_of(pd, origins)) for pd in parsed]
        plan = place_documents(items, self._stored())
        todo = [pd for (pd, _), p in zip(items, plan) if p.action in ("add", "replace")]
        if todo and self.milvus is not None:  # an unreachable Milvus fails before minutes of embedding
            self._milvus_call(self.milvus.connect)
        tokens, vecs, units = self._embed([c for pd in todo for c in pd.chunks], progress)
        out, row = [], 0
        for (pd, origin), p in zip(items, plan):
            if p.action not in ("add", "replace"):
                out.append(Staged(pd, origin))
                continue
            n = len(pd.chunks)
            out.append(Staged(pd, origin, tokens[row:row + n], vecs[row:row + n], units))
            row += n
        return out

    def apply(self, staged: list[Staged], progress: Callable[[str], None] | None = None,
              allow_duplicates: bool = False) -> dict:
        """Take staged files in: decide identity against what is stored now, embed what was not staged."""
        summary: dict[str, list] = {"added": [], "replaced": [], "unchanged": [], "duplicates": []}
        plan = place_documents([(st.parsed, st.origin) for st in staged], self._stored(), allow_duplicates)
        incoming: list[tuple[Staged, Placement]] = []
        for st, p in zip(staged, plan):
            source = st.parsed.doc.source
            if p.action == "unchanged":
                summary["unchanged"].append(source)
            elif p.action == "duplicate":
                same = self.docs[p.same_as].source if p.same_as in self.docs else p.same_as
                summary["duplicates"].append((source, same))
            else:
                summary["replaced" if p.action == "replace" else "added"].append(source)
                incoming.append((st, p))
        if not incoming:
            return summary
        missing = [st for st, _ in incoming if st.vectors is None]
        if missing:  # the base changed under a staged file: embed it now
            tokens, vecs, units = self._embed([c for st in missing for c in st.parsed.chunks], progress)
            done, row = {}, 0
            for st in missing:
                n = len(st.parsed.chunks)
                done[id(st)] = replace(st, tokens=tokens[row:row + n], vectors=vecs[row:row + n], units=units)
                row += n
            incoming = [(done.get(id(st), st), p) for st, p in incoming]
        self._drop({p.doc_id for _, p in incoming})
        for st, p in incoming:
            self._take(relabel(st.parsed, p.doc_id), st)
        self._invalidate()
        return summary

    def _stored(self) -> dict[str, tuple[str, str]]:
        return {d: (r.origin, r.fingerprint) for d, r in self.docs.items()}

    def _embed(self, chunks: list[Chunk], progress) -> tuple[list[list[str]], np.ndarray, dict]:
        """Tokens, passage vectors and answer-candidate vectors of new chunks (nothing stored changes)."""
        if not chunks:
            return [], np.zeros((0, self.embedder.dim), dtype=np.float32), {}
        if progress:
            progress(f"切词 {len(chunks)} 个片段")
        tokens = self.tokenizer.tokenize_many(index_text(c) for c in chunks)
        if progress:
            progress(f"向量化 {len(chunks)} 个片段")
        shown = progress is not None
        vecs = self.sentences.embed([index_text(c) for c in chunks], show_progress=shown)
        return tokens, vecs, self.sentences.embed_units(chunks, show_progress=shown)

    def _take(self, pd: ParsedDocument, st: Staged) -> None:
        self.sentences.add(pd.chunks, known=st.units)
        self._texts[pd.doc.doc_id] = pd.doc.text
        self.chunks.extend(pd.chunks)
        self.tokens.extend(st.tokens)
        version = ""
        if self.milvus is not None:  # the vectors go to Milvus on save, not into memory
            from planqa.rag.milvus_rows import doc_version

            sig = build_signature(self.settings, self.embedder.model_id, self.embedder.dim)
            version = doc_version(pd.doc.doc_id, pd.doc.fingerprint, sig)
            self.milvus.stage(version, list(pd.chunks), list(st.tokens), st.vectors, pd.doc.meta)
        else:
            self.vectors = st.vectors if self.vectors.size == 0 else np.vstack([self.vectors, st.vectors])
        p = Path(pd.doc.path) if pd.doc.path else None
        st_ = p.stat() if p and p.exists() else None
        self.docs[pd.doc.doc_id] = DocRecord(
            pd.doc.doc_id, pd.doc.source, pd.doc.path, pd.doc.fingerprint,
            st_.st_size if st_ else 0, st_.st_mtime if st_ else 0.0, pd.doc.meta,
            len(pd.chunks), len(pd.tables), st.origin, version)

    def resolve(self, names: Iterable[str]) -> list[str]:
        """Doc ids for names given by a user: a doc id, or a file name that names one document only.

        Raises:
            KnowledgeBaseError: a name is unknown, or a file name several documents share.
        """
        by_source: dict[str, list[str]] = {}
        for d, r in self.docs.items():
            by_source.setdefault(r.source, []).append(d)
        out, unknown = [], []
        for name in names:
            if name in self.docs:
                out.append(name)
            elif len(by_source.get(name, [])) == 1:
                out.append(by_source[name][0])
            elif name in by_source:
                raise KnowledgeBaseError(f"有 {len(by_source[name])} 个文档都叫 {name}：请用文档编号 "
                                         f"{'、'.join(sorted(by_source[name]))} 之一（见 planqa docs）")
            else:
                unknown.append(name)
        if unknown:
            raise KnowledgeBaseError(f"知识库中没有这些文档：{'、'.join(unknown)}（文档编号或文件名见 planqa docs）")
        return list(dict.fromkeys(out))

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
        if self.milvus is not None:
            self.milvus.drop_pending(doc_ids)
        keep = [i for i, c in enumerate(self.chunks) if c.doc_id not in doc_ids]
        if len(keep) == len(self.chunks):
            return
        self.chunks = [self.chunks[i] for i in keep]
        self.tokens = [self.tokens[i] for i in keep]
        if self.vectors.size:
            self.vectors = self.vectors[keep]

    def save(self, progress: Callable[[str], None] | None = None) -> None:
        """Write the whole knowledge base aside, then swap it in (atomic; call under ``kb_files.writer_lock``).

        Raises:
            KnowledgeBaseError: the directory cannot be written (full disk, read-only, no
                permission); the previous version stays in place.
        """
        root = kb_dir(self.settings)
        vindex = self.vector_index if self.milvus is None else None
        try:
            root.parent.mkdir(parents=True, exist_ok=True)
            if self.milvus is not None:
                self._flush_milvus(progress)
            self._write(root, vindex)
        except OSError as exc:
            raise KnowledgeBaseError(kb_files.write_error_message(exc, root)) from None
        self.stamp = kb_files.manifest_stamp(root)
        if self.milvus is not None:  # after the swap: the old versions' rows are no longer read
            self._milvus_call(self.milvus.collect, [r.version for r in self.docs.values()])

    def _flush_milvus(self, progress) -> None:
        n = sum(len(t) for t in self.tokens)
        self._milvus_call(self.milvus.flush, n / max(len(self.tokens), 1), progress)

    @staticmethod
    def _milvus_call(fn, *args):
        from planqa.rag.milvus_rows import MilvusStoreError

        try:
            return fn(*args)
        except MilvusStoreError as exc:
            raise KnowledgeBaseError(f"{exc}；知识库未改变") from None

    def _write(self, root: Path, vindex: VectorIndex | None) -> None:
        texts = {doc_id: self.doc_text(doc_id) for doc_id in self.docs}  # read the old files before the swap
        with atomic_write_dir(root) as tmp:
            if vindex is not None:  # store = "milvus": chunks and vectors are Milvus rows
                with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
                    for c, toks in zip(self.chunks, self.tokens):
                        row = c.to_dict()
                        row["tokens"] = toks
                        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                vindex.save(tmp / "vectors")
            self.sentences.save(tmp)
            (tmp / "docs").mkdir()
            for doc_id, text in texts.items():
                (tmp / "docs" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
            records = {"signature": build_signature(self.settings, self.embedder.model_id, self.embedder.dim),
                       "index_type": vindex.index_type if vindex is not None else "milvus",
                       "chunks": len(self.chunks),
                       "documents": [r.to_dict() for r in sorted(self.docs.values(), key=lambda r: r.doc_id)]}
            # a copy of what the manifest says of the documents, so a lost manifest can be rebuilt
            (tmp / RECORDS).write_text(json.dumps(records, ensure_ascii=False, indent=1), "utf-8")
            self._files = kb_files.checksums(tmp)
            self.generation += 1
            write_manifest(tmp, records, self._files, self.generation)

    def doc_text(self, doc_id: str) -> str:
        """The full text of a stored document (as parsed; line numbers match its source)."""
        if doc_id not in self._texts:
            path = kb_dir(self.settings) / "docs" / f"{doc_id}.txt"
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise KnowledgeBaseError(f"{path} is missing ({exc}): {_REBUILD}") from None
            kb_files.check_bytes(path, data, self._files.get(f"docs/{doc_id}.txt"))
            try:
                self._texts[doc_id] = data.decode("utf-8")
            except UnicodeDecodeError:
                raise KnowledgeBaseError(f"知识库文件已损坏（不是 UTF-8 文本）：{path}；{kb_files.REBUILD_HINT}") from None
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
        """A document's text chunks in document order."""
        return [c for c in self.doc_chunks(doc_id) if c.kind == "text"]

    def doc_chunks(self, doc_id: str) -> list[Chunk]:
        """A document's chunks in document order (indexed once per knowledge base state)."""
        if self._by_doc is None:
            by_doc: dict[str, list[Chunk]] = {}
            for c in self.chunks:
                by_doc.setdefault(c.doc_id, []).append(c)
            for cs in by_doc.values():
                cs.sort(key=lambda c: c.start)
            self._by_doc = by_doc
        return self._by_doc.get(doc_id, [])

    def allowed_docs(self, doc_ids: Iterable[str] | None = None, places: Iterable[str] | None = None,
                     doc_types: Iterable[str] | None = None) -> set[str] | None:
        """Doc ids that pass the filters (None when no filter is given)."""
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
        return allowed if given else None

    def mask(self, doc_ids: Iterable[str] | None = None, places: Iterable[str] | None = None,
             doc_types: Iterable[str] | None = None) -> np.ndarray | None:
        """Boolean row mask for filters (None when no filter is given)."""
        allowed = self.allowed_docs(doc_ids, places, doc_types)
        if allowed is None:
            return None
        return np.fromiter((c.doc_id in allowed for c in self.chunks), dtype=bool, count=len(self.chunks))

    def row_of(self, chunk_id: str) -> int | None:
        """The row number of a chunk id (None when it is not stored)."""
        if self._rows is None:
            self._rows = {c.chunk_id: i for i, c in enumerate(self.chunks)}
        return self._rows.get(chunk_id)
