"""The catalogue of canonical tables and columns: printed titles and headers -> ids.

A title is recognised by rules over its squashed text (no spaces), most specific first,
so that "一般公共预算基本支出情况表" is gpb_basic_econ and not gpb_expenditure. Documented
in docs/tables.md; add ids, never rename one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from yusuan.text import squash


@dataclass(frozen=True)
class TableKind:
    id: str
    name: str  # Chinese name used in messages
    required: bool  # required by 《地方预决算公开操作规程》 for a 部门/单位 budget
    patterns: tuple[str, ...]  # regexes over the squashed title; any match selects it
    excludes: tuple[str, ...] = ()  # regexes that veto the match
    bare: tuple[str, ...] = ()  # full-title regexes accepted without the usual 表 ending


def _k(id: str, name: str, required: bool, *patterns: str, excludes: tuple[str, ...] = (),
       bare: tuple[str, ...] = ()) -> TableKind:
    return TableKind(id, name, required, patterns, excludes, bare)


# Order matters: the first kind whose pattern matches (and no exclude does) wins.
TABLE_KINDS: tuple[TableKind, ...] = (
    _k("catalogue", "公开报表目录", False, r"^(?:.*预算)?公开(?:报表|表格)?目录$", r"^报表目录$"),
    _k("performance_unit", "单位整体绩效目标表", False, r"整体(?:支出)?绩效目标"),
    _k("performance_project", "项目支出绩效目标表", False, r"项目(?:支出)?绩效目标", r"专项业务经费绩效目标",
       r"专项资金(?:总体)?绩效目标"),
    _k("three_public", "“三公”经费支出表", True, r"三公"),
    _k("operating_costs", "机关运行经费支出表", False, r"机关运行经费"),
    _k("carryover", "上年结转结余情况表", False, r"结转结余"),
    # 兴隆 (001) titles its table "单位政府采购预算", without 表.
    _k("procurement", "政府采购预算表", False, r"政府采购",
       bare=(r"^(?:.{0,20}(?:单位|部门))?政府采购(?:预算|决算)(?:明细)?$",)),
    _k("assets", "国有资产占用情况表", False, r"固定资产", r"国有资产", r"资产占用", r"资产配置"),
    _k("state_capital", "国有资本经营预算支出表", True, r"国有资本经营预算.*(?:支出|收支)"),
    _k("gov_fund", "政府性基金预算支出表", True, r"政府性基金.*(?:支出|收支)"),
    _k("special_projects", "专项业务经费支出表", False, r"专项业务经费支出"),
    _k("fiscal_summary", "财政拨款收支总表", True, r"财政拨款收支", r"财政拨款收入支出(?:决算|预算)?总表"),
    _k("fiscal_expenditure", "财政拨款支出表", False, r"财政拨款支出(?:预算|决算)?表$",
       excludes=(r"一般公共预算|政府性基金|国有资本",)),
    _k("fiscal_basic_econ", "财政拨款基本支出表", False, r"财政拨款基本支出(?:预算|决算)?表$",
       excludes=(r"一般公共预算|政府性基金|国有资本",)),
    _k("gpb_basic_econ", "一般公共预算基本支出表（经济分类）", True,
       r"一般公共预算.*基本支出.*经济分类", r"一般公共预算.*基本支出(?:情况|预算)?表$",
       r"一般公共预算.*基本支出表$", r"一般公共预算.*基本支出决算表$", excludes=(r"功能分类",)),
    _k("gpb_basic_func", "一般公共预算基本支出表（功能分类）", False, r"一般公共预算.*基本支出.*功能分类"),
    _k("gpb_project", "一般公共预算项目支出表", False, r"一般公共预算.*项目支出"),
    _k("gpb_econ", "一般公共预算支出表（经济分类）", False, r"一般公共预算.*支出.*经济分类"),
    _k("gpb_expenditure", "一般公共预算支出表", True, r"一般公共预算.*支出"),
    _k("income", "收入总表", True, r"收入(?:总体情况|总|预算)表$", r"收入总表", r"收入总体情况",
       r"收入(?:预算总|决算)表$", excludes=(r"收入支出",)),
    _k("expenditure", "支出总表", True, r"支出(?:总体情况|总|预算)表$", r"支出总表", r"支出总体情况",
       r"支出(?:预算总|决算)表$", excludes=(r"收入支出",)),
    _k("summary", "收支总表", True, r"收支(?:总体情况|总|预算)表$", r"收支总表", r"收支总体情况",
       r"收支预算总表$", r"收入支出决算总表$"),
)

_KIND_BY_ID = {k.id: k for k in TABLE_KINDS}

# A title line is short and ends like a title; narrative sentences mentioning a table
# ("…情况表为空表。") must not be taken for one.
_TITLE_END = re.compile(r"(?:表|目录|明细表)(?:\(.{1,20}\))?$")
_NOT_TITLE = re.compile(r"[。，,；;：:]|为空表|空表$|见下表|详见|附表$|^表\d+$|^\d+$")


def table_kind(table_id: str) -> TableKind:
    return _KIND_BY_ID[table_id]


# Leading furniture of a printed title: "表5 …", "5、…", "公开01表：…", "表三 …", "一、…".
_TITLE_NUMBER = re.compile(
    r"^(?:(?:表|附表)(?:\d+|[一二三四五六七八九十]+)[、.:-]?|公开\d+表[:：]?|(?:\d+|[一二三四五六七八九十]+)[、.:])")
# A trailing qualifier naming the classification the rows follow: "(经济科目)", "（功能分类）",
# "(按支出经济分类科目)", "(部门预算经济分类)". 科目 and 分类 mean the same here.
_QUALIFIER = re.compile(r"\(([^()]{1,20})\)$")
_ECONOMIC = re.compile(r"经济(?:分类|科目)")
_FUNCTIONAL = re.compile(r"功能(?:分类|科目)")
# Kinds that differ only by the classification of their rows: (function kind, economic kind).
CLASSIFICATION_TWINS: tuple[tuple[str, str], ...] = (
    ("gpb_expenditure", "gpb_econ"),
    ("gpb_basic_func", "gpb_basic_econ"),
)


def _title_core(title: str) -> tuple[str, str | None]:
    """The squashed title without its numbering, and the classification its wording names
    ("economic" / "function"), if any."""
    s = squash(title)
    s = _TITLE_NUMBER.sub("", s)
    s = _TITLE_NUMBER.sub("", s)  # "公开01表：一、…"
    hint = None
    m = _QUALIFIER.search(s)
    words = m.group(1) if m else s
    if _ECONOMIC.search(words):
        hint = "economic"
    elif _FUNCTIONAL.search(words):
        hint = "function"
    return s, hint


def classify_title(title: str) -> str | None:
    """The canonical id for a printed table title, or None if it is not a table title.

    Matching is by meaning, not exact strings: numbering ("公开01表：", "表三", "十一、"),
    a year or unit name in front ("2017年江苏省高级人民法院部门…"), full- or half-width
    brackets and a trailing qualifier naming the classification ("（经济科目）") are
    allowed. A title that could name either the function-classified or the
    economic-classified twin (一般公共预算基本支出表) gets the one its wording names; the
    table parser confirms it from the codes of the rows (``kind_for_codes``)."""
    s, hint = _title_core(title)
    bare, kinds = _compiled_kinds()
    for table_id, pattern in bare:
        if pattern.match(s):
            return table_id
    if not s or len(s) > 60 or not _TITLE_END.search(s) or _NOT_TITLE.search(s):
        return None
    core = _QUALIFIER.sub("", s) if _TITLE_END.search(_QUALIFIER.sub("", s)) else s
    for table_id, patterns, excludes in kinds:
        matched = any(p.search(core) or p.search(s) for p in patterns)
        if matched and not any(x.search(s) for x in excludes):
            return _twin(table_id, hint)
    return None


@cache
def _compiled_kinds() -> tuple[tuple[tuple[str, re.Pattern[str]], ...],
                               tuple[tuple[str, tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]], ...]]:
    """The kinds' title patterns compiled once, in catalogue order (every line of a document
    is asked whether it is a title): the bare titles, then (id, patterns, excludes)."""
    bare = tuple((kind.id, re.compile(p)) for kind in TABLE_KINDS for p in kind.bare)
    kinds = tuple((kind.id, tuple(map(re.compile, kind.patterns)), tuple(map(re.compile, kind.excludes)))
                  for kind in TABLE_KINDS)
    return bare, kinds


def _twin(table_id: str, classification: str | None) -> str:
    for function_id, economic_id in CLASSIFICATION_TWINS:
        if table_id in (function_id, economic_id) and classification is not None:
            return economic_id if classification == "economic" else function_id
    return table_id


def kind_for_codes(table_id: str, classification: str | None) -> str:
    """The twin kind whose rows follow ``classification`` ("economic" / "function"): a
    table titled as one twin whose rows carry the other's codes is the other."""
    return _twin(table_id, classification)


