"""Understand what a question points at: places named (known or not), years, filters.

Place aliases are derived from each document's ``place`` metadata (天津市滨海新区
新河街道 → 新河街道, 新河街, 新河), never from a fixed list of names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from planqa.corpus.text import cn_year_to_digits, halfwidth

_UNIT_RE = re.compile(r"(?:(?P<prov>[\u4e00-\u9fa5]{2,3}?(?:省|自治区))?(?P<city>[\u4e00-\u9fa5]{2,4}?市))?"
                      r"(?P<district>[\u4e00-\u9fa5]{2,5}?(?:新区|区|县))?"
                      r"(?P<town>[\u4e00-\u9fa5]{1,5}?(?:街道|镇|乡))?$")
_MENTION_RE = re.compile(r"([\u4e00-\u9fa5]{2,4}?)(街道|街|镇|乡|新区|区|县)")
_GENERIC = set("社区 街区 城区 园区 小区 辖区 新区 示范区 开发区 片区 地区 景区 功能区 保护区 核心区 "
               "先行区 全区 本区 全镇 本镇 城镇 乡镇 街镇 集镇 村镇 商业街 步行街 老街 各区 各镇 "
               "各街道 该区 该镇 该街道 市区 郊区 山区 库区 港区 厂区 校区 湿地保护区".split())
_GENERIC_HEAD = ("各", "全", "本", "该", "每", "哪", "什么", "几", "两", "多", "其他", "相关", "所在", "辖")
_DOC_YEAR_RE = re.compile(r"((?:19|20)\d\d)年(?:度)?的?(?:政府)?(?:工作报告|报告)")
_YEAR_RE = re.compile(r"(?<!\d)(19[5-9]\d|20[0-9]\d)(?=年|\s|$|的|前|后|底|末|—|-)")


def place_aliases(place: str) -> list[str]:
    """Names a question may use for ``place``, most specific first.

    >>> place_aliases("天津市滨海新区新河街道")
    ['天津市滨海新区新河街道', '滨海新区新河街道', '新河街道', '新河街', '新河']
    >>> place_aliases("天津市静海区")
    ['天津市静海区', '静海区', '静海']
    """
    m = _UNIT_RE.match(place or "")
    if not place or not m:
        return [place] if place else []
    out = [place]
    lowest = m.group("town") or m.group("district") or ""
    if m.group("district") and m.group("town"):
        out.append(m.group("district") + m.group("town"))
    if lowest:
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


def parent_places(place: str) -> list[str]:
    """Higher administrative units of ``place`` (天津市, 滨海新区 …)."""
    m = _UNIT_RE.match(place or "")
    if not m:
        return []
    parts = [m.group(k) for k in ("prov", "city", "district") if m.group(k)]
    if m.group("town") is None and parts:
        parts = parts[:-1]
    return [p for p in parts if p]


@dataclass
class PlaceIndex:
    """Maps place names in questions to the documents about those places."""

    alias_docs: dict[str, set[str]] = field(default_factory=dict)
    parents: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, doc_places: dict[str, str]) -> "PlaceIndex":
        idx = cls()
        for doc_id, place in doc_places.items():
            for alias in place_aliases(place):
                idx.alias_docs.setdefault(alias, set()).add(doc_id)
            for parent in parent_places(place):
                idx.parents.add(parent)
                idx.parents.update(a for a in place_aliases(parent) if len(a) >= 3)
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


def analyze(question: str, places: PlaceIndex) -> QueryInfo:
    """Find the places and years a question names.

    >>> idx = PlaceIndex.build({"xinhe": "天津市滨海新区新河街道", "haibin": "天津市滨海新区海滨街道"})
    >>> q = analyze("新河街和泰达街道2025年的目标", idx)
    >>> q.docs, q.places, q.unknown_places, q.years
    (('xinhe',), ('新河街',), ('泰达街道',), (2025,))
    """
    text = halfwidth(question)
    rest, found, docs = text, [], []
    for alias in places.aliases():
        if alias in rest:
            targets = places.alias_docs[alias]
            # a bare name shared by several places (静海) adds nothing once a specific one (静海区) is named
            if len(targets) > 1 and targets & set(docs):
                rest = rest.replace(alias, "\u3000" * len(alias))
                continue
            found.append(alias)
            for d in sorted(targets):
                if d not in docs:
                    docs.append(d)
            rest = rest.replace(alias, "\u3000" * len(alias))
    for parent in sorted(places.parents, key=len, reverse=True):
        rest = rest.replace(parent, "\u3000" * len(parent))
    unknown = []
    for m in _MENTION_RE.finditer(rest):
        name = m.group(0)
        while len(name) > 3 and name[0] in "和与及跟同或对比在的是和、":
            name = name[1:]
        if name in _GENERIC or any(name.endswith(g) for g in _GENERIC) or m.group(1).startswith(_GENERIC_HEAD):
            continue
        unknown.append(name)
    # “2021年政府工作报告” names a document, not a year asked about
    digits = cn_year_to_digits(text)
    reports = tuple(sorted({int(y) for y in _DOC_YEAR_RE.findall(digits)}))
    years = tuple(sorted({int(y) for y in _YEAR_RE.findall(_DOC_YEAR_RE.sub(" ", digits))}))
    return QueryInfo(question, tuple(docs), tuple(found), tuple(unknown), years, reports)
