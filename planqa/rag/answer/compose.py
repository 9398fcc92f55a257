"""Turn chosen sentences and table rows into short answer text, verbatim where it quotes.

Table rows become one statement with units; long sentences are cut to the
clauses that carry the asked-for figures; enumerations (一是…二是…) are kept
whole. Nothing here adds a fact.
"""
from __future__ import annotations

import re

from planqa.corpus.text import halfwidth, normalize
from planqa.types import TableRow

HAS_NUMBER = re.compile(r"\d|[一二三四五六七八九十百千两]+(个|项|家|所|条|万|亿|片|起|名|座|张|批)")
UNIT_NUMBER = re.compile(r"\d+(\.\d+)?\s*(%|％|万|亿|元|人|家|个|项|所|户|公里|平方米|亩|吨|张|座|条|倍|次|天|片|起|名|分)")
_END = "。；;！!？?"
SHORT_SENTENCE = 90
MIN_ANSWER = 16
NEIGHBOUR = 0.8  # a neighbouring clause joins the answer when it matches nearly as well


def render_row(row: TableRow, place: str = "") -> str:
    """A table row as a short statement with units.

    >>> render_row(TableRow("专栏1", "商品销售总额累计", "亿元", (("2020", "7.5"), ("2025", "46"), ("属性", "预期性"))))
    '商品销售总额累计：2020年7.5亿元，2025年46亿元（预期性指标）'
    >>> render_row(TableRow("表1", "电熔镁砂", "", (("产量（万吨）", "96.8"), ("比上年增长（%）", "11.2"))))
    '电熔镁砂：产量96.8万吨，比上年增长11.2%'
    """
    vals, attr = [], ""
    for header, value in row.cells:
        if header.startswith("属性"):
            attr = value if value.endswith("性") else value + "性"
            continue
        if value in ("——", "—", "-", ""):
            continue
        label = header.replace("目标·", "目标")
        if re.fullmatch(r"\d{4}", label):
            label += "年"
        unit = row.unit if label not in ("目标年均增长", "年均增长") or row.unit == "%" else "%"
        headed = re.fullmatch(r"(.+?)\s*[（(]([^（）()]{1,6})[）)]", label)
        if headed and not row.unit:  # 产量（万吨）96.8: the column's unit goes with its figure (产量96.8万吨)
            label, unit = headed.group(1), headed.group(2)
        v = value + unit if unit and re.search(r"[\d〕\]]$", value) and unit not in value else value
        vals.append(f"{label}{v}")
    text = f"{place}{row.name}：" + "，".join(vals)
    return text + (f"（{attr}指标）" if attr else "")


