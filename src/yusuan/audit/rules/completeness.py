"""Completeness: required tables present (or declared empty with a reason), the catalogue
kept, the required explanations given."""

from __future__ import annotations

import re

from yusuan.audit.context import RuleContext, table_name, where
from yusuan.audit.registry import rule
from yusuan.catalogue import TABLE_KINDS
from yusuan.model import Severity, Source
from yusuan.text import squash

_RULES_CITE = "《地方预决算公开操作规程》规定部门预算公开的报表范围，没有数据的表应公开空表并说明理由。"


def _declared_empty(ctx: RuleContext, table_id: str) -> bool:
    """Declared empty: an empty table in the document, a catalogue entry marked 空表, or a
    narrative sentence saying the table is empty."""
    if any(t.empty for t in ctx.disclosure.tables_by_id(table_id)):
        return True
    if any(e.table_id == table_id and e.empty for e in ctx.disclosure.catalogue):
        return True
    name = squash(table_name(table_id)).replace("表", "")
    core = re.sub(r"[（(].*?[)）]|“|”|\"", "", name)
    for s in ctx.disclosure.narrative:
        text = squash(s.text)
        if "空表" in text and core[:6] and core[:6] in text:
            return True
    return False


def _present(ctx: RuleContext, table_id: str) -> bool:
    return any(t.rows or t.empty for t in ctx.disclosure.tables_by_id(table_id))


@rule(
    "COV001",
    "未识别到任何预算公开表",
    Severity.ERROR,
    what="文件中一张预算公开表（含声明的空表）都没有识别到。",
    why="没有表就无从核对；这既可能是文件本身缺表，也可能是文件无法识别，都必须报告而不能“零问题”通过。"
    + _RULES_CITE,
    failing="只有文字说明、没有任何表格的文件。",
    passing="识别到收支总表等公开表的文件。",
)
def no_tables(ctx: RuleContext) -> None:
    ctx.checked()
    if any(t.rows or t.empty for t in ctx.disclosure.tables):
        return
    ctx.report(
        f"文件 {ctx.doc} 中未识别到任何预算公开表，无法核对表内和表间数据。"
        "请确认文件是否完整；若是扫描件，请提供可识别的版本。",
        confidence=None,
    )


@rule(
    "COV002",
    "缺少必须公开的预算表",
    Severity.ERROR,
    what="按《地方预决算公开操作规程》要求的部门（单位）预算公开表（收支总表、收入总表、支出总表、财政拨款收支总表、"
    "一般公共预算支出表、一般公共预算基本支出表、“三公”经费支出表、政府性基金预算支出表、国有资本经营预算支出表），"
    "逐一核对是否公开或以空表形式公开并说明。",
    why=_RULES_CITE,
    failing="文件没有政府性基金预算支出表，也没有说明该表为空表。",
    passing="政府性基金预算支出表以空表公开，并注明“本单位没有使用政府性基金预算拨款安排的支出”。",
)
def required_tables(ctx: RuleContext) -> None:
    if not any(t.rows or t.empty for t in ctx.disclosure.tables):
        ctx.missing("未识别到任何表（见 COV001）")
        return
    for kind in TABLE_KINDS:
        if not kind.required:
            continue
        ctx.checked()
        if _present(ctx, kind.id) or _declared_empty(ctx, kind.id):
            continue
        ctx.report(
            f"未找到必须公开的{kind.name}（{kind.id}），也没有说明其为空表。"
            "请补充公开该表；没有数据的，公开空表并说明理由。",
            table=kind.id,
        )


@rule(
    "COV003",
    "目录列出的表在文件中找不到",
    Severity.ERROR,
    what="核对文件目录（公开报表目录）中列出的每张表，是否在正文中出现（或声明为空表）。",
    why="目录承诺公开的表缺失，说明公开不完整或文件拼接有误。" + _RULES_CITE,
    failing="目录列出“一般公共预算项目支出情况表”，正文没有该表。",
    passing="目录中每张表都能在正文找到。",
)
def catalogue_promises(ctx: RuleContext) -> None:
    entries = [e for e in ctx.disclosure.catalogue if e.table_id]
    if not entries:
        ctx.skip("没有识别到列出表名的目录") if not ctx.disclosure.catalogue else ctx.skip("目录中的表名均未能识别")
        return
    for e in entries:
        ctx.checked()
        tid = e.table_id or ""
        if _present(ctx, tid) or (e.empty and ctx.disclosure.tables_by_id(tid)) or _declared_empty(ctx, tid):
            continue
        ctx.report(
            f"目录{where(source=e.source)}列出“{e.title}”，但正文中没有找到该表"
            f"{'（目录注明为空表，但正文未公开空表）' if e.empty else ''}。请补充该表或更正目录。",
            table=tid, source=e.source, values={"目录表名": e.title},
        )


_EXPLANATIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("three_public", "“三公”经费预算情况说明", ("三公",)),
    ("operating", "机关运行经费情况说明", ("机关运行经费", "运行经费")),
    ("procurement", "政府采购情况说明", ("政府采购",)),
    ("assets", "国有资产占用情况说明", ("国有资产", "资产占用")),
    ("performance", "预算绩效（绩效目标）情况说明", ("绩效",)),
    ("glossary", "名词解释", ("名词解释",)),
)


@rule(
    "COV004",
    "缺少必备的情况说明",
    Severity.WARNING,
    what="核对情况说明是否包括“三公”经费、机关运行经费、政府采购、国有资产占用、预算绩效（绩效目标）和名词解释。",
    why="《地方预决算公开操作规程》要求部门预算公开时对“三公”经费、机关运行经费、政府采购、国有资产占用、"
    "绩效目标等重要事项作出说明，并对专业名词进行解释。",
    failing="情况说明没有关于政府采购的任何内容。",
    passing="情况说明含“（二）政府采购情况”一节。",
)
def required_explanations(ctx: RuleContext) -> None:
    d = ctx.disclosure
    ctx.checked()
    if not d.narrative:
        ctx.report(
            f"文件 {ctx.doc} 中未识别到情况说明（第三部分）。预算公开应包括收支情况说明及“三公”经费、机关运行经费、"
            "政府采购、国有资产、绩效目标等说明和名词解释。请补充，或确认文件是否完整。"
        )
        return
    text = squash(" ".join(f"{s.heading} {s.text}" for s in d.narrative))
    topics = {s.topic for s in d.narrative}
    structured = {
        "three_public": d.three_public is not None,
        "operating": d.operating_cost is not None,
        "procurement": d.procurement is not None,
        "assets": d.assets is not None,
        "performance": bool(d.performance),
    }
    for topic, name, words in _EXPLANATIONS:
        ctx.checked()
        if topic in topics or structured.get(topic) or any(w in text for w in words):
            continue
        ctx.report(f"情况说明中没有找到{name}。请补充该项说明（没有相关事项的，也应说明“无”）。")


@rule(
    "COV005",
    "空表未说明理由",
    Severity.WARNING,
    what="以空表公开的表，核对是否说明了为空的理由（表下注明、目录“是否空表”理由栏或情况说明）。",
    why=_RULES_CITE,
    failing="国有资本经营预算支出表只有表头，全文未说明为何为空。",
    passing="表下注明“本单位 2025 年没有使用国有资本经营预算拨款安排的支出，本表为空表。”",
)
def empty_with_reason(ctx: RuleContext) -> None:
    empties = [t for t in ctx.disclosure.tables if t.empty]
    if not empties:
        ctx.skip("没有空表")
        return
    for t in empties:
        ctx.checked()
        if t.empty_reason or any(e.table_id == t.id and e.reason for e in ctx.disclosure.catalogue):
            continue
        if _declared_empty_in_narrative(ctx, t.id):
            continue
        ctx.report(
            f"{table_name(t.id)}“{t.title}”{where(source=t.source)}为空表，但未说明为空的理由。请在表下或说明中注明。",
            table=t.id, source=t.source,
        )


def _declared_empty_in_narrative(ctx: RuleContext, table_id: str) -> bool:
    name = re.sub(r"[（(].*?[)）]|“|”|\"", "", squash(table_name(table_id)).replace("表", ""))
    return any("空表" in squash(s.text) and name[:6] in squash(s.text) for s in ctx.disclosure.narrative)


@rule(
    "COV006",
    "目录标为空表的表实际有数据（或相反）",
    Severity.WARNING,
    what="目录“是否空表”一栏与正文表格是否一致：标为空表的表有金额，或标为非空的表实为空表。",
    why="目录是读者查找公开内容的入口，应与正文一致。" + _RULES_CITE,
    failing="目录：政府性基金预算支出表“是”空表；正文该表列有 10.00 万元。",
    passing="目录：“是”空表；正文该表为空表并注明理由。",
)
def catalogue_empty_flag(ctx: RuleContext) -> None:
    entries = [e for e in ctx.disclosure.catalogue if e.table_id and e.empty is not None]
    if not entries:
        ctx.skip("目录没有“是否空表”信息")
        return
    for e in entries:
        tables = ctx.disclosure.tables_by_id(e.table_id or "")
        if not tables:
            continue
        ctx.checked()
        has_money = any(v != 0 for t in tables for r in t.rows for v in r.values.values())
        all_empty = all(t.empty or not t.rows for t in tables)
        if e.empty and has_money:
            ctx.report(f"目录{where(source=e.source)}标注“{e.title}”为空表，但正文该表列有金额。请更正目录或表格。",
                       table=e.table_id, source=e.source or Source())
        elif e.empty is False and all_empty:
            ctx.report(f"目录{where(source=e.source)}标注“{e.title}”不是空表，但正文该表为空。请更正目录或补充数据。",
                       table=e.table_id, source=e.source or Source())
