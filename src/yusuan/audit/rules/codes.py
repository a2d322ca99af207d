"""Classification codes: unknown to the bundled lists, or printed with another name.

The lists are partial, so these are information only."""

from __future__ import annotations

import re

from yusuan.audit.context import RuleContext, table_name, where
from yusuan.audit.registry import rule
from yusuan.codes import kind_of, lookup, names_match
from yusuan.model import Figure, Row, Severity, Table
from yusuan.text import normalize


def _coded_rows(ctx: RuleContext) -> list[tuple[Table, Row]]:
    out, seen = [], set()
    for t in ctx.disclosure.tables:
        for r in t.rows:
            if r.code.isdigit() and kind_of(r.code) and (r.code, r.name) not in seen:
                seen.add((r.code, r.name))
                out.append((t, r))
    return out


_CITED = re.compile(r"\((\d{3,7})\)")


def _narrative_codes(ctx: RuleContext) -> list[tuple[str, Figure]]:
    """Codes the narrative prints in brackets after a subject: "事业运行(2101550)"."""
    out, seen = [], set()
    for s in ctx.disclosure.narrative:
        for f in s.figures:
            for code in _CITED.findall(normalize(f.subject)):
                if code not in seen:
                    seen.add(code)
                    out.append((code, f))
    return out


@rule(
    "COD001",
    "科目编码不在编码表中",
    Severity.INFO,
    what="表中（及说明中括注）的功能分类、经济分类科目编码在随附的政府收支分类科目表中查不到。",
    why="编码可能印错，也可能是编码表未收录（随附编码表不完整），因此只作提示。",
    failing="“2101599 其他医疗保障管理事务支出”印成“2101589”。",
    passing="“2101501 行政运行”。",
)
def unknown_codes(ctx: RuleContext) -> None:
    rows = _coded_rows(ctx)
    cited = _narrative_codes(ctx)
    if not rows and not cited:
        ctx.missing("表中没有科目编码")
        return
    for code, f in cited:
        ctx.checked()
        if lookup(code) is None:
            ctx.report(f"说明{where(source=f.source)}“{f.subject}”所注科目编码 {code} 不在编码表中"
                       f"{'' if kind_of(code) else '（也不符合科目编码的格式）'}，请核对。", source=f.source)
    for t, r in rows:
        ctx.checked()
        if lookup(r.code) is None:
            ctx.report(f"{table_name(t.id)}{where(r)}科目编码 {r.code}（{r.name}）不在编码表中，请核对编码是否正确。",
                       table=t.id, row=r)


@rule(
    "COD002",
    "科目名称与编码表不符",
    Severity.INFO,
    what="表中科目名称与编码表中该编码的名称不一致（已考虑历年更名和简称）。",
    why="名称与编码不符，说明编码或名称有一处填错；编码表有版本差异，因此只作提示。",
    failing="“2101501 医疗保障服务”（编码表：行政运行）。",
    passing="“2101501 行政运行”。",
)
def code_names(ctx: RuleContext) -> None:
    rows = _coded_rows(ctx)
    if not rows:
        ctx.missing("表中没有科目编码")
        return
    for t, r in rows:
        known = lookup(r.code)
        if known is None or not r.name:
            continue
        ctx.checked()
        if not names_match(r.name, known.name):
            ctx.report(f"{table_name(t.id)}{where(r)}科目 {r.code} 名称为“{r.name}”，"
                       f"编码表中为“{known.name}”。请核对。",
                       table=t.id, row=r, values={"表中名称": r.name, "编码表名称": known.name})
