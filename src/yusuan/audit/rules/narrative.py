"""Narrative (情况说明) against the tables and against itself: stated amounts, shares,
year-on-year changes, sums of items, repeated statements."""

from __future__ import annotations

import re
from decimal import Decimal

from yusuan.audit.context import RuleContext, table_name, where
from yusuan.audit.registry import rule
from yusuan.audit.rules._common import col_zh
from yusuan.audit.rules._figures import (
    basic_split,
    cell_money,
    figure_money,
    figures,
    resolve,
    split_value,
    total_of,
)
from yusuan.audit.tolerance import WAN, Money, fmt, last_place_off, percent_range, within_percent, yuan_to
from yusuan.model import Figure, MoneyUnit, NarrativeSection, Severity
from yusuan.parsing.subjects import path_prefix, rows_index
from yusuan.text import normalize, squash

_CITE = "《地方预决算公开操作规程》要求对预算收支增减变化等情况作出说明，说明须与公开表格一致。"


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
        tm = cell_money(ctx, res)
        fm = figure_money(f)
        ctx.checked()
        if ctx.restated(fm, tm):
            continue
        if value is not None and value != 0 and (fm.yuan == tm.yuan * WAN or fm.yuan * WAN == tm.yuan):
            continue  # a 元/万元 mix-up: UNT001 reports it
        shown = fmt(value) if value is not None else "空（0）"
        row_name = (res.row.name or res.row.code) if res.row else "合计"
        # A last-digit difference could come from rounding elsewhere, a link by a bare name
        # could be a namesake: warnings, not errors.
        doubtful = ctx.close(fm, tm) or not res.sure
        ctx.report(
            f"说明{where(source=f.source)}“{_short(f.sentence or f.subject)}”中"
            f"{f.subject} {fmt(f.amount)}{f.unit.value}，"
            f"而{table_name(res.table.id)}“{row_name}”行“{col_zh(res.column)}”栏为 {shown}"
            f"{tm.unit.value}，相差 {yuan_to(f.unit, fm.yuan - tm.yuan)}{f.unit.value}。请核对说明或表格。",
            table=res.table.id, row=res.row, column=res.column, source=f.source,
            values={"说明": fmt(f.amount), "表格": shown},
            confidence=f.confidence if f.confidence is not None and f.confidence < 1 else None,
            severity=Severity.WARNING if doubtful and ctx.severity == Severity.ERROR else None,
        )
    if not any_figure:
        ctx.missing("未识别到说明中的金额")


_THREE_PUBLIC_ITEMS = ("abroad", "reception", "vehicle")


def _stated_total(ctx: RuleContext, section: NarrativeSection, f: Figure, keys: tuple[str, ...]) -> list[Figure]:
    """Statements of the narrative whose key is one of ``keys``: the section's first, else the document's."""
    own = [g for g in section.figures if g.key in keys and g is not f]
    return own or [g for _, g in figures(ctx) if g.key in keys and g is not f]


def _share_bases(ctx: RuleContext, section: NarrativeSection, f: Figure) -> list[tuple[Money, str]]:
    """What a share may be a share of: what the text names ("占“三公”经费的", "占本年支出合计的"),
    else the total stated before it in the section and the total of the table it restates."""
    bases: list[tuple[Money, str]] = []
    of = squash(f.share_of)
    if "三公" in of:
        total = [g for g in _stated_total(ctx, section, f, ("three_public",)) if g.share is None]
        if total:
            bases.append((figure_money(total[0]), "“三公”经费"))
        items = {g.key: g for g in section.figures if g.key in _THREE_PUBLIC_ITEMS}
        if len(items) == len(_THREE_PUBLIC_ITEMS):
            parts = [figure_money(g) for g in items.values()]
            bases.append((Money(sum((p.yuan for p in parts), Decimal(0)) / parts[0].scale, parts[0].unit),
                          "“三公”经费各项之和"))
        return bases
    if "支出" in of or "收入" in of:
        side = "expenditure" if "支出" in of else "income"
        keys = (f"{side}_total", f"{side}_year_total")
        for g in _stated_total(ctx, section, f, keys)[:1]:
            bases.append((figure_money(g), g.subject))
    res = resolve(ctx, section, f)
    if res is not None and res.row is not None:
        tot = total_of(res.table)
        if tot is not None and "total" in tot.values and not (tot is res.row and res.column == "total"):
            bases.append((ctx.money(res.table, tot.values["total"]), f"{table_name(res.table.id)}合计"))
    previous = None
    for g in section.figures:
        if g is f:
            break
        if g.share is None and g.amount >= f.amount:
            previous = g
    if previous is not None:
        bases.append((figure_money(previous), previous.subject))
    return bases


