"""Completeness: required tables present (or declared empty with a reason), the catalogue
kept, the required explanations given — for what the file is.

A file is the whole disclosure, or one half of a publication published as two files (DESIGN
§4c): the 表格 file holds the tables, the 文本 file the narrative (``yusuan.publication``).
A half is never blamed for what the other half holds; given together, the two are checked as
one publication. The required table set follows the document's family and year (``TABLE_SETS``).

Before calling a table missing, the rules look for its title in the source text: a table
that is printed but could not be read goes to the coverage ledger, not into an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from yusuan.audit.context import RuleContext, table_name, where
from yusuan.audit.registry import rule
from yusuan.audit.rules._text import is_toc_line
from yusuan.catalogue import classify_title, table_kind
from yusuan.model import Disclosure, DocKind, Severity, Source, Table
from yusuan.publication import NARRATIVE, TABLES, parts_of
from yusuan.text import squash

_RULES_CITE = "《地方预决算公开操作规程》规定部门预算公开的报表范围，没有数据的表应公开空表并说明理由。"
_TABLES_ELSEWHERE = "本文件只有文字说明，表格另行公开；请与表格文件一并检查（yusuan check 文本.pdf 表格.pdf）"
_NARRATIVE_ELSEWHERE = "本文件只有表格，情况说明另行公开；请与文字说明文件一并检查"


# ----------------------------------------------------------------------------- table sets


@dataclass(frozen=True)
class TableSet:
    """A set of tables a family of disclosures must publish."""

    name: str  # Chinese, for messages and the rule docs
    kind: DocKind
    tables: tuple[str, ...]
    years: tuple[int, int] | None = None  # years the family is known to use it
    signature: tuple[str, ...] = ()  # two of these among the document's tables mark the family


_BASIC8 = ("summary", "income", "expenditure", "fiscal_summary", "gpb_expenditure", "gpb_basic_econ",
           "three_public", "gov_fund")
TABLE_SETS: tuple[TableSet, ...] = (
    TableSet("“公开01–12表”（含财政拨款支出表、财政拨款基本支出表、机关运行经费表、政府采购表的 12 张，"
             "如江苏 2017–2019 年部门预算）", DocKind.BUDGET,
             (*_BASIC8, "fiscal_expenditure", "fiscal_basic_econ", "operating_costs", "procurement"),
             years=(2017, 2019), signature=("fiscal_expenditure", "fiscal_basic_econ", "operating_costs")),
    TableSet("《地方预决算公开操作规程》部门（单位）预算公开表 8 张", DocKind.BUDGET, _BASIC8),
    TableSet("部门（单位）决算公开表 9 张", DocKind.FINAL, (*_BASIC8, "state_capital")),
)
# Families whose extra tables are enforced through their own 目录 (COV003) rather than here:
# the Shanghai 9-table set (with 国有资本经营预算支出表), the Xinjiang 11-table set (with 项目支出、
# 国有资本经营、上年结转结余表), the Shaanxi 15-table 综合预算 set.
_KNOWN_BY_CATALOGUE = ("上海 9 张表（含国有资本经营预算支出表）、新疆 11 张表（含项目支出、国有资本经营预算、"
                       "上年结转结余表）、陕西 15 张综合预算表")


def table_set(d: Disclosure) -> TableSet:
    """The table set this document's family and year require."""
    ids = {t.id for t in d.tables} | {e.table_id for e in d.catalogue if e.table_id}
    for s in TABLE_SETS:
        if s.kind != d.meta.kind:
            continue
        if s.signature and sum(1 for t in s.signature if t in ids) < 2:
            continue
        if s.years and (d.meta.year is None or not s.years[0] <= d.meta.year <= s.years[1]):
            continue
        return s
    return next(s for s in TABLE_SETS if s.kind == d.meta.kind and not s.signature)


# ----------------------------------------------------------------------------- evidence


_NUMBERED = re.compile(r"^(?:(?:公开|附)?表?\d{1,2}(?:表)?[、.:：-]?|[一二三四五六七八九十]+[、.]"
                       r"|\([一二三四五六七八九十\d]+\))")


def _strip_title(text: str) -> str:
    """A printed title without numbering, year, unit name and a trailing bracket."""
    s = squash(text)
    s = _NUMBERED.sub("", s)
    s = re.sub(r"\([^()]{1,12}\)$", "", s)
    return s


