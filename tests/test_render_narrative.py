"""The generated 情况说明 computes from the tables: shares, changes, reasons, empty tables;
missing inputs are gaps with documented fallback wordings, never silent text."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from tests._render_sample import sample_disclosure, sample_input
from yusuan.model import MoneyUnit, Profile
from yusuan.parsing.links import cell_row
from yusuan.render import RenderInput, compose, get_style
from yusuan.render.document import Cover, Heading, Toc
from yusuan.render.gaps import FALLBACKS
from yusuan.render.narrative import convert, q2, share
from yusuan.render.writers import to_text

D = Decimal
DOCS = Path(__file__).resolve().parent.parent / "docs" / "render.md"


@pytest.fixture(scope="module")
def composed():
    return compose(sample_input(), get_style("xinjiang"))


def _figures(composed):
    return [f for s in composed.disclosure.narrative for f in s.figures]


def test_every_resolved_figure_restates_its_table_cell(composed):
    d = composed.disclosure
    checked = 0
    for fig in _figures(composed):
        if fig.refers_to is None or d.table(fig.refers_to[0]) is None:
            continue
        table_id, ref, column = fig.refers_to
        table = d.table(table_id)
        row = cell_row(table, ref, column)
        assert fig.amount == convert(row.values.get(column, D(0)), table.unit, MoneyUnit.WAN), fig.sentence
        checked += 1
    assert checked >= 25


def test_shares_are_amount_over_total(composed):
    income = next(s for s in composed.disclosure.narrative if s.topic == "income")
    general = next(f for f in income.figures if f.refers_to == ("income", "TOTAL", "general_budget"))
    assert general.share == q2(D("227.19") / D("227.24") * 100) == D("99.98")
    structure = next(s for s in composed.disclosure.narrative if s.heading == "（二）一般公共预算当年拨款结构情况")
    assert sum(f.share for f in structure.figures if f.share is not None) == D("100.00")


def test_changes_and_reasons_from_prior_year(composed):
    figs = {f.refers_to: f for f in _figures(composed) if f.refers_to}
    general = figs[("income", "TOTAL", "general_budget")]
    assert (general.change.direction, general.change.amount, general.change.percent) == ("decrease", D("37.68"),
                                                                                         D("14.23"))
    assert "比上年预算减少37.68万元，下降14.23%，主要原因是在职职工预算人数比上年少2人。" in general.sentence
    flat = figs[("gpb_expenditure", "2101501", "total")]
    # 持平 prints no amounts; the claims record a change of 0
    assert flat.change.direction == "flat" and flat.change.amount is None and "与上年预算持平。" in flat.sentence
    new = figs[("income", "TOTAL", "unit_funds")]  # last year 0: an increase with no percentage
    assert new.change.amount == D("0.05") and new.change.percent is None and "%，主要原因" not in new.sentence
    operating = next(f for f in _figures(composed) if "机关运行经费" in f.subject)
    assert operating.change.amount == D("4.90") and "厉行节约" in operating.sentence
    assert composed.gaps == ()


def test_a_missing_prior_figure_or_reason_is_a_gap_not_a_silent_omission():
    data = sample_input()
    prior = dict(data.prior)
    del prior[("expenditure", "TOTAL", "basic")]
    prior[("gpb_expenditure", "2101599", "total")] = replace(prior[("gpb_expenditure", "2101599", "total")],
                                                             reason=None)
    c = compose(RenderInput(data.disclosure, prior=prior, notes=data.notes), get_style("xinjiang"))
    gaps = {(g.key, g.subject, g.ref) for g in c.gaps}
    assert ("prior", "基本支出", ("expenditure", "TOTAL", "basic")) in gaps
    assert ("reason", "卫生健康支出（类）医疗保障管理事务（款）其他医疗保障管理事务支出（项）",
            ("gpb_expenditure", "2101599", "total")) in gaps
    basic = next(f for f in _figures(c) if f.refers_to == ("expenditure", "TOTAL", "basic"))
    assert basic.change is None and "比上年" not in basic.sentence  # the documented fallback: left out
    gap = next(g for g in c.gaps if g.key == "prior")
    assert "上年数及原因" in gap.where and "expenditure" in gap.where


def test_missing_profile_and_sections_print_their_documented_fallback():
    data = sample_input()
    d = replace(data.disclosure, profile=Profile(), operating_cost=None, procurement=None, assets=None, performance=())
    c = compose(RenderInput(d, prior=data.prior, notes={}), get_style("xinjiang"))
    text = to_text(c.blocks)
    assert {g.key for g in c.gaps} == {"functions", "organisation", "operating", "procurement", "assets",
                                       "performance", "date"}
    for gap in c.gaps:
        assert gap.printed in text
    assert "未填报" not in text and "未安排机关运行经费" not in text  # nothing inferred from a blank


def test_a_dropped_reason_is_left_out_of_its_sentence(composed):
    data = sample_input()
    subject = ("income", "TOTAL", "general_budget")
    c = compose(data, get_style("xinjiang"), dropped=frozenset({subject}))
    general = next(f for f in _figures(c) if f.refers_to == subject)
    assert general.reason is None and "主要原因" not in general.sentence and "减少37.68万元" in general.sentence
    assert c.gaps == ()  # a contradiction is reported by the render, not as a gap


def test_empty_tables_are_printed_with_their_reason(composed):
    text = to_text(composed.blocks)
    assert "且末县医疗保障局2025年没有使用政府性基金预算拨款安排的支出，政府性基金预算支出情况表为空表。" in text
    entries = {e.table_id: e for e in composed.disclosure.catalogue}
    assert len(entries) == 11
    assert entries["gov_fund"].empty and entries["carryover"].empty and not entries["income"].empty


def test_a_table_the_data_lacks_is_a_gap_unless_its_emptiness_follows_from_the_numbers():
    data = sample_input()
    d = replace(data.disclosure, tables=tuple(t for t in data.disclosure.tables if t.id != "three_public"))
    c = compose(RenderInput(d, prior=data.prior, notes=data.notes), get_style("xinjiang"))
    # no 政府性基金 income: its table is empty by the numbers; nothing says so of 三公
    assert [(g.key, g.subject) for g in c.gaps] == [("table", "财政拨款“三公”经费支出情况表")]


def test_summary_tables_are_derived_from_detail(composed):
    summary = composed.disclosure.table("summary")
    left = {r.key: r.values["total"] for r in summary.rows if r.side == "income" and r.key}
    assert left == {"general_budget": D("227.19"), "unit_funds": D("0.05")}
    right = {r.code: r.values["total"] for r in summary.rows if r.side == "expenditure"}
    assert right == {"205": D("0.98"), "210": D("226.26"), "TOTAL": D("227.24")}
    fiscal = composed.disclosure.table("fiscal_summary")
    total = next(r for r in fiscal.rows if r.code == "TOTAL" and r.side == "expenditure")
    assert total.values == {"total": D("227.19"), "general_budget": D("227.19")}
    overview = next(f for f in _figures(composed) if f.subject.endswith("收支总预算"))
    assert overview.refers_to == ("summary", "income:TOTAL", "total")  # the computed table it restates


def test_structure_cover_toc_and_glossary(composed):
    cover, toc = composed.blocks[:2]
    assert isinstance(cover, Cover) and (cover.unit_name, cover.title, cover.date) == (
        "且末县医疗保障局", "2025年单位预算", "2025年1月20日")
    assert isinstance(toc, Toc)
    anchors = {b.anchor for b in composed.blocks if getattr(b, "anchor", "")}
    assert {e.anchor for e in toc.entries} == anchors  # every entry points at its heading or table
    assert [e.text for e in toc.entries if e.level == 1] == [
        "第一部分 2025年单位概况", "第二部分 2025年单位预算公开表", "第三部分 2025年单位预算情况说明",
        "第四部分 名词解释"]
    text = to_text(composed.blocks)
    order = ["第一部分 2025年单位概况", "第二部分 2025年单位预算公开表", "第三部分 2025年单位预算情况说明",
             "“三公”经费预算情况说明", "政府采购情况", "国有资产占用使用情况", "预算绩效情况", "第四部分 名词解释"]
    pos = text.index("第四部分 名词解释")  # the end of the 目录
    for heading in order:
        pos = text.index(heading, pos + 1)
    assert "编制数15，实有人数14人" in text
    assert [b.text for b in composed.blocks if isinstance(b, Heading) and b.level == 3][:3] == [
        "（一）一般公共预算当年拨款规模变化情况", "（二）一般公共预算当年拨款结构情况",
        "（三）一般公共预算当年拨款具体使用情况"]


def test_a_department_says_部门_throughout():
    data = sample_input()
    d = replace(data.disclosure, meta=replace(data.disclosure.meta, scope="部门"))
    text = to_text(compose(RenderInput(d, prior=data.prior, notes=data.notes), get_style("xinjiang")).blocks)
    assert "2025年部门预算公开表" in text and "部门收支总体情况表" in text and "单位预算公开表" not in text


def test_shanghai_style_converts_yuan_tables_for_narrative():
    d = sample_disclosure()
    yuan_tables = tuple(replace(t, unit=MoneyUnit.YUAN, rows=tuple(
        replace(r, values={k: v * 10000 for k, v in r.values.items()}) for r in t.rows)) for t in d.tables)
    # last year's figures stay in 万元 while the tables are in 元
    data = sample_input()
    composed = compose(RenderInput(replace(d, tables=yuan_tables), prior=data.prior, notes=data.notes),
                       get_style("shanghai"))
    ids = [e.table_id for e in composed.disclosure.catalogue]
    # the style's 9 tables in order, then the input's table that the style does not carry
    assert ids == ["summary", "income", "expenditure", "fiscal_summary", "gpb_expenditure", "gov_fund",
                   "state_capital", "gpb_basic_econ", "three_public", "gpb_project"]
    assert composed.disclosure.catalogue[0].title == "2025年预算单位财务收支预算总表"
    statement = next(s for s in composed.disclosure.narrative if s.topic == "overview")
    assert "2025年，且末县医疗保障局收入预算227.24万元，其中：" in statement.text
    assert "财政拨款收入227.19万元，占99.98%，比上年预算减少37.68万元" in statement.text
    assert "“卫生健康支出-医疗保障管理事务-行政运行”科目223.21万元，与上年预算持平。" in statement.text


def test_helpers():
    from yusuan.text import printed_chinese

    # text read out of a disclosure printed again: no extraction spaces, full-width punctuation
    assert printed_chinese("2025 年在职工预算人数比上年少 2 人,导致基本支出(人员经费)下降") == \
        "2025年在职工预算人数比上年少2人，导致基本支出（人员经费）下降"
    assert printed_chinese("增加1,234.50万元,增长10%,主要") == "增加1,234.50万元，增长10%，主要"
    assert share(D("1"), D("3")) == D("33.33")
    assert share(D("1"), D("0")) is None
    assert convert(D("1188720.00"), MoneyUnit.YUAN, MoneyUnit.WAN) == D("118.87")


def test_every_fallback_wording_is_documented():
    docs = DOCS.read_text(encoding="utf-8")
    for key, fallback in FALLBACKS.items():
        assert f"`{key}`" in docs and fallback.item in docs
        if fallback.wording:
            assert fallback.wording in docs, key
