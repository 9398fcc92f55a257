# planqa — setup / run / test / bench. Every target sets up what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.planqa-setup
TORCH  := torch==2.13.0

.PHONY: setup run test bench bench-milvus index clean browser

setup: $(STAMP)

# torch goes in first, pinned: the CPU wheel; an unpinned torch would pull a CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

index: setup
	$(BIN)/planqa ingest --if-missing

run: index
	$(BIN)/planqa serve

# Chromium and a CJK font from Debian for the browser tests (Playwright's own browser download is not used).
browser:
	@if command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	    || echo "chromium could not be installed: browser tests will be skipped"; \
	else echo "chromium missing and not root: browser tests will be skipped"; fi

test: setup browser
	$(BIN)/python -m pytest -q

QUICK ?=
bench: setup
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python -m bench.run $(if $(QUICK),--quick,)

# Milvus Lite beside the local store on synthetic chunks: bench/milvus_scale.json and bench/MILVUS.md
MILVUS_SIZES ?= 10000,100000
bench-milvus: setup
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	nice -n 10 $(BIN)/python -m bench.milvus_scale bench/milvus_scale.json --sizes $(MILVUS_SIZES) --queries 60 --fusion client,engine

clean:
	rm -rf $(VENV) .planqa build *.egg-info
