"""The app's event handlers called directly (no browser): streaming, notices, filters, limits, clearing."""
from __future__ import annotations

import dataclasses

import pytest

from tests.ui.helpers import XINHE_Q

pytestmark = pytest.mark.slow
ui = pytest.importorskip("planqa.ui")


@pytest.fixture(scope="module")
def logic(ui_server):
    return ui.AppLogic(ui_server[1])


def run(logic, question, turns=(), docs=(), places=(), types=(), top_k=10, mode="hybrid", answerer="extractive"):
    return list(logic.respond(question, list(turns), list(docs), list(places), list(types), top_k, mode, answerer))


def test_respond_streams_then_shows_answer_sources_and_export(logic):
    steps = run(logic, XINHE_Q)
    first, last = steps[0], steps[-1]
    assert first[0][-1]["content"] == "正在检索相关段落…"  # the browser empties the question box itself
    chat, turns, marker, sources, _, download = last
    assert chat[-1]["role"] == "assistant" and "46" in chat[-1]["content"] and "[1]" in chat[-1]["content"]
    assert turns[-1]["citations"][0]["source"] == "xinhe_street_14th_plan.txt"
    assert marker.choices[0][0] == "[1]" and 'id="pq-src-1"' in sources and "pq-hit" in sources
    text = open(download.value["path"], encoding="utf-8").read()
    assert XINHE_Q in text and "xinhe_street_14th_plan.txt" in text
    assert "pq-active" in logic.pick_marker("[1]", turns, 0)
    shown, marker2, sources2 = logic.pick_turn(turns, type("Evt", (), {"index": 1})())
    assert shown == 0 and sources2 == sources


def test_second_turn_keeps_the_first(logic):
    turns = run(logic, XINHE_Q)[-1][1]
    chat, turns2 = run(logic, "海滨街道工业总产值2025年目标是多少？", turns)[-1][:2]
    assert len(turns2) == 2 and len(chat) == 4 and "39.4" in chat[-1]["content"]


def test_filters_restrict_the_passages(logic):
    turns = run(logic, "商品销售总额2025年的目标是多少？", docs=["tanggu_street_14th_plan"])[-1][1]
    assert {p["source"] for p in turns[-1]["passages"]} == {"tanggu_street_14th_plan.txt"}
    turns = run(logic, "商品销售总额2025年的目标是多少？", types=["政府工作报告"])[-1][1]
    assert {p["source"] for p in turns[-1]["passages"]} <= {"jinghai_district_2021_work_report.txt"}


def test_empty_question_changes_nothing(logic):
    steps = run(logic, "  \x00 ")
    assert len(steps) == 1 and all(not isinstance(x, list) for x in steps[0])  # every output is skipped


def test_unreachable_llm_falls_back_with_a_visible_notice(ui_server):
    from planqa.rag.service import Assistant

    s = ui_server[1].settings.with_overrides({"llm_base_url": "http://127.0.0.1:9/v1", "llm_model": "none",
                                               "llm_timeout": 2})
    chat, turns = run(ui.AppLogic(Assistant(s)), XINHE_Q, answerer="llm")[-1][:2]
    assert "46" in chat[-1]["content"] and "> 提示：LLM 服务不可用" in chat[-1]["content"]
    assert any("已改用离线抽取式回答" in n for n in turns[-1]["notices"])


def test_upload_limits_leave_the_kb_unchanged(ui_server, tmp_path):
    from planqa.rag.service import Assistant

    assistant = ui_server[1]
    small = Assistant(dataclasses.replace(assistant.settings, max_upload_files=1))
    files = [tmp_path / "a.txt", tmp_path / "b.exe"]
    for f in files:
        f.write_text("测试内容。", encoding="utf-8")
    before = sorted(assistant.kb.docs)
    report = ui.AppLogic(small).upload([str(f) for f in files])[0]
    assert "一次最多上传 1 个文件" in report and "b.exe：不支持的文件类型 .exe" in report
    assert sorted(assistant.kb.docs) == before


def test_a_refusal_under_filters_says_which(logic):
    turns = run(logic, "月球上的人口有多少？", places=["天津市滨海新区塘沽街道"])[-1][1]
    assert turns[-1]["refused"] and any("当前已限定地区（塘沽街道）" in n for n in turns[-1]["notices"])
    assert not any("限定" in n for n in run(logic, "月球上的人口有多少？")[-1][1][-1]["notices"])


def test_a_clicked_marker_opens_the_viewer_at_the_cited_lines(logic):
    turns = run(logic, "塘沽街道规划新增多少张养老床位？")[-1][1]
    shown, marker, sources, page, tabs = logic.open_citation("0:1:123", turns, 0)
    assert shown == 0 and 'data-line="247"' in page and "pq-cited" in page and "<mark>" in page
    assert logic.open_citation("p:9:1", turns, 0) == (ui.gr.skip(),) * 5  # no such marker
    assert logic.open_citation("", [], -1) == (ui.gr.skip(),) * 5


def test_eval_errors_name_the_file_not_the_server_path(ui_server, tmp_path):
    from planqa.ui.tabs import run_eval

    bad = tmp_path / "gradio" / "3f2a9c" / "q.jsonl"
    bad.parent.mkdir(parents=True)
    bad.write_text('{"id": "a"}\n', encoding="utf-8")
    with pytest.raises(ui.gr.Error) as err:
        run_eval(ui_server[1], str(bad), progress=lambda *a, **k: None)
    assert "q.jsonl" in str(err.value) and str(tmp_path) not in str(err.value)
    assert err.value.print_exception is False and err.value.title == "评测"
