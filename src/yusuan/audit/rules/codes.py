"""Classification codes and their names (科目编码与名称).

The bundled lists are partial: a well-formed code they do not hold is recorded in the
coverage ledger ("not checked"), never reported. What is reported: a code that cannot be right
as printed (COD001), a name that is an earlier edition's name for the document's year (COD003),
a name that belongs to another code of the same parent (COD004), and, as information only, a
name that differs from the list's otherwise (COD002: names are often shortened legitimately).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from yusuan.audit.context import RuleContext, row_label, table_name, where
from yusuan.audit.registry import rule
from yusuan.audit.rules._text import paragraphs, snippet
from yusuan.codes import (
    FUNC,
    codes_for_name,
    editions,
    kind_of,
    lookup,
    malformed,
    names_match,
    names_of,
    normalize_name,
    outdated,
    parent_of,
)
from yusuan.model import Figure, Row, Severity, Table
from yusuan.publication import NARRATIVE, TABLES, parts_of
from yusuan.text import normalize, squash


def _tables(ctx: RuleContext) -> list[Table]:
    return ctx.readable(ctx.disclosure.tables)


def _why_no_codes(ctx: RuleContext, what: str) -> None:
    parts = parts_of(ctx.disclosure)
    if NARRATIVE in parts and TABLES not in parts:
        ctx.skip("本文件只有文字说明，表格另行公开")
    else:
        ctx.missing(what)


def _coded_rows(ctx: RuleContext) -> Iterator[tuple[Table, Row]]:
    """Rows with a well-formed classification code, each (code, name) once."""
    seen: set[tuple[str, str]] = set()
    for t in _tables(ctx):
        for r in t.rows:
            if r.code.isdigit() and kind_of(r.code) and (r.code, r.name) not in seen:
                seen.add((r.code, r.name))
                yield t, r


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


def _parent_misfits(table: Table) -> list[tuple[Row, Row]]:
    """(row, the parent row it is printed under) where a 款/项 code does not extend the code of
    the 类/款 printed above it, in a table that prints its parent rows. A table that lists only
    some parents is not judged."""
    rows = [r for r in table.rows if r.code.isdigit() and kind_of(r.code)]
    codes = {r.code for r in rows}
    children = [r for r in rows if parent_of(r.code)]
    if len(children) < 2 or sum(1 for r in children if parent_of(r.code) in codes) < 0.8 * len(children):
        return []
    out = []
    above: dict[int, Row] = {}  # code length -> last row of that length
    for r in rows:
        parent = parent_of(r.code)
        printed_parent = above.get(len(r.code) - 2)
        if parent and parent not in codes and printed_parent is not None and printed_parent.code != parent:
            out.append((r, printed_parent))
        above[len(r.code)] = r
        for longer in [k for k in above if k > len(r.code)]:
            del above[longer]
    return out


@rule(
    "COD001",
    "科目编码印错（位数或类级不对、与上级科目不符）",
    Severity.WARNING,
    what="表中科目编码不可能正确：类编码不是 2xx/3xx/5xx（如类印成“7”）、款或项只印了一位（“301 2”）、"
    "编码不是 3/5/7 位，"
    "或在逐级列出上级科目的表中，款/项编码与其上方的上级科目对不上。说明中括注的编码格式不对的，作为提示。"
    "编码格式正确但随附编码表未收录的，不报告（编码表不完整），记入覆盖情况。",
    why="科目编码是汇总和比较的依据，印错的编码使该行无法归入正确的科目。",
    failing="“7 11 02 事业单位医疗”（类编码应为 210）；“301 2 津贴补贴”（款应为 02）。",
    passing="“210 11 02 事业单位医疗”；编码表未收录的“2101550 事业运行”也不报告。",
)
def malformed_codes(ctx: RuleContext) -> None:
    tables = _tables(ctx)
    cited = _narrative_codes(ctx)
    if not tables and not cited:
        _why_no_codes(ctx, "没有读取到带科目编码的表")
        return
    seen: dict[tuple[str, str], list[Table]] = {}
    firsts: dict[tuple[str, str], tuple[Table, Row, str]] = {}
    for t in tables:
        for r in t.rows:
            printed = r.text.get("code_printed")
            if not (r.code.isdigit() or printed):
                continue
            ctx.checked()
            why = malformed(r.code, printed)
            if why is None:
                continue
            key = (printed or r.code, r.name)
            seen.setdefault(key, []).append(t)
            firsts.setdefault(key, (t, r, why))
        for r, above in _parent_misfits(t):
            ctx.report(f"{table_name(t.id)}{where(r)}科目“{row_label(r)}”的编码与其上方的上级科目“{row_label(above)}”"
                       "对不上，编码可能印错。请核对。", table=t.id, row=r,
                       values={"编码": r.code, "上级科目": above.code})
    for key, (t, r, why) in firsts.items():
        also = len({id(x) for x in seen[key]}) - 1
        more = f"（另有 {also} 张表同样印法）" if also else ""
        ctx.report(f"{table_name(t.id)}{where(r)}科目编码印为“{key[0]}”（{r.name}）：{why}{more}。请核对。",
                   table=t.id, row=r, values={"印刷编码": key[0]}, quote=f"{key[0]} {r.name}")
    for code, f in cited:
        ctx.checked()
        why = malformed(code)
        if why is not None:
            ctx.report(f"说明{where(source=f.source)}“{f.subject}”所注科目编码 {code}：{why}，请核对。",
                       source=f.source, severity=Severity.INFO, quote=f.subject)


@rule(
    "COD002",
    "科目名称与编码表不符",
    Severity.INFO,
    what="表中科目名称与编码表中该编码在该年度的名称不一致（已考虑历年更名和简称；另一编码的名称见 COD004，"
    "旧版名称见 COD003）。只与已核实的编码表行比较；编码表未收录的编码记入覆盖情况。",
    why="名称与编码不符，说明编码或名称有一处填错；名称常有合法的简写，因此只作提示。",
    failing="“30108 机关事业单位基本养老保险费”（编码表：机关事业单位基本养老保险缴费）。",
    passing="“2101501 行政运行”。",
)
def code_names(ctx: RuleContext) -> None:
    rows = list(_coded_rows(ctx))
    if not rows:
        _why_no_codes(ctx, "表中没有科目编码")
        return
    year = ctx.disclosure.meta.year
    unknown: list[str] = []
    for t, r in rows:
        known = lookup(r.code)
        names = names_of(r.code, year)
        if not names or not r.name:
            unknown.append(r.code)
            continue
        if known is not None and not known.verified and len(names) == 1:
            unknown.append(r.code)
            continue
        ctx.checked()
        if any(names_match(r.name, n) for n in names_of(r.code)):
            continue
        if _other_code(r.code, r.name, year) or (year and outdated(r.code, r.name, year)):
            continue  # COD004 / COD003
        ctx.report(f"{table_name(t.id)}{where(r)}科目 {r.code} 名称为“{r.name}”，"
                   f"编码表中为“{names[0]}”。请核对。",
                   table=t.id, row=r, values={"表中名称": r.name, "编码表名称": names[0]})
    if unknown:
        listed = "、".join(dict.fromkeys(unknown))
        ctx.missing(f"编码表未收录（或未核实）的编码 {len(set(unknown))} 个，未核对其名称：{listed[:120]}")


def _other_code(code: str, name: str, year: int | None) -> str | None:
    """Another code under the same parent whose name this is, when the name is not one of this
    code's own names in any edition."""
    if not name or any(names_match(name, n) for n in names_of(code)):
        return None
    key = normalize_name(name)
    if len(key) < 2:
        return None
    parent = parent_of(code)
    kind = kind_of(code)
    for other in codes_for_name(name, year, kind, parent=parent) if parent else ():
        if other != code and len(other) == len(code):
            return other
    return None


