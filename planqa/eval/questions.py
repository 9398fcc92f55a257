"""The dev question file: one JSON object per line, loaded into frozen ``Question`` records.

Validates fields and checks every evidence quote against its source documents
(whitespace-insensitively). It does not score answers or run a pipeline.
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

QUESTION_TYPES = ("fact", "number", "list", "compare", "summary", "unanswerable")
TYPE_NAMES = {"fact": "事实题", "number": "数字题", "list": "列举题", "compare": "对比题",
              "summary": "概括题", "unanswerable": "无答案题"}  # how reports and charts name each type
REQUIRED_FIELDS = ("id", "question", "answer", "doc", "evidence", "type")
MAX_REPORTED_PROBLEMS = 50

_NON_WS = re.compile(r"\S+")


@dataclass(frozen=True)
class Question:
    """One dev question with its gold answer, source documents and verbatim evidence."""

    id: str
    question: str
    answer: str
    docs: tuple[str, ...]
    evidence: tuple[str, ...]
    type: str

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


class QuestionFileError(ValueError):
    """A question file has problems; ``problems`` holds one ``file:line: message`` each."""

    def __init__(self, problems: list[str], source: str = "问题文件"):
        self.problems = list(problems)
        shown = self.problems[:MAX_REPORTED_PROBLEMS]
        hidden = len(self.problems) - len(shown)
        lines = [f"{source} 有 {len(self.problems)} 处问题：", *shown]
        if hidden:
            lines.append(f"……另有 {hidden} 处")
        super().__init__("\n".join(lines))


def normalize_ws(text: str) -> str:
    """Remove every whitespace character (spaces, tabs, newlines, U+3000, NBSP).

    >>> normalize_ws("商品销售总额\\t8.3\\n 12.45\\u3000亿元")
    '商品销售总额8.312.45亿元'
    """
    return "".join(text.split())


@lru_cache(maxsize=64)
def _stripped_index(doc_text: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """Whitespace-free copy of ``doc_text`` plus, per non-whitespace run, its start offset
    in that copy and its 1-based line number (a run never crosses a newline)."""
    parts: list[str] = []
    starts: list[int] = []
    lines: list[int] = []
    offset, line, scanned = 0, 1, 0
    for match in _NON_WS.finditer(doc_text):
        line += doc_text.count("\n", scanned, match.start())
        scanned = match.start()
        parts.append(match.group())
        starts.append(offset)
        lines.append(line)
        offset += match.end() - match.start()
    return "".join(parts), tuple(starts), tuple(lines)


def _line_at(starts: tuple[int, ...], lines: tuple[int, ...], offset: int) -> int:
    return lines[bisect.bisect_right(starts, offset) - 1]


def find_evidence_lines(doc_text: str, quote: str) -> tuple[int, int] | None:
    """1-based inclusive line span of the first whitespace-insensitive match of ``quote``.

    >>> find_evidence_lines("序号\\t指标\\n商品销售\\n总额 8.3", "商品销售总额8.3")
    (2, 3)
    >>> find_evidence_lines("abc", "xyz") is None
    True
    """
    spans = find_all_evidence_lines(doc_text, quote, limit=1)
    return spans[0] if spans else None


def find_all_evidence_lines(doc_text: str, quote: str, limit: int = 20) -> list[tuple[int, int]]:
    """Line spans of every (non-overlapping) whitespace-insensitive match of ``quote``, in order.

    Plans repeat themselves (a goal in the overview, again in its chapter, again
    in a 专栏 box): each place the quoted words stand is evidence.

    >>> find_all_evidence_lines("甲乙\\n丙\\n甲 乙", "甲乙")
    [(1, 1), (3, 3)]
    """
    needle = normalize_ws(quote)
    if not needle:
        return []
    stripped, starts, lines = _stripped_index(doc_text)
    spans, pos = [], stripped.find(needle)
    while pos >= 0 and len(spans) < limit:
        spans.append((_line_at(starts, lines, pos), _line_at(starts, lines, pos + len(needle) - 1)))
        pos = stripped.find(needle, pos + len(needle))
    return spans


def evidence_spans(q: Question, doc_texts: Mapping[str, str]) -> dict[str, list[tuple[int, int]]]:
    """Per named document (that ``doc_texts`` holds), the line spans where the quotes are found.

    A quote that occurs several times contributes every occurrence.
    """
    return {doc: [span for quote, spans in per_quote for span in spans]
            for doc, per_quote in evidence_occurrences(q, doc_texts).items()}


def evidence_occurrences(q: Question, doc_texts: Mapping[str, str]
                         ) -> dict[str, list[tuple[str, list[tuple[int, int]]]]]:
    """Per named document, each quote found there with all its line spans."""
    out: dict[str, list[tuple[str, list[tuple[int, int]]]]] = {}
    for doc in q.docs:
        if doc not in doc_texts:
            continue
        found = ((quote, find_all_evidence_lines(doc_texts[doc], quote)) for quote in q.evidence)
        out[doc] = [(quote, spans) for quote, spans in found if spans]
    return out


def bundled_questions_path() -> Path:
    """Path of the dev set shipped with the package (``planqa/eval/data/questions.jsonl``)."""
    return Path(__file__).resolve().parent / "data" / "questions.jsonl"


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _as_str_list(value: object) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def _check_fields(obj: dict) -> list[str]:
    """Problems with one record's fields, independent of the documents."""
    missing = [name for name in REQUIRED_FIELDS if name not in obj]
    if missing:
        return [f"缺少字段：{'、'.join(missing)}"]
    problems = []
    for name in ("id", "question", "answer"):
        if not isinstance(obj[name], str) or not obj[name].strip():
            problems.append(f"字段 {name} 应为非空字符串")
    doc = obj["doc"]
    if not (isinstance(doc, str) and doc) and _as_str_list(doc) is None:
        problems.append("字段 doc 应为文件名或文件名列表")
    evidence = _as_str_list(obj["evidence"])
    if evidence is None:
        problems.append("字段 evidence 应为字符串列表")
    elif any(not normalize_ws(quote) for quote in evidence):
        problems.append("evidence 中有空的引文")
    qtype = obj["type"]
    if qtype not in QUESTION_TYPES:
        problems.append(f"未知题型 {qtype!r}（应为 {'、'.join(QUESTION_TYPES)} 之一）")
    if problems:
        return problems
    docs = [doc] if isinstance(doc, str) else doc
    if qtype == "unanswerable":
        if docs:
            problems.append("无答案题（unanswerable）的 doc 应为 []")
        if evidence:
            problems.append("无答案题（unanswerable）的 evidence 应为 []")
    else:
        if not docs:
            problems.append(f"{TYPE_NAMES[qtype]}（{qtype}）至少要指明一个文档（doc）")
        if not evidence:
            problems.append(f"{TYPE_NAMES[qtype]}（{qtype}）至少要有一条引文（evidence）")
    return problems


