"""What a question asks for: its type (number, list …), its tense, and its content words.

Pure functions on the question text; no retrieval and no scoring here.
"""
from __future__ import annotations

import re

from planqa.corpus.text import cn_number, normalize
from planqa.rag.answer.agreement import CLASSIFIERS

# words that say how to ask, not what about: removed before matching question and sentence
QUESTION_WORDS = ("多少", "几", "哪些", "哪几", "什么", "怎样", "怎么", "如何", "是否", "哪个", "哪里", "谁",
                  "何时", "请问", "吗", "呢", "具体", "主要", "分别", "有关", "方面", "情况", "提出", "要求",
                  "规划", "目标", "期间", "时期", "达到", "计划", "安排", "哪", "十四五", "十三五", "内容",
                  "包括", "涉及", "涵盖", "多大", "多长", "多久", "多高", "多远", "有多", "指的是", "是指", "政府工作报告", "工作报告", "纲要", "报告", "各自",
                  "都提到", "提到", "是", "的", "了", "在", "有", "和", "与", "及", "对", "要", "将",
                  "中", "里", "上", "为", "到", "年", "个", "呀", "一下", "列出", "说说", "介绍", "请简要", "简要",
                  "简述", "概述", "概括", "请", "简单", "这些", "这个", "这份", "这项", "该项", "相应", "一共", "总共",
                  # how places compare is asked, not what about
                  "有何异同", "异同", "有何不同", "有什么不同", "有何", "区别", "差异", "相比", "对比", "比较",
                  "哪个更高", "哪个更多", "哪个更大", "更高", "更多", "更大", "一样", "相同", "各是", "各为",
                  "比上年", "比去年", "较上年", "同比", "什么样", "怎么样", "自己", "第几", "排第几",
                  "两个数字", "具体数字", "哪些数字", "绝对额", "绝对值", "打算", "怎么搞", "怎么弄", "描述", "表述", "阐述", "怎么说", "指出", "谈到", "讲到", "说到", "写到", "给出")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_REVIEW_Q = re.compile(r"十三五|过去|已经|完成了|取得了|回顾|成效|成绩|此前|以来|截至|截止|现有|目前|去年|上一年|前年")
_FUTURE_Q = re.compile(r"目标|计划|将要|要求|力争|预期|打算|安排|部署|十四五|展望|远景|202[1-9]年.*(要|将)")


# spoken ways of asking, read as the written ones (啥时候 → 什么时候), and hedges that ask for no less
# precision than the figure written (大概多少): what is asked stays the same
_SPOKEN = (("啥时候", "什么时候"), ("多会儿", "什么时候"), ("咋样", "怎么样"), ("咋", "怎么"), ("啥", "什么"),
           ("哪儿", "哪里"), ("干啥", "做什么"),
           ("涨了", "增长了"), ("涨幅", "增幅"), ("降了", "下降了"),  # 涨了多少: the growth a document writes 增长
           # statistics' own abbreviations of its indicators
           ("GDP", "地区生产总值"), ("gdp", "地区生产总值"), ("社零", "社会消费品零售总额"))
DOC_PARTS = re.compile(r"几(?:个|大)?(?:部分|块|板块)")  # the parts of a document (分为哪几大块), not of a topic
_HEDGE = re.compile(r"大概|大约|大致|差不多|左右(?=[？?。]?$)")


def written_form(question: str) -> str:
    """The question in written wording: spoken question words replaced, hedges dropped.

    >>> written_form("澄岭镇养老床位大概有多少张？"), written_form("这事啥时候搞完？都有啥措施？")
    ('澄岭镇养老床位有多少张？', '这事什么时候搞完？都有什么措施？')
    """
    for spoken, written in _SPOKEN:
        question = question.replace(spoken, written)
    return _HEDGE.sub("", question)


