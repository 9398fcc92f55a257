"""Follow-up questions completed from the conversation (planqa.rag.followup)."""
import pytest

from planqa.rag.followup import is_elliptical, resolve
from planqa.rag.query import PlaceIndex

IDX = PlaceIndex.build({"xh": "天津市滨海新区新河街道", "tg": "天津市滨海新区塘沽街道",
                        "hb": "天津市滨海新区海滨街道", "jh": "天津市静海区"})
XINHE = "新河街道“十四五”期间商品销售总额累计目标是多少？"


@pytest.mark.parametrize("question, want", [
    ("那塘沽街道呢？", "塘沽街道“十四五”期间商品销售总额累计目标是多少？"),
    ("塘沽街道呢", "塘沽街道“十四五”期间商品销售总额累计目标是多少？"),
    ("塘沽街的呢？", "塘沽街“十四五”期间商品销售总额累计目标是多少？"),
    ("那么海滨街道怎么样？", "海滨街道“十四五”期间商品销售总额累计目标是多少？"),
    ("塘沽和海滨呢？", "塘沽和海滨“十四五”期间商品销售总额累计目标是多少？"),
    ("泰达街道呢？", "泰达街道“十四五”期间商品销售总额累计目标是多少？"),  # unknown: asked, then refused
])
def test_a_place_alone_asks_the_previous_question_of_it(question, want):
    got = resolve(question, [XINHE], IDX)
    assert got.question == want and got.rewritten and got.asked == question


def test_a_year_alone_replaces_the_year():
    assert resolve("2024年呢？", ["静海区2023年地区生产总值增长多少？"], IDX).question == "静海区2024年地区生产总值增长多少？"
    assert resolve("那二〇二二年呢", ["静海区2023年地区生产总值增长多少？"], IDX).question == "静海区2022年地区生产总值增长多少？"
    assert resolve("2024年呢？", ["静海区地区生产总值增长多少？"], IDX).question == "2024年静海区地区生产总值增长多少？"


def test_a_place_and_year_together():
    got = resolve("塘沽街道2025年呢？", ["新河街道2025年商品销售总额是多少？"], IDX)
    assert got.question == "塘沽街道2025年商品销售总额是多少？"


def test_compared_places_are_all_replaced():
    got = resolve("海滨街道呢？", ["新河街道和塘沽街道的商品销售总额目标分别是多少？"], IDX)
    assert got.question == "海滨街道的商品销售总额目标分别是多少？"


@pytest.mark.parametrize("question, want", [
    ("它的养老服务有哪些举措？", "新河街道的养老服务有哪些举措？"),
    ("该街道的养老服务有哪些举措？", "新河街道的养老服务有哪些举措？"),
    ("当地的养老服务有哪些举措？", "新河街道的养老服务有哪些举措？"),
    ("其养老服务有哪些举措？", "新河街道养老服务有哪些举措？"),
    ("那里有哪些重点项目？", "新河街道有哪些重点项目？"),
])
def test_a_pointing_word_takes_the_previous_place(question, want):
    got = resolve(question, [XINHE], IDX)
    assert got.question == want and got.took == ("地区 新河街道",)


def test_chains_keep_the_latest_place():
    history = [XINHE, "那塘沽街道呢？"]
    assert resolve("它的养老服务有哪些举措？", history, IDX).question == "塘沽街道的养老服务有哪些举措？"
    # the place comes from the latest question naming one, even when questions without a place came between
    history = [XINHE, "养老服务有哪些举措？"]
    assert resolve("它的重点项目有哪些？", history, IDX).question == "新河街道的重点项目有哪些？"


@pytest.mark.parametrize("question", [
    "养老服务有哪些举措？",  # names nothing, points at nothing: the whole knowledge base
    "塘沽街道的养老服务有哪些举措？",  # complete
    "其中养老服务有哪些举措？",  # 其中 does not point at a place
    "塘沽街道的目标呢？",  # names its own subject
    "其他街道有哪些举措？",  # 其他 is not 其
])
def test_complete_questions_are_left_alone(question):
    assert not resolve(question, [XINHE], IDX).rewritten


def test_without_history_nothing_changes():
    for q in ("那塘沽街道呢？", "它的养老服务有哪些举措？", "2024年呢？"):
        got = resolve(q, [], IDX)
        assert got.question == q and not got.rewritten and got.took == ()
    assert resolve("它的养老服务有哪些举措？", ["养老服务有哪些举措？"], IDX).question == "它的养老服务有哪些举措？"


def test_blank_and_odd_history_entries_are_skipped():
    assert resolve("塘沽街道呢？", [XINHE, "", None, "  "], IDX).question.startswith("塘沽街道“十四五”")


def test_ellipsis_detection():
    assert is_elliptical("那塘沽街道呢？", IDX) and is_elliptical("2024年呢", IDX)
    assert not is_elliptical("呢？", IDX) and not is_elliptical("", IDX)
    assert not is_elliptical("塘沽街道有哪些举措？", IDX)


def test_with_the_bundled_places(bundled_assistant):
    places = bundled_assistant.kb.places
    assert resolve("那塘沽街道呢？", [XINHE], places).question.startswith("塘沽街道“十四五”")
