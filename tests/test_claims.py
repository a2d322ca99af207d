"""Narrative claims (DESIGN §4b, docs/claims.md) on inline texts in the shapes real documents
use, with made-up numbers: codes, quantities, signs, bases and years, and cells."""

from __future__ import annotations

from decimal import Decimal

from yusuan.ingest.text import lines_from_text
from yusuan.model import Claim, Column, Meta, Row, Table
from yusuan.parsing.blocks import Layout
from yusuan.parsing.claims import claims_of
from yusuan.parsing.narrative import link_sections, parse_narrative
from yusuan.parsing.subjects import code_of_subject, rows_index

UNIT = "某某局"


def _claims(text: str, tables: tuple[Table, ...] = (), year: int = 2026) -> list[Claim]:
    meta = Meta(doc="t", path=None, unit_name=UNIT, unit_code=None, year=year)
    result, _ = parse_narrative(Layout(blocks=(), narrative=lines_from_text(text)), tables, meta)
    return list(claims_of(result.sections))


def rows(claims: list[Claim], *fields: str) -> list[tuple]:
    return [tuple(str(getattr(c, f)) if f == "value" else getattr(c, f) for f in fields) for c in claims]


def q(claims: list[Claim]) -> list[tuple[str, str, str | None]]:
    return [(c.quantity, str(c.value), c.code) for c in claims]


def table(table_id: str, coded: list[tuple[str, str, str]], columns: tuple[str, ...] = ("total",)) -> Table:
    return Table(id=table_id, title=table_id, number=None, unit=None, columns=tuple(Column(k, k) for k in columns),
                 rows=tuple(Row(code=c, name=n, values={"total": Decimal(v)}) for c, n, v in coded))


GPB = table("gpb_expenditure", [
    ("TOTAL", "合计", "1000.00"),
    ("205", "教育支出", "836.41"), ("20502", "普通教育", "836.41"), ("2050202", "小学教育", "836.41"),
    ("213", "农林水支出", "18.64"), ("21301", "农业农村", "18.64"), ("2130108", "病虫害控制", "18.64"),
    ("212", "城乡社区支出", "4512"), ("21201", "城乡社区管理事务", "4512"), ("2120101", "行政运行", "4512"),
    ("210", "卫生健康支出", "96.30"), ("21015", "医疗保障管理事务", "96.30"), ("2101550", "事业运行", "96.30"),
    ("201", "一般公共服务支出", "300"), ("20131", "党委办公厅(室)及相关机构事务", "300"),
    ("2013101", "行政运行", "200"), ("2013102", "一般行政管理事务", "100"),
])


# --------------------------------------------------------------------------- codes


def test_codes_printed_in_brackets_of_every_style():
    text = (
        "一、一般公共预算支出情况说明\n"
        "1.教育支出（205类）普通教育（02款）小学教育（02项）836.41万元。\n"
        "2.事业运行(2101550)96.30万元。\n"
        "3.204 06 01 行政运行 12.00万元。\n"
        "4.农林水支出（类)农业农村(款）病虫害控制（项）18.64万元。\n"
    )
    found = [c for c in _claims(text, (GPB,)) if c.quantity == "amount"]
    assert [(c.code, str(c.value)) for c in found] == [
        ("2050202", "836.41"), ("2101550", "96.30"), ("2040601", "12.00"), ("2130108", "18.64")]
    assert found[0].refers_to == ("gpb_expenditure", "2050202", "total")
    assert found[2].refers_to is None  # 2040601 is not in the table


def test_name_paths_quoted_class_only_and_names_resolved_against_the_tables():
    text = (
        "一、一般公共预算支出情况说明\n"
        "1.“农林水支出（类）农业农村（款）病虫害控制（项）”18.64万元。\n"
        "2.“城乡社区支出”科目4,512万元。\n"
        "3.“一般公共服务支出-党委办公厅（室）及相关机构事务-一般行政管理事务”科目100万元。\n"
        "4.卫生健康支出 96.30 万元。\n"
    )
    found = [c for c in _claims(text, (GPB,)) if c.quantity == "amount"]
    assert [(c.code, str(c.value)) for c in found] == [
        ("2130108", "18.64"), ("212", "4512"), ("2013102", "100"), ("210", "96.30")]


