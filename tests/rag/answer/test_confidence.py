"""The answer confidence: its evidence on plain strings, the shipped model read from JSON, its recorded
held-out figures reproduced from the dev questions' evidence, and what it refuses on documents never fitted on."""
import json
from pathlib import Path

import pytest

from planqa.rag.answer import confidence as conf
from planqa.rag.answer.extractive import ExtractiveAnswerer
from planqa.rag.query import QueryInfo

ROWS = Path(__file__).resolve().parents[2] / "data" / "confidence_rows.jsonl"


def _info(docs=("d",), places=()):
    return QueryInfo("", tuple(docs), tuple(places), (), ())


def _answerer(text: str) -> ExtractiveAnswerer:
    return ExtractiveAnswerer(lambda token: 1.0, doc_text=lambda doc_id: text)


def test_a_word_the_named_document_never_writes_is_found():
    bulletin = "年末全县规模以上工业企业186户。粮食播面稳定在98万亩以上。"
    a = _answerer(bulletin)
    assert a.unnamed_in_documents("万载县规模以上工业企业研发投入是多少？", _info()) == ["研发"]
    assert a.unnamed_in_documents("万载县规模以上工业企业有多少户？", _info()) == []
    assert a.unnamed_in_documents("粮食播种面积稳定在多少？", _info()) == []  # 播面 abbreviates it
    assert a.unnamed_in_documents("注册资本上限是多少？", _info()) == ["注册资本"]  # a cap: bound_conflict's
    assert a.unnamed_in_documents("规模以上工业企业的门槛是多少？", _info()) == []  # asked as its figure
    assert a.unnamed_in_documents("常住人口是多少？", _info()) == ["常住人口"]
    assert a.unnamed_in_documents("研发投入是多少？", _info(docs=())) == []  # no document named: nothing to check
    assert a.unnamed_in_documents("粮食总量是多少？", _info()) == []  # 总量: an amount, asked of 粮食
    # what follows the thing counted says its state, worded the document's way (正常营业 of 正常开业)
    assert _answerer("全街14家老人家食堂正常开业。").unnamed_in_documents("有几家老人家食堂在正常营业？", _info()) == []
    assert _answerer("全街14家老人家食堂正常开业。").unnamed_in_documents("有几家社区食堂？", _info()) == ["社区"]
    # the question's own abbreviation of a word written in full (营收 of 营业收入) is written
    assert _answerer("锂电新能源产业营业收入2153.6亿元。").unnamed_in_documents("锂电产业营收有多少？", _info()) == []


def test_a_word_the_whole_corpus_never_writes_is_a_way_of_asking_not_a_missing_thing():
    corpus = {"#居民": 3, "#研发": 2}  # 研发 is written in another document of the corpus, 老百姓 in none
    a = ExtractiveAnswerer(lambda token: 1.0, doc_text=lambda doc_id: "全县居民人均可支配收入29865元。",
                           doc_freq=lambda token: corpus.get(token, 0))
    assert a.unnamed_in_documents("万载县老百姓人均收入是多少？", _info()) == []
    assert a.unnamed_in_documents("万载县研发投入是多少？", _info()) == ["研发"]


def test_the_shipped_model_reads_from_json_and_explains_a_refusal():
    model = conf.load()
    assert model.features == conf.FEATURES and 0.0 < model.threshold < 1.0
    assert set(model.cv["held_out"]) == {"refusal_correct", "false_refusal"}
    strong = {"coverage": 0.9, "second_coverage": 0.6, "semantic": 0.9, "numeric_coverage": 0.9, "named_share": 1.0,
              "measure_fit": 1.0, "time_found": 1.0, "q_number": 1.0}
    weak = {**strong, "coverage": 0.1, "second_coverage": 0.05, "numeric_coverage": 0.1, "weak": 1.0, "numeric_weak": 1.0}
    assert model.probability(strong) > model.threshold > model.probability(weak)
    assert model.against(weak, ("coverage", "weak", "numeric_weak")) in ("coverage", "weak",
                                                                           "numeric_weak")


def test_a_model_of_other_features_is_a_clear_error(tmp_path):
    path = tmp_path / "confidence.json"
    path.write_text(json.dumps({**conf.load().to_dict(), "features": ["coverage"]}), "utf-8")
    with pytest.raises(conf.ModelError, match="refit it with python -m planqa.rag.answer.fit"):
        conf.load(path)
    path.write_text("{not json", "utf-8")
    with pytest.raises(conf.ModelError, match="cannot read"):
        conf.load(path)


def test_the_recorded_held_out_figures_are_reproduced_from_the_dev_evidence():
    pytest.importorskip("sklearn")
    from planqa.rag.answer.fit import cross_validate, fit, shipped_threshold

    rows = [json.loads(line) for line in ROWS.read_text("utf-8").splitlines()]
    cv, _, _ = cross_validate(rows)
    model = conf.load()
    assert cv["held_out"] == model.cv["held_out"]
    assert cv["folds"] == model.cv["folds"]
    assert shipped_threshold(fit(rows), rows) == pytest.approx(model.threshold, abs=1e-6)
    assert fit(rows).coef == pytest.approx(model.coef, abs=1e-4)
