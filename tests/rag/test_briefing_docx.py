"""The 公文 layout of briefing .docx files: page, fonts, page-number field, real footnotes, properties.

Built from a hand-made outline (no models); ``test_briefing`` checks a real briefing the same way.
"""
from __future__ import annotations

import datetime as dt
import doctest
import re
import shutil
import subprocess
import zipfile

import pytest

import planqa.rag.briefing_docx as briefing_docx
from planqa.rag.briefing_docx import write_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BLOCKS = [("title", "“养老服务”政策简报"), ("p", ["检索范围：2份文件"]),
          ("h2", "一、总体情况"), ("p", ["共检索2份文件", 1, "。"]), ("li", ["新河街道重点是养老床位", 2, "。"]),
          ("h2", "二、各地对比"),
          ("table", ["地区", "目标与指标"], [[["新河街道"], ["新增养老床位48张。", 3]], [["静海镇"], ["未提及"]]]),
          ("h2", "三、分地区要点"), ("h3", "新河街道"), ("label", "目标"), ("li", ["新增养老床位48张<&>。", 3]),
          ("h3", "静海镇"), ("p", ["文件中未提及“养老服务”。"])]
NOTES = ["《甲》，第1行：“甲句。”", "《乙》 › 第一章，第2–3行：“乙句。”", "《丙》，第5行：“丙 & <句>。”"]


def docx_parts(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))}


def check_gongwen_docx(path, title: str, n_refs: int) -> None:
    """What every briefing .docx must hold (shared with the test of a real briefing)."""
    from docx import Document

    doc = Document(str(path))
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)  # A4
    assert [round(getattr(s, f"{k}_margin").mm) for k in ("top", "bottom", "left", "right")] == [37, 35, 28, 26]
    cp = doc.core_properties
    assert (cp.author, cp.last_modified_by, cp.title) == ("planqa", "planqa", title)

    parts = docx_parts(path)
    assert "word/footnotes.xml" in parts
    assert "footnotes.xml" in parts["word/_rels/document.xml.rels"]
    assert "wordprocessingml.footnotes+xml" in parts["[Content_Types].xml"]
    notes = re.findall(r'<w:footnote w:id="(\d+)"', parts["word/footnotes.xml"])
    refs = re.findall(r'<w:footnoteReference w:id="(\d+)"/>', parts["word/document.xml"])
    assert len(notes) == len(refs) == n_refs and sorted(notes, key=int) == sorted(refs, key=int)
    assert "[^" not in parts["word/document.xml"]
    footers = [v for k, v in parts.items() if re.match(r"word/footer\d+\.xml", k)]
    assert footers and all("PAGE" in f and "— " in f and " —" in f for f in footers)

    styles = doc.styles
    rfonts = lambda style: style.element.rPr.rFonts  # noqa: E731
    assert rfonts(styles["Normal"]).get(f"{W}eastAsia") == "仿宋_GB2312" and styles["Normal"].font.size.pt == 16
    assert rfonts(styles["Title"]).get(f"{W}eastAsia") == "方正小标宋简体" and styles["Title"].font.size.pt == 22
    assert "仿宋_GB2312" in parts["word/fontTable.xml"] and 'w:altName w:val="仿宋' in parts["word/fontTable.xml"]


def test_docstring_examples():
    assert doctest.testmod(briefing_docx).failed == 0


def test_outline_becomes_a_gongwen_docx_with_one_footnote_per_reference(tmp_path):
    path = tmp_path / "brief.docx"
    write_docx(BLOCKS, NOTES, path, title="养老服务", when=dt.datetime(2025, 3, 8))
    check_gongwen_docx(path, "养老服务", n_refs=4)  # note 3 is cited twice: two Word footnotes
    from docx import Document

    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "“养老服务”政策简报" and doc.paragraphs[0].style.name == "Title"
    assert "（一）新河街道" in texts and "（二）静海镇" in texts and "1．目标" in texts
    assert "（1）新增养老床位48张<&>。" in texts and texts[-1] == "2025年3月8日"
    assert not any("注释" in t or "[1]" in t for t in texts)  # no endnote list pretending to be footnotes
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["地区", "目标与指标"] and len(table.rows) == 3
    foot = docx_parts(path)["word/footnotes.xml"]
    assert "丙 &amp; &lt;句&gt;。" in foot and foot.count("《丙》") == 2


def test_a_briefing_without_citations_has_no_footnotes_part(tmp_path):
    path = tmp_path / "none.docx"
    write_docx([("title", "“航天”政策简报"), ("p", ["未找到。"])], [], path, title="航天")
    assert "word/footnotes.xml" not in docx_parts(path)


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_footnotes(tmp_path):
    path = tmp_path / "brief.docx"
    write_docx(BLOCKS, NOTES, path, title="养老服务")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "odt",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=120)
    with zipfile.ZipFile(tmp_path / "brief.odt") as z:
        content = z.read("content.xml").decode("utf-8")
    assert content.count('text:note-class="footnote"') == 4 and "《乙》 › 第一章" in content
