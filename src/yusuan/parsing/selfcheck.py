"""Self-check after parsing: is each table's reading trustworthy?

Every identity that should hold inside a table is evaluated on what was read — a row's
合计 against its parts (基本 + 项目 …, 人员 + 公用, the funding sources), a total or parent
row against the rows under it (类 under 合计, 款 under 类, units under 合计, the items of a
小计 group, the "三公" items), the sides of a 收支总表 — and, where cheap, the grand totals
that the 收支总表, 收入总表 and 支出总表 restate.

A failed identity alone proves nothing: documents contain real arithmetic errors, and the
audit must report those. A table is marked uncertain (``Table.uncertain``, Chinese reasons)
only when an identity fails *and* the reading shows evidence of doubt: amounts placed by
inference, columns that could not be mapped, a header word where an amount belongs, a
header read out of place, cells beyond the header, a total read as 0 (or not read) while
the rows under it are not, amounts that look shifted by a column. The audit leaves such a
table to the coverage ledger ("could not check") instead of raising an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

from yusuan import codes
from yusuan.catalogue import SPENDING_PARTS
from yusuan.model import Diagnostic, Row, Table
from yusuan.text import decimals_of, squash

_FISCAL_PARTS = ("general_budget", "general_budget_transfer", "gov_fund", "gov_fund_transfer", "state_capital",
                 "state_capital_transfer")
_UNIT_PARTS = ("institution_income", "business_income", "upper_subsidy", "subordinate_remit", "other_income")
_THREE = ("abroad", "reception", "vehicle")
GROUPS = "groups"  # the family of identities only this module evaluates (see group_identities)
# Diagnostics of the table parser that say a table was read with difficulty.
_DOUBT_CODES = {
    "P122": "表头列位置错乱，按印出位置读取",
    "P131": "金额栏中读到了文字（表头或标签）",
    "P132": "有数据行比表头多出单元格，多出部分未读取",
    "P140": "有数据行无法确定栏目，未读取",
}


def _half(values: Iterable[Decimal]) -> Decimal:
    """Rounding allowance: half a unit of the last printed place of each value."""
    return sum((Decimal(5).scaleb(-decimals_of(v) - 1) for v in values if v), Decimal(0))


def _holds(total: Decimal, parts: Sequence[Decimal]) -> bool:
    return abs(total - sum(parts, Decimal(0))) <= _half([total, *parts])


class _Check:
    def __init__(self) -> None:
        self.count = 0
        self.failed: list[str] = []
        self.zero_totals: list[str] = []
        self.kinds: list[str] = []  # parallel to failed: which family of identity
        self.group_count = 0

    def sum(self, what: str, total: Decimal | None, parts: Sequence[Decimal], kind: str = "") -> None:
        if not parts or (total is None and not any(parts)):
            return
        self.count += 1
        self.group_count += kind == GROUPS
        if total is None or not total:
            if any(parts):
                self.zero_totals.append(what)
                self.failed.append(what)
                self.kinds.append(kind)
            return
        if not _holds(total, parts):
            self.failed.append(what)
            self.kinds.append(kind)


# --------------------------------------------------------------------------- identities


def _row_identities(check: _Check, table: Table) -> list[Row]:
    """Across each row; returns the rows whose identities fail."""
    bad: list[Row] = []
    for row in table.rows:
        v = row.values
        before = len(check.failed)
        spending = [k for k in SPENDING_PARTS if k in v]
        if "total" in v and ("basic" in v or "project" in v):
            check.sum(f"“{row.name}”合计 = 基本支出 + 项目支出", v["total"], [v[k] for k in spending])
        elif "total" in v and ("personnel" in v or "public" in v) and "project" in v:
            parts = [v[k] for k in ("personnel", "public", "project") if k in v]
            check.sum(f"“{row.name}”合计 = 人员经费 + 公用经费 + 项目支出", v["total"], parts)
        if "basic" in v and ("personnel" in v or "public" in v):
            check.sum(f"“{row.name}”基本支出 = 人员经费 + 公用经费", v["basic"],
                      [v[k] for k in ("personnel", "public") if k in v])
        if "fiscal" in v and any(k in v for k in _FISCAL_PARTS):
            check.sum(f"“{row.name}”财政拨款 = 各来源之和", v["fiscal"], [v[k] for k in _FISCAL_PARTS if k in v])
        if "total" in v and not spending and any(k in v for k in ("fiscal", *_FISCAL_PARTS, "fiscal_special",
                                                                  "unit_funds", *_UNIT_PARTS)):
            keys = ["fiscal"] if "fiscal" in v else list(_FISCAL_PARTS)
            keys += ["fiscal_special", "carryover", "other_funds"]
            keys += ["unit_funds"] if "unit_funds" in v else list(_UNIT_PARTS)
            check.sum(f"“{row.name}”合计 = 各资金来源之和", v["total"], [v[k] for k in keys if k in v])
        if len(check.failed) > before:
            bad.append(row)
    return bad


def _column_identities(check: _Check, table: Table) -> None:
    """Down each column: totals and parents against the rows under them."""
    for side in {r.side for r in table.rows}:
        rows = [r for r in table.rows if r.side == side]
        total = next((r for r in rows if r.code == "TOTAL"), None)
        coded = {}
        for r in rows:
            if r.code.isdigit() and not r.unit_name:
                coded.setdefault(r.code, r)
        units = [r for r in rows if r.unit_name and not r.code]
        codes_of_units = [r.unit_code for r in units if r.unit_code]
        top_units = [r for r in units if not any(r.unit_code != c and r.unit_code.startswith(c)
                                                 for c in codes_of_units)]
        # 总计 may cover the carry-over to next year beside the classes: the year's total does not.
        carried = any(not r.code and "结转" in r.name and any(r.values.values()) for r in rows if r.side)
        year = next((r for r in rows if r.key == "year_total"), None)
        head = year if carried else total
        printed = {c.key for c in table.columns if c.header != c.key}
        if head is not None and not any(r.code.isdigit() and r.unit_name for r in rows):
            kinds: dict[str | None, list[Row]] = {}
            for code, r in coded.items():
                if len(code) == 3:
                    kinds.setdefault(codes.kind_of(code), []).append(r)
            for kids in kinds.values():
                _down(check, head, kids, "合计 = 各类之和", printed)
        if total is not None and top_units:
            _down(check, total, top_units, "合计 = 各单位之和", printed, kind=GROUPS)
        children: dict[str, list[Row]] = {}  # one pass: a table of thousands of rows stays linear
        for c, r in coded.items():
            up = codes.parent_of(c)
            if up is not None:
                children.setdefault(up, []).append(r)
        for code, parent in coded.items():
            kids = children.get(code)
            if kids:
                _down(check, parent, kids, f"{code} = 下级科目之和", printed)
    _group_identities(check, table)


def _down(check: _Check, head: Row, rows: Sequence[Row], what: str, printed: set[str] | None = None,
          kind: str = "") -> None:
    """Each column of ``head`` against the rows under it; a column the header prints that
    ``head`` left blank while the rows under it are not is checked too (a total not read)."""
    cols = set(head.values)
    if head.values and printed is not None:
        cols |= {c for r in rows for c in r.values if c in printed}
    for col in sorted(cols):
        parts = [r.values[col] for r in rows if col in r.values]
        if parts:
            check.sum(f"“{col}”栏 {what}", head.values.get(col), parts, kind)


def _group_identities(check: _Check, table: Table) -> None:
    """Two-level labels (收入预算总表): a group's 小计 = its items; 总计 = the groups."""
    heads: list[Row] = []
    for i, row in enumerate(table.rows):
        group = row.text.get("group")
        if not group or row.name != group or "/" not in row.label:
            continue
        heads.append(row)
        items = [r for r in table.rows[i + 1:] if r.text.get("group") == group]
        items = [r for r in items if not re.match(r"^其中", squash(r.label))]
        if items:
            _down(check, row, items, f"{group}小计 = 其下各项之和", set(), kind=GROUPS)
    total = next((r for r in table.rows if r.code == "TOTAL" and r.side is None), None)
    if total is not None and heads and not any(r.code.isdigit() for r in table.rows):
        _down(check, total, heads, "总计 = 各组小计之和", set(), kind=GROUPS)


