"""The offline answerer: picks the sentences or table rows that answer the question and cites them.

Sentences (not passages) are scored by how much of the question's content they
cover — character bigrams weighted by rarity in the corpus — plus question-type
and tense cues; candidates about another year, period, measure or place than
the question pins down (``fit``) are set aside. The answer is composed from
verbatim clauses or rebuilt table rows in the shape the question asks
(``shapes``, ``sections``); when nothing fitting is left it refuses.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

from planqa.corpus.kinds import doc_kind, doc_number
from planqa.corpus.metadata import has_time, organs
from planqa.corpus.text import cn_year_to_digits, halfwidth, norm_numbers, normalize
from planqa.rag.answer.compose import HAS_NUMBER, UNIT_NUMBER
from planqa.rag.answer.agreement import (AVERAGE, names_other, CLASSIFIERS, _LEVELS, _LOWER, _UPPER, SUBJECT_SHARE, bound_conflict, stated_other, deferred, row_blank_for, figure_fits, missing_level, frame_years, inner_places, other_measure,
                                         other_period, others_figures, period_years, phrase_share, row_years, word_share,
                                         written_years, year_conflict, year_covered)
from planqa.rag.answer.figures import (_CHANGE_Q, Facet, asked_unit, counted_noun, facets, figure_subject, implied_measure,
                                       measure_word)
from planqa.rag.answer.question import (_INDICATOR_END, _INDICATOR_WORD, DOC_PARTS, LIST_HEADS, asked_count, asked_kind, content_bigrams, content_text, defined_term,
                                        indicator_phrase, joined_bigrams, list_head, nouns, part_count, question_parts,
                                        question_tense, question_type, question_words, scene_bigrams, term_parts,
                                        topic_bigrams, written_form)
from planqa.rag.answer.sections import (Reader, best_section, counted_headings, heading_items, heading_title, sub_rows, table_items, doc_parts,
                                        intro_list, is_doc_title, is_intro, part_sections,
                                        section_list,
                                        section_summary, slogan_items, term_section, title_words)
from planqa.rag.answer.shapes import _ITEM_NUMBER, defines, definitions, facet_answer, items_in, list_cue, summary
from planqa.rag.answer.units import Draft, Unit, candidates, cite, compose_unit, quotes_of, span_text
from planqa.rag.facts import short_place
from planqa.rag.query import _THIS_DOCUMENT, QueryInfo, place_aliases
from planqa.types import Hit, TableRow

REFUSAL = "文档中没有找到相关内容。"
_ASKS_FIGURE = re.compile(r"多少|几|百分之")
_AMOUNT_CHARS = set("量数额值")  # 总量, 人数, 金额, 产值: the amount of a thing, not the thing
_MEASURE_CHARS = set("个项家所条张座处台辆套场次起批户人名数量")
_REVIEW_HEADING = re.compile(r"回顾|发展基础|成就|十三五|过去五年|工作总结")
SECOND_COVERAGE, SECOND_SCORE = 0.6, 0.7  # how close a second sentence must come to the best one
YEAR_WEIGHT = 1.0
NAMED_FIGURE = 0.5
ROW_FIT = 0.2
OTHER_NAME = 0.5  # a sentence naming the asked indicator only inside another's name (人均地区生产总值)
MEASURE_FIT = 0.3  # a figure in the asked unit (多少亿元 → 亿元) beside the asked subject
JOINED_WEIGHT = 0.4  # a bigram across two words (重点|打造) counts for less than one inside a word
TITLE_WEIGHT = 0.2  # a word of the question that names a document, once retrieval has found it (not fitted)
TITLE_MIN = 4  # a piece of a title this long is a quote of the name (静海镇…五年 are two words that happen to be in it)
SCENE_WEIGHT = 0.5  # words of a clause that sets the scene (在党建引领共同缔造中，…) count less than the asking clause's
CUE_WEIGHT = {"list": 0.45}  # how much the answer's shape counts beside coverage (default 0.15)
INTRO_ONLY = 30  # a sentence this short that announces items (应当提交下列材料：) says nothing else
NAMED_SECTION = 0.8  # a question that holds this much of a section's heading names that section
WORD_MIN_IDF = 1.5  # a question word this common (发展, 工作) does not justify a second citation


@dataclass
class Ask:
    """What a question asks for, read once: its shape, its content and what pins its answer down."""

    qtype: str  # number | list | summary | who | when | fact
    tense: str  # past | future | ''
    weights: dict[str, float]  # content bigrams → rarity
    count: int = 0  # 哪三个 → 3
    term: str = ""  # a quoted term whose meaning is asked
    phrase: str = ""  # the indicator named (商品销售总额)
    measure: str = ""  # the unit's measure the figure is asked in (money, percent, count …)
    facets: list[Facet] = field(default_factory=list)  # several things asked at once
    years: tuple[int, ...] = ()
    head: str = ""  # what a list is asked of (哪些特色产业集群 → 特色产业集群)
    counted: str = ""  # what a figure counts (多少个社区 → 社区)
    period: frozenset = frozenset()  # the years of a plan period the question names (“十三五”期间)
    subject: str = ""  # the indicator with what it belongs to (碳化硅产业园二期项目总投资)


def _asked_of(question: str, places: tuple[str, ...]) -> str:
    """What a figure question asks about when no indicator is named: its words before the question word,
    without places, years and the verb that asks (扩区后园区规划面积达到多少 → 扩区后园区规划面积).

    >>> _asked_of("扩区后园区规划面积达到多少？", ()), _asked_of("澄岭镇2025年新增就业是多少？", ("澄岭镇",))
    ('扩区后园区规划面积', '新增就业')
    >>> _asked_of("红安县去年一年接待了多少游客？", ("红安县",))
    '接待游客'
    """
    at = re.search(r"多少|几|多大|多长|多久|多高|多远|百分之", question)
    text = question[:at.start()] if at else question
    # the thing counted after the question word, when no unit stands between (接待了多少游客 → 接待游客)
    tail = re.match(r"[\u4e00-\u9fff]{2,6}", question[at.end():]) if at else None
    for p in sorted(places, key=len, reverse=True):
        text = text.replace(p, " ")
    text = re.sub(r"(?:19|20)\d\d年?|(?:去|今|明|前|一|全|每)年", " ", text)
    text = re.sub(r"(?:达到|要|是|为|有|约|大概|大约|了)+$", "", text.strip())
    if tail and not re.match(rf"[万亿千百]|{CLASSIFIERS}", tail.group(0)) and text.strip():
        text = re.sub(r"\s+", " ", text).strip() + tail.group(0)
    return max(re.findall(r"[\u4e00-\u9fff]+", text), key=len, default="")


def _speaks_of(text: str, place: str, phrase: str) -> bool:
    """``text`` says something of ``place``: it names it, and where a figure's indicator is asked, before
    that indicator in its clause or in the clause before (单位地区生产总值能耗完成自治区和银川市下达任务 says nothing of 银川市's
    地区生产总值增长).

    >>> t = "地区生产总值增长6%左右，单位地区生产总值能耗完成自治区和银川市下达任务"
    >>> _speaks_of(t, "银川市", "地区生产总值增长"), _speaks_of("银川市地区生产总值增长7%", "银川市", "地区生产总值增长")
    (False, True)
    """
    t = normalize(text)
    if place not in t:
        return False
    if len(phrase) < 3:
        return True
    clauses = re.split(r"[，,；;。：:]", t)
    # the place stands before the indicator it owns (银川市地区生产总值…), in its clause or the one before
    return any(phrase_share(phrase, c) >= SUBJECT_SHARE
               and place in (clauses[i - 1] if i else "") + c[:max(c.find(normalize(phrase)[:2]), 0)]
               for i, c in enumerate(clauses))


class ExtractiveAnswerer:
    """Selects and composes cited sentences. ``idf(token)`` weighs question bigrams by rarity."""

    name = "extractive"

    def __init__(self, idf, refuse_threshold: float = 0.35, periods: dict[str, str] | None = None,
                 embedder=None, semantic_weight: float = 0.3, semantic_top: int = 12,
                 tokenize=None, doc_freq=None, section=None, doc_text=None, outline=None, sentence_vectors=None,
                 confidence=None, doc_chunks=None):
        self.idf = idf
        self.sentence_vectors = sentence_vectors  # candidates' vectors stored at ingest (``SentenceVectors``)
        self.tokenize = tokenize
        self.doc_freq = doc_freq
        self.embedder = embedder
        self.semantic_weight = semantic_weight
        self.semantic_top = semantic_top
        self.refuse_threshold = refuse_threshold  # the coverage a second sentence, or a place's answer, needs
        self.confidence = confidence  # the fitted ``Confidence``; None while its evidence is collected to fit it
        self._doc_texts: dict[tuple[str, ...], str] = {}  # the answerer is rebuilt when the knowledge base changes
        self.periods = periods or {}
        self.section = section  # (doc_id, heading path) → that section's chunks, to list its points
        self.doc_text = doc_text
        self.outline = outline  # doc_id → its heading paths, to find a section the question names
        self.doc_chunks = doc_chunks  # doc_id → its chunks in order (a table's rows, the line of its 文号)

    def weights(self, question: str, info: QueryInfo, titles: tuple[str, ...] = ()) -> dict[str, float]:
        """Question bigrams weighted by rarity; a year asked about (到2035年) counts as a common word, and the
        words that name a document (北京市公共数据专区授权运营管理暂行办法从什么时候起施行) as scene-setting ones:
        they say which document, not which of its sentences."""
        joined = joined_bigrams(question, info.places)
        scene = scene_bigrams(question, info.places)
        named = {p[i:i + 2] for p in titles if len(p) >= TITLE_MIN for i in range(len(p) - 1)}
        w = {g: max(self.idf("#" + g), 0.2) * (JOINED_WEIGHT if g in joined else 1.0)
             * (SCENE_WEIGHT if g in scene else 1.0) * (TITLE_WEIGHT if g in named else 1.0)
             for g in content_bigrams(question, info.places)}
        w.update({str(y): YEAR_WEIGHT for y in info.years if y >= 2000})
        return w

    def read(self, question: str, info: QueryInfo, hits: list[Hit] = ()) -> Ask:
        qtype = question_type(question)
        number = qtype == "number"
        return Ask(qtype, question_tense(question), self.weights(question, info, self.titles_named(question, hits)),
                   count=asked_count(question), term=defined_term(question),
                   phrase=indicator_phrase(question, info.places),
                   measure=(asked_unit(question) or implied_measure(question, info.places)) if number else "",
                   facets=facets(question, info.places) if number else [],
                   years=tuple(y for y in info.years if y >= 2000),
                   head=list_head(question) if qtype == "list" else "",
                   counted=counted_noun(question) if number else "", period=period_years(question),
                   subject=figure_subject(question, info.places) if number else "")

    def frame(self, u: Unit, hits: list[Hit]) -> set[int]:
        """The years a candidate is about (its own, its heading's, a table row's columns)."""
        c = hits[u.n - 1].chunk
        period = [int(y) for y in re.findall(r"\d{4}", self.periods.get(c.doc_id, ""))]
        # a statistical bulletin reports one year: what it states without a year is of that year
        of_year = {period[0]} if len(period) == 1 and doc_kind(c.title) == "统计公报" else set()
        if u.row is not None:
            return row_years(u.row.cells) or of_year
        years = frame_years(u.text, c.headings, period[0] if len(period) == 1 else None) or of_year
        if not years and len(period) == 2 and any(_REVIEW_HEADING.search(h) for h in c.headings):
            # a plan's review of what came before is about the previous period
            years = set(range(2 * period[0] - period[1] - 1, period[0]))
        return years

    # ---- candidates and scores -----------------------------------------------------------
    def score(self, u: Unit, ask: Ask, hits: list[Hit]) -> None:
        weights, qtype, tense, count, term = ask.weights, ask.qtype, ask.tense, ask.count, ask.term
        text = cn_year_to_digits(normalize(u.text))
        if u.text.startswith("其中") and u.row is None and 0 < u.index < len(u.sentences):
            # 其中，教育支出…: a breakdown is of what the sentence before it states (一般公共预算支出52.39亿元)
            text = cn_year_to_digits(normalize(u.sentences[u.index - 1])) + text
        headings = hits[u.n - 1].chunk.headings
        u.context = hits[u.n - 1].chunk.title + "".join(headings)
        context = cn_year_to_digits(normalize(headings[-1])) if headings else ""
        total = sum(weights.values()) or 1.0
        found = frozenset(g for g in weights if g in text)
        near = sum(w for g, w in weights.items() if g not in found and g in context)
        u.coverage = (sum(weights[g] for g in found) + 0.5 * near) / total
        u.found = found
        cue = 0.0
        if qtype == "number":
            if u.row is not None:  # a row whose cells hold no figure (——, 与GDP增长保持同步) gives none
                cue = 1.0 if _row_has_figures(u.row) else -0.5
            else:
                said = _ITEM_NUMBER.sub("", halfwidth(u.text))  # 2.地区生产总值…按现价计算: a note's number is no figure
                cue = 1.0 if UNIT_NUMBER.search(said) else (0.4 if HAS_NUMBER.search(said) else -1.0)
        elif qtype == "list":
            cue = list_cue(u.text, ask.head, count)
            if u.row is None and ask.head and normalize(ask.head)[-2:] in normalize(u.text) and is_intro(u.text):
                cue = max(cue, 1.0)  # 申领创新券的企业应当同时具备下列条件： announces the 条件 asked
        elif qtype == "when":
            cue = 1.0 if has_time(halfwidth(u.text)) else 0.0
        if term and any(defines(u.text, part) for part in {term, *term_parts(term)}):
            cue += 2.0  # 一带：以南运河为骨架… answers 什么是“一带”
        # plans review the last period and set targets for the next: match the question's tense
        review = any(_REVIEW_HEADING.search(h) for h in headings)
        tense_fit = 0.0 if not tense else (0.1 if (tense == "past") == review else -0.1)
        u.tense_fit, u.cue = tense_fit, cue
        u.score = u.coverage + CUE_WEIGHT.get(qtype, 0.15) * cue + 0.3 / math.sqrt(u.n) + tense_fit

    # ---- answering -----------------------------------------------------------------------
    def answer(self, question: str, hits: list[Hit], info: QueryInfo) -> Draft:
        """The answer to the question; one that asks several things in turn (面积要求多大？一年至少办多少场？)
        also gets what each figure or date part's own answer adds."""
        draft = self._merged(written_form(question), hits, info)
        # markdown emphasis (3. **竹木家居产业园扩区工程**：…) is how a file was written, not what it says
        return replace(draft, text=draft.text.replace("**", "")) if "**" in draft.text else draft

    def _merged(self, question: str, hits: list[Hit], info: QueryInfo) -> Draft:
        draft = self._answer(question, hits, info)
        parts = question_parts(question)
        if len(parts) < 2 or draft.extra or len(_place_groups(info, hits)) > 1:
            return draft
        said = lambda d: normalize(re.sub(r"\[\d+\]", "", d.text)).rstrip("。")
        for part in parts:
            if question_type(part) not in ("number", "when"):
                continue  # a figure or a date is checked on its sentence; a vaguer part would add noise
            ask = self.read(part, info, hits)
            subject = ask.phrase if len(ask.phrase) >= 3 else ask.counted or _asked_of(part, info.places)
            measure = ask.measure or ("percent" if _CHANGE_Q.search(part) else "")  # a change asked: its rate
            if not draft.refused and measure and figure_fits(said(draft), measure, subject):
                continue  # the answer already gives this part's figure (年均增长6.5%左右 for 年均增长按多少算)
            more = self._answer(part, hits, info)
            if not more.refused and not draft.refused:  # only its sentences the answer lacks
                # that name what the part asks about (not 固定资产投资 for 地区生产总值实际完成了多少)
                kept = [t for t in re.findall(r"[^。；]+?\[\d+\][。；]?", more.text)
                        if normalize(re.sub(r"\[\d+\]", "", t)).rstrip("。；") not in said(draft)
                        and len(subject) >= 2 and phrase_share(subject, t) >= SUBJECT_SHARE
                        # a figure, not a note's 按不变价格计算 under its item number
                        and (question_type(part) != "number" or HAS_NUMBER.search(_ITEM_NUMBER.sub("", halfwidth(t))))]
                more = Draft("".join(kept), more.quotes, False, "", more.extra) if kept else Draft("", {}, True, "")
            figures = lambda d: set(re.findall(r"\d+(?:\.\d+)?", re.sub(r"\[\d+\]", "", d.text)))
            # of a new sentence, only the clauses about what the part asks count (not 空气质量…85% beside PM2.5)
            asked_figures = lambda d: set(re.findall(r"\d+(?:\.\d+)?", "，".join(
                c for c in re.split(r"[，,；;。]", re.sub(r"\[\d+\]", "", d.text))
                if len(subject) < 2 or phrase_share(subject, c) >= SUBJECT_SHARE)))
            if more.refused or more.extra or said(more) in said(draft) or (
                    not draft.refused and asked_figures(more) <= figures(draft)):
                continue  # nothing the answer does not already give
            if draft.refused:
                draft = more
                continue
            quotes = dict(draft.quotes)
            for n, q in more.quotes.items():
                if n not in quotes or q in quotes[n]:
                    quotes[n] = quotes.get(n, q)
                    continue
                text = hits[n - 1].chunk.text
                first, last = sorted((quotes[n], q), key=lambda x: text.find(x))
                quotes[n] = first if last in first else span_text(text, first, last)
            draft = Draft(draft.text + more.text, quotes, False, "")
        return draft

    def _answer(self, question: str, hits: list[Hit], info: QueryInfo) -> Draft:
        state = self.assess(question, hits, info)
        if state.reason:
            return Draft(REFUSAL, {}, True, state.reason)
        ask, units, reader = state.ask, state.units, state.reader
        if len(_place_groups(info, hits)) > 1:
            return self._per_place(question, ask, units, info, hits, reader)
        draft = self._compose(question, ask, units, hits, info, reader)
        return Draft(draft.text, draft.quotes, False, "", tuple(reader.extra))

    def assess(self, question: str, hits: list[Hit], info: QueryInfo) -> "Assessment":
        """The question read, its candidates ranked and filtered, the evidence about the best of them, and
        why the documents do not answer it ('' when they do)."""
        question = written_form(question)
        ask = self.read(question, info, hits)
        qtype, phrase = ask.qtype, ask.phrase
        units = candidates(hits, info, chains=qtype == "list")
        # the indicators asked by name: the question's, or each of several asked at once (地区生产总值和增速)
        named = [phrase] if len(phrase) >= 3 else [f.text for f in ask.facets
                                                   if len(f.text) >= 3 and _INDICATOR_END.search(f.text)]
        for u in units:
            self.score(u, ask, hits)
            # a figure asked for by name (绿化覆盖率) comes from a sentence or row that names it
            if qtype == "number" and len(phrase) >= 3 and phrase_share(phrase, u.text) >= 0.6 \
                    and not (u.row is not None and other_measure(u.row.name, phrase)):
                u.score += NAMED_FIGURE
                if u.row is not None and _row_has_figures(u.row) and phrase_share(phrase, u.row.name) >= 0.8:
                    u.score += ROW_FIT  # the indicator's own row gives its base and its target at once
            if ask.measure and not ask.facets and self.fits_measure(u, ask):
                u.score += MEASURE_FIT
            if qtype == "number" and u.row is None and any(names_other(name, u.text) for name in named):
                u.score -= OTHER_NAME  # 人均地区生产总值, 亿元地区生产总值…死亡率: another indicator's figure
        units.sort(key=lambda u: -u.score)
        self._add_semantic(question, units)
        # a sentence about another year than the one asked (2021年目标 for 2022年) does not answer it
        dated = [u for u in units if not year_conflict(ask.years, self.frame(u, hits), written_years(u.text))
                 and not other_period(ask.period, self.frame(u, hits))
                 and not (u.row is not None and row_blank_for(u.row.cells, ask.years))]
        if re.search(r"年均|平均每年", question):  # 十四五年均增长 is not answered by one year's target
            dated = [u for u in dated if u.row is not None or AVERAGE.search(u.text)
                     or len(written_years(u.text)) != 1]
        inner = inner_places(info, hits)
        if inner:  # 梅岭区东湖镇: only what is said of 东湖镇 answers, not the district's own figures
            dated = [u for u in dated if any(p in u.text for p in inner)]
        if qtype == "number" and info.places:  # a city's figure is not the one its bulletin gives of a county
            dated = [u for u in dated if u.row is not None or not others_figures(u.text, info.places + tuple(inner))]
        reader = Reader(hits, self.section, self.doc_text, self.outline, self.doc_chunks)
        named_section = 0.0  # 有哪些保障措施 is answered by the section so headed, whatever its sentences say
        if qtype in ("list", "summary"):
            named_section = best_section(reader.headings(info.docs, [hits[u.n - 1] for u in dated]), ask.weights,
                                         self.topic(question, info, hits),
                                         list_heads(question))[1]
        state = Assessment(ask, dated, reader)
        state.reason = self.kb_refusal(dated, info, hits, ask, question)
        levels = set(_LEVELS.findall(normalize(question)))
        if levels and not state.reason:  # 自治区级平台的奖励 is not the one 国家级 platforms get
            named = [u for u in dated if not set(_LEVELS.findall(normalize(u.text))) - levels
                     or set(_LEVELS.findall(normalize(u.text))) & levels]
            dated = state.units = named or dated
        if units and not dated:
            state.reason = f"文档中没有关于{(ask.years or sorted(ask.period))[0]}年的内容"
        if state.reason:
            return state
        dropped = 1.0 - len(dated) / len(units)
        state.evidence, why = self.evidence(question, dated, info, ask, named_section, dropped)
        if self.confidence is not None:
            state.confidence = self.confidence.probability(state.evidence)
            # a named document's 文号 or date is read off its lines, whatever words the question uses
            if self.confidence.refuses(state.confidence) and not (info.docs and _asks_issue(question)):
                worst = self.confidence.against(state.evidence, tuple(why))
                state.reason = why.get(worst, _WEAK) + f"（置信度 {state.confidence:.2f}）"
        return state

    def _compose(self, question: str, ask: Ask, units: list[Unit], hits: list[Hit], info: QueryInfo,
                 reader: Reader) -> Draft:
        """The answer from one place's candidates, in the shape the question asks for; of a list, the items
        the question picks by what is said of them (哪几件要求年底前完成, 哪些产品产量下降了)."""
        draft = self._composed(question, ask, units, hits, info, reader)
        return selected_items(question, draft) if ask.qtype == "list" else draft

    def _composed(self, question: str, ask: Ask, units: list[Unit], hits: list[Hit], info: QueryInfo,
                  reader: Reader) -> Draft:
        weights, qtype = ask.weights, ask.qtype
        if _asks_issue(question) and units:  # 发文字号是什么, 哪天印发的: the lines of the document that state them
            stated = _issue_lines(question, hits[units[0].n - 1].chunk, reader)
            if stated:
                return stated
        if ask.term:
            defs = definitions(units, ask.term, hits)
            if defs:
                return defs
            section = term_section(ask.term, [hits[u.n - 1] for u in units])
            parts = term_parts(ask.term)
            if len(parts) > 1:  # 构建“一核两廊三片”格局 with 一、做强“一核” …: each part from its own subsection
                docs = tuple(dict.fromkeys(hits[u.n - 1].chunk.doc_id for u in units[:3]))
                for named in reader.headings(docs, [hits[u.n - 1] for u in units]):
                    listed = part_sections(named, parts, reader) \
                        if normalize(ask.term) in normalize(named[1][-1]) else None
                    if listed:
                        return listed
            listed = section_list(section, reader, qtype == "summary") if section else None
            if listed:  # 三、优化“三片” with （一）北部智造片区 … says what “三片” are
                return listed
            # the slogan quoted first (“三线一网”…中的“三线”和“一网”), and the parts asked of it: those quoted or
            # counted after it (构建“一核三板块”格局，其中的三个板块是什么), else all
            slogan = next((t for t in re.findall(r"“([^”]{2,12})”", question) if len(term_parts(t)) > 1), ask.term)
            parts, rest = term_parts(slogan), question.replace(slogan, "")
            asked = [p for p in parts if len(parts) > 1 and (f"“{p}”" in rest or _asks_part(rest, p))]
            listed = slogan_items(asked or parts, hits, reader, slogan)
            if listed:  # “一核三板块”… 做强…核心区。做优东部经开区板块… says what they are
                return listed
        elif qtype != "number" and _WHAT_ARE.search(question):
            slogan = _NUMBERED_SLOGAN.search(question)  # 五大行动分别是什么, unquoted
            listed = slogan_items([slogan.group(0)], hits, reader) if slogan else None
            if listed:
                return listed
        if qtype == "list" and DOC_PARTS.search(question) and units:
            # 工作要点分为哪几大块, 这份方案分几个部分: the document is what the question is about
            topic = [g for g in self.topic(question, info, hits)
                     if not DOC_PARTS.search("几" + g)]
            found = doc_parts(reader.headings((hits[units[0].n - 1].chunk.doc_id,)), hits[units[0].n - 1].chunk.doc_id) \
                if not topic else None
            listed = heading_items(*found, reader) if found else None
            if listed:
                return listed
        # a question about a table (产量表里…) is answered from its rows, though a sentence outranks them
        tabled = [u for u in units[:3] if u.row is not None] if "表" in question else units[:1]
        if qtype == "list" and tabled and tabled[0].row is not None:
            listed = _table_list(question, [tabled[0]] + [u for u in units if u is not tabled[0]], hits, reader)
            if listed:  # 表1里都列了哪些产品: the table's rows
                return listed
        if qtype == "list":  # 哪六个行动, 一共分了哪几章: the sibling headings that are the things asked
            kind = asked_kind(question)
            docs = tuple(dict.fromkeys(hits[u.n - 1].chunk.doc_id for u in units[:3]))
            found = counted_headings(reader.headings(docs, [hits[u.n - 1] for u in units]), kind, ask.count) \
                if kind else None
            listed = heading_items(*found, reader) if found else None
            if listed:
                return listed
        if qtype in ("list", "summary"):
            listed = self._listed(question, units, weights, hits, qtype, reader,
                                  self.topic(question, info, hits), ask.head)
            if listed:
                return listed
        if qtype == "summary":
            return summary(units[0], hits)
        if qtype == "fact" and re.search(r"是什么|是怎样的|有什么", question):
            # 三年行动方案的发展目标是什么: a section so named (（三）发展目标) says it
            docs = tuple(dict.fromkeys(hits[u.n - 1].chunk.doc_id for u in units[:1]))
            heads = list_heads(question) + tuple(w for w in _SECTION_WORDS if w in question)
            topic = [g for g in self.topic(question, info, hits)
                     if not any(g in h for h in heads)]
            section, cov = best_section(reader.headings(docs, [hits[u.n - 1] for u in units]), weights, topic, heads)
            if section is not None and cov >= NAMED_SECTION and len(heading_title(section[1][-1])) <= 8:
                said = section_summary(section, reader)
                if said:
                    return said
        if qtype == "fact" and units[0].row is None and is_intro(units[0].text) \
                and len(_ARTICLE_LEAD.sub("", units[0].text)) <= INTRO_ONLY:
            listed = intro_list(units[0], hits, reader)
            if listed:  # 应当提交下列材料： says nothing without the items that follow it
                return listed
        if qtype == "number" and re.search(r"分别|各(?:是|为|有|多少)", question):
            # A类到D类…分别是多少: the sentence announcing the standards (标准如下：) and its items
            intro = next((u for u in units[:3] if u.row is None and is_intro(u.text)
                          and u.coverage >= 0.9 * units[0].coverage), None)
            listed = intro_list(intro, hits, reader) if intro is not None else None
            if listed and UNIT_NUMBER.search(halfwidth(listed.text)):
                return listed
        if ask.facets:
            several = facet_answer(units, ask.facets, weights, hits)
            if several:
                return several
        chosen = self._choose(units, qtype, self.key_words(question, info), weights, hits, ask.phrase)
        text = "".join(cite(compose_unit(u, qtype, weights, hits), u.n) for u in chosen)
        return Draft(text, quotes_of(chosen, hits), False, "")

    def _listed(self, question: str, units: list[Unit], weights: dict[str, float], hits: list[Hit], qtype: str,
                reader: Reader, topic: list[str] | None = None, head: str = "") -> Draft | None:
        """A section's points: the section the question names by its heading, or the items that the best
        sentence announces (主要目标是：)."""
        generic = not head or head.endswith(LIST_HEADS)  # 哪些措施, 哪几个方面: the points of a section
        # the enumeration asked for (哪几大产业) may stand in one sentence, unless the question names the section
        inline = qtype == "list" and not generic and bool(units) and units[0].cue >= 1.0 \
            and not (units[0].row is None and is_intro(units[0].text))  # 具备下列条件： is followed by them
        docs = tuple(dict.fromkeys(hits[u.n - 1].chunk.doc_id for u in units[:1]))
        section, cov = best_section(reader.headings(docs, [hits[u.n - 1] for u in units]), weights, topic,
                                    list_heads(question))
        if qtype == "summary" and not any(w in question for w in LIST_HEADS) and cov < NAMED_SECTION:
            return None  # 总体思路是什么 is said in a sentence, not by a section's outline
        if section is not None and not generic and normalize(head) not in normalize(section[1][-1]) \
                and cov < NAMED_SECTION:
            section = None  # 哪几类“红色”力量 asks for a list inside the section, not the section's outline
        if section is not None and inline and cov < NAMED_SECTION:
            section = None
        if section is not None:
            # inside the section, a sentence that announces just what is asked (“十四五”时期…的主要目标是：)
            # narrows it to the items after it
            intro = next((u for u in units[:3] if u.row is None and is_intro(u.text) and u.coverage >= NAMED_SECTION
                          and hits[u.n - 1].chunk.doc_id == section[0]
                          and hits[u.n - 1].chunk.headings[:len(section[1])] == section[1]), None)
            listed = intro_list(intro, hits, reader) if intro is not None else None
            if listed:
                return listed
            listed = section_list(section, reader, qtype == "summary")
            if listed is None and qtype == "summary" and cov >= NAMED_SECTION:
                listed = section_summary(section, reader)  # 发展定位，请概括: the section says it
            if listed:
                return listed
        if inline:
            return None
        head = normalize(head)[-2:] if head else ""
        intro = next((u for u in units[:1] if u.row is None and is_intro(u.text)
                      and (u.coverage >= self.refuse_threshold or head and head in normalize(u.text))), None)
        counted = _COUNTED_THINGS.search(question)
        if intro is None and counted:  # 重点抓的六个方面工作: the sentence announcing six of them (以下六个方面工作：)
            intro = next((u for u in units[:5] if u.row is None and is_intro(u.text)
                          and counted.group(0) in normalize(u.text) and u.coverage >= self.refuse_threshold), None)
        return intro_list(intro, hits, reader) if intro is not None else None

    def fits_measure(self, u: Unit, ask: Ask) -> bool:
        """The candidate states a figure in the asked measure, beside the indicator named, or the thing
        counted (多少个社区 → 社区), if one is."""
        subject = ask.phrase if len(ask.phrase) >= 3 else ask.counted
        owner = ask.subject[:-len(ask.phrase)] if subject == ask.phrase and ask.subject.endswith(ask.phrase) else ""
        if u.row is not None:  # a row fits by its unit, when its cells hold figures at all (not 完成县下达任务)
            return _row_has_figures(u.row) and figure_fits(u.row.name, ask.measure, subject, row_unit=u.row.unit)
        if owner and max(phrase_share(owner, u.text + u.context), word_share(owner, u.text + u.context)) >= SUBJECT_SHARE:
            owner = ""  # what the figure belongs to is named by the sentence or its heading (（三）重大项目实施情况)
        return figure_fits(u.text, ask.measure, subject, owner=owner)

    def foreign_words(self, question: str, info: QueryInfo) -> list[str]:
        """Content words of the question none of whose character pairs occur anywhere in the corpus."""
        if self.tokenize is None or self.doc_freq is None:
            return []
        out = []
        # 获得了什么称号: the kind of thing asked for, which a document names by the thing itself
        asked_kinds = re.findall(r"(?:什么|哪些|哪个|哪类|哪种|何种)(?:样的|的)?([\u4e00-\u9fff]{2,4})", question)
        # 线路有多长: the attribute asked of a thing, which a document states as a figure (全长12.6公里)
        asked_kinds += re.findall(r"([\u4e00-\u9fff]{2})(?:有|是|为)?(?:多长|多大|多高|多宽|多远|多久)", question)
        text = content_text(question, info.places)
        for tok in nouns(text):
            if set(tok) <= _MEASURE_CHARS or (len(tok) == 2 and tok[1] in "里内中上下外间"):
                continue  # 场次, 人数: how a figure is counted; 镇里, 区内: where — not things the documents lack
            if any(k.startswith(tok) for k in asked_kinds) or self._miscut(tok, text) \
                    or _ASKS_NUMBER_OF_DOC.search(tok) or _ISSUED.search(tok):
                # a 文号 is written as one (宝政办发〔2024〕27号), a 落款 as its lines, not named
                continue
            if all(self.doc_freq("#" + tok[i:i + 2]) == 0 for i in range(len(tok) - 1)):
                out.append(tok)
        return out

    def _miscut(self, tok: str, text: str) -> bool:
        """``tok`` is a word jieba made up from the question's characters (创新券能抵扣 → 创新 券能 抵扣), not
        a word of its dictionary: its first character ends the word before it as the corpus writes it
        (创新券), or its last one starts the word after (…算 → 算法), and what is left is no word either."""
        from planqa.rag.answer.question import _jieba

        jieba = _jieba()
        if jieba.dt.FREQ.get(tok):
            return False
        words = jieba.lcut(text)
        if tok not in words:
            return False
        i = words.index(tok)

        def written(s: str) -> bool:
            return re.fullmatch(r"[\u4e00-\u9fff]{3,}", s) is not None and all(
                self.doc_freq("#" + s[k:k + 2]) > 0 for k in range(len(s) - 1))

        before, after = (words[i - 1] if i else ""), (words[i + 1] if i + 1 < len(words) else "")
        rest = tok[1:] if len(before) >= 2 and written(before + tok[0]) else tok
        rest = rest[:-1] if len(after) >= 2 and written(tok[-1] + after) else rest
        # what is left once the joined edges go is no word the corpus lacks (桃坪村 keeps 桃坪: a name)
        return rest != tok and all(self.doc_freq("#" + rest[k:k + 2]) > 0 for k in range(len(rest) - 1))

    def unnamed_in_documents(self, question: str, info: QueryInfo) -> list[str]:
        """Words of a figure question that the documents it is about never write (研发投入 asked of a
        bulletin that has no 研发; 年薪补贴 of a policy that gives 安家补贴): the figure is not stated there.

        The words are jieba's nouns and abbreviations, but not the attribute a figure is asked as (门槛是多少,
        unless it names an indicator: 常住人口是多少); a cap asked of a floor is ``bound_conflict``'s. A word counts as written when any of its character pairs is, or its first character with a
        later one, the way Chinese abbreviates (播种面积 → 播面, 规模以上 → 规上).
        """
        if not info.docs or self.doc_text is None:
            return []
        import jieba.posseg as pseg

        nouns(question)  # jieba loaded quietly
        if info.docs not in self._doc_texts:  # read and normalised once per set of documents
            self._doc_texts[info.docs] = normalize("".join(self.doc_text(d) for d in info.docs))
        text = self._doc_texts[info.docs]
        # only the clauses that ask for the figure (…总占地面积和涉及人口大约是多少): the others set the scene
        asking = "，".join(c for c in re.split(r"[，,；;？?。]", question) if _ASKS_FIGURE.search(c))
        # after the question word only the thing counted (几家老人家食堂) is asked; what follows it says its
        # state (在正常营业), which a document words its own way (正常开业)
        at = _ASKS_FIGURE.search(asking)
        words = list(pseg.cut(content_text(asking[:at.start()], info.places, fallback=False) if at
                              else content_text(asking, info.places)))
        counted_words: set[str] = set()
        if at:
            after = list(pseg.cut(content_text(asking[at.start():], info.places, fallback=False)))
            first = next((i for i, w in enumerate(after) if w.word.strip()), len(after))
            end = next((i for i in range(first, len(after)) if after[i].flag[:1] != "n"), len(after))
            counted_words = {w.word for w in after[:end]}
            words += after[:end]
        # the attribute asked of the thing (重点产生单位的门槛是多少): a document states it by its figure
        # (100公斤以上), not by the word — unless the word names an indicator (常住人口是多少)
        said = [w for w in words if w.word.strip() and w.word not in ("是", "为", "有")]
        asked = said[-1].word if at and said and said[-1].flag[:1] == "n" and len(said[-1].word) == 2 \
            and not _INDICATOR_WORD.search(said[-1].word) and len(said) > 1 else ""
        out = []
        for w in words:
            tok = w.word
            if len(tok) < 2 or not re.fullmatch(r"[\u4e00-\u9fff]+", tok) or set(tok) <= _MEASURE_CHARS:
                continue
            if w.flag not in ("n", "nz", "j") or tok == asked:
                continue
            if len(tok) == 2 and measure_word(tok):
                continue  # 比例, 收入: how a figure is stated (达到全镇总人口的48%), not a thing asked about
            if tok[-1] in _AMOUNT_CHARS:  # 粮食总量, 总量: the amount asked of a thing, the thing is the rest
                tok = tok[:-2]
                if len(tok) < 2:
                    continue
            if self.doc_freq is not None and w.word not in counted_words \
                    and any(self.doc_freq("#" + tok[i:i + 2]) == 0 for i in range(len(tok) - 1)):
                continue  # a word the corpus never writes (老百姓) is a way of asking, left to ``foreign_words``;
                # not the thing a figure is asked of (多少年薪补贴)
            if all(normalize(tok[i:i + 2]) not in text for i in range(len(tok) - 1)) \
                    and not any(tok[0] + c in text for c in tok[2:]) \
                    and not re.search(".{0,3}".join(map(re.escape, tok[:4])), text):
                # 播种面积 written 播面, 规模以上 规上; and the question's own abbreviation: 营收 of 营业收入
                out.append(tok)
        return out

    def _add_semantic(self, question: str, units: list[Unit]) -> None:
        """Re-score the lexically best sentences with embedding similarity to the question."""
        if self.embedder is None or not self.semantic_weight or not units:
            return
        head = units[: self.semantic_top]
        q = self.embedder.embed_query(question)  # remembered from retrieval by the embedder
        texts = [u.text for u in head]
        vecs = (self.sentence_vectors.vectors_for(texts) if self.sentence_vectors is not None
                else self.embedder.embed_documents(texts))
        for u, sim in zip(head, vecs @ q):
            u.semantic = float(sim)
            u.score += self.semantic_weight * u.semantic
        head.sort(key=lambda u: -u.score)
        units[: len(head)] = head

    def topic(self, question: str, info: QueryInfo, hits: list[Hit]) -> list[str]:
        """What the question is about, to find the section it names: its topic bigrams that the documents
        write at all (来讲, 面抓 of 分了哪几个方面来讲, 要从哪几方面抓 are how it is asked, no heading's words)."""
        grams = topic_bigrams(question, info.places + self.titles_named(question, hits))
        if self.doc_freq is None:
            return grams
        return [g for g in grams if self.doc_freq("#" + g) > 0]

    @staticmethod
    def titles_named(question: str, hits: list[Hit]) -> tuple[str, ...]:
        """Pieces of the passages' document titles the question quotes: they name a document, not a topic."""
        titles = [h.chunk.title for h in hits] + [t for h in hits for t in h.chunk.headings[:1] if is_doc_title(t)]
        # 这个方案的保障措施: 方案 names the document asked about, not what is asked of it
        this = tuple(m.group(m.lastindex) for m in _THIS_DOCUMENT.finditer(halfwidth(question)))
        return title_words(halfwidth(question), titles) + this

    def kb_refusal(self, units: list[Unit], info: QueryInfo, hits: list[Hit], ask: Ask, question: str = "") -> str:
        """What the knowledge base settles: no candidate, a place, report or year asked that no document holds,
        or a figure of a thing the documents asked about never write."""
        if not units:
            return "所问地方的文档中没有相关段落" if info.docs else "没有检索到相关段落"
        if info.unknown_places and not info.docs:
            return f"知识库中没有关于{'、'.join(info.unknown_places)}的文档"
        if info.outer and not info.docs and not any(
                _speaks_of(u.text, a, ask.phrase) for u in units[:3] for p in info.outer for a in place_aliases(p)):
            # 鹭洲区 asked, where only a street of it has a document: what that says is the street's own
            return f"知识库中没有关于{info.outer[0]}本身的文档"
        inner = [p for p in inner_places(info, hits) if not any(p in h.chunk.text for h in hits)]
        if inner:  # 梅岭区东湖镇: a town inside a district that has a document, but none of its own, nor a word of it
            return f"知识库中没有关于{inner[0]}的文档"
        named = [h for h in hits if not info.docs or h.chunk.doc_id in info.docs]
        missing = [y for y in info.report_years if not any(
            f"{y}年" in normalize(h.chunk.title) or self.periods.get(h.chunk.doc_id, "").startswith(str(y))
            for h in named)]
        if missing:  # 2022年政府工作报告 asked, only 2021's held
            return f"知识库中没有{missing[0]}年的报告"
        uncovered = [y for y in ask.years if not year_covered(y, named, self.periods)]
        if uncovered:
            return f"文档中没有关于{uncovered[0]}年的内容"
        unnamed = self.unnamed_in_documents(question, info) if ask.qtype == "number" else []
        if unnamed:  # 万载县规模以上工业企业研发投入: the county's bulletin never writes 研发
            return f"文档中没有提到“{unnamed[0]}”"
        covering = max(units[:3], key=lambda u: u.coverage)
        # what is asked of the provision that leaves it to another text (具体标准, 怎么规定), not who sets it
        asks_rule = ask.qtype == "number" or ask.qtype in ("fact", "summary") and _ASKS_RULE.search(question)
        if ask.qtype == "list" and "具体" in question and any(
                deferred(u.text, ask.weights) and (len(ask.head) >= 2 and set(ask.head) <= set(u.text)
                                                   or u.coverage >= units[0].coverage) for u in units[:3]):
            return "文档说明具体规定另行制定，没有写出所问的内容"  # 具体禁止饲养哪些犬种: 犬只品种…另行制定
        if asks_rule and covering.row is None and deferred(covering.text, ask.weights):
            about = {g: w for g, w in ask.weights.items() if g in normalize(covering.text)}
            # another candidate answers only with a figure of the same thing (运营补贴, not 开通航线50条)
            stated = [u for u in units[:3] if u is not covering and u.coverage >= 0.8 * covering.coverage
                      and (u.row is not None or UNIT_NUMBER.search(halfwidth(u.text)))
                      and sum(w for g, w in about.items() if g in normalize(u.text)) >= 0.5 * sum(about.values())]
            if not stated:
                return "文档说明具体规定另行制定，没有写出所问的内容"  # 具体收费标准…另行制定
        best = next((u for u in units[:3] if HAS_NUMBER.search(u.text)), None) if ask.qtype == "number" else None
        whole = best.text if best is not None else ""
        if best is not None and best.row is None:  # the sentence's other ；-parts set the other levels
            chunk = hits[best.n - 1].chunk.text
            at = chunk.find(best.source_text)
            end = chunk.find("。", at)
            whole = chunk[at:end + 1] if at >= 0 and end > at else whole
        level = missing_level(question, whole) if best is not None else ""
        if level:  # 市级 asked of a reward set for 国家级、省级 only
            return f"文档只规定了{'、'.join(dict.fromkeys(_levels_of(whole)))}的，没有{level}的"
        other = stated_other(question, best.text) if best is not None else ""
        if other:  # 突破50亿元 asked, where the reward is set for 突破100亿元
            return f"文档规定的是{other}的情形，没有所问的数额"
        side = bound_conflict(question, best.text) if best is not None else ""
        if side:  # 注册资本最高不能超过多少, where the document sets only a floor (不低于5000万元)
            return f"文档只规定了{side}，没有所问的{'上限' if side == '下限' else '下限'}"
        return ""

    def evidence(self, question: str, units: list[Unit], info: QueryInfo, ask: Ask, named_section: float = 0.0,
                 dropped: float = 0.0) -> tuple[dict[str, float], dict[str, str]]:
        """The graded evidence that the best candidates answer the question (``confidence.FEATURES``), and
        for each piece that can speak against it, what to tell the user when it does."""
        qtype, phrase = ask.qtype, ask.phrase
        number = qtype == "number"
        best = units[0]
        numeric = [u for u in units[:8] if u.row is not None or HAS_NUMBER.search(u.text)]
        enough = [u for u in numeric if u.coverage >= self.refuse_threshold]
        # a list or summary of a section the question names by its heading (哪些保障措施) rests on that heading,
        # whatever words its sentences use
        covered = max(best.coverage, named_section) if qtype in ("list", "summary") else best.coverage
        ev = {"coverage": covered, "second_coverage": units[1].coverage if len(units) > 1 else 0.0,
              "semantic": best.semantic, "section": named_section, "dropped": dropped,
              "numeric_coverage": max((u.coverage for u in numeric), default=0.0) if number else covered,
              # a figure asked by name (商品销售总额, 养老床位): how much of the name the passages found hold
              "named_share": max((phrase_share(phrase, u.text) for u in numeric), default=0.0)
              if number and len(phrase) >= 3 else 1.0,
              # 多少亿元 is not answered by a growth rate, nor 多少张床位 by a count of something else
              "measure_fit": float(any(self.fits_measure(u, ask) for u in enough))
              if number and ask.measure and not ask.facets else 1.0,
              "q_number": float(number), "q_list": float(qtype == "list"), "q_summary": float(qtype == "summary"),
              "q_short": float(qtype in ("who", "when"))}
        # a thing no document of the corpus writes (外贸 where bulletins write 货物进出口): evidence, weighed
        foreign = self.foreign_words(question, info)
        ev["foreign"] = float(bool(foreign))
        ev.update({"weak": float(covered < self.refuse_threshold),
                   "numeric_weak": float(number and ev["numeric_coverage"] < self.refuse_threshold),
                   "named_missing": float(ev["named_share"] < NAMED_SHARE)})
        why = {"coverage": _WEAK, "second_coverage": _WEAK, "semantic": _WEAK, "section": _WEAK, "weak": _WEAK,
               "numeric_weak": "相关段落中没有所问的数字", "named_missing": f"文档中没有“{phrase}”的相关数字",
               "numeric_coverage": "相关段落中没有所问的数字",
               "named_share": f"文档中没有“{phrase}”的相关数字",
               "measure_fit": f"相关段落中没有所问单位的“{phrase or '所问'}”数字",
               "dropped": "相关段落说的是别的年份或地方",
               "foreign": f"文档中没有提到“{foreign[0]}”" if foreign else _WEAK}
        return ev, why

    def key_words(self, question: str, info: QueryInfo) -> list[str]:
        """The question's words that are rare enough to tell passages apart."""
        def common(w: str) -> bool:  # in many passages of a corpus big enough to tell (发展, 工作)
            grams = ["#" + w[i:i + 2] for i in range(len(w) - 1)]
            rare = max(grams, key=self.idf)
            return self.idf(rare) < WORD_MIN_IDF and (self.doc_freq is None or self.doc_freq(rare) >= 3)

        return [w for w in question_words(question, info.places) if not common(w)]

    def _choose(self, units: list[Unit], qtype: str, words: list[str] = (), weights=None,
                hits: list[Hit] = (), phrase: str = "") -> list[Unit]:
        best = units[0]
        limit = {"when": 1, "who": 1}.get(qtype, 2)
        if qtype == "number" and best.row is not None and _row_has_figures(best.row) \
                and _row_is_asked(best.row, phrase):
            limit = 1  # an indicator question is answered by its table row
        if qtype == "list" and items_in(compose_unit(best, qtype, weights or {}, hits)) >= 3:
            limit = 1  # the list is there; a second sentence would only talk around it
        chosen = [best]
        # the sentence right after (or before) the best one goes on with the same statement: try it first
        rest = sorted(units[1:], key=lambda u: not _next_to(u, best, hits))
        for u in rest:
            if len(chosen) >= limit:
                break
            if u.coverage < max(self.refuse_threshold, SECOND_COVERAGE * best.coverage) \
                    or u.score < SECOND_SCORE * best.score:
                continue
            if _redundant(u, chosen) or u.tense_fit < 0:
                continue
            if qtype == "number" and u.row is None and not HAS_NUMBER.search(_ITEM_NUMBER.sub("", halfwidth(u.text))):
                continue  # a second sentence to a figure question states a figure (not a note's 按现价计算)
            # a second unit must add something the first lacks: a question word it does not hold,
            # or, beside an indicator table row, prose that states a different figure
            if qtype == "number" and (u.row is None) != (best.row is None):
                shown = {n for c in chosen for n in norm_numbers(compose_unit(c, qtype, weights or {}, hits))}
                said = compose_unit(u, qtype, weights or {}, hits)
                if u.row is None and len(phrase) >= 3:  # prose adds only the figures it gives the indicator
                    said = "，".join(c for c in re.split(r"[，,；;。]", said) if phrase_share(phrase, c) >= SUBJECT_SHARE)
                adds = bool(norm_numbers(said) - shown)
            else:
                held = {w for c in chosen for w in words if w in normalize(c.text)}
                # a word of its own document's title (《江西省促进数字经济…政策措施》已经省政府同意) names the
                # document, not what this sentence adds
                title = normalize(hits[u.n - 1].chunk.title) if hits else ""
                adds = any(w in normalize(u.text) and w not in held and w not in title for w in words)
            if adds:
                chosen.append(u)
        chosen.sort(key=lambda u: (u.n, u.index))
        return chosen

    def _per_place(self, question: str, ask: Ask, units: list[Unit], info: QueryInfo, hits: list[Hit],
                   reader: Reader) -> Draft:
        """Each named place answered on its own, in the shape the question asks for."""
        parts, quotes = [], {}
        for name, docs in _place_groups(info, hits):
            mine = [u for u in units if hits[u.n - 1].chunk.doc_id in docs and not (
                ask.qtype in ("number", "compare") and u.row is None and others_figures(u.text, (name, *info.inner)))]
            if not mine or mine[0].coverage < self.refuse_threshold and not _asks_issue(question):
                parts.append(f"{name}：文档中没有找到相关内容。")
                continue
            draft = self._compose(question, ask, mine, hits, info, reader)
            parts.append(f"{name}：{draft.text}")
            for n, q in draft.quotes.items():
                quotes.setdefault(n, q)
        if not quotes:
            return Draft(REFUSAL, {}, True, "各地文档中都没有找到相关内容")
        return Draft("".join(parts), quotes, False, "", tuple(reader.extra))