@rule(
    "NAR002",
    "占比与金额不符（占比 = 金额 ÷ 总额）",
    Severity.WARNING,
    what="对说明中“占 x%”的表述，用所述金额除以其总额重新计算占比：说明写明“占……的”时取所写的总额（“三公”经费取"
    "三公合计或其各项之和，不含会议费、培训费），否则取同一段中先行给出的总额或所引用表格的合计；计入金额与百分比"
    "的印刷精度后仍不符的报告。",
    why="占比是公众理解支出结构的主要依据。" + _CITE,
    failing="“基本支出 224.19 万元，占 96.66%”，总额 227.23 万元（实为 98.66%）。",
    passing="“基本支出 224.19 万元，占 98.66%”，224.19 ÷ 227.23 = 98.662%。",
)
def shares(ctx: RuleContext) -> None:
    seen = False
    # (section heading, base label) -> the statements whose share misses that base
    missed: dict[tuple[str, str], list[tuple[Figure, Money, Decimal]]] = {}
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
        best = None
        for base, label in bases:
            bounds = percent_range(a, base)
            # A last digit off is how shares are made to add up to 100 %: rounding, not an error.
            if bounds is None or within_percent(f.share, bounds, ctx.tolerance.factor) or last_place_off(f.share,
                                                                                                        bounds):
                best = None
                break
            best = best or (base, label, (bounds[0] + bounds[1]) / 2)
        if best is not None:
            base, label, computed = best
            missed.setdefault((section.heading, label), []).append((f, base, computed))
    for (_heading, label), items in missed.items():
        f, base, computed = items[0]
        # Several shares of one paragraph missing the same total are one slip of the denominator.
        listing = "；".join(f"{g.subject} {fmt(g.amount)}{g.unit.value}“占 {fmt(g.share)}%”（应为 {c:.2f}%）"
                           for g, _, c in items)
        used = _denominator_used(ctx, items)
        ctx.report(
            f"说明{where(source=f.source)}称{listing}，"
            f"但按{label}（{fmt(base.value)}{base.unit.value}）计算不符{used}。请核对占比或金额。",
            source=f.source, values={"金额": fmt(f.amount), "总额": fmt(base.value), "所述占比": fmt(f.share),
                                     "计算占比": f"{computed:.2f}"},
        )
    if not seen:
        ctx.skip("说明中没有占比表述") if any(True for _ in figures(ctx)) else ctx.missing("未识别到说明中的金额")


