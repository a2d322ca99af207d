"""The fill-in workbook: template -> filled by the preparer -> read back -> rendered (CLI)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from tests._render_sample import sample_input
from yusuan.api import parse
from yusuan.render.cli import render_command, template_command
from yusuan.render.workbook import TABLE_MARK, read_workbook
from yusuan.report.facts import facts


def fill(template: Path, out: Path, break_total: bool = False, bad_cell: bool = False) -> None:
    """Fill a template the way a preparer would, from the sample data."""
    data = sample_input()
    d = data.disclosure
    wb = load_workbook(template)
    info = wb["单位信息"]
    for row in info.iter_rows(min_row=2):
        if row[2].value == "unit_name":
            row[1].value = d.meta.unit_name
    for ws in wb.worksheets:
        marker = str(ws["A1"].value or "")
        if not marker.startswith(TABLE_MARK):
            continue
        table = d.table(marker[len(TABLE_MARK):])
        if table is None:
            continue
        keys = [c.value for c in ws[5]]
        ws.delete_rows(6, ws.max_row)
        for r in table.rows:
            line = []
            for k in keys:
                if k == "code":
                    line.append(r.code)
                elif k == "name":
                    line.append(r.name)
                elif k.startswith("text:"):
                    line.append(r.text.get(k[5:]))
                else:
                    v = r.values.get(k)
                    line.append(float(v) if v is not None else None)
            ws.append(line)
        if break_total and table.id == "expenditure":
            ws["D6"].value = 999.99
        if bad_cell and table.id == "income":
            ws["E7"].value = "九毛八"
    prior = wb["上年数及原因"]
    for row in prior.iter_rows(min_row=2):
        key = (row[0].value, row[1].value or "", row[2].value)
        if key in data.prior:
            row[4].value = float(data.prior[key].amount)
            row[5].value = data.prior[key].reason
    other = wb["其他事项"]
    for row in other.iter_rows(min_row=2):
        if row[2].value == "operating_cost":
            row[1].value = 7.6
    perf = wb["绩效目标"]
    project = "全民参保及医疗服务经费项目"
    perf.append(["项目", project, 3, "参保率95%以上", "产出指标", "质量指标", "当年财政补助资金到位率", "=100%", 20])
    perf.append(["项目", project, None, None, "满意度指标", "满意度指标", "参保人员满意度", ">=95%", 10])
    perf.cell(2, 8).data_type = "s"  # typed as '=100% in Excel: text, not a formula
    for sheet, values in (("政府采购", {"total": 4.9, "goods": 1.77, "works": 0, "services": 3.13}),
                          ("国有资产", {"as_of": "2024年底", "vehicles_total": 1, "vehicles_value": 16.47})):
        for row in wb[sheet].iter_rows(min_row=2):
            if row[2].value in values:
                row[1].value = values[row[2].value]
    staff = wb["人员情况"]
    for row in staff.iter_rows(min_row=2):
        if row[2].value == "authorized":
            row[1].value = 15
    wb.save(out)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("wb") / "填报.xlsx"
    result = CliRunner().invoke(template_command, ["--year", "2025", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_template_has_a_sheet_per_table_and_the_side_sheets(template):
    wb = load_workbook(template)
    ids = [str(ws["A1"].value)[len(TABLE_MARK):] for ws in wb.worksheets
           if str(ws["A1"].value or "").startswith(TABLE_MARK)]
    assert ids == ["income", "expenditure", "gpb_expenditure", "gpb_basic_econ", "gpb_project", "gov_fund",
                   "state_capital", "three_public", "carryover"]  # the two summaries are computed
    for name in ("单位信息", "单位概况", "人员情况", "上年数及原因", "政府采购", "国有资产", "绩效目标", "其他事项"):
        assert name in wb.sheetnames
    three = next(ws for ws in wb.worksheets if ws["A1"].value == "table:three_public")
    assert [ws_row[0].value for ws_row in three.iter_rows(min_row=6)] == [
        "TOTAL", "abroad", "reception", "vehicle", "vehicle_purchase", "vehicle_operation"]
    shanghai = load_workbook(_shanghai(template.parent))
    assert sum(1 for ws in shanghai.worksheets if str(ws["A1"].value or "").startswith(TABLE_MARK)) == 7


def _shanghai(folder: Path) -> Path:
    path = folder / "sh.xlsx"
    CliRunner().invoke(template_command, ["--year", "2026", "--style", "shanghai", "-o", str(path)])
    return path


def test_filled_workbook_reads_back_exactly(template, tmp_path):
    filled = tmp_path / "filled.xlsx"
    fill(template, filled)
    data, problems = read_workbook(filled)
    assert problems == ()
    expected = sample_input().disclosure
    for table in expected.tables:
        got = data.disclosure.table(table.id)
        assert {(r.code, k, v) for r in got.rows for k, v in r.values.items()} == {
            (r.code, k, v) for r in table.rows for k, v in r.values.items()}
    assert data.disclosure.table("gov_fund").empty
    assert data.prior[("income", "TOTAL", "general_budget")].amount == Decimal("264.87")
    assert data.disclosure.operating_cost.amount == Decimal("7.6")
    assert data.disclosure.profile.staffing.authorized == 15
    (target,) = data.disclosure.performance
    assert (target.scope, target.name, target.amount, target.goal) == ("project", "全民参保及医疗服务经费项目",
                                                                       Decimal("3.00"), "参保率95%以上")
    assert [(i.level3, i.value, i.weight) for i in target.indicators] == [
        ("当年财政补助资金到位率", "=100%", Decimal("20.00")), ("参保人员满意度", ">=95%", Decimal("10.00"))]
    p = data.disclosure.procurement
    assert (p.total, p.goods, p.works, p.services) == (Decimal("4.90"), Decimal("1.77"), Decimal("0.00"),
                                                       Decimal("3.13"))
    a = data.disclosure.assets
    assert (a.as_of, a.vehicles.total, a.vehicles.value) == ("2024年底", 1, Decimal("16.47"))


def test_unit_name_is_required(template, tmp_path):
    _, problems = read_workbook(template)
    assert [p.code for p in problems] == ["R101"] and "单位名称" in problems[0].message


def test_cli_renders_the_workbook_and_the_result_parses_back(template, tmp_path):
    filled = tmp_path / "filled.xlsx"
    fill(template, filled)
    out = tmp_path / "公开.txt"
    result = CliRunner().invoke(render_command, [str(filled), "-o", str(out)])
    assert result.exit_code == 0, result.output
    parsed, _ = parse(out)
    source = sample_input().disclosure
    got = {(f.table, f.row_code, f.column, f.value) for f in facts(parsed)}
    for table in source.tables:
        for r in table.rows:
            for k, v in r.values.items():
                assert (table.id, r.code, k, str(v)) in got
    text = out.read_text(encoding="utf-8")
    assert "比上年预算减少37.68万元，下降14.23%，主要原因是在职职工预算人数比上年少2人。" in text
    assert "编报绩效目标的项目共1个，涉及项目预算资金3.00万元" in text and "当年财政补助资金到位率\t=100%" in text
    assert "政府采购预算4.90万元，其中：政府采购货物预算1.77万元" in text


def test_audit_errors_stop_the_render_unless_forced(template, tmp_path):
    filled = tmp_path / "broken.xlsx"
    fill(template, filled, break_total=True)
    out = tmp_path / "broken.html"
    result = CliRunner().invoke(render_command, [str(filled), "-o", str(out)])
    assert result.exit_code == 1
    assert "未生成文件" in result.output and "[错误" in result.output
    assert not out.exists()
    forced = CliRunner().invoke(render_command, [str(filled), "-o", str(out), "--force"])
    assert forced.exit_code == 0 and out.exists()


def test_bad_amount_is_reported_with_its_cell(template, tmp_path):
    filled = tmp_path / "bad.xlsx"
    fill(template, filled, bad_cell=True)
    result = CliRunner().invoke(render_command, [str(filled), "-o", str(tmp_path / "x.txt")])
    assert result.exit_code == 2
    assert "R101" in result.output and "E7" in result.output and "九毛八" in result.output


def test_unknown_output_format_is_a_usage_error(template, tmp_path):
    result = CliRunner().invoke(render_command, [str(template), "-o", str(tmp_path / "x.rtf")])
    assert result.exit_code == 2 and "不支持的输出格式" in result.output


def test_unwritable_output_is_a_clear_error(template, tmp_path):
    filled = tmp_path / "filled.xlsx"
    fill(template, filled)
    result = CliRunner().invoke(render_command, [str(filled), "-o", str(tmp_path / "missing" / "x.txt")])
    assert result.exit_code == 2 and "无法写入输出文件" in result.output