_ARTICLE_LEAD = re.compile(r"^(?:第[一二三四五六七八九十百]+[章节]\s*\S*\s+)?(?:第[一二三四五六七八九十百]+条)?\s*")
_ASKS_NUMBER_OF_DOC = re.compile(r"文号|发文字号")
_ISSUED = re.compile(r"印发|发布|签发|落款|发文|谁发")
_ASKS_DATE = re.compile(r"日期|哪天|哪一天|什么时候|何时|时间|几月几[日号]")
_ASKS_ISSUER = re.compile(r"(?:哪个|哪些|哪几个|哪[两三]个|什么)(?:单位|部门|机关|机构)|谁|机关|单位是")
_DATE_LINE = re.compile(r"(?:19|20)\d\d年\d{1,2}月\d{1,2}日")  # a line that is only a date: the 落款 of a 公文
_ASKS_RULE = re.compile(r"具体|标准|怎么规定|如何规定|办法是")  # the rule itself asked, not who makes it
_COUNTED_THINGS = re.compile(r"(?<![第哪几])(?:[二三四五六七八九十两]|\d+)(?:个|项|条|类|大|点|种|件)")
_TABLE_LABEL = re.compile(r"(?:表|专栏)\d+")
_SECTION_WORDS = ("目标", "思路", "原则", "定位", "要求")  # what a plan's sections are named after (发展目标)
_NUMBERED_SLOGAN = re.compile(r"[二三四五六七八九十]大[\u4e00-\u9fff]{2}")
_WHAT_ARE = re.compile(r"是什么|是哪些|有哪些|包括哪些|包括什么|指什么|指的是什么")