# --------------------------------------------------------------------------- columns

# Printed header (squashed, lower-level header last) -> canonical column key. Checked in
# order, first match wins; a header path "一般公共预算基本支出/人员经费" matches on its last
# level first, then on the whole path.
COLUMN_PATTERNS: tuple[tuple[str, str], ...] = (
    # Beside the year's amounts some layouts print last year's and the change (上年预算数 |
    # 本年预算数 | 增减额 | 增减率); columns headed by years are sorted out in parsing.headers.
    (r"^上年(?:度)?(?:预算|执行|决算)?(?:数|金额)?$", "prior"),
    (r"增减(?:率|幅度|比例|百分比|%|\(%\))|增长率|^增幅$|^变动率$", "change_pct"),
    (r"^(?:比上年)?增减(?:额|数|金额)?$|^增(?:加|减)额$|^变动额$", "change"),
    (r"^(?:合计|总计|小计|预算数|金额|本年预算数?|预算金额|项目支出合计|.*支出合计)$", "total"),
    (r"^(?:项目金额|(?:本年)?决算数|决算金额|本年收入合计)$", "total"),
    # 决算 tables print the budget beside the outturn: 年初预算数 | 调整预算数 | 决算数.
    (r"^年初(?:预算|预算数|预算金额)$", "budget_initial"),
    (r"^(?:调整(?:后)?预算数?|全年预算数?)$", "budget_adjusted"),
    (r"^年初结转和?结余", "carryover"),
    (r"^年末结转和?结余", "carry_forward"),
    (r"人员经费", "personnel"),
    (r"公用经费", "public"),
    (r"基本支出", "basic"),
    (r"项目支出|专项业务经费", "project"),
    (r"经营支出", "business"),
    (r"上解上级|上缴上级", "remit_upper"),
    (r"[对対]附属单位", "subsidy_subordinate"),  # 対: a common OCR misreading
    (r"上级.*一般公共预算.*转移支付|一般公共预算.*上级.*转移支付", "general_budget_transfer"),
    (r"上级.*政府性基金.*转移支付|政府性基金.*上级.*转移支付", "gov_fund_transfer"),
    (r"上级.*国有资本.*转移支付|国有资本.*上级.*转移支付", "state_capital_transfer"),
    (r"财政拨款(?:\(补助\))?(?:收入)?小计|^财政拨款(?:\(补助\))?(?:收入)?$", "fiscal"),
    (r"一般公共预算|公共财政|^本级财力|一般财力", "general_budget"),
    (r"政府性基金|^基金预算(?:拨款)?$", "gov_fund"),
    (r"国有资本经营", "state_capital"),
    (r"财政专户|专户管理", "fiscal_special"),
    (r"单位资金", "unit_funds"),
    (r"事业收入", "institution_income"),
    (r"事业单位经营收入|^经营收入", "business_income"),
    (r"上级补助", "upper_subsidy"),
    (r"附属单位上缴", "subordinate_remit"),
    (r"其他收入", "other_income"),
    (r"非财政拨款结转", "carryover_nonfiscal"),
    (r"^财政拨款结转|年初财政拨款结转", "carryover_fiscal"),
    (r"^非财政拨款$", "nonfiscal"),
    (r"上年结转|结转结余", "carryover"),
    (r"预留机动|机动经费|^预备费$", "reserve"),
    (r"结转下年", "carry_forward"),
    (r"^单价$", "unit_price"),
    (r"[预預]留.*中小|中小微?企业.*(?:份额|预留)", "sme_reserved"),
)


