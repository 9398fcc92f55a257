"""What a question asks for: its type (number, list …), its tense, and its content words.

Pure functions on the question text; no retrieval and no scoring here.
"""
from __future__ import annotations

import re

from planqa.corpus.text import normalize

# words that say how to ask, not what about: removed before matching question and sentence
QUESTION_WORDS = ("多少", "几", "哪些", "哪几", "什么", "怎样", "怎么", "如何", "是否", "哪个", "哪里", "谁",
                  "何时", "请问", "吗", "呢", "具体", "主要", "分别", "有关", "方面", "情况", "提出", "要求",
                  "规划", "目标", "期间", "时期", "达到", "计划", "安排", "哪", "十四五", "十三五", "内容",
                  "包括", "多大", "有多", "指的是", "是指", "是", "的", "了", "在", "有", "和", "与", "及", "对", "要", "将",
                  "中", "里", "上", "为", "到", "年", "个", "呀", "一下", "列出", "说说", "介绍")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_REVIEW_Q = re.compile(r"十三五|过去|已经|完成了|取得了|回顾|成效|成绩|此前|以来|截至|截止|现有|目前")
_FUTURE_Q = re.compile(r"目标|计划|将要|要求|力争|预期|打算|安排|部署|十四五|展望|远景|202[1-9]年.*(要|将)")


def question_type(question: str) -> str:
    """number | list | summary | who | when | fact, from the question's wording.

    >>> question_type("商品销售总额目标是多少？"), question_type("包括哪些措施？"), question_type("何时印发？")
    ('number', 'list', 'when')
    """
    q = question
    if re.search(r"什么时候|何时|哪一年|哪年|日期|时间", q):
        return "when"
    if re.search(r"多少|(?<!哪)几[个项家所条万亿%张片起名座]|比例|比重|增速|增长率|覆盖率|规模|数量|金额|总额|总值|面积|率是|目标值|几成", q):
        return "number"
    if re.search(r"概括|总结|思路|怎么做|如何做|打算|怎样(推进|开展|安排)|主要(做法|内容)", q):
        return "summary"
    if re.search(r"哪些|哪几|包括|包含|列举|几个方面|哪[一二三四五六七八九十两]", q):
        return "list"
    if re.search(r"谁|哪个|哪位|哪家|什么会议|由.*作", q):
        return "who"
    return "fact"


def question_tense(question: str) -> str:
    """'past' (asks about results achieved), 'future' (targets, plans) or '' (neither or both).

    >>> question_tense("“十三五”期间完成了多少？"), question_tense("2025年的目标是多少？"), question_tense("位于哪里")
    ('past', 'future', '')
    """
    past, future = bool(_REVIEW_Q.search(question)), bool(_FUTURE_Q.search(question))
    if past and not future:
        return "past"
    if future and not past:
        return "future"
    return ""


def content_text(question: str, places: tuple[str, ...] = ()) -> str:
    """The question with place names, years and question words blanked out (normalised).

    >>> content_text("新河街道2025年商品销售总额的目标是多少？", ("新河街道",)).split()
    ['商品销售总额', '是']
    """
    q = normalize(question)
    for p in sorted(places, key=len, reverse=True):
        q = q.replace(normalize(p), " ")
    q = re.sub(r"(19|20)\d\d年?", " ", q)
    q = re.sub(r"[？?！!。，,、；;：:“”\"'（）()《》]", " ", q)
    for w in sorted(QUESTION_WORDS, key=len, reverse=True):
        if len(w) >= 2 or w in "的了吗呢":
            q = q.replace(w, " ")
    return q


def content_bigrams(question: str, places: tuple[str, ...] = ()) -> list[str]:
    """Character bigrams of the question's content, the unit of sentence matching.

    >>> content_bigrams("新河街道2025年商品销售总额的目标是多少？", ("新河街道",))
    ['商品', '品销', '销售', '售总', '总额']
    """
    text = content_text(question, places)
    grams: list[str] = []
    for run in _CJK_RUN.findall(text):
        for i in range(len(run) - 1):
            g = run[i:i + 2]
            if g not in grams and not all(ch in "的了在有和与及对要将中里上为到是" for ch in g):
                grams.append(g)
    for tok in re.findall(r"[a-z0-9.%]+", text):
        if tok not in grams and not tok.replace(".", "").isdigit():
            grams.append(tok)
    return grams


_INDICATOR_END = re.compile(r"(总额|总值|产值|数量|率|收入|投资|人数|人口|面积|规模|比例|比重|能力|床位|"
                            r"指数|增速|金额|产量|户数|个数|家数|总量|余额|税收|利润|排放|消耗)$")


def indicator_phrase(question: str, places: tuple[str, ...] = ()) -> str:
    """The statistical indicator a question asks about by name, or '' if it names none or several.

    >>> indicator_phrase("新河街道规上工业企业数量2025年的目标是多少个？", ("新河街道",))
    '规上工业企业数量'
    >>> indicator_phrase("文化站一年至少要办多少场活动？"), indicator_phrase("项目数量和到位资金是多少？")
    ('', '')
    """
    text = content_text(question, places)
    if re.search(r"[和与及、]|以及", text):
        return ""
    runs = [r for r in _CJK_RUN.findall(text) if _INDICATOR_END.search(r)]
    return max(runs, key=len) if len(runs) == 1 else ""


def nouns(text: str) -> list[str]:
    """Chinese nouns of two or more characters (jieba part-of-speech n*, time words excluded).

    >>> nouns("火星基地的建设")
    ['火星', '基地']
    """
    import logging

    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(logging.WARNING)
    return [w for w, flag in pseg.lcut(text) if flag.startswith("n") and len(w) >= 2
            and re.fullmatch(r"[\u4e00-\u9fff]+", w)]
