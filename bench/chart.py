"""The benchmark chart: quality side by side, latency and build time against corpus size, memory per chunk.

Matplotlib's Agg canvas without pyplot; ASCII labels only (no CJK font needed).
"""
from __future__ import annotations

from pathlib import Path

INDEX_STYLE = {"flat": ("black", "o"), "hnsw": ("tab:blue", "s"), "ivf": ("tab:green", "^"),
               "ivfpq": ("tab:red", "D")}
_PNG_META = {"Software": None}


def _series(rows: list[dict], index: str, key: str) -> tuple[list[int], list[float]]:
    pts = sorted((r["chunks"], r[key]) for r in rows if r["index"] == index and r.get(key))
    return [p[0] for p in pts], [p[1] for p in pts]


def _quality(ax, systems: dict) -> None:
    keys = ("hit@1", "hit@5", "hit@10", "mrr@10")
    width = 0.38
    for i, (name, color) in enumerate((("planqa", "tab:blue"), ("langchain_default", "tab:gray"))):
        vals = [systems[name].get(k, 0) for k in keys]
        xs = [j + (i - 0.5) * width for j in range(len(keys))]
        ax.bar(xs, vals, width, label=name, color=color)
        for x, v in zip(xs, vals):
            ax.text(x, v + 0.01, f"{v:.2f}", ha="center", fontsize=7)
    ax.set_xticks(range(len(keys)), keys)
    ax.set_ylim(0, 1.1)
    ax.set_title("Dev set retrieval quality (answerable, single-document)", fontsize=9)
    ax.legend(fontsize=8)


def _latency(ax, rows: list[dict]) -> None:
    for index, (color, marker) in INDEX_STYLE.items():
        xs, ys = _series(rows, index, "query_ms_p95")
        if xs:
            ax.plot(xs, ys, marker=marker, color=color, label=f"{index} ANN p95")
    for index, style in (("hnsw", "--"), ("ivf", "-."), ("ivfpq", ":")):
        xs, ys = _series(rows, index, "hybrid_ms_p95")
        if xs:
            ax.plot(xs, ys, linestyle=style, marker="x", color=INDEX_STYLE[index][0], label=f"hybrid p95 ({index})")
    xs, ys = _series(rows, "flat", "bm25_query_ms_p95")
    if xs:
        ax.plot(xs, ys, marker="v", color="tab:purple", label="BM25 top-50 p95")
    ax.axhline(150, color="tab:red", alpha=0.4, linewidth=1)
    ax.text(0.5, 160, "150 ms target (hybrid at 1M)", fontsize=7, color="tab:red", ha="center",
            transform=ax.get_yaxis_transform())
    _log_axes(ax, "ms (one query)", "Query latency p95 vs corpus size")


def _log_axes(ax, ylabel: str, title: str) -> None:
    """Log–log axes over corpus size, as the scale panels share them."""
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("chunks")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=6, loc="upper left")


def _build(ax, rows: list[dict]) -> None:
    for index, (color, marker) in INDEX_STYLE.items():
        xs, ys = _series(rows, index, "build_s")
        if xs:
            ax.plot(xs, ys, marker=marker, color=color, label=f"{index} build")
    xs, ys = _series(rows, "flat", "bm25_build_s")
    if xs:
        ax.plot(xs, ys, marker="v", color="tab:purple", label="BM25 build")
    _log_axes(ax, "seconds", "Index build time vs corpus size")


def _memory(ax, memory: list[dict]) -> None:
    short = {"float32 vectors kept by VectorIndex": "float32 copy", "BM25 matrices (bm25s CSC)": "BM25 CSC",
             "chunk records + token lists as KnowledgeBase.open loads them (one str per token)": "rows+tokens (loaded)",
             "token lists, token strings shared (as built in the scale series)": "token lists (shared str)"}
    labels = [short.get(m["structure"], m["structure"].replace("faiss ", "").replace(" structure", ""))
              for m in memory]
    vals = [m["bytes_per_chunk"] for m in memory]
    ax.barh(range(len(vals)), vals, color="tab:gray")
    ax.set_yticks(range(len(vals)), labels, fontsize=7)
    ax.set_xscale("log")
    ax.axvline(1536, color="tab:red", alpha=0.5, linewidth=1)
    for i, v in enumerate(vals):
        ax.text(v, i, f" {v:,}", va="center", fontsize=7)
    ax.set_xlabel("bytes per chunk (log); red line 1.5 KB")
    ax.set_title("Memory per chunk by structure (largest size run)", fontsize=9)


def draw(path: Path, systems: dict, rows: list[dict], memory: list[dict]) -> Path:
    """Write the four-panel PNG to ``path``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 8.5), dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 2)
    _quality(axes[0][0], systems)
    _memory(axes[0][1], memory)
    _latency(axes[1][0], rows)
    _build(axes[1][1], rows)
    for ax in (axes[1][0], axes[1][1]):
        ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    fig.savefig(path, format="png", metadata=_PNG_META)
    return path
