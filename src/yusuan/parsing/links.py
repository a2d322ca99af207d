"""Which table cell a narrative statement restates.

A statement about a 科目 (its code known from ``parsing.subjects``) restates that code's row
in the table of the funds the statement covers: 财政拨款 -> 财政拨款支出表 (or, where a layout
has none, the 一般公共预算 and 基金 tables that make it up), 一般公共预算 -> 一般公共预算支出表,
all funds -> 支出总表 or the 收支总表's function panel; an economic code -> the 基本支出 table of
those funds. A statement about a total (收入预算, 基本支出, 人员经费, "三公"经费, 机关运行经费,
政府采购 …) restates a total row or an item row, by keywords of its subject. Only cells that were
parsed are returned: a link is a promise that the audit can compare the two.

``row_code`` of a link is the row's code, else its key (income items: general_budget …; "三公"
rows: abroad …), else the name of a row printed with neither (a 收支总表's 基本支出 line).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from yusuan.codes import FUNC, kind_of
from yusuan.model import Figure, MoneyUnit, Row, Table
from yusuan.parsing.subjects import name_key, names_a_code
from yusuan.text import squash

__all__ = ["KEYWORD_CONFIDENCE", "Link", "Linker", "cell_row", "row_ref"]

KEYWORD_CONFIDENCE = 0.8


@dataclass(frozen=True)
class Link:
    ref: tuple[str, str, str] | None  # (table id, row code, column)
    key: str  # what a total or item is ("income_general_budget", "abroad" …), "" for a 科目
    how: str
    confidence: float


def row_ref(row: Row, table: Table | None = None) -> str:
    """A row's code, key or name; in a two-sided table that prints it on both sides (总计,
    本年收入合计/本年支出合计 keyed ``year_total``), qualified by its side: ``expenditure:year_total``."""
    ref = row.code or row.key or name_key(row.name)
    if table is not None and row.side and any(
            r is not row and r.side and r.side != row.side and (r.code or r.key or name_key(r.name)) == ref
            for r in table.rows):
        return f"{row.side}:{ref}"
    return ref


def cell_row(table: Table, ref: str, column: str) -> Row | None:
    """The row a link's ``row_code`` names (the one holding ``column`` where several do)."""
    side, _, bare = ref.rpartition(":")
    rows = [r for r in table.rows if (r.code or r.key or name_key(r.name)) == bare and (not side or r.side == side)]
    if not rows:
        return None
    return next((r for r in rows if column in r.values), rows[0])


# Function-code tables by fund scope, in preference order.
_FUNC_TABLES = {
    "fiscal": ("fiscal_expenditure", "gpb_expenditure", "gov_fund", "state_capital", "fiscal_summary"),
    "gpb": ("gpb_expenditure", "fiscal_summary"),
    "gpb_basic": ("gpb_basic_func", "gpb_expenditure"),
    "gov_fund": ("gov_fund",),
    "state_capital": ("state_capital",),
    "": ("expenditure", "summary", "income", "fiscal_expenditure", "gpb_expenditure"),
    "income": ("income", "summary"),
}
_ECON_TABLES = {
    "fiscal": ("fiscal_basic_econ", "gpb_basic_econ", "gpb_econ"),
    "gpb": ("gpb_basic_econ", "gpb_econ", "fiscal_basic_econ"),
    "operating": ("operating_costs", "gpb_basic_econ", "fiscal_basic_econ"),
    "": ("gpb_econ", "gpb_basic_econ", "fiscal_basic_econ", "summary"),
}
_TOPIC_SCOPE = {"gpb": "gpb", "gpb_basic": "gpb", "gpb_project": "gpb", "fiscal": "fiscal", "fiscal_basic": "fiscal",
                "gov_fund": "gov_fund", "state_capital": "state_capital"}


@dataclass(frozen=True)
class _Target:
    table: str
    row: str  # "TOTAL", a row key / code, or "name:<key>"
    column: str
    side: str | None = None


def _t(table: str, row: str, column: str = "total", side: str | None = None) -> _Target:
    return _Target(table, row, column, side)


def _income(key: str) -> tuple[_Target, ...]:
    """An income item: its column of the 收入总表's 合计, its line of the 收支总表 and of the
    财政拨款收支总表 (income side)."""
    return (_t("income", "TOTAL", key), _t("summary", key, side="income"), _t("fiscal_summary", key, side="income"))