def _looks_like(text: str, table_id: str) -> bool:
    """Is this source line a printed title of that table? (More tolerant than the parser's
    ``classify_title``: a bracket after the title, any kind order.)"""
    if classify_title(text) == table_id:
        return True
    s = _strip_title(text)
    if not s.endswith("表") or len(s) > 50 or re.search(r"[。，,；;：:]", s):
        return False
    kind = table_kind(table_id)
    return any(re.search(p, s) for p in kind.patterns)


def _catalogue_lines(ctx: RuleContext) -> set[tuple[str, int]]:
    out = set()
    for e in ctx.disclosure.catalogue:
        if e.source.line is not None:
            doc = ctx.locate_doc(e.source, None) if ctx.locate_doc else ctx.doc
            out.add((doc, e.source.line))
    return out


def printed_title(ctx: RuleContext, table_id: str, title: str | None = None) -> tuple[str, int] | None:
    """(document, line) where the source text prints the title of this table (or the given
    catalogue title) outside the catalogue itself, in a file that holds tables."""
    if ctx.locate_doc is None and TABLES not in parts_of(ctx.disclosure):
        return None
    skip = _catalogue_lines(ctx)
    wanted = _strip_title(title) if title else ""
    for doc, lines in ctx.source_texts.items():
        for no, text in lines:
            if (doc, no) in skip or is_toc_line(text):
                continue
            if _looks_like(text, table_id) or (len(wanted) >= 6 and wanted in squash(text) and len(squash(text)) < 60):
                return doc, no
    return None


_EMPTY_WORDS = re.compile(r"空表|无数据|不涉及|(?:无|没有|未安排|未使用)[^。]{0,16}(?:支出|收入|安排|预算|资金|拨款)")
_FUND_WORDS = {"gov_fund": "政府性基金", "state_capital": "国有资本经营", "carryover": "结转"}


def _declared_empty(ctx: RuleContext, table_id: str) -> bool:
    """Declared empty: an empty table in the document, a catalogue entry marked 空表, or a
    narrative sentence saying the table is empty (or that there is no such money)."""
    if any(t.empty for t in ctx.disclosure.tables_by_id(table_id)):
        return True
    if any(e.table_id == table_id and e.empty for e in ctx.disclosure.catalogue):
        return True
    name = squash(table_name(table_id)).replace("表", "")
    core = re.sub(r"[（(].*?[)）]|“|”|\"", "", name)
    fund = _FUND_WORDS.get(table_id)
    for s in ctx.disclosure.narrative:
        text = squash(s.text)
        if "空表" in text and core[:6] and core[:6] in text:
            return True
        if fund and any(fund in m.group(0) for m in _EMPTY_WORDS.finditer(text)):
            return True
    return False


def _present(ctx: RuleContext, table_id: str) -> bool:
    return any(t.rows or t.empty for t in ctx.disclosure.tables_by_id(table_id))


def _where_printed(ctx: RuleContext, found: tuple[str, int]) -> str:
    doc, line = found
    return f"{'' if doc == ctx.doc else doc + ' '}第 {line} 行"


# ----------------------------------------------------------------------------- rules


