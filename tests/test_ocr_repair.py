"""OCR damage: a table collapsed into one line of interleaved row numbers, codes, amounts
and wrapped name parts (seed 001's family)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from yusuan import api
from yusuan.ingest.text import lines_from_text
from yusuan.model import Column, Row, Table
from yusuan.parsing.loose import infer_rows, refine
from yusuan.parsing.ocr_repair import split_stream, three_public_key

SEED_001 = Path(__file__).parent / "fixtures" / "seeds" / "001_2bc1f60d8e8166ed.txt"
D = Decimal

STREAM = (
    "序号 合计 上年结转 科目 财政拨款 科目名称 小计 编码 收入 栏次 3 4 6 12 1 合计 3912.31 3909.31 3909.31 3.00 "
    "1 社会保障和就 2 208 58.74 3.00 55.74 55.74 业支出 行政事业单位 3 20805 55.74 55.74 55.74 养老支出 "
    "行政单位离退 10.67 10.67 4 2080501 10.67 休 机关事业单位 5 2080505 基本养老保险 45.06 45.06 45.06 缴费支出 "
    "其他社会保障 6 20899 3.00 3.00 和就业支出 卫生健康支出 8 210 3819.20 3819.20 3819.20 "
    "财政对基本医 21012 疗保险基金的 3216.00 3216.00 3216.00 11 补助"
)

INCOME_COLUMNS = (
    Column("total", "合计"), Column("subtotal", "本年收入/小计"), Column("fiscal", "本年收入/财政拨款收入"),
    Column("fiscal_special", "本年收入/财政专户收入"), Column("institution_income", "本年收入/事业收入"),
    Column("carryover", "上年结转"),
)


def _line(text: str):  # type: ignore[no-untyped-def]
    return lines_from_text(text)[0]


def test_stream_splits_into_rows_with_names_rejoined() -> None:
    rows, diags = split_stream(_line(STREAM), "income")
    assert [r.code for r in rows] == ["TOTAL", "208", "20805", "2080501", "2080505", "20899", "210", "21012"]
    names = {r.code: r.name for r in rows}
    assert names["208"] == "社会保障和就业支出"
    assert names["2080501"] == "行政单位离退休"  # "行政单位离退 … 休"
    assert names["2080505"] == "机关事业单位基本养老保险缴费支出"  # three parts around the amounts
    assert names["20899"] == "其他社会保障和就业支出"
    assert names["21012"] == "财政对基本医疗保险基金的补助"  # amounts after a middle part
    amounts = {r.code: r.amounts for r in rows}
    assert amounts["2080501"] == [D("10.67")] * 3  # two before the code, one after
    assert amounts["208"] == [D("58.74"), D("3.00"), D("55.74"), D("55.74")]
    assert amounts["21012"] == [D("3216.00")] * 3
    assert not diags


def test_amounts_without_a_row_are_reported() -> None:
    rows, diags = split_stream(_line("栏次 1 2 合计 5.00 5.00 208 社会保障和就业支出 5.00 5.00 9.99"), "income")
    assert [r.code for r in rows] == ["TOTAL", "208"]
    assert rows[1].amounts == [D("5.00"), D("5.00"), D("9.99")]
    rows, diags = split_stream(_line("栏次 1 合计 5.00 208 1.00 其他 7.77"), "income")
    assert any(d.code == "P310" and "7.77" in d.message for d in diags)


def test_reordered_amounts_are_placed_by_arithmetic_and_other_tables() -> None:
    rows, _ = infer_rows("income", INCOME_COLUMNS, [_line(STREAM)])
    by_code = {r.code: r for r in rows}
    # 58.74 = 55.74 + 3.00 although OCR printed 3.00 second.
    assert by_code["208"].values["carryover"] == D("3.00")
    assert by_code["208"].values["subtotal"] == D("55.74")
    assert by_code["20899"].values == {"total": D("3.00"), "carryover": D("3.00")}
    # 财政拨款 or 财政专户 or 事业收入? Only the summary table can say.
    assert "fiscal" not in by_code["210"].values
    # The print order is dropped only where it contradicts the arithmetic.
    assert all(not i.ordered for i in by_code["208"].inferred)
    assert all(i.ordered for i in by_code["210"].inferred)
    income = Table("income", "单位预算收入总表", None, None, INCOME_COLUMNS, rows)
    summary = Table("summary", "单位预算收支总表", None, None, (Column("total", "预算数"),), (
        Row("", "一般公共预算拨款收入", {"total": D("3909.31")}, side="income", key="general_budget"),
        Row("", "财政专户管理资金收入", {}, side="income", key="fiscal_special"),
        Row("", "单位资金", {}, side="income", key="unit_funds"),
    ))
    tables, diags = refine((summary, income))
    refined = {r.code: r for r in tables[1].rows}
    assert refined["210"].values == {"total": D("3819.20"), "subtotal": D("3819.20"), "fiscal": D("3819.20")}
    assert refined["TOTAL"].values == {"total": D("3912.31"), "subtotal": D("3909.31"), "fiscal": D("3909.31"),
                                       "carryover": D("3.00")}
    assert not [d for d in diags if d.code == "P301"]


THREE_PUBLIC = (
    '单位: 万元 资金性质 序号 项目 合计 栏次 1 2 3 4 5 合计 3.00 3.00 1 2 "三公"经费小计 3.00 3.00 '
    "一、因公出国(境)费 3 其中: 教学科研人员因公出国(境) 4 费 其他因公出国(境)费 5 6 二、公务用车购置及运维费 "
    "3.00 3.00 其中:公务用车购置费 公务用车运行维护费 3.00 8 3.00 三、公务接待费 9 四、会议费 10 "
    "其中: 省属高校业务性会议费 11"
)


def test_rows_without_codes_are_anchored_on_their_labels() -> None:
    rows, diags = split_stream(_line(THREE_PUBLIC), "three_public")
    labels = [(r.code, r.label, r.amounts) for r in rows]
    assert labels == [
        ("TOTAL", "合计", [D("3.00"), D("3.00")]),
        ("three_public_subtotal", '"三公"经费小计', [D("3.00"), D("3.00")]),
        ("abroad", "一、因公出国(境)费", []),
        ("abroad_research", "其中:教学科研人员因公出国(境)费", []),  # "费" came after the row number
        ("abroad_other", "其他因公出国(境)费", []),
        ("vehicle", "二、公务用车购置及运维费", [D("3.00"), D("3.00")]),
        ("vehicle_purchase", "其中:公务用车购置费", []),
        ("vehicle_operation", "公务用车运行维护费", [D("3.00"), D("3.00")]),
        ("reception", "三、公务接待费", []),
        ("meeting", "四、会议费", []),
        ("", "其中:省属高校业务性会议费", []),
    ]
    assert not diags


def test_three_public_keys_compare_whole_names() -> None:
    assert three_public_key("其中：公务用车运行费") == "vehicle_operation"
    assert three_public_key("公务用车购置及运行费（小计）") == "vehicle"
    assert three_public_key("其他会议费") == "meeting_other"
    assert three_public_key("其中：省属高校业务性会议费") == ""


def test_seed_001_collapsed_tables_are_read() -> None:
    disclosure, diags = api.parse(SEED_001)
    assert disclosure is not None
    income = disclosure.table("income")
    assert income is not None
    rows = {r.code: r for r in income.rows}
    assert len(rows) == 21  # 合计 and 序号 2-21 (2-11 from the collapsed line)
    assert rows["2089999"].name == "其他社会保障和就业支出"
    assert rows["2089999"].values == {"total": D("3.00"), "carryover": D("3.00")}
    assert rows["21012"].values["fiscal"] == D("3216.00")
    three = disclosure.table("three_public")
    assert three is not None
    values = {r.code: r.values for r in three.rows if r.values}
    assert values["vehicle_operation"] == {"total": D("3.00"), "general_budget": D("3.00")}
    assert not [d for d in diags if d.code in ("P301", "P310", "P312")]


def test_row_numbers_reveal_a_lost_row() -> None:
    # Rows 1-4 are numbered but the second code was lost by OCR: its amounts join row 208.
    text = "栏次 1 2 合计 9.00 9.00 1 2 208 社会保障和就业支出 5.00 5.00 3 就业补助 4.00 4.00 4 其他"
    rows, diags = split_stream(_line(text), "income")
    assert [r.code for r in rows] == ["TOTAL", "208"]
    assert any("序号显示有 4 行" in d.message for d in diags)


def test_a_misread_amount_is_reported_not_repaired_silently() -> None:
    # OCR read 21011's 23.02 as 28.02: no column makes 210 add up, and the parse says so.
    stream = ("栏次 1 2 合计 51.04 51.04 1 210 卫生健康支出 2 51.04 51.04 "
              "3 21011 行政事业单位医疗 28.02 28.02 4 21013 医疗救助 28.02 28.02")
    columns = (Column("total", "合计"), Column("fiscal", "财政拨款收入"))
    rows, _ = infer_rows("income", columns, [_line(stream)])
    _, diags = refine((Table("income", "收入总表", None, None, columns, rows),))
    p312 = [d for d in diags if d.code == "P312"]
    assert p312 and "51.04" in p312[0].message and "56.04" in p312[0].message
