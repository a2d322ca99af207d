"""Cross-table identities: one quantity printed in two tables must agree."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from yusuan.audit.context import RuleContext, row_label, table_name, total_row, where
from yusuan.audit.registry import rule
from yusuan.audit.rules._common import col_zh
from yusuan.audit.tolerance import Money, fmt, yuan_to
from yusuan.model import DocKind, Row, Severity, Table
from yusuan.text import squash

_CITE = "《地方预决算公开操作规程》要求各公开表口径一致、相互衔接。"


@dataclass(frozen=True)
class Cell:
    table: Table
    row: Row
    column: str

    @property
    def value(self) -> Decimal | None:
        return self.row.values.get(self.column)

    def describe(self) -> str:
        return f"{table_name(self.table.id)}“{row_label(self.row)}”行“{col_zh(self.column)}”栏{where(self.row)}"


def cell(table: Table | None, code: str, column: str, side: str | None = None) -> Cell | None:
    if table is None:
        return None
    for r in table.rows:
        if r.code == code and (side is None or r.side in (side, None)):
            return Cell(table, r, column)
    return None


def _money(ctx: RuleContext, c: Cell) -> Money:
    v = c.value
    return ctx.money(c.table, v) if v is not None else ctx.blank(c.table)


def compare(ctx: RuleContext, a: Cell | None, b: Cell | None, what: str, *, at_most: bool = False) -> None:
    """``a`` must equal ``b`` (or not exceed it with ``at_most``), within printed precision. A blank
    cell is zero; two blanks are not a check."""
    if a is None or b is None or (a.value is None and b.value is None):
        return
    ctx.checked()
    ma, mb = _money(ctx, a), _money(ctx, b)
    if ctx.close(ma, mb) or (at_most and ma.yuan <= mb.yuan):
        return
    unit = ma.unit
    diff = yuan_to(unit, ma.yuan - mb.yuan)
    relation = "不应大于" if at_most else "应等于"
    ctx.report(
        f"{what}：{a.describe()} 为 {fmt(a.value or Decimal(0))}{ma.unit.value}，{relation}"
        f"{b.describe()} 的 {fmt(b.value or Decimal(0))}{mb.unit.value}，相差 {diff}{unit.value}。请核对两表数字。",
        table=a.table.id, row=a.row, column=a.column,
        values={
            f"{a.table.id}.{a.row.code}.{a.column}": fmt(a.value or Decimal(0)),
            f"{b.table.id}.{b.row.code}.{b.column}": fmt(b.value or Decimal(0)),
        },
        rows=[a.row, b.row],
    )


def _coded(t: Table, side: str | None = None) -> dict[str, Row]:
    out: dict[str, Row] = {}
    for r in t.rows:
        if r.code.isdigit() and (side is None or r.side in (side, None)):
            out.setdefault(r.code, r)
    return out


@rule(
    "XTB001",
    "收支总表与收入总表、支出总表的总计及各类支出一致",
    Severity.ERROR,
    what="核对收支总表的收入总计 = 收入总表总计，支出总计 = 支出总表总计，支出方各类科目 = 支出总表同一科目合计。",
    why="收支总表是收入总表、支出总表的汇总。" + _CITE,
    failing="收支总表支出总计 227.23，支出总表总计 228.23。",
    passing="收支总表收入总计 227.23 = 收入总表总计 227.23；支出总计 227.23 = 支出总表总计 227.23。",
)
def summary_vs_totals(ctx: RuleContext) -> None:
    summary = ctx.table("summary")
    income, spend = ctx.table("income"), ctx.table("expenditure")
    if summary is None:
        ctx.missing("未找到收支总表（summary）")
        return
    if income is None and spend is None:
        ctx.missing("未找到收入总表和支出总表")
        return
    what = "收支总表与分表不一致"
    final = ctx.disclosure.meta.kind is DocKind.FINAL
    for side, other in (("income", income), ("expenditure", spend)):
        st = total_row(summary, side)
        if final:
            # 决算: 收入决算表 / 支出决算表 list the year's income and spending; the 收支总表's
            # 总计 adds 年初/年末结转和结余. Their 合计 restates 本年收入合计 / 本年支出合计.
            st = next((r for r in summary.rows if r.key == "year_total" and r.side == side), None)
        ot = total_row(other) if other else None
        if st and ot:
            compare(ctx, Cell(summary, st, "total"), Cell(other, ot, "total"), what)  # type: ignore[arg-type]
    if spend is not None:
        coded = _coded(spend)
        for code, r in _coded(summary, "expenditure").items():
            if len(code) == 3 and code in coded:
                compare(ctx, Cell(summary, r, "total"), Cell(spend, coded[code], "total"), what)


@rule(
    "XTB002",
    "收入总表与支出总表按功能科目一致",
    Severity.ERROR,
    what="预算收入总表与支出总表都按功能分类科目列示时，核对同一科目（及总计）的金额是否相等。",
    why="单位预算收支平衡，按功能科目列示的收入与支出应一一对应。" + _CITE,
    failing="收入总表 210 卫生健康支出 181.05，支出总表 210 卫生健康支出 181.50。",
    passing="收入总表与支出总表 210 卫生健康支出均为 181.05。",
)
def income_vs_expenditure(ctx: RuleContext) -> None:
    if ctx.disclosure.meta.kind is DocKind.FINAL:
        # 本年收入 and 本年支出 of a 决算 differ by the carry-over used and left, in total and
        # by 科目: nothing to compare.
        ctx.skip("决算：本年收入与本年支出因使用和留存结转结余而不必相等")
        return
    tables = ctx.need("income", "expenditure")
    if tables is None:
        return
    income, spend = tables
    a, b = _coded(income), _coded(spend)
    if not a or not b:
        ctx.skip("收入总表或支出总表未按功能科目列示")
        return
    ti, ts = total_row(income), total_row(spend)
    if ti and ts:
        compare(ctx, Cell(income, ti, "total"), Cell(spend, ts, "total"), "收入总表与支出总表总计不一致")
    for code in sorted(set(a) & set(b)):
        compare(ctx, Cell(income, a[code], "total"), Cell(spend, b[code], "total"),
                "收入总表与支出总表同一科目金额不一致")


@rule(
    "XTB003",
    "收入总计 = 支出总计",
    Severity.ERROR,
    what="在收支总表、财政拨款收支总表中核对收入总计是否等于支出总计。",
    why="部门预算坚持收支平衡，收入总计必须等于支出总计。" + _CITE,
    failing="财政拨款收支总表：收入总计 227.19，支出总计 227.91。",
    passing="收入总计 227.19 = 支出总计 227.19。",
)
def income_equals_spending(ctx: RuleContext) -> None:
    found = False
    for tid in ("summary", "fiscal_summary"):
        for t in ctx.tables(tid):
            ti, ts = total_row(t, "income"), total_row(t, "expenditure")
            if ti is None or ts is None or ti is ts:
                ctx.missing(f"{table_name(tid)}未分别识别出收入总计和支出总计")
                continue
            found = True
            compare(ctx, Cell(t, ti, "total"), Cell(t, ts, "total"), f"{table_name(tid)}收支不平衡")
    if not found and not ctx.missing_reasons:
        ctx.missing("未找到收支总表或财政拨款收支总表")


@rule(
    "XTB004",
    "一般公共预算支出表的基本支出 = 基本支出表合计",
    Severity.ERROR,
    what="核对一般公共预算支出表合计行的基本支出（及人员经费、公用经费）是否等于一般公共预算基本支出表"
    "（经济分类）的合计；有功能分类基本支出表时也与之核对。",
    why="同一笔一般公共预算基本支出分别按功能分类和经济分类公开，两种口径的合计必须一致。" + _CITE,
    failing="一般公共预算支出表基本支出 224.19，一般公共预算基本支出表合计 214.19。",
    passing="两表均为 224.19。",
)
def gpb_basic_consistent(ctx: RuleContext) -> None:
    econ = ctx.table("gpb_basic_econ")
    if econ is None:
        ctx.missing("未找到一般公共预算基本支出表（gpb_basic_econ）")
        return
    te = total_row(econ)
    if te is None:
        ctx.missing("一般公共预算基本支出表没有合计行")
        return
    what = "一般公共预算基本支出在两表中不一致"
    gpb = ctx.table("gpb_expenditure")
    tg = total_row(gpb) if gpb else None
    if gpb and tg and "basic" in tg.values:
        compare(ctx, Cell(gpb, tg, "basic"), Cell(econ, te, "total"), what)
        for col in ("personnel", "public"):
            if col in tg.values:
                compare(ctx, Cell(gpb, tg, col), Cell(econ, te, col), what)
    func = ctx.table("gpb_basic_func")
    tf = total_row(func) if func else None
    if func and tf:
        compare(ctx, Cell(func, tf, "total"), Cell(econ, te, "total"), what)
    if not ctx.checks:
        ctx.missing("未找到可与基本支出表核对的一般公共预算支出表基本支出合计")


@rule(
    "XTB005",
    "一般公共预算支出表的项目支出 = 项目支出表合计",
    Severity.ERROR,
    what="核对一般公共预算支出表合计行（及各功能科目）的项目支出是否等于一般公共预算项目支出表的合计（及同一科目）。",
    why="项目支出表是一般公共预算项目支出的明细。" + _CITE,
    failing="一般公共预算支出表项目支出 3.00，项目支出表合计 3.50。",
    passing="两表均为 3.00。",
)
def gpb_project_consistent(ctx: RuleContext) -> None:
    gpb = ctx.table("gpb_expenditure")
    proj = ctx.table("gpb_project") or ctx.table("special_projects")
    if gpb is None or proj is None:
        ctx.missing("未找到一般公共预算支出表或项目支出表（gpb_project / special_projects）")
        return
    tg, tp = total_row(gpb), total_row(proj)
    if tg is None or tp is None or "project" not in {c.key for c in gpb.columns} | set(tg.values):
        ctx.missing("未识别出两表的合计行或项目支出栏")
        return
    what = "一般公共预算项目支出在两表中不一致"
    compare(ctx, Cell(gpb, tg, "project"), Cell(proj, tp, "total"), what)
    a, b = _coded(gpb), _coded(proj)
    for code in sorted(set(a) & set(b)):
        if len(code) < 7 and sum(1 for r in proj.rows if r.code == code) == 1:
            compare(ctx, Cell(gpb, a[code], "project"), Cell(proj, b[code], "total"), what)


@rule(
    "XTB006",
    "财政拨款收支总表与一般公共预算支出表、收入总表一致",
    Severity.ERROR,
    what="核对财政拨款收支总表支出方的一般公共预算栏（合计及各类科目）是否等于一般公共预算支出表，"
    "政府性基金栏是否等于政府性基金预算支出表合计，收入总计是否等于收入总表的财政拨款合计。",
    why="财政拨款收支总表汇总一般公共预算、政府性基金、国有资本经营预算拨款。" + _CITE,
    failing="财政拨款收支总表 210 一般公共预算 181.01，一般公共预算支出表 210 合计 181.10。",
    passing="两表 210 卫生健康支出均为 181.01。",
)
def fiscal_summary_consistent(ctx: RuleContext) -> None:
    fs = ctx.table("fiscal_summary")
    if fs is None:
        ctx.missing("未找到财政拨款收支总表（fiscal_summary）")
        return
    what = "财政拨款收支总表与分表不一致"
    gpb = ctx.table("gpb_expenditure")
    ts = total_row(fs, "expenditure")
    col = "general_budget" if any("general_budget" in r.values for r in fs.rows if r.side != "income") else None
    if gpb is not None and col:
        tg = total_row(gpb)
        if ts and tg:
            compare(ctx, Cell(fs, ts, col), Cell(gpb, tg, "total"), what)
        coded = _coded(gpb)
        for code, r in _coded(fs, "expenditure").items():
            if code in coded:
                compare(ctx, Cell(fs, r, col), Cell(gpb, coded[code], "total"), what)
    fund = ctx.table("gov_fund")
    if fund is not None and ts and "gov_fund" in ts.values and total_row(fund):
        compare(ctx, Cell(fs, ts, "gov_fund"), Cell(fund, total_row(fund), "total"), what)  # type: ignore[arg-type]
    income = ctx.table("income")
    ti = total_row(fs, "income")
    if income is not None and ti is not None and ti is not ts:
        ii = total_row(income)
        if ii is not None and "fiscal" in ii.values and "total" in ti.values:
            # 收入总计 of the fiscal table includes 财政拨款结转 where the unit has one
            fm = ctx.money(fs, ti.values["total"])
            base = ctx.money(income, ii.values["fiscal"])
            carry = ctx.money(income, ii.values["carryover"]) if "carryover" in ii.values else None
            ctx.checked()
            if not (ctx.close(fm, base) or (carry and ctx.tolerance.within(fm.yuan, base.yuan + carry.yuan,
                                                                          [fm, base, carry]))):
                ctx.checks -= 1
                compare(ctx, Cell(fs, ti, "total"), Cell(income, ii, "fiscal"), what)
    if not ctx.checks:
        ctx.missing("财政拨款收支总表缺少可核对的栏目或对应分表")


@rule(
    "XTB007",
    "一般公共预算支出不超过全部支出",
    Severity.ERROR,
    what="同一功能科目的一般公共预算支出（合计、基本、项目）不应大于支出总表中该科目的全部支出。",
    why="一般公共预算是全部支出资金来源的一部分。" + _CITE,
    failing="支出总表 210 项目支出 3.05，一般公共预算支出表 210 项目支出 3.50。",
    passing="支出总表 210 项目支出 3.05 ≥ 一般公共预算支出表 3.00（差额为单位资金安排）。",
)
def gpb_within_expenditure(ctx: RuleContext) -> None:
    tables = ctx.need("gpb_expenditure", "expenditure")
    if tables is None:
        return
    gpb, spend = tables
    a, b = _coded(gpb), _coded(spend)
    pairs = [(a[c], b[c]) for c in sorted(set(a) & set(b))]
    tg, ts = total_row(gpb), total_row(spend)
    if tg and ts:
        pairs.insert(0, (tg, ts))
    for rg, rs in pairs:
        for col in ("total", "basic", "project"):
            if col in rg.values:
                compare(ctx, Cell(gpb, rg, col), Cell(spend, rs, col), "一般公共预算支出大于全部支出", at_most=True)
    if not ctx.checks:
        ctx.skip("两表没有共同科目")


_THREE_FIELDS = {
    "total": ("TOTAL", "“三公”经费合计"),
    "abroad": ("abroad", "因公出国（境）费"),
    "reception": ("reception", "公务接待费"),
    "vehicle": ("vehicle", "公务用车购置及运行费"),
    "vehicle_purchase": ("vehicle_purchase", "公务用车购置费"),
    "vehicle_operation": ("vehicle_operation", "公务用车运行费"),
    "meeting": ("meeting", "会议费"),
    "training": ("training", "培训费"),
}


def _three_row(t: Table, key: str) -> Row | None:
    return next((r for r in t.rows if r.code == key), None)


@rule(
    "XTB008",
    "“三公”经费说明与“三公”经费表一致",
    Severity.ERROR,
    what="核对情况说明中“三公”经费合计及各分项金额是否等于“三公”经费支出表的合计栏。",
    why="《地方预决算公开操作规程》要求公开“三公”经费预算表并对增减变化作出说明，说明与表格应一致。",
    failing="说明：“三公”经费 3.50 万元；表：合计 2.50。",
    passing="说明与表格均为 2.50 万元，其中公务用车运行费 2.50 万元。",
)
def three_public_narrative_vs_table(ctx: RuleContext) -> None:
    tp = ctx.disclosure.three_public
    if tp is None:
        if any(e.table_id == "three_public" and e.empty for e in ctx.disclosure.catalogue):
            ctx.skip("目录注明“三公”经费表为空表")
        else:
            ctx.missing("未识别到“三公”经费说明")
        return
    t = ctx.table("three_public")
    if t is None:
        declared = ctx.disclosure.tables_by_id("three_public")
        if declared:  # an empty table: every stated amount must be zero
            t = None
        else:
            ctx.missing("未找到“三公”经费支出表（three_public）")
            return
    for field, (key, name) in _THREE_FIELDS.items():
        stated = getattr(tp, field)
        if stated is None:
            continue
        sm = Money(stated, tp.unit)
        row = _three_row(t, key) if t is not None else None
        if field == "total" and t is not None:
            # A "三公"经费、会议费、培训费 table (江苏) totals 会议费 and 培训费 too; "三公"经费 is its 小计.
            row = _three_row(t, "three_public_subtotal") or row
        value = row.values.get("total") if row is not None else None
        if t is not None and row is None:
            if stated == 0:
                ctx.checked()
            continue
        ctx.checked()
        tm = ctx.money(t, value) if (t is not None and value is not None) else Money(Decimal(0), sm.unit, exact=True)
        if ctx.close(sm, tm):
            continue
        shown = fmt(value) if value is not None else "空（0）"
        ctx.report(
            f"“三公”经费说明{where(source=tp.source)}称{name} {fmt(stated)}{tp.unit.value}，"
            f"而“三公”经费支出表{where(row) if row else ''}为 {shown}{tm.unit.value}。请核对说明与表格。",
            table="three_public", row=row, column="total", source=tp.source,
            values={"说明": fmt(stated), "表格": shown},
        )


@rule(
    "XTB009",
    "“三公”公务用车运行费与基本支出表 30231 公务用车运行维护费一致",
    Severity.WARNING,
    what="核对“三公”经费表（或说明）中财政拨款安排的公务用车运行费，与一般公共预算基本支出表“30231 公务用车运行维护费”"
    "是否相等；运行费全部在基本支出中安排时二者应相等。",
    why="公务用车运行维护费是“三公”经费的组成部分，两处口径应衔接；运行费小于 30231 说明“三公”经费少报。",
    failing="“三公”公务用车运行费 2.00，基本支出表 30231 公务用车运行维护费 2.50。",
    passing="二者均为 2.50。",
)
def vehicle_operation_vs_30231(ctx: RuleContext) -> None:
    econ = ctx.table("gpb_basic_econ")
    if econ is None:
        ctx.missing("未找到一般公共预算基本支出表（gpb_basic_econ）")
        return
    if ctx.disclosure.three_public is None and any(
        e.table_id == "three_public" and e.empty for e in ctx.disclosure.catalogue
    ):
        ctx.skip("目录注明“三公”经费表为空表")
        return
    r30231 = next((r for r in econ.rows if r.code == "30231"), None) or next(
        # a table that numbers its own codes prints the same line under another code (COD004 reports it)
        (r for r in econ.rows if re.search(r"公务用车运行|车辆运行", squash(r.name))), None)
    t = ctx.table("three_public")
    op_cell: tuple[Money, str, Row | None] | None = None
    if t is not None:
        row = _three_row(t, "vehicle_operation")
        if row is not None:
            col = "general_budget" if "general_budget" in row.values else "total"
            v = row.values.get(col)
            op_cell = (ctx.money(t, v) if v is not None else ctx.blank(t), "“三公”经费支出表", row)
    if op_cell is None and ctx.disclosure.three_public and ctx.disclosure.three_public.vehicle_operation is not None:
        tp = ctx.disclosure.three_public
        op_cell = (Money(tp.vehicle_operation, tp.unit), "“三公”经费说明", None)  # type: ignore[arg-type]
    if op_cell is None:
        ctx.missing("未识别到“三公”公务用车运行费")
        return
    op, where_op, op_row = op_cell
    base = ctx.money(econ, r30231.values.get("total", Decimal(0))) if r30231 else ctx.blank(econ)
    if r30231 is None and op.yuan == 0:
        ctx.checked()
        return
    ctx.checked()
    if ctx.close(op, base):
        return
    unit = op.unit
    ctx.report(
        f"{where_op}公务用车运行费 {fmt(op.value)}{op.unit.value}，而一般公共预算基本支出表"
        f"“30231 公务用车运行维护费”{where(r30231) if r30231 else ''}为 {yuan_to(unit, base.yuan)}{unit.value}。"
        + ("运行费小于 30231，“三公”经费可能少报。" if op.yuan < base.yuan else
           "若差额由项目支出安排，请在说明中注明；否则请核对。"),
        table="three_public", row=op_row, column="vehicle_operation",
        values={"三公运行费": fmt(op.value), "30231": yuan_to(unit, base.yuan)},
    )


@rule(
    "XTB010",
    "全部支出均为一般公共预算时，各表同一功能科目金额一致",
    Severity.ERROR,
    what="当收支总表（或支出总表）的支出总计等于一般公共预算支出合计，即全部支出都由一般公共预算安排时，"
    "核对这些表中每个功能科目的金额是否都等于一般公共预算支出表中的同一科目。",
    why="没有其他资金来源时，同一科目在各表中是同一笔钱。" + _CITE,
    failing="收支总表与一般公共预算支出表合计均为 604.54 万元，但 210 卫生健康支出分别为 547.99 和 546.99。",
    passing="两表 210 卫生健康支出均为 546.99 万元。",
)
def same_scope_same_rows(ctx: RuleContext) -> None:
    gpb = ctx.table("gpb_expenditure")
    tg = total_row(gpb) if gpb else None
    if gpb is None or tg is None or "total" not in tg.values:
        ctx.missing("未找到一般公共预算支出表合计")
        return
    gm = ctx.money(gpb, tg.values["total"])
    gcoded = {c: r for c, r in _coded(gpb).items() if c.startswith("2")}
    compared = False
    for tid, side in (("summary", "expenditure"), ("expenditure", None)):
        t = ctx.table(tid)
        tt = total_row(t, side) if t else None
        if t is None or tt is None or "total" not in tt.values:
            continue
        if not ctx.close(ctx.money(t, tt.values["total"]), gm):
            continue  # other funds are involved: XTB007 checks the inequality
        compared = True
        for code, r in _coded(t, side).items():
            if code in gcoded and len(code) == 3:
                compare(ctx, Cell(t, r, "total"), Cell(gpb, gcoded[code], "total"),
                        "全部支出均为一般公共预算，但同一科目在两表中金额不同")
    if not compared:
        ctx.skip("支出中含一般公共预算以外的资金，或没有可比的表")


def _named(table: Table | None, name: str, column: str = "total", side: str | None = None) -> Cell | None:
    """A row printed with a label but no code ("基本支出" in a 收支总表's 支出用途 panel)."""
    if table is None:
        return None
    for r in table.rows:
        if not r.code and squash(r.name) == name and (side is None or r.side in (side, None)):
            return Cell(table, r, column)
    return None


def _total(table: Table | None, column: str = "total") -> Cell | None:
    row = total_row(table) if table is not None else None
    return Cell(table, row, column) if table is not None and row is not None else None


def _no_fund_basic(ctx: RuleContext) -> bool:
    """No 基本支出 from 政府性基金 or 国有资本经营 money: then the 财政拨款 and the 一般公共预算
    基本支出 are one amount."""
    for tid in ("gov_fund", "state_capital"):
        for t in ctx.disclosure.tables_by_id(tid):
            tot = total_row(t) if t.rows else None
            if tot is not None and any(v for k, v in tot.values.items() if k in ("basic", "total")):
                return False
    return True


@rule(
    "XTB011",
    "同一数额在两张表中不一致（基本支出、人员经费、公用经费、机关运行经费）",
    Severity.ERROR,
    what="同一数额在两张表中各印一次时核对二者相等：支出总表合计行的基本支出、项目支出、单位预留机动经费与收支总表"
    "“支出用途”栏的同名行；财政拨款收支总表的基本支出与财政拨款基本支出表合计；没有政府性基金、国有资本经营基本支出时，"
    "财政拨款基本支出表与一般公共预算基本支出表的合计、人员经费、公用经费；机关运行经费表合计与“三公”经费表中的"
    "机关运行经费。",
    why="同一个数在不同表中必须相同。" + _CITE,
    failing="财政拨款基本支出表合计 13979.92，一般公共预算基本支出表合计 13949.92（无基金基本支出）。",
    passing="两表均为 13979.92。",
)
def same_quantity(ctx: RuleContext) -> None:
    what = "同一数额在两表中不一致"
    exp, summary, fs = ctx.table("expenditure"), ctx.table("summary"), ctx.table("fiscal_summary")
    for column, name in (("basic", "基本支出"), ("project", "项目支出"), ("reserve", "单位预留机动经费")):
        compare(ctx, _total(exp, column), _named(summary, name, side="expenditure_purpose")
                or _named(summary, name, side="expenditure"), what)
    fiscal_basic, gpb_basic = ctx.table("fiscal_basic_econ"), ctx.table("gpb_basic_econ")
    compare(ctx, _named(fs, "基本支出", side="expenditure_purpose") or _named(fs, "基本支出", side="expenditure"),
            _total(fiscal_basic), what)
    if _no_fund_basic(ctx):
        for column in ("total", "personnel", "public"):
            compare(ctx, _total(fiscal_basic, column), _total(gpb_basic, column), what)
    three = ctx.table("three_public")
    operating = next((Cell(three, r, "total") for r in three.rows if r.code == "operating_cost"),
                     None) if three else None
    compare(ctx, _total(ctx.table("operating_costs")), operating, what)
    if not ctx.checks:
        ctx.missing("没有在两张表中各印一次的同一数额")
