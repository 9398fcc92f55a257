"""The Gradio app: 问答 (chat with cited sources), 知识库 (documents), 评测, 简报, and the ``/ask`` API.

The ui package is the only place that imports gradio. Building the app does no work: the index
is loaded by ``launch`` (warm-up) or on the first page load. HTML and Markdown
come from ``planqa.ui_render``; answers from the same chain as the CLI.
"""
from __future__ import annotations

import inspect
import logging
import time
from typing import Callable, Iterator, Sequence

import gradio as gr

from planqa import ui_kb_render as K
from planqa import ui_render as R
from planqa import ui_viewer as V
from planqa.config import ConfigError, Settings, env_flag, redact
from planqa.embeddings.base import EmbeddingError
from planqa.rag.chain import QuestionError, clean_question
from planqa.rag.knowledge_base import KnowledgeBaseError
from planqa.rag.retrievers import Filters
from planqa.rag.serialize import answer_to_json
from planqa.ui.kb_views import APP_TITLE, MB, MODE_NAMES, KnowledgeBaseViews
from planqa.ui.page_js import CITE_JS, CONFIRM_REMOVE_JS, SCROLL_JS, SHOW_LINES_JS, TAKE_QUESTION_JS
from planqa.ui.history import CONFIRM_DELETE_JS, ConversationViews, TabSequencer, export_button, show_sources
from planqa.ui.tabs import brief_tab, eval_tab
from planqa.ui.zh import GRADIO_ZH, TRANSLATE_JS, toast_text

log = logging.getLogger(__name__)


def _error_json(question, message: str) -> dict:
    text = question if isinstance(question, str) else ""
    return {"id": None, "question": text[:200] + ("…" if len(text) > 200 else ""), "error": message}