# (key, subject pattern, scope or "*", targets). Checked in order; the first pattern that matches
# decides (a later, looser one never takes over), the first target that was parsed wins. The key
# names what the statement is about (a total or an item) even where no table prints it.
_FUNDS = "<funds>"
# What may follow a total's name: "收入预算总计", "支出合计", "基本支出预算数".
_SUM = r"(?:收入支出|收支)(?:总)?(?:预算)?(?:总计|总预算|合计|总额)?$"
_TOT = r"(?:预算)?(?:总计|合计|总额|总数|总预算)?(?:预算)?(?:数)?$"
# A subject about a part of the funds is no fund total: "项目涉及预算金额", "人均…", "用于…的".
_NOT_A_TOTAL = re.compile(r"涉及|项目(?!支出)|人均|平均|用于|其中的|以外|以上|以下")
_INCOME = "income"
_SPEND = "expenditure"
_KEYWORDS: tuple[tuple[str, str, str, tuple[_Target, ...]], ...] = (
    # "三公" and its items, 会议费 and 培训费 where a "三公" table prints them.
    ("abroad", r"因公出国", "*", (_t("three_public", "abroad"),)),
    ("reception", r"公务接待", "*", (_t("three_public", "reception"),)),
    ("vehicle", r"购置及运", "*", (_t("three_public", "vehicle"),)),
    ("vehicle_purchase", r"车购置", "*", (_t("three_public", "vehicle_purchase"),)),
    ("vehicle_operation", r"车运行|车运维|车运营", "*", (_t("three_public", "vehicle_operation"),)),
    ("three_public", r"三公", "*", (_t("three_public", "three_public_subtotal"), _t("three_public", "TOTAL"))),
    ("operating_cost", r"机关运行经费", "*", (_t("operating_costs", "TOTAL"), _t("three_public", "operating_cost"))),
    ("meeting", r"会议费", "topic:three_public", (_t("three_public", "meeting"),)),
    ("training", r"培训费", "topic:three_public", (_t("three_public", "training"),)),
    ("procurement_small_micro", r"小微|小型和微型", "topic:procurement", ()),
    ("procurement_sme", r"中小企业", "topic:procurement", ()),
    ("procurement_goods", r"货物", "topic:procurement", (_t("procurement", "goods"),)),
    ("procurement_works", r"工程", "topic:procurement", (_t("procurement", "works"),)),
    ("procurement_services", r"服务", "topic:procurement", (_t("procurement", "services"),)),
    ("procurement_awarded", r"中标|成交|采购金额$", "topic:procurement", ()),
    ("procurement", r"^(?!.*(?:货物|工程|服务|中小|小微)).*政府采购", "*", (_t("procurement", "TOTAL"),)),
    # One project's budget and its schedule, stated where a project is explained.
    ("project_budget", r"预算安排规模|项目(?:预算)?资金(?:总额)?$|资金规模|项目总预算", "*", ()),
    ("project_schedule", r"(?:季度|月度?)用款计划", "*", ()),
    ("", _FUNDS, "", ()),  # marks where the fund totals start (see _NOT_A_TOTAL)
    # Totals of both sides.
    ("fiscal_summary_total", rf"^(?:本年|当年)?(?:财政拨款)?{_SUM}", "fiscal",
     (_t("fiscal_summary", "TOTAL", side=_INCOME),)),
    ("summary_total", rf"^(?:本年|当年)?(?:预算)?{_SUM}", "*",
     (_t("summary", "TOTAL", side=_INCOME),)),
    # Income items.
    ("income_general_budget_transfer", rf"^上级.*一般公共预算.*(?:转移支付|补助)(?:收入|资金)?{_TOT}", "*",
     _income("general_budget_transfer")),
    ("income_general_budget", rf"^一般公共预算(?:财政)?(?:拨款)?(?:收入|资金){_TOT}|^一般公共预算$", "*",
     _income("general_budget")),
    ("income_general_budget", rf"^一般公共预算(?:财政)?拨款{_TOT}", "topic:income",
     _income("general_budget")),
    ("income_gov_fund", rf"^政府性基金(?:预算)?(?:财政)?(?:拨款)?{_TOT}", "topic:income",
     _income("gov_fund")),
    ("income_state_capital", rf"^国有资本经营(?:预算)?(?:财政)?(?:拨款)?{_TOT}", "topic:income",
     _income("state_capital")),
    ("income_gov_fund", rf"^政府性基金(?:预算)?(?:财政)?(?:拨款)?(?:收入|资金){_TOT}", "*",
     _income("gov_fund")),
    ("income_state_capital", rf"^国有资本经营(?:预算)?(?:财政)?(?:拨款)?(?:收入|资金){_TOT}", "*",
     _income("state_capital")),
    ("income_fiscal", rf"^财政拨款(?:\(补助\))?收入{_TOT}", "*",
     (_t("income", "TOTAL", "fiscal"), _t("summary", "fiscal", side=_INCOME),
      _t("fiscal_summary", "TOTAL", side=_INCOME))),
    ("income_fiscal_special", rf"^财政专户(?:管理)?(?:资金)?(?:收入)?{_TOT}", "*",
     _income("fiscal_special")),
    ("income_unit_funds", rf"^单位资金(?:收入)?{_TOT}", "*",
     _income("unit_funds")),
    ("income_business", rf"^(?:事业单位经营收入|经营收入){_TOT}", "*",
     _income("business_income")),
    ("income_institution", rf"^事业收入{_TOT}", "*", _income("institution_income")),
    ("income_other", rf"^其他收入{_TOT}", "*",
     _income("other_income")),
    ("income_carryover", rf"^上年结转(?:结余)?(?:资金)?{_TOT}", "*",
     _income("carryover")),
    ("income_other_funds", rf"^其他资金(?:收入)?{_TOT}", "*",
     (_t("summary", "name:其他资金", side=_INCOME), _t("income", "TOTAL", "other_funds"))),
    ("income_year_total", rf"^(?:单位|部门)?本年收入{_TOT}", "*",
     (_t("summary", "year_total", side=_INCOME), _t("income", "TOTAL"))),
    ("income_total", rf"^(?:单位|部门)?(?:收入预算|预算收入|收入){_TOT}", "*",
     (_t("income", "TOTAL"), _t("summary", "TOTAL", side=_INCOME))),
    # Spending parts.
    # 人员经费/公用经费: a column of the 基本支出 table's 合计, or (决算) rows of their own.
    ("fiscal_personnel", r"^(?:财政拨款)?(?:基本支出(?:中的?)?)?人员经费", "fiscal",
     (_t("fiscal_basic_econ", "TOTAL", "personnel"), _t("gpb_basic_econ", "TOTAL", "personnel"),
      _t("fiscal_basic_econ", "name:人员经费合计"), _t("gpb_basic_econ", "name:人员经费合计"))),
    ("personnel", r"^(?:一般公共预算)?(?:财政拨款)?(?:基本支出(?:中的?)?)?人员经费", "*",
     (_t("gpb_basic_econ", "TOTAL", "personnel"), _t("fiscal_basic_econ", "TOTAL", "personnel"),
      _t("gpb_basic_econ", "name:人员经费合计"), _t("fiscal_basic_econ", "name:人员经费合计"))),
    ("fiscal_public", r"^(?:财政拨款)?(?:基本支出(?:中的?)?)?(?:日常)?公用经费", "fiscal",
     (_t("fiscal_basic_econ", "TOTAL", "public"), _t("gpb_basic_econ", "TOTAL", "public"),
      _t("fiscal_basic_econ", "name:公用经费合计"), _t("gpb_basic_econ", "name:公用经费合计"))),
    ("public", r"^(?:一般公共预算)?(?:财政拨款)?(?:基本支出(?:中的?)?)?(?:日常)?公用经费", "*",
     (_t("gpb_basic_econ", "TOTAL", "public"), _t("fiscal_basic_econ", "TOTAL", "public"),
      _t("gpb_basic_econ", "name:公用经费合计"), _t("fiscal_basic_econ", "name:公用经费合计"))),
    ("fiscal_basic", rf"^(?:财政拨款)?基本支出{_TOT}", "fiscal",
     (_t("fiscal_summary", "name:基本支出", side=_SPEND), _t("fiscal_basic_econ", "TOTAL"),
      _t("fiscal_expenditure", "TOTAL", "basic"))),
    # A 一般公共预算基本支出 section explains the 基本支出 table itself.
    ("gpb_basic", rf"^(?:一般公共预算)?(?:财政)?(?:拨款)?基本支出{_TOT}", "topic:gpb_basic",
     (_t("gpb_basic_econ", "TOTAL"), _t("gpb_expenditure", "TOTAL", "basic"))),
    ("gpb_basic", rf"^(?:一般公共预算)?(?:财政)?(?:拨款)?基本支出{_TOT}", "gpb",
     (_t("gpb_expenditure", "TOTAL", "basic"), _t("gpb_basic_econ", "TOTAL"))),
    ("basic", rf"^基本支出{_TOT}", "*",
     (_t("expenditure", "TOTAL", "basic"), _t("summary", "name:基本支出", side=_SPEND),
                               _t("summary", "basic", side=_SPEND))),
    ("fiscal_project", rf"^(?:财政拨款)?项目支出{_TOT}", "fiscal", (_t("fiscal_summary", "name:项目支出", side=_SPEND),
                                             _t("fiscal_expenditure", "TOTAL", "project"))),
    ("gpb_project", rf"^(?:一般公共预算)?(?:财政)?(?:拨款)?项目支出{_TOT}", "gpb",
     (_t("gpb_expenditure", "TOTAL", "project"),)),
    ("project", rf"^项目支出{_TOT}", "*",
     (_t("expenditure", "TOTAL", "project"), _t("summary", "name:项目支出", side=_SPEND),
                               _t("summary", "project", side=_SPEND))),
    ("reserve", rf"预留机动经费{_TOT}", "*", (_t("expenditure", "TOTAL", "reserve"),
                                        _t("summary", "name:单位预留机动经费", side=_SPEND))),
    ("carry_forward", rf"^结转下年(?:资金)?{_TOT}", "*", (_t("expenditure", "TOTAL", "carry_forward"),)),
    # Spending totals by fund.
    ("gpb_expenditure", rf"^一般公共预算(?:财政)?(?:拨款)?(?:预算)?支出{_TOT}|^一般公共预算(?:财政)?拨款{_TOT}", "*",
     (_t("gpb_expenditure", "TOTAL"), _t("fiscal_summary", "TOTAL", "general_budget", side=_SPEND))),
    ("gov_fund_expenditure", rf"^政府性基金(?:预算)?(?:财政)?(?:拨款)?(?:预算)?(?:支出预算)?支出{_TOT}", "*",
     (_t("gov_fund", "TOTAL"),)),
    ("state_capital_expenditure", rf"^国有资本经营(?:预算)?(?:财政)?(?:拨款)?(?:预算)?(?:支出预算)?支出{_TOT}", "*",
     (_t("state_capital", "TOTAL"),)),
    ("fiscal_expenditure", rf"^财政拨款(?:预算)?支出{_TOT}", "*",
     (_t("fiscal_expenditure", "TOTAL"), _t("fiscal_summary", "TOTAL", side=_SPEND))),
    ("expenditure_year_total", rf"^(?:单位|部门)?本年支出{_TOT}", "*",
     (_t("summary", "year_total", side=_SPEND), _t("expenditure", "TOTAL"))),
    ("expenditure_total", rf"^(?:单位|部门)?(?:支出预算|预算支出|支出){_TOT}", "*",
     (_t("expenditure", "TOTAL"), _t("summary", "TOTAL", side=_SPEND))),
)
# A statement that sits in a section of one of these topics restates that topic's table only.
_NO_LINK_TOPICS = {"performance", "assets", "profile", "glossary"}
_TOPIC_ONLY = {"three_public": "three_public", "procurement": "procurement"}


