"""The 知识库 tab's handlers: page load (first index build), status and menus, upload, remove, document view.

A mixin of ``AppLogic``: it works on ``self.a`` (the assistant) and ``self.lock``.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import gradio as gr

from planqa import ui_kb_render as K
from planqa import ui_render as R
from planqa.config import admin_users, redact
from planqa.embeddings.base import EmbeddingError
from planqa.rag.knowledge_base import KnowledgeBaseError

APP_TITLE = "planqa · 政策文件问答"
MB = 1024 * 1024
MODE_NAMES = {"hybrid": "混合检索", "bm25": "关键词检索", "dense": "向量检索"}


def _progress_fraction(msg: str) -> float:
    """Where an ingest progress message sits between 0 and 1 (parsing, tokenising, embedding)."""
    if msg.startswith("解析"):
        done, _, total = msg.split()[1].partition("/")
        return 0.4 * int(done) / max(int(total or 1), 1) if done.isdigit() and total.isdigit() else 0.2
    return 0.5 if msg.startswith("切词") else 0.6


def upload_steps(progress, names: dict[str, str]) -> Callable[[str], None]:
    """An ingest progress callback showing one named step per uploaded file, then the indexing stages.

    ``names``: safe file name in the upload folder → the user's own file name.
    """
    def say(msg: str) -> None:
        parts = msg.split(maxsplit=2)
        if parts[0] == "解析" and len(parts) == 3 and "/" in parts[1]:
            done, _, total = parts[1].partition("/")
            if done.isdigit() and total.isdigit():
                progress((int(done) - 1, int(total)), desc=f"解析第 {done}/{total} 个文件：{names.get(parts[2], parts[2])}",
                         unit="个文件")
                return
        progress(_progress_fraction(msg), desc=f"{msg}（所有文件一起建立索引）")
    return say


class KnowledgeBaseViews:
    def load(self, answerer=None, progress=gr.Progress(track_tqdm=True)):
        """Page load: build or open the knowledge base, then fill every menu and the table."""
        s = self.a.settings
        if not self.a.has_index() and s.corpus == "bundled":
            progress(0.05, desc="首次使用：正在为内置文档建立索引…")
            try:
                self.a.ensure_index(progress=lambda m: progress(_progress_fraction(m), desc=m))
            except KnowledgeBaseError:
                pass  # kb_views shows the message
        return self.kb_views(answerer)

    def answerer_label(self, answerer: str | None) -> str:
        """How answers are written now: the 回答方式 chosen on the page, else the settings' (never 大模型 without one)."""
        s = self.a.settings
        chosen = answerer or s.answerer
        return f"大模型 {s.llm_model}".rstrip() if s.llm_base_url and chosen == "llm" else "抽取式（离线）"

    def header(self, answerer=None) -> str:
        """The status line: documents, chunks, retrieval and answer mode."""
        try:
            with self.a.reading() as kb:
                n_docs, n_chunks = len(kb.docs), len(kb.chunks)
        except KnowledgeBaseError as exc:
            return f'<div class="pq-refused">知识库无法打开：{exc}</div>'
        s = self.a.settings
        return (f'<div class="pq-header"><h1>{APP_TITLE}</h1><p>知识库 {n_docs} 个文档 · {n_chunks} 个片段'
                f" · 检索方式 {MODE_NAMES.get(s.retrieval_mode, s.retrieval_mode)}"
                f" · 回答方式 {self.answerer_label(answerer)} · 每句回答都标注出处 [n]</p></div>")

    def kb_views(self, answerer=None):
        """Status line, filter menus, document table and document menus for the current KB."""
        try:
            with self.a.reading() as kb:
                records = list(kb.docs.values())
                table_rows: dict[str, int] = {}
                for c in kb.chunks:
                    if c.kind == "table_row":
                        table_rows[c.doc_id] = table_rows.get(c.doc_id, 0) + 1
        except KnowledgeBaseError as exc:
            return (f'<div class="pq-refused">知识库无法打开：{exc}</div>',) + (gr.skip(),) * 6
        docs = [(R.doc_label(r.meta.title, r.meta.place, r.meta.doc_type, r.meta.period), r.doc_id)
                for r in sorted(records, key=lambda r: r.source)]
        places = sorted({r.meta.place for r in records if r.meta.place})
        types = sorted({r.meta.doc_type for r in records if r.meta.doc_type})
        place_choices = [(R.short_place(p), p) for p in places]
        return (self.header(answerer), gr.Dropdown(choices=docs), gr.Dropdown(choices=place_choices), gr.Dropdown(choices=types), K.kb_rows(records, table_rows), gr.Dropdown(choices=docs, value=None),
                gr.Dropdown(choices=docs))

    def upload(self, files, answerer=None, request: gr.Request = None, progress=gr.Progress(track_tqdm=True)):
        """Check, copy under safe names into a fresh folder, ingest in the background of answering.

        Files that fail a check are skipped with their reason; questions keep being
        answered from the current knowledge base until the new one is swapped in.
        """
        denied = self._denied(request)
        if denied:
            return denied, gr.skip(), *(gr.skip(),) * 7
        files = [f for f in (files or []) if f]
        s = self.a.settings
        if len(files) > s.max_upload_files or not files:
            problems = K.check_uploads([(Path(f).name, 1) for f in files], s.max_upload_mb, s.max_upload_files)
            return ("**未入库**，知识库未改变：\n\n" + "\n".join(f"- {p}" for p in problems),
                    gr.skip(), *(gr.skip(),) * 7)
        folder = Path(tempfile.mkdtemp(prefix="planqa-upload-"))
        renamed: dict[str, str] = {}
        rejected = []
        try:
            for f in files:
                problem = K.check_uploads([(Path(f).name, os.path.getsize(f))], s.max_upload_mb, s.max_upload_files)
                if problem:
                    rejected += problem
                    continue
                safe = K.safe_upload_name(Path(f).name, renamed.values())
                shutil.copyfile(f, folder / safe)
                renamed[Path(f).name] = safe
            if not renamed:
                return ("**未入库**，知识库未改变：\n\n" + "\n".join(f"- {p}" for p in rejected),
                        gr.skip(), *(gr.skip(),) * 7)
            progress((0, len(renamed)), desc="正在解析上传的文件…", unit="个文件")
            origins = {str((folder / safe).resolve()): f"upload:{safe}" for safe in renamed.values()}
            report = self.a.ingest(sorted(folder.iterdir()), origins=origins, max_bytes=s.max_upload_mb * MB,
                                   progress=upload_steps(progress, {v: k for k, v in renamed.items()}))
        except (KnowledgeBaseError, EmbeddingError) as exc:
            return f"**入库失败**：{redact(str(exc))}", gr.skip(), *(gr.skip(),) * 7
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return K.render_ingest_report(report, renamed, rejected), None, *self.kb_views(answerer)

    def _denied(self, request) -> str:
        """Why this user may not change the knowledge base ('' when allowed)."""
        admins = admin_users()
        user = getattr(request, "username", None) if request is not None else None
        if admins and user not in admins:
            return "**没有权限**：只有管理员（PLANQA_APP_ADMINS）可以上传或删除文档。"
        return ""

    def remove(self, doc_ids, answerer=None, request: gr.Request = None):
        denied = self._denied(request)
        if denied:
            return denied, *(gr.skip(),) * 7
        doc_ids = [doc_ids] if isinstance(doc_ids, str) else list(doc_ids or [])
        if not doc_ids:
            return "请先选择要删除的文档。", *(gr.skip(),) * 7
        try:
            removed = self.a.remove(doc_ids)
        except KnowledgeBaseError as exc:
            return f"**删除失败**：{exc}", *(gr.skip(),) * 7
        return f"已删除：{'、'.join(removed)}。", *self.kb_views(answerer)

    def view_doc(self, doc_id):
        if not doc_id:
            return '<div class="pq-empty">选择一个文档查看它的片段。</div>'
        with self.lock.read():
            chunks = [c for c in self.a.kb.chunks if c.doc_id == doc_id]
        return K.render_doc_chunks(chunks)
