"""Whether a candidate sentence fits what a question pins down: the year or period it asks about, the unit
of its figure, the place it names.

Pure functions. A sentence about 2021 does not answer a question about 2022, a
growth rate does not answer 多少亿元, and a district's figure does not answer a
question about one of its towns; the answerer uses these checks to skip such
sentences, and refuses when none is left. Nothing here scores relevance.
"""
from __future__ import annotations

import re

from planqa.corpus.gazetteer import gazetteer
from planqa.corpus.text import halfwidth, normalize
from planqa.rag.query import QueryInfo
from planqa.types import Hit

# five-year plan periods by name: a sentence about “十三五” is about 2016–2020
PLAN_PERIODS = {"十一五": (2006, 2010), "十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025),
                "十五五": (2026, 2030)}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=年|\s*[—–\-~至到])")
_RANGE = re.compile(r"(?<!\d)((?:19|20)\d\d)年?\s*[—–\-~至到]\s*((?:19|20)\d\d)(?!\d)")
AVERAGE = re.compile(r"年均|平均")  # a period's average, not one year's figure
_BASE_BEFORE = re.compile(r"(?:比|较|由|从|与)[“\"']?$")
_FULL_DATE = re.compile(r"(?:19|20)\d\d年\d{1,2}月\d{1,2}日")
_RELATIVE = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "明年": 1}


def years_of(text: str, doc_year: int | None = None) -> set[int]:
    """The years a sentence or heading is about: years it writes, else the plan periods it names.

    Written years win over period names (“2021年是实施‘十四五’规划的第一年” is about
    2021). In a document dated by one year (a work report), 今年 and 去年 count too.

    >>> sorted(years_of("2021年是实施“十四五”规划的第一年"))
    [2021]
    >>> sorted(years_of("“十三五”时期工作回顾"))
    [2016, 2017, 2018, 2019, 2020]
    >>> sorted(years_of("到二〇三五年基本实现现代化")), sorted(years_of("今年主要预期目标", 2021))
    ([2035], [2021])
    >>> years_of("地区生产总值242.36亿元，比上年增长4.9%", 2022)
    set()
    >>> years_of("新增就业人口2030人"), years_of("PM2.5年均浓度比“十二五”末下降19.2%")
    (set(), set())
    """
    t = normalize(text)
    years: set[int] = set()
    for a, b in _RANGE.findall(t):
        if int(a) <= int(b) <= int(a) + 30:
            years.update(range(int(a), int(b) + 1))
    years.update(int(y) for y in _YEAR.findall(t))
    if doc_year:
        for w, d in _RELATIVE.items():
            for m in re.finditer(w, t):
                # 比上年增长4.9%: last year is the base of a figure, not the year it speaks of
                if not (d and _BASE_BEFORE.search(t[:m.start()])):
                    years.add(doc_year + d)
    if years:
        return years
    for name, (a, b) in PLAN_PERIODS.items():
        # 比“十二五”末下降19.2%: the period a figure is measured from is not the one it speaks of
        if any(not _BASE_BEFORE.search(t[:m.start()]) and not t[m.end():].lstrip("”\"'").startswith("末")
               for m in re.finditer(name, t)):
            years.update(range(a, b + 1))
    return years


def frame_years(sentence: str, headings: tuple[str, ...] = (), doc_year: int | None = None) -> set[int]:
    """The years a sentence speaks of: its own, else those of its nearest heading that names any (else none)."""
    own = years_of(sentence, doc_year)
    if own:
        return own
    for heading in reversed(headings):
        ys = years_of(heading, doc_year)
        if ys:
            return ys
    return set()


def row_years(cells: tuple[tuple[str, str], ...]) -> set[int]:
    """The years a table row's columns are about (2020年, 目标·2025年 …).

    >>> sorted(row_years((("2020年", "7.5"), ("目标·2025年", "46"), ("属性", "预期性"))))
    [2020, 2025]
    """
    return {int(m.group(0)) for header, _ in cells for m in [re.search(r"(?:19|20)\d\d", header)] if m}


