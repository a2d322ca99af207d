"""``--db postgresql://…``: the corpus in a real PostgreSQL server (started by the tests from
the Debian ``postgresql`` package that scripts/setup.sh installs) holds exactly what the DuckDB
corpus holds, takes several ingests at once, answers the compare questions alike, runs
``query`` read-only under a time limit, and serves the web pages."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.generated_corpus import scale_corpus
from tests.pg_server import bin_dir, postgres_server
from tests.test_store_kill import _state
from yusuan.store import ingest, open_store
from yusuan.store.cli import compare_command, query_command
from yusuan.store.queries import QUESTIONS, compare

psycopg = pytest.importorskip("psycopg", reason="psycopg not installed (pip install 'yusuan[postgres]')")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(bin_dir() is None, reason="PostgreSQL not installed (scripts/setup.sh)")]
SRC = Path(__file__).parents[1] / "src"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scale_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def local_db(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("local") / "local.duckdb"
    con = open_store(db)
    ingest(con, [str(corpus)], workers=2)
    con.close()
    return db


def _database(server: str, name: str) -> str:
    admin = psycopg.connect(server, autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")
    admin.close()
    return server.replace("/postgres?", f"/{name}?")


def test_two_ingests_at_once_store_exactly_the_duckdb_corpus(server: str, corpus: Path, local_db: Path) -> None:
    url = _database(server, "twice")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    cmd = [sys.executable, "-m", "yusuan.cli", "ingest", str(corpus), "--db", url, "-j", "1"]
    runs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]  # fmt: skip
    outputs = [p.communicate(timeout=600) for p in runs]
    assert [p.returncode for p in runs] == [2, 2], outputs  # INDEX.md and the memo fail in each
    pg = open_store(url)
    duck = open_store(local_db, read_only=True)
    try:
        state, reference = _state(pg), _state(duck)
        reference["failures"] = sorted(set(reference["failures"]))
        state["failures"] = sorted(set(state["failures"]))  # each run records its failures
        assert state == reference  # every row alike, no document twice
        assert len(state["documents"]) >= 28 and state["findings"] and state["claims"]
        for what in QUESTIONS:
            assert compare(pg, what).rows == compare(duck, what).rows, what
    finally:
        pg.close()
        duck.close()
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert "新增 0 个，新版本 0 个" in again.stderr


def test_cli_compare_and_query_on_postgres(server: str, corpus: Path, local_db: Path) -> None:
    url = _database(server, "cli")
    con = open_store(url)
    ingest(con, [str(corpus / "seeds")], workers=2)
    con.close()
    runner = CliRunner()
    a = runner.invoke(compare_command, ["--what", "three-public", "--db", url, "--format", "csv"])
    assert a.exit_code == 0 and "且末县医疗保障局" in a.output, a.output
    ok = runner.invoke(query_command, ["SELECT count(*) AS n FROM latest_documents WHERE doc LIKE '00%'",
                                       "--db", url, "--format", "csv"])
    assert (ok.exit_code, ok.output) == (0, "n\n4\n")
    for sql, said in (("DELETE FROM facts", "只读"), ("SELECT * FROM nowhere", "SQL 执行失败"),
                      ("COPY facts TO '/tmp/x.csv'", "COPY"), ("SELECT pg_sleep(5)", "超过")):
        refused = runner.invoke(query_command, [sql, "--db", url, "--timeout", "1"])
        assert refused.exit_code == 2 and said in refused.output, (sql, refused.output)
    con = open_store(url, read_only=True)
    assert con.execute("SELECT count(*) FROM facts").fetchone()[0] > 800  # DELETE changed nothing
    con.close()
    bad = runner.invoke(compare_command, ["--db", server.replace("/postgres?", "/none?")])
    assert bad.exit_code == 2 and "无法连接 PostgreSQL" in bad.output


def test_serve_on_postgres_lists_and_compares(server: str, corpus: Path, tmp_path: Path) -> None:
    from yusuan.web import WebConfig, create_app

    url = _database(server, "web")
    con = open_store(url)
    ingest(con, [str(corpus / "seeds")], workers=2)
    con.close()
    clients = [create_app(WebConfig(data_dir=tmp_path / f"web{i}", db=url)).test_client() for i in range(2)]
    for client in clients:  # two servers on one corpus
        page = client.get("/corpus").get_data(as_text=True)
        assert page.count("<td>数据库</td>") == 4 and "且末县" in page
        assert len(client.get("/api/compare?region=且末县").get_json()["docs"]) == 1
