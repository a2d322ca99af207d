"""Where a narrative figure's amount lives in the tables.

The narrative parser resolves most figures (``Figure.refers_to``); for the rest a small
resolver maps the section topic to a table and the subject to a row and column. Its guesses
carry lower confidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from yusuan.audit.context import RuleContext
from yusuan.audit.tolerance import Money
from yusuan.codes import function_class_from_name, names_match
from yusuan.model import Figure, NarrativeSection, Row, Table
from yusuan.text import squash

GUESS_CONFIDENCE = 0.7

_TOPIC_TABLE = {
    "income": "income",
    "expenditure": "expenditure",
    "gpb": "gpb_expenditure",
    "gpb_basic": "gpb_basic_econ",
    "gpb_project": "gpb_project",
    "fiscal": "fiscal_summary",
    "gov_fund": "gov_fund",
    "state_capital": "state_capital",
}

# subject (squashed) -> column of the TOTAL row
_SUBJECT_COLUMN = (
    (r"^基本支出$", "basic"),
    (r"^项目支出$", "project"),
    (r"^人员经费$", "personnel"),
    (r"^公用经费$", "public"),
    (r"^一般公共预算(?:拨款|收入)?$", "general_budget"),
    (r"^政府性基金(?:预算)?(?:拨款|收入)?$", "gov_fund"),
    (r"^单位资金$", "unit_funds"),
    (r"^财政专户", "fiscal_special"),
)


@dataclass(frozen=True)
class Resolved:
    figure: Figure
    section: NarrativeSection
    table: Table
    row: Row
    column: str
    guessed: bool

    @property
    def value(self) -> Decimal | None:
        return self.row.values.get(self.column)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table.id, self.row.code, self.column)


def figures(ctx: RuleContext) -> Iterator[tuple[NarrativeSection, Figure]]:
    for s in ctx.disclosure.narrative:
        for f in s.figures:
            yield s, f


def figure_money(f: Figure) -> Money:
    return Money(f.amount, f.unit)


def _guess(ctx: RuleContext, section: NarrativeSection, f: Figure) -> tuple[str, str, str] | None:
    tid = _TOPIC_TABLE.get(section.topic)
    if tid is None:
        return None
    subject = re.sub(r"[(（](?:类|款|项)[)）]", "", squash(f.subject))
    for pattern, col in _SUBJECT_COLUMN:
        if re.search(pattern, subject):
            return (tid, "TOTAL", col)
    code = function_class_from_name(subject)
    if code:
        return (tid, code, "total")
    return None


def resolve(ctx: RuleContext, section: NarrativeSection, f: Figure) -> Resolved | None:
    ref, guessed = f.refers_to, False
    if ref is None:
        ref, guessed = _guess(ctx, section, f), True
    if ref is None:
        return None
    tid, code, col = ref
    table = ctx.table(tid)
    if table is None:
        return None
    rows = [r for r in table.rows if r.code == code]
    if not rows and code and not code.isdigit() and code != "TOTAL":
        rows = [r for r in table.rows if names_match(r.name, code)]
    if not rows:
        return None
    row = next((r for r in rows if col in r.values), rows[0])
    if guessed and col not in row.values:
        return None
    return Resolved(f, section, table, row, col, guessed)


def total_of(table: Table) -> Row | None:
    return next((r for r in table.rows if r.code == "TOTAL" and r.side != "income"), None) or next(
        (r for r in table.rows if r.code == "TOTAL"), None
    )
