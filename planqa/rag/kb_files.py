"""The knowledge-base directory on disk: the writers' lock, file checksums, crash leftovers, write errors.

One writer at a time across processes (``filelock``); readers never take the
lock. This module knows files, not documents: what is in them is ``knowledge_base``'s.
"""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from planqa.embeddings.atomic import backup_path, recover_dir, sha256_file

LOCK_NAME = "kb.lock"
LOCK_TIMEOUT_S = 120.0


class KnowledgeBaseError(RuntimeError):
    """The knowledge base is missing, stale, mismatched, busy or corrupt; the message says the fix."""


def lock_path(root: Path) -> Path:
    return root.parent / LOCK_NAME


@contextmanager
def writer_lock(root: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the knowledge base's cross-process writer lock (re-entrant within a thread).

    Raises:
        KnowledgeBaseError: another writer held it for longer than ``timeout`` seconds,
            or the data directory cannot hold a lock file.
    """
    from filelock import FileLock, Timeout

    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(lock_path(root)), timeout=timeout)
        with lock:
            cleanup_leftovers(root)
            yield
    except Timeout:
        raise KnowledgeBaseError(f"知识库正由另一个进程写入（{lock_path(root)} 被占用超过 {timeout:.0f} 秒）："
                                 "请等它完成后重试") from None
    except OSError as exc:
        if isinstance(exc, KnowledgeBaseError):
            raise
        raise KnowledgeBaseError(write_error_message(exc, root)) from None


def try_recover(root: Path) -> None:
    """Finish a swap a crash interrupted and remove crashed writes' temp copies, when no writer is active.

    Readers call this on open; it never waits for the lock.
    """
    stranded = (not root.exists() and backup_path(root).is_dir()) or any(root.parent.glob(f".{root.name}.tmp-*"))
    if not stranded:
        return
    from filelock import FileLock, Timeout

    try:
        with FileLock(str(lock_path(root)), timeout=0):
            cleanup_leftovers(root)
    except (Timeout, OSError):
        pass  # a writer is at work: it finishes its own swap


def cleanup_leftovers(root: Path) -> list[Path]:
    """Remove the temp copies of writes that crashed (call only while holding the writer lock)."""
    recover_dir(root)
    gone = []
    for p in root.parent.glob(f".{root.name}.tmp-*"):
        shutil.rmtree(p, ignore_errors=True)
        gone.append(p)
    return gone


def checksums(root: Path, skip: tuple[str, ...] = ("manifest.json",)) -> dict[str, str]:
    """``relative path → sha256`` of every file below ``root`` (POSIX separators, sorted)."""
    out = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel not in skip:
            out[rel] = sha256_file(path)
    return out


def verify(root: Path, expected: dict[str, str], lazy_prefix: str = "docs/") -> None:
    """Check every listed file (except those under ``lazy_prefix``, checked when read) against its checksum.

    Raises:
        KnowledgeBaseError: a file is missing or its content changed since it was written.
    """
    for rel, digest in expected.items():
        if rel.startswith(lazy_prefix):
            continue
        path = root / rel
        if not path.is_file():
            raise KnowledgeBaseError(f"知识库文件缺失：{path}；{REBUILD_HINT}")
        if sha256_file(path) != digest:
            raise KnowledgeBaseError(f"知识库文件已损坏（校验和不符）：{path}；{REBUILD_HINT}")


def check_bytes(path: Path, data: bytes, digest: str | None) -> None:
    if digest is not None and hashlib.sha256(data).hexdigest() != digest:
        raise KnowledgeBaseError(f"知识库文件已损坏（校验和不符）：{path}；{REBUILD_HINT}")


REBUILD_HINT = "运行 planqa ingest --rebuild 重建（run `planqa ingest --rebuild`）"


def write_error_message(exc: OSError, root: Path) -> str:
    """A Chinese message with the fix for an OS error met while writing the knowledge base."""
    why = {
        errno.ENOSPC: "磁盘已满：请清理空间后重试",
        errno.EDQUOT: "磁盘配额已用完：请清理空间后重试",
        errno.EROFS: "数据目录在只读文件系统上：用 --data-dir 或 PLANQA_DATA_DIR 指向可写的目录",
        errno.EACCES: "没有写入权限：用 --data-dir 或 PLANQA_DATA_DIR 指向可写的目录，或修改目录权限",
        errno.EPERM: "没有写入权限：用 --data-dir 或 PLANQA_DATA_DIR 指向可写的目录，或修改目录权限",
        errno.ENAMETOOLONG: "文件名太长：请把文件改成较短的名字后重试",
    }.get(exc.errno, f"系统错误：{exc.strerror or exc}")
    return f"无法写入知识库 {root}（{why}）；知识库未改变"


def manifest_stamp(root: Path) -> tuple[int, int, int] | None:
    """A cheap identity of the current manifest (changes with every save), or None when there is none."""
    try:
        st = os.stat(root / "manifest.json")
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def has_data(root: Path) -> bool:
    """Whether ``root`` holds anything of a knowledge base (even without its manifest)."""
    return root.is_dir() and any(root.iterdir())
