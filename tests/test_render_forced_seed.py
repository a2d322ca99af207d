"""Rendering a seed: its narrative defects are never copied. A reason the numbers contradict
stops the render (or, forced, is left out and listed in the render report); missing inputs
stop it (or take their documented fallback wording, listed too)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from yusuan.cli import main

from .conftest import seed

# Narrative-vs-table and wording rules: a generated narrative must never trip them.
TEXT_RULES = ("NAR", "TPL", "TXT")


def _findings(path: Path) -> list[dict]:
    result = CliRunner().invoke(main, ["check", "--format", "json", str(path)])
    data = json.loads(result.stdout)
    docs = data["documents"] if isinstance(data, dict) and "documents" in data else data
    return [f for d in docs for f in d["findings"]]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def seed_000(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seed000")
    doc = folder / "doc.json"
    assert CliRunner().invoke(main, ["parse", "-o", str(doc), str(seed("000"))]).exit_code == 0
    return doc


def test_contradicting_reasons_stop_the_render(seed_000, tmp_path):
    out = tmp_path / "out.txt"
    result = CliRunner().invoke(main, ["render", str(seed_000), "-o", str(out), "--fallback"])
    assert result.exit_code == 1 and not out.exists()
    assert "与表格中的数字矛盾" in result.output
    assert "较上年少拨付5万元" in result.output and "2025年在职工预算人数比上年少2人" in result.output


def test_missing_inputs_stop_the_render_with_a_list(seed_000, tmp_path):
    out = tmp_path / "out.txt"
    result = CliRunner().invoke(main, ["render", str(seed_000), "-o", str(out), "--force"])
    assert result.exit_code == 1 and not out.exists()
    assert "缺少以下输入" in result.output and "上年预算数：公务接待费" in result.output
    assert "--fallback" in result.output


def test_forced_render_keeps_none_of_the_seeds_narrative_defects(seed_000, tmp_path):
    out = tmp_path / "rendered.txt"
    result = CliRunner().invoke(main, ["render", str(seed_000), "-o", str(out), "--force", "--fallback",
                                       "--date", "2025-01-20"])
    assert result.exit_code == 0, result.output
    text = _squash(out.read_text(encoding="utf-8"))
    assert "较上年少拨付5万元" not in text  # the reason whose own arithmetic is wrong
    assert "较上年少拨付0.5万元" in text  # the same reason stated right, elsewhere, is kept
    # the reason against an increase is left out of that sentence only
    assert re.search(r"公务员医疗补助（项）：2025年预算数为1\.70万元，比上年预算增加0\.20万元，增长13\.33%。", text)
    assert "未填报" not in text and "2025年1月20日" in text
    report = (tmp_path / "rendered.生成报告.txt").read_text(encoding="utf-8")
    assert "较上年少拨付5万元" in report and "NAR006" in report and "NAR016" in report
    assert "上年预算数：公务接待费" in report and "相应表述未印出" in report
    serious = [f for f in _findings(out) if f["severity"] in ("error", "warning")]
    assert serious == []


@pytest.mark.parametrize("prefix", ["001", "002", "004"])
def test_forced_render_of_a_seed_adds_no_text_finding(tmp_path: Path, prefix: str) -> None:
    runner = CliRunner()
    doc = tmp_path / "doc.json"
    assert runner.invoke(main, ["parse", "-o", str(doc), str(seed(prefix))]).exit_code == 0
    out = tmp_path / "rendered.txt"
    result = runner.invoke(main, ["render", str(doc), "-o", str(out), "--force", "--fallback"])
    assert result.exit_code == 0, result.output
    before = _findings(seed(prefix))
    after = [f for f in _findings(out) if f["severity"] in ("error", "warning")]
    assert not [f for f in after if f["rule"].startswith(TEXT_RULES)], after
    assert {f["rule"] for f in after} <= {f["rule"] for f in before} | {"COV005"}  # COV005: a table not read
    text = _squash(out.read_text(encoding="utf-8"))
    for defect in ("(或安排购置车辆经费0万元)", "(按项目分别填报)", "本部门预算绩效管理"):  # 004's template leftovers
        assert defect not in text
