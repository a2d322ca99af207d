"""Workbooks, Word and HTML: cells read directly, merged cells placed, blanks kept."""

from __future__ import annotations

import io

import pytest

from yusuan.catalogue import classify_title
from yusuan.ingest import load_bytes


def _grid(doc):  # type: ignore[no-untyped-def]
    return [line.cells for line in doc.lines if line.grid]


def _xlsx() -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表2"
    ws["A1"] = "一般公共预算支出情况表"
    ws.merge_cells("A1:F1")
    ws["A2"] = "单位：万元"
    ws.append(["功能分类科目", None, None, None, "一般公共预算支出", None])
    ws.merge_cells("A3:D3")
    ws.merge_cells("E3:F3")
    ws.append(["类", "款", "项", "科目名称", "基本支出", "项目支出"])
    ws.append(["201", None, None, "一般公共服务支出", 12.5, 3])
    ws.append(["201", "03", "01", "行政运行", 12.5, None])
    ws["E5"].number_format = "0.00"
    ws["F5"].number_format = "#,##0.00"
    ws["E6"].number_format = "0.00"
    ws.append(["合计", None, None, None, 1234567.891, None])
    ws["E7"].number_format = "#,##0.00"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_cells_merged_blanks_and_number_formats() -> None:
    doc, diags = load_bytes(_xlsx(), path="t.xlsx")
    assert doc is not None and doc.format == "xlsx" and not diags
    loose = [line.text for line in doc.lines if not line.grid]
    assert loose == ["一般公共预算支出情况表", "单位:万元"]  # text normalised (NFKC)
    assert classify_title(loose[0]) == "gpb_expenditure"
    assert _grid(doc) == [
        ("功能分类科目", "", "", "", "一般公共预算支出", ""),
        ("类", "款", "项", "科目名称", "基本支出", "项目支出"),
        ("201", "", "", "一般公共服务支出", "12.50", "3.00"),
        ("201", "03", "01", "行政运行", "12.50", ""),
        ("合计", "", "", "", "1234567.89", ""),
    ]
    row = next(line for line in doc.lines if line.grid and line.cells[3] == "行政运行")
    assert row.cell_sources[4].ref == "表2!E6" and row.cell_sources[4].page == 1


def test_xls_merged_title_blanks_and_number_formats() -> None:
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook()
    ws = wb.add_sheet("表3")
    ws.write_merge(0, 0, 0, 3, "一般公共预算基本支出情况表")
    for c, text in enumerate(["科目编码", "科目名称", "人员经费", "公用经费"]):
        ws.write(1, c, text)
    money = xlwt.easyxf(num_format_str="#,##0.00")
    ws.write(2, 0, "30101")
    ws.write(2, 1, "基本工资")
    ws.write(2, 2, 1234.5, money)
    ws.write(3, 0, "30201")
    ws.write(3, 1, "办公费")
    ws.write(3, 3, 20, money)
    buf = io.BytesIO()
    wb.save(buf)
    doc, diags = load_bytes(buf.getvalue(), path="t.xls")
    assert doc is not None and doc.format == "xls" and not diags
    assert [(x.grid, x.cells) for x in doc.lines] == [
        (False, ("一般公共预算基本支出情况表",)),
        (True, ("科目编码", "科目名称", "人员经费", "公用经费")),
        (True, ("30101", "基本工资", "1234.50", "")),
        (True, ("30201", "办公费", "", "20.00")),
    ]
    assert doc.lines[3].cell_sources[3].ref == "表3!D4"


def test_xls_via_xlrd_rejects_garbage_ole2_cleanly() -> None:
    # A real .xls cannot be written without extra tools; an OLE2 header with junk must
    # come back as a diagnostic, not an exception.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    doc, diags = load_bytes(data, path="bad.xls")
    assert doc is None and diags[0].code == "I205" and "xls" in diags[0].message


def _docx() -> bytes:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("一、部门主要职能")
    d.add_paragraph("负责本级预算编制。")
    d.add_paragraph("财政拨款收支总表")
    t = d.add_table(rows=4, cols=3)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "收入"
    t.cell(0, 2).text = "支出"
    t.cell(1, 0).text = "项目"
    t.cell(1, 1).text = "预算数"
    t.cell(1, 2).merge(t.cell(2, 2)).text = "一般公共服务支出"
    t.cell(2, 0).text = "一般公共预算"
    t.cell(2, 1).text = "100.00"
    t.cell(3, 0).text = "合计"
    t.cell(3, 1).text = "100.00"
    d.add_paragraph("注：本表无政府性基金。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_tables_in_order_with_merges() -> None:
    doc, diags = load_bytes(_docx(), path="t.docx")
    assert doc is not None and doc.format == "docx" and not diags
    kinds = [("G" if line.grid else "L", line.text) for line in doc.lines]
    assert kinds == [
        ("L", "一、部门主要职能"),
        ("L", "负责本级预算编制。"),
        ("L", "财政拨款收支总表"),
        ("G", "收入\t\t支出"),
        ("G", "项目\t预算数\t一般公共服务支出"),
        ("G", "一般公共预算\t100.00\t"),
        ("G", "合计\t100.00\t"),
        ("L", "注:本表无政府性基金。"),
    ]
    row = doc.lines[5]
    assert row.cell_sources[1].ref == "table 1 row 3 cell 2"


HTML = """<html><head><meta charset="gb2312"><title>预算公开</title></head><body>
<h2>2025年部门预算</h2><p>本部门收入预算<b>100.00</b>万元。</p>
<table><caption>收支总表</caption>
<tr><th colspan="2">收入</th><th colspan="2">支出</th></tr>
<tr><td rowspan="2">一般公共预算</td><td>60.00</td><td>一般公共服务支出</td><td>90.00</td></tr>
<tr><td>40.00</td><td>教育支出</td><td></td></tr>
<tr><td>合计</td><td>100.00</td><td>合计</td><td>90.00</td></tr>
</table><script>var x = "不应读入";</script><p>第二段</p></body></html>"""


def test_html_paragraphs_and_rowspan_colspan() -> None:
    doc, diags = load_bytes(HTML.encode("gb18030"), path="t.html")
    assert doc is not None and doc.format == "html" and not diags
    kinds = [("G" if line.grid else "L", line.text) for line in doc.lines]
    assert kinds == [
        ("L", "2025年部门预算"),  # <head> (title, scripts) is not content
        ("L", "本部门收入预算100.00万元。"),
        ("L", "收支总表"),
        ("G", "收入\t\t支出\t"),
        ("G", "一般公共预算\t60.00\t一般公共服务支出\t90.00"),
        ("G", "\t40.00\t教育支出\t"),
        ("G", "合计\t100.00\t合计\t90.00"),
        ("L", "第二段"),
    ]
    assert doc.lines[5].cell_sources[1].ref == "table 1 row 3 cell 2"
