"""The LangChain default pipeline every tutorial builds, measured the same way as planqa.

Load each file as a ``Document`` → ``RecursiveCharacterTextSplitter(chunk_size=500,
chunk_overlap=50, add_start_index=True)`` → planqa's default embedder (e5)
wrapped as a LangChain ``Embeddings`` → ``InMemoryVectorStore.from_documents`` (the
``langchain_core`` store of LangChain's own RAG tutorial: exact cosine search) →
``as_retriever(k=10)``.
The tutorial pipeline has no offline answerer, so its "answer" is the top passage
with its source and line span. Run as ``python -m bench.baseline OUT.json``.
"""
from __future__ import annotations

import statistics
from pathlib import Path

from bench.measure import peak_rss_mb, process_age_s, repeat_latency, rss_mb, system_main, timed_ms
from bench.quality import dev_questions, file_texts, line_span, score_rankings, scored_questions

CHUNK_SIZE, CHUNK_OVERLAP, TOP_K = 500, 50, 10


def planqa_embeddings():
    """planqa's configured default embedder as a ``langchain_core`` ``Embeddings``."""
    from langchain_core.embeddings import Embeddings

    from planqa.config import Settings
    from planqa.embeddings.base import get_embedder

    class PlanqaEmbeddings(Embeddings):
        def __init__(self, embedder):
            self.embedder = embedder

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return self.embedder.embed_documents(list(texts)).tolist()

        def embed_query(self, text: str) -> list[float]:
            return self.embedder.embed_query(text).tolist()

    return PlanqaEmbeddings(get_embedder(Settings()))


def load_and_split(paths: list[Path]):
    """The tutorial's loading and splitter; each chunk keeps ``source`` and ``start_index``."""
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    docs = [Document(page_content=p.read_text(encoding="utf-8"), metadata={"source": str(p)}) for p in paths]
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP,
                                              add_start_index=True)
    return docs, splitter.split_documents(docs)


def build(paths: list[Path]):
    """Ingest as the tutorial does; (retriever, vector store, chunks, embeddings)."""
    from langchain_core.vectorstores import InMemoryVectorStore

    _, chunks = load_and_split(paths)
    embeddings = planqa_embeddings()
    store = InMemoryVectorStore.from_documents(chunks, embeddings)
    return store.as_retriever(search_kwargs={"k": TOP_K}), store, chunks, embeddings


def index_build_s(chunks, embeddings, repeats: int = 5) -> float:
    """Seconds for ``InMemoryVectorStore.from_texts`` over already computed vectors (median), the
    analogue of planqa's index build without embedding."""
    from langchain_core.embeddings import Embeddings
    from langchain_core.vectorstores import InMemoryVectorStore

    texts = [c.page_content for c in chunks]
    known = dict(zip(texts, embeddings.embed_documents(texts)))

    class Precomputed(Embeddings):  # hands back the vectors computed above: only the store is timed
        def embed_documents(self, batch: list[str]) -> list[list[float]]:
            return [known[t] for t in batch]

        def embed_query(self, text: str) -> list[float]:
            return embeddings.embed_query(text)

    metas = [c.metadata for c in chunks]
    runs = [timed_ms(lambda: InMemoryVectorStore.from_texts(texts, Precomputed(), metadatas=metas))[0]
            for _ in range(repeats)]
    return round(statistics.median(runs) / 1000, 4)


def passages(docs, texts: dict[str, str]) -> list[tuple[str, int, int]]:
    """(file name, first line, last line) of each retrieved chunk, from its ``start_index``."""
    out = []
    for d in docs:
        name = Path(d.metadata["source"]).name
        out.append((name, *line_span(texts[name], d.metadata["start_index"], len(d.page_content))))
    return out


def answer(retriever, texts: dict[str, str], question: str) -> dict:
    """The baseline's "answer": the top passage, cited by file and line span."""
    docs = retriever.invoke(question)
    if not docs:
        return {"answer": "", "citations": []}
    src, a, b = passages(docs[:1], texts)[0]
    return {"answer": docs[0].page_content, "citations": [{"source": src, "start_line": a, "end_line": b}]}


def measure(passes: int) -> dict:
    from planqa.corpus.document import bundled_paths

    paths = bundled_paths()
    retriever, store, chunks, embeddings = build(paths)
    out = {"ingest_s": round(process_age_s(), 2), "chunks": len(chunks), "documents": len(paths),
           "rss_mb_after_ingest": rss_mb()}
    out["index_build_s"] = index_build_s(chunks, embeddings)
    texts = file_texts(paths)
    questions = [q.question for q in dev_questions()]
    for q in questions:
        retriever.invoke(q)
    retrieval = repeat_latency(retriever.invoke, questions, passes)
    answered = repeat_latency(lambda q: answer(retriever, texts, q), questions, passes)
    scored = scored_questions()
    rankings = {q.id: passages(retriever.invoke(q.question), texts) for q in scored}
    out.update({"query_ms_p50": retrieval["p50"], "query_ms_p95": retrieval["p95"],
                "answer_ms_p50": answered["p50"], "answer_ms_p95": answered["p95"],
                "query_latency": retrieval, "answer_latency": answered})
    out.update(score_rankings(rankings, scored, texts))
    out.update({"rss_mb": rss_mb(), "peak_rss_mb": peak_rss_mb(),
                "pipeline": f"Document per file + RecursiveCharacterTextSplitter(chunk_size={CHUNK_SIZE}, "
                            f"chunk_overlap={CHUNK_OVERLAP}) + USE-multilingual + LangChain "
                            f"{type(store).__name__} (exact cosine) + as_retriever(k={TOP_K}); "
                            "answer = top passage (no offline answerer)"})
    return out


if __name__ == "__main__":
    raise SystemExit(system_main(__doc__, measure))
