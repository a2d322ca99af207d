"""The fill-in workbook written by ``yusuan template``: guard rails so that what the preparer
types is what the render can publish.

- 填报说明: what to fill where, what the colours mean, how to render.
- One sheet per table, named after it ("表3 单位支出总体情况表"); the layout ``workbook`` reads
  (A1 ``table:<id>``, row 2 unit, row 3 空表说明, row 4 headers, row 5 column keys, data from
  row 6). Column keys, headers and the 合计 code are locked (sheet protection without a
  password: it guards against slips, not people); input cells are open.
- Data validation: amounts are numbers with at most two decimals (shown with thousands
  separators); codes come from the classification lists in sheet 科目编码 (a code outside the
  list — they are partial — asks for confirmation); the name fills itself from the code; the
  unit is 万元 or 元.
- Checks while typing, in red when they fail: beside each row "合计－分项" (合计 = 基本支出 +
  项目支出 …), in row 3 above each amount column "合计 − 各类之和".
- With a previous disclosure (``--from``): 上年数及原因 pre-filled with last year's amounts,
  and 上年公开数 listing every figure of last year's tables for reference.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from yusuan.codes import DEPT_ECON, FUNC, code_list, level_of
from yusuan.model import Disclosure, MoneyUnit
from yusuan.parsing.links import cell_row
from yusuan.render.derive import total_row
from yusuan.render.inputs import OPERATING
from yusuan.render.narrative import convert
from yusuan.render.styles import ECON, INCOME_ITEMS, KEYED, THREE_PUBLIC_ROWS, TWO_SIDED, Style, TableSpec
from yusuan.render.workbook import (
    ASSET_FIELDS,
    DERIVED,
    INFO_FIELDS,
    OTHER_FIELDS,
    PERF_HEAD,
    PRIOR_HEAD,
    PROCUREMENT_FIELDS,
    PROFILE_KINDS,
    STAFF_FIELDS,
    TABLE_MARK,
)

FIRST, ROWS = 6, 300  # data rows FIRST .. FIRST + ROWS - 1 carry validation and checks
LAST = FIRST + ROWS - 1
AMOUNT_FORMAT = "#,##0.00"
KEY_FONT = Font(color="808080", size=8)
HEAD_FONT = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
PREFILLED_FILL = PatternFill("solid", fgColor="FFF2CC")
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FONT = Font(color="9C0006", bold=True)
OPEN = Protection(locked=False)
CODES_SHEET = "科目编码"
AMOUNT_KEYS = {"operating_cost", "total", "goods", "works", "services", "sme_reserved", "small_micro_reserved",
               "buildings_value", "vehicles_value", "furniture_value", "other_value", "buildings_area"}
COUNT_KEYS = {"authorized", "authorized_admin", "authorized_institution", "actual", "in_service", "retired",
              "retired_early", "vehicles_total", "large_equipment_50", "large_equipment_100", "year"}
UNIT_KEYS = {"table_unit", "narrative_unit", "unit", "operating_unit"}

# Row identities a table's columns obey: (合计 column, its parts). Checked beside each row.
IDENTITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("total", ("basic", "project")),
    ("total", ("personnel", "public")),
    ("total", ("fiscal", "fiscal_special", "unit_funds", "carryover")),
    ("fiscal", ("general_budget", "general_budget_transfer", "gov_fund", "gov_fund_transfer", "state_capital",
                "state_capital_transfer")),
)
HEADERS = {"total": "合计", "basic": "基本支出", "project": "项目支出", "personnel": "人员经费", "public": "公用经费",
           "fiscal": "财政拨款", "fiscal_special": "财政专户", "unit_funds": "单位资金", "carryover": "上年结转",
           "general_budget": "一般公共预算", "general_budget_transfer": "上级转移支付", "gov_fund": "政府性基金",
           "gov_fund_transfer": "上级转移支付", "state_capital": "国有资本经营",
           "state_capital_transfer": "上级转移支付"}


def _guide(wb: Workbook, year: int, style: Style, previous: Disclosure | None) -> None:
    ws = wb.active
    ws.title = "填报说明"
    lines = [
        f"{year}年预算公开填报表（{style.label}）",
        "",
        "怎样填",
        "1. 白色单元格是要填的，灰色的是表头和列键（已锁定，勿改）。红色表示核对不通过，请检查。",
        "2. 各表从第6行起，每个科目一行：编码（功能分类如 2101501，经济分类如 30101）、名称、金额。"
        "编码可从下拉列表选，名称按编码自动带出（列表外的编码会提示确认，可照填，名称请手写）。",
        "3. 第6行是合计行（编码 TOTAL），按预算系统打印的合计数填写；留空则按各类（3位编码）之和生成。",
        "4. 金额按表头第2行所示单位（万元或元）填写数字，最多两位小数；空白表示无数。",
        "5. 每行右侧“核对”列显示 合计－各分项（如 合计－基本支出－项目支出），第3行显示 合计－各类之和；"
        "不为 0 时标红。四舍五入可能造成几分钱的差额，请与预算系统打印数核对。",
        "6. 没有数据的表在第3行“空表说明”写明原因，如“本单位没有使用政府性基金预算拨款安排的支出”。",
        "7. 收支总表和财政拨款收支总表由系统根据收入表、支出表和各类预算支出表生成，不需填写。",
        "8. “上年数及原因”填上年预算数（说明金额单位）和增减主要原因；一般公共预算的项级科目可在下方加行"
        "（表 gpb_expenditure，行编码填7位科目编码，列填 total）。生成时缺上年数或原因的，会列出待补清单。",
        "9. “单位概况”每行一条；没有内设机构或下属单位的填“无”。",
        "10. 以“=”开头的指标值（如 =100%）请先输入英文单引号（'=100%），否则会被当作公式。",
        "",
        "怎样生成",
        "yusuan render 本文件 -o 公开文件.pdf（或 .docx / .html），生成前自动核对；"
        "缺少的内容会列出，也可加 --fallback 使用说明文档所列的替代表述。",
    ]
    if previous is not None:
        lines += ["", f"本表由上年公开文件（{previous.meta.unit_name or ''}{previous.meta.year or ''}年）预填："
                  "黄色单元格是照上年填的，请逐项核对；“上年公开数”工作表列出上年各表数字，供参考。"]
    for line in lines:
        ws.append([line])
        if line in ("怎样填", "怎样生成"):
            ws.cell(ws.max_row, 1).font = HEAD_FONT
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 130
    for row in ws.iter_rows():
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    ws.protection.sheet = True


def _codes_sheet(wb: Workbook) -> dict[str, str]:
    """The classification lists the code cells choose from; returns kind -> list range."""
    ws = wb.create_sheet(CODES_SHEET)
    ws.append(["功能分类编码", "功能分类名称", "", "经济分类编码", "经济分类名称"])
    func = sorted(code_list(FUNC).values(), key=lambda c: c.code)
    econ = sorted(code_list(DEPT_ECON).values(), key=lambda c: c.code)
    for i in range(max(len(func), len(econ))):
        f = func[i] if i < len(func) else None
        e = econ[i] if i < len(econ) else None
        ws.append([f.code if f else None, f.name if f else None, None, e.code if e else None, e.name if e else None])
    for col in "AD":
        for cell in ws[col][1:]:
            cell.number_format = "@"
    ws.column_dimensions["B"].width = ws.column_dimensions["E"].width = 36
    for row in ws[1]:
        row.font = HEAD_FONT
    ws.protection.sheet = True
    ranges = {FUNC: f"'{CODES_SHEET}'!$A$2:$A${len(func) + 1}", DEPT_ECON: f"'{CODES_SHEET}'!$D$2:$D${len(econ) + 1}"}
    for kind, ref in ranges.items():
        wb.defined_names[f"codes_{kind}"] = DefinedName(f"codes_{kind}", attr_text=ref)
    return {kind: f"codes_{kind}" for kind in ranges}


def _amount_validation(ws: Worksheet, ref: str, top_left: str) -> None:
    dv = DataValidation(type="custom", formula1=f"AND(ISNUMBER({top_left}),ROUND({top_left},2)={top_left})",
                        allow_blank=True, showErrorMessage=True, errorStyle="stop",
                        errorTitle="金额", error="请填写数字，最多两位小数（如 12.34）。",
                        promptTitle="金额", prompt="数字，最多两位小数；空白表示无数。", showInputMessage=True)
    ws.add_data_validation(dv)
    dv.add(ref)


def _unit_validation(ws: Worksheet, ref: str) -> None:
    dv = DataValidation(type="list", formula1='"万元,元"', allow_blank=False, showErrorMessage=True,
                        errorTitle="金额单位", error="请选择 万元 或 元。")
    ws.add_data_validation(dv)
    dv.add(ref)


def _count_validation(ws: Worksheet, ref: str, low: int = 0, high: int = 100000) -> None:
    dv = DataValidation(type="whole", operator="between", formula1=str(low), formula2=str(high), allow_blank=True,
                        showErrorMessage=True, errorTitle="整数", error=f"请填写 {low}–{high} 之间的整数。")
    ws.add_data_validation(dv)
    dv.add(ref)


def _red_when_nonzero(ws: Worksheet, ref: str, top_left: str) -> None:
    ws.conditional_formatting.add(ref, FormulaRule(
        formula=[f'AND(ISNUMBER({top_left}),ABS({top_left})>=0.005)'], fill=BAD_FILL, font=BAD_FONT))


def _sheet_name(number: int, title: str, taken: set[str]) -> str:
    name = f"表{number} {title}"
    for ch in '[]:*?/\\':
        name = name.replace(ch, "")
    name = name[:31]
    while name in taken:
        name = name[:29] + f"{len(taken) % 100:02d}"
    taken.add(name)
    return name


def _table_sheet(wb: Workbook, number: int, spec: TableSpec, style: Style, year: int, ranges: dict[str, str],
                 taken: set[str]) -> None:
    title = style.title(spec, year)
    ws = wb.create_sheet(_sheet_name(number, title, taken))
    texts = list(spec.text_columns)
    keys = ["code", "name", *(f"text:{k}" for k, _ in texts), *(c.key for c in spec.columns)]
    headers = ["编码", "名称", *(h for _, h in texts), *(c.header for c in spec.columns)]
    first_amount = 3 + len(texts)  # 1-based column of the first amount
    last_amount = first_amount + len(spec.columns) - 1
    column = {key: get_column_letter(i) for i, key in enumerate(keys, start=1)}
    identities = [(t, [p for p in parts if p in column]) for t, parts in IDENTITIES
                  if t in column and sum(p in column for p in parts) >= 2] if spec.rows != KEYED else []
    checks = [f"核对：{HEADERS.get(t, t)}－（{'＋'.join(HEADERS.get(p, p) for p in parts)}）"
              for t, parts in identities]
    ws.append([f"{TABLE_MARK}{spec.id}", title])
    ws.append(["单位", style.table_unit.value])
    ws.append(["空表说明", None])
    ws.append([*headers, None, *checks])
    ws.append([*keys, None, *(f"check:{t}" for t, _ in identities)])
    fixed = THREE_PUBLIC_ROWS if spec.rows == KEYED else (() if spec.rows == TWO_SIDED else (("TOTAL", "合计"),))
    for key, name in fixed:
        ws.append([key, name])
    # Styles: header, keys and the fixed codes are locked; everything else a preparer types is open.
    ws["A1"].font = KEY_FONT
    ws["B1"].font = Font(bold=True, size=12)
    for cell in ws[4]:
        cell.fill, cell.font = HEAD_FILL, HEAD_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for cell in ws[5]:
        cell.font, cell.fill = KEY_FONT, LOCKED_FILL
    for row in range(FIRST, FIRST + len(fixed)):
        ws.cell(row, 1).fill = LOCKED_FILL
    for ref in ("B2", "B3"):
        ws[ref].protection = OPEN
    _unit_validation(ws, "B2")
    for i in range(1, last_amount + 1):
        letter = get_column_letter(i)
        dim = ws.column_dimensions[letter]
        dim.protection = OPEN
        dim.width = 10 if i == 1 else 34 if i == 2 else 30 if i < first_amount else 14
        if i >= first_amount:
            dim.number_format = AMOUNT_FORMAT
    for row in range(FIRST, FIRST + len(fixed)):
        for i in range(2, last_amount + 1):
            ws.cell(row, i).protection = OPEN
    ws.column_dimensions["A"].number_format = "@"
    first_letter, last_letter = get_column_letter(first_amount), get_column_letter(last_amount)
    data_from = FIRST + len(fixed) if spec.rows == KEYED else FIRST
    _amount_validation(ws, f"{first_letter}{FIRST}:{last_letter}{LAST}", f"{first_letter}{FIRST}")
    if spec.rows not in (KEYED, TWO_SIDED):
        kind = DEPT_ECON if spec.rows == ECON else FUNC
        dv = DataValidation(type="list", formula1=f"={ranges[kind]}", allow_blank=True, showErrorMessage=True,
                            errorStyle="warning", errorTitle="科目编码",
                            error="编码不在内置科目表中（科目表不完整）。确认无误请点“是”，并手写名称。",
                            promptTitle="科目编码", prompt="从列表选择，或直接输入编码；合计行填 TOTAL。",
                            showInputMessage=True)
        ws.add_data_validation(dv)
        dv.add(f"A{FIRST + 1}:A{LAST}")
        lookup = f"'{CODES_SHEET}'!$A:$B" if kind == FUNC else f"'{CODES_SHEET}'!$D:$E"
        for row in range(FIRST + 1, LAST + 1):
            cell = ws.cell(row, 2, f'=IF($A{row}="","",IFERROR(VLOOKUP($A{row}&"",{lookup},2,FALSE),""))')
            cell.protection = OPEN
        # Row 3: 合计 − the sum of the 类 rows (3-digit codes), per amount column.
        for i in range(first_amount, last_amount + 1):
            letter = get_column_letter(i)
            rng = f"{letter}${FIRST}:{letter}${LAST}"
            cell = ws.cell(3, i, f'=IF(COUNT({rng})=0,"",ROUND(SUMIF($A${FIRST}:$A${LAST},"TOTAL",{rng})'
                                 f'-SUMPRODUCT(--(LEN($A${FIRST}:$A${LAST})=3),{rng}),2))')
            cell.number_format = '"合计−各类 "#,##0.00;"合计−各类 "-#,##0.00;"合计＝各类之和"'
            cell.font = KEY_FONT
            cell.comment = Comment("合计行与各类（3位编码）之和的差额，应为 0（四舍五入差几分钱除外）。", "yusuan")
        _red_when_nonzero(ws, f"{first_letter}3:{last_letter}3", f"{first_letter}3")
    elif spec.rows == KEYED:
        # "三公": 合计 = 出国 + 接待 + 公务用车；公务用车 = 购置 + 运行 (rows in THREE_PUBLIC_ROWS order)
        at = {key: FIRST + i for i, (key, _) in enumerate(fixed)}
        for i in range(first_amount, last_amount + 1):
            c = get_column_letter(i)
            cell = ws.cell(3, i, f'=IF(COUNT({c}{FIRST}:{c}{LAST})=0,"",ROUND({c}{at["TOTAL"]}-{c}{at["abroad"]}'
                                 f'-{c}{at["reception"]}-{c}{at["vehicle"]},2)+ROUND({c}{at["vehicle"]}'
                                 f'-{c}{at["vehicle_purchase"]}-{c}{at["vehicle_operation"]},2))')
            cell.number_format = '"差额 "#,##0.00;"差额 "-#,##0.00;"合计＝各项之和"'
            cell.font = KEY_FONT
            cell.comment = Comment("合计＝因公出国（境）费＋公务接待费＋公务用车购置及运行费；"
                                   "公务用车购置及运行费＝购置费＋运行费。不为 0 时标红。", "yusuan")
        _red_when_nonzero(ws, f"{first_letter}3:{last_letter}3", f"{first_letter}3")
    # Beside each row: 合计 − its parts.
    for j, (total, parts) in enumerate(identities):
        col = last_amount + 2 + j
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = 16
        ws.column_dimensions[letter].number_format = AMOUNT_FORMAT
        for row in range(data_from, LAST + 1):
            used = ",".join(f"{column[p]}{row}" for p in parts)
            ws.cell(row, col, f'=IF(COUNT({column[total]}{row},{used})=0,"",ROUND({column[total]}{row}'
                              f'-SUM({used}),2))')
        _red_when_nonzero(ws, f"{letter}{data_from}:{letter}{LAST}", f"{letter}{data_from}")
    ws.freeze_panes = ws.cell(FIRST, 3)
    ws.row_dimensions[4].height = 45
    ws.protection.sheet = True
    _allow_rows(ws)


def _finish(ws: Worksheet, widths: dict[str, float], header_row: int = 1) -> None:
    """Header row styled, column widths, protection on (rows may still be added)."""
    for cell in ws[header_row]:
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    ws.protection.sheet = True
    _allow_rows(ws)


def _allow_rows(ws: Worksheet) -> None:
    """Protected, but rows may be added, removed and formatted (False: not protected)."""
    p = ws.protection
    p.insertRows = p.deleteRows = p.formatRows = p.formatColumns = p.formatCells = False


def _kv_sheet(wb: Workbook, title: str, fields: tuple[tuple[str, str], ...], values: dict[str, Any],
              prefilled: Iterable[str] = ()) -> Worksheet:
    ws = wb.create_sheet(title)
    ws.append(["项目", "填报内容", "键（勿改）"])
    for label, key in fields:
        ws.append([label, values.get(key), key])
        row = ws.max_row
        ws.cell(row, 3).font = KEY_FONT
        ws.cell(row, 2).protection = OPEN
        if key in AMOUNT_KEYS:
            ws.cell(row, 2).number_format = AMOUNT_FORMAT
            _amount_validation(ws, f"B{row}", f"B{row}")
        elif key in COUNT_KEYS:
            _count_validation(ws, f"B{row}", 1900 if key == "year" else 0, 2100 if key == "year" else 100000)
        elif key in UNIT_KEYS:
            _unit_validation(ws, f"B{row}")
        if key in prefilled:
            ws.cell(row, 2).fill = PREFILLED_FILL
    _finish(ws, {"A": 36, "B": 48})
    return ws


def prior_rows(style: Style, previous: Disclosure | None = None) -> list[tuple[str, str, str, str]]:
    """The subjects whose change on last year the narrative states: (table, row, column, label)."""
    rows = [("income", "TOTAL", "fiscal", "收入：财政拨款收入合计")]
    rows += [("income", "TOTAL", key, f"收入：{label}") for key, label in INCOME_ITEMS]
    rows += [("expenditure", "TOTAL", k, f"支出：{n}") for k, n in (("basic", "基本支出"), ("project", "项目支出"))]
    rows += [("gpb_expenditure", "TOTAL", k, f"一般公共预算：{n}")
             for k, n in (("total", "合计"), ("basic", "基本支出"), ("project", "项目支出"))]
    for table_id, label in (("gov_fund", "政府性基金预算支出"), ("state_capital", "国有资本经营预算支出"),
                            ("carryover", "上年结转结余安排的支出")):
        if style.spec(table_id):
            rows.append((table_id, "TOTAL", "total", label))
    rows += [("three_public", key, "total", f"“三公”经费：{name.removeprefix('其中：')}")
             for key, name in THREE_PUBLIC_ROWS]
    rows.append((*OPERATING, "机关运行经费"))
    gpb = previous.table("gpb_expenditure") if previous is not None else None
    if gpb is not None:  # last year's 项 科目, the narrative compares each
        rows += [("gpb_expenditure", r.code, "total", f"一般公共预算：{r.code} {r.name}") for r in gpb.rows
                 if level_of(r.code) == 3]
    return rows


def prior_amount(previous: Disclosure, subject: tuple[str, str, str], unit: MoneyUnit) -> Decimal | None:
    """Last year's amount of one subject, from last year's tables, in ``unit``."""
    table_id, ref, column = subject
    if (table_id, ref, column) == OPERATING:
        op = previous.operating_cost
        return convert(op.amount, op.unit, unit) if op is not None else None
    table = previous.table(table_id)
    if table is None:
        return None
    row = total_row(table) if ref == "TOTAL" else cell_row(table, ref, column)
    if row is None or column not in row.values:
        return None
    return convert(row.values[column], table.unit, unit)


def _prior_sheet(wb: Workbook, style: Style, previous: Disclosure | None) -> None:
    ws = wb.create_sheet("上年数及原因")
    ws.append(list(PRIOR_HEAD))
    rows = prior_rows(style, previous)
    for table_id, row, column, label in rows:
        amount = prior_amount(previous, (table_id, row, column), style.narrative_unit) if previous else None
        ws.append([table_id, row, column, label, amount, None])
        if amount is not None:
            ws.cell(ws.max_row, 5).fill = PREFILLED_FILL
    for r in range(2, len(rows) + 2):
        for c in range(1, 5):
            ws.cell(r, c).fill = LOCKED_FILL  # the subject's key: locked
        ws.cell(r, 5).protection = ws.cell(r, 6).protection = OPEN
    for letter in ("A", "B", "C", "D", "E", "F"):  # rows added below the list are open
        ws.column_dimensions[letter].protection = OPEN
    for r in range(1, len(rows) + 2):
        for c in range(1, 5):
            ws.cell(r, c).protection = Protection(locked=True)
    ws.column_dimensions["E"].number_format = AMOUNT_FORMAT
    _amount_validation(ws, f"E2:E{len(rows) + 200}", "E2")
    ws["E1"].comment = Comment(f"上年预算数，单位：{style.narrative_unit.value}（与说明的金额单位一致）。", "yusuan")
    ws.freeze_panes = "E2"
    _finish(ws, {"A": 16, "D": 44, "E": 14, "F": 60})


def _previous_sheet(wb: Workbook, previous: Disclosure) -> None:
    """Every figure of last year's tables, for reference (read-only)."""
    ws = wb.create_sheet("上年公开数")
    ws.append([f"{previous.meta.unit_name or ''}{previous.meta.year or ''}年公开的各表数字（供参考，只读）"])
    ws.append(["表", "编码", "名称", "栏目", "金额", "单位"])
    for t in previous.tables:
        headers = {c.key: c.header.split("/")[-1] for c in t.columns}
        for r in t.rows:
            for key, value in r.values.items():
                ws.append([t.title, r.code, r.name or r.label, headers.get(key, key), value,
                           t.unit.value if t.unit else ""])
    ws["A1"].font = Font(bold=True, size=12)
    ws.column_dimensions["E"].number_format = AMOUNT_FORMAT
    ws.freeze_panes = "A3"
    _finish(ws, {"A": 36, "C": 34, "D": 20, "E": 16}, header_row=2)


