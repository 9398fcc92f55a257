"""Tests for planqa.corpus.loaders: decoding, extraction per format, and user-facing errors."""
from __future__ import annotations

import hashlib
import io
import os
import time
import zipfile
from pathlib import Path

import pytest

from planqa.corpus.loaders import (
    SUPPORTED_SUFFIXES,
    LoadError,
    LoadedText,
    decode_bytes,
    iter_files,
    load_file,
)

BUNDLED = sorted((Path(__file__).parents[2] / "planqa" / "corpus" / "data").glob("*.txt"))
ZH = "天津市滨海新区塘沽街道国民经济和社会发展第十四个五年规划。\n第一章 夯实发展基础，把握发展机遇。\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def write(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def make_pdf(pages: list[str]) -> bytes:
    """A minimal valid PDF, one Helvetica text line (ASCII) per page; "" = a page with no text."""
    n = len(pages)
    font = 3 + 2 * n
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{' '.join(f'{3 + 2 * i} 0 R' for i in range(n))}] /Count {n} >>".encode()]
    for i, text in enumerate(pages):
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() if text else b""
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
                    f"<< /Font << /F1 {font} 0 R >> >> /Contents {4 + 2 * i} 0 R >>".encode())
        objs.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def make_docx(path: Path) -> Path:
    import docx

    doc = docx.Document()
    doc.add_heading("第一章 发展基础", level=1)
    doc.add_paragraph("第一段：经济总量稳步增长。")
    doc.add_paragraph("")  # empty paragraphs are skipped
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate([["指标", "2020年", "2025年"], ["GDP（亿元）", "7.5", "46"],
                             ["人口（万人）", "12", "15"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    doc.add_paragraph("第二段：表格之后的文字。")
    doc.save(path)
    return path


# --- text formats ------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030"),
])
def test_text_encodings_are_detected(tmp_path, encoding, expected):
    path = write(tmp_path, "doc.txt", ZH, encoding)
    loaded = load_file(path)
    assert loaded.text == ZH
    assert loaded.encoding == expected
    assert not loaded.text.startswith("\ufeff")
    assert (loaded.fmt, loaded.source, loaded.path) == ("txt", "doc.txt", str(path.resolve()))
    assert loaded.fingerprint == hashlib.sha256(path.read_bytes()).hexdigest()


def test_gb18030_four_byte_characters(tmp_path):
    text = ZH * 3 + "生僻字：𠮷。\n"  # outside GBK, needs GB18030's four-byte form
    loaded = load_file(write(tmp_path, "doc.txt", text, "gb18030"))
    assert loaded.text == text and loaded.encoding == "gb18030"


def test_undecodable_file_names_file_and_reason(tmp_path):
    path = write(tmp_path, "bad.txt", b"abc\x80\xff\xfe\x80 " * 50)
    with pytest.raises(LoadError) as info:
        load_file(path)
    assert info.value.path == str(path)
    assert "无法识别文件编码" in info.value.reason
    assert str(info.value).startswith(f"{path}: ")


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n", "　　\n".encode("utf-8")])
def test_empty_or_blank_file(tmp_path, data):
    with pytest.raises(LoadError, match="文件为空"):
        load_file(write(tmp_path, "empty.txt", data))


def test_binary_renamed_txt(tmp_path):
    with pytest.raises(LoadError, match="是二进制文件，不是文本"):
        load_file(write(tmp_path, "image.txt", PNG + bytes(range(256)) * 4))


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_endings_normalised_and_line_count_kept(tmp_path, newline):
    lines = ["第一行", "", "第三行", "  ", "第五行", ""]
    path = write(tmp_path, "lines.md", newline.join(lines))
    loaded = load_file(path)
    assert loaded.text.split("\n") == lines
    assert loaded.text.split("\n") == open(path, encoding="utf-8").read().split("\n")
    assert loaded.fmt == "md"


def test_markdown_suffix(tmp_path):
    assert load_file(write(tmp_path, "a.markdown", "# 标题\n正文\n")).fmt == "md"


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_corpus_line_numbers_match(path):
    loaded = load_file(path)
    assert loaded.encoding == "utf-8"
    assert loaded.text.split("\n") == open(path, encoding="utf-8").read().split("\n")


def test_bundled_corpus_present():
    assert len(BUNDLED) == 5


def test_fifty_megabyte_text_loads_quickly(tmp_path):
    line = "第三节 主要目标：到2025年，地区生产总值年均增长6%左右。\n".encode("utf-8")
    path = write(tmp_path, "big.txt", line * (50 * 2**20 // len(line) + 1))
    start = time.perf_counter()
    loaded = load_file(path)
    assert time.perf_counter() - start < 10
    assert loaded.text.count("\n") == path.stat().st_size // len(line)


def test_oversized_file_names_size_and_limit(tmp_path):
    path = write(tmp_path, "big.txt", "x" * 2000)
    with pytest.raises(LoadError, match="文件太大") as info:
        load_file(path, max_bytes=1000)
    assert "2000" in info.value.reason and "1000" in info.value.reason


# --- decode_bytes ------------------------------------------------------------------------

def test_decode_bytes_examples():
    assert decode_bytes("规划".encode("gbk")) == ("规划", "gb18030")
    assert decode_bytes(b"\xef\xbb\xbfabc") == ("abc", "utf-8-sig")
    assert decode_bytes("规划\r\n".encode("utf-16")) == ("规划\r\n", "utf-16")
    assert decode_bytes(b"") == ("", "utf-8")


def test_decode_bytes_binary():
    with pytest.raises(ValueError, match="binary"):
        decode_bytes(PNG)
    with pytest.raises(ValueError, match="binary"):
        decode_bytes(bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 100)


def test_decode_bytes_rejects_utf8_read_as_gb18030():
    """Truncated UTF-8 decodes as GB18030 into rare-hanzi garbage; that must not be accepted."""
    data = (ZH * 20).encode("utf-8")[:-1]
    try:
        text, encoding = decode_bytes(data)
    except ValueError as exc:
        assert "无法识别文件编码" in str(exc)
    else:
        assert encoding != "gb18030" and text.startswith(ZH[:10])


def test_decode_bytes_falls_back_to_charset_normalizer():
    text = "Le café est très bon, résumé de la réunion à Paris. Ça va très bien, merci.\n"
    decoded, encoding = decode_bytes(text.encode("cp1252"))
    assert "réunion" in decoded and encoding not in ("utf-8", "gb18030")


# --- html --------------------------------------------------------------------------------

HTML = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>页面标题</title>
<style>p {{ color: red }}</style><script>var x = "脚本";</script></head>
<body><header>网站首页 | 登录</header><nav><a href="/">导航</a></nav>
<h1>塘沽街道“十四五”规划</h1>
<p>第一段文字，
继续第一段。<br>换行后的文字</p>
<div>区块<b>加粗</b>文字</div>
<!-- 注释 -->
<table><caption>专栏1 主要指标</caption>
<tr><th>指标</th><th>2020年</th><th>2025年</th></tr>
<tr><td>GDP（亿元）</td><td> 7.5 </td><td>46</td></tr>
</table>
<ul><li>第一项</li><li>第二项</li></ul>
<footer>版权所有</footer></body></html>"""


@pytest.mark.parametrize("charset, encoding", [("utf-8", "utf-8"), ("gb2312", "gb18030")])
def test_html_visible_text_and_tsv_rows(tmp_path, charset, encoding):
    path = write(tmp_path, "page.html", HTML.format(charset=charset), encoding)
    loaded = load_file(path)
    assert loaded.fmt == "html" and loaded.encoding == encoding
    assert loaded.text.split("\n") == [
        "塘沽街道“十四五”规划",
        "第一段文字，继续第一段。",
        "换行后的文字",
        "区块加粗文字",
        "专栏1 主要指标",
        "指标\t2020年\t2025年",
        "GDP（亿元）\t7.5\t46",
        "第一项",
        "第二项",
    ]
    for dropped in ("脚本", "color", "导航", "登录", "版权", "注释", "页面标题"):
        assert dropped not in loaded.text


def test_html_without_meta_is_detected_and_colspan_keeps_columns(tmp_path):
    html = "<table><tr><td></td><td colspan='2'>年份</td></tr><tr><td>A</td><td>1</td><td>2</td></tr></table>"
    loaded = load_file(write(tmp_path, "t.htm", html, "gbk"))
    assert loaded.text.split("\n") == ["\t年份\t", "A\t1\t2"]
    assert loaded.fmt == "html"


def test_html_with_wrong_meta_charset_falls_back(tmp_path):
    html = '<meta charset="utf-8"><p>这是一个用 GBK 保存的页面，声明却写了 UTF-8。</p>'
    loaded = load_file(write(tmp_path, "wrong.html", html, "gbk"))
    assert "GBK 保存的页面" in loaded.text and loaded.encoding == "gb18030"


def test_html_with_only_scripts_is_empty(tmp_path):
    with pytest.raises(LoadError, match="文件为空"):
        load_file(write(tmp_path, "s.html", "<script>alert(1)</script><style>a{}</style>"))


# --- docx --------------------------------------------------------------------------------

def test_docx_paragraphs_and_tables_in_order(tmp_path):
    loaded = load_file(make_docx(tmp_path / "plan.docx"))
    assert (loaded.fmt, loaded.encoding) == ("docx", "")
    assert loaded.text == ("第一章 发展基础\n\n第一段：经济总量稳步增长。\n\n"
                           "指标\t2020年\t2025年\nGDP（亿元）\t7.5\t46\n人口（万人）\t12\t15\n\n"
                           "第二段：表格之后的文字。")


def test_docx_merged_cells_keep_columns(tmp_path):
    import docx

    doc = docx.Document()
    table = doc.add_table(rows=2, cols=3)
    table.cell(0, 1).merge(table.cell(0, 2)).text = "年份"
    for c, value in enumerate(["A", "1", "2"]):
        table.cell(1, c).text = value
    doc.save(tmp_path / "m.docx")
    assert load_file(tmp_path / "m.docx").text == "\t年份\t\nA\t1\t2"


def test_corrupt_docx_random_bytes(tmp_path):
    with pytest.raises(LoadError, match="不是有效的 Word 文档") as info:
        load_file(write(tmp_path, "bad.docx", os.urandom(2048)))
    assert "(" in info.value.reason  # original exception text kept


def test_docx_zip_without_document_xml(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "not a word file")
    with pytest.raises(LoadError, match="word/document.xml"):
        load_file(write(tmp_path, "fake.docx", buf.getvalue()))


def test_docx_without_text_is_empty(tmp_path):
    import docx

    docx.Document().save(tmp_path / "blank.docx")
    with pytest.raises(LoadError, match="文件为空"):
        load_file(tmp_path / "blank.docx")


# --- pdf ---------------------------------------------------------------------------------

def test_pdf_text_layer_pages_joined(tmp_path):
    loaded = load_file(write(tmp_path, "doc.pdf", make_pdf(["Hello planqa", "Page two"])))
    assert (loaded.fmt, loaded.encoding) == ("pdf", "")
    assert loaded.text.split("\n") == ["Hello planqa", "Page two"]


def test_pdf_without_text_layer_asks_for_ocr(tmp_path):
    with pytest.raises(LoadError, match="OCR"):
        load_file(write(tmp_path, "scan.pdf", make_pdf(["", ""])))


@pytest.mark.parametrize("data", [os.urandom(1024), b"%PDF-1.4\n garbage", PNG])
def test_corrupt_pdf(tmp_path, data):
    with pytest.raises(LoadError, match="不是有效的 PDF 文件"):
        load_file(write(tmp_path, "bad.pdf", data))


def test_encrypted_pdf(tmp_path):
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf(["Secret"]))))
    writer.encrypt("password", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(LoadError, match="加密"):
        load_file(write(tmp_path, "locked.pdf", buf.getvalue()))


# --- errors and iter_files ---------------------------------------------------------------

@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
def test_garbage_in_any_format_raises_only_load_error(tmp_path, suffix):
    for data in (os.urandom(4096), PNG, b"\x00" * 10, b"PK\x03\x04" + os.urandom(100)):
        with pytest.raises(LoadError):
            load_file(write(tmp_path, "x" + suffix, data))


def test_load_file_user_errors(tmp_path):
    with pytest.raises(LoadError, match="找不到文件"):
        load_file(tmp_path / "missing.txt")
    with pytest.raises(LoadError, match=r"不支持的文件类型 \.xyz（支持 .txt .md .html .docx .pdf）"):
        load_file(write(tmp_path, "a.xyz", "abc"))
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(LoadError, match="文件夹"):
        load_file(tmp_path / "folder.txt")


def test_load_error_str_and_fields():
    err = LoadError("foo.pdf", "不是有效的 PDF 文件 (corrupt PDF)")
    assert str(err) == "foo.pdf: 不是有效的 PDF 文件 (corrupt PDF)"
    assert (err.path, err.reason) == ("foo.pdf", "不是有效的 PDF 文件 (corrupt PDF)")


def test_loaded_text_is_frozen(tmp_path):
    loaded = load_file(write(tmp_path, "a.txt", "abc"))
    assert isinstance(loaded, LoadedText)
    with pytest.raises(AttributeError):
        loaded.text = "x"  # type: ignore[misc]


def test_iter_files_folder_mixing_good_and_bad(tmp_path):
    root = tmp_path / "docs"
    write(root, "b.txt", ZH)
    write(root, "a.md", ZH)
    write(root, "notes.xyz", "?")
    write(root, "sub/c.HTML", "<p>页面</p>")
    write(root, "sub/deeper/d.pdf", make_pdf(["x"]))
    write(root, ".hidden.txt", ZH)
    write(root, ".git/config.txt", ZH)
    write(root, "~$lock.docx", b"\x00")
    extra = write(tmp_path, "single.txt", ZH)
    files, errors = iter_files([root, extra, root / "b.txt", tmp_path / "nope.txt"])
    assert [p.relative_to(tmp_path).as_posix() for p in files] == [
        "docs/a.md", "docs/b.txt", "docs/sub/c.HTML", "docs/sub/deeper/d.pdf", "single.txt"]
    assert [(Path(e.path).name, e.reason) for e in errors] == [
        ("notes.xyz", "不支持的文件类型 .xyz（支持 .txt .md .html .docx .pdf）"),
        ("nope.txt", "找不到文件"),
    ]
    assert all(load_file(p).text for p in files)


def test_iter_files_explicit_unsupported_file(tmp_path):
    files, errors = iter_files([write(tmp_path, "README", "x"), write(tmp_path, "a.doc", "x")])
    assert files == []
    assert [e.reason.split("（")[0] for e in errors] == ["不支持的文件类型 ", "不支持的文件类型 .doc"]


def test_html_http_equiv_charset(tmp_path):
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
            "<body><p>关于印发规划纲要的通知</p></body></html>")
    loaded = load_file(write(tmp_path, "notice.html", html, "gb2312"))
    assert (loaded.text, loaded.encoding) == ("关于印发规划纲要的通知", "gb18030")


def test_pdf_with_owner_password_only_opens(tmp_path):
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf(["Open text"]))))
    writer.encrypt("", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    assert load_file(write(tmp_path, "restricted.pdf", buf.getvalue())).text == "Open text"