def question_type(question: str) -> str:
    """number | list | summary | who | when | fact, from the question's wording.

    >>> question_type("商品销售总额目标是多少？"), question_type("包括哪些措施？"), question_type("何时印发？")
    ('number', 'list', 'when')
    >>> question_type("考评分成哪几块、各占多少分？"), question_type("一共几条，分别支持哪些方面？")
    ('list', 'list')
    >>> question_type("方案分了几个实施阶段，各叫什么？"), question_type("几个项目，各投资多少？")
    ('list', 'number')
    >>> question_type("坚持的基本原则都有什么？"), question_type("这项工作有什么意义？")
    ('list', 'fact')
    >>> question_type("规划的三条精品旅游线路叫什么？"), question_type("建成一个什么样的城市？")
    ('list', 'fact')
    >>> question_type("公报表1里都列了什么工业产品？"), question_type("这份方案分几个部分？")
    ('list', 'list')
    >>> question_type("规上工业增加值增速，三明市和平遥县谁更快？"), question_type("谁牵头负责？")
    ('number', 'who')
    """
    q = question
    if re.search(r"什么时候|何时|哪一年|哪年|哪一?天|几月|日期|时间", q):
        return "when"
    # which things, and a figure or count of each (分成哪几块、各占多少分; 一共几条，分别支持哪些方面): a list
    if re.search(r"哪些|哪几", q) and re.search(r"各|分别", q):
        return "list"
    if re.search(r"几[个项类种条大块]", q) and re.search(r"(?:各|分别)(?:叫|是)(?:什么|哪)", q):
        return "list"  # 分了几个阶段，各叫什么
    if DOC_PARTS.search(q):
        return "list"  # 分几个部分: the parts say how many
    # asking words first: 规模化 or 数量 inside a name does not make 哪家企业 a number question
    if _NUMBER_Q.search(q):
        return "number"
    if re.search(r"概括|总结|思路|怎么做|如何做|打算|怎样(推进|开展|安排)|主要(做法|内容)", q):
        return "summary"
    if re.search(r"哪些|哪几|包括|包含|列举|几个方面|几方面|几类|几大|哪[一二三四五六七八九十两]|"
                 r"(?:都|主要|具体)(?:有|是|包括|列了?)什么", q):
        return "list"
    # three things counted and asked what they are called (三条精品旅游线路叫什么): the things themselves
    if re.search(r"(?:[二三四五六七八九十两]|\d)[个条项家类种支座所批片]+[\u4e00-\u9fff]{0,10}(?:叫|是|指|有)什么", q):
        return "list"
    measured = re.search(r"比例|比重|增速|增长率|[\u4e00-\u9fff]率(?:是|要|为|达到|控制|提高|保持|目标)|规模(?!化)|数量|金额|"
                         r"总额|总值|面积|目标值|什么水平|什么程度", q)
    # 增速谁更快: which place's figure is higher is asked by the figures
    if measured and re.search(r"(?:谁|哪个|哪边|哪里)的?(?:更|最)[快慢高低多少大小]", q):
        return "number"
    if re.search(r"谁|哪个|哪位|哪家|哪所|哪座|什么会议|由.*作", q):
        return "who"
    if measured:
        return "number"
    if re.search(r"什么目标|目标是什么|哪些目标", q) and indicator_phrase(q):
        return "number"  # 森林覆盖率提出了什么目标 asks a figure
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


# what the question is about when nothing else is left (“十四五”主要目标有哪几个方面？ asks about 主要目标)
TOPIC_WORDS = ("十四五", "十三五", "主要目标", "目标", "规划", "计划", "安排", "要求", "内容", "主要")


def content_text(question: str, places: tuple[str, ...] = (), fallback: bool = True) -> str:
    """The question with place names, years and question words blanked out (normalised).

    A question made only of question words keeps those that name a topic (主要目标, 十四五).

    >>> content_text("新河街道2025年商品销售总额的目标是多少？", ("新河街道",)).split()
    ['商品销售总额', '是']
    >>> content_text("静海区“十四五”主要目标有哪几个方面？", ("静海区",)).split()
    ['十四五', '主要目标']
    """
    text = _content(question, places, QUESTION_WORDS)
    if _CJK_RUN.search(text) or not fallback:
        return text
    return _content(question, places, tuple(w for w in QUESTION_WORDS if w not in TOPIC_WORDS))


