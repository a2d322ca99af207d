"""Reviewers' decisions: keyed by content and fingerprint, kept across re-ingests, and
dismissed findings left out of ``open_findings``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import seed
from yusuan.audit.fingerprint import fingerprint
from yusuan.store import ingest, open_store
from yusuan.store.decisions import DecisionError, decide, decisions_for, dismissed, fill_fingerprints
from yusuan.store.extract import file_sha256, process_file


def _scalar(con, sql: str, params=None):  # type: ignore[no-untyped-def]
    return con.execute(sql, params or []).fetchone()[0]


def test_stored_fingerprint_is_the_findings_fingerprint(tmp_path: Path) -> None:
    path = seed("000")
    parsed = process_file(str(path), file_sha256(path))
    con = open_store(tmp_path / "c.duckdb")
    ingest(con, [str(path)], workers=1)
    stored = {r[0] for r in con.execute("SELECT fingerprint FROM findings").fetchall()}
    assert stored and None not in stored
    assert stored == {row[-1] for row in parsed.findings}
    # an older database's rows, filled from their columns, get the same fingerprints
    con.execute("UPDATE findings SET fingerprint = NULL")
    assert fill_fingerprints(con) == len(parsed.findings)
    assert {r[0] for r in con.execute("SELECT fingerprint FROM findings").fetchall()} == stored


def test_version_4_database_is_brought_up(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    con = open_store(db)
    ingest(con, [str(seed("002"))], workers=1)
    con.execute("UPDATE findings SET fingerprint = NULL")
    con.execute("DROP VIEW open_findings")
    con.execute("DROP TABLE decisions")
    con.execute("UPDATE store_meta SET value = '4' WHERE key = 'schema_version'")
    con.close()
    con = open_store(db)
    assert _scalar(con, "SELECT count(*) FROM findings WHERE fingerprint IS NULL") == 0
    assert _scalar(con, "SELECT count(*) FROM open_findings") == _scalar(con, "SELECT count(*) FROM findings") > 0
    assert _scalar(con, "SELECT value FROM store_meta WHERE key = 'schema_version'") == "5"


def test_dismissal_leaves_counts_and_survives_reingest(tmp_path: Path) -> None:
    doc = tmp_path / "in" / "a.txt"
    doc.parent.mkdir()
    shutil.copyfile(seed("000"), doc)
    sha = file_sha256(doc)
    con = open_store(tmp_path / "c.duckdb")
    ingest(con, [str(doc)], workers=1)
    total = _scalar(con, "SELECT count(*) FROM open_findings")
    rule, fp, message = con.execute("SELECT rule, fingerprint, message FROM findings ORDER BY rule LIMIT 1").fetchone()

    with pytest.raises(DecisionError, match="理由"):
        decide(con, sha, fp, "dismissed")
    with pytest.raises(DecisionError, match="不认识"):
        decide(con, sha, fp, "ignored", reason="x")
    decide(con, sha, fp, "dismissed", reason="规则误报：表中为上年数", reviewer="王审")
    assert (sha, fp) in dismissed(con)
    assert _scalar(con, "SELECT count(*) FROM open_findings") == total - 1
    kept = decisions_for(con, sha)[fp]
    assert (kept.decision, kept.reason, kept.reviewer) == ("dismissed", "规则误报：表中为上年数", "王审")
    assert kept.label == "已排除"

    # the file changes (a new version, other content), then comes back: the decision holds again
    shutil.copyfile(seed("002"), doc)
    ingest(con, [str(doc)], workers=1)
    shutil.copyfile(seed("000"), doc)
    summary = ingest(con, [str(doc)], workers=1)
    assert summary.versions == 1 and _scalar(con, "SELECT max(version) FROM documents") == 3
    assert _scalar(con, "SELECT count(*) FROM open_findings") == total - 1
    # the same content under another path too
    shutil.copyfile(seed("000"), tmp_path / "in" / "b.txt")
    ingest(con, [str(tmp_path / "in" / "b.txt")], workers=1)
    assert _scalar(con, "SELECT count(*) FROM open_findings") == 2 * (total - 1)

    decide(con, sha, fp, "confirmed", reason="", reviewer="李审")  # a confirmation needs no reason
    assert decisions_for(con, sha)[fp].decision == "confirmed" and not dismissed(con)
    decide(con, sha, fp, None)  # withdrawn
    assert decisions_for(con, sha) == {}
    assert rule and message  # the finding decided on is a real stored one


def test_fingerprint_of_a_finding_matches_the_stored_row(tmp_path: Path) -> None:
    from yusuan.web.library import _as_ingested

    path = seed("004")
    _, _, findings, audited = _as_ingested(path)
    assert audited and findings
    con = open_store(tmp_path / "c.duckdb")
    ingest(con, [str(path)], workers=1)
    stored = {r[0] for r in con.execute("SELECT fingerprint FROM findings").fetchall()}
    assert {fingerprint(f) for f in findings} == stored
