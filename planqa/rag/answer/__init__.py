"""Answering from retrieved passages, one path: candidates → evidence → confidence → composed answer.

``extractive.ExtractiveAnswerer.assess`` reads the question (``question``,
``figures``), ranks the candidates — sentences, table rows and headings that
state a figure (``units``) — and sets aside those about another year, period or
place (``agreement``); it refuses what the knowledge base settles, then weighs
the evidence about the best candidates into the fitted ``confidence`` (refit by
``fit``, shipped as ``confidence.json``, no pickle). ``answer`` composes the
answer in the shape asked (``compose``, ``shapes``, ``sections``). The chain's
citation check (``planqa.rag.citations``) verifies it, as it verifies the LLM
answerer's, which is asked only what the same assessment would answer.
"""