# Income items of a 收支总表 (row labels, not column headers) -> key. Checked in order before
# the column patterns; used by the grid and the loose-line readers alike.
INCOME_ITEM_KEYS: tuple[tuple[str, str], ...] = (
    (r"^本年收入(?:合计)?$", "year_total"),
    (r"^(?:收入)?总计$|^收入合计$", "TOTAL"),
    (r"上年结转结余|^上年结转$|年初.*结转", "carryover"),
    (r"^使用.*结余", "use_surplus"),  # 决算: 使用非财政拨款结余, beside 年初结转和结余
    (r"^非财政拨款结转", "carryover_nonfiscal"),
    (r"^财政拨款结转", "carryover_fiscal"),
    (r"上级.*一般公共预算.*转移支付", "general_budget_transfer"),
    (r"上级.*政府性基金.*转移支付", "gov_fund_transfer"),
    (r"上级.*国有资本.*转移支付", "state_capital_transfer"),
    (r"^财政拨款(?:\(补助\))?(?:收入)?$", "fiscal"),
    (r"一般公共预算|一般财力|本级财力", "general_budget"),
    (r"政府性基金|基金预算", "gov_fund"),
    (r"国有资本经营", "state_capital"),
    (r"财政专户", "fiscal_special"),
    (r"^单位资金", "unit_funds"),
    (r"^事业收入", "institution_income"),
    (r"事业单位经营收入|^经营收入", "business_income"),
    (r"^上级补助", "upper_subsidy"),
    (r"附属单位上缴", "subordinate_remit"),
    (r"^其他收入", "other_income"),
    (r"^其他资金$", "other_funds"),  # 江苏: 事业收入, 经营收入, 其他收入 … outside 财政拨款 and 专户
)


