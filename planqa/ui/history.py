"""Saved conversations in the app: restore on page load, list, open, rename, delete, clear; the source panel.

A user is the login name when the app has one, else a random id kept in the browser
(``gr.BrowserState``, encrypted with a key stored once under the data directory so it
outlives app restarts). Turns are stored by ``planqa.conversations``.
"""
from __future__ import annotations

import logging
import os
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path

import gradio as gr

from planqa import ui_render as R
from planqa.conversations import ConversationError, new_id, store_for
from planqa.ui.zh import toast_text

CANCELLED = "\u0000cancelled"
CONFIRM_DELETE_JS = """(user, cid) => [user, (cid && !confirm('确定删除当前对话？删除后无法恢复。')) ? '\\u0000cancelled' : cid]"""
log = logging.getLogger(__name__)


def browser_secret(data_dir: Path) -> str:
    """The key that encrypts browser-kept ids; made once, so an app restart can still read them."""
    path = data_dir / "browser-state.key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key)
    return key


def show_sources(record: dict | None, active: int | None = None):
    """The marker radio and the source panel for one answer (or empty ones)."""
    choices = R.marker_choices(record)  # (label as numbered on the page, "[passage number]")
    values = [v for _, v in choices]
    value = f"[{active}]" if f"[{active}]" in values else (values[0] if values else None)
    return gr.Radio(choices=choices, value=value, visible=bool(choices)), R.render_sources(record, active)


def export_button(turns: list[dict]):
    """A download button holding the conversation as Markdown; exports older than an hour are removed."""
    if not turns:
        return gr.DownloadButton(value=None, interactive=False)
    root = Path(tempfile.gettempdir()) / "planqa-exports"
    root.mkdir(exist_ok=True)
    for old in root.iterdir():  # gradio serves its own copy, so ours are only needed briefly
        if time.time() - old.stat().st_mtime > 3600:
            shutil.rmtree(old, ignore_errors=True)
    path = Path(tempfile.mkdtemp(dir=root)) / time.strftime("planqa-问答记录-%Y%m%d-%H%M%S.md")
    path.write_text(R.conversation_markdown(turns, time.strftime("%Y-%m-%d %H:%M")), encoding="utf-8")
    return gr.DownloadButton(value=str(path), interactive=True)


def _warn(exc: Exception) -> None:
    gr.Warning(toast_text("对话记录", str(exc)), title="对话记录")


