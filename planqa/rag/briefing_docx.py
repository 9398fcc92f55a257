"""A briefing outline as a Word document laid out like a 公文 (GB/T 9704), with real Word footnotes.

A4, margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right; title 方正小标宋简体 2号, body 仿宋_GB2312 3号,
headings 黑体 / 楷体_GB2312 in the 一、（一）1.（1） order; page numbers “— 1 —” in the footer
(odd pages right, even pages left). Fonts a machine lacks fall back through the font table's
alternative names (仿宋_GB2312 → 仿宋 …). python-docx has no footnote API: this module adds the
footnotes part itself, with one ``w:footnoteReference`` per citation. It does not build the outline.
"""
from __future__ import annotations

import datetime as dt
import posixpath
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
CT_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT, PAGE_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
# font → alternative names Word and LibreOffice try when it is not installed
FALLBACKS = {"方正小标宋简体": ("华文中宋", "宋体", "SimSun"), "仿宋_GB2312": ("仿宋", "FangSong", "STFangsong"),
             "楷体_GB2312": ("楷体", "KaiTi", "STKaiti"), "黑体": ("SimHei", "STHeiti"), "宋体": ("SimSun",)}
LATIN_FONT = "Times New Roman"
SIZE_2, SIZE_3, SIZE_4, SIZE_SMALL_4 = 22, 16, 14, 12  # 字号 in points: 二号, 三号, 四号, 小四
LINE_PT = 28  # fixed line pitch: 22 lines of 28 characters on a page
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
_CN = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (up to 99).

    >>> cn_number(1), cn_number(10), cn_number(12), cn_number(21)
    ('一', '十', '十二', '二十一')
    """
    if n <= 10:
        return _CN[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens - 1]) + "十" + (_CN[ones - 1] if ones else "")


def _set_fonts(rpr_owner, east_asia: str, size_pt: float | None = None, bold: bool | None = None) -> None:
    """Fonts of a style or run: Latin text in Times New Roman, Chinese in ``east_asia`` (no theme fonts)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = rpr_owner.font
    font.name = LATIN_FONT
    rfonts = rpr_owner.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), LATIN_FONT)
    if size_pt:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)


def _paragraph_format(style_or_par, first_indent_chars: float = 0, align=None, before=0, after=0) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    pf = style_or_par.paragraph_format
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE_PT)
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.first_line_indent = Pt(SIZE_3 * first_indent_chars) if first_indent_chars else None
    if align is not None:
        pf.alignment = align