def year_conflict(asked: tuple[int, ...], frame: set[int], written: set[int] = frozenset()) -> bool:
    """The sentence is about other years than all the question asks about.

    A sentence about a whole period (十三五, 2021—2025) speaks of its start and end,
    not of a year inside it (2019年增长了多少 is not answered by 年均增长2.3%),
    unless it writes that year itself (``written``).

    >>> year_conflict((2022,), {2021}), year_conflict((2025,), {2020, 2025}), year_conflict((2025,), set())
    (True, False, False)
    >>> year_conflict((2019,), set(range(2016, 2021))), year_conflict((2020,), set(range(2016, 2021)))
    (True, False)
    """
    if not asked or not frame:
        return False
    if not frame & set(asked):
        return True
    if set(asked) & set(written) or len(frame) < 3:
        return False
    return not set(asked) & {min(frame), max(frame)}


def written_years(text: str) -> set[int]:
    """The single years a sentence writes out (2021年, 二〇二一年), ranges aside.

    >>> sorted(written_years("2016—2020年累计完成，2019年增长5%"))
    [2019]
    """
    t = _RANGE.sub(" ", normalize(text))
    return {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?=年)", t)}


def without_years(text: str) -> str:
    """The text with its years and year ranges blanked: a plan period (2023—2025年) is not a figure.

    >>> without_years("行动计划（2023—2025年）"), without_years("2025年达到46亿元")
    ('行动计划（ 年）', ' 达到46亿元')
    """
    return re.sub(r"(?<!\d)(?:19|20)\d\d年?", " ", _RANGE.sub(" ", text))


# ---- units -----------------------------------------------------------------------------------
# the measure a unit belongs to; a figure in another measure answers another question
_FAMILY = {"元": "money", "%": "percent", "％": "percent", "个百分点": "percent", "成": "percent",
           "亩": "area", "公顷": "area", "平方米": "area", "平方公里": "area", "平米": "area",
           "公里": "length", "千米": "length", "米": "length", "吨": "weight", "千克": "weight",
           "人": "people", "人次": "people", "名": "people", "倍": "ratio", "天": "time", "年": "time",
           "日": "time", "个月": "time", "个工作日": "time", "工作日": "time", "小时": "time"}
CLASSIFIERS = ("个百分点|个工作日|工作日|个月|小时|人次|平方公里|平方米|平米|公顷|公里|千米|千克|元|人|名|户|家|个|项|所|条|张|座|处|台|辆|套|场|次|"
               "起|批|亩|米|吨|倍|天|日|%|％")
_FIGURE = re.compile(rf"(\d+(?:\.\d+)?|[一二三四五六七八九十百千两]+)\s*[余多]?\s*(?:万亿|万|亿|千|百)?\s*[余多]?\s*({CLASSIFIERS})")
_CLAUSES = re.compile(r"[^，,；;。！？!?]+")
_RATIO = re.compile(r"\d+(?:\.\d+)?\s*[:：比]\s*\d+")
SUBJECT_SHARE = 0.5
_FRAME = re.compile(r"在[^在]{2,30}中")


def family(unit: str) -> str:
    """The measure of a unit: money, percent, area, length, weight, people, ratio, time; other classifiers
    (个, 家, 所, 张 …) count things; a bare multiplier (万) or no unit is ''.

    >>> family("亿元"), family("万人"), family("个百分点"), family("家"), family("张"), family("万")
    ('money', 'people', 'percent', 'count', 'count', '')
    """
    u = re.sub(r"^[万亿千百]", "", unit.strip())
    if not u:
        return ""
    if u.endswith("元"):
        return "money"
    return _FAMILY.get(u, "count")


def figure_families(text: str) -> set[str]:
    """The measures of the figures written in ``text``.

    >>> sorted(figure_families("新增就业1.35万人，失业率控制在3.8%以内，新建3所学校"))
    ['count', 'people', 'percent']
    """
    return {family(m.group(2)) for m in _FIGURE.finditer(halfwidth(text))}