def test_path_completed_by_the_class_its_heading_names():
    text = (
        "五、财政拨款支出预算情况说明\n"
        "（一）一般公共服务(类)\n"
        "1.党委办公厅(室)及相关机构事务(款)行政运行(项)支出200万元,与上年相比增加20万元,增长11.11%。\n"
        "2.党委办公厅(室)及相关机构事务(款)一般行政管理事务(项)支出100万元。\n"
    )
    found = _claims(text, (GPB,))
    assert q(found) == [("amount", "200", "2013101"), ("change_amount", "20", "2013101"),
                        ("change_pct", "11.11", "2013101"), ("amount", "100", "2013102")]
    assert found[0].refers_to == ("gpb_expenditure", "2013101", "total")  # 财政拨款 falls back to 一般公共预算


def test_reordered_item_name_and_fused_section_item_name():
    text = (
        "五、财政拨款支出预算情况说明\n"
        "（一）一般公共服务(类)\n"
        "1.党委办公厅(室)及相关机构事务(款)一般行政事务管理(项)支出100万元。\n"
        "2.党委办公厅(室)及相关机构事务行政运行(项)支出200万元。\n"
        "3.党委办公厅(室)及相关机构事务行政运行(项)支出300万元。\n"
    )
    found = [c for c in _claims(text, (GPB,)) if c.quantity == "amount"]
    # the same characters in another order are the tables' 一般行政管理事务; a 款 name run into
    # its 项 name is that 项 — unless the amount is exactly the 款's: then the 款, misnamed
    assert [(c.code, str(c.value), c.refers_to) for c in found] == [
        ("2013102", "100", ("gpb_expenditure", "2013102", "total")),
        ("2013101", "200", ("gpb_expenditure", "2013101", "total")),
        ("20131", "300", ("gpb_expenditure", "20131", "total"))]


def test_names_of_an_earlier_classification_edition_resolve_without_tables():
    # 2019: 20805 was 行政事业单位离退休 and 2080504 未归口管理的行政单位离退休 (renamed or gone since)
    found = code_of_subject("行政事业单位离退休(款)未归口管理的行政单位离退休(项)", (), context="208")
    assert found is not None and found.code == "2080504"


def test_names_are_normalised_before_they_are_matched():
    index = rows_index((table("gpb_expenditure", [("2089999", "其它社会保障和就业支出", "1")]),))
    found = code_of_subject("其他社会保障和就业支出", index)
    assert found is not None and found.code == "2089999" and found.how == "name"
    # A name printed by two codes is not resolved: a wrong link would compare unrelated cells.
    twice = rows_index((table("x", [("2013101", "行政运行", "1"), ("2120101", "行政运行", "1")]),))
    assert code_of_subject("行政运行", twice) is None
    # Renamed 类 are known under both names.
    old = code_of_subject("医疗卫生与计划生育支出(类)", ())
    assert old is not None and old.code == "210"


# --------------------------------------------------------------------------- prior years and changes


def test_prior_execution_stated_amount_and_change_with_its_basis():
    text = (
        "一、部门预算编制说明\n"
        "1.“城乡社区支出（类）城乡社区管理事务（款）行政运行（项）”4,512万元,主要用于行政运行。"
        "2025年当年预算执行数为4,800.00万元,2026年预算安排4,500万元,比2025年预算执行数减少6.00%。"
        "主要原因是:人员减少。\n"
    )
    found = _claims(text, (GPB,))
    assert rows(found, "quantity", "value", "basis", "year") == [
        ("amount", "4512", "", 2026),
        ("stated_amount", "4500", "", 2026),
        ("prior_amount", "4800.00", "执行数", 2025),
        ("change_pct", "-6.00", "执行数", 2025),
    ]
    assert all(c.code == "2120101" for c in found)


def test_amount_right_after_the_comparison_is_the_prior_one():
    text = (
        "一、支出预算情况说明\n"
        "卫生健康支出96.30万元,比上年预算100.30万元减少4.00万元,下降3.99%;"
        "教育支出836.41万元,较2024年决算的800.41万元增加36.00万元。\n"
    )
    found = _claims(text, (GPB,))
    assert rows(found, "quantity", "value", "basis", "year") == [
        ("amount", "96.30", "", 2026), ("prior_amount", "100.30", "预算", 2025),
        ("change_amount", "-4.00", "预算", 2025), ("change_pct", "-3.99", "预算", 2025),
        ("amount", "836.41", "", 2026), ("prior_amount", "800.41", "决算", 2024),
        ("change_amount", "36.00", "决算", 2024),
    ]


