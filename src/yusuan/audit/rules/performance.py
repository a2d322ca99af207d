"""绩效目标 against the budget tables, and staffing figures."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from itertools import combinations

from yusuan.audit.context import RuleContext, table_name, where
from yusuan.audit.registry import rule
from yusuan.audit.rules._figures import total_of
from yusuan.audit.tolerance import Money, fmt, yuan_to
from yusuan.model import MoneyUnit, PerformanceTarget, Row, Severity, Table
from yusuan.text import squash

_CITE = "《地方预决算公开操作规程》要求部门预算公开时同步公开重点项目绩效目标；绩效目标金额应与预算一致。"


def _targets(ctx: RuleContext, scope: str) -> list[PerformanceTarget]:
    return [p for p in ctx.disclosure.performance if p.scope == scope]


@rule(
    "PRF001",
    "整体绩效目标的预算金额与预算总额一致",
    Severity.WARNING,
    what="单位整体绩效目标表中的年度预算金额，核对是否等于预算总额（支出总表、收支总表或收入总表的总计之一）。",
    why=_CITE,
    failing="整体绩效目标年度预算 230.00 万元，支出总表总计 227.23 万元。",
    passing="整体绩效目标年度预算 227.23 万元。",
)
def unit_target_amount(ctx: RuleContext) -> None:
    targets = [p if p.amount is not None else replace(p, amount=sum(p.funding.values(), Decimal(0)))
               for p in _targets(ctx, "unit") if p.amount is not None or p.funding]
    if not targets:
        ctx.missing("未识别到单位整体绩效目标的预算金额")
        return
    candidates: list[tuple[Table, Row]] = []
    for tid in ("expenditure", "summary", "income"):
        t = ctx.table(tid)
        tot = total_of(t) if t else None
        if t and tot and "total" in tot.values:
            candidates.append((t, tot))
    if not candidates:
        ctx.missing("未找到支出总表、收支总表或收入总表的总计")
        return
    for p in targets:
        ctx.checked()
        pm = Money(p.amount, p.unit)  # type: ignore[arg-type]
        if any(ctx.close(pm, ctx.money(t, r.values["total"])) for t, r in candidates):
            continue
        t, r = candidates[0]
        ctx.report(
            f"整体绩效目标“{p.name}”{where(source=p.source)}的预算金额 {fmt(p.amount)}{p.unit.value}"  # type: ignore[arg-type]
            f"与{table_name(t.id)}总计 {fmt(r.values['total'])}{ctx.unit_of(t)}不一致。请核对。",
            table=t.id, row=r, column="total", source=p.source,
            values={"绩效目标": fmt(p.amount), "预算总额": fmt(r.values["total"])},  # type: ignore[arg-type]
        )


_NON_FISCAL = ("其他", "单位资金", "自有", "事业收入", "经营", "非财政")


def _funding_off(ctx: RuleContext, amount: Decimal, funding: dict[str, Decimal],
                 unit: MoneyUnit) -> dict[str, Decimal] | None:
    """The sources that do not add up to the amount, or None. A 绩效目标表 may print two
    breakdowns of one amount side by side (财政资金/其他资金 and 当年财政拨款/上年结转资金):
    the sources then split into groups that each add up to it."""
    total = Money(amount, unit)
    items = list(funding.items())
    if ctx.sum_close(total, [Money(v, unit) for _, v in items]):
        return None
    for size in range(len(items) - 1, 0, -1):  # the fullest breakdown first
        for group in combinations(range(len(items)), size):
            inside = [items[i] for i in group]
            rest = [items[i] for i in range(len(items)) if i not in group]
            if ctx.sum_close(total, [Money(v, unit) for _, v in inside]):
                if ctx.sum_close(total, [Money(v, unit) for _, v in rest]):
                    return None
                return dict(rest)  # one breakdown adds up, the other does not
    return funding


@rule(
    "PRF002",
    "绩效目标的资金来源之和 = 预算金额；财政资金 = 财政拨款",
    Severity.WARNING,
    what="核对每个绩效目标的资金来源分项之和是否等于其预算金额；整体绩效目标中的财政资金是否等于收入总表的财政拨款合计。",
    why=_CITE,
    failing="整体绩效目标：上级安排 227.18 + 其他 0.05 = 227.23，但收入总表财政拨款 227.19（财政资金少 0.01）。",
    passing="财政资金 227.19 + 其他 0.04 …… 与财政拨款 227.19 一致。",
)
def target_funding(ctx: RuleContext) -> None:
    targets = [p for p in ctx.disclosure.performance if p.funding]
    if not targets:
        ctx.missing("未识别到绩效目标的资金来源")
        return
    income = ctx.table("income")
    itot = total_of(income) if income else None
    for p in targets:
        if p.amount is not None:
            ctx.checked()
            wrong = _funding_off(ctx, p.amount, p.funding, p.unit)
            if wrong is not None:
                s = sum(wrong.values(), Decimal(0))
                ctx.report(
                    f"绩效目标“{p.name}”{where(source=p.source)}：预算金额 {fmt(p.amount)}{p.unit.value}，"
                    f"资金来源（{'、'.join(f'{k} {fmt(v)}' for k, v in wrong.items())}）之和为 {fmt(s)}。请核对。",
                    source=p.source, values={"预算金额": fmt(p.amount), "资金来源之和": fmt(s)},
                )
        if p.scope != "unit" or income is None or itot is None:
            continue
        fiscal_v = itot.values.get("fiscal")
        if fiscal_v is None:
            fiscal_v = sum((itot.values.get(k, Decimal(0)) for k in ("general_budget", "general_budget_transfer",
                            "gov_fund", "gov_fund_transfer", "state_capital", "state_capital_transfer")), Decimal(0))
        fiscal_items = {k: v for k, v in p.funding.items() if not any(w in squash(k) for w in _NON_FISCAL)}
        if not fiscal_items or not fiscal_v:
            continue
        ctx.checked()
        fm = [Money(v, p.unit) for v in fiscal_items.values()]
        im = ctx.money(income, fiscal_v)
        if ctx.sum_close(im, fm):
            continue
        s = sum(fiscal_items.values(), Decimal(0))
        listing = "、".join(f"{k} {fmt(v)}" for k, v in fiscal_items.items())
        ctx.report(
            f"整体绩效目标“{p.name}”{where(source=p.source)}中财政资金（{listing}）"
            f"合计 {fmt(s)}{p.unit.value}，而收入总表财政拨款合计为 {yuan_to(p.unit, im.yuan)}{p.unit.value}。请核对。",
            table="income", row=itot, source=p.source,
            values={"绩效目标财政资金": fmt(s), "财政拨款": fmt(fiscal_v)},
        )


def _names_overlap(name: str, candidates: list[str]) -> bool:
    for c in candidates:
        s = squash(c)
        if len(s) >= 4 and (name in s or s in name):
            return True
    return False


@rule(
    "PRF003",
    "项目绩效目标金额与项目支出一致",
    Severity.WARNING,
    what="项目支出绩效目标的资金总额不应超过支出总表的项目支出合计；项目名称能在项目支出表中找到时，金额应与该行相等。",
    why=_CITE,
    failing="项目绩效目标资金 5.00 万元，项目支出表同名项目 3.00 万元。",
    passing="项目绩效目标资金 3.00 万元，项目支出表同名项目 3.00 万元。",
)
def project_target_amounts(ctx: RuleContext) -> None:
    targets = [p for p in _targets(ctx, "project") if p.amount is not None]
    if not targets:
        ctx.missing("未识别到项目绩效目标的金额")
        return
    spend = ctx.table("expenditure")
    stot = total_of(spend) if spend else None
    project_rows = [(t, r) for tid in ("gpb_project", "special_projects") for t in ctx.tables(tid) for r in t.rows]
    for p in targets:
        pm = Money(p.amount, p.unit)  # type: ignore[arg-type]
        name = squash(p.name)
        match = next(((t, r) for t, r in project_rows if len(name) >= 4 and "total" in r.values
                      and _names_overlap(name, [*r.text.values(), r.name])), None)
        if match:
            t, r = match
            ctx.checked()
            if not ctx.close(pm, ctx.money(t, r.values["total"])):
                ctx.report(
                    f"项目绩效目标“{p.name}”{where(source=p.source)}资金 {fmt(p.amount)}{p.unit.value}，"  # type: ignore[arg-type]
                    f"而{table_name(t.id)}同名项目{where(r)}为 {fmt(r.values['total'])}{ctx.unit_of(t)}。请核对。",
                    table=t.id, row=r, column="total", source=p.source,
                    values={"绩效目标": fmt(p.amount), "项目支出": fmt(r.values["total"])},  # type: ignore[arg-type]
                )
            continue
        if spend is not None and stot is not None and "project" in stot.values:
            ctx.checked()
            sm = ctx.money(spend, stot.values["project"])
            if pm.yuan > sm.yuan and not ctx.close(pm, sm):
                ctx.report(
                    f"项目绩效目标“{p.name}”{where(source=p.source)}资金 {fmt(p.amount)}{p.unit.value}，"  # type: ignore[arg-type]
                    f"超过支出总表项目支出合计 {fmt(stot.values['project'])}{ctx.unit_of(spend)}。请核对。",
                    table="expenditure", row=stot, column="project", source=p.source,
                    values={"绩效目标": fmt(p.amount), "项目支出合计": fmt(stot.values["project"])},  # type: ignore[arg-type]
                )
    if not ctx.checks:
        ctx.missing("未找到可与项目绩效目标核对的项目支出")


@rule(
    "STF001",
    "人员情况的数字不能加总",
    Severity.WARNING,
    what="核对人员情况：行政编制 + 事业编制（+ 同时列出的行政附属编制、工勤编制等）= 编制数；实有人数等于在职人数，"
    "或等于在职 + 退休 + 离休。",
    why="人员情况是基本支出（人员经费）的依据，数字应能加总。",
    failing="“编制数 15，实有人数 14 人，其中在职 10 人，退休 2 人，离休 0 人”。",
    passing="“实有人数 14 人，其中在职 12 人，退休 2 人，离休 0 人”。",
)
def staffing(ctx: RuleContext) -> None:
    s = ctx.disclosure.profile.staffing
    if all(v is None for v in (s.authorized, s.actual, s.in_service)):
        ctx.missing("未识别到人员情况")
        return
    if s.authorized is not None and s.authorized_admin is not None and s.authorized_institution is not None:
        ctx.checked()
        parts = s.authorized_admin + s.authorized_institution + (s.authorized_other or 0)
        if parts != s.authorized:
            other = f" + 其他编制 {s.authorized_other}" if s.authorized_other else ""
            ctx.report(
                f"人员情况{where(source=s.source)}：编制数 {s.authorized}，而行政编制 {s.authorized_admin} + 事业编制 "
                f"{s.authorized_institution}{other} = {parts}。请核对。",
                source=s.source,
            )
    if s.actual is not None and s.in_service is not None:
        ctx.checked()
        everyone = s.in_service + (s.retired or 0) + (s.retired_early or 0)
        if s.actual not in (s.in_service, everyone):
            ctx.report(
                f"人员情况{where(source=s.source)}：实有人数 {s.actual}，而在职 {s.in_service}"
                f"{'、退休 ' + str(s.retired) if s.retired is not None else ''}"
                f"{'、离休 ' + str(s.retired_early) if s.retired_early is not None else ''}，"
                f"既不等于在职人数，也不等于三者之和 {everyone}。请核对。",
                source=s.source,
            )
    if not ctx.checks:
        ctx.skip("人员情况只给出单个数字，无可加总项")


_LEVELS = (("上级", ("general_budget_transfer", "gov_fund_transfer", "state_capital_transfer"), "上级转移支付"),
           ("本级", ("general_budget", "gov_fund", "state_capital"), "本级财政拨款"))


@rule(
    "PRF004",
    "整体绩效目标的上级/本级资金与收入总表一致",
    Severity.WARNING,
    what="单位整体绩效目标表按“上级安排/本级安排”列示资金来源时，核对上级资金是否等于收入总表中上级转移支付合计，"
    "本级资金是否等于本级一般公共预算（及政府性基金、国有资本经营预算）合计。",
    why=_CITE + "资金来源层级填错会使绩效目标与预算脱节。",
    failing="整体绩效目标：上级安排 227.18，本级安排 0；收入总表：一般公共预算（本级）227.19，上级转移支付 0。",
    passing="整体绩效目标：上级资金 96.36，本级资金 307.49；收入总表上级转移支付 96.36，一般公共预算 307.49。",
)
def target_funding_levels(ctx: RuleContext) -> None:
    targets = [p for p in _targets(ctx, "unit") if p.funding]
    income = ctx.table("income")
    itot = total_of(income) if income else None
    if not targets:
        ctx.missing("未识别到整体绩效目标的资金来源")
        return
    if income is None or itot is None:
        ctx.missing("未找到收入总表合计行")
        return
    for p in targets:
        for word, cols, name in _LEVELS:
            items = {k: v for k, v in p.funding.items() if word in k}
            if not items:
                continue
            ctx.checked()
            stated = [Money(v, p.unit) for v in items.values()]
            present = [ctx.money(income, itot.values[c]) for c in cols if c in itot.values]
            table_sum = sum((m.yuan for m in present), Decimal(0))
            if ctx.tolerance.within(sum((m.yuan for m in stated), Decimal(0)), table_sum, [*stated, *present]):
                continue
            s = sum(items.values(), Decimal(0))
            listing = "、".join(f"{k} {fmt(v)}" for k, v in items.items())
            ctx.report(
                f"整体绩效目标“{p.name}”{where(source=p.source)}中{listing}，"
                f"而收入总表{name}合计为 {yuan_to(p.unit, table_sum)}{p.unit.value}。请核对资金来源。",
                table="income", row=itot, source=p.source,
                values={"绩效目标": fmt(s), "收入总表": yuan_to(p.unit, table_sum)},
            )
