"""The /ask API endpoint through gradio_client: the `planqa ask --json` object, clear errors for bad input."""
import pytest

from planqa.rag.serialize import answer_to_json
from tests.ui.helpers import XINHE_Q

pytestmark = pytest.mark.slow


def test_ask_returns_the_cli_json_object(client, ui_server):
    got = client.predict(XINHE_Q, api_name="/ask")
    assert "46" in got["answer"] and "[1]" in got["answer"]
    assert got["citations"][0]["source"] == "xinhe_street_14th_plan.txt"
    assert got["refused"] is False
    want = answer_to_json(ui_server[1].ask(XINHE_Q))
    assert set(got) == set(want)
    assert {k: v for k, v in got.items() if k != "timings_ms"} == {k: v for k, v in want.items() if k != "timings_ms"}


def test_only_ask_is_a_public_endpoint(client):
    assert set(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == {"/ask"}


@pytest.mark.parametrize("question, words", [
    ("", "空"),
    ("长" * 10_000, "太长"),
    ("\x00\x01\x1f\x7f", "空"),
])
def test_bad_questions_give_a_clear_error(client, question, words):
    got = client.predict(question, api_name="/ask")
    assert set(got) == {"id", "question", "error"}
    assert words in got["error"]
    assert len(got["question"]) <= 201


def test_control_characters_inside_a_question_are_dropped(client):
    got = client.predict("新河街道\x07“十四五”期间\x00商品销售总额累计目标是多少？", api_name="/ask")
    assert "error" not in got and "46" in got["answer"]


def test_filters_and_top_k(client):
    got = client.predict("商品销售总额2025年的目标是多少？", ["haibin_street_14th_plan.txt"], None, None, 3,
                         api_name="/ask")
    assert len(got["passages"]) <= 3
    assert {p["source"] for p in got["passages"]} == {"haibin_street_14th_plan.txt"}
    assert "49.6" in got["answer"]
    by_place = client.predict("商品销售总额2025年的目标是多少？", places=["天津市滨海新区塘沽街道"], api_name="/ask")
    assert {p["source"] for p in by_place["passages"]} == {"tanggu_street_14th_plan.txt"}


@pytest.mark.parametrize("kwargs, words", [
    ({"docs": ["no_such_file.txt"]}, "没有这些文档"),
    ({"top_k": 1000}, "1 到 100"),
])
def test_bad_arguments_give_a_clear_error(client, kwargs, words):
    got = client.predict("新河街道的目标？", api_name="/ask", **kwargs)
    assert words in got["error"]


def test_unanswerable_question_is_refused_not_guessed(client):
    got = client.predict("月球上的人口有多少？", api_name="/ask")
    assert got["refused"] is True and got["citations"] == []
    assert got["answer"].startswith("文档中没有找到相关内容")


def test_a_follow_up_takes_the_place_from_the_history(client):
    got = client.predict("塘沽街道呢？", history=[XINHE_Q], api_name="/ask")
    assert got["question"] == "塘沽街道呢？"
    assert got["question_used"] == "塘沽街道“十四五”期间商品销售总额累计目标是多少？"
    assert "12.45" in got["answer"] and "46" not in got["answer"]
    assert got["citations"][0]["source"] == "tanggu_street_14th_plan.txt"
    pointing = client.predict("它的养老服务有哪些举措？", history=[XINHE_Q, "塘沽街道呢？"], api_name="/ask")
    assert pointing["question_used"] == "塘沽街道的养老服务有哪些举措？"
    assert {c["source"] for c in pointing["citations"]} <= {"tanggu_street_14th_plan.txt"}


def test_without_history_the_question_is_used_as_asked(client):
    got = client.predict("塘沽街道呢？", api_name="/ask")
    assert got["question_used"] == got["question"] == "塘沽街道呢？"