def test_change_words_signs_bases_and_flat():
    text = (
        "一、收入预算情况说明\n"
        "一般公共预算收入100.50万元,比上年预算增加10.50万元,增长11.67%;\n"
        "政府性基金收入0万元,与上年持平;\n"
        "单位资金20万元,较上年减少5万元,下降20%;\n"
        "其他收入3万元,与上年预算数一致;\n"
        "事业收入8万元,比2025年预算压减2万元,降低20%;\n"
        "经营收入1万元,增加（减少）0万元。\n"
    )
    found = [c for c in _claims(text) if c.quantity.startswith("change")]
    assert rows(found, "subject", "quantity", "value", "basis", "year") == [
        ("一般公共预算收入", "change_amount", "10.50", "预算", 2025),
        ("一般公共预算收入", "change_pct", "11.67", "预算", 2025),
        ("政府性基金收入", "change_amount", "0", "", 2025),
        ("单位资金", "change_amount", "-5", "", 2025),
        ("单位资金", "change_pct", "-20", "", 2025),
        ("其他收入", "change_amount", "0", "预算", 2025),
        ("事业收入", "change_amount", "-2", "预算", 2025),
        ("事业收入", "change_pct", "-20", "预算", 2025),
        ("经营收入", "change_amount", "0", "", 2025),
    ]


def test_template_alternative_recorded_with_its_raw_words():
    text = "一、支出预算情况说明\n基本支出50万元,比上年增加(减少)0万元,增长(下降)0%。\n"
    meta = Meta(doc="t", path=None, unit_name=UNIT, unit_code=None, year=2026)
    result, _ = parse_narrative(Layout(blocks=(), narrative=lines_from_text(text)), (), meta)
    (f,) = result.sections[0].figures
    assert f.change is not None and f.change.amount == 0 and f.change.percent == 0
    assert f.change.word == "增加(减少)"


def test_percent_without_decimals_and_change_in_the_next_sentence_after_a_period():
    text = (
        "一、支出预算情况说明\n"
        "1.社会保障和就业(类)支出1.26万元。与2025年预算持平。\n"
        "2.住房保障(类)支出50万元,主要用于住房公积金。与上年相比增加11万元,增加28%。主要原因是人员增加。\n"
    )
    found = _claims(text)
    assert q(found) == [("amount", "1.26", "208"), ("change_amount", "0", "208"),
                        ("amount", "50", "221"), ("change_amount", "11", "221"), ("change_pct", "28", "221")]
    assert found[1].year == 2025 and found[1].basis == "预算"


def test_comparison_year_kept_as_printed_even_when_it_is_the_budget_year():
    found = _claims("一、支出预算情况说明\n2026年基本支出80万元,比2026年预算增加8万元。\n")
    (change,) = [c for c in found if c.quantity == "change_amount"]
    assert change.year == 2026 and change.basis == "预算"


# --------------------------------------------------------------------------- totals, reasons, counts


def test_totals_paragraph_with_nested_items_and_shares():
    text = (
        "一、收支预算总体情况说明\n"
        "2026年收入预算1,000.00万元,其中:财政拨款收入990.00万元,占99.00%;事业收入10.00万元,占1.00%。\n"
        "支出预算1,000.00万元,其中:基本支出800.00万元,占80.00%;项目支出200.00万元,占20.00%。\n"
    )
    found = _claims(text)
    assert rows(found, "subject", "quantity", "value") == [
        ("收入预算", "amount", "1000.00"),
        ("财政拨款收入", "amount", "990.00"), ("财政拨款收入", "share_pct", "99.00"),
        ("事业收入", "amount", "10.00"), ("事业收入", "share_pct", "1.00"),
        ("支出预算", "amount", "1000.00"),
        ("基本支出", "amount", "800.00"), ("基本支出", "share_pct", "80.00"),
        ("项目支出", "amount", "200.00"), ("项目支出", "share_pct", "20.00"),
    ]