def _denominator_used(ctx: RuleContext, items: list[tuple[Figure, Money, Decimal]]) -> str:
    """"——所述占比是按…计算的" when every stated share follows from one other printed total
    (a "三公" share taken of the 合计 that also holds 会议费 and 培训费)."""
    candidates: list[tuple[Money, str]] = []
    for t in ctx.disclosure.tables:
        tot = total_of(t) if t.rows else None
        if tot is not None and "total" in tot.values:
            candidates.append((ctx.money(t, tot.values["total"]), f"{table_name(t.id)}合计"))
    for base, label in candidates:
        if base.yuan <= 0:
            continue
        if all((b := percent_range(figure_money(g), base)) is not None
               and (within_percent(g.share or Decimal(0), b) or last_place_off(g.share or Decimal(0), b))
               for g, _, _ in items):
            return f"——所述占比是按{label} {fmt(base.value)}{base.unit.value} 计算的"
    return ""


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
        if res is not None and res.row is not None:
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
        # One finding per value that differs from the first statement, with every place it is printed.
        differing: dict[Decimal, list[Figure]] = {}
        for other in fs[1:]:
            ctx.checked()
            if not ctx.restated(figure_money(first), figure_money(other)):
                differing.setdefault(figure_money(other).yuan, []).append(other)
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
        for others in differing.values():
            other = others[0]
            places = "、".join(where(source=o.source).strip("（）") for o in others)
            ctx.report(
                f"说明中{first.subject}先后表述为 {fmt(first.amount)}{first.unit.value}{where(source=first.source)}"
                f"和 {fmt(other.amount)}{other.unit.value}（{places}）（均指{table_name(key[0])}"
                f" {key[1]} {col_zh(key[2])}）。请统一。",
                table=key[0], column=key[2], source=other.source,
                values={"第一处": fmt(first.amount), "第二处": fmt(other.amount)},
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
    split = basic_split(econ) if econ else None
    # Only a table that prints 公用经费 itself: where it is derived from the classes (江苏), the
    # documents define 机关运行经费 to include project spending on running costs (since 2017).
    if econ is None or split is None or not split.printed:
        ctx.missing("未找到一般公共预算基本支出表的公用经费合计")
        return
    ctx.checked()
    public, rows = split_value(split, "public")
    om, pm = figure_money(oc), ctx.money(econ, public)
    if om.yuan <= pm.yuan or ctx.close(om, pm):
        return
    ctx.report(
        f"机关运行经费{where(source=oc.source)} {fmt(oc.amount)}{oc.unit.value}，"
        f"超过一般公共预算基本支出表公用经费合计 {fmt(public)}{pm.unit.value}。请核对口径。",
        table="gpb_basic_econ", row=rows[0], column="public", source=oc.source,
        values={"机关运行经费": fmt(oc.amount), "公用经费": fmt(public)},
    )


_SPLIT_KEYS = {"personnel": ("personnel", "gpb"), "public": ("public", "gpb"),
               "fiscal_personnel": ("personnel", "fiscal"), "fiscal_public": ("public", "fiscal")}
_SPLIT_ZH = {"personnel": "人员经费", "public": "公用经费"}


@rule(
    "NAR020",
    "说明中的人员经费、公用经费与基本支出表不符",
    Severity.WARNING,
    what="基本支出表只按经济分类列示（没有人员经费、公用经费栏）时，说明中的人员经费按工资福利支出与对个人和家庭的补助"
    "之和核对，公用经费按其余各类（商品和服务支出、资本性支出等）之和核对（计入印刷精度）。表中印有人员经费、"
    "公用经费栏时由 NAR001 逐格核对。",
    why="人员经费、公用经费是基本支出按经济分类的两部分，说明须与公开表格一致。" + _CITE,
    failing="说明：“人员经费 6080.72 万元”；表中工资福利支出 2928.98 + 对个人和家庭的补助 3151.47 = 6080.45。",
    passing="说明：“人员经费 6080.72 万元”；表中 2928.98 + 3151.74 = 6080.72。",
)
def personnel_public(ctx: RuleContext) -> None:
    with_split = False
    for _section, f in figures(ctx):
        if f.key not in _SPLIT_KEYS or f.refers_to is not None:
            continue
        part, fund = _SPLIT_KEYS[f.key]
        ids = ("fiscal_basic_econ", "gpb_basic_econ") if fund == "fiscal" else ("gpb_basic_econ", "fiscal_basic_econ")
        table = next((t for t in (ctx.table(i) for i in ids) if t is not None), None)
        split = basic_split(table) if table else None
        if table is None or split is None or split.printed:
            continue
        with_split = True
        value, rows = split_value(split, part)
        ctx.checked()
        if ctx.sum_close(figure_money(f), [ctx.money(table, r.values["total"]) for r in rows]):
            continue
        parts = " + ".join(f"{r.name} {fmt(r.values['total'])}" for r in rows) or "无"
        zh, unit = _SPLIT_ZH[part], ctx.money(table, value).unit.value
        ctx.report(
            f"说明{where(source=f.source)}称{zh} {fmt(f.amount)}{f.unit.value}，而{table_name(table.id)}中"
            f"{parts} = {fmt(value)}{unit}（{zh}的口径）。请核对说明或表格。",
            table=table.id, rows=rows, source=f.source,
            values={"说明": fmt(f.amount), "表格": fmt(value)},
        )
    if not with_split:
        ctx.skip("说明中没有人员经费、公用经费，或基本支出表已列示这两栏")


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


# Below this likeness a 科目 name is other words, not an abbreviation (国土资源 for 自然资源).
_REWORDED = 0.85


@rule(
    "NAR019",
    "说明中的科目名称与表格不一致",
    Severity.WARNING,
    what="说明以“X（类）Y（款）Z（项）”列出的科目在表格中找不到，而同一类（款）下恰有一个金额相同的科目时，报告说明中"
    "写错的科目名称（款名写错、项名不存在或已更名），并给出表格中的编码与名称。",
    why="说明须与公开表格一致；科目名称写错会让读者无法对应表格。" + _CITE,
    failing="“住房保障支出（类）住房保障支出（款）住房公积金（项）289.59 万元”，"
    "表中为 2210201 住房改革支出/住房公积金 289.59。",
    passing="“住房保障支出（类）住房改革支出（款）住房公积金（项）289.59 万元”。",
)
def path_names(ctx: RuleContext) -> None:
    func = [t for t in ctx.readable(ctx.disclosure.tables) if any(r.code[:1] == "2" and r.code.isdigit()
                                                                  for r in t.rows)]
    if not func:
        ctx.missing("未找到按功能科目列示的表格")
        return
    rows = rows_index(func)
    names = {r.code: r.name for t in func for r in t.rows if r.code.isdigit()}
    seen = False
    for _section, f in figures(ctx):
        if f.code is not None and f.resolution == "similar" and f.code in names:
            seen = True
            ctx.checked()
            if (f.confidence or 1) >= _REWORDED:
                continue  # an abbreviation of the same words ("…养老保险费" for "…养老保险缴费支出")
            path = "/".join(names.get(f.code[:n], "") for n in range(3, len(f.code) + 1, 2))
            ctx.report(
                f"说明{where(source=f.source)}所列科目“{f.subject}”的名称与表格不同：表中 {f.code} 为 {path}"
                "（名称已更改或写错）。请按表格中的科目名称表述。",
                source=f.source, values={"说明科目": f.subject, "表格科目": f"{f.code} {path}"},
            )
            continue
        if f.code is not None:
            if f.code in names and path_prefix(f.subject, rows) is not None:
                seen = True
                ctx.checked()  # a path the tables print, name for name
            continue
        found = path_prefix(f.subject, rows)
        if found is None:
            continue
        seen = True
        prefix, length = found
        same = {r.code for t in func for r in t.rows
                if len(r.code) == length and r.code.startswith(prefix)
                and any(ctx.restated(figure_money(f), ctx.money(t, v)) for v in r.values.values())}
        if len(same) != 1:
            ctx.missing(f"无法确定“{f.subject}”对应的科目")
            continue
        ctx.checked()
        code = same.pop()
        path = "/".join(names.get(code[:n], "") for n in range(3, len(code) + 1, 2))
        ctx.report(
            f"说明{where(source=f.source)}所列科目“{f.subject}”在表格中没有；同一科目下金额相同（{fmt(f.amount)}"
            f"{f.unit.value}）的是 {code} {path}。请核对科目名称。",
            source=f.source, values={"说明科目": f.subject, "表格科目": f"{code} {path}"},
        )
    if not seen:
        ctx.skip("说明中的科目都能在表格中找到")
