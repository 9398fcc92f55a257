"""The 评测 (evaluation) and 简报 (briefing) tabs of the app.

Both call the same functions as ``planqa eval`` and ``planqa brief``; files they
produce go to a fresh temporary directory per run, never to user-named paths.
"""
from __future__ import annotations

import json
import logging
import re
import tempfile
import time
from pathlib import Path

import gradio as gr

from planqa.config import ConfigError
from planqa.ui.zh import toast_text
from planqa.ui_brief_render import BRIEF_CSS, empty_preview, outline_html
from planqa.ui_render import PANEL_CSS, strip_paths

log = logging.getLogger(__name__)

EVAL_KEYS = [("hit@1", "检索 hit@1"), ("hit@5", "检索 hit@5"), ("mrr@10", "MRR@10"),
             ("all_docs@10", "跨文档全部命中@10"), ("numbers_present", "数字命中率"), ("list_recall", "列表召回"),
             ("citation_precision", "引用精确率"), ("refusal_correct", "无答案题拒答率"),
             ("false_refusal", "误拒答率"), ("answer_chars_median", "回答长度中位数"),
             ("latency_ms/total/p50", "耗时 p50（毫秒）"), ("latency_ms/total/p95", "耗时 p95（毫秒）")]


def user_error(message: str, title: str) -> gr.Error:
    """A toast for a mistake in the user's input: logged in one line, without a traceback."""
    log.info("%s：%s", title, message.splitlines()[0] if message else "")
    return gr.Error(toast_text(title, message), title=title, print_exception=False)


def run_eval(assistant, upload, progress=gr.Progress()):
    """Evaluate the bundled dev set or an uploaded question file; metrics rows, charts, worst questions."""
    from planqa.eval.questions import QuestionFileError, bundled_questions_path, load_questions
    from planqa.eval.report import write_report
    from planqa.eval.runner import evaluate

    path = Path(upload) if upload else bundled_questions_path()
    try:
        questions = load_questions(path, assistant.kb.source_texts())
    except QuestionFileError as exc:
        shown = "\n".join(strip_paths(p) for p in exc.problems[:20])
        raise user_error(f"问题文件 {path.name} 有 {len(exc.problems)} 处错误：\n{shown}", "评测") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "不是 UTF-8 文本"
        raise user_error(f"无法读取问题文件 {path.name}：{reason}", "评测") from None
    if not questions:
        raise user_error(f"问题文件 {path.name} 里没有问题", "评测")
    progress(0, desc="评测中…")
    metrics, predictions = evaluate(assistant, questions,
                                    progress=lambda done, total: progress(done / total, desc=f"评测 {done}/{total}"))
    out = Path(tempfile.mkdtemp(prefix="planqa-eval-"))
    paths = write_report(out, metrics, predictions, questions, config_label=path.name)
    rows = [[label, metrics[key]] for key, label in EVAL_KEYS if key in metrics]
    report = paths["report"].read_text(encoding="utf-8")
    worst = report[report.index("## 最差问题"):] if "## 最差问题" in report else "没有失败的问题。"
    charts = [str(paths[k]) for k in ("hit_curve", "by_type", "latency") if k in paths]
    files = [str(paths["metrics"]), str(paths["predictions"]), str(paths["report"])]
    return rows, charts, worst, files


def eval_tab(assistant) -> None:
    with gr.Tab("评测", id="eval"):
        gr.Markdown("用一组带标准答案的问题检验问答质量。默认使用内置开发集；也可以上传 JSONL 问题文件"
                    "（字段：id、question、answer、doc、evidence、type，见 README）。")
        with gr.Row():
            upload = gr.File(label="问题文件（.jsonl，可选）", file_types=[".jsonl"], elem_id="pq-eval-file")
            run_btn = gr.Button("开始评测", variant="primary")
        table = gr.Dataframe(headers=["指标", "值"], label="评测结果", interactive=False)
        charts = gr.Gallery(label="图表", columns=3, height=340, object_fit="contain", elem_id="pq-eval-charts")
        files = gr.File(label="下载 metrics.json / predictions.jsonl / report.md", file_count="multiple")
        worst = gr.Markdown()
        run_btn.click(lambda f, progress=gr.Progress(): run_eval(assistant, f, progress), upload,
                      [table, charts, worst, files], concurrency_limit=1, concurrency_id="eval",
                      api_visibility="private")


