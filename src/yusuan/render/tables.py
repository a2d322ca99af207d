"""Lay out a canonical ``Table`` for printing, in the grid the official tables use:
classification codes split over 类/款/项 columns under one merged 科目编码 cell, the name,
then one column per amount (grouped under merged cells where the official table groups them);
two-sided summary tables with income items on the left and spending on the right.

Amounts are printed with thousands separators; every column gets a kind (code, name, text,
amount: alignment) and a width in em (portrait or landscape page, see ``fits_portrait``)."""

from __future__ import annotations

from decimal import Decimal

from yusuan.catalogue import column_key
from yusuan.codes import DEPT_ECON, GOV_ECON, kind_of
from yusuan.codes import FUNC as FUNC_KIND
from yusuan.model import Column, Row, Table
from yusuan.render.document import AMOUNT, CODE, NAME, TEXT, Span, TableView
from yusuan.render.styles import ECON, FUNC, KEYED, TWO_SIDED, TableSpec

# Printed headers of non-money columns, as the parser names them (parse/headers.py).
TEXT_HEADERS = {"project_name": "项目名称", "gov_econ_code": "政府预算支出经济分类科目编码",
                "gov_econ_name": "政府预算支出经济分类科目名称", "note": "备注", "description": "项目简介",
                "unit_code": "单位编码", "time": "时间", "headcount": "人数", "item": "采购物品名称",
                "catalogue_no": "政府采购目录序号", "measure_unit": "计量单位", "quantity": "数量",
                "category": "采购品目", "econ_name": "经济科目", "procurement_method": "采购组织形式",
                "group": "类别"}
_NOT_PRINTED = {"printed_code"}  # the parser's record of the code as printed, not a column


# A printed header for a column key, when the header the input carries does not read back as its key.
KEY_HEADERS = {"total": "合计", "basic": "基本支出", "project": "项目支出", "personnel": "人员经费",
               "public": "公用经费", "fiscal": "财政拨款（补助）小计", "general_budget": "一般公共预算",
               "gov_fund": "政府性基金预算", "state_capital": "国有资本经营预算", "fiscal_special": "财政专户",
               "unit_funds": "单位资金", "carryover": "上年结转", "business": "经营支出",
               "institution_income": "事业收入", "business_income": "事业单位经营收入",
               "upper_subsidy": "上级补助收入", "subordinate_remit": "附属单位上缴收入", "other_income": "其他收入"}


def fmt(value: Decimal | None) -> str:
    """An amount with the printed precision the model keeps, with thousands separators."""
    return "" if value is None else f"{value:,}"


def header_for(column: Column, spec: TableSpec | None) -> str:
    """The shortest printed header that reads back as the same column key."""
    if spec is not None:
        for c in spec.columns:
            if c.key == column.key:
                return c.header
    levels = [p for p in column.header.split("/") if p]
    for candidate in (levels[-1] if levels else "", "".join(levels), KEY_HEADERS.get(column.key, "")):
        if candidate and column_key(candidate) == column.key:
            return candidate
    return levels[-1] if levels else column.key


def row_layout(table: Table, spec: TableSpec | None) -> str:
    coded = any(r.code.isdigit() for r in table.rows)
    if spec is not None and (spec.rows not in (FUNC, ECON) or coded or not table.rows):
        return spec.rows
    if any(r.side for r in table.rows):
        return TWO_SIDED
    kinds = {kind_of(r.code) for r in table.rows if r.code.isdigit()}
    if FUNC_KIND in kinds:
        return FUNC
    if kinds & {DEPT_ECON, GOV_ECON}:
        return ECON
    return KEYED


def _split_code(code: str, width: int) -> list[str]:
    if not code.isdigit():
        return [""] * width
    parts = [code[:3]] + [code[i : i + 2] for i in range(3, len(code), 2)]
    return (parts + [""] * width)[:width]


def _columns(table: Table, spec: TableSpec | None) -> list[Column]:
    """The table's own columns, or the style's when the table has none (built from data)."""
    if table.columns:
        seen: set[str] = set()
        out = []
        for c in table.columns:
            if c.key not in seen:
                seen.add(c.key)
                out.append(c)
        return out
    return [Column(c.key, c.header) for c in spec.columns] if spec else [Column("total", "合计")]


def _text_keys(table: Table, spec: TableSpec | None) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = list(spec.text_columns) if spec else []
    for row in table.rows:
        for k in row.text:
            if k not in _NOT_PRINTED and k not in [x for x, _ in keys]:
                keys.append((k, TEXT_HEADERS.get(k, k)))
    return keys


def _row_name(row: Row) -> str:
    if row.code == "TOTAL" and not row.name:
        return "合计"
    return row.name


