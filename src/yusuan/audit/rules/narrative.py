"""Narrative (情况说明) against the tables and against itself: stated amounts, shares,
year-on-year changes, sums of items, repeated statements."""

from __future__ import annotations

import re
from decimal import Decimal

from yusuan.audit.context import RuleContext, table_name, where
from yusuan.audit.registry import rule
from yusuan.audit.rules._common import col_zh
from yusuan.audit.rules._figures import GUESS_CONFIDENCE, figure_money, figures, resolve, total_of
from yusuan.audit.tolerance import WAN, Money, fmt, yuan_to
from yusuan.model import Figure, MoneyUnit, NarrativeSection, Severity
from yusuan.text import decimals_of, normalize, squash

_CITE = "《地方预决算公开操作规程》要求对预算收支增减变化等情况作出说明，说明须与公开表格一致。"


def _half(value: Decimal) -> Decimal:
    return Decimal(5).scaleb(-decimals_of(value) - 1)


def _short(sentence: str, limit: int = 60) -> str:
    s = sentence.strip()
    return s if len(s) <= limit else s[: limit - 1] + "…"


@rule(
    "NAR001",
    "说明中的金额与表格不一致",
    Severity.ERROR,
    what="情况说明中每个能对应到表格单元格的金额（如“卫生健康支出 181.01 万元”对应一般公共预算支出表 210 合计），"
    "核对是否与表格相等（按印刷精度允许四舍五入）。",
    why=_CITE,
    failing="说明：“项目支出 3.50 万元”；一般公共预算支出表项目支出合计 3.00。",
    passing="说明：“项目支出 3.00 万元”；表格 3.00。",
)
def narrative_vs_table(ctx: RuleContext) -> None:
    any_figure = False
    for section, f in figures(ctx):
        any_figure = True
        res = resolve(ctx, section, f)
        if res is None:
            continue
        value = res.value
        tm = ctx.money(res.table, value) if value is not None else ctx.blank(res.table)
        fm = figure_money(f)
        ctx.checked()
        if ctx.restated(fm, tm):
            continue
        if value is not None and value != 0 and (fm.yuan == tm.yuan * WAN or fm.yuan * WAN == tm.yuan):
            continue  # a 元/万元 mix-up: UNT001 reports it
        shown = fmt(value) if value is not None else "空（0）"
        # a last-digit difference could come from rounding elsewhere: never an error
        tail = ctx.close(fm, tm)
        ctx.report(
            f"说明{where(source=f.source)}“{_short(f.sentence or f.subject)}”中"
            f"{f.subject} {fmt(f.amount)}{f.unit.value}，"
            f"而{table_name(res.table.id)}“{res.row.name or res.row.code}”行“{col_zh(res.column)}”栏为 {shown}"
            f"{tm.unit.value}，相差 {yuan_to(f.unit, fm.yuan - tm.yuan)}{f.unit.value}。请核对说明或表格。",
            table=res.table.id, row=res.row, column=res.column, source=f.source,
            values={"说明": fmt(f.amount), "表格": shown},
            confidence=GUESS_CONFIDENCE if res.guessed else None,
            severity=Severity.WARNING if tail and ctx.severity == Severity.ERROR else None,
        )
    if not any_figure:
        ctx.missing("未识别到说明中的金额")


def _share_bases(ctx: RuleContext, section: NarrativeSection, f: Figure) -> list[tuple[Money, str]]:
    bases: list[tuple[Money, str]] = []
    res = resolve(ctx, section, f)
    if res is not None:
        tot = total_of(res.table)
        if tot is not None and "total" in tot.values:
            bases.append((ctx.money(res.table, tot.values["total"]), f"{table_name(res.table.id)}合计"))
    previous = None
    for g in section.figures:
        if g is f:
            break
        if g.share is None and g.amount >= f.amount:
            previous = g
    if previous is not None:
        bases.append((figure_money(previous), f"{previous.subject}"))
    return bases


