"""Understand what a question points at: places named (known or not), years, filters.

Place aliases are derived from each document's ``place`` metadata (天津市滨海新区
新河街道 → 新河街道, 新河街, 新河), never from a fixed list of names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from planqa.corpus.gazetteer import Division, gazetteer, short_forms
from planqa.corpus.kinds import is_kind, kind_at, kinds_asked
from planqa.corpus.text import cn_year_to_digits, halfwidth

_UNIT_RE = re.compile(r"(?:(?P<prov>[\u4e00-\u9fa5]{2,3}?(?:省|自治区))?(?P<city>[\u4e00-\u9fa5]{2,4}?市))?"
                      r"(?P<district>[\u4e00-\u9fa5]{2,5}?(?:新区|区|县))?"
                      r"(?P<town>[\u4e00-\u9fa5]{1,5}?(?:街道|镇|乡))?$")
_MENTION_RE = re.compile(r"([\u4e00-\u9fa5]{2,4}?)(街道|街|镇|乡|新区|区|县|市)")
_GENERIC = set("社区 街区 城区 园区 小区 辖区 新区 示范区 开发区 片区 地区 景区 功能区 保护区 核心区 "
               "先行区 全区 本区 全镇 本镇 城镇 乡镇 街镇 集镇 村镇 商业街 步行街 老街 各区 各镇 "
               "各街道 该区 该镇 该街道 市区 郊区 山区 库区 港区 厂区 校区 湿地保护区".split())
_GENERIC_HEAD = ("各", "全", "本", "该", "每", "哪", "什么", "几", "两", "多", "其他", "相关", "所在", "辖")
_NUMERAL = "一二三四五六七八九十百千几两多数0123456789"
_DOC_YEAR_RE = re.compile(r"((?:19|20)\d\d)年(?:度)?的?(?:政府)?(?:工作报告|报告)")
_YEAR_RE = re.compile(r"(?<!\d)(19[5-9]\d|20[0-9]\d)(?=年|\s|$|的|前|后|底|末|—|-)")


def place_aliases(place: str) -> list[str]:
    """Names a question may use for ``place``, most specific first.

    The gazetteer adds the short forms of a known unit (宜春市 → 宜春) and the tails of a known
    chain (江西省宜春市万载县 → 宜春市万载县, 万载县, 万载).

    >>> place_aliases("天津市滨海新区新河街道")
    ['天津市滨海新区新河街道', '滨海新区新河街道', '新河街道', '新河街', '新河']
    >>> place_aliases("天津市静海区"), place_aliases("北京市")
    (['天津市静海区', '静海区', '静海'], ['北京市', '北京'])
    """
    if not place:
        return []
    out = [place]
    chain = _known_chain(place)
    if chain:  # every tail of the full chain (江西省宜春市万载县, 宜春市万载县, 万载县), the units above included
        names = list(chain[-1].parents) + [chain[-1].name]
        out += ["".join(names[i:]) for i in range(len(names))]
        out += short_forms(chain[-1].name, chain[-1].rank, chain[-1].alias)[1:]
    m = _UNIT_RE.match(place)
    if m and (m.group("town") or m.group("district")):
        lowest = m.group("town") or m.group("district")
        if m.group("district") and m.group("town"):
            out.append(m.group("district") + m.group("town"))
        out.append(lowest)
        for suffix in ("街道", "新区", "镇", "乡", "区", "县"):
            if lowest.endswith(suffix):
                bare = lowest[: -len(suffix)]
                if suffix == "街道":
                    out.append(bare + "街")
                if len(bare) >= 2:
                    out.append(bare)
                break
    return list(dict.fromkeys(out))


def _known_chain(place: str) -> list[Division]:
    """The gazetteer's divisions spelling out all of ``place`` ([] when any part is unknown)."""
    chain = gazetteer().read_chain(place)
    return chain if chain and sum(len(d.name) for d in chain) == len(place) else []


def parent_places(place: str) -> list[str]:
    """Higher administrative units of ``place`` (天津市, 滨海新区 …), from its name and the gazetteer.

    >>> parent_places("天津市滨海新区新河街道"), parent_places("万载县")
    (['天津市', '滨海新区'], ['江西省', '宜春市'])
    """
    chain = _known_chain(place)
    if chain:
        return list(chain[-1].parents)
    m = _UNIT_RE.match(place or "")
    if not m:
        return []
    parts = [m.group(k) for k in ("prov", "city", "district") if m.group(k)]
    if m.group("town") is None and parts:
        parts = parts[:-1]
    return [p for p in parts if p]


