"""Classification code lists (政府收支分类科目) by edition, and name <-> code resolution.

The bundled lists (``yusuan/data/codes``) hold the current edition, partial: an unknown but
well-formed code is information for the coverage ledger, never a finding. ``editions.csv``
holds what changed between editions (2017–2026): names a code carried in earlier years, codes
that appeared or went away. Each row says where it comes from: ``doc:<ids>`` for code/name pairs
printed in the shared real documents, ``confirmed`` for the project's verified rows, ``K`` for
general knowledge not confirmed by a document (a hint).

    >>> name_of("210", 2018)
    '医疗卫生与计划生育支出'
    >>> name_of("210", 2025)
    '卫生健康支出'
    >>> codes_for_name("卫生健康(类)", 2025)
    ('210',)
    >>> codes_for_name("行政运行", 2025, parent="医疗保障管理事务")
    ('2101501',)
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from yusuan.text import squash, strip_numbering

FUNC = "func"  # 支出功能分类
DEPT_ECON = "dept_econ"  # 部门预算支出经济分类
GOV_ECON = "gov_econ"  # 政府预算支出经济分类
KINDS = (FUNC, DEPT_ECON, GOV_ECON)

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


@dataclass(frozen=True)
class Edition:
    """A name a code carried over a span of years (either end open)."""

    code: str
    name: str
    from_year: int | None
    to_year: int | None
    verified: bool
    note: str = ""

    def covers(self, year: int) -> bool:
        return (self.from_year is None or self.from_year <= year) and (self.to_year is None or year <= self.to_year)


@cache
def code_list(kind: str) -> dict[str, Code]:
    """The current edition of one classification (partial)."""
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


@cache
def editions(kind: str) -> dict[str, tuple[Edition, ...]]:
    """code -> the names it carried, oldest first (codes without changes are absent)."""
    out: dict[str, list[Edition]] = {}
    with resources.files("yusuan.data.codes").joinpath("editions.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["kind"] != kind:
                continue
            out.setdefault(row["code"], []).append(Edition(
                code=row["code"], name=row["name"],
                from_year=int(row["from_year"]) if row["from_year"] else None,
                to_year=int(row["to_year"]) if row["to_year"] else None,
                verified=row["provenance"] != "K", note=row["note"]))
    return {c: tuple(sorted(es, key=lambda e: e.from_year or 0)) for c, es in out.items()}


# --------------------------------------------------------------------------- shape


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


def malformed(code: str, printed: str | None = None) -> str | None:
    """Why a printed classification code cannot be right (Chinese), or None. ``printed`` is the
    code as printed in split cells ("301 2"): each 款/项 part has two digits."""
    if printed:
        parts = printed.split()
        if len(parts) > 1 and parts[0].isdigit() and all(p.isdigit() for p in parts):
            if len(parts[0]) != 3:
                return f"类编码“{parts[0]}”应为 3 位"
            short = next((p for p in parts[1:] if len(p) != 2), None)
            if short is not None:
                hint = f"（如“0{short}”）" if len(short) == 1 else ""
                return f"款/项编码“{short}”应为 2 位{hint}"
    if not code.isdigit():
        return None
    if kind_of(code) is not None:
        return None
    if len(code) in (3, 5, 7):
        return f"“{code}”的类编码不是 2xx（功能分类）、3xx 或 5xx（经济分类）"
    return f"“{code}”不是 3、5 或 7 位的科目编码"


# --------------------------------------------------------------------------- lookup by code


def lookup(code: str) -> Code | None:
    kind = kind_of(code)
    return code_list(kind).get(code) if kind else None


def names_of(code: str, year: int | None = None) -> tuple[str, ...]:
    """The names a code may carry in that year's edition (every known name when the year is
    not given, both neighbours when the year falls between two known spans)."""
    kind = kind_of(code)
    if kind is None:
        return ()
    current = code_list(kind).get(code)
    history = editions(kind).get(code, ())
    if year is None:
        return tuple(dict.fromkeys([*(e.name for e in history), *([current.name] if current else [])]))
    covering = [e.name for e in history if e.covers(year)]
    if covering:
        return tuple(dict.fromkeys(covering))
    if not history:
        return (current.name,) if current else ()
    before = [e for e in history if e.to_year is not None and e.to_year < year]
    after = [e for e in history if e.from_year is not None and e.from_year > year]
    if not before and after:
        return ()  # the code did not exist yet
    names = [*(e.name for e in before[-1:]), *(e.name for e in after[:1])]
    if not after and current:
        names.append(current.name)
    return tuple(dict.fromkeys(names))


def name_of(code: str, year: int | None = None) -> str | None:
    """The code's name in that year's edition (the current one when no year is given); None
    when unknown, or when the year falls where the lists cannot tell between two names."""
    if year is None:
        known = lookup(code)
        return known.name if known else None
    names = names_of(code, year)
    return names[0] if len(names) == 1 else None


@dataclass(frozen=True)
class Rename:
    code: str
    old: str  # the name as printed (an earlier edition's)
    new: str  # the name in the document's year
    until: int  # last year the old name is known in use
    since: int  # first year the new name is confirmed


def outdated(code: str, name: str, year: int) -> Rename | None:
    """The printed name is an earlier edition's name of this code, and that year's edition is
    known to call it otherwise (only renames confirmed by a dated document count)."""
    kind = kind_of(code)
    if kind is None:
        return None
    key = normalize_name(name)
    history = editions(kind).get(code, ())
    for old in history:
        if old.to_year is None or old.to_year >= year or not _same(key, normalize_name(old.name)):
            continue
        new = next((e for e in history if e.covers(year) and e.verified and e.from_year is not None
                    and not _same(key, normalize_name(e.name))), None)
        if new is not None:
            return Rename(code, name, new.name, old.to_year, new.from_year or year)
    return None


# --------------------------------------------------------------------------- names


def normalize_name(name: str) -> str:
    """A 科目 name reduced for comparison: numbering, spaces, width, brackets, 其它/其他 and
    the (类)/(款)/(项) markers removed or unified."""
    s = squash(strip_numbering(squash(name)))
    s = s.replace("其它", "其他").replace("（", "(").replace("）", ")")
    s = re.sub(r"\((?:类|款|项)\)", "", s)
    return s.strip("\"'")


def _same(a: str, b: str) -> bool:
    """Two normalised names are the same name (a trailing 支出 is often left off)."""
    return a == b or a.removesuffix("支出") == b.removesuffix("支出")


def _kinds(kind: str | None) -> Iterable[str]:
    return (kind,) if kind else KINDS


def codes_for_name(name: str, year: int | None = None, kind: str | None = None,
                   parent: str | None = None) -> tuple[str, ...]:
    """The codes that carry this name (in that year's edition when a year is given; any
    edition's name when none does), optionally only under a parent given as a code or a name
    ("行政运行" under "医疗保障管理事务" is 2101501)."""
    key = normalize_name(name)
    if not key:
        return ()
    parents: tuple[str, ...] = ()
    if parent:
        parents = (parent,) if parent.isdigit() else codes_for_name(parent, year, kind)
        if not parents:
            return ()

    def under(code: str) -> bool:
        return not parents or any(code.startswith(p) and len(code) > len(p) for p in parents)

    for y in ((year, None) if year is not None else (None,)):
        found = [c for k in _kinds(kind) for c in _all_codes(k)
                 if under(c) and any(_same(key, normalize_name(n)) for n in names_of(c, y))]
        if found:
            return tuple(sorted(set(found)))
    return ()


@cache
def _all_codes(kind: str) -> tuple[str, ...]:
    return tuple(sorted(set(code_list(kind)) | set(editions(kind))))


# --------------------------------------------------------------------------- loose matching


# Old names of renamed classes, for loose matching (names_match, function_class_from_name).
_SYNONYMS = {
    "文化体育与传媒支出": "文化旅游体育与传媒支出",
    "国土海洋气象等支出": "自然资源海洋气象等支出",
    "资源勘探信息等支出": "资源勘探工业信息等支出",
    "医疗卫生与计划生育支出": "卫生健康支出",
}


def _canonical_name(name: str) -> str:
    s = normalize_name(name)
    return _SYNONYMS.get(s, s)


def names_match(a: str, b: str) -> bool:
    """Loose: the same name across editions, or one an abbreviation contained in the other."""
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