def _asks_issue(question: str) -> bool:
    """The question asks a document's 文号, the date it was issued (印发日期, 哪天发布的) or who issued it
    (哪两个单位发布的, 发文机关是谁)."""
    # 什么时候前要出台若干措施 asks a deadline the document sets, not when it was issued itself
    return bool(_ASKS_NUMBER_OF_DOC.search(question) or _ISSUED.search(question)
                and (_ASKS_DATE.search(question) or _ASKS_ISSUER.search(question))
                and not re.search(r"(?:什么时候|何时|哪天)(?:以)?前", question))


def _issued_verb(question: str) -> str:
    m = _ISSUED.search(question)
    return m.group(0) if m and m.group(0) in ("印发", "发布", "签发") else "印发"


def _issue_lines(question: str, chunk, reader: Reader) -> Draft | None:
    """The document's 文号 (宝政办发〔2024〕27号) and its date line (2024年6月12日), those asked, each cited
    at the line that states it; None when the document states none of them."""
    number = date = issuer = None
    for c in reader.all_chunks(chunk.doc_id):
        lines = [line.strip() for line in c.text.split("\n")]
        for i, line in enumerate(lines):
            if number is None and doc_number(line):
                number = (doc_number(line), c, line)
            if date is None and _DATE_LINE.fullmatch(line):
                date = (line, c, line)
            # the organ lines of a title block or signature (孝南区统计局 / 国家统计局孝南调查队 / 2025年3月26日,
            # 万载县统计局　　2023年4月6日), up to the date that may close them
            block = []
            for later in lines[i:]:
                signed = organs(later)
                if not signed or signed[1] and not _DATE_LINE.fullmatch(signed[1].strip()):
                    break
                block.append((later, signed[0]))
                if signed[1]:
                    date = date or (signed[1].strip(), c, later)
                    break
            if issuer is None and block:
                issuer = ("、".join(o for _, found in block for o in found), c, "\n".join(b for b, _ in block))
    asked = [("文号为", number) if _ASKS_NUMBER_OF_DOC.search(question) else None,
             ("发布单位为", issuer) if _ISSUED.search(question) and _ASKS_ISSUER.search(question) else None,
             (f"{_issued_verb(question)}日期为", date) if _ASKS_DATE.search(question) else None]
    parts, quotes = [], {}
    for label, found in filter(None, asked):
        if found is not None:
            n = reader.number(found[1])
            parts.append(f"{label}{found[0]}[{n}]")
            if n in quotes and found[2] not in quotes[n]:  # two lines of one passage: the stretch holding both
                text = found[1].text
                first, last = sorted((quotes[n], found[2]), key=text.find)
                quotes[n] = span_text(text, first, last)
            else:
                quotes[n] = quotes.get(n, found[2])
    # the title is not repeated: its figures (2024年) are not the cited line's, and the citation names it
    return Draft(f"{'，'.join(parts)}。", quotes, False, "") if parts else None


