"""The canonical model as an Excel workbook, for people who live in Excel.

Sheets (Chinese names): 概况 (metadata, profile, staffing, 三公/采购/资产 as stated, each field
with a Chinese label, its value and its key), one sheet per table named by its kind (code, name,
then every column with its printed header; the canonical keys in a grey row above), 说明数字
(every narrative claim, docs/claims.md, and the cell it restates), 绩效目标 (indicator trees).
Amounts are numbers with the printed number of decimals as the cell format, so nothing is
rounded away; shares and changes in per cent are percentages (``0.00%``). Every sheet has a
frozen header row, an autofilter and column widths from its contents.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from yusuan.catalogue import table_kind
from yusuan.model import Disclosure, Table
from yusuan.report.outputs import Kind, Typed, sheet_title, write_sheet

_KEY_FONT = Font(italic=True, color="666666", size=9)

# Chinese labels of the model's field names, joined with "·" for a nested field.
FIELD_ZH = {
    "meta": "基本信息", "doc": "文件编号", "format": "文件格式", "kind": "预算/决算", "narrative_unit": "说明金额单位",
    "parts": "文件内容", "path": "文件路径", "scope": "口径", "sha256": "SHA-256", "unit_code": "单位编码",
    "unit_name": "单位名称", "year": "年度", "profile": "单位概况", "departments": "内设机构",
    "functions": "主要职能", "staffing": "人员情况", "actual": "实有人数", "authorized": "编制数",
    "authorized_admin": "行政编制", "authorized_institution": "事业编制", "changes": "人员变动",
    "in_service": "在职人数", "retired": "退休人数", "retired_early": "离休人数", "subordinates": "下属单位",
    "three_public": "“三公”经费", "abroad": "因公出国（境）费", "reception": "公务接待费",
    "vehicle": "公务用车购置及运行费", "vehicle_operation": "公务用车运行费", "vehicle_purchase": "公务用车购置费",
    "meeting": "会议费", "training": "培训费", "total": "合计", "unit": "金额单位", "change": "比上年增减",
    "amount": "金额", "basis": "比较口径", "direction": "增减方向", "percent": "增减幅度", "word": "原文用词",
    "operating_cost": "机关运行经费", "confidence": "置信度", "key": "键", "reason": "原因",
    "refers_to": "对应单元格", "resolution": "核对方式", "sentence": "原句", "share_of": "占比基数",
    "subject": "事项", "procurement": "政府采购", "goods": "货物", "services": "服务", "works": "工程",
    "small_micro_reserved": "预留小微企业份额", "sme_reserved": "预留中小企业份额", "assets": "国有资产占用",
    "as_of": "截至", "buildings_area": "房屋面积", "buildings_value": "房屋价值", "furniture_value": "家具价值",
    "large_equipment_100": "单价100万元以上设备", "large_equipment_50": "单价50万元以上设备",
    "other_value": "其他资产价值", "vehicles": "车辆", "by_kind": "按类型", "value": "价值",
}
_PERCENT_FIELDS = {"percent"}

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
_PERCENT_QUANTITIES = {"completion_pct", "change_pct", "share_pct"}
_CLAIM_HEADERS = ("页", "行", "章节", "科目编码", "事项", "数值类别", "数值", "单位", "比较口径", "年度",
                  "对应表", "对应行", "对应栏", "备注")
_CLAIM_KINDS = (Kind.INTEGER, Kind.INTEGER, Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.PRINTED, Kind.TEXT,
                Kind.TEXT, Kind.INTEGER, Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.TEXT)


def field_label(key: str) -> str:
    """``three_public.change.amount`` -> ``“三公”经费·比上年增减·金额`` (unknown parts kept)."""
    parts = []
    for part in key.split("."):
        name, bracket, rest = part.partition("[")
        parts.append(FIELD_ZH.get(name, name) + (f"[{rest}" if bracket else ""))
    return "·".join(parts)


def _table_name(table: Table) -> str:
    """The sheet name of a table: its kind's Chinese name (the printed title when the kind is
    not in the catalogue)."""
    try:
        return table_kind(table.id).name
    except KeyError:
        return table.title or table.id


def _write_table(ws: Any, table: Table) -> None:
    """Title, a line with unit / number / kind, the canonical keys (grey), then the printed
    headers and the rows (header frozen with the code and name columns, filtered)."""
    ws.append([table.title])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([f"单位：{table.unit.value}" if table.unit else "", f"表号：{table.number or ''}",
               f"表类：{table.id}", "空表" if table.empty else "", table.empty_reason or ""])
    ws.append(["row_code", "row_name", *[c.key for c in table.columns]])
    for cell in ws[3]:
        cell.font = _KEY_FONT
    headers = ["科目编码", "科目名称", *[c.header for c in table.columns]]
    kinds = [Kind.TEXT, Kind.TEXT, *[Kind.PRINTED for _ in table.columns]]
    rows = [[row.code, row.name, *[row.values.get(c.key) for c in table.columns]] for row in table.rows]
    write_sheet(ws, headers, kinds, rows, start_row=4)
    ws.freeze_panes = "C5"


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
    elif isinstance(value, Enum):
        out.append((prefix, str(value.value)))
    elif isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        out.append((prefix, value))  # a number stays a number
    elif value is not None:
        out.append((prefix, str(value)))


def _overview_rows(disclosure: Disclosure) -> list[list[Any]]:
    pairs: list[tuple[str, Any]] = []
    for name in ("meta", "profile", "three_public", "operating_cost", "procurement", "assets"):
        _flatten(name, getattr(disclosure, name), pairs)
    rows = []
    for key, value in pairs:
        last = key.rsplit(".", 1)[-1].split("[")[0]
        if isinstance(value, (Decimal, int)):
            kind = Kind.PERCENT if last in _PERCENT_FIELDS else Kind.INTEGER if isinstance(value, int) else Kind.PRINTED
            value = Typed(value, kind)
        rows.append([field_label(key), value, key])
    return rows


def _claim_rows(disclosure: Disclosure) -> list[list[Any]]:
    """One row per narrative claim (docs/claims.md): amounts as numbers at their printed
    precision, shares and changes in per cent as percentages."""
    rows = []
    for claim in disclosure.claims:
        table, row_code, column = claim.refers_to or ("", "", "")
        value: Any = Typed(claim.value, Kind.PERCENT) if claim.quantity in _PERCENT_QUANTITIES else claim.value
        rows.append([claim.source.page, claim.source.line, claim.section, claim.code or "", claim.subject,
                     QUANTITY_ZH.get(claim.quantity, claim.quantity), value, claim.unit, claim.basis, claim.year,
                     table, row_code, column, claim.note])
    return rows


def _performance_rows(disclosure: Disclosure) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for target in disclosure.performance:
        if not target.indicators:
            rows.append([target.scope, target.name, target.amount, "", "", "", "", None])
        for ind in target.indicators:
            rows.append([target.scope, target.name, target.amount, ind.level1, ind.level2, ind.level3, ind.value,
                         ind.weight])
    return rows


def write_xlsx(disclosure: Disclosure, path: str | Path) -> None:
    wb = Workbook()
    used: set[str] = set()
    ws = wb.active
    ws.title = sheet_title("概况", used)
    write_sheet(ws, ("项目", "值", "键"), (Kind.TEXT, Kind.TEXT, Kind.TEXT), _overview_rows(disclosure))
    for table in disclosure.tables:
        _write_table(wb.create_sheet(sheet_title(_table_name(table), used)), table)
    write_sheet(wb.create_sheet(sheet_title("说明数字", used)), _CLAIM_HEADERS, _CLAIM_KINDS,
                _claim_rows(disclosure))
    write_sheet(wb.create_sheet(sheet_title("绩效目标", used)),
                ("范围", "名称", "金额", "一级指标", "二级指标", "三级指标", "指标值", "权重"),
                (Kind.TEXT, Kind.TEXT, Kind.PRINTED, Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.PRINTED),
                _performance_rows(disclosure))
    wb.save(path)