@rule(
    "COD004",
    "科目名称是另一个编码的名称（编码与名称错配）",
    Severity.WARNING,
    what="表中科目名称恰好是同一上级科目下另一个编码的名称（如“30202 咨询费”，而咨询费的编码是 30203），"
    "说明编码与名称错了行或编码按顺序自编。按文件年度的编码表版本核对；同一张表的错配合为一条。",
    why="编码与名称错配，按编码汇总的数据归错了科目，读者按编码查找也会找错。",
    failing="经济分类表：“30202 咨询费”“30203 水费”“30204 电费”（应为 30203 咨询费、30205 水费、30206 电费）。",
    passing="“30202 印刷费”“30203 咨询费”；简写“30108 机关事业单位基本养老保险费”不在此列。",
)
def swapped_names(ctx: RuleContext) -> None:
    rows = list(_coded_rows(ctx))
    if not rows:
        _why_no_codes(ctx, "表中没有科目编码")
        return
    year = ctx.disclosure.meta.year
    by_table: dict[int, list[tuple[Table, Row, str]]] = {}
    for t, r in rows:
        if not names_of(r.code):
            continue
        ctx.checked()
        other = _other_code(r.code, r.name, year)
        if other:
            by_table.setdefault(id(t), []).append((t, r, other))
    for hits in by_table.values():
        t, r, _ = hits[0]
        listed = "、".join(f"“{x.code} {x.name}”（{x.name}的编码是 {o}）" for _, x, o in hits[:6])
        more = f"等 {len(hits)} 行" if len(hits) > 6 else ""
        ctx.report(f"{table_name(t.id)}{where(r)}科目编码与名称错配：{listed}{more}。请核对编码。",
                   table=t.id, row=r, values={"错配行数": str(len(hits))}, rows=[x for _, x, _ in hits],
                   quote=f"{r.code} {r.name}")


