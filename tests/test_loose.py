"""Loose tables (blank cells dropped): columns inferred from arithmetic and other tables.

Seed 004 is the real case. Its 一般公共预算项目支出情况表 prints "96.36 92.36 4.00" under
合计 and ten economic-class columns: no identity says which two of the ten hold 92.36 and
4.00, so those eight amounts are left unplaced with a P301 diagnostic (they are not in
tests/expected/004_…facts.csv, which holds every value whose column the text determines).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from yusuan import api
from yusuan.ingest.text import lines_from_text
from yusuan.model import Column, Row, Table
from yusuan.parsing import inference
from yusuan.parsing.blocks import TableBlock
from yusuan.parsing.loose import header_columns, income_key, parse_loose_block, refine

SEED_004 = Path(__file__).parent / "fixtures" / "seeds" / "004_54ee49bb0a7d7931.txt"
D = Decimal


def _block(table_id: str, text: str) -> TableBlock:
    lines = lines_from_text(text)
    return TableBlock(table_id, lines[0].text, None, lines[0], tuple(ln for ln in lines[1:] if not ln.blank))


def _rows(table_id: str, text: str):  # type: ignore[no-untyped-def]
    columns, rows, diags = parse_loose_block(_block(table_id, text), None)
    return columns, {(r.side or "", r.code or r.key or r.name): r for r in rows}, diags


EXPENDITURE = """单位支出总体情况表
科目 支出预算
功能分类科目名称 合计 基本支出 项目支出
类 款 项
※ ※ ※ ※ 1 2 3
201 一般公共服务支出 7.17 7.17
201 32 组织事务 7.17 7.17
210 卫生健康支出 96.36 92.36 4.00
210 13 医疗救助 92.36 92.36
210 15 医疗保障管理事务 4.00 4.00
合计 103.53 99.53 4.00
"""


def test_single_amount_rows_are_placed_by_the_parent_and_total_rows() -> None:
    columns, rows, diags = _rows("expenditure", EXPENDITURE)
    assert [c.key for c in columns] == ["total", "basic", "project"]
    assert rows[("", "201")].values == {"total": D("7.17"), "basic": D("7.17")}
    # "92.36 92.36" could be basic or project; the 210 row (92.36 basic, 4.00 project) decides.
    assert rows[("", "21013")].values == {"total": D("92.36"), "basic": D("92.36")}
    assert rows[("", "21015")].values == {"total": D("4.00"), "project": D("4.00")}
    inferred = rows[("", "21015")].inferred
    assert [(i.column, i.value) for i in inferred] == [("total", D("4.00")), ("project", D("4.00"))]
    assert all(i.confidence >= 0.9 for i in inferred)
    assert not [d for d in diags if d.code.startswith("P30") and d.code != "P307"]


def test_placement_follows_where_the_totals_put_the_money() -> None:
    # The same shape "x x" lands in 项目支出 under 201 and in 基本支出 under 210: the 类 rows
    # and the total row say so, not the row itself.
    text = """单位支出总体情况表
功能分类科目名称 合计 基本支出 项目支出
※ ※ ※ ※ 1 2 3
201 一般公共服务支出 11.17 7.17 4.00
201 32 组织事务 7.17 7.17
201 33 其他事务 4.00 4.00
210 卫生健康支出 92.36 92.36
210 13 医疗救助 92.36 92.36
合计 103.53 99.53 4.00
"""
    _, rows, _ = _rows("expenditure", text)
    assert rows[("", "20133")].values == {"total": D("4.00"), "project": D("4.00")}
    assert rows[("", "20132")].values == {"total": D("7.17"), "basic": D("7.17")}
    assert rows[("", "210")].values == {"total": D("92.36"), "basic": D("92.36")}
    assert rows[("", "21013")].values == {"total": D("92.36"), "basic": D("92.36")}


def test_symmetric_columns_are_not_guessed() -> None:
    # Every row "x x" and nothing printed in three columns: basic and project are equally
    # consistent, so only 合计 is kept.
    text = ("单位支出总体情况表\n功能分类科目名称 合计 基本支出 项目支出\n※ 1 2 3\n"
            "201 一般公共服务支出 7.17 7.17\n合计 7.17 7.17\n")
    columns, rows, _ = parse_loose_block(_block("expenditure", text), None)
    tables, diags = refine((Table("expenditure", "单位支出总体情况表", None, None, columns, rows),))
    assert [r.values for r in tables[0].rows] == [{"total": D("7.17")}, {"total": D("7.17")}]
    assert [d.source.line for d in diags if d.code == "P301"] == [4, 5]


def test_wrapped_header_words_give_the_income_columns_in_order() -> None:
    header = """总计 财政拨款（补助） 财政专户 （教育收 费） 单位资金 财政拨款 结转 非财政拨 款结转结
