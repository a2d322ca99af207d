"""Segmentation: titles, numbers, block ends, merged repeats, table-of-contents lines."""

from __future__ import annotations

from pathlib import Path

from yusuan.ingest.text import lines_from_text, read_text
from yusuan.parsing.segment import segment

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


T = "\t"


def blocks_of(text: str):
    layout, diagnostics = segment(lines_from_text(text))
    return layout, diagnostics


def test_title_with_number_line_and_narrative_end() -> None:
    layout, _ = blocks_of("\n".join([
        "目 录", "- 一、单位收支总体情况表", "- 二、单位收入总体情况表",
        "表 3", "", "单位支出总体情况表", "单位：万元",
        T.join(["科目编码", "科目名称", "合计"]), T.join(["210", "卫生健康支出", "1.00"]),
        "第三部分 2025 年单位预算情况说明",
        "一、关于某局 2025 年收支预算情况总体说明",
        "单位支出总体情况表为空表。",
    ]))
    assert [(b.table_id, b.number, b.title) for b in layout.blocks] == [("expenditure", "表3", "单位支出总体情况表")]
    block = layout.blocks[0]
    assert [ln.no for ln in block.lines if ln.grid] == [8, 9]
    narrative = [ln.text for ln in layout.narrative]
    assert "第三部分 2025 年单位预算情况说明" in narrative and "单位支出总体情况表为空表。" in narrative
    assert "- 一、单位收支总体情况表" in narrative  # a contents line, not a title


def test_title_repeated_on_next_page_is_merged() -> None:
    page = ["表5", "一般公共预算支出明细表（按支出功能分类科目）", "单位：元",
            T.join(["功能科目编码", "功能科目名称", "合计"])]
    layout, _ = blocks_of("\n".join([*page, T.join(["208", "社会保障和就业支出", "1"]),
                                     *page, T.join(["221", "住房保障支出", "2"])]))
    assert len(layout.blocks) == 1
    assert sum(1 for ln in layout.blocks[0].lines if ln.grid) == 4


def test_performance_tables_are_not_merged() -> None:
    page = ["表13", "单位预算专项业务经费绩效目标表", T.join(["项目名称", "", "某项目"])]
    layout, _ = blocks_of("\n".join(page + page))
    assert [b.table_id for b in layout.blocks] == ["performance_project", "performance_project"]


def test_catalogue_block_needs_its_header() -> None:
    layout, _ = blocks_of("\n".join(["目录", T.join(["报表", "报表名称", "是否空表", "公开空表理由"]),
                                     T.join(["表1", "单位综合预算收支总表", "否", ""])]))
    assert [b.table_id for b in layout.blocks] == ["catalogue"]
    layout, _ = blocks_of("\n".join(["目录", "第一部分 单位概况"]))
    assert layout.blocks == ()


def _ids(prefix: str) -> list[str]:
    path = seed(prefix)
    layout, _ = segment(read_text(path.read_bytes()).lines)
    return [b.table_id for b in layout.blocks]


def test_seed_blocks() -> None:
    assert _ids("000") == ["summary", "income", "expenditure", "fiscal_summary", "gpb_expenditure", "gpb_basic_econ",
                           "gpb_project", "gov_fund", "state_capital", "three_public", "carryover",
                           "performance_unit", "performance_project", "performance_project"]
    ids_002 = _ids("002")
    assert ids_002[:9] == ["catalogue", "summary", "fiscal_summary", "gpb_expenditure", "gpb_econ",
                           "gpb_basic_func", "gpb_basic_econ", "gov_fund", "special_projects"]
    assert ids_002.count("performance_project") == 7
    assert _ids("001")[:6] == ["summary", "income", "expenditure", "fiscal_summary", "gpb_expenditure",
                               "gpb_basic_econ"]
    assert _ids("004")[:11] == ["summary", "income", "expenditure", "fiscal_summary", "gpb_expenditure",
                                "gpb_basic_econ", "gpb_project", "gov_fund", "state_capital", "three_public",
                                "carryover"]


def test_last_contents_line_before_narrative_is_not_a_table() -> None:
    layout, _ = blocks_of("\n".join([
        "目录", "1. 2025年部门财务收支预算总表", "2. 2025年部门收入预算总表",
        "一、部门主要职能",
        "本部门 2025 年收入预算 227.23 万元，支出预算 227.23 万元。",
        "2025年部门收入预算总表", "单位：元",
        T.join(["科目编码", "科目名称", "合计"]), T.join(["210", "卫生健康支出", "100"]),
    ]))
    assert [(b.table_id, b.title_line.no) for b in layout.blocks] == [("income", 6)]
