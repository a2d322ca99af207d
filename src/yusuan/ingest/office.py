"""Read workbooks (.xlsx openpyxl, .xls xlrd) and Word documents (.docx python-docx).

Cells are read directly: a merged range gives its text once, in its top-left cell, and
blank cells keep their column. xlsx and docx are zip archives: sizes and compression
ratios are checked before anything is decompressed (zip bombs).
"""

from __future__ import annotations

import bisect
import heapq
import io
import itertools
import re
import zipfile
from decimal import Decimal, InvalidOperation
from typing import Any

from yusuan.ingest import limits
from yusuan.ingest.document import SourceDocument
from yusuan.ingest.grid import LineSink, cell_text, is_title
from yusuan.model import Diagnostic, Severity, Source
from yusuan.text import quantized

Result = tuple[SourceDocument | None, tuple[Diagnostic, ...]]


def _name(path: str | None) -> str:
    return path or "<输入>"


def _col_letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _number_text(value: float | int | Decimal, number_format: str = "General") -> str:
    """A numeric cell as printed: float noise removed, decimals from the cell's format."""
    if isinstance(value, bool):
        return str(value)
    try:
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return str(value)
    # "#,##0.00" -> 2 decimals: the zeros after the point, up to the end of that section
    fmt = number_format.split(";")[0]
    tail = fmt.split(".", 1)[1] if "." in fmt else ""
    decimals = len(tail) - len(tail.lstrip("0"))
    if not d.is_finite():  # a float overflowed to inf in the file: not an amount
        return str(value)
    if decimals:
        return str(quantized(d, decimals))
    if isinstance(value, float):
        d = Decimal(repr(round(value, 6)))
        return str(quantized(d, 0)) if d == d.to_integral_value() else format(d.normalize(), "f")
    return str(d)


# --------------------------------------------------------------------------- zip dispatch


def read_zip(data: bytes, path: str | None = None, sha256: str | None = None) -> Result:
    name = _name(path)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # BadZipFile, ValueError, OSError, and for "zip file version 24.6" an unsupported-feature error
        return None, (limits.diagnostic(
            "I201", f"{name}：压缩包（xlsx/docx）已损坏或不完整，无法读取。请重新下载或用办公软件打开后另存。", path),)
    with archive:
        check = limits.check_zip(archive, path)
        if not check.ok:
            assert check.diagnostic is not None
            return None, (check.diagnostic,)
        names = set(check.names)
    if "word/document.xml" in names:
        return read_docx(data, path, sha256)
    if "xl/workbook.xml" in names:
        return read_xlsx(data, path, sha256)
    return None, (limits.diagnostic(
        "I202", f"{name}：是 zip 压缩包，但不是 Excel（xlsx）或 Word（docx）文件。请解压后分别处理其中的文件。", path),)


# --------------------------------------------------------------------------- xlsx