# what a list question may pick its items by: a deadline (年底前, 6月底前, 三季度), or a fall or a rise
_DEADLINE = re.compile(r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})月(?:底|末|中旬|上旬|下旬)?前|年底前|年内|"
                       r"[一二三四1-4]季度|上半年|下半年|[\u4e00-\u9fff]{1,3}节前")
_FALLS = re.compile(r"下降|减少|降低|负增长|减产")
_FELL = re.compile(r"下降|减少|降低|负增长|减产|[-－]\d")
_RISES = re.compile(r"增长|增加|提高|上升|增产")


def item_filter(question: str):
    """What a list question picks its items by, as a test of an item's text (None when it picks none):
    a deadline it quotes, or a fall (哪些产品产量下降了) or a rise asked of the things listed.

    >>> item_filter("哪几件要求年底前完成？")("新增停车位3000个，年底前完成"), item_filter("哪些产品产量下降了？")("焦炭产量142.7万吨，下降4.3%")
    (True, True)
    >>> item_filter("哪些产品产量下降了？")("原煤产量386.2万吨，增长1.8%"), item_filter("有哪些措施？") is None
    (False, True)
    """
    q = halfwidth(question)
    if not re.search(r"哪些|哪几|哪[一二三四五六七八九十两]", q):
        return None
    deadline = _DEADLINE.search(q)
    if deadline:
        return lambda text: deadline.group(0) in halfwidth(text)
    if _FALLS.search(q):
        return lambda text: bool(_FELL.search(halfwidth(text)))
    if re.search(r"(?:增长|增加|提高|上升|增产)了?的?(?:是|有)?(?:哪|[？?]|$)|哪[些几][\u4e00-\u9fff]{0,8}(?:增长|增加|提高|上升|增产)", q):
        return lambda text: bool(_RISES.search(text)) and not _FELL.search(halfwidth(text))
    return None


