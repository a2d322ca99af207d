"""Document metadata from the seeds and from small inline covers."""

from __future__ import annotations

from pathlib import Path

import pytest

from yusuan.ingest.document import SourceDocument
from yusuan.ingest.text import lines_from_text, read_text
from yusuan.model import DocKind, MoneyUnit
from yusuan.parsing import parse_document
from yusuan.parsing.meta import extract_meta, unit_key

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


# --------------------------------------------------------------------------- files of one publication


def test_tables_only_file_takes_year_and_scope_from_its_titles_and_captions() -> None:
    meta, diagnostics = meta_of("\n".join([
        "收支预算总表", "部门:某某省某某厅 单位:万元", "收入\t支出", "合计\t10.00",
        "2019年政府采购预算表", "部门:某某省某某厅 单位:万元"]))
    assert (meta.unit_name, meta.year, meta.kind, meta.scope) == ("某某省某某厅", 2019, DocKind.BUDGET, "部门")
    assert not diagnostics


def test_unit_named_only_by_a_sentence_of_the_narrative() -> None:
    meta, _ = meta_of("目 录\n第一部分 部门概况\n某某省政协办公厅 2019 年度收入、支出预算总计 13.11 万元。")
    assert meta.unit_name == "某某省政协办公厅" and meta.year == 2019


@pytest.mark.parametrize(("a", "b"), [
    ("中国共产党江苏省委员会办公厅", "江苏省委办公厅"),
    ("中共江苏省委办公厅", "江苏省委办公厅"),
    ("中国人民政治协商会议江苏省委员会办公厅", "江苏省政协办公厅"),
    ("江苏省人民代表大会常务委员会办公厅", "江苏省人大常委会办公厅"),
    ("某某县财政局（本级）", "某某县财政局"),
    ("某某 县 财政局", "某某县财政局"),
])
def test_unit_key_compares_official_and_short_names(a: str, b: str) -> None:
    assert unit_key(a) == unit_key(b) != ""


def test_unit_key_keeps_different_units_apart() -> None:
    assert unit_key("江苏省政协办公厅") != unit_key("江苏省委办公厅")
    assert unit_key(None) == ""


def _parts(text: str) -> tuple[str, ...]:
    disclosure, _ = parse_document(SourceDocument(path=None, format="text", lines=lines_from_text(text)), "t")
    return disclosure.meta.parts


_TABLE = ["{title}", "单位：万元", "科目编码\t科目名称\t合计", "\t合计\t5.00", "201\t一般公共服务支出\t5.00"]
_PROSE = ["第三部分 情况说明", "一、收支预算总体情况说明",
          *(f"本部门收入预算 {i}.00 万元，比上年增加 1.00 万元。" for i in range(6))]


def test_parts_say_what_a_file_holds() -> None:
    tables = [line.format(title=title) for title in ("一般公共预算支出表", "支出总表", "收入总表") for line in _TABLE]
    assert _parts("\n".join(tables)) == ("tables",)
    assert _parts("\n".join(_PROSE)) == ("narrative",)
    assert _parts("\n".join([*tables, *_PROSE])) == ("tables", "narrative")


def test_narrative_file_listing_table_titles_holds_no_tables() -> None:
    contents = ["目 录", "一、收支预算总表", "二、收入预算总表", "三、支出预算总表", "具体公开表样附后。"]
    assert _parts("\n".join([*contents, *_PROSE])) == ("narrative",)


REAL = Path(__file__).parent / "fixtures" / "real"


@pytest.mark.slow
@pytest.mark.parametrize(("text", "tables"), [("131", "132"), ("134", "133"), ("135", "136")])
def test_both_files_of_a_real_publication_agree(text: str, tables: str) -> None:
    from yusuan.api import parse

    narrative, _ = parse(next(REAL.glob(f"{text}_*.pdf")))
    table_set, _ = parse(next(REAL.glob(f"{tables}_*.pdf")))
    assert narrative is not None and table_set is not None
    a, b = narrative.meta, table_set.meta
    assert (a.parts, b.parts) == (("narrative",), ("tables",))
    assert unit_key(a.unit_name) == unit_key(b.unit_name) != ""
    assert (a.year, a.kind, a.scope) == (b.year, b.kind, b.scope) != (None, None, None)
