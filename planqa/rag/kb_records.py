"""What the knowledge base records about its documents, and its manifest on disk.

Records only: the knowledge base decides what goes in; ``kb_recover`` rebuilds a lost manifest from them.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from planqa import __version__
from planqa.corpus.document import ParsedDocument
from planqa.types import DocMeta

FORMAT = 2  # 2: document origins, per-file checksums, generation


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
    origin: str = ""  # what the document is: its resolved source path, or ``upload:<name>``
    version: str = ""  # store = "milvus": the version tag its rows carry (``milvus_rows.doc_version``)

    def to_dict(self) -> dict:
        return {"doc_id": self.doc_id, "source": self.source, "path": self.path, "origin": self.origin,
                "fingerprint": self.fingerprint, "size": self.size, "mtime": self.mtime,
                "meta": self.meta.to_dict(), "chunks": self.chunks, "tables": self.tables,
                **({"version": self.version} if self.version else {})}

    @classmethod
    def from_dict(cls, d: dict) -> "DocRecord":
        return cls(d["doc_id"], d["source"], d.get("path", ""), d["fingerprint"], int(d.get("size", 0)),
                   float(d.get("mtime", 0)), DocMeta(**d["meta"]), int(d["chunks"]), int(d.get("tables", 0)),
                   d.get("origin") or d.get("path") or d["source"], d.get("version", ""))


@dataclass(frozen=True)
class Staged:
    """A parsed file on its way in, with its origin and (when computed ahead) its tokens and vectors."""

    parsed: ParsedDocument
    origin: str
    tokens: list | None = None
    vectors: np.ndarray | None = None
    units: dict | None = None  # answer candidates' vectors by key (see ``SentenceVectors.embed_units``)


def missing_manifest_message(root: Path) -> str:
    return (f"知识库 {root} 缺少 manifest.json，但文档数据仍在磁盘上（未做任何改动）："
            f"运行 planqa recover 从磁盘上的数据重建清单；或 planqa ingest --rebuild 重新建库"
            f"（会丢弃已入库的文档）")


def write_manifest(root: Path, records: dict, files: dict[str, str], generation: int) -> None:
    manifest = {"format": FORMAT, "planqa_version": __version__, "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "generation": generation, "files": files, **records}
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
