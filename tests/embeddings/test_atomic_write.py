"""atomic_write_dir / atomic_write_text: all-or-nothing replacement of a directory or a file."""
from __future__ import annotations

import os
import stat

import pytest

from planqa.embeddings import atomic
from planqa.embeddings.atomic import atomic_write_dir, atomic_write_text, backup_path, recover_dir


def _write_version(target, version: str) -> None:
    with atomic_write_dir(target) as tmp:
        (tmp / "version.txt").write_text(version)
        (tmp / "sub").mkdir()
        (tmp / "sub" / "data.txt").write_text(version * 3)


def test_creates_and_replaces_a_directory(tmp_path):
    target = tmp_path / "kb" / "index"
    _write_version(target, "1")
    assert (target / "version.txt").read_text() == "1"
    _write_version(target, "2")
    assert (target / "version.txt").read_text() == "2"
    assert (target / "sub" / "data.txt").read_text() == "222"
    assert os.listdir(tmp_path / "kb") == ["index"]  # no temp or backup dirs left


def test_directory_is_readable_by_others(tmp_path):
    _write_version(tmp_path / "index", "1")
    assert stat.S_IMODE((tmp_path / "index").stat().st_mode) == 0o755


def test_exception_inside_leaves_old_directory(tmp_path):
    target = tmp_path / "index"
    _write_version(target, "1")
    with pytest.raises(KeyboardInterrupt):
        with atomic_write_dir(target) as tmp:
            (tmp / "version.txt").write_text("2-partial")
            raise KeyboardInterrupt
    assert (target / "version.txt").read_text() == "1"
    assert os.listdir(tmp_path) == ["index"]


def test_exception_inside_creates_nothing(tmp_path):
    with pytest.raises(RuntimeError):
        with atomic_write_dir(tmp_path / "index"):
            raise RuntimeError("boom")
    assert os.listdir(tmp_path) == []


def test_failed_final_rename_restores_old(tmp_path, monkeypatch):
    target = tmp_path / "index"
    _write_version(target, "1")
    real_replace = os.replace

    def flaky(src, dst):
        if ".tmp-" in str(src):
            raise OSError("rename failed")
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", flaky)
    with pytest.raises(OSError, match="rename failed"):
        _write_version(target, "2")
    monkeypatch.undo()
    assert (target / "version.txt").read_text() == "1"
    assert os.listdir(tmp_path) == ["index"]


def test_recover_dir_after_crash_between_renames(tmp_path):
    target = tmp_path / "index"
    _write_version(target, "1")
    target.rename(backup_path(target))
    assert recover_dir(target) is True
    assert (target / "version.txt").read_text() == "1"
    assert recover_dir(target) is False


def test_next_write_recovers_then_replaces(tmp_path):
    target = tmp_path / "index"
    _write_version(target, "1")
    target.rename(backup_path(target))
    _write_version(target, "2")
    assert (target / "version.txt").read_text() == "2"
    assert os.listdir(tmp_path) == ["index"]


def test_stale_backup_next_to_good_target_is_dropped(tmp_path):
    target = tmp_path / "index"
    _write_version(target, "1")
    backup_path(target).mkdir()
    (backup_path(target) / "version.txt").write_text("0")
    _write_version(target, "2")
    assert (target / "version.txt").read_text() == "2"
    assert os.listdir(tmp_path) == ["index"]


def test_atomic_write_text_creates_and_replaces(tmp_path):
    path = tmp_path / "kb" / "manifest.json"
    atomic_write_text(path, '{"文档": 1}')
    assert path.read_text(encoding="utf-8") == '{"文档": 1}'
    path.chmod(0o640)
    atomic_write_text(path, "v2")
    assert path.read_text(encoding="utf-8") == "v2"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert os.listdir(path.parent) == ["manifest.json"]


def test_atomic_write_text_failure_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / "manifest.json"
    atomic_write_text(path, "old")

    def failing_fsync(fd):
        raise OSError("io error")

    monkeypatch.setattr(atomic.os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="io error"):
        atomic_write_text(path, "new")
    monkeypatch.undo()
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["manifest.json"]