@dataclass
class PlaceIndex:
    """Maps place names in questions to the documents about those places.

    ``within`` holds, per document, the units its place lies in; ``towns`` the gazetteer's towns
    of a document's county (a question about one of them is about a part of that document's place).
    """

    alias_docs: dict[str, set[str]] = field(default_factory=dict)
    parents: set[str] = field(default_factory=set)
    within: dict[str, set[str]] = field(default_factory=dict)
    towns: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, doc_places: dict[str, str]) -> "PlaceIndex":
        idx = cls()
        for doc_id, place in doc_places.items():
            for alias in place_aliases(place):
                idx.alias_docs.setdefault(alias, set()).add(doc_id)
            outer = idx.within.setdefault(doc_id, set())
            for parent in parent_places(place):
                idx.parents.add(parent)
                names = [a for a in place_aliases(parent) if len(a) >= 3] + \
                    [a for d in gazetteer().lookup(parent) for a in short_forms(d.name, d.rank, d.alias)]
                idx.parents.update(names)
                outer.update(names)
            chain = _known_chain(place)
            if chain and chain[-1].rank == 2:
                for town in gazetteer().towns_of(chain[-1]):
                    for form in short_forms(town.name, town.rank):
                        idx.towns.setdefault(form, set()).add(doc_id)
        return idx

    def aliases(self) -> list[str]:
        return sorted(self.alias_docs, key=len, reverse=True)


@dataclass(frozen=True)
class QueryInfo:
    text: str
    docs: tuple[str, ...]  # documents whose place the question names
    places: tuple[str, ...]  # the names as written
    unknown_places: tuple[str, ...]  # place-like names no document is about
    years: tuple[int, ...]
    report_years: tuple[int, ...] = ()  # years that name a document (2021年政府工作报告), not a time asked about
    inner: tuple[str, ...] = ()  # parts of a named place (its towns) the question is about
    outer: tuple[str, ...] = ()  # units named that only hold documents' places (天津市 of 新河街道's plan)


def _blank(text: str, name: str) -> str:
    return text.replace(name, "\u3000" * len(name))


def analyze(question: str, places: PlaceIndex) -> QueryInfo:
    """Find the places and years a question names.

    A phrase is a place when the knowledge base or the gazetteer knows it, or when it is a
    town-level unit (镇 / 乡 / 街道: the gazetteer is not complete there) not made of generic words.

    >>> idx = PlaceIndex.build({"xinhe": "天津市滨海新区新河街道", "haibin": "天津市滨海新区海滨街道"})
    >>> q = analyze("新河街和泰达街道2025年的目标", idx)
    >>> q.docs, q.places, q.unknown_places, q.years
    (('xinhe',), ('新河街',), ('泰达街道',), (2025,))
    >>> analyze("北京数据专区和消费集聚区由谁负责", idx).unknown_places, analyze("藁城区的目标", idx).unknown_places
    ((), ('藁城区',))
    >>> analyze("滨海新区2021年GDP是多少", idx).outer, analyze("滨海新区新河街道的目标", idx).outer
    (('滨海新区',), ())
    """
    text = halfwidth(question)
    rest, found, docs = text, [], []
    for alias in places.aliases():
        if alias in rest:
            targets = places.alias_docs[alias]
            # a bare name shared by several places (静海) adds nothing once a specific one (静海区) is named
            if len(targets) > 1 and targets & set(docs):
                rest = _blank(rest, alias)
                continue
            found.append(alias)
            for d in sorted(targets):
                if d not in docs:
                    docs.append(d)
            rest = _blank(rest, alias)
    docs, inner, rest = _towns_of_named(rest, docs, places)
    outer = []
    for parent in sorted(places.parents, key=len, reverse=True):
        if parent in rest:
            outer.append(parent)
        rest = _blank(rest, parent)
    unknown = [n for n in _mentions(rest) if n not in inner]
    # “2021年政府工作报告” names a document, not a year asked about
    digits = cn_year_to_digits(text)
    reports = tuple(sorted({int(y) for y in _DOC_YEAR_RE.findall(digits)}))
    years = tuple(sorted({int(y) for y in _YEAR_RE.findall(_DOC_YEAR_RE.sub(" ", digits))}))
    return QueryInfo(question, tuple(docs), tuple(found), tuple(unknown), years, reports, tuple(inner),
                     tuple(outer))


_THIS_DOCUMENT = re.compile(r"(?:这个|这份|这一|该|本|此)[\u4e00-\u9fff]{0,8}?(报告|公报|办法|细则|条例|意见|计划|方案|措施|政策|要点|规划|纲要|文件)")


