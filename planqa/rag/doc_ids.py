"""Document identity in the knowledge base: which stored document a parsed file is, and the id a new one gets.

A document is the file it came from (its origin: the resolved path, or the
upload name), never its bare file name, so two towns' ``十四五规划.docx`` stay two
documents. Pure functions; the knowledge base applies them.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Iterable

from planqa.corpus.chunking import chunk_id
from planqa.corpus.document import ParsedDocument, doc_id_for

def origin_of(pd: ParsedDocument, origins: dict[str, str] | None = None) -> str:
    """What a parsed file is: the origin the caller names for its path, else its resolved path or name."""
    if origins and pd.doc.path in origins:
        return origins[pd.doc.path]
    return pd.doc.path or pd.doc.source


def new_id(source: str, origin: str, taken: Iterable[str]) -> str:
    """The id of a document not stored yet: ``doc_id_for`` its name, or with a short hash of its origin when taken.

    >>> new_id("plan.txt", "a/plan.txt", set())
    'plan'
    >>> new_id("plan.md", "b/plan.md", {"plan"})
    'plan-f657af'
    """
    taken = set(taken)
    base = doc_id_for(source)
    if base not in taken:
        return base
    digest = hashlib.sha1(origin.encode("utf-8")).hexdigest()
    for n in range(6, len(digest) + 1, 2):
        candidate = f"{base}-{digest[:n]}"
        if candidate not in taken:
            return candidate
    raise ValueError(f"no free id for {origin}")  # 40 hex digits of one origin all taken: not reachable


def relabel(pd: ParsedDocument, doc_id: str) -> ParsedDocument:
    """The same parsed document under another id (its chunks and their ids follow)."""
    if pd.doc.doc_id == doc_id:
        return pd
    chunks = tuple(replace(c, doc_id=doc_id, chunk_id=chunk_id(doc_id, c.kind, c.start, c.end, c.text))
                   for c in pd.chunks)
    return ParsedDocument(replace(pd.doc, doc_id=doc_id), pd.tables, chunks)


@dataclass(frozen=True)
class Placement:
    """What to do with one parsed file: ``add`` under a new id, ``replace`` a stored one, or skip it."""

    action: str  # add | replace | unchanged | duplicate
    doc_id: str
    same_as: str = ""  # for duplicate: the stored or earlier document with the same content


def place_documents(items: list[tuple[ParsedDocument, str]], stored: dict[str, tuple[str, str]],
                    allow_duplicates: bool = False) -> list[Placement]:
    """Decide, for each ``(parsed, origin)``, against ``stored`` (``doc_id → (origin, fingerprint)``).

    The same origin is the same document (changed: replaced; else unchanged);
    another origin with content already stored, or earlier in the batch, is a
    duplicate unless ``allow_duplicates``; anything else is added under a new id.

    >>> from planqa.types import Document, DocMeta
    >>> def pd(src, fp): return ParsedDocument(Document("x", src, "t", DocMeta(src), fp, ""), (), ())
    >>> stored = {"plan": ("a/plan.txt", "f1")}
    >>> [p.action + ":" + p.doc_id for p in place_documents(
    ...     [(pd("plan.txt", "f1"), "a/plan.txt"), (pd("plan.md", "f2"), "b/plan.md"),
    ...      (pd("copy.txt", "f2"), "c/copy.txt")], stored)]
    ['unchanged:plan', 'add:plan-f657af', 'duplicate:plan-f657af']
    """
    by_origin = {origin: d for d, (origin, _) in stored.items()}
    by_print = {fp: d for d, (_, fp) in stored.items()}
    taken = set(stored)
    out = []
    for pd, origin in items:
        fp = pd.doc.fingerprint
        if origin in by_origin:
            doc_id = by_origin[origin]
            out.append(Placement("unchanged" if stored[doc_id][1] == fp else "replace", doc_id))
        elif fp in by_print and not allow_duplicates:
            out.append(Placement("duplicate", by_print[fp], same_as=by_print[fp]))
            continue
        else:
            doc_id = new_id(pd.doc.source, origin, taken)
            out.append(Placement("add", doc_id))
            by_origin[origin] = doc_id
        taken.add(doc_id)
        by_print.setdefault(fp, doc_id)
    return out
