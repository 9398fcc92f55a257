"""Read .txt/.md/.html/.docx/.pdf files into decoded text (``LoadedText``), or a ``LoadError``.

Decoding and text extraction only: no metadata, headings, tables or chunks. For
.txt/.md the text is line-for-line the file, so line numbers match the source.
"""
from __future__ import annotations

import codecs
import functools
import hashlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")
_FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
            ".docx": "docx", ".pdf": "pdf"}
_SUPPORTED_HINT = "（支持 .txt .md .html .docx .pdf）"
_BINARY_SNIFF = 8192
_WHITESPACE_CONTROLS = b"\t\n\r\x0c\x0b\x1b"
# Characters ordinary Chinese/English text is made of: ASCII, Latin-1, Greek/Cyrillic,
# punctuation and symbol blocks that GB2312 carries, kana, CJK, full-width forms.
_COMMON = re.compile("[\t\n\r\x0c\x20-\x7e\u00a0-\u00ff\u0391-\u04ff\u2000-\u27bf"
                     "\u2e80-\u33ff\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+")
_HANZI = re.compile("[\u4e00-\u9fff]")


class LoadError(Exception):
    """A file could not be loaded; ``str(err)`` is ``"<path>: <reason>"``."""

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        super().__init__(str(path), reason)
        self.path = str(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class _Unloadable(Exception):
    """Internal: why a file's content cannot be turned into text (becomes a ``LoadError``)."""


@dataclass(frozen=True)
class LoadedText:
    """The decoded text of one file, before any parsing."""

    source: str  # file name (basename) as ingested
    path: str  # absolute path
    text: str  # line endings normalised to "\n", BOM removed
    fingerprint: str  # sha256 hex of the raw file bytes
    fmt: str  # txt | md | html | docx | pdf
    encoding: str  # detected encoding for text formats, "" for docx/pdf


def _unsupported(suffix: str) -> str:
    return f"不支持的文件类型 {suffix or '（无扩展名）'}{_SUPPORTED_HINT}"


def _is_binary(data: bytes) -> bool:
    head = data[:_BINARY_SNIFF]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 0x20 and b not in _WHITESPACE_CONTROLS)
    return bool(head) and controls / len(head) > 0.05


@functools.lru_cache(maxsize=1)
def _gb2312_level1() -> frozenset[str]:
    """The 3755 most common hanzi (GB2312 level 1: 0xB0A1-0xD7F9)."""
    return frozenset(bytes((hi, lo)).decode("gb2312") for hi in range(0xB0, 0xD8)
                     for lo in range(0xA1, 0xFF) if (hi, lo) < (0xD7, 0xFA))


