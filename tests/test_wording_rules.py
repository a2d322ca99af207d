"""Wording and template rules: what must stay quiet (reading artefacts, legitimate wording) and
what they report, on small inline documents."""

from __future__ import annotations

from tests.audit_builders import D, S, T
from tests.audit_cases_wording import with_source
from yusuan.audit import Config, Status, check_disclosure
from yusuan.model import Severity


def _run(code: str, fixture, **kw):  # type: ignore[no-untyped-def]
    d, lines = fixture if isinstance(fixture, tuple) else (fixture, ())
    return check_disclosure(d, Config(select=(code,)), lines=lines, **kw)


def _said(text: str, heading: str = "一、收支预算总体情况说明", **meta: object):  # type: ignore[no-untyped-def]
    return D(narrative=(S("overview", heading=heading, text=text),), **meta)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- numbering


def test_numbering_gap_is_not_reported_when_the_item_was_joined_into_a_paragraph() -> None:
    # the parser joined "三、…" into the paragraph before it: the source text has it
    d, lines = with_source(("一、收入", "收入 1 万元。"), ("二、支出", "支出 1 万元。三、结转情况 无。"),
                           ("四、采购", "无。"))
    assert not _run("TXT004", (d, lines)).findings


def test_numbering_gap_is_not_reported_when_the_item_is_a_table_title_in_the_source() -> None:
    d, lines = with_source(("一、收入", "收入 1 万元。"), ("二、支出", "支出 1 万元。"), ("四、采购", "无。"))
    lines = (*lines[:4], (99, "三、政府性基金预算支出表"), *lines[4:])
    lines = tuple(sorted(((n if n != 99 else 4), t) for n, t in lines))
    assert not _run("TXT004", (d, lines)).findings


def test_numbering_that_restarts_is_a_new_list() -> None:
    d, lines = with_source(("一、收入", "1.财政拨款 1 万元。\n2.其他 0 万元。"),
                           ("二、支出", "1.基本支出。\n2.项目支出。"))
    rep = _run("TXT004", (d, lines))
    assert not rep.findings and rep.coverage[0].status == Status.PASSED


def test_numbering_gap_inside_a_paragraph_list_is_reported() -> None:
    d, lines = with_source(("一、收入", "1.财政拨款 1 万元。\n2.事业收入 0 万元。\n4.其他收入 0 万元。"))
    (f,) = _run("TXT004", (d, lines)).findings
    assert "“2.”" in f.message and "“4.”" in f.message and "缺“3.”" in f.message


def test_numbering_needs_the_source_text() -> None:
    d, _ = with_source(("一、收入", "收入。"), ("三、采购", "无。"))
    rep = _run("TXT004", d)
    assert rep.coverage[0].status == Status.INSUFFICIENT_DATA and not rep.findings


# ----------------------------------------------------------------------------- cut-off sentences


def test_sentence_that_goes_on_after_a_page_break_is_not_cut_off() -> None:
    d, lines = with_source(("十、政府性基金", "与上年相比增加(减少) 0 万元，增长(减"),
                           ("十一、机关运行经费", "1 万元。"))
    # the source text goes on: the page number, then the rest of the sentence, then the heading
    lines = (*lines[:2], (3, "- 28 -"), (4, "少) 0 %。主要原因是无此项支出。"), (5, "十一、机关运行经费"),
             (6, "1 万元。"))
    assert not _run("TXT005", (d, lines)).findings
    # without the rest of the sentence in the source text, the same paragraph is cut off
    cut = (*lines[:2], (3, "- 28 -"), (4, "十一、机关运行经费"), (5, "1 万元。"))
    (f,) = _run("TXT005", (d, cut)).findings
    assert "增长(减" in f.message and "十一、机关运行经费" in f.message


def test_list_opener_before_a_heading_is_not_cut_off() -> None:
    d, lines = with_source(("一、支出", "支出预算 10 万元，其中"), ("(一)基本支出", "8 万元。"))
    assert not _run("TXT005", (d, lines)).findings


# ----------------------------------------------------------------------------- brackets, quotes


def test_brackets_balanced_across_a_page_break_and_list_items_are_fine() -> None:
    text = "平均得分 99 分(其中优秀 3 个,\n良好 0 个)。\n1)基本支出。"
    d = D(narrative=(S("overview", heading="一、说明", text=text),))
    assert not _run("TXT002", d).findings


