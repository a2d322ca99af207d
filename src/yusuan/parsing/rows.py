"""Grid data rows -> ``Row``: codes, names, values, sides.

Codes are read from a code column ("2101501"), joined from 类/款/项 cells ("210 15 01"),
split off the front of a name ("201 一般公共服务支出") or, for rows printed with a name
only ("十、卫生健康支出"), resolved from the code lists. Total rows get ``TOTAL``; "三公"
rows get their item keys; income items of two-sided tables get a funding key.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from functools import cache

from yusuan import codes
from yusuan.catalogue import column_key, income_item_key, procurement_category_key
from yusuan.ingest.document import Line
from yusuan.model import Diagnostic, Row, Severity, Source
from yusuan.parsing.headers import (
    CODE,
    CODE_PART,
    GOV_CODE,
    GOV_NAME,
    MONEY,
    NAME,
    TEXT,
    ColumnSpec,
    Header,
    three_public_key,
)
from yusuan.text import clean_cjk_spaces, clean_label, parse_amount, squash, strip_numbering

INCOME, EXPENDITURE = "income", "expenditure"
EXPENDITURE_ECON, EXPENDITURE_GOV_ECON = "expenditure_econ", "expenditure_gov_econ"
EXPENDITURE_PURPOSE = "expenditure_purpose"  # 支出用途 panel: 基本支出 / 项目支出 / 单位预留机动经费

_EMBEDDED_CODE = re.compile(r"^(\d{3}(?:\s?\d{2}){0,2})\s*(?=[^\d\s.])(.+)$")
_QIZHONG = re.compile(r"^其中[:：]\s*")
_TOTALS = {"合计", "总计", "收入总计", "支出总计", "总合计", "金额合计", "收支总计"}
_YEAR_TOTALS = {"本年收入合计", "本年支出合计", "本年收入", "本年支出", "当年收入小计", "当年支出小计",
                "本年收入小计", "本年支出小计", "当年收入合计", "当年支出合计"}
# Tables whose rows are classified by 功能 / 经济 codes (name-only rows resolve against these).
_ECON_TABLES = {"gpb_econ", "gpb_basic_econ", "fiscal_basic_econ", "operating_costs"}
_NO_NAME_CODES = {"special_projects", "procurement", "assets", "catalogue", "three_public"}

def panel_sides(header: Header) -> dict[int, str]:
    """Side of each panel of a two-sided table: from the group label (收入/支出) and the
    name header (部门/政府 经济分类)."""
    sides: dict[int, str] = {}
    panels = sorted({c.panel for c in header.columns})
    if len(panels) < 2:
        return {}
    every = [lvl for c in header.columns for lvl in c.levels]
    if not any("收入" in lvl for lvl in every):
        return {}  # one list printed in two halves: no sides
    for panel in panels:
        names = header.by_role(NAME, panel)
        levels = [lvl for c in header.columns if c.panel == panel for lvl in c.levels]
        name_levels = names[0].levels if names else ()
        text = "/".join(name_levels)
        if "经济分类" in text and "政府" in text:
            sides[panel] = EXPENDITURE_GOV_ECON
        elif "经济分类" in text:
            sides[panel] = EXPENDITURE_ECON
        elif "支出用途" in text:
            sides[panel] = EXPENDITURE_PURPOSE
        else:
            # The group label (收入 / 支出) over most of the panel's columns; extraction can
            # shift a merged label by a column, so count rather than look at one cell.
            income = sum(1 for lvl in levels if "收入" in lvl)
            spending = sum(1 for lvl in levels if "支出" in lvl)
            if income != spending:
                sides[panel] = INCOME if income > spending else EXPENDITURE
            else:
                sides[panel] = INCOME if panel == panels[0] else EXPENDITURE
    return sides


# Words met in amount cells, per column header: (line, cell, where). Reported once per
# column by ``words_in_amount_cells``, not once per cell.
Words = dict[str, list[tuple[int, str, Source]]]


def read_rows(
    line: Line, header: Header, table_id: str, sides: dict[int, str], groups: dict[int, str],
    words: Words | None = None,
) -> tuple[list[Row], list[Diagnostic]]:
    """One Row per panel that has a label or a value. ``groups`` carries, per panel, the
    key of the group row (人员经费和公用经费支出 -> basic) the following rows belong to;
    ``words`` collects the non-amounts met in amount cells."""
    cells = list(line.cells) + [""] * max(0, header.width - len(line.cells))
    names = header.by_role(NAME)
    if len(line.cells) == 1 and names and names[0].index > 0 and not squash(cells[0]).isdigit():
        # A label-only row whose blank cells were lost: the text belongs in the name column.
        cells[names[0].index], cells[0] = cells[0], ""
    if len(line.cells) == 1 and not names and parse_amount(cells[0]) is None:
        return [], []  # a line of text under a table without a label column: not a row
    rows: list[Row] = []
    diagnostics: list[Diagnostic] = []
    extra = [c for c in cells[header.width:] if c.strip()]
    if extra:
        diagnostics.append(Diagnostic(
            code="P132", severity=Severity.WARNING,
            message=f"第 {line.no} 行比表头多出 {len(extra)} 个单元格（{'、'.join(extra[:3])}），无法确定所属栏目，"
            "未读取。请核对原表该行。", source=_where(line), table=table_id))
    for panel in sorted({c.panel for c in header.columns}):
        cols = [c for c in header.columns if c.panel == panel]
        side = sides.get(panel)
        row, found = _read_panel(line, cells, cols, table_id, side, groups, panel, words if words is not None else {})
        diagnostics += found
        if row is not None:
            rows.append(row)
    return rows, diagnostics


def words_in_amount_cells(words: Words, table_id: str) -> list[Diagnostic]:
    """P131, once per column: the words read where amounts belong (ignored)."""
    out: list[Diagnostic] = []
    for header, found in words.items():
        first, _cell, where = found[0]
        shown = "、".join(f"“{c}”" for _no, c, _src in found[:3]) + ("等" if len(found) > 3 else "")
        out.append(Diagnostic(
            code="P131", severity=Severity.WARNING,
            message=f"“{header}”栏有 {len(found)} 个单元格不是金额（第 {first} 行起：{shown}），已忽略。"
            "请核对原表该栏。", source=replace(where, line=first), table=table_id))
    return out


def transposed_rows(line: Line, header: Header, table_id: str) -> list[Row] | None:
    """A "三公" table printed as one row of amounts under item headers (因公出国(境)费 |
    公务接待费 | 公务用车… | 机关运行经费): one Row per item, amount in ``total`` (and the
    budget in ``budget`` where a 决算 table prints 预算数 beside 决算数)."""
    if table_id != "three_public" or header.by_role(NAME):
        return None
    cells = list(line.cells) + [""] * max(0, header.width - len(line.cells))
    if any(c.strip() and parse_amount(c) is None for c in cells):
        return None
    final = any(lvl.endswith("决算数") for c in header.columns for lvl in c.levels[-1:])
    items: dict[str, Row] = {}
    for spec in header.columns:
        if spec.role != MONEY or spec.index >= len(cells):
            continue
        levels = spec.levels
        if levels and levels[-1] == "小计" and len(levels) > 1:
            levels = (*levels[:-1], levels[-2] + levels[-1])  # a group's 小计: "三公"经费/小计
        item = next(((level, key) for level in reversed(levels)
                     if (key := three_public_key(level) or _operating_key(level))), None)
        if item is None:
            continue
        level, key = item
        if key != "three_public_subtotal" and level.endswith(("小计", "合计")) and len(level) > 2:
            level = level[:-2]  # 公务用车购置及运行维护费/小计 is that item's row
        # 决算 tables print 预算数 | 决算数 under each item: the budget goes to ``budget``.
        column = "budget" if final and spec.levels[-1].endswith("预算数") else "total"
        row = items.setdefault(key, Row(code=key, name=_strip_prefix(level), values={}, source=_where(line),
                                        key=key, label=spec.header))
        amount = parse_amount(cells[spec.index])
        if amount is not None:
            row.values[column] = amount
    return list(items.values()) or None


def _operating_key(level: str) -> str | None:
    return "operating_cost" if "机关运行经费" in level else None


def _read_panel(
    line: Line, cells: list[str], cols: list[ColumnSpec], table_id: str, side: str | None,
    groups: dict[int, str], panel: int, words: Words,
) -> tuple[Row | None, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    parts = [squash(cells[c.index]) for c in cols if c.role == CODE_PART]
    code_cells = [squash(cells[c.index]) for c in cols if c.role == CODE]
    names = [clean_label(cells[c.index]) for c in cols if c.role == NAME]
    label = next((n for n in names if n), "")
    text: dict[str, str] = {}
    if len(names) >= 2 and table_id != "procurement" and names[0]:
        # A label in two levels (group | item): the item names the row, the group is kept
        # as text and resolved over the group's rows by ``nest_groups``.
        label = next((n for n in reversed(names) if n), "")
        text["group"] = names[0]
    if any(parts):
        code, printed = split_code(parts)
    else:
        code, printed = split_code(next((c for c in code_cells if c), "").split())
    if printed:
        text["code_printed"] = printed
    values: dict[str, Decimal] = {}
    value_sources: dict[str, Source] = {}
    for c in cols:
        cell = cells[c.index].strip() if c.index < len(cells) else ""
        if not cell:
            continue
        if c.role == MONEY and c.key == "change_pct":
            if parse_amount(cell.rstrip("%％")) is not None:
                text["change_pct"] = squash(cell).rstrip("%％")  # a rate, not money: kept out of the sums
            continue
        if c.role == MONEY and c.key:
            amount = parse_amount(cell)
            if amount is not None:
                values[c.key] = amount
                cell_source = line.cell_source(c.index)
                if cell_source.bbox is not None or cell_source.ref is not None:
                    value_sources[c.key] = replace(cell_source, line=line.no)
            elif cell not in ("-", "--", "—", "——", "/"):
                words.setdefault(c.header, []).append((line.no, cell, line.cell_source(c.index)))
        elif c.role in (TEXT, GOV_CODE, GOV_NAME) and c.key:
            text[c.key] = clean_cjk_spaces(cell) if c.role != GOV_CODE else squash(cell)
    if not label and squash(text.get("unit_code", "")) in _TOTALS:
        label = text.pop("unit_code")  # 合计 printed across the unit's code and name cells
    if not label and not code and not values:
        return None, diagnostics
    name = label
    if not code:
        m = _EMBEDDED_CODE.match(label)
        if m:
            code, name = squash(m.group(1)), m.group(2).strip()
    if code and not code.isdigit():
        if not name and re.search(r"[\u4e00-\u9fff]", code):
            name, label = code, code  # a label printed across the code cells ("合计")
        else:
            # Not a classification code (OCR noise, a unit code with letters): keep it as text.
            text["printed_code"] = code
        code = ""
    name = _strip_prefix(name)
    code, key = classify_label(name, code, table_id, side)
    # Rows under an econ group (人员经费和公用经费 / 专项业务经费) carry the group's key as
    # their column: the same 301 is printed under both groups.
    if side == EXPENDITURE_ECON:
        if key in ("basic", "project"):
            groups[panel] = key
        elif code and code != "TOTAL" and groups.get(panel) and len(values) == 1 and "total" in values:
            values = {groups[panel]: values["total"]}
            if "total" in value_sources:
                value_sources = {groups[panel]: value_sources["total"]}
        elif not code:
            groups.pop(panel, None)
    unit_code, unit_name = "", ""
    if code != "TOTAL" and _lists_units(cols, code, name, text):
        # A row about a budget unit, not a 科目: its printed code is the unit's.
        unit_code = text.get("unit_code", "") or (code if code.isdigit() and codes.level_of(code) is None else "")
        unit_name = name
        code = "" if code == unit_code else code
        key = None
    level = codes.level_of(code) if code.isdigit() else None
    return Row(code=code, name=name, values=values, source=_where(line), level=level, side=side, key=key,
               label=label, text=text, value_sources=value_sources, unit_code=unit_code,
               unit_name=unit_name), diagnostics


_UNIT_NAME_HEADER = re.compile(r"^(?:预算)?单位名称$|^单位$")
_ORG_END = re.compile(r"(?:局|中心|委员会|委|办公室|办公厅|院|所|站|队|馆|学校|医院|本级|厅|部|会|社|处|政府|法院|"
                      r"检察院|(?:\(|（)本级(?:\)|）))$")


def _lists_units(cols: list[ColumnSpec], code: str, name: str, text: dict[str, str]) -> bool:
    """Whether a row names a budget unit: under a 单位名称 / 单位编码 header, or printed with a
    code that is no classification code (6 digits) beside an organisation's name."""
    if not name:
        return False
    if any(c.role == NAME and c.levels and _UNIT_NAME_HEADER.match(c.levels[-1]) for c in cols):
        return True
    if text.get("unit_code") and text["unit_code"].isdigit():
        return True
    return code.isdigit() and codes.level_of(code) is None and len(code) >= 6 and bool(_ORG_END.search(name))


