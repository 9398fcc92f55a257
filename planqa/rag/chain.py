"""The answer chain (LangChain LCEL): retrieve → number passages → answer → verify citations.

The CLI, the app, evaluation and briefings all call this chain. The extractive
answerer is the offline default; an LLM answer that fails or cannot be
verified falls back to it with a notice.
"""
from __future__ import annotations

import re
import time
import unicodedata
from functools import lru_cache
from typing import Iterator, Sequence

from langchain_core.runnables import RunnableLambda

from planqa.rag.citations import best_quote, build_citations, markers, verify, answer_sentences
from planqa.rag.answer.extractive import REFUSAL, ExtractiveAnswerer
from planqa.rag.answer.question import written_form
from planqa.rag.followup import resolve
from planqa.rag.llm import LLMAnswerer, LLMUnavailable
from planqa.rag.retrievers import Filters
from planqa.types import Answer


class QuestionError(ValueError):
    """The question itself is unusable (empty, too long); the message says what to change."""


def clean_question(question: str, max_chars: int) -> str:
    """The question without control characters and surrounding space; errors for empty/too long.

    >>> clean_question("  新河街道\\x00的目标？\\n", 100)
    '新河街道的目标？'
    """
    if not isinstance(question, str):
        raise QuestionError("问题必须是文本")
    text = "".join(ch for ch in question if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise QuestionError("问题是空的：请输入一个问题")
    if len(text) > max_chars:
        raise QuestionError(f"问题太长（{len(text)} 字，上限 {max_chars} 字）：请缩短后再问")
    return text


class AnswerChain:
    """One chain object per assistant; ``invoke`` returns an ``Answer``, ``stream`` yields text then it."""

    def __init__(self, assistant):
        self.assistant = assistant
        self.runnable = (RunnableLambda(self._retrieve, name="retrieve")
                         | RunnableLambda(self._answer, name="answer")
                         | RunnableLambda(self._finish, name="verify"))

    # ---- public -------------------------------------------------------------------------
    def invoke(self, question: str, filters: Filters | None = None, top_k: int | None = None,
               answerer: str | None = None, mode: str | None = None, history: Sequence[str] = ()) -> Answer:
        """Answer ``question``; ``history`` (earlier questions, oldest first) completes a follow-up.

        The answer's ``question`` is the one answered (``followup.resolve``), which may differ from the one typed.
        """
        return self.runnable.invoke(self._input(question, filters, top_k, answerer, mode, history))

    def stream(self, question: str, filters: Filters | None = None, top_k: int | None = None,
               answerer: str | None = None, mode: str | None = None,
               history: Sequence[str] = ()) -> Iterator[str | Answer]:
        """Yield partial answer text as it is produced, then the final verified ``Answer``."""
        state = self._retrieve(self._input(question, filters, top_k, answerer, mode, history))
        if state["answerer"] == "llm":
            pieces: list[str] = []
            try:
                for piece in self._llm().stream(state["question"], state["hits"]):
                    pieces.append(piece)
                    yield "".join(pieces)
                state["draft_text"] = "".join(pieces)
            except LLMUnavailable as exc:
                state["notices"].append(f"{exc}；已改用离线抽取式回答")
                state["answerer"] = "extractive"
        final = self._finish(self._answer(state))
        yield final

    # ---- steps --------------------------------------------------------------------------
    def _input(self, question, filters, top_k, answerer, mode, history=()) -> dict:
        s = self.assistant.settings
        question = clean_question(question, s.max_question_chars)
        if history:
            question = resolve(question, _history(history, s.max_question_chars), self.assistant.kb.places).question
        return {"question": question, "filters": filters,
                "k": top_k or s.top_k, "answerer": answerer or s.answerer, "mode": mode, "t0": time.perf_counter()}

    def _retrieve(self, state: dict) -> dict:
        retriever = self.assistant.retriever(state.get("mode"))
        t = time.perf_counter()
        asked = written_form(state["question"])  # GDP, 啥, 涨了 searched as the documents write them
        info = retriever.analyze(asked)
        hits = retriever.retrieve(asked, state["k"], state["filters"], info=info)
        return {**state, "info": info, "hits": hits, "notices": [],
                "t_retrieve": (time.perf_counter() - t) * 1000}

    def _llm(self) -> LLMAnswerer:
        return self.assistant.llm_answerer()

    def _answer(self, state: dict) -> dict:
        t = time.perf_counter()
        hits, info = state["hits"], state["info"]
        if state["answerer"] == "llm" and "draft_text" not in state:
            # both answerers refuse on the same evidence: what the documents cannot answer is not put to the model
            weighed = self.assistant.extractive().assess(state["question"], hits, info)
            if weighed.reason:
                state["notices"].append(weighed.reason)
                return {**state, "draft_text": REFUSAL, "refused": True, "quotes": {},
                        "t_answer": (time.perf_counter() - t) * 1000}
            try:
                state["draft_text"] = "".join(self._llm().stream(state["question"], hits))
            except LLMUnavailable as exc:
                state["notices"].append(f"{exc}；已改用离线抽取式回答")
                state["answerer"] = "extractive"
        if state["answerer"] == "llm":
            draft_text = state["draft_text"]
            refused = draft_text.strip().startswith("文档中没有") or not markers(draft_text)
            quotes = {}
        else:
            draft = self.assistant.extractive().answer(state["question"], hits, info)
            draft_text, refused, quotes = draft.text, draft.refused, draft.quotes
            state["context"] = () if refused else draft.extra
            if draft.reason:
                state["notices"].append(draft.reason)
        return {**state, "draft_text": draft_text, "refused": refused, "quotes": quotes,
                "t_answer": (time.perf_counter() - t) * 1000 + state.get("t_answer", 0.0)}

    def _finish(self, state: dict) -> Answer:
        hits = list(state["hits"]) + list(state.get("context", ()))  # what the answer may cite
        notices = list(state["notices"])
        if state["refused"]:
            text = REFUSAL + _nearest(hits)
            return self._answer_record(state, text, (), True, notices)
        checked = verify(state["draft_text"], hits)
        notices += checked.dropped
        if not checked.cited:
            if state["answerer"] == "llm":  # nothing verifiable: answer offline instead
                notices.append("LLM 回答未通过引用核验；已改用离线抽取式回答")
                retry = self._answer({**state, "answerer": "extractive", "notices": notices, "context": ()})
                return self._finish(retry)
            return self._answer_record(state, REFUSAL + _nearest(hits), (), True, notices)
        quotes = dict(state["quotes"])
        for sent in answer_sentences(checked.text):
            for n in markers(sent):
                quotes.setdefault(n, best_quote(hits[n - 1], sent))
        citations = build_citations(checked.cited, quotes, hits, self.assistant.kb.doc_text)
        return self._answer_record(state, checked.text, citations, False, notices)

    def _answer_record(self, state, text, citations, refused, notices) -> Answer:
        total = (time.perf_counter() - state["t0"]) * 1000
        timings = {"retrieve": round(state["t_retrieve"], 1), "answer": round(state.get("t_answer", 0.0), 1),
                   "total": round(total, 1)}
        context = () if refused else tuple(state.get("context", ()))
        return Answer(state["question"], text, tuple(citations), tuple(state["hits"]), refused,
                      tuple(notices), timings, context)


HISTORY_TURNS = 20  # a follow-up points at the last few questions; older ones are not read


def _history(history, max_chars: int) -> list[str]:
    """The last earlier questions as given (API input), cleaned; empty, too long or non-text items are skipped."""
    if isinstance(history, str):
        raise QuestionError("history 应为之前问题的列表（从早到晚），不是一段文本")
    out = []
    for q in list(history)[-HISTORY_TURNS:]:
        try:
            out.append(clean_question(q, max_chars))
        except QuestionError:
            continue
    return out


def _nearest(hits) -> str:
    """What the nearest passages are about, so a refusal still orients the user."""
    seen = []
    for h in hits[:3]:
        c = h.chunk
        label = f"《{c.title}》" + (f"{c.headings[-1]}" if c.headings else "")
        if label not in seen:
            seen.append(label)
    return ("最接近的段落来自：" + "；".join(seen) + "。") if seen else ""


@lru_cache(maxsize=1)
def load_confidence():
    """The shipped confidence model (read once)."""
    from planqa.rag.answer.confidence import load

    return load()


def make_extractive(assistant) -> ExtractiveAnswerer:
    kb = assistant.kb
    periods = {d: r.meta.period for d, r in kb.docs.items()}
    return ExtractiveAnswerer(kb.idf, assistant.settings.refuse_threshold, periods,
                              embedder=assistant.embedder, semantic_weight=assistant.settings.semantic_weight,
                              tokenize=kb.tokenizer.tokenize, doc_freq=kb.doc_freq, section=kb.section,
                              doc_text=kb.doc_text, outline=kb.outline, doc_chunks=kb.doc_chunks, sentence_vectors=kb.sentences,
                              confidence=load_confidence())
