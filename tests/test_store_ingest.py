"""The store's ingest: idempotent, versioned, resumable, atomic per document, failure-tolerant."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from yusuan.api import parse
from yusuan.report.facts import facts
from yusuan.store import ingest, open_store
from yusuan.store import writer as writer_module
from yusuan.store.extract import process_file
from yusuan.store.schema import SCHEMA_VERSION

SEEDS = sorted((Path(__file__).parent / "fixtures" / "seeds").glob("*.txt"))


def _copy_seeds(dest: Path, copies: int = 1) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(copies):
        for seed in SEEDS:
            target = dest / f"{seed.stem}_c{i:03d}.txt"
            shutil.copyfile(seed, target)
            out.append(target)
    return out


def _fact_count(path: Path) -> int:
    disclosure, _ = parse(path)
    assert disclosure is not None
    return sum(1 for _ in facts(disclosure))


def _scalar(con, sql: str, params=None):  # type: ignore[no-untyped-def]
    return con.execute(sql, params or []).fetchone()[0]


def test_second_run_inserts_nothing(tmp_path: Path) -> None:
    files = _copy_seeds(tmp_path / "in")
    con = open_store(tmp_path / "c.duckdb")
    first = ingest(con, [str(tmp_path / "in")], workers=2)
    assert (first.new, first.versions, first.unchanged, first.failed) == (len(files), 0, 0, 0)
    n_facts = _scalar(con, "SELECT count(*) FROM facts")
    second = ingest(con, [str(tmp_path / "in")], workers=2)
    assert (second.new, second.versions, second.unchanged) == (0, 0, len(files))
    assert _scalar(con, "SELECT count(*) FROM documents") == len(files)
    assert _scalar(con, "SELECT count(*) FROM facts") == n_facts


def test_stored_facts_are_the_parse_facts_with_provenance(tmp_path: Path) -> None:
    files = _copy_seeds(tmp_path / "in")
    con = open_store(tmp_path / "c.duckdb")
    ingest(con, [str(f) for f in files], workers=1)
    for path in files:
        disclosure, _ = parse(path)
        assert disclosure is not None
        expected = Counter(f.as_tuple() for f in facts(disclosure))
        assert expected, f"{path.name}: the parser found no facts"
        stored = con.execute(
            'SELECT doc, "table", row_code, row_name, "column", value, unit FROM facts_long WHERE doc = ?',
            [disclosure.meta.doc],
        ).fetchall()
        assert Counter(stored) == expected
        # every row read from text carries its source line
        missing_line = _scalar(
            con, "SELECT count(*) FROM latest_facts WHERE doc = ? AND line IS NULL", [disclosure.meta.doc]
        )
        assert missing_line == 0
    # amounts in 元 are converted exactly to 万元
    bad = _scalar(con, "SELECT count(*) FROM facts WHERE unit = '元' AND value_wan * 10000 <> value")
    assert bad == 0


def test_stored_claims_are_the_parse_claims(tmp_path: Path) -> None:
    from yusuan.report.claims import claim_rows

    files = _copy_seeds(tmp_path / "in")[:2]
    con = open_store(tmp_path / "c.duckdb")
    ingest(con, [str(f) for f in files], workers=1)
    for path in files:
        disclosure, _ = parse(path)
        assert disclosure is not None and disclosure.claims
        stored = con.execute("SELECT * FROM claims_long WHERE doc = ?", [disclosure.meta.doc]).fetchall()
        as_text = [tuple("" if v is None else str(v) for v in row) for row in stored]
        assert as_text == list(claim_rows([disclosure]))
    # money claims are also in 万元, signed like their value
    assert _scalar(con, "SELECT count(*) FROM claims WHERE unit = '元' AND value_wan * 10000 <> value") == 0
    assert _scalar(con, "SELECT count(*) FROM claims WHERE quantity = 'change_pct' AND value_wan IS NOT NULL") == 0


def test_changed_file_becomes_version_two_and_latest_moves(tmp_path: Path) -> None:
    (path,) = _copy_seeds(tmp_path / "in")[:1]
    con = open_store(tmp_path / "c.duckdb")
    ingest(con, [str(path)])
    path.write_text(path.read_text(encoding="utf-8") + "\n附注：本文件已更正。\n", encoding="utf-8")
    summary = ingest(con, [str(path)])
    assert (summary.new, summary.versions) == (0, 1)
    rows = con.execute(
        "SELECT version, is_latest FROM documents WHERE path = ? ORDER BY version", [str(path.resolve())]
    )
    assert rows.fetchall() == [(1, False), (2, True)]
    # history kept: both versions' facts are stored, the latest views see only version 2
    v2 = _scalar(con, "SELECT id FROM documents WHERE is_latest")
    assert _scalar(con, "SELECT count(DISTINCT doc_pk) FROM facts") == 2
    assert _scalar(con, "SELECT count(*) FROM latest_facts WHERE doc_pk <> ?", [v2]) == 0
    # running again on the changed content does nothing
    assert ingest(con, [str(path)]).unchanged == 1


def test_corrupt_files_are_recorded_and_the_batch_goes_on(tmp_path: Path) -> None:
    good = _copy_seeds(tmp_path / "in")[:2]
    garbage = tmp_path / "in" / "broken.bin"
    garbage.write_bytes(bytes(range(256)) * 40)
    fake_pdf = tmp_path / "in" / "broken.pdf"
    fake_pdf.write_bytes(b"%PDF-1.4 " + b"\x00garbage" * 50)
    con = open_store(tmp_path / "c.duckdb")
    summary = ingest(con, [str(p) for p in [good[0], garbage, fake_pdf, good[1]]], workers=2)
    assert (summary.new, summary.failed) == (2, 2)
    failures = dict(con.execute("SELECT path, message FROM failures").fetchall())
    assert set(failures) == {str(garbage.resolve()), str(fake_pdf.resolve())}
    assert "无法识别的文件格式" in failures[str(garbage.resolve())]
    assert "PDF" in failures[str(fake_pdf.resolve())]
    assert _scalar(con, "SELECT count(*) FROM documents") == 2
    # unchanged bad files are not retried unless asked
    again = ingest(con, [str(garbage)])
    assert (again.unchanged, again.known_failed, again.failed) == (0, 1, 0)
    assert "--retry-failed" in again.line()
    assert ingest(con, [str(garbage)], retry_failed=True).failed == 1
    reasons = dict(con.execute("SELECT DISTINCT path, reason FROM failures").fetchall())
    assert reasons[str(garbage.resolve())] == "input"


def test_a_crash_inside_a_document_leaves_nothing_of_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (path,) = _copy_seeds(tmp_path / "in")[:1]
    con = open_store(tmp_path / "c.duckdb")
    parsed = process_file(str(path.resolve()), "0" * 64, check=False)
    real = writer_module.insert_rows

    def failing(con_, table, columns, rows):  # type: ignore[no-untyped-def]
        if table == "diagnostics":  # after documents, tables and facts were inserted
            raise RuntimeError("simulated crash")
        real(con_, table, columns, rows)

    monkeypatch.setattr(writer_module, "insert_rows", failing)
    with pytest.raises(RuntimeError):
        writer_module.write_document(con, parsed)
    for table in ("documents", "tables", "facts", "findings", "figures"):
        assert _scalar(con, f"SELECT count(*) FROM {table}") == 0, table
    monkeypatch.setattr(writer_module, "insert_rows", real)
    doc_pk, version = writer_module.write_document(con, parsed)
    assert version == 1
    assert _scalar(con, "SELECT count(*) FROM facts WHERE doc_pk = ?", [doc_pk]) == len(parsed.facts) > 0


def test_killed_run_resumes_with_every_document_exactly_once(tmp_path: Path) -> None:
    files = _copy_seeds(tmp_path / "in", copies=4)
    db = tmp_path / "c.duckdb"
    script = "import sys; from yusuan.store.cli import ingest_command; sys.exit(ingest_command())"
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "in"), "--db", str(db), "-v", "-j", "2"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # so the kill reaches the pool workers too
    )
    seen = 0
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("[新增]"):
            seen += 1
            if seen == 3:
                break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert seen == 3

    con = open_store(db)
    committed = _scalar(con, "SELECT count(*) FROM documents")
    assert committed >= 3
    summary = ingest(con, [str(tmp_path / "in")], workers=2)
    assert summary.new == len(files) - committed
    assert summary.unchanged == committed
    per_path = con.execute("SELECT path, count(*) FROM documents GROUP BY path").fetchall()
    assert sorted(p for p, _ in per_path) == sorted(str(f.resolve()) for f in files)
    assert all(n == 1 for _, n in per_path)
    # no partial document: each stored document has exactly the facts its parse yields
    expected = {seed.stem: _fact_count(seed) for seed in SEEDS}
    rows = con.execute(
        "SELECT d.doc, d.n_facts, (SELECT count(*) FROM facts f WHERE f.doc_pk = d.id) FROM documents d"
    ).fetchall()
    for doc, n_facts, stored in rows:
        seed_stem = doc.rsplit("_c", 1)[0]
        assert n_facts == stored == expected[seed_stem], doc


def _worker_dies(path: str, sha: str, check: bool = True):  # type: ignore[no-untyped-def]
    if Path(path).name.startswith("002_"):  # the quickest seed to parse
        os._exit(9)  # like a crash in a C library
    if Path(path).name.startswith("001_"):
        os.kill(os.getpid(), signal.SIGKILL)  # like the kernel's out-of-memory killer
    return process_file(path, sha, check)


def test_a_dead_worker_fails_its_file_and_the_batch_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    ingest_module = importlib.import_module("yusuan.store.ingest")  # the package re-exports a function of that name

    files = _copy_seeds(tmp_path / "in")
    con = open_store(tmp_path / "c.duckdb")
    monkeypatch.setattr(ingest_module, "process_file", _worker_dies)
    summary = ingest(con, [str(tmp_path / "in")], workers=2)
    assert (summary.new, summary.failed) == (len(files) - 2, 2)
    failures = dict(con.execute("SELECT reason, message FROM failures").fetchall())
    assert set(failures) == {"crash"}
    messages = sorted(m for _, m in con.execute("SELECT path, message FROM failures ORDER BY path").fetchall())
    assert any("SIGKILL" in m for m in messages) and any("退出码 9" in m for m in messages)
    assert all("--retry-failed" in m and "memory_mb" in m for m in messages)
    # every other file is complete; a re-run skips the two (their content failed before)
    assert _scalar(con, "SELECT count(*) FROM documents") == len(files) - 2
    monkeypatch.undo()
    again = ingest(con, [str(tmp_path / "in")], workers=2)
    assert (again.new, again.known_failed, again.failed) == (0, 2, 0)
    retried = ingest(con, [str(tmp_path / "in")], workers=2, retry_failed=True)
    assert (retried.new, retried.failed) == (2, 0)


def test_a_version_3_database_gains_failure_reasons(tmp_path: Path) -> None:
    db = tmp_path / "v3.duckdb"
    con = open_store(db)
    con.execute("DROP TABLE failures")
    con.execute("DROP TABLE pending_links")
    con.execute("CREATE TABLE failures (path VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, failed_at TIMESTAMP NOT NULL, "
                "message VARCHAR NOT NULL)")
    con.execute("INSERT INTO failures VALUES ('/old.pdf', 'abc', now()::TIMESTAMP, '旧的失败')")
    con.execute("UPDATE store_meta SET value = '3' WHERE key = 'schema_version'")
    con.close()
    con = open_store(db)
    assert con.execute("SELECT path, reason FROM failures").fetchall() == [("/old.pdf", None)]
    assert con.execute("SELECT count(*) FROM pending_links").fetchone() == (0,)
    assert con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