def _looks_like_text(text: str, sample: int = 200_000) -> bool:
    """True if ``text`` is mostly ordinary characters and its hanzi mostly common ones.

    Text decoded with the wrong codec (e.g. UTF-8 read as GB18030) decodes to rare
    hanzi, private-use or control characters, which this rejects.
    """
    head = text[:sample]
    if not head.strip():
        return True
    rare = len(head) - sum(len(m) for m in _COMMON.findall(head))
    if rare / len(head) > 0.02:
        return False
    hanzi = _HANZI.findall(head)
    if len(hanzi) < 10:
        return True
    # real simplified text: ~99% level-1 hanzi, traditional ~65%, UTF-8 mojibake ~15%
    common = _gb2312_level1()
    return sum(1 for ch in hanzi if ch in common) / len(hanzi) >= 0.5


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text bytes, detecting the encoding.

    Tries, in order: UTF-8 with BOM, UTF-16 with BOM, strict UTF-8, strict GB18030
    (kept only if the result looks like real text), then charset-normalizer's best
    guess if it decodes with little mess.

    Args:
        data: the raw file bytes.

    Returns:
        ``(text, encoding)``, e.g. ``("你好", "gb18030")``. A BOM is removed; line
        endings are left as they are.

    Raises:
        ValueError: ``"binary"`` for binary content (NUL bytes or many control bytes
            in the first 8 KB), else a message saying the encoding is unknown.

    >>> decode_bytes("规划".encode("gbk"))
    ('规划', 'gb18030')
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ValueError(f"无法识别文件编码 (UTF-8 BOM but invalid UTF-8: {exc})") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:  # Notepad's "Unicode"; checked before the NUL sniff, which it would fail
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if _is_binary(data):
        raise ValueError("binary")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
        if _looks_like_text(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.chaos <= 0.1:
        text = str(best)
        if best.coherence >= 0.1 or _looks_like_text(text):
            return text, codecs.lookup(best.encoding).name
    raise ValueError("无法识别文件编码 (not UTF-8 or GB18030)")


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _decode_html(data: bytes) -> tuple[str, str]:
    """Decode HTML bytes: a BOM wins, then ``<meta charset>``, then detection."""
    match = _META_CHARSET.search(data[:4096])
    if match and not data.startswith(codecs.BOM_UTF8) and not _is_binary(data):
        try:
            name = codecs.lookup(match.group(1).decode("ascii")).name
            name = "gb18030" if name in ("gb2312", "gbk") else name  # pages declare GB2312, use GBK
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; fall back to detection
    return decode_bytes(data)


_DROP_TAGS = "script style noscript template head title nav header footer svg iframe canvas object".split()
_BLOCK_TAGS = ("p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd table caption section article main aside "
               "blockquote pre address figure figcaption form fieldset hr body").split()
_LINE, _CELL = "\x00", "\x01"  # sentinels; stripped from the input first
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_CJK_WRAP = re.compile(f"(?<=[{_CJK}])[ \t\r\n\f]*\n[ \t\r\n\f]*(?=[{_CJK}])")
_HTML_SPACE = re.compile("[ \t\r\n\f]+")


def _html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block element per line.

    Scripts, styles, navigation, headers and footers are dropped; a table row
    becomes one line of tab-separated cells.

    Example: ``<h1>规划</h1><table><tr><td>指标</td><td>2025</td></tr></table>``
    gives ``"规划\\n指标\\t2025"``.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup.replace(_LINE, "").replace(_CELL, ""), "html.parser")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(lambda t: t.has_attr("hidden")
                             or re.search(r"display\s*:\s*none", t.get("style", ""))):
        tag.decompose()
    for row in soup.find_all("tr"):
        cells = []
        for cell in row.find_all(["td", "th"], recursive=False):
            text = _HTML_SPACE.sub(" ", cell.get_text(" ")).replace(_LINE, " ").replace(_CELL, " ")
            cells.append(text.strip())
            span = str(cell.get("colspan", "1")).strip()
            cells.extend([""] * (min(int(span), 50) - 1 if span.isdigit() else 0))  # keep columns aligned
        row.replace_with(_LINE + (_CELL.join(cells) if any(cells) else "") + _LINE)
    for br in soup.find_all("br"):
        br.replace_with(_LINE)
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before(_LINE)
        tag.insert_after(_LINE)
    text = _HTML_SPACE.sub(" ", _CJK_WRAP.sub("", soup.get_text()).replace("\xa0", " "))
    lines = (line.replace(_CELL, "\t").strip(" \u3000") for line in text.split(_LINE))
    return "\n".join(line for line in lines if line.strip())


EXPANSION_FACTOR = 5  # a .docx may expand to this many times the size limit of a file
MAX_RATIO = 100  # … and to at most this many times its own size (beyond: a decompression bomb)


