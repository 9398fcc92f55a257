"""Saved conversations: each user's chats (their turns as ``planqa ask --json`` objects) in SQLite.

One file, ``<data_dir>/conversations.sqlite3``, standard-library ``sqlite3`` with one short
connection per call (safe across the server's threads and several processes). A user is
whatever the app says it is (a login name, or a random browser-local id); this module
never decides who may read what beyond matching that owner.
"""
from __future__ import annotations

import json
import sqlite3
import time
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

TITLE_CHARS = 40
MAX_PER_USER = 200  # the oldest beyond this are dropped when a new one is saved

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    title TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    turns TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_owner ON conversations (owner, updated DESC);
"""


class ConversationError(ValueError):
    """A conversation cannot be stored or found; the message says why."""


@dataclass(frozen=True)
class Conversation:
    id: str
    owner: str
    title: str
    created: float
    updated: float
    turns: tuple[dict, ...] = ()


def default_title(turns) -> str:
    """The first question, shortened.

    >>> default_title([{"question": "新河街道“十四五”期间商品销售总额累计目标是多少？"}])
    '新河街道“十四五”期间商品销售总额累计目标是多少？'
    >>> default_title([])
    '新对话'
    """
    for t in turns:
        q = " ".join(str(t.get("question", "")).split())
        if q:
            return q if len(q) <= TITLE_CHARS else q[: TITLE_CHARS - 1] + "…"
    return "新对话"


def new_id() -> str:
    return uuid.uuid4().hex


class ConversationStore:
    """Conversations of many users in one SQLite file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=10)
            con.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConversationError(f"对话记录无法打开（{self.path.name}）：{exc}") from None
        return con

    def _run(self, sql: str, args: tuple = ()) -> list[tuple]:
        try:
            with closing(self._connect()) as con, con:
                return con.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise ConversationError(f"对话记录读写失败：{exc}") from None

    def list(self, owner: str) -> list[Conversation]:
        """The owner's conversations, most recently changed first (without their turns)."""
        rows = self._run("SELECT id, owner, title, created, updated FROM conversations WHERE owner = ? "
                         "ORDER BY updated DESC", (owner,))
        return [Conversation(*r) for r in rows]

    def get(self, owner: str, cid: str) -> Conversation | None:
        rows = self._run("SELECT id, owner, title, created, updated, turns FROM conversations "
                         "WHERE owner = ? AND id = ?", (owner, cid))
        if not rows:
            return None
        *head, turns = rows[0]
        try:
            loaded = json.loads(turns)
        except ValueError:
            loaded = []
        return Conversation(*head, tuple(t for t in loaded if isinstance(t, dict)))

    def save(self, owner: str, cid: str, turns, title: str | None = None) -> Conversation:
        """Create or update a conversation's turns; its title stays unless given (first question when new)."""
        if not owner or not cid:
            raise ConversationError("对话记录需要用户和对话编号")
        now = time.time()
        old = self.get(owner, cid)
        data = json.dumps(list(turns), ensure_ascii=False)
        if old is None:
            title = title or default_title(turns)
            self._run("INSERT INTO conversations VALUES (?, ?, ?, ?, ?, ?)", (cid, owner, title, now, now, data))
            self._trim(owner)
            return Conversation(cid, owner, title, now, now, tuple(turns))
        title = title or (default_title(turns) if old.title == "新对话" else old.title)
        self._run("UPDATE conversations SET turns = ?, title = ?, updated = ? WHERE owner = ? AND id = ?",
                  (data, title, now, owner, cid))
        return Conversation(cid, owner, title, old.created, now, tuple(turns))

    def rename(self, owner: str, cid: str, title: str) -> None:
        title = " ".join((title or "").split())[:TITLE_CHARS * 2]
        if not title:
            raise ConversationError("名称是空的：请输入新的对话名称")
        if self.get(owner, cid) is None:
            raise ConversationError("没有这个对话（可能已被删除）")
        self._run("UPDATE conversations SET title = ? WHERE owner = ? AND id = ?", (title, owner, cid))

    def delete(self, owner: str, cid: str) -> bool:
        found = self.get(owner, cid) is not None
        self._run("DELETE FROM conversations WHERE owner = ? AND id = ?", (owner, cid))
        return found

    def _trim(self, owner: str) -> None:
        self._run("DELETE FROM conversations WHERE owner = ? AND id NOT IN (SELECT id FROM conversations "
                  "WHERE owner = ? ORDER BY updated DESC LIMIT ?)", (owner, owner, MAX_PER_USER))


def store_for(settings) -> ConversationStore:
    """The store under the settings' data directory."""
    return ConversationStore(settings.data_path / "conversations.sqlite3")


__all__ = ["Conversation", "ConversationError", "ConversationStore", "default_title", "new_id", "store_for"]
