"""Turn loaded text into a Document with metadata, its rebuilt tables and its chunks.

The single entry point from files to chunks used by ingest, ``planqa chunks``
and the tests; it does no embedding or indexing.
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path

from planqa.corpus.chunking import chunk_document
from planqa.corpus.cleaning import excluded_lines
from planqa.corpus.loaders import LoadedText, LoadError, iter_files, load_file
from planqa.corpus.metadata import apply_catalog, derive, load_catalog
from planqa.corpus.structure import is_heading
from planqa.corpus.tables import Table, find_tables
from planqa.types import Chunk, Document

BUNDLED_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
log = logging.getLogger(__name__)
CATALOG_NAME = "catalog.toml"


@dataclass(frozen=True)
class ParsedDocument:
    doc: Document
    tables: tuple[Table, ...]
    chunks: tuple[Chunk, ...]


MAX_ID_CHARS = 60  # a stored file is named after its id: keep it far below 255 bytes


def doc_id_for(source: str) -> str:
    """A readable document id from a file name: the stem with unsafe characters replaced, ≤ 60 characters.

    The knowledge base makes it unique (see ``planqa.rag.doc_ids``).

    >>> doc_id_for("新河街道 规划(2021).docx")
    '新河街道_规划_2021'
    >>> len(doc_id_for("镇" * 300 + ".txt"))
    60
    """
    stem = re.sub(r"[^\w\u4e00-\u9fff.-]+", "_", Path(source).stem).strip("._") or "doc"
    if len(stem) > MAX_ID_CHARS:
        stem = stem[:MAX_ID_CHARS - 9] + "-" + hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
    return stem


def parse_text(loaded: LoadedText, chunk_size: int = 300, chunk_min: int = 60,
               catalog: dict[str, dict] | None = None, doc_id: str | None = None) -> ParsedDocument:
    """Parse one loaded file: non-content lines, metadata, tables, chunks."""
    lines = loaded.text.split("\n")
    tables = find_tables(lines)
    table_lines = {i - 1 for t in tables for i in t.lines}
    skip = excluded_lines(lines, is_heading, keep=table_lines)
    meta = derive(loaded.text, skip)
    meta = apply_catalog(meta, (catalog or {}).get(loaded.source))
    if not meta.title:
        meta = replace(meta, title=Path(loaded.source).stem)
    doc = Document(doc_id=doc_id or doc_id_for(loaded.source), source=loaded.source, text=loaded.text,
                   meta=meta, fingerprint=loaded.fingerprint, path=loaded.path,
                   excluded_lines=frozenset(i + 1 for i in skip))
    chunks = chunk_document(doc, tables, chunk_size, chunk_min)
    return ParsedDocument(doc, tuple(tables), tuple(chunks))


def bundled_paths() -> list[Path]:
    """The documents shipped with planqa (the default corpus)."""
    return sorted(BUNDLED_DIR.glob("*.txt"))


def bundled_catalog() -> dict[str, dict]:
    return load_catalog(BUNDLED_DIR / CATALOG_NAME)


def parse_paths(paths, chunk_size: int = 300, chunk_min: int = 60, progress=None,
                max_bytes: int = DEFAULT_MAX_BYTES, follow_symlinks: bool = False
                ) -> tuple[list[ParsedDocument], list[LoadError]]:
    """Load and parse files and folders; bad files are reported, the rest goes on.

    ``progress`` is an optional callable ``(done, total, name)``; ``max_bytes`` refuses
    larger files (and .docx files that expand far beyond it).
    """
    files, errors = iter_files(paths, follow_symlinks=follow_symlinks)
    catalog = bundled_catalog()
    for folder in {p.parent for p in files}:
        catalog.update(load_catalog(folder / CATALOG_NAME))
    parsed: list[ParsedDocument] = []
    for n, path in enumerate(files, 1):
        try:
            parsed.append(parse_text(load_file(path, max_bytes), chunk_size, chunk_min, catalog))
        except LoadError as err:
            errors.append(err)
        except Exception as exc:  # noqa: BLE001 - one file the parser cannot read must not drop the batch
            log.exception("parsing %s failed", path)
            errors.append(LoadError(path, f"无法解析（{type(exc).__name__}），已跳过"))
        if progress:
            progress(n, len(files), path.name)
    return parsed, errors