def _three_public(check: _Check, table: Table) -> None:
    by = {r.code: r for r in table.rows}
    for col in sorted({c for r in table.rows for c in r.values}):
        def val(key: str, col: str = col) -> Decimal | None:
            r = by.get(key)
            return r.values.get(col) if r is not None else None

        three = [v for k in _THREE if (v := val(k)) is not None]
        if val("vehicle") is None:
            three += [v for k in ("vehicle_purchase", "vehicle_operation") if (v := val(k)) is not None]
        more = [v for k in ("meeting", "training") if (v := val(k)) is not None]
        sub = val("three_public_subtotal")
        if sub is not None:
            check.sum("“三公”小计 = 出国 + 接待 + 公务用车", sub, three)
            if val("TOTAL") is not None and more:
                check.sum("合计 = “三公”小计 + 会议费 + 培训费", val("TOTAL"), [sub, *more])
        elif val("TOTAL") is not None and three:
            check.sum("合计 = “三公”各项之和", val("TOTAL"), three + (more if "会议" in table.title else []))
        if val("vehicle") is not None:
            parts = [v for k in ("vehicle_purchase", "vehicle_operation") if (v := val(k)) is not None]
            check.sum("公务用车购置及运行费 = 购置费 + 运行费", val("vehicle"), parts)