def write_template(path: str | Path, year: int, style: Style, previous: Disclosure | None = None) -> None:
    wb = Workbook()
    _guide(wb, year, style, previous)
    info = {"year": year, "table_unit": style.table_unit.value, "narrative_unit": style.narrative_unit.value}
    prefilled: list[str] = []
    if previous is not None:
        for key in ("unit_name", "unit_code"):
            value = getattr(previous.meta, key)
            if value:
                info[key] = value
                prefilled.append(key)
    _kv_sheet(wb, "单位信息", INFO_FIELDS, info, prefilled)
    ws = wb.create_sheet("单位概况")
    ws.append(["类别", "内容（一行一条；没有的填“无”）"])
    profile = previous.profile if previous is not None else None
    for label, key in PROFILE_KINDS:
        items = getattr(profile, key) if profile is not None else ()
        ws.append([label, "\n".join(items) if items else None])
        cell = ws.cell(ws.max_row, 2)
        cell.protection = OPEN
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if items:
            cell.fill = PREFILLED_FILL
    _finish(ws, {"A": 14, "B": 90})
    _kv_sheet(wb, "人员情况", STAFF_FIELDS, {})
    ranges = _codes_sheet(wb)
    taken: set[str] = set()
    for i, spec in enumerate(style.tables, start=1):
        if spec.id not in DERIVED:
            _table_sheet(wb, i, spec, style, year, ranges, taken)
    _prior_sheet(wb, style, previous)
    _kv_sheet(wb, "政府采购", PROCUREMENT_FIELDS, {"unit": style.narrative_unit.value})
    _kv_sheet(wb, "国有资产", ASSET_FIELDS, {"unit": style.narrative_unit.value})
    ws = wb.create_sheet("绩效目标")
    ws.append(list(PERF_HEAD))
    for letter in "ABCDEFGHI":  # a free list: every cell open
        ws.column_dimensions[letter].protection = OPEN
    _finish(ws, {"B": 30, "D": 30, "G": 30})
    dv = DataValidation(type="list", formula1='"整体,项目"', allow_blank=True, showErrorMessage=True,
                        error="请选择 整体 或 项目。")
    ws.add_data_validation(dv)
    dv.add("A2:A500")
    _amount_validation(ws, "C2:C500", "C2")
    _kv_sheet(wb, "其他事项", OTHER_FIELDS, {"operating_unit": style.narrative_unit.value})
    if previous is not None:
        _previous_sheet(wb, previous)
    wb.move_sheet(CODES_SHEET, offset=len(wb.sheetnames))  # the lists go last
    wb.save(str(path))
