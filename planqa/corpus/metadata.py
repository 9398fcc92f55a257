"""Derive a document's title, place, level, type, period, issuer and date from its text.

Only what the text states is derived; a catalog (TOML, keyed by file name) may
fill in or override fields. Forwarding notices (关于印发…的通知) are not titles.
"""
from __future__ import annotations

import contextlib
import io
import logging
import re
import tomllib
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from planqa.corpus.gazetteer import RANKS, Division, gazetteer, unit_suffix
from planqa.corpus.kinds import doc_kind, doc_number, title_period
from planqa.corpus.text import cn_year_to_digits, halfwidth
from planqa.types import DocMeta

_TITLE_END = re.compile(r"(纲要|规划|报告|计划|方案|意见|决定|白皮书|要点|公报|办法|细则|条例|规定|措施)([（(][^（()）]{2,14}[）)])?$")
_NOTICE = re.compile(r"(关于印发|的通知|转发|通知$)")
_PLACE_RE = re.compile(
    r"(?P<prov>[\u4e00-\u9fa5]{2,3}?(省|自治区))?(?P<city>[\u4e00-\u9fa5]{2,4}?市)?"
    r"(?P<district>[\u4e00-\u9fa5]{2,5}?(新区|区|县))?(?P<town>[\u4e00-\u9fa5]{1,5}?(街道|镇|乡))?")
_NOT_TITLE = re.compile(r"^(附件\s*\d*|\d{4}年\d{1,2}月(\d{1,2}日)?.*|[〇零一二三四五六七八九]{4}年.*月|第?\d+页?|"
                        r"[（(]此件[^）)]*[）)])$")  # 此件公开发布: a 公文's publication note, no part of a title
_CONGRESS = re.compile(r"在([\u4e00-\u9fa5]{2,20}?(?:省|市|区|县|镇|乡|街道))第[一二三四五六七八九十百\d]+届人民代表大会")
_SPEAKER = re.compile(r"([\u4e00-\u9fa5]{2,20}?(?:区|县|市|镇|乡))人民政府(?:区长|县长|市长|镇长|乡长|代区长|代县长)")


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


def _regex_place(text: str) -> tuple[str, str]:
    """The place a title or issuer line starts with by its unit words alone, and its level."""
    m = _PLACE_RE.match(text)
    if not m or not m.group(0) or not (m.group("district") or m.group("town")):
        return "", ""
    town, district = m.group("town"), m.group("district")
    level = "街道" if town and town.endswith("街道") else (town[-1] if town else ("区" if district.endswith("区") else "县"))
    return m.group(0), level


_BELOW = re.compile(r"(?P<city>[\u4e00-\u9fa5]{1,3}?市)?(?P<county>[\u4e00-\u9fa5]{1,3}?(?:新区|区|县))?"
                    r"(?P<town>[\u4e00-\u9fa5]{1,5}?(?:街道|镇|乡))?")


