"""Limits that keep one hostile or broken file from stalling or exhausting a batch.

Every reader checks these before the expensive step (opening an archive member, rendering
a page, OCR) and reports a ``Diagnostic`` in Chinese instead of going on.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from yusuan.model import Diagnostic, Severity, Source

MAX_PAGES = 300  # pages read from one PDF; budget disclosures have well under 100
MAX_CHARS_PER_PAGE = 60_000  # text objects on one page; beyond this the page is skipped
MAX_VECTOR_OBJECTS = 20_000  # rects/lines/curves on one page; beyond this no table is looked for
MAX_IMAGE_PIXELS = 40_000_000  # one embedded or rendered image (about 6300 x 6300)
OCR_DPI = 150  # rendering resolution for OCR: enough for 9 pt table digits
MAX_OCR_PAGES = 60  # OCR takes 2-15 s a page on 2 cores; a longer scanned file is cut with a warning
MAX_OCR_SECONDS = 300  # OCR time for one document; the pages after are not OCR'd (with a warning)
MAX_OCR_PIXELS = 8_000_000  # one page's raster for OCR (A3 at 150 dpi is 4.4 M): larger pages render coarser
MIN_OCR_DPI = 50  # a page that would render coarser than this to fit MAX_OCR_PIXELS is not OCR'd

MAX_ZIP_MEMBERS = 5_000
MAX_ZIP_UNCOMPRESSED = 300 * 1024 * 1024  # sum over all members of an xlsx/docx
MAX_ZIP_RATIO = 150  # uncompressed/compressed for any member larger than 1 MB
MAX_SHEET_CELLS = 2_000_000  # grid positions (blank ones included) passed over in one workbook
MAX_HTML_BYTES = 50 * 1024 * 1024

# Text: real disclosures hold 10,000-20,000 characters and no line over ~600; the parser
# reads about 60,000 characters a second, so these bound a text file to ~20 s.
MAX_TEXT_CHARS = 1_000_000  # characters kept from one text file; the rest is cut with a warning
MAX_TEXT_BYTES = 4 * MAX_TEXT_CHARS  # bytes read from a text file (a character is at most 4 bytes)
MAX_LINE_CHARS = 10_000  # characters kept from one line (a whole document on one line is cut)
# Workbooks, Word and HTML: the largest real disclosures hold under 2,000 table cells; the
# parser reads about 50,000 cells a second.
MAX_DOCUMENT_CELLS = 300_000  # table cells kept from one document; the rest is cut with a warning
MAX_TABLE_SPAN_CELLS = 1_000_000  # grid positions one HTML table's rowspan × colspan may cover
MAX_MERGED_RANGES = 2_000  # merged ranges honoured per worksheet (real sheets have under 200)
MAX_XLS_BYTES = 32 * 1024 * 1024  # xls is read whole by xlrd: larger ones are refused
MAX_DOCX_XML_BYTES = 24 * 1024 * 1024  # word/document.xml is parsed whole by python-docx
MAX_XLSX_PART_BYTES = 32 * 1024 * 1024  # xl/sharedStrings.xml and xl/styles.xml are read whole


# Diagnostics that report a limit the user can set in yusuan.toml [limits] (yusuan.isolation):
# code -> (setting, name of the constant here that holds it in this process).
SETTINGS = {"I104": ("pages", "MAX_PAGES"), "I105": ("chars", "MAX_CHARS_PER_PAGE"),
            "I108": ("ocr_pages", "MAX_OCR_PAGES"), "I204": ("cells", "MAX_SHEET_CELLS")}


def diagnostic(code: str, message: str, path: str | None, severity: Severity = Severity.ERROR,
               page: int | None = None, line: int | None = None) -> Diagnostic:
    if code in SETTINGS:  # every limit message says how to raise the limit
        setting, constant = SETTINGS[code]
        message += f"（上限 {setting} = {globals()[constant]}，可在 yusuan.toml 的 [limits] 中调整。）"
    return Diagnostic(code=code, severity=severity, message=message,
                      source=Source(line=line, page=page, ref=path))


@dataclass(frozen=True)
class ZipCheck:
    ok: bool
    names: tuple[str, ...]
    diagnostic: Diagnostic | None = None


def check_zip(archive: zipfile.ZipFile, path: str | None) -> ZipCheck:
    """Refuse archives whose declared sizes make them a zip bomb, before any member is read.

    The sizes come from the central directory; a member that lies about its size is caught
    again while reading, because the readers read members through ``read_member``.
    """
    name = path or "<输入>"
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        return ZipCheck(False, (), diagnostic(
            "I301", f"{name}：压缩包内文件过多（{len(infos)} 个，上限 {MAX_ZIP_MEMBERS}），疑似恶意文件，已拒绝读取。"
            "请确认文件来源，或另存为新的 xlsx/docx 后重试。", path))
    total = 0
    for info in infos:
        total += info.file_size
        big = info.file_size > 1024 * 1024
        ratio = info.file_size / max(info.compress_size, 1)
        if big and ratio > MAX_ZIP_RATIO:
            return ZipCheck(False, (), diagnostic(
                "I302", f"{name}：压缩包成员 {info.filename} 压缩比异常（{ratio:.0f} 倍，上限 {MAX_ZIP_RATIO} 倍），"
                "疑似压缩炸弹，已拒绝读取。请确认文件来源，或用办公软件重新保存后重试。", path))
    if total > MAX_ZIP_UNCOMPRESSED:
        return ZipCheck(False, (), diagnostic(
            "I303", f"{name}：解压后大小 {total / 1024 / 1024:.0f} MB 超过上限 "
            f"{MAX_ZIP_UNCOMPRESSED // 1024 // 1024} MB，已拒绝读取。请拆分文件或删除其中的大图片后重试。", path))
    return ZipCheck(True, tuple(i.filename for i in infos))


class MemberTooLarge(ValueError):
    """An archive member decompressed past its limit (its declared size was a lie)."""


def read_member(archive: zipfile.ZipFile, member: str, limit: int = MAX_ZIP_UNCOMPRESSED) -> bytes:
    """Read one member in chunks, stopping as soon as it exceeds ``limit``."""
    chunks: list[bytes] = []
    size = 0
    with archive.open(member) as fh:
        while True:
            chunk = fh.read(1024 * 1024)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise MemberTooLarge(member)
            chunks.append(chunk)
    return b"".join(chunks)
