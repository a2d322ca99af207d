"""The canonical model of a budget disclosure.

Every record is a frozen dataclass; money is ``decimal.Decimal`` exactly as printed
(``Decimal("3.00")`` keeps its two places). Stages never mutate a record: they build
new ones with ``dataclasses.replace``. Nothing here parses or validates; this module is
the contract between ingest, parse, audit, report and render.

Schema id: ``yusuan/disclosure@2`` (see ``yusuan.report.schema``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

SCHEMA_ID = "yusuan/disclosure@2"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class MoneyUnit(StrEnum):
    YUAN = "元"
    WAN = "万元"

    @property
    def yuan(self) -> Decimal:
        """How many 元 one of this unit is."""
        return Decimal(10000) if self is MoneyUnit.WAN else Decimal(1)


class DocKind(StrEnum):
    BUDGET = "budget"  # 预算
    FINAL = "final_accounts"  # 决算


@dataclass(frozen=True)
class Source:
    """Where a value or statement was found. Every field is optional: a text file has
    lines, a PDF has pages and boxes, a workbook has sheets and cells."""

    line: int | None = None  # 1-based line in the extracted text / line stream
    page: int | None = None  # 1-based page (PDF) or sheet index (workbook)
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in PDF points
    ref: str | None = None  # "Sheet1!B7", "table 3 row 4 cell 2", "p12"


@dataclass(frozen=True)
class Diagnostic:
    """A problem met while reading or parsing (not a finding about the document's
    content: those are ``Finding``). Returned beside results, never raised."""

    code: str  # stable, e.g. "P101"
    severity: Severity
    message: str  # Chinese, says what, where and what to do
    source: Source = Source()
    table: str | None = None


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Column:
    key: str  # canonical key (DESIGN §4): total, basic, project, personnel, public, ...
    header: str  # header as printed, levels joined with "/"


@dataclass(frozen=True)
class Inference:
    """A value whose column was not printed unambiguously and was placed by reasoning
    (blank cells dropped, OCR damage). ``confidence`` is in [0, 1]."""

    column: str  # "" when the evidence could not decide (the amount is then not in Row.values)
    confidence: float
    reason: str
    value: Decimal | None = None  # the amount placed (or left unplaced)
    ordered: bool = True  # False when the print order is not the column order (OCR)


@dataclass(frozen=True)
class Row:
    code: str  # classification code without spaces, "TOTAL", a 三公 key, or ""
    name: str  # printed name, normalised, numbering prefix removed
    values: dict[str, Decimal]  # column key -> value; blank cells are absent
    source: Source = Source()
    level: int | None = None  # 1 类, 2 款, 3 项 (from the code's length) ; None if no code
    side: str | None = None  # "income" | "expenditure" for two-sided tables
    key: str | None = None  # semantic key for rows without a code (e.g. income item "general_budget")
    label: str = ""  # the row label exactly as printed, numbering included
    text: dict[str, str] = field(default_factory=dict)  # non-money cells (项目名称, 指标值 ...)
    inferred: tuple[Inference, ...] = ()
    # column key -> where that value's own cell is (page and box in a PDF, "Sheet!C7" in a
    # workbook), where the reader knows more than the row's line
    value_sources: dict[str, Source] = field(default_factory=dict)
    # The budget unit the row is about, in tables that list units (单位编码 | 单位名称) rather
    # than 科目, and on the 科目 rows printed under a unit in tables that list both. "" when
    # the row is not about one unit (科目 tables, the 合计 row).
    unit_code: str = ""
    unit_name: str = ""

    def __hash__(self) -> int:  # dict fields make the default hash fail; identity is enough
        return id(self)

    def source_of(self, column: str) -> Source:
        """Provenance of one value: its cell where known, else the row's."""
        return self.value_sources.get(column, self.source)


@dataclass(frozen=True)
class Table:
    id: str  # canonical id (DESIGN §3 and docs/tables.md)
    title: str  # as printed
    number: str | None  # "表1", "公开03表", "1" as printed
    unit: MoneyUnit | None
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    empty: bool = False
    empty_reason: str | None = None
    source: Source = Source()
    # Why the reading of this table is doubtful (Chinese, one reason each): its own totals do
    # not hold *and* cells were placed by inference, columns could not be mapped, values look
    # shifted … The audit reports "could not check" for an uncertain table instead of errors.
    uncertain: tuple[str, ...] = ()


@dataclass(frozen=True)
class CatalogueEntry:
    """One line of the document's own table list (目录 / 公开报表目录)."""

    number: str | None
    title: str
    table_id: str | None
    empty: bool | None  # 是否空表 when printed
    reason: str | None
    source: Source = Source()


# --------------------------------------------------------------------------- profile


