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
from yusuan.render.template import FIRST, LAST
from yusuan.render.workbook import TABLE_MARK, read_workbook
from yusuan.report.facts import facts

from .conftest import seed


def _set_kv(ws, values: dict) -> None:
    for row in ws.iter_rows(min_row=2):
        if row[2].value in values:
            row[1].value = values[row[2].value]


def fill(template: Path, out: Path, break_total: bool = False, bad_cell: bool = False) -> None:
    """Fill a template the way a preparer would, from the sample data: over the template's
    rows (its formulas and validation stay), never deleting them."""
    data = sample_input()
    d = data.disclosure
    wb = load_workbook(template)
    _set_kv(wb["单位信息"], {"unit_name": d.meta.unit_name, "date": data.notes["date"]})
    for ws in wb.worksheets:
        marker = str(ws["A1"].value or "")
        table = d.table(marker[len(TABLE_MARK):]) if marker.startswith(TABLE_MARK) else None
        if table is None:
            continue
        keys = [c.value or "" for c in ws[5]]
        fixed = {ws.cell(r, 1).value: r for r in range(FIRST, FIRST + 6) if ws.cell(r, 1).value}
        free = FIRST + len(fixed)
        for r in table.rows:
            at = fixed.get(r.code)
            if at is None:
                at, free = free, free + 1
            for col, key in enumerate(keys, start=1):
                if key == "code" and r.code not in fixed:
                    ws.cell(at, col, r.code)
                elif key == "name":
                    ws.cell(at, col, r.name)
                elif key.startswith("text:"):
                    ws.cell(at, col, r.text.get(key[5:]))
                elif key and not key.startswith("check:") and key in r.values:
                    ws.cell(at, col, float(r.values[key]))
        if break_total and table.id == "expenditure":
            ws[f"C{FIRST}"].value = 999.99
        if bad_cell and table.id == "income":
            ws[f"E{FIRST + 1}"].value = "九毛八"
    prior = wb["上年数及原因"]
    listed = set()
    for row in prior.iter_rows(min_row=2):
        key = (row[0].value, row[1].value or "", row[2].value)
        listed.add(key)
        if key in data.prior:
            p = data.prior[key]
            row[4].value = float(p.amount) if p.amount is not None else None
            row[5].value = p.reason
    at = 2 + sum(1 for r in prior.iter_rows(min_row=2) if r[0].value)
    for key, p in data.prior.items():  # 项 科目: a row added below the list, as the guide says
        if key not in listed:
            for col, value in enumerate((*key, "", float(p.amount), p.reason), start=1):
                prior.cell(at, col, value)
            at += 1
    _set_kv(wb["其他事项"], {"operating_cost": 7.6})
    perf = wb["绩效目标"]
    (target,) = d.performance
    for i, ind in enumerate(target.indicators):
        perf.append(["项目", target.name, float(target.amount) if i == 0 else None, target.goal if i == 0 else None,
                     ind.level1, ind.level2, ind.level3, ind.value, float(ind.weight)])
        perf.cell(perf.max_row, 8).data_type = "s"  # typed as '=100% in Excel: text, not a formula
    _set_kv(wb["政府采购"], {"total": 4.9, "goods": 1.77, "works": 0, "services": 3.13, "sme_reserved": 4.1,
                           "small_micro_reserved": 4.1})
    a = d.assets
    _set_kv(wb["国有资产"], {"as_of": a.as_of, "buildings_area": 0, "buildings_value": 0, "vehicles_total": 1,
                           "vehicles_value": 16.47, "furniture_value": 7.31, "other_value": 63.27,
                           "large_equipment_50": 0, "large_equipment_100": 0})
    s = d.profile.staffing
    _set_kv(wb["人员情况"], {"authorized": s.authorized, "actual": s.actual, "in_service": s.in_service,
                           "retired": s.retired, "retired_early": s.retired_early})
    profile = wb["单位概况"]
    texts = {"主要职能": d.profile.functions, "内设机构": d.profile.departments, "下属单位": d.profile.subordinates}
    for row in profile.iter_rows(min_row=2):
        row[1].value = "\n".join(texts.get(row[0].value, ()))
    wb.save(out)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("wb") / "填报.xlsx"
    result = CliRunner().invoke(template_command, ["--year", "2025", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _table_sheet(wb, table_id: str):
    return next(ws for ws in wb.worksheets if ws["A1"].value == f"{TABLE_MARK}{table_id}")


def test_template_has_a_named_sheet_per_table_and_the_side_sheets(template):
    wb = load_workbook(template)
    ids = [str(ws["A1"].value)[len(TABLE_MARK):] for ws in wb.worksheets
           if str(ws["A1"].value or "").startswith(TABLE_MARK)]
    assert ids == ["income", "expenditure", "gpb_expenditure", "gpb_basic_econ", "gpb_project", "gov_fund",
                   "state_capital", "three_public", "carryover"]  # the two summaries are computed
    assert "表3 单位支出总体情况表" in wb.sheetnames and "表10 财政拨款“三公”经费支出情况表" in wb.sheetnames
    for name in ("填报说明", "单位信息", "单位概况", "人员情况", "上年数及原因", "政府采购", "国有资产", "绩效目标",
                 "其他事项", "科目编码"):
        assert name in wb.sheetnames
    three = _table_sheet(wb, "three_public")
    assert [three.cell(r, 1).value for r in range(FIRST, FIRST + 6)] == [
        "TOTAL", "abroad", "reception", "vehicle", "vehicle_purchase", "vehicle_operation"]
    assert "怎样填" in [c.value for c in wb["填报说明"]["A"]]


def test_template_validates_amounts_codes_and_units(template):
    wb = load_workbook(template)
    ws = _table_sheet(wb, "expenditure")
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    amounts = rules[f"C{FIRST}:E{LAST}"]
    assert amounts.type == "custom" and "ROUND(C6,2)=C6" in amounts.formula1 and "ISNUMBER" in amounts.formula1
    codes = rules[f"A{FIRST + 1}:A{LAST}"]
    assert codes.type == "list" and codes.formula1 == "=codes_func" and codes.errorStyle == "warning"
    assert "科目编码" in wb.defined_names["codes_func"].attr_text
    assert rules["B2"].type == "list" and rules["B2"].formula1 == '"万元,元"'
    econ = _table_sheet(wb, "gpb_basic_econ")
    assert any(dv.formula1 == "=codes_dept_econ" for dv in econ.data_validations.dataValidation)
    # the name comes from the code list by lookup; amounts print with separators
    assert ws[f"B{FIRST + 1}"].value.startswith('=IF($A7="","",IFERROR(VLOOKUP($A7&""')
    assert ws.column_dimensions["C"].number_format == "#,##0.00"
    codes_sheet = wb["科目编码"]
    listed = {codes_sheet.cell(r, 1).value: codes_sheet.cell(r, 2).value for r in range(2, codes_sheet.max_row + 1)}
    assert listed["2101501"] == "行政运行"


def test_template_locks_keys_and_opens_input_cells(template):
    wb = load_workbook(template)
    ws = _table_sheet(wb, "expenditure")
    assert ws.protection.sheet and not ws.protection.insertRows  # rows may still be added
    assert all(c.protection.locked for c in ws[5] if c.value)  # column keys
    assert ws["A1"].protection.locked and ws[f"A{FIRST}"].protection.locked  # marker, 合计 code
    assert not ws["B2"].protection.locked and not ws["B3"].protection.locked  # unit, 空表说明
    assert not ws.column_dimensions["C"].protection.locked  # amounts typed below the header
    assert not ws[f"B{FIRST + 1}"].protection.locked  # a looked-up name may be overwritten
    prior = wb["上年数及原因"]
    assert prior["A2"].protection.locked and prior["D2"].protection.locked and not prior["E2"].protection.locked


def test_template_checks_totals_while_typing(template):
    wb = load_workbook(template)
    ws = _table_sheet(wb, "expenditure")
    keys = [c.value for c in ws[5]]
    check = keys.index("check:total") + 1
    assert ws.cell(4, check).value == "核对：合计－（基本支出＋项目支出）"
    assert ws.cell(FIRST + 1, check).value == '=IF(COUNT(C7,D7,E7)=0,"",ROUND(C7-SUM(D7,E7),2))'
    # row 3: 合计 − the 类 rows (3-digit codes), red when it is not 0
    assert "SUMIF($A$6:$A$305,\"TOTAL\",C$6:C$305)" in ws["C3"].value and "LEN($A$6:$A$305)=3" in ws["C3"].value
    rules = [r for rng in ws.conditional_formatting for r in rng.rules]
    assert rules and all(r.dxf.fill is not None for r in rules)
    three = _table_sheet(wb, "three_public")
    assert "C6-C7-C8-C9" in three["C3"].value and "C9-C10-C11" in three["C3"].value
    basic = _table_sheet(wb, "gpb_basic_econ")
    assert "核对：合计－（人员经费＋公用经费）" in [c.value for c in basic[4]]


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
        # names typed, or looked up from the code list where the lookup formula was never calculated
        assert all(r.name for r in got.rows)
    assert data.disclosure.table("gov_fund").empty
    assert data.prior[("income", "TOTAL", "general_budget")].amount == Decimal("264.87")
    assert data.disclosure.operating_cost.amount == Decimal("7.6")
    assert data.disclosure.profile.staffing.authorized == 15
    (target,) = data.disclosure.performance
    assert (target.scope, target.name, target.amount, target.goal) == ("project", "全民参保及医疗保障服务项目",
                                                                       Decimal("3.00"), "参保率95%以上")
    p = data.disclosure.procurement
    assert (p.total, p.goods, p.works, p.services) == (Decimal("4.90"), Decimal("1.77"), Decimal("0.00"),
                                                       Decimal("3.13"))
    assert data.notes["date"] == "2025年1月20日"


def test_unit_name_is_required(template):
    _, problems = read_workbook(template)
    assert [p.code for p in problems] == ["R101"] and "单位名称" in problems[0].message


def test_cli_renders_the_filled_workbook_clean_and_it_parses_back(template, tmp_path):
    filled = tmp_path / "filled.xlsx"
    fill(template, filled)
    out = tmp_path / "公开.txt"
    result = CliRunner().invoke(render_command, [str(filled), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "自检通过" in result.output
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


def test_missing_inputs_stop_the_render_with_what_to_fill(template, tmp_path):
    filled = tmp_path / "half.xlsx"
    fill(template, filled)
    wb = load_workbook(filled)
    for row in wb["单位概况"].iter_rows(min_row=2):
        if row[0].value == "主要职能":
            row[1].value = None
    wb["上年数及原因"]["E2"].value = None  # income/TOTAL/fiscal: shown only in the Shanghai statement
    wb.save(filled)
    out = tmp_path / "公开.txt"
    result = CliRunner().invoke(render_command, [str(filled), "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert "缺少以下输入" in result.output and "主要职能" in result.output and "单位概况" in result.output
    fallback = CliRunner().invoke(render_command, [str(filled), "-o", str(out), "--fallback"])
    assert fallback.exit_code == 0, fallback.output
    assert "且末县医疗保障局的主要职能以机构编制部门核定的职能为准。" in out.read_text(encoding="utf-8")
    report = (tmp_path / "公开.生成报告.txt").read_text(encoding="utf-8")
    assert "主要职能" in report and "以机构编制部门核定的职能为准" in report


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
    assert "生成报告" in forced.output and "审核发现" in (tmp_path / "broken.生成报告.txt").read_text(encoding="utf-8")


def test_bad_amount_is_reported_with_its_cell(template, tmp_path):
    filled = tmp_path / "bad.xlsx"
    fill(template, filled, bad_cell=True)
    result = CliRunner().invoke(render_command, [str(filled), "-o", str(tmp_path / "x.txt")])
    assert result.exit_code == 2
    assert "R101" in result.output and f"E{FIRST + 1}" in result.output and "九毛八" in result.output


def test_unknown_output_format_is_a_usage_error(template, tmp_path):
    result = CliRunner().invoke(render_command, [str(template), "-o", str(tmp_path / "x.rtf")])
    assert result.exit_code == 2 and "不支持的输出格式" in result.output


def test_unwritable_output_is_a_clear_error(template, tmp_path):
    filled = tmp_path / "filled.xlsx"
    fill(template, filled)
    result = CliRunner().invoke(render_command, [str(filled), "-o", str(tmp_path / "missing" / "x.txt")])
    assert result.exit_code == 2 and "无法写入输出文件" in result.output


def test_template_from_last_years_disclosure_prefills_the_prior_year(tmp_path):
    out = tmp_path / "2026.xlsx"
    result = CliRunner().invoke(template_command, ["--year", "2026", "--from", str(seed("000")), "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    prior = {(r[0].value, r[1].value or "", r[2].value): r[4].value for r in wb["上年数及原因"].iter_rows(min_row=2)
             if r[0].value}
    # last year's printed amounts are this year's prior-year figures (in the narrative unit, 万元)
    assert prior[("income", "TOTAL", "general_budget")] == pytest.approx(227.19)
    assert prior[("expenditure", "TOTAL", "project")] == pytest.approx(3.05)
    assert prior[("gpb_expenditure", "2101501", "total")] == pytest.approx(165.33)  # a 项 of last year
    assert prior[("operating", "", "total")] == pytest.approx(7.6)
    info = {r[2].value: r[1].value for r in wb["单位信息"].iter_rows(min_row=2)}
    assert info["unit_name"] == "且末县医疗保障局" and info["year"] == 2026
    reference = wb["上年公开数"]
    assert reference.max_row > 200 and reference.protection.sheet
    assert "上年公开数" in " ".join(str(c.value) for c in wb["填报说明"]["A"])


def test_template_from_an_unreadable_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "last.pdf"
    bad.write_bytes(b"not a pdf")
    args = ["--year", "2026", "--from", str(bad), "-o", str(tmp_path / "t.xlsx")]
    result = CliRunner().invoke(template_command, args)
    assert result.exit_code == 2 and "无法读取上年公开文件" in result.output
    assert not (tmp_path / "t.xlsx").exists()


def test_check_formulas_compute_in_a_spreadsheet(template, tmp_path):
    """Recalculated by LibreOffice Calc where it is installed (not part of setup): the checks
    show the mismatches a preparer typed, and the names come from the codes."""
    import shutil
    import subprocess

    if not shutil.which("soffice"):
        pytest.skip("LibreOffice not installed")
    wb = load_workbook(template)
    ws = _table_sheet(wb, "expenditure")
    for ref, value in {"C6": 10, "D6": 6, "E6": 4, "A7": "205", "C7": 7, "D7": 3, "E7": 3, "A8": "20508", "C8": 7,
                       "D8": 7, "A9": "210", "C9": 2.5, "D9": 2.5}.items():
        ws[ref] = value
    wb.save(tmp_path / "typed.xlsx")
    done = subprocess.run(["soffice", "--headless", "--calc", "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"),
                           str(tmp_path / "typed.xlsx")], capture_output=True, timeout=180)
    if done.returncode or not (tmp_path / "out" / "typed.xlsx").exists():
        pytest.skip("LibreOffice Calc not available")
    calc = _table_sheet(load_workbook(tmp_path / "out" / "typed.xlsx", data_only=True), "expenditure")
    assert (calc["C3"].value, calc["D3"].value, calc["E3"].value) == (0.5, 0.5, 1)  # 合计 − 各类之和
    check = [c.value for c in calc[5]].index("check:total") + 1
    assert [calc.cell(r, check).value for r in range(6, 10)] == [0, 1, 0, 0]  # 合计 − 基本 − 项目, per row
    assert (calc["B7"].value, calc["B8"].value) == ("教育支出", "进修及培训")