@rule(
    "NAR002",
    "占比与金额不符（占比 = 金额 ÷ 总额）",
    Severity.WARNING,
    what="对说明中“占 x%”的表述，用所述金额除以其总额（所引用表格的合计，或同一段中先行给出的总额）重新计算占比，"
    "考虑金额与百分比的印刷精度后仍不符的报告。",
    why="占比是公众理解支出结构的主要依据。" + _CITE,
    failing="“基本支出 224.19 万元，占 96.66%”，总额 227.23 万元（实为 98.66%）。",
    passing="“基本支出 224.19 万元，占 98.66%”，224.19 ÷ 227.23 = 98.662%。",
)
def shares(ctx: RuleContext) -> None:
    seen = False
    for section, f in figures(ctx):
        if f.share is None:
            continue
        seen = True
        bases = [(b, label) for b, label in _share_bases(ctx, section, f) if b.yuan > 0]
        if not bases:
            ctx.missing(f"无法确定“{f.subject}”占比的总额")
            continue
        ctx.checked()
        a = figure_money(f)
        ok, best = False, None
        for base, label in bases:
            computed = a.yuan / base.yuan * 100
            tol = _half(f.share) + 100 * (a.half / base.yuan + a.yuan * base.half / base.yuan**2)
            tol = tol * ctx.tolerance.factor
            if abs(computed - f.share) <= tol:
                ok = True
                break
            best = best or (base, label, computed)
        if ok or best is None:
            continue
        base, label, computed = best
        ctx.report(
            f"说明{where(source=f.source)}称{f.subject} {fmt(f.amount)}{f.unit.value}“占 {fmt(f.share)}%”，"
            f"但按{label} {fmt(base.value)}{base.unit.value} 计算应为 {computed:.2f}%。请核对占比或金额。",
            source=f.source, values={"金额": fmt(f.amount), "总额": fmt(base.value), "所述占比": fmt(f.share),
                                     "计算占比": f"{computed:.2f}"},
        )
    if not seen:
        ctx.skip("说明中没有占比表述") if any(True for _ in figures(ctx)) else ctx.missing("未识别到说明中的金额")


@rule(
    "NAR003",
    "增减百分比与增减额不符（变动率 = 增减额 ÷ 上年数）",
    Severity.WARNING,
    what="对“比上年增加/减少 x 万元，增长/下降 y%”的表述，以上年数 = 本年数 ∓ 增减额重新计算变动率，"
    "考虑印刷精度后仍不符的报告（上年数为零时不计算）。",
    why="增减变化是预算说明的必备内容。" + _CITE,
    failing="“227.19 万元，比上年减少 37.68 万元，下降 16.23%”（37.68 ÷ 264.87 = 14.23%）。",
    passing="“227.19 万元，比上年减少 37.68 万元，下降 14.23%”。",
)
def year_on_year(ctx: RuleContext) -> None:
    seen = False
    for _section, f in figures(ctx):
        ch = f.change
        if ch is None or ch.amount is None or ch.percent is None:
            continue
        seen = True
        sign = Decimal(-1) if ch.direction == "decrease" else Decimal(1)
        prior = f.amount - sign * ch.amount
        if prior <= 0:
            continue  # no base last year: "增长 100%" is a convention, not arithmetic
        ctx.checked()
        pct = ch.amount / prior * 100
        tol = _half(ch.percent) + 100 * (_half(ch.amount) / prior
                                         + ch.amount * (_half(f.amount) + _half(ch.amount)) / prior**2)
        if abs(pct - ch.percent) <= tol * ctx.tolerance.factor:
            continue
        verb = "减少" if ch.direction == "decrease" else "增加"
        ctx.report(
            f"说明{where(source=f.source)}称{f.subject} {fmt(f.amount)}{f.unit.value}，比上年{verb} {fmt(ch.amount)}"
            f"{f.unit.value}、变动 {fmt(ch.percent)}%；按上年数 {fmt(prior)} 计算变动率应为 {pct:.2f}%。请核对。",
            source=f.source, values={"本年": fmt(f.amount), "增减额": fmt(ch.amount), "所述变动率": fmt(ch.percent),
                                     "计算变动率": f"{pct:.2f}"},
        )
    if not seen:
        ctx.skip("说明中没有同时给出增减额和变动率的表述")