余类 款 项 财政拨款(补 助)小计 一般公共预 算 上级一般公 共预算安排 的转移支付 政 府 性 基 金 预 算
上级政府性基金 安排的转移支付 国有资本 经营预算 上级国有 资本经营 预算安排 的转移支 付"""
    columns, has_project_name = header_columns(header)
    assert [c.key for c in columns] == [
        "total", "fiscal", "general_budget", "general_budget_transfer", "gov_fund", "gov_fund_transfer",
        "state_capital", "state_capital_transfer", "fiscal_special", "unit_funds", "carryover_fiscal",
        "carryover_nonfiscal"]
    assert not has_project_name


def test_group_label_is_replaced_by_its_sub_columns() -> None:
    columns, _ = header_columns("科目 政府性基金预算支出 功能分类科目名称 合计 基本支出 项目支出 类 款 项 "
                                "人员经费 公用经费")
    assert [c.key for c in columns] == ["total", "personnel", "public", "project"]


SUMMARY = """单位收支总体情况表
收入 支出
项目 预算数 功能分类 预算数
一、本年收入 403.85 201 一般公共服务支出 7.17
1.一般公共预算拨款 403.85 202 外交支出
其中：一般财力 307.49 203 国防支出
上级一般公共预算安排转移支付 96.36 204 公共安全支出
2.基金预算拨款 205 教育支出
3.国有资本经营预算拨款 208 社会保障和就业支出 34.00
上级国有资本经营预算安排转移支
付
210 卫生健康支出 362.68
收 入 总 计 403.85 支 出 总 计 403.85
"""


def test_two_sided_lines_split_into_income_and_spending_rows() -> None:
    _, rows, _ = _rows("summary", SUMMARY)
    income = {k[1]: r for k, r in rows.items() if k[0] == "income"}
    spending = {k[1]: r for k, r in rows.items() if k[0] == "expenditure"}
    assert income["year_total"].values == {"total": D("403.85")}
    assert income["general_budget"].values == {"total": D("403.85")}
    assert income["general_budget_own"].name == "一般财力"
    assert income["general_budget_transfer"].values == {"total": D("96.36")}
    assert income["state_capital_transfer"].name == "上级国有资本经营预算安排转移支付"  # wrapped label rejoined
    assert income["TOTAL"].values == {"total": D("403.85")}
    assert spending["210"].values == {"total": D("362.68")}
    assert spending["202"].values == {}
    assert spending["TOTAL"].name == "支出总计"


def test_income_keys() -> None:
    assert income_key("1.一般公共预算拨款") == "general_budget"
    assert income_key("2.基金预算拨款") == "gov_fund"
    assert income_key("事业单位经营收入") == "business_income"
    assert income_key("二、上年结转结余") == "carryover"
    assert income_key("收 入 总 计") == "TOTAL"


INCOME = """单位收入总体情况表
功能分类科目名称 总计 财政拨款（补助） 财政拨款(补助)小计 一般公共预算 上级一般公共预算安排的转移支付
政府性基金预算 上级政府性基金安排的转移支付
※ ※ ※ ※ 1 2 3 4 5 6
210 卫生健康支出 337.35 337.35 240.99 96.36
210 11 行政事业单位医疗 15.29 15.29 15.29
210 13 医疗救助 92.36 92.36 92.36
210 15 医疗保障管理事务 229.70 229.70 225.70 4.00
合计 337.35 337.35 240.99 96.36
"""


def _summary_table(gov_fund: str) -> Table:
    text = SUMMARY.replace("2.基金预算拨款 205", f"2.基金预算拨款 {gov_fund} 205")
    _, rows, _ = parse_loose_block(_block("summary", text), None)
    return Table("summary", "单位收支总体情况表", None, None, (), rows)


def test_sources_are_unplaced_until_other_tables_decide() -> None:
    columns, rows, _ = parse_loose_block(_block("income", INCOME), None)
    by_code = {r.code: r for r in rows}
    # 一般公共预算 + 转移支付 or 政府性基金 + its 转移支付: the table alone cannot tell.
    assert "general_budget" not in by_code["210"].values
    assert [i.column for i in by_code["210"].inferred][2:] == ["", ""]
    income = Table("income", "单位收入总体情况表", None, None, columns, rows)

    # The summary table shows no 政府性基金 income: its columns are ruled out, and the
    # children's sums put 医疗救助 under the transfer column.
    tables, diags = refine((_summary_table(""), income))
    refined = {r.code: r for r in tables[1].rows}
    assert refined["210"].values["general_budget"] == D("240.99")
    assert refined["210"].values["general_budget_transfer"] == D("96.36")
    assert refined["21013"].values == {"total": D("92.36"), "fiscal": D("92.36"),
                                       "general_budget_transfer": D("92.36")}
    assert refined["21011"].values["general_budget"] == D("15.29")
    assert not [d for d in diags if d.code == "P301"]


def test_amounts_left_unplaced_are_reported_with_their_line() -> None:
    columns, rows, _ = parse_loose_block(_block("income", INCOME), None)
    income = Table("income", "单位收入总体情况表", None, None, columns, rows)
    tables, diags = refine((income,))  # no summary table: nothing to decide with
    p301 = [d for d in diags if d.code == "P301"]
    assert len(p301) == len(rows)
    assert p301[0].source.line == 5 and "240.99、96.36" in p301[0].message
    assert tables[0].rows[0].values == {"total": D("337.35"), "fiscal": D("337.35")}


def test_identities_follow_the_columns_present() -> None:
    ids = dict(inference.identities(["total", "basic", "project"]))
    assert ids == {"total": ("basic", "project")}
    ids = inference.identities(["total", "personnel", "public"])
    assert ids == (("total", ("personnel", "public")),)
    ids = dict(inference.identities(["total", "subtotal_x", "fiscal", "general_budget", "gov_fund"]))
    assert ids["fiscal"] == ("general_budget", "gov_fund")
    assert ids["total"] == ("fiscal",)


def test_unordered_amounts_are_placed_by_arithmetic() -> None:
    # OCR printed the carry-over before the subtotal: order is no evidence there.
    items = [inference.Item("TOTAL", (D("58.74"), D("3.00"), D("55.74"), D("55.74")), ordered=False)]
    placed = inference.solve(items, ["total", "year_total", "fiscal", "carryover"])
    assert placed[0].values == {"total": D("58.74"), "year_total": D("55.74"), "fiscal": D("55.74"),
                                "carryover": D("3.00")}


def test_seed_004_every_determined_value_and_the_undetermined_ones_reported() -> None:
    disclosure, diags = api.parse(SEED_004)
    assert disclosure is not None
    income = disclosure.table("income")
    assert income is not None
    rows = {r.code: r for r in income.rows}
    assert rows["21013"].values["general_budget_transfer"] == D("92.36")
    assert rows["2101506"].values["general_budget_transfer"] == D("4.00")
    assert rows["2101550"].values["general_budget"] == D("171.50")
    assert rows["2080505"].name == "机关事业单位基本养老保险缴费支出"  # name wrapped over two lines
    assert all(i.column and i.confidence >= 0.9 for r in income.rows for i in r.inferred)
    project = disclosure.table("gpb_project")
    assert project is not None
    assert [c.key for c in project.columns][:4] == ["total", "econ_301", "econ_302", "econ_303"]
    reported = {d.source.line for d in diags if d.code == "P301" and d.table == "gpb_project"}
    assert reported == {666, 668, 670, 676, 678, 688}
    named = {r.code: r.text.get("project_name") for r in project.rows}
    assert named["2101399"] == "2025年自治区财政人身意外伤害保险补助资金巴财社[2024]94号"
    three = disclosure.table("three_public")
    assert three is not None
    assert {r.code: r.values.get("general_budget") for r in three.rows}["vehicle_operation"] == D("2.13")


def test_spending_printed_by_name_only_starts_the_spending_side() -> None:
    text = """单位收支总表
