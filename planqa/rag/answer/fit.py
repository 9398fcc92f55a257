"""Fit the answer confidence on the dev questions, by leave-one-document-out cross-validation.

``python -m planqa.rag.answer.fit [--data-dir DIR] [--embed-cache DIR]`` builds one
knowledge base of the documents of every question set in ``DEV_SETS`` (the bundled
corpus and the test documents of other kinds), weighs every question's best
candidates (``ExtractiveAnswerer.assess``: the evidence of ``confidence.FEATURES``)
and fits a logistic regression of "the documents answer it" on that evidence,
once per held-out document. A fold's refusal threshold is the highest confidence
that keeps its training questions' false refusals at or under ``MAX_FALSE_REFUSALS``;
the figures recorded are those of each held-out document under the model fitted
without it — the refusal figures, and the whole answer metrics with every fold's
questions answered by its own model. The shipped model is then fitted on all
questions, its threshold chosen the way each fold's was (on the questions it is fitted on), so that
the held-out figures describe the procedure that made it. Questions
the knowledge base refuses on its own (a year or place it holds nothing of) are
left out of fitting: no confidence decides them.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import sys
from pathlib import Path

from planqa.rag.answer.confidence import FEATURES, MODEL_FILE, Confidence, ModelError, load

# a fold's threshold lets at most this share of its training questions' answerable ones fall below it. Chosen
# by the held-out figures (1,222 questions, 37 documents) among 0, 0.5, 1, 2, 3 and 5 %: 0.5 % refused 90.7 % of
# the held-out unanswerable questions with 1.0 % false refusals; 0 % gave 78.9 % / 0.6 %, 1 % 93.2 % / 1.8 %,
# 2 % 94.6 % / 2.7 %, 3 % 96.8 % / 3.8 %, 5 % 96.8 % / 5.9 % (false refusals include the settled ones)
MAX_FALSE_REFUSALS = 0.005
C = 1.0  # the logistic regression's inverse regularisation (sklearn's default, not tuned)
# the question sets fitted on, each with the folder of the documents it asks about (None: the bundled corpus);
# a set whose file is absent (a source distribution without tests/) is left out
DEV_SETS = (("planqa/eval/data/questions.jsonl", None),
            ("tests/data/unseen/questions.jsonl", "tests/data/unseen"),
            ("tests/data/unseen/local_documents_questions.jsonl", "tests/data/unseen"),
            ("tests/data/dev_docs/questions.jsonl", "tests/data/dev_docs"),
            ("tests/data/dev_docs2/questions.jsonl", "tests/data/dev_docs2"),
            ("tests/data/dev3/questions.jsonl", "tests/data/unseen"),
            ("tests/data/dev_docs3/questions.jsonl", "tests/data/dev_docs3"),
            ("tests/data/dev_docs4/questions.jsonl", "tests/data/dev_docs4"),
            # the first two blind sets, once scored (their first figures are recorded in their READMEs)
            ("tests/data/blind/questions.jsonl", "tests/data/unseen"),
            ("tests/data/blind2/questions.jsonl", "tests/data/unseen"))
DOC_SUFFIXES = (".txt", ".md")


def dev_sets(root: Path) -> list[tuple[Path, Path | None]]:
    """The question files of ``DEV_SETS`` that exist under ``root``, with their documents' folders."""
    return [(root / q, root / d if d else None) for q, d in DEV_SETS if (root / q).is_file()]


def documents(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in DOC_SUFFIXES and p.name != "README.md")


def group_of(q, docs: list[str]) -> str:
    """The fold of a question: its document, or, for one about several or none, a fixed spread over them."""
    if len(q.docs) == 1:
        return q.docs[0]
    return docs[int(hashlib.sha1(q.id.encode()).hexdigest(), 16) % len(docs)]


def collect(assistant, questions) -> list[dict]:
    """Per question: its fold, whether the documents answer it, and the evidence about its best candidates."""
    chain, answerer = assistant.chain, assistant.extractive()
    shipped, answerer.confidence = answerer.confidence, None  # evidence only, no refusal from a model
    docs = sorted({d for q in questions for d in q.docs})
    rows = []
    try:
        for q in questions:
            state = chain._retrieve(chain._input(q.question, None, None, None, None))
            a = answerer.assess(state["question"], state["hits"], state["info"])
            rows.append({"id": q.id, "group": group_of(q, docs), "answerable": bool(q.answerable),
                         "settled": bool(a.reason), "x": [round(a.evidence.get(f, 0.0), 6) for f in FEATURES]})
    finally:
        answerer.confidence = shipped
    return rows


def fit(rows: list[dict]) -> Confidence:
    """A logistic regression of answerability on the evidence of ``rows`` (features standardised)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rows = [r for r in rows if not r["settled"]]
    x = np.array([r["x"] for r in rows], dtype=float)
    y = np.array([int(r["answerable"]) for r in rows])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=5000).fit((x - mean) / scale, y)
    return Confidence(tuple(round(float(v), 6) for v in mean), tuple(round(float(v), 6) for v in scale),
                      tuple(round(float(v), 6) for v in model.coef_[0]), round(float(model.intercept_[0]), 6), 0.0)


def probability(model: Confidence, row: dict) -> float:
    return model.probability(dict(zip(FEATURES, row["x"])))


def threshold(scored: list[tuple[float, bool]], most: float = MAX_FALSE_REFUSALS) -> float:
    """The highest threshold under which at most ``most`` of the answerable questions fall.

    >>> threshold([(0.9, True), (0.8, True), (0.3, False), (0.2, True)], most=0.34)
    0.799999
    """
    answerable = sorted(p for p, ok in scored if ok)
    allowed = int(most * len(answerable))  # this many may fall below
    return round(answerable[allowed] - 1e-6, 6) if allowed < len(answerable) else 0.0


def shipped_threshold(model: Confidence, rows: list[dict]) -> float:
    """The threshold of a model fitted on ``rows``, chosen on them as each fold's is on its training questions."""
    return threshold([(probability(model, r), r["answerable"]) for r in rows if not r["settled"]])


