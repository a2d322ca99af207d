"""compare / query over a small corpus built from inline disclosures (exact expected numbers),
and the commands' handling of user errors."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from yusuan.model import (
    Change,
    Column,
    Disclosure,
    Figure,
    Finding,
    Location,
    Meta,
    MoneyUnit,
    NarrativeSection,
    Profile,
    Row,
    Severity,
    Source,
    Staffing,
    Table,
)
from yusuan.store import compare, open_store
from yusuan.store.cli import compare_command, ingest_command, query_command
from yusuan.store.extract import build_record, finding_rows
from yusuan.store.output import SHEET_NAMES
from yusuan.store.queries import QUESTIONS
from yusuan.store.writer import write_document

D = Decimal
COLS = (Column("total", "合计"), Column("basic", "基本支出"), Column("project", "项目支出"))


def _disclosure(doc: str, year: int, unit: MoneyUnit, scale: Decimal, staff: int | None) -> Disclosure:
    """A unit's disclosure; amounts given in 万元 and printed in ``unit`` (scale 1 or 10000)."""

    def v(x: str) -> Decimal:
        return (D(x) * scale).quantize(D("0.01"))

    expenditure = Table(
        "expenditure", "单位支出总表", "表3", unit, COLS,
        (
            Row("TOTAL", "合计", {"total": v("100"), "basic": v("80"), "project": v("20")}, Source(line=10)),
            Row("208", "社会保障和就业支出", {"total": v("25"), "basic": v("25")}, Source(line=11), level=1),
            Row("210", "卫生健康支出", {"total": v("75"), "basic": v("55"), "project": v("20")}, Source(line=12),
                level=1),
            Row("2101501", "行政运行", {"total": v("55")}, Source(line=13), level=3),
        ),
    )  # fmt: skip
    basic_econ = Table(
        "gpb_basic_econ", "一般公共预算基本支出表", "表6", unit,
        (Column("total", "合计"), Column("personnel", "人员经费"), Column("public", "公用经费")),
        (Row("TOTAL", "合计", {"total": v("80"), "personnel": v("60"), "public": v("20")}, Source(line=20)),),
    )  # fmt: skip
    three = Table(
        "three_public", "三公经费表", "表7", unit, (Column("total", "合计"),),
        (
            Row("TOTAL", "合计", {"total": v("3")}, Source(line=30)),
            Row("reception", "公务接待费", {"total": v("1")}, Source(line=31)),
            Row("vehicle_operation", "公务用车运行费", {"total": v("2")}, Source(line=32)),
        ),
    )  # fmt: skip
    fig = Figure("支出总计", v("100"), unit, change=Change("increase", v("10"), D("11.11")), reason="人员增加",
                 sentence="支出总计100万元，比上年增加10万元。", source=Source(line=40))  # fmt: skip
    operating = Figure("机关运行经费", v("20"), unit, source=Source(line=41))
    return Disclosure(
        meta=Meta(doc=doc, path=None, unit_name="测试县医疗保障局", unit_code=None, year=year),
        tables=(expenditure, basic_econ, three),
        profile=Profile(staffing=Staffing(actual=staff)),
        narrative=(NarrativeSection("二、收支预算总体情况", "overview", "…", (fig,)),),
        operating_cost=operating,
    )


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    db = tmp_path / "c.duckdb"
    con = open_store(db)
    # 2024 printed in 万元, 2025 printed in 元 with 10% more of everything
    for doc, year, unit, scale, staff in (
        ("a2024", 2024, MoneyUnit.WAN, D("1"), 10),
        ("a2025", 2025, MoneyUnit.YUAN, D("11000"), None),
    ):
        record = build_record(_disclosure(doc, year, unit, scale, staff), (), f"/x/{doc}.txt", doc * 4, 1)
        record.findings = finding_rows([
            Finding("SUM001", Severity(sev), "合计不等于明细之和",
                    Location(doc, "expenditure", "TOTAL", "合计", "total", Source(line=10)))
            for sev in (["error", "warning"] if year == 2025 else ["warning"])
        ])  # fmt: skip
        record.document["n_findings"] = len(record.findings)
        write_document(con, record)
    con.close()
    return db


def _rows(db: Path, what: str) -> list[dict]:
    con = open_store(db, read_only=True)
    try:
        r = compare(con, what)
    finally:
        con.close()
    return [dict(zip(r.columns, row, strict=True)) for row in r.rows]