def read_place(text: str) -> tuple[str, str, tuple[Division, ...]]:
    """The place ``text`` starts with, its level and the gazetteer divisions it spells.

    Units the gazetteer knows are read from it (宜春市万载县, 北京市); below a known unit a name it
    does not know is a town (towns come from documents) or a short county-level name (1–3
    characters, as unit names are: 北京市公共数据专区 is 北京市); an unknown first unit is read
    from the unit words alone (嘉溪市梅岭区).

    >>> read_place("万载县2022年国民经济和社会发展统计公报")[:2], read_place("北京市公共数据专区管理办法")[:2]
    (('万载县', '县'), ('北京市', '市'))
    >>> read_place("嘉溪市梅岭区政府工作报告")[:2], read_place("关于加快培育消费集聚区的指导意见")[:2]
    (('嘉溪市梅岭区', '区'), ('', ''))
    >>> read_place("江苏省嘉溪市鹭洲区桐湾街道规划")[:2], read_place("宜春市消费集聚区建设方案")[:2]
    (('江苏省嘉溪市鹭洲区桐湾街道', '街道'), ('宜春市', '市'))
    >>> read_place("中共晋城市委晋城市人民政府关于加快推进文旅康养产业高质量发展的实施意见")[:2]
    ('晋城市', '市')
    """
    text = re.sub(r"^中共", "", text)  # 中共晋城市委晋城市人民政府: a party committee is of the place it names
    chain = tuple(gazetteer().read_chain(text))
    known = "".join(d.name for d in chain)
    if not chain:
        place, level = _regex_place(text)
        return place, level, ()
    place, rank = known, chain[-1].rank
    m = _BELOW.match(text[len(known):])
    for group, above in (("city", 0), ("county", 1), ("town", 2)):  # only units below the known one, in order
        unit = m.group(group)
        if unit and rank <= above and not (group != "town" and gazetteer().knows(unit)):
            place, rank = place + unit, above + 1
        elif unit:
            break
    level = unit_suffix(place[len(known):] or known)
    level = {"自治区": "省", "特别行政区": "省", "自治州": "市", "地区": "市", "盟": "市", "自治县": "县",
             "旗": "县", "自治旗": "县", "新区": "区"}.get(level, level)
    return place, level, chain


def _ranks(chain: tuple[Division, ...]) -> dict[str, str]:
    """province / city / county of a gazetteer chain, the units above it included."""
    if not chain:
        return {}
    names = list(chain[-1].parents) + [d.name for d in chain]
    out = {}
    for name in names:
        d = next((x for x in gazetteer().lookup(name) if x.name == name), None)
        if d is not None and d.rank < 3:
            out.setdefault(RANKS[d.rank], name)
    return out


def derive(text: str, skip: set[int] | None = None) -> DocMeta:
    """Metadata stated by ``text`` (``skip``: 0-based lines that are not content, still read for dates)."""
    lines = text.split("\n")
    title, tline = find_title(lines, skip or set())
    head = "\n".join(lines[: max(tline, 0) + 40])
    issuer, date, number = _issuer_date_number(lines)
    place, level, chain = read_place(_compact(title)) if title else ("", "", ())
    if not place and issuer:
        place, level, chain = read_place(issuer)
    if not place:  # a report read at a people's congress names its place there (在榆宁县第十八届人民代表大会…)
        m = _CONGRESS.search(_compact(head)) or _SPEAKER.search(_compact(head))
        if m:
            place, level, chain = read_place(m.group(1))
    doc_type, period = doc_kind(title), title_period(title)
    if doc_type == "政府工作报告":
        m = re.search(r"(\d{4})年\d{1,2}月\d{1,2}日在", _compact(cn_year_to_digits(head)))
        if m:
            period = f"{m.group(1)}年"
            if place and not title.startswith(place):
                title = f"{place}{period}{title}"
            elif place and period not in title:  # 嘉溪市梅岭区政府工作报告 → 嘉溪市梅岭区2022年政府工作报告
                title = f"{place}{period}{title[len(place):]}"
    elif re.search(r"第([十一二三四五]+)个五年规划", title):
        doc_type = "五年规划纲要" if "纲要" in title else "五年规划"
    elif doc_type == "规划":
        m = re.search(r"“?(十[一二三四五])五”?", title)
        # "<place>“十四五”规划" is the place's overall five-year plan; anything between is a topic
        rest = title[len(place):] if place and title.startswith(place) else title
        doc_type = "五年规划" if m and re.fullmatch(r"(国民经济和社会发展)?“?十[一二三四五]五”?(时期)?(发展)?规划(纲要)?", rest) \
            else "专项规划"
    parts = [doc_kind(t) for t in part_titles(lines, tline, title, skip)]
    if len(parts) > 1:  # one file holding several documents (若干政策措施 and its 行动计划)
        doc_type = "、".join(dict.fromkeys(k for k in parts if k))
    ranks = _ranks(chain)
    if ranks.get("province", "").endswith("市"):  # a municipality is its own city (北京市)
        ranks.setdefault("city", ranks["province"])
    return DocMeta(title=title, place=place, level=level, doc_type=doc_type, period=period,
                   issuer=issuer, date=date, province=ranks.get("province", ""), city=ranks.get("city", ""),
                   county=ranks.get("county", ""), doc_number=number)