def selected_items(question: str, draft: Draft) -> Draft:
    """Of a composed list (items each closed by its citation: 新建…6月底前完成[1]；改造…年底前完成[2]；…),
    the items the question picks (哪几件要求年底前完成), when that is some but not all of them."""
    test = item_filter(question)
    if test is None or draft.refused:
        return draft
    items = re.findall(r"[^；;。]*?\[\d+\][；;。]?", draft.text)
    if "".join(items) != draft.text:  # 表1列有粗钢[1]、钢材[2]: one sentence naming its items
        items = [t for t in re.findall(r"[^、；;。]*?\[\d+\][、；;。]?", draft.text)]
    keep = [t for t in items if test(re.sub(r"\[\d+\]", "", t))]
    if len(items) < 3 or not keep or len(keep) == len(items):
        return draft
    cited = {int(n) for t in keep for n in re.findall(r"\[(\d+)\]", t)}
    text = "".join(keep).rstrip("；;、") + ("" if keep[-1].endswith("。") else "。")
    return Draft(text, {n: q for n, q in draft.quotes.items() if n in cited}, False, "", draft.extra)


def _table_list(question: str, units: list[Unit], hits: list[Hit], reader: Reader) -> Draft | None:
    """What the table the best candidates stand in lists (表1里都列了哪些工业产品): its rows' names, those of a
    category the question names. Not for rows picked by their figures (哪些产品产量下降了, 超过10亿元的)."""
    best = units[0]
    doc_id, caption = hits[best.n - 1].chunk.doc_id, best.row.table
    same = [u for u in units[:5] if u.row is not None and u.row.table == caption
            and hits[u.n - 1].chunk.doc_id == doc_id]
    q = normalize(question)
    picked = item_filter(question)  # 哪几项比上年是减少的: the rows whose change is a fall
    if len(same) < 2 or _CHANGE_Q.search(q) and picked is None or _UPPER.search(q) or _LOWER.search(q):
        return None
    rows = reader.rows(doc_id, caption)
    named = [c for c in rows if normalize(c.row.name) in q]
    broken = [c for c in named if sub_rows(rows, c)]
    if len(broken) == 1:  # 粮食下面“其中”列了哪几种
        return table_items(doc_id, caption, reader, under=broken[0])
    if any(normalize(u.row.name) in q for u in same):
        return None
    label = _TABLE_LABEL.search(q)  # 专栏6 asked: not 专栏7's rows
    if label and not normalize(caption).startswith(label.group(0)):
        return None
    category = next((u.row.category for u in same if u.row.category and normalize(u.row.category) in q), "")
    # a cell value the question quotes (完成时限写“长期坚持”的) picks the rows that hold it, when not all do
    values = {v for c in rows for _, v in c.row.cells if len(normalize(v)) >= 2 and not re.search(r"\d", v)
              and normalize(v) in q}
    having = max((v for v in values if not all(any(v == w for _, w in c.row.cells) for c in rows)), key=len, default="")
    return table_items(doc_id, caption, reader, category, having, picked=picked)