def test_odd_number_of_quotes_is_reported() -> None:
    (f,) = _run("TXT002", _said("“三公”经费 2 万元，“会议费 1 万元。")).findings
    assert "引号" in f.message and f.severity == Severity.WARNING


# ----------------------------------------------------------------------------- 部门/单位


def test_unit_words_that_are_not_self_designations_stay_quiet() -> None:
    text = "纳入本部门预算的预算单位 3 个，下属单位 2 个；按部门预算支出经济分类，部门(单位)公用经费 1 万元。"
    rep = _run("TXT003", _said(text, heading="第一部分 2025年部门概况", scope="部门"))
    assert not rep.findings and rep.coverage[0].status == Status.PASSED


def test_self_reference_in_the_other_scope_is_information() -> None:
    (f,) = _run("TXT003", _said("本部门 2025 年预算绩效目标 1 个。", heading="第一部分 2025年单位概况",
                                scope="单位")).findings
    assert f.severity == Severity.INFO and "本部门" in f.message


def test_scope_unknown_is_not_applicable() -> None:
    assert _run("TXT003", _said("本单位。")).coverage[0].status == Status.NOT_APPLICABLE


# ----------------------------------------------------------------------------- template text


def test_template_alternatives_in_one_section_are_one_finding() -> None:
    text = "1.其他收入0万元，与上年相比增加(减少)0万元。\n2.结转0万元，与上年相比增加（减少）0万元，增长（降低）0%。"
    (f,) = _run("TPL002", _said(text)).findings
    assert "共 3 处" in f.message and f.quote


def test_template_alternative_in_brackets() -> None:
    (f,) = _run("TPL002", _said("2025 年未安排购置车辆经费（或安排购置车辆经费 0 万元）。")).findings
    assert "或安排购置车辆经费" in f.message


def test_instruction_words_in_ordinary_sentences_stay_quiet() -> None:
    text = "负责受理申请、提请常委会审议、邀请代表列席；采购品目按《政府采购品目分类目录》规定品目名称填写。"
    assert not _run("TPL003", _said(text)).findings


def test_template_instruction_to_preparer_is_reported() -> None:
    (f,) = _run("TPL003", _said("本表反映部门年度总体收入预算情况。填列数应与《收支预算总表》收入数一致。")).findings
    assert "填列数应与" in f.message


def test_dots_alone_are_a_placeholder_only_beside_other_placeholders() -> None:
    lines = ((1, "目  录"), (2, "........................"), (3, "一、部门概况"))
    assert not check_disclosure(D(), Config(select=("TPL001",)), lines=lines).findings
    lines = ((1, "1 XX 业务培训 202X 年 X 月"), (2, "...."), (3, "六、国有资产"))
    (f,) = check_disclosure(D(), Config(select=("TPL001",)), lines=lines).findings
    assert "连续 2 行" in f.message


# ----------------------------------------------------------------------------- periods


def test_multi_year_period_covering_the_year_and_asset_dates_are_fine() -> None:
    text = "项目实施周期：2024年—2026年。截至2024年12月31日，本单位共有车辆 2 辆。"
    assert not _run("TXT006", _said(text, heading="五、项目情况")).findings


def test_period_ending_before_it_starts_is_reported() -> None:
    (f,) = _run("TXT006", _said("项目起止时间：2025年12月1日至2025年1月31日。")).findings
    assert "早于" in f.message


# ----------------------------------------------------------------------------- parts


def test_text_rules_do_not_apply_to_a_tables_file() -> None:
    d = D(T("gov_fund", empty=True, reason="无"))
    rep = check_disclosure(d, Config(select=("TXT001", "TPL002")))
    assert {e.status for e in rep.coverage} == {Status.NOT_APPLICABLE}


def test_findings_get_the_page_of_their_line() -> None:
    d, lines = with_source(("一、说明", "减少了该项支出。。"))
    (f,) = check_disclosure(d, Config(select=("TXT001",)), lines=lines, pages={2: 7}).findings
    assert f.location.source.page == 7 and f.location.source.line == 2 and "。。" in f.quote
