"""Answers that list a section's points: paragraph leads, the items after an introducing sentence, subsections.

Plans set out goals, principles and measures as paragraphs that open with a
short title sentence (——经济高质量发展迈上新台阶。…), often after a sentence that
announces them (主要目标是：). Such an answer reads the whole section, not only the
retrieved chunks; chunks it cites beyond those are numbered after them by the
``Reader``, whose ``extra`` the answerer hands on with its draft.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from planqa.corpus.kinds import forwarded_titles
from planqa.corpus.metadata import is_part_title
from planqa.corpus.text import normalize
from planqa.rag.answer.question import part_count
from planqa.rag.answer.units import Draft, Unit, cite, span_text
from planqa.types import Chunk, Hit

LEAD_MAX = 30  # a paragraph's title sentence is short
GIST_MAX = 50  # what a summary keeps of a subsection's first sentence
HEADING_MATCH = 0.6  # share of the question's content a section heading must hold
_END = "。；;：:！？!?"
_ITEM_MARK = re.compile(r"^(?:——|—|[-•·▪]|[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，,、]|"
                        r"[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|[一二三四五六七八九十]+、|[A-Za-z][.．、](?=\s*[\u4e00-\u9fff]))\s*")
_INTRO = re.compile(r"[：:]$|(?:以下|如下)[\u4e00-\u9fff]{0,8}[。：:]?$")
_TITLE_LIKE = re.compile(r"国民经济和社会发展|五年规划|政府工作报告|远景目标纲要")
_HEADING_NUMBER = re.compile(r"^(?:第[一二三四五六七八九十百\d]+[章节篇部分]|[（(]?[一二三四五六七八九十\d]+[）)、.．])\s*")


@dataclass(frozen=True)
class Paragraph:
    chunk: Chunk
    offset: int  # where the paragraph starts in ``chunk.text``
    text: str  # its first line as written in the chunk


class Reader:
    """Reads whole sections beside the retrieved passages; cited chunks get numbers after the hits.

    ``section(doc_id, path)`` gives a section's text chunks in order,
    ``doc_text(doc_id)`` the document text (to tell paragraph starts) and
    ``doc_chunks(doc_id)`` all its chunks (a table's rows, a line before any heading); without them only
    the retrieved chunks are read.
    """

    def __init__(self, hits: list[Hit], section: Callable | None = None, doc_text: Callable | None = None,
                 outline: Callable | None = None, doc_chunks: Callable | None = None):
        self.hits = list(hits)
        self.extra: list[Hit] = []
        self._section = section
        self._doc_text = doc_text
        self._outline = outline
        self._doc_chunks = doc_chunks

    def all_chunks(self, doc_id: str) -> list[Chunk]:
        """The document's chunks in order (those retrieved, without ``doc_chunks``)."""
        if self._doc_chunks is not None:
            return self._doc_chunks(doc_id)
        return sorted((h.chunk for h in self.hits if h.chunk.doc_id == doc_id), key=lambda c: c.start)

    def rows(self, doc_id: str, caption: str) -> list[Chunk]:
        """The rows of the document's table with this caption, in order."""
        return [c for c in self.all_chunks(doc_id) if c.kind == "table_row" and c.row is not None
                and c.row.table == caption]

    def headings(self, docs: tuple[str, ...] = (), hits: list[Hit] = ()) -> list[tuple[str, tuple[str, ...]]]:
        """Section paths to look a question's topic up in: those of ``hits``, and every section of ``docs``
        (a question may name a section retrieval did not reach)."""
        out = [(h.chunk.doc_id, h.chunk.headings) for h in hits if h.chunk.headings]
        if self._outline is not None:
            out += [(d, path) for d in docs for path in self._outline(d)]
        return list(dict.fromkeys(out))

    def number(self, chunk: Chunk) -> int:
        for n, h in enumerate(self.hits + self.extra, 1):
            if h.chunk.chunk_id == chunk.chunk_id:
                return n
        self.extra.append(Hit(chunk, 0.0, "section"))
        return len(self.hits) + len(self.extra)

    def chunk_of(self, n: int) -> Chunk:
        """The chunk cited as [n] (a retrieved passage, or one read beside them)."""
        return (self.hits + self.extra)[n - 1].chunk

    def chunks(self, doc_id: str, path: tuple[str, ...]) -> list[Chunk]:
        if self._section is not None:
            return self._section(doc_id, path)
        return sorted((h.chunk for h in self.hits if h.chunk.doc_id == doc_id and h.chunk.kind == "text"
                       and h.chunk.headings[:len(path)] == path), key=lambda c: c.start)

    def paragraphs(self, doc_id: str, path: tuple[str, ...]) -> list[Paragraph]:
        """The paragraphs (lines) that start inside the section, in order; duplicates of overlapping chunks dropped."""
        out, seen = [], set()
        for c in self.chunks(doc_id, path):
            pos = 0
            for line in c.text.split("\n"):
                at = pos
                pos += len(line) + 1
                start = c.start + at + (len(line) - len(line.lstrip()))
                if not line.strip() or start in seen or (at == 0 and not self._opens(c)):
                    continue
                seen.add(start)
                out.append(Paragraph(c, at + len(line) - len(line.lstrip()), line.strip()))
        return out

    def _opens(self, c: Chunk) -> bool:
        """The chunk begins a paragraph of its document (not the middle of one)."""
        if self._doc_text is None or c.start == 0:
            return True
        return self._doc_text(c.doc_id)[:c.start].rstrip(" \t\u3000").endswith("\n")


def lead(paragraph: str) -> tuple[str, str] | None:
    """A paragraph's title sentence: (as written, without its item mark and end mark), or None.

    >>> lead("——经济高质量发展迈上新台阶。发挥区域优势，产业特点。")
    ('——经济高质量发展迈上新台阶。', '经济高质量发展迈上新台阶')
    >>> lead("坚持以人民为中心。"), lead("着眼于远景目标，综合考虑机遇、优势、条件，坚持守正和创新相统一，努力实现以下目标。")
    (('坚持以人民为中心。', '坚持以人民为中心'), None)
    >>> lead("- **茶香线路**：串联茶园、茶厂和古村。")[1], lead("重点打造三条精品旅游线路：")
    ('茶香线路', None)
    >>> lead("（一）在本市注册的独立法人，注册资本不低于5000万元；")[1]
    '在本市注册的独立法人，注册资本不低于5000万元'
    >>> lead("A. 茶香线路：镇区—石门村—竹坞村—云台村")[1]
    '茶香线路：镇区—石门村—竹坞村—云台村'

    """
    body = paragraph.strip().strip("*# \u3000")
    m = re.match(rf"[^{_END}]+[{_END}]", body)
    if not m:
        return None
    written = m.group(0)
    bare = _ITEM_MARK.sub("", written.strip().strip("*")).rstrip(_END).strip().strip("*").strip()
    if not 2 < len(bare) <= LEAD_MAX:
        return None
    if written.endswith(("：", ":")) and len(body) - len(written) < 4:
        return None  # a line that only announces what follows (主要目标是：) is no item
    rest = body[len(written):].strip()
    if written.endswith(("：", ":")) and rest and not re.search(rf"[{_END}]", rest) and len(rest) <= LEAD_MAX:
        # a label line (茶香线路：镇区—石门村—竹坞村), not a sentence: the whole line is the item
        return body, _ITEM_MARK.sub("", body).strip().strip("*").strip()
    if len(body) == len(written) and not written.endswith(("。", "；", ";")):
        return None  # a list item ends its line with 。 or ；
    return written, bare


def is_intro(sentence: str) -> bool:
    """The sentence announces a list that follows (…主要目标是：, …努力实现以下目标。)."""
    return bool(_INTRO.search(sentence.strip()))


def heading_title(heading: str) -> str:
    """A heading without its number (第二节 基本原则 → 基本原则, （一）强化组织领导 → 强化组织领导)."""
    return _HEADING_NUMBER.sub("", heading.strip()).strip()


def title_words(question: str, titles: list[str], least: int = 4) -> tuple[str, ...]:
    """The pieces of a document title a question quotes (its name, not its topic), longest first.

    Pieces of two or more characters count once the question quotes at least ``least`` characters of a title.

    >>> title_words("江西省数字产业集群培育行动计划有哪些重点任务？", ["江西省数字产业集群培育行动计划（2023—2025年）"])
    ('江西省数字产业集群培育行动计划',)
    >>> title_words("有哪些重点任务？", ["江西省行动计划"]), title_words("", [])
    ((), ())
    """
    out: list[str] = []
    for title in dict.fromkeys(t for t in titles if t):
        pieces, i = [], 0
        while i < len(question):
            j = i
            while j < len(question) and question[i:j + 1] in title:
                j += 1
            if j - i >= 2:
                pieces.append(question[i:j])
                i = j
            else:
                i += 1
        if sum(map(len, pieces)) >= least:
            out += pieces
    return tuple(sorted(dict.fromkeys(out), key=len, reverse=True))


def is_doc_title(heading: str) -> bool:
    """The heading is a document's own title (a file holding several), or a forwarding notice's."""
    return is_part_title(heading) or bool(forwarded_titles(heading))


def best_section(paths: list[tuple[str, tuple[str, ...]]], weights: dict[str, float], topic: list[str] | None = None,
                 heads: tuple[str, ...] = ()) -> tuple[tuple[str, tuple[str, ...]] | None, float]:
    """The section (document, heading path) whose own heading holds most of the question's content
    (``topic``: the bigrams that say what about, when given), with that share.

    A question whose topic is only the document it names (万载县安全生产考评办法包括哪几方面内容) asks
    for the section headed by the kind of list it wants (``heads``: 内容, 措施 …): one of them is enough.
    """
    if topic is not None and not topic and heads:
        weights = {w: 1.0 for w in heads}
        total = 1.0
    else:
        if topic:
            weights = {g: w for g, w in weights.items() if g in topic}
        total = sum(weights.values()) or 1.0
    best, best_cov, best_named = None, HEADING_MATCH - 1e-9, False
    for doc_id, headings in paths:
        for depth in range(len(headings), 0, -1):  # deeper first: the narrowest section wins a tie
            heading = normalize(heading_title(headings[depth - 1]))
            if _TITLE_LIKE.search(heading) or len(heading) > 40 or is_doc_title(headings[depth - 1]):
                continue  # the document's own title read as a heading is not a section of it
            cov = min(sum(w for g, w in weights.items() if g in heading) / total, 1.0)
            # of two headings holding the topic (三、保障措施, （三）强化要素保障), the one that also names the
            # kind of list asked (保障措施有哪几条) is the section asked
            named = any(h in heading for h in heads)
            if (cov, named) > (best_cov, best_named):
                best, best_cov, best_named = (doc_id, headings[:depth]), cov, named
    parent = _shared_parent(paths, weights, total)
    if parent is not None and parent[1] >= best_cov:
        return parent
    return best, best_cov


SIBLINGS_MIN = 3  # this many sibling sections that each hold the topic make an enumeration of it


def _shared_parent(paths: list[tuple[str, tuple[str, ...]]], weights: dict[str, float], total: float
                   ) -> tuple[tuple[str, tuple[str, ...]], float] | None:
    """The section whose subsections are, nearly all, about the question's topic (一、支持数字产业集群发展
    … 八、支持…: the eight 支持 measures of a policy): it, with the share its weakest matching child holds.

    >>> paths = [("d", ("政策", f"{n}、支持{t}")) for n, t in zip("一二三", ("产业集群", "上云用数", "人才引进"))]
    >>> _shared_parent(paths + [("d", ("政策", "四、附则"))], {"支持": 1.0}, 1.0)
    (('d', ('政策',)), 1.0)
    """
    children: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    for doc_id, headings in paths:
        for depth in range(1, len(headings)):
            children.setdefault((doc_id, headings[:depth]), set()).add(headings[depth])
    best = None
    for parent, kids in children.items():
        shares = sorted((sum(w for g, w in weights.items() if g in normalize(heading_title(k))) / total
                         for k in kids), reverse=True)
        held = [x for x in shares if x >= HEADING_MATCH]
        if len(held) >= SIBLINGS_MIN and len(held) >= 2 * len(kids) / 3 and (best is None or held[-1] > best[1]):
            best = (parent, min(held[-1], 1.0))
    return best


_UNIT_HEADING = ("章", "节", "条", "篇", "部分")


def counted_headings(paths: list[tuple[str, tuple[str, ...]]], kind: str, count: int = 0
                     ) -> tuple[tuple[str, tuple[str, ...]], list[str]] | None:
    """Sibling headings that are the things asked (哪六个行动 → the six headings ending in 行动; 哪几章 →
    the chapters): the parent section and those headings in order, or None. With a count, exactly that
    many; without, at least ``SIBLINGS_MIN`` and all but one of the siblings.

    >>> paths = [("d", ("方案", "二、重点任务", f"（{n}）实施{t}行动")) for n, t in zip("一二三", ("培育", "提升", "赋能"))]
    >>> counted_headings(paths + [("d", ("方案", "三、保障措施"))], "行动", 3)[1]
    ['（一）实施培育行动', '（二）实施提升行动', '（三）实施赋能行动']
    >>> counted_headings([("d", ("办法", "第一章 总则")), ("d", ("办法", "第二章 附则"))], "章")[1]
    ['第一章 总则', '第二章 附则']
    """
    if not kind:
        return None
    kids: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for doc_id, path in paths:
        for depth in range(1, len(path) + 1):
            mine = kids.setdefault((doc_id, path[:depth - 1]), [])
            if path[depth - 1] not in mine:
                mine.append(path[depth - 1])
    best = None
    for parent, ks in kids.items():
        if kind in _UNIT_HEADING:
            named = [k for k in ks if re.match(rf"第[一二三四五六七八九十百\d]+{kind}", k.strip())]
        else:
            named = [k for k in ks if heading_title(k).rstrip(_END).endswith(kind)]
        if len(named) < 2 or (count and len(named) != count) \
                or (not count and kind not in _UNIT_HEADING and (len(named) < SIBLINGS_MIN or len(named) < len(ks) - 1)):
            continue
        if best is None or len(named) > len(best[1]):
            best = (parent, named)
    return best


def doc_parts(paths: list[tuple[str, tuple[str, ...]]], doc_id: str
              ) -> tuple[tuple[str, tuple[str, ...]], list[str]] | None:
    """A document's parts: the headings at its top (under its title, or under the attachment a notice
    forwards, whichever holds more), or None when fewer than two.

    >>> paths = [("d", ("关于印发《2025年工作要点》的通知",)), ("d", ("2025年工作要点",))] + [
    ...     ("d", ("2025年工作要点", f"{n}、{t}")) for n, t in zip("一二", "甲乙")]
    >>> doc_parts(paths, "d")
    (('d', ('2025年工作要点',)), ['一、甲', '二、乙'])
    """
    kids: dict[tuple[str, ...], list[str]] = {}
    for d, path in paths:
        for depth in (1, 2):
            if d == doc_id and len(path) >= depth and path[depth - 1] not in kids.setdefault(path[:depth - 1], []):
                kids[path[:depth - 1]].append(path[depth - 1])
    if any(is_doc_title(k) for k in kids.get((), [])):
        kids.pop(())  # a notice and the document it forwards are not the document's parts
    parent = max(kids, key=lambda p: (len(kids[p]), -len(p)), default=None)
    return ((doc_id, parent), kids[parent]) if parent is not None and len(kids[parent]) >= 2 else None


def heading_items(parent: tuple[str, tuple[str, ...]], named: list[str], reader: Reader) -> Draft | None:
    """The titles of the headings ``named`` under ``parent``, each cited where its section begins."""
    doc_id, path = parent
    firsts = []
    for heading in named:
        chunks = reader.chunks(doc_id, path + (heading,))
        title = heading_title(heading).rstrip(_END)
        if not chunks or normalize(title) not in normalize(chunks[0].text):
            return None
        firsts.append((chunks[0].start, title, chunks[0]))
    parts, quotes = [], {}
    for _, title, chunk in sorted(firsts, key=lambda x: x[0]):  # in the document's order
        n = reader.number(chunk)
        parts.append(f"{title}[{n}]")
        quotes.setdefault(n, title)
    return Draft("；".join(parts) + "。", quotes, False, "")


_TOTALS = ("合计", "总计", "小计", "全部", "总量")


def _first_value(row) -> float | None:
    for _, v in row.cells:
        try:
            return float(v.replace(",", ""))
        except ValueError:
            continue
    return None


def sub_rows(rows: list[Chunk], parent: Chunk) -> list[Chunk]:
    """The rows a table lists under ``parent`` (粮食 / 其中：稻谷 / 小麦 / 玉米 / 油料): they open with 其中：
    and go on while their first figures, parts of the parent's, sum to no more than it.

    >>> from planqa.types import TableRow
    >>> rows = [Chunk(f"c{i}", "d", "d.txt", "公报", (), "table_row", name, i, i, i, i,
    ...               row=TableRow("表1", name, "万吨", (("产量", v),)))
    ...         for i, (name, v) in enumerate((("粮食", "35.92"), ("其中：稻谷", "24.36"), ("小麦", "6.18"),
    ...                                       ("玉米", "3.47"), ("油料", "8.47"), ("其中：花生", "7.86")))]
    >>> [c.row.name for c in sub_rows(rows, rows[0])], [c.row.name for c in sub_rows(rows, rows[4])]
    (['其中：稻谷', '小麦', '玉米'], ['其中：花生'])
    """
    at = next((i for i, c in enumerate(rows) if c.chunk_id == parent.chunk_id), None)
    if at is None or at + 1 >= len(rows) or not re.match(r"其中[：:]", rows[at + 1].row.name):
        return []
    whole, out, total = _first_value(parent.row), [rows[at + 1]], _first_value(rows[at + 1].row)
    if whole is None or total is None:
        return out
    for c in rows[at + 2:]:
        value = _first_value(c.row)
        if value is None or re.match(r"其中[：:]", c.row.name) or total + value > whole * 1.001:
            break
        out.append(c)
        total += value
    return out


def table_items(doc_id: str, caption: str, reader: Reader, category: str = "", having: str = "",
                under: Chunk | None = None, picked=None) -> Draft | None:
    """What a table lists: the names of its rows (of one category, with a cell value, under a row, or that
    ``picked`` (a test of a row's text) keeps, when one is asked), each cited at its row.

    >>> from planqa.types import TableRow
    >>> rows = [Chunk(f"c{i}", "d", "d.txt", "公报", (), "table_row", name, i * 10, i * 10 + 9, i + 1, i + 1,
    ...               row=TableRow("表1", name, "万吨", ())) for i, name in enumerate(("生铁", "粗钢"))]
    >>> table_items("d", "表1", Reader([Hit(c, 1.0, "dense") for c in rows])).text
    '表1列有生铁[1]、粗钢[2]。'
    >>> tasks = [Chunk(f"t{i}", "d", "d.txt", "措施", (), "table_row", name, i * 10, i * 10 + 9, i + 1, i + 1,
    ...                row=TableRow("任务分工表", name, "", (("完成时限", when),)))
    ...          for i, (name, when) in enumerate((("企业上市奖励", "长期坚持"), ("融资担保降费", "2024年7月底前"),
    ...                                            ("用地保障", "长期坚持")))]
    >>> table_items("d", "任务分工表", Reader([Hit(c, 1.0, "dense") for c in tasks]), having="长期坚持").text
    '任务分工表列有企业上市奖励[1]、用地保障[3]。'
    """
    rows = [c for c in reader.rows(doc_id, caption) if (not category or c.row.category == category)
            and normalize(c.row.name) not in _TOTALS]
    if under is not None:  # 粮食下面“其中”列了哪几种: the rows that break it down
        rows = sub_rows(reader.rows(doc_id, caption), under)
        if not rows:
            return None
        parts = [f"{re.sub(r'^其中[：:]', '', c.row.name)}[{reader.number(c)}]" for c in rows]
        return Draft(f"{under.row.name}项下列有{'、'.join(parts)}。", {reader.number(c): c.text for c in rows},
                     False, "")
    if having:  # 完成时限写“长期坚持”的任务: the rows with that value in a cell
        rows = [c for c in rows if any(normalize(having) in normalize(v) for _, v in c.row.cells)]
    if picked is not None:  # 哪几项比上年是减少的: the rows the question picks by what they state
        rows = [c for c in rows if picked(c.text)]
    if len(rows) < (1 if picked is not None else 2) or any(not re.search(r"[^\d.\s]", c.row.name) for c in rows):
        return None  # rows named by a number (序号) do not say what they are
    parts, quotes = [], {}
    for c in rows:
        n = reader.number(c)
        parts.append(f"{re.sub(r'^其中[：:]', '', c.row.name)}[{n}]")  # 其中：稻谷 is listed as 稻谷
        quotes[n] = c.text
    named = caption if re.search(r"表|专栏", caption) else "表中"  # a table with no caption goes by its heading
    return Draft(f"{named}{'中' + category if category else ''}列有{'、'.join(parts)}。", quotes, False, "")


def term_section(term: str, hits: list[Hit]) -> tuple[str, tuple[str, ...]] | None:
    """The section whose heading names a quoted term (三、优化“三片” for “三片”), to list what it is made of."""
    t = normalize(term)
    for h in hits:
        c = h.chunk
        for depth in range(len(c.headings), 0, -1):
            title = normalize(heading_title(c.headings[depth - 1]))
            if t in title and len(title) <= len(t) + 6:
                return c.doc_id, c.headings[:depth]
    return None


def section_list(section: tuple[str, tuple[str, ...]], reader: Reader, summary: bool) -> Draft | None:
    """A section's points: its subsections' titles (with their first sentence for a summary), else the
    title sentences of its paragraphs."""
    doc_id, path = section
    paras = reader.paragraphs(doc_id, path)
    subs: dict[str, Paragraph] = {}
    for p in paras:
        if len(p.chunk.headings) > len(path):
            subs.setdefault(p.chunk.headings[len(path)], p)
    if len(subs) >= 2:
        return _subsections(subs, paras, path, reader, summary)
    items = [(p, lead(p.text)) for p in paras if len(p.chunk.headings) == len(path)]
    return _leads([(p, ld) for p, ld in items if ld and not _is_heading(p)], reader)


def part_sections(section: tuple[str, tuple[str, ...]], parts: list[str], reader: Reader) -> Draft | None:
    """What each part of a numbered slogan stands for, when the section named by the slogan has a
    subsection for each (第三章 构建“一核两廊三片”格局: 一、做强“一核” …): the subsection's sentence that
    defines the part (“一核”即桐湾湖商务核心区), else the title sentences of its paragraphs
    (（一）北部智造片区。…). None unless every part is found.
    """
    from planqa.rag.answer.shapes import defines

    doc_id, path = section
    paras = reader.paragraphs(doc_id, path)
    subs: dict[str, list[Paragraph]] = {}
    for p in paras:
        if len(p.chunk.headings) > len(path) and not _is_heading(p):
            subs.setdefault(p.chunk.headings[len(path)], []).append(p)
    out, quotes = [], {}
    for part in parts:
        heading = next((h for h in subs if normalize(part) in normalize(heading_title(h))), None)
        if heading is None:
            return None
        body = subs[heading]
        sentence = re.match(rf"[^{_END}]+[{_END}]?", body[0].text) if body else None
        if sentence and defines(sentence.group(0), part):
            n = reader.number(body[0].chunk)
            said = sentence.group(0).rstrip(_END)
            out.append(f"{said}[{n}]")
            quotes.setdefault(n, said)
            continue
        listed = _leads([(p, ld) for p in body for ld in [lead(p.text)] if ld], reader)
        if listed is None:
            return None
        out.append(f"{part}：" + listed.text.rstrip("。").replace("；", "、"))  # bare leads hold no ；
        for n, q in listed.quotes.items():
            quotes.setdefault(n, q)
    return Draft("；".join(out) + "。", quotes, False, "")


_OPENING = re.compile(r"[^，,：:；;。！？!?]+")
SLOGAN_MAX = 12  # a slogan numbers a few parts (一核三板块, 五大行动), not dozens


def slogan_items(parts: list[str], hits: list[Hit], reader: Reader, term: str = "") -> Draft | None:
    """What the numbered parts of a slogan stand for, when the sentences after its mention open with them
    (构建“一核三板块”格局。做强梅岭湖新城核心区…做优东部经开区板块…做美南部生态文旅板块…): for each part
    (三板块 → three openings that hold 板块) the first sentences after the mention whose opening clause
    holds the part's noun. None unless every part is found with exactly its number of items.

    Only sentence openings that end with the part's noun count: that is where a plan names what it sets
    out to build, and a noun met in passing (以项目支撑片区发展) is not one of the parts.
    """
    specs = []
    for part in parts:
        counted = part_count(part)
        if counted is None or counted[0] > SLOGAN_MAX:
            return None
        specs.append(counted[:2])
    said = normalize(term or "".join(parts))
    for mention in dict.fromkeys(h.chunk for h in hits if h.chunk.kind == "text" and said in normalize(h.chunk.text)):
        found = _openings(mention, term or "".join(parts), specs, reader)
        if found is not None:
            break
    else:
        return None
    items, spans = [], {}
    for _, p, clause in sorted((x for f in found for x in f), key=lambda x: x[0]):
        n = reader.number(p.chunk)
        # a run-in title (治理安街行动。) is the part's own name, kept whole; an opening that goes on
        # (做强…核心区，加快…) is shown as what it builds
        own = re.search(re.escape(clause) + f"[{_END}]", p.text) is not None
        items.append(f"{clause if own else built(clause)}[{n}]")
        spans.setdefault(n, []).append(clause)
    quotes = {n: span_text(reader.chunk_of(n).text, cs[0], cs[-1]) for n, cs in spans.items()}
    return Draft("；".join(items) + "。", quotes, False, "")


def built(clause: str) -> str:
    """What an opening sets out to build, without the verb that opens it (做强梅岭湖新城核心区 → 梅岭湖新城核心区).

    >>> built("做强梅岭湖新城核心区"), built("做优东部经开区板块"), built("推进南部枢纽片区"), built("民生线")
    ('梅岭湖新城核心区', '东部经开区板块', '南部枢纽片区', '民生线')
    """
    from planqa.rag.answer.question import _jieba

    import jieba.posseg as pseg

    _jieba()  # loaded quietly
    words = list(pseg.cut(clause))
    if len(words) < 2 or not words[0].flag.startswith("v"):
        return clause
    cut = len(words[0].word)
    if cut == 1 and len(words[1].word) == 1:  # 做|优 东部…: a verb of two characters jieba split
        cut = 2
    rest = clause[cut:]
    return rest if len(rest) >= 3 else clause


def _openings(mention: Chunk, said: str, specs: list[tuple[int, str]], reader: Reader
              ) -> list[list[tuple[int, Paragraph, str]]] | None:
    """The sentence openings after ``said`` in ``mention``'s section that hold each part's noun, or None."""
    at = mention.start + max(mention.text.find(said), 0)
    found: list[list[tuple[int, Paragraph, str]]] = [[] for _ in specs]
    for p in reader.paragraphs(mention.doc_id, mention.headings):
        if p.chunk.headings != mention.headings:
            break
        pos = 0
        for sentence in re.findall(r"[^。！？!?]+[。！？!?]?", p.text):
            start, pos = p.chunk.start + p.offset + pos, pos + len(sentence)
            if start + len(sentence) <= at:
                continue
            opening = _OPENING.match(sentence.strip())
            if not opening or normalize(said) in normalize(sentence):
                continue
            clause = opening.group(0).strip()
            if "、" in clause:
                continue  # 抓住民生线、互助线、文化线 names all the parts at once, not one of them
            # the part's noun ends the opening (做优北部产业片, 做强…核心区), as the thing it sets out to build
            k = next((i for i, (n, head) in enumerate(specs)
                      if head in clause[-len(head) - 2:] and len(found[i]) < n), None)
            if k is not None and len(clause) <= 2 * LEAD_MAX:
                found[k].append((start, p, clause))
        if all(len(f) == n for f, (n, _) in zip(found, specs)):
            return found
    return None


def section_summary(section: tuple[str, tuple[str, ...]], reader: Reader, limit: int = 160) -> Draft | None:
    """A section's opening sentences, up to a short paragraph, cited."""
    doc_id, path = section
    para = next((p for p in reader.paragraphs(doc_id, path) if not _is_heading(p)), None)
    if para is None:
        return None
    text, picked = para.chunk.text[para.offset:], []
    own = {normalize(path[-1]), normalize(heading_title(path[-1]))}
    for m in re.finditer(rf"[^{_END}\n]+[{_END}]?", text.split("\n")[0]):
        if not picked and normalize(m.group(0)).rstrip(_END) in own:
            continue  # a run-in heading (（三）发展目标。到2027年…) is not what the section says
        if picked and sum(len(x) for x in picked) + len(m.group(0)) > limit:
            break
        picked.append(m.group(0))
    if not picked:
        return None
    n = reader.number(para.chunk)
    return Draft(cite("".join(picked), n), {n: "".join(picked)}, False, "")


def intro_list(intro: Unit, hits: list[Hit], reader: Reader) -> Draft | None:
    """The items announced by an introducing sentence: the title sentences of the paragraphs after it."""
    c = hits[intro.n - 1].chunk
    at = c.start + max(c.text.find(intro.source_text), 0) + len(intro.source_text)
    items, marked = [], None
    paras = reader.paragraphs(c.doc_id, c.headings)
    for p in paras:
        if p.chunk.start + p.offset < at or _is_heading(p):
            continue
        if p.chunk.headings != c.headings:
            if not items:  # 重点抓好以下七个方面工作： with (一)…(七) after it: the subsections are the items
                return _child_items(intro, c, paras, reader)
            break
        ld = lead(p.text)
        has_mark = bool(_ITEM_MARK.match(p.text))
        if ld is None or is_intro(p.text) or (marked is not None and has_mark != marked):
            break
        marked = has_mark if marked is None else marked
        items.append((p, ld))
    return _leads(items, reader)


def _child_items(intro: Unit, c: Chunk, paras: list[Paragraph], reader: Reader) -> Draft | None:
    """The headings of the subsections that follow an introducing sentence at the end of its section, when
    there are as many as it announces (以下七个方面)."""
    depth = len(c.headings)
    kids = list(dict.fromkeys(p.chunk.headings[depth] for p in paras
                              if len(p.chunk.headings) > depth and p.chunk.start >= c.start))
    said = re.search(r"([一二三四五六七八九十两]+|\d+)(?:个|项|条|大|类|件|方面)", intro.text)
    counted = part_count(said.group(0)) if said else None
    if len(kids) < 2 or (counted is not None and counted[0] != len(kids)):
        return None
    return heading_items((c.doc_id, c.headings), kids, reader)


def _leads(items: list[tuple[Paragraph, tuple[str, str]]], reader: Reader) -> Draft | None:
    plain = [it for it in items if not re.search(r"[，,]", it[1][1]) or _ITEM_MARK.match(it[1][0].strip())]
    if len(plain) >= 3 and len(plain) >= 0.75 * len(items):
        # title sentences are alike (加强政治建设。坚持依法行政。): an unnumbered paragraph opening with a
        # clause (各位代表，新的征程催人奋进) among them is the section's closing words, not an item
        items = plain
    if len(items) < 2:
        return None
    parts, spans = [], {}
    for p, (written, bare) in items:
        n = reader.number(p.chunk)
        parts.append(f"{bare}[{n}]")
        spans.setdefault(n, []).append(written)
    quotes = {n: span_text(reader.chunk_of(n).text, ws[0], ws[-1]) for n, ws in spans.items()}
    return Draft("；".join(parts) + "。", quotes, False, "")


def _subsections(subs: dict[str, Paragraph], paras: list[Paragraph], path, reader: Reader,
                 summary: bool) -> Draft:
    parts, quotes = [], {}
    for heading, first in subs.items():
        n = reader.number(first.chunk)
        title = heading_title(heading)
        text, quote = title, heading.strip()
        if summary:
            body = next((p for p in paras if p.chunk.headings[len(path):len(path) + 1] == (heading,)
                         and not _is_heading(p) and p.chunk.chunk_id == first.chunk.chunk_id), None)
            if body is not None:
                sentence = re.match(rf"[^{_END}]+[{_END}]?", body.text).group(0)
                gist = sentence if len(sentence) <= GIST_MAX else re.split(r"[，,]", sentence)[0]
                text += "：" + gist.rstrip(_END)
                quote = span_text(first.chunk.text, heading.strip(), gist.rstrip(_END))
        parts.append(f"{text}[{n}]")
        quotes.setdefault(n, quote)
    return Draft("；".join(parts) + "。", quotes, False, "")


def _is_heading(p: Paragraph) -> bool:
    t = normalize(p.text.strip("*# ")).rstrip(_END)  # （二）基本原则。 alone on its line is the heading
    return any(t == normalize(h) or normalize(heading_title(h)) == t for h in p.chunk.headings)
