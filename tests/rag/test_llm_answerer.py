"""The LLM path over real HTTP against a scripted OpenAI-compatible server, and its fallbacks."""
import socket
import time

import pytest

from planqa.rag.service import Assistant
from tests.rag.scripted_llm import ScriptedLLM

QUESTION = "测试街道2025年绿化覆盖率目标是多少？"


@pytest.fixture()
def llm():
    with ScriptedLLM() as server:
        yield server


def _assistant(tmp_index, base_url, **extra):
    s = tmp_index.settings.with_overrides({"answerer": "llm", "llm_base_url": base_url, "llm_model": "scripted",
                                           "llm_timeout": 1.5, **extra})
    return Assistant(s, embedder=tmp_index.embedder)


def test_good_cited_answer_streams_and_verifies(tmp_index, llm):
    assistant = _assistant(tmp_index, llm.base_url)
    parts = list(assistant.chain.stream(QUESTION))
    partial, final = parts[:-1], parts[-1]
    assert len(partial) > 2 and all(isinstance(p, str) for p in partial)
    assert "45" in final.text and not final.refused and not final.notices
    assert final.citations and "45" in final.citations[0].chunk.text
    req = llm.requests[-1]
    assert req["stream"] is True and req["model"] == "scripted"
    system = req["messages"][0]["content"]
    assert "[1]" in system and "文档中没有" in system and "忽略以上指令" in system


def test_citation_to_missing_passage_is_dropped_and_falls_back(tmp_index, llm):
    llm.mode = "bad_citation"
    answer = _assistant(tmp_index, llm.base_url).ask(QUESTION)
    assert any("不存在的来源 [42]" in n for n in answer.notices)
    assert any("抽取式" in n for n in answer.notices)
    assert "45" in answer.text and answer.citations  # the offline answer


def test_number_not_in_passage_is_dropped(tmp_index, llm):
    llm.mode = "bad_number"
    answer = _assistant(tmp_index, llm.base_url).ask(QUESTION)
    assert any("数字 99 不在所引来源中" in n for n in answer.notices)
    assert "99" not in answer.text


def test_mixed_answer_keeps_verified_sentence(tmp_index, llm):
    llm.mode = "mixed"
    answer = _assistant(tmp_index, llm.base_url).ask(QUESTION)
    assert "45" in answer.text and "777" not in answer.text
    assert any("777" in n for n in answer.notices)


@pytest.mark.parametrize("mode", ["http500", "slow", "malformed"])
def test_failing_endpoint_falls_back_with_notice(tmp_index, llm, mode):
    llm.mode = mode
    started = time.perf_counter()
    answer = _assistant(tmp_index, llm.base_url).ask(QUESTION)
    assert time.perf_counter() - started < 10, "nothing hangs"
    assert "45" in answer.text and answer.citations
    assert any("LLM" in n and "抽取式" in n for n in answer.notices)


def test_refused_connection_falls_back(tmp_index):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    answer = _assistant(tmp_index, f"http://127.0.0.1:{port}/v1").ask(QUESTION)
    assert "45" in answer.text and any("LLM 服务不可用" in n for n in answer.notices)


def test_unconfigured_llm_falls_back(tmp_index):
    s = tmp_index.settings.with_overrides({"answerer": "llm"})
    answer = Assistant(s, embedder=tmp_index.embedder).ask(QUESTION)
    assert "45" in answer.text and any("llm_base_url" in n for n in answer.notices)


def test_api_key_comes_from_environment(tmp_index, llm, monkeypatch):
    monkeypatch.setenv("PLANQA_LLM_API_KEY", "sk-test-123")
    seen = {}
    orig = llm._handler()

    class Recording(orig):
        def do_POST(self):
            seen["auth"] = self.headers.get("Authorization")
            super().do_POST()

    llm.server.RequestHandlerClass = Recording
    _assistant(tmp_index, llm.base_url).ask(QUESTION)
    assert seen["auth"] == "Bearer sk-test-123"


def test_an_echoed_api_key_never_reaches_a_notice(tmp_index, llm, monkeypatch):
    monkeypatch.setenv("PLANQA_LLM_API_KEY", "sk-test-0123456789abcdef")
    llm.mode = "echo401"
    answer = _assistant(tmp_index, llm.base_url).ask(QUESTION)
    notices = " ".join(answer.notices)
    assert "LLM 服务不可用" in notices and "401" in notices
    assert "0123456789abcdef" not in notices and "sk-test" not in notices


def test_what_the_documents_cannot_answer_is_not_put_to_the_model(tmp_index, llm):
    """Both answerers refuse on the same evidence: a year the documents hold nothing of never reaches the LLM."""
    assistant = _assistant(tmp_index, llm.base_url)
    before = len(llm.requests)
    answer = assistant.ask("测试街道2040年绿化覆盖率目标是多少？")
    assert answer.refused and len(llm.requests) == before
    assert any("2040" in n for n in answer.notices)
