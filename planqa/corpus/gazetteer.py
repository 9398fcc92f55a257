"""China's administrative divisions (province → city → county → town) from jionlp's location data.

Answers "is this phrase a place", "which units is it in" and reads the chain of
divisions a title or issuer starts with. It knows no place that is not in the
data; places a document names about itself are added by the metadata reader.
"""
from __future__ import annotations

import importlib.util
import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

RANKS = ("province", "city", "county", "town")
_TOWN_SUFFIXES = ("街道", "镇", "乡")
_LEVEL_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "街道", "新区", "地区",
                   "省", "市", "州", "盟", "区", "县", "旗", "镇", "乡")


@dataclass(frozen=True)
class Division:
    """One administrative unit: its full name, short form, rank and the units above it (outermost first)."""

    name: str
    alias: str
    rank: int  # index into RANKS
    parents: tuple[str, ...] = ()

    @property
    def level(self) -> str:
        """The unit word the name ends with (省 / 市 / 区 / 县 / 镇 / 乡 / 街道 …).

        >>> Division("万载县", "万载", 2).level, Division("康乐街道", "康乐街", 3).level
        ('县', '街道')
        """
        return unit_suffix(self.name)

    @property
    def chain(self) -> str:
        """The full name with every unit above it (江西省宜春市万载县)."""
        return "".join(self.parents) + self.name


def unit_suffix(name: str) -> str:
    """The administrative unit word ``name`` ends with, "" when none.

    >>> unit_suffix("宜春市"), unit_suffix("海滨街道"), unit_suffix("内蒙古自治区"), unit_suffix("数据")
    ('市', '街道', '自治区', '')
    """
    return next((s for s in _LEVEL_SUFFIXES if name.endswith(s) and len(name) > len(s)), "")


def short_forms(name: str, rank: int, alias: str = "") -> list[str]:
    """Names a text may use for a unit: the full name, its data alias, 街道 → 街.

    A town's bare name (高城 for 高城镇) is not a short form: too many words look like one.

    >>> short_forms("宜春市", 1, "宜春"), short_forms("海滨街道", 3), short_forms("高城镇", 3)
    (['宜春市', '宜春'], ['海滨街道', '海滨街'], ['高城镇'])
    """
    out = [name]
    if rank < 3 and alias and len(alias) >= 2:
        out.append(alias)
    if name.endswith("街道"):
        out.append(name[:-1])
    return list(dict.fromkeys(out))


def _data_file() -> Path | None:
    spec = importlib.util.find_spec("jionlp")  # located, not imported: importing jionlp prints a banner
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "dictionary" / "china_location.zip"
    return path if path.exists() else None


def parse_location_lines(lines) -> list[Division]:
    """Divisions from jionlp's china_location.txt layout (tab depth = rank; villages skipped).

    >>> rows = ["江西省\\t360000\\t江西", "\\t宜春市\\t360900\\t宜春", "\\t\\t万载县\\t360922\\t万载", "\\t\\t\\t康乐街道",
    ...         "\\t\\t\\t\\t某村"]
    >>> [(d.name, d.alias, d.rank, d.parents) for d in parse_location_lines(rows)][2:]
    [('万载县', '万载', 2, ('江西省', '宜春市')), ('康乐街道', '', 3, ('江西省', '宜春市', '万载县'))]
    """
    out: list[Division] = []
    stack: list[str] = []  # the unit name at each depth ("" for a level that is no unit)
    for raw in lines:
        depth = len(raw) - len(raw.lstrip("\t"))
        fields = raw.strip().split("\t")
        if depth > 3 or not fields[0] or depth > len(stack):
            continue
        name, alias = fields[0], (fields[2].split("/")[0] if len(fields) >= 3 else "")
        del stack[depth:]
        parents = tuple(p for p in stack if p)
        # a municipality is its own city (北京市 › 北京市), and 省直辖行政区划 is no unit at all
        skip = depth == 1 and (name in stack or "直辖" in name)
        stack.append("" if skip else name)
        if not skip:
            out.append(Division(name, alias, depth, parents))
    return out


class Gazetteer:
    """Name → divisions index; ``lookup`` accepts full names and short forms."""

    def __init__(self, divisions: list[Division]):
        self._by_name: dict[str, list[Division]] = {}
        self._children: dict[tuple[str, ...], list[Division]] = {}
        for d in divisions:
            self._children.setdefault(d.parents, []).append(d)
            for form in short_forms(d.name, d.rank, d.alias):
                self._by_name.setdefault(form, []).append(d)

    def lookup(self, name: str) -> list[Division]:
        """Every division called ``name`` (several where names repeat across the country)."""
        return list(self._by_name.get(name, ()))

    def towns_of(self, county: Division) -> list[Division]:
        """The towns and streets the data lists under ``county``."""
        return [d for d in self._children.get(county.parents + (county.name,), []) if d.rank == 3]

    def knows(self, name: str) -> bool:
        return name in self._by_name

    def within(self, name: str, parent: str) -> bool:
        """``name`` is a unit inside ``parent`` (both full names or short forms).

        >>> g = Gazetteer(parse_location_lines(["江西省\\t1\\t江西", "\\t宜春市\\t2\\t宜春", "\\t\\t万载县\\t3\\t万载"]))
        >>> g.within("万载", "宜春市"), g.within("宜春市", "万载县")
        (True, False)
        """
        outer = {d.name for d in self.lookup(parent)}
        return any(outer & set(d.parents) for d in self.lookup(name))

    def read_chain(self, text: str) -> list[Division]:
        """The chain of divisions ``text`` starts with, each inside the one before (江西省宜春市万载县…).

        A name that repeats across the country is resolved by the unit before it; a first name that
        still repeats keeps the first division of the data.

        >>> g = Gazetteer(parse_location_lines(["江西省\\t1\\t江西", "\\t宜春市\\t2\\t宜春", "\\t\\t万载县\\t3\\t万载"]))
        >>> [d.name for d in g.read_chain("宜春市万载县2022年统计公报")], g.read_chain("数据专区")
        (['宜春市', '万载县'], [])
        """
        chain: list[Division] = []
        i = 0
        while i < len(text):
            found = None
            for j in range(min(len(text), i + 12), i + 1, -1):
                cands = self.lookup(text[i:j])
                if chain:
                    cands = [d for d in cands if chain[-1].name in d.parents]
                if cands:
                    found = (cands[0], j)
                    break
            if found is None:
                break
            chain.append(found[0])
            i = found[1]
        return chain


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The national gazetteer (loaded once, on first use; empty when jionlp's data is not installed)."""
    path = _data_file()
    if path is None:
        return Gazetteer([])
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".txt"))
        with zf.open(name) as fh:
            lines = io.TextIOWrapper(fh, encoding="utf-8").read().split("\n")
    return Gazetteer(parse_location_lines(lines))