class ConversationViews:
    """Handlers for the saved-conversation controls; every one gets the user's ids as arguments."""

    def __init__(self, settings):
        self.store = store_for(settings)
        self.secret = browser_secret(settings.data_path)

    @staticmethod
    def owner(browser_id: str, request: gr.Request | None) -> str:
        user = getattr(request, "username", None) if request is not None else None
        return f"user:{user}" if user else f"browser:{browser_id}" if browser_id else ""

    def menu(self, owner: str, cid: str = ""):
        """The conversation menu: title and time of each, newest first."""
        try:
            convs = self.store.list(owner) if owner else []
        except ConversationError as exc:
            _warn(exc)
            convs = []
        choices = [(f"{c.title} · {time.strftime('%m-%d %H:%M', time.localtime(c.updated))}", c.id) for c in convs]
        return gr.Dropdown(choices=choices, value=cid if any(c.id == cid for c in convs) else None)

    def _opened(self, owner: str, cid: str, turns: list[dict]):
        """Outputs of every control showing a conversation: (id, turns, chat, menu, shown, marker, panel, export)."""
        return (cid, turns, R.chat_messages(turns), self.menu(owner, cid), len(turns) - 1,
                *show_sources(turns[-1] if turns else None), export_button(turns))

    def restore(self, browser_id, cid, request: gr.Request = None):
        """Page load: make a browser id when there is none and reopen the conversation open last."""
        browser_id = browser_id or new_id()
        owner = self.owner(browser_id, request)
        try:
            conv = self.store.get(owner, cid) if cid else None
        except ConversationError as exc:
            _warn(exc)
            conv = None
        turns = list(conv.turns) if conv else []
        return browser_id, *self._opened(owner, conv.id if conv else "", turns)

    def open(self, browser_id, cid, request: gr.Request = None):
        owner = self.owner(browser_id, request)
        try:
            conv = self.store.get(owner, cid) if cid else None
        except ConversationError as exc:
            _warn(exc)
            return (gr.skip(),) * 8
        if conv is None:
            return self._opened(owner, "", [])
        return self._opened(owner, conv.id, list(conv.turns))

    def new(self, browser_id, request: gr.Request = None):
        return self._opened(self.owner(browser_id, request), "", [])

    def save(self, browser_id, cid, turns, request: gr.Request = None):
        """After an answer: store the turns (a new conversation gets its id now); (id, menu)."""
        owner = self.owner(browser_id, request)
        if not owner or not turns:
            return gr.skip(), gr.skip()
        cid = cid or new_id()
        try:
            self.store.save(owner, cid, turns)
        except ConversationError as exc:
            _warn(exc)
            return gr.skip(), gr.skip()
        return cid, self.menu(owner, cid)

    def saving(self, steps, browser_id, cid, request: gr.Request | None = None):
        """Pass on a chat answer's steps, storing its turns before the last one is shown.

        Each step gets two more outputs (conversation id, menu), so a page reloaded as soon
        as the answer shows finds it saved.
        """
        last = None
        for step in steps:
            if last is not None:
                yield (*last, gr.skip(), gr.skip())
            last = step
        if last is None:
            return
        turns = last[1]
        saved = self.save(browser_id, cid, turns, request) if isinstance(turns, list) else (gr.skip(), gr.skip())
        yield (*last, *saved)

    def rename(self, browser_id, cid, title, request: gr.Request = None):
        owner = self.owner(browser_id, request)
        if not cid:
            _warn(ConversationError("当前对话还没有保存：先提一个问题，再重命名"))
            return gr.skip(), gr.skip()
        try:
            self.store.rename(owner, cid, title)
        except ConversationError as exc:
            _warn(exc)
            return gr.skip(), gr.skip()
        return self.menu(owner, cid), ""

    def delete(self, browser_id, cid, request: gr.Request = None):
        """Delete the open conversation (also what clearing the chat does): everything showing it empties."""
        if cid == CANCELLED:
            return (gr.skip(),) * 8
        owner = self.owner(browser_id, request)
        if cid:
            try:
                self.store.delete(owner, cid)
            except ConversationError as exc:
                _warn(exc)
        return self._opened(owner, "", [])


class TabSequencer:
    """One answer at a time per browser tab, each building on the one before.

    Two questions sent in quick succession can both reach the server before the page knows
    the first is under way; each event then carries the turns as they were before either
    answer. The second waits for the first here and continues from its turns and conversation
    id, so neither answer overwrites the other.
    """

    KEEP = 2000  # tabs remembered; idle ones beyond this are forgotten
    WAIT_S = 120.0  # longest wait for the tab's previous answer

    def __init__(self):
        self._guard = threading.Lock()
        self._tabs: dict[str, dict] = {}

    def run(self, key: str | None, turns, cid, answer):
        """Yield the steps of ``answer(turns, cid)`` with the tab's turns up to date.

        Each step is the event's output tuple: its second item the turns after the answer,
        its seventh the conversation id (or a skip).
        """
        if not key:
            yield from answer(turns, cid)
            return
        with self._guard:
            tab = self._tabs.setdefault(key, {"lock": threading.Lock(), "finished": 0, "last": None})
            busy, seen = tab["lock"].locked(), tab["finished"]
            if len(self._tabs) > self.KEEP:
                for k in [k for k, t in self._tabs.items() if k != key and not t["lock"].locked()][: self.KEEP // 2]:
                    del self._tabs[k]
        held = tab["lock"].acquire(timeout=self.WAIT_S)  # an abandoned answer never blocks the tab for long
        try:
            if held and busy and tab["finished"] > seen and tab["last"] is not None:
                last_turns, last_cid = tab["last"]
                turns = list(turns or [])
                if len(last_turns) > len(turns) and last_turns[:len(turns)] == turns:  # the same conversation, further on
                    turns, cid = last_turns, last_cid or cid
            last = None
            for step in answer(turns, cid):
                last = step
                yield step
            if held and last is not None and isinstance(last[1], list):
                tab["finished"] += 1
                tab["last"] = (last[1], last[6] if isinstance(last[6], str) else cid)
        finally:
            if held:
                tab["lock"].release()
