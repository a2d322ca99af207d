"""The canonical model as an Excel workbook, for people who live in Excel.

Sheets: 概况 (metadata, profile, staffing, 三公/采购/资产 as stated), one sheet per table (code,
name, then every column with its printed header and canonical key), 说明数字 (every narrative
claim, docs/claims.md, and the cell it restates), 绩效目标 (indicator trees). Amounts are written as numbers with
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


# Chinese names of the claim quantities (docs/claims.md).
QUANTITY_ZH = {
    "amount": "金额",
    "stated_amount": "另述金额",
    "prior_amount": "上年数",
    "budget_amount": "年初预算数",
    "completion_pct": "完成预算%",
    "change_amount": "增减额",
    "change_pct": "增减%",
    "share_pct": "占比%",
    "count": "数量",
}
_CLAIM_HEADERS = ("页", "行", "章节", "科目编码", "事项", "数值类别", "数值", "单位", "比较口径", "年度",
                  "对应表", "对应行", "对应栏", "备注")


def _write_claims(ws: Any, disclosure: Disclosure) -> None:
    """One row per narrative claim (docs/claims.md), values as numbers at their printed precision."""
    ws.append(list(_CLAIM_HEADERS))
    for cell in ws[1]:
        cell.font, cell.fill = _HEAD, _HEAD_FILL
    for r, claim in enumerate(disclosure.claims, start=2):
        table, row_code, column = claim.refers_to or ("", "", "")
        ws.cell(row=r, column=1, value=claim.source.page)
        ws.cell(row=r, column=2, value=claim.source.line)
        for c, value in enumerate((claim.section, claim.code or "", claim.subject,
                                   QUANTITY_ZH.get(claim.quantity, claim.quantity)), start=3):
            ws.cell(row=r, column=c, value=value)
        _number_cell(ws, r, 7, claim.value)
        for c, value in enumerate((claim.unit, claim.basis, claim.year, table, row_code, column, claim.note),
                                  start=8):
            ws.cell(row=r, column=c, value=value)
    ws.freeze_panes = "A2"
    _autosize(ws, {3: 30, 5: 40, 11: 16, 12: 14, 13: 14})


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

    _write_claims(wb.create_sheet(_sheet_title("说明数字", used)), disclosure)

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
