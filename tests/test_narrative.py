"""Narrative sections, topics and figures on the four seeds and on inline texts."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import cache

from yusuan.ingest.text import lines_from_text
from yusuan.model import Change, Column, Meta, Row, Source, Table
from yusuan.parsing.blocks import Layout
from yusuan.parsing.narrative import NarrativeResult, paragraphs, parse_narrative
from yusuan.parsing.segment import segment
from yusuan.text import normalize

from .conftest import seed

UNITS = {
    "000": "且末县医疗保障局",
    "001": "兴隆县医疗保障局本级",
    "002": "吴堡县医疗保险服务中心",
    "004": "和静县医疗保障局",
}


def meta(name: str | None = None) -> Meta:
    return Meta(doc="t", path=None, unit_name=name, unit_code=None, year=None)


@cache
def narrative(prefix: str) -> NarrativeResult:
    layout, _ = segment(lines_from_text(seed(prefix).read_text(encoding="utf-8")))
    result, _ = parse_narrative(layout, (), meta(UNITS[prefix]))
    return result


def inline(text: str, tables: tuple[Table, ...] = (), name: str | None = None) -> NarrativeResult:
    result, _ = parse_narrative(Layout(blocks=(), narrative=lines_from_text(text)), tables, meta(name))
    return result


def section(result: NarrativeResult, heading_part: str):
    return next(s for s in result.sections if heading_part in s.heading)


def _ch(change: Change | None) -> tuple[str, Decimal | None, Decimal | None] | None:
    return (change.direction, change.amount, change.percent) if change else None


def figs(result: NarrativeResult, topic: str) -> list[tuple[str, str]]:
    return [(f.subject, str(f.amount)) for s in result.sections if s.topic == topic for f in s.figures]


# --------------------------------------------------------------------------- seeds


def test_seed000_sections_and_topics():
    r = narrative("000")
    by_heading = {s.heading: s.topic for s in r.sections}
    assert by_heading["一、 关于且末县医疗保障局 2025 年收支预算情况总体说明"] == "overview"
    assert by_heading["二、 机构设置及人员情况"] == "profile"
    assert by_heading["十、关于且末县医疗保障局 2025 年财政拨款\"三公\"经费预算情况说明"] == "three_public"
    assert by_heading["四、关于且末县医疗保障局 2025 年财政拨款收支预算情况的总体说明"] == "fiscal"
    assert by_heading["六、关于且末县医疗保障局2025年一般公共预算基本支出情况说明"] == "gpb_basic"
    assert by_heading["(一)单位运行经费情况"] == "operating"
    assert by_heading["(三) 国有资产占用使用情况"] == "assets"
    assert by_heading["(二)一般公共预算当年拨款结构情况"] == "gpb"
    assert by_heading["第四部分名词解释"] == "glossary"
    # Table-of-contents entries (headings with nothing under them) are not sections.
    assert sum(1 for s in r.sections if s.heading.startswith("八、")) == 1


def test_seed000_income_figures():
    income = section(narrative("000"), "收入预算情况说明")
    assert [(f.subject, str(f.amount), f.share) for f in income.figures] == [
        ("单位收入预算", "227.23", None),
        ("一般公共预算", "227.19", Decimal("99.98")),
        ("上级一般公共预算安排的转移支付资金", "0.00", Decimal("0.00")),
        ("单位资金", "0.05", Decimal("0.02")),
    ]
    assert _ch(income.figures[2].change) == ("decrease", Decimal("3.50"), Decimal("100.00"))
    assert income.figures[3].reason == "2025 年将征收个税返还手续费自由资金纳入单位预算"
    assert income.figures[1].source.line == 372


def test_seed000_project_spending_stated_twice_differently():
    # The 支出 section says 项目支出 3.05 (all funds), the 一般公共预算 section 3.00: both as printed.
    r = narrative("000")
    assert ("项目支出", "3.05") in figs(r, "expenditure")
    assert ("项目支出", "3.00") in figs(r, "gpb")
    detail = section(r, "当年拨款具体使用情况").figures
    assert len(detail) == 8
    assert detail[6].subject == "卫生健康支出(类)医疗保障管理事务(款)其他医疗保障管理事务支出(项)"
    # The reason says 少拨付 5 万元 where the change is 0.50: kept as printed.
    assert detail[6].reason.endswith("较上年少拨付5万元")


def test_seed001_overview_figures():
    r = narrative("001")
    assert figs(r, "income") == [("预算收入", "3912.31"), ("一般公共预算收入", "3909.31"), ("上年结转结余", "3.00")]
    overview = section(r, "比上年增减情况").figures
    assert overview[0].amount == Decimal("3912.31")
    assert _ch(overview[0].change) == ("decrease", Decimal("96.11"), None)
    assert section(r, "名词解释").topic == "glossary"
    assert section(r, "机关运行经费安排情况").topic == "operating"


def test_seed002_coded_figures():
    r = narrative("002")
    detail = section(r, "支出按功能科目分类").figures
    assert [(f.subject, str(f.amount)) for f in detail] == [
        ("一般公共预算支出", "604.54"),
        ("事业运行(2101550)", "150.42"),
        ("机关事业单位基本养老保险缴费支出(2080505)", "19.88"),
        ("机关事业单位职业年金缴费支出(2080506)", "24.44"),
        ("事业单位医疗(2101102)", "4.57"),
        ("住房公积金(2210201)支出", "13.24"),
    ]
    assert section(r, "支出按功能科目分类").topic == "gpb"
    econ = section(r, "支出按经济科目分类").figures
    assert [str(f.amount) for f in econ if "302" in f.subject or "502" in f.subject] == ["5.20", "5.2"]
    assert all(_ch(f.change) == ("flat", None, None) for f in econ if "302" in f.subject or "502" in f.subject)


def test_seed004_wrapped_lines_rejoined():
    r = narrative("004")
    headings = [s.heading for s in r.sections]
    # Headings wrapped over two lines are one heading; wrapped sentences are one sentence.
    assert "五、 关于和静县医疗保障局 2025 年一般公共预算当年拨款情况说明" in headings
    assert "八、 关于和静县医疗保障局 2025 年政府性基金预算拨款情况说明" in headings
    income = section(r, "收入预算情况说明").figures
    assert [(f.subject, str(f.amount), f.share) for f in income] == [
        ("单位收入预算", "403.85", None),
        ("一般公共预算", "307.49", Decimal("76.14")),
        ("上级一般公共预算安排的转移支付", "96.36", Decimal("23.86")),
        ("国有资本经营预算", "0.00", Decimal("0")),
    ]
    assert _ch(income[1].change) == ("decrease", Decimal("25.17"), Decimal("7.57"))
    assert income[1].source.line == 818
    detail = section(r, "当年拨款具体使用情况").figures
    assert [f.subject for f in detail][:2] == [
        "一般公共服务支出(类)组织事务(款)其他组织事务支出(项)",
        "社会保障和就业支出(类)行政事业单位养老支出(款)行政单位离退休(项)",
    ]
    assert len(detail) == 11


def test_seed004_defects_extracted_as_printed():
    r = narrative("004")
    fiscal = figs(r, "fiscal")
    # The 财政拨款 section states 卫生健康支出 337.34 and 住房保障支出 25.32 (tables: 337.35, 25.33), then 337.35.
    assert ("卫生健康支出", "337.34") in fiscal and ("住房保障支出", "25.32") in fiscal
    assert ("卫生健康支出", "337.35") in fiscal
    # 项目支出 changes by 7.44 in one section and by 3.14 in another.
    project = [_ch(f.change) for s in r.sections for f in s.figures if f.subject == "项目支出"]
    assert project == [
        ("decrease", Decimal("7.44"), Decimal("7.17")),
        ("decrease", Decimal("3.14"), Decimal("3.16")),
    ]


# --------------------------------------------------------------------------- refers_to


def _table(table_id: str, rows: list[tuple[str, dict[str, str]]], keys: tuple[str, ...]) -> Table:
    return Table(
        id=table_id, title=table_id, number=None, unit=None,
        columns=tuple(Column(k, k) for k in keys),
        rows=tuple(Row(code=c, name=c, values={k: Decimal(v) for k, v in vals.items()}) for c, vals in rows),
    )


GPB = _table(
    "gpb_expenditure",
    [("TOTAL", {"total": "227.19", "basic": "224.19", "project": "3.00"}),
     ("210", {"total": "181.01"}), ("21015", {"total": "168.33"}), ("2101501", {"total": "165.33"})],
    ("total", "basic", "project"),
)
for _row, _name in zip(GPB.rows, ("总计", "卫生健康支出", "医疗保障管理事务", "行政运行"), strict=True):
    object.__setattr__(_row, "name", _name)
EXPENDITURE = _table("expenditure", [("TOTAL", {"total": "227.23", "basic": "224.19", "project": "3.05"})],
                     ("total", "basic", "project"))

TEXT = """三、 关于某局 2025 年支出预算情况说明