class AppLogic(KnowledgeBaseViews):
    """Event handlers over one assistant; per-user state arrives as arguments, never stored here."""

    def __init__(self, assistant):
        self.a = assistant

    @property
    def lock(self):
        """The assistant's lock: answers read; only the swap to a new knowledge base writes."""
        return self.a.rw

    # ---- the API --------------------------------------------------------------------------
    def api_ask(self, question: str, docs: list[str] | None = None, places: list[str] | None = None,
                doc_types: list[str] | None = None, top_k: int | None = None,
                history: list[str] | None = None) -> dict:
        """Answer one question; returns the ``planqa ask --json`` object, or ``{"error": ...}``.

        ``history``: the conversation's earlier questions, oldest first; a follow-up such as
        “塘沽街道呢？” is answered as the question it completes to, given as ``question_used``.
        """
        try:
            asked = clean_question(question, self.a.settings.max_question_chars)
            filters = self._filters(docs, places, doc_types)
            k = self._top_k(top_k)
            with self.a.reading():
                answer = self.a.ask(asked, filters, k, history=_names(history))
        except (QuestionError, KnowledgeBaseError, EmbeddingError, ValueError) as exc:
            return _error_json(question, redact(str(exc)))
        except Exception:  # noqa: BLE001 - a bug must not take the endpoint down; the log keeps the trace
            log.exception("ask failed")
            return _error_json(question, "内部错误，已记录日志；请稍后重试")
        return answer_to_json(answer, asked=asked)

    def _filters(self, docs, places, doc_types) -> Filters | None:
        docs, places, doc_types = (_names(x) for x in (docs, places, doc_types))
        if docs:
            docs = tuple(self.a.kb.resolve(docs))
        return Filters(docs, places, doc_types) or None

    def _top_k(self, top_k) -> int | None:
        if top_k in (None, ""):
            return None
        if not isinstance(top_k, (int, float)) or isinstance(top_k, bool) or not 1 <= int(top_k) <= 100:
            raise ValueError(f"top_k={top_k!r}：应为 1 到 100 之间的整数")
        return int(top_k)

    # ---- chat -----------------------------------------------------------------------------
    def respond(self, question, turns, docs, places, doc_types, top_k, mode, answerer):
        """Stream one answer into the chat; then update the source panel, markers and export."""
        turns = list(turns or [])
        try:
            cleaned = clean_question(question or "", self.a.settings.max_question_chars)
        except QuestionError as exc:
            gr.Warning(toast_text("无法提问", str(exc)), title="无法提问")
            yield (gr.skip(),) * 6
            return
        msgs = R.chat_messages(turns) + [{"role": "user", "content": cleaned},
                                         {"role": "assistant", "content": "正在检索相关段落…"}]
        yield msgs, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()  # the box was emptied by TAKE_QUESTION_JS
        record: dict = {"question": cleaned, "error": "没有得到回答"}
        try:
            self.a.refresh()  # a newer knowledge base saved by another process (CLI ingest)
            filters = self._filters(docs, places, doc_types)
            history = [t.get("question_used") or t.get("question", "") for t in turns]
            for item in self._locked(self.a.chain.stream(cleaned, filters, int(top_k), answerer, mode, history)):
                if isinstance(item, str):
                    msgs[-1] = {"role": "assistant", "content": item + " ▌"}
                    yield msgs, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
                else:
                    record = answer_to_json(item, asked=cleaned)
        except (QuestionError, KnowledgeBaseError, EmbeddingError, ValueError) as exc:
            record = {"question": cleaned, "error": redact(str(exc))}
        except Exception:  # noqa: BLE001
            log.exception("chat answer failed")
            record = {"question": cleaned, "error": "内部错误，已记录日志；请稍后重试"}
        active = R.active_filters(docs, places, doc_types)
        if active and record.get("refused"):
            record.setdefault("notices", []).append(f"当前已限定{active}；取消“筛选与设置”里的限定后再问，可能找到答案")
        turns.append(record)
        yield R.chat_messages(turns), turns, *self._show(record), gr.skip(), self._export(turns)

    def _locked(self, it: Iterator) -> Iterator:
        """Hold the read lock while the chain works, not while the browser receives a piece."""
        while True:
            with self.lock.read():
                try:
                    item = next(it)
                except StopIteration:
                    return
            yield item

    @staticmethod
    def _show(record: dict | None, active: int | None = None):
        return show_sources(record, active)

    def open_citation(self, target: str, turns, shown):
        """A clicked [n]: that answer's sources with n forward, and the document viewer at the cited lines."""
        where, _, rest = (target or "").partition(":")
        n = R.marker_number(f"[{rest.partition(':')[0]}]")
        turns = turns or []
        k = shown if where == "p" else int(where) if where.lstrip("-").isdigit() else -1
        if not turns or n is None or not -len(turns) <= k < len(turns):
            return (gr.skip(),) * 5
        k %= len(turns)
        record = turns[k]
        citation = next((c for c in R.for_display(record).get("citations", []) if c.get("ref", c["n"]) == n), None)
        if citation is None:
            return (gr.skip(),) * 5
        question = record.get("question_used") or record.get("question", "")
        try:
            with self.a.reading() as kb:
                doc_id = citation.get("doc_id") if citation.get("doc_id") in kb.docs else \
                    kb.resolve([citation.get("source", "")])[0]
                page = V.render_viewer(kb.doc_text(doc_id), citation, question)
        except KnowledgeBaseError:
            page = V.render_viewer("", citation, question, missing="这个文件已不在知识库中（可能已被删除或替换），"
                                                                  "下面是回答时引用的原文。")
        return k, *show_sources(record, n), page, gr.Tabs(selected="viewer")

    def pick_marker(self, label, turns, shown):
        record = (turns or [None])[shown] if turns and -len(turns) <= shown < len(turns) else None
        return R.render_sources(record, R.marker_number(label))

    def pick_turn(self, turns, evt: gr.SelectData):
        index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        shown = int(index) // 2
        if not turns or shown >= len(turns):
            return gr.skip(), gr.skip(), gr.skip()
        return shown, *self._show(turns[shown])

    @staticmethod
    def _export(turns: list[dict]):
        return export_button(turns)


def _names(value) -> tuple[str, ...]:
    """Filter values as given through the API: one name or a list of them (a bare string is one name)."""
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value if v not in (None, ""))


