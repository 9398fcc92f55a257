"""What figure a question asks for: its measure (多少亿元), what it counts, whose it is, and the several
things a question may ask at once.

Pure functions on the question text, built on ``question``'s content words;
nothing here looks at a document.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from planqa.corpus.text import halfwidth, normalize
from planqa.rag.answer.agreement import CLASSIFIERS, family
from planqa.rag.answer.question import _ASKED_UNIT, _ASKS, _grams, content_text, indicator_phrase


_PERCENT_Q = re.compile(r"百分之(?:多少|几)|百分比|占比|比重|比例|增速|增长率|年均增长|平均增长|增幅|降幅|[\u4e00-\u9fff]率")


def asked_unit(question: str) -> str:
    """The measure a question asks its figure in (多少亿元 → money, 百分之多少 / 覆盖率 → percent), else ''.

    >>> asked_unit("2020年地区生产总值的总量是多少亿元？"), asked_unit("新增多少张养老床位？")
    ('money', 'count')
    >>> asked_unit("绿化覆盖率要达到多少？"), asked_unit("目标是多少？"), asked_unit("一共要花多少钱？")
    ('percent', '', 'money')
    >>> asked_unit("创新券领到手后多久内得用掉？"), asked_unit("有效期多长？"), asked_unit("几个工作日内办结？")
    ('time', 'time', 'time')
    """
    q = halfwidth(question)
    m = _ASKED_UNIT.search(q)
    if m:
        return family(m.group(2))
    if re.search(r"多少|几", q) and _PERCENT_Q.search(q):
        return "percent"
    if re.search(r"多少钱|多少资金|多少经费|多少[\u4e00-\u9fff]{0,4}费(?!时|力)", q):  # 交多少登记费: a fee is money
        return "money"
    if re.search(r"多久|多长时间|多长期限|期限?(?:有|是|为)?多长", q) and not re.search(r"一次|一回", q):
        return "time"  # 有效期多长: a span of days, months, years (not 多久开一次, which 每季度 answers)
    return ""


_COUNTED = re.compile(rf"(?:多少|几)(?:万|亿|千|百)?(?:{CLASSIFIERS})([\u4e00-\u9fff]{{2,8}})")


def counted_noun(question: str) -> str:
    """The thing a figure is asked to count (有多少个社区 → 社区, 新增多少张日间照料床位 → 日间照料床位).

    >>> counted_noun("塘沽街道辖区共有多少个社区？"), counted_noun("新增多少张日间照料床位？"), counted_noun("是多少？")
    ('社区', '日间照料床位', '')
    >>> counted_noun("计划把多少个日间照料站升级为日间照料中心？"), counted_noun("多少个工作日内办结？")
    ('日间照料站', '')

    """
    m = _COUNTED.search(halfwidth(question))
    if m and family(re.match(rf"(?:多少|几)(?:万|亿|千|百)?({CLASSIFIERS})", m.group(0)).group(1)) == "time":
        return ""  # 多少个工作日内办结, 几年内不得申报: a span of time, no thing counted
    # the noun phrase ends where a verb or a function word begins (日间照料站升级为… → 日间照料站)
    return re.split(r"[的了呢吗为向到在被把将和与及]|升级|改造|建成|实现|达到|完成|进行|纳入|覆盖|提升|增加|建设",
                    m.group(1))[0] if m else ""


# the measure an indicator is counted in, when the question names no unit (全镇总人口是多少 → people)
_IMPLIED = (("people", re.compile(r"(?:人口|人数|人员|人才)$")),
            ("money", re.compile(r"(?:总额|总值|产值|收入|投资|资金|金额|税收|利润|增加值|销售额|营业额|到位额)$")),
            ("percent", re.compile(r"(?:率|比重|比例|占比|增速|增幅|降幅)$")),
            ("area", re.compile(r"面积$")))


_CHANGE_Q = re.compile(r"增长|增速|增幅|提高|提升|下降|降低|减少|翻番|变化|比上年|同比")


def implied_measure(question: str, places: tuple[str, ...] = ()) -> str:
    """The measure implied by the indicator a question names, '' when it names none or asks a change.

    >>> implied_measure("静海镇目前全镇总人口是多少？", ("静海镇",)), implied_measure("城镇化率是多少？")
    ('people', 'percent')
    >>> implied_measure("一般公共预算收入增长多少？"), implied_measure("新增就业目标是多少？")
    ('', '')
    """
    phrase = indicator_phrase(question, places)
    if not phrase or _CHANGE_Q.search(question) and not phrase.endswith(("率", "增速", "增幅", "降幅")):
        return ""
    return next((m for m, pattern in _IMPLIED if pattern.search(phrase)), "")


def measure_word(word: str) -> str:
    """The measure a word of an indicator states its figure in (比例 → percent, 收入 → money), else ''.

    >>> measure_word("比例"), measure_word("总人口"), measure_word("上限")
    ('percent', 'people', '')
    """
    return next((m for m, pattern in _IMPLIED if pattern.search(word)), "")


_FACET_SPLIT = re.compile(r"([？?；;，,])|以及|、|(?<=[\u4e00-\u9fff])[和及](?=[\u4e00-\u9fff])|"
                          r"(?<=[\u4e00-\u9fff])(与)(?=[\u4e00-\u9fff])")


_SEVERAL = re.compile(r"分别|各自|各是|各为|各有|两者|二者|两项|都是")


class Facet(NamedTuple):
    """One of several things a question asks at once."""

    text: str  # its content (question words and places blanked)
    measure: str  # the measure its figure is asked in ('' when none)
    years: tuple[int, ...] = ()  # the years it asks about (2020年是多少，2025年…)


def facets(question: str, places: tuple[str, ...] = ()) -> list[Facet]:
    """The separate things a question asks for at once (A和B分别是多少？ …多少？…多少？):
    each as its content text and the measure its figure is asked in. One thing asked gives [].

    A part that asks nothing (2020年11月“滨海大筛”期间，…) only sets the scene.

    >>> [f[:2] for f in facets("规上工业总产值和限上商品销售总额累计分别完成了多少？")]
    [('规上工业总产值', ''), ('限上商品销售总额累计 完成', '')]
    >>> [f[:2] for f in facets("11月“滨海大筛”期间，全域设了多少个采样点？共完成了多少人的核酸检测？")]
    [('全域设 采样点', 'count'), ('共完成 核酸检测', 'people')]
    >>> facets("2020年PM2.5浓度是多少？到2025年降到多少？")
    [Facet(text='pm2.5浓度是', measure='', years=(2020,)), Facet(text='到 降到', measure='', years=(2025,))]
    >>> facets("商品销售总额的目标是多少？"), facets("研究与试验发展经费支出总额是多少亿元？")
    ([], [])
    """
    several = bool(_SEVERAL.search(question))
    groups: list[list[str]] = [[]]
    glue = False  # the last delimiter was a 与 inside one name
    for piece in _FACET_SPLIT.split(question):
        if piece is None:
            continue
        if piece == "与" and not several:  # 研究与试验发展经费 is one name, unless 分别/各 says two things
            groups[-1][-1:] = ["".join(groups[-1][-1:]) + "与"]
            glue = True
            continue
        if _FACET_SPLIT.fullmatch(piece) or not piece:
            if piece and re.fullmatch(r"[？?；;，,]", piece):
                groups.append([])
            continue
        if glue and groups[-1]:
            groups[-1][-1] += piece
        else:
            groups[-1].append(piece)
        glue = False
    out: list[Facet] = []
    for group in groups:
        if not any(_ASKS.search(piece) for piece in group):
            continue
        for piece in group:
            text = " ".join(content_text(piece, places, fallback=False).split())
            if _grams(text) and text not in [f.text for f in out]:
                years = tuple(sorted({int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?=年)", halfwidth(piece))}))
                out.append(Facet(text, asked_unit(piece) or asked_unit("".join(group)), years))
    return out if len(out) > 1 else []


def facet_bigrams(facet: str) -> list[str]:
    """The matching bigrams of a facet from ``facets`` (already content text)."""
    return _grams(facet)


def figure_subject(question: str, places: tuple[str, ...] = ()) -> str:
    """The indicator asked about with what it belongs to (碳化硅新材料产业园二期项目的总投资 → the project's,
    not any 总投资), else the indicator alone.

    >>> figure_subject("碳化硅新材料产业园二期项目的总投资是多少？"), figure_subject("商品销售总额是多少？")
    ('碳化硅新材料产业园二期项目总投资', '商品销售总额')
    >>> figure_subject("塘沽街道“十四五”期间计划新增多少张养老床位？", ("塘沽街道",))
    '养老床位'
    >>> figure_subject("2020年榆宁县新签约项目的协议投资额有多少？", ("榆宁县",))
    '新签约项目协议投资'
    >>> figure_subject("到2025年底，静海镇对各村街的集体经济收入提出了什么目标？", ("静海镇",))
    '村街集体经济收入'
    """
    phrase = indicator_phrase(question, places)
    if not phrase:
        return ""
    m = re.search(rf"([^\s，,。？?；;：:、的“”\"']{{2,24}})的{re.escape(phrase)}", normalize(question))
    owner = m.group(1) if m else ""
    owner = re.sub(r"^(?:(?:19|20)\d\d年?(?:底|末)?|(?:今|去|明|前|本)年(?:底|末)?)", "", owner)
    for p in sorted(places, key=len, reverse=True):
        if owner.startswith(normalize(p)):
            owner = owner[len(normalize(p)):]
    owner = owner.lstrip("对各在把将从向为给让的")
    return owner + phrase if len(owner) >= 2 and not re.search(r"[和与及]", owner) else phrase