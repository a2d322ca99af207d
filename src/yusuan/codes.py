"""Classification code lists (政府收支分类科目), bundled from the project's partial lists.

The lists are incomplete: an unknown code is information, never an error. Names changed
between editions, so name matching is loose (see ``names_match``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from yusuan.text import squash, strip_numbering

FUNC = "func"  # 支出功能分类
DEPT_ECON = "dept_econ"  # 部门预算支出经济分类
GOV_ECON = "gov_econ"  # 政府预算支出经济分类

_FILES = {
    FUNC: "func_classification.csv",
    DEPT_ECON: "dept_econ_classification.csv",
    GOV_ECON: "gov_econ_classification.csv",
}


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    level: int
    parent: str | None
    verified: bool  # False where provenance is "K" (not confirmed by a retrieved document)


@cache
def code_list(kind: str) -> dict[str, Code]:
    base = resources.files("yusuan.data.codes")
    provenance: dict[str, str] = {}
    prov_name = _FILES[kind].replace(".csv", ".provenance.csv")
    with base.joinpath(prov_name).open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            provenance[row["code"]] = row["provenance"]
    out: dict[str, Code] = {}
    with base.joinpath(_FILES[kind]).open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[row["code"]] = Code(
                code=row["code"],
                name=row["name"],
                level=int(row["level"]),
                parent=row["parent"] or None,
                verified=provenance.get(row["code"], "K") != "K",
            )
    return out


def kind_of(code: str) -> str | None:
    """Which classification a code belongs to, from its shape: 功能 类 are 2xx, 部门经济 3xx/
    39x, 政府经济 5xx (and 599)."""
    if not code.isdigit():
        return None
    head = code[0]
    if head == "2" and len(code) in (3, 5, 7):
        return FUNC
    if head == "3" and len(code) in (3, 5):
        return DEPT_ECON
    if head == "5" and len(code) in (3, 5):
        return GOV_ECON
    return None


def level_of(code: str) -> int | None:
    """类 1, 款 2, 项 3 from the code's length."""
    return {3: 1, 5: 2, 7: 3}.get(len(code)) if code.isdigit() else None


def parent_of(code: str) -> str | None:
    if not code.isdigit() or len(code) <= 3:
        return None
    return code[:-2]


def lookup(code: str) -> Code | None:
    kind = kind_of(code)
    return code_list(kind).get(code) if kind else None


# Old names that were renamed in later editions, for loose matching.
_SYNONYMS = {
    "文化体育与传媒支出": "文化旅游体育与传媒支出",
    "国土海洋气象等支出": "自然资源海洋气象等支出",
    "资源勘探信息等支出": "资源勘探工业信息等支出",
    "医疗卫生与计划生育支出": "卫生健康支出",
}


def _canonical_name(name: str) -> str:
    s = squash(strip_numbering(name))
    s = s.replace("（", "(").replace("）", ")")
    for suffix in ("(类)", "(款)", "(项)"):
        s = s.replace(suffix, "")
    return _SYNONYMS.get(s, s)


def names_match(a: str, b: str) -> bool:
    ca, cb = _canonical_name(a), _canonical_name(b)
    return ca == cb or (len(ca) >= 4 and len(cb) >= 4 and (ca in cb or cb in ca))


@cache
def _func_class_by_name() -> dict[str, str]:
    return {_canonical_name(c.name): c.code for c in code_list(FUNC).values() if c.level == 1}


def function_class_from_name(name: str) -> str | None:
    """The 功能 类 code of a row printed with a name only ("十、卫生健康支出" -> "210")."""
    return _func_class_by_name().get(_canonical_name(name))


@cache
def _econ_class_by_name() -> dict[str, str]:
    return {_canonical_name(c.name): c.code for c in code_list(DEPT_ECON).values()}


def econ_code_from_name(name: str) -> str | None:
    """The 部门经济分类 code of a name ("工资福利支出" -> "301"), where the name is exact."""
    return _econ_class_by_name().get(_canonical_name(name))