def _asks_part(question: str, part: str) -> bool:
    """The question asks for this part of a slogan alone (其中的三个板块 → 三板块)."""
    counted = part_count(part)
    return counted is not None and re.search(re.escape(counted[2]) + r"[\u4e00-\u9fff]?" + re.escape(counted[1]),
                                             question) is not None


def _levels_of(text: str) -> list[str]:
    return _LEVELS.findall(normalize(text))


def list_heads(question: str) -> tuple[str, ...]:
    """The words of the question that say what kind of list it wants (方面, 内容, 措施 …)."""
    return tuple(w for w in LIST_HEADS if w in question)


_WEAK = "最相关的句子与问题的关键信息不符"
NAMED_SHARE = 0.6  # the share of an indicator's name a passage must hold to be about it (商品销售总额)


@dataclass
class Assessment:
    """A question read and weighed: its candidates (most likely first), the evidence about the best of
    them, the fitted confidence, and why the documents do not answer it ('' when they do)."""

    ask: Ask
    units: list[Unit]
    reader: Reader
    reason: str = ""
    evidence: dict[str, float] = field(default_factory=dict)
    confidence: float = 1.0


def _next_to(u: Unit, best: Unit, hits: list[Hit]) -> bool:
    """``u`` is the sentence just before or after ``best`` in the same document."""
    if u.row is not None or best.row is not None or not hits:
        return False
    cu, cb = hits[u.n - 1].chunk, hits[best.n - 1].chunk
    if cu.doc_id != cb.doc_id:
        return False
    a = cu.start + max(cu.text.find(u.source_text), 0)
    b = cb.start + max(cb.text.find(best.source_text), 0)
    lo, hi = sorted(((a, u.source_text), (b, best.source_text)))
    return 0 < hi[0] - (lo[0] + len(lo[1])) <= 3 or hi[0] == lo[0] + len(lo[1])