def phrase_share(phrase: str, text: str) -> float:
    """How much of a named phrase ``text`` holds: its character pairs, or its characters in order
    within a short stretch, the way Chinese abbreviates (粮食播种面积 → 粮食播面).

    >>> phrase_share("商品销售总额", "商品销售总额累计"), round(phrase_share("粮食播种面积", "粮食播面稳定在98万亩以上"), 2)
    (1.0, 0.67)
    """
    p, t = normalize(phrase), normalize(text)
    grams = [p[i:i + 2] for i in range(len(p) - 1)]
    if not grams:
        return 0.0
    pairs = sum(1 for g in grams if g in t) / len(grams)
    return max(pairs, _in_order_share(p, t))


def word_share(phrase: str, text: str) -> float:
    """How much of a phrase ``text`` holds, its words weighed by how rarely Chinese writes them (jieba's
    inverse document frequencies): a phrase is named by its rare words (预制菜, 二期), not by the common ones
    a document words its own way (政策 as 措施, 每年 as 年度).

    >>> word_share("预制菜扶持政策每年", "顺德区支持预制菜产业的若干措施 年度扶持资金总额") > 0.5
    True
    >>> word_share("二期项目", "全年新签约项目62个") < 0.5
    True
    """
    from planqa.rag.answer.question import _jieba

    _jieba()
    import jieba.analyse

    idf = jieba.analyse.default_tfidf
    t = normalize(text)
    words = [w for w in _jieba().cut(normalize(phrase)) if len(w) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w)]
    weights = [idf.idf_freq.get(w, idf.median_idf) for w in words]
    if not words:
        return 0.0
    return sum(wt for w, wt in zip(words, weights) if w in t) / sum(weights)


def _in_order_share(p: str, t: str) -> float:
    """Largest share of ``p``'s characters found in order in a stretch of ``t`` starting with its first one."""
    best = 0
    start = t.find(p[0])
    while start >= 0 and best < len(p):
        window, pos, got = t[start:start + len(p) + 2], 0, 0
        for ch in p:
            k = window.find(ch, pos)
            if k >= 0:
                got, pos = got + 1, k + 1
        best = max(best, got)
        start = t.find(p[0], start + 1)
    return best / len(p) if best >= 3 else 0.0


# what may stand before a figure in a clause that goes on with the subject of the one before: a time, the base
# it is measured from, a verb of change (…，比上年增长4.9%; …，到2025年突破260亿元)
_LEAD_IN = re.compile(r"[到至在于]?(?:19|20)\d\d年(?:底|末|前)?|[比较]上年末?|比去年|同比|年均|平均|"
                      r"增长|下降|提高|降低|减少|增加|达到|突破|实现|完成|超过|保持|稳定在|约|为|是|了")