@dataclass(frozen=True)
class Staffing:
    """人员情况. Counts are persons; a missing figure is None (not printed)."""

    authorized: int | None = None  # 编制数
    authorized_admin: int | None = None  # 行政编制
    authorized_institution: int | None = None  # 事业编制
    authorized_other: int | None = None  # other kinds printed beside them (行政附属编制, 工勤编制 …), summed
    actual: int | None = None  # 实有人数
    in_service: int | None = None  # 在职
    retired: int | None = None  # 退休
    retired_early: int | None = None  # 离休
    changes: tuple[str, ...] = ()  # printed statements of increases/decreases
    source: Source = Source()


@dataclass(frozen=True)
class Profile:
    functions: tuple[str, ...] = ()  # 主要职能 items
    departments: tuple[str, ...] = ()  # 内设机构
    subordinates: tuple[str, ...] = ()  # 下属单位
    staffing: Staffing = Staffing()


# --------------------------------------------------------------------------- narrative


@dataclass(frozen=True)
class Change:
    """A stated year-on-year change: 比上年增加 x 万元，增长 y%. ``amount`` and ``percent`` are
    as printed (unsigned); ``direction`` gives the sign."""

    direction: str  # "increase" | "decrease" | "flat"
    amount: Decimal | None
    percent: Decimal | None
    word: str = ""  # the direction word as printed: 增加, 下降, 持平, 增加(减少) …
    basis: str = ""  # what the comparison is with: 预算 | 执行数 | 决算 | "" when not stated
    year: int | None = None  # the year compared with, as printed (上年: the budget year − 1)
    source: Source = Source()  # where the change is printed (it may follow its statement's sentence)


@dataclass(frozen=True)
class Prior:
    """A prior-year amount stated beside the current one ("2022年当年预算执行数为1.48万元")."""

    amount: Decimal
    unit: MoneyUnit
    basis: str = ""  # 预算 | 执行数 | 决算 | ""
    year: int | None = None
    source: Source = Source()


@dataclass(frozen=True)
class Figure:
    """One statement of the narrative: a subject, its amount, and what the text says about
    it (share, change, prior-year amount, reason). The claims (DESIGN §4b) are its quantities
    one by one (``yusuan.parsing.claims``)."""

    subject: str  # what the sentence says the amount is (e.g. "一般公共预算", "基本支出", "210 卫生健康支出")
    amount: Decimal
    unit: MoneyUnit
    share: Decimal | None = None  # 占 x%
    change: Change | None = None
    reason: str | None = None  # 主要原因是…: None when no reason is given, "" when the words are there but empty
    refers_to: tuple[str, str, str] | None = None  # (table id, row code, column) when resolved
    sentence: str = ""
    source: Source = Source()
    code: str | None = None  # the 功能/经济 classification code the statement is about
    resolution: str = ""  # how subject -> code/cell was found: code, path, heading, name, keyword
    confidence: float | None = None  # of that resolution
    year: int | None = None  # the year of the amount (printed, else the budget year)
    stated: Decimal | None = None  # a second amount for the same subject ("2023年预算安排X万元")
    prior: Prior | None = None  # the prior-year amount as stated
    budget: Decimal | None = None  # 决算: the 年初预算 amount stated beside the 决算 amount
    completion: Decimal | None = None  # 决算: 完成年初预算的 x%
    share_of: str = ""  # what the share is of, as printed ("“三公”经费", "本年支出合计")
    scope: str = ""  # funds covered: fiscal, gpb, gov_fund, state_capital, "" (all funds)
    key: str = ""  # what total or item the subject is (income_general_budget, abroad, procurement …), "" for a 科目
    other_changes: tuple[Change, ...] = ()  # the same change stated again in the statement
    # where stated, budget, completion and share are printed when not where the amount is
    quantity_sources: dict[str, Source] = field(default_factory=dict)

    def __hash__(self) -> int:  # dict fields make the default hash fail; identity is enough
        return id(self)


@dataclass(frozen=True)
class Claim:
    """One stated quantity of the narrative, in the long format of DESIGN §4b. ``value`` is
    as printed, signed for changes (negative for 减少/下降, 0 for 持平)."""

    quantity: str  # amount, stated_amount, prior_amount, budget_amount, change_amount, change_pct,
    #               share_pct, completion_pct, count
    value: Decimal
    unit: str  # 万元, 元, %, 辆, 个, 人 …
    subject: str
    section: str = ""  # heading of the section it is in
    code: str | None = None
    refers_to: tuple[str, str, str] | None = None  # (table id, row code, column)
    key: str = ""  # the total or item it is about where no code applies (income_general_budget, procurement …)
    basis: str = ""  # 预算 | 执行数 | 决算 | ""
    year: int | None = None
    statement: int | None = None  # index of its statement (Figure) in document order
    note: str = ""  # 原因中 (stated inside a reason), 单独表述 (a change with no amount), 数量
    source: Source = Source()


@dataclass(frozen=True)
class NarrativeSection:
    heading: str
    topic: str  # canonical topic: overview, income, expenditure, fiscal, fiscal_basic, gpb, gpb_basic, gpb_project,
    #            gov_fund, state_capital, three_public, carryover, operating, procurement, assets,
    #            performance, glossary, profile, other
    text: str
    figures: tuple[Figure, ...] = ()
    source: Source = Source()
    claims: tuple[Claim, ...] = ()  # quantities that are no statement's own (in reasons, counts …)
    code: str | None = None  # the 科目 the heading names ("(一)一般公共服务(类)" -> 201)


