"""``yusuan export``: Parquet and CSV files with a Frictionless datapackage.json that types them."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from yusuan.audit.fingerprint import fingerprint
from yusuan.cli import main
from yusuan.isolation import Limits
from yusuan.store.export import frictionless_type
from yusuan.store.ingest import ingest
from yusuan.store.writer import open_store

from .conftest import SEEDS

TABLE_SCHEMA_TYPES = {"string", "number", "integer", "boolean", "object", "array", "date", "time", "datetime",
                      "year", "yearmonth", "duration", "geopoint", "geojson", "any"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("corpus") / "c.duckdb"
    con = open_store(db)
    ingest(con, [str(p) for p in SEEDS], workers=1, limits=Limits())
    con.close()
    return db


def _export(db: Path, out: Path, *args: str) -> Any:
    result = CliRunner().invoke(main, ["export", "--db", str(db), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    package = out / "datapackage.json"
    return json.loads(package.read_text(encoding="utf-8")) if package.exists() else None


def _conforms(value: str, kind: str) -> bool:
    if value == "":
        return True  # missingValues
    try:
        {"integer": int, "number": Decimal, "string": str, "boolean": lambda v: {"true": 1, "false": 0}[v],
         "datetime": lambda v: datetime.strptime(v, "%Y-%m-%dT%H:%M:%SZ")}[kind](value)
    except (ValueError, ArithmeticError, KeyError):
        return False
    return True


def test_datapackage_describes_every_file_with_its_types(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    package = _export(corpus, out)
    assert package["profile"] == "tabular-data-package" and package["title"] and package["resources"]
    names = [r["name"] for r in package["resources"]]
    assert len(names) == len(set(names)) == 8
    assert {r["path"] for r in package["resources"]} == {p.name for p in out.iterdir()} - {"datapackage.json"}
    for resource in package["resources"]:
        assert resource["profile"] == "tabular-data-resource" and resource["format"] in ("csv", "parquet")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in resource["title"] + resource["description"])
        fields = resource["schema"]["fields"]
        assert all(f["type"] in TABLE_SCHEMA_TYPES and f["title"] for f in fields)
        path = out / resource["path"]
        described = duckdb.sql(f"DESCRIBE SELECT * FROM '{path}'").fetchall() if resource["format"] == "parquet" \
            else None
        if described is not None:  # Parquet: the file's own column types are the declared ones
            assert [(c[0], frictionless_type(c[1])) for c in described] == [(f["name"], f["type"]) for f in fields]
            continue
        raw = path.read_bytes()
        assert raw.startswith("\ufeff".encode()) and resource["encoding"] == "utf-8-sig"
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows[0] == [f["name"] for f in fields]
        for row in rows[1:]:
            for value, field in zip(row, fields, strict=True):
                assert _conforms(value, field["type"]), (resource["name"], field["name"], value)
    types = {(r["name"], f["name"]): f["type"] for r in package["resources"] for f in r["schema"]["fields"]}
    assert types[("facts-csv", "value")] == "number" and types[("facts-csv", "value_text")] == "string"
    assert types[("documents-parquet", "year")] == "integer" and types[("documents-csv", "ingested_at")] == "datetime"
    assert types[("claims-parquet", "value")] == "number" and types[("findings-csv", "page")] == "integer"


def test_exported_rows_match_the_store(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(corpus, out)
    con = duckdb.connect(str(corpus), read_only=True)
    n_facts, n_findings = con.execute("SELECT sum(n_facts), sum(n_findings) FROM latest_documents").fetchone()  # type: ignore[misc]
    n_claims = con.execute("SELECT count(*) FROM latest_claims").fetchone()[0]  # type: ignore[index]
    con.close()
    count = lambda name: duckdb.sql(f"SELECT count(*) FROM '{out / name}'").fetchall()[0][0]  # noqa: E731
    assert count("facts.parquet") == n_facts > 500
    assert count("claims.parquet") == n_claims > 100
    assert count("findings.parquet") == n_findings > 10
    assert count("documents.parquet") == 4
    csv_facts = list(csv.DictReader(io.StringIO((out / "facts.csv").read_text(encoding="utf-8-sig"))))
    assert len(csv_facts) == n_facts
    basic = {(r["row_code"], r["column"]): r for r in csv_facts if r["doc"].startswith("000_")
             and r["table"] == "gpb_basic_econ"}
    assert basic[("30231", "public")]["value_text"] == "2.50"  # exactly as printed


def test_findings_carry_the_fingerprint_of_the_finding(corpus: Path, tmp_path: Path) -> None:
    from yusuan.audit.cli import check_paths
    from yusuan.audit.config import Config

    out = tmp_path / "out"
    _export(corpus, out, "--format", "parquet")
    exported = duckdb.sql(f"SELECT fingerprint FROM '{out / 'findings.parquet'}' WHERE doc LIKE '004_%'").fetchall()
    report = check_paths([str(p) for p in SEEDS if p.name.startswith("004")], Config())
    assert sorted(r[0] for r in exported) == sorted(fingerprint(f) for f in report.findings)
    assert not (out / "findings.csv").exists()


def test_dismissed_findings_are_left_out_and_decisions_given(corpus: Path, tmp_path: Path) -> None:
    from yusuan.store import open_store
    from yusuan.store.decisions import decide

    db = tmp_path / "c.duckdb"
    shutil.copy(corpus, db)
    _export(db, tmp_path / "before", "--format", "parquet")
    rows = duckdb.sql(f"SELECT doc, fingerprint FROM '{tmp_path / 'before' / 'findings.parquet'}'").fetchall()
    (doc, dismissed), (doc2, confirmed) = rows[0], rows[1]
    con = open_store(str(db))
    sha = dict(con.execute("SELECT doc, sha256 FROM documents").fetchall())
    decide(con, sha[doc], dismissed, "dismissed", "四舍五入", "a")
    decide(con, sha[doc2], confirmed, "confirmed", "", "b")
    con.close()
    _export(db, tmp_path / "after", "--format", "parquet", "--format", "csv")
    after = duckdb.sql(f"SELECT fingerprint, decision FROM '{tmp_path / 'after' / 'findings.parquet'}'").fetchall()
    assert len(after) == len(rows) - 1 and dismissed not in {f for f, _ in after}
    assert dict(after)[confirmed] == "confirmed"
    in_csv = list(csv.DictReader(io.StringIO((tmp_path / "after" / "findings.csv").read_text(encoding="utf-8-sig"))))
    assert len(in_csv) == len(rows) - 1 and dismissed not in {r["fingerprint"] for r in in_csv}


def test_doc_selects_documents_and_an_unknown_one_is_refused(corpus: Path, tmp_path: Path) -> None:
    doc = SEEDS[0].stem
    _export(corpus, tmp_path / "one", "--doc", doc)
    docs = duckdb.sql(f"SELECT DISTINCT doc FROM '{tmp_path / 'one' / 'facts.parquet'}'").fetchall()
    assert docs == [(doc,)]
    result = CliRunner().invoke(main, ["export", "--db", str(corpus), "-o", str(tmp_path / "no"), "--doc", "nope"])
    assert result.exit_code == 2 and "没有这些文件：nope" in result.stderr and not (tmp_path / "no").exists()
    missing = CliRunner().invoke(main, ["export", "--db", str(tmp_path / "none.duckdb"), "-o", str(tmp_path / "x")])
    assert missing.exit_code == 2 and "Traceback" not in missing.output


def test_frictionless_validates_the_csv_package(corpus: Path, tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")  # not a dependency: checked where it is installed
    out = tmp_path / "out"
    _export(corpus, out, "--format", "csv")
    report = frictionless.validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])[:5]


def test_findings_workbook_from_the_corpus(corpus: Path, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "out"
    _export(corpus, out, "--format", "xlsx", "--xlsx-layout", "per-document")
    assert sorted(p.name for p in out.iterdir()) == ["findings.xlsx"]
    con = duckdb.connect(str(corpus), read_only=True)
    units = [u for (u,) in con.execute("SELECT unit_name FROM latest_documents ORDER BY doc").fetchall()]
    n_findings = con.execute("SELECT count(*) FROM latest_findings").fetchall()[0][0]
    con.close()
    wb = openpyxl.load_workbook(out / "findings.xlsx")
    assert wb.sheetnames == [*units, "规则统计"]
    assert sum(wb[u].max_row - 1 for u in units) == n_findings
    pages = [c for u in units for c in wb[u]["I"][1:] if c.value is not None]  # 页
    assert wb[units[0]]["I1"].value == "页" and all(isinstance(c.value, int) for c in pages)
    stats = wb["规则统计"]
    assert sum(stats.cell(row=r, column=3).value for r in range(2, stats.max_row + 1)) == n_findings