def _sides(check: _Check, table: Table) -> None:
    """A 收支总表's sides: the same grand total; a 支出用途 side adds up to it."""
    totals = {r.side: r.values["total"] for r in table.rows if r.code == "TOTAL" and r.side and "total" in r.values}
    if len(totals) >= 2:
        ref = totals.get("income", next(iter(totals.values())))
        for value in totals.values():
            check.sum("收支总表各方总计一致", ref, [value])
    purpose = [r for r in table.rows if r.side == "expenditure_purpose" and r.key and "total" in r.values
               and r.code != "TOTAL" and r.key != "year_total"]
    year = next((r for r in table.rows if r.key == "year_total" and r.side and r.side != "income"
                 and "total" in r.values), None)
    head = year or next((r for r in table.rows if r.code == "TOTAL" and r.side and r.side != "income"
                         and "total" in r.values), None)
    if purpose and head is not None:
        check.sum("本年支出 = 各支出用途之和", head.values["total"], [r.values["total"] for r in purpose], GROUPS)
    _income_items(check, table)
    _spending_side_totals(check, table)


def _income_items(check: _Check, table: Table) -> None:
    """The income side's listing, level by level: 本年收入 = 财政拨款 (or its sources) + 财政专户 +
    单位资金 (or its kinds); 财政拨款 = its sources; 单位资金 = its kinds; 上年结转结余 = its parts."""
    printed: dict[str, Row] = {}
    for r in table.rows:
        if r.side == "income" and r.key:
            printed.setdefault(r.key, r)  # a key met again is a part printed under the first (其中)
    head = printed.get("year_total")
    if head is None and not any(k in printed for k in _CARRY_PARTS):
        head = next((r for r in table.rows if r.code == "TOTAL" and r.side == "income"), None)
    # 上级…转移支付 printed under its source (一般公共预算 = 一般财力 + 上级转移支付) is not a sibling
    sources = [k for k in _FISCAL_PARTS if not (k.endswith("_transfer") and k.removesuffix("_transfer") in printed)]
    kinds = [*_UNIT_PARTS, "other_funds"]
    top = ["fiscal"] if "fiscal" in printed else sources
    top += ["fiscal_special"]
    top += ["unit_funds"] if "unit_funds" in printed else ["nonfiscal"] if "nonfiscal" in printed else kinds
    _listing(check, "本年收入 = 各收入项之和", head, top, printed)
    _listing(check, "财政拨款 = 各来源之和", printed.get("fiscal"), sources, printed)
    _listing(check, "单位资金 = 各项之和", printed.get("unit_funds"), kinds, printed)
    fiscal_carry = [f"carryover_{k}" for k in ("general_budget", "gov_fund", "state_capital")]
    other_carry = ["carryover_fiscal_special", "carryover_unit_funds"]
    split = "carryover_fiscal" in printed or "carryover_nonfiscal" in printed
    _listing(check, "上年结转结余 = 各项之和", printed.get("carryover"),
             ["carryover_fiscal", "carryover_nonfiscal"] if split else fiscal_carry + other_carry, printed)
    _listing(check, "财政拨款结转 = 各来源之和", printed.get("carryover_fiscal"), fiscal_carry, printed)
    _listing(check, "非财政拨款结转结余 = 各项之和", printed.get("carryover_nonfiscal"), other_carry, printed)


_CARRY_PARTS = ("carryover", "carryover_fiscal", "carryover_nonfiscal", "use_surplus")


def _listing(check: _Check, what: str, head: Row | None, keys: Sequence[str], printed: dict[str, Row]) -> None:
    """``head`` = the rows printed under ``keys``, a blank one being zero, when at least two are printed."""
    if head is None or "total" not in head.values or sum(k in printed for k in keys) < 2:
        return
    parts = [printed[k].values["total"] for k in keys if k in printed and "total" in printed[k].values]
    if parts:
        check.sum(what, head.values["total"], parts, GROUPS)


def _spending_side_totals(check: _Check, table: Table) -> None:
    """支出总计 = 本年支出合计 + what is carried to next year (结转下年, 年末结转和结余, 结余分配)."""
    for side in sorted({r.side for r in table.rows if r.side and r.side != "income"}):
        rows = [r for r in table.rows if r.side == side]
        total = next((r for r in rows if r.code == "TOTAL"), None)
        year = next((r for r in rows if r.key == "year_total"), None)
        if total is None or year is None or "total" not in total.values or "total" not in year.values:
            continue
        after = rows[rows.index(year) + 1:]
        carried = [r for r in after if r.code != "TOTAL" and (r.key == "carry_forward" or re.search(
            r"结转|结余", r.name)) and not r.name.startswith("其中")]
        check.sum("支出总计 = 本年支出 + 结转结余", total.values["total"],
                  [year.values["total"], *(r.values["total"] for r in carried if "total" in r.values)], GROUPS)