def _row_is_asked(row: TableRow, phrase: str) -> bool:
    """The row is the one indicator asked for, not a neighbour of it (地区生产总值 vs 地区生产总值增长率).

    A name that adds only a qualifier (商品销售总额累计) is the same indicator; one that adds a
    measure (增长率, 人均) is another. A question that names no single indicator is not answered by one row.
    """
    if not phrase:
        return False
    return normalize(phrase) not in normalize(row.name) or not other_measure(row.name, phrase)


def _row_has_figures(row: TableRow) -> bool:
    return any(re.search(r"\d", value) for header, value in row.cells if not header.startswith("属性"))


def _redundant(u: Unit, chosen: list[Unit]) -> bool:
    """The unit repeats one already chosen (contained in it, or half its bigrams shared)."""
    nu = normalize(u.text)
    grams = {nu[i:i + 2] for i in range(len(nu) - 1)}
    for c in chosen:
        nc = normalize(c.text)
        if nu in nc or nc in nu:
            return True
        other = {nc[i:i + 2] for i in range(len(nc) - 1)}
        if grams and other and len(grams & other) / min(len(grams), len(other)) >= 0.5:
            return True
    return False


def _place_groups(info: QueryInfo, hits: list[Hit]) -> list[tuple[str, set[str]]]:
    """The named documents grouped by their place (a county's 统计公报 and its 考评办法 answer as one)."""
    groups: dict[str, set[str]] = {}
    for doc in info.docs:
        place = next((h.chunk.place for h in hits if h.chunk.doc_id == doc and h.chunk.place), doc)
        groups.setdefault(place, set()).add(doc)
    return [(short_place(p), docs) for p, docs in groups.items()]
