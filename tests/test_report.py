"""JSON round trip and the public API."""

from __future__ import annotations

from decimal import Decimal

import yusuan
from yusuan.model import Disclosure
from yusuan.report.serialize import document_data, from_data, to_data

from .conftest import seed


def test_public_api_returns_model_and_diagnostics() -> None:
    disclosure, diagnostics = yusuan.parse(seed("000"))
    assert isinstance(disclosure, Disclosure)
    assert isinstance(diagnostics, tuple)
    total = disclosure.table("summary")
    assert total is not None


def test_json_round_trip_is_lossless() -> None:
    disclosure, _ = yusuan.parse(seed("002"))
    assert disclosure is not None
    data = document_data(disclosure)
    again = from_data(Disclosure, data)
    assert again == disclosure
    # decimals keep their printed precision in JSON
    assert to_data(Decimal("3.00")) == "3.00"


def test_api_never_raises_on_missing_file(tmp_path) -> None:
    disclosure, diagnostics = yusuan.parse(tmp_path / "nope.pdf")
    assert disclosure is None
    assert diagnostics[0].code == "I003"


def test_claims_csv_and_the_xlsx_claims_sheet(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import csv
    import io

    from openpyxl import load_workbook

    from yusuan.report.claims import CLAIM_FIELDS, write_claims_csv
    from yusuan.report.xlsx import write_xlsx

    disclosure, _ = yusuan.parse(seed("000"))
    assert disclosure is not None
    buf = io.StringIO()
    assert write_claims_csv([disclosure], buf) == len(disclosure.claims)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert tuple(rows[0]) == CLAIM_FIELDS
    # "基本支出 224.19 万元，占 98.66%，比上年预算减少 40.68 万元，下降 15.36%" (seed 000)
    basic = [r for r in rows if r["subject"] == "基本支出" and r["table"] == "expenditure"]
    assert {(r["quantity"], r["value"]) for r in basic} >= {
        ("amount", "224.19"), ("share_pct", "98.66"), ("change_amount", "-40.68"), ("change_pct", "-15.36")}
    assert all(r["basis"] == "预算" and r["year"] == "2024" for r in basic if r["quantity"].startswith("change"))

    path = tmp_path / "d.xlsx"
    write_xlsx(disclosure, path)
    ws = load_workbook(path)["说明数字"]
    header = [c.value for c in ws[1]]
    assert header[:8] == ["页", "行", "章节", "科目编码", "事项", "数值类别", "数值", "单位"]
    found = [r for r in ws.iter_rows(min_row=2) if r[4].value == "基本支出" and r[5].value == "增减额"]
    assert found and found[0][6].value == -40.68 and found[0][6].number_format == "#,##0.00"