def _old_names(year: int) -> list[tuple[str, str, str]]:
    """(类 code, old name, new name) of the function classes renamed before that year: a class
    name is distinctive enough to find in the narrative ("医疗卫生与计划生育支出（类）")."""
    out = []
    for code, history in editions(FUNC).items():
        if len(code) != 3:
            continue
        for e in history:
            renamed = outdated(code, e.name, year)
            if renamed:
                out.append((code, squash(e.name), renamed.new))
    return out


@rule(
    "COD003",
    "科目使用了已更名的旧名称",
    Severity.WARNING,
    what="表中或说明中的科目名称是该编码在较早版本中的名称，而文件年度的版本已更名（如 2019 年起 210 类为"
    "“卫生健康支出”，不再是“医疗卫生与计划生育支出”）。只核对有年份可考的更名。",
    why="使用旧科目名称说明沿用了旧模板，与当年的政府收支分类科目不一致。",
    failing="2024 年单位预算收支总表：“三、医疗卫生与计划生育支出”。",
    passing="2024 年单位预算：“210 卫生健康支出”；2018 年预算仍用“医疗卫生与计划生育支出”。",
)
def outdated_names(ctx: RuleContext) -> None:
    year = ctx.disclosure.meta.year
    if year is None:
        ctx.missing("未能识别文件的年度，无法确定科目版本")
        return
    rows = list(_coded_rows(ctx))
    by_table: dict[int, list[tuple[Table, Row, str]]] = {}
    for t, r in rows:
        ctx.checked()
        renamed = outdated(r.code, r.name, year)
        if renamed:
            by_table.setdefault(id(t), []).append((t, r, renamed.new))
    for hits in by_table.values():
        t, r, _ = hits[0]
        listed = "、".join(f"“{x.code} {x.name}”（{year} 年应为“{new}”）" for _, x, new in hits)
        ctx.report(f"{table_name(t.id)}{where(r)}使用了已更名的科目名称：{listed}。"
                   f"请按 {year} 年政府收支分类科目更正。",
                   table=t.id, row=r, values={"旧名称": r.name, "新名称": hits[0][2]}, rows=[x for _, x, _ in hits],
                   quote=f"{r.code} {r.name}")
    old_names = _old_names(year)
    said: set[str] = set()
    for p in paragraphs(ctx):
        ctx.checked()
        text = squash(p.text)
        for code, old, new in old_names:
            if old in said:
                continue
            short = old.removesuffix("支出")
            at = text.find(old) if old in text else text.find(f"{short}(类)")
            if at < 0:
                continue
            said.add(old)
            quote = snippet(text, at, at + len(old))
            ctx.report(f"说明“{p.section.heading[:24]}”{where(source=p.source)}使用了已更名的科目名称“{old}”"
                       f"（{code}，{year} 年应为“{new}”）：“{quote}”。",
                       source=p.source, values={"旧名称": old, "新名称": new}, quote=quote)
    if not ctx.checks:
        ctx.missing("没有带编码的科目，也没有说明文字")
