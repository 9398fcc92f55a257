"""The assistant object shared by the CLI, the app, evaluation and briefings.

It owns the settings, the embedder, the knowledge base and the retriever, loads
each lazily once, and changes the knowledge base safely: files are parsed and
embedded with no lock held, only the swap takes the cross-process writer lock
(merging into whatever another writer saved meanwhile), and answers in flight
finish on the version they started with. ``reading()`` also switches to a newer
version another process saved.
"""
from __future__ import annotations

import contextvars
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

from planqa.config import Settings
from planqa.corpus.document import bundled_paths, parse_paths
from planqa.corpus.loaders import LoadError
from planqa.rag import kb_files
from planqa.rag.knowledge_base import KnowledgeBase, KnowledgeBaseError, kb_dir, missing_manifest_message
from planqa.rag.retrievers import Filters, HybridRetriever
from planqa.types import Hit


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[LoadError] = field(default_factory=list)
    chunks: int = 0
    documents: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, stored document with its content)

    def lines(self) -> list[str]:
        dup = f"，重复 {len(self.duplicates)} 个" if self.duplicates else ""
        out = [f"已入库 {len(self.added)} 个文件，更新 {len(self.replaced)} 个，未变 {len(self.unchanged)} 个{dup}，"
               f"跳过 {len(self.skipped)} 个；知识库共 {self.documents} 个文档、{self.chunks} 个片段"]
        out += [f"  + {s}" for s in self.added] + [f"  ~ {s}" for s in self.replaced]
        out += [f"  = {a}：与已入库的 {b} 内容相同，未重复入库（--allow-duplicates 可仍然入库）"
                for a, b in self.duplicates]
        out += [f"  ! 跳过 {e}" for e in self.skipped]
        return out


class RWLock:
    """Many readers (answers) or one writer (the swap to a new version); waiting writers go first."""

    def __init__(self):
        self._cond = threading.Condition()
        self._readers = self._writers_waiting = 0
        self._writing = False

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            self._cond.wait_for(lambda: not self._writing and not self._readers)
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


T = TypeVar("T")
INGEST_NICE = 10  # parse and embed yield the CPU to questions answered meanwhile


def run_low_priority(fn: Callable[[], T]) -> T:
    """Run ``fn`` in a fresh thread of lower CPU priority (Linux: niceness is per thread) and wait for it.

    A fresh thread, so the caller's own (a server's pooled worker) keeps its priority. It runs
    in a copy of the caller's context variables, so progress callbacks that rely on them (a web
    server's per-request progress bar) still reach their request.
    """
    box: dict = {}
    context = contextvars.copy_context()

    def target() -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), INGEST_NICE)
        except (AttributeError, OSError):
            pass  # not Linux, or not allowed: run at normal priority
        try:
            box["value"] = context.run(fn)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=target, name="planqa-ingest", daemon=True)
    worker.start()
    worker.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


