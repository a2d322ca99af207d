"""Year and money-unit consistency."""

from __future__ import annotations

import re
from decimal import Decimal

from yusuan.audit.context import RuleContext, table_name, where
from yusuan.audit.registry import rule
from yusuan.audit.rules._figures import figure_money, figures, resolve
from yusuan.audit.tolerance import WAN, fmt
from yusuan.model import Severity
from yusuan.text import normalize


def _significant(value: Decimal) -> int:
    return len(str(abs(value)).replace(".", "").lstrip("0"))


@rule(
    "UNT001",
    "金额单位混用（元与万元）",
    Severity.WARNING,
    what="说明中的金额换算成元后，恰好是表格中某个数额的 10000 倍或万分之一（且与所对应的表格数不符）时，"
    "判定为元与万元混用。",
    why="公开表和说明的金额单位不同（如表格以元、说明以万元列示）时最易混用，会使金额相差一万倍。",
    failing="表格（单位：元）一般公共预算 2271900.00；说明“一般公共预算 2271900.00 万元”。",
    passing="说明“一般公共预算 227.19 万元”。",
)
def unit_mixup(ctx: RuleContext) -> None:
    values: dict[Decimal, tuple[str, str, str]] = {}
    for t in ctx.disclosure.tables:
        for r in t.rows:
            for col, v in r.values.items():
                if v and _significant(v) >= 3:
                    values.setdefault(ctx.money(t, v).yuan, (t.id, r.name or r.code, col))
    if not values:
        ctx.missing("没有表格金额可供比对")
        return
    any_fig = False
    for section, f in figures(ctx):
        any_fig = True
        if not f.amount or _significant(f.amount) < 3:
            continue
        ctx.checked()
        fy = figure_money(f).yuan
        if fy in values:
            continue
        res = resolve(ctx, section, f)
        if res is not None and res.value is not None and ctx.close(figure_money(f), ctx.money(res.table, res.value)):
            continue
        for factor, hint in ((WAN, "说明金额是表格数的一万倍"), (1 / WAN, "说明金额是表格数的万分之一")):
            hit = values.get((fy / factor).normalize()) or values.get(fy / factor)
            if hit is None:
                hit = next((loc for y, loc in values.items() if y * factor == fy), None)
            if hit is None:
                continue
            tid, rname, col = hit
            ctx.report(
                f"说明{where(source=f.source)}“{f.subject} {fmt(f.amount)}{f.unit.value}”与{table_name(tid)}“{rname}”"
                f"的数额只差一万倍（{hint}），疑为元与万元混用。请核对金额单位。",
                table=tid, column=col, source=f.source, values={"说明": fmt(f.amount)},
            )
            break
    if not any_fig:
        ctx.missing("未识别到说明中的金额")


_YEAR = re.compile(r"(?<![\d\[])(20\d{2})\s*年(?!\d)")
_PERIOD_WORDS = ("截至", "截止", "年底", "年末", "上年", "年度决算", "拨付", "〔", "[")


@rule(
    "UNT002",
    "标题或说明中的年度与预算年度不符",
    Severity.WARNING,
    what="表格标题、说明标题中出现的年度应为预算年度；说明正文中“20XX 年预算”一类表述的年度应为预算年度或上年。",
    why="沿用上年文件修改时最易漏改年度，导致公开内容张冠李戴。",
    failing="2025 年预算文件中表格标题为“2024 年一般公共预算支出情况表”。",
    passing="标题“2025 年一般公共预算支出情况表”；正文“截至 2024 年底”。",
)
def year_consistency(ctx: RuleContext) -> None:
    year = ctx.disclosure.meta.year
    if year is None:
        ctx.missing("未识别到预算年度")
        return
    seen: set[str] = set()

    def flag(label: str, text: str, found: int, source, table: str | None = None) -> None:  # type: ignore[no-untyped-def]
        key = f"{label}{found}{text[:30]}"
        if key in seen:
            return
        seen.add(key)
        ctx.report(
            f"{label}{where(source=source)}“{text[:50]}”中的年度 {found} 年与预算年度 {year} 年不符。请核对。",
            table=table, source=source, values={"所述年度": str(found), "预算年度": str(year)},
        )

    for t in ctx.disclosure.tables:
        for m in _YEAR.finditer(normalize(t.title)):
            ctx.checked()
            if int(m[1]) != year:
                flag(f"{table_name(t.id)}标题", t.title, int(m[1]), t.source, t.id)
    for s in ctx.disclosure.narrative:
        heading = normalize(s.heading)
        for m in _YEAR.finditer(heading):
            ctx.checked()
            if int(m[1]) != year and not any(w in heading for w in _PERIOD_WORDS):
                flag("说明标题", s.heading, int(m[1]), s.source)
        for sentence in re.split(r"[。；;\n]", normalize(s.text)):
            for m in re.finditer(r"(?<![\d\[])(20\d{2})\s*年(?:部门|单位)?预算(?!执行|数为)", sentence):
                ctx.checked()
                if int(m[1]) not in (year, year - 1):
                    flag("说明", sentence.strip(), int(m[1]), s.source)
    if not ctx.checks:
        ctx.skip("标题和说明中没有写明年度")