@rule(
    "NAR004",
    "同一数额在说明中前后表述不一",
    Severity.WARNING,
    what="说明中指向同一表格单元格（同一科目、同一栏目）的金额或增减额多次出现时，核对各处是否相同。",
    why="同一事项前后说法不一会误导读者。" + _CITE,
    failing="第三部分称“项目支出 3.05 万元，减少 0.45 万元”，第五部分称同一项目支出“减少 0.50 万元”。",
    passing="两处均为“3.05 万元，减少 0.45 万元”。",
)
def repeated_statements(ctx: RuleContext) -> None:
    groups: dict[tuple[str, str, str], list[Figure]] = {}
    by_subject: dict[tuple[str, str, Decimal], list[Figure]] = {}
    for section, f in figures(ctx):
        res = resolve(ctx, section, f)
        if res is not None and not res.guessed:
            groups.setdefault(res.key, []).append(f)
        if f.change is not None and f.change.amount is not None and f.amount:
            # same topic only: 项目支出 of all funds and of 一般公共预算 may differ in their change
            by_subject.setdefault((section.topic, squash(f.subject), figure_money(f).yuan), []).append(f)
    if not groups and not by_subject:
        ctx.missing("没有可对应到表格的说明金额")
        return
    _changes_agree(ctx, by_subject)
    for key, fs in groups.items():
        if len(fs) < 2:
            continue
        first = fs[0]
        for other in fs[1:]:
            ctx.checked()
            if not ctx.restated(figure_money(first), figure_money(other)):
                ctx.report(
                    f"说明中{first.subject}先后表述为 {fmt(first.amount)}{first.unit.value}{where(source=first.source)}"
                    f"和 {fmt(other.amount)}{other.unit.value}{where(source=other.source)}（均指{table_name(key[0])}"
                    f" {key[1]} {col_zh(key[2])}）。请统一。",
                    table=key[0], column=key[2], source=other.source,
                    values={"第一处": fmt(first.amount), "第二处": fmt(other.amount)},
                )
                continue
            a, b = first.change, other.change
            if (a and b and a.amount is not None and b.amount is not None and a.direction == b.direction
                    and not ctx.close(Money(a.amount, first.unit), Money(b.amount, other.unit))):
                ctx.report(
                    f"说明中{first.subject}的增减额先后表述为 {fmt(a.amount)}{first.unit.value}"
                    f"{where(source=first.source)}和 {fmt(b.amount)}{other.unit.value}"
                    f"{where(source=other.source)}。请统一。",
                    table=key[0], column=key[2], source=other.source,
                    values={"第一处": fmt(a.amount), "第二处": fmt(b.amount)},
                )


def _changes_agree(ctx: RuleContext, by_subject: dict[tuple[str, str, Decimal], list[Figure]]) -> None:
    """The same subject stated with the same amount must state the same change."""
    for fs in by_subject.values():
        first = fs[0]
        for other in fs[1:]:
            a, b = first.change, other.change
            if a is None or b is None or a.amount is None or b.amount is None:
                continue
            ctx.checked()
            if a.direction == b.direction and ctx.restated(Money(a.amount, first.unit), Money(b.amount, other.unit)):
                continue
            verb = {"decrease": "减少", "increase": "增加"}
            ctx.report(
                f"说明中{first.subject} {fmt(first.amount)}{first.unit.value}的增减额前后不一："
                f"{where(source=first.source)}称比上年"
                f"{verb.get(a.direction, '')} {fmt(a.amount)}，{where(source=other.source)}称比上年"
                f"{verb.get(b.direction, '')} {fmt(b.amount)}。请统一。",
                source=other.source, values={"第一处": fmt(a.amount), "第二处": fmt(b.amount)},
            )


@rule(
    "NAR005",
    "说明中的分项之和与其总额不符",
    Severity.WARNING,
    what="同一段说明先给出总额（如“收入预算 227.23 万元，其中：”），再列出带占比的分项时，"
    "核对分项之和：超过总额，或占比合计为 100% 而金额之和不等于总额的报告。",
    why="分项是对总额的分解，应能加总。" + _CITE,
    failing="“支出预算 227.23 万元，其中：基本支出 224.19 万元，占 98.66%；项目支出 4.05 万元，占 1.34%”。",
    passing="“……基本支出 224.19 万元，占 98.66%；项目支出 3.05 万元，占 1.34%”（和 227.24，舍入误差内）。",
)
def items_add_up(ctx: RuleContext) -> None:
    seen = False
    for section in ctx.disclosure.narrative:
        figs = list(section.figures)
        i = 0
        while i < len(figs):
            total = figs[i]
            j = i + 1
            while j < len(figs) and figs[j].share is not None:
                j += 1
            parts = figs[i + 1 : j]
            i = j if j > i + 1 else i + 1
            if total.share is not None or len(parts) < 2:
                continue
            seen = True
            ctx.checked()
            tm = figure_money(total)
            pm = [figure_money(p) for p in parts]
            s = sum((p.yuan for p in pm), Decimal(0))
            share_sum = sum((p.share for p in parts if p.share is not None), Decimal(0))
            complete = abs(share_sum - 100) <= Decimal("0.05") * len(parts) + Decimal("0.05")
            if ctx.sum_close(tm, pm) or (s < tm.yuan and not complete):
                continue
            names = "、".join(f"{p.subject} {fmt(p.amount)}" for p in parts)
            ctx.report(
                f"说明{where(source=total.source)}中{total.subject} {fmt(total.amount)}{total.unit.value}，"
                f"其分项（{names}）之和为 {yuan_to(total.unit, s)}{total.unit.value}"
                f"{'，超过总额' if s > tm.yuan else '（占比合计 ' + fmt(share_sum) + '%）'}。请核对分项与总额。",
                source=total.source, values={"总额": fmt(total.amount), "分项之和": yuan_to(total.unit, s)},
            )
    if not seen:
        ctx.skip("说明中没有“总额 + 带占比分项”的段落") if ctx.disclosure.narrative else ctx.missing("未识别到情况说明")


