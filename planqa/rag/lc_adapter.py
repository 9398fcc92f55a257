"""The one place where planqa records meet LangChain ``Document``s, and a ``BaseRetriever`` over planqa.

``PlanqaRetriever`` drops into any LangChain chain; its documents carry source,
line span, headings and score in their metadata.
"""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from planqa.rag.retrievers import Filters
from planqa.types import Chunk, Hit


def hit_to_document(hit: Hit) -> Document:
    c = hit.chunk
    meta = {**c.to_dict(), "score": hit.score, "retriever": hit.retriever}
    meta.pop("text")
    return Document(page_content=c.text, metadata=meta, id=c.chunk_id)


def document_to_chunk(doc: Document) -> Chunk:
    """Rebuild the planqa chunk from a document made by ``hit_to_document``."""
    return Chunk.from_dict({**doc.metadata, "text": doc.page_content})


class PlanqaRetriever(BaseRetriever):
    """planqa's hybrid retrieval as a LangChain retriever.

    Example:
        >>> retriever = PlanqaRetriever(assistant=Assistant(load_settings()), k=5)  # doctest: +SKIP
        >>> retriever.invoke("新河街道商品销售总额目标")[0].metadata["start_line"]  # doctest: +SKIP
        100
    """

    assistant: Any
    k: int = 5
    filters: Filters | None = None
    mode: str | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun
                                ) -> list[Document]:
        hits = self.assistant.retrieve(query, self.k, self.filters, self.mode)
        return [hit_to_document(h) for h in hits]