class Assistant:
    """Settings → embedder → knowledge base → retriever (→ answer chain), built lazily."""

    def __init__(self, settings: Settings, embedder=None):
        self.settings = settings
        self._embedder = embedder
        self._kb: KnowledgeBase | None = None
        self._retrievers: dict[str, HybridRetriever] = {}
        self._extractive = None
        self._llm = None
        self._chain = None
        self._lock = threading.RLock()
        self.rw = RWLock()  # answers read; swapping in a new knowledge base writes
        self._write_lock = threading.RLock()  # one ingest/remove of this process at a time

    @property
    def embedder(self):
        with self._lock:
            if self._embedder is None:
                from planqa.embeddings.base import get_embedder

                self._embedder = get_embedder(self.settings)
            return self._embedder

    def has_index(self) -> bool:
        return KnowledgeBase.exists(self.settings)

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base; the bundled corpus is ingested on first use when there is none at all.

        Data without a manifest is an error naming the fix, never rebuilt over.
        """
        with self._lock:
            if self._kb is None:
                if not self.has_index() and self.settings.corpus == "bundled" \
                        and not KnowledgeBase.orphaned(self.settings):
                    self.ingest(bundled_paths())
                else:
                    self._kb = KnowledgeBase.open(self.settings, self.embedder)
            return self._kb

    def ensure_index(self, progress: Callable[[str], None] | None = None) -> bool:
        """Build the bundled corpus's index when there is no knowledge base at all; True when it did.

        Several callers at once (page loads, warm-up) build it once.
        """
        s = self.settings
        with self._write_lock:
            if self.has_index() or s.corpus != "bundled" or KnowledgeBase.orphaned(s):
                return False
            self.ingest(bundled_paths(), progress=progress)
            return True

    @contextmanager
    def reading(self) -> Iterator[KnowledgeBase]:
        """Answer against one consistent version, after switching to a newer one saved by another process."""
        self.refresh()
        with self.rw.read():
            yield self.kb

    def refresh(self) -> bool:
        """Switch to the version on disk if another process saved a newer one; True when it did."""
        current = self._kb
        if current is None or current.stamp == kb_files.manifest_stamp(kb_dir(self.settings)):
            return False
        if not self._write_lock.acquire(blocking=False):
            return False  # this process is changing it: its own swap comes soon
        try:
            if self._kb is not current:
                return True
            try:
                latest = KnowledgeBase.open(self.settings, self.embedder)
            except KnowledgeBaseError:
                return False  # mid-swap or damaged: keep answering from the version in memory
            self._set_kb(latest)
            return True
        finally:
            self._write_lock.release()

    def ingest(self, paths: Iterable[str | Path], rebuild: bool = False,
               progress: Callable[[str], None] | None = None, origins: dict[str, str] | None = None,
               max_bytes: int | None = None, allow_duplicates: bool = False) -> IngestReport:
        """Parse, embed and store documents; bad files are reported and skipped.

        Args:
            paths: files and folders.
            rebuild: start a new knowledge base instead of adding to the stored one.
            progress: called with short Chinese progress messages.
            origins: resolved path → what the file is, for files whose path says nothing
                (uploads: ``upload:<name>``); other files are known by their resolved path.
            max_bytes: refuse larger files (and documents that expand beyond a multiple of it).
            allow_duplicates: take in a file whose content is already stored under another name.
        """
        s = self.settings
        if not rebuild and KnowledgeBase.orphaned(s):
            raise KnowledgeBaseError(missing_manifest_message(kb_dir(s)))
        kwargs = {"max_bytes": max_bytes} if max_bytes else {}
        paths = list(paths)
        with self._write_lock:
            fresh = rebuild or not self.has_index()
            if fresh and not rebuild and KnowledgeBase.orphaned(s):
                raise KnowledgeBaseError(missing_manifest_message(kb_dir(s)))
            base = KnowledgeBase(s, self.embedder) if fresh else (self._kb or KnowledgeBase.open(s, self.embedder))

            def prepare():  # the slow part: no lock that a question waits for is held
                parsed, errors = parse_paths(paths, s.chunk_size, s.chunk_min, **kwargs,
                                             follow_symlinks=s.follow_symlinks,
                                             progress=(lambda n, t, name: progress(f"解析 {n}/{t} {name}"))
                                             if progress else None)
                return base.stage(parsed, progress, origins), errors

            staged, errors = run_low_priority(prepare)

            def commit():
                with kb_files.writer_lock(kb_dir(s)):
                    kb = self._latest(base, fresh, rebuild)
                    summary = kb.apply(staged, progress, allow_duplicates)
                    if summary["added"] or summary["replaced"] or fresh:
                        kb.save(progress)
                kb.warm()  # the first question after the swap finds every index built
                return kb, summary

            kb, summary = run_low_priority(commit)
            self._set_kb(kb)
        return IngestReport(summary["added"], summary["replaced"], summary["unchanged"], errors,
                            len(kb.chunks), len(kb.docs), summary["duplicates"])

    def remove(self, names: Iterable[str]) -> list[str]:
        """Remove documents (doc ids, or file names that name one document)."""
        with self._write_lock:
            base = self.kb

            def commit():
                with kb_files.writer_lock(kb_dir(self.settings)):
                    kb = self._latest(base, False)
                    removed = kb.remove(kb.resolve(names))
                    kb.save()
                kb.warm()
                return kb, removed

            kb, removed = run_low_priority(commit)
            self._set_kb(kb)
            return removed

    def _latest(self, base: KnowledgeBase, fresh: bool, rebuild: bool = False) -> KnowledgeBase:
        """What to change under the writer lock: ``base``, or the newer version another writer saved."""
        if rebuild:
            return base
        if base.stamp == kb_files.manifest_stamp(kb_dir(self.settings)):
            return base if fresh else base.copy()
        return KnowledgeBase.open(self.settings, self.embedder).copy()  # merge into the other writer's

    def _set_kb(self, kb: KnowledgeBase) -> None:
        with self.rw.write():
            self._kb = kb
            self._retrievers = {}
            self._extractive = None

    def retriever(self, mode: str | None = None) -> HybridRetriever:
        mode = mode or self.settings.retrieval_mode
        with self._lock:
            if mode not in self._retrievers:
                self._retrievers[mode] = HybridRetriever(self.kb, mode)
            return self._retrievers[mode]

    def retrieve(self, question: str, k: int | None = None, filters: Filters | None = None,
                 mode: str | None = None) -> list[Hit]:
        return self.retriever(mode).retrieve(question, k or self.settings.top_k, filters)


    # ---- answering -------------------------------------------------------------------------
    def extractive(self):
        with self._lock:
            if self._extractive is None:
                from planqa.rag.chain import make_extractive

                self._extractive = make_extractive(self)
            return self._extractive

    def llm_answerer(self):
        """The configured LLM answerer (raises LLMUnavailable when not configured)."""
        with self._lock:
            if self._llm is None:
                from planqa.rag.llm import LLMAnswerer

                self._llm = LLMAnswerer(self.settings)
            return self._llm

    @property
    def chain(self):
        with self._lock:
            if self._chain is None:
                from planqa.rag.chain import AnswerChain

                self._chain = AnswerChain(self)
            return self._chain

    def ask(self, question: str, filters: Filters | None = None, top_k: int | None = None,
            answerer: str | None = None, mode: str | None = None, history: Iterable[str] = ()):
        """Answer one question with citations (the same chain for CLI, app, eval and briefings).

        ``history``: the conversation's earlier questions, oldest first; a follow-up
        (那塘沽街道呢？) is answered as the question it stands for (the answer's ``question``).
        """
        return self.chain.invoke(question, filters, top_k, answerer, mode, history or ())


__all__ = ["Assistant", "IngestReport", "KnowledgeBaseError", "RWLock"]