def with_threshold(model: Confidence, t: float, cv: dict | None = None) -> Confidence:
    return Confidence(model.mean, model.scale, model.coef, model.intercept, t, FEATURES, cv or {})


def refusal_figures(model: Confidence, rows: list[dict]) -> dict[str, float]:
    """Refusals of unanswerable and answerable questions (a settled refusal counts as a refusal)."""
    refused = [r["settled"] or model.refuses(probability(model, r)) for r in rows]
    ans = [f for f, r in zip(refused, rows) if r["answerable"]]
    unans = [f for f, r in zip(refused, rows) if not r["answerable"]]
    return {"refusal_correct": sum(unans) / max(len(unans), 1), "false_refusal": sum(ans) / max(len(ans), 1),
            "questions": float(len(rows))}


def cross_validate(rows: list[dict]) -> tuple[dict, dict[str, Confidence], list[tuple[float, bool]]]:
    """Leave one document out: fit on the others, choose the threshold on them, score the held-out one."""
    groups = sorted({r["group"] for r in rows})
    folds, pooled, per_fold = {}, [], {}
    for g in groups:
        train = [r for r in rows if r["group"] != g]
        test = [r for r in rows if r["group"] == g]
        m = fit(train)
        m = with_threshold(m, threshold([(probability(m, r), r["answerable"]) for r in train if not r["settled"]]))
        folds[g] = m
        per_fold[g] = {k: round(v, 4) for k, v in refusal_figures(m, test).items()}
        pooled += [(probability(m, r), r["answerable"]) for r in test if not r["settled"]]
    n = sum(f["questions"] for f in per_fold.values())
    overall = {k: round(sum(f[k] * f["questions"] for f in per_fold.values()) / n, 4)
               for k in ("refusal_correct", "false_refusal")}
    return {"held_out": overall, "folds": per_fold}, folds, pooled


def end_to_end(assistant, questions, folds: dict[str, Confidence]) -> dict[str, float]:
    """The answer metrics with every document's questions answered under the model fitted without it."""
    from planqa.eval.runner import aggregate, evaluate

    docs = sorted({d for q in questions for d in q.docs})
    answerer = assistant.extractive()
    shipped, rows = answerer.confidence, []
    try:
        for g, model in folds.items():
            answerer.confidence = model
            mine = [q for q in questions if group_of(q, docs) == g]
            _, preds = evaluate(assistant, mine)
            rows += [(q, p["scores"]) for q, p in zip(mine, preds)]
    finally:
        answerer.confidence = shipped
    m = aggregate(rows)
    keys = ("hit@5", "type=number/numbers_present", "type=list/list_recall", "citation_precision",
            "type=unanswerable/refusal_correct", "false_refusal", "answer_chars_median")
    return {k: round(m[k], 4) for k in keys if k in m}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m planqa.rag.answer.fit", description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", default=".planqa-fit", help="where to build the knowledge base of the bundled corpus")
    p.add_argument("--embed-cache", help="passage-vector cache directory (reused across runs)")
    p.add_argument("--out", default=str(Path(__file__).with_name(MODEL_FILE)), help="model file to write")
    p.add_argument("--rows", help="also write the per-question evidence here (JSON lines)")
    p.add_argument("--root", default=".", help="the checkout whose DEV_SETS are read (default: here)")
    args = p.parse_args(argv)
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp  # noqa: F401  (its greeting stays off stdout)
    from planqa.config import Settings
    from planqa.corpus.document import bundled_paths
    from planqa.eval.questions import load_questions
    from planqa.rag.service import Assistant

    try:
        load(args.out)
    except ModelError:  # the features changed, or no model yet: a neutral one (it never refuses) to collect with
        n = len(FEATURES)
        Path(args.out).write_text(json.dumps(Confidence((0.0,) * n, (1.0,) * n, (0.0,) * n, 0.0, 0.0).to_dict()),
                                  "utf-8")
    overrides = {"data_dir": args.data_dir, **({"embed_cache_dir": args.embed_cache} if args.embed_cache else {})}
    assistant = Assistant(Settings().with_overrides(overrides))
    sets = dev_sets(Path(args.root))
    folders = list(dict.fromkeys(d for _, d in sets if d is not None))
    with contextlib.redirect_stdout(io.StringIO()):
        assistant.ingest([*bundled_paths(), *(p for d in folders for p in documents(d))])
    texts = assistant.kb.source_texts()
    loaded = [load_questions(f, texts) for f, _ in sets]
    questions = [q for qs in loaded for q in qs]
    rows = collect(assistant, questions)
    cv, folds, _ = cross_validate(rows)
    cv["end_to_end"] = end_to_end(assistant, questions, folds)
    model = fit(rows)
    model = with_threshold(model, shipped_threshold(model, rows), {
        "method": "leave-one-document-out over " + ", ".join(
            f"{f.relative_to(args.root)} ({len(qs)})" for (f, _), qs in zip(sets, loaded)),
        "threshold_from": f"the fitted questions' confidences, ≤ {MAX_FALSE_REFUSALS:.1%} false refusals, as in each fold",
        **cv})
    Path(args.out).write_text(json.dumps(model.to_dict(), ensure_ascii=False, indent=1) + "\n", "utf-8")
    if args.rows:
        Path(args.rows).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    json.dump(model.cv, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
