"""Round trip: data -> rendered document -> yusuan's parser gives the same facts and the
same claims, exactly; and ``check`` finds nothing on the render that the input did not have.

The render checks itself (``RenderResult.check``); these tests also compare with the facts
of the original document, parsed independently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests._render_sample import sample_input
from yusuan.api import parse
from yusuan.audit import check_disclosure
from yusuan.model import Finding, Severity
from yusuan.render import get_style, load_input, render
from yusuan.render.selfcheck import fact_keys, self_check
from yusuan.report.serialize import document_data

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
# Two families of real PDFs: Shanghai (9-table set, tables in 元) and Jiangsu (公开01–12表, 万元).
REAL = [FIXTURES / "real" / "107_sh-putuo-zfbgs-2025-bumen-yusuan.pdf",
        FIXTURES / "real" / "119_js-jianchayuan-2018-bumen-yusuan.pdf"]


@pytest.mark.parametrize("style", ["xinjiang", "shanghai"])
@pytest.mark.parametrize("ext", ["txt", "html", "docx"])
def test_sample_renders_clean_and_reads_back_exactly(tmp_path, ext, style):
    out = tmp_path / f"out.{ext}"
    result = render(sample_input(), out, get_style(style))
    assert not result.blocked, (result.stop, result.check and result.check.differences(), result.findings)
    check = result.check
    assert check.exact and check.findings == ()
    assert check.facts > 90 and check.claims > 40
    assert out.exists() and result.report is None  # nothing to report
    assert not list(tmp_path.glob(".out.*"))  # the temporary file is gone


def _serious(findings: tuple[Finding, ...]) -> set[tuple[str, str, str, str]]:
    return {(f.rule, f.location.table or "", f.location.row_code or "", f.location.column or "")
            for f in findings if f.severity in (Severity.ERROR, Severity.WARNING)}


def _round_trip(source: Path, ext: str, tmp_path: Path, via_json: bool = True) -> None:
    original, diagnostics = parse(source)
    assert original is not None and original.tables
    if via_json:
        canonical = tmp_path / "doc.json"
        canonical.write_text(json.dumps(document_data(original, diagnostics), ensure_ascii=False), encoding="utf-8")
        source = canonical
    data, problems = load_input(source)
    assert data is not None and problems == ()
    out = tmp_path / f"rendered.{ext}"
    result = render(data, out, get_style("xinjiang"), force=True, fallback=True)
    assert out.exists() and result.check is not None
    # facts: exactly the original's, read back from the file (the render's own check, and again here)
    assert result.check.exact, result.check.differences()
    reparsed, _ = parse(out)
    assert fact_keys(reparsed) == fact_keys(original)
    # check: nothing the input's own tables did not already have; a table the data lacks is a gap
    allowed = _serious(check_disclosure(original).findings)
    missing = {g.subject for g in result.gaps if g.key == "table"}
    allowed |= {("COV005", t.id, "", "") for t in result.composed.disclosure.tables if t.title in missing}
    assert _serious(result.findings) <= allowed, _serious(result.findings) - allowed
    assert not [f for f in result.findings if f.rule.startswith(("NAR", "TPL", "TXT"))]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_round_trip_in_plain_text(tmp_path, seed):
    _round_trip(seed, "txt", tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("ext", ["docx", "pdf"])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_round_trip_in_docx_and_pdf(tmp_path, seed, ext):
    pytest.importorskip("weasyprint")
    _round_trip(seed, ext, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("ext", ["docx", "pdf"])
@pytest.mark.parametrize("pdf", REAL, ids=lambda p: p.name[:3])
def test_real_pdf_round_trip(tmp_path, pdf, ext):
    pytest.importorskip("weasyprint")
    _round_trip(pdf, ext, tmp_path, via_json=False)  # a published PDF is an input of its own


def test_self_check_reports_a_value_that_does_not_read_back(tmp_path):
    """A file that prints one amount differently is not exact, and says which."""
    result = render(sample_input(), tmp_path / "ok.txt", get_style("xinjiang"))
    text = (tmp_path / "ok.txt").read_text(encoding="utf-8").replace("216.59", "216.95", 1)
    (tmp_path / "bad.txt").write_text(text, encoding="utf-8")
    check = self_check(tmp_path / "bad.txt", result.composed.disclosure)
    assert not check.exact
    assert any("216.59" in d for d in check.differences()) and any("216.95" in d for d in check.differences())


def test_json_input_that_is_not_canonical_is_a_diagnostic(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"tables": 3}', encoding="utf-8")
    data, problems = load_input(bad)
    assert data is None and problems[0].code == "R004" and problems[0].severity == Severity.ERROR


def test_performance_targets_and_assets_render_and_parse_back(tmp_path):
    out = tmp_path / "perf.txt"
    result = render(sample_input(), out, get_style("xinjiang"))
    text = out.read_text(encoding="utf-8")
    assert "本单位编报整体绩效目标0个，编报绩效目标的项目共1个，涉及项目预算资金3.00万元" in text
    assert "2. 车辆1辆，价值16.47万元。" in text and "3. 办公家具价值7.31万元。" in text
    parsed, _ = parse(out)
    got = {(t.scope, t.name): [(i.level3, i.value) for i in t.indicators] for t in parsed.performance}
    assert got == {("project", "全民参保及医疗保障服务项目"): [("当年财政补助资金到位率", "=100%")]}
    assert result.check.exact