def part_titles(lines: list[str], tline: int, title: str = "", skip: set[int] | None = None) -> list[str]:
    """Titles of the documents a file holds, in order, when it holds several (else []).

    A part title is a title line of another document: not a piece or a repeat of the file's title.

    >>> part_titles(["甲市若干政策措施", "", "一、支持企业。", "", "甲市某某行动计划（2023—2025年）", "一、目标"], 0)
    ['甲市若干政策措施', '甲市某某行动计划（2023—2025年）']
    """
    if tline < 0:
        return []
    main = _compact(title or lines[tline])
    out = [main]
    for i in range(tline + 1, len(lines)):
        s = _compact(lines[i])
        if i in (skip or ()) or not is_part_title(s) or s in main or main in s or s in out:
            continue
        out.append(s)
    return out if len(out) > 1 else []


def title_lines(lines: list[str], skip: set[int] | None = None) -> list[int]:
    """0-based lines of the titles of the documents a file holds when it holds several: a forwarding
    notice's before the document's own title, and each further document's (else [])."""
    skip = skip or set()
    title, tline = find_title(lines, skip)
    if tline < 0:
        return []
    notices = [i for i in range(tline) if i not in skip and re.search(r"关于(印发|转发|下发).+的通知$", _compact(lines[i]))]
    main = _compact(title)
    parts = [i for i in range(tline + 1, len(lines)) if i not in skip and is_part_title(lines[i])
             and _compact(lines[i]) not in main and main not in _compact(lines[i])]
    out = notices + [tline] + parts
    return out if len(out) > 1 else []


def is_part_title(line: str) -> bool:
    """A line that is a 公文 title of its own: short, unpunctuated, ending in a kind word, no heading number.

    >>> is_part_title("江西省数字产业集群培育行动计划（2023—2025年）"), is_part_title("三、保障措施")
    (True, False)
    >>> is_part_title("关于印发某某办法的通知"), is_part_title("制定本办法。")
    (False, False)
    """
    s = _compact(line)
    if not 6 <= len(s) <= 45 or re.search(r"[。，；：:,;！？]", s) or _NOTICE.search(s) or s.startswith("《"):
        return False
    if re.match(r"^(第[一二三四五六七八九十百零〇\d]+[章节条篇编]|[一二三四五六七八九十]+、|[（(]|\d|专栏|表\s*\d|#)", s):
        return False
    return bool(_TITLE_END.search(s)) and bool(doc_kind(s))


ORGAN = re.compile(r"(中共)?[\u4e00-\u9fa5（）]{2,30}(人民政府|办公厅|办公室|办事处|委员会|管委会|调查队|党工委|局|厅|委|中心)")
_LABELLED_ISSUER = re.compile(r"^(发布部门|发文机关|发布机关|制定机关|颁布机关|印发机关)\s*[:：]\s*(\S+)")
_LABELLED_DATE = re.compile(r"^(发布日期|发布时间|印发日期|成文日期|公布日期)\s*[:：]\s*(.+)$")
DATE_LINE = re.compile(r"^[（(]?\s*([\d〇零○一二三四五六七八九十]{4}\s*[年.\-/]\s*[\d〇零○一二三四五六七八九十]{1,2}\s*"
                        r"(?:[月.\-/]\s*[\d〇零○一二三四五六七八九十]{1,3}\s*日?|月))\s*[）)]?\s*(印发|发布)?$")