def brief_file_stem(topic: str, day: str, kind: str = "简报") -> str:
    """A download's name: what it is, its topic and the date, safe on every file system.

    >>> brief_file_stem("养老服务/就业：2025?", "20261202")
    '简报-养老服务-就业-2025-20261202'
    >>> brief_file_stem("  ", "20261202", kind="指标对比")
    '指标对比-未命名-20261202'
    """
    safe = re.sub(r'[\\/:*?"<>|：？\s]+', "-", topic).strip("-.")[:40] or "未命名"
    return f"{kind}-{safe}-{day}"


def _out_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def run_brief(assistant, topic, places, progress=gr.Progress()):
    """Build a briefing; the HTML preview and the .md and .docx files."""
    from planqa.rag.briefing import build_briefing
    from planqa.rag.briefing_render import briefing_docx, briefing_markdown, outline

    topic = (topic or "").strip()
    progress(0.1, desc="检索各地文件…")
    try:
        briefing = build_briefing(assistant, topic, places=list(places or []) or None)
    except (ValueError, ConfigError) as exc:
        raise user_error(strip_paths(str(exc)), "简报") from None
    progress(0.8, desc="生成简报…")
    stem = brief_file_stem(briefing.topic, time.strftime("%Y%m%d"))
    out = _out_dir("planqa-brief-")
    md, docx = out / f"{stem}.md", out / f"{stem}.docx"
    md.write_text(briefing_markdown(briefing), encoding="utf-8")
    briefing_docx(briefing, docx)
    blocks, notes = outline(briefing)
    return outline_html(blocks, notes.texts), [str(md), str(docx)]


def run_compare(assistant, subject, places):
    """Compare one indicator across places; the HTML preview, the rows as JSON, and the .md and .xlsx files."""
    from planqa.rag.briefing import compare
    from planqa.rag.briefing_render import compare_outline, to_markdown
    from planqa.rag.comparison_xlsx import compare_xlsx

    try:
        rows = compare(assistant, (subject or "").strip(), places=list(places or []) or None)
    except ValueError as exc:
        raise user_error(strip_paths(str(exc)), "指标对比") from None
    subject = (subject or "").strip()
    stem = brief_file_stem(subject, time.strftime("%Y%m%d"), kind="指标对比")
    out = _out_dir("planqa-compare-")
    md, xlsx = out / f"{stem}.md", out / f"{stem}.xlsx"
    blocks, notes = compare_outline(rows, subject)
    md.write_text(to_markdown(blocks, notes), encoding="utf-8")
    compare_xlsx(rows, xlsx, subject)
    return outline_html(blocks, notes.texts), json.dumps(rows, ensure_ascii=False, indent=1), [str(md), str(xlsx)]


def brief_tab(assistant) -> None:
    with gr.Tab("简报", id="brief"):
        gr.Markdown("就一个主题汇总各地的目标、举措和项目，每句话都有脚注出处；文件没有提到的写“未提及”。"
                    "简报可下载为 Markdown 和 Word（公文版式，脚注标明出处），指标对比表可下载为 Markdown 和 Excel。")
        with gr.Row():
            topic = gr.Textbox(label="主题或指标", placeholder="例如：养老服务、就业、商品销售总额", scale=3)
            places = gr.Dropdown(label="地区（不选即全部）", multiselect=True, allow_custom_value=True,
                                 choices=[], scale=3)
        with gr.Row():
            brief_btn = gr.Button("生成简报", variant="primary")
            compare_btn = gr.Button("指标对比表")
        preview = gr.HTML(empty_preview(), elem_id="pq-brief", css_template=BRIEF_CSS + PANEL_CSS)
        files = gr.File(label="下载（简报：Markdown / Word；指标对比表：Markdown / Excel）", file_count="multiple",
                        elem_id="pq-brief-files", interactive=False)
        with gr.Accordion("对比结果 JSON", open=False):
            rows_json = gr.Code(language="json")
        # the places come from the knowledge base, which may change while the page is open
        places.focus(lambda: gr.Dropdown(choices=sorted({r.meta.place for r in assistant.kb.docs.values()
                                                        if r.meta.place})), None, places, api_visibility="private")
        brief_btn.click(lambda t, p, progress=gr.Progress(): run_brief(assistant, t, p, progress), [topic, places],
                        [preview, files], concurrency_limit=2, concurrency_id="brief", api_visibility="private")
        compare_btn.click(lambda t, p: run_compare(assistant, t, p), [topic, places], [preview, rows_json, files],
                          concurrency_limit=2, concurrency_id="brief", api_visibility="private")
