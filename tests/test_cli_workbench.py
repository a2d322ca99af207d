"""CLI conventions for reviewers: Chinese help, -q, --statistics, - for stdin, rules as JSON,
BOM in CSV files, findings as xlsx, baselines and per-file ignores, page progress."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from yusuan.audit.fingerprint import fingerprint
from yusuan.cli import main
from yusuan.isolation import Limits, WorkerPool

from .conftest import SEEDS, seed

BOM = "\ufeff".encode()
# click's own English words, none of which may reach a user
CLICK_ENGLISH = re.compile(r"Usage:|Options:|Commands:|Show this message|Show the version|\[default:|"
                           r"\[OPTIONS\]|COMMAND \[ARGS\]|\b(?:TEXT|INTEGER|PATH|FLOAT)\b|Error:|Try '")


def _commands() -> list[list[str]]:
    return [[], *([name] for name in main.commands)]


@pytest.mark.parametrize("args", _commands(), ids=lambda a: a[0] if a else "yusuan")
def test_help_has_no_english_click_boilerplate(args: list[str]) -> None:
    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert "用法：" in result.output and "选项：" in result.output and "显示本帮助并退出。" in result.output
    assert not CLICK_ENGLISH.search(result.output), CLICK_ENGLISH.search(result.output)
    usage = result.output.splitlines()[0]
    assert not re.search(r"\b[A-Z]{2,}\b", usage.replace("SQL", "")), usage  # arguments are named in Chinese


def test_usage_errors_are_chinese_too() -> None:
    result = CliRunner().invoke(main, ["check", "--formt", "csv", str(seed("000"))])
    assert result.exit_code == 2
    assert "错误：没有选项 '--formt'" in result.output and "--format" in result.output
    assert not CLICK_ENGLISH.search(result.output)
    result = CliRunner().invoke(main, ["check", "--format", "pdf", str(seed("000"))])
    assert "的值无效" in result.output and "不是以下之一" in result.output


def _rule_counts_from_json(args: list[str]) -> Counter[str]:
    result = CliRunner().invoke(main, ["check", "--format", "json", *args])
    data = json.loads(result.stdout)
    return Counter(f["rule"] for d in data["documents"] for f in d["findings"])


def test_statistics_counts_findings_per_rule() -> None:
    files = [str(p) for p in SEEDS]
    expected = _rule_counts_from_json(files)
    result = CliRunner().invoke(main, ["check", "--statistics", *files])
    assert result.exit_code == 1  # the seeds have errors
    got: Counter[str] = Counter()
    for line in result.stdout.splitlines():
        count, rule = line.split()[:2]
        got[rule] += int(count)
    assert got == expected and sum(got.values()) > 10
    counts = [int(line.split()[0]) for line in result.stdout.splitlines()]
    assert counts == sorted(counts, reverse=True)  # most first, as ruff
    assert "共检查 4 个文件" in result.stderr
    as_json = json.loads(CliRunner().invoke(main, ["check", "-q", "--statistics", "--format", "json", *files]).stdout)
    by_rule: Counter[str] = Counter()
    for record in as_json:
        by_rule[record["rule"]] += record["count"]
    assert by_rule == expected and {"count", "rule", "severity", "summary"} == set(as_json[0])


def test_quiet_prints_no_summary_and_no_progress(tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    loud = CliRunner().invoke(main, ["check", "--format", "csv", "-o", str(out), str(seed("000"))])
    quiet = CliRunner().invoke(main, ["check", "-q", "--format", "csv", "-o", str(out), str(seed("000"))])
    assert "共检查" in loud.stderr
    assert quiet.stderr == "" and quiet.stdout == ""
    parsed = CliRunner().invoke(main, ["parse", "-q", "--format", "facts", str(seed("000")), str(seed("002"))])
    assert parsed.exit_code == 0 and parsed.stderr == "" and "共 2 个文件" not in parsed.output


def test_stdin_is_read_for_parse_and_check() -> None:
    data = seed("000").read_bytes()
    by_path = CliRunner().invoke(main, ["parse", "--format", "facts", str(seed("000"))])
    by_stdin = CliRunner().invoke(main, ["parse", "--format", "facts", "-"], input=data)
    assert by_stdin.exit_code == 0, by_stdin.output
    strip_doc = lambda s: [line.split(",", 1)[1] for line in s.splitlines()[1:]]  # noqa: E731
    assert strip_doc(by_stdin.stdout) == strip_doc(by_path.stdout) and len(strip_doc(by_stdin.stdout)) > 100
    assert by_stdin.stdout.splitlines()[1].startswith("stdin,")
    checked = CliRunner().invoke(main, ["check", "--format", "json", "-"], input=data)
    findings = json.loads(checked.stdout)["documents"][0]["findings"]
    assert sorted(f["rule"] for f in findings) == sorted(_rule_counts_from_json([str(seed("000"))]).elements())


def test_bad_stdin_names_it_once_without_the_temporary_path() -> None:
    result = CliRunner().invoke(main, ["parse", "-"], input=b"")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("[错误")]
    assert errors == ["[错误 I001] <标准输入>：文件为空，没有可解析的内容。请确认文件完整后重试。"]
    assert "yusuan-stdin-" not in result.output


def test_rules_as_json_lists_every_rule() -> None:
    result = CliRunner().invoke(main, ["rules", "--format", "json"])
    rules = json.loads(result.stdout)
    from yusuan.audit.registry import all_rules

    assert [r["code"] for r in rules] == list(all_rules())
    assert {"code", "family", "severity", "summary", "failing", "passing"} <= set(rules[0])
    one = json.loads(CliRunner().invoke(main, ["rules", "--format", "json", "sum001"]).stdout)
    assert one["code"] == "SUM001" and one["severity"] in ("error", "warning", "info")
    assert CliRunner().invoke(main, ["rules", "--format", "json", "NOPE9"]).exit_code == 2


def test_csv_files_start_with_a_bom_and_stdout_does_not(tmp_path: Path) -> None:
    runner = CliRunner()
    for args in (["check", "--format", "csv"], ["parse", "--format", "facts"], ["parse", "--format", "claims"]):
        out = tmp_path / f"{args[0]}-{args[2]}.csv"
        runner.invoke(main, [*args, "-o", str(out), str(seed("000"))])
        raw = out.read_bytes()
        assert raw.startswith(BOM) and not raw.startswith(BOM * 2), args
        assert raw.decode("utf-8-sig").splitlines()[0].startswith("doc,")
        piped = runner.invoke(main, [*args, str(seed("000"))])
        assert piped.stdout_bytes.startswith(b"doc,"), args
    json_out = tmp_path / "x.json"
    runner.invoke(main, ["parse", "-o", str(json_out), str(seed("000"))])
    assert json_out.read_bytes().startswith(b"{")  # only CSV gets the BOM


def test_check_xlsx_has_numbers_formats_and_one_sheet_per_document(tmp_path: Path) -> None:
    files = [str(seed("000")), str(seed("002"))]
    long_path, per_doc = tmp_path / "long.xlsx", tmp_path / "per.xlsx"
    assert CliRunner().invoke(main, ["check", "-q", "--format", "xlsx", "-o", str(long_path), *files]).exit_code == 1
    CliRunner().invoke(main, ["check", "-q", "--format", "xlsx", "--xlsx-layout", "per-document", "-o", str(per_doc),
                              *files])
    expected = sum(_rule_counts_from_json(files).values())
    wb = openpyxl.load_workbook(long_path)
    assert wb.sheetnames == ["审核发现", "规则统计"]
    ws = wb["审核发现"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["文件", "规则", "级别", "问题说明"] and "指纹" in headers
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    page = headers.index("页") + 1
    pages = [ws.cell(row=r, column=page) for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=page).value]
    lines = [ws.cell(row=r, column=headers.index("行") + 1) for r in range(2, ws.max_row + 1)]
    numbered = [c for c in pages + lines if c.value is not None]
    assert numbered and all(isinstance(c.value, int) and c.number_format == "0" for c in numbered)
    rules = [ws.cell(row=r, column=2).value for r in range(2, ws.max_row + 1)]
    assert len([r for r in rules if not r.startswith("I")]) == expected  # reading notes are rows too
    assert {ws.cell(row=r, column=3).value for r in range(2, ws.max_row + 1)} <= {"错误", "警告", "提示"}
    stats = wb["规则统计"]
    assert sum(stats.cell(row=r, column=3).value for r in range(2, stats.max_row + 1)) == expected
    per = openpyxl.load_workbook(per_doc)
    assert len(per.sheetnames) == 3 and per.sheetnames[-1] == "规则统计" and "且末县医疗保障局" in per.sheetnames
    assert sum(per[s].max_row - 1 for s in per.sheetnames[:2]) == ws.max_row - 1


def test_parse_workbook_stores_narrative_amounts_as_numbers(tmp_path: Path) -> None:
    out = tmp_path / "p.xlsx"
    assert CliRunner().invoke(main, ["parse", "--format", "xlsx", "-o", str(out), str(seed("000"))]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "概况" and "一般公共预算基本支出表（经济分类）" in wb.sheetnames
    overview = {ws_row[0].value: ws_row[1] for ws_row in wb["概况"].iter_rows(min_row=2)}
    three = overview["“三公”经费·合计"]
    assert isinstance(three.value, float) and three.number_format == "#,##0.00" and three.value == 2.5
    assert isinstance(overview["单位概况·人员情况·编制数"].value, int)
    change = next(c for k, c in overview.items() if k.endswith("比上年增减·增减幅度") and c.value)
    assert change.number_format == "0.00%" and abs(change.value) < 10  # a fraction: 39.2% is 0.392
    claims = wb["说明数字"]
    header = [c.value for c in claims[1]]
    kind_col, value_col = header.index("数值类别"), header.index("数值")
    rows = list(claims.iter_rows(min_row=2))
    amounts = [r[value_col] for r in rows if r[kind_col].value == "金额"]
    assert amounts and all(isinstance(c.value, (int, float)) and c.number_format.startswith("#,##0") for c in amounts)
    shares = [r[value_col] for r in rows if r[kind_col].value == "占比%"]
    assert shares and all(c.number_format == "0.00%" and c.value <= 1.0 for c in shares)
    assert claims.freeze_panes == "A2" and claims.auto_filter.ref
    table = wb["一般公共预算基本支出表（经济分类）"]
    assert [c.value for c in table[4]][:2] == ["科目编码", "科目名称"] and table.freeze_panes == "C5"
    codes = {r[0].value: r for r in table.iter_rows(min_row=5)}
    cell = next(c for c in codes["30231"][2:] if c.value is not None)
    assert cell.value == 2.5 and cell.number_format == "#,##0.00"


def _write_config(folder: Path, body: str) -> Path:
    path = folder / "yusuan.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_baseline_round_trip_hides_exactly_the_baselined_findings(tmp_path: Path) -> None:
    runner = CliRunner()
    first, second = str(seed("000")), str(seed("002"))
    baseline = tmp_path / "baseline.json"
    wrote = runner.invoke(main, ["check", "-q", "--write-baseline", str(baseline), first])
    stored = json.loads(baseline.read_text(encoding="utf-8"))
    assert stored["schema"] == "yusuan/baseline@1" and len(stored["findings"]) > 0 and wrote.stderr == ""
    # the baselined document now reports nothing; the other still reports all of its own
    hidden = runner.invoke(main, ["check", "--format", "json", "--baseline", str(baseline), first, second])
    data = json.loads(hidden.stdout)
    by_doc = {d["doc"]: d["findings"] for d in data["documents"]}
    assert by_doc[Path(first).stem] == []
    assert Counter(f["rule"] for f in by_doc[Path(second).stem]) == _rule_counts_from_json([second])
    assert f"基线中已有 {len(stored['findings'])} 条" in hidden.stderr
    # one finding taken out of the baseline comes back, alone
    back = stored["findings"].pop(0)
    baseline.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    again = json.loads(runner.invoke(main, ["check", "--format", "json", "--baseline", str(baseline), first]).stdout)
    assert [f["fingerprint"] for f in again["documents"][0]["findings"]] == [back["fingerprint"]]


def test_bad_baseline_is_a_usage_error_naming_the_file_once(tmp_path: Path) -> None:
    bad = tmp_path / "b.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--baseline", str(bad), str(seed("000"))])
    assert result.exit_code == 2 and result.stderr.count(str(bad)) == 1 and "Traceback" not in result.output
    missing = CliRunner().invoke(main, ["check", "--baseline", str(tmp_path / "none.json"), str(seed("000"))])
    assert missing.exit_code == 2 and "找不到基线文件" in missing.stderr


def test_per_file_ignores_hide_rules_for_matching_files_only(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for prefix in ("000", "002"):
        (folder / seed(prefix).name).write_bytes(seed(prefix).read_bytes())
    all_counts = {p: _rule_counts_from_json([str(folder / seed(p).name)]) for p in ("000", "002")}
    rule = next(r for r in all_counts["000"] if r[:3] != "TPL")
    config = _write_config(tmp_path, f'[check]\nper-file-ignores = {{"docs/000_*" = ["{rule}"]}}\n')
    result = CliRunner().invoke(main, ["check", "--format", "json", "--config", str(config), str(folder)])
    docs = {d["doc"][:3]: Counter(f["rule"] for f in d["findings"]) for d in json.loads(result.stdout)["documents"]}
    assert docs["000"] == Counter({r: n for r, n in all_counts["000"].items() if r != rule})
    assert docs["002"] == all_counts["002"]
    assert f"按 per-file-ignores 忽略 {all_counts['000'][rule]} 条" in result.stderr
    bad = _write_config(tmp_path, '[check]\nper-file-ignores = {"*.txt" = ["NOPE"]}\n')
    refused = CliRunner().invoke(main, ["check", "--config", str(bad), str(folder)])
    assert refused.exit_code == 2 and "没有这些规则：NOPE" in refused.stderr


def test_baseline_entries_are_the_fingerprints_of_the_findings(tmp_path: Path) -> None:
    from yusuan.audit.baseline import read_baseline, write_baseline
    from yusuan.audit.cli import check_paths
    from yusuan.audit.config import Config

    report = check_paths([str(seed("004"))], Config())
    write_baseline(report, tmp_path / "b.json")
    assert read_baseline(tmp_path / "b.json") == {fingerprint(f) for f in report.findings}


def _reports_pages(n: int) -> int:
    from yusuan.ingest import progress

    for page in range(1, n + 1):
        progress.report(f"第 {page}/{n} 页")
    return n


def test_worker_progress_reaches_the_parent_in_order() -> None:
    said: list[tuple[int, str]] = []
    with WorkerPool(Limits(), 1, on_progress=lambda i, m: said.append((i, m))) as pool:
        assert pool.run(_reports_pages, 3) == 3
        assert pool.run(_reports_pages, 0) == 0
    assert said == [(0, "第 1/3 页"), (0, "第 2/3 页"), (0, "第 3/3 页")]


def test_each_error_names_the_path_once(tmp_path: Path) -> None:
    missing_dir = tmp_path / "nope"
    cases = [
        (["parse", str(missing_dir / "x.txt")], str(missing_dir / "x.txt")),
        (["check", str(missing_dir / "x.txt")], str(missing_dir / "x.txt")),
        (["parse", "-o", str(missing_dir / "x.json"), str(seed("000"))], str(missing_dir / "x.json")),
        (["check", "--format", "csv", "-o", str(missing_dir / "x.csv"), str(seed("000"))], str(missing_dir / "x.csv")),
        (["check", "--format", "xlsx", "-o", str(missing_dir / "x.xlsx"), str(seed("000"))],
         str(missing_dir / "x.xlsx")),
        (["check", "--write-baseline", str(missing_dir / "b.json"), str(seed("000"))], str(missing_dir / "b.json")),
        (["compare", "--db", str(missing_dir / "c.duckdb")], str(missing_dir / "c.duckdb")),
        (["query", "SELECT 1", "--db", str(tmp_path)], str(tmp_path)),
    ]
    for args, path in cases:
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.count(path) == 1, (args, result.stderr)
        assert "Traceback" not in result.output and "No such file" not in result.output
