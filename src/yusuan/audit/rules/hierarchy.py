"""Hierarchy: a 类/款 row equals the sum of its 款/项 rows, column by column."""

from __future__ import annotations

from decimal import Decimal

from yusuan.audit.context import RuleContext, row_label, table_name, where
from yusuan.audit.registry import rule
from yusuan.audit.rules._common import col_zh
from yusuan.audit.tolerance import fmt
from yusuan.codes import parent_of
from yusuan.model import Row, Severity


@rule(
    "HIE001",
    "科目层级：上级科目 = 下级科目之和",
    Severity.ERROR,
    what="在按功能分类（类/款/项）或经济分类（类/款）列示的表中，逐栏核对每个有下级科目的科目行是否等于其"
    "全部下级科目之和（例如 21015 = 2101501 + 2101599）。",
    why="上级科目金额是下级科目的汇总，不等说明下级科目漏列或金额错填。"
    "《地方预决算公开操作规程》要求一般公共预算支出按功能分类公开到项级、基本支出按经济分类公开到款级。",
    failing="21015 医疗保障管理事务 168.33，而 2101501 行政运行 165.33 + 2101599 其他 3.50 = 168.83。",
    passing="21015 医疗保障管理事务 168.33 = 2101501 165.33 + 2101599 3.00。",
)
def hierarchy_sums(ctx: RuleContext) -> None:
    found = False
    for t in ctx.readable(ctx.disclosure.tables):
        for side in ({r.side for r in t.rows} or {None}):
            first: dict[str, Row] = {}
            for r in t.rows:
                if r.code.isdigit() and r.side == side:
                    first.setdefault(r.code, r)
            children: dict[str, list[Row]] = {}
            for code, r in first.items():
                parent = parent_of(code)
                if parent in first:
                    children.setdefault(parent, []).append(r)
            for parent, kids in children.items():
                found = True
                prow = first[parent]
                for col in sorted({c for k in [prow, *kids] for c in k.values}):
                    pv = prow.values.get(col, Decimal(0))
                    parts = [k for k in kids if col in k.values]
                    if col not in prow.values and not parts:
                        continue
                    ctx.checked()
                    pm = ctx.money(t, pv) if col in prow.values else ctx.blank(t)
                    ms = [ctx.money(t, k.values[col]) for k in parts]
                    if ctx.sum_close(pm, ms):
                        continue
                    s = sum((k.values[col] for k in parts), Decimal(0))
                    listing = " + ".join(f"{k.code} {fmt(k.values[col])}" for k in parts) or "（下级科目该栏均为空）"
                    ctx.report(
                        f"{table_name(t.id)}“{col_zh(col)}”栏{where(prow)}：{row_label(prow)} {fmt(pv)}，"
                        f"而下级科目 {listing} = {fmt(s)}，相差 {fmt(pv - s)}{ctx.unit_of(t)}。"
                        "请核对下级科目是否漏列或金额是否填错。",
                        table=t.id, row=prow, column=col,
                        values={"上级科目": fmt(pv), "下级科目之和": fmt(s)}, rows=parts,
                    )
    if not found:
        ctx.skip("没有同时列示上级与下级科目的表")