_NUM = r"(\d+(?:\.\d+)?)\s*(万元|元)"
_DIFF = re.compile(
    rf"(\d{{4}})年[^，。；;,\d]{{0,20}}?{_NUM}[，,]\s*(\d{{4}})年[^，。；;,\d]{{0,20}}?{_NUM}[，,]\s*"
    rf"(?:较|比)(?:上年|\d{{4}}年)[^，。；;,\d]{{0,12}}?{_NUM}"
)


def _yuan(value: str, unit: str) -> Money:
    return Money(Decimal(value), MoneyUnit.WAN if unit == "万元" else MoneyUnit.YUAN)


@rule(
    "NAR006",
    "说明中所述差额与两年金额之差不符",
    Severity.WARNING,
    what="对“2024 年拨付 3.5 万元，2025 年拨付 3 万元，较上年少拨付 0.5 万元”一类表述，"
    "核对所述差额是否等于两个金额之差。",
    why="增减原因中的数字应能自洽，否则说明不可信。" + _CITE,
    failing="“专项资金 2024 年拨付 3.5 万元，2025 年拨付 3 万元，较上年少拨付 5 万元”。",
    passing="“……较上年少拨付 0.5 万元”。",
)
def stated_difference(ctx: RuleContext) -> None:
    texts: dict[str, NarrativeSection] = {}
    for section in ctx.disclosure.narrative:
        texts.setdefault(section.text, section)
        for f in section.figures:
            if f.reason:
                texts.setdefault(f.reason, section)
    if not texts:
        ctx.missing("未识别到情况说明")
        return
    seen: set[str] = set()
    for text, section in texts.items():
        for m in _DIFF.finditer(normalize(text)):
            a, b, d = _yuan(m[2], m[3]), _yuan(m[5], m[6]), _yuan(m[7], m[8])
            ctx.checked()
            if ctx.tolerance.within(abs(a.yuan - b.yuan), d.yuan, [a, b, d]):
                continue
            if m.group(0) in seen:
                continue
            seen.add(m.group(0))
            ctx.report(
                f"说明“{section.heading}”{where(source=section.source)}：“{_short(m.group(0), 80)}”——"
                f"{m[1]} 年 {m[2]}{m[3]} 与 {m[4]} 年 {m[5]}{m[6]} 相差 "
                f"{yuan_to(d.unit, abs(a.yuan - b.yuan))}{d.unit.value}，"
                f"不是所述的 {m[7]}{m[8]}。请更正。",
                source=section.source, values={"前一年": m[2], "后一年": m[5], "所述差额": m[7]},
            )


@rule(
    "NAR007",
    "政府采购：货物 + 工程 + 服务 = 合计，预留份额不超过合计",
    Severity.WARNING,
    what="核对政府采购说明中货物、工程、服务三类预算之和是否等于政府采购预算总额，"
    "面向中小企业预留金额不超过总额，其中小微企业预留不超过中小企业预留。",
    why="《地方预决算公开操作规程》要求公开政府采购预算情况；中小企业预留比例须按政府采购促进中小企业发展的规定落实。",
    failing="“政府采购预算 4.90 万元，其中货物 1.77 万元，工程 0，服务 3.31 万元”。",
    passing="“政府采购预算 4.90 万元，其中货物 1.77 万元，工程 0，服务 3.13 万元”。",
)
def procurement_sums(ctx: RuleContext) -> None:
    p = ctx.disclosure.procurement
    if p is None:
        ctx.missing("未识别到政府采购说明")
        return
    parts = [(n, v) for n, v in (("货物", p.goods), ("工程", p.works), ("服务", p.services)) if v is not None]
    if p.total is not None and parts:
        ctx.checked()
        tm = Money(p.total, p.unit)
        pm = [Money(v, p.unit) for _, v in parts]
        if not ctx.sum_close(tm, pm):
            s = sum((v for _, v in parts), Decimal(0))
            ctx.report(
                f"政府采购说明{where(source=p.source)}：总额 {fmt(p.total)}{p.unit.value}，而"
                + "、".join(f"{n} {fmt(v)}" for n, v in parts) + f" 之和为 {fmt(s)}{p.unit.value}。请核对。",
                source=p.source, values={"总额": fmt(p.total), "分项之和": fmt(s)},
            )
    for small, big, what in ((p.sme_reserved, p.total, "面向中小企业预留金额超过政府采购预算总额"),
                             (p.small_micro_reserved, p.sme_reserved, "小微企业预留金额超过中小企业预留金额")):
        if small is None or big is None:
            continue
        ctx.checked()
        if small > big and not ctx.close(Money(small, p.unit), Money(big, p.unit)):
            ctx.report(f"政府采购说明{where(source=p.source)}：{what}"
                       f"（{fmt(small)} > {fmt(big)}{p.unit.value}）。请核对。",
                       source=p.source, values={"预留": fmt(small), "上限": fmt(big)})