def _content(question: str, places: tuple[str, ...], words: tuple[str, ...]) -> str:
    q = normalize(question)
    for p in sorted(places, key=len, reverse=True):
        q = q.replace(normalize(p), " ")
    q = _HAS_BEFORE_ASK.sub(" ", q)  # 集聚区有哪几项: 有 only asks, and 区有 is no word of the documents
    q = re.sub(r"(?:分成|分为)?哪[几些]?[一二三四五六七八九十两\d]*(?:[个项类种大条点件批块章节]|部分)", " ", q)  # 哪几类, 分成哪几块
    q = _ASKED_UNIT.sub(" ", q)  # 多少亿元: the unit is checked on the figure, not matched as a word
    q = re.sub(r"(19|20)\d\d年?|(?:今|去|明|前|本)年(?!度)", " ", q)  # years, and those said relative to now
    q = re.sub(r"[？?！!。，,、；;：:“”\"'（）()《》]", " ", q)
    for w in sorted(words, key=len, reverse=True):
        if len(w) >= 2 or w in "的了吗呢":
            q = q.replace(w, " ")
    return q


_HAS_BEFORE_ASK = re.compile(r"(?:都|还|共|一共|总共|主要|具体)?有(?=\s*(?:哪|多少|几|什么))")
_ASKED_UNIT = re.compile(rf"(?:多少|几)(万|亿|千|百)?({CLASSIFIERS})")
_NUMBER_Q = re.compile(r"多少|多久|(?<!哪)几(?:[个项家所条万亿%张片起名座户人次倍](?!方面)|成)|百分之几|多大|多高|多长|多远|"
                       r"量化|数量(?:安排|要求|目标|指标)|具体数字|哪些数字")


_ASKS = re.compile(r"多少|几|什么|哪|如何|怎样|怎么|是否|吗|呢|多大|多高|多长|多远|多久")


def question_parts(question: str) -> list[str]:
    """The questions asked one after another (面积要求多大？一年至少办多少场活动？), each able to stand alone:
    a part that names nothing but what it asks (增速呢？) goes on with what the part before it asks about.
    One question comes back whole.

    >>> question_parts("梅岭区2021年地区生产总值多少？增速呢？")
    ['梅岭区2021年地区生产总值多少？', '梅岭区2021年地区生产总值增速呢？']
    >>> question_parts("授权运营期限一般多长？授权后多久得建成上线？")
    ['授权运营期限一般多长？', '授权后多久得建成上线？']
    >>> question_parts("商品销售总额目标是多少？"), question_parts("为什么？请概括。")
    (['商品销售总额目标是多少？'], ['为什么？请概括。'])
    """
    pieces = [p for p in re.split(r"(?<=[？?])", question) if p.strip()]
    if not 2 <= len(pieces) <= 3 or not all(_ASKS.search(p) for p in pieces):
        return [question]
    out = [pieces[0]]
    for p in pieces[1:]:
        if len(re.sub(r"[^\u4e00-\u9fff]", "", content_text(p))) < 4:
            at = _ASKS.search(pieces[0])
            p = re.sub(r"(?:是|有|为|要|达到|大概|大约)$", "", pieces[0][:at.start()]) + p
        out.append(p)
    return out


_ASKING = "哪吗呢么几是"  # what is left of question words once the longer ones are blanked out
_COUNT = re.compile(r"[一二三四五六七八九十两][个项条类大点种]")  # 三个, 十项: how many is asked, not what


# what a list is of, not what it is about: 哪些组织保障措施 asks about 组织保障
LIST_HEADS = ("措施", "举措", "做法", "办法", "方面", "内容", "安排", "部署", "工作", "任务", "事项", "部分")


def topic_bigrams(question: str, places: tuple[str, ...] = ()) -> list[str]:
    """The content bigrams of a question without those of the words a list is made of (措施, 方面 …).

    >>> topic_bigrams("新河街道提出了哪些组织保障措施？", ("新河街道",))
    ['组织', '织保', '保障']
    """
    text = content_text(question, places)
    for w in LIST_HEADS:
        text = text.replace(w, " ")
    return _grams(text)


def content_bigrams(question: str, places: tuple[str, ...] = ()) -> list[str]:
    """Character bigrams of the question's content, the unit of sentence matching.

    A bigram that joins a function word to its neighbour (在|乡村 → 在乡) is left out.

    >>> content_bigrams("新河街道2025年商品销售总额的目标是多少？", ("新河街道",))
    ['商品', '品销', '销售', '售总', '总额']
    >>> content_bigrams("在乡村振兴方面有哪些安排？")
    ['乡村', '村振', '振兴']
    """
    return _grams(content_text(question, places))