def test_three_public_and_operating_cost_in_wan(corpus: Path) -> None:
    rows = _rows(corpus, "three-public")
    assert [(r["年度"], r["三公合计"], r["公务用车运行费"], r["机关运行经费"]) for r in rows] == [
        (2024, D("3.00"), D("2.00"), D("20.00")),
        (2025, D("3.30"), D("2.20"), D("22.00")),
    ]
    assert {r["三公来源"] for r in rows} == {"表"}


def test_basic_project_split_and_per_staff(corpus: Path) -> None:
    split = _rows(corpus, "basic-project")
    assert [(r["支出合计"], r["基本支出"], r["项目支出"], r["基本支出占比"]) for r in split] == [
        (D("100.00"), D("80.00"), D("20.00"), D("80.00")),
        (D("110.00"), D("88.00"), D("22.00"), D("80.00")),
    ]
    staff = _rows(corpus, "per-staff")
    assert (staff[0]["人员经费"], staff[0]["人数"], staff[0]["人均人员经费"]) == (D("60.00"), 10, D("6.00"))
    assert staff[1]["人数"] is None and staff[1]["人均人员经费"] is None


def test_structure_by_function_class_uses_only_class_rows(corpus: Path) -> None:
    rows = [r for r in _rows(corpus, "function") if r["年度"] == 2024]
    assert [(r["功能分类类级"], r["金额"], r["占比"]) for r in rows] == [
        ("208", D("25.00"), D("25.00")),
        ("210", D("75.00"), D("75.00")),
    ]


def test_year_on_year_from_corpus_and_stated(corpus: Path) -> None:
    yoy = {(r["指标"], r["年度"]): r for r in _rows(corpus, "yoy")}
    total_2025 = yoy[("支出合计", 2025)]
    assert (total_2025["对比年度"], total_2025["增减额"], total_2025["增减百分比"]) == (2024, D("10.00"), D("10.00"))
    assert yoy[("支出合计", 2024)]["对比金额"] is None
    stated = _rows(corpus, "stated-changes")
    assert [(r["年度"], r["方向"], r["增减额"], r["推算上年金额"]) for r in stated] == [
        (2024, "增加", D("10.00"), D("90.00")),
        (2025, "增加", D("11.00"), D("99.00")),
    ]


def test_units_ranked_by_findings(corpus: Path) -> None:
    rows = _rows(corpus, "findings")
    assert [(r["名次"], r["年度"], r["错误"], r["警告"]) for r in rows] == [(1, 2025, 1, 1), (2, 2024, 0, 1)]


