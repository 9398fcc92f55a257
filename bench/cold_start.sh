#!/usr/bin/env bash
# Cold start, by hand: fresh clone -> make setup -> index build -> first cited answer, each step timed.
# Usage: bash bench/cold_start.sh [CLONE_DIR]   (default /tmp/planqa-coldclone; it is deleted first)
# Writes bench/cold_start.json, which `python -m bench.run` puts into REPORT.md.
# The clone holds the last commit, not uncommitted work. The existing .venv is not touched.
set -euo pipefail

SRC="$(cd "$(dirname "$0")/.." && pwd)"
DEST="${1:-/tmp/planqa-coldclone}"
QUESTION="${COLD_START_QUESTION:-新河街道“十四五”规划里，商品销售总额累计到2025年要达到多少？}"
OUT="$SRC/bench/cold_start.json"
PY="${PYTHON:-python3}"
STEPS=()

now() { "$PY" -c 'import time; print(time.time())'; }

step() {  # step NAME COMMAND...: run it, record wall seconds
  local name="$1"; shift
  local t0 t1
  t0="$(now)"
  echo "== $name: $*" >&2
  "$@"
  t1="$(now)"
  STEPS+=("$name=$("$PY" -c "print(round($t1 - $t0, 2))")")
}

rm -rf "$DEST"
step "git clone" git clone --quiet "$SRC" "$DEST"
cd "$DEST"
step "make setup (venv + pip install, local wheel cache)" make setup PYTHON="$PY"
step "index build (make index = planqa ingest --if-missing)" make index
step "first answer (planqa ask, fresh process)" .venv/bin/planqa ask "$QUESTION"
step "second answer (planqa ask, fresh process, index on disk)" .venv/bin/planqa ask "$QUESTION"

COMMIT="$(git -C "$DEST" rev-parse --short HEAD)"
"$PY" - "$OUT" "$COMMIT" "${STEPS[@]}" <<'EOF'
import json, sys, time
out, commit, *pairs = sys.argv[1:]
steps = [{"step": name, "seconds": float(sec)} for name, sec in (p.rsplit("=", 1) for p in pairs)]
first = [s for s in steps if not s["step"].startswith("second")]
doc = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "commit": commit, "steps": steps,
       "total_s": round(sum(s["seconds"] for s in first), 1),
       "note": "Total = clone + setup + index + first answer (the second answer shows the warm-disk start of "
               "one CLI process). pip resolved packages from this machine's local wheel directories (pip.conf "
               "find-links / file:// indexes, torch CPU wheel included) and its pip cache; a first setup that "
               "downloads everything from PyPI takes longer. "
               "`make run` serves the web app after `make index`; `planqa ask` stands in for its first answer."}
with open(out, "w", encoding="utf-8") as fh:
    json.dump(doc, fh, ensure_ascii=False, indent=1)
    fh.write("\n")
print(json.dumps(doc, ensure_ascii=False, indent=1))
EOF
