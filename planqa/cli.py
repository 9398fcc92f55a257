"""The ``planqa`` command line: argument parsing and printing only.

Heavy modules (torch, faiss, gradio) are imported inside the command that
needs them, so ``planqa --help`` stays fast.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable

from planqa.config import ConfigError, Settings, load_settings

COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {}


class UserError(Exception):
    """A mistake the user can fix; printed as ``planqa: message`` with exit code 2."""


def command(name: str):
    def register(fn):
        COMMANDS[name] = fn
        return fn
    return register


def _settings_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("settings (override planqa.toml and PLANQA_* variables)")
    g.add_argument("--config", metavar="FILE", help="config file (default ./planqa.toml)")
    g.add_argument("--data-dir", dest="data_dir", metavar="DIR", help="knowledge base directory")
    g.add_argument("--embedder", help="embedding backend: e5 | use-multilingual | sentence-transformers")
    g.add_argument("--embedding-model", dest="embedding_model", metavar="ID_OR_PATH",
                   help="sentence-transformers model id or local path")
    g.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="any other setting (see planqa config), repeatable")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planqa",
        description="Cited answers, comparisons and briefings over Chinese policy documents.")
    sub = parser.add_subparsers(dest="cmd", metavar="COMMAND")

    p = sub.add_parser("config", help="print the effective settings and where each comes from")
    _settings_flags(p)

    p = sub.add_parser("chunks", help="parse documents and print their chunks")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: bundled corpus)")
    p.add_argument("--json", action="store_true", help="one JSON object per chunk per line")
    p.add_argument("--tables", action="store_true", help="only rebuilt table rows")
    _settings_flags(p)

    p = sub.add_parser("ingest", help="add documents to the knowledge base (default: bundled corpus)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders")
    p.add_argument("--rebuild", action="store_true", help="discard the index and rebuild it")
    p.add_argument("--if-missing", action="store_true", help="only build when no index exists yet")
    p.add_argument("--allow-duplicates", action="store_true",
                   help="also take in files whose content is already stored under another name")
    _settings_flags(p)

    p = sub.add_parser("recover", help="rebuild a lost or damaged manifest from the knowledge base's own records")
    _settings_flags(p)

    p = sub.add_parser("docs", help="list the documents in the knowledge base")
    p.add_argument("--json", action="store_true")
    _settings_flags(p)

    p = sub.add_parser("remove", help="remove a document from the knowledge base")
    p.add_argument("docs", nargs="+", metavar="DOC", help="doc id or file name (see planqa docs)")
    _settings_flags(p)

    p = sub.add_parser("ask", help="answer a question with cited passages")
    p.add_argument("question", nargs="?", help="the question (or use --questions)")
    p.add_argument("--questions", metavar="FILE.jsonl", help="answer every line (fields id, question)")
    p.add_argument("--top-k", dest="top_k", type=int, help="passages to retrieve")
    p.add_argument("--doc", action="append", default=[], metavar="DOC", help="only this document (repeatable)")
    p.add_argument("--place", action="append", default=[], metavar="PLACE", help="only this place (repeatable)")
    p.add_argument("--type", dest="doc_type", action="append", default=[], metavar="TYPE",
                   help="only this document type, e.g. 五年规划纲要")
    p.add_argument("--mode", dest="retrieval_mode", choices=["hybrid", "bm25", "dense"])
    p.add_argument("--llm", metavar="MODEL", help="answer with this model at llm_base_url")
    p.add_argument("--json", action="store_true", help="one JSON object per question per line")
    _settings_flags(p)

    p = sub.add_parser("compare", help="one indicator or topic across places, each cell cited")
    p.add_argument("subject", help="indicator or topic, e.g. 商品销售总额")
    p.add_argument("--places", nargs="+", metavar="PLACE", help="places, aliases or documents (default: all)")
    p.add_argument("--json", action="store_true", help="rows as JSON")
    p.add_argument("--xlsx", metavar="FILE.xlsx", help="also write an Excel table (numbers as numbers, each row cited)")
    _settings_flags(p)

    p = sub.add_parser("brief", help="a cited briefing on a topic across places (Markdown, DOCX)")
    p.add_argument("topic", help="topic, e.g. 养老服务")
    p.add_argument("--places", nargs="+", metavar="PLACE", help="places, aliases or documents (default: all)")
    p.add_argument("--out", metavar="FILE.md", help="write Markdown here (default: print it)")
    p.add_argument("--docx", metavar="FILE.docx", help="also write a Word document")
    _settings_flags(p)

    p = sub.add_parser("serve", help="start the web app (default http://127.0.0.1:7860)")
    p.add_argument("--host", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 7860, or $GRADIO_SERVER_PORT)")
    _settings_flags(p)

    p = sub.add_parser("eval", help="evaluate against a question file; writes metrics, predictions, report")
    p.add_argument("--questions", metavar="FILE.jsonl", help="question file (default: the bundled dev set)")
    p.add_argument("--out", metavar="DIR", default="eval-out", help="output directory (default eval-out)")
    p.add_argument("--compare", metavar="CONFIG,...",
                   help="run several configurations side by side: a preset (bm25, dense, hybrid, "
                        "hybrid+rerank, chunk=200, chunk=400, e5, e5+dense, use, use+dense) or key=value;key=value")
    _settings_flags(p)
    return parser


def parse_overrides(args: argparse.Namespace) -> dict:
    """Settings given on the command line, as a dict for ``load_settings``."""
    values = {k: getattr(args, k, None) for k in ("data_dir", "embedder", "embedding_model", "top_k",
                                                  "retrieval_mode", "answerer")}
    llm = getattr(args, "llm", None)
    if llm:
        values["answerer"] = "llm"
        values["llm_model"] = llm
    for item in getattr(args, "set", []) or []:
        if "=" not in item:
            raise UserError(f"--set {item!r}: expected KEY=VALUE")
        key, value = item.split("=", 1)
        values[key.strip().replace("-", "_")] = value.strip()
    return {k: v for k, v in values.items() if v is not None}


@command("config")
def cmd_config(args, settings: Settings) -> int:
    width = max(len(name) for name, _, _ in settings.as_rows())
    for name, value, source in settings.as_rows():
        print(f"{name:<{width}}  {value!r:<28}  ({source})")
    return 0


@command("chunks")
def cmd_chunks(args, settings: Settings) -> int:
    from planqa.corpus.document import bundled_paths, parse_paths

    parsed, errors = parse_paths(args.paths or bundled_paths(), settings.chunk_size, settings.chunk_min)
    for err in errors:
        print(f"planqa: 跳过 {err}", file=sys.stderr)
    for pd in parsed:
        for c in pd.chunks:
            if args.tables and c.kind != "table_row":
                continue
            if args.json:
                print(json.dumps(c.to_dict(), ensure_ascii=False))
            else:
                print(f"[{c.source} 第{c.start_line}–{c.end_line}行] {c.heading_path() or '（无标题）'}  <{c.kind}>")
                print("    " + " ".join(c.text.split()))
    return 1 if errors and not parsed else 0


def _progress(msg: str) -> None:
    print(f"  {msg}", file=sys.stderr, flush=True)


def _assistant(settings: Settings):
    from planqa.rag.service import Assistant

    return Assistant(settings)


@command("ingest")
def cmd_ingest(args, settings: Settings) -> int:
    from planqa.corpus.document import bundled_paths
    from planqa.rag.knowledge_base import KnowledgeBaseError

    assistant = _assistant(settings)
    if args.if_missing and assistant.has_index() and not args.rebuild:
        try:
            kb = assistant.kb
        except KnowledgeBaseError as exc:
            raise UserError(str(exc)) from None
        print(f"知识库已存在：{len(kb.docs)} 个文档、{len(kb.chunks)} 个片段（{settings.data_path / 'kb'}）")
        return 0
    paths = args.paths or bundled_paths()
    try:
        report = assistant.ingest(paths, rebuild=args.rebuild, progress=_progress,
                                  allow_duplicates=args.allow_duplicates)
    except KnowledgeBaseError as exc:
        raise UserError(str(exc)) from None
    for line in report.lines():
        print(line)
    return 1 if report.skipped and not (report.added or report.replaced or report.unchanged) else 0


@command("recover")
def cmd_recover(args, settings: Settings) -> int:
    from planqa.rag.kb_recover import recover_manifest
    from planqa.rag.knowledge_base import KnowledgeBaseError, kb_dir

    try:
        n = recover_manifest(settings)
    except KnowledgeBaseError as exc:
        raise UserError(str(exc)) from None
    print(f"已重建清单：{n} 个文档（{kb_dir(settings) / 'manifest.json'}）")
    return 0


@command("docs")
def cmd_docs(args, settings: Settings) -> int:
    from planqa.rag.knowledge_base import KnowledgeBaseError

    try:
        kb = _assistant(settings).kb
    except KnowledgeBaseError as exc:
        raise UserError(str(exc)) from None
    stale = set(kb.stale_sources())
    for rec in sorted(kb.docs.values(), key=lambda r: r.doc_id):
        m = rec.meta
        if args.json:
            print(json.dumps({**rec.to_dict(), "stale": rec.source in stale}, ensure_ascii=False))
            continue
        flag = "  [源文件已改动: planqa ingest 更新]" if rec.source in stale else ""
        within = "".join(u for u in (m.province, m.city, m.county) if u and not m.place.endswith(u))
        place = f"{m.place}（{within}）" if within and not m.place.startswith(within) else m.place
        issued = " · ".join(x for x in (m.issuer, m.doc_number) if x)
        print(f"{rec.doc_id}  （{rec.source}）\n    {m.title}\n    {place} · {m.level} · {m.doc_type} · {m.period} · "
              f"{m.date or '日期未注明'} · {rec.chunks} 个片段 · {rec.tables} 张表{flag}"
              + (f"\n    {issued}" if issued else ""))
    return 0


@command("remove")
def cmd_remove(args, settings: Settings) -> int:
    from planqa.rag.knowledge_base import KnowledgeBaseError

    try:
        removed = _assistant(settings).remove(args.docs)
    except KnowledgeBaseError as exc:
        raise UserError(str(exc)) from None
    print("已删除：" + "、".join(removed))
    return 0


def _read_question_file(path: str) -> list[tuple[str, str]]:
    out = []
    try:
        with open(path, encoding="utf-8-sig") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                try:
                    obj = json.loads(line)
                    out.append((str(obj.get("id", n)), obj["question"]))
                except (ValueError, KeyError, TypeError, AttributeError):
                    raise UserError(f"{path}:{n}: 需要 JSON 对象，含 question 字段") from None
    except OSError as exc:
        raise UserError(f"找不到或无法读取问题文件 {path}（{exc.strerror}）") from None
    except UnicodeDecodeError:
        raise UserError(f"问题文件 {path} 不是 UTF-8 编码：请另存为 UTF-8 后重试") from None
    return out


@command("ask")
def cmd_ask(args, settings: Settings) -> int:
    from planqa.rag.chain import QuestionError
    from planqa.rag.knowledge_base import KnowledgeBaseError
    from planqa.rag.retrievers import Filters
    from planqa.rag.serialize import answer_to_json, answer_to_text

    if bool(args.question) == bool(args.questions):
        raise UserError("ask: give one question, or --questions FILE.jsonl")
    items = _read_question_file(args.questions) if args.questions else [(None, args.question)]
    assistant = _assistant(settings)
    try:
        stale = assistant.kb.stale_sources()
        docs = tuple(assistant.kb.resolve(args.doc))
    except KnowledgeBaseError as exc:
        raise UserError(str(exc)) from None
    filters = Filters(docs, tuple(args.place), tuple(args.doc_type))
    if stale:
        print(f"planqa: 注意：源文件在入库后已改动：{'、'.join(stale)}（运行 planqa ingest 更新知识库）",
              file=sys.stderr)
    failures = 0
    for qid, question in items:
        try:
            answer = assistant.ask(question, filters or None)
        except QuestionError as exc:
            if not args.questions:
                raise UserError(str(exc)) from None
            failures += 1
            print(json.dumps({"id": qid, "question": question, "error": str(exc)}, ensure_ascii=False)
                  if args.json else f"[{qid}] planqa: {exc}")
            continue
        except KnowledgeBaseError as exc:
            raise UserError(str(exc)) from None
        if args.json:
            print(json.dumps(answer_to_json(answer, qid), ensure_ascii=False), flush=True)
        else:
            if args.questions:
                print(f"[{qid}] {question}")
            print(answer_to_text(answer) + ("\n" if args.questions else ""), flush=True)
    return 1 if failures and failures == len(items) else 0


@command("compare")
def cmd_compare(args, settings: Settings) -> int:
    from planqa.rag.briefing import compare
    from planqa.rag.briefing_render import compare_markdown

    rows = _across_places(compare, settings, args.subject, args.places)
    print(json.dumps(rows, ensure_ascii=False, indent=1) if args.json else compare_markdown(rows, args.subject))
    if args.xlsx:
        from planqa.rag.comparison_xlsx import compare_xlsx

        _write(args.xlsx, lambda path: compare_xlsx(rows, path, args.subject), quiet_stdout=args.json)
    return 0


@command("brief")
def cmd_brief(args, settings: Settings) -> int:
    from planqa.rag.briefing import build_briefing
    from planqa.rag.briefing_render import briefing_docx, briefing_markdown

    briefing = _across_places(build_briefing, settings, args.topic, args.places)
    text = briefing_markdown(briefing)
    if args.out:
        _write(args.out, lambda path: Path(path).write_text(text, encoding="utf-8"))
    else:
        print(text)
    if args.docx:
        _write(args.docx, lambda path: briefing_docx(briefing, path))
    return 0


def _across_places(fn, settings: Settings, subject: str, places):
    """Run a compare/briefing function, turning its input and knowledge-base errors into user errors."""
    from planqa.rag.knowledge_base import KnowledgeBaseError

    try:
        return fn(_assistant(settings), subject, places=places or None)
    except (ValueError, KnowledgeBaseError) as exc:
        raise UserError(str(exc)) from None


def _write(path: str, write, quiet_stdout: bool = False) -> None:
    """Write a file, a user error when it cannot be; ``quiet_stdout``: report on stderr (stdout holds JSON)."""
    try:
        write(path)
    except OSError as exc:
        raise UserError(f"无法写入 {path}（{exc.strerror}）") from None
    print(f"已写入 {path}", file=sys.stderr if quiet_stdout else sys.stdout)


@command("serve")
def cmd_serve(args, settings: Settings) -> int:
    from planqa.rag.knowledge_base import KnowledgeBaseError
    from planqa.ui import launch

    try:
        launch(settings, host=args.host, port=args.port)
    except KnowledgeBaseError as exc:
        raise UserError(str(exc)) from None
    return 0


@command("eval")
def cmd_eval(args, settings: Settings) -> int:
    from planqa.eval.progress import bar, config_bars
    from planqa.eval.questions import QuestionFileError, bundled_questions_path, load_questions
    from planqa.rag.knowledge_base import KnowledgeBaseError

    assistant = _assistant(settings)
    path = args.questions or str(bundled_questions_path())
    try:
        texts = assistant.kb.source_texts()
        questions = load_questions(path, texts)
    except (QuestionFileError, KnowledgeBaseError) as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"找不到或无法读取问题文件 {path}（{exc.strerror}）") from None
    if args.compare:
        from planqa.eval.compare import run_compare, write_compare_report

        configs = [c.strip() for c in args.compare.split(",") if c.strip()]
        with config_bars() as progress:
            results = run_compare(settings, questions, configs, progress=progress)
        paths = write_compare_report(args.out, results)
        print(open(paths["markdown"], encoding="utf-8").read())
        print(f"已写入 {args.out}/：compare.json compare.md compare.png")
        return 0
    from planqa.eval.report import write_report
    from planqa.eval.runner import evaluate

    with bar(len(questions), "eval") as progress:
        metrics, predictions = evaluate(assistant, questions, progress=progress)
    write_report(args.out, metrics, predictions, questions)
    keys = ("hit@1", "hit@5", "mrr@10", "numbers_present", "list_recall", "citation_precision",
            "refusal_correct", "false_refusal", "answer_chars_median")
    for key in keys:
        if key in metrics:
            print(f"{key:<22}{metrics[key]}")
    _print_recorded(args.out)
    print(f"已写入 {args.out}/：metrics.json predictions.jsonl report.md recorded.json 和图表")
    return 0


def _print_recorded(out: str) -> None:
    """Beside this run's figures, the ones recorded where no run can recompute them honestly: the answer
    confidence's leave-one-document-out figures on the dev set (from its model file) and the blind set's scores."""
    import json
    from pathlib import Path

    from planqa.eval.questions import recorded_blind_scores
    from planqa.rag.chain import load_confidence

    cv, blind = load_confidence().cv, recorded_blind_scores()
    Path(out, "recorded.json").write_text(json.dumps({"dev_leave_one_document_out": cv, "blind": blind},
                                                     ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    keys = ("type=number/numbers_present", "type=list/list_recall", "citation_precision",
            "type=unanswerable/refusal_correct", "false_refusal", "answer_chars_median")
    print("留一文档交叉验证（全部开发问题集，每份文档的问题由不含它拟合的模型回答；拟合时记录）：")
    for key in keys:
        if key in cv.get("end_to_end", {}):
            print(f"  {key:<36}{cv['end_to_end'][key]}")
    for blind_set in blind.get("sets", []):
        for score in blind_set.get("scores", []):
            m = score["metrics"]
            print(f"盲测集（{blind_set['questions']}，{score['when']}，构建 {score['build']}）：" + "，".join(
                f"{k} {m[k]}" for k in ("numbers_present", "list_recall", "citation_precision", "refusal_correct",
                                         "false_refusal") if k in m))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.cmd:
        parser.print_help()
        return 0
    from planqa.embeddings.base import EmbeddingError
    from planqa.embeddings.milvus_store import MilvusStoreError

    try:
        settings = load_settings(parse_overrides(args), getattr(args, "config", None))
        return COMMANDS[args.cmd](args, settings)
    except (UserError, ConfigError, EmbeddingError, MilvusStoreError) as exc:
        print(f"planqa: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("planqa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
