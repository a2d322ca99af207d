"""The fill-in workbook (填报表): written by ``yusuan template`` (``template``), read back here
for ``yusuan render``.

Layout, so that the reader never guesses:
- table sheets: A1 ``table:<id>``, B1 the title; row 2 unit; row 3 空表说明 (and, right of it, the
  template's checks); row 4 printed headers; row 5 the column keys (do not edit; ``check:`` keys
  are the template's check columns, not data); data from row 6: code, name, [text columns],
  amounts. A name left blank (or a lookup formula never calculated) is the code list's name.
- key/value sheets (单位信息, 人员情况, 政府采购, 国有资产, 其他事项): label, value, key.
- list sheets: 单位概况 (kind, text), 上年数及原因 (table, row, column, label, prior, reason),
  绩效目标 (one indicator per line).
The summary tables (收支总表, 财政拨款收支总表) are computed from the detailed ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from yusuan.codes import lookup
from yusuan.model import (
    Assets,
    Column,
    Diagnostic,
    Disclosure,
    Figure,
    Indicator,
    Meta,
    MoneyUnit,
    PerformanceTarget,
    Procurement,
    Profile,
    Row,
    Severity,
    Source,
    Staffing,
    Table,
    Vehicles,
)
from yusuan.render.derive import fill_total
from yusuan.render.inputs import Prior, RenderInput, Subject
from yusuan.text import normalize, parse_amount

TABLE_MARK = "table:"

INFO_FIELDS = (("单位名称", "unit_name"), ("单位编码", "unit_code"), ("预算年度", "year"),
               ("表格金额单位（万元/元）", "table_unit"), ("说明金额单位（万元/元）", "narrative_unit"),
               ("编制日期", "date"))
STAFF_FIELDS = (("编制数", "authorized"), ("其中：行政编制", "authorized_admin"),
                ("其中：事业编制", "authorized_institution"), ("实有人数", "actual"), ("在职", "in_service"),
                ("退休", "retired"), ("离休", "retired_early"), ("人员变动说明", "changes"))
PROCUREMENT_FIELDS = (("政府采购预算合计", "total"), ("货物", "goods"), ("工程", "works"), ("服务", "services"),
                      ("面向中小企业预留", "sme_reserved"), ("其中：小微企业预留", "small_micro_reserved"),
                      ("金额单位（万元/元）", "unit"))
ASSET_FIELDS = (("截至日期（如 2025年8月31日）", "as_of"), ("房屋面积（平方米）", "buildings_area"),
                ("房屋价值", "buildings_value"), ("车辆数（辆）", "vehicles_total"), ("车辆价值", "vehicles_value"),
                ("办公家具价值", "furniture_value"), ("其他资产价值", "other_value"),
                ("单位价值50万元以上大型设备（台）", "large_equipment_50"),
                ("单位价值100万元以上大型设备（台）", "large_equipment_100"), ("金额单位（万元/元）", "unit"))
OTHER_FIELDS = (("机关运行经费预算数", "operating_cost"), ("机关运行经费金额单位（万元/元）", "operating_unit"),
                ("其他需说明的事项", "other"))
PROFILE_KINDS = (("主要职能", "functions"), ("内设机构", "departments"), ("下属单位", "subordinates"))
PRIOR_HEAD = ("表", "行编码", "列", "项目", "上年预算数", "增减主要原因")
PERF_HEAD = ("范围（整体/项目）", "名称", "金额", "绩效目标", "一级指标", "二级指标", "三级指标", "指标值", "分值权重")
DERIVED = {"summary", "fiscal_summary"}


# --------------------------------------------------------------------------- reader


@dataclass
class _Reader:
    path: str
    diagnostics: list[Diagnostic]

    def bad(self, sheet: str, ref: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(
            code="R101", severity=Severity.ERROR,
            message=f"{self.path}：工作表“{sheet}”单元格 {ref}：{message}",
            source=Source(ref=f"{sheet}!{ref}")))

    def amount(self, ws: Worksheet, cell: Any) -> Decimal | None:
        value = cell.value
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            # Excel keeps no printed precision (3.00 reads back as 3): print money to the cent.
            return Decimal(str(value)).quantize(Decimal("0.01"))
        parsed = parse_amount(str(value))
        if parsed is None:
            self.bad(ws.title, cell.coordinate, f"“{value}”不是金额，请填写数字（如 12.34）。")
        return parsed

    def count(self, ws: Worksheet, cell: Any) -> int | None:
        amount = self.amount(ws, cell)
        if amount is None:
            return None
        if amount != amount.to_integral_value():
            self.bad(ws.title, cell.coordinate, f"“{cell.value}”应为整数。")
        return int(amount)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _kv(ws: Worksheet | None) -> dict[str, Any]:
    if ws is None:
        return {}
    out: dict[str, Any] = {}
    for row in ws.iter_rows(min_row=2):
        if len(row) >= 3 and row[2].value:
            out[str(row[2].value)] = row[1]
    return out


def _unit(value: Any, default: MoneyUnit) -> MoneyUnit:
    text = _text(value)
    return MoneyUnit.YUAN if text == "元" else MoneyUnit.WAN if text == "万元" else default


def _read_table(r: _Reader, ws: Worksheet, default_unit: MoneyUnit) -> Table:
    table_id = _text(ws["A1"].value)[len(TABLE_MARK):]
    title = _text(ws["B1"].value)
    unit = _unit(ws["B2"].value, default_unit)
    reason = _text(ws["B3"].value) or None
    headers = [_text(c.value) for c in ws[4]]
    keys = [_text(c.value) for c in ws[5]]
    columns = tuple(Column(k, h) for k, h in zip(keys, headers, strict=False)
                    if k and k not in ("code", "name") and not k.startswith(("text:", "check:")))
    rows: list[Row] = []
    for line in ws.iter_rows(min_row=6):
        cells = dict(zip(keys, line, strict=False))
        code = _text(cells["code"].value if "code" in cells else None).replace(" ", "")
        name = normalize(_text(cells["name"].value if "name" in cells else None))
        if name.startswith("=") or (not name and code.isdigit()):  # the template's lookup, not calculated
            known = lookup(code) if code.isdigit() else None
            name = known.name if known else ""
        values: dict[str, Decimal] = {}
        for c in columns:
            if c.key in cells:
                v = r.amount(ws, cells[c.key])
                if v is not None:
                    values[c.key] = v
        texts = {k[5:]: _text(cell.value) for k, cell in cells.items() if k.startswith("text:") and _text(cell.value)}
        if not (code or name) and not values:
            continue
        if not code and not name:
            r.bad(ws.title, line[0].coordinate, "有金额但没有编码和名称，请补填。")
        level = {3: 1, 5: 2, 7: 3}.get(len(code)) if code.isdigit() else None
        rows.append(Row(code=code, name=name, values=values, level=level, text=texts,
                        source=Source(ref=f"{ws.title}!A{line[0].row}"), label=name))
    # A keyed table whose fixed rows were left blank is empty, as is a table with only a blank 合计.
    empty = not any(row.values for row in rows)
    table = Table(id=table_id, title=title, number=None, unit=unit, columns=columns,
                  rows=() if empty else tuple(rows), empty=empty, empty_reason=reason if empty else None)
    return table if empty else fill_total(table)


def read_workbook(path: str | Path) -> tuple[RenderInput | None, tuple[Diagnostic, ...]]:
    """The fill-in workbook -> ``RenderInput``; problems come back as diagnostics."""
    r = _Reader(str(path), [])
    try:
        wb = load_workbook(str(path), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        return None, (Diagnostic(code="R001", severity=Severity.ERROR,
                                 message=f"{path}：无法读取填报表（{type(exc).__name__}）。请用 yusuan template 生成的"
                                 "工作簿填写后重试。"),)
    sheets = {ws.title: ws for ws in wb.worksheets}
    info = _kv(sheets.get("单位信息"))
    table_unit = _unit(info["table_unit"].value if "table_unit" in info else None, MoneyUnit.WAN)
    narrative_unit = _unit(info["narrative_unit"].value if "narrative_unit" in info else None, MoneyUnit.WAN)
    year = r.count(sheets["单位信息"], info["year"]) if "year" in info else None
    meta = Meta(doc=Path(path).stem, path=str(path), unit_name=_text(info["unit_name"].value) or None
                if "unit_name" in info else None,
                unit_code=_text(info["unit_code"].value) or None if "unit_code" in info else None, year=year,
                narrative_unit=narrative_unit, format="xlsx")
    for key, label in (("unit_name", "单位名称"), ("year", "预算年度")):
        cell = info.get(key)
        if cell is None or not _text(cell.value):
            r.bad("单位信息", cell.coordinate if cell is not None else "B2", f"未填写{label}，请补填后重试。")
    tables = tuple(_read_table(r, ws, table_unit) for ws in wb.worksheets
                   if _text(ws["A1"].value).startswith(TABLE_MARK))
    if not tables:
        r.diagnostics.append(Diagnostic(code="R002", severity=Severity.ERROR,
                                        message=f"{path}：没有找到任何预算表工作表（A1 以 table: 开头）。"
                                        "请用 yusuan template 生成填报表。"))
    profile = _profile(sheets.get("单位概况"), r, sheets.get("人员情况"))
    other = _kv(sheets.get("其他事项"))
    operating = None
    if "operating_cost" in other:
        amount = r.amount(sheets["其他事项"], other["operating_cost"])
        if amount is not None:
            unit = _unit(other["operating_unit"].value if "operating_unit" in other else None, narrative_unit)
            operating = Figure(subject="机关运行经费", amount=amount, unit=unit)
    disclosure = Disclosure(
        meta=meta, tables=tables, profile=profile, operating_cost=operating,
        procurement=_procurement(sheets.get("政府采购"), r, narrative_unit),
        assets=_assets(sheets.get("国有资产"), r, narrative_unit),
        performance=_performance(sheets.get("绩效目标"), r, narrative_unit),
    )
    prior = _prior(sheets.get("上年数及原因"), r)
    notes = {"other": _text(other["other"].value) if "other" in other else "",
             "date": _text(info["date"].value) if "date" in info else ""}
    result = RenderInput(disclosure, prior=prior, prior_unit=narrative_unit, notes=notes)
    return result, tuple(r.diagnostics)


def _profile(ws: Worksheet | None, r: _Reader, staff_ws: Worksheet | None) -> Profile:
    lists: dict[str, list[str]] = {key: [] for _, key in PROFILE_KINDS}
    kinds = dict(PROFILE_KINDS)
    if ws is not None:
        for kind, text in ws.iter_rows(min_row=2, max_col=2, values_only=True):
            if _text(kind) in kinds and _text(text):
                lists[kinds[_text(kind)]] += [t.strip() for t in str(text).splitlines() if t.strip()]
    staff = _kv(staff_ws)
    counts = {key: r.count(staff_ws, staff[key]) for _, key in STAFF_FIELDS
              if key != "changes" and key in staff and staff_ws is not None}
    changes = tuple(t for t in _text(staff["changes"].value if "changes" in staff else None).splitlines() if t)
    return Profile(functions=tuple(lists["functions"]), departments=tuple(lists["departments"]),
                   subordinates=tuple(lists["subordinates"]), staffing=Staffing(**counts, changes=changes))


def _procurement(ws: Worksheet | None, r: _Reader, default: MoneyUnit) -> Procurement | None:
    kv = _kv(ws)
    if ws is None:
        return None
    values = {k: r.amount(ws, kv[k]) for _, k in PROCUREMENT_FIELDS if k != "unit" and k in kv}
    if all(v is None for v in values.values()):
        return None
    return Procurement(**values, unit=_unit(kv["unit"].value if "unit" in kv else None, default))


def _assets(ws: Worksheet | None, r: _Reader, default: MoneyUnit) -> Assets | None:
    kv = _kv(ws)
    if ws is None:
        return None
    money = {k: r.amount(ws, kv[k]) for k in ("buildings_area", "buildings_value", "vehicles_value",
                                              "furniture_value", "other_value") if k in kv}
    counts = {k: r.count(ws, kv[k]) for k in ("vehicles_total", "large_equipment_50", "large_equipment_100")
              if k in kv}
    as_of = _text(kv["as_of"].value) if "as_of" in kv else ""
    if not as_of and all(v is None for v in (*money.values(), *counts.values())):
        return None
    return Assets(as_of=as_of or None, buildings_area=money.get("buildings_area"),
                  buildings_value=money.get("buildings_value"),
                  vehicles=Vehicles(total=counts.get("vehicles_total"), value=money.get("vehicles_value")),
                  furniture_value=money.get("furniture_value"), other_value=money.get("other_value"),
                  large_equipment_50=counts.get("large_equipment_50"),
                  large_equipment_100=counts.get("large_equipment_100"),
                  unit=_unit(kv["unit"].value if "unit" in kv else None, default))


def _performance(ws: Worksheet | None, r: _Reader, unit: MoneyUnit) -> tuple[PerformanceTarget, ...]:
    if ws is None:
        return ()
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for line in ws.iter_rows(min_row=2):
        cells = [_text(c.value) for c in line[:9]] + [""] * (9 - len(line[:9]))
        if not any(cells):
            continue
        scope = "unit" if cells[0].startswith("整体") or cells[0] == "unit" else "project"
        g = groups.setdefault((scope, cells[1]), {"amount": None, "goal": "", "indicators": []})
        if cells[2]:
            g["amount"] = r.amount(ws, line[2])
        if cells[3]:
            g["goal"] = cells[3]
        if cells[6] or cells[7]:
            weight = r.amount(ws, line[8]) if cells[8] else None
            g["indicators"].append(Indicator(cells[4], cells[5], cells[6], cells[7], weight,
                                             Source(ref=f"{ws.title}!A{line[0].row}")))
    return tuple(PerformanceTarget(scope=scope, name=name, amount=g["amount"], goal=g["goal"],
                                   indicators=tuple(g["indicators"]), unit=unit)
                 for (scope, name), g in groups.items())


def _prior(ws: Worksheet | None, r: _Reader) -> dict[Subject, Prior]:
    out: dict[Subject, Prior] = {}
    if ws is None:
        return out
    for line in ws.iter_rows(min_row=2):
        if len(line) < 6:
            continue
        table_id, row, column = (_text(c.value).replace(" ", "") for c in line[:3])
        amount = r.amount(ws, line[4])
        reason = _text(line[5].value) or None
        if table_id and (amount is not None or reason):
            out[(table_id, row, column or "total")] = Prior(amount, reason)
    return out