def classify_label(name: str, code: str, table_id: str, side: str | None) -> tuple[str, str | None]:
    """(code, key) of a row from its name (numbering removed) and the code printed with it:
    totals, "三公" items, codes resolved from names, funding keys of income items."""
    key: str | None = None
    sq = squash(name)
    if table_id == "three_public":
        # a "三公"经费和机关运行经费 table printed by rows lists 机关运行经费 as a row of its own
        key = three_public_key(sq) or _operating_key(sq)
        if key and not code:
            code = key
    elif sq in _TOTALS:
        code = "TOTAL"
    elif sq in _YEAR_TOTALS:
        key = "year_total"
    if not code and sq and table_id not in _NO_NAME_CODES:
        code = _code_from_name(sq, table_id, side) or ""
    if side == INCOME and code != "TOTAL":
        key = key or _income_key(sq)
        code = "" if code and not code.isdigit() else code
    elif side == EXPENDITURE_ECON and not code:
        key = key or _econ_group_key(sq)
    elif side == EXPENDITURE_PURPOSE and not code:
        key = key or column_key(sq)  # 基本支出 / 项目支出 / 单位预留机动经费 / 结转下年资金
    elif side is None and table_id == "income" and not code:
        key = key or _income_key(sq)  # a 收入预算总表 listing income items, not 科目
    elif table_id == "procurement" and not code:
        key = procurement_category_key(sq)  # 货物 / 工程 / 服务 over the projects listed under them
    return code, key


