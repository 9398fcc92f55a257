"""Chinese tokenisation for lexical retrieval: jieba tokens over normalised text.

Numbers are normalised (full-width digits, 二〇三五 → 2035) so they match across
forms; a per-knowledge-base user dictionary keeps place names and plan terms
whole. Quoting never uses this output.
"""
from __future__ import annotations

import logging
import re
import threading
from typing import Iterable

from planqa.corpus.text import cn_year_to_digits, halfwidth

_STOP = set("的 了 和 与 及 或 在 是 为 对 等 将 把 被 以 于 中 上 下 也 并 其 之 这 那 有 要 个 各 年 "
            "吗 呢 吧 啊 哪些 什么 多少 如何 怎样 怎么 哪个 哪里 是否 请问 一下 情况 方面 提出 主要 "
            "进行 开展 工作 相关 有关 具体 分别 ? ？ 目标 期间 时期".split())
_PUNCT = re.compile(r"^[\W_]+$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_BASE_TERMS = ("十四五", "十三五", "十五五", "二〇三五", "专栏", "街道", "办事处", "规上", "限上",
               "约束性", "预期性", "高质量发展", "乡村振兴", "日间照料", "养老服务", "营商环境",
               "京津冀", "双城", "滨城", "津城", "港产城", "共同缔造")


class ChineseTokenizer:
    """jieba ``cut_for_search`` over normalised text, with its own dictionary instance.

    Construction is cheap; the jieba dictionary loads on first use (~1 s).
    """

    def __init__(self, user_terms: Iterable[str] = ()):
        self._terms = sorted({t for t in (*_BASE_TERMS, *user_terms) if t and len(t) >= 2})
        self._jieba = None
        self._lock = threading.Lock()

    def _tok(self):
        with self._lock:
            if self._jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                for term in self._terms:
                    tok.add_word(normalize_for_tokens(term), freq=50_000)
                self._jieba = tok
        return self._jieba

    def tokenize(self, text: str) -> list[str]:
        """Tokens of ``text`` for BM25: jieba words plus character bigrams of Chinese runs.

        Bigrams recover matches that jieba segments differently in question and
        document (measured: +1–2 points hit@1 on the dev set). Stop words and
        punctuation are dropped.

        >>> toks = ChineseTokenizer().tokenize("新河街道“十四五”期间商品销售总额")
        >>> {"新河", "街道", "十四五", "商品", "#销售"} <= set(toks), "“" in toks
        (True, False)
        """
        norm = normalize_for_tokens(text)
        out = []
        for tok in self._tok().cut_for_search(norm):
            tok = tok.strip()
            if not tok or tok in _STOP or _PUNCT.match(tok):
                continue
            out.append(tok)
        for run in _CJK_RUN.findall(norm):
            out.extend("#" + run[i:i + 2] for i in range(len(run) - 1))
        return out

    def tokenize_many(self, texts: Iterable[str]) -> list[list[str]]:
        return [self.tokenize(t) for t in texts]


def normalize_for_tokens(text: str) -> str:
    """Half-width, Chinese years as digits, lower case; quotes around plan names dropped.

    >>> normalize_for_tokens("“十四五”时期二〇三五年ＧＤＰ")
    '十四五时期2035年gdp'
    """
    text = cn_year_to_digits(halfwidth(text)).lower()
    return re.sub(r"[“”\"'‘’]", "", text)
