"""Year-on-year statements and the consistency of one statement with itself.

Each statement (``Figure``) carries what the text says: its amount, a second amount for the
same item (``stated``), the prior-year amount (``prior``), the change (amount, percent,
direction word, basis, year compared with), the reason, and for 决算 the 年初预算 and
completion rate. These rules recompute what can be recomputed from the printed numbers,
always over the interval their printed precision allows: 0.40 → 0.52 万元 stated as +28.71 % is
fine (the 元 amounts 4,040 → 5,200 give it exactly), only a rate outside that interval is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from yusuan.audit.context import RuleContext, table_name, where
from yusuan.audit.registry import rule
from yusuan.audit.rules._figures import figure_money, figures, resolve
from yusuan.audit.tolerance import (
    Money,
    fmt,
    growth_range,
    growth_range_from_change,
    last_place_off,
    percent_range,
    within_percent,
    yuan_to,
)
from yusuan.model import Change, Figure, NarrativeSection, Severity

_CITE = "《地方预决算公开操作规程》要求对预算收支增减变化情况作出说明，说明中的数字须能自洽。"
_VERB = {"increase": "增加", "decrease": "减少", "flat": "持平"}


def _short(text: str, limit: int = 60) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _changes(f: Figure) -> Iterator[Change]:
    if f.change is not None:
        yield f.change
    yield from f.other_changes


def _sign(change: Change) -> int:
    return -1 if change.direction == "decrease" else 1


def _prior_money(f: Figure) -> Money | None:
    return Money(f.prior.amount, f.prior.unit) if f.prior is not None else None


def _said(f: Figure) -> str:
    return f"说明{where(source=f.source)}“{_short(f.sentence or f.subject)}”"


@contextmanager
def _applies(ctx: RuleContext, absent: str) -> Iterator[Callable[[], None]]:
    """Call the yielded function for each statement the rule applies to; a document with none
    goes to the ledger as "not applicable" with ``absent``."""
    seen: list[bool] = []
    yield lambda: seen.append(True)
    if not seen:
        ctx.skip(absent)


def _with_change(ctx: RuleContext) -> Iterator[tuple[NarrativeSection, Figure, Change]]:
    for section, f in figures(ctx):
        for change in _changes(f):
            yield section, f, change


@rule(
    "NAR003",
    "增减百分比与所述金额不符",
    Severity.ERROR,
    what="对“比上年增加/减少 x 万元，增长/下降 y%”或“上年数 a 万元，本年 b 万元，增长 y%”的表述，由所述的本年数与"
    "上年数（或本年数与增减额）重新计算变动率，计入各数字的印刷精度后仍落在区间之外的报告；上年数为零时不计算"
    "（见 NAR013）。",
    why=_CITE,
    failing="“227.19 万元，比上年减少 37.68 万元，下降 16.23%”（37.68 ÷ 264.87 = 14.23%）。",
    passing="“0.52 万元，上年 0.40 万元，增长 28.71%”（按印刷精度，区间为 27.2%～32.9%）。",
)
def stated_rate(ctx: RuleContext) -> None:
    with _applies(ctx, "说明中没有可重算的增减变动率") as applies:
        for _section, f, change in _with_change(ctx):
            if change.percent is None or change.direction == "flat":
                continue
            current = figure_money(f)
            prior = _prior_money(f)
            if prior is not None:
                if prior.yuan <= 0:
                    continue
                bounds = growth_range(current, prior)
                basis = f"上年数 {fmt(prior.value)}{prior.unit.value}"
            elif change.amount is not None:
                bounds = growth_range_from_change(current, Money(change.amount, f.unit), _sign(change))
                basis = f"增减额 {fmt(change.amount)}{f.unit.value}"
            else:
                continue
            applies()
            if bounds is None:
                continue
            ctx.checked()
            stated = change.percent * _sign(change)
            if within_percent(stated, bounds, ctx.tolerance.factor) or last_place_off(stated, bounds):
                continue  # a last digit off is how the rate was rounded (or truncated), not a wrong rate
            mid = (bounds[0] + bounds[1]) / 2
            ctx.report(
                f"{_said(f)}：{f.subject} {fmt(f.amount)}{f.unit.value}，{basis}，所述变动率 {fmt(stated)}%，"
                f"而按所述金额计算应为 {mid:.2f}%（印刷精度允许 {bounds[0]:.2f}%～{bounds[1]:.2f}%）。"
                "请核对变动率或金额。",
                source=f.source, values={"本年": fmt(f.amount), "所述变动率": fmt(stated), "计算变动率": f"{mid:.2f}"},
            )


@rule(
    "NAR010",
    "同一事项前后两个金额不一致（标题金额与“预算安排”金额）",
    Severity.ERROR,
    what="同一条说明先给出某科目的金额（如“X（项）220.63 万元”），随后又以“2023 年预算安排 441.25 万元”等形式"
    "再次给出本年金额时，核对两处是否相同。",
    why=_CITE,
    failing="“X（项）”220.63 万元……2023 年预算安排 441.25 万元。",
    passing="“X（项）”220.63 万元……2023 年预算安排 220.63 万元。",
)
def stated_twice(ctx: RuleContext) -> None:
    with _applies(ctx, "说明中没有对同一事项两次给出本年金额") as applies:
        for _section, f in figures(ctx):
            if f.stated is None:
                continue
            applies()
            ctx.checked()
            if ctx.restated(figure_money(f), Money(f.stated, f.unit)):
                continue
            ctx.report(
                f"{_said(f)}：{f.subject}先写 {fmt(f.amount)}{f.unit.value}，同一条中又写本年预算安排 "
                f"{fmt(f.stated)}{f.unit.value}。请核对是哪一个。",
                source=f.source, values={"第一处": fmt(f.amount), "第二处": fmt(f.stated)},
            )


@rule(
    "NAR011",
    "增减额与本年数、上年数之差不符",
    Severity.ERROR,
    what="同时给出上年数、本年数和增减额的表述，核对增减额是否等于本年数减上年数（计入印刷精度）。",
    why=_CITE,
    failing="“上年预算 50.00 万元，本年预算 60.00 万元，增加 12.00 万元”。",
    passing="“上年预算 50.00 万元，本年预算 60.00 万元，增加 10.00 万元”。",
)
def change_amount(ctx: RuleContext) -> None:
    with _applies(ctx, "说明中没有同时给出上年数、本年数和增减额的表述") as applies:
        for _section, f, change in _with_change(ctx):
            prior = _prior_money(f)
            if prior is None or change.amount is None or change.direction == "flat":
                continue
            applies()
            ctx.checked()
            current = figure_money(f)
            stated = Money(change.amount, f.unit)
            expected = current.yuan - prior.yuan
            if ctx.tolerance.within(stated.yuan * _sign(change), expected, [current, prior, stated]):
                continue
            ctx.report(
                f"{_said(f)}：{f.subject}上年 {fmt(prior.value)}{prior.unit.value}、"
                f"本年 {fmt(f.amount)}{f.unit.value}，"
                f"相差 {yuan_to(f.unit, expected)}{f.unit.value}，而所述{_VERB[change.direction]} "
                f"{fmt(change.amount)}{f.unit.value}。请核对。",
                source=f.source,
                values={"上年": fmt(prior.value), "本年": fmt(f.amount), "所述增减额": fmt(change.amount)},
            )


@rule(
    "NAR012",
    "增减方向与金额不符（说“增加”而本年数小于上年数，或相反）",
    Severity.ERROR,
    what="同时给出上年数和本年数的表述，核对“增加/增长”或“减少/下降”与两数的大小关系是否一致；“持平”见 NAR014。",
    why=_CITE,
    failing="“2022 年执行数 667.32 万元，2023 年预算 635.10 万元，比 2022 年执行数增加 4.83%”。",
    passing="“……比 2022 年执行数减少 4.83%”。",
)
def direction(ctx: RuleContext) -> None:
    with _applies(ctx, "说明中没有同时给出上年数和本年数的增减表述") as applies:
        for _section, f, change in _with_change(ctx):
            prior = _prior_money(f)
            if prior is None or change.direction == "flat":
                continue
            applies()
            ctx.checked()
            current = figure_money(f)
            if ctx.close(current, prior):
                continue
            grew = current.yuan > prior.yuan
            if grew == (change.direction == "increase"):
                continue
            ctx.report(
                f"{_said(f)}：{f.subject}上年 {fmt(prior.value)}{prior.unit.value}，"
                f"本年 {fmt(f.amount)}{f.unit.value}，"
                f"实为{'增加' if grew else '减少'}，而所述为“{change.word or _VERB[change.direction]}”。请核对。",
                source=f.source, values={"上年": fmt(prior.value), "本年": fmt(f.amount), "所述": change.word},
            )


@rule(
    "NAR013",
    "上年数为零时以“增长 100%”表述",
    Severity.INFO,
    what="上年数为零（新增事项）时，增长率没有定义；说明写“增长 100%”是常见的约定写法，提示读者该比例不是计算结果。",
    why="增长率以上年数为分母，上年为零时宜写明“上年无此项支出”。",
    failing="“2022 年执行数为 0 万元，2023 年预算安排 60.13 万元，比 2022 年执行数增加 100.00%”。",
    passing="“2022 年执行数为 0 万元，2023 年预算安排 60.13 万元，为新增项目”。",
)
def growth_from_zero(ctx: RuleContext) -> None:
    with _applies(ctx, "说明中没有上年为零的事项") as applies:
        for _section, f in figures(ctx):
            change = f.change
            prior = _prior_money(f)
            from_zero = prior is not None and prior.yuan == 0
            if prior is None and change is not None and change.amount is not None:
                from_zero = (ctx.restated(Money(change.amount, f.unit), figure_money(f))
                             and change.direction == "increase")
            if not from_zero or f.amount == 0:
                continue
            applies()
            ctx.checked()
            if change is None or change.percent is None or change.direction == "flat":
                continue
            ctx.report(
                f"{_said(f)}：上年数为零，所述“{change.word}{fmt(change.percent)}%”为约定写法，不是由金额算出的增长率。",
                source=f.source, values={"本年": fmt(f.amount), "所述变动率": fmt(change.percent)},
            )


@rule(
    "NAR014",
    "说“持平”而两年金额不同",
    Severity.ERROR,
    what="说明称“与上年持平/一致/无变化”，而同一表述给出的上年数与本年数不同（超出印刷精度）的报告。",
    why=_CITE,
    failing="“2022 年执行数为 14.00 万元，2023 年预算安排 15.00 万元，比 2022 年预算执行数持平”。",
    passing="“2022 年执行数为 15.00 万元，2023 年预算安排 15.00 万元，比 2022 年预算执行数持平”。",
)
def flat_but_different(ctx: RuleContext) -> None:
    with _applies(ctx, "说明中没有给出上年数的“持平”表述") as applies:
        for _section, f, change in _with_change(ctx):
            prior = _prior_money(f)
            if change.direction != "flat" or prior is None:
                continue
            applies()
            ctx.checked()
            if ctx.close(figure_money(f), prior):
                continue
            ctx.report(
                f"{_said(f)}：称“{change.word or '持平'}”，而上年 {fmt(prior.value)}{prior.unit.value}、本年 "
                f"{fmt(f.amount)}{f.unit.value}。请核对。",
                source=f.source, values={"上年": fmt(prior.value), "本年": fmt(f.amount)},
            )


@rule(
    "NAR015",
    "比较年度与本年相同或在其后",
    Severity.WARNING,
    what="“比 X 年预算增加……”中的比较年度应为上一年；X 等于或晚于本年（预算年度或所述年度）的报告。",
    why="同比是本年与上年的比较；年度写错会使读者误解增减的含义。",
    failing="“2026 年预算 80 万元，比 2026 年预算增加 8 万元”。",
    passing="“2026 年预算 80 万元，比 2025 年预算增加 8 万元”。",
)
def comparison_year(ctx: RuleContext) -> None:
    with _applies(ctx, "说明中没有写明比较年度的增减表述") as applies:
        for _section, f, change in _with_change(ctx):
            year = f.year or ctx.disclosure.meta.year
            if change.year is None or year is None:
                continue
            applies()
            ctx.checked()
            if change.year < year:
                continue
            ctx.report(
                f"{_said(f)}：本年为 {year} 年，却与“{change.year} 年”比较。请核对比较年度。",
                source=f.source, values={"本年": str(year), "比较年度": str(change.year)},
            )


_TRANSFER = re.compile(r"用于|调剂|调整至|调整到|转入|调入|划入|移至|并入|归并|口径")
_UP_WORDS = re.compile(r"增加|增长|上升|提高|调增|新增|增多|增设|扩大")
_DOWN_WORDS = re.compile(
    r"减少|下降|降低|压减|压缩|调减|取消|不再|缩减|减|降|少|节约|结束|完成|到期|划转|移交|退休|未安排"
)


@rule(
    "NAR016",
    "原因与增减方向相矛盾",
    Severity.WARNING,
    what="说明称某项“减少/下降”，给出的原因却只讲增加（或称“增加”，原因只讲减少）的报告。原因中两种说法都有时不报告。",
    why="原因应解释所述的变化；方向相反的原因多为模板沿用或笔误。",
    failing="“公务接待费减少 1 万元，主要原因是新增接待任务，支出增加”。",
    passing="“公务接待费减少 1 万元，主要原因是压减接待支出”。",
)
def reason_direction(ctx: RuleContext) -> None:
    with _applies(ctx, "说明中没有带原因的增减表述") as applies:
        for _section, f in figures(ctx):
            change = f.change
            if change is None or change.direction == "flat" or not f.reason:
                continue
            if change.amount == 0 or change.percent == 0:
                continue
            applies()
            ctx.checked()
            if _TRANSFER.search(f.reason):
                continue  # "从会议费预算中调减…用于培训费": a transfer explains both directions
            up, down = bool(_UP_WORDS.search(f.reason)), bool(_DOWN_WORDS.search(f.reason))
            wrong = (change.direction == "decrease" and up and not down) or (change.direction == "increase" and down
                                                                              and not up)
            if not wrong:
                continue
            ctx.report(
                f"{_said(f)}：称{f.subject}“{change.word or _VERB[change.direction]}”，"
                f"原因却是“{_short(f.reason, 40)}”。"
                "请核对原因或增减方向。",
                source=f.source, values={"方向": change.word, "原因": f.reason},
            )


@rule(
    "NAR017",
    "“主要原因是”后没有内容",
    Severity.WARNING,
    what="说明写了“主要原因是”“原因为”等，后面却没有任何内容（如“主要原因是。”）的报告：模板未填写完整。",
    why="《地方预决算公开操作规程》要求说明增减变化的原因。",
    failing="“公务用车购置及运行费 6.40 万元，与上年预算持平，主要原因是。”",
    passing="“……与上年预算持平，主要原因是公务用车数量未变。”",
)
def empty_reason(ctx: RuleContext) -> None:
    with _applies(ctx, "说明中没有写原因的表述") as applies:
        for _section, f in figures(ctx):
            if f.reason is None:
                continue
            applies()
            ctx.checked()
            if f.reason.strip(" 。.;；:：,，"):
                continue
            ctx.report(f"{_said(f)}：“主要原因是”后没有写明原因。请补充。", source=f.source,
                       values={"事项": f.subject})


@rule(
    "NAR018",
    "决算完成预算百分比与金额不符",
    Severity.ERROR,
    what="决算说明中“年初预算为 a 万元，支出决算为 b 万元，完成年初预算的 y%”，核对 y 是否等于 b ÷ a（计入印刷精度）。",
    why="决算说明须说明预算执行情况，完成率应能由所列金额算出。",
    failing="“年初预算为 452.40 万元，支出决算为 446.11 万元，完成年初预算的 96.61%”（实为 98.61%）。",
    passing="“年初预算为 452.40 万元，支出决算为 446.11 万元，完成年初预算的 98.61%”。",
)
def completion(ctx: RuleContext) -> None:
    with _applies(ctx, "说明中没有“完成年初预算的 x%”表述") as applies:
        for _section, f in figures(ctx):
            if f.completion is None or f.budget is None:
                continue
            applies()
            bounds = percent_range(figure_money(f), Money(f.budget, f.unit))
            if bounds is None:
                continue
            ctx.checked()
            if within_percent(f.completion, bounds, ctx.tolerance.factor) or last_place_off(f.completion, bounds):
                continue
            mid = (bounds[0] + bounds[1]) / 2
            ctx.report(
                f"{_said(f)}：年初预算 {fmt(f.budget)}、决算 {fmt(f.amount)}{f.unit.value}，完成率应为 {mid:.2f}%，"
                f"而所述为 {fmt(f.completion)}%。请核对。",
                source=f.source,
                values={"年初预算": fmt(f.budget), "决算": fmt(f.amount), "所述完成率": fmt(f.completion)},
            )



@rule(
    "NAR021",
    "说明中的上年数与表格所列上年数不一致",
    Severity.ERROR,
    what="表格在本年数旁列出上年数（“上年预算数 | 本年预算数”或“2025 年预算数 | 2026 年预算数”）时，说明中对同一"
    "科目或合计所述的上年数与表格同一行的上年数核对（计入印刷精度）。",
    why=_CITE,
    failing="说明：“比上年预算 12.00 万元减少 2.00 万元”；表中该行上年预算数 11.00。",
    passing="说明所述上年数 12.00 与表中上年预算数 12.00 一致。",
)
def prior_vs_table(ctx: RuleContext) -> None:
    with _applies(ctx, "说明中没有对应到列有上年数的表格行的上年数") as applies:
        for section, f in figures(ctx):
            res = resolve(ctx, section, f) if f.prior is not None else None
            value = res.row.values.get("prior") if res is not None and res.row is not None else None
            if res is None or value is None or res.column != "total" or f.prior is None:
                continue
            applies()
            ctx.checked()
            stated, printed = Money(f.prior.amount, f.prior.unit), ctx.money(res.table, value)
            if ctx.restated(stated, printed):
                continue
            ctx.report(
                f"{_said(f)}：所述上年数 {fmt(f.prior.amount)}{f.prior.unit.value}，而{table_name(res.table.id)}"
                f"“{res.row.name or res.row.code}”行上年数为 {fmt(value)}{printed.unit.value}。请核对。",
                table=res.table.id, row=res.row, column="prior", source=f.source,
                severity=None if res.sure else Severity.WARNING,
                values={"说明上年数": fmt(f.prior.amount), "表格上年数": fmt(value)},
            )
