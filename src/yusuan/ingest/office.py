"""Read workbooks (.xlsx openpyxl, .xls xlrd) and Word documents (.docx python-docx).

Cells are read directly: a merged range gives its text once, in its top-left cell, and
blank cells keep their column. xlsx and docx are zip archives: sizes and compression
ratios are checked before anything is decompressed (zip bombs).
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal, InvalidOperation
from typing import Any

from yusuan.ingest import limits
from yusuan.ingest.document import SourceDocument
from yusuan.ingest.grid import LineSink, cell_text, is_title
from yusuan.model import Diagnostic, Severity, Source

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
    if decimals:
        return str(d.quantize(Decimal(1).scaleb(-decimals)))
    if isinstance(value, float):
        d = Decimal(repr(round(value, 6)))
        return str(d.quantize(Decimal(1))) if d == d.to_integral_value() else format(d.normalize(), "f")
    return str(d)


# --------------------------------------------------------------------------- zip dispatch


def read_zip(data: bytes, path: str | None = None, sha256: str | None = None) -> Result:
    name = _name(path)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
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
    import openpyxl

    name = _name(path)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        return None, (limits.diagnostic(
            "I203", f"{name}：Excel 文件无法打开（{type(exc).__name__}）。"
            "请用 Excel/WPS 打开后另存为 xlsx 再处理。", path),)
    sink = LineSink()
    diags: list[Diagnostic] = []
    cells_read = 0
    for sheet_index, ws in enumerate(wb.worksheets, start=1):
        n_rows, n_cols = ws.max_row or 0, ws.max_column or 0
        cells_read += n_rows * n_cols
        if cells_read > limits.MAX_SHEET_CELLS:
            diags.append(limits.diagnostic(
                "I204", f"{name} 工作表“{ws.title}”：单元格过多（{n_rows} 行 × {n_cols} 列），已停止读取其后的工作表。"
                "请删除无关的空行空列后重试。", path, Severity.WARNING, sheet_index))
            break
        merged_hidden = set()
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        merged_hidden.add((r, c))
        rows: list[list[str]] = []
        sources: list[list[Source]] = []
        row_sources: list[Source] = []
        for r_idx, row in enumerate(ws.iter_rows(min_row=1, max_row=n_rows, max_col=n_cols), start=1):
            texts, srcs = [], []
            for c_idx, cell in enumerate(row, start=1):
                ref = f"{ws.title}!{_col_letter(c_idx - 1)}{r_idx}"
                value = None if (r_idx, c_idx) in merged_hidden else cell.value
                texts.append(_cell_value(value, getattr(cell, "number_format", "General")))
                srcs.append(Source(page=sheet_index, ref=ref))
            rows.append(texts)
            sources.append(srcs)
            row_sources.append(Source(page=sheet_index, ref=f"{ws.title}!{r_idx}"))
        head = [t for r in rows[:3] for t in r if t]
        if not any(is_title(t) for t in head) and is_title(ws.title):
            sink.loose(ws.title, Source(page=sheet_index, ref=ws.title))
        sink.table(rows, sources, row_sources)
    wb.close()
    return _done(sink, path, "xlsx", sha256, len(wb.worksheets), diags)


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
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises many types for damaged or non-xls OLE2 files
        return None, (limits.diagnostic(
            "I205", f"{name}：Excel 97-2003（xls）文件无法打开（{type(exc).__name__}）。"
            "如为加密或旧版 Word 文件，请另存为 xlsx/docx 后再处理。", path),)
    sink = LineSink()
    diags: list[Diagnostic] = []
    cells_read = 0
    for sheet_index in range(book.nsheets):
        sh = book.sheet_by_index(sheet_index)
        cells_read += sh.nrows * sh.ncols
        if cells_read > limits.MAX_SHEET_CELLS:
            diags.append(limits.diagnostic(
                "I204", f"{name} 工作表“{sh.name}”：单元格过多，已停止读取其后的工作表。请删除无关的空行空列后重试。",
                path, Severity.WARNING, sheet_index + 1))
            break
        hidden = set()
        for rlo, rhi, clo, chi in sh.merged_cells:
            for r in range(rlo, rhi):
                for c in range(clo, chi):
                    if (r, c) != (rlo, clo):
                        hidden.add((r, c))
        rows, sources, row_sources = [], [], []
        for r in range(sh.nrows):
            texts, srcs = [], []
            for c in range(sh.ncols):
                cell = sh.cell(r, c)
                text = ""
                if (r, c) not in hidden:
                    if cell.ctype == xlrd.XL_CELL_NUMBER:
                        fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key)
                        text = _number_text(cell.value, fmt.format_str if fmt else "General")
                    elif cell.ctype == xlrd.XL_CELL_TEXT:
                        text = cell_text(cell.value)
                texts.append(text)
                srcs.append(Source(page=sheet_index + 1, ref=f"{sh.name}!{_col_letter(c)}{r + 1}"))
            rows.append(texts)
            sources.append(srcs)
            row_sources.append(Source(page=sheet_index + 1, ref=f"{sh.name}!{r + 1}"))
        head = [t for row in rows[:3] for t in row if t]
        if not any(is_title(t) for t in head) and is_title(sh.name):
            sink.loose(sh.name, Source(page=sheet_index + 1, ref=sh.name))
        sink.table(rows, sources, row_sources)
        book.unload_sheet(sheet_index)
    return _done(sink, path, "xls", sha256, book.nsheets, diags)


# --------------------------------------------------------------------------- docx


def read_docx(data: bytes, path: str | None = None, sha256: str | None = None) -> Result:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    name = _name(path)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for damaged files
        return None, (limits.diagnostic(
            "I206", f"{name}：Word 文件无法打开（{type(exc).__name__}）。"
            "请用 Word/WPS 打开后另存为 docx 再处理。", path),)
    sink = LineSink()
    table_no = 0
    para_no = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            para_no += 1
            sink.loose(block.text, Source(ref=f"paragraph {para_no}"))
        elif isinstance(block, Table):
            table_no += 1
            _docx_table(sink, block, table_no)
    return _done(sink, path, "docx", sha256, None, [])


def _docx_table(sink: LineSink, table: Any, table_no: int) -> None:
    rows, sources, row_sources = [], [], []
    seen: list[Any] = []  # a merged cell is one <w:tc> repeated over its span: text once
    for r_idx, row in enumerate(table.rows, start=1):
        texts, srcs = [], []
        for c_idx, cell in enumerate(row.cells, start=1):
            repeated = any(cell._tc is tc for tc in seen)
            texts.append("" if repeated else cell_text(cell.text))
            if not repeated:
                seen.append(cell._tc)
            srcs.append(Source(ref=f"table {table_no} row {r_idx} cell {c_idx}"))
        rows.append(texts)
        sources.append(srcs)
        row_sources.append(Source(ref=f"table {table_no} row {r_idx}"))
    sink.table(rows, sources, row_sources)


def _done(sink: LineSink, path: str | None, fmt: str, sha256: str | None, pages: int | None,
          diags: list[Diagnostic]) -> Result:
    if not sink.lines:
        diags.append(limits.diagnostic(
            "I207", f"{_name(path)}：文件中没有读到任何文字或表格。请确认文件内容不是图片。", path, Severity.WARNING))
    doc = SourceDocument(path=path, format=fmt, lines=tuple(sink.lines), sha256=sha256, pages=pages,
                         diagnostics=tuple(diags))
    return doc, tuple(diags)
