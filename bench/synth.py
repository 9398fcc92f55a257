"""Synthetic chunks for the scale series, made from the real chunks of the bundled corpus.

Synthetic chunk j mixes two real chunks p and q with a weight a in [0.5, 1]:
its text keeps each sentence of p with probability a and each sentence of q with
probability 1 - a (after p's title/heading line), and its vector is
``normalize(a·v_p + (1 - a)·v_q + σ·g/√d)`` with Gaussian g, so text and vector
agree. Tokens are the real sentences' jieba tokens concatenated, not a fresh
jieba run over a million texts; texts are only rendered on request.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planqa.corpus.text import sentence_spans
from planqa.rag.bm25 import index_text

SIGMA = 0.5  # noise scale: a synthetic vector's cosine to its mixture is then ≈ 0.78, like real nearest neighbours


@dataclass
class Units:
    """The real corpus cut into reusable pieces: per chunk a header and its sentences (text and tokens)."""

    vectors: np.ndarray  # (n0, d) unit vectors of the real chunks
    headers: list[str]
    header_tokens: list[list[str]]
    sentences: list[list[str]]
    sentence_tokens: list[list[list[str]]]

    @classmethod
    def from_kb(cls, kb) -> "Units":
        """Split every real chunk of a knowledge base; tokenised with the knowledge base's tokenizer."""
        tok = kb.tokenizer
        headers, header_tokens, sentences, sentence_tokens = [], [], [], []
        for chunk in kb.chunks:
            head = index_text(chunk).split("\n", 1)[0]
            sents = [chunk.text[a:b] for a, b in sentence_spans(chunk.text)] or [chunk.text]
            headers.append(head)
            header_tokens.append(tok.tokenize(head))
            sentences.append(sents)
            sentence_tokens.append([tok.tokenize(s) for s in sents])
        return cls(np.asarray(kb.vectors, dtype=np.float32), headers, header_tokens, sentences, sentence_tokens)

    def __len__(self) -> int:
        return len(self.headers)


@dataclass(frozen=True)
class Plan:
    """Which real chunks each synthetic chunk mixes, and how; everything else derives from it."""

    p: np.ndarray
    q: np.ndarray
    a: np.ndarray
    seed: int

    @classmethod
    def make(cls, n: int, n_real: int, seed: int = 0) -> "Plan":
        rng = np.random.default_rng(seed)
        return cls(rng.integers(0, n_real, n), rng.integers(0, n_real, n),
                   rng.uniform(0.5, 1.0, n).astype(np.float32), seed)

    def __len__(self) -> int:
        return len(self.p)


def _kept(count: int, prob: float, rng: np.random.Generator) -> np.ndarray:
    return np.flatnonzero(rng.random(count) < prob)


def tokens(units: Units, plan: Plan) -> list[list[str]]:
    """Token lists of the synthetic chunks (the real token strings are shared, not copied)."""
    rng = np.random.default_rng(plan.seed + 1)
    out = []
    for p, q, a in zip(plan.p.tolist(), plan.q.tolist(), plan.a.tolist()):
        own, other = units.sentence_tokens[p], units.sentence_tokens[q]
        keep = _kept(len(own), a, rng)
        if not len(keep):
            keep = [0]
        toks = list(units.header_tokens[p])
        for i in keep:
            toks += own[i]
        for i in _kept(len(other), 1.0 - a, rng):
            toks += other[i]
        out.append(toks)
    return out


def text(units: Units, plan: Plan, j: int) -> str:
    """The text of synthetic chunk ``j`` (header line, then the kept sentences), for inspection."""
    rng = np.random.default_rng(plan.seed + 1)
    for jj in range(j + 1):  # replay the random stream up to j so tokens and text agree
        p, q, a = int(plan.p[jj]), int(plan.q[jj]), float(plan.a[jj])
        keep = _kept(len(units.sentences[p]), a, rng)
        keep_other = _kept(len(units.sentences[q]), 1.0 - a, rng)
    keep = keep if len(keep) else [0]
    body = [units.sentences[p][i] for i in keep] + [units.sentences[q][i] for i in keep_other]
    return units.headers[p] + "\n" + "".join(body)


def vectors(units: Units, plan: Plan, sigma: float = SIGMA, block: int = 100_000) -> np.ndarray:
    """Unit float32 vectors of the synthetic chunks, built block by block to bound temporaries."""
    n, d = len(plan), units.vectors.shape[1]
    out = np.empty((n, d), dtype=np.float32)
    rng = np.random.default_rng(plan.seed + 2)
    base = units.vectors
    for start in range(0, n, block):
        sl = slice(start, min(n, start + block))
        a = plan.a[sl, None]
        v = a * base[plan.p[sl]] + (1.0 - a) * base[plan.q[sl]]
        v += (sigma / np.sqrt(d)) * rng.standard_normal(v.shape, dtype=np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        out[sl] = v
    return out
