"""Tables that follow from others: the two summary tables, and missing 合计 rows.

A preparer fills the detailed tables; the summaries are computed so that they can never
disagree with them."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from yusuan.codes import level_of
from yusuan.model import Column, MoneyUnit, Row, Table
from yusuan.render.styles import FISCAL_ITEMS, INCOME_ITEMS, fiscal_parts
from yusuan.text import normalize


def total_row(table: Table | None) -> Row | None:
    if table is None:
        return None
    return next((r for r in table.rows if r.code == "TOTAL" and r.side != "income"), None)


def class_rows(table: Table | None) -> list[Row]:
    """Rows at 类 level (3-digit codes)."""
    return [r for r in table.rows if level_of(r.code) == 1] if table else []


def fill_total(table: Table) -> Table:
    """Give a code-classified table its 合计 row from its 类 rows when the preparer left it
    blank (or out)."""
    classes = class_rows(table)
    current = total_row(table)
    if not classes or (current is not None and current.values):
        return table
    keys = [c.key for c in table.columns] or sorted({k for r in classes for k in r.values})
    values = {k: sum((r.values[k] for r in classes if k in r.values), Decimal(0)) for k in keys}
    values = {k: v for k, v in values.items() if any(k in r.values for r in classes)}
    new_total = Row(code="TOTAL", name=current.name if current else "合计", values=values)
    rows = [r for r in table.rows if r is not current]
    return replace(table, rows=(new_total, *rows), empty=False)


def summary_table(income: Table | None, spending: Table | None, title: str, unit: MoneyUnit | None) -> Table:
    inc = total_row(income)
    left: list[Row] = []
    if inc is not None:
        for key, label in INCOME_ITEMS:
            if key in inc.values:
                left.append(Row(code="", name=label, values={"total": inc.values[key]}, side="income", key=key,
                                label=label))
    right = [Row(code=r.code, name=r.name, values={"total": r.values["total"]}, level=1, side="expenditure")
             for r in class_rows(spending) if "total" in r.values]
    rows = list(left)
    if inc is not None and "total" in inc.values:
        rows.append(Row(code="TOTAL", name="收入总计", values={"total": inc.values["total"]}, side="income",
                        label="收入总计"))
    rows += right
    out = total_row(spending)
    if out is not None and "total" in out.values:
        rows.append(Row(code="TOTAL", name="支出总计", values={"total": out.values["total"]}, side="expenditure",
                        label="支出总计"))
    return Table(id="summary", title=title, number=None, unit=unit, columns=(Column("total", "预算数"),),
                 rows=tuple(rows), empty=not rows)


def fiscal_summary_table(income: Table | None, by_fund: dict[str, Table | None], title: str,
                         unit: MoneyUnit | None) -> Table:
    """``by_fund``: general_budget / gov_fund / state_capital -> that fund's spending table."""
    inc = total_row(income)
    left: list[Row] = []
    if inc is not None:
        parts = fiscal_parts(inc.values)
        fiscal = inc.values.get("fiscal", sum(parts.values(), Decimal(0)) if parts else None)
        if fiscal is not None:
            left.append(Row(code="", name=normalize("财政拨款（补助）"), values={"total": fiscal}, side="income",
                            key="fiscal",
                            label="一、财政拨款（补助）"))
        for key, label in FISCAL_ITEMS:
            if key in parts:
                left.append(Row(code="", name=label, values={"total": parts[key]}, side="income", key=key,
                                label=label))
    classes: dict[str, tuple[str, dict[str, Decimal]]] = {}
    for fund, table in by_fund.items():
        for r in class_rows(table):
            if "total" in r.values:
                name, vals = classes.setdefault(r.code, (r.name, {}))
                vals[fund] = r.values["total"]
    right = []
    for code in sorted(classes):
        name, vals = classes[code]
        right.append(Row(code=code, name=name, values={"total": sum(vals.values(), Decimal(0)), **vals}, level=1,
                         side="expenditure"))
    rows = list(left)
    if left:
        rows.append(Row(code="TOTAL", name="收入总计", values={"total": left[0].values["total"]}, side="income",
                        label="收入总计"))
    rows += right
    if right:
        keys = ["total", *by_fund]
        totals = {k: sum((r.values[k] for r in right if k in r.values), Decimal(0)) for k in keys}
        totals = {k: v for k, v in totals.items() if k == "total" or any(k in r.values for r in right)}
        rows.append(Row(code="TOTAL", name="支出总计", values=totals, side="expenditure", label="支出总计"))
    columns = (Column("total", "合计"), *(Column(k, label) for k, label in FISCAL_ITEMS))
    return Table(id="fiscal_summary", title=title, number=None, unit=unit, columns=columns, rows=tuple(rows),
                 empty=not rows)