# Widths in em of body text: wide enough for the longest cell, within bounds.
_CODE_PART_EM = 2.6
_NAME_EM = (8.0, 15.0)
_TEXT_EM = (6.0, 14.0)
_AMOUNT_EM = 5.2
# A4 portrait with 20 mm margins holds 53 em of 9 pt text; wider tables go on landscape pages.
PORTRAIT_EM = 53.0
LANDSCAPE_EM = 80.0


def fits_portrait(view: TableView) -> bool:
    return view.em_width <= PORTRAIT_EM


def _text_em(cells: list[str], bounds: tuple[float, float]) -> float:
    longest = max((len(c) for c in cells), default=0)
    return max(bounds[0], min(bounds[1], longest * 1.0 + 1.0))


def _amount_em(cells: list[str]) -> float:
    longest = max((len(c) for c in cells), default=0)
    return max(_AMOUNT_EM, longest * 0.56 + 1.2)


def _widths(kinds: list[str], body: list[tuple[str, ...]]) -> tuple[float, ...]:
    out = []
    for j, kind in enumerate(kinds):
        cells = [r[j] for r in body if j < len(r)]
        if kind == CODE:
            out.append(_CODE_PART_EM)
        elif kind == NAME:
            out.append(_text_em(cells, _NAME_EM))
        elif kind == TEXT:
            out.append(_text_em(cells, _TEXT_EM))
        else:
            out.append(_amount_em(cells))
    return tuple(out)


def layout_table(table: Table, spec: TableSpec | None, number: str, title: str, org: str,
                 empty_note: str | None, anchor: str = "") -> TableView:
    unit_line = f"单位：{table.unit.value}" if table.unit else ""
    org_line = f"编制单位：{org}" if org else ""
    layout = row_layout(table, spec)
    body_spans: tuple[Span, ...] = ()
    if layout == TWO_SIDED:
        header, spans, body, kinds = _two_sided(table, spec)
    else:
        header, spans, body, kinds = _grid(table, spec, layout)
        # 合计 is printed across the 科目编码 and 名称 columns, as official tables do (and so
        # that it is never read as the tail of the 类/款/项 header row above it).
        codes = kinds.count(CODE)
        if codes:
            body_spans = tuple(Span(i, 0, 1, codes + 1) for i, r in enumerate(table.rows) if r.code == "TOTAL")
    return TableView(number, title, unit_line, org_line, header, body,
                     empty_note if (table.empty or not table.rows) else None, spans, body_spans, tuple(kinds),
                     _widths(kinds, body), anchor)


def _groups(columns: list[Column], spec: TableSpec | None) -> list[str]:
    """The merged label printed above each amount column ("" for none): the style's group
    over all amounts, or its per-column groups over consecutive columns."""
    if spec is None:
        return [""] * len(columns)
    if spec.group:
        return [spec.group] * len(columns)
    by_key = {c.key: c.group for c in spec.columns}
    return [by_key.get(c.key, "") for c in columns]


def _runs(labels: list[str]) -> list[tuple[int, int, str]]:
    """Consecutive equal labels: (start, length, label)."""
    out: list[tuple[int, int, str]] = []
    for j, label in enumerate(labels):
        if out and out[-1][2] == label and label:
            start, length, _ = out[-1]
            out[-1] = (start, length + 1, label)
        else:
            out.append((j, 1, label))
    return out


