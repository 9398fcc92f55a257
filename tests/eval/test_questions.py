"""The question-file format and the shipped dev set."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from planqa.eval.questions import (
    MAX_REPORTED_PROBLEMS,
    QUESTION_TYPES,
    Question,
    QuestionFileError,
    bundled_questions_path,
    evidence_occurrences,
    evidence_spans,
    find_all_evidence_lines,
    find_evidence_lines,
    load_questions,
    normalize_ws,
)

CORPUS_DIR = Path(__file__).resolve().parents[2] / "planqa" / "corpus" / "data"


@pytest.fixture(scope="module")
def corpus_texts() -> dict[str, str]:
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(CORPUS_DIR.glob("*.txt"))}
    assert len(texts) == 5
    return texts


@pytest.fixture(scope="module")
def dev_set(corpus_texts) -> list[Question]:
    return load_questions(bundled_questions_path(), corpus_texts)


# ---- the shipped dev set -------------------------------------------------------------


def test_every_evidence_quote_is_in_a_named_document(dev_set, corpus_texts):
    for q in dev_set:
        for quote in q.evidence:
            assert any(find_evidence_lines(corpus_texts[d], quote) for d in q.docs), (q.id, quote)


def test_coverage(dev_set, corpus_texts):
    types = Counter(q.type for q in dev_set)
    assert len(dev_set) >= 90
    assert set(types) == set(QUESTION_TYPES)
    assert types["number"] >= 25
    assert types["list"] >= 10
    assert types["unanswerable"] >= 12
    assert 6 <= types["summary"] <= 0.1 * len(dev_set)  # summaries are scored loosely: a small share
    per_doc = Counter(d for q in dev_set for d in q.docs)
    assert set(per_doc) == set(corpus_texts)
    assert min(per_doc.values()) >= 12
    compares = [q for q in dev_set if q.type == "compare" and len(q.docs) >= 2]
    assert len(compares) >= 12


def test_ids_unique_in_raw_file():
    lines = bundled_questions_path().read_text(encoding="utf-8").splitlines()
    ids = [json.loads(line)["id"] for line in lines if line.strip() and not line.startswith("#")]
    assert len(ids) == len(set(ids))


def test_compare_questions_cite_every_document(dev_set, corpus_texts):
    for q in dev_set:
        if len(q.docs) > 1:
            spans = evidence_spans(q, corpus_texts)
            assert all(spans[d] for d in q.docs), q.id


def test_unanswerable_questions_name_no_document(dev_set):
    for q in dev_set:
        assert (q.type == "unanswerable") == (q.docs == ()), q.id
        assert q.answerable == bool(q.evidence), q.id


def test_list_answers_are_enumerated(dev_set):
    for q in dev_set:
        if q.type == "list":
            assert "、" in q.answer, q.id


def test_questions_do_not_copy_the_text(dev_set, corpus_texts):
    every_doc = normalize_ws("".join(corpus_texts.values()))
    for q in dev_set:
        assert normalize_ws(q.question).rstrip("？?") not in every_doc, q.id


def test_table_rows_are_found_across_cells(corpus_texts):
    tanggu = corpus_texts["tanggu_street_14th_plan.txt"]
    assert find_evidence_lines(tanggu, "商品销售总额（亿元）\t8.3\t12.45") == (158, 158)
    xinhe = corpus_texts["xinhe_street_14th_plan.txt"]
    assert find_evidence_lines(xinhe, "商品销售总额累计(亿元) 7.5 46") == (102, 106)


# ---- find_evidence_lines / normalize_ws -----------------------------------------------

DOC = "第一行标题\n商品销售总额\t8.3\t12.45\n市场主体\n数量 0.3\n\n商品销售总额 重复\n"


def test_normalize_ws_removes_every_kind_of_space():
    assert normalize_ws(" a\tb\nc\u3000d\xa0e\r\n") == "abcde"
    assert normalize_ws("") == ""


def test_find_across_tab():
    assert find_evidence_lines(DOC, "商品销售总额 8.3 12.45") == (2, 2)
    assert find_evidence_lines(DOC, "总额8.312.45") == (2, 2)


def test_find_across_line_break():
    assert find_evidence_lines(DOC, "市场主体数量0.3") == (3, 4)
    assert find_evidence_lines(DOC, "12.45\n市场主体") == (2, 3)


def test_find_is_whitespace_insensitive_both_ways():
    assert find_evidence_lines("静海镇\u3000新增 就业", "静海镇新增就业") == (1, 1)
    assert find_evidence_lines("静海镇新增就业", "静海镇\u3000新增\xa0就业") == (1, 1)


def test_find_returns_first_occurrence():
    assert find_evidence_lines(DOC, "商品销售总额") == (2, 2)


def test_find_absent_or_empty():
    assert find_evidence_lines(DOC, "不存在的引文") is None
    assert find_evidence_lines(DOC, " \n\t") is None
    assert find_evidence_lines("", "x") is None


def test_evidence_spans_per_document():
    q = Question("c-1", "q", "a", ("a.txt", "b.txt"), ("市场主体数量", "第二份"), "compare")
    texts = {"a.txt": DOC, "b.txt": "这是\n第二份 文件"}
    assert evidence_spans(q, texts) == {"a.txt": [(3, 4)], "b.txt": [(2, 2)]}


# ---- validation -----------------------------------------------------------------------

TINY_DOCS = {"a.txt": "甲街道商品销售总额\t8.3\t12.45\n", "b.txt": "乙街道新增就业\n2000人\n"}


def _record(**overrides) -> str:
    record = {
        "id": "a-001",
        "question": "甲街道商品销售总额目标？",
        "answer": "12.45亿元",
        "doc": "a.txt",
        "evidence": ["商品销售总额 8.3 12.45"],
        "type": "number",
    }
    record.update(overrides)
    return json.dumps({k: v for k, v in record.items() if v is not ...}, ensure_ascii=False)


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_valid_file_loads(tmp_path):
    path = _write(tmp_path, [
        "# comment",
        _record(),
        "",
        _record(id="x-001", type="compare", doc=["a.txt", "b.txt"], evidence=["8.3", "就业2000人"]),
        _record(id="n-001", type="unanswerable", doc=[], evidence=[]),
    ])
    questions = load_questions(path, TINY_DOCS)
    assert [q.id for q in questions] == ["a-001", "x-001", "n-001"]
    assert questions[0].docs == ("a.txt",)
    assert questions[1].docs == ("a.txt", "b.txt")
    assert not questions[2].answerable


def test_bad_file_reports_every_problem_with_line_numbers(tmp_path):
    path = _write(tmp_path, [
        _record(),                                   # 1 ok
        _record(id="a-002", doc=...),                # 2 missing field
        _record(id="a-003", type="opinion"),         # 3 unknown type
        _record(id="a-004", doc="c.txt"),            # 4 unknown document
        _record(id="a-005", evidence=["不在文中"]),    # 5 evidence not found
        '{"id": "a-006", "question": ',              # 6 invalid JSON
        _record(),                                   # 7 duplicate id
        _record(id="a-008", type="unanswerable", evidence=[]),  # 8 unanswerable with a doc
        _record(id="a-009", doc=3),                  # 9 doc of the wrong type
    ])
    with pytest.raises(QuestionFileError) as info:
        load_questions(path, TINY_DOCS)
    message = str(info.value)
    assert "questions.jsonl:2: 缺少字段：doc" in message
    assert "questions.jsonl:3: 未知题型 'opinion'" in message
    assert "questions.jsonl:4: 知识库中没有文档 c.txt" in message
    assert "questions.jsonl:5: 在 a.txt 中找不到引文：'不在文中'" in message
    assert "questions.jsonl:6: 不是有效的 JSON" in message
    assert "questions.jsonl:7: id a-001 重复（第 1 行已用过）" in message
    assert "questions.jsonl:8: 无答案题（unanswerable）的 doc 应为 []" in message
    assert "questions.jsonl:9: 字段 doc 应为" in message
    assert ":1:" not in message
    assert len(info.value.problems) == 8


def test_compare_document_without_supporting_quote(tmp_path):
    path = _write(tmp_path, [_record(type="compare", doc=["a.txt", "b.txt"])])
    with pytest.raises(QuestionFileError, match="没有一条引文出自 b.txt"):
        load_questions(path, TINY_DOCS)


def test_without_doc_texts_evidence_is_not_checked(tmp_path):
    path = _write(tmp_path, [_record(doc="elsewhere.txt", evidence=["随便什么"])])
    assert load_questions(path)[0].docs == ("elsewhere.txt",)


def test_problem_list_is_capped(tmp_path):
    path = _write(tmp_path, ["not json"] * (MAX_REPORTED_PROBLEMS + 7))
    with pytest.raises(QuestionFileError) as info:
        load_questions(path)
    assert len(info.value.problems) == MAX_REPORTED_PROBLEMS + 7
    message = str(info.value)
    assert f"questions.jsonl:{MAX_REPORTED_PROBLEMS}:" in message
    assert f"questions.jsonl:{MAX_REPORTED_PROBLEMS + 1}:" not in message
    assert "另有 7 处" in message


def test_empty_file_is_an_error(tmp_path):
    with pytest.raises(QuestionFileError, match="文件中没有问题"):
        load_questions(_write(tmp_path, ["# only a comment"]))


def test_error_is_a_value_error():
    assert issubclass(QuestionFileError, ValueError)


# ---- repeated evidence ---------------------------------------------------------------------

REPEATED = "第一章\n发展目标：建成 示范区。\n第二章\n专栏：建成示范区。\n"


def test_every_occurrence_of_a_quote_is_evidence():
    assert find_all_evidence_lines(REPEATED, "建成示范区") == [(2, 2), (4, 4)]
    assert find_evidence_lines(REPEATED, "建成示范区") == (2, 2)
    assert find_all_evidence_lines(REPEATED, "不存在") == []


def test_citation_at_a_later_occurrence_counts():
    from planqa.eval.runner import score_question

    q = Question("r-1", "q", "建成示范区", ("a.txt",), ("建成示范区",), "fact")
    occ = evidence_occurrences(q, {"a.txt": REPEATED})
    assert occ == {"a.txt": [("建成示范区", [(2, 2), (4, 4)])]}
    pred = {"refused": False, "answer": "建成示范区[1]。",
            "passages": [{"source": "a.txt", "start_line": 4, "end_line": 4}],
            "citations": [{"source": "a.txt", "start_line": 4, "end_line": 4}]}
    s = score_question(q, pred, occ)
    assert s["citation_precision"] == 1.0 and s["citation_recall"] == 1.0 and s["hit@1"] == 1.0
    wrong = dict(pred, citations=[{"source": "a.txt", "start_line": 1, "end_line": 1}])
    assert score_question(q, wrong, occ)["citation_precision"] == 0.0