def read_xlsx(data: bytes, path: str | None = None, sha256: str | None = None) -> Result:
    """Sheets read row by row (openpyxl's read-only mode): nothing beyond what the document
    may hold (``LineSink``) and ``limits.MAX_SHEET_CELLS`` grid positions is ever built."""

    name = _name(path)
    part, size = _largest_part(data, ("xl/sharedStrings.xml", "xl/styles.xml"))
    if size > limits.MAX_XLSX_PART_BYTES:
        return None, (limits.diagnostic(
            "I212", f"{name}：Excel 文件的 {part} 过大（解压后 {size / 1024 / 1024:.0f} MB，上限 "
            f"{limits.MAX_XLSX_PART_BYTES // 1024 // 1024} MB），须整体读入内存，已拒绝读取。"
            "请用 Excel/WPS 打开后删除无关内容、另存为 xlsx 再处理。", path),)
    try:
        wb = _open_workbook(data)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        return None, (limits.diagnostic(
            "I203", f"{name}：Excel 文件无法打开（{type(exc).__name__}）。"
            "请用 Excel/WPS 打开后另存为 xlsx 再处理。", path),)
    sink = LineSink()
    diags: list[Diagnostic] = []
    positions = 0  # grid positions read, blank ones included
    try:
        for sheet_index, ws in enumerate(wb.worksheets, start=1):
            if sink.full or positions > limits.MAX_SHEET_CELLS:
                break
            try:
                ranges, too_many = _merged_ranges(wb._archive, ws._worksheet_path)
                merged = MergedCells(ranges)
                ws.reset_dimensions()  # a lying <dimension> must not pad every row
                rows: list[list[str]] = []
                cells, chars = 0, 0
                for r_idx, row in enumerate(ws.iter_rows(), start=1):
                    positions += max(len(row), 1)
                    merged.row(r_idx)
                    texts = [_cell_value(None if merged.hidden(r_idx, c) else cell.value,
                                         getattr(cell, "number_format", None) or "General")
                             for c, cell in enumerate(row, start=1)]
                    cells += len(texts) + 1
                    chars += sum(len(t) + 1 for t in texts)
                    if positions > limits.MAX_SHEET_CELLS or cells > sink.room() or chars > sink.char_room():
                        diags.append(_cells_cut(name, ws.title, r_idx, path, sheet_index))
                        break
                    rows.append(texts)
            except Exception as exc:  # a damaged sheet is found while streaming it
                diags.append(limits.diagnostic(
                    "I208", f"{name} 工作表“{ws.title}”：读取失败（{type(exc).__name__}），已跳过该表其余内容。"
                    "请用 Excel/WPS 打开后另存为 xlsx 再处理。", path, Severity.WARNING, sheet_index))
                continue
            if too_many:
                diags.append(limits.diagnostic(
                    "I209", f"{name} 工作表“{ws.title}”：合并单元格过多（上限 {limits.MAX_MERGED_RANGES:,} 处），"
                    "其余合并区域按普通单元格读取。请检查该表是否异常。", path, Severity.WARNING, sheet_index))
            _sheet_into(sink, ws.title, sheet_index, rows)
        n_sheets = len(wb.worksheets)
    finally:
        wb.close()
    return _done(sink, path, "xlsx", sha256, n_sheets, diags)


