"""Writing outputs for people: text files, CSV files with a UTF-8 BOM, and the look of an xlsx sheet.

CSV convention (every command): a CSV *file* (``-o x.csv``, ``export``) starts with a UTF-8 byte
order mark, so that Excel on Chinese Windows opens it as UTF-8 instead of GBK; CSV written to
standard output has no BOM, because it usually goes into another program (``| duckdb``,
``| python``) that would read the BOM as part of the first column's name.

Sheets: bold shaded header row, frozen below the header, an autofilter over the data, column
widths from the widest text (CJK characters count double), amounts as numbers with
``#,##0.00`` (or the printed number of decimals) and shares as ``0.00%``.
"""

from __future__ import annotations

import errno
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, NamedTuple

from yusuan.text import decimals_of

BOM = "\ufeff"
AMOUNT_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
INTEGER_FORMAT = "0"
MAX_WIDTH = 60


class Kind(Enum):
    """How a column's values are written to a sheet."""

    TEXT = "text"
    AMOUNT = "amount"  # money: a number with thousands separators and two decimals
    PRINTED = "printed"  # a number shown with the decimals it was printed with
    PERCENT = "percent"  # a share or change in per cent (12.5 means 12.5%): stored as 0.125
    INTEGER = "integer"  # page, line, count


def write_text_output(text: str, path: str | Path, *, csv: bool = False) -> None:
    """Write ``text`` to a file; a CSV file gets the UTF-8 BOM (see the module doc)."""
    Path(path).write_text((BOM + text) if csv and not text.startswith(BOM) else text, encoding="utf-8")


# Why an operating-system call failed, in Chinese (strerror is English).
_OS_REASONS = {errno.ENOENT: "所在目录不存在", errno.EACCES: "没有权限", errno.EPERM: "没有权限",
               errno.EISDIR: "是目录", errno.ENOTDIR: "路径中有一段不是目录", errno.ENOSPC: "磁盘空间不足",
               errno.EROFS: "文件系统只读", errno.EEXIST: "已存在"}


def os_reason(exc: OSError) -> str:
    return _OS_REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__)


def text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _number(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).replace(",", "").strip())
    except ArithmeticError:
        return None


class Typed(NamedTuple):
    """A value that carries its own kind, for a column whose rows differ (amounts and shares)."""

    value: Any
    kind: Kind


def cell_value(value: Any, kind: Kind) -> tuple[Any, str | None]:
    """The value a cell holds and its number format. A value that should be a number but is
    not one (a note, a blank) is kept as text, so nothing is lost."""
    if isinstance(value, Typed):
        value, kind = value
    if kind is Kind.TEXT or value is None or value == "":
        if value is None or isinstance(value, (int, float, str)):
            return value, None
        return str(value), None
    number = _number(value)
    if number is None or not number.is_finite():
        return str(value), None
    if kind is Kind.INTEGER:
        return int(number), INTEGER_FORMAT
    if kind is Kind.PERCENT:
        return float(number / 100), PERCENT_FORMAT
    if kind is Kind.PRINTED:
        places = decimals_of(number)
        return (float(number) if places else int(number)), "#,##0" + ("." + "0" * places if places else "")
    return float(number), AMOUNT_FORMAT


def write_sheet(ws: Any, headers: Sequence[str], kinds: Sequence[Kind], rows: Iterable[Sequence[Any]],
                *, start_row: int = 1) -> int:
    """Write a header row and the rows to ``ws`` with the layout described in the module doc;
    returns the number of data rows written."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F3")
    widths = [text_width(h) + 2 for h in headers]
    for c, header in enumerate(headers, start=1):
        cell = ws.cell(row=start_row, column=c, value=header)
        cell.font, cell.fill = head_font, head_fill
        cell.alignment = Alignment(vertical="center")
    n = 0
    for n, row in enumerate(rows, start=1):
        for c, (value, kind) in enumerate(zip(row, kinds, strict=True), start=1):
            stored, fmt = cell_value(value, kind)
            if stored is None or stored == "":
                continue
            cell = ws.cell(row=start_row + n, column=c, value=stored)
            if fmt:
                cell.number_format = fmt
            shown = str(stored) if fmt is None or not isinstance(stored, float) else f"{stored:,.2f}"
            widths[c - 1] = max(widths[c - 1], text_width(shown) + 2)
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(MAX_WIDTH, max(8, width))
    ws.freeze_panes = ws.cell(row=start_row + 1, column=1).coordinate
    if headers:
        last = get_column_letter(len(headers))
        ws.auto_filter.ref = f"A{start_row}:{last}{start_row + max(n, 1)}"
    return n


def sheet_title(base: str, used: set[str]) -> str:
    """A unique sheet name of at most 31 characters, without the characters Excel refuses."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in base).strip("'") or "表"
    title = clean[:31]
    n = 2
    while title in used:
        suffix = f"_{n}"
        title = clean[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title
