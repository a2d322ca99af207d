"""Crash safety: an ingest killed with SIGKILL at any moment leaves a corpus that opens, holds
no partial document, and reaches, when run again, exactly the state of a run never killed."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.generated_corpus import make_corpus
from yusuan.store import open_store

# Every stored table, as comparable rows: doc_pk replaced by the document's path, and what
# differs between two runs of the same input (ids, times) left out.
_DOC_COLUMNS = ("path, doc, sha256, version, is_latest, bytes, format, unit_name, unit_code, year, kind, scope, "
                "narrative_unit, parts, publication, staff_authorized, staff_actual, staff_in_service, "
                "staff_retired, n_tables, n_facts, n_findings, audit_error")
_CHILD_TABLES = ("tables", "facts", "findings", "diagnostics", "figures", "claims")


def _state(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    state = {"documents": sorted(con.execute(f"SELECT {_DOC_COLUMNS} FROM documents").fetchall(), key=repr)}
    for table in _CHILD_TABLES:
        cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                          "AND table_schema = current_schema() ORDER BY ordinal_position",
                                          [table]).fetchall() if r[0] != "doc_pk"]
        names = ", ".join(f't."{c}"' for c in cols)
        rows = con.execute(f"SELECT d.path, {names} FROM {table} t JOIN documents d ON d.id = t.doc_pk").fetchall()
        state[table] = sorted(rows, key=repr)
    state["failures"] = sorted(con.execute("SELECT path, sha256, message, reason FROM failures").fetchall())
    state["pending_links"] = con.execute("SELECT path FROM pending_links").fetchall()
    return state


def _no_partial_document(con: duckdb.DuckDBPyConnection, *, versions: bool = False, diagnostics: bool = True) -> None:
    """Every document has all its rows (the counts it records) and each path one latest version
    (``versions``: a path may also have earlier ones). ``diagnostics``: a tables-only file of these
    generated corpora always has its diagnostics (true of them, not of every real PDF)."""
    no_diagnostics = """
           OR NOT EXISTS (SELECT 1 FROM diagnostics x WHERE x.doc_pk = d.id) AND d.n_tables > 0
              AND d.parts = 'tables'""" if diagnostics else ""
    bad = con.execute("""
        SELECT d.path FROM documents d
        WHERE d.n_facts <> (SELECT count(*) FROM facts f WHERE f.doc_pk = d.id)
           OR d.n_tables <> (SELECT count(*) FROM tables t WHERE t.doc_pk = d.id)
           OR coalesce(d.n_findings, 0) <> (SELECT count(*) FROM findings f WHERE f.doc_pk = d.id)""" + no_diagnostics
                      ).fetchall()
    assert bad == []
    several = "" if versions else "count(*) > 1 OR "
    twice = con.execute(f"SELECT path FROM documents GROUP BY path HAVING {several}sum(is_latest::INT) <> 1")
    assert twice.fetchall() == []


def _ingest_cmd(folder: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "yusuan.cli", "ingest", str(folder), "--db", str(db), "-j", "2"]


@pytest.mark.slow
def test_sigkill_at_twenty_moments_then_rerun_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    files = make_corpus(folder, 180)
    assert len(files) >= 190
    reference = tmp_path / "reference.duckdb"
    done = subprocess.run(_ingest_cmd(folder, reference), capture_output=True, text=True, timeout=600)
    assert done.returncode == 2 and "失败" in done.stderr  # the memos are refused, the rest stored
    con = open_store(reference, read_only=True)
    expected = _state(con)
    linked = con.execute("SELECT count(*) FROM (SELECT publication FROM documents GROUP BY 1 HAVING count(*) = 2)")
    assert linked.fetchone() >= (15,)  # the halves were paired
    con.close()
    assert len(expected["documents"]) > 150 and expected["pending_links"] == []

    db = tmp_path / "killed.duckdb"
    rng = random.Random(20240601)
    progress: list[int] = []  # documents stored after each kill
    for _ in range(20):
        proc = subprocess.Popen([*_ingest_cmd(folder, db), "-v"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)  # the kill reaches the forkserver and workers
        # a random moment: after k files were committed (0: during start-up), plus up to 0.6 s
        # more, which lands in parsing, writing, hashing or linking
        lines, k = 0, rng.randint(0, 12)
        assert proc.stderr is not None
        while lines < k and proc.stderr.readline():
            lines += 1
        time.sleep(rng.uniform(0, 0.6))
        with contextlib.suppress(ProcessLookupError):  # the run may have finished
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
        if not db.exists():
            continue  # killed before the database was created
        con = open_store(db, read_only=True)  # the corpus opens ...
        _no_partial_document(con)  # ... and holds whole documents only
        progress.append(con.execute("SELECT count(*) FROM documents").fetchone()[0])  # type: ignore[index]
        con.close()
    assert len(set(progress)) >= 5, progress  # the kills fell at many points of the batch

    final = subprocess.run(_ingest_cmd(folder, db), capture_output=True, text=True, timeout=600)
    assert "Traceback" not in final.stderr
    con = open_store(db, read_only=True)
    _no_partial_document(con)
    got = _state(con)
    for table, rows in expected.items():
        assert got[table] == rows, table


def test_a_run_stopped_before_linking_links_on_the_next_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from yusuan.store import ingest

    ingest_module = importlib.import_module("yusuan.store.ingest")
    folder = tmp_path / "in"
    rng = random.Random(3)
    from tests.generated_corpus import text_disclosure

    folder.mkdir()
    (folder / "a_表格.txt").write_text(text_disclosure("甲县民政局", 2024, rng, narrative=False), encoding="utf-8")
    (folder / "a_文本.txt").write_text(text_disclosure("甲县民政局", 2024, rng, tables=False), encoding="utf-8")

    def crash(*_: object) -> int:
        raise KeyboardInterrupt  # the machine stops after the documents, before the link step

    con = open_store(tmp_path / "c.duckdb")
    monkeypatch.setattr(ingest_module, "link_publications", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest(con, [str(folder)], workers=1)
    assert con.execute("SELECT count(*) FROM pending_links").fetchone() == (2,)
    monkeypatch.undo()
    again = ingest(con, [str(folder)], workers=1)
    assert (again.unchanged, again.publications) == (2, 1)
    assert ingest(con, [str(folder)], workers=1).publications == 0  # linked once, not on every run
    reference = open_store(tmp_path / "reference.duckdb")
    assert ingest(reference, [str(folder)], workers=1).publications == 1
    assert _state(con) == _state(reference)