@dataclass(frozen=True)
class ThreePublic:
    """"三公"经费 as stated in the narrative (the table is ``three_public``)."""

    total: Decimal | None = None
    abroad: Decimal | None = None
    reception: Decimal | None = None
    vehicle: Decimal | None = None  # 购置及运行
    vehicle_purchase: Decimal | None = None
    vehicle_operation: Decimal | None = None
    meeting: Decimal | None = None
    training: Decimal | None = None
    unit: MoneyUnit = MoneyUnit.WAN
    change: Change | None = None
    source: Source = Source()


@dataclass(frozen=True)
class Procurement:
    total: Decimal | None = None
    goods: Decimal | None = None
    works: Decimal | None = None
    services: Decimal | None = None
    sme_reserved: Decimal | None = None  # 面向中小企业预留
    small_micro_reserved: Decimal | None = None  # 其中小微企业
    unit: MoneyUnit = MoneyUnit.WAN
    source: Source = Source()


@dataclass(frozen=True)
class Vehicles:
    total: int | None = None
    value: Decimal | None = None
    by_kind: dict[str, tuple[int | None, Decimal | None]] = field(default_factory=dict)

    def __hash__(self) -> int:
        return id(self)


@dataclass(frozen=True)
class Assets:
    as_of: str | None = None  # "2024年底"
    buildings_area: Decimal | None = None  # 平方米
    buildings_value: Decimal | None = None
    vehicles: Vehicles = Vehicles()
    furniture_value: Decimal | None = None
    other_value: Decimal | None = None
    large_equipment_50: int | None = None  # 单位价值50万元以上
    large_equipment_100: int | None = None  # 单位价值100万元以上
    unit: MoneyUnit = MoneyUnit.WAN
    source: Source = Source()


@dataclass(frozen=True)
class Indicator:
    level1: str  # 一级指标: 产出/效益/满意度/成本
    level2: str  # 二级指标: 数量/质量/时效/成本/社会效益 ...
    level3: str  # 三级指标
    value: str  # 指标值 as printed
    weight: Decimal | None = None  # 分值/权重
    source: Source = Source()


@dataclass(frozen=True)
class PerformanceTarget:
    scope: str  # "unit" | "project"
    name: str  # project name, or unit name for the unit-level target
    amount: Decimal | None = None
    funding: dict[str, Decimal] = field(default_factory=dict)  # 资金来源 -> amount
    goal: str = ""  # 年度/总体目标 text
    indicators: tuple[Indicator, ...] = ()
    unit: MoneyUnit = MoneyUnit.WAN
    source: Source = Source()

    def __hash__(self) -> int:
        return id(self)


# --------------------------------------------------------------------------- document


@dataclass(frozen=True)
class Meta:
    doc: str  # document id: file stem, used in facts and findings
    path: str | None
    unit_name: str | None
    unit_code: str | None
    year: int | None
    kind: DocKind = DocKind.BUDGET
    scope: str | None = None  # "单位" | "部门"
    narrative_unit: MoneyUnit | None = None
    format: str = "text"  # text, pdf, pdf-ocr, xlsx, docx, html
    sha256: str | None = None
    # What this file holds of its publication: ("tables", "narrative") for a complete
    # disclosure, ("tables",) for a 表格 file, ("narrative",) for a 文本 file (DESIGN §4c).
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Disclosure:
    meta: Meta
    tables: tuple[Table, ...] = ()
    catalogue: tuple[CatalogueEntry, ...] = ()
    profile: Profile = Profile()
    narrative: tuple[NarrativeSection, ...] = ()
    three_public: ThreePublic | None = None
    operating_cost: Figure | None = None  # 机关运行经费
    procurement: Procurement | None = None
    assets: Assets | None = None
    performance: tuple[PerformanceTarget, ...] = ()
    claims: tuple[Claim, ...] = ()  # every stated quantity of the narrative (DESIGN §4b)

    def table(self, table_id: str) -> Table | None:
        """The first table with this id (documents print each table once, bar repeats
        that the parser merges)."""
        return next((t for t in self.tables if t.id == table_id), None)

    def tables_by_id(self, table_id: str) -> tuple[Table, ...]:
        return tuple(t for t in self.tables if t.id == table_id)


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Location:
    doc: str
    table: str | None = None
    row_code: str | None = None
    row_name: str | None = None
    column: str | None = None
    source: Source = Source()


@dataclass(frozen=True)
class Finding:
    rule: str  # stable code, e.g. "SUM001"
    severity: Severity
    message: str  # Chinese, with the numbers
    location: Location
    values: dict[str, str] = field(default_factory=dict)  # name -> printed value involved
    confidence: float | None = None  # < 1 when extraction was uncertain
    quote: str = ""  # the printed words the finding is about, for a reviewer to find them

    def __hash__(self) -> int:
        return id(self)
