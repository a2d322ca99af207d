"""The generated 情况说明 computes from the tables: shares, changes, reasons, empty tables."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests._render_sample import sample_disclosure, sample_input
from yusuan.model import MoneyUnit
from yusuan.render import RenderInput, compose, get_style
from yusuan.render.narrative import convert, q2, share
from yusuan.render.writers import to_text

D = Decimal


@pytest.fixture(scope="module")
def composed():
    return compose(sample_input(), get_style("xinjiang"))


def _figures(composed):
    return [f for s in composed.disclosure.narrative for f in s.figures]


def test_every_resolved_figure_restates_its_table_cell(composed):
    d = composed.disclosure
    checked = 0
    for fig in _figures(composed):
        if fig.refers_to is None or fig.refers_to[0] == "operating":
            continue
        table_id, code, column = fig.refers_to
        table = d.table(table_id)
        row = next(r for r in table.rows if r.code == code and r.side != "income")
        assert fig.amount == convert(row.values.get(column, D(0)), table.unit, MoneyUnit.WAN), fig.sentence
        checked += 1
    assert checked >= 15


def test_shares_are_amount_over_total(composed):
    income = next(s for s in composed.disclosure.narrative if s.topic == "income")
    general = next(f for f in income.figures if f.refers_to == ("income", "TOTAL", "general_budget"))
    assert general.share == q2(D("227.19") / D("227.24") * 100) == D("99.98")
    gpb = next(s for s in composed.disclosure.narrative if s.topic == "gpb")
    class_shares = [f.share for f in gpb.figures if f.share is not None]
    assert sum(class_shares) == D("100.00")


def test_changes_and_reasons_from_prior_year(composed):
    figs = {f.refers_to: f for f in _figures(composed) if f.refers_to}
    general = figs[("income", "TOTAL", "general_budget")]
    assert (general.change.direction, general.change.amount, general.change.percent) == ("decrease", D("37.68"),
                                                                                         D("14.23"))
    assert "比上年预算减少37.68万元，下降14.23%，主要原因是在职职工预算人数比上年少2人。" in general.sentence
    flat = figs[("gpb_expenditure", "2101501", "total")]
    assert flat.change.direction == "flat" and "与上年预算持平" in flat.sentence
    operating = figs[("operating", "", "total")]
    assert operating.change.amount == D("4.90") and "厉行节约" in operating.sentence
    # no prior figure given: no change is claimed
    assert figs[("income", "TOTAL", "unit_funds")].change is None


def test_empty_tables_are_printed_with_their_reason(composed):
    text = to_text(composed.blocks)
    assert "且末县医疗保障局2025年没有使用政府性基金预算拨款安排的支出，政府性基金预算支出情况表为空表。" in text
    entries = {e.table_id: e for e in composed.disclosure.catalogue}
    assert len(entries) == 11
    assert entries["gov_fund"].empty and entries["carryover"].empty and not entries["income"].empty


def test_summary_tables_are_derived_from_detail(composed):
    summary = composed.disclosure.table("summary")
    left = {r.key: r.values["total"] for r in summary.rows if r.side == "income" and r.key}
    assert left == {"general_budget": D("227.19"), "unit_funds": D("0.05")}
    right = {r.code: r.values["total"] for r in summary.rows if r.side == "expenditure"}
    assert right == {"205": D("0.98"), "210": D("226.26"), "TOTAL": D("227.24")}
    fiscal = composed.disclosure.table("fiscal_summary")
    total = next(r for r in fiscal.rows if r.code == "TOTAL" and r.side == "expenditure")
    assert total.values == {"total": D("227.19"), "general_budget": D("227.19")}


def test_structure_and_glossary(composed):
    text = to_text(composed.blocks)
    order = ["目录", "第一部分 2025年单位概况", "第二部分 2025年单位预算公开表", "第三部分 2025年单位预算情况说明",
             "“三公”经费预算情况说明", "政府采购情况", "国有资产占用使用情况", "预算绩效情况", "第四部分 名词解释"]
    pos = 0
    for heading in order:  # each one after the previous, in the body (the 目录 lists them too)
        pos = text.index(heading, pos + 1)
    assert "编制数15，实有人数14人" in text


def test_shanghai_style_converts_yuan_tables_for_narrative():
    d = sample_disclosure()
    from dataclasses import replace

    yuan_tables = tuple(replace(t, unit=MoneyUnit.YUAN, rows=tuple(
        replace(r, values={k: v * 10000 for k, v in r.values.items()}) for r in t.rows)) for t in d.tables)
    # last year's figures stay in 万元 while the tables are in 元
    composed = compose(RenderInput(replace(d, tables=yuan_tables), prior=sample_input().prior),
                       get_style("shanghai"))
    ids = [e.table_id for e in composed.disclosure.catalogue]
    # the style's 9 tables in order, then the input's table that the style does not carry
    assert ids == ["summary", "income", "expenditure", "fiscal_summary", "gpb_expenditure", "gov_fund",
                   "state_capital", "gpb_basic_econ", "three_public", "gpb_project"]
    assert composed.disclosure.catalogue[0].title == "2025年预算单位财务收支预算总表"
    statement = next(s for s in composed.disclosure.narrative if s.topic == "overview")
    assert "2025年，且末县医疗保障局收入预算227.24万元，其中：" in statement.text
    assert "财政拨款收入227.19万元，占99.98%，比上年预算" not in statement.text  # no prior given for it
    assert "“卫生健康支出-医疗保障管理事务-行政运行”科目223.21万元，与上年预算持平。" in statement.text


def test_helpers():
    assert share(D("1"), D("3")) == D("33.33")
    assert share(D("1"), D("0")) is None
    assert convert(D("1188720.00"), MoneyUnit.YUAN, MoneyUnit.WAN) == D("118.87")
