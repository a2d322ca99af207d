"""Table families met in 江苏 and 决算 disclosures, one generic pattern each, on small inline
inputs with made-up numbers (tab-separated cells, as the PDF reader emits grid rows)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.test_parse_tables import T, only, tables_of
from yusuan.catalogue import classify_title
from yusuan.model import Row, Table
from yusuan.parsing.rows import split_code
from yusuan.parsing.selfcheck import check_table, group_identities, mark_uncertain

D = Decimal


def by_name(table: Table, name: str) -> Row:
    found = [r for r in table.rows if r.name == name]
    assert len(found) == 1, (name, [(r.code, r.name) for r in table.rows])
    return found[0]


# --------------------------------------------------------------------------- titles


@pytest.mark.parametrize(("title", "table_id"), [
    ("一般公共预算基本支出预算表（经济科目）", "gpb_basic_econ"),
    ("一般公共预算基本支出预算表(经济科目)", "gpb_basic_econ"),
    ("一般公共预算支出预算表（功能科目）", "gpb_expenditure"),
    ("一般公共预算支出预算表（经济科目）", "gpb_econ"),
    ("一般公共预算基本支出明细表（按支出功能分类科目）", "gpb_basic_func"),
    ("财政拨款支出预算表（功能科目）", "fiscal_expenditure"),
    ("财政拨款基本支出预算表（经济科目）", "fiscal_basic_econ"),
    ("2017年江苏省高级人民法院部门收支预算总表", "summary"),
    ("二、2018 年度某某省某某院收入预算总表", "income"),
    ("公开01表：收支预算总表", "summary"),
    ("公开 03 表:支出预算总表", "expenditure"),
    ("表三 支出预算总表", "expenditure"),
    ("十一、一般公共预算“三公”经费、会议费、培训费支出预算表", "three_public"),
    ("“三公”经费、会议费、培训费支出预算表（一般公共预算）", "three_public"),
    ("单位预算收支总表", "summary"),
    ("收入支出决算总表", "summary"),
    ("收入决算表", "income"),
    ("支出决算表", "expenditure"),
    ("财政拨款收入支出决算总表", "fiscal_summary"),
    ("一般公共预算财政拨款基本支出决算表", "gpb_basic_econ"),
    ("政府性基金预算财政拨款收入支出决算表", "gov_fund"),
])
def test_titles_by_meaning(title: str, table_id: str) -> None:
    assert classify_title(title) == table_id


def test_table_of_two_possible_kinds_is_resolved_by_its_row_codes() -> None:
    # "一般公共预算基本支出表" names no classification: its rows do.
    table = only("\n".join([
        "一般公共预算基本支出表", "单位：万元",
        T.join(["科目编码", "科目名称", "合计"]),
        T.join(["", "合计", "10.00"]),
        T.join(["201", "一般公共服务支出", "10.00"]),
        T.join(["20101", "人大事务", "10.00"]),
        T.join(["2010101", "行政运行", "10.00"]),
    ]))
    assert table.id == "gpb_basic_func"


# --------------------------------------------------------------------------- codes


def test_split_code_without_leading_zero_is_read_and_printed_form_kept() -> None:
    assert split_code(["301", "2"]) == ("30102", "301 2")
    assert split_code(["210", "1", "1"]) == ("2100101", "210 1 1")
    assert split_code(["301", "02"]) == ("30102", "")
    assert split_code(["301", "30102"]) == ("30102", "301 30102")
    table = only("\n".join([
        "一般公共预算基本支出表", "单位：万元",
        T.join(["类", "款", "科目名称", "合计"]),
        T.join(["", "", "合计", "3.00"]),
        T.join(["301", "", "工资福利支出", "3.00"]),
        T.join(["301", "2", "津贴补贴", "3.00"]),
    ]))
    row = next(r for r in table.rows if r.name == "津贴补贴")
    assert row.code == "30102" and row.text["code_printed"] == "301 2"
    assert "code_printed" not in next(r for r in table.rows if r.code == "301").text


# --------------------------------------------------------------------------- units as rows


def test_table_listing_units_keeps_its_total_and_the_unit_of_each_row() -> None:
    table = only("\n".join([
        "支出预算总表", "单位：万元",
        T.join(["单位编码", "单位名称", "合计", "基本支出", "项目支出"]),
        T.join(["合计", "", "30.00", "20.00", "10.00"]),
        T.join(["101001", "某某厅本级", "25.00", "15.00", "10.00"]),
        T.join(["101002", "某某中心", "5.00", "5.00", ""]),
    ]))
    total = next(r for r in table.rows if r.code == "TOTAL")
    assert total.values == {"total": D("30.00"), "basic": D("20.00"), "project": D("10.00")}
    units = [(r.unit_code, r.unit_name, r.values["total"]) for r in table.rows if r.unit_name]
    assert units == [("101001", "某某厅本级", D("25.00")), ("101002", "某某中心", D("5.00"))]
    assert all(r.code == "" for r in table.rows if r.unit_name)
    assert check_table(table)[1] == []  # 合计 = Σ units holds


def test_subject_rows_under_a_unit_carry_that_unit() -> None:
    table = only("\n".join([
        "支出预算总表", "单位：万元",
        T.join(["科目编码", "科目名称", "合计"]),
        T.join(["", "合计", "30.00"]),
        T.join(["101001", "某某厅本级", "25.00"]),
        T.join(["201", "一般公共服务支出", "25.00"]),
        T.join(["101002", "某某中心", "5.00"]),
        T.join(["201", "一般公共服务支出", "5.00"]),
    ]))
    rows = [(r.code, r.unit_name) for r in table.rows if r.code == "201"]
    assert rows == [("201", "某某厅本级"), ("201", "某某中心")]


# --------------------------------------------------------------------------- headers and panels


def test_summary_in_three_panels_reads_the_spending_purpose_panel() -> None:
    table = only("\n".join([
        "收支预算总表", "单位：万元",
        T.join(["收入", "", "支出", "", "", ""]),
        T.join(["项目名称", "金额", "功能分类", "", "支出用途", ""]),
        T.join(["", "", "功能科目名称", "金额", "项目名称", "金额"]),
        T.join(["一、财政拨款", "30.00", "一、一般公共服务支出", "30.00", "一、基本支出", "20.00"]),
        T.join(["1.一般公共预算", "30.00", "二、外交支出", "", "二、项目支出", "8.00"]),
        T.join(["三、其他资金", "", "", "", "三、单位预留机动经费", "2.00"]),
        T.join(["当年收入小计", "30.00", "当年支出小计", "", "", "30.00"]),
        T.join(["收入合计", "30.00", "支出合计", "", "", "30.00"]),
    ]))
    purpose = [(r.key, r.values["total"]) for r in table.rows if r.side == "expenditure_purpose"]
    assert purpose == [("basic", D("20.00")), ("project", D("8.00")), ("reserve", D("2.00"))]
    # a label printed across two panels keeps its amount
    year = by_name(table, "当年支出小计")
    assert year.key == "year_total" and year.values == {"total": D("30.00")} and year.side == "expenditure"
    totals = {r.side: r.values["total"] for r in table.rows if r.code == "TOTAL"}
    assert totals == {"income": D("30.00"), "expenditure": D("30.00")}
    assert by_name(table, "其他资金").key == "other_funds"
    assert check_table(table)[1] == []


def _fiscal_summary(general_budget: str) -> Table:
    return only("\n".join([
        "财政拨款收支预算总表", "单位：万元",
        T.join(["收入", "", "支出", ""]),
        T.join(["项目", "金额", "项目", "金额"]),
        T.join(["一、一般公共预算", general_budget, "一、基本支出", "20.00"]),
        T.join(["二、政府性基金预算", "", "二、项目支出", "8.00"]),
        T.join(["", "", "三、单位预留机动经费", "2.00"]),
        T.join(["收入合计", "30.00", "支出合计", "30.00"]),
    ]))


def test_income_items_and_spending_purposes_add_up_to_their_totals() -> None:
    count, failed = group_identities(_fiscal_summary("30.00"))
    assert count == 1 and failed == []  # 收入合计 = 一般公共预算 + 政府性基金（空即零）
    assert group_identities(_fiscal_summary("50.00"))[1] == ["本年收入 = 各收入项之和"]


def test_transfer_printed_under_its_source_is_not_counted_twice() -> None:
    table = only("\n".join([
        "收支预算总表", "单位：万元",
        T.join(["收入", "", "支出", ""]),
        T.join(["项目", "金额", "项目", "金额"]),
        T.join(["一、一般公共预算拨款", "30.00", "一、一般公共服务支出", "30.00"]),
        T.join(["其中：一般财力", "20.00", "", ""]),
        T.join(["上级一般公共预算安排转移支付", "10.00", "", ""]),
        T.join(["二、基金预算拨款", "", "", ""]),
        T.join(["本年收入", "30.00", "本年支出", "30.00"]),
        T.join(["收入总计", "30.00", "支出总计", "30.00"]),
    ]))
    assert group_identities(table) == (2, [])  # 本年收入 = 一般公共预算 + 基金; 支出总计 = 本年支出


def test_carryover_and_spending_side_listings_add_up() -> None:
    def summary(carry_fiscal: str, spent: str) -> Table:
        return only("\n".join([
            "收支预算总表", "单位：万元",
            T.join(["收入", "", "支出", ""]),
            T.join(["项目", "金额", "项目", "金额"]),
            T.join(["一、一般公共预算拨款收入", "30.00", "一、一般公共服务支出", spent]),
            T.join(["二、政府性基金预算拨款收入", "", "", ""]),
            T.join(["本年收入合计", "30.00", "本年支出合计", spent]),
            T.join(["上年结转结余", "5.00", "年终结转结余", ""]),
            T.join(["财政拨款结转", carry_fiscal, "", ""]),
            T.join(["一般公共预算拨款", "4.00", "", ""]),
            T.join(["政府性基金预算拨款", "", "", ""]),
            T.join(["非财政拨款结转结余", "1.00", "", ""]),
            T.join(["收入总计", "35.00", "支出总计", "35.00"]),
        ]))

    count, failed = group_identities(summary("4.00", "35.00"))
    assert count == 4 and failed == []
    assert group_identities(summary("3.00", "35.00"))[1] == ["上年结转结余 = 各项之和", "财政拨款结转 = 各来源之和"]
    assert group_identities(summary("4.00", "25.00"))[1] == ["支出总计 = 本年支出 + 结转结余"]


def test_columns_of_two_years_and_the_change_between_them() -> None:
    table = only("\n".join([
        "“三公”经费预算表", "单位：万元",
        T.join(["项目", "2025年预算数", "2026年预算数", "增减额", "增减率"]),
        T.join(["合计", "12.00", "10.00", "-2.00", "-16.67%"]),
        T.join(["公务接待费", "2.00", "1.00", "-1.00", "-50.00%"]),
        T.join(["公务用车购置及运行费", "10.00", "9.00", "-1.00", "-10.00%"]),
    ]))
    assert [c.key for c in table.columns] == ["prior", "total", "change", "change_pct"]
    total = by_name(table, "合计")
    assert total.values == {"prior": D("12.00"), "total": D("10.00"), "change": D("-2.00")}
    assert total.text["change_pct"] == "-16.67"  # a rate stays out of the money sums
    assert check_table(table)[1] == []


def test_prior_year_column_by_its_words() -> None:
    table = only("\n".join([
        "一般公共预算支出预算表", "单位：万元",
        T.join(["科目编码", "科目名称", "上年预算数", "本年预算数", "比上年增减", "增减%"]),
        T.join(["", "合计", "12.00", "10.00", "-2.00", "-16.67"]),
        T.join(["201", "一般公共服务支出", "12.00", "10.00", "-2.00", "-16.67"]),
    ]))
    assert [c.key for c in table.columns if c.key] == ["prior", "total", "change", "change_pct"]
    assert by_name(table, "一般公共服务支出").values["prior"] == D("12.00")


def test_cells_printed_a_line_apart_are_one_row() -> None:
    table = only("\n".join([
        "收支预算总表", "单位：万元",
        T.join(["收入", "", "支出", "", "", ""]),
        T.join(["项目名称", "金额", "功能分类", "", "支出用途", ""]),
        T.join(["", "", "功能科目名称", "金额", "项目名称", "金额"]),
        T.join(["一、财政拨款", "9.00", "一、一般公共服务支出", "9.00", "一、基本支出", "6.00"]),
        T.join(["2.政府性基金预", "", "", "", "三、单位预留机动经", ""]),
        T.join(["", "", "三、国防支出", "", "", "3.00"]),
        T.join(["算", "", "", "", "费", ""]),
        T.join(["当年收入", "9.00", "当年支出小计", "", "", "9.00"]),
        T.join(["小计", "", "", "", "", ""]),
    ]))
    assert by_name(table, "单位预留机动经费").values == {"total": D("3.00")}
    assert by_name(table, "政府性基金预算").key == "gov_fund"
    assert by_name(table, "当年收入小计").key == "year_total"
    assert not [r for r in table.rows if r.values and not r.name]


def test_income_items_in_two_levels_grouped_under_their_subtotals() -> None:
    # the group label sits in the middle of its merged cell, below the group's 小计
    table = only("\n".join([
        "收入预算总表", "单位：万元",
        T.join(["项目名称", "", "金额"]),
        T.join(["收入总计", "", "12.00"]),
        T.join(["", "小计", "10.00"]),
        T.join(["一般公共预算资金", "公共财政拨款(补助)资金", "10.00"]),
        T.join(["", "专项收入", ""]),
        T.join(["", "小计", "2.00"]),
        T.join(["其他资金", "事业收入", "2.00"]),
        T.join(["", "小计", ""]),
        T.join(["上年结转和结余资金", "", ""]),
        T.join(["", "其中:动用上年结转和结余资金", ""]),
    ]))
    names = [(r.code, r.name, r.text.get("group", "")) for r in table.rows]
    assert names == [
        ("TOTAL", "收入总计", ""),
        ("", "一般公共预算资金", "一般公共预算资金"),
        ("", "公共财政拨款(补助)资金", "一般公共预算资金"),
        ("", "专项收入", "一般公共预算资金"),
        ("", "其他资金", "其他资金"),
        ("", "事业收入", "其他资金"),
        ("", "上年结转和结余资金", "上年结转和结余资金"),
        ("", "动用上年结转和结余资金", "上年结转和结余资金"),
    ]
    assert by_name(table, "一般公共预算资金").key == "general_budget"
    assert check_table(table)[0] >= 3 and check_table(table)[1] == []


def test_lone_row_of_amounts_is_the_total() -> None:
    table = only("\n".join([
        "支出预算总表", "单位：万元",
        T.join(["合计", "基本支出", "项目支出", "单位预留机动经费", "结转下年资金"]),
        T.join(["10.00", "6.00", "3.00", "1.00", ""]),
    ]))
    assert [(r.code, r.values) for r in table.rows] == [
        ("TOTAL", {"total": D("10.00"), "basic": D("6.00"), "project": D("3.00"), "reserve": D("1.00")})]


def test_header_labels_offset_by_a_column_are_put_back_over_their_amounts() -> None:
    table = only("\n".join([
        "支出预算总表", "单位：万元",
        T.join(["", "合计", "", "基本支出", "", "项目支出"]),
        T.join(["10.00", "", "7.00", "", "3.00", ""]),
    ]))
    assert table.rows[0].values == {"total": D("10.00"), "basic": D("7.00"), "project": D("3.00")}


def test_label_and_amount_fused_in_one_cell_are_split() -> None:
    table = only("\n".join([
        "财政拨款收支预算总表", "单位：万元",
        T.join(["收入", "支出"]),
        T.join(["", "支出用途"]),
        T.join(["项目名称金额", ""]),
        T.join(["", "项目名称金额"]),
        T.join(["一、一般公共预算 9.00", "一、基本支出 6.00"]),
        T.join(["", "二、项目支出 3.00"]),
        T.join(["收入合计 9.00", "支出合计 9.00"]),
    ]))
    assert by_name(table, "基本支出").values == {"total": D("6.00")}
    assert {r.side: r.values["total"] for r in table.rows if r.code == "TOTAL"} == {
        "income": D("9.00"), "expenditure_purpose": D("9.00")}


def test_interleaved_header_labels_are_split_and_the_items_keyed() -> None:
    # "因公出国小计(境)费": 小计 printed level with the middle of the two-line 因公出国(境)费
    table = only("\n".join([
        "“三公”经费、会议费、培训费支出预算表", "单位：万元",
        T.join(["", "“三公”经费", "", "", "", "", "", "", ""]),
        T.join(["", "", "", "公务用车购置及运行维护费", "", "", "", "", ""]),
        T.join(["合计", "", "", "", "", "", "", "会议费", "培训费"]),
        T.join(["", "因公出国小计(境)费", "", "小计", "公务用车购置费", "公务用车运公务接待费行维护费", "", "",
                ""]),
        T.join(["9.00", "6.00", "1.00", "3.00", "", "3.00", "2.00", "2.00", "1.00"]),
    ]))
    got = {r.code: r.values.get("total") for r in table.rows}
    assert got == {"TOTAL": D("9.00"), "three_public_subtotal": D("6.00"), "abroad": D("1.00"),
                   "vehicle": D("3.00"), "vehicle_purchase": None, "vehicle_operation": D("3.00"),
                   "reception": D("2.00"), "meeting": D("2.00"), "training": D("1.00")}
    assert check_table(table)[1] == []


def test_header_word_wrapped_below_the_header_goes_back_up() -> None:
    table = only("\n".join([
        "政府采购预算表", "单位：万元",
        T.join(["采购品目大类", "专项名称", "经济科目", "采购物品名称", "采购组织形", "总计"]),
        T.join(["合计", "", "", "", "式", "5.00"]),
        T.join(["一、货物A", "", "", "", "", "5.00"]),
        T.join(["", "办公设备购置费", "办公设备购置", "", "", "5.00"]),
        T.join(["", "", "", "复印机", "分散自行组织", "3.00"]),
        T.join(["", "", "", "", "部门集中采购", "2.00"]),
    ]))
    total = next(r for r in table.rows if r.code == "TOTAL")
    assert total.text == {} and "procurement_method" in {c.key for c in table.columns}
    # one item bought in two ways: the second line continues the item above
    assert [r.name for r in table.rows if r.text.get("procurement_method")] == ["复印机", "复印机"]
    # the 品目 category over the projects is keyed (货物 A / 工程 B / 服务 C)
    assert [(r.name, r.key) for r in table.rows if r.key] == [("货物A", "goods")]


def test_one_level_header_at_several_heights_is_not_garbled() -> None:
    _tables, _catalogue, diagnostics = tables_of("\n".join([
        "政府采购支出预算表", "单位：万元",
        T.join(["采购品目大类", "", "", "", "", ""]),
        T.join(["", "专项名称", "经济科目", "采购物品名称", "采购组织形式", "总计"]),
        T.join(["合计", "", "", "", "", "5.00"]),
        T.join(["", "办公设备购置费", "办公设备购置", "", "", "5.00"]),
    ]))
    assert not [d for d in diagnostics if d.code == "P122"]


def test_subtotal_rows_of_a_nested_table_are_not_repeated_headers() -> None:
    # "小计" is a header word, but a row "政府性基金 | 小计" is data
    table = only("\n".join([
        "收入预算总表", "单位：万元",
        T.join(["项目名称", "", "金额"]),
        T.join(["收入总计", "", "5.00"]),
        T.join(["一般公共预算资金", "小计", "5.00"]),
        T.join(["政府性基金", "小计", ""]),
        T.join(["其他资金", "小计", ""]),
    ]))
    assert [c.key for c in table.columns] == ["total"]
    assert [r.name for r in table.rows] == ["收入总计", "一般公共预算资金", "政府性基金", "其他资金"]


def test_empty_note_inside_the_grid_is_the_reason_not_an_amount() -> None:
    tables, _catalogue, diagnostics = tables_of("\n".join([
        "政府性基金预算财政拨款支出预算表", "单位：万元",
        T.join(["功能科目编码", "", "功能科目名称", "金额"]),
        T.join(["合计", "", "", ""]),
        T.join(["此表为空", "", "", ""]),
    ]))
    assert tables[0].empty and tables[0].empty_reason == "此表为空"
    assert not [d for d in diagnostics if d.code == "P131"]


# --------------------------------------------------------------------------- 决算


def test_final_account_columns_keep_budget_and_outturn_apart() -> None:
    table = only("\n".join([
        "一般公共预算财政拨款支出决算表", "单位：万元",
        T.join(["科目编码", "科目名称", "年初预算数", "调整预算数", "决算数"]),
        T.join(["", "合计", "12.00", "11.00", "10.00"]),
        T.join(["201", "一般公共服务支出", "12.00", "11.00", "10.00"]),
    ]))
    assert table.rows[0].values == {"budget_initial": D("12.00"), "budget_adjusted": D("11.00"),
                                    "total": D("10.00")}


def test_final_account_income_total_is_read() -> None:
    table = only("\n".join([
        "收入决算表", "单位：万元",
        T.join(["功能分类科目编码", "科目名称", "本年收入合计", "财政拨款收入", "其他收入"]),
        T.join(["", "合计", "10.00", "9.00", "1.00"]),
        T.join(["208", "社会保障和就业支出", "10.00", "9.00", "1.00"]),
    ]))
    total = next(r for r in table.rows if r.code == "TOTAL")
    assert total.values == {"total": D("10.00"), "fiscal": D("9.00"), "other_income": D("1.00")}


def test_final_account_fund_table_columns() -> None:
    table = only("\n".join([
        "政府性基金预算财政拨款收入支出决算表", "单位：万元",
        T.join(["科目编码", "科目名称", "年初结转和结余", "本年收入", "本年支出", "", "", "年末结转和结余"]),
        T.join(["", "", "", "", "合计", "基本支出", "项目支出", ""]),
        T.join(["", "合计", "1.00", "5.00", "4.00", "1.00", "3.00", "2.00"]),
    ]))
    assert table.rows[0].values == {"carryover": D("1.00"), "year_income": D("5.00"), "year_spending": D("4.00"),
                                    "basic": D("1.00"), "project": D("3.00"), "carry_forward": D("2.00")}


# --------------------------------------------------------------------------- self-check

_UNBALANCED = [
    "一般公共预算支出表", "单位：万元",
    T.join(["科目编码", "科目名称", "合计", "基本支出", "项目支出"]),
    T.join(["", "合计", "10.00", "6.00", "3.00"]),
    T.join(["201", "一般公共服务支出", "10.00", "6.00", "4.00"]),
]


def test_clean_reading_with_a_real_arithmetic_error_is_not_uncertain() -> None:
    table = only("\n".join(_UNBALANCED))
    _count, failed, doubts = check_table(table)
    assert failed and not doubts and table.uncertain == ()


def test_failed_identity_with_a_word_in_an_amount_cell_is_uncertain() -> None:
    tables, _catalogue, diagnostics = tables_of("\n".join([
        *_UNBALANCED, T.join(["20101", "人大事务", "备注", "6.00", "4.00"])]))
    assert any(d.code == "P131" for d in diagnostics)
    assert tables[0].uncertain and "金额栏中读到了文字（表头或标签）" in tables[0].uncertain


def test_failed_identity_with_an_unmapped_column_is_uncertain() -> None:
    table = only("\n".join([
        "一般公共预算支出表", "单位：万元",
        T.join(["科目编码", "科目名称", "合计", "基本支出", "项目支出", "某某栏"]),
        T.join(["", "合计", "10.00", "6.00", "3.00", "1.00"]),
        T.join(["201", "一般公共服务支出", "10.00", "6.00", "3.00", "1.00"]),
    ]))
    assert table.uncertain and any("无法对应" in reason for reason in table.uncertain)


def test_total_read_as_zero_while_its_rows_are_not_is_uncertain() -> None:
    table = only("\n".join([
        "收入决算表", "单位：万元",
        T.join(["科目编码", "科目名称", "本年收入合计", "财政拨款收入"]),
        T.join(["", "合计", "0.00", "0.00"]),
        T.join(["208", "社会保障和就业支出", "10.00", "10.00"]),
    ]))
    assert table.uncertain and any("合计读为 0" in reason for reason in table.uncertain)


def test_shifted_amounts_are_a_reason_for_doubt() -> None:
    table = only("\n".join([
        "支出总表", "单位：万元",
        T.join(["科目编码", "科目名称", "合计", "基本支出", "项目支出"]),
        T.join(["201", "一般公共服务支出", "6.00", "10.00", "4.00"]),
    ]))
    assert mark_uncertain([table], [])[0].uncertain[-1] == "部分行的金额疑似错栏"
