"""The corpus as a partitioned Parquet dataset (``--data``): the same rows as the DuckDB store,
idempotent by content hash, versioned, atomic per document, read by compare/query/serve
through DuckDB, convertible to and from a ``.duckdb`` file, described by datapackage.json."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from tests.generated_corpus import make_corpus
from tests.test_store_kill import _no_partial_document as _whole_documents
from tests.test_store_kill import _state
from yusuan.store import ingest, open_store
from yusuan.store.cli import compare_command, query_command
from yusuan.store.convert import export_to_dataset, rebuild_database
from yusuan.store.dataset import CRASH_ENV, DATAPACKAGE, open_dataset, region_of
from yusuan.store.dataset_ingest import ingest_dataset
from yusuan.store.writer import StoreError

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeds (and their INDEX.md, no disclosure) and generated text, HTML and xlsx files with
    the halves of one publication, a memo and a 20-digit amount."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SEEDS, folder / "seeds")
    make_corpus(folder / "made", 10)
    return folder


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    con = open_store(tmp_path_factory.mktemp("ref") / "ref.duckdb")
    ingest(con, [str(corpus)], workers=2)
    state = _state(con)
    con.close()
    return state


@pytest.fixture(scope="module")
def dataset(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ds") / "data"
    summary = ingest_dataset(root, [str(corpus)], workers=2)
    assert summary.publications == 1 and summary.failed == 2  # INDEX.md and the memo
    return root


def _no_partial_document(con: duckdb.DuckDBPyConnection) -> None:
    _whole_documents(con, versions=True, diagnostics=False)
    assert con.execute("SELECT count(*) - count(DISTINCT id) FROM documents").fetchone()[0] == 0


def _dataset_state(root: Path) -> dict:
    con = open_dataset(root)
    try:
        _no_partial_document(con)
        return _state(con)
    finally:
        con.close()


def test_dataset_holds_exactly_the_rows_of_the_duckdb_store(dataset: Path, reference: dict) -> None:
    state = _dataset_state(dataset)
    assert state == reference
    assert len(state["documents"]) >= 12 and state["findings"] and state["claims"]


def test_partitions_by_year_kind_and_region(dataset: Path) -> None:
    folders = {p.relative_to(dataset / "facts").parent.as_posix() for p in (dataset / "facts").rglob("*.parquet")}
    assert "doc_year=2025/doc_kind=budget/doc_region=__HIVE_DEFAULT_PARTITION__" in folders  # 且末县: no province
    assert all(f.count("/") == 2 for f in folders)
    con = duckdb.connect()  # any reader: plain DuckDB over the files, no yusuan
    rows = con.execute(f"SELECT DISTINCT doc_year FROM read_parquet('{dataset}/documents/*/*/*/*.parquet', "
                       "hive_partitioning = true) ORDER BY 1").fetchall()
    assert (2024,) in rows and (2025,) in rows
    assert (region_of("江苏省人民检察院"), region_of("中共江苏省委办公厅"), region_of("上海市普陀区民政局"),
            region_of("且末县医疗保障局"), region_of(None)) == ("江苏", "江苏", "上海", None, None)


def test_rerun_skips_and_a_changed_file_is_a_new_version(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(corpus / "seeds", folder)
    root = tmp_path / "data"
    first = ingest_dataset(root, [str(folder)], workers=2)
    again = ingest_dataset(root, [str(folder)], workers=2)
    assert (again.new, again.versions, again.unchanged, again.known_failed) == (0, 0, first.new, 1)
    n_files = len(list(root.rglob("*.parquet")))
    target = next(folder.glob("000_*.txt"))
    target.write_text(target.read_text(encoding="utf-8").replace("且末县", "若羌县"), encoding="utf-8")
    third = ingest_dataset(root, [str(folder)], workers=2)
    assert (third.new, third.versions, third.unchanged) == (0, 1, first.new - 1)
    assert len(list(root.rglob("*.parquet"))) > n_files
    con = open_dataset(root)
    rows = con.execute("SELECT version, is_latest, unit_name FROM documents WHERE path = ? ORDER BY version",
                       [str(target)]).fetchall()
    assert rows == [(1, False, "且末县医疗保障局"), (2, True, "若羌县医疗保障局")]
    both = con.execute("SELECT count(DISTINCT doc_pk) FROM facts f JOIN documents d ON d.id = f.doc_pk "
                       "WHERE d.path = ?", [str(target)]).fetchone()[0]
    assert both == 2  # the old version keeps its rows
    con.close()


def test_a_process_killed_between_parts_leaves_nothing_and_the_rerun_completes(
    corpus: Path, reference: dict, tmp_path: Path
) -> None:
    root = tmp_path / "data"
    marker = tmp_path / "crashed"
    env = {**os.environ, CRASH_ENV: str(marker), "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    cmd = [sys.executable, "-m", "yusuan.cli", "ingest", str(corpus), "--data", str(root), "-j", "2"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 17 and marker.exists(), proc.stderr
    assert any((root / "facts").rglob("*.parquet"))  # the dead document's children were written...
    con = open_dataset(root)
    _no_partial_document(con)  # ...but nothing of it is read
    assert con.execute("SELECT count(*) FROM facts").fetchone()[0] == 0
    con.close()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr  # the memo and INDEX.md failed
    assert _dataset_state(root) == reference
    assert not [p for p in root.rglob("*") if p.name.endswith(".tmp")]


def test_query_reads_the_dataset_and_nothing_else(dataset: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(query_command, ["SELECT count(*) AS n FROM latest_documents", "--data", str(dataset),
                                       "--format", "json"])
    assert ok.exit_code == 0, ok.output
    con = open_dataset(dataset)
    assert json.loads(ok.output) == [{"n": con.execute("SELECT count(*) FROM latest_documents").fetchone()[0]}]
    con.close()
    for sql in ("SELECT * FROM read_csv('/etc/passwd')", f"COPY facts TO '{dataset}/x.csv'",
                f"ATTACH '{dataset}/x.duckdb'", "SET enable_external_access = true"):
        refused = runner.invoke(query_command, [sql, "--data", str(dataset)])
        assert refused.exit_code == 2 and "错误" in refused.output, sql
    missing = runner.invoke(query_command, ["SELECT 1", "--data", str(dataset.parent / "none")])
    assert missing.exit_code == 2 and "不存在" in missing.output


def test_compare_on_the_dataset_equals_compare_on_the_database(corpus: Path, dataset: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    con = open_store(db)
    ingest(con, [str(corpus)], workers=2)
    con.close()
    runner = CliRunner()
    for what in ("three-public", "function", "yoy", "findings", "stated-changes"):
        a = runner.invoke(compare_command, ["--what", what, "--db", str(db), "--format", "csv"])
        b = runner.invoke(compare_command, ["--what", what, "--data", str(dataset), "--format", "csv"])
        assert a.exit_code == b.exit_code == 0 and a.output == b.output and a.output.count("\n") > 2, what


def test_export_and_rebuild_round_trip(corpus: Path, reference: dict, tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    con = open_store(db)
    ingest(con, [str(corpus)], workers=2)
    con.close()
    root = tmp_path / "data"
    assert export_to_dataset(db, root) == (len(reference["documents"]), 0)
    assert export_to_dataset(db, root) == (0, len(reference["documents"]))
    assert _dataset_state(root) == reference
    rebuilt = tmp_path / "rebuilt.duckdb"
    assert rebuild_database(root, rebuilt) == len(reference["documents"])
    con = open_store(rebuilt)
    assert _state(con) == reference
    summary = ingest(con, [str(corpus)], workers=1)  # the rebuilt store knows every file
    assert summary.new == summary.versions == 0
    con.close()
    with pytest.raises(StoreError, match="已存在"):
        rebuild_database(root, rebuilt)


def test_datapackage_describes_every_file(dataset: Path) -> None:
    package = json.loads((dataset / DATAPACKAGE).read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert {"documents", "facts", "claims", "findings", "failures"} <= set(resources)
    con = duckdb.connect()
    for name in ("documents", "facts", "claims", "findings", "failures"):
        files = sorted(dataset.glob(resources[name]["path"]))
        assert files, name
        sql = f"DESCRIBE SELECT * FROM read_parquet('{files[0]}', hive_partitioning = false)"
        stored = [r[0] for r in con.execute(sql).fetchall()]
        assert stored == [f["name"] for f in resources[name]["schema"]["fields"]], name
    money = next(f for f in resources["facts"]["schema"]["fields"] if f["name"] == "value_wan")
    assert money["type"] == "number" and money["format"] == "decimal(24,6)"


def test_serve_browses_the_dataset_read_only(dataset: Path, tmp_path: Path) -> None:
    from yusuan.web import WebConfig, create_app

    client = create_app(WebConfig(data_dir=tmp_path / "web", db=dataset)).test_client()
    page = client.get("/corpus").get_data(as_text=True)
    assert "且末县" in page and page.count("<td>数据库</td>") >= 10
    data = client.get("/api/compare?region=且末县").get_json()
    assert len(data["docs"]) == 1


def test_files_from_a_list_of_paths_and_urls(tmp_path: Path) -> None:
    from yusuan.store.cli import ingest_command

    seeds = sorted(SEEDS.glob("*.txt"))
    listing = tmp_path / "list.txt"
    listing.write_text(f"# two files\n{seeds[0]}\n\n{seeds[1].as_uri()}\n{(tmp_path / 'gone.txt').as_uri()}\n",
                       encoding="utf-8")
    root = tmp_path / "data"
    runner = CliRunner()
    first = runner.invoke(ingest_command, ["--files-from", str(listing), "--data", str(root), "-j", "1"])
    assert first.exit_code == 2 and "新增 2 个" in first.output and "无法下载" in first.output, first.output
    con = open_dataset(root)
    paths = {p for (p,) in con.execute("SELECT path FROM latest_documents").fetchall()}
    assert paths == {str(seeds[0]), seeds[1].as_uri()}
    con.close()
    again = runner.invoke(ingest_command, ["--files-from", str(listing), "--data", str(root), "-j", "1"])
    assert "新增 0 个，新版本 0 个，未变跳过 2 个" in again.output, again.output  # the URL fetched, unchanged
    no_data = runner.invoke(ingest_command, ["--files-from", str(listing)])
    assert no_data.exit_code == 2 and "--data" in no_data.output


def test_a_table_added_to_the_schema_is_one_entry_for_every_back_end(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new table (say, reviewers' annotations) and a view over it: one entry each in
    ``schema``; the DuckDB store creates them, PostgreSQL gets the same DDL, the dataset binds
    the view (an empty table there until the dataset holds it)."""
    from yusuan.store import schema
    from yusuan.store.dataset import columns_of

    monkeypatch.setitem(schema.TABLES, "annotations", """CREATE TABLE IF NOT EXISTS annotations (
        doc_pk BIGINT NOT NULL, fingerprint VARCHAR NOT NULL, verdict VARCHAR, weight DOUBLE, decided_at TIMESTAMP)""")
    monkeypatch.setitem(schema.VIEWS, "latest_annotations", """CREATE OR REPLACE VIEW latest_annotations AS
        SELECT x.* FROM annotations x JOIN documents d ON d.id = x.doc_pk WHERE d.is_latest""")
    columns_of.cache_clear()
    try:
        con = open_store(tmp_path / "c.duckdb")
        assert con.execute("SELECT count(*) FROM latest_annotations").fetchone()[0] == 0
        con.close()
        assert "weight DOUBLE PRECISION" in schema.ddl(schema.TABLES["annotations"], "postgres")
        con = open_dataset(dataset)
        assert con.execute("SELECT count(*) FROM latest_annotations").fetchone()[0] == 0
        con.close()
    finally:
        columns_of.cache_clear()
