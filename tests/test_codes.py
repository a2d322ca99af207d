"""yusuan.codes: code lists by edition and name <-> code resolution."""

from __future__ import annotations

import csv
from importlib import resources
from itertools import pairwise

import pytest

from yusuan.codes import (
    DEPT_ECON,
    FUNC,
    code_list,
    codes_for_name,
    editions,
    function_class_from_name,
    malformed,
    name_of,
    names_match,
    names_of,
    normalize_name,
    outdated,
)


def test_names_follow_the_edition_of_the_year() -> None:
    assert name_of("210", 2018) == "医疗卫生与计划生育支出"
    assert name_of("210", 2019) == name_of("210", 2025) == name_of("210") == "卫生健康支出"
    assert name_of("207", 2017) == "文化体育与传媒支出" and name_of("207", 2024) == "文化旅游体育与传媒支出"
    assert name_of("30307", 2017) == "医疗费" and name_of("30307", 2024) == "医疗费补助"
    assert name_of("30311", 2017) == "住房公积金" and name_of("30113", 2019) == "住房公积金"


def test_codes_that_did_not_exist_yet_have_no_name() -> None:
    assert name_of("224", 2017) is None and name_of("224", 2019) == "灾害防治及应急管理支出"
    assert names_of("30113", 2017) == ()


def test_a_rename_year_the_documents_do_not_date_gives_both_names() -> None:
    # 215 is 资源勘探信息等支出 in 2019 documents and 资源勘探工业信息等支出 in 2024 ones
    assert set(names_of("215", 2021)) == {"资源勘探信息等支出", "资源勘探工业信息等支出"}
    assert name_of("215", 2021) is None


def test_codes_for_name_normalises_and_resolves_parents() -> None:
    assert codes_for_name("卫生健康(类)", 2025) == ("210",)
    assert codes_for_name("社会保障和就业（类）") == ("208",)
    assert codes_for_name(" 卫 生 健 康 支 出 ") == ("210",)
    assert codes_for_name("其它工资福利支出", kind=DEPT_ECON) == ("30199",)
    assert codes_for_name("行政运行", 2025, parent="医疗保障管理事务") == ("2101501",)
    assert codes_for_name("行政运行", 2025, parent="21011") == ()
    assert len(codes_for_name("行政运行", 2025, kind=FUNC)) > 3  # a name many 款 share


def test_codes_for_name_finds_old_names_and_the_year_decides() -> None:
    assert codes_for_name("医疗卫生与计划生育支出", 2025) == ("210",)  # any edition when the year's has none
    assert codes_for_name("住房公积金", 2017, kind=DEPT_ECON) == ("30311",)
    assert "30113" in codes_for_name("住房公积金", 2020, kind=DEPT_ECON)


def test_outdated_only_for_renames_dated_by_documents() -> None:
    r = outdated("210", "医疗卫生与计划生育支出", 2024)
    assert r is not None and r.new == "卫生健康支出" and r.since == 2019
    assert outdated("210", "医疗卫生与计划生育支出", 2018) is None
    assert outdated("210", "卫生健康支出", 2024) is None
    assert outdated("215", "资源勘探信息等支出", 2021) is None  # renamed some time in 2020–2024
    assert outdated("215", "资源勘探信息等支出", 2024) is not None


@pytest.mark.parametrize(("code", "printed", "bad"), [
    ("71102", None, True),  # 类 printed as "7"
    ("30102", "301 2", True),  # 款 printed with one digit
    ("30102", "301 02", False),
    ("2101550", None, False),  # well-formed, whether or not the lists hold it
    ("2101", None, True),
    ("TOTAL", None, False),
])
def test_malformed(code: str, printed: str | None, bad: bool) -> None:
    assert (malformed(code, printed) is not None) == bad


def test_existing_helpers_keep_working() -> None:
    assert names_match("医疗卫生与计划生育支出", "卫生健康支出")
    assert names_match("一般公共服务", "一般公共服务支出")
    assert function_class_from_name("十、卫生健康支出") == "210"
    assert function_class_from_name("医疗卫生与计划生育支出") == "210"
    assert normalize_name("（二）因公出国（境）费用") == "因公出国(境)费用"


def test_lists_and_editions_are_consistent() -> None:
    for kind in (FUNC, DEPT_ECON):
        codes = code_list(kind)
        for c in codes.values():
            assert c.parent is None or c.parent in codes, c
            assert c.level == {3: 1, 5: 2, 7: 3}[len(c.code)]
        for code, history in editions(kind).items():
            spans = [(e.from_year or 0, e.to_year or 9999) for e in history]
            assert all(a[1] < b[0] for a, b in pairwise(spans)), (code, spans)
    base = resources.files("yusuan.data.codes")
    with base.joinpath("func_classification.provenance.csv").open(encoding="utf-8") as fh:
        provenance = {r["code"]: r["provenance"] for r in csv.DictReader(fh)}
    assert set(provenance) == set(code_list(FUNC))
    assert all(p == "K" or p == "confirmed" or p.startswith("doc:") for p in provenance.values())