@rule(
    "COV001",
    "未识别到任何预算公开表",
    Severity.ERROR,
    what="文件中一张预算公开表（含声明的空表）都没有识别到，而文件也不是只含文字说明的一半（分两个文件公开时，"
    "只含文字说明的文本文件不在此列，其表格与表格文件一并检查）。",
    why="没有表就无从核对；这既可能是文件本身缺表，也可能是文件无法识别，都必须报告而不能“零问题”通过。"
    + _RULES_CITE,
    failing="既没有表格、也没有可识别的情况说明的文件。",
    passing="识别到收支总表等公开表的文件；或只有文字说明的文本文件（记入覆盖情况：表格另行公开）。",
)
def no_tables(ctx: RuleContext) -> None:
    parts = parts_of(ctx.disclosure)
    if TABLES not in parts and NARRATIVE in parts:
        ctx.missing(_TABLES_ELSEWHERE)
        return
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
    what="按文件所属的表格体系和年度，逐一核对必须公开的表是否公开或以空表形式公开并说明。已知的体系："
    + "；".join(f"{s.name}：" + "、".join(table_kind(t).name for t in s.tables) for s in TABLE_SETS)
    + f"。{_KNOWN_BY_CATALOGUE}由文件自己的目录核对（COV003）。正文印有该表标题但未能读取的，记入覆盖情况，不报缺表；"
    "只含文字说明的文本文件不核对表格。",
    why=_RULES_CITE,
    failing="文件没有政府性基金预算支出表，也没有说明该表为空表。",
    passing="政府性基金预算支出表以空表公开，并注明“本单位没有使用政府性基金预算拨款安排的支出”。",
)
def required_tables(ctx: RuleContext) -> None:
    parts = parts_of(ctx.disclosure)
    if TABLES not in parts:
        ctx.missing(_TABLES_ELSEWHERE if NARRATIVE in parts else "未识别到任何表（见 COV001）")
        return
    tset = table_set(ctx.disclosure)
    for tid in tset.tables:
        ctx.checked()
        if _present(ctx, tid) or _declared_empty(ctx, tid):
            continue
        found = printed_title(ctx, tid)
        if found:
            ctx.missing(f"{table_name(tid)}：{_where_printed(ctx, found)}印有该表标题，但未能读取该表，未核对")
            continue
        unverified = not ctx.source_texts
        ctx.report(
            f"未找到必须公开的{table_name(tid)}（{tset.name}），也没有说明其为空表"
            f"{'（未能逐行核对原文）' if unverified else ''}。请补充公开该表；没有数据的，公开空表并说明理由。",
            table=tid, values={"表格体系": tset.name}, severity=Severity.WARNING if unverified else None,
        )


@rule(
    "COV003",
    "目录列出的表在文件中找不到",
    Severity.ERROR,
    what="核对文件目录（公开报表目录）中列出的每张表，是否在正文中出现（或声明为空表）。正文印有该表标题但未能读取的，"
    "记入覆盖情况；只含文字说明的文本文件，其目录所列的表在表格文件中，与表格文件一并检查。",
    why="目录承诺公开的表缺失，说明公开不完整或文件拼接有误。" + _RULES_CITE,
    failing="目录列出“一般公共预算项目支出情况表”，正文没有该表。",
    passing="目录中每张表都能在正文找到。",
)
def catalogue_promises(ctx: RuleContext) -> None:
    entries = [e for e in ctx.disclosure.catalogue if e.table_id]
    if not entries:
        ctx.skip("没有识别到列出表名的目录") if not ctx.disclosure.catalogue else ctx.skip("目录中的表名均未能识别")
        return
    if TABLES not in parts_of(ctx.disclosure):
        ctx.missing(_TABLES_ELSEWHERE)
        return
    for e in entries:
        ctx.checked()
        tid = e.table_id or ""
        if _present(ctx, tid) or (e.empty and ctx.disclosure.tables_by_id(tid)) or _declared_empty(ctx, tid):
            continue
        found = printed_title(ctx, tid, e.title)
        if found:
            ctx.missing(f"目录所列“{e.title}”：{_where_printed(ctx, found)}印有该表标题，但未能读取该表，未核对")
            continue
        unverified = not ctx.source_texts
        ctx.report(
            f"目录{where(source=e.source)}列出“{e.title}”，但正文中没有找到该表"
            f"{'（目录注明为空表，但正文未公开空表）' if e.empty else ''}"
            f"{'（未能逐行核对原文）' if unverified else ''}。"
            "请补充该表或更正目录。",
            table=tid, source=e.source, values={"目录表名": e.title}, quote=e.title,
            severity=Severity.WARNING if unverified else None,
        )


_EXPLANATIONS: tuple[tuple[str, str, tuple[str, ...], int | None], ...] = (
    # topic, name, words, first year required (None: always)
    ("three_public", "“三公”经费预算情况说明", ("三公",), None),
    ("operating", "机关运行经费情况说明", ("机关运行经费", "运行经费"), None),
    ("procurement", "政府采购情况说明", ("政府采购",), None),
    ("assets", "国有资产占用情况说明", ("国有资产", "资产占用", "固定资产"), 2019),
    ("performance", "预算绩效（绩效目标）情况说明", ("绩效",), 2019),
    ("glossary", "名词解释", ("名词解释",), None),
)


