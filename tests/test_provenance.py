"""Every value carries where it was printed: page and box (PDF), sheet and cell (Excel)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from click.testing import CliRunner

import yusuan
from yusuan.cli import main
from yusuan.report.html import provenance
from yusuan.report.serialize import document_data

PDF_108 = Path(__file__).parent / "fixtures" / "real" / "108_sh-putuo-zfbgs-2025-danwei-yusuan.pdf"


def test_pdf_values_carry_page_and_box() -> None:
    disclosure, _ = yusuan.parse(PDF_108)
    assert disclosure is not None
    table = disclosure.table("expenditure")
    assert table is not None
    row = next(r for r in table.rows if r.code == "20103")
    for column in ("total", "basic", "project"):
        src = row.source_of(column)
        assert src.page == 11
        assert src.bbox is not None
    # the three amounts sit side by side on one baseline: boxes left to right, same row
    boxes = [row.source_of(c).bbox for c in ("total", "basic", "project")]
    assert boxes[0][2] <= boxes[1][0] + 0.5 and boxes[1][2] <= boxes[2][0] + 0.5  # type: ignore[index]
    assert len({(b[1], b[3]) for b in boxes}) == 1  # type: ignore[index]
    # nearly every value of the document knows its own cell
    values = [(r, c) for t in disclosure.tables for r in t.rows for c in r.values]
    boxed = [1 for r, c in values if r.source_of(c).bbox is not None]
    assert len(boxed) / len(values) > 0.95
    # and the JSON carries it
    data = document_data(disclosure)
    jrow = next(r for t in data["tables"] if t["id"] == "expenditure" for r in t["rows"] if r["code"] == "20103")
    assert jrow["value_sources"]["total"]["page"] == 11


def test_workbook_values_carry_sheet_and_cell(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表3"
    for row in (["单位支出总体情况表"], ["单位：万元"], ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
                ["", "合计", 227.23, 224.19, 3.04], ["210", "卫生健康支出", 181.05, 178.01, 3.04]):
        ws.append(row)
    path = tmp_path / "unit.xlsx"
    wb.save(path)
    disclosure, _ = yusuan.parse(path)
    assert disclosure is not None
    row = next(r for r in disclosure.table("expenditure").rows if r.code == "210")  # type: ignore[union-attr]
    assert row.source_of("basic").ref == "表3!D5"


def test_check_html_report_shows_where_each_value_was_printed(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    CliRunner().invoke(main, ["check", "--format", "html", "-o", str(out), str(PDF_108)])
    html = out.read_text(encoding="utf-8")
    disclosure, _ = yusuan.parse(PDF_108)
    row = next(r for r in disclosure.table("expenditure").rows if r.code == "20103")  # type: ignore[union-attr]
    assert f'data-source="{provenance(row.source_of("basic"))}"' in html
