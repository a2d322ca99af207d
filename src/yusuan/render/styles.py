"""Disclosure styles: which tables a rendered disclosure carries, in what order, with what
titles, columns and fixed rows.

Two families are supported: ``xinjiang`` (the MoF 11-table 单位预算 set used in Xinjiang and
most provinces: 单位收支总体情况表 … 上年结转结余情况明细表, amounts in 万元) and ``shanghai``
(the 9-table 预算单位…预算表 set, tables in 元, narrative in 万元).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from yusuan.model import MoneyUnit

# Codes printed in a table's first columns: function codes (类/款/项), economic codes (类/款),
# fixed semantic rows (三公) or a two-sided summary (income items | spending by 类).
FUNC, ECON, KEYED, TWO_SIDED = "func", "econ", "keyed", "two_sided"


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    header: str  # printed header (its last level); column_key(header) == key
    group: str = ""  # merged label printed above this and the neighbouring columns of the same group


@dataclass(frozen=True)
class TableSpec:
    id: str
    title: str  # without the year prefix
    rows: str  # FUNC | ECON | KEYED | TWO_SIDED
    columns: tuple[ColumnSpec, ...]
    group: str = ""  # printed header above the value columns ("支出预算", "一般公共预算支出")
    text_columns: tuple[tuple[str, str], ...] = ()  # (text key, header) printed after the name
    empty_subject: str = ""  # what an empty table means: "使用政府性基金预算拨款安排的支出"


@dataclass(frozen=True)
class Style:
    name: str
    label: str  # Chinese name of the family
    tables: tuple[TableSpec, ...]
    table_unit: MoneyUnit
    narrative_unit: MoneyUnit
    year_in_title: bool  # "2025年预算单位收入预算总表" vs "单位收入总体情况表"

    def spec(self, table_id: str) -> TableSpec | None:
        return next((t for t in self.tables if t.id == table_id), None)

    def title(self, spec: TableSpec, year: int | None, scope: str = "单位") -> str:
        """The printed title; a 部门 publication says 部门收支总体情况表 where a unit's says 单位…."""
        title = spec.title
        if scope == "部门" and title.startswith("单位"):
            title = "部门" + title[2:]
        return f"{year}年{title}" if self.year_in_title and year else title


def _c(*pairs: str, group: str = "", grouped: tuple[str, ...] = ()) -> tuple[ColumnSpec, ...]:
    """Column specs from (key, header) pairs; ``group`` is printed above the keys in ``grouped``."""
    return tuple(ColumnSpec(pairs[i], pairs[i + 1], group if pairs[i] in grouped else "")
                 for i in range(0, len(pairs), 2))


# Rows of the 三公 table, in printed order: (row key, printed name).
THREE_PUBLIC_ROWS: tuple[tuple[str, str], ...] = (
    ("TOTAL", "合计"),
    ("abroad", "因公出国（境）费"),
    ("reception", "公务接待费"),
    ("vehicle", "公务用车购置及运行费（小计）"),
    ("vehicle_purchase", "其中：公务用车购置费"),
    ("vehicle_operation", "公务用车运行费"),
)

# Income items of the summary tables: (column key of the income table, printed label).
INCOME_ITEMS: tuple[tuple[str, str], ...] = (
    ("general_budget", "一般公共预算拨款"),
    ("general_budget_transfer", "上级一般公共预算安排的转移支付"),
    ("gov_fund", "政府性基金预算拨款"),
    ("gov_fund_transfer", "上级政府性基金安排的转移支付"),
    ("state_capital", "国有资本经营预算拨款"),
    ("state_capital_transfer", "上级国有资本经营预算安排的转移支付"),
    ("fiscal_special", "财政专户管理资金"),
    ("unit_funds", "单位资金"),
    ("institution_income", "事业收入"),
    ("business_income", "事业单位经营收入"),
    ("other_income", "其他收入"),
    ("carryover", "上年结转结余"),
)

FISCAL_ITEMS: tuple[tuple[str, str], ...] = (
    ("general_budget", "一般公共预算"),
    ("gov_fund", "政府性基金预算"),
    ("state_capital", "国有资本经营预算"),
)


def fiscal_parts(values: dict[str, Decimal]) -> dict[str, Decimal]:
    """Each fund's appropriation from an income row: the fund's own column plus the
    transfers from above (上级…转移支付), which the 财政拨款 tables count as that fund."""
    out: dict[str, Decimal] = {}
    for key, _ in FISCAL_ITEMS:
        present = [values[k] for k in (key, f"{key}_transfer") if k in values]
        if present:
            out[key] = sum(present, Decimal(0))
    return out