@rule(
    "COV004",
    "缺少必备的情况说明",
    Severity.WARNING,
    what="核对情况说明是否包括“三公”经费、机关运行经费、政府采购、国有资产占用、预算绩效（绩效目标）和名词解释；"
    "国有资产占用和绩效目标说明自 2019 年起核对（更早年度的模板，如江苏 2017–2018 年，不含这两节）。"
    "说明文字未能完整解析时，也在原文中查找相应标题。只含表格的表格文件不核对。",
    why="《地方预决算公开操作规程》要求部门预算公开时对“三公”经费、机关运行经费、政府采购、国有资产占用、"
    "绩效目标等重要事项作出说明，并对专业名词进行解释。",
    failing="情况说明没有关于政府采购的任何内容。",
    passing="情况说明含“（二）政府采购情况”一节。",
)
def required_explanations(ctx: RuleContext) -> None:
    d = ctx.disclosure
    parts = parts_of(d)
    if NARRATIVE not in parts and TABLES in parts:
        ctx.missing(_NARRATIVE_ELSEWHERE)
        return
    ctx.checked()
    if not d.narrative:
        ctx.report(
            f"文件 {ctx.doc} 中未识别到情况说明（第三部分）。预算公开应包括收支情况说明及“三公”经费、机关运行经费、"
            "政府采购、国有资产、绩效目标等说明和名词解释。请补充，或确认文件是否完整。"
        )
        return
    text = squash(" ".join(f"{s.heading} {s.text}" for s in d.narrative))
    source = squash(" ".join(t for lines in ctx.source_texts.values() for _, t in lines if not is_toc_line(t)))
    topics = {s.topic for s in d.narrative}
    structured = {
        "three_public": d.three_public is not None,
        "operating": d.operating_cost is not None,
        "procurement": d.procurement is not None,
        "assets": d.assets is not None,
        "performance": bool(d.performance),
    }
    for topic, name, words, since in _EXPLANATIONS:
        if since is not None and (d.meta.year is None or d.meta.year < since):
            continue
        ctx.checked()
        if topic in topics or structured.get(topic) or any(w in text or w in source for w in words):
            continue
        ctx.report(f"情况说明中没有找到{name}。请补充该项说明（没有相关事项的，也应说明“无”）。")


_AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d{2}")


def _block_after(ctx: RuleContext, table: Table) -> list[str] | None:
    """The source lines from a table's title to the next table title (or 60 lines)."""
    line = table.source.line
    if line is None:
        return None
    doc = ctx.locate_doc(table.source, table.id) if ctx.locate_doc else ctx.doc
    lines = ctx.source_texts.get(doc, ())
    out: list[str] = []
    for no, text in lines:
        if no <= line:
            continue
        if len(out) >= 60 or (classify_title(text) is not None and len(out) > 0):
            break
        out.append(text)
    return out


def _narrative_says_none(ctx: RuleContext, table_id: str) -> bool:
    """The narrative section about this fund says there is none (无/没有…) or states 0."""
    fund = _FUND_WORDS.get(table_id)
    for s in ctx.disclosure.narrative:
        if s.topic != table_id and not (fund and fund in squash(s.heading)):
            continue
        text = squash(s.text)
        if _EMPTY_WORDS.search(text) or any(f.amount == 0 for f in s.figures) or re.search(r"(?<![\d.])0万?元", text):
            return True
    return False


