"""The kind of a 公文 from its title (规划, 政府工作报告, 统计公报, 办法, 意见, 方案 …), its period, its 文号.

Kinds come from the type word a 公文 title ends with (GB/T 9704 and common practice);
nothing here reads a document's body.
"""
from __future__ import annotations

import re

from planqa.corpus.text import halfwidth

# most specific first: a 考评办法 is an 办法, a 指导意见 an 意见
KINDS: tuple[tuple[str, str], ...] = (
    ("政府工作报告", r"政府工作报告"),
    ("统计公报", r"统计公报"),
    ("计划执行情况报告", r"计划执行情况.{0,30}报告"),
    ("考评办法", r"(考评|考核|评价|评估|考核评价)(实施)?(办法|细则)"),
    ("实施细则", r"细则"),
    ("办法", r"办法"),
    ("条例", r"条例"),
    ("规定", r"规定"),
    ("指导意见", r"指导意见"),
    ("实施意见", r"实施意见"),
    ("意见", r"意见"),
    ("行动计划", r"行动(计划|方案)"),
    ("方案", r"方案"),
    ("政策措施", r"(政策)?措施|若干政策"),
    ("工作要点", r"要点"),
    ("决定", r"决定"),
    ("统计公报", r"公报"),
    ("白皮书", r"白皮书"),
    ("报告", r"报告"),
    ("计划", r"计划"),
    ("规划", r"规划|纲要"),
    ("通知", r"通知"),
)
_KIND_RES = [(k, re.compile(f"(?:{p})$")) for k, p in KINDS]
_TAIL = re.compile(r"([（(](试行|暂行|征求意见稿|草案|修订|\d{4}\s*[—–\-－~～至]+\s*\d{4}年?|\d{4}年?)[）)])+$")
_NOTICE = re.compile(r"^(.*?)关于(印发|转发|下发)(.+)的通知$")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,10}\s*[〔\[［【(（]\s*(?:19|20)\d\d\s*[〕\]］】)）]\s*第?\s*\d{1,4}\s*号")
_RANGE = re.compile(r"((?:19|20)\d\d)\s*[—–\-－~～至]+\s*((?:19|20)\d\d)\s*年")
_YEAR = re.compile(r"((?:19|20)\d\d)年(?:度)?")
FIVE_YEAR = {"十二": "2011—2015", "十三": "2016—2020", "十四": "2021—2025", "十五": "2026—2030"}


# the words a question may use for a kind (考评 for a 考评办法); a kind also answers to any kind it ends with
_ASKED = {
    "政府工作报告": ("政府工作报告", "工作报告"), "统计公报": ("统计公报", "公报"), "计划执行情况报告": ("执行情况",),
    "考评办法": ("考评", "考核办法"), "实施细则": ("细则",), "办法": ("办法",), "条例": ("条例",),
    "指导意见": ("指导意见",), "实施意见": ("实施意见",), "意见": ("意见",), "行动计划": ("行动计划", "行动方案"),
    "方案": ("方案",), "政策措施": ("政策措施", "若干政策", "若干措施", "政策"), "工作要点": ("工作要点", "要点"),
    "规划": ("规划", "纲要"),
}


def kinds_asked(question: str) -> set[str]:
    """The document kinds a question names (宜春市的指导意见 → 指导意见; 办法 also names a 考评办法).

    >>> sorted(kinds_asked("万载县考评办法中优秀要多少分？")), sorted(kinds_asked("两份统计公报中的人口"))
    (['办法', '考评办法'], ['统计公报'])
    >>> kinds_asked("有哪些保障措施？")
    set()
    """
    named = {k for k, words in _ASKED.items() if any(w in question for w in words)}
    return named | {k for k, _ in KINDS if any(k.endswith(n) for n in named)}


