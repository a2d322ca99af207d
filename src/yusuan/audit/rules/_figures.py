"""Where a narrative statement's amount lives in the tables.

Only the links the parser made are used (``Figure.refers_to``: a printed code, a 科目 path, a
name found in the document's tables, or a total's keywords): a guess here would turn a
misreading into a finding. A link into a table the parser marked uncertain is not checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from yusuan.audit.context import RuleContext
from yusuan.audit.tolerance import Money
from yusuan.model import Figure, MoneyUnit, NarrativeSection, Row, Table
from yusuan.parsing.links import cell_row

# A link below this confidence (a bare name matched in the tables) reports warnings, not errors.
SURE = 0.9


@dataclass(frozen=True)
class Resolved:
    figure: Figure
    section: NarrativeSection
    table: Table
    row: Row | None  # None: a table printed empty (空表), whose total is nothing
    column: str

    @property
    def value(self) -> Decimal | None:
        return self.row.values.get(self.column) if self.row else None

    @property
    def key(self) -> tuple[str, str, str]:
        assert self.figure.refers_to is not None
        return self.figure.refers_to

    @property
    def sure(self) -> bool:
        return (self.figure.confidence or 1.0) >= SURE


def figures(ctx: RuleContext) -> Iterator[tuple[NarrativeSection, Figure]]:
    for s in ctx.disclosure.narrative:
        for f in s.figures:
            yield s, f


def figure_money(f: Figure) -> Money:
    return Money(f.amount, f.unit)


def resolve(ctx: RuleContext, section: NarrativeSection, f: Figure) -> Resolved | None:
    if f.refers_to is None:
        return None
    tid, ref, column = f.refers_to
    empty = next((t for t in ctx.disclosure.tables_by_id(tid) if t.empty or not any(r.values for r in t.rows)), None)
    table = ctx.table(tid)
    if table is None:
        # "政府性基金预算支出 0 万元" restates a table printed empty: nothing to compare but zero.
        return Resolved(f, section, empty, None, column) if empty is not None else None
    row = cell_row(table, ref, column)
    if row is None:
        return None
    return Resolved(f, section, table, row, column)


def cell_money(ctx: RuleContext, res: Resolved) -> Money:
    value = res.value
    return ctx.money(res.table, value) if value is not None else ctx.blank(res.table)


def total_of(table: Table) -> Row | None:
    return next((r for r in table.rows if r.code == "TOTAL" and r.side != "income"), None) or next(
        (r for r in table.rows if r.code == "TOTAL"), None
    )


def unit_of(f: Figure) -> MoneyUnit:
    return f.unit


# 人员经费 are the 基本支出 of 工资福利支出 (301) and 对个人和家庭的补助 (303); 公用经费 the rest
# of 基本支出 (商品和服务支出 302, 资本性支出 310 …). Tables that print only the classes (江苏's
# 一般公共预算基本支出表) state the split this way, and those that print both agree with it.
PERSONNEL_CLASSES = ("301", "303")


@dataclass(frozen=True)
class BasicSplit:
    personnel: list[Row]  # the rows whose 合计 makes 人员经费 (or the total row, printed)
    public: list[Row]
    printed: bool  # the table prints 人员经费 / 公用经费 columns


def basic_split(table: Table) -> BasicSplit | None:
    """Where a 基本支出 table's 人员经费 and 公用经费 are: its 合计 row's columns when printed,
    else its 经济 classes — when they add up to the 合计 exactly, so none was missed."""
    total = total_of(table)
    if total is None or "total" not in total.values:
        return None
    if "personnel" in total.values and "public" in total.values:
        return BasicSplit([total], [total], True)
    classes = [r for r in table.rows if len(r.code) == 3 and r.code.isdigit() and "total" in r.values]
    if not classes or sum(r.values["total"] for r in classes) != total.values["total"]:
        return None
    return BasicSplit([r for r in classes if r.code in PERSONNEL_CLASSES],
                      [r for r in classes if r.code not in PERSONNEL_CLASSES], False)


def split_value(split: BasicSplit, part: str) -> tuple[Decimal, list[Row]]:
    """人员经费 or 公用经费 (``part``) of a split, and the rows it is taken from."""
    rows = split.personnel if part == "personnel" else split.public
    if split.printed:
        return rows[0].values.get(part, Decimal(0)), rows
    return sum((r.values["total"] for r in rows), Decimal(0)), rows
