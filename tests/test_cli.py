"""The CLI as a user runs it: outputs, exit codes, bad input, batches."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from click.testing import CliRunner

from yusuan.cli import main
from yusuan.report.serialize import json_schema

from .conftest import seed


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "yusuan.cli", *args], capture_output=True, text=True)


def test_parse_json_validates_against_schema() -> None:
    result = CliRunner().invoke(main, ["parse", str(seed("000"))])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, json_schema())
    assert data["schema"] == "yusuan/disclosure@2"
    assert data["meta"]["unit_name"] == "且末县医疗保障局"
    assert data["meta"]["year"] == 2025
    assert {t["id"] for t in data["tables"]} >= {"summary", "income", "expenditure", "gpb_basic_econ"}


def test_parse_facts_csv_has_contract_columns_and_exact_values() -> None:
    result = CliRunner().invoke(main, ["parse", "--format", "facts", str(seed("000"))])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0].keys()) == ["doc", "table", "row_code", "row_name", "column", "value", "unit"]
    basic = {(r["row_code"], r["column"]): r["value"] for r in rows if r["table"] == "gpb_basic_econ"}
    assert basic[("30231", "public")] == "2.50"
    assert basic[("TOTAL", "total")] == "224.19"


def test_parse_xlsx_writes_one_sheet_per_table(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["parse", "--format", "xlsx", "-o", str(out), str(seed("000"))])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "概况"
    ws = wb["一般公共预算基本支出表（经济分类）"]
    assert ws["C2"].value == "表类：gpb_basic_econ"
    codes = [ws.cell(row=r, column=1).value for r in range(5, ws.max_row + 1)]
    assert "30231" in codes


def test_xlsx_without_output_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["parse", "--format", "xlsx", str(seed("000"))])
    assert result.exit_code == 2
    assert "-o" in result.output


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_encodings_give_identical_facts(tmp_path: Path, encoding: str) -> None:
    text = seed("000").read_text(encoding="utf-8")
    path = tmp_path / f"doc.{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    reference = CliRunner().invoke(main, ["parse", "--format", "facts", str(seed("000"))]).stdout
    result = CliRunner().invoke(main, ["parse", "--format", "facts", str(path)])
    assert result.exit_code == 0
    strip_doc = lambda s: [line.split(",", 1)[1] for line in s.splitlines()[1:]]  # noqa: E731
    assert strip_doc(result.stdout) == strip_doc(reference)
    assert len(strip_doc(reference)) > 100


def test_bad_inputs_fail_clearly_and_batch_continues(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 20)
    prose = tmp_path / "prose.txt"
    prose.write_text("今天天气很好，我们去公园散步。\n没有任何预算表格。\n", encoding="utf-8")
    lines = seed("000").read_text(encoding="utf-8").splitlines()
    cut = next(i for i, line in enumerate(lines) if line.startswith("208\t05\t01")) + 1
    truncated = tmp_path / "truncated.txt"
    truncated.write_text("\n".join(lines[:cut]) + "\n", encoding="utf-8")

    proc = run("parse", "--format", "facts", str(empty), str(binary), str(prose), str(truncated),
               str(seed("000")), str(tmp_path / "missing.txt"))
    assert proc.returncode == 2
    err = proc.stderr
    assert "Traceback" not in err
    assert "文件为空" in err
    assert "无法识别的文件格式" in err
    assert "可能不是预算" in err
    assert "截断" in err
    assert "文件不存在" in err
    assert "共 6 个文件：成功 1 个，失败 5 个。" in err
    # the good document was still processed
    assert "000_caaa6eb3116f7168,gpb_basic_econ,30231" in proc.stdout


def test_directory_input_is_expanded(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text(seed("000").read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(main, ["parse", "--format", "facts", str(tmp_path)])
    assert result.exit_code == 0
    assert "x,gpb_basic_econ,30231" in result.stdout


def test_schema_command_prints_versioned_schema() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$id"] == "yusuan/disclosure@2"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_parse_claims_format_writes_the_long_csv() -> None:
    result = CliRunner().invoke(main, ["parse", "--format", "claims", str(seed("004"))])
    assert result.exit_code == 0
    header, *rows = result.output.splitlines()
    assert header == "doc,page,line,section,code,subject,table,row_code,column,quantity,value,unit,basis,year"
    assert rows and all(r.startswith("004_54ee49bb0a7d7931,") for r in rows)
    assert any(",change_pct,-" in r for r in rows)  # 下降 is negative
