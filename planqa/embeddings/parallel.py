"""Passage embedding fanned out over worker processes (``multiprocessing``) or a Ray cluster.

Each worker builds the configured embedder once from the settings and embeds
slices of the texts; the order of the result is the order of the input. It
caches nothing itself: callers checkpoint through the vector cache.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

from planqa.config import Settings

SLICE = 256  # texts per task: small enough to balance, large enough to batch

_worker_embedder = None  # set in each worker process by _init


def _init(settings: Settings) -> None:
    global _worker_embedder
    from planqa.embeddings.base import get_embedder

    _worker_embedder = get_embedder(settings)


def _embed_slice(texts: list[str]) -> np.ndarray:
    return _worker_embedder.embed_documents(texts)


def worker_settings(settings: Settings) -> Settings:
    """The settings each worker embeds with: the threads shared out between the workers."""
    threads = max(1, settings.embed_threads // settings.ingest_workers)
    return dataclasses.replace(settings, embed_threads=threads, ingest_workers=1)


def slices(texts: list[str], size: int = SLICE) -> list[list[str]]:
    """
    >>> [len(s) for s in slices(list("abcde"), 2)]
    [2, 2, 1]
    """
    return [texts[i:i + size] for i in range(0, len(texts), size)]


def embed_parallel(texts: list[str], settings: Settings, dim: int,
                   progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """Vectors of ``texts`` from ``settings.ingest_workers`` workers (``ingest_backend``: process or ray)."""
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    parts = slices(texts)
    if settings.ingest_backend == "ray":
        out = _with_ray(parts, settings, progress)
    else:
        out = _with_processes(parts, settings, progress)
    return np.vstack(out).astype(np.float32, copy=False)


def _with_processes(parts: list[list[str]], settings: Settings, progress) -> list[np.ndarray]:
    import multiprocessing as mp

    ctx = mp.get_context("spawn")  # a forked copy of a process with model threads running can hang
    done, out = 0, []
    with ctx.Pool(settings.ingest_workers, initializer=_init, initargs=(worker_settings(settings),)) as pool:
        for vecs in pool.imap(_embed_slice, parts):  # imap keeps the input order
            out.append(vecs)
            done += len(vecs)
            if progress:
                progress(done, sum(len(p) for p in parts))
    return out


def _with_ray(parts: list[list[str]], settings: Settings, progress) -> list[np.ndarray]:
    try:
        import ray
    except ImportError:
        raise RuntimeError("ingest_backend=ray 需要 ray：pip install 'planqa[ray]'") from None
    if not ray.is_initialized():
        ray.init(num_cpus=settings.ingest_workers, include_dashboard=False, log_to_driver=False)

    @ray.remote
    class Worker:
        def __init__(self, s: Settings):
            _init(s)

        def embed(self, texts: list[str]) -> np.ndarray:
            return _embed_slice(texts)

    workers = [Worker.remote(worker_settings(settings)) for _ in range(settings.ingest_workers)]
    refs = [workers[i % len(workers)].embed.remote(p) for i, p in enumerate(parts)]
    out, total = [], sum(len(p) for p in parts)
    for i, ref in enumerate(refs):
        out.append(ray.get(ref))
        if progress:
            progress(sum(len(p) for p in parts[:i + 1]), total)
    return out
