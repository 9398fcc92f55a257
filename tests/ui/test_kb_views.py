"""Pieces of the 知识库 handlers that need no app: per-file upload progress, the header's answer mode."""
from __future__ import annotations

import dataclasses

import pytest

from planqa.config import Settings

kb_views = pytest.importorskip("planqa.ui.kb_views")


def test_upload_progress_has_one_named_step_per_file_under_the_users_names():
    calls = []
    say = kb_views.upload_steps(lambda p, desc="", unit="": calls.append((p, desc, unit)),
                                {"a_1.txt": "a 1.txt", "b.docx": "规划（b）.docx"})
    for msg in ("解析 1/2 a_1.txt", "解析 2/2 b.docx", "切词 10 个片段", "向量化 10 个片段"):
        say(msg)
    assert calls[0] == ((0, 2), "解析第 1/2 个文件：a 1.txt", "个文件")
    assert calls[1] == ((1, 2), "解析第 2/2 个文件：规划（b）.docx", "个文件")
    assert [c[0] for c in calls[2:]] == [0.5, 0.6] and "向量化 10 个片段" in calls[3][1]


class _Views(kb_views.KnowledgeBaseViews):
    def __init__(self, settings):
        self.a = type("A", (), {"settings": settings})()


@pytest.mark.parametrize("base_url, default, chosen, want", [
    ("", "extractive", None, "抽取式（离线）"),
    ("", "llm", "llm", "抽取式（离线）"),  # no endpoint: never 大模型
    ("http://127.0.0.1:9/v1", "llm", None, "大模型 qwen"),
    ("http://127.0.0.1:9/v1", "llm", "extractive", "抽取式（离线）"),  # switched on the page
    ("http://127.0.0.1:9/v1", "extractive", "llm", "大模型 qwen"),
])
def test_the_header_names_the_answer_mode_in_use(base_url, default, chosen, want):
    s = dataclasses.replace(Settings(), llm_base_url=base_url, llm_model="qwen", answerer=default)
    assert _Views(s).answerer_label(chosen) == want