def _styles(doc) -> None:
    """Normal, Title and Heading 1–3 restyled to the 公文 fonts (the headings keep the navigation pane)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    styles = doc.styles
    normal = styles["Normal"]
    _set_fonts(normal, BODY_FONT, SIZE_3)
    _paragraph_format(normal, first_indent_chars=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    lang = normal.element.get_or_add_rPr().find(qn("w:lang"))
    if lang is None:
        lang = normal.element.get_or_add_rPr().makeelement(qn("w:lang"), {})
        normal.element.get_or_add_rPr().append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    for name, font, size, bold, indent, align in (
            ("Title", TITLE_FONT, SIZE_2, False, 0, WD_ALIGN_PARAGRAPH.CENTER),
            ("Heading 1", H1_FONT, SIZE_3, False, 2, None), ("Heading 2", H2_FONT, SIZE_3, False, 2, None),
            ("Heading 3", BODY_FONT, SIZE_3, True, 2, None)):
        style = styles[name]
        _set_fonts(style, font, size, bold)
        ppr = style.element.get_or_add_pPr()
        border = ppr.find(qn("w:pBdr"))  # the template's Title has a rule under it
        if border is not None:
            ppr.remove(border)
        _paragraph_format(style, first_indent_chars=indent, align=align,
                          before=LINE_PT if name == "Title" else 0, after=LINE_PT if name == "Title" else 0)
        style.paragraph_format.keep_with_next = True
        if name == "Title":  # 标题 may run to two lines: they need room beyond the body's fixed pitch
            from docx.enum.text import WD_LINE_SPACING
            style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST


def _font_table(doc) -> None:
    """Add the 公文 fonts with their alternative names to ``word/fontTable.xml``."""
    rel = next((r for r in doc.part.rels.values() if r.reltype.endswith("/fontTable")), None)
    if rel is None:
        return
    part = rel.target_part
    root = etree.fromstring(part.blob)
    have = {f.get(f"{{{W_NS}}}name") for f in root}
    for name, alts in FALLBACKS.items():
        if name in have:
            continue
        font = etree.SubElement(root, f"{{{W_NS}}}font", {f"{{{W_NS}}}name": name})
        etree.SubElement(font, f"{{{W_NS}}}altName", {f"{{{W_NS}}}val": ",".join(alts)})
        etree.SubElement(font, f"{{{W_NS}}}charset", {f"{{{W_NS}}}val": "86"})  # GB2312
        etree.SubElement(font, f"{{{W_NS}}}family", {f"{{{W_NS}}}val": "modern" if "宋" not in name else "roman"})
        etree.SubElement(font, f"{{{W_NS}}}pitch", {f"{{{W_NS}}}val": "fixed"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(doc) -> None:
    """A4 portrait with the 公文 margins; page numbers “— n —” in 宋体 4号, odd right, even left."""
    from docx.shared import Mm

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))
    section.header_distance, section.footer_distance = Mm(15), Mm(28 - 7)  # 页码 7 mm below the text block
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], odd=True)
    _page_number(section.even_page_footer.paragraphs[0], odd=False)


def _page_number(par, odd: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    par.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    pf = par.paragraph_format
    pf.first_line_indent = None
    pf.right_indent, pf.left_indent = (Pt(SIZE_4), None) if odd else (None, Pt(SIZE_4))  # 空一字

    def run(text: str = ""):
        r = par.add_run(text)
        _set_fonts(r, PAGE_FONT, SIZE_4)
        return r

    run("— ")
    for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        r = run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._r.append(fld)
        elif instr == " PAGE ":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            r._r.append(el)
        else:
            r.text = instr
    run(" —")


class Footnotes:
    """The footnotes part: one footnote per reference (Word numbers references in order of appearance)."""

    def __init__(self, doc):
        self.doc, self.notes = doc, []  # (id, text)

    def add(self, par, text: str) -> int:
        """Append a footnote reference mark to ``par`` for a note reading ``text``; returns its id."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        fid = len(self.notes) + 1
        self.notes.append((fid, text))
        r = par.add_run()
        rpr = r._r.get_or_add_rPr()
        va = OxmlElement("w:vertAlign")
        va.set(qn("w:val"), "superscript")
        rpr.append(va)
        ref = OxmlElement("w:footnoteReference")
        ref.set(qn("w:id"), str(fid))
        r._r.append(ref)
        return fid

    def xml(self) -> bytes:
        fonts = (f'<w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{BODY_FONT}" '
                 f'w:cs="{LATIN_FONT}"/>')
        size = f'<w:sz w:val="{SIZE_SMALL_4 * 2 - 3}"/>'  # 五号 (10.5 pt)
        spacing = '<w:spacing w:before="0" w:after="0" w:line="300" w:lineRule="exact"/><w:jc w:val="both"/>'
        seps = ''.join(f'<w:footnote w:type="{t}" w:id="{i}"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
                       f'w:lineRule="auto"/></w:pPr><w:r><w:{t}/></w:r></w:p></w:footnote>'
                       for t, i in (("separator", -1), ("continuationSeparator", 0)))
        notes = "".join(
            f'<w:footnote w:id="{i}"><w:p><w:pPr>{spacing}</w:pPr>'
            f'<w:r><w:rPr>{fonts}{size}<w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:rPr>{fonts}{size}</w:rPr><w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p></w:footnote>'
            for i, text in self.notes)
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_NS}">'
                f"{seps}{notes}</w:footnotes>").encode("utf-8")

    def attach(self) -> None:
        """Add the part, its relationship, and the separators' entry in the settings."""
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        if not self.notes:
            return
        # the footnotes part sits beside the main document part inside the package
        name = PackURI(posixpath.join(self.doc.part.partname.baseURI, "footnotes.xml"))
        part = Part(name, CT_FOOTNOTES, self.xml(), self.doc.part.package)
        self.doc.part.relate_to(part, RT_FOOTNOTES)
        settings = self.doc.settings.element
        pr = OxmlElement("w:footnotePr")
        for i in (-1, 0):
            el = OxmlElement("w:footnote")
            el.set(qn("w:id"), str(i))
            pr.append(el)
        after = next((settings.find(qn(f"w:{t}")) for t in ("endnotePr", "compat", "docVars", "rsids")
                      if settings.find(qn(f"w:{t}")) is not None), None)
        after.addprevious(pr) if after is not None else settings.append(pr)