def _open_workbook(data: bytes) -> Any:
    """The workbook in openpyxl's read-only mode, without the size pass openpyxl makes over
    every sheet on opening (which, for a sheet lacking a <dimension>, parses the whole sheet
    XML: a minute for ten million cells). Rows are read as they come (``reset_dimensions``)."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class Sheet(ReadOnlyWorksheet):  # type: ignore[misc]
        def _get_size(self) -> None:
            return None

    class Reader(ExcelReader):  # type: ignore[misc]
        def read_worksheets(self) -> None:
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    ws = Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                    ws.sheet_state = sheet.state
                    self.wb._sheets.append(ws)

    reader = Reader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read()
    return reader.wb


def _largest_part(data: bytes, members: tuple[str, ...]) -> tuple[str, int]:
    sizes = [(m, _member_size(data, m)) for m in members]
    return max(sizes, key=lambda x: x[1])


def _cells_cut(name: str, sheet: str, row: int, path: str | None, sheet_index: int) -> Diagnostic:
    return limits.diagnostic(
        "I204", f"{name} 工作表“{sheet}”：内容过多（一个文件最多读取 {limits.MAX_DOCUMENT_CELLS:,} 个单元格、"
        f"{limits.MAX_TEXT_CHARS:,} 个字符），从第 {row} 行起（含其后的工作表）未读取。"
        "请删除无关的空行空列或工作表，或拆分文件后重试。",
        path, Severity.WARNING, sheet_index)


def _sheet_into(sink: LineSink, title: str, sheet_index: int, rows: list[list[str]]) -> None:
    """One sheet's rows into the stream; the sheet's name as the table title when none is
    printed in its first rows."""
    head = [t for r in rows[:3] for t in r if t]
    if not any(is_title(t) for t in head) and is_title(title):
        sink.loose(title, Source(page=sheet_index, ref=title))
    sink.table(rows, lambda r, c: Source(page=sheet_index, ref=f"{title}!{_col_letter(c)}{r + 1}"),
               lambda r: Source(page=sheet_index, ref=f"{title}!{r + 1}"))


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')


def _merged_ranges(archive: zipfile.ZipFile, member: str) -> tuple[list[tuple[int, int, int, int]], bool]:
    """Merged ranges (min_row, min_col, max_row, max_col; 1-based) of a worksheet, read from
    its XML in chunks (read-only openpyxl does not give them); at most ``MAX_MERGED_RANGES``,
    and whether there were more."""
    out: list[tuple[int, int, int, int]] = []
    tail = b""
    with archive.open(member) as fh:
        while True:
            block = fh.read(1 << 20)
            if not block:
                break
            text = tail + block
            last = 0
            for m in _MERGE.finditer(text):
                c0, r0, c1, r1 = m.groups()
                out.append((int(r0), _col_index(c0), int(r1), _col_index(c1)))
                last = m.end()
                if len(out) > limits.MAX_MERGED_RANGES:
                    return out[: limits.MAX_MERGED_RANGES], True
            tail = text[max(last, len(text) - 256):]
    return out, False


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


class MergedCells:
    """Which cells a merged range hides (all but its top-left), asked row by row in order.

    Ranges are never expanded cell by cell (one range may cover a whole sheet): the ranges
    crossing the current row are kept as column intervals, found by bisection."""

    def __init__(self, ranges: list[tuple[int, int, int, int]]) -> None:
        self._pending = sorted(ranges)
        self._next = 0
        self._open: list[tuple[int, int, int]] = []  # (max_row, min_col, max_col) heap
        self._starts: list[int] = []
        self._reach: list[int] = []  # running maximum of max_col over _starts
        self._tops = {(r0, c0) for r0, c0, _, _ in ranges}

    def row(self, r: int) -> None:
        changed = False
        while self._next < len(self._pending) and self._pending[self._next][0] <= r:
            _, c0, r1, c1 = self._pending[self._next]
            self._next += 1
            if r1 >= r:
                heapq.heappush(self._open, (r1, c0, c1))
                changed = True
        while self._open and self._open[0][0] < r:
            heapq.heappop(self._open)
            changed = True
        if changed:
            spans = sorted((c0, c1) for _, c0, c1 in self._open)
            self._starts = [c0 for c0, _ in spans]
            self._reach = list(itertools.accumulate((c1 for _, c1 in spans), max))

    def hidden(self, r: int, c: int) -> bool:
        i = bisect.bisect_right(self._starts, c) - 1
        return i >= 0 and self._reach[i] >= c and (r, c) not in self._tops


def _cell_value(value: Any, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _number_text(value, number_format)
    return cell_text(value)


# --------------------------------------------------------------------------- xls


def read_xls(data: bytes, path: str | None = None, sha256: str | None = None) -> Result:
    import xlrd

    name = _name(path)
    if len(data) > limits.MAX_XLS_BYTES:
        return None, (limits.diagnostic(
            "I210", f"{name}：Excel 97-2003（xls）文件过大（{len(data) / 1024 / 1024:.0f} MB，上限 "
            f"{limits.MAX_XLS_BYTES // 1024 // 1024} MB），xls 须整体读入内存，已拒绝读取。"
            "请用 Excel/WPS 另存为 xlsx 后再处理。", path),)
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True,
                                  logfile=io.StringIO(), verbosity=0)
    except Exception as exc:  # xlrd raises many types for damaged or non-xls OLE2 files
        return None, (limits.diagnostic(
            "I205", f"{name}：Excel 97-2003（xls）文件无法打开（{type(exc).__name__}）。"
            "如为加密或旧版 Word 文件，请另存为 xlsx/docx 后再处理。", path),)
    sink = LineSink()
    diags: list[Diagnostic] = []
    for sheet_index in range(book.nsheets):
        if sink.full:
            break
        try:
            rows = _xls_sheet(book, sheet_index, sink.room(), xlrd)
        except Exception as exc:  # a damaged sheet record
            diags.append(limits.diagnostic(
                "I208", f"{name} 第 {sheet_index + 1} 个工作表：读取失败（{type(exc).__name__}），已跳过。"
                "请用 Excel/WPS 打开后另存为 xlsx 再处理。", path, Severity.WARNING, sheet_index + 1))
            continue
        sh = book.sheet_by_index(sheet_index)
        if rows is None:
            diags.append(_cells_cut(name, sh.name, 1, path, sheet_index + 1))
            break
        _sheet_into(sink, sh.name, sheet_index + 1, rows)
        book.unload_sheet(sheet_index)
    return _done(sink, path, "xls", sha256, book.nsheets, diags)


def _xls_sheet(book: Any, sheet_index: int, room: int, xlrd: Any) -> list[list[str]] | None:
    """Texts of one xls sheet; None when it holds more cells than ``room``."""
    sh = book.sheet_by_index(sheet_index)
    if sh.nrows * sh.ncols > room:
        return None
    merged = MergedCells([(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in
                          sh.merged_cells[: limits.MAX_MERGED_RANGES]])
    rows = []
    for r in range(sh.nrows):
        merged.row(r + 1)
        texts = []
        for c in range(sh.ncols):
            cell = sh.cell(r, c)
            text = ""
            if not merged.hidden(r + 1, c + 1):
                if cell.ctype == xlrd.XL_CELL_NUMBER:
                    fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key)
                    text = _number_text(cell.value, fmt.format_str if fmt else "General")
                elif cell.ctype == xlrd.XL_CELL_TEXT:
                    text = cell_text(cell.value)
            texts.append(text)
        rows.append(texts)
    return rows


# --------------------------------------------------------------------------- docx


def read_docx(data: bytes, path: str | None = None, sha256: str | None = None) -> Result:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    name = _name(path)
    size = _member_size(data, "word/document.xml")
    if size > limits.MAX_DOCX_XML_BYTES:
        return None, (limits.diagnostic(
            "I211", f"{name}：Word 文件正文过大（解压后 {size / 1024 / 1024:.0f} MB，上限 "
            f"{limits.MAX_DOCX_XML_BYTES // 1024 // 1024} MB），已拒绝读取。请拆分文件或删除无关内容后重试。", path),)
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(document.iter_inner_content())  # a document.xml without <w:body> fails here
    except Exception as exc:  # python-docx raises many types for damaged files
        return None, (limits.diagnostic(
            "I206", f"{name}：Word 文件无法打开（{type(exc).__name__}）。"
            "请用 Word/WPS 打开后另存为 docx 再处理。", path),)
    sink = LineSink()
    diags: list[Diagnostic] = []
    table_no = 0
    para_no = 0
    for block in blocks:
        if sink.full:
            break
        if isinstance(block, Paragraph):
            para_no += 1
            sink.loose(block.text, Source(ref=f"paragraph {para_no}"))
        elif isinstance(block, Table):
            table_no += 1
            if not _docx_table(sink, block, table_no):
                diags.append(limits.diagnostic(
                    "I204", f"{name} 第 {table_no} 个表格：单元格过多（上限 {limits.MAX_DOCUMENT_CELLS:,} 个），"
                    "其余部分未读取。请拆分文件后重试。", path, Severity.WARNING))
                break
    return _done(sink, path, "docx", sha256, None, diags)


def _member_size(data: bytes, member: str) -> int:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.getinfo(member).file_size
    except (KeyError, zipfile.BadZipFile, ValueError, OSError):
        return 0


def _docx_table(sink: LineSink, table: Any, table_no: int) -> bool:
    """One Word table into the stream; False when it was cut at the document's cell limit."""
    rows = []
    seen: set[Any] = set()  # a merged cell is one <w:tc> repeated over its span: text once
    room = sink.room()
    cut = False
    for row in table.rows:
        texts = []
        for cell in row.cells:
            repeated = cell._tc in seen
            texts.append("" if repeated else cell_text(cell.text))
            seen.add(cell._tc)
        rows.append(texts)
        room -= len(texts) + 1
        if room < 0:
            cut = True
            break
    sink.table(rows, lambda r, c: Source(ref=f"table {table_no} row {r + 1} cell {c + 1}"),
               lambda r: Source(ref=f"table {table_no} row {r + 1}"))
    return not cut


def _done(sink: LineSink, path: str | None, fmt: str, sha256: str | None, pages: int | None,
          diags: list[Diagnostic]) -> Result:
    if not any(d.code == "I204" for d in diags):  # a reader's own cut says it already
        diags.extend(sink.limit_diagnostics(path))
    if not sink.lines:
        diags.append(limits.diagnostic(
            "I207", f"{_name(path)}：文件中没有读到任何文字或表格。请确认文件内容不是图片。", path, Severity.WARNING))
    doc = SourceDocument(path=path, format=fmt, lines=tuple(sink.lines), sha256=sha256, pages=pages,
                         diagnostics=tuple(diags))
    return doc, tuple(diags)
