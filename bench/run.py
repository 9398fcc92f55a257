"""Run every benchmark in one go and write ``bench/results.json``, ``bench/REPORT.md`` and the chart.

``python -m bench.run`` (full: scale series to 1M chunks, ~1 h on 2 cores) or
``--quick`` (scale to 100k, under ~5 min). Each measurement runs in a fresh child
process so cold starts are cold and memory figures are not mixed;
``--report-only`` redraws the report from an existing results.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import chart, growth, report, targets
from bench.measure import WORK, machine_info, write_json

BENCH = Path(__file__).resolve().parent
RESULTS, REPORT, CHART = BENCH / "results.json", BENCH / "REPORT.md", BENCH / "bench_chart.png"
COLD_START = BENCH / "cold_start.json"
FULL_SIZES, QUICK_SIZES = (10_000, 30_000, 100_000, 300_000, 1_000_000), (10_000, 100_000)
SYSTEMS = {"planqa": "bench.planqa_system", "langchain_default": "bench.baseline"}
# timing figures that are the median over repeated fresh-process runs; quality is deterministic
TIMING_KEYS = ("ingest_s", "index_build_s", "query_ms_p50", "query_ms_p95", "answer_ms_p50", "answer_ms_p95",
               "rss_mb", "peak_rss_mb")


def child_env() -> dict[str, str]:
    """The children's environment: OpenMP threads sleep instead of spinning (the machine is shared)."""
    env = dict(os.environ)
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    env.setdefault("TQDM_DISABLE", "1")
    return env


def run_child(module: str, args: list[str], log: Path, echo: bool = False, check: bool = True) -> int:
    """``python -m module args`` in a fresh process; output to ``log`` (and the console with ``echo``).

    Returns the exit status; a failure stops the benchmark unless ``check`` is false.
    """
    cmd = [sys.executable, "-m", module, *args]
    with open(log, "w", encoding="utf-8") as fh:
        proc = subprocess.Popen(cmd, cwd=BENCH.parent, env=child_env(), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        for line in proc.stdout:
            fh.write(line)
            if echo:
                print("  " + line.rstrip(), flush=True)
        if proc.wait() and check:
            raise SystemExit(f"bench: {module} failed (exit {proc.returncode}); see {log}")
    return proc.returncode


def run_systems(runs: int, passes: int) -> dict:
    """Each system ``runs`` times, alternating, each run in a fresh process; medians of the timing figures."""
    per: dict[str, list[dict]] = {name: [] for name in SYSTEMS}
    for i in range(runs):
        for name, module in SYSTEMS.items():
            out = WORK / f"{name}-{i}.json"
            print(f"[systems] {name} run {i + 1}/{runs}", flush=True)
            run_child(module, [str(out), "--passes", str(passes)], WORK / f"{name}-{i}.log")
            per[name].append(json.loads(out.read_text(encoding="utf-8")))
    merged = {}
    for name, results in per.items():
        m = dict(results[0])
        for key in TIMING_KEYS:
            vals = [r[key] for r in results if r.get(key) is not None]
            if vals:
                m[key] = round(statistics.median(vals), 4)
        m["runs"] = [{k: r.get(k) for k in TIMING_KEYS} for r in results]
        merged[name] = m
    return merged


def run_scale(sizes: tuple[int, ...], passes: int) -> dict:
    """The scale child; if it dies (e.g. out of memory at 1M), the sizes it finished are kept and the
    failure is recorded with the end of its log."""
    out, log = WORK / "scale.json", WORK / "scale.log"
    out.unlink(missing_ok=True)
    print(f"[scale] sizes {', '.join(f'{n:,}' for n in sizes)}", flush=True)
    rc = run_child("bench.scale", [str(out), "--sizes", ",".join(map(str, sizes)), "--passes", str(passes)],
                   log, echo=True, check=False)
    if not out.exists():
        raise SystemExit(f"bench: bench.scale failed (exit {rc}) before finishing any size; see {log}")
    scale = json.loads(out.read_text(encoding="utf-8"))
    if rc:
        done = sorted({r["chunks"] for r in scale["rows"]})
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
        scale["failure"] = {"exit_status": rc, "finished_sizes": done,
                            "failed_size": next((n for n in sizes if n not in done), None), "log_tail": tail}
    return scale


def derive(res: dict) -> dict:
    """Growth fits, findings and target checks from the measured systems and scale rows."""
    rows = res["scale"]
    fits = growth.fits(rows)
    memory = growth.memory_per_chunk(rows, res["scale_meta"].get("loaded_rows", {}))
    res["growth"] = {"fits": fits, "memory": memory, "ingest": growth.ingest_projection(res["systems"]["planqa"]),
                     "findings": growth.findings(fits, memory, rows)}
    res["targets"] = targets.check_all(res["systems"], rows)
    if COLD_START.exists():
        res["cold_start"] = json.loads(COLD_START.read_text(encoding="utf-8"))
    return res


def assemble(machine: dict, meta: dict, systems: dict, scale: dict) -> dict:
    rows = scale.pop("rows")
    return derive({"machine": machine, "meta": meta, "systems": systems, "scale": rows, "scale_meta": scale})


def write_outputs(res: dict) -> None:
    write_json(RESULTS, res)
    chart.draw(CHART, res["systems"], res["scale"], res["growth"]["memory"])
    report.write(res, REPORT)
    print(f"wrote {RESULTS.relative_to(BENCH.parent)}, {REPORT.relative_to(BENCH.parent)}, "
          f"{CHART.relative_to(BENCH.parent)}")
    for t in res["targets"]:
        print(f"  [{t['status']:>12}] {t['target']}: {t['measured']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="scale series to 100k chunks, one pass (< ~5 min)")
    parser.add_argument("--sizes", help="comma-separated scale sizes (overrides the mode's)")
    parser.add_argument("--report-only", action="store_true",
                        help="recompute fits and targets, rewrite REPORT.md and the chart from results.json")
    args = parser.parse_args(argv)
    if args.report_only:
        write_outputs(derive(json.loads(RESULTS.read_text(encoding="utf-8"))))
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else (QUICK_SIZES if args.quick else FULL_SIZES)
    t0, machine = time.time(), machine_info()
    systems = run_systems(runs=1 if args.quick else 3, passes=1 if args.quick else 3)
    scale = run_scale(sizes, passes=1 if args.quick else 2)
    meta = {"quick": args.quick, "started": machine["date"], "duration_s": round(time.time() - t0, 1),
            "max_chunks": max(sizes), "omp_wait_policy": child_env()["OMP_WAIT_POLICY"],
            "load_avg_at_end": [round(x, 2) for x in os.getloadavg()], "chart": CHART.name}
    write_outputs(assemble(machine, meta, systems, scale))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