def build_app(assistant, extra_tabs: Sequence[Callable] = ()) -> gr.Blocks:
    """The Blocks app over ``assistant`` (no work is done here: the index loads on page load).

    ``extra_tabs``: callables that each add one tab. They are called inside the
    ``gr.Tabs()`` context after 问答 and 知识库, and must open their own
    ``with gr.Tab("评测"):``; a callable taking one parameter receives the
    assistant (``def eval_tab(assistant): ...``), one taking none is called bare.
    """
    logic, s = AppLogic(assistant), assistant.settings
    convs = ConversationViews(s)
    with gr.Blocks(title=APP_TITLE, analytics_enabled=False, delete_cache=(3600, 86400)) as demo:
        status = gr.HTML(f'<div class="pq-header"><h1>{APP_TITLE}</h1><p>正在加载知识库…</p></div>',
                         css_template=R.PANEL_CSS)
        turns, shown = gr.State([]), gr.State(-1)
        # who this browser is and which conversation it had open: kept across reloads and app restarts
        browser_id = gr.BrowserState("", storage_key="planqa-user", secret=convs.secret)
        conv_id = gr.BrowserState("", storage_key="planqa-conversation", secret=convs.secret)
        with gr.Tabs():
            with gr.Tab("问答", id="chat"):
                with gr.Row(equal_height=False, elem_id="pq-chat-row"):
                    with gr.Column(scale=3, elem_id="pq-main-col"):
                        with gr.Row(equal_height=False, elem_id="pq-conv-row"):
                            conv_dd = gr.Dropdown(label="对话记录（自动保存，刷新或重启后仍在）", choices=[], scale=5,
                                                  elem_id="pq-conversations")
                            new_btn = gr.Button("新对话", scale=1, min_width=80, elem_id="pq-new")
                        chatbot = gr.Chatbot(label="对话", elem_id="pq-chat", height=520, buttons=["copy"],
                                             placeholder="向政策文件提问：回答中的每一句都标注来源编号 [n]，"
                                                         "右侧显示被引用的原文。", feedback_options=None)
                        with gr.Row(elem_id="pq-ask-row"):
                            box = gr.Textbox(label="问题", show_label=False, placeholder="输入问题，按回车发送",
                                             scale=8, max_length=s.max_question_chars, elem_id="pq-question")
                            ask_btn = gr.Button("提问", variant="primary", scale=1, min_width=80)
                        gr.Examples([[q] for q in R.EXAMPLE_QUESTIONS], inputs=[box], label="示例问题")
                        with gr.Accordion("筛选与设置", open=False):
                            with gr.Row():
                                f_docs = gr.Dropdown(label="限定文档", multiselect=True, choices=[])
                                f_places = gr.Dropdown(label="限定地区", multiselect=True, choices=[])
                                f_types = gr.Dropdown(label="文件类型", multiselect=True, choices=[])
                            with gr.Row():
                                top_k = gr.Slider(1, 30, value=min(s.top_k, 30), step=1, label="检索段落数 top-k")
                                mode = gr.Radio([(name, key) for key, name in MODE_NAMES.items()],
                                                value=s.retrieval_mode, label="检索方式")
                                answerer = gr.Radio([("抽取式（离线）", "extractive"), ("大模型", "llm")],
                                                    value=s.answerer if s.llm_base_url else "extractive",
                                                    label="回答方式", interactive=bool(s.llm_base_url),
                                                    info=None if s.llm_base_url else "未配置 llm_base_url，仅可用抽取式")
                        with gr.Row():
                            clear_btn = gr.Button("清空对话", size="sm", elem_id="pq-clear")
                            export_btn = gr.DownloadButton("导出对话（Markdown）", size="sm", interactive=False)
                        with gr.Accordion("管理当前对话", open=False):
                            with gr.Row(equal_height=True):
                                new_title = gr.Textbox(label="对话名称", show_label=False, placeholder="新的对话名称", scale=4,
                                                       max_length=80, elem_id="pq-title")
                                rename_btn = gr.Button("重命名", size="sm", scale=1, min_width=80)
                                delete_btn = gr.Button("删除当前对话", size="sm", variant="stop", scale=1,
                                                       min_width=100, elem_id="pq-delete")
                    with gr.Column(scale=2, elem_id="pq-sources-col"):
                        with gr.Tabs(elem_id="pq-right") as right_tabs:
                            with gr.Tab("引用来源", id="sources"):
                                marker = gr.Radio(label="定位引用", choices=[], visible=False, elem_id="pq-marker")
                                sources = gr.HTML(R.render_sources(None), elem_id="pq-sources",
                                                  css_template=R.PANEL_CSS + V.VIEWER_CSS)
                            with gr.Tab("原文", id="viewer"):
                                viewer = gr.HTML(V.render_viewer_empty(), elem_id="pq-viewer",
                                                 css_template=R.PANEL_CSS + V.VIEWER_CSS)
                        # set by CITE_JS when a marker [n] is clicked: "<turn or p>:<n>:<time>"
                        cite_target = gr.Textbox(label="引用", visible="hidden", elem_id="pq-cite-target",
                                                 show_label=False)
            with gr.Tab("知识库", id="kb"):
                kb_table = gr.Dataframe(headers=K.KB_HEADERS, interactive=False, wrap=True, label="知识库文档", elem_id="pq-kb-table",
                                        column_widths=K.KB_COLUMN_WIDTHS)
                with gr.Row(equal_height=False):
                    with gr.Column():
                        files = gr.File(elem_id="pq-files", label=f"上传文档（.txt .md .docx .pdf .html；每个不超过 {s.max_upload_mb} MB，"
                                              f"一次最多 {s.max_upload_files} 个）", file_count="multiple")
                        upload_btn = gr.Button("上传并入库", variant="primary", elem_id="pq-upload")
                    with gr.Column():
                        remove_dd = gr.Dropdown(label="删除文档", multiselect=True, choices=[])
                        remove_btn = gr.Button("删除所选文档", variant="stop")
                report = gr.Markdown(elem_id="pq-kb-report")
                view_dd = gr.Dropdown(label="查看文档的片段与表格行", choices=[])
                chunks_html = gr.HTML('<div class="pq-empty">选择一个文档查看它的片段。</div>', css_template=R.PANEL_CSS)
            eval_tab(assistant)
            brief_tab(assistant)
            for build_tab in extra_tabs:
                build_tab(assistant) if inspect.signature(build_tab).parameters else build_tab()

        kb_outs = [status, f_docs, f_places, f_types, kb_table, remove_dd, view_dd]
        hidden = {"api_visibility": "private"}
        conv_outs = [conv_id, turns, chatbot, conv_dd, shown, marker, sources, export_btn]
        demo.load(logic.load, answerer, kb_outs, **hidden)
        demo.load(convs.restore, [browser_id, conv_id], [browser_id, *conv_outs], **hidden)

        tabs = TabSequencer()

        def respond(question, done, docs, places, types, k, how, answerer_name, browser, cid, request: gr.Request):
            def answer(turns, conv):
                steps = logic.respond(question, turns, docs, places, types, k, how, answerer_name)
                return convs.saving(steps, browser, conv, request)
            yield from tabs.run(getattr(request, "session_hash", None), done, cid, answer)

        gr.on([ask_btn.click, box.submit], respond,
              inputs=[box, turns, f_docs, f_places, f_types, top_k, mode, answerer, browser_id, conv_id],
              outputs=[chatbot, turns, marker, sources, box, export_btn, conv_id, conv_dd],
              js=TAKE_QUESTION_JS.replace("MAX_CHARS", str(s.max_question_chars)),
              concurrency_limit=8, concurrency_id="answer", trigger_mode="always_last", **hidden
              ).then(lambda t: len(t) - 1, turns, shown, **hidden)
        demo.load(None, js=CITE_JS)
        demo.load(None, js=TRANSLATE_JS)
        cite_target.change(logic.open_citation, [cite_target, turns, shown],
                          [shown, marker, sources, viewer, right_tabs], **hidden).then(None, js=SHOW_LINES_JS)
        marker.input(logic.pick_marker, [marker, turns, shown], sources, **hidden).then(None, js=SCROLL_JS)
        chatbot.select(logic.pick_turn, turns, [shown, marker, sources], **hidden)
        conv_dd.input(convs.open, [browser_id, conv_dd], conv_outs, **hidden)
        new_btn.click(convs.new, browser_id, conv_outs, **hidden)
        rename_btn.click(convs.rename, [browser_id, conv_id, new_title], [conv_dd, new_title], **hidden)
        # clearing the chat (our button or the chatbot's own trash icon) deletes the conversation it shows
        for clearing in (clear_btn.click, chatbot.clear):
            clearing(convs.delete, [browser_id, conv_id], conv_outs, queue=False, **hidden)
        delete_btn.click(convs.delete, [browser_id, conv_id], conv_outs, js=CONFIRM_DELETE_JS, **hidden)
        # progress shows on the upload box only: the table, menus and header stay readable meanwhile
        upload_btn.click(lambda: "", None, report, queue=False, show_progress="hidden", **hidden).then(
            logic.upload, [files, answerer], [report, files, *kb_outs], concurrency_limit=1,
            concurrency_id="kb_write", show_progress_on=files, **hidden)
        remove_btn.click(logic.remove, [remove_dd, answerer], [report, *kb_outs], js=CONFIRM_REMOVE_JS,
                         concurrency_limit=1, concurrency_id="kb_write", show_progress_on=report, **hidden)
        answerer.change(logic.header, answerer, status, show_progress="hidden", **hidden)
        view_dd.change(logic.view_doc, view_dd, chunks_html, **hidden)
        gr.api(logic.api_ask, api_name="ask", concurrency_limit=8, concurrency_id="answer",
               api_description="回答一个问题，返回与 `planqa ask --json` 相同的对象；输入有误时返回 {\"error\": ...}")
    return demo