def _check_evidence(q: Question, doc_texts: Mapping[str, str]) -> list[str]:
    """Unknown documents, quotes found in none of the named documents, and named
    documents that no quote supports."""
    unknown = [doc for doc in q.docs if doc not in doc_texts]
    if unknown:
        return [f"知识库中没有文档 {doc}" for doc in unknown]
    problems = []
    supported: set[str] = set()
    for quote in q.evidence:
        hits = [doc for doc in q.docs if find_evidence_lines(doc_texts[doc], quote)]
        if hits:
            supported.update(hits)
        else:
            problems.append(f"在 {'、'.join(q.docs)} 中找不到引文：{_short(quote)}")
    if not problems:
        problems += [f"没有一条引文出自 {doc}" for doc in q.docs if doc not in supported]
    return problems


def _to_question(obj: dict) -> Question:
    doc = obj["doc"]
    return Question(
        id=obj["id"].strip(),
        question=obj["question"].strip(),
        answer=obj["answer"].strip(),
        docs=(doc,) if isinstance(doc, str) else tuple(doc),
        evidence=tuple(obj["evidence"]),
        type=obj["type"],
    )


def load_questions(path: str | Path, doc_texts: Mapping[str, str] | None = None) -> list[Question]:
    """Load and validate a question file; with ``doc_texts`` (file name -> text) also check
    document names and evidence quotes.

    Blank lines and lines starting with ``#`` are skipped. Every problem is collected
    and reported at once.

    Raises:
        QuestionFileError: listing each problem as ``questions.jsonl:LINE: message``.
        OSError: if the file cannot be read.
    """
    path = Path(path)
    problems: list[str] = []
    questions: list[Question] = []
    first_line_of: dict[str, int] = {}
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise QuestionFileError([f"{path.name}: 不是 UTF-8 编码：请另存为 UTF-8 后重试"], str(path)) from None
    for lineno, raw in enumerate(content.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path.name}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: 不是有效的 JSON（第 {exc.colno} 列）")
            continue
        if not isinstance(obj, dict):
            problems.append(f"{where}: 每行应为一个 JSON 对象 {{…}}")
            continue
        record_problems = _check_fields(obj)
        if not record_problems:
            q = _to_question(obj)
            if q.id in first_line_of:
                record_problems.append(f"id {q.id} 重复（第 {first_line_of[q.id]} 行已用过）")
            else:
                first_line_of[q.id] = lineno
            if doc_texts is not None:
                record_problems += _check_evidence(q, doc_texts)
            if not record_problems:
                questions.append(q)
        problems += [f"{where}: {msg}" for msg in record_problems]
    if not problems and not questions:
        problems.append(f"{path.name}: 文件中没有问题")
    if problems:
        raise QuestionFileError(problems, source=str(path))
    return questions


def recorded_blind_scores() -> dict:
    """The blind question sets' recorded scores (``data/blind_scores.json``, ``{"sets": [...]}``): never tuned on."""
    path = Path(__file__).with_name("data") / "blind_scores.json"
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
