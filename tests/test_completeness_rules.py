"""Completeness by what the file is and its family, and the code rules, on inline documents."""

from __future__ import annotations

from dataclasses import replace

from tests.audit_builders import D, R, S, T
from yusuan.audit import Config, Status, check_disclosure
from yusuan.audit.rules.completeness import table_set
from yusuan.model import CatalogueEntry, DocKind, Severity, Source

_BASIC = ("summary", "income", "expenditure", "fiscal_summary", "gpb_expenditure", "gpb_basic_econ",
          "three_public", "gov_fund")
_NARRATIVE = (S("overview", text="收支情况。"),)


def _tables(*ids: str):  # type: ignore[no-untyped-def]
    return tuple(T(i, R("TOTAL", "合计", total="1.00")) for i in ids)


def _run(code: str, d, lines=()):  # type: ignore[no-untyped-def]
    return check_disclosure(d, Config(select=(code,)), lines=lines)


def test_a_narrative_file_is_not_blamed_for_tables_it_never_holds() -> None:
    cat = tuple(CatalogueEntry(None, t, tid, None, None, Source(line=i)) for i, (t, tid) in
                enumerate([("收支预算总表", "summary"), ("收入预算总表", "income")], 1))
    d = D(narrative=_NARRATIVE, catalogue=cat)
    for code in ("COV001", "COV002", "COV003"):
        rep = _run(code, d)
        assert not rep.findings and rep.coverage[0].status == Status.INSUFFICIENT_DATA
        assert "表格另行公开" in rep.coverage[0].reason
    # a file that is nothing at all is still reported
    assert _run("COV001", D()).findings


def test_the_parser_s_parts_override_the_inference() -> None:
    d = D(narrative=_NARRATIVE, parts=("tables", "narrative"))  # a complete file whose tables were not read
    (f,) = _run("COV001", d).findings
    assert f.severity == Severity.ERROR


def test_table_set_follows_family_and_year() -> None:
    js = D(*_tables(*_BASIC, "fiscal_expenditure", "operating_costs"), year=2018)
    assert "公开01–12表" in table_set(js).name
    assert "操作规程" in table_set(replace(js, meta=replace(js.meta, year=2023))).name
    assert "决算" in table_set(D(*_tables(*_BASIC), kind=DocKind.FINAL)).name
    # the 12-table family misses its 政府采购 table; 国有资本经营预算 is in none of these budget sets
    rep = _run("COV002", D(*_tables(*_BASIC, "fiscal_expenditure", "fiscal_basic_econ", "operating_costs"),
                           year=2018, narrative=_NARRATIVE))
    assert {f.location.table for f in rep.findings} == {"procurement"}


def test_a_table_printed_but_not_read_goes_to_the_ledger() -> None:
    d = D(*_tables(*[t for t in _BASIC if t != "gpb_basic_econ"]), narrative=_NARRATIVE)
    lines = ((1, "收支预算总表"), (40, "一般公共预算基本支出预算表（经济科目）"), (41, "单位：万元"))
    rep = _run("COV002", d, lines)
    assert not rep.findings and "第 40 行印有该表标题" in rep.coverage[0].reason
    (f,) = _run("COV002", d, ((1, "收支预算总表"),)).findings  # nowhere in the source: missing
    assert f.severity == Severity.ERROR and f.location.table == "gpb_basic_econ"
    (f,) = _run("COV002", d).findings  # without the source text the finding is only a warning
    assert f.severity == Severity.WARNING and "未能逐行核对原文" in f.message


def test_explanations_follow_the_year() -> None:
    topics = {"three_public": "三公经费", "operating": "机关运行经费", "procurement": "政府采购",
              "glossary": "名词解释"}
    narrative = tuple(S(t, heading=h, text=f"{h}情况。") for t, h in topics.items())
    assert not _run("COV004", D(narrative=narrative, year=2018)).findings  # 2018: no 国有资产 or 绩效 section
    assert len(_run("COV004", D(narrative=narrative, year=2019)).findings) == 2
    lines = ((3, "名词解释"), (50, "国有资产占用情况"), (51, "绩效目标"))
    no_glossary = tuple(s for s in narrative if s.topic != "glossary")
    assert not _run("COV004", D(narrative=no_glossary, year=2019), lines).findings  # found in the source text