def kind_at(question: str) -> int:
    """Where the question first names a document kind (-1 when it names none).

    >>> kind_at("宜春市指导意见对万载县提出了什么要求？"), kind_at("万载县的粮食产量")
    (3, -1)
    """
    found = [question.find(w) for words in _ASKED.values() for w in words if w in question]
    return min(found, default=-1)


def is_kind(doc_type: str, kinds: set[str]) -> bool:
    """A document of ``doc_type`` (several joined by 、 for a file holding several) is of one of ``kinds``.

    >>> is_kind("政策措施、行动计划", {"行动计划"}), is_kind("五年规划纲要", {"规划"}), is_kind("统计公报", {"办法"})
    (True, True, False)
    """
    return any(t == k or t.endswith(k) or (k == "规划" and "规划" in t) for t in doc_type.split("、") for k in kinds)


def bare_title(title: str) -> str:
    """The title without a trailing （试行）/（2023—2025年） note.

    >>> bare_title("数字产业集群培育行动计划（2023—2025年）"), bare_title("停车管理办法（试行）")
    ('数字产业集群培育行动计划', '停车管理办法')
    """
    return _TAIL.sub("", title.strip())


def doc_kind(title: str) -> str:
    """The 公文 kind a title names by its last type word ("" when it names none).

    A forwarding notice (关于印发…的通知) is of the kind it forwards.

    >>> doc_kind("万载县2022年国民经济和社会发展统计公报"), doc_kind("关于加快培育消费集聚区的指导意见")
    ('统计公报', '指导意见')
    >>> doc_kind("乡镇（街道）安全生产工作考评办法"), doc_kind("数字产业集群培育行动计划（2023—2025年）")
    ('考评办法', '行动计划')
    >>> doc_kind("关于印发公共数据管理暂行办法的通知"), doc_kind("会议纪要"), doc_kind("")
    ('办法', '', '')
    """
    t = bare_title(re.sub(r"\s+", "", title))
    m = _NOTICE.match(t)
    if m:
        t = bare_title(m.group(3).strip("《》"))
    t = t.strip("《》")
    return next((k for k, pat in _KIND_RES if pat.search(t)), "")


def title_period(title: str) -> str:
    """The period or year a title states: 2023—2025, 2021—2025 (“十四五”), 2022年.

    >>> title_period("行动计划（2023-2025年）"), title_period("“十四五”规划"), title_period("2022年统计公报")
    ('2023—2025', '2021—2025', '2022年')
    >>> title_period("2023年度考评办法"), title_period("暂行办法")
    ('2023年', '')
    """
    title = halfwidth(title)
    m = _RANGE.search(title)
    if m:
        return f"{m.group(1)}—{m.group(2)}"
    m = re.search(r"第([十一二三四五]+)个五年|“?(十[一二三四五])五”?", title)
    if m:
        return FIVE_YEAR.get(m.group(1) or m.group(2), "")
    m = _YEAR.search(title)
    return f"{m.group(1)}年" if m else ""


def doc_number(line: str) -> str:
    """The 文号 a line states (包府办发〔2022〕43号), "" when none.

    >>> doc_number("发文字号：包府办发〔2022〕43号"), doc_number("赣府厅发[2023]11号"), doc_number("2023年5月8日")
    ('包府办发〔2022〕43号', '赣府厅发[2023]11号', '')
    """
    m = _DOC_NUMBER.search(re.sub(r"^.{0,6}[:：]", "", line.strip()))
    return re.sub(r"\s+", "", m.group(0)) if m else ""


def forwarded_titles(title: str) -> list[str]:
    """The titles a forwarding notice forwards (《甲》《乙》, or 甲和乙 without quotes).

    >>> forwarded_titles("关于印发《若干政策措施》《行动计划》的通知")
    ['若干政策措施', '行动计划']
    """
    m = _NOTICE.match(re.sub(r"\s+", "", title))
    if not m:
        return []
    quoted = re.findall(r"《([^》]+)》", m.group(3))
    return quoted or [m.group(3)]