def _grams(text: str) -> list[str]:
    """The matching bigrams of text that is already content (``content_text``'s output)."""
    grams: list[str] = []
    for run in _CJK_RUN.findall(text):
        joins = _function_joins(run)
        for i in range(len(run) - 1):
            g = run[i:i + 2]
            if g not in grams and not all(ch in "的了在有和与及对要将中里上为到是" for ch in g) \
                    and not any(ch in _ASKING for ch in g) and not _COUNT.fullmatch(g) and i not in joins:
                grams.append(g)
    for tok in re.findall(r"[a-z0-9.%]+", text):
        if tok not in grams and not tok.replace(".", "").isdigit():
            grams.append(tok)
    return grams


def joined_bigrams(question: str, places: tuple[str, ...] = ()) -> set[str]:
    """The content bigrams that straddle two words (重点|打造 → 点打): they say the words stand together,
    which is worth less than either word.

    >>> sorted(joined_bigrams("重点打造哪几类力量？"))
    ['点打']
    """
    out = set()
    for run in _CJK_RUN.findall(content_text(question, places)):
        pos = 0
        for w in _jieba().lcut(run):
            if pos:
                out.add(run[pos - 1:pos + 1])
            pos += len(w)
    return out & set(content_bigrams(question, places))


def scene_bigrams(question: str, places: tuple[str, ...] = ()) -> set[str]:
    """Content bigrams found only in clauses that ask nothing, when another clause asks (在…中，…哪几类…？).

    >>> sorted(scene_bigrams("在党建引领中，新河街道重点打造哪几类力量？", ("新河街道",)))
    ['党建', '建引', '引领']
    """
    clauses = [c for c in re.split(r"[，,；;：:]", question) if c.strip()]
    asking = [c for c in clauses if _ASKS.search(c)]
    if not asking or len(asking) == len(clauses):
        return set()
    asked = {g for c in asking for g in _grams(content_text(c, places, fallback=False))}
    return {g for c in clauses if c not in asking for g in _grams(content_text(c, places, fallback=False))} - asked


_LIST_HEAD = re.compile(r"哪(?:些|几|[一二三四五六七八九十两\d]+)(?:个|项|类|大|种|条|点|件|张|家|所|批)?"
                        r"([\u4e00-\u9fff“”\"'‘’]{2,14})")
_HEAD_BEFORE = re.compile(r"([\u4e00-\u9fff]{2,12}?)(?:主要|具体|都|分别)?(?:有|包括|包含|涉及|是)(?:哪些|哪几)")


def list_head(question: str) -> str:
    """What a list question asks a list of (哪些特色产业集群 → 特色产业集群, 基本原则有哪些 → 基本原则).

    >>> list_head("计划打造哪些特色产业集群？"), list_head("重点打造哪几类“红色”力量？"), list_head("规划确定的基本原则有哪些？")
    ('特色产业集群', '红色力量', '基本原则')
    >>> list_head("开展了哪四项专项活动？"), list_head("这说明了什么？")
    ('专项活动', '')
    >>> list_head("自身建设要从哪几方面抓？"), list_head("组织保障部分包括哪几条？")
    ('方面', '组织保障')
    """
    m = _LIST_HEAD.search(question)
    head = m.group(1) if m else ""
    if not head:
        m = _HEAD_BEFORE.search(question)
        # the noun phrase just before 有哪些: after its last 的 (规划确定的基本原则 → 基本原则)
        head = re.split(r"[的之中]", m.group(1))[-1][-6:] if m else ""
    head = re.sub(r"[“”\"'‘’]|[呢吗啊]$", "", head)
    kind = next((w for w in LIST_HEADS if head.startswith(w)), "")
    if kind:  # 哪几方面抓, 哪几个方面来讲: the kind of list, not the verb after it
        return kind
    return re.sub(r"(?<=[\u4e00-\u9fff]{2})(?:部分|板块)$", "", head)  # 组织保障部分 → 组织保障