def figure_fits(text: str, measure: str, subject: str = "", row_unit: str | None = None, owner: str = "") -> bool:
    """A figure in the asked measure stands in ``text`` beside the asked subject.

    The figure's clause must name the subject, or, when it opens with the figure
    (…地区生产总值，达到46亿元), the clause before it. What the subject belongs to
    (``owner``: 新签约项目 of 协议投资) may stand in the clause before. A table row
    fits by its unit.

    >>> s = "预计2020年地区生产总值下降3%，造成一般公共预算收入减少6亿元左右"
    >>> figure_fits(s, "money", "地区生产总值"), figure_fits(s, "percent", "地区生产总值")
    (False, True)
    >>> figure_fits("地区生产总值年均增长7%左右，到2025年突破260亿元", "money", "地区生产总值")
    True
    >>> figure_fits("全年全县地区生产总值（GDP）242.36亿元，比上年增长4.9%", "percent", "地区生产总值")
    True
    >>> t = "全年新签约项目62个，协议投资215亿元"
    >>> figure_fits(t, "money", "协议投资", owner="新签约项目"), figure_fits(t, "money", "协议投资", owner="二期项目")
    (True, False)
    >>> figure_fits("在限额以上单位商品零售额中，汽车类增长9.1%，其中新能源汽车增长46.5%", "percent",
    ...             "限额以上单位新能源汽车零售额增速")
    True
    """
    if not measure:
        return True
    if row_unit is not None:
        got = family(row_unit)
        return (not got or got == measure) and (not subject or phrase_share(subject, text) >= SUBJECT_SHARE)
    clauses = _CLAUSES.findall(halfwidth(text))
    # a sentence that opens with its scope (在限额以上单位商品零售额中，…汽车类增长9.1%，其中新能源汽车增长46.5%)
    # states every later figure within it
    frame = clauses[0].strip() if len(clauses) > 1 and _FRAME.fullmatch(clauses[0].strip()) else ""
    for i, clause in enumerate(clauses):
        m = next((m for m in _FIGURE.finditer(clause) if family(m.group(2)) == measure), None)
        if m is None and measure == "percent":
            m = _RATIO.search(clause)  # 200:1 的比例
        if m is None:
            continue
        # a clause whose figure follows only a time and a verb (到2025年突破260亿元) goes on with the
        # subject of the clause before
        lead_in = _LEAD_IN.sub("", clause[:m.start()]).strip()
        context = clause if len(lead_in) > 3 or i == 0 else clauses[i - 1] + clause
        if frame and i > 0:
            context = frame + context
        # the figure counts the subject: its head word stands in the clause (8个日间照料站 does not count 床位)
        if subject and not (phrase_share(subject, context) >= SUBJECT_SHARE and _names_head(subject, context)):
            continue
        if owner and phrase_share(owner, (clauses[i - 1] if i else "") + clause) < SUBJECT_SHARE:
            continue
        return True
    return False


_GROWTH = ("增速", "增长", "增幅")


def _names_head(subject: str, text: str) -> bool:
    """The text names what the subject measures: its head word, a growth written another way (增速 as 增长),
    or the head abbreviated with the word before it (播种面积 as 播面).

    >>> _names_head("粮食播种面积", "粮食播面稳定在98万亩以上"), _names_head("年均增速", "年均增长2.3%")
    (True, True)
    >>> _names_head("日间照料床位", "8个日间照料站")
    False
    """
    t, s = normalize(text), normalize(subject)
    head = _head(s)
    if head in t or (head in _GROWTH or s.endswith("增长率")) and any(g in t for g in _GROWTH):
        return True
    return len(s) >= 4 and s[-4] + s[-2] in t


def _head(subject: str) -> str:
    """The last word of a noun phrase, which names what is measured (日间照料床位 → 床位)."""
    return normalize(subject)[-2:]


_MEASURE_WORDS = re.compile(r"率|增速|增长|增幅|降幅|比重|比例|占比|密度|人均|年均|指数")


def other_measure(name: str, asked: str) -> bool:
    """An indicator ``name`` measures something the question does not ask (地区生产总值增长率 for 地区生产总值).

    >>> other_measure("地区生产总值增长率", "地区生产总值达到"), other_measure("地区生产总值增长率", "地区生产总值增速")
    (True, False)
    >>> other_measure("商品销售总额累计", "商品销售总额")
    False
    """
    n, a = normalize(name), normalize(asked)
    return any(m.group(0) not in a for m in _MEASURE_WORDS.finditer(n)) and not (
        _MEASURE_WORDS.search(a) and any(x in a for x in ("增", "率", "比", "速")))


_ABBREVIATED = (("规上", "规模以上"), ("限上", "限额以上"))  # statistics' abbreviations of an indicator's scope
_GOES_ON = re.compile(r"增长|增加|下降|减少|提高|降低|比上年|同比|达到|达|为|是|实现|完成|占|突破|保持|约|按|较|超过|年均|累计|"
                      r"分别|和|与|及")
_NAME_END = re.compile(r"率|比重|比例|占比|密度|指数|总额|总值|人数|数量|面积|产量|收入|支出|规模")


