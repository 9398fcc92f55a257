"""Answers as JSON objects and as readable text: one format for CLI, app API and evaluation."""
from __future__ import annotations

from planqa.corpus.text import squash
from planqa.types import Answer


def answer_to_json(answer: Answer, qid: str | None = None, asked: str | None = None) -> dict:
    """The ``planqa ask --json`` object for one answer.

    ``question`` is the question as asked, ``question_used`` the one answered (a follow-up
    completed from the conversation); they are the same for a question asked on its own.
    """
    return {
        "id": qid,
        "question": asked if asked is not None else answer.question,
        "question_used": answer.question,
        "answer": answer.text,
        "refused": answer.refused,
        "citations": [c.to_dict() for c in answer.citations],
        "passages": [_passage(r, h) for r, h in enumerate(answer.hits, 1)],
        # passages the answer read beside the retrieved ones (the rest of a listed section): [n] past the top-k
        "context_passages": [_passage(r, h) for r, h in enumerate(answer.context, len(answer.hits) + 1)],
        "notices": list(answer.notices),
        "timings_ms": dict(answer.timings_ms),
    }


def _passage(rank: int, h) -> dict:
    return {"rank": rank, "score": round(h.score, 6), "source": h.chunk.source, "title": h.chunk.title,
            "headings": list(h.chunk.headings), "kind": h.chunk.kind,
            "start_line": h.chunk.start_line, "end_line": h.chunk.end_line, "text": h.chunk.text}


def lines_label(start: int, end: int) -> str:
    return f"第{start}行" if start == end else f"第{start}–{end}行"


def answer_to_text(answer: Answer) -> str:
    """Answer, then numbered sources: title › headings, line span, quoted sentence(s)."""
    out = [answer.text]
    if answer.citations:
        out.append("")
        out.append("来源：")
        for c in answer.citations:
            where = " › ".join(x for x in (c.chunk.title, *c.chunk.headings) if x)
            out.append(f"[{c.n}] {where}（{c.chunk.source}，{lines_label(c.start_line, c.end_line)}）")
            out.append(f"    “{squash(c.quote)}”")
    for note in answer.notices:
        out.append(f"注：{note}")
    return "\n".join(out)