def test_empty_table_reason_under_the_table_or_in_the_narrative() -> None:
    table = replace(T("gov_fund", empty=True), source=Source(line=10))
    lines = ((10, "政府性基金预算支出表"), (11, "合计"), (12, "（无政府性基金支出）"), (13, "一般公共预算支出表"))
    assert not _run("COV005", D(table, narrative=_NARRATIVE), lines).findings
    says_zero = (S("gov_fund", heading="十、政府性基金预算支出情况说明", text="政府性基金支出预算支出 0 万元。"),)
    assert not _run("COV005", D(table, narrative=says_zero)).findings
    printed = ((10, "政府性基金预算支出表"), (11, "合计 1,234.00"), (12, "201 一般公共服务 1,000.00 234.00"))
    rep = _run("COV005", D(table, narrative=_NARRATIVE), printed)
    assert not rep.findings and "原文该表下方印有金额" in rep.coverage[0].reason


def test_empty_note_under_a_table_with_values() -> None:
    bad = T("gov_fund", R("TOTAL", "合计", total="10.00"), reason="注：本单位无政府性基金预算，故本表为空表。")
    (f,) = _run("COV006", D(bad)).findings
    assert "表下说明" in f.message and f.location.table == "gov_fund"
    said = (S("other", text="政府性基金预算支出情况表为空表。"),)
    (f,) = _run("COV006", D(T("gov_fund", R("TOTAL", "合计", total="10.00")), narrative=said)).findings
    assert "说明" in f.message
    uncertain = replace(bad, uncertain=("合计与各行之和不符，且列位置为推断",))
    rep = _run("COV006", D(uncertain))
    assert not rep.findings and "读取存疑" in rep.coverage[0].reason


def test_code_printed_with_a_one_digit_item_and_a_child_under_the_wrong_parent() -> None:
    row = replace(R("30102", "津贴补贴", total="1.00"), text={"code_printed": "301 2"})
    (f,) = _run("COD001", D(T("gpb_basic_econ", R("301", "工资福利支出", total="1.00"), row))).findings
    assert "“301 2”" in f.message and "0" in f.message
    rows = [R("210", "卫生健康支出", total="3.00"), R("21011", "行政事业单位医疗", total="2.00"),
            R("2101102", "事业单位医疗", total="1.00"), R("2101501", "行政运行", total="1.00"),
            R("21015", "医疗保障管理事务", total="1.00")]
    assert not _run("COD001", D(T("gpb_expenditure", *rows))).findings  # every parent printed, in order
    misplaced = [*rows, R("2101101", "行政单位医疗", total="1.00"), R("2111501", "行政运行", total="1.00")]
    (f,) = _run("COD001", D(T("gpb_expenditure", *misplaced))).findings
    assert "2111501" in f.message and "21015 医疗保障管理事务" in f.message


def test_well_formed_codes_missing_from_the_lists_are_only_in_the_ledger() -> None:
    d = D(T("gpb_expenditure", R("2130101", "行政运行", total="1.00"), R("2080504", "未归口管理的行政单位离退休",
                                                                     total="1.00")), year=2017)
    rep = check_disclosure(d, Config(select=("COD",)))
    assert not rep.findings
    cod002 = next(e for e in rep.coverage if e.rule == "COD002")
    assert "2130101" in cod002.reason


def test_names_of_an_earlier_edition_are_right_in_their_year() -> None:
    rows = (R("303", "对个人和家庭的补助", total="2.00"), R("30307", "医疗费", total="1.00"),
            R("30311", "住房公积金", total="1.00"))
    assert not check_disclosure(D(T("gpb_basic_econ", *rows), year=2017), Config(select=("COD",))).findings
