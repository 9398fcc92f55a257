"""Read and write a vector-index directory (index.json, vectors.npy, ids.npy, index.faiss) without pickle.

Writes go through ``atomic_write_dir``; every problem found on load becomes an
``IndexCorruptError`` naming the file and the fix.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from planqa.embeddings.atomic import atomic_write_dir, recover_dir, sha256_file

FORMAT = "planqa-vector-index"
VERSION = 1
INFO_FILE, VECTORS_FILE, IDS_FILE, FAISS_FILE = "index.json", "vectors.npy", "ids.npy", "index.faiss"
REBUILD_HINT = "run planqa ingest --rebuild"
_REQUIRED = {"index_type": str, "dim": int, "count": int, "params": dict, "files": dict}


class IndexCorruptError(RuntimeError):
    """A stored vector index is missing, truncated, altered or inconsistent.

    Attributes:
        path: the offending file (or the index directory).
        problem: what is wrong with it.
    """

    def __init__(self, path: str | Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}: {REBUILD_HINT}")
        self.path = Path(path)
        self.problem = problem


def write_dir(directory: Path, info: dict[str, Any], vectors: np.ndarray, ids: np.ndarray,
              faiss_index: Any) -> None:
    """Atomically replace ``directory`` with the index files and an ``index.json`` from ``info``.

    ``index.json`` records each file's size and sha256; ``index.faiss`` is absent
    when the index is empty.
    """
    import faiss

    with atomic_write_dir(directory) as tmp:
        np.save(tmp / VECTORS_FILE, vectors, allow_pickle=False)
        np.save(tmp / IDS_FILE, ids, allow_pickle=False)
        if faiss_index is not None:
            faiss.write_index(faiss_index, str(tmp / FAISS_FILE))
        files = {p.name: {"bytes": p.stat().st_size, "sha256": sha256_file(p)} for p in sorted(tmp.iterdir())}
        doc = {"format": FORMAT, "version": VERSION, **info, "files": files}
        (tmp / INFO_FILE).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n",
                                     encoding="utf-8")


def read_dir(directory: Path, verify: bool = True) -> tuple[dict[str, Any], np.ndarray, np.ndarray, Any]:
    """``(info, vectors, ids, faiss_index or None)`` from a directory written by ``write_dir``.

    Raises:
        IndexCorruptError: see the class.
    """
    try:
        recover_dir(directory)
    except OSError:  # read-only location: report what is there instead
        pass
    if not directory.is_dir():
        raise IndexCorruptError(directory, "no vector index here")
    info = _read_info(directory / INFO_FILE)
    if verify:
        for name, facts in info["files"].items():
            _verify(directory / name, facts)
    count, dim = info["count"], info["dim"]
    vectors = _read_npy(directory / VECTORS_FILE, (np.float32, np.float16))
    ids = _read_npy(directory / IDS_FILE, np.int64)
    if vectors.shape != (count, dim):
        raise IndexCorruptError(directory / VECTORS_FILE, f"holds an array of shape {vectors.shape}, "
                                f"{INFO_FILE} says {count} vectors of dimension {dim}")
    if ids.shape != (count,):
        raise IndexCorruptError(directory / IDS_FILE, f"holds {ids.shape} ids, {INFO_FILE} says {count}")
    if len(np.unique(ids)) != count:
        raise IndexCorruptError(directory / IDS_FILE, "holds repeated ids")
    if not count:
        return info, vectors, ids, None
    return info, vectors, ids, _read_faiss(directory / FAISS_FILE, count, dim)


def _read_info(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise IndexCorruptError(path, "missing")
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(path, f"unreadable ({exc})") from None
    if not isinstance(info, dict) or info.get("format") != FORMAT:
        raise IndexCorruptError(path, f"not a {FORMAT} description")
    if not isinstance(info.get("version"), int) or info["version"] > VERSION:
        raise IndexCorruptError(path, f"format version {info.get('version')!r} is not supported "
                                f"by this planqa (it reads up to {VERSION})")
    for key, kind in _REQUIRED.items():
        if not isinstance(info.get(key), kind) or isinstance(info.get(key), bool):
            raise IndexCorruptError(path, f"field {key!r} is missing or not a {kind.__name__}")
    return info


def _verify(path: Path, facts: Any) -> None:
    if not path.is_file():
        raise IndexCorruptError(path, "missing")
    if not isinstance(facts, dict):
        raise IndexCorruptError(path.parent / INFO_FILE, f"bad entry for {path.name}")
    size = path.stat().st_size
    if size != facts.get("bytes"):
        raise IndexCorruptError(path, f"is {size} bytes, {INFO_FILE} says {facts.get('bytes')} "
                                "(truncated or altered)")
    if sha256_file(path) != facts.get("sha256"):
        raise IndexCorruptError(path, f"contents do not match the checksum in {INFO_FILE} "
                                "(altered or corrupt)")


def _read_npy(path: Path, dtype: type | tuple[type, ...]) -> np.ndarray:
    if not path.is_file():
        raise IndexCorruptError(path, "missing")
    try:
        arr = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise IndexCorruptError(path, f"unreadable ({exc})") from None
    allowed = [np.dtype(d) for d in (dtype if isinstance(dtype, tuple) else (dtype,))]
    if not isinstance(arr, np.ndarray) or arr.dtype not in allowed:
        raise IndexCorruptError(path, f"holds {getattr(arr, 'dtype', type(arr).__name__)}, "
                                f"expected {' or '.join(str(d) for d in allowed)}")
    return np.ascontiguousarray(arr)


def _read_faiss(path: Path, count: int, dim: int) -> Any:
    import faiss

    if not path.is_file():
        raise IndexCorruptError(path, "missing")
    try:
        index = faiss.read_index(str(path))
    except RuntimeError as exc:
        raise IndexCorruptError(path, f"unreadable faiss index ({_faiss_reason(exc)})") from None
    if index.ntotal != count:
        raise IndexCorruptError(path, f"holds {index.ntotal} vectors but {VECTORS_FILE} "
                                f"holds {count}")
    if index.d != dim:
        raise IndexCorruptError(path, f"has dimension {index.d}, {INFO_FILE} says {dim}")
    return index


def _faiss_reason(exc: Exception) -> str:
    """The readable tail of a faiss C++ error ("Error in <signature> at <file>:<line>: <reason>")."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    match = re.search(r" at \S+:\d+: (.*)$", text)
    return (match.group(1) if match else text)[:200]