def names_other(phrase: str, text: str) -> bool:
    """Wherever ``text`` names the indicator, it names it as part of another's name: per head of it
    (人均地区生产总值), or as what a further measure is of (亿元地区生产总值生产安全事故死亡率,
    占地区生产总值的比重). False where it does not name it at all.

    >>> names_other("地区生产总值", "亿元地区生产总值生产安全事故死亡率为0.021人"), names_other("地区生产总值", "全年人均地区生产总值135720元")
    (True, True)
    >>> names_other("地区生产总值", "全年全市地区生产总值（GDP）3318.62亿元，比上年增长5.6%"), names_other("地区生产总值", "地区生产总值增长率")
    (False, False)
    >>> names_other("地区生产总值", "民营经济增加值126.7亿元，占地区生产总值的比重为58.0%")
    True
    >>> names_other("规上工业增加值增速", "高技术制造业增加值增长9.5%，占规模以上工业增加值的比重为8.7%")
    True
    """
    p, t = re.sub(r"(?:增速|增长率|增幅|增长)$", "", normalize(phrase)), normalize(text)  # its growth: the same name
    pattern = re.escape(p)
    for short, full in _ABBREVIATED:  # 规上工业 is written 规模以上工业 too, and the other way round
        pattern = pattern.replace(short, f"(?:{short}|{full})").replace(full, f"(?:{short}|{full})") \
            if short in p or full in p else pattern
    spots = [(m.start(), m.end()) for m in re.finditer(pattern, t)] if len(p) >= 2 else []
    if not spots:
        return False
    for at, end in spots:
        if t[max(0, at - 2):at] == "人均":
            continue
        run = re.match(r"(?:[（(][^）)]*[）)])?([\u4e00-\u9fff]*)", t[end:]).group(1)
        end = _NAME_END.search(run)
        if end is None or _GOES_ON.search(run[:end.start()]) or _GOES_ON.match(run):
            return False  # the indicator itself: what follows states its figure
    return True


# ---- places and periods asked -----------------------------------------------------------
def year_covered(year: int, hits: list[Hit], periods: dict[str, str]) -> bool:
    """A year is covered when a passage speaks of it (as a year, a range, a plan period like 十三五, 去年 in a
    dated report) or its document's period spans it (a plan's tables report the base year before it,
    a year's work report reviews the year before)."""
    for h in hits:
        years = [int(y) for y in re.findall(r"\d{4}", periods.get(h.chunk.doc_id, ""))]
        if years and min(years) - 1 <= year <= max(years):
            return True
        if h.chunk.row is not None and any(str(year) in header for header, _ in h.chunk.row.cells):
            return True
        text = h.chunk.text + "\n" + "\n".join(h.chunk.headings)
        text = _FULL_DATE.sub(" ", normalize(text))  # the day a document was signed is not a year it speaks of
        if year in years_of(text, years[0] if len(years) == 1 else None) or \
                any(a <= year <= b for name, (a, b) in PLAN_PERIODS.items() if name in text):
            return True
    return False


def other_period(asked: frozenset, frame: set[int]) -> bool:
    """A sentence about one plan period (its heading says 十三五) does not answer a question about another;
    a year it merely mentions (着眼于2035年) does not make it about another period."""
    return bool(asked) and len(frame) >= 3 and not frame & asked


def period_years(question: str) -> frozenset:
    """The years of the plan periods a question names (“十三五”期间 → 2016–2020), none for 十三五 and 十四五 both."""
    named = [span for name, span in PLAN_PERIODS.items() if name in question]
    return frozenset(range(named[0][0], named[0][1] + 1)) if len(named) == 1 else frozenset()


def inner_places(info: QueryInfo, hits: list[Hit]) -> list[str]:
    """Places the question names right after a known one and below it (梅岭区东湖镇 → 东湖镇)."""
    return list(info.inner) + [p for p in info.unknown_places
                               if any(alias + p in info.text for alias in info.places)
                               and finer_place(p, [h.chunk.place for h in hits if h.chunk.doc_id in info.docs])]


_OWNED_FIGURE = re.compile(r"([\u4e00-\u9fa5]{1,8}?(?:街道|镇|乡|区|县|市|旗))[为是达：:]{0,2}\s*\d")


