"""Render a query result as an aligned table (CJK-aware widths), CSV, JSON or XLSX."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from yusuan.report.outputs import Kind, sheet_title, write_sheet
from yusuan.store.queries import QUESTIONS, Result

# Sheet names: a compare question's Chinese title without its note in brackets; anything else as given.
SHEET_NAMES = {key: q.title.split("（")[0] for key, q in QUESTIONS.items()} | {"query": "查询结果"}


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def render_table(result: Result, max_rows: int | None = None) -> str:
    if not result.columns:
        return "（语句没有返回结果）\n"
    rows = result.rows if max_rows is None else result.rows[:max_rows]
    texts = [[cell_text(v) for v in row] for row in rows]
    numeric = [
        all(isinstance(row[i], (int, float, Decimal)) or row[i] is None for row in rows) and bool(rows)
        for i in range(len(result.columns))
    ]
    widths = [max([_width(c), *(_width(r[i]) for r in texts)]) for i, c in enumerate(result.columns)]
    lines = ["  ".join(_pad(c, widths[i], numeric[i]) for i, c in enumerate(result.columns)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(t, widths[i], numeric[i]) for i, t in enumerate(r)).rstrip() for r in texts]
    shown = f"共 {len(result.rows)} 行" + (f"，显示前 {len(rows)} 行" if len(rows) < len(result.rows) else "")
    lines.append(f"（{shown}）")
    return "\n".join(lines) + "\n"


def render_csv(result: Result) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([cell_text(v) for v in row] for row in result.rows)
    return buf.getvalue()


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return cell_text(value)  # Decimal stays exact as a string


def render_json(result: Result) -> str:
    data = [{c: _json_value(v) for c, v in zip(result.columns, row, strict=True)} for row in result.rows]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# Result columns holding a share or change in per cent (45.6 means 45.6%).
PERCENT_COLUMNS = frozenset({"占比", "基本支出占比", "增减百分比"})
_YEAR_LIKE = ("年度", "年", "year", "页", "行", "名次")


def column_kinds(result: Result) -> list[Kind]:
    """How each result column is written to a sheet, from its name and its values: shares in
    per cent as percentages, decimals (amounts in 万元) as ``#,##0.00``, whole numbers as such."""
    kinds = []
    for i, name in enumerate(result.columns):
        values = [row[i] for row in result.rows if row[i] is not None]
        if name in PERCENT_COLUMNS or name.endswith("占比"):
            kinds.append(Kind.PERCENT)
        elif values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            kinds.append(Kind.INTEGER)
        elif values and all(isinstance(v, (Decimal, float, int)) and not isinstance(v, bool) for v in values):
            kinds.append(Kind.INTEGER if name in _YEAR_LIKE else Kind.AMOUNT)
        else:
            kinds.append(Kind.TEXT)
    return kinds


def write_xlsx(results: Sequence[tuple[str, Result]], path: str | Path) -> None:
    """One sheet per (name, result): Chinese sheet names, numbers as numbers with formats
    (``report.outputs``), frozen header, autofilter, widths."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    used: set[str] = set()
    for name, result in results:
        ws = wb.create_sheet(sheet_title(SHEET_NAMES.get(name, name), used))
        rows = ([v if v is None or isinstance(v, (int, float, str, Decimal)) else cell_text(v) for v in row]
                for row in result.rows)
        write_sheet(ws, result.columns, column_kinds(result), rows)
    wb.save(str(path))
