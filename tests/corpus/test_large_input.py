"""A 50 MB document parses to chunks in a bounded amount of memory (measured in a fresh process)."""
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

SCRIPT = r"""
import resource, sys
from pathlib import Path
from planqa.corpus.document import BUNDLED_DIR, parse_text
from planqa.corpus.loaders import load_file
src = (BUNDLED_DIR / "xinhe_street_14th_plan.txt").read_text("utf-8")
path = Path(sys.argv[1])
with open(path, "w", encoding="utf-8") as fh:
    size = 0
    while size < 50_000_000:
        fh.write(src)
        size += len(src.encode("utf-8"))
pd = parse_text(load_file(path))
rows = sum(1 for c in pd.chunks if c.kind == "table_row")
print(len(pd.chunks), rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def test_fifty_megabytes(tmp_path):
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "big.txt")], capture_output=True,
                         text=True, timeout=300, check=True).stdout.split()
    chunks, rows, peak_mb = map(int, out)
    assert chunks > 50_000 and rows > 1000
    assert peak_mb < 1024, f"peak RSS {peak_mb} MB for a 50 MB file"
