"""The assistant object shared by the CLI, the app, evaluation and briefings.

It owns the settings, the embedder, the knowledge base and the retriever, loads
each lazily once, and serialises writes to the knowledge base.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from planqa.config import Settings
from planqa.corpus.document import bundled_paths, parse_paths
from planqa.corpus.loaders import LoadError
from planqa.rag.knowledge_base import KnowledgeBase, KnowledgeBaseError
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

    def lines(self) -> list[str]:
        out = [f"已入库 {len(self.added)} 个文件，更新 {len(self.replaced)} 个，未变 {len(self.unchanged)} 个，"
               f"跳过 {len(self.skipped)} 个；知识库共 {self.documents} 个文档、{self.chunks} 个片段"]
        out += [f"  + {s}" for s in self.added] + [f"  ~ {s}" for s in self.replaced]
        out += [f"  ! 跳过 {e}" for e in self.skipped]
        return out


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
        """The knowledge base; the bundled corpus is ingested on first use when none exists."""
        with self._lock:
            if self._kb is None:
                if not self.has_index() and self.settings.corpus == "bundled":
                    self.ingest(bundled_paths())
                else:
                    self._kb = KnowledgeBase.open(self.settings, self.embedder)
            return self._kb

    def ingest(self, paths: Iterable[str | Path], rebuild: bool = False,
               progress: Callable[[str], None] | None = None) -> IngestReport:
        """Parse, embed and store documents; bad files are reported and skipped."""
        with self._lock:
            s = self.settings
            parsed, errors = parse_paths(list(paths), s.chunk_size, s.chunk_min,
                                         progress=(lambda n, t, name: progress(f"解析 {n}/{t} {name}"))
                                         if progress else None)
            if rebuild or not self.has_index():
                kb = KnowledgeBase(s, self.embedder)
            else:
                # change a copy and swap it in: questions being answered keep a consistent index
                kb = (self._kb or KnowledgeBase.open(s, self.embedder)).copy()
            summary = kb.add(parsed, progress=progress)
            if summary["added"] or summary["replaced"] or rebuild or not self.has_index():
                kb.save()
            self._set_kb(kb)
            return IngestReport(summary["added"], summary["replaced"], summary["unchanged"], errors,
                                len(kb.chunks), len(kb.docs))

    def remove(self, names: Iterable[str]) -> list[str]:
        with self._lock:
            kb = self.kb.copy()
            by_source = {r.source: d for d, r in kb.docs.items()}
            removed = kb.remove([by_source.get(n, n) for n in names])
            kb.save()
            self._set_kb(kb)
            return removed

    def _set_kb(self, kb: KnowledgeBase) -> None:
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
            answerer: str | None = None, mode: str | None = None):
        """Answer one question with citations (the same chain for CLI, app, eval and briefings)."""
        return self.chain.invoke(question, filters, top_k, answerer, mode)


__all__ = ["Assistant", "IngestReport", "KnowledgeBaseError"]