def read_date(text: str) -> str:
    """The date a short text is (2023年4月6日, （2023年3月28日）, 2023.07.12, 二〇二三年三月): ISO, or "".

    >>> read_date("（2023年3月28日）"), read_date("2023.07.12"), read_date("二〇二一年一月"), read_date("第三条")
    ('2023-03-28', '2023-07-12', '2021-01', '')
    """
    m = DATE_LINE.match(halfwidth(text).strip())
    if not m:
        return ""
    try:
        got = _time_parser()(m.group(1).replace(" ", ""))
    except Exception:  # jionlp raises on text it cannot read as a time
        return ""
    start, end = got["time"][0][:10], got["time"][1][:10]
    if start == end:
        return start
    return start[:7] if start[:7] == end[:7] else ""


@lru_cache(maxsize=8192)
def has_time(text: str) -> bool:
    """The text states a time, a date or a deadline, as jionlp's time extractor reads one.

    >>> has_time("力争6月底前完成改造"), has_time("本办法自2023年8月1日起施行"), has_time("推进产业升级")
    (True, True, False)
    """
    try:
        return bool(_time_extractor()(text, time_base=_TIME_BASE))
    except Exception:  # jionlp raises on text it cannot read: no time read, not an error of the answer
        return False


_TIME_BASE = 1640995200  # relative times (今年, 6月底) are read against a fixed day, so answers do not drift


@lru_cache(maxsize=1)
def _time_extractor():
    with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
        from jionlp.algorithm.ner.time_extractor import TimeExtractor
    # jionlp logs a traceback on the root logger for every figure it tries and fails to read as a time
    # (680元): that is how it says "not a time", not an error of planqa's, so those records are dropped
    logging.getLogger().addFilter(_drop_time_parser_noise)
    return TimeExtractor()


def _drop_time_parser_noise(record: logging.LogRecord) -> bool:
    return not record.pathname.replace("\\", "/").endswith("jionlp/gadget/time_parser.py")


@lru_cache(maxsize=1)
def _time_parser():
    with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
        import jionlp
    return jionlp.parse_time


def organs(line: str) -> tuple[list[str], str] | None:
    """The organs a signature or title-block line names (宜春市统计局　国家统计局宜春调查队) and what follows.

    >>> organs("万载县统计局　　2023年4月6日"), organs("各区人民政府") is None
    ((['万载县统计局'], '2023年4月6日'), True)
    """
    words = line.replace("\u3000", " ").split()
    organs = []
    while words and ORGAN.fullmatch(words[0]) and not words[0].startswith(("各", "全", "本")):
        organs.append(words.pop(0))
    return (organs, " ".join(words)) if organs else None


def _issuer_date_number(lines: list[str]) -> tuple[str, str, str]:
    """Issuer, date and 文号 from the title block, the legal-database fields and the signature block."""
    issuer = labelled_date = number = source = ""
    dates: list[str] = []
    for raw in lines[:40] + lines[-12:]:
        s = halfwidth(raw).strip().replace("\u3000", " ")
        if not s:
            continue
        number = number or doc_number(s)
        lab = _LABELLED_DATE.match(s)
        if lab:
            labelled_date = labelled_date or read_date(lab.group(2)) or read_date(lab.group(2).split()[0])
        lab = _LABELLED_ISSUER.match(s)
        if lab:
            issuer = issuer or lab.group(2)
        if len(s) <= 60 and not re.search(r"[。；，、]", s):
            signed = organs(re.sub(r"关于.*$", "", s))
            speaker = _SPEAKER.match(_compact(s))
            if signed:
                issuer = issuer or "、".join(signed[0])
                dates.append(read_date(signed[1]))
            elif speaker:  # 梅岭区人民政府区长 陈晓峰: the report is the government's
                issuer = issuer or speaker.group(1) + "人民政府"
            dates.append(read_date(s))
        src = re.search(r"来源\s*[:：]\s*(\S+)", s)
        if src and not source:
            source = src.group(1)
    # a day stated beats a month stated (二〇二一年八月 on a cover, 2021年8月10日印发 at the end)
    date = labelled_date or max((d for d in dates if d), key=len, default="")
    return issuer or source, date, number


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