def _segs(par, segs, notes: list[str], footnotes: Footnotes) -> None:
    """Text runs, and a footnote for each note number (``notes[n - 1]`` is its text)."""
    for s in segs:
        if isinstance(s, int):
            footnotes.add(par, notes[s - 1])
        elif s:
            par.add_run(s)


def _table(doc, header, rows, notes, footnotes) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    text_mm = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]
    first = 24 if len(header) > 1 else text_mm
    widths = [Mm(first)] + [Mm((text_mm - first) / max(len(header) - 1, 1))] * (len(header) - 1)
    trpr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page the table runs to
    trpr.append(repeat)
    cells_rows = [(table.rows[0].cells, [[h] for h in header], True)]
    for row in rows:
        cells_rows.append((table.add_row().cells, row, False))
    for cells, row, is_head in cells_rows:
        for cell, segs, width in zip(cells, row, widths):
            cell.width = width
            par = cell.paragraphs[0]
            _paragraph_format(par)
            par.paragraph_format.first_line_indent = Pt(0)
            par.paragraph_format.line_spacing = Pt(20)
            _segs(par, segs, notes, footnotes)
            for run in par.runs:
                _set_fonts(run, H1_FONT if is_head else BODY_FONT, SIZE_SMALL_4)
    tbl_pr = table._tbl.tblPr
    jc = OxmlElement("w:jc")
    jc.set(qn("w:val"), "center")
    tbl_pr.append(jc)


def _core(doc, title: str, when: dt.datetime) -> None:
    cp = doc.core_properties
    cp.title, cp.author, cp.last_modified_by = title, "planqa", "planqa"
    cp.subject, cp.category, cp.comments, cp.keywords = "政策简报", "简报", "", title
    cp.created = cp.modified = when
    cp.revision = 1


def write_docx(blocks: list[tuple], notes: list[str], path, title: str, when: dt.datetime | None = None) -> None:
    """Write outline ``blocks`` (see ``briefing_render.outline``) to ``path``.

    ``notes[n - 1]`` is the text of footnote number n used in the blocks' segments;
    ``title`` goes to the document properties (author is planqa).
    """
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    when = when or dt.datetime.now()
    doc = Document()
    _styles(doc)
    _page(doc)
    _font_table(doc)
    footnotes = Footnotes(doc)
    counters = [0, 0, 0, 0]  # 一、 （一） 1． （1）
    for block in blocks:
        kind = block[0]
        level = {"h2": 0, "h3": 1, "label": 2, "li": 3}.get(kind)
        if level is not None:
            counters[level] += 1
            counters[level + 1:] = [0] * (3 - level)
        if kind == "title":
            doc.add_paragraph(block[1], style="Title")
        elif kind == "h2":  # the outline's text already reads 一、…
            doc.add_paragraph(block[1], style="Heading 1")
        elif kind == "h3":
            doc.add_paragraph(f"（{cn_number(counters[1])}）{block[1]}", style="Heading 2")
        elif kind == "label":
            doc.add_paragraph(f"{counters[2]}．{block[1]}", style="Heading 3")
        elif kind == "table":
            _table(doc, block[1], block[2], notes, footnotes)
        else:
            par = doc.add_paragraph()
            _segs(par, ([f"（{counters[3]}）"] if kind == "li" else []) + list(block[1]), notes, footnotes)
    date = doc.add_paragraph(f"{when.year}年{when.month}月{when.day}日")  # 成文日期, right with 4 characters' room
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    date.paragraph_format.first_line_indent = None
    from docx.shared import Pt
    date.paragraph_format.right_indent = Pt(SIZE_3 * 4)
    date.paragraph_format.space_before = Pt(LINE_PT)
    footnotes.attach()
    _core(doc, title, when)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
