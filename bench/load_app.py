"""Load check for the app (not a timed test): N concurrent gradio_client sessions asking M questions each.

Starts the app in a child process on 127.0.0.1 (a free port), checks every
answer against expected substrings from the bundled corpus, and writes latency
percentiles to bench/results_app_load.json. With ``--uploads K`` the same load
runs a second time while the server takes in K uploads (generated documents of
``--upload-kb`` each, through the upload handler of the app), and both
percentiles are reported side by side. Bounded: every request and the whole
run have time limits, and the server is stopped at the end.

    .venv/bin/python -m bench.load_app [--clients 20] [--questions 10] [--uploads 5 --upload-kb 1000]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# (question, substrings the answer must contain) — all answered from the bundled documents' indicator tables/text
QUESTIONS = [
    ("新河街道“十四五”期间商品销售总额累计目标是多少？", ["46", "[1]"]),
    ("新河街到2025年存续市场主体累计要达到多少家？", ["2800"]),
    ("“十四五”期间新河街新增就业人口累计的目标是多少人？", ["10000"]),
    ("海滨街道商品销售总额2025年的目标是多少亿元？", ["49.6"]),
    ("海滨街道工业总产值2025年目标是多少？", ["39.4"]),
    ("塘沽街道商品销售总额2025年要达到多少？", ["12.45"]),
    ("塘沽街道规划新增多少张养老床位？", ["48"]),
    ("静海镇城乡居民可支配收入2025年预计达到多少？", ["46564.7"]),
    ("静海镇招商引资实际到位额2025年的目标是多少？", ["26.8"]),
    ("静海区2021年计划建设多少个5G基站？", ["310"]),
]
SERVER = """
import json, sys, time
from pathlib import Path
from planqa.config import Settings
from planqa import ui
from planqa.rag.service import Assistant
settings = Settings().with_overrides({"data_dir": sys.argv[1], "max_upload_mb": 50})
assistant = Assistant(settings)
ui.launch(settings, host="127.0.0.1", port=int(sys.argv[2]), assistant=assistant, block=False)
go, files, log = Path(sys.argv[3]), sys.argv[4:], Path(sys.argv[3] + ".json")
while not go.exists():
    time.sleep(0.1)
logic, done = ui.AppLogic(assistant), []
for f in files:  # one after another, as a person uploading five files would
    t = time.perf_counter()
    report = logic.upload([f])[0]
    done.append({"file": Path(f).name, "s": round(time.perf_counter() - t, 2), "ok": "已入库" in report})
    log.write_text(json.dumps(done, ensure_ascii=False))
# leave the knowledge base as it was for the next run
assistant.remove([d for d, r in assistant.kb.docs.items() if r.origin.startswith("upload:upload_")])
while True:
    time.sleep(1)
"""


def make_upload(folder: Path, n: int, kb: int) -> Path:
    """A generated plan of about ``kb`` KB, its numbers unlike any other upload's (no duplicates)."""
    lines, size, i = [f"试验{n}镇“十四五”规划", "", "一、主要目标", ""], 0, 0
    while size < kb * 1024:
        i += 1
        line = f"到2025年，试验{n}镇第{i}个重点项目完成投资{n * 1000 + i}万元，新增就业岗位{i % 97 + n}个。"
        lines.append(line)
        size += len(line.encode("utf-8")) + 1
        if i % 40 == 0:
            lines += ["", f"（{i // 40}）第{i // 40}组项目", ""]
    path = folder / f"upload_{n}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"load_app: the server exited with code {proc.returncode}")
        try:
            urllib.request.urlopen(url + "config", timeout=2).read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"load_app: the server did not answer within {limit:.0f} s")


