"""Saving and loading a VectorIndex: file layout, no pickle, corruption detection, interrupted saves."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import planqa.embeddings
from planqa.embeddings import atomic
from planqa.embeddings.faiss_store import IndexCorruptError, VectorIndex

REBUILD = "run planqa ingest --rebuild"


@pytest.fixture
def saved(vectors, tmp_path):
    """An hnsw index over the first 300 vectors, saved to tmp_path/index."""
    x, ids = vectors
    index = VectorIndex.build(x[:300], ids[:300], "hnsw")
    index.save(tmp_path / "index", meta={"model_id": "m1"})
    return index, tmp_path / "index"


def _corrupt(path: Path, err: pytest.ExceptionInfo, name: str) -> None:
    message = str(err.value)
    assert name in message and REBUILD in message, message
    assert err.value.path.name == name


def test_layout_is_plain_files_without_pickle(saved):
    _, directory = saved
    names = sorted(p.name for p in directory.iterdir())
    assert names == ["ids.npy", "index.faiss", "index.json", "vectors.npy"]
    info = json.loads((directory / "index.json").read_text(encoding="utf-8"))
    assert (info["index_type"], info["dim"], info["count"]) == ("hnsw", 64, 300)
    assert info["params"]["ef_search"] == 64 and info["meta"] == {"model_id": "m1"}
    assert set(info["files"]) == {"ids.npy", "index.faiss", "vectors.npy"}
    assert np.load(directory / "vectors.npy", allow_pickle=False).dtype == np.float32
    assert np.load(directory / "ids.npy", allow_pickle=False).dtype == np.int64
    assert not [p for p in directory.parent.iterdir() if p.name.startswith(".")]  # no temp/backup left


def test_no_pickle_in_the_package_source():
    for source in Path(planqa.embeddings.__file__).parent.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+(pickle|cPickle|dill|joblib|cloudpickle)\b", text, re.M)
        assert "allow_pickle=True" not in text and "torch.load" not in text
        for call in re.finditer(r"np\.load\(", text):
            assert "allow_pickle=False" in text[call.end():call.end() + 80], source.name


def test_object_array_is_refused_not_unpickled(saved):
    _, directory = saved
    np.save(directory / "ids.npy", np.array([{"x": 1}] * 300, dtype=object), allow_pickle=True)
    with pytest.raises(IndexCorruptError) as err:
        VectorIndex.load(directory, verify=False)
    _corrupt(directory, err, "ids.npy")


def test_empty_index_round_trips(tmp_path):
    VectorIndex(dim=16, index_type="ivf").save(tmp_path / "empty")
    assert not (tmp_path / "empty" / "index.faiss").exists()
    loaded = VectorIndex.load(tmp_path / "empty")
    assert len(loaded) == 0 and loaded.index_type == "ivf"
    loaded.add(np.eye(16, dtype=np.float32), list(range(16)))
    assert loaded.search(np.eye(16, dtype=np.float32)[3], 1)[1][0, 0] == 3


@pytest.mark.parametrize("verify", [True, False])
def test_truncated_faiss_file(saved, verify):
    _, directory = saved
    path = directory / "index.faiss"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(IndexCorruptError) as err:
        VectorIndex.load(directory, verify=verify)
    _corrupt(directory, err, "index.faiss")


@pytest.mark.parametrize("verify", [True, False])
def test_overwritten_faiss_file(saved, verify):
    _, directory = saved
    path = directory / "index.faiss"
    path.write_bytes(bytes(path.stat().st_size))
    with pytest.raises(IndexCorruptError) as err:
        VectorIndex.load(directory, verify=verify)
    _corrupt(directory, err, "index.faiss")


@pytest.mark.parametrize("name", ["index.json", "vectors.npy", "ids.npy", "index.faiss"])
def test_missing_file(saved, name):
    _, directory = saved
    (directory / name).unlink()
    with pytest.raises(IndexCorruptError, match="missing") as err:
        VectorIndex.load(directory)
    _corrupt(directory, err, name)


def test_missing_directory(tmp_path):
    with pytest.raises(IndexCorruptError, match=REBUILD):
        VectorIndex.load(tmp_path / "nowhere")


def test_vectors_count_mismatch(saved, vectors):
    _, directory = saved
    np.save(directory / "vectors.npy", vectors[0][:299], allow_pickle=False)
    with pytest.raises(IndexCorruptError, match="shape") as err:
        VectorIndex.load(directory, verify=False)
    _corrupt(directory, err, "vectors.npy")
    with pytest.raises(IndexCorruptError, match="truncated or altered") as err:
        VectorIndex.load(directory)
    _corrupt(directory, err, "vectors.npy")


def test_faiss_count_mismatch(saved, vectors, tmp_path):
    _, directory = saved
    VectorIndex.build(vectors[0][:200], None, "hnsw").save(tmp_path / "other")
    (directory / "index.faiss").write_bytes((tmp_path / "other" / "index.faiss").read_bytes())
    with pytest.raises(IndexCorruptError, match="holds 200 vectors but vectors.npy holds 300") as err:
        VectorIndex.load(directory, verify=False)
    _corrupt(directory, err, "index.faiss")


@pytest.mark.parametrize("text", ["{not json", "[]", '{"format": "planqa-vector-index", "version": 99}',
                                  '{"format": "planqa-vector-index", "version": 1, "dim": "64"}'])
def test_bad_index_json(saved, text):
    _, directory = saved
    (directory / "index.json").write_text(text, encoding="utf-8")
    with pytest.raises(IndexCorruptError) as err:
        VectorIndex.load(directory)
    _corrupt(directory, err, "index.json")


def test_failed_save_leaves_previous_index_loadable(saved, vectors, queries, monkeypatch):
    old, directory = saved
    expected = old.search(queries, 5)
    import faiss

    def broken_write(index, path):
        Path(path).write_bytes(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(faiss, "write_index", broken_write)
    bigger = VectorIndex.build(vectors[0], vectors[1], "flat")
    with pytest.raises(OSError, match="disk full"):
        bigger.save(directory)
    loaded = VectorIndex.load(directory)
    assert (len(loaded), loaded.index_type) == (300, "hnsw")
    np.testing.assert_array_equal(loaded.search(queries, 5)[1], expected[1])
    assert sorted(p.name for p in directory.parent.iterdir()) == ["index"]


def test_crash_between_renames_is_recovered_on_load(saved, queries):
    old, directory = saved
    directory.rename(atomic.backup_path(directory))  # the state after the first rename of a swap
    loaded = VectorIndex.load(directory)
    np.testing.assert_array_equal(loaded.search(queries, 5)[1], old.search(queries, 5)[1])
    assert not atomic.backup_path(directory).exists()


def test_second_save_replaces_the_first(saved, vectors, tmp_path):
    _, directory = saved
    VectorIndex.build(vectors[0][:50], None, "ivf").save(directory)
    loaded = VectorIndex.load(directory)
    assert (len(loaded), loaded.index_type, loaded.meta) == (50, "ivf", {})
    assert sorted(p.name for p in directory.parent.iterdir()) == ["index"]