def warm_up(assistant, say: Callable[[str], None] = print) -> None:
    """Build or open the knowledge base and load the models, so the first question is fast."""
    t = time.perf_counter()
    if not assistant.has_index() and assistant.settings.corpus == "bundled":
        say("planqa: 首次启动，正在为内置文档建立索引…")
        assistant.ensure_index(progress=say)
    kb = assistant.kb
    assistant.retrieve("预热", k=1)
    assistant.extractive()
    say(f"planqa: 知识库已就绪（{len(kb.docs)} 个文档、{len(kb.chunks)} 个片段，{time.perf_counter() - t:.1f} 秒）")


def launch_kwargs(settings: Settings, host: str | None = None, port: int | None = None) -> dict:
    """Arguments for ``Blocks.launch``: address (loopback unless told), optional login, limits, look."""
    env_port = env_flag("GRADIO_SERVER_PORT")
    try:
        port = int(port or env_port or settings.port)
    except ValueError:
        raise ConfigError(f"GRADIO_SERVER_PORT={env_port!r}：不是端口号") from None
    user, password = env_flag("PLANQA_APP_USER"), env_flag("PLANQA_APP_PASSWORD")
    if bool(user) != bool(password):
        raise ConfigError("登录需要同时设置 PLANQA_APP_USER 和 PLANQA_APP_PASSWORD")
    theme = gr.themes.Soft(primary_hue="blue", neutral_hue="slate",
                           font=["PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "system-ui", "sans-serif"],
                           font_mono=["Noto Sans Mono CJK SC", "ui-monospace", "monospace"])
    return {"server_name": host or settings.host, "server_port": port,
            "auth": (user, password) if user else None, "auth_message": "请输入 planqa 的用户名和密码",
            "max_file_size": settings.max_upload_mb * MB, "theme": theme, "css": R.APP_CSS + K.kb_table_phone_css(),
            "footer_links": ["api"], "show_error": False, "i18n": gr.I18n(**GRADIO_ZH)}


class _RedactFilter(logging.Filter):
    """Blanks secrets (API keys, bearer tokens) in every log record before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install_log_redaction() -> None:
    """Add the redaction filter to the root logger's handlers and to planqa's own logger (once)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for target in (*root.handlers, logging.getLogger("planqa")):
        if not any(isinstance(f, _RedactFilter) for f in target.filters):
            target.addFilter(_RedactFilter())


def launch(settings: Settings, host: str | None = None, port: int | None = None, *, assistant=None,
           block: bool = True, extra_tabs: Sequence[Callable] = ()) -> gr.Blocks:
    """Warm up, build and serve the app (127.0.0.1 unless ``host`` or settings say otherwise)."""
    from planqa.rag.service import Assistant

    kwargs = launch_kwargs(settings, host, port)
    install_log_redaction()
    if kwargs["server_name"] not in ("127.0.0.1", "localhost", "::1") and not kwargs["auth"]:
        print(f"planqa: 注意：服务监听 {kwargs['server_name']} 且未设置登录（PLANQA_APP_USER/PLANQA_APP_PASSWORD），"
              "任何能访问该地址的人都能提问、上传和删除文档")
    assistant = assistant or Assistant(settings)
    warm_up(assistant)
    demo = build_app(assistant, extra_tabs)
    demo.queue(default_concurrency_limit=4)
    demo.launch(prevent_thread_lock=not block, **kwargs)
    return demo
