"""Follow-up questions: a question that leaves out its place, subject or year takes them from the conversation.

Two kinds of question are completed, both found by what they lack, not by their wording:

- *elliptical*: nothing but a place and/or a year and function words (那塘沽街道呢？, 2024年呢？) —
  the previous question asked again of that place or year;
- *referring*: no place of its own but a word that points back (它, 该街道, 当地, 那里, 其) —
  the pointing word replaced by the place of the previous question.

Places are recognised with the knowledge base's place index (document metadata), plus
place-like names no document is about (so 泰达街道呢？ is asked, and refused, for 泰达街道).
A question that names nothing and points at nothing is left as it is: it asks the whole
knowledge base. Pure functions; no retrieval here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from planqa.corpus.text import cn_year_to_digits
from planqa.rag.query import PlaceIndex, analyze

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)年(?:度)?")
# function words an elliptical question may hold beside its place or year
_FILLER = re.compile(r"那么|那|呢|的|又|呀|啊|吧|怎么样|怎样|如何|情况|还有|而|是|吗|也|请问|再看看|看看|说说|"
                     r"[和与及、,，。？?！!：:；;\s“”\"'（）()]")
# words that point back at a place already named
_POINTER = re.compile(r"它们|它|该(?:地区|地|街道|镇|乡|区|县|市|新区)|(?:这|那)个?(?:街道|镇|乡|区|县|市|地方)|"
                      r"当地|那里|那儿|这里|此地|(?<![及尤与极])其(?![中他它余次实间后])")
_JOIN = "和"


@dataclass(frozen=True)
class Followup:
    """The question to answer, as typed, and what came from the conversation."""

    question: str
    asked: str
    took: tuple[str, ...] = ()  # what was taken, in words: ("上一问", "地区 新河街道")

    @property
    def rewritten(self) -> bool:
        return self.question != self.asked


def _mentions(question: str, places: PlaceIndex) -> list[str]:
    """Place names in ``question`` (known aliases and unknown place-like names), in reading order."""
    info = analyze(question, places)
    names = [n for n in (*info.places, *info.unknown_places) if n in question]
    return sorted(dict.fromkeys(names), key=question.find)


def _years(question: str) -> list[str]:
    return list(dict.fromkeys(_YEAR.findall(cn_year_to_digits(question))))


def is_elliptical(question: str, places: PlaceIndex) -> bool:
    """True when ``question`` says only which place or year (那塘沽街道呢？) and nothing it asks.

    >>> idx = PlaceIndex.build({"tg": "天津市滨海新区塘沽街道"})
    >>> is_elliptical("那塘沽街道呢？", idx), is_elliptical("2024年呢", idx), is_elliptical("塘沽街道的目标是什么？", idx)
    (True, True, False)
    """
    rest = cn_year_to_digits(question)
    names, years = _mentions(question, places), _years(question)
    if not names and not years:
        return False
    for name in sorted(names, key=len, reverse=True):
        rest = rest.replace(name, " ")
    rest = _YEAR.sub(" ", rest)
    return not _FILLER.sub("", rest)


def _replace_places(previous: str, old: list[str], new: list[str]) -> str:
    """``previous`` with its places swapped for ``new`` (the first one's position keeps them all)."""
    if not old:
        return _JOIN.join(new) + previous
    out = previous.replace(old[0], "\0", 1)
    for name in old[1:]:
        out = re.sub(rf"[和与及、]?{re.escape(name)}", "", out, count=1)
    return out.replace("\0", _JOIN.join(new))


def _replace_years(previous: str, new: list[str]) -> str:
    text = cn_year_to_digits(previous)
    if not _YEAR.search(text):
        return f"{new[0]}年" + text
    return _YEAR.sub(f"{new[0]}年", text, count=1)


def _ask_again(question: str, previous: str, places: PlaceIndex) -> Followup:
    names, years = _mentions(question, places), _years(question)
    out, took = previous, ["上一问的问题"]
    if names:
        out = _replace_places(out, _mentions(previous, places), names)
    if years:
        out = _replace_years(out, years)
    return Followup(out, question, tuple(took))


def _point_back(question: str, earlier: Sequence[str], places: PlaceIndex) -> Followup:
    for previous in reversed(earlier):
        names = _mentions(previous, places)
        if names:
            place = _JOIN.join(names)
            return Followup(_POINTER.sub(place, question, count=1), question, (f"地区 {place}",))
    return Followup(question, question)


def resolve(question: str, history: Sequence[str], places: PlaceIndex) -> Followup:
    """The question to answer given the earlier questions of the conversation (oldest first).

    The earlier questions are resolved in turn, so a chain of follow-ups keeps its place.

    >>> idx = PlaceIndex.build({"xh": "天津市滨海新区新河街道", "tg": "天津市滨海新区塘沽街道"})
    >>> resolve("那塘沽街道呢？", ["新河街道商品销售总额目标是多少？"], idx).question
    '塘沽街道商品销售总额目标是多少？'
    >>> resolve("它的养老服务有哪些举措？", ["新河街道商品销售总额目标是多少？", "塘沽街道呢？"], idx).question
    '塘沽街道的养老服务有哪些举措？'
    >>> resolve("养老服务有哪些举措？", ["新河街道商品销售总额目标是多少？"], idx).rewritten
    False
    """
    earlier: list[str] = []
    for q in history:
        q = (q or "").strip() if isinstance(q, str) else ""
        if q:
            earlier.append(_resolve_one(q, earlier, places).question)
    return _resolve_one(question, earlier, places)


def _resolve_one(question: str, earlier: Sequence[str], places: PlaceIndex) -> Followup:
    if not earlier:
        return Followup(question, question)
    if is_elliptical(question, places):
        return _ask_again(question, earlier[-1], places)
    if not _mentions(question, places) and _POINTER.search(question):
        return _point_back(question, earlier, places)
    return Followup(question, question)


__all__ = ["Followup", "is_elliptical", "resolve"]
