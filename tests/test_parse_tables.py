"""Table parser on small inline documents, one layout feature each, and on the seeds."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from yusuan.ingest.document import SourceDocument
from yusuan.ingest.text import lines_from_text, read_text
from yusuan.model import Meta, MoneyUnit, Table
from yusuan.parsing.meta import extract_meta
from yusuan.parsing.segment import segment
from yusuan.parsing.tables import parse_tables

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))

META = Meta(doc="t", path=None, unit_name=None, unit_code=None, year=2025)


def tables_of(text: str) -> tuple[tuple[Table, ...], tuple, tuple]:
    layout, _ = segment(lines_from_text(text))
    return parse_tables(layout, META)


def only(text: str) -> Table:
    tables, _, _ = tables_of(text)
    assert len(tables) == 1, [t.id for t in tables]
    return tables[0]


def row(table: Table, code: str, side: str | None = None):
    found = [r for r in table.rows if r.code == code and (side is None or r.side == side)]
    assert len(found) == 1, (code, [(r.code, r.name) for r in table.rows])
    return found[0]


T = "\t"


def test_codes_split_over_class_item_cells_are_joined() -> None:
    table = only("\n".join([
        "一般公共预算支出情况表", "单位：万元",
        T.join(["科目", "", "", "一般公共预算支出", "", ""]),
        T.join(["功能分类科目编码", "", "", "功能分类科目名称", "合计", "基本支出", "项目支出"]),
        T.join(["类", "款", "项", "", "", "", ""]),
        T.join(["※", "※", "※", "※", "1", "2", "3"]),
        T.join(["", "", "", "总计", "10.50", "7.50", "3.00"]),
        T.join(["210", "", "", "卫生健康支出", "10.50", "7.50", "3.00"]),
        T.join(["210", "15", "", "医疗保障管理事务", "10.50", "7.50", "3.00"]),
        T.join(["210", "15", "01", "行政运行", "7.50", "7.50", ""]),
    ]))
    assert table.id == "gpb_expenditure" and table.unit is MoneyUnit.WAN
    assert [r.code for r in table.rows] == ["TOTAL", "210", "21015", "2101501"]
    r = row(table, "2101501")
    assert r.values == {"total": Decimal("7.50"), "basic": Decimal("7.50")}
    assert r.level == 3 and r.name == "行政运行" and r.source.line == 10
    assert {c.key for c in table.columns} == {"total", "basic", "project"}


def test_row_numbers_and_column_number_rows_are_skipped() -> None:
    table = only("\n".join([
        "单位预算支出总表", "单位: 万元",
        T.join(["序号", "科目编码", "科目名称", "合计", "基本支出", "项目支出"]),
        T.join(["栏次", "1", "2", "3", "4", "5"]),
        T.join(["1", "", "合计", "58.74", "55.74", "3.00"]),
        T.join(["2", "2080505", "机关事业单位基本养老保险缴费支出", "45.06", "45.06", ""]),
    ]))
    assert [r.code for r in table.rows] == ["TOTAL", "2080505"]
    assert row(table, "2080505").values == {"total": Decimal("45.06"), "basic": Decimal("45.06")}


def test_repeated_title_and_headers_make_one_table() -> None:
    header = [
        "单位：元",
        T.join(["功能科目编码", "功能科目名称", "合计", "人员经费支出", "公用经费支出", "备注"]),
        T.join(["", "合计", "300", "200", "100", ""]),
    ]
    text = "\n".join([
        "表5", "一般公共预算支出明细表（按支出功能分类科目）", *header,
        T.join(["2080505", "机关事业单位基本养老保险缴费支出", "200", "200", "", ""]),
        "表5", "一般公共预算支出明细表（按支出功能分类科目）", *header,
        T.join(["2101550", "事业运行", "100", "", "100", ""]),
    ])
    table = only(text)
    assert table.unit is MoneyUnit.YUAN and table.number == "表5"
    assert [r.code for r in table.rows] == ["TOTAL", "2080505", "2101550"]
    assert row(table, "2101550").values == {"total": Decimal("100"), "public": Decimal("100")}


def test_headers_repeated_after_a_page_break_without_title_are_dropped() -> None:
    header = [
        T.join(["序号", "科目编码", "科目名称", "合计", "基本支出", "项目支出"]),
        T.join(["栏次", "1", "2", "3", "4", "5"]),
    ]
    table = only("\n".join([
        "单位预算支出总表", "单位: 万元", *header,
        T.join(["1", "", "合计", "5.00", "5.00", ""]),
        T.join(["2", "221", "住房保障支出", "5.00", "5.00", ""]),
        "预算年度: 2025", *header,
        T.join(["3", "22102", "住房改革支出", "5.00", "5.00", ""]),
    ]))
    assert [r.code for r in table.rows] == ["TOTAL", "221", "22102"]


def test_wrapped_name_is_rejoined() -> None:
    table = only("\n".join([
        "单位支出总体情况表", "单位：万元",
        T.join(["科目编码", "科目名称", "合计"]),
        T.join(["2080505", "机关事业单位基本养老保险", "23.61"]),
        "缴费支出",
        T.join(["2101501", "行政运行", "1.00"]),
    ]))
    assert row(table, "2080505").name == "机关事业单位基本养老保险缴费支出"
    assert len(table.rows) == 2


def test_two_sided_summary_resolves_name_only_rows_and_sides() -> None:
    table = only("\n".join([
        "单位预算收支总表", "单位：万元",
        T.join(["收入", "", "支出", ""]),
        T.join(["项 目", "预算数", "项 目", "预算数"]),
        T.join(["一、一般公共预算拨款收入", "100.00", "八、社会保障和就业支出", "40.00"]),
        T.join(["五、单位资金", "", "十、卫生健康支出", "60.00"]),
        T.join(["收入总计", "100.00", "支出总计", "100.00"]),
    ]))
    income = row(table, "TOTAL", "income")
    assert income.values == {"total": Decimal("100.00")} and income.name == "收入总计"
    assert row(table, "210", "expenditure").values == {"total": Decimal("60.00")}
    assert row(table, "208", "expenditure").level == 1
    general = next(r for r in table.rows if r.side == "income" and r.key == "general_budget")
    assert general.code == "" and general.name == "一般公共预算拨款收入"
    assert any(r.key == "unit_funds" and not r.values for r in table.rows)


def test_embedded_codes_and_economic_panels() -> None:
    table = only("\n".join([
        "单位综合预算收支总表", "单位：元",
        T.join(["收 入", "", "支 出", "", "", "", "", ""]),
        T.join(["项 目", "预算数", "支出功能分类科目（按大类）", "预算数",
                "部门预算支出经济分类科目（按大类）", "预算数", "政府预算支出经济分类科目（按大类）", "预算数"]),
        T.join(["1、财政拨款", "500", "201 一般公共服务支出", "500", "1、人员经费和公用经费支出", "100",
                "1、机关工资福利支出", "100"]),
        T.join(["", "", "", "", "(1)工资福利支出", "100", "", ""]),
        T.join(["", "", "", "", "2、专项业务经费支出", "400", "9、对个人和家庭的补助", "400"]),
        T.join(["", "", "", "", "(3)对个人和家庭补助", "400", "", ""]),
    ]))
    assert row(table, "201", "expenditure").name == "一般公共服务支出"
    assert row(table, "501", "expenditure_gov_econ").values == {"total": Decimal("100")}
    assert row(table, "509", "expenditure_gov_econ").values == {"total": Decimal("400")}
    econ = [r for r in table.rows if r.side == "expenditure_econ" and r.code]
    assert [(r.code, r.values) for r in econ] == [("301", {"basic": Decimal("100")}),
                                                 ("303", {"project": Decimal("400")})]


def test_department_and_government_codes_side_by_side() -> None:
    table = only("\n".join([
        "一般公共预算支出明细表（按支出经济分类科目）", "单位：元",
        T.join(["部门经济科目编码", "部门经济科目名称", "政府经济科目编码", "政府经济科目名称", "合计",
                "人员经费支出"]),
        T.join(["30101", "基本工资", "50501", "工资福利支出", "576293.4", "576293.4"]),
    ]))
    r = row(table, "30101")
    assert r.text == {"gov_econ_code": "50501", "gov_econ_name": "工资福利支出"}
    assert r.values["total"] == Decimal("576293.4")


def test_empty_table_with_reason() -> None:
    table = only("\n".join([
        "表 8", "政府性基金预算支出情况表", "单位：万元",
        T.join(["科目", "", "", "政府性基金预算支出", "", "", ""]),
        T.join(["功能分类科目编码", "", "", "功能分类科目名称", "合计", "基本支出", "", "项目支出"]),
        T.join(["类", "款", "项", "", "", "人员经费", "公用经费", ""]),
        "某局 2025 年没有使用政府性基金预算拨款安排的支出，政府性基金预算支出情况表为空表。",
    ]))
    assert table.empty and table.rows == ()
    assert table.empty_reason is not None and table.empty_reason.endswith("为空表。")
    assert table.number == "表8"


def test_catalogue_entries_and_empty_flags() -> None:
    tables, catalogue, _ = tables_of("\n".join([
        "目录",
        T.join(["报表", "报表名称", "是否空表", "公开空表理由"]),
        T.join(["表1", "单位综合预算收支总表", "否", ""]),
        T.join(["表9", "单位综合预算政府性基金收支表", "是", "本单位无政府基金收入支出"]),
        "表9", "单位综合预算政府性基金收支表", "单位：元",
        T.join(["收 入", "", "支 出", ""]),
        T.join(["项 目", "预算数", "支出功能分类科目（按大类）", "预算数"]),
        T.join(["一、政府性基金拨款", "", "一、科学技术支出", ""]),
    ]))
    got = [(e.number, e.table_id, e.empty) for e in catalogue]
    assert got == [("表1", "summary", False), ("表9", "gov_fund", True)]
    assert catalogue[1].reason == "本单位无政府基金收入支出"
    gov_fund = next(t for t in tables if t.id == "gov_fund")
    assert gov_fund.empty and gov_fund.empty_reason == "本单位无政府基金收入支出"


def test_three_public_rows_and_project_table_columns() -> None:
    tables, _, _ = tables_of("\n".join([
        "财政拨款“三公”经费支出情况表", "单位：万元",
        T.join(["“三公”经费支出内容", "合计", "资金来源", ""]),
        T.join(["", "", "一般公共预算", "政府性基金"]),
        T.join(["合计", "2.50", "2.50"]),
        "因公出国（境）费",
        T.join(["公务用车购置及运行费（小计）", "2.50", "2.50"]),
        T.join(["公务用车运行费", "2.50", "2.50"]),
        "一般公共预算项目支出情况表", "单位：万元",
        T.join(["科目编码", "", "", "功能分类科目名称", "项目名称", "项目支出 合计", "工资福利 支出",
                "商品和服 务支出"]),
        T.join(["类", "款", "项", "", "", "", "", ""]),
        T.join(["210", "15", "99", "其他医疗保障管理事务支出", "某 项目", "3.00", "", "3.00"]),
    ]))
    three, project = tables
    assert [r.code for r in three.rows] == ["TOTAL", "abroad", "vehicle", "vehicle_operation"]
    assert row(three, "vehicle_operation").values == {"total": Decimal("2.50"), "general_budget": Decimal("2.50")}
    r = row(project, "2101599")
    assert r.values == {"total": Decimal("3.00"), "econ_302": Decimal("3.00")}
    assert r.text["project_name"] == "某项目"


def test_damaged_header_borrows_the_repeat_on_the_next_page() -> None:
    # Page 1: the group label 单位资金 was printed one column to the left; page 2 is sound.
    bad = [T.join(["科目编码", "科目名称", "总计", "财政拨款", "", "单位资金", ""]),
           T.join(["", "", "", "小计", "一般公共预算", "", "政府性基金预算"])]
    good = [T.join(["科目编码", "科目名称", "总计", "财政拨款", "", "", "单位资金"]),
            T.join(["", "", "", "小计", "一般公共预算", "政府性基金预算", ""])]
    table = only("\n".join([
        "单位收入总体情况表", "单位：万元", *bad,
        T.join(["2101501", "行政运行", "5.05", "5.00", "5.00", "", "0.05"]),
        "单位：万元", *good,
        T.join(["2210201", "住房公积金", "1.00", "1.00", "1.00", "", ""]),
    ]))
    assert row(table, "2101501").values == {
        "total": Decimal("5.05"), "fiscal": Decimal("5.00"), "general_budget": Decimal("5.00"),
        "unit_funds": Decimal("0.05")}


def test_amount_units_per_table() -> None:
    tables, _, _ = tables_of("\n".join([
        "单位支出总表", "单位：元",
        T.join(["科目编码", "科目名称", "合计"]), T.join(["210", "卫生健康支出", "100"]),
        "一般公共预算支出表", "金额单位：万元",
        T.join(["科目编码", "科目名称", "合计"]), T.join(["210", "卫生健康支出", "0.01"]),
    ]))
    assert [t.unit for t in tables] == [MoneyUnit.YUAN, MoneyUnit.WAN]


def _seed_tables(prefix: str) -> tuple[Table, ...]:
    path = seed(prefix)
    source: SourceDocument = read_text(path.read_bytes(), str(path))
    meta, _ = extract_meta(source, path.stem)
    layout, _ = segment(source.lines)
    tables, _, _ = parse_tables(layout, meta)
    return tables


def test_seed_000_tables() -> None:
    tables = {t.id: t for t in _seed_tables("000")}
    assert len(tables) == 11
    assert {i for i, t in tables.items() if t.empty} == {"gov_fund", "state_capital", "carryover"}
    # the income table's first-page header is misplaced; 单位资金 0.05 must land in unit_funds
    assert row(tables["income"], "2101501").values["unit_funds"] == Decimal("0.05")
    path = seed("000")
    layout, _ = segment(read_text(path.read_bytes()).lines)
    _, _, diagnostics = parse_tables(layout, META)
    assert [(d.code, d.table) for d in diagnostics] == [("P125", "income")]
    assert row(tables["summary"], "TOTAL", "income").values == {"total": Decimal("227.23")}


def test_seed_002_tables() -> None:
    tables = _seed_tables("002")
    ids = [t.id for t in tables]
    assert ids == ["summary", "fiscal_summary", "gpb_expenditure", "gpb_econ", "gpb_basic_func", "gpb_basic_econ",
                   "gov_fund", "special_projects"]
    assert all(t.unit is MoneyUnit.YUAN for t in tables)
    assert tables[0].number == "表1"  # printed without a number; the 目录 numbers it
    gpb = tables[2]
    assert [r.code for r in gpb.rows].count("TOTAL") == 1  # printed on both pages
    assert row(gpb, "2210201").values["total"] == Decimal("132351.4")


def test_three_public_printed_as_one_row_of_items() -> None:
    table = only("\n".join([
        "2025年单位“三公”经费和机关运行经费预算表", "单位:万元",
        T.join(["“三公”经费预算数", "", "", "", "", "", "机关运行经费预算数"]),
        T.join(["合计", "因公出国(境)费", "公务接待费", "公务用车购置及运行费", "", "", ""]),
        T.join(["", "", "", "小计", "购置费", "运行费", ""]),
        T.join(["867.50", "839.00", "28.50", "", "", "", "213.28"]),
    ]))
    got = {r.code: r.values.get("total") for r in table.rows}
    assert got == {"TOTAL": Decimal("867.50"), "abroad": Decimal("839.00"), "reception": Decimal("28.50"),
                   "vehicle": None, "vehicle_purchase": None, "vehicle_operation": None,
                   "operating_cost": Decimal("213.28")}


def test_three_public_and_operating_cost_printed_by_rows() -> None:
    table = only("\n".join([
        "2025年单位“三公”经费和机关运行经费预算表", "单位:万元",
        T.join(["“三公”经费支出内容", "合计"]),
        T.join(["合计", "867.50"]),
        T.join(["因公出国(境)费", "839.00"]),
        T.join(["公务接待费", "28.50"]),
        T.join(["2025年机关运行经费预算数", "213.28"]),
    ]))
    got = {r.code: r.values.get("total") for r in table.rows}
    assert got == {"TOTAL": Decimal("867.50"), "abroad": Decimal("839.00"), "reception": Decimal("28.50"),
                   "operating_cost": Decimal("213.28")}


def test_label_row_naming_a_header_word_stays_a_row() -> None:
    table = only("\n".join([
        "单位支出总体情况表", "单位：万元",
        T.join(["项目", "合计", "基本支出", "项目支出"]),
        T.join(["一、基本支出", "5.00", "5.00", ""]),
        T.join(["其中：项目支出", "", "", ""]),
        T.join(["二、项目支出", "3.00", "", "3.00"]),
    ]))
    assert [r.name for r in table.rows] == ["基本支出", "项目支出", "项目支出"]
    assert table.rows[2].values == {"total": Decimal("3.00"), "project": Decimal("3.00")}


def test_total_printed_across_the_code_cells() -> None:
    table = only("\n".join([
        "2025年预算单位收入预算总表", "单位:元",
        T.join(["功能分类科目编码", "", "", "功能分类科目名称", "合计", "财政拨款收入"]),
        T.join(["类", "款", "项", "", "", ""]),
        T.join(["221", "02", "01", "住房公积金", "1,741,445.22", "1,741,445.22"]),
        T.join(["合计", "", "", "", "1,741,445.22", "1,741,445.22"]),
    ]))
    total = row(table, "TOTAL")
    assert total.name == "合计" and total.values["total"] == Decimal("1741445.22")


def test_list_printed_in_two_halves() -> None:
    table = only("\n".join([
        "一般公共预算财政拨款基本支出决算表", "单位:万元",
        T.join(["经济分类科目编码", "科目名称", "决算数", "经济分类科目编码", "科目名称", "决算数"]),
        T.join(["301", "工资福利支出", "4816.14", "302", "商品和服务支出", "440.90"]),
        T.join(["30101", "基本工资", "537.64", "", "", ""]),
        T.join(["", "", "", "30201", "办公费", "84.62"]),
    ]))
    assert [(r.code, r.side, r.values["total"]) for r in table.rows] == [
        ("301", None, Decimal("4816.14")), ("302", None, Decimal("440.90")),
        ("30101", None, Decimal("537.64")), ("30201", None, Decimal("84.62"))]


def test_cells_beyond_the_header_are_reported() -> None:
    _, _, diagnostics = tables_of("\n".join([
        "单位支出总表", "单位：元",
        T.join(["科目编码", "科目名称", "合计"]),
        T.join(["210", "卫生健康支出", "100", "7.00"]),
    ]))
    assert [d.code for d in diagnostics] == ["P132"]


def test_loose_lines_without_inference_are_reported_not_dropped(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys.modules[parse_tables.__module__], "_loose_module", lambda: None)
    tables, _, diagnostics = tables_of("\n".join([
        "单位支出总体情况表", "单位：万元", "项目 合计 基本支出", "210 卫生健康支出 7.17 7.17",
    ]))
    assert [d.code for d in diagnostics] == ["P140"]
    assert not tables[0].empty  # data was printed; it could not be placed


def test_damaged_header_on_a_single_page_is_repaired() -> None:
    # The group's last sub-header (政府性基金预算) was printed at the end of the row and the
    # leaf 单位资金 one column left of its place.
    table = only("\n".join([
        "单位收入总体情况表", "单位：万元",
        T.join(["科目编码", "科目名称", "总计", "财政拨款", "", "单位资金", ""]),
        T.join(["", "", "", "小计", "一般公共预算", "", "政府性基金预算"]),
        T.join(["2101501", "行政运行", "5.05", "5.00", "5.00", "", "0.05"]),
    ]))
    assert row(table, "2101501").values == {
        "total": Decimal("5.05"), "fiscal": Decimal("5.00"), "general_budget": Decimal("5.00"),
        "unit_funds": Decimal("0.05")}


def test_seed_001_grid_tables() -> None:
    tables = {t.id: t for t in _seed_tables("001")}
    expenditure = tables["expenditure"]
    assert row(expenditure, "TOTAL").values == {
        "total": Decimal("3912.31"), "basic": Decimal("457.89"), "project": Decimal("3454.42")}
    assert row(expenditure, "2210201").values == {"total": Decimal("34.38"), "basic": Decimal("34.38")}
    # rows after a page break whose repeated header is OCR-damaged ("17.2 | 科目编码 | … | 日月")
    assert row(tables["gpb_expenditure"], "22102").values["total"] == Decimal("34.38")
    assert row(tables["gpb_basic_econ"], "30299").values == {"total": Decimal("2.42"), "public": Decimal("2.42")}
    summary = tables["summary"]
    assert row(summary, "210", "expenditure").values == {"total": Decimal("3819.20")}
    assert row(summary, "TOTAL", "income").values == {"total": Decimal("3912.31")}
    assert tables["gov_fund"].empty and "空表" in (tables["gov_fund"].empty_reason or "")


def test_wrapped_name_of_an_unlisted_code_is_rejoined() -> None:
    table = only("\n".join([
        "单位支出总体情况表", "单位：万元",
        T.join(["科目编码", "科目名称", "合计"]),
        T.join(["2089901", "某某新设的社会保障和就业", "3.00"]),
        "专项支出",
        T.join(["2101501", "行政运行", "1.00"]),
    ]))
    assert [r.name for r in table.rows] == ["某某新设的社会保障和就业专项支出", "行政运行"]


def test_table_of_contents_becomes_catalogue_entries() -> None:
    _, catalogue, _ = tables_of("\n".join([
        "某局 2025 年部门预算公开", "目 录",
        "- 一、单位收支总体情况表",
        T.join(["2. 2025年部门收入预算总表", "..........", "12"]),
        "第一部分 概况", "本局负责全县医疗保障工作。",
        "表 1", "单位收支总体情况表", "单位：万元",
        T.join(["收入", "", "支出", ""]), T.join(["项目", "预算数", "功能分类", "预算数"]),
        T.join(["收入总计", "1.00", "支出总计", "1.00"]),
    ]))
    assert [(e.table_id, e.title, e.empty) for e in catalogue] == [
        ("summary", "单位收支总体情况表", None), ("income", "2025年部门收入预算总表", None)]
    assert catalogue[0].source.line == 3


def test_seed_000_contents() -> None:
    path = seed("000")
    layout, _ = segment(read_text(path.read_bytes()).lines)
    _, catalogue, _ = parse_tables(layout, META)
    assert len(catalogue) == 11 and {e.empty for e in catalogue} == {None}


def test_three_public_items_as_columns_with_labelled_rows() -> None:
    table = only("\n".join([
        "单位综合预算一般公共预算拨款“三公”经费及会议费、培训费支出预算表", "单位：元",
        T.join(["项目", "合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费", "会议费",
                "培训费"]),
        T.join(["", "", "", "小计", "公务用车购置费", "公务用车运行维护费", "", "", ""]),
        T.join(["本年预算数", "5000", "", "3000", "", "3000", "", "1000", "1000"]),
    ]))
    (r,) = table.rows
    assert r.values == {"total": Decimal("5000"), "vehicle": Decimal("3000"), "vehicle_operation": Decimal("3000"),
                        "meeting": Decimal("1000"), "training": Decimal("1000")}


def test_page_numbers_between_rows_are_not_rows() -> None:
    table = only("\n".join([
        "一般公共预算支出预算表", "单位:万元",
        T.join(["功能科目代码", "功能科目名称", "金额"]),
        T.join(["2080506", "机关事业单位职业年金缴费支出", "418.37"]),
        "17",
        T.join(["221", "住房保障支出", "3,660.38"]),
    ]))
    assert [r.code for r in table.rows] == ["2080506", "221"]


def test_item_name_column_called_project_name_is_the_row_name() -> None:
    table = only("\n".join([
        "收支预算总表", "单位:万元",
        T.join(["收入", "", "支出", ""]),
        T.join(["项目名称", "金额", "功能科目名称", "金额"]),
        T.join(["一、财政拨款", "20,702.25", "一、一般公共服务支出", "16,992.37"]),
    ]))
    assert row(table, "", "income").name == "财政拨款"
    assert row(table, "201", "expenditure").values == {"total": Decimal("16992.37")}


def test_word_columns_are_text_and_a_lone_amount_column_is_the_total() -> None:
    tables, _, _ = tables_of("\n".join([
        "2017 年政府采购预算表", "单位:万元",
        T.join(["采购品目大类", "专项名称", "经济科目", "采购物品名称", "采购组织形式", "总计"]),
        T.join(["合计", "", "", "", "", "59.00"]),
        T.join(["一、货物 A", "", "", "", "", "59.00"]),
        T.join(["", "办公设备购置费", "办公设备购置", "", "", "59.00"]),
        T.join(["", "", "", "台式计算机", "分散自行组织", "59.00"]),
        "一般公共预算机关运行经费支出预算表", "单位:万元",
        T.join(["科目编码", "科目名称", "机关运行经费支出"]),
        T.join(["", "合计", "5,619.31"]),
        T.join(["30201", "办公费", "770.50"]),
    ]))
    procurement, operating = tables
    assert [(r.code, r.name) for r in procurement.rows] == [
        ("TOTAL", "合计"), ("", "货物 A"), ("", "办公设备购置费"), ("", "台式计算机")]
    assert procurement.rows[3].text == {"procurement_method": "分散自行组织"}
    assert procurement.rows[2].text == {"econ_name": "办公设备购置"}
    assert row(operating, "30201").values == {"total": Decimal("770.50")}


def test_final_accounts_three_public_keeps_budget_beside_actual() -> None:
    table = only("\n".join([
        "财政拨款“三公”经费支出决算表", "单位:万元",
        T.join(["财政拨款“三公”经费", "", "", ""]),
        T.join(["合计", "", "公务接待费", ""]),
        T.join(["预算数", "决算数", "预算数", "决算数"]),
        T.join(["2.85", "0.39", "2.85", "0.39"]),
    ]))
    assert [(r.code, r.values) for r in table.rows] == [
        ("TOTAL", {"budget": Decimal("2.85"), "total": Decimal("0.39")}),
        ("reception", {"budget": Decimal("2.85"), "total": Decimal("0.39")})]


def test_blank_template_without_note_is_empty_without_reason() -> None:
    table = only("\n".join([
        "政府性基金预算支出情况表", "单位：万元",
        T.join(["科目编码", "科目名称", "合计"]),
        T.join(["206", "科学技术支出", ""]),
    ]))
    assert table.empty and table.empty_reason is None and len(table.rows) == 1


def test_procurement_item_table_titled_without_biao_with_wrapped_cells() -> None:
    # 兴隆 (seed 001) layout: 项目名称 | 预算资金 | 采购物品名称 | 目录序号 | 计量单位 | 数量 | 单价 | 合计 | sources;
    # the project name and the item text wrap over the lines above and below the amounts.
    (table,) = tables_of("\n".join([
        "单位政府采购预算", "单位:万元",
        T.join(["项目名称", "预算资金", "采购物品名称", "政府采购目录序号", "计量单位", "数量", "单价", "合计",
                "一般公共预算拨款", "预留中小微企业份额"]),
        T.join(["合计", "", "", "", "", "", "", "16.80", "16.80", ""]),
        T.join(["本级小计", "", "", "", "", "", "", "16.80", "16.80", ""]),
        T.join(["2025年居民医", "", "其他保险", "C1804990", "·"]),
        T.join(["保意外伤害认定", "16.80", "服务", "01004330", "万元", "1", "16.80", "16.80", "16.80", ""]),
        T.join(["调查外包服务费"]),
    ]))[0]
    assert table.id == "procurement"
    assert [r.name for r in table.rows] == ["合计", "本级小计", "2025年居民医保意外伤害认定调查外包服务费"]
    item = table.rows[2]
    assert item.values == {"project_budget": Decimal("16.80"), "unit_price": Decimal("16.80"),
                           "total": Decimal("16.80"), "general_budget": Decimal("16.80")}
    assert item.text == {"item": "其他保险服务", "catalogue_no": "C180499001004330", "measure_unit": "万元",
                         "quantity": "1"}