def test_compare_outputs_csv_json_xlsx(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(compare_command, ["--db", str(corpus), "--what", "basic-project", "--format", "csv"])
    assert out.exit_code == 0, out.output
    table = list(csv.DictReader(io.StringIO(out.output)))
    assert [r["支出合计"] for r in table] == ["100.00", "110.00"]
    out = runner.invoke(compare_command, ["--db", str(corpus), "--what", "findings", "--format", "json", "--year",
                                          "2025"])  # fmt: skip
    assert [r["错误"] for r in json.loads(out.output)] == [1]
    target = tmp_path / "all.xlsx"
    out = runner.invoke(compare_command, ["--db", str(corpus), "--what", "all", "--format", "xlsx", "-o", str(target)])
    assert out.exit_code == 0, out.output
    wb = load_workbook(target)
    assert wb.sheetnames == [SHEET_NAMES[k] for k in QUESTIONS] and "“三公”经费与机关运行经费" in wb.sheetnames
    sheet = wb["基本支出与项目支出构成"]
    assert sheet["C2"].value == 100 and sheet["C2"].number_format == "#,##0.00" and sheet.freeze_panes == "A2"
    share = [c.value for c in sheet[1]].index("基本支出占比")
    assert sheet.cell(row=2, column=share + 1).number_format == "0.00%"
    assert 0 < sheet.cell(row=2, column=share + 1).value <= 1
    text = runner.invoke(compare_command, ["--db", str(corpus), "--what", "all"]).output
    assert "“三公”经费与机关运行经费" in text and "测试县医疗保障局" in text


def test_query_reads_facts_long_and_is_read_only(corpus: Path) -> None:
    runner = CliRunner()
    sql = "SELECT value, unit FROM facts_long WHERE doc = 'a2025' AND \"table\" = 'three_public' AND row_code = 'TOTAL'"
    out = runner.invoke(query_command, [sql, "--db", str(corpus), "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == [{"value": "33000.00", "unit": "元"}]
    out = runner.invoke(query_command, ["DELETE FROM documents", "--db", str(corpus)])
    assert out.exit_code == 2
    assert "只读" in out.output and "Traceback" not in out.output
    assert runner.invoke(query_command, ["SELECT count(*) AS n FROM documents", "--db", str(corpus),
                                         "--format", "csv"]).output == "n\n2\n"  # fmt: skip


# --------------------------------------------------------------------------- the query sandbox

# Each attack, and a word of the message that must say why it was refused.
ATTACKS = [
    ("COPY (SELECT * FROM documents) TO '{tmp}/out.csv'", "不允许 COPY"),
    ("COPY documents TO '{tmp}/out.parquet' (FORMAT parquet)", "不允许 COPY"),
    ("EXPORT DATABASE '{tmp}/exported'", "不允许 EXPORT"),
    ("SELECT * FROM read_csv_auto('/etc/passwd')", "不能读写文件"),
    ("SELECT * FROM read_text('/etc/passwd')", "不能读写文件"),
    ("SELECT * FROM read_blob('{tmp}/secret.txt')", "不能读写文件"),
    ("SELECT * FROM glob('/etc/*')", "不能读写文件"),
    ("SELECT count(*) FROM read_csv('/etc/*.conf')", "不能读写文件"),
    ("SELECT 1; COPY documents TO '{tmp}/out.csv'", "不允许 COPY"),  # a second statement is checked too
    ("ATTACH '{tmp}/other.duckdb' AS other", "不允许 ATTACH"),
    ("INSTALL httpfs", "INSTALL/LOAD"),
    ("LOAD httpfs", "INSTALL/LOAD"),
    ("SET enable_external_access = true", "不允许 SET"),
    ("SET memory_limit = '100GB'", "不允许 SET"),
    ("RESET lock_configuration", "不允许 SET"),
    ("PRAGMA threads = 64", "不允许 SET"),
    ("PRAGMA enable_profiling = 'json'", "不允许 SET"),
    ("PRAGMA enable_profiling", "不允许修改设置"),
    ("CALL enable_logging(storage = 'file', storage_path = '{tmp}/logs')", "不允许修改设置"),
    ("DELETE FROM documents", "只读"),
    ("CREATE TABLE x AS SELECT 1", "只读"),
]


@pytest.mark.parametrize(("sql", "says"), ATTACKS)
def test_query_sandbox_refuses_attacks(corpus: Path, tmp_path: Path, sql: str, says: str) -> None:
    (tmp_path / "secret.txt").write_text("机密", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    out = CliRunner().invoke(query_command, [sql.format(tmp=tmp_path), "--db", str(corpus)])
    assert out.exit_code == 2, out.output
    assert says in out.output, out.output
    assert "Traceback" not in out.output and isinstance(out.exception, SystemExit)
    assert "root:" not in out.output and "机密" not in out.output  # nothing was read
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing was written


def test_query_sandbox_still_answers_selects(corpus: Path) -> None:
    runner = CliRunner()
    for sql in (
        "SELECT unit_name, year FROM latest_documents ORDER BY year",
        "WITH t AS (SELECT * FROM facts_long) SELECT count(*) FROM t",
        "DESCRIBE latest_facts",
        "SHOW TABLES",
        "SUMMARIZE latest_documents",
        "EXPLAIN SELECT * FROM facts",
        "PRAGMA table_info('documents')",
        "SELECT * FROM pragma_table_info('facts')",
        "SELECT current_setting('enable_external_access') AS x",
    ):
        out = runner.invoke(query_command, [sql, "--db", str(corpus), "--format", "csv"])
        assert out.exit_code == 0, (sql, out.output)
    out = runner.invoke(query_command, ["SELECT current_setting('enable_external_access') AS x", "--db",
                                        str(corpus), "--format", "csv"])  # fmt: skip
    assert out.output == "x\n否\n"  # booleans are rendered in Chinese


def test_query_time_memory_and_rows_are_bounded(corpus: Path) -> None:
    runner = CliRunner()
    slow = "SELECT sum(hash(i)) FROM range(100000000000) r(i)"
    out = runner.invoke(query_command, [slow, "--db", str(corpus), "--timeout", "0.5"])
    assert out.exit_code == 2 and "超过 0.5 秒" in out.output
    big = "SELECT list(i) FROM range(400000000) r(i)"
    out = runner.invoke(query_command, [big, "--db", str(corpus), "--memory-mb", "64"])
    assert out.exit_code == 2 and "内存超过上限 64 MB" in out.output
    out = runner.invoke(query_command, ["SELECT * FROM range(10) r(i)", "--db", str(corpus), "--format", "csv",
                                        "--max-rows", "3"])  # fmt: skip
    assert out.exit_code == 0 and out.stdout == "i\n0\n1\n2\n"
    assert "只输出前 3 行" in out.stderr


def test_run_sql_refuses_writes_on_any_connection(corpus: Path) -> None:
    from yusuan.store import run_sql
    from yusuan.store.sandbox import QueryRefused, open_sandbox

    con = open_sandbox(corpus)
    try:
        assert run_sql(con, "SELECT count(*) AS n FROM documents").rows == [(2,)]
        with pytest.raises(QueryRefused, match="不允许 ATTACH"):
            run_sql(con, "ATTACH ':memory:' AS m")
    finally:
        con.close()


@pytest.mark.parametrize(
    ("command", "args", "says"),
    [
        (compare_command, ["--db", "{tmp}/none.duckdb"], "不存在"),
        (query_command, ["SELECT 1", "--db", "{tmp}/none.duckdb"], "不存在"),
        (query_command, ["SELEC nonsense", "--db", "{corpus}"], "SQL 执行失败"),
        (ingest_command, ["{tmp}", "--db", "{tmp}/no/such/dir/c.duckdb"], "目录"),
        (query_command, ["SELECT 1", "--db", "{tmp}/notdb.duckdb"], "无法打开数据库"),
        (compare_command, ["--db", "{tmp}"], "是目录"),
    ],
)
def test_user_errors_exit_2_in_chinese(corpus: Path, tmp_path: Path, command, args, says) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "notdb.duckdb").write_text("这不是数据库", encoding="utf-8")
    args = [a.format(tmp=tmp_path, corpus=corpus) for a in args]
    out = CliRunner().invoke(command, args)
    assert out.exit_code == 2
    assert says in out.output
    assert "Traceback" not in out.output
    assert isinstance(out.exception, SystemExit)  # a clean exit, not an uncaught error


def test_ingest_command_reports_summary_and_failure(tmp_path: Path) -> None:
    seeds = sorted((Path(__file__).parent / "fixtures" / "seeds").glob("*.txt"))
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_bytes(seeds[0].read_bytes())
    (src / "bad.bin").write_bytes(bytes(range(256)) * 8)
    db = tmp_path / "c.duckdb"
    out = CliRunner().invoke(ingest_command, [str(src), "--db", str(db)])
    assert out.exit_code == 2  # a file failed; the other one is stored
    assert "新增 1 个" in out.output and "失败 1 个" in out.output and "bad.bin" in out.output
    out = CliRunner().invoke(ingest_command, [str(src / "a.txt"), "--db", str(db)])
    assert out.exit_code == 0 and "未变跳过 1 个" in out.output


def test_budget_and_final_accounts_are_kept_apart(corpus: Path) -> None:
    from dataclasses import replace

    from yusuan.model import DocKind

    final = _disclosure("f2025", 2025, MoneyUnit.WAN, D("1"), 10)
    final = replace(final, meta=replace(final.meta, kind=DocKind.FINAL))
    con = open_store(corpus)
    write_document(con, build_record(final, (), "/x/f2025.txt", "f" * 64, 1))
    yoy = {(r["类型"], r["指标"], r["年度"]): r for r in [dict(zip(c.columns, row, strict=True)) for c in
           [compare(con, "yoy")] for row in c.rows]}  # fmt: skip
    assert yoy[("预算", "支出合计", 2025)]["增减额"] == D("10.00")  # not compared with the 决算 of 2025
    assert yoy[("决算", "支出合计", 2025)]["对比金额"] is None
    only_final = compare(con, "basic-project", kind="final_accounts")
    assert [row[-1] for row in only_final.rows] == ["f2025"]
    con.close()


@pytest.mark.slow
def test_three_public_headline_is_the_three_public_subtotal_on_real_jiangsu_tables(tmp_path: Path) -> None:
    # 江苏 “三公”经费、会议费、培训费支出预算表: its 合计 also holds 会议费 and 培训费.
    from yusuan.store import ingest

    real = Path(__file__).parent / "fixtures" / "real"
    printed = {"116": D("833.60"), "119": None, "121": D("509.20")}
    paths = [str(next(real.glob(f"{n}_*.pdf"))) for n in printed]
    db = tmp_path / "js.duckdb"
    con = open_store(db)
    try:
        ingest(con, paths, workers=1)
    finally:
        con.close()
    rows = {r["文件"][:3]: r for r in _rows(db, "three-public")}
    assert rows["116"]["三公合计"] == printed["116"] and rows["121"]["三公合计"] == printed["121"]
    assert rows["116"]["会议费"] == D("1305.25") and rows["116"]["培训费"] == D("403.75")
    for r in rows.values():  # the parts add up to the headline on every document
        parts = [r["因公出国境费"], r["公务接待费"], r["公务用车购置及运行费"]]
        assert sum((p or D(0) for p in parts), D(0)) == r["三公合计"]
