"""Rebuild a lost or unreadable knowledge-base manifest from the base's own ``records.json``.

Checks that the chunks, vectors and document texts on disk agree with those
records before writing; it re-embeds and re-parses nothing.
"""
from __future__ import annotations

import json

from planqa.config import Settings
from planqa.embeddings.faiss_store import IndexCorruptError, VectorIndex
from planqa.rag import kb_files
from planqa.rag.kb_files import KnowledgeBaseError
from planqa.rag.kb_records import DocRecord, write_manifest
from planqa.rag.knowledge_base import RECORDS, kb_dir


def recover_manifest(settings: Settings) -> int:
    """Rebuild the manifest; returns the number of documents recovered.

    Raises:
        KnowledgeBaseError: nothing to recover from, or the files disagree (the message says the fix).
    """
    root = kb_dir(settings)
    with kb_files.writer_lock(root):
        try:
            records = json.loads((root / RECORDS).read_text(encoding="utf-8"))
            docs = [DocRecord.from_dict(d) for d in records["documents"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise KnowledgeBaseError(f"无法从 {root / RECORDS} 恢复（{exc}）：{kb_files.REBUILD_HINT}") from None
        try:
            with open(root / "chunks.jsonl", encoding="utf-8") as fh:
                chunk_docs = [json.loads(line)["doc_id"] for line in fh if line.strip()]
            n_vectors = len(VectorIndex.load(root / "vectors"))
        except (OSError, ValueError, KeyError, TypeError, IndexCorruptError) as exc:
            raise KnowledgeBaseError(f"{root} 中的片段或向量无法读取（{exc}）：{kb_files.REBUILD_HINT}") from None
        known = {r.doc_id for r in docs}
        if len(chunk_docs) != n_vectors or len(chunk_docs) != records.get("chunks") or not set(chunk_docs) <= known:
            raise KnowledgeBaseError(f"{root} 中的片段、向量与文档记录不一致：{kb_files.REBUILD_HINT}")
        absent = [d for d in sorted(known) if not (root / "docs" / f"{d}.txt").is_file()]
        if absent:
            raise KnowledgeBaseError(f"{root} 缺少文档原文 {'、'.join(absent)}：{kb_files.REBUILD_HINT}")
        try:
            write_manifest(root, records, kb_files.checksums(root), 1)
        except OSError as exc:
            raise KnowledgeBaseError(kb_files.write_error_message(exc, root)) from None
        return len(docs)