def test_amounts_inside_a_reason_are_claims_about_another_subject():
    text = ("一、支出预算情况说明\n支出预算900万元,比上年增加512.30万元,增长132.00%,"
            "主要原因是基本支出增加512.30万元;二是新增项目100万元。\n")
    found = _claims(text)
    main = [c for c in found if c.statement is not None]
    side = [c for c in found if c.statement is None]
    assert rows(main, "subject", "quantity", "value") == [
        ("支出预算", "amount", "900"), ("支出预算", "change_amount", "512.30"), ("支出预算", "change_pct", "132.00")]
    assert rows(side, "subject", "quantity", "value", "note") == [
        ("基本支出", "change_amount", "512.30", "原因中"), ("新增项目", "amount", "100", "原因中")]


def test_not_claims_thresholds_rates_dates_areas_and_office_counts():
    text = (
        "一、国有资产占用情况说明\n"
        "截至2025年12月31日,本单位共有车辆2辆,其中:其他用车2辆;单价100万元(含)以上设备0台(套)。"
        "房屋面积1200平方米。本单位内设科室5个,下属单位1家。\n"
        "二、其他说明\n按每人 7.03 元标准安排。依据某财〔2025〕12号文件。\n"
    )
    found = _claims(text)
    assert rows(found, "quantity", "value", "unit") == [
        ("count", "2", "辆"), ("count", "2", "辆"), ("count", "0", "台(套)")]


def test_three_public_items_and_their_changes_stated_later():
    tp = Table(id="three_public", title="三公", number=None, unit=None, columns=(Column("total", "合计"),),
               rows=(Row(code="TOTAL", name="合计", values={"total": Decimal("2.50")}),
                     Row(code="abroad", name="因公出国(境)费", values={"total": Decimal("0")}),
                     Row(code="vehicle_operation", name="公务用车运行费", values={"total": Decimal("2.50")})))
    text = (
        "十、“三公”经费预算情况说明\n"
        "2026年“三公”经费预算数为2.50万元,其中:因公出国(境)费0万元,公务用车运行费2.50万元。\n"
        "\n"
        "2026年“三公”经费预算比上年预算减少0.10万元,下降3.85%,其中:公务用车运行费减少0.10万元,下降3.85%。\n"
    )
    found = _claims(text, (tp,))
    # Claims come in the order they are printed: the changes of the later paragraph last.
    assert sorted(rows(found, "quantity", "value", "refers_to")) == sorted([
        ("amount", "2.50", ("three_public", "TOTAL", "total")),
        ("change_amount", "-0.10", ("three_public", "TOTAL", "total")),
        ("change_pct", "-3.85", ("three_public", "TOTAL", "total")),
        ("amount", "0", ("three_public", "abroad", "total")),
        ("amount", "2.50", ("three_public", "vehicle_operation", "total")),
        ("change_amount", "-0.10", ("three_public", "vehicle_operation", "total")),
        ("change_pct", "-3.85", ("three_public", "vehicle_operation", "total")),
    ])
    assert [c.quantity for c in found][-4:] == ["change_amount", "change_pct", "change_amount", "change_pct"]


def test_final_accounts_budget_amount_and_completion_rate():
    text = (
        "一、一般公共预算财政拨款支出决算情况说明\n"
        "1、卫生健康支出(类)医疗保障管理事务(款)事业运行(项)。主要用于:事业单位人员支出。"
        "年初预算为 100.00 万元,支出决算为 96.30 万元,完成年初预算的 96.30%。\n"
    )
    found = _claims(text, (GPB,), year=2025)
    assert q(found) == [("amount", "96.30", "2101550"), ("budget_amount", "100.00", "2101550"),
                        ("completion_pct", "96.30", "2101550")]


def test_a_narrative_file_is_linked_again_with_the_tables_of_its_publication():
    meta = Meta(doc="t", path=None, unit_name=UNIT, unit_code=None, year=2026)
    text = "一、一般公共预算支出情况说明\n1.教育支出（205类）普通教育（02款）小学教育（02项）836.41万元。\n"
    result, _ = parse_narrative(Layout(blocks=(), narrative=lines_from_text(text)), (), meta)
    assert claims_of(result.sections)[0].refers_to is None
    linked = link_sections(result.sections, (GPB,))
    assert claims_of(linked)[0].refers_to == ("gpb_expenditure", "2050202", "total")