项目 预算数 项目 预算数
一、一般公共预算拨款收入 3909.31 一、一般公共服务支出
二、政府性基金预算拨款收入 二、外交支出
八、社会保障和就业支出 58.74
十、卫生健康支出 3850.57
收入总计 3909.31 支出总计 3909.31
"""
    _, rows, _ = _rows("summary", text)
    assert rows[("income", "general_budget")].values == {"total": D("3909.31")}
    assert rows[("income", "gov_fund")].values == {}
    assert rows[("expenditure", "202")].name == "外交支出"
    assert rows[("expenditure", "210")].values == {"total": D("3850.57")}
    assert ("income", "208") not in rows and rows[("expenditure", "208")].values == {"total": D("58.74")}


def test_name_wrapped_below_its_amounts_is_rejoined() -> None:
    text = """单位支出总体情况表
功能分类科目名称 合计 基本支出 项目支出
※ ※ ※ ※ 1 2 3
208 05 05 机关事业单位基本养老保险缴费支 31.32 31.32
出
合计 31.32 31.32
"""
    _, rows, diags = _rows("expenditure", text)
    assert rows[("", "2080505")].name == "机关事业单位基本养老保险缴费支出"
    assert not [d for d in diags if d.code == "P307"]


def test_three_level_header_read_level_by_level() -> None:
    # 上年结转结余情况明细表: 合计 | 财政拨款 (小计, 基本支出 (人员经费, 公用经费), 项目支出) | 非财政拨款 (…)
    header = ("项目 合计 财政拨款 非财政拨款 小计 基本支出 项目支出 小计 基本支出 项目支出 "
              "人员经费 公用经费 人员经费 公用经费")
    columns, _ = header_columns(header)
    assert [c.key for c in columns] == [
        "total", "fiscal", "fiscal_personnel", "fiscal_public", "fiscal_project",
        "nonfiscal", "nonfiscal_personnel", "nonfiscal_public", "nonfiscal_project"]
    assert columns[2].header == "财政拨款/基本支出/人员经费"
    items = [inference.Item("TOTAL", tuple(D(x) for x in ("10.00", "6.00", "1.00", "5.00", "4.00", "4.00")))]
    placed = inference.solve(items, [c.key for c in columns])
    # 合计 = 财政拨款 + 非财政拨款 fixes those three; which of 人员/公用/项目 holds 1.00, 5.00
    # and 4.00 the arithmetic cannot tell, so they stay unplaced.
    assert placed[0].values == {"total": D("10.00"), "fiscal": D("6.00"), "nonfiscal": D("4.00")}
    assert placed[0].ambiguous == (2, 3, 5)


def test_other_tables_totals_decide_a_total_row() -> None:
    # gpb_expenditure's 合计 "50.00 50.00": 基本支出 or 项目支出? The basic-spending table
    # (by economic class) totals 50.00, so it is 基本支出.
    text = ("一般公共预算支出情况表\n功能分类科目名称 合计 基本支出 项目支出\n※ 1 2 3\n"
            "201 一般公共服务支出 50.00 50.00\n合计 50.00 50.00\n")
    columns, rows, _ = parse_loose_block(_block("gpb_expenditure", text), None)
    gpb = Table("gpb_expenditure", "一般公共预算支出情况表", None, None, columns, rows)
    basic = Table("gpb_basic_econ", "一般公共预算基本支出情况表", None, None, (Column("total", "合计"),),
                  (Row("TOTAL", "合计", {"total": D("50.00")}),))
    tables, diags = refine((gpb, basic))
    assert [r.values for r in tables[0].rows] == [{"total": D("50.00"), "basic": D("50.00")}] * 2
    assert not [d for d in diags if d.code == "P301"]


def test_unit_funds_column_chosen_by_the_sources_with_income() -> None:
    # 12.65 beside the fiscal columns: 财政专户, 单位资金 or a carry-over? The summary table
    # shows income only from 一般公共预算 and 单位资金.
    header = INCOME.splitlines()[1] + " 财政专户 单位资金 财政拨款结转 非财政拨款结转结余"
    text = "\n".join([INCOME.splitlines()[0], header, "※ ※ ※ ※ 1 2 3 4 5 6 7 8 9 10",
                      "210 卫生健康支出 350.00 337.35 240.99 96.36 12.65",
                      "210 11 行政事业单位医疗 15.29 15.29 15.29",
                      "210 15 医疗保障管理事务 334.71 322.06 225.70 96.36 12.65",
                      "合计 350.00 337.35 240.99 96.36 12.65"])
    columns, rows, _ = parse_loose_block(_block("income", text), None)
    assert [c.key for c in columns][-4:] == ["fiscal_special", "unit_funds", "carryover_fiscal", "carryover_nonfiscal"]
    summary_text = SUMMARY.replace("3.国有资本经营预算拨款 208", "5.单位资金 12.65 208")
    extra = "2.基金预算拨款 205 教育支出\n4.财政专户核拨 206 科学技术支出\n二、上年结转结余 207 文化旅游体育与传媒支出"
    summary_text = summary_text.replace("2.基金预算拨款 205 教育支出", extra)
    _, srows, _ = parse_loose_block(_block("summary", summary_text), None)
    summary = Table("summary", "单位收支总体情况表", None, None, (), srows)
    tables, diags = refine((summary, Table("income", "单位收入总体情况表", None, None, columns, rows)))
    refined = {r.code: r.values for r in tables[1].rows}
    assert refined["210"] == {"total": D("350.00"), "fiscal": D("337.35"), "general_budget": D("240.99"),
                              "general_budget_transfer": D("96.36"), "unit_funds": D("12.65")}
    assert not [d for d in diags if d.code == "P301"]


def test_best_arrangement_score_equals_the_full_search() -> None:
    """``order_holds`` scores any order of a row by placing amounts in the columns the
    identities read only: the same best score as trying every arrangement."""
    import random

    from yusuan.parsing import inference

    rng = random.Random(16)
    key_sets = [("total", "basic", "project", "personnel", "public"),
                ("total", "fiscal", "general_budget", "gov_fund", "unit_funds", "institution_income", "other_income"),
                ("total", "basic", "project", "econ_301", "econ_302", "econ_303")]
    for _ in range(120):
        keys = rng.choice(key_sets)
        idents = inference.identities(keys)
        parts = [rng.randrange(1, 400) for _ in range(rng.randrange(1, 4))]
        amounts = [sum(parts), *parts, rng.randrange(1, 400)][: rng.randrange(1, len(keys) + 1)]
        rng.shuffle(amounts)
        scaled = tuple(a * 20 for a in amounts)
        full = inference._all_candidates(inference.Item("", scaled, ordered=False), keys, idents, 1)
        assert inference._best_any_order(scaled, keys, idents) == max(c[0] for c in full)