def split_code(cells: list[str]) -> tuple[str, str]:
    """The canonical code from the cells it is printed in (类 | 款 | 项, or one cell), and
    the printed form when it differs (cells joined by one space, else ""). A 款 or 项
    printed without its leading zero ("301 | 2") is 30102; a 款 printed whole beside its
    类 ("301 | 30102") is read once. Cells that are not digits are returned joined as the
    code, for the caller to judge."""
    filled = [squash(c) for c in cells if squash(c)]
    if not filled:
        return "", ""
    if not all(c.isdigit() for c in filled) or len(filled[0]) != 3 or len(filled) > 3:
        return "".join(filled), ""
    code = filled[0]
    for part in filled[1:]:
        if len(part) == 1:
            part = "0" + part
        elif len(part) == len(code) + 2 and part.startswith(code):
            part = part[-2:]
        if len(part) != 2:
            return "".join(filled), ""
        code += part
    canonical = [code[:3], *(code[i:i + 2] for i in range(3, len(code), 2))]
    printed = " ".join(filled)
    return code, ("" if filled == canonical else printed)


def _strip_prefix(name: str) -> str:
    name = clean_cjk_spaces(name)
    name = _QIZHONG.sub("", name)
    stripped = strip_numbering(name)
    return _QIZHONG.sub("", stripped).strip()


