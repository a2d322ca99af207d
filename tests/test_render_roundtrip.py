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
