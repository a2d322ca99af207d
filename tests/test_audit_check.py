"""The check engine, tolerance, config and the `check` / `rules` commands."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from tests.audit_builders import D, R, T
from tests.conftest import seed
from yusuan.audit import Config, ConfigError, Status, check_disclosure, load_config
from yusuan.audit.cli import check_command, rules_command
from yusuan.audit.config import with_overrides
from yusuan.audit.tolerance import Money, Tolerance
from yusuan.model import MoneyUnit, Severity

# ----------------------------------------------------------------------------- tolerance


def test_tolerance_grows_with_addends_and_precision() -> None:
    t = Tolerance()
    # 227.19 + 0.05 vs 227.23: three values printed to 0.01 -> 0.015 万元 allowed
    printed = [Money(Decimal("227.23")), Money(Decimal("227.19")), Money(Decimal("0.05"))]
    assert t.allowance(printed) == Decimal("150.000")  # in 元
    assert t.within(Decimal("2272300"), Decimal("2272400"), printed)
    assert not t.within(Decimal("2272300"), Decimal("2272600"), printed)
    assert Money(Decimal("3")).half == Decimal("5000")  # "3 万元" is anything in [2.5, 3.5)
    assert Money(Decimal("0.00")).half == 0


def test_rounding_is_never_an_error_but_a_cent_beyond_is() -> None:
    ok = D(T("expenditure", R("TOTAL", "总计", total="227.23", basic="224.19", project="3.05")))
    assert not check_disclosure(ok, Config(select=("SUM001",))).findings
    bad = D(T("expenditure", R("TOTAL", "总计", total="227.26", basic="224.19", project="3.05")))
    (f,) = check_disclosure(bad, Config(select=("SUM001",))).findings
    assert f.severity == Severity.ERROR and "227.26" in f.message and "227.24" in f.message
    assert f.location.table == "expenditure" and f.location.row_code == "TOTAL" and f.location.column == "total"
    loose = Config(select=("SUM001",), tolerance=Tolerance(factor=Decimal(2)))
    assert not check_disclosure(bad, loose).findings


def test_tables_in_yuan_and_wan_compare_in_yuan() -> None:
    d = D(T("gpb_expenditure", R("TOTAL", "合计", total="2271900.00", basic="2241900.00", project="30000.00"),
            unit=MoneyUnit.YUAN),
          T("gpb_basic_econ", R("TOTAL", "合计", total="224.19", personnel="216.58", public="7.61")))
    rep = check_disclosure(d, Config(select=("XTB004",)))
    assert rep.coverage[0].status == Status.PASSED


# ----------------------------------------------------------------------------- ledger


def test_empty_document_is_reported_not_silently_passed() -> None:
    rep = check_disclosure(D())
    assert any(f.rule == "COV001" and f.severity == Severity.ERROR for f in rep.findings)
    statuses = {e.rule: e.status for e in rep.coverage}
    assert statuses["XTB001"] == Status.INSUFFICIENT_DATA
    assert statuses["COV004"] == Status.FAILED  # no narrative at all
    assert len(rep.coverage) == len({e.rule for e in rep.coverage})


def test_inferred_rows_lower_confidence() -> None:
    from dataclasses import replace

    from yusuan.model import Inference

    row = R("TOTAL", "总计", total="227.90", basic="224.19", project="3.05")
    row = replace(row, inferred=(Inference("project", 0.6, "blank cells dropped"),))
    (f,) = check_disclosure(D(T("expenditure", row)), Config(select=("SUM001",))).findings
    assert f.confidence == 0.6


def test_a_crashing_rule_is_recorded_as_error() -> None:
    from yusuan.audit.engine import run_rule
    from yusuan.audit.registry import Rule

    def boom(ctx):  # type: ignore[no-untyped-def]
        raise RuntimeError("bad")

    r = Rule("SUM999", "x", Severity.ERROR, "x", "x", "x", "x", boom)
    _, entry = run_rule(r, D(), Config())
    assert entry.status == Status.ERROR and "bad" in entry.reason


# ----------------------------------------------------------------------------- config


def test_config_from_pyproject_upward(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.yusuan]\nignore = ["COD"]\nfail-on = "warning"\n[tool.yusuan.severity]\nNAR002 = "error"\n'
        "[tool.yusuan.tolerance]\nfactor = 2\n", encoding="utf-8")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    c = load_config()
    assert not c.enabled("COD001") and c.enabled("SUM001")
    assert c.fail_on == Severity.WARNING and c.severity_of("NAR002", Severity.WARNING) == Severity.ERROR
    assert c.tolerance.factor == 2
    c2 = with_overrides(c, select=("SUM",), severity=("SUM001=info",))
    assert c2.enabled("SUM002") and not c2.enabled("NAR001")
    assert c2.severity_of("SUM001", Severity.ERROR) == Severity.INFO
    with pytest.raises(ConfigError):
        with_overrides(c, severity=("SUM001=fatal",))


def test_yusuan_toml_wins_over_pyproject(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text('[tool.yusuan]\nselect = ["SUM"]\n', encoding="utf-8")
    (tmp_path / "yusuan.toml").write_text('select = ["NAR"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_config().select == ("NAR",)


# ----------------------------------------------------------------------------- CLI


def test_check_cli_on_seed_and_missing_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    res = runner.invoke(check_command, [str(seed("000")), str(tmp_path / "missing.txt")])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert "NAR006" in res.output and "少拨付5万元" in res.output
    assert "共检查 2 个文件（无法读取 1 个）" in res.output


def test_check_cli_formats_and_fail_on(tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    out = tmp_path / "r.json"
    res = runner.invoke(check_command, [str(seed("000")), "--format", "json", "-o", str(out)])
    assert res.exit_code == 0  # only warnings and info on seed 000
    data = json.loads(out.read_text(encoding="utf-8"))
    doc = data["documents"][0]
    assert any(f["rule"] == "NAR006" for f in doc["findings"])
    assert {e["status"] for e in doc["coverage"]} <= {s.value for s in Status}
    res = runner.invoke(check_command, [str(seed("000")), "--fail-on", "warning", "--format", "csv"])
    assert res.exit_code == 1 and res.output.startswith("doc,rule,severity")
    html = tmp_path / "r.html"
    args = [str(seed("000")), "--format", "html", "-o", str(html), "--severity", "NAR006=error"]
    res = runner.invoke(check_command, args)
    page = html.read_text(encoding="utf-8")
    assert res.exit_code == 1 and "NAR006" in page and "且末县医疗保障局" in page
    assert "<table" in page and "http" not in page.split("<body>")[1]  # self-contained


def test_check_cli_bad_option_is_exit_2() -> None:
    res = CliRunner().invoke(check_command, [str(seed("000")), "--select", "NOPE"])
    assert res.exit_code == 2 and "NOPE" in res.output


def test_rules_cli() -> None:
    runner = CliRunner()
    res = runner.invoke(rules_command, [])
    assert res.exit_code == 0 and "SUM001" in res.output and "COD002" in res.output
    res = runner.invoke(rules_command, ["nar006"])
    assert res.exit_code == 0 and "不通过的例子" in res.output
    assert runner.invoke(rules_command, ["XXX999"]).exit_code == 2


def test_restated_amount_off_by_last_digit_is_a_warning_not_an_error() -> None:
    from tests.audit_builders import F, S

    d = D(T("gpb_expenditure", R("210", "卫生健康支出", total="337.35")),
          narrative=(S("gpb", F("卫生健康支出", "337.34", refers_to=("gpb_expenditure", "210", "total")),
                       F("卫生健康支出", "337.35", refers_to=("gpb_expenditure", "210", "total"))),))
    rep = check_disclosure(d, Config(select=("NAR001", "NAR004")))
    assert sorted(f.rule for f in rep.findings) == ["NAR001", "NAR004"]
    assert all(f.severity == Severity.WARNING for f in rep.findings)


def test_same_subject_same_amount_different_change_in_one_section() -> None:
    from tests.audit_builders import F, S

    d = D(narrative=(S("gpb", F("项目支出", "96.36", change=("decrease", "7.44", "7.17")),
                       F("项目支出", "96.36", change=("decrease", "3.14", "3.16"))),
                     S("expenditure", F("项目支出", "96.36", change=("decrease", "3.14", "3.16")))))
    (f,) = check_disclosure(d, Config(select=("NAR004",))).findings
    assert "7.44" in f.message and "3.14" in f.message


def test_code_printed_in_narrative_is_checked() -> None:
    from tests.audit_builders import F, S

    d = D(narrative=(S("gpb", F("机关对个人和家庭的补助支出(901)", "392")),))
    (f,) = check_disclosure(d, Config(select=("COD001",))).findings  # 901 is no classification code
    assert f.severity == Severity.INFO and "901" in f.message
    fine = D(narrative=(S("gpb", F("事业运行(2101550)", "392")),))  # well-formed, not in the lists: no finding
    assert not check_disclosure(fine, Config(select=("COD001",))).findings


def test_seed_template_table_is_found_in_source_text() -> None:
    # seed 002 keeps a 会议费培训费明细 template table ("XX 业务培训", "202X 年") the parser drops
    from yusuan.audit.cli import check_paths

    rep = check_paths([str(seed("002"))], Config(select=("TPL001",)))
    (f,) = rep.findings  # the template rows ("XX 业务培训", "XX 研讨会", "....") are one defect, reported once
    assert f.location.source.line == 142 and "XX" in f.message and "连续 3 行" in f.message


def test_html_highlights_the_cell_and_sentence_of_a_finding() -> None:
    from tests.audit_builders import F, S
    from yusuan.audit import CheckReport
    from yusuan.report.html import render_html

    d = D(T("expenditure", R("TOTAL", "总计", total="227.26", basic="224.19", project="3.05")),
          narrative=(S("expenditure", F("项目支出", "3.50", refers_to=("expenditure", "TOTAL", "project"))),))
    page = render_html(CheckReport((check_disclosure(d, Config(select=("SUM001", "NAR001"))),)))
    assert 'class="n error"' in page  # the 合计 cell of the broken row
    assert '<mark class="error">项目支出3.50万元</mark>' in page
    assert page.count('href="#f') >= 2


def test_prior_year_stated_against_the_tables_prior_year_column(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from yusuan.api import parse

    path = tmp_path / "prior.txt"
    path.write_text("\n".join([
        "测试局2026年部门预算",
        "一、一般公共预算支出预算情况说明",
        "2026年一般公共预算支出10.00万元，比上年预算12.50万元减少2.50万元，下降20.00%。主要原因是会议减少。",
        "一般公共预算支出预算表", "单位：万元",
        "科目编码\t科目名称\t上年预算数\t本年预算数\t比上年增减\t增减%",
        "\t合计\t12.00\t10.00\t-2.00\t-16.67",
        "201\t一般公共服务支出\t12.00\t10.00\t-2.00\t-16.67",
    ]) + "\n", encoding="utf-8")
    d, _ = parse(path)
    assert d is not None
    report = check_disclosure(d, Config(select=("NAR021", "SUM010")))
    (f,) = report.findings
    assert f.rule == "NAR021" and "12.50" in f.message and "12.00" in f.message