_INCOME_COLUMNS = _c(
    "total", "总计",
    "fiscal", "财政拨款（补助）小计",
    "general_budget", "一般公共预算",
    "general_budget_transfer", "上级一般公共预算安排的转移支付",
    "gov_fund", "政府性基金预算",
    "gov_fund_transfer", "上级政府性基金安排的转移支付",
    "state_capital", "国有资本经营预算",
    "state_capital_transfer", "上级国有资本经营预算安排的转移支付",
    "fiscal_special", "财政专户",
    "unit_funds", "单位资金",
    "carryover", "上年结转",
    group="财政拨款（补助）",
    grouped=("fiscal", "general_budget", "general_budget_transfer", "gov_fund", "gov_fund_transfer", "state_capital",
             "state_capital_transfer"),
)
_SPLIT = _c("total", "合计", "basic", "基本支出", "project", "项目支出")
_SUMMARY = _c("total", "预算数")
_FISCAL = _c("total", "合计", "general_budget", "一般公共预算", "gov_fund", "政府性基金预算",
             "state_capital", "国有资本经营预算")
_BASIC_ECON = _c("total", "合计", "personnel", "人员经费", "public", "公用经费")
_THREE = _c("total", "合计", "general_budget", "一般公共预算", "gov_fund", "政府性基金", "state_capital",
            "国有资本经营预算")

XINJIANG = Style(
    name="xinjiang",
    label="新疆/财政部 11 张表",
    table_unit=MoneyUnit.WAN,
    narrative_unit=MoneyUnit.WAN,
    year_in_title=False,
    tables=(
        TableSpec("summary", "单位收支总体情况表", TWO_SIDED, _SUMMARY),
        TableSpec("income", "单位收入总体情况表", FUNC, _INCOME_COLUMNS),
        TableSpec("expenditure", "单位支出总体情况表", FUNC, _SPLIT, group="支出预算"),
        TableSpec("fiscal_summary", "财政拨款收支预算总体情况表", TWO_SIDED, _FISCAL),
        TableSpec("gpb_expenditure", "一般公共预算支出情况表", FUNC, _SPLIT, group="一般公共预算支出"),
        TableSpec("gpb_basic_econ", "一般公共预算基本支出情况表", ECON, _BASIC_ECON, group="一般公共预算基本支出"),
        TableSpec("gpb_project", "一般公共预算项目支出情况表", FUNC, _c("total", "项目支出合计"),
                  text_columns=(("project_name", "项目名称"),)),
        TableSpec("gov_fund", "政府性基金预算支出情况表", FUNC, _SPLIT, group="政府性基金预算支出",
                  empty_subject="使用政府性基金预算拨款安排的支出"),
        TableSpec("state_capital", "国有资本经营预算支出情况表", FUNC, _SPLIT, group="国有资本经营预算支出",
                  empty_subject="使用国有资本经营预算拨款安排的支出"),
        TableSpec("three_public", "财政拨款“三公”经费支出情况表", KEYED, _THREE,
                  empty_subject="使用财政拨款安排的“三公”经费"),
        TableSpec("carryover", "上年结转结余情况明细表", FUNC, _SPLIT, empty_subject="上年结转结余预算安排的支出"),
    ),
)

SHANGHAI = Style(
    name="shanghai",
    label="上海 9 张表",
    table_unit=MoneyUnit.YUAN,
    narrative_unit=MoneyUnit.WAN,
    year_in_title=True,
    tables=(
        TableSpec("summary", "预算单位财务收支预算总表", TWO_SIDED, _SUMMARY),
        TableSpec("income", "预算单位收入预算总表", FUNC, _INCOME_COLUMNS),
        TableSpec("expenditure", "预算单位支出预算总表", FUNC, _SPLIT),
        TableSpec("fiscal_summary", "预算单位财政拨款收支预算总表", TWO_SIDED, _FISCAL),
        TableSpec("gpb_expenditure", "预算单位一般公共预算支出功能分类预算表", FUNC, _SPLIT),
        TableSpec("gov_fund", "预算单位政府性基金预算支出功能分类预算表", FUNC, _SPLIT,
                  empty_subject="使用政府性基金预算拨款安排的支出"),
        TableSpec("state_capital", "预算单位国有资本经营预算支出功能分类预算表", FUNC, _SPLIT,
                  empty_subject="使用国有资本经营预算拨款安排的支出"),
        TableSpec("gpb_basic_econ", "预算单位一般公共预算基本支出部门预算经济分类预算表", ECON, _BASIC_ECON),
        TableSpec("three_public", "单位“三公”经费和机关运行经费预算表", KEYED, _THREE,
                  empty_subject="使用财政拨款安排的“三公”经费"),
    ),
)

STYLES: dict[str, Style] = {s.name: s for s in (XINJIANG, SHANGHAI)}


def get_style(name: str) -> Style:
    return STYLES[name]