# The three categories of the national 政府采购品目分类目录 (A 货物, B 工程, C 服务), printed as
# group rows of a 政府采购 table ("一、货物A", "服务 C", "A货物", "工程类").
_PROCUREMENT_CATEGORY = re.compile(r"(?:[A-C][、.．]?)?(货物|工程|服务)类?[A-C]?")
PROCUREMENT_CATEGORIES = {"货物": "goods", "工程": "works", "服务": "services"}


def procurement_category_key(label: str) -> str | None:
    m = _PROCUREMENT_CATEGORY.fullmatch(squash(label))
    return PROCUREMENT_CATEGORIES[m.group(1)] if m else None


# Parts of a 支出总表's 合计 beside each other: 基本支出 + 项目支出, and what some layouts print
# next to them (经营支出, 上缴上级, 对附属单位补助, 江苏's 单位预留机动经费 and 结转下年).
SPENDING_PARTS = ("basic", "project", "business", "remit_upper", "subsidy_subordinate", "reserve", "carry_forward")


def income_item_key(label: str) -> str | None:
    """The key of a 收支总表 income item, from its label without numbering."""
    s = squash(label).replace("（", "(").replace("）", ")")
    for pattern, key in INCOME_ITEM_KEYS:
        if re.search(pattern, s):
            return key
    return column_key(s)


def column_key(header: str) -> str | None:
    s = squash(header)
    for pattern, key in COLUMN_PATTERNS:
        if re.search(pattern, s):
            return key
    return None
