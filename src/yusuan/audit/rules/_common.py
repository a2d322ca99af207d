"""Small helpers shared by the rule families."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from yusuan.audit.context import RuleContext, row_label, table_name, where
from yusuan.audit.tolerance import Money, fmt
from yusuan.model import Row, Table

COLUMN_ZH = {
    "total": "合计",
    "basic": "基本支出",
    "project": "项目支出",
    "personnel": "人员经费",
    "public": "公用经费",
    "fiscal": "财政拨款小计",
    "general_budget": "一般公共预算",
    "general_budget_transfer": "上级一般公共预算转移支付",
    "gov_fund": "政府性基金预算",
    "gov_fund_transfer": "上级政府性基金转移支付",
    "state_capital": "国有资本经营预算",
    "state_capital_transfer": "上级国有资本经营预算转移支付",
    "fiscal_special": "财政专户",
    "unit_funds": "单位资金",
    "carryover": "上年结转",
    "business": "经营支出",
    "institution_income": "事业收入",
    "business_income": "事业单位经营收入",
    "upper_subsidy": "上级补助收入",
    "subordinate_remit": "附属单位上缴收入",
    "other_income": "其他收入",
    "remit_upper": "上缴上级支出",
    "subsidy_subordinate": "对附属单位补助支出",
    "reserve": "单位预留机动经费",
    "carry_forward": "结转下年",
    "project_budget": "预算资金",
    "unit_price": "单价",
    "sme_reserved": "预留中小企业份额",
}


def col_zh(key: str) -> str:
    return COLUMN_ZH.get(key, key)


def check_sum(
    ctx: RuleContext,
    table: Table,
    row: Row,
    total_col: str,
    part_cols: Sequence[str],
    *,
    what: str,
    rows: Sequence[Row] = (),
) -> None:
    """Compare ``row[total_col]`` with the sum of ``row[part_cols]`` (blank = 0) and report
    a difference beyond printed-precision rounding."""
    total = row.values.get(total_col)
    parts = [(c, row.values[c]) for c in part_cols if c in row.values]
    if total is None or not parts:
        return
    ctx.checked()
    t = ctx.money(table, total)
    ms = [ctx.money(table, v) for _, v in parts]
    if ctx.sum_close(t, ms):
        return
    s = sum((v for _, v in parts), Decimal(0))
    terms = " + ".join(f"{col_zh(c)} {fmt(v)}" for c, v in parts)
    ctx.report(
        f"{table_name(table.id)}“{row_label(row)}”行{where(row)}：{what}不成立——"
        f"{col_zh(total_col)} {fmt(total)}，而 {terms} = {fmt(s)}，相差 {fmt(total - s)}{ctx.unit_of(table)}，"
        f"超出四舍五入允许误差 {fmt(ctx.tolerance.allowance([t, *ms]) / t.scale)}。请核对该行各栏数字。",
        table=table.id,
        row=row,
        column=total_col,
        values={col_zh(total_col): fmt(total), "分项之和": fmt(s), **{col_zh(c): fmt(v) for c, v in parts}},
        rows=[row, *rows],
    )


def money_sum(ms: Sequence[Money]) -> Decimal:
    return sum((m.yuan for m in ms), Decimal(0))