@rule(
    "NAR008",
    "机关运行经费不超过一般公共预算公用经费",
    Severity.WARNING,
    what="机关运行经费是行政单位（含参公事业单位）用一般公共预算安排的公用经费；核对其金额是否超过"
    "一般公共预算基本支出表的公用经费合计。",
    why="《地方预决算公开操作规程》要求公开机关运行经费；其口径为财政拨款基本支出中的公用经费。",
    failing="机关运行经费 9.60 万元，公用经费合计 7.60 万元。",
    passing="机关运行经费 7.60 万元 = 公用经费 7.60 万元。",
)
def operating_cost(ctx: RuleContext) -> None:
    oc = ctx.disclosure.operating_cost
    if oc is None:
        ctx.missing("未识别到机关运行经费说明")
        return
    econ = ctx.table("gpb_basic_econ")
    tot = total_of(econ) if econ else None
    if econ is None or tot is None or "public" not in tot.values:
        ctx.missing("未找到一般公共预算基本支出表的公用经费合计")
        return
    ctx.checked()
    om, pm = figure_money(oc), ctx.money(econ, tot.values["public"])
    if om.yuan <= pm.yuan or ctx.close(om, pm):
        return
    ctx.report(
        f"机关运行经费{where(source=oc.source)} {fmt(oc.amount)}{oc.unit.value}，"
        "超过一般公共预算基本支出表公用经费合计 "
        f"{fmt(tot.values['public'])}{pm.unit.value}。请核对口径。",
        table="gpb_basic_econ", row=tot, column="public", source=oc.source,
        values={"机关运行经费": fmt(oc.amount), "公用经费": fmt(tot.values["public"])},
    )


@rule(
    "NAR009",
    "“三公”经费说明：合计 = 各分项之和",
    Severity.WARNING,
    what="核对“三公”经费说明中的合计是否等于因公出国（境）费、公务接待费、公务用车购置及运行费之和，"
    "公务用车购置及运行费是否等于购置费与运行费之和。",
    why="《地方预决算公开操作规程》要求对“三公”经费作出说明，分项应能加总到合计。",
    failing="“三公”经费 2.50 万元，其中出国 0、购置 0、运行 2.50、接待 1.00。",
    passing="“三公”经费 2.50 万元，其中出国 0、购置 0、运行 2.50、接待 0。",
)
def three_public_narrative_sums(ctx: RuleContext) -> None:
    tp = ctx.disclosure.three_public
    if tp is None:
        ctx.missing("未识别到“三公”经费说明")
        return
    vehicle = tp.vehicle
    vparts = [v for v in (tp.vehicle_purchase, tp.vehicle_operation) if v is not None]
    checks = []
    if vehicle is not None and vparts:
        checks.append(("公务用车购置及运行费", vehicle, vparts))
    if tp.total is not None:
        car = [vehicle] if vehicle is not None else vparts
        parts = [v for v in (tp.abroad, tp.reception) if v is not None] + car
        if parts:
            checks.append(("“三公”经费合计", tp.total, parts))
    if not checks:
        ctx.skip("“三公”经费说明未列分项")
    for name, total, parts in checks:
        ctx.checked()
        if ctx.sum_close(Money(total, tp.unit), [Money(v, tp.unit) for v in parts]):
            continue
        s = sum(parts, Decimal(0))
        ctx.report(
            f"“三公”经费说明{where(source=tp.source)}：{name} {fmt(total)}{tp.unit.value}，"
            f"而分项之和为 {fmt(s)}{tp.unit.value}。请核对。",
            source=tp.source, values={name: fmt(total), "分项之和": fmt(s)},
        )