# --------------------------------------------------------------------------- doubt


def _doubts(table: Table, check: _Check, bad_rows: Sequence[Row], diagnostics: Sequence[Diagnostic]) -> list[str]:
    reasons: list[str] = []
    if any(r.inferred for r in table.rows):
        reasons.append("部分金额的栏目由推断确定")
    unmapped = sorted({k for r in table.rows for k in r.values if re.fullmatch(r"col\d+", k)})
    if unmapped:
        reasons.append(f"有 {len(unmapped)} 栏无法对应到标准栏目")
    for code, reason in _DOUBT_CODES.items():
        if any(d.code == code for d in diagnostics):
            reasons.append(reason)
    if check.zero_totals:
        reasons.append("合计读为 0 或未读到，而其下各行不为 0")
    if any(_shifted(r) for r in bad_rows):
        reasons.append("部分行的金额疑似错栏")
    return reasons


def _shifted(row: Row) -> bool:
    """A row whose amounts add up with one of them as the total, but not the one in 合计."""
    values = list(row.values.items())
    if len(values) < 3:
        return False
    for key, value in values:
        others = [v for k, v in values if k != key]
        if key != "total" and value and _holds(value, others):
            return True
    return False


def _table_diagnostics(table: Table, diagnostics: Sequence[Diagnostic], end: int | None) -> list[Diagnostic]:
    start = table.source.line or 0
    return [d for d in diagnostics if d.table == table.id and (d.source.line is None or (
        d.source.line >= start and (end is None or d.source.line < end)))]


def group_identities(table: Table) -> tuple[int, list[str]]:
    """The identities of groups that only this module evaluates (a 小计 and its items, 总计 and
    the 小计s, the units under 合计, a 收支总表's 支出用途 side against its 本年支出): how many were
    evaluated, and the ones that fail. The audit reports those (SUM009); the rest have rules of
    their own."""
    check = _Check()
    if table.empty or not table.rows or table.id == "three_public":
        return 0, []
    _column_identities(check, table)
    _sides(check, table)
    return check.group_count, [what for what, kind in zip(check.failed, check.kinds, strict=True) if kind == GROUPS]


def check_table(table: Table, diagnostics: Sequence[Diagnostic] = ()) -> tuple[int, list[str], list[str]]:
    """(identities evaluated, identities failed, reasons to doubt the reading)."""
    check = _Check()
    if table.empty or not table.rows:
        return 0, [], []
    bad = _row_identities(check, table)
    if table.id == "three_public":
        _three_public(check, table)
    else:
        _column_identities(check, table)
        _sides(check, table)
    return check.count, check.failed, _doubts(table, check, bad, diagnostics)


def _cross_totals(tables: Sequence[Table]) -> dict[int, str]:
    """The grand total restated by 收支总表 (both sides), 收入总表 and 支出总表: indexes of the
    tables whose total disagrees with the others'."""
    found: list[tuple[int, Decimal]] = []
    for i, t in enumerate(tables):
        if t.id not in ("summary", "income", "expenditure") or t.uncertain:
            continue
        for r in t.rows:
            if r.code == "TOTAL" and "total" in r.values and r.side in (None, "income"):
                found.append((i, r.values["total"]))
                break
    if len(found) < 3:
        return {}
    values = [v for _i, v in found]
    common = max(set(values), key=values.count)
    if values.count(common) < 2:
        return {}
    return {i: "合计与收支总表、收入总表、支出总表的总计不一致" for i, v in found
            if not _holds(common, [v])}


def mark_uncertain(tables: Sequence[Table], diagnostics: Sequence[Diagnostic]) -> tuple[Table, ...]:
    """Tables with a failed identity and a doubtful reading get ``uncertain`` reasons."""
    out: list[Table] = []
    starts = [t.source.line for t in tables]
    cross = _cross_totals(tables)
    for i, table in enumerate(tables):
        later = [s for s in starts[i + 1:] if s is not None and table.source.line is not None
                 and s > table.source.line]
        mine = _table_diagnostics(table, diagnostics, min(later) if later else None)
        _count, failed, doubts = check_table(table, mine)
        if i in cross:
            failed = [*failed, cross[i]]
        if failed and doubts:
            head = f"表内 {len(failed)} 处合计关系不成立（如{failed[0]}）"
            table = replace(table, uncertain=(head, *doubts))
        out.append(table)
    return tuple(out)
