"""Crash-safe writes: a whole directory (``atomic_write_dir``) or one text file (``atomic_write_text``).

Also ``sha256_file``, the checksum the stores write beside their files.

Readers see the old version or the new one, never a mix. Assumes one writer at a
time per target; it does not lock.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def sha256_file(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup_path(target: str | os.PathLike) -> Path:
    """Where ``atomic_write_dir`` parks the previous ``target`` during the swap."""
    target = Path(target)
    return target.parent / f".{target.name}.old"


def recover_dir(target: str | os.PathLike) -> bool:
    """Put back the previous version if a crash hit between the two renames of a swap.

    Returns:
        True if ``target`` was missing and was restored from its backup.
    """
    target = Path(target)
    backup = backup_path(target)
    if target.exists() or not backup.is_dir():
        return False
    os.replace(backup, target)
    _fsync_dir(target.parent)
    return True


@contextmanager
def atomic_write_dir(target: str | os.PathLike) -> Iterator[Path]:
    """Yield an empty sibling temp dir; on normal exit it replaces ``target``.

    Every file in the temp dir is fsynced, then ``target`` is renamed to a backup,
    the temp dir renamed to ``target``, and the backup deleted. If the body raises,
    the temp dir is deleted and ``target`` is untouched. If the process dies
    between the two renames, ``recover_dir`` (called on the next write, and by
    loaders) restores the previous version.

    Example:
        >>> with atomic_write_dir(Path("kb/index")) as tmp:  # doctest: +SKIP
        ...     (tmp / "index.json").write_text("{}")
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    recover_dir(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        os.chmod(tmp, _mode_of(target, 0o755))  # mkdtemp's 0o700 would hide the index from other users
        yield tmp
        _fsync_tree(tmp)
        _swap_in(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` via a fsynced temp file and ``os.replace``."""
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` via a fsynced temp file and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp_name, _mode_of(path, 0o644))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


def _swap_in(tmp: Path, target: Path) -> None:
    backup = backup_path(target)
    if target.exists():
        if backup.exists():  # left by an older crash; target is the good copy
            shutil.rmtree(backup)
        os.replace(target, backup)
        try:
            os.replace(tmp, target)
        except BaseException:
            os.replace(backup, target)
            raise
    else:
        os.replace(tmp, target)
    _fsync_dir(target.parent)
    shutil.rmtree(backup, ignore_errors=True)


def _mode_of(path: Path, default: int) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return default


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


def _fsync_dir(path: Path) -> None:
    """Make a rename or new entry in ``path`` durable (no-op where dirs cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