def _grid(table: Table, spec: TableSpec | None, layout: str) -> tuple[tuple, tuple, list, list[str]]:
    columns = _columns(table, spec)
    text_keys = _text_keys(table, spec)
    # Text columns the table orders among its amounts (政府采购: 预算资金 | 采购物品名称 | … | 单价)
    # keep their place; the others follow the name.
    is_text = {c.key for c in columns} & {k for k, _ in text_keys}
    text_keys = [(k, h) for k, h in text_keys if k not in is_text]
    names = [header_for(c, spec) for c in columns]
    if layout == FUNC:
        width, code_head, levels = 3, "功能分类科目编码", ("类", "款", "项")
        name_head = "功能分类科目名称"
    elif layout == ECON:
        width, code_head, levels = 2, "经济分类科目编码", ("类", "款")
        name_head = "经济分类科目名称"
    else:
        width, code_head, levels = 0, "", ()
        name_head = "项目" if table.id != "three_public" else "“三公”经费支出内容"
    texts = [h for _, h in text_keys]
    lead_width = width + 1 + len(texts)
    groups = _groups(columns, spec)
    all_grouped = bool(spec and spec.group and width)
    # Header rows: an optional 科目 | group row over everything (the MoF layout), the column
    # names, and 类/款/项 under the code. A column with nothing below is merged down.
    rows: list[list[str]] = []
    spans: list[Span] = []
    depth = (1 if all_grouped else 0) + (2 if width or any(groups) else 1)
    top = 0
    if all_grouped:
        rows.append(["科目"] + [""] * (lead_width - 1) + [groups[0]] + [""] * (len(names) - 1))
        spans += [Span(0, 0, 1, lead_width), Span(0, lead_width, 1, len(names))]
        top = 1
    elif any(c.key == "subtotal" for c in columns):
        # 小计 reads as a part (not the total) only under its group: 本年收入/小计 beside 合计
        groups = ["本年收入" if c.key == "subtotal" else g for c, g in zip(columns, groups, strict=True)]
        depth = 2
    names_row = [code_head] + [""] * (width - 1) if width else []
    names_row += [name_head, *texts]
    lead = len(names_row)
    if width:
        spans.append(Span(top, 0, 1, width))
    levels_left = depth - top  # rows from the names row down
    for j in range(width, lead):
        if levels_left > 1:
            spans.append(Span(top, j, levels_left, 1))
    second = [""] * (lead + len(names))
    if width:
        second[:width] = list(levels)
    first = names_row + [""] * len(names)
    if not all_grouped and any(groups):
        for start, length, label in _runs(groups):
            if label:
                first[lead + start] = label
                if length > 1:
                    spans.append(Span(top, lead + start, 1, length))
                for k in range(length):
                    second[lead + start + k] = names[start + k]
            else:
                for k in range(length):
                    first[lead + start + k] = names[start + k]
                    if levels_left > 1:
                        spans.append(Span(top, lead + start + k, levels_left, 1))
    else:
        for k, name in enumerate(names):
            first[lead + k] = name
            if levels_left > 1:
                spans.append(Span(top, lead + k, levels_left, 1))
    rows.append(first)
    if levels_left > 1:
        rows.append(second)
    body = []
    for row in table.rows:
        code_cells = _split_code(row.code, width) if width else []
        text_cells = [row.text.get(k, "") for k, _ in text_keys]
        cells = [row.text.get(c.key, "") if c.key in is_text else fmt(row.values.get(c.key)) for c in columns]
        body.append(tuple([*code_cells, _row_name(row), *text_cells, *cells]))
    kinds = [CODE] * width + [NAME] + [TEXT] * len(texts) + [TEXT if c.key in is_text else AMOUNT for c in columns]
    return tuple(tuple(r) for r in rows), tuple(spans), tuple(body), kinds


# Label-column headers of the sides of a summary table, as printed in the 11- and 15-table families.
SIDE_HEADERS = {"income": "项目", "expenditure": "功能分类", "expenditure_econ": "部门预算支出经济分类科目",
                "expenditure_gov_econ": "政府预算支出经济分类科目"}


def _two_sided(table: Table, spec: TableSpec | None) -> tuple[tuple, tuple, tuple, list[str]]:
    columns = _columns(table, spec)
    order: list[str] = ["income"]
    for r in table.rows:
        side = r.side or "expenditure"
        if side not in order:
            order.append(side)
    groups = {side: [r for r in table.rows if (r.side or "expenditure") == side] for side in order}
    cols = {side: [c for c in columns if any(c.key in r.values for r in rows)] or columns[:1]
            for side, rows in groups.items()}
    fiscal = table.id == "fiscal_summary"
    lh, rh = ("财政拨款收入", "财政拨款支出") if fiscal else ("收入", "支出")
    top: list[str] = []
    names: list[str] = []
    spans: list[Span] = []
    kinds: list[str] = []
    for side in order:
        label = lh if side == "income" else (rh if side == order[1] else "")
        if label and cols[side]:
            spans.append(Span(0, len(top), 1, 1 + len(cols[side])))
        top += [label] + [""] * len(cols[side])
        names += [SIDE_HEADERS.get(side, "项目"), *(header_for(c, spec) for c in cols[side])]
        kinds += [NAME] + [AMOUNT] * len(cols[side])
    # Each side's total closes it on the same last line, as printed.
    bodies = {side: [r for r in rows if r.code != "TOTAL"] for side, rows in groups.items()}
    totals = {side: next((r for r in rows if r.code == "TOTAL"), None) for side, rows in groups.items()}
    body = []
    for i in range(max(len(b) for b in bodies.values())):
        line: tuple[str, ...] = ()
        for side in order:
            rows = bodies[side]
            line += _side_cells(rows[i] if i < len(rows) else None, cols[side], side != "income")
        body.append(line)
    if any(totals.values()):
        line = ()
        for side in order:
            line += _side_cells(totals[side], cols[side], side != "income")
        body.append(line)
    return (tuple(top), tuple(names)), tuple(spans), tuple(body), kinds


def _side_cells(row: Row | None, cols: list[Column], spending: bool) -> tuple[str, ...]:
    if row is None:
        return tuple([""] * (1 + len(cols)))
    if row.code == "TOTAL":
        label = row.label or row.name or ("支出总计" if spending else "收入总计")
    elif spending and row.code.isdigit():
        label = f"{row.code} {row.name}"
    else:
        label = row.label or row.name
    return (label, *(fmt(row.values.get(c.key)) for c in cols))
