"""The canonical model as an Excel workbook, for people who live in Excel.

Sheets: 概况 (metadata, profile, staffing, 三公/采购/资产 as stated), one sheet per table (code,
name, then every column with its printed header and canonical key), 说明数字 (every narrative
figure and what it refers to), 绩效目标 (indicator trees). Amounts are written as numbers with
the printed number of decimals as the cell format, so nothing is rounded away.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from yusuan.model import Disclosure, Table
from yusuan.text import decimals_of

_HEAD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDE7F3")
_KEY_FONT = Font(italic=True, color="666666", size=9)


def _number_cell(ws: Any, row: int, col: int, value: Decimal) -> None:
    cell = ws.cell(row=row, column=col, value=float(value) if decimals_of(value) else int(value))
    places = decimals_of(value)
    cell.number_format = "#,##0" + ("." + "0" * places if places else "")


def _autosize(ws: Any, widths: dict[int, int]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(60, max(8, width))


def _sheet_title(base: str, used: set[str]) -> str:
    title = base[:31]
    n = 2
    while title in used:
        suffix = f"_{n}"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def _write_table(ws: Any, table: Table) -> None:
    ws.append([table.title])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([f"单位：{table.unit.value}" if table.unit else "", f"表号：{table.number or ''}",
               "空表" if table.empty else "", table.empty_reason or ""])
    headers = ["科目编码", "科目名称", *[c.header for c in table.columns]]
    keys = ["row_code", "row_name", *[c.key for c in table.columns]]
    ws.append(headers)
    ws.append(keys)
    for cell in ws[3]:
        cell.font, cell.fill = _HEAD, _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for cell in ws[4]:
        cell.font = _KEY_FONT
    widths = {i + 1: len(h) * 2 for i, h in enumerate(headers)}
    for r, row in enumerate(table.rows, start=5):
        ws.cell(row=r, column=1, value=row.code)
        ws.cell(row=r, column=2, value=row.name)
        widths[2] = max(widths[2], len(row.name) * 2)
        for c, column in enumerate(table.columns, start=3):
            value = row.values.get(column.key)
            if value is not None:
                _number_cell(ws, r, c, value)
    ws.freeze_panes = "C5"
    _autosize(ws, widths)


def _flatten(prefix: str, value: Any, out: list[tuple[str, Any]]) -> None:
    if is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            if f.name == "source":
                continue
            _flatten(f"{prefix}.{f.name}" if prefix else f.name, getattr(value, f.name), out)
    elif isinstance(value, dict):
        for k, v in value.items():
            _flatten(f"{prefix}.{k}", v, out)
    elif isinstance(value, tuple):
        if value and all(isinstance(v, str) for v in value):
            out.append((prefix, "；".join(value)))
        elif value:
            for i, v in enumerate(value, start=1):
                _flatten(f"{prefix}[{i}]", v, out)
    elif value is not None:
        out.append((prefix, str(value.value if hasattr(value, "value") else value)))


def write_xlsx(disclosure: Disclosure, path: str | Path) -> None:
    wb = Workbook()
    used: set[str] = set()
    ws = wb.active
    ws.title = _sheet_title("概况", used)
    ws.append(["字段", "值"])
    for cell in ws[1]:
        cell.font, cell.fill = _HEAD, _HEAD_FILL
    pairs: list[tuple[str, Any]] = []
    for name in ("meta", "profile", "three_public", "operating_cost", "procurement", "assets"):
        _flatten(name, getattr(disclosure, name), pairs)
    for key, value in pairs:
        ws.append([key, value])
    _autosize(ws, {1: 36, 2: 80})

    for table in disclosure.tables:
        _write_table(wb.create_sheet(_sheet_title(table.id, used)), table)

    ws = wb.create_sheet(_sheet_title("说明数字", used))
    ws.append(["章节", "主题", "事项", "金额", "单位", "占比%", "增减", "增减额", "增减%", "原因",
               "对应表", "对应行", "对应列", "行号", "原文"])
    for cell in ws[1]:
        cell.font, cell.fill = _HEAD, _HEAD_FILL
    for section in disclosure.narrative:
        for fig in section.figures:
            change = fig.change
            ref = fig.refers_to or ("", "", "")
            ws.append([section.heading, section.topic, fig.subject, str(fig.amount), fig.unit.value,
                       str(fig.share) if fig.share is not None else "",
                       change.direction if change else "",
                       str(change.amount) if change and change.amount is not None else "",
                       str(change.percent) if change and change.percent is not None else "",
                       fig.reason or "", *ref, fig.source.line, fig.sentence])
    _autosize(ws, {1: 30, 3: 30, 10: 40, 15: 80})

    ws = wb.create_sheet(_sheet_title("绩效目标", used))
    ws.append(["范围", "名称", "金额", "一级指标", "二级指标", "三级指标", "指标值", "权重"])
    for cell in ws[1]:
        cell.font, cell.fill = _HEAD, _HEAD_FILL
    for target in disclosure.performance:
        amount = str(target.amount) if target.amount is not None else ""
        if not target.indicators:
            ws.append([target.scope, target.name, amount])
        for ind in target.indicators:
            ws.append([target.scope, target.name, amount, ind.level1, ind.level2, ind.level3, ind.value,
                       str(ind.weight) if ind.weight is not None else ""])
    _autosize(ws, {2: 40, 6: 40, 7: 24})
    wb.save(path)