def _docx_text(data: bytes, max_bytes: int) -> str:
    """Paragraphs and table rows of a .docx body in document order."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        if "word/document.xml" not in zf.namelist():
            raise ValueError("压缩包里没有 word/document.xml")
        expanded = sum(info.file_size for info in zf.infolist())
        if expanded > EXPANSION_FACTOR * max_bytes or (expanded > 10 * 2**20 and expanded > MAX_RATIO * len(data)):
            raise _Unloadable(f"解压后有 {expanded / 2**20:.0f} MB（文件本身 {len(data) / 2**20:.1f} MB），"
                              f"超过解压上限（{EXPANSION_FACTOR} 倍文件大小上限，或 {MAX_RATIO} 倍文件本身）："
                              "请另存为较小的文件或 .txt 后再上传")
    import docx
    from docx.table import Table

    blocks = []
    for block in docx.Document(io.BytesIO(data)).iter_inner_content():
        if isinstance(block, Table):
            rows = []
            for row in block.rows:
                cells, prev = [], None
                for cell in row.cells:  # a horizontally merged cell repeats; keep it once
                    same = prev is not None and cell._tc is prev
                    cells.append("" if same else " ".join(cell.text.split()))
                    prev = cell._tc
                if any(cells):
                    rows.append("\t".join(cells))
            if rows:
                blocks.append("\n".join(rows))
        elif block.text.strip():
            blocks.append(_normalise(block.text).strip())
    return "\n\n".join(blocks)


def _pdf_text(data: bytes) -> str:
    """The text layer of a PDF, pages joined by a newline."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:  # many "encrypted" PDFs only restrict printing and open with an empty password
            opened = reader.decrypt("")
        except Exception as exc:  # noqa: BLE001 - e.g. AES without the cryptography package
            raise _Unloadable(f"PDF 已加密，无法打开 ({type(exc).__name__}: {exc})") from None
        if not opened:
            raise _Unloadable("PDF 已加密，需要密码；请先解除密码保护")
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _read(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, after checking it exists, is supported and is not too big."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise LoadError(path, "是文件夹，不是文件")
        if path.suffix.lower() not in _FORMATS:
            raise LoadError(path, _unsupported(path.suffix))
        if size > max_bytes:
            raise LoadError(path, f"文件太大：{size / 2**20:.1f} MB，上限 {max_bytes / 2**20:.1f} MB "
                                  f"({size} > {max_bytes} bytes)")
        return path.read_bytes()
    except FileNotFoundError:
        raise LoadError(path, "找不到文件") from None
    except OSError as exc:
        raise LoadError(path, f"无法读取文件 ({exc.strerror or exc})") from None


def _extract(fmt: str, data: bytes, max_bytes: int) -> tuple[str, str]:
    """``(text, encoding)`` of the file content; raises ``_Unloadable`` with a reason."""
    if fmt in ("txt", "md", "html"):
        try:
            text, encoding = (_decode_html if fmt == "html" else decode_bytes)(data)
        except ValueError as exc:
            raise _Unloadable("是二进制文件，不是文本" if str(exc) == "binary" else str(exc)) from None
        text = _normalise(text)
        if fmt != "html" or not text.strip():
            return text, encoding
        what, extract = "无法解析 HTML", lambda: _html_to_text(text)
    elif fmt == "docx":
        encoding, what, extract = "", "不是有效的 Word 文档", lambda: _docx_text(data, max_bytes)
    else:
        encoding, what, extract = "", "不是有效的 PDF 文件", lambda: _normalise(_pdf_text(data))
    try:
        return extract(), encoding
    except _Unloadable:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure means a bad file
        raise _Unloadable(f"{what} ({type(exc).__name__}: {exc})") from None


def load_file(path: str | Path, max_bytes: int = 200 * 1024 * 1024) -> LoadedText:
    """Read one file and return its decoded text.

    Args:
        path: a .txt, .md/.markdown, .html/.htm, .docx or .pdf file.
        max_bytes: larger files are refused.

    Returns:
        The ``LoadedText``; for .txt/.md its lines are exactly the file's lines.

    Raises:
        LoadError: for any file that cannot be loaded (missing, too big, wrong
            type, undecodable, corrupt, empty, encrypted, scanned PDF).
    """
    path = Path(path)
    data = _read(path, max_bytes)
    fmt = _FORMATS[path.suffix.lower()]
    try:
        text, encoding = _extract(fmt, data, max_bytes) if data else ("", "")
    except _Unloadable as exc:
        raise LoadError(path, str(exc)) from None
    if not text.strip():
        scanned = fmt == "pdf" and data
        raise LoadError(path, "PDF 没有文字层（可能是扫描件），请先做 OCR" if scanned else "文件为空")
    return LoadedText(source=path.name, path=str(path.resolve()), text=text,
                      fingerprint=hashlib.sha256(data).hexdigest(), fmt=fmt, encoding=encoding)


_LINK = "是符号链接，未跟随（直接给出链接指向的文件，或设置 follow_symlinks=true）"


def _hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$")  # ~$x.docx: Office lock files


def iter_files(paths: Iterable[str | Path], follow_symlinks: bool = False) -> tuple[list[Path], list[LoadError]]:
    """Expand files and folders into the supported files to load.

    Folders are walked recursively in sorted order, skipping hidden files and
    folders (and Office ``~$`` lock files). Each file appears once. Symbolic
    links met inside a folder are reported and not followed unless ``follow_symlinks``
    (a link named by the user is theirs to give).

    Args:
        paths: files and/or folders, as the user gave them.
        follow_symlinks: follow links found inside folders.

    Returns:
        ``(files, errors)``: supported files in order, and a ``LoadError`` for each
        missing path and each unsupported file.
    """
    files: list[Path] = []
    errors: list[LoadError] = []
    seen: set[Path] = set()

    def add(file: Path) -> None:
        if file.suffix.lower() not in _FORMATS:
            errors.append(LoadError(file, _unsupported(file.suffix)))
            return
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            files.append(file)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = []
            for root, dirs, names in os.walk(path, followlinks=follow_symlinks):
                dirs[:] = [d for d in dirs if not _hidden(d)]
                if not follow_symlinks:
                    errors.extend(LoadError(Path(root, d), _LINK) for d in dirs if Path(root, d).is_symlink())
                for n in names:
                    if _hidden(n):
                        continue
                    if not follow_symlinks and Path(root, n).is_symlink():
                        errors.append(LoadError(Path(root, n), _LINK))
                    else:
                        found.append(Path(root, n))
            for file in sorted(found, key=lambda p: p.relative_to(path).parts):
                add(file)
        elif path.exists():
            add(path)
        else:
            errors.append(LoadError(path, "找不到文件"))
    return files, errors
