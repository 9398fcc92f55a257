"""Derive a document's title, place, level, type, period, issuer and date from its text.

Only what the text states is derived; a catalog (TOML, keyed by file name) may
fill in or override fields. Forwarding notices (关于印发…的通知) are not titles.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from pathlib import Path

from planqa.corpus.text import cn_number, cn_year_to_digits, halfwidth
from planqa.types import DocMeta

_TITLE_END = re.compile(r"(纲要|规划|报告|计划|方案|意见|决定|白皮书|要点|公报|办法|细则|条例)$")
_NOTICE = re.compile(r"(关于印发|的通知|转发|通知$)")
_PLACE_RE = re.compile(
    r"(?P<prov>[\u4e00-\u9fa5]{2,3}?(省|自治区))?(?P<city>[\u4e00-\u9fa5]{2,4}?市)?"
    r"(?P<district>[\u4e00-\u9fa5]{2,5}?(新区|区|县))?(?P<town>[\u4e00-\u9fa5]{1,5}?(街道|镇|乡))?")
_ISSUER_RE = re.compile(r"^([\u4e00-\u9fa5]{4,30}(办事处|人民政府|委员会|管委会|办公室))(\s*\d{4}年.*)?$")
_DATE_RES = [
    re.compile(r"发布日期\s*[:：]\s*(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日(印发)?\s*$"),
]
_NOT_TITLE = re.compile(r"^(附件\s*\d*|\d{4}年\d{1,2}月(\d{1,2}日)?.*|[〇零一二三四五六七八九]{4}年.*月|第?\d+页?)$")
_CONGRESS = re.compile(r"在([\u4e00-\u9fa5]{2,20}?(?:省|市|区|县|镇|乡|街道))第[一二三四五六七八九十百\d]+届人民代表大会")
_SPEAKER = re.compile(r"([\u4e00-\u9fa5]{2,20}?(?:区|县|市|镇|乡))人民政府(?:区长|县长|市长|镇长|乡长|代区长|代县长)")
_MONTH_RE = re.compile(r"^(\d{4})年(\d{1,2})月$")
_FIVE_YEAR = {"十三": "2016—2020", "十四": "2021—2025", "十五": "2026—2030", "十二": "2011—2015"}


def _compact(s: str) -> str:
    return re.sub(r"[\s*#_\u00a0]+", "", s)


def find_title(lines: list[str], skip: set[int]) -> tuple[str, int]:
    """The document's own title and its 0-based line (-1 if none).

    Joins consecutive short lines (a title broken over lines) and takes the first
    block that ends like a title and is not a forwarding notice.
    """
    i, n = 0, min(len(lines), 120)
    while i < n:
        if i in skip or not lines[i].strip():
            i += 1
            continue
        block, j = "", i
        while j < n and len(block) < 80:
            if j in skip:
                j += 1
                continue
            s = _compact(lines[j])
            if not s:
                j += 1
                continue
            if len(s) > 45 or s.endswith(("。", "：", ":")) or _NOT_TITLE.match(halfwidth(s)):
                break
            block += s
            if _TITLE_END.search(block):
                break
            j += 1
        if _TITLE_END.search(block) and not _NOTICE.search(block) and len(block) >= 4:
            return block.replace("二三五年", "二〇三五年"), i
        i += 1
    return "", -1


def _place(text: str) -> tuple[str, str]:
    """The administrative place a title or issuer line starts with, and its level."""
    best, level = "", ""
    m = _PLACE_RE.match(text)
    if m:
        if m.group(0) and (m.group("district") or m.group("town")):
            best = m.group(0)
            level = "街道" if m.group("town") and m.group("town").endswith("街道") else \
                (m.group("town")[-1] if m.group("town") else ("区" if m.group("district").endswith("区") else "县"))
    return best, level


def derive(text: str, skip: set[int] | None = None) -> DocMeta:
    """Metadata stated by ``text`` (``skip``: 0-based lines that are not content, still read for dates)."""
    lines = text.split("\n")
    title, tline = find_title(lines, skip or set())
    head = "\n".join(lines[: max(tline, 0) + 40])
    issuer, date = _issuer_and_date(lines)
    place, level = _place(_compact(title)) if title else ("", "")
    if not place and issuer:
        place, level = _place(re.sub(r"(人民政府|办事处|管委会)$", "", issuer))
    if not place:  # a report read at a people's congress names its place there (在榆宁县第十八届人民代表大会…)
        m = _CONGRESS.search(_compact(head)) or _SPEAKER.search(_compact(head))
        if m:
            place, level = _place(m.group(1))
    doc_type, period = "", ""
    if "政府工作报告" in title:
        doc_type = "政府工作报告"
        m = re.search(r"(\d{4})年\d{1,2}月\d{1,2}日在", _compact(cn_year_to_digits(head)))
        if m:
            period = f"{m.group(1)}年"
            if place and not title.startswith(place):
                title = f"{place}{period}{title}"
            elif place and period not in title:  # 嘉溪市梅岭区政府工作报告 → 嘉溪市梅岭区2022年政府工作报告
                title = f"{place}{period}{title[len(place):]}"
    elif re.search(r"第([十一二三四五]+)个五年规划", title):
        doc_type = "五年规划纲要" if "纲要" in title else "五年规划"
        period = _FIVE_YEAR.get(re.search(r"第([十一二三四五]+)个五年", title).group(1), "")
    elif "规划" in title:
        m = re.search(r"“?(十[一二三四五])五”?", title)
        period = _FIVE_YEAR.get(m.group(1), "") if m else ""
        # "<place>“十四五”规划" is the place's overall five-year plan; anything between is a topic
        rest = title[len(place):] if place and title.startswith(place) else title
        doc_type = "五年规划" if m and re.fullmatch(r"(国民经济和社会发展)?“?十[一二三四五]五”?(时期)?(发展)?规划(纲要)?", rest) \
            else "专项规划"
    return DocMeta(title=title, place=place, level=level, doc_type=doc_type, period=period,
                   issuer=issuer, date=date)


def _issuer_and_date(lines: list[str]) -> tuple[str, str]:
    issuer, date, source = "", "", ""
    for raw in lines[:40] + lines[-12:]:
        s = halfwidth(raw).strip()
        if not date:
            for pat in _DATE_RES:
                m = pat.search(s)
                if m:
                    date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
                    break
        m = _ISSUER_RE.match(re.sub(r"关于.*$", "", _compact(s)))
        if m and not issuer:
            issuer = m.group(1)
        src = re.search(r"来源\s*[:：]\s*(\S+)", s)
        if src and not source:
            source = src.group(1)
    issuer = issuer or source
    if not date:
        for raw in lines[:40]:
            m = _MONTH_RE.match(_compact(cn_year_to_digits(raw)).replace("〇", "0"))
            if m:
                date = f"{m.group(1)}-{int(m.group(2)):02d}"
                break
            cm = re.match(r"^([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月$", _compact(raw))
            if cm:
                date = f"{cn_year_to_digits(cm.group(1) + '年')[:4]}-{cn_number(cm.group(2)):02d}"
                break
    return issuer, date


def load_catalog(path: str | Path | None) -> dict[str, dict]:
    """A TOML catalog ``{file name: {field: value}}``; missing file -> {}."""
    if not path or not Path(path).exists():
        return {}
    with open(path, "rb") as fh:
        return {k: dict(v) for k, v in tomllib.load(fh).items() if isinstance(v, dict)}


def apply_catalog(meta: DocMeta, entry: dict | None) -> DocMeta:
    """``meta`` with the catalog's fields filled in (catalog wins where it states a value)."""
    if not entry:
        return meta
    known = {k: str(v) for k, v in entry.items() if k in DocMeta.__dataclass_fields__ and v}
    return replace(meta, **known)
