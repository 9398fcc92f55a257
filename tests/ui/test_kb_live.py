"""A running app and its knowledge base: CLI changes seen live, uploads beside questions, text shown literally."""
from __future__ import annotations

import threading
import time

import pytest

from tests.conftest import make_settings
from tests.rag.test_kb_safety import CHOU, ZI, cli, write
from tests.ui.conftest import free_port

pytestmark = pytest.mark.slow
ui = pytest.importorskip("planqa.ui")

INJECTED = ("寅镇规划\n\n一、生态环境\n\n"
            "到2025年，寅镇绿化覆盖率达到45%<img src=http://127.0.0.1:9/track.png>，"
            "建成公园<script>alert(1)</script>3个。\n")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """(client, assistant, tmp): an app over a small private knowledge base, on loopback."""
    from gradio_client import Client

    from planqa.rag.service import Assistant

    tmp = tmp_path_factory.mktemp("live")
    settings = make_settings(tmp / "data", corpus="none")
    assistant = Assistant(settings)
    assistant.ingest([write(tmp / "a" / "plan.txt", ZI)])
    port = free_port()
    demo = ui.launch(settings, host="127.0.0.1", port=port, assistant=assistant, block=False)
    yield Client(f"http://127.0.0.1:{port}/", verbose=False), assistant, tmp
    demo.close()


def test_a_cli_ingest_is_seen_by_the_apps_next_question(live):
    client, assistant, tmp = live
    cli("ingest", str(write(tmp / "b" / "plan.md", CHOU)), data_dir=assistant.settings.data_path, check=True)
    got = client.predict("丑镇地区生产总值目标是多少？", api_name="/ask")
    assert "80" in got["answer"] and got["citations"][0]["source"] == "plan.md"
    assert got["citations"][0]["start_line"] == 9


def test_docs_given_as_one_string_is_one_document(live):
    client, assistant, _ = live
    got = client.predict("地区生产总值目标是多少？", "plan.txt", api_name="/ask")
    assert "error" not in got, got
    assert {p["source"] for p in got["passages"]} == {"plan.txt"}
    got = client.predict("地区生产总值目标是多少？", "nothing.txt", api_name="/ask")
    assert "知识库中没有这些文档：nothing.txt" in got["error"]


def test_an_upload_does_not_hold_up_questions(live):
    client, assistant, tmp = live
    logic = ui.AppLogic(assistant)
    big = write(tmp / "up" / "卯镇规划.txt", "卯镇规划\n\n" + "".join(
        f"第{i}项，卯镇建设项目{i}个，投资{i}亿元。\n" for i in range(1, 400)))
    done = {}
    writer = threading.Thread(target=lambda: done.setdefault("report", logic.upload([str(big)])[0]))
    client.predict("子镇地区生产总值目标是多少？", api_name="/ask")
    idle = []
    for _ in range(3):
        t = time.perf_counter()
        client.predict("子镇地区生产总值目标是多少？", api_name="/ask")
        idle.append(time.perf_counter() - t)
    writer.start()
    busy = []
    while writer.is_alive() and len(busy) < 5:
        t = time.perf_counter()
        got = client.predict("子镇地区生产总值目标是多少？", api_name="/ask")
        busy.append(time.perf_counter() - t)
        assert "50" in got["answer"]
    writer.join()
    assert "已入库" in done["report"], done["report"]
    assert busy and max(busy) < max(2.0, 10 * max(idle))  # bounded, not the whole ingest (see bench/ for p95)


def test_document_html_is_shown_as_text_in_chat(live):
    from planqa import ui_render as R

    client, assistant, tmp = live
    report = ui.AppLogic(assistant).upload([str(write(tmp / "inj" / "yin.txt", INJECTED))])[0]
    assert "已入库" in report
    assert "plan.md" in {r.source for r in assistant.kb.docs.values()}  # the CLI's document survives an upload
    got = client.predict("寅镇绿化覆盖率目标是多少？", api_name="/ask")
    assert "45%" in got["answer"]
    assert "<img src=http://127.0.0.1:9/track.png>" in got["citations"][0]["quote"]  # verbatim, as verified
    shown = R.render_chat_message(got)
    assert "<img" not in shown and "<script" not in shown
    assert "&lt;img src=http://127.0.0.1:9/track.png&gt;" in shown