def run_client(url: str, idx: int, n: int, timeout: float, out: list, lock: threading.Lock) -> None:
    from gradio_client import Client

    try:
        client = Client(url, verbose=False)
    except Exception as exc:  # noqa: BLE001 - a failed session is a result, not a crash
        with lock:
            out.extend({"client": idx, "ok": False, "error": f"connect: {exc}"} for _ in range(n))
        return
    for j in range(n):
        question, expect = QUESTIONS[(idx + j) % len(QUESTIONS)]
        t = time.perf_counter()
        try:
            got = client.submit(question, api_name="/ask").result(timeout=timeout)
            ms = (time.perf_counter() - t) * 1000
            missing = [e for e in expect if e not in got.get("answer", "")]
            row = {"client": idx, "question": question, "ms": ms, "ok": not missing and "error" not in got,
                   "chain_ms": got.get("timings_ms", {}).get("total", float("nan")),
                   "error": got.get("error") or (f"missing {missing} in {got.get('answer', '')[:80]!r}" if missing else "")}
        except Exception as exc:  # noqa: BLE001
            row = {"client": idx, "question": question, "ms": (time.perf_counter() - t) * 1000, "ok": False,
                   "error": f"{type(exc).__name__}: {exc}"}
        with lock:
            out.append(row)


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--questions", type=int, default=10, help="questions per client")
    ap.add_argument("--data-dir", default=str(ROOT / "bench" / "_work" / "app_load_kb"))
    ap.add_argument("--request-timeout", type=float, default=60.0)
    ap.add_argument("--run-timeout", type=float, default=600.0)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results_app_load.json"))
    ap.add_argument("--uploads", type=int, default=0, help="uploads taken in during a second round of load")
    ap.add_argument("--upload-kb", type=int, default=1000, help="size of each generated upload")
    args = ap.parse_args(argv)

    work = Path(args.data_dir).parent / "uploads"
    work.mkdir(parents=True, exist_ok=True)
    go = work / "go"
    go.unlink(missing_ok=True)
    Path(str(go) + ".json").unlink(missing_ok=True)
    files = [str(make_upload(work, n, args.upload_kb)) for n in range(1, args.uploads + 1)]
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = subprocess.Popen([sys.executable, "-c", SERVER, args.data_dir, str(port), str(go), *files], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        t0 = time.monotonic()
        wait_ready(url, proc, limit=300)
        print(f"load_app: server ready on {url} in {time.monotonic() - t0:.1f} s")
        result = load_round(url, args)
        if args.uploads:
            go.touch()
            busy = load_round(url, args, until=lambda: len(_uploads(go)) >= args.uploads)
            deadline = time.monotonic() + args.run_timeout
            while len(_uploads(go)) < args.uploads and time.monotonic() < deadline:
                time.sleep(1)
            uploads = _uploads(go)
            result = {"idle": result, "during_uploads": busy, "uploads": uploads, "upload_kb": args.upload_kb,
                      "p95_ratio": round(busy["p95_ms"] / result["p95_ms"], 2) if result["p95_ms"] else None,
                      "errors": result["errors"] + busy["errors"] + sum(not u["ok"] for u in uploads)
                      + args.uploads - len(uploads)}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["server_cpu_s_incl_startup"] = round(children.ru_utime + children.ru_stime, 1)
    result["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    result["when"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, ensure_ascii=False))
    return 0 if result["errors"] == 0 else 1


def _uploads(go: Path) -> list[dict]:
    try:
        return json.loads(Path(str(go) + ".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []


def load_round(url: str, args, until=None) -> dict:
    """One round of ``clients`` × ``questions``; with ``until``, rounds repeat until it holds (uploads done)."""
    rows: list[dict] = []
    lock = threading.Lock()
    start, cpu0 = time.perf_counter(), time.process_time()
    deadline = time.monotonic() + args.run_timeout
    while True:
        threads = [threading.Thread(target=run_client, daemon=True,
                                    args=(url, i, args.questions, args.request_timeout, rows, lock))
                   for i in range(args.clients)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(max(0.0, deadline - time.monotonic()))
        if until is None or until() or time.monotonic() > deadline:
            break
    wall = time.perf_counter() - start
    client_cpu = time.process_time() - cpu0
    with lock:
        rows = list(rows)
    rounds = max(1, round(len(rows) / max(args.clients * args.questions, 1)))
    expected = args.clients * args.questions * rounds
    ok = [r["ms"] for r in rows if r["ok"]]
    errors = [r for r in rows if not r["ok"]]
    result = {
        "clients": args.clients, "questions_per_client": args.questions, "requests": expected,
        "completed": len(rows), "correct": len(ok), "errors": len(errors) + (expected - len(rows)),
        "p50_ms": round(percentile(ok, 50), 1), "p95_ms": round(percentile(ok, 95), 1),
        "max_ms": round(max(ok), 1) if ok else None,
        "chain_p50_ms": round(percentile([r["chain_ms"] for r in rows if r["ok"]], 50), 1),
        "chain_p95_ms": round(percentile([r["chain_ms"] for r in rows if r["ok"]], 95), 1), "mean_ms": round(statistics.fmean(ok), 1) if ok else None,
        "wall_s": round(wall, 2), "throughput_qps": round(len(rows) / wall, 1) if wall else None,
        "client_cpu_s": round(client_cpu, 1),
        "error_samples": [r["error"] for r in errors[:5]],
    }
    return result


if __name__ == "__main__":
    sys.exit(main())