def key_clauses(sentence: str, weights: dict[str, float], prefer: str = "number") -> str:
    """The part of a sentence that answers the question.

    Short sentences are kept whole; longer ones are cut to the clauses holding
    the question's words and figures (``prefer="number"``) or enumerations
    (``prefer="list"``); in an enumeration of figures (A完成23.3亿、B完成25.5亿)
    only the item asked about is kept; things and the figures given them respectively (对A、B，分别给予
    30万元、15万元) stay together.

    >>> key_clauses("推广绿色生产技术，对新认定的国家级、省级林下经济示范基地，市财政分别给予30万元、15万元一次性奖励，"
    ...             "完善基地道路、水利、电力等基础设施", {"国家": 1.0, "示范": 1.0, "基地": 1.0})
    '对新认定的国家级、省级林下经济示范基地，市财政分别给予30万元、15万元一次性奖励'
    >>> key_clauses("人才公寓的房源筹集、入住管理和退出办法，由市住房和城乡建设局另行制定", {"退出": 1.0, "办法": 1.0})
    '人才公寓的房源筹集、入住管理和退出办法，由市住房和城乡建设局另行制定'
    """
    body = sentence.rstrip(_END)
    short = SHORT_SENTENCE if prefer == "number" else 150
    if len(body) <= short and ("、" not in body or prefer != "number"):
        return body
    clauses = [c for c in split_clauses(body) if c.strip()]
    total = sum(weights.values()) or 1.0

    def value(c: str) -> float:
        nc = normalize(c)
        got = sum(w for g, w in weights.items() if g in nc) / total
        if prefer == "list":
            return got + 0.15 * min(c.count("、"), 4)
        return got + (0.3 if HAS_NUMBER.search(c) else 0.0)

    scores = [value(c) for c in clauses]
    best = max(range(len(clauses)), key=lambda i: scores[i])
    keep = {best}
    # neighbours that carry question words or figures belong to the answer (subject before, figure after)
    for j in (best - 1, best + 1):
        if 0 <= j < len(clauses) and scores[j] >= NEIGHBOUR * scores[best] \
                and (prefer == "list" or HAS_NUMBER.search(clauses[j])) \
                and sum(len(clauses[i]) for i in keep) + len(clauses[j]) <= SHORT_SENTENCE:
            keep.add(j)
    if best > 0 and best - 1 not in keep and not HAS_NUMBER.search(clauses[best - 1]) \
            and scores[best - 1] > 0 and len(clauses[best - 1]) <= 30:
        keep.add(best - 1)
    # a fragment alone ("特别是2020年以来") says nothing: widen to a readable statement
    while sum(len(clauses[i]) for i in keep) < MIN_ANSWER and len(keep) < len(clauses):
        lo, hi = min(keep), max(keep)
        nxt = hi + 1 if hi + 1 < len(clauses) else lo - 1
        keep.add(nxt)
    keep |= _asked_items(clauses, weights, keep)
    # 对新认定的国家级、省级示范基地，分别给予30万元、15万元: the things and their figures, in order, are one statement
    for i in sorted(keep):
        if "分别" in clauses[i] and i > 0:
            keep.add(i - 1)
        if i + 1 < len(clauses) and "分别" in clauses[i + 1]:
            keep.add(i + 1)
    respectively = any("分别" in clauses[i] for i in keep)
    last = max(keep)
    # 服务机构有虚开发票…等行为的，由市科技局追回…: a condition says nothing without what follows it
    if clauses[last].rstrip().rstrip("，,").endswith("的") and last + 1 < len(clauses):
        while last + 1 < len(clauses) and sum(len(clauses[i]) for i in keep) < 2 * SHORT_SENTENCE:
            last += 1
            keep.add(last)
    if clauses[last].rstrip().endswith(("：", ":")):  # "主要预期目标是：" — the answer follows the colon
        while last + 1 < len(clauses) and sum(len(clauses[i]) for i in keep) < 2 * SHORT_SENTENCE:
            last += 1
            keep.add(last)
    # 退出办法，由市住房和城乡建设局另行制定: the clause after a topic that says who does it is its predicate
    if last + 1 < len(clauses) and clauses[last + 1].lstrip().startswith("由"):
        keep.add(last + 1)
    chosen = "".join(clauses[i] for i in sorted(keep)).strip().rstrip("，,；;：:")
    items = chosen.split("、")
    if prefer == "number" and len(items) > 2 and not respectively and \
            sum(1 for it in items if UNIT_NUMBER.search(halfwidth(it))) >= 2:
        best_item = max(items, key=value)
        if value(best_item) > 0.3:
            return best_item.strip()
    return chosen


ITEM_MAX = 20  # a clause this short that holds a figure is one item of a list of figures (其中高城镇2.76万吨)


