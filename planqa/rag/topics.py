"""Topic expansion for briefings: a small, hand-written map of policy domains to related terms.

Each domain lists the names a topic may use for it, the aspects a comparison
table shows as columns (each with its own terms), related terms, and phrases
that contain a term but belong to another domain (养老保险 is social insurance,
not 养老服务). Topics outside the map fall back to their own words. This module
only decides which words count as "about the topic"; it retrieves nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from planqa.corpus.text import normalize


@dataclass(frozen=True)
class Domain:
    name: str
    aliases: tuple[str, ...]  # a topic naming one of these gets the whole domain
    aspects: tuple[tuple[str, tuple[str, ...]], ...]  # comparison columns: (label, terms)
    related: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


def _d(name, aliases, aspects, related="", exclude=""):
    return Domain(name, tuple(aliases.split()), tuple((k, tuple(v.split())) for k, v in aspects),
                  tuple(related.split()), tuple(exclude.split()))


DOMAINS: tuple[Domain, ...] = (
    _d("养老服务", "养老 养老服务 为老服务 老龄 老龄化 老年人 一老一小 敬老", [
        ("日间照料", "日间照料 日照中心 照料中心 照料站 照料场所"),
        ("老年助餐", "老年食堂 老人家食堂 老年人食堂 助餐 配餐"),
        ("养老机构与床位", "养老机构 养老床位 养老院 为老服务中心 养老服务综合体 综合为老服务中心"),
        ("居家社区养老", "居家养老 社区养老 居家和社区 为老服务圈 居家社区"),
        ("医养结合", "医养结合 医养康养 长期护理 长期照护 健康评估"),
        ("智慧养老", "智慧养老 养老信息化 养老服务信息平台 24小时服务平台"),
        ("关爱帮扶", "高龄津贴 养老补贴 空巢老人 独居 失独老人 留守老人 特殊困难老年人 敬老助老"),
    ], related="养老 为老 老龄 老年人 高龄老人 老人 敬老 助老", exclude="养老保险 养老金 养老保障 养老和医疗保险"),
    _d("就业", "就业 稳就业 创业 就业服务 劳动就业", [
        ("新增就业", "新增就业"),
        ("失业率", "失业率"),
        ("就业服务", "就业服务 招聘 就业岗位 职业介绍 职业技能 职业培训 就业培训"),
        ("重点群体", "4050 零就业 高校毕业生 退役军人就业 困难群体就业 就业困难"),
        ("创业", "创业"),
    ], related="就业 再就业 劳动力", exclude="二次创业"),
    _d("营商环境", "营商环境 放管服 一制三化 政务服务", [
        ("政务服务", "政务服务 一网通办 审批 一站式 便民服务中心"),
        ("市场主体", "市场主体"),
        ("改革举措", "放管服 一制三化 商事制度 证照分离"),
        ("企业服务", "企业服务 服务企业 惠企 包联"),
    ], related="营商环境 营商", exclude="物业服务企业"),
    _d("生态环境", "生态环境 生态 环保 环境保护 污染防治 生态文明 绿色发展", [
        ("大气治理", "大气 空气优良 PM2.5 扬尘 散煤"),
        ("水环境", "水环境 污水 河长制 水质 黑臭水体"),
        ("垃圾分类", "垃圾分类 生活垃圾"),
        ("绿化", "绿化 绿地 植树 造林 公园"),
        ("低碳", "碳排放 二氧化碳 低碳 碳达峰 节能"),
    ], related="生态 环境保护 污染防治 环境整治 环境质量"),
    _d("教育", "教育 学校 幼儿园 义务教育", [
        ("学前教育", "幼儿园 学前教育 幼儿教育 托育 托幼 婴幼儿照护 入园"),
        ("义务教育", "义务教育 小学 中学"),
        ("社区与终身教育", "社区教育 老年学习 终身教育 学习型"),
        ("师资", "教师 校长"),
    ], related="教育 学校 教学 入学 保教",
       exclude="宣传教育 主题教育 学习教育 爱国主义教育 社会主义教育 国防教育 思想道德教育 思想理论教育 "
               "诚信教育 健康教育 法律教育 法治教育 警示教育 廉政教育 教育居民 教育引导"),
    _d("医疗卫生", "医疗 卫生 医疗卫生 健康 公共卫生", [
        ("基层医疗机构", "社区卫生服务 卫生服务站 卫生服务中心 卫生院 医院"),
        ("医疗保障", "医疗保险 医保 医疗救助"),
        ("公共卫生", "疫情防控 公共卫生 传染病"),
        ("健康服务", "家庭医生 健康档案 健康管理 慢性病"),
    ], related="医疗 卫生 医院 健康", exclude="卫生间 环境卫生"),
    _d("文化", "文化 公共文化 文体 文化服务", [
        ("文化设施", "文化中心 图书馆 博物馆 文化活动中心 综合文化 文化站"),
        ("文化活动", "文化活动 惠民 文艺 演出 电影"),
        ("文明创建", "文明城区 精神文明 文明实践 文明创建"),
        ("文化遗产", "历史文脉 非遗 文物 文化遗产"),
    ], related="文化 文体 文艺"),
    _d("社区治理", "社区治理 基层治理 社会治理 网格化", [
        ("党建引领", "党建引领 党群服务 红色物业"),
        ("网格化管理", "网格"),
        ("智慧社区", "智慧社区"),
        ("共建共治", "共同缔造 共建共治 志愿 居民自治"),
    ], related="社区治理 基层治理 社会治理 社区服务 居委会 物业"),
    _d("安全生产", "安全生产 应急 应急管理 消防 公共安全", [
        ("安全生产", "安全生产 隐患排查 隐患"),
        ("应急管理", "应急 预案 防灾"),
        ("消防", "消防"),
        ("食品安全", "食品安全 食品"),
    ], related="安全生产 应急管理 安全隐患 公共安全"),
    _d("产业/招商", "产业 招商 招商引资 经济发展 产业发展", [
        ("招商引资", "招商 引资 项目落地"),
        ("主导产业", "产业链 制造业 物流 商贸 服务业 产业园"),
        ("市场主体", "市场主体 规上 限上"),
        ("经济指标", "商品销售总额 工业总产值 固定资产投资 实际利用内资 地区生产总值"),
        ("楼宇与总部经济", "楼宇经济 总部经济 楼宇"),
    ], related="产业 招商 企业 经济"),
)

# words too general to decide on their own whether a sentence is about a topic
GENERIC = set("服务 建设 发展 工作 推进 加强 提升 完善 体系 管理 水平 能力 规划 方面 举措 措施 政策 相关 情况 "
              "问题 工程 项目 目标 实施 推动 全面 重点 主要 建立 健全 加快 深化 优化 提高 促进 中心 社会 "
              "城市 社区 街道 地区 全区 全镇 我们 有关 哪些 什么 如何 怎样 十四五 规划纲要".split())
_SPLIT = re.compile(r"[\s、，,；;和与及/]+")


@dataclass(frozen=True)
class TopicTerms:
    """What counts as being about a topic.

    A sentence is about the topic when it holds the topic itself, or any of
    ``terms`` (mapped topics), or enough of ``words`` (topics outside the map).
    """

    topic: str
    terms: tuple[str, ...]  # domain terms; empty for topics outside the map
    words: tuple[str, ...]  # the topic's own content words
    aspects: tuple[tuple[str, tuple[str, ...]], ...]
    exclude: tuple[str, ...]
    domain: str = ""

    @property
    def queries(self) -> list[str]:
        return list(dict.fromkeys([self.topic, *self.terms, *self.words]))

    def search_queries(self) -> list[str]:
        """A few retrieval queries: the topic, one per aspect, the related terms, the topic's words."""
        out = [self.topic, *(" ".join(dict.fromkeys((label, *ts))) for label, ts in self.aspects)]
        rest = [t for t in self.terms if not any(t in ts for _, ts in self.aspects)]
        if rest:
            out.append(" ".join(rest))
        if len(self.words) > 1:
            out.append(" ".join(self.words))
        return list(dict.fromkeys(out))

    def matches(self, text: str) -> list[str]:
        """The topic terms found in ``text`` (after blanking excluded phrases); [] when not about it.

        >>> t = topic_terms("养老服务")
        >>> t.matches("推进老年食堂建设。"), t.matches("推进养老保险全民参保计划。")
        (['老年食堂'], [])
        >>> topic_terms("航天发射场建设").matches("推进航天产业发展。")
        []
        """
        found = find_terms(text, [self.topic, *self.terms], self.exclude)
        if found or self.terms:
            return found
        got = find_terms(text, self.words)
        need = len(self.words) if len(self.words) <= 3 else -(-2 * len(self.words) // 3)
        return got if self.words and len(got) >= need else []


def find_terms(text: str, terms, exclude=()) -> list[str]:
    """Which of ``terms`` occur in ``text`` once ``exclude`` phrases are blanked out (normalised match).

    >>> find_terms("落实养老保险，建设养老院", ["养老", "养老院"], ["养老保险"])
    ['养老', '养老院']
    """
    t = normalize(text)
    for phrase in exclude:
        t = t.replace(normalize(phrase), "□" * len(phrase))
    return [w for w in dict.fromkeys(terms) if w and normalize(w) in t]


def _words(topic: str) -> list[str]:
    out = []
    for part in _SPLIT.split(topic):
        if not part:
            continue
        if len(part) <= 3 and part not in GENERIC:
            out.append(part)
            continue
        import logging

        import jieba  # loaded lazily: only topics with long parts need it

        jieba.setLogLevel(logging.WARNING)

        out.extend(w for w in jieba.lcut(part) if len(w) >= 2 and w not in GENERIC)
    return list(dict.fromkeys(out)) or [topic]


MAX_TOPIC_CHARS = 60


def clean_topic(topic: str) -> str:
    """The topic with whitespace squashed; ValueError (a message for the user) when empty or too long."""
    text = " ".join(str(topic or "").split())
    if not text:
        raise ValueError("主题是空的：请给出一个主题或指标，如“养老服务”“商品销售总额”")
    if len(text) > MAX_TOPIC_CHARS:
        raise ValueError(f"主题太长（{len(text)} 字，上限 {MAX_TOPIC_CHARS} 字）：请写成一个短语")
    return text


def topic_terms(topic: str) -> TopicTerms:
    """Expand ``topic`` with the map; a topic naming an aspect gets only that aspect's terms.

    >>> topic_terms("垃圾分类").terms, topic_terms("大气").terms
    (('垃圾分类', '生活垃圾'), ('大气', '空气优良', 'PM2.5', '扬尘', '散煤'))
    >>> topic_terms("航天发射场建设").words, topic_terms("航天发射场建设").terms
    (('航天', '发射场'), ())
    """
    topic = clean_topic(topic)
    nt = normalize(topic)
    words = tuple(_words(topic))
    for d in DOMAINS:
        blanked = nt
        for phrase in d.exclude:
            blanked = blanked.replace(normalize(phrase), "□")
        if any(normalize(a) in blanked for a in d.aliases):
            terms = [*d.aliases, *d.related, *(t for _, ts in d.aspects for t in ts)]
            return TopicTerms(topic, tuple(dict.fromkeys(terms)), words, d.aspects, d.exclude, d.name)
    for d in DOMAINS:
        for label, ts in d.aspects:
            if nt in GENERIC or len(nt) < 2:
                continue
            named = tuple(t for t in ts if normalize(t) in nt)  # the topic names a term: keep to it
            if named and nt not in normalize(label):
                return TopicTerms(topic, named, words, ((label, named),), d.exclude, d.name)
            if any(nt in normalize(t) for t in (label, *ts)):
                return TopicTerms(topic, ts, words, ((label, ts),), d.exclude, d.name)
    return TopicTerms(topic, (), words, (), ())


def expand_topic(topic: str) -> list[str]:
    """The topic followed by related terms to retrieve and match with.

    >>> expand_topic("养老服务")[:4]
    ['养老服务', '养老', '为老服务', '老龄']
    >>> expand_topic("航天发射场建设")
    ['航天发射场建设', '航天', '发射场']
    """
    return topic_terms(topic).queries