@rule(
    "COV005",
    "空表未说明理由",
    Severity.WARNING,
    what="以空表公开的表，核对是否说明了为空的理由：表下注明（如“本表无数据”“（无政府性基金支出）”）、目录“是否空表”"
    "理由栏，或情况说明中该项为“无”或 0。原文中该表下方印有金额的，是表格未能读取，记入覆盖情况。只含表格的"
    "表格文件，理由可能在文字说明文件中，与之一并检查。",
    why=_RULES_CITE,
    failing="国有资本经营预算支出表只有表头，全文未说明为何为空。",
    passing="表下注明“本单位 2025 年没有使用国有资本经营预算拨款安排的支出，本表为空表。”",
)
def empty_with_reason(ctx: RuleContext) -> None:
    empties = [t for t in ctx.disclosure.tables if t.empty]
    if not empties:
        ctx.skip("没有空表")
        return
    alone = NARRATIVE not in parts_of(ctx.disclosure)
    for t in empties:
        if t.empty_reason or any(e.table_id == t.id and e.reason for e in ctx.disclosure.catalogue):
            ctx.checked()
            continue
        if _declared_empty_in_narrative(ctx, t.id) or _narrative_says_none(ctx, t.id):
            ctx.checked()
            continue
        block = _block_after(ctx, t)
        if block is not None and sum(len(_AMOUNT.findall(x)) for x in block) >= 3:
            ctx.missing(f"{table_name(t.id)}“{t.title}”读作空表，但原文该表下方印有金额，未核对")
            continue
        if block is not None and any(_EMPTY_WORDS.search(squash(x)) for x in block):
            ctx.checked()
            continue
        if alone:
            ctx.missing(f"{table_name(t.id)}为空表，理由可能在文字说明文件中；{_NARRATIVE_ELSEWHERE}")
            continue
        ctx.checked()
        ctx.report(
            f"{table_name(t.id)}“{t.title}”{where(source=t.source)}为空表，但未说明为空的理由。请在表下或说明中注明。",
            table=t.id, source=t.source, quote=t.title,
        )


def _declared_empty_in_narrative(ctx: RuleContext, table_id: str) -> bool:
    name = re.sub(r"[（(].*?[)）]|“|”|\"", "", squash(table_name(table_id)).replace("表", ""))
    return any("空表" in squash(s.text) and name[:6] in squash(s.text) for s in ctx.disclosure.narrative)


_EMPTY_NOTE = re.compile(r"(?:本表|此表|该表)?为空表|本表无数据|空表列示")


@rule(
    "COV006",
    "声明为空表的表实际有数据（或目录称非空而表为空）",
    Severity.WARNING,
    what="核对“空表”的声明与表格数据是否一致：目录“是否空表”标为空表、表下注明“本表为空表”、或说明中写明某表为空表，"
    "而该表列有非零金额；或目录标为非空而正文该表为空。只核对读取可靠的表。",
    why="目录和空表说明是读者判断公开内容的依据，应与表格一致。" + _RULES_CITE,
    failing="目录：政府性基金预算支出表“是”空表；正文该表列有 10.00 万元。",
    passing="目录：“是”空表；正文该表为空表并注明理由。",
)
def empty_declarations(ctx: RuleContext) -> None:
    d = ctx.disclosure
    # (table id, declared empty?, who says so, where, printed words)
    declared: list[tuple[str, bool, str, Source, str]] = []
    for e in d.catalogue:
        if e.table_id and e.empty is not None:
            declared.append((e.table_id, e.empty, "目录", e.source, e.title))
    for t in d.tables:
        if t.empty_reason and _EMPTY_NOTE.search(squash(t.empty_reason)):
            declared.append((t.id, True, "表下说明", t.source, t.empty_reason))
    for s in d.narrative:
        for sentence in re.split(r"[。;]", s.text):
            if not _EMPTY_NOTE.search(squash(sentence)):
                continue
            for kind_id in ("gov_fund", "state_capital", "carryover", "three_public", "procurement", "assets"):
                core = re.sub(r"[（(].*?[)）]|“|”|\"", "", squash(table_name(kind_id)).replace("表", ""))[:6]
                if core and core in squash(sentence):
                    declared.append((kind_id, True, "说明", s.source, sentence.strip()))
    if not declared:
        ctx.skip("没有关于空表的声明")
        return
    for tid, empty, who, source, words in declared:
        tables = d.tables_by_id(tid)
        if not tables:
            continue
        ctx.checked()
        has_money = any(v != 0 for t in ctx.readable(tables) for r in t.rows for v in r.values.values())
        if empty and has_money:
            ctx.report(f"{who}{where(source=source)}称“{words[:40]}”为空表，但正文{table_name(tid)}列有非零金额。"
                       "请更正空表声明或表格。", table=tid, source=source, quote=words[:60])
        elif not empty and all(t.empty or not t.rows for t in tables):
            ctx.report(f"目录{where(source=source)}标注“{words}”不是空表，但正文该表为空。请更正目录或补充数据。",
                       table=tid, source=source, quote=words[:60])