def _asked_items(clauses: list[str], weights: dict[str, float], keep: set[int]) -> set[int]:
    """The item of a list of figures, one clause each (其中高城镇2.76万吨，潭埠镇2.41万吨，…), that names what
    the question asks about and no other item does; nothing when no single item is named.

    >>> cs = ["粮食产量超过2万吨的有高城镇、潭埠镇和高村镇，", "其中高城镇2.76万吨，", "潭埠镇2.41万吨"]
    >>> _asked_items(cs, {"高城": 1.0, "城镇": 1.0, "产量": 1.0}, {0})
    {1}
    """
    items = [i for i, c in enumerate(clauses) if len(c) <= ITEM_MAX and UNIT_NUMBER.search(halfwidth(c))]
    if len(items) < 2 or any(i in keep for i in items):
        return set()
    grams = {i: {g for g in weights if g in normalize(clauses[i])} for i in items}
    named = [i for i in items if grams[i] - set().union(*(grams[j] for j in items if j != i))]
    return {named[0]} if len(named) == 1 else set()


def split_clauses(text: str) -> list[str]:
    """Clauses of a sentence, each keeping its closing ，；：, never cut inside quotes or brackets.

    >>> split_clauses("推进19片平房区（总占地面积4731亩，人口约7.35万人）拆迁改造，完成测算")
    ['推进19片平房区（总占地面积4731亩，人口约7.35万人）拆迁改造，', '完成测算']
    """
    out, cur, depth = [], "", 0
    for ch in text:
        cur += ch
        depth = max(0, depth + {"“": 1, "”": -1, "（": 1, "）": -1, "(": 1, ")": -1, "《": 1, "》": -1}.get(ch, 0))
        if depth == 0 and ch in "，,；;：:":
            out.append(cur)
            cur = ""
    return out + ([cur] if cur else [])


_FIRST_ITEM = re.compile(r"一是|第一[，,、]|[（(][1一][）)]")
_CN_ORD = "一二三四五六七八九十"
_ITEM_START = re.compile(r"^(?:([一二三四五六七八九十])是|第([一二三四五六七八九十])[，,、]|[（(]([1-9]|[一二三四五六七八九十])[）)])")


def item_number(sentence: str) -> int:
    """The ordinal an enumeration item opens with (二是 → 2, 第三， → 3, （4） → 4), else 0.

    >>> item_number("二是民生有短板。"), item_number("（3）加强监管"), item_number("同时，一是")
    (2, 3, 0)
    """
    m = _ITEM_START.match(sentence.strip())
    if not m:
        return 0
    token = next(g for g in m.groups() if g)
    return int(token) if token.isdigit() else _CN_ORD.index(token) + 1


def enumeration_items(sentences: list[str], index: int) -> list[list[str]]:
    """The items of the enumeration that ``sentences[index]`` opens, each as its sentences.

    An item may run over several sentences; they are kept up to the next item
    (二是 after 一是, 三是 after 二是).
    """
    items = [[sentences[index].rstrip(_END)]]
    expected, rest = 2, [s.strip() for s in sentences[index + 1:]]
    for i, s in enumerate(rest):
        if item_number(s) == expected:
            items.append([s.rstrip(_END)])
            expected += 1
        elif any(item_number(t) == expected for t in rest[i + 1:i + 3]):
            items[-1].append(s.rstrip(_END))  # the current item goes on
        else:
            break
    return items


def with_enumeration(sentences: list[str], index: int, limit: int = 220) -> str:
    """A sentence plus the 二是/三是… sentences that continue its enumeration.

    When the items are too long together, each is cut to its first clause.

    >>> with_enumeration(["存在短板，一是产业弱，缺载体；", "动能转换慢。", "二是民生有短板，待补齐。", "其他。"], 0, 20)
    '存在短板，一是产业弱；二是民生有短板'
    """
    items = enumeration_items(sentences, index)
    text = "；".join("，".join(parts) for parts in items)
    if len(text) <= limit or len(items) == 1:
        return text
    first_item = items[0][0]
    m = _FIRST_ITEM.search(first_item)
    lead, first = (first_item[:m.start()], first_item[m.start():]) if m else ("", first_item)
    short = [re.split(r"[，,]", it, maxsplit=1)[0] for it in [first] + [parts[0] for parts in items[1:]]]
    return lead + "；".join(short)