_ASKED_KIND = re.compile(r"哪(?:几|些|[一二三四五六七八九十两]+|\d+)(?:个|项|大|类|条)?(章|节|篇|部分|[\u4e00-\u9fff]{2})(?![\u4e00-\u9fff])")


def asked_kind(question: str) -> str:
    """The kind of thing a list question counts, when it ends the question's noun (哪六个行动 → 行动,
    一共分了哪几章 → 章), else ''.

    >>> asked_kind("三年行动方案提出要实施哪六个行动？"), asked_kind("办法一共分了哪几章？"), asked_kind("有哪些特色产业集群？")
    ('行动', '章', '')
    """
    m = _ASKED_KIND.search(question)
    return m.group(1) if m else ""


def _jieba():
    """The jieba module, imported on first use with its start-up chatter silenced."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


_FUNCTION_CHARS = set("在对把将从向于和与及的了被给让以都各有为后中前内里时")


def _function_joins(run: str) -> set[int]:
    """Start offsets of the bigrams of ``run`` that straddle a one-character function word and the next word."""
    out, pos = set(), 0
    words = _jieba().lcut(run)
    for k, w in enumerate(words):
        if len(w) == 1 and w in _FUNCTION_CHARS:
            if k > 0:
                out.add(pos - 1)  # previous word's last char + this one
            if k + 1 < len(words):
                out.add(pos)  # this one + next word's first char
        pos += len(w)
    return out


_ASKED_COUNT = re.compile(r"哪([一二三四五六七八九十两]|\d+)(?:个|项|条|大|类|种|点|方面|件|张)")


def asked_count(question: str) -> int:
    """How many items a question asks for by number (哪三个“区” → 3, 哪十个方面 → 10), else 0.

    >>> asked_count("要建设哪三个“区”？"), asked_count("是哪十个方面？"), asked_count("有哪些？")
    (3, 10, 0)
    """
    m = _ASKED_COUNT.search(question)
    if not m:
        return 0
    token = m.group(1)
    return int(token) if token.isdigit() else (2 if token == "两" else "一二三四五六七八九十".index(token) + 1)


_DEFINE_Q = re.compile(r"是指|指的是|指什么|是什么|含义|什么意思|内涵|具体指")
_QUOTED = re.compile(r"[“\"']([^”\"']{1,12})[”\"']")


_SLOGAN_PART = re.compile(r"[一二三四五六七八九十两多][^一二三四五六七八九十两多“”\"']{1,3}")


def defined_term(question: str) -> str:
    """The quoted term a question asks the meaning of, else ''.

    A numbered slogan (“一轴多片”, “三线一网”) counts whatever the wording,
    since what is asked is what its parts stand for; a part quoted after it
    (“一核两廊三片”中的“三片”) is what is asked.

    >>> defined_term("空间布局中的“一带”是指什么？"), defined_term("“一轴多片”怎样安排？"), defined_term("“创文”成效？")
    ('一带', '一轴多片', '')
    >>> defined_term("“一核两廊三片”格局中的“三片”分别指哪三个片区？")
    '三片'

    A quoted counted term (“三片”, “四个一批”) asked for its parts (是哪三片, 都有哪些, 分别是什么) asks what
    it stands for as well:

    >>> defined_term("“三片”是哪三片？"), defined_term("“四个一批”都有哪些？"), defined_term("“双减”有哪些成效？")
    ('三片', '四个一批', '')
    >>> defined_term("海滨街“十四五”的“一轴多片”空间格局是怎么布局的？")
    '一轴多片'
    """
    terms = [t.strip() for t in _QUOTED.findall(question)]
    if not terms:
        return ""
    # a slogan quoted after a period's name (“十四五”的“一轴多片”空间格局) is what is asked
    term = next((t for t in terms if len(term_parts(t)) > 1), terms[0])
    for later in terms[terms.index(term) + 1:]:
        if later in term and later in term_parts(term):
            term = later
    slogan = len(term_parts(term)) > 1 or any(t != term and term in term_parts(t) for t in terms)
    counted = part_count(term) is not None and re.search(r"哪|什么|分别", question.split(term, 1)[-1]) is not None
    return term if _DEFINE_Q.search(question) or slogan or counted else ""


def term_parts(term: str) -> list[str]:
    """The parts a numbered slogan is made of (一轴多片 → 一轴, 多片; 一核三板块 → 一核, 三板块);
    other terms stand alone.

    >>> term_parts("一带两轴"), term_parts("三线一网"), term_parts("一核三板块"), term_parts("智慧社区")
    (['一带', '两轴'], ['三线', '一网'], ['一核', '三板块'], ['智慧社区'])
    >>> term_parts("一盘棋"), term_parts("十五分钟")
    (['一盘棋'], ['十五分钟'])
    """
    parts = _SLOGAN_PART.findall(term)
    if len(parts) >= 2 and "".join(parts) == term:
        return parts
    return [term]


_COUNTED_PART = re.compile(r"([一二两三四五六七八九十]+|\d+)(大|个|条|项)?([\u4e00-\u9fff]{1,3})$")


def part_count(part: str) -> tuple[int, str, str] | None:
    """A slogan part's number, its noun and its numeral as written (三板块 → 3, 板块; 五大行动 → 5, 行动), or None.

    >>> part_count("三板块"), part_count("五大行动"), part_count("一核"), part_count("多片")
    ((3, '板块', '三'), (5, '行动', '五'), (1, '核', '一'), None)
    """
    m = _COUNTED_PART.match(part)
    if not m:
        return None
    n = int(m.group(1)) if m.group(1).isdigit() else cn_number(m.group(1))
    return (n, m.group(3), m.group(1)) if n else None


def question_words(question: str, places: tuple[str, ...] = ()) -> list[str]:
    """The question's content words (jieba, two characters or more), in order.

    >>> question_words("“十三五”时期静海镇招商引资累计完成了多少？", ("静海镇",))
    ['招商引资', '累计', '完成']
    """
    out: list[str] = []
    for run in _CJK_RUN.findall(content_text(question, places)):
        for w in _jieba().lcut(run):
            if len(w) >= 2 and w not in out:
                out.append(w)
    return out


_INDICATOR_END = re.compile(r"(总额|总值|产值|数量|率(?![先领])|收入|投资|人数|人口|面积|规模|比例|比重|能力|床位|"
                            r"指数|增速|金额|产量|户数|个数|家数|总量|余额|税收|利润|排放|消耗|增加值|[售易业交出口]额)$")


_INDICATOR_WORD = re.compile(_INDICATOR_END.pattern[:-1])


def indicator_phrase(question: str, places: tuple[str, ...] = ()) -> str:
    """The statistical indicator a question asks about by name, or '' if it names none or several.

    >>> indicator_phrase("新河街道规上工业企业数量2025年的目标是多少个？", ("新河街道",))
    '规上工业企业数量'
    >>> indicator_phrase("海滨街社会消费品零售总额预计2025年达到多少？", ("海滨街",))
    '社会消费品零售总额'
    >>> indicator_phrase("文化站一年至少要办多少场活动？"), indicator_phrase("项目数量和到位资金是多少？")
    ('', '')
    >>> indicator_phrase("2024年规模以上工业增加值增速，三明市和平遥县谁更快？", ("三明市", "平遥县"))
    '规模以上工业增加值增速'

    """
    # a 和 left alone between places taken out (三明市和平遥县) joins no two indicators
    text = re.sub(r"(?<!\S)(?:和|与|及|以及|、)(?!\S)", " ", content_text(question, places))
    if re.search(r"[和与及、]|以及", text):
        return ""
    runs = []
    for run in _CJK_RUN.findall(text):
        # the indicator ends at its last measure word: 社会消费品零售总额预计 → 社会消费品零售总额
        ends = [m.end() for m in _INDICATOR_WORD.finditer(run)]
        if ends and ends[-1] >= 3:
            runs.append(run[:ends[-1]])
    return max(runs, key=len) if len(runs) == 1 else ""


def nouns(text: str) -> list[str]:
    """Chinese nouns of two or more characters (jieba part-of-speech n*, time words excluded).

    >>> nouns("火星基地的建设")
    ['火星', '基地']
    """
    import jieba.posseg as pseg

    _jieba()
    return [w for w, flag in pseg.lcut(text) if flag.startswith("n") and len(w) >= 2
            and re.fullmatch(r"[\u4e00-\u9fff]+", w)]
