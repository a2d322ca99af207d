"""Publications published as two files (DESIGN §4c): what a file holds, which files are halves
of one publication, and checking them as one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.audit_builders import D, F, R, S, T
from yusuan.audit import Config, Status, check_disclosure
from yusuan.audit.cli import check_command
from yusuan.audit.publication import FileToCheck, check_files, check_publication
from yusuan.model import DocKind
from yusuan.publication import NARRATIVE, TABLES, group_halves, merge, parts_of, unit_key

REAL = Path(__file__).parent / "fixtures" / "real"


def _text_half(doc: str = "a-wenben", unit: str | None = "江苏省委办公厅", year: int | None = 2019):  # type: ignore[no-untyped-def]
    return D(doc=doc, unit_name=unit, year=year, scope="部门",
             narrative=(S("expenditure", F("项目支出", "3.50", refers_to=("expenditure", "TOTAL", "project"))),),
             catalogue=())


def _table_half(doc: str = "a-biaoge", unit: str | None = "中共江苏省委办公厅", year: int | None = None):  # type: ignore[no-untyped-def]
    return D(T("expenditure", R("TOTAL", "总计", total="227.23", basic="224.19", project="3.05"),
               title="支出预算总表"),
             doc=doc, unit_name=unit, year=year)


def test_parts_are_inferred_when_the_parser_did_not_set_them() -> None:
    assert parts_of(_text_half()) == {NARRATIVE}
    assert parts_of(_table_half()) == {TABLES}
    assert parts_of(D()) == frozenset()
    assert parts_of(D(parts=("tables", "narrative"))) == {TABLES, NARRATIVE}


@pytest.mark.parametrize(("a", "b"), [
    ("中国共产党江苏省委员会办公厅", "江苏省委办公厅"),
    ("中共江苏省委办公厅", "江苏省委办公厅"),
    ("江苏省人民代表大会常务委员会办公厅", "江苏省人大常委会办公厅"),
    ("兴隆县医疗保障局（本级）", "兴隆县医疗保障局"),
    ("上海市普陀区 人民政府办公室", "上海市普陀区人民政府办公室"),
])
def test_unit_key_reduces_the_forms_of_one_name(a: str, b: str) -> None:
    assert unit_key(a) == unit_key(b)


def test_halves_pair_up_and_contradictions_keep_them_apart() -> None:
    assert group_halves([_text_half(), _table_half()]) == [(0, 1)]
    assert group_halves([_table_half(), _text_half()]) == [(1, 0)]
    assert group_halves([_text_half(), _table_half(year=2018)]) == []  # another year
    assert group_halves([_text_half(), _table_half(unit="江苏省政协办公厅")]) == []  # another unit
    final = D(T("expenditure", R("TOTAL", "总计", total="1.00")), unit_name="江苏省委办公厅", kind=DocKind.FINAL)
    assert group_halves([_text_half(), final]) == []  # 决算 tables do not complete a 预算 narrative
    whole = D(T("expenditure", R("TOTAL", "总计", total="1.00")), narrative=(S("overview", text="说明。"),),
              unit_name="江苏省委办公厅", year=2019)
    assert group_halves([_text_half(), whole]) == []  # a complete file is nobody's half


def test_ambiguous_halves_are_left_alone_until_a_better_match_settles_them() -> None:
    # two 表格 files fit one 文本 file equally well: neither is chosen
    assert group_halves([_text_half(), _table_half("t1"), _table_half("t2")]) == []
    # a 文本 file whose unit is unknown fits a 表格 file of the same year only when it prints its name
    nameless = _text_half(unit=None)
    assert group_halves([nameless, _table_half(unit="江苏省政协办公厅", year=2019)]) == []
    # the pair that shares unit and year is taken first, which leaves the other pair unambiguous
    files = [_text_half("x", year=2019), _table_half("y", year=2019), _text_half("z", unit=None, year=2019),
             _table_half("w", unit="江苏省委办公厅", year=2019)]
    assert group_halves(files) == []  # z prints no unit name at all: it stays alone
    assert (0, 1) in group_halves(files[:2])


def test_merged_view_takes_tables_from_one_half_and_narrative_from_the_other() -> None:
    text, tables = _text_half(), _table_half()
    view = merge([text, tables])
    assert view.meta.doc == "a-wenben+a-biaoge" and view.meta.year == 2019 and view.meta.scope == "部门"
    assert view.tables == tables.tables
    assert [(s.heading, s.text) for s in view.narrative] == [(s.heading, s.text) for s in text.narrative]
    # the narrative's statements are linked again, to the other half's tables
    (f,) = view.narrative[0].figures
    assert f.refers_to == ("expenditure", "TOTAL", "project")
    assert [c.refers_to for c in view.claims] == [("expenditure", "TOTAL", "project")]
    assert parts_of(view) == {TABLES, NARRATIVE}


def test_publication_is_checked_as_one_and_findings_name_their_file() -> None:
    text, tables = _text_half(), _table_half()
    # alone, the 文本 file cannot compare its 3.50 with the table, and is not blamed for having no table
    alone = check_disclosure(text, Config(select=("NAR001", "COV001", "COV002")))
    assert not alone.findings
    assert {e.status for e in alone.coverage if e.rule.startswith("COV")} == {Status.INSUFFICIENT_DATA}
    rep = check_publication([FileToCheck(text, "a-wenben.pdf"), FileToCheck(tables, "a-biaoge.pdf")],
                            Config(select=("NAR001", "COV001", "TXT001")))
    (f,) = rep.findings
    assert f.rule == "NAR001" and "3.50" in f.message and f.location.doc == "a-wenben"
    assert [m.doc for m in rep.members] == ["a-wenben", "a-biaoge"]
    by_rule = {(e.rule, e.doc): e.status for e in rep.coverage}
    assert by_rule[("COV001", "a-wenben+a-biaoge")] == Status.PASSED
    assert by_rule[("TXT001", "a-biaoge")] == Status.NOT_APPLICABLE  # the 表格 file has no narrative


def test_check_files_keeps_the_order_and_checks_the_rest_alone() -> None:
    other = D(T("expenditure", R("TOTAL", "总计", total="1.00")), narrative=(S("overview", text="说明。"),), doc="o")
    reports = check_files([FileToCheck(other), FileToCheck(_text_half()), FileToCheck(_table_half())],
                          Config(select=("COV001",)))
    assert [r.doc for r in reports] == ["o", "a-wenben+a-biaoge"]


@pytest.mark.slow
def test_real_jiangsu_halves_are_checked_as_one_publication() -> None:
    files = [str(REAL / "131_js-shengweibgt-2019-bumen-yusuan-wenben.pdf"),
             str(REAL / "132_js-shengweibgt-2019-bumen-yusuan-biaoge.pdf")]
    res = CliRunner().invoke(check_command, [*files, "--format", "json", "--select", "COV,NAR001,COD"])
    (doc,) = json.loads(res.stdout)["documents"]
    assert [m["doc"][:3] for m in doc["publication"]] == ["131", "132"]
    assert not [f for f in doc["findings"] if f["rule"].startswith("COV")]
    assert "作为 1 份公开合并检查" in res.stderr
    text = CliRunner().invoke(check_command, files).stdout
    assert "作为一份公开检查" in text and "仅文字说明" in text and "仅表格" in text
