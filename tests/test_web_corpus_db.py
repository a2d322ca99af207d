"""The web app over a corpus database built by the store (`yusuan ingest`'s writer):
documents listed from its rows, opened and downloaded from their recorded paths."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from yusuan.web import WebConfig, create_app

store_extract = pytest.importorskip("yusuan.store.extract", reason="store package not installed")
store_writer = pytest.importorskip("yusuan.store.writer", reason="store package not installed")

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


@pytest.fixture()
def corpus(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    folder = tmp_path / "corpus"
    folder.mkdir()
    files = {}
    for prefix in ("000", "004"):
        src = next(SEEDS.glob(f"{prefix}_*.txt"))
        # a Chinese name with a quote: the document id (file stem) must survive download headers
        files[prefix] = Path(shutil.copy(src, folder / f'{prefix}"单位预算.txt'))
    db = tmp_path / "yusuan.duckdb"
    con = store_writer.open_store(db)
    try:
        for path in files.values():
            parsed = store_extract.process_file(str(path), store_extract.file_sha256(path))
            assert not parsed.failed, parsed.error
            store_writer.write_document(con, parsed)
    finally:
        con.close()
    return db, files


def db_rows(client, sql: str, params: list) -> list[tuple]:  # type: ignore[no-untyped-def, type-arg]
    """Rows of the database, read through the server's own connection (DuckDB lets one
    process open a file with one configuration at a time)."""
    with client.application.extensions["yusuan"].db.reading() as cur:
        return cur.execute(sql, params).fetchall()


def shown(client, url: str) -> str:  # type: ignore[no-untyped-def]
    """A document page once the server has prepared it (the first view queues the work)."""
    jobs = client.application.extensions["yusuan"].jobs
    client.get(url)
    assert jobs.wait_idle(120)
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_data(as_text=True)


def test_corpus_lists_database_documents_and_opens_them(tmp_path: Path, corpus) -> None:  # type: ignore[no-untyped-def]
    db, files = corpus
    client = create_app(WebConfig(data_dir=tmp_path / "web", db=db)).test_client()
    page = client.get("/corpus").get_data(as_text=True)
    assert page.count("<td>数据库</td>") == 2
    assert "且末县" in page  # region facet from the unit name stored in the database

    path = files["000"]
    sha, doc = db_rows(client, "SELECT sha256, doc FROM latest_documents WHERE path = ?", [str(path)])[0]
    assert f'href="/doc/{sha}"' in page
    doc_page = shown(client, f"/doc/{sha}")
    n_findings = db_rows(client, "SELECT count(*) FROM latest_findings WHERE doc = ?", [doc])[0][0]
    assert f'id="findings-count">{n_findings}<' in doc_page  # the page's audit agrees with the stored one
    assert str(path.parent) not in doc_page  # only the file name is shown
    resp = client.get(f"/doc/{sha}/download/facts")
    assert resp.headers["Content-Disposition"] == (
        "attachment; filename=\"000_____.facts.csv\"; "
        "filename*=UTF-8''000%22%E5%8D%95%E4%BD%8D%E9%A2%84%E7%AE%97.facts.csv"
    )
    facts = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    n_facts = db_rows(client, "SELECT count(*) FROM facts_long WHERE doc = ?", [doc])[0][0]
    assert len(facts) - 1 == n_facts and {row[0] for row in facts[1:]} == {doc}

    data = client.get("/api/compare?region=且末县").get_json()
    assert [d["sha"] for d in data["docs"]] == [sha]


@pytest.mark.parametrize("prefix", ["000", "004"])
def test_compare_from_stored_rows_equals_compare_from_parsing(tmp_path: Path, corpus, prefix: str) -> None:  # type: ignore[no-untyped-def]
    """The compare page's figures come from the stored rows (in 万元, nothing parsed); they
    agree with the same figures computed from the parsed document."""
    from yusuan.web.corpus import compare_data

    db, files = corpus
    client = create_app(WebConfig(data_dir=tmp_path / "a", db=db)).test_client()
    service = client.application.extensions["yusuan"]
    sha = db_rows(client, "SELECT sha256 FROM latest_documents WHERE path = ?", [str(files[prefix])])[0][0]
    a = client.get(f"/api/compare?doc={sha}").get_json()["docs"][0]
    shown(client, f"/doc/{sha}")
    entry = service.corpus.by_sha(sha).entry()
    b = compare_data([(entry, service.analyses.get(sha).disclosure)])["docs"][0]
    for key in ("structure", "functions", "three_public", "findings", "year", "unit"):
        assert a[key] == b[key], key
    assert any(v for v in a["structure"].values())  # something real was compared


def test_changed_file_is_flagged(tmp_path: Path, corpus) -> None:  # type: ignore[no-untyped-def]
    db, files = corpus
    client = create_app(WebConfig(data_dir=tmp_path / "web", db=db)).test_client()
    sha = db_rows(client, "SELECT sha256 FROM latest_documents WHERE path = ?", [str(files["004"])])[0][0]
    files["004"].write_text(files["004"].read_text(encoding="utf-8") + "\n附注", encoding="utf-8")
    page = shown(client, f"/doc/{sha}")
    assert "W101" in page and "入库后已被修改" in page


def test_unreadable_database_leaves_uploads_listed(tmp_path: Path) -> None:
    not_db = tmp_path / "y.duckdb"
    not_db.write_text("not a database", encoding="utf-8")
    client = create_app(WebConfig(data_dir=tmp_path / "web", db=not_db)).test_client()
    sha = client.post("/upload", data={"file": (next(SEEDS.glob("000_*.txt")).open("rb"), "a.txt")}
                      ).headers["Location"].rsplit("/", 1)[1]  # fmt: skip
    assert client.application.extensions["yusuan"].jobs.wait_idle(60)
    page = client.get("/corpus").get_data(as_text=True)
    assert 'id="corpus-notice"' in page and "不是 yusuan 语料库" in page
    index = client.get("/").get_data(as_text=True)
    assert 'data-state="未入库"' in index and "a.txt" in index  # the upload is listed, with the reason
    assert "未入库" in client.get(f"/doc/{sha}").get_data(as_text=True)
    assert not_db.read_text(encoding="utf-8") == "not a database"  # never overwritten
    # unknown hashes stay 404 with a database configured
    assert client.get("/doc/" + "0" * 64).status_code == 404


def test_store_questions_page(tmp_path: Path, corpus) -> None:  # type: ignore[no-untyped-def]
    queries = pytest.importorskip("yusuan.store.queries", reason="store queries not installed")
    db, _ = corpus
    client = create_app(WebConfig(data_dir=tmp_path / "web", db=db)).test_client()
    page = client.get("/questions?what=three-public").get_data(as_text=True)
    with client.application.extensions["yusuan"].db.reading() as cur:
        expected = queries.compare(cur, "three-public")
    assert f'id="question-count">{len(expected.rows)}<' in page and len(expected.rows) == 2
    for column in expected.columns:
        assert f"<th>{column}</th>" in page
    # filters are passed through; unknown questions are refused (400)
    page = client.get("/questions?what=findings&unit=且末").get_data(as_text=True)
    assert 'id="question-count">1<' in page
    assert client.get("/questions?what=drop-tables").status_code == 400
    # without a database the page says how to build one
    bare = create_app(WebConfig(data_dir=tmp_path / "bare")).test_client()
    assert "yusuan ingest" in bare.get("/questions").get_data(as_text=True)


def test_database_held_by_another_process(tmp_path: Path, corpus) -> None:  # type: ignore[no-untyped-def]
    """While `yusuan ingest` (here: another process) holds the file, pages say so, an upload
    waits, and everything completes when the file is free again."""
    import subprocess
    import sys

    db, files = corpus
    sha = store_extract.file_sha256(files["000"])
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        client = create_app(WebConfig(data_dir=tmp_path / "web", db=db)).test_client()
        assert "正被另一个进程使用" in client.get("/corpus").get_data(as_text=True)
        resp = client.get(f"/doc/{sha}")
        assert resp.status_code == 202 and "正被另一个进程使用" in resp.get_data(as_text=True)
        up = client.post("/upload", data={"file": (next(SEEDS.glob("001_*.txt")).open("rb"), "b.txt")})
        assert up.status_code == 303
        jobs = client.application.extensions["yusuan"].jobs
        for _ in range(100):
            if 'data-state="等待数据库"' in client.get("/").get_data(as_text=True):
                break
            jobs.wait_idle(0.1)
        else:
            raise AssertionError("the upload does not say it waits for the database")
    finally:
        holder.kill()
        holder.wait(10)
    assert jobs.wait_idle(120)
    assert 'data-state="已入库"' in client.get("/").get_data(as_text=True)
    assert client.get("/corpus").get_data(as_text=True).count("<td>数据库</td>") == 2
    assert shown(client, f"/doc/{sha}")


def test_older_database_read_only_shows_every_finding_open(tmp_path: Path, corpus, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A database of schema version 4 the server may only read (no write permission): no
    decisions table, no ``open_findings`` view; the pages still list it, nothing dismissed."""
    import duckdb

    from yusuan.web.corpus import Corpus
    from yusuan.web.corpusdb import CorpusDb

    db, _ = corpus
    con = duckdb.connect(str(db))
    stored = con.execute("SELECT count(*) FROM latest_findings").fetchone()[0]
    con.execute("DROP VIEW open_findings")
    con.execute("DROP TABLE decisions")
    con.execute("UPDATE store_meta SET value = '4' WHERE key = 'schema_version'")
    con.close()
    monkeypatch.setattr(CorpusDb, "_open", lambda self, create: duckdb.connect(str(self.path), read_only=True))
    docs, notice = Corpus(CorpusDb(db, idle_close_s=-1), lambda path: None).documents()
    assert notice is None and len(docs) == 2 and stored > 0
    assert sum(d.errors + d.warnings + d.infos for d in docs) == stored and all(d.dismissed == 0 for d in docs)
