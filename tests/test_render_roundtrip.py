"""Round trip: data -> rendered document -> yusuan's parser gives the same facts, exactly;
and the audit finds nothing wrong in a document rendered from clean data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests._render_sample import sample_input
from yusuan.api import parse
from yusuan.audit import check_disclosure
from yusuan.model import Severity
from yusuan.render import get_style, load_input, render
from yusuan.report.facts import facts
from yusuan.report.serialize import document_data

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def fact_set(disclosure) -> set[tuple[str, ...]]:
    return {(f.table, f.row_code, f.row_name, f.column, f.value, f.unit) for f in facts(disclosure)}


@pytest.mark.parametrize("style", ["xinjiang", "shanghai"])
@pytest.mark.parametrize("ext", ["txt", "html", "docx"])
def test_rendered_document_parses_back_to_the_same_facts(tmp_path, ext, style):
    out = tmp_path / f"out.{ext}"
    result = render(sample_input(), out, get_style(style))
    assert not result.blocked
    expected = fact_set(result.composed.disclosure)
    assert len(expected) > 90
    parsed, _ = parse(out)
    assert parsed is not None
    assert fact_set(parsed) == expected


def test_document_rendered_from_clean_data_passes_the_audit(tmp_path):
    out = tmp_path / "clean.txt"
    render(sample_input(), out, get_style("xinjiang"))
    parsed, _ = parse(out)
    report = check_disclosure(parsed)
    bad = [(f.rule, f.message) for f in report.findings if f.severity in (Severity.ERROR, Severity.WARNING)]
    assert bad == []
    # the parser reads the generated narrative back, with its shares and changes
    figures = [f for s in parsed.narrative for f in s.figures]
    assert any(f.share is not None for f in figures)
    assert any(f.change is not None and f.change.amount is not None for f in figures)


@pytest.mark.parametrize("seed", ["000_caaa6eb3116f7168", "001_2bc1f60d8e8166ed", "002_b2793ff5c3ae9612",
                                  "004_54ee49bb0a7d7931"])
def test_seed_parse_json_render_parse_keeps_every_fact(tmp_path, seed):
    original, diagnostics = parse(SEEDS / f"{seed}.txt")
    assert original is not None and original.tables
    canonical = tmp_path / "doc.json"
    canonical.write_text(json.dumps(document_data(original, diagnostics), ensure_ascii=False), encoding="utf-8")
    data, problems = load_input(canonical)
    assert data is not None and problems == ()
    assert data.prior, "last year's figures come from the document's own stated changes"
    out = tmp_path / "rendered.txt"
    result = render(data, out, get_style("xinjiang"), force=True)
    reparsed, _ = parse(out)
    assert fact_set(reparsed) == fact_set(original)
    assert result.composed is not None
    text = out.read_text(encoding="utf-8")
    assert original.meta.unit_name in text and "第四部分 名词解释" in text


def test_json_input_that_is_not_canonical_is_a_diagnostic(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"tables": 3}', encoding="utf-8")
    data, problems = load_input(bad)
    assert data is None and problems[0].code == "R004" and problems[0].severity == Severity.ERROR


def test_performance_targets_and_assets_render_and_parse_back(tmp_path):
    from dataclasses import replace
    from decimal import Decimal

    from yusuan.model import Assets, Indicator, PerformanceTarget, Vehicles
    from yusuan.render import RenderInput

    targets = (
        PerformanceTarget(scope="unit", name="且末县医疗保障局", amount=Decimal("227.24"), goal="推进全民参保",
                          indicators=(Indicator("产出指标", "数量指标", "城乡居民医疗保险参保人数", ">=49466人",
                                                Decimal("30")),
                                      Indicator("满意度指标", "满意度指标", "参保群众满意度", ">=90%", Decimal("10")))),
        PerformanceTarget(scope="project", name="全民参保及医疗服务经费项目", amount=Decimal("3.00"),
                          goal="参保率95%以上",
                          indicators=(Indicator("产出指标", "质量指标", "当年财政补助资金到位率", "=100%",
                                                Decimal("20")),)),
    )
    assets = Assets(as_of="2024年底", buildings_area=Decimal("0"), buildings_value=Decimal("0"),
                    vehicles=Vehicles(total=1, value=Decimal("16.47")), furniture_value=Decimal("7.31"),
                    other_value=Decimal("63.27"), large_equipment_50=0, large_equipment_100=0)
    base = sample_input()
    data = RenderInput(replace(base.disclosure, performance=targets, assets=assets), prior=base.prior)
    out = tmp_path / "perf.txt"
    result = render(data, out, get_style("xinjiang"))
    text = out.read_text(encoding="utf-8")
    assert "本单位编报整体绩效目标1个，编报绩效目标的项目共1个，涉及项目预算资金3.00万元" in text
    assert "2. 车辆1辆，价值16.47万元。" in text and "3. 办公家具价值7.31万元。" in text
    parsed, _ = parse(out)
    assert fact_set(parsed) == fact_set(result.composed.disclosure)  # the target tables add no facts
    got = {(t.scope, t.name): [(i.level3, i.value) for i in t.indicators] for t in parsed.performance}
    assert got == {(t.scope, t.name): [(i.level3, i.value) for i in t.indicators] for t in targets}
