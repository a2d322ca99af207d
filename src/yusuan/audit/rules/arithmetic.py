"""Arithmetic within a table: across a row (合计 = 基本 + 项目 …) and down a column
(合计 = Σ 类)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from yusuan.audit.context import RuleContext, row_label, table_name, total_row, where
from yusuan.audit.registry import rule
from yusuan.audit.rules._common import check_sum, col_zh
from yusuan.audit.tolerance import Money, fmt, growth_range, last_place_off, within_percent
from yusuan.catalogue import PROCUREMENT_CATEGORIES, SPENDING_PARTS
from yusuan.codes import kind_of
from yusuan.model import Row, Severity, Table
from yusuan.parsing.selfcheck import group_identities

_CITE = "《地方预决算公开操作规程》要求公开的预算表完整、准确，表内数据应自洽。"


def _has(table: Table, *keys: str) -> bool:
    present = {c.key for c in table.columns} | {k for r in table.rows for k in r.values}
    return all(k in present for k in keys)


_OTHER_SPENDING = SPENDING_PARTS[2:]  # beside 基本支出 and 项目支出


def _money_tables(ctx: RuleContext) -> list[Table]:
    return ctx.readable(ctx.disclosure.tables)


@rule(
    "SUM001",
    "行内：合计 = 基本支出 + 项目支出",
    Severity.ERROR,
    what="在列有“合计、基本支出、项目支出”的表（支出总表、一般公共预算支出表、政府性基金预算支出表等）中，"
    "逐行核对合计是否等于基本支出与项目支出之和（基本支出拆为人员经费、公用经费时取二者之和）；表中另列经营支出、"
    "上缴上级支出、对附属单位补助支出、单位预留机动经费、结转下年等栏的，一并计入。",
    why="合计栏是基本支出与项目支出的加总，二者不等说明表内有错填或漏填。" + _CITE,
    failing="支出总表“2101501 行政运行”：合计 165.37，基本支出 165.33，项目支出 0.50（165.83 ≠ 165.37）。",
    passing="“2101501 行政运行”：合计 165.37，基本支出 165.33，项目支出 0.05（差 0.01 在四舍五入误差内）。",
)
def sum_total_basic_project(ctx: RuleContext) -> None:
    tables = [t for t in _money_tables(ctx) if _has(t, "total") and (_has(t, "basic", "project")
              or _has(t, "personnel", "public", "project"))]
    if not tables:
        ctx.skip("没有同时列示合计、基本支出、项目支出的表")
        return
    for t in tables:
        # Spending outside 基本/项目 that a 支出总表 may print beside them (江苏: 单位预留机动经费,
        # 结转下年资金; others: 经营支出, 上缴上级支出, 对附属单位补助支出) is part of 合计 too.
        extra = [k for k in _OTHER_SPENDING if _has(t, k)]
        named = "".join(f" + {col_zh(k)}" for k in extra)
        for r in t.rows:
            if "basic" in r.values:
                check_sum(ctx, t, r, "total", ["basic", "project", *extra], what=f"合计 = 基本支出 + 项目支出{named}")
            elif "personnel" in r.values or "public" in r.values or "project" in r.values:
                check_sum(ctx, t, r, "total", ["personnel", "public", "project", *extra],
                          what=f"合计 = 人员经费 + 公用经费 + 项目支出{named}")


@rule(
    "SUM002",
    "行内：基本支出 = 人员经费 + 公用经费",
    Severity.ERROR,
    what="在列有人员经费、公用经费的表中逐行核对基本支出（一般公共预算基本支出表中为合计）是否等于二者之和。",
    why="基本支出按定义由人员经费和公用经费组成。" + _CITE,
    failing="一般公共预算基本支出表“合计”行：合计 224.19，人员经费 216.58，公用经费 8.60（225.18 ≠ 224.19）。",
    passing="“合计”行：合计 224.19，人员经费 216.58，公用经费 7.60（差 0.01 在误差内）。",
)
def sum_basic_personnel_public(ctx: RuleContext) -> None:
    tables = [t for t in _money_tables(ctx) if _has(t, "personnel") or _has(t, "public")]
    if not tables:
        ctx.skip("没有列示人员经费、公用经费的表")
        return
    for t in tables:
        if _has(t, "basic"):
            target = "basic"
        elif t.id in ("gpb_basic_econ", "gpb_basic_func") and _has(t, "total"):
            target = "total"
        else:
            continue
        for r in t.rows:
            check_sum(ctx, t, r, target, ["personnel", "public"], what=f"{col_zh(target)} = 人员经费 + 公用经费")


_FISCAL_PARTS = ["general_budget", "general_budget_transfer", "gov_fund", "gov_fund_transfer",
                 "state_capital", "state_capital_transfer"]
_UNIT_PARTS = ["institution_income", "business_income", "upper_subsidy", "subordinate_remit", "other_income"]


@rule(
    "SUM003",
    "行内：合计 = 各资金来源之和",
    Severity.ERROR,
    what="在按资金来源分栏的表（收入总表、财政拨款收支总表、“三公”经费表等）中逐行核对：合计 = 财政拨款"
    "（或其各来源）+ 财政专户 + 单位资金（或其各项）+ 上年结转；财政拨款小计 = 一般公共预算 + 政府性基金 + "
    "国有资本经营（含上级转移支付）；单位资金 = 事业收入 + 经营收入 + 其他各项。",
    why="收入总表按资金来源分列，总计必须等于各来源之和，否则收入来源的公开数据不可信。" + _CITE,
    failing="收入总表“总计”行：总计 227.23，一般公共预算 227.19，单位资金 0.50（227.69 ≠ 227.23）。",
    passing="“总计”行：总计 227.23，一般公共预算 227.19，单位资金 0.05（差 0.01 是 0.05 由 464.81 元四舍五入所致）。",
)
def sum_funding_sources(ctx: RuleContext) -> None:
    tables = [t for t in _money_tables(ctx) if _has(t, "total") and any(_has(t, k) for k in
              [*_FISCAL_PARTS, "fiscal", "fiscal_special", "unit_funds", *_UNIT_PARTS])]
    if not tables:
        ctx.skip("没有按资金来源分栏的表")
        return
    for t in tables:
        for r in t.rows:
            v = r.values
            if "fiscal" in v and any(k in v for k in _FISCAL_PARTS):
                check_sum(ctx, t, r, "fiscal", _FISCAL_PARTS, what="财政拨款小计 = 各财政拨款来源之和")
            if "unit_funds" in v and any(k in v for k in _UNIT_PARTS):
                check_sum(ctx, t, r, "unit_funds", _UNIT_PARTS, what="单位资金 = 各项单位资金之和")
            if any(k in v for k in ("basic", "project", "personnel", "public")):
                continue  # a spending breakdown row: SUM001 covers it
            parts = ["fiscal"] if "fiscal" in v else list(_FISCAL_PARTS)
            parts += ["fiscal_special"] + (["unit_funds"] if "unit_funds" in v else list(_UNIT_PARTS))
            parts += ["carryover"]
            check_sum(ctx, t, r, "total", parts, what="合计 = 各资金来源之和")


def _level1(table: Table, side: str | None) -> list[Row]:
    return [r for r in table.rows if r.code.isdigit() and len(r.code) == 3 and (side is None or r.side in (side, None))]


@rule(
    "SUM004",
    "列内：合计行 = 各“类”级科目之和",
    Severity.ERROR,
    what="在按功能分类或经济分类列示的表中，逐栏核对合计（总计）行是否等于全部“类”级（3 位编码）科目行之和。",
    why="合计行是各类科目的加总；不等说明漏列了科目或合计填错。" + _CITE,
    failing="一般公共预算支出表：合计 228.19，而 205 教育支出 0.98 + 208 25.86 + 210 181.01 + 221 19.33 = 227.18。",
    passing="合计 227.19，各类之和 227.18（差 0.01 在 5 个印刷数的舍入误差 0.025 内）。",
)
def sum_column_total(ctx: RuleContext) -> None:
    found = False
    for t in _money_tables(ctx):
        for side in ({r.side for r in t.rows} or {None}):
            tot = total_row(t, side)
            if tot is None:
                continue
            groups: dict[str | None, list[Row]] = {}
            for k in _level1(t, side):
                groups.setdefault(kind_of(k.code), []).append(k)
            carried = any(not r.code and r.side == side and r.side is not None and "结转" in r.name
                          and any(r.values.values()) for r in t.rows)
            if carried:
                continue  # 支出总计 also covers 结转下年: not a pure 类 sum
            for kids in groups.values():
                found = True
                _column_sums(ctx, t, tot, kids)
    if not found:
        ctx.skip("没有同时含合计行和类级科目行的表")


def _column_sums(ctx: RuleContext, t: Table, tot: Row, kids: list[Row]) -> None:
    _sums_down(ctx, t, tot, kids, parts_are="类级科目", label=lambda k: k.code,
               advice="请核对是否漏列科目或合计数填错。", names=("合计", "各类之和"))


def _sums_down(ctx: RuleContext, t: Table, head: Row, rows: list[Row], *, parts_are: str,
               label: Callable[[Row], str], advice: str, names: tuple[str, str], shown: int = 8) -> None:
    """Each column of ``head`` against the sum of that column over ``rows``."""
    for col, value in head.values.items():
        parts = [r for r in rows if col in r.values]
        if not parts:
            continue
        ctx.checked()
        if ctx.sum_close(ctx.money(t, value), [ctx.money(t, r.values[col]) for r in parts]):
            continue
        s = sum((r.values[col] for r in parts), Decimal(0))
        listing = "、".join(f"{label(r)} {fmt(r.values[col])}" for r in parts[:shown])
        listing += "…" if len(parts) > shown else ""
        ctx.report(
            f"{table_name(t.id)}“{col_zh(col)}”栏{where(head)}：{row_label(head)} {fmt(value)}，"
            f"而 {len(parts)} 个{parts_are}（{listing}）之和为 {fmt(s)}，"
            f"相差 {fmt(value - s)}{ctx.unit_of(t)}。{advice}",
            table=t.id, row=head, column=col, values={names[0]: fmt(value), names[1]: fmt(s)}, rows=parts,
        )


_THREE = {"abroad", "reception", "vehicle", "vehicle_purchase", "vehicle_operation", "meeting", "training"}


@rule(
    "SUM005",
    "“三公”经费表：合计 = 出国 + 接待 + 公务用车；公务用车 = 购置 + 运行",
    Severity.ERROR,
    what="核对“三公”经费支出表中合计是否等于因公出国（境）费、公务接待费、公务用车购置及运行费之和，"
    "公务用车购置及运行费是否等于购置费与运行费之和（逐栏）。表名含会议费、培训费的（如“三公”经费、会议费、培训费"
    "支出预算表），合计还包括会议费和培训费；印有“三公”小计的，小计等于三项之和。",
    why="《地方预决算公开操作规程》要求公开“三公”经费预算并细化到三项；分项与合计不符则公开数据失真。",
    failing="合计 2.50，因公出国 0，公务接待 0.50，公务用车购置及运行 2.50（3.00 ≠ 2.50）。",
    passing="合计 2.50，公务用车购置及运行 2.50，其中运行费 2.50。",
)
def sum_three_public(ctx: RuleContext) -> None:
    tables = ctx.tables("three_public")
    if not tables:
        if ctx.disclosure.tables_by_id("three_public") or any(
            e.table_id == "three_public" and e.empty for e in ctx.disclosure.catalogue
        ):
            ctx.skip("“三公”经费表为空表")
        else:
            ctx.missing("未找到“三公”经费支出表（three_public）")
        return
    for t in tables:
        by = {r.code: r for r in t.rows if r.code in _THREE | {"TOTAL"}}
        tot, car = by.get("TOTAL"), by.get("vehicle")
        cols = sorted({c for r in by.values() for c in r.values})
        sub = next((r for r in t.rows if r.code == "three_public_subtotal"), None)
        # A "三公"经费、会议费、培训费 table (江苏): its 合计 covers 会议费 and 培训费 too, and a
        # "三公"小计 (when printed) covers the three items.
        also = [by[k] for k in ("meeting", "training") if k in by] if re.search("会议费|培训费", t.title) else []
        for col in cols:
            three = [by[k] for k in ("abroad", "reception", "vehicle") if k in by and col in by[k].values]
            if car is None:
                three += [by[k] for k in ("vehicle_purchase", "vehicle_operation") if k in by and col in by[k].values]
            more = [r for r in also if col in r.values]
            if sub is not None and col in sub.values:
                _check_rows(ctx, t, sub, three, col,
                            "“三公”小计 = 因公出国（境）费 + 公务接待费 + 公务用车购置及运行费")
                if tot and col in tot.values and more:
                    _check_rows(ctx, t, tot, [sub, *more], col, "合计 = “三公”小计 + 会议费 + 培训费")
            elif tot and col in tot.values:
                what = "合计 = 因公出国（境）费 + 公务接待费 + 公务用车购置及运行费" + ("".join(
                    f" + {r.name}" for r in more))
                _check_rows(ctx, t, tot, three + more, col, what)
            if car and col in car.values:
                parts = [by[k] for k in ("vehicle_purchase", "vehicle_operation") if k in by and col in by[k].values]
                _check_rows(ctx, t, car, parts, col, "公务用车购置及运行费 = 购置费 + 运行费")
        if tot is None:
            ctx.missing("“三公”经费表没有合计行")


def _check_rows(ctx: RuleContext, t: Table, total: Row, parts: list[Row], col: str, what: str) -> None:
    if not parts:
        return
    ctx.checked()
    tm = ctx.money(t, total.values[col])
    ms = [ctx.money(t, p.values[col]) for p in parts]
    if ctx.sum_close(tm, ms):
        return
    s = sum((p.values[col] for p in parts), Decimal(0))
    terms = " + ".join(f"{p.name or p.code} {fmt(p.values[col])}" for p in parts)
    ctx.report(
        f"{table_name(t.id)}“{col_zh(col)}”栏{where(total)}：{what}不成立——"
        f"{row_label(total)} {fmt(total.values[col])}，"
        f"而 {terms} = {fmt(s)}。请核对分项数字。",
        table=t.id, row=total, column=col, values={"合计": fmt(total.values[col]), "分项之和": fmt(s)}, rows=parts,
    )


@rule(
    "SUM006",
    "收支总表：收入总计 = 本年收入 + 上年结转结余",
    Severity.ERROR,
    what="在收支总表、财政拨款收支总表的收入方，核对收入总计是否等于本年收入合计与上年结转结余（决算表为"
    "年初结转和结余，另加使用非财政拨款结余）之和。",
    why="收入总计由本年收入和上年结转结余两部分组成。" + _CITE,
    failing="本年收入 3909.31，上年结转结余 3.00，收入总计 3909.31。",
    passing="本年收入 3909.31，上年结转结余 3.00，收入总计 3912.31。",
)
def sum_income_side(ctx: RuleContext) -> None:
    found = False
    for tid in ("summary", "fiscal_summary"):
        for t in ctx.tables(tid):
            tot = total_row(t, "income")
            year = next((r for r in t.rows if r.key == "year_total" and r.side == "income"), None)
            if tot is None or year is None or "total" not in tot.values or "total" not in year.values:
                continue
            found = True
            side = [r for r in t.rows if r.side == "income" and "total" in r.values]
            carry = [r for r in side if r.key == "carryover"][:1] or [
                r for r in side if r.key in ("carryover_fiscal", "carryover_nonfiscal")]
            carry += [r for r in side if r.key == "use_surplus"][:1]  # 决算: 使用非财政拨款结余
            _check_rows(ctx, t, tot, [year, *carry], "total", "收入总计 = 本年收入 + 上年结转结余")
    if not found:
        ctx.missing("未识别到收支总表收入方的本年收入合计与收入总计")


def _first_per_side(t: Table, pick: Callable[[Row], bool]) -> dict[str, Row]:
    out: dict[str, Row] = {}
    for r in t.rows:
        if r.side and pick(r) and "total" in r.values:
            out.setdefault(r.side, r)
    return out


def _panel_group_rows(t: Table, side: str) -> list[tuple[Row, str, list[Row]]]:
    """(group row, column, member rows) on one side: 财政拨款 over its funding sources (收入方),
    基本支出 / 项目支出 groups over the economic-class rows printed under them (经济分类方)."""
    rows = [r for r in t.rows if r.side == side]
    out: list[tuple[Row, str, list[Row]]] = []
    fiscal = next((r for r in rows if r.key == "fiscal" and "total" in r.values), None)
    if fiscal is not None:
        parts = [r for r in rows if r.key in _FISCAL_PARTS and "total" in r.values]
        if parts:
            out.append((fiscal, "total", parts))
    for key in ("basic", "project"):
        head = next((r for r in rows if r.key == key and "total" in r.values), None)
        parts = [r for r in rows if r.code.isdigit() and len(r.code) == 3 and key in r.values]
        if head is not None and parts:
            out.append((head, key, parts))
    return out


@rule(
    "SUM007",
    "收支总表：收入方与各支出方合计一致，各方分组 = 所属科目之和",
    Severity.ERROR,
    what="收支总表、财政拨款收支总表分为收入方和一个或多个支出方（按功能分类、部门经济分类、政府经济分类）。"
    "核对各方的总计是否相等、各支出方的本年支出合计是否相等；收入方“财政拨款”是否等于其下各资金来源之和；经济分类方"
    "“人员经费和公用经费（基本支出）”“专项业务经费（项目支出）”是否等于其下各经济类科目之和。",
    why="同一张总表的各方反映同一笔预算，合计必须相等，分组数必须等于组内科目之和。" + _CITE,
    failing="功能分类方本年支出合计 6045356.68，部门经济分类方本年支出合计 6054356.68。",
    passing="功能分类方、部门经济分类方、政府经济分类方本年支出合计均为 6045356.68。",
)
def sum_panels_agree(ctx: RuleContext) -> None:
    found = False
    for tid in ("summary", "fiscal_summary"):
        for t in ctx.tables(tid):
            for label, pick in (("总计", lambda r: r.code == "TOTAL"), ("本年合计", lambda r: r.key == "year_total")):
                per_side = _first_per_side(t, pick)
                if label == "本年合计":
                    # 本年收入 and 本年支出 differ by the carry-over in and out; only the
                    # spending panels restate one and the same 本年支出.
                    per_side.pop("income", None)
                if len(per_side) < 2:
                    continue
                found = True
                ref_side = "income" if "income" in per_side else sorted(per_side)[0]
                ref = per_side[ref_side]
                for side, r in sorted(per_side.items()):
                    if side != ref_side:
                        _check_pair(ctx, t, ref, r, label)
            for side in sorted({r.side for r in t.rows if r.side}):
                for head, col, parts in _panel_group_rows(t, side):
                    found = True
                    _check_group(ctx, t, head, col, parts)
    if not found:
        ctx.skip("收支总表没有可相互核对的多方合计或分组")


def _check_pair(ctx: RuleContext, t: Table, a: Row, b: Row, label: str) -> None:
    ctx.checked()
    if ctx.sum_close(ctx.money(t, a.values["total"]), [ctx.money(t, b.values["total"])]):
        return
    va, vb = a.values["total"], b.values["total"]
    ctx.report(
        f"{table_name(t.id)}各方{label}不一致：{row_label(a)}{where(a)} {fmt(va)}，"
        f"{row_label(b)}{where(b)} {fmt(vb)}，相差 {fmt(va - vb)}{ctx.unit_of(t)}。请核对各方合计。",
        table=t.id, row=b, column="total", values={"收入方": fmt(va), "支出方": fmt(vb)}, rows=[a],
    )


def _check_group(ctx: RuleContext, t: Table, head: Row, col: str, parts: list[Row]) -> None:
    ctx.checked()
    total = head.values["total"]
    if ctx.sum_close(ctx.money(t, total), [ctx.money(t, p.values[col]) for p in parts]):
        return
    s = sum((p.values[col] for p in parts), Decimal(0))
    terms = " + ".join(f"{p.code or p.name} {fmt(p.values[col])}" for p in parts)
    ctx.report(
        f"{table_name(t.id)}{where(head)}：“{row_label(head)}” {fmt(total)}，而其下各项（{terms}）之和为 {fmt(s)}，"
        f"相差 {fmt(total - s)}{ctx.unit_of(t)}。请核对分组数与明细。",
        table=t.id, row=head, column="total", values={"分组数": fmt(total), "明细之和": fmt(s)}, rows=parts,
    )


_ITEM_TEXT = ("item", "catalogue_no", "quantity", "measure_unit")
_ITEM_MONEY = ("unit_price", "project_budget")


def _is_item(row: Row) -> bool:
    """A purchase line of a 政府采购 table (it names what is bought or prices it)."""
    return any(row.text.get(k) for k in _ITEM_TEXT) or any(k in row.values for k in _ITEM_MONEY)


@rule(
    "SUM008",
    "政府采购表：合计、小计 = 其下各采购项目之和",
    Severity.ERROR,
    what="在逐项列示采购项目（采购物品名称、目录序号、数量、单价等）的政府采购预算表中，核对合计行是否等于全部采购"
    "项目行之和，各“小计”行是否等于其下（到下一个小计为止）的采购项目之和，逐栏核对；按货物、工程、服务分类列示"
    "的表，核对合计是否等于各类之和。",
    why="政府采购预算表的合计、小计是采购项目的加总，并与情况说明中的政府采购预算总额相互印证。"
    "《地方预决算公开操作规程》要求公开政府采购预算情况。",
    failing="合计 16.80；“局本级小计” 10.60，而其下采购项目“居民医保意外伤害认定调查外包服务费”为 16.80。",
    passing="合计 16.80，小计 16.80，其下唯一采购项目 16.80。",
)
def sum_procurement_items(ctx: RuleContext) -> None:
    found = False
    for t in ctx.tables("procurement"):
        items = [r for r in t.rows if _is_item(r)]
        if not items:
            found = _category_sums(ctx, t) or found
            continue
        total = total_row(t, None)
        if total is not None:
            found = True
            _item_sums(ctx, t, total, items)
        rows = list(t.rows)
        for i, head in enumerate(rows):
            if head.code == "TOTAL" or _is_item(head) or "小计" not in head.name or not head.values:
                continue
            below: list[Row] = []
            for r in rows[i + 1:]:
                if r.code == "TOTAL" or "小计" in r.name:
                    break
                if _is_item(r):
                    below.append(r)
            if below:
                found = True
                _item_sums(ctx, t, head, below)
    if not found:
        ctx.skip("没有逐项列示采购项目的政府采购表")


_CATEGORIES = set(PROCUREMENT_CATEGORIES.values())  # 货物 A / 工程 B / 服务 C group rows


def _category_sums(ctx: RuleContext, t: Table) -> bool:
    total = total_row(t, None)
    cats = [r for r in t.rows if r.key in _CATEGORIES and r.values]
    if total is None or not cats or len({r.key for r in cats}) < len(cats):
        return False  # a category named twice is not the top level
    _sums_down(ctx, t, total, cats, parts_are="采购品目大类", label=lambda r: r.name,
               advice="请核对合计与货物、工程、服务各类之和。", names=("合计", "各类之和"), shown=3)
    return True


def _item_sums(ctx: RuleContext, t: Table, head: Row, items: list[Row]) -> None:
    _sums_down(ctx, t, head, items, parts_are="采购项目", label=lambda r: r.name,
               advice="请核对合计、小计与采购明细。", names=("合计/小计", "采购项目之和"), shown=5)


@rule(
    "SUM009",
    "分组合计：小计 = 其下各项，本年收入 = 各收入项，支出总计 = 本年支出 + 结转，合计 = 各单位",
    Severity.ERROR,
    what="按项目分组列示的表（如江苏“收入预算总表”的“一般公共预算资金/小计”）核对每组小计是否等于其下各项、总计是否等于"
    "各组小计；收支总表、财政拨款收支总表“支出用途”栏的基本支出、项目支出、单位预留机动经费之和是否等于本年支出；"
    "收入方逐级核对：本年收入 = 财政拨款（或其各来源）+ 财政专户 + 单位资金（或其各项），财政拨款 = 各来源，"
    "单位资金 = 各项，上年结转结余 = 财政拨款结转 + 非财政拨款结转结余（及其各项），空白按零计，至少列出两项时才核对；"
    "支出方核对支出总计 = 本年支出 + 结转下年（年末结转和结余、结余分配）；按单位列示的表中合计是否等于各单位之和。",
    why="小计、合计是其下各项的加总，不等说明漏列或错填。" + _CITE,
    failing="财政拨款收支总表支出合计 13649.07，而基本支出 7666.68 + 项目支出 5853.96 + 单位预留机动经费 828.43"
    " = 14349.07。",
    passing="基本支出 7666.68 + 项目支出 5853.96 + 单位预留机动经费 128.43 = 13649.07。",
)
def group_sums(ctx: RuleContext) -> None:
    for table in _money_tables(ctx):
        checks, failed = group_identities(table)
        ctx.checked(checks)
        for what in failed:
            ctx.report(f"{table_name(table.id)}{where(source=table.source)}：{what}不成立。请核对合计与各项。",
                       table=table.id, source=table.source, values={"关系": what})
    if not ctx.checks:
        ctx.skip("没有分组列示的合计")


@rule(
    "SUM010",
    "表中增减额、增减率与上年数、本年数不符",
    Severity.ERROR,
    what="表格在本年数旁列出上年数、增减额、增减率时，逐行核对增减额是否等于本年数减上年数，增减率是否等于增减额除以"
    "上年数（计入印刷精度，末位相差一个单位视为舍入）；上年数为零的行不核对增减率。",
    why="增减额、增减率由同一行的两个数算出，不符说明其中有数填错。" + _CITE,
    failing="上年预算数 12.00，本年预算数 10.00，增减额 -3.00。",
    passing="上年预算数 12.00，本年预算数 10.00，增减额 -2.00，增减率 -16.67%。",
)
def change_columns(ctx: RuleContext) -> None:
    for t in _money_tables(ctx):
        for row in t.rows:
            v = row.values
            if "prior" not in v or "total" not in v:
                continue
            prior, current = ctx.money(t, v["prior"]), ctx.money(t, v["total"])
            head = f"{table_name(t.id)}{where(row)}：{row_label(row)} 本年 {fmt(v['total'])}、上年 {fmt(v['prior'])}，"
            if "change" in v:
                ctx.checked()
                change = ctx.money(t, v["change"])
                if not ctx.sum_close(change, [current, Money(-prior.value, prior.unit)]):
                    ctx.report(
                        f"{head}增减额应为 {fmt(v['total'] - v['prior'])}，表中为 {fmt(v['change'])}。请核对。",
                        table=t.id, row=row, column="change",
                        values={"增减额": fmt(v["change"]), "本年减上年": fmt(v["total"] - v["prior"])},
                    )
            rate = _rate(row.text.get("change_pct", ""))
            bounds = growth_range(current, prior) if rate is not None and v["prior"] > 0 else None
            if rate is None or bounds is None:
                continue
            ctx.checked()
            if within_percent(rate, bounds, ctx.tolerance.factor) or last_place_off(rate, bounds):
                continue
            ctx.report(
                f"{head}增减率应为 {(bounds[0] + bounds[1]) / 2:.2f}%，表中为 {fmt(rate)}%。请核对。",
                table=t.id, row=row, column="change_pct", values={"增减率": fmt(rate)},
            )
    if not ctx.checks:
        ctx.skip("没有列示上年数与增减的表")


def _rate(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except ArithmeticError:
        return None