def others_figures(text: str, asked: tuple[str, ...]) -> bool:
    """The sentence gives figures of other places only (丰城市688.4亿元，樟树市556.2亿元 for a question about
    宜春市): a place's figure stands right after its name, and none stands after a place asked.

    >>> others_figures("各县地区生产总值：丰城市688.4亿元，万载县242.4亿元。", ("宜春市",))
    True
    >>> others_figures("其中高城镇2.76万吨，潭埠镇2.41万吨。", ("万载县", "高城镇"))
    False
    >>> others_figures("全年全市地区生产总值3465.82亿元。", ("宜春市",)), others_figures("", ())
    (False, False)
    """
    if not asked:
        return False
    owners = [m.group(1) for m in _OWNED_FIGURE.finditer(halfwidth(text))]
    places = [o for o in owners if gazetteer().knows(_tail_unit(o)) or o.endswith(("街道", "镇", "乡"))]
    return bool(places) and not any(a in o or o.endswith(a) for o in owners for a in asked)


def _tail_unit(name: str) -> str:
    g = gazetteer()
    return next((name[i:] for i in range(len(name) - 1) if g.knows(name[i:])), name)


_LEVEL = (("村", "社区"), ("镇", "乡", "街道", "街"), ("区", "县", "市"))


def finer_place(name: str, places: list[str]) -> bool:
    """``name`` is a lower administrative unit (a 镇 or 街道) than every named document's place (a 区)."""
    def level(p: str) -> int:
        return next((i for i, ends in enumerate(_LEVEL) if p.endswith(ends)), -1)

    ln = level(name)
    return ln >= 0 and bool(places) and all(level(p) > ln for p in places if p)


# the side of a limit a figure stands on: 最高100万元 caps a grant, 不低于5000万元 sets a floor
_UPPER = re.compile(r"最高|最多|上限|封顶|不超过|不高于|不多于|以内|最大")
_LOWER = re.compile(r"最低|最少|下限|不低于|不少于|至少|起步|保底|(?<!规模)以上")


_STATED = re.compile(rf"(\d+(?:\.\d+)?)\s*(万|亿|千|百)?\s*({CLASSIFIERS}|%)")


def stated_other(question: str, text: str) -> str:
    """A figure the question states as a condition (年营业收入首次突破50亿元) where the text sets the same
    kind of figure at another value (首次突破100亿元的…给予奖励) and never the question's: the text's figure,
    else ''.

    >>> stated_other("营业收入首次突破50亿元，能拿多少奖励？", "对年营业收入首次突破100亿元的企业，给予一次性奖励500万元")
    '100亿元'
    >>> stated_other("5000万元以上的新项目要引进多少个？", "确保新引进5000万元以上项目不少于100个")
    ''
    """
    t = halfwidth(normalize(text)).replace(",", "")
    theirs = [(m.group(0), m.group(1), (m.group(2) or "") + m.group(3)) for m in _STATED.finditer(t)]
    for m in _STATED.finditer(halfwidth(normalize(question)).replace(",", "")):
        unit = (m.group(2) or "") + m.group(3)
        if any(float(v) == float(m.group(1)) and u == unit for _, v, u in theirs):
            continue
        # the text's figure in that unit, in the same words: what stands before the question's figure
        lead = normalize(question)[max(m.start() - 4, 0):m.start()]
        other = next((w for w, v, u in theirs if u == unit and lead and lead[-2:] in t[:t.find(w)][-6:]), "")
        if other:
            return other
    return ""