def _with_meetings(table: Table) -> bool:
    keys = {"meeting", "training"}
    return any(r.code in keys and r.values for r in table.rows) or any(c.key in keys for c in table.columns)


class Linker:
    """Links statements to the cells of one document's (or publication's) tables."""

    def __init__(self, tables: Sequence[Table]) -> None:
        self.by_id: dict[str, Table] = {}
        self.empty: dict[str, Table] = {}
        for table in tables:
            if table.rows and not table.empty and any(r.values for r in table.rows):
                self.by_id.setdefault(table.id, table)
            else:
                self.empty.setdefault(table.id, table)

    def link(self, figure: Figure, topic: str) -> Link | None:
        """The cell a statement restates, or, for a total or item no parsed table prints, what it is."""
        scope = figure.scope or _TOPIC_SCOPE.get(topic, "")
        if figure.code:
            ref = self._code_cell(figure.code, scope, topic, figure.subject)
            return Link(ref, "", figure.resolution or "code", figure.confidence or 1.0) if ref else None
        if names_a_code(figure.subject):
            return None  # a 科目 the tables do not have: no total stands in for it
        found = self._keyword_cell(figure.subject, scope, topic, figure.amount == 0)
        if found is None:
            return None
        key, ref = found
        return Link(ref, key, "keyword", KEYWORD_CONFIDENCE)

    def restates(self, ref: tuple[str, str, str], figure: Figure) -> bool:
        """Does the cell print exactly the statement's amount (in yuan, units converted)?"""
        table = self.by_id.get(ref[0])
        row = cell_row(table, ref[1], ref[2]) if table is not None else None
        value = row.values.get(ref[2]) if row is not None else None
        if value is None:
            return False
        return value * (table.unit or MoneyUnit.WAN).yuan == figure.amount * figure.unit.yuan  # type: ignore[union-attr]

    # ------------------------------------------------------------------ codes

    def _code_cell(self, code: str, scope: str, topic: str, subject: str) -> tuple[str, str, str] | None:
        kind = kind_of(code)
        if kind == FUNC:
            key = "gpb_basic" if topic == "gpb_basic" else ("income" if topic == "income" and not scope else scope)
            if topic == "fiscal_basic":
                return None  # 财政拨款基本支出 by 功能 code: no such table in the standard sets
            candidates = _FUNC_TABLES.get(key, _FUNC_TABLES[""])
        else:
            # Only a statement about 基本支出 restates a 基本支出 table; one about all spending of
            # a fund restates its 经济分类 table of basic and project spending together.
            basic = topic in ("gpb_basic", "fiscal_basic") or "基本支出" in subject
            if topic == "operating":
                candidates = _ECON_TABLES["operating"]
            elif basic:
                candidates = _ECON_TABLES["fiscal" if scope == "fiscal" or topic == "fiscal_basic" else "gpb"]
            else:
                candidates = ("gpb_econ",)
        column = "basic" if "基本支出" in subject else "project" if "项目支出" in subject else "total"
        for table_id in candidates:
            table = self.by_id.get(table_id)
            if table is None:
                continue
            row = next((r for r in table.rows if r.code == code and r.side != "income"), None)
            if row is None:
                continue
            if column in row.values or any(c.key == column for c in table.columns):
                return (table_id, code, column)
            if "total" in row.values:
                return (table_id, code, "total")
        return None

    # ------------------------------------------------------------------ keywords

    def _keyword_cell(self, subject: str, scope: str, topic: str,
                      zero: bool) -> tuple[str, tuple[str, str, str] | None] | None:
        s = squash(subject)
        if not s or topic in _NO_LINK_TOPICS:
            return None
        only = _TOPIC_ONLY.get(topic)
        for key, pattern, rule_scope, targets in _KEYWORDS:
            if pattern == _FUNDS:
                if _NOT_A_TOTAL.search(s):
                    return None
                continue
            # "topic:…" rules apply in sections of that topic ("income" rules in 收入 sections);
            # the others to the statement's funds.
            if rule_scope.startswith("topic:"):
                if topic != rule_scope[6:]:
                    continue
            elif rule_scope not in ("*", scope):
                continue
            if not re.search(pattern, s):
                continue
            if only and targets and not any(t.table == only for t in targets):
                return None
            # the table the section explains first (本年收入合计 in the 收入总表 section is that
            # table's total, though the 收支总表 prints the same amount)
            for target in sorted(targets, key=lambda t: t.table != topic):
                ref = self._target(target, zero)
                if ref:
                    return key, ref
            return key, None
        return None

    def _target(self, target: _Target, zero: bool = False) -> tuple[str, str, str] | None:
        table = self.by_id.get(target.table)
        if table is None:
            # "政府性基金支出预算0万元" restates a table printed empty (空表): its total is nothing.
            empty = self.empty.get(target.table)
            return (target.table, "TOTAL", "total") if zero and empty and target.row == "TOTAL" else None
        if target.table == "three_public" and target.row == "TOTAL" and _with_meetings(table):
            return None  # that 合计 also holds 会议费 and 培训费: not the "三公" total
        for row in table.rows:
            if target.side and row.side not in (target.side, None):
                continue
            if target.row.startswith("name:"):
                if row.code or name_key(row.name) != target.row[5:]:
                    continue
            elif not (row.code == target.row or row.key == target.row):
                continue
            if target.column in row.values or any(c.key == target.column for c in table.columns):
                return (target.table, row_ref(row, table), target.column)
        return None
