"""Document metadata from the seeds and from small inline covers."""

from __future__ import annotations

from pathlib import Path

import pytest

from yusuan.ingest.document import SourceDocument
from yusuan.ingest.text import lines_from_text, read_text
from yusuan.model import DocKind, MoneyUnit
from yusuan.parsing.meta import extract_meta

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def meta_of(text: str):
    return extract_meta(SourceDocument(path=None, format="text", lines=lines_from_text(text)), "t")


@pytest.mark.parametrize(("prefix", "name", "code", "year", "scope"), [
    ("000", "且末县医疗保障局", None, 2025, "部门"),
    ("001", "兴隆县医疗保障局本级", "362001", 2025, "单位"),
    ("002", "吴堡县医疗保险服务中心", None, 2024, "单位"),
    ("004", "和静县医疗保障局", None, 2025, "单位"),
])
def test_seed_meta(prefix: str, name: str, code: str | None, year: int, scope: str) -> None:
    path = seed(prefix)
    meta, diagnostics = extract_meta(read_text(path.read_bytes(), str(path)), path.stem)
    assert (meta.unit_name, meta.unit_code, meta.year, meta.scope) == (name, code, year, scope)
    assert meta.kind is DocKind.BUDGET and meta.narrative_unit is MoneyUnit.WAN
    assert not diagnostics


def test_final_accounts_and_yuan_narrative() -> None:
    meta, _ = meta_of("某某县财政局 2023 年部门决算公开\n本部门 2023 年收入 1200 元，支出 1100 元。")
    assert meta.kind is DocKind.FINAL and meta.year == 2023 and meta.scope == "部门"
    assert meta.unit_name == "某某县财政局" and meta.narrative_unit is MoneyUnit.YUAN


def test_missing_name_is_a_diagnostic() -> None:
    meta, diagnostics = meta_of("预算公开\n一些文字。")
    assert meta.unit_name is None and meta.year is None
    assert {d.code for d in diagnostics} == {"P010", "P011"}


def test_cover_title_wrapped_over_lines() -> None:
    meta, _ = meta_of("上海市普陀区规划和自然\n资源局\n2024 年度部门决算\n目 录\n第一部分 概况")
    got = (meta.unit_name, meta.year, meta.kind, meta.scope)
    assert got == ("上海市普陀区规划和自然资源局", 2024, DocKind.FINAL, "部门")


def test_labelled_unit_before_a_unit_of_money() -> None:
    meta, _ = meta_of("收支预算总表\n部门:中国共产党江苏省委员会办公厅单位:万元\n2017年度部门预算")
    assert meta.unit_name == "中国共产党江苏省委员会办公厅" and meta.year == 2017