def bound_conflict(question: str, text: str) -> str:
    """The bound the text states when the question asks the other one ('' when they agree or either
    states none): a floor asked as a cap is not the figure asked.

    >>> bound_conflict("运营单位的注册资本最高不能超过多少？", "注册资本不低于5000万元")
    '下限'
    >>> bound_conflict("安家补贴最低给多少？", "给予最高100万元安家补贴")
    '上限'
    >>> bound_conflict("安家补贴最高给多少？", "给予最高100万元安家补贴"), bound_conflict("补贴多少？", "最高100万元")
    ('', '')
    """
    upper, lower = bool(_UPPER.search(question)), bool(_LOWER.search(question))
    if upper == lower:
        return ""
    says_upper, says_lower = bool(_UPPER.search(text)), bool(_LOWER.search(text))
    if upper and says_lower and not says_upper:
        return "下限"
    if lower and says_upper and not says_lower:
        return "上限"
    return ""


# the administrative levels a measure names side by side (对新认定的国家级、省级示范基地): one asked that the
# sentence's list leaves out is not given there
_LEVELS = re.compile(r"国家级|自治区级|省级|市级|县级|区级|镇级|乡级|村级|[1-5][Aa]级|[一二三四五]星级")  # 4A级 景区, 五星级 饭店


def missing_level(question: str, text: str) -> str:
    """The level the question asks (市级) when the text lists others side by side and not it, else ''.

    >>> missing_level("对新认定的市级示范基地奖励多少钱？", "对新认定的国家级、省级示范基地，分别给予30万元、15万元")
    '市级'
    >>> missing_level("省级示范基地奖多少？", "对新认定的国家级、省级示范基地，分别给予30万元、15万元")
    ''
    >>> missing_level("市级示范基地奖多少？", "对市级示范基地给予10万元")
    ''
    >>> missing_level("市级平台奖多少？", "属于国家级平台的，给予20万元奖励；属于自治区级平台的，给予10万元奖励")
    '市级'
    >>> missing_level("市级平台奖多少？", "争创国家级平台")
    ''
    >>> missing_level("新评上国家4A级旅游景区奖多少？", "对新评定为国家5A级旅游景区、国家级旅游度假区的，分别给予500万元、300万元")
    '4A级'
    """
    asked = {x.upper() for x in _LEVELS.findall(question)}
    # the levels the text sets side by side (国家级、省级) or one provision after another (属于国家级…的，
    # 给予20万元；属于自治区级…的，给予10万元)
    named = {x.upper() for x in _LEVELS.findall(normalize(text))}
    if not asked or len(named) < 2 or asked & named:
        return ""
    return sorted(asked)[0]


# a provision that leaves its figure to another text (具体收费标准…另行制定; 按照…有关规定执行)
_DEFERRED = re.compile(r"另行(?:制定|规定|确定|公布|发布|明确)|(?:按照|依照|参照)[^，,；;。]{2,30}(?:有关|相关)?规定(?:执行|办理)")


def deferred(text: str, weights: dict[str, float], least: float = 0.3) -> bool:
    """A clause of ``text`` about what is asked (``weights``: its bigrams) leaves the figure to another
    text and states none itself.

    >>> s = "向餐厨废弃物产生单位收取处理费，具体收费标准由区发展和改革委员会另行制定"
    >>> deferred(s, {"收费": 1.0, "标准": 1.0, "处理": 1.0}), deferred("补贴标准为每吨180元", {"标准": 1.0})
    (True, False)
    """
    total = sum(weights.values()) or 1.0
    clauses = _CLAUSES.findall(normalize(text))
    for i, clause in enumerate(clauses):
        if not _DEFERRED.search(clause) or _FIGURE.search(halfwidth(clause)):
            continue
        scope = (clauses[i - 1] if i else "") + clause
        if sum(w for g, w in weights.items() if g in scope) / total >= least:
            return True
    return False


def row_blank_for(cells: tuple[tuple[str, str], ...], years: tuple[int, ...]) -> bool:
    """The table row leaves the asked years' columns empty (2020年基数：—): it gives no figure for them.

    >>> row_blank_for((("2020年基数", "—"), ("2025年目标", "8.0")), (2020,)), row_blank_for((("2020年", "41"),), (2020,))
    (True, False)
    """
    asked = [v for h, v in cells if any(str(y) in h for y in years)]
    return bool(asked) and all(v.strip(" —–-－/／") == "" for v in asked)