某局 2025 年支出预算 227.23 万元，其中：

基本支出 224.19 万元，占 98.66%。

五、关于某局 2025 年一般公共预算当年拨款情况说明

某局 2025 年一般公共预算拨款合计 227.19 万元，其中：

基本支出 224.19 万元，比上年预算减少 40.68 万元，下降 15.36%。

3、卫生健康支出（类）181.01万元，占79.68%。

6、卫生健康支出（类）医疗保障管理事务（款）行政运行（项）：2025年预算数为165.33万元。

7、卫生健康支出（类）医疗保障管理事务（款）其他医疗保障管理事务支出（项）：2025年预算数为3.00万元。
"""


def test_refers_to_resolved_against_parsed_tables():
    r = inline(TEXT, (GPB, EXPENDITURE), "某局")
    refs = [(f.subject, f.refers_to) for s in r.sections for f in s.figures]
    assert refs == [
        ("支出预算", ("expenditure", "TOTAL", "total")),
        ("基本支出", ("expenditure", "TOTAL", "basic")),
        ("一般公共预算拨款", ("gpb_expenditure", "TOTAL", "total")),
        ("基本支出", ("gpb_expenditure", "TOTAL", "basic")),
        ("卫生健康支出(类)", ("gpb_expenditure", "210", "total")),
        ("卫生健康支出(类)医疗保障管理事务(款)行政运行(项)", ("gpb_expenditure", "2101501", "total")),
        # No such row in the parsed table: not resolved.
        ("卫生健康支出(类)医疗保障管理事务(款)其他医疗保障管理事务支出(项)", None),
    ]


def test_without_tables_nothing_is_resolved():
    r = inline(TEXT, (), "某局")
    assert all(f.refers_to is None for s in r.sections for f in s.figures)


def test_wrapped_paragraphs_join_only_unfinished_lines():
    text = (
        "一、 关于某某县医疗保障局 2025 年收入预算情况说明\n"
        "某某县医疗保障局单位收入预算 403.85 万元，其中：\n"
        "一般公共预算 307.49 万元，占 76.14%，比上年预算减少 25.17\n"
        "万元，下降 7.57%，主要原因是在职人员减少，造成基本支出等比上年预算\n"
        "减少；\n"
        "（一）短标题\n"
        "正文。\n"
    )
    paras = [p.text for p in paragraphs(lines_from_text(text))]
    assert paras[2] == normalize(
        "一般公共预算 307.49 万元，占 76.14%，比上年预算减少 25.17万元，下降 7.57%，"
        "主要原因是在职人员减少，造成基本支出等比上年预算减少；"
    )
    assert paras[3:] == [normalize("（一）短标题"), "正文。"]


def test_pages_of_pdf_lines_reach_figures():
    lines = tuple(
        replace(ln, source=Source(line=ln.no, page=3))
        for ln in lines_from_text("一、关于某局收入预算情况说明\n一般公共预算 10.00 万元，占 100%。\n")
    )
    result, _ = parse_narrative(Layout(blocks=(), narrative=lines), (), meta())
    (sec,) = result.sections
    assert sec.source == Source(line=1, page=3)
    assert sec.figures[0].source == Source(line=2, page=3)


def test_unnumbered_headings_close_the_numbered_ones_before_them():
    # A list item "2. X中心" looks like a sub-heading; the unnumbered headings after it
    # (名词解释, …编制说明) must not be filed under it.
    text = (
        "某某局机构设置\n"
        "某某局部门预算包括本部及下属1家事业单位，具体包括：\n"
        "1.某某局本部。\n"
        "2.某某服务中心\n"
        "名词解释\n"
        "(一)财政拨款收入:指本年度从本级财政部门取得的财政拨款。\n"
        "2025年部门预算编制说明\n"
        "2025年,某某局收入预算100.00万元。\n"
    )
    r = inline(text, name="某某局")
    by_heading = {s.heading: s for s in r.sections}
    assert by_heading["名词解释"].topic == "glossary" and not by_heading["名词解释"].figures
    (f,) = by_heading["2025年部门预算编制说明"].figures
    assert (f.subject, str(f.amount)) == ("收入预算", "100.00")
    assert "2.某某服务中心" not in by_heading or not by_heading["2.某某服务中心"].figures