def narrow_by_kind(info: QueryInfo, kinds_of: dict[str, str], places: PlaceIndex) -> QueryInfo:
    """Of the places a question names, the documents of the kind it names (宜春市的指导意见 is not
    宜春市's 统计公报); a place named after the kind, none of whose documents is of it, is a topic, not a
    source (宜春市指导意见对万载县提出了什么要求), while one named before keeps its documents
    (静海区2021年和静海镇“十四五”规划: the district's report and the town's plan).

    >>> idx = PlaceIndex.build({"c": "宜春市", "o": "宜春市", "w": "万载县"})
    >>> q = narrow_by_kind(analyze("宜春市指导意见对万载县的要求", idx), {"c": "统计公报", "o": "指导意见", "w": "统计公报"}, idx)
    >>> q.docs, q.places
    (('o',), ('宜春市',))
    >>> narrow_by_kind(analyze("这个指导意见的目标", idx), {"c": "统计公报", "o": "指导意见", "w": "统计公报"}, idx).docs
    ('o',)
    """
    kinds = kinds_asked(info.text)
    if kinds and not info.docs and _THIS_DOCUMENT.search(info.text):
        # 这个方案的保障措施, with no place named: the knowledge base's one document of that kind, if it has one
        mine = [d for d, t in kinds_of.items() if is_kind(t, kinds)]
        return replace(info, docs=(mine[0],)) if len(mine) == 1 else info
    if not kinds or not info.docs:
        return info
    at = kind_at(info.text)
    keep, found = [], []
    for alias in info.places:
        docs = [d for d in info.docs if d in places.alias_docs.get(alias, ())]
        mine = [d for d in docs if is_kind(kinds_of.get(d, ""), kinds)]
        if not mine and halfwidth(info.text).find(alias) > at:
            continue  # named after the document it is asked about: what that document says of it
        found.append(alias)
        keep += [d for d in (mine or docs) if d not in keep]
    keep += [d for d in info.docs if d not in keep and not any(d in places.alias_docs.get(a, ()) for a in info.places)]
    if not any(is_kind(kinds_of.get(d, ""), kinds) for d in keep):
        return info
    return replace(info, docs=tuple(keep), places=tuple(found))


def _towns_of_named(rest: str, docs: list[str], places: PlaceIndex) -> tuple[list[str], list[str], str]:
    """Towns of a named document's county (高城镇 of 万载县): the question is about that part of it.

    A named place that contains the county (宜春市 for 万载县's 高城镇) is only where the town is.
    """
    inner, town_docs = [], []
    for town in sorted(places.towns, key=len, reverse=True):
        if town not in rest:
            continue
        owners = places.towns[town]
        named = [d for d in docs if d in owners or _contains(places, d, owners)]
        if not named:
            continue
        inner.append(town)
        town_docs += [d for d in sorted(owners) if d not in town_docs]
        rest = _blank(rest, town)
    if town_docs:
        docs = [d for d in docs if d in town_docs or not _contains(places, d, set(town_docs))] + \
            [d for d in town_docs if d not in docs]
    return docs, inner, rest


def _contains(places: PlaceIndex, outer_doc: str, docs: set[str]) -> bool:
    """The place of ``outer_doc`` is a unit that every document of ``docs`` lies in."""
    outer = {a for a, ds in places.alias_docs.items() if outer_doc in ds}
    return bool(docs) and all(places.within.get(d, set()) & outer for d in docs)


def _mentions(rest: str) -> list[str]:
    """Place names left in a question: gazetteer units, and town-level names (towns come from documents)."""
    out = []
    g = gazetteer()
    for m in _MENTION_RE.finditer(rest):
        name = m.group(0)
        while len(name) >= 3 and name[0] in "和与及跟同或对比在的是、" and not g.knows(name):
            name = name[1:]
        head = name[: len(name) - len(m.group(2))]
        if m.group(2) not in ("街道", "街", "镇", "乡") and len(name) >= 3 and g.knows(name):
            out.append(name)  # 藁城区 is a district though it ends like 城区
            continue
        if not head or name in _GENERIC or any(name.endswith(g_) for g_ in _GENERIC) or head.startswith(_GENERIC_HEAD) \
                or head[0] in _NUMERAL:
            continue
        if m.group(2) in ("街道", "街", "镇", "乡"):
            out.append(name)
            continue
        # a county or higher unit is a place only when the gazetteer knows it (数据专区, 集聚区 are not)
        known = next((name[i:] for i in range(len(name) - 1) if g.knows(name[i:])), "")
        if known:
            out.append(known)
    return out