def _code_from_name(sq: str, table_id: str, side: str | None) -> str | None:
    if side == INCOME:
        return None
    if side == EXPENDITURE_GOV_ECON:
        return _gov_econ_from_name(sq)
    if side == EXPENDITURE_ECON or table_id in _ECON_TABLES:
        return _econ_from_name(sq)
    return codes.function_class_from_name(sq)


def _loose(name: str) -> str:
    s = squash(strip_numbering(name)).replace("的", "").replace("（", "(").replace("）", ")")
    return s


@cache
def _econ_names() -> dict[str, str]:
    return {_loose(c.name): c.code for c in codes.code_list(codes.DEPT_ECON).values() if c.level == 1}


@cache
def _gov_econ_names() -> dict[str, str]:
    return {_loose(c.name): c.code for c in codes.code_list(codes.GOV_ECON).values() if c.level == 1}


def _econ_from_name(sq: str) -> str | None:
    return codes.econ_code_from_name(sq) or _econ_names().get(_loose(sq))


def _gov_econ_from_name(sq: str) -> str | None:
    return _gov_econ_names().get(_loose(sq))


def _income_key(sq: str) -> str | None:
    if sq in _YEAR_TOTALS or sq == "本年收入":
        return "year_total"
    key = income_item_key(sq)
    return None if key == "TOTAL" else key


def _econ_group_key(sq: str) -> str | None:
    if "人员经费" in sq and "公用经费" in sq:
        return "basic"
    if "专项业务经费" in sq or "项目支出" in sq:
        return "project"
    return column_key(sq)


def _where(line: Line) -> Source:
    """The row's source: the line's (page, box where the reader knows them), numbered."""
    return replace(line.source, line=line.no)
