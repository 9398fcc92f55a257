"""PNG charts for evaluation reports, drawn with matplotlib's Agg canvas (no pyplot, no global state).

Titles and axis labels are Chinese when a CJK font is installed (``fonts-noto-cjk`` and
the like) and English otherwise, so a machine without one never draws empty boxes.
Nothing here computes a metric.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from planqa.eval.questions import TYPE_NAMES

HIT_KS = (1, 3, 5, 10)
# PNG metadata is otherwise "Software: matplotlib version …"; leaving it out keeps files byte-stable
_PNG_META = {"Software": None}


METRIC_NAMES = {"hit@1": "hit@1", "hit@5": "hit@5", "mrr@10": "MRR@10", "char_f1": "字符 F1",
                "numbers_present": "数字命中率", "citation_precision": "引用精确率",
                "refusal_correct": "无答案题拒答率"}
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei",
             "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "SimHei")
_STAGES = {"retrieve": "检索", "answer": "回答", "total": "总计"}


_CJK_FILES = ("notosanscjk", "notoserifcjk", "sourcehansans", "wqy-microhei", "wqy-zenhei", "msyh", "simhei")


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed font of ``CJK_FONTS`` (None when there is none).

    A font installed after matplotlib built its font cache is found among the system's
    font files and registered.
    """
    from matplotlib import font_manager

    manager = font_manager.fontManager
    names = {f.name for f in manager.ttflist}
    known = next((name for name in CJK_FONTS if name in names), None)
    if known:
        return known
    for path in sorted(font_manager.findSystemFonts()):
        file = Path(path).name.lower()
        if any(k in file for k in _CJK_FILES) and "bold" not in file:
            try:
                manager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):
                continue
    return None


def label(zh: str, en: str) -> str:
    """``zh`` when charts can draw Chinese, else ``en``."""
    return zh if cjk_font() else en


def type_name(qtype: str) -> str:
    """A question type as charts show it: 数字题 for ``number`` (the type itself without a CJK font)."""
    return label(TYPE_NAMES[qtype], qtype) if qtype in TYPE_NAMES else qtype


def metric_name(key: str) -> str:
    """A metric as charts show it: 字符 F1 for ``char_f1`` (the key itself without a CJK font)."""
    return label(METRIC_NAMES[key], key) if key in METRIC_NAMES else key


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path: Path) -> Path:
    font = cjk_font()
    if font:  # set on the figure's own texts, not in matplotlib's global settings
        from matplotlib.text import Text

        for text in fig.findobj(Text):
            text.set_fontfamily([font, "DejaVu Sans"])
    fig.tight_layout()
    fig.savefig(path, format="png", metadata=_PNG_META)
    return path


def hit_curve(path: Path, metrics: Mapping[str, float], types: Sequence[str]) -> Path:
    """hit@k for k in 1, 3, 5, 10: overall (thick) and per answerable question type."""
    fig = _figure(6.5, 4.2)
    ax = fig.add_subplot()
    series = [(label("全部", "all"), "")] + [(type_name(t), f"type={t}/") for t in types]
    styles = ("--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)))
    markers = "sD^vP"
    for i, (name, prefix) in enumerate(series):
        ys = [metrics.get(f"{prefix}hit@{k}") for k in HIT_KS]
        if any(y is None for y in ys):
            continue
        if prefix == "":
            ax.plot(HIT_KS, ys, marker="o", linewidth=3, color="black", label=name, zorder=3)
        else:  # distinct dashes and markers keep types with equal values visible
            ax.plot(HIT_KS, ys, marker=markers[(i - 1) % len(markers)], linewidth=1.4,
                    linestyle=styles[(i - 1) % len(styles)], label=name)
    ax.set_xticks(HIT_KS, [f"@{k}" for k in HIT_KS])
    ax.set_ylim(0, 1.05)
    ax.set_xlabel(label("k（检索段落数）", "k (passages)"))
    ax.set_ylabel("hit@k")
    ax.set_title(label("检索：前 k 个段落含相关段落的可回答问题占比",
                       "Retrieval: share of answerable questions with a relevant passage in top k"))
    ax.title.set_fontsize(9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return _save(fig, path)


def grouped_bars(path: Path, groups: Sequence[str], series: Mapping[str, Sequence[float | None]],
                 title: str, ylim: tuple[float, float] | None = (0, 1.05)) -> Path:
    """Bars per group (x axis), one coloured bar per series; None values are left out."""
    # no wider than 3:2, the gallery's cell: a wider figure shrinks there until its text is unreadable
    fig = _figure(min(6.8, max(6.0, 0.35 * len(groups) * max(1, len(series)) + 2)), 4.6)
    ax = fig.add_subplot()
    n = max(1, len(series))
    width = 0.8 / n
    for j, (name, values) in enumerate(series.items()):
        xs = [i - 0.4 + width * (j + 0.5) for i, v in enumerate(values) if v is not None]
        ys = [v for v in values if v is not None]
        ax.bar(xs, ys, width=width, label=name)
    ax.set_xticks(range(len(groups)), list(groups), rotation=20 if len(groups) > 4 else 0, ha="right"
                  if len(groups) > 4 else "center", fontsize=8)
    if ylim:
        ax.set_ylim(*ylim)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, ncol=min(n, 3), loc="upper center", bbox_to_anchor=(0.5, -0.18))
    return _save(fig, path)


def latency_histograms(path: Path, stage_values: Mapping[str, Sequence[float]]) -> Path:
    """One histogram of per-question milliseconds per stage (retrieve, answer, total …)."""
    stages = [s for s, v in stage_values.items() if v]
    # two columns keep the figure near the gallery's 3:2 cells; one wide row would shrink to a strip
    cols = min(2, max(1, len(stages)))
    rows = -(-max(1, len(stages)) // cols)
    fig = _figure(6.5, 2.3 * rows + 0.4)
    for i, stage in enumerate(stages, 1):
        ax = fig.add_subplot(rows, cols, i)
        values = sorted(max(v, 0.01) for v in stage_values[stage])
        n_bins = min(30, max(5, len(values) // 4))
        spread = values[-1] / values[0] > 20  # a slow first call (lazy loading) would squash the rest
        bins = np.geomspace(values[0], values[-1] * 1.0001, n_bins + 1) if spread else n_bins
        ax.hist(values, bins=bins, color="tab:blue", alpha=0.8)
        if spread:
            ax.set_xscale("log")
        ax.set_title(label(f"{_STAGES.get(stage, stage)}（毫秒）", f"{stage} (ms)"), fontsize=10)
        ax.set_xlabel(label("毫秒" + ("（对数刻度）" if spread else ""), "milliseconds" + (" (log scale)" if spread else "")),
                      fontsize=8)
        ax.set_ylabel(label("问题数", "questions"), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    if not stages:
        fig.add_subplot().text(0.5, 0.5, label("没有耗时数据", "no timings"), ha="center", va="center")
    return _save(fig, path)
