"""The store keeps a publication id per document; the two halves of one publication ingested
(together or one after the other) share it and carry the publication's findings."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from yusuan.store import ingest, open_store
from yusuan.store.schema import SCHEMA_VERSION

REAL = Path(__file__).parent / "fixtures" / "real"
TEXT = REAL / "131_js-shengweibgt-2019-bumen-yusuan-wenben.pdf"
TABLES = REAL / "132_js-shengweibgt-2019-bumen-yusuan-biaoge.pdf"
SEED = Path(__file__).parent / "fixtures" / "seeds" / "000_caaa6eb3116f7168.txt"


def _docs(con):  # type: ignore[no-untyped-def]
    return {d[:3]: (parts, pub, n) for d, parts, pub, n in
            con.execute("SELECT doc, parts, publication, n_findings FROM latest_documents").fetchall()}


@pytest.mark.slow
def test_halves_ingested_one_after_the_other_share_one_publication(tmp_path: Path) -> None:
    con = open_store(tmp_path / "c.duckdb")
    first = ingest(con, [str(TEXT), str(SEED)], workers=1)
    assert first.publications == 0
    alone = _docs(con)
    assert alone["131"][0] == "narrative" and alone["000"][0] == "narrative,tables"
    second = ingest(con, [str(TABLES)], workers=1)
    assert second.publications == 1 and "合并检查" in second.line()
    docs = _docs(con)
    assert docs["131"][1] == docs["132"][1] == "江苏省委办公厅|2019|budget|部门"
    assert docs["000"][1] != docs["131"][1]
    # the publication's findings, each on its file; none blames a half for the other half's part
    rows = con.execute("SELECT doc, rule FROM latest_findings WHERE doc LIKE '13%'").fetchall()
    assert {d[:3] for d, _ in rows} <= {"131", "132"}
    assert not [r for _, r in rows if r.startswith("COV")]
    assert docs["131"][2] + docs["132"][2] == len(rows)
    assert ingest(con, [str(TEXT), str(TABLES)], workers=1).publications == 0  # nothing new: nothing relinked


def test_a_version_1_database_gains_the_publication_columns(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO store_meta VALUES ('schema_version', '1')")
    con.execute("CREATE TABLE documents (id BIGINT PRIMARY KEY, path VARCHAR NOT NULL, doc VARCHAR NOT NULL, "
                "sha256 VARCHAR NOT NULL, version INTEGER NOT NULL, is_latest BOOLEAN NOT NULL, "
                "ingested_at TIMESTAMP NOT NULL, bytes BIGINT, format VARCHAR, unit_name VARCHAR, unit_code VARCHAR, "
                "year INTEGER, kind VARCHAR, scope VARCHAR, narrative_unit VARCHAR, staff_authorized INTEGER, "
                "staff_actual INTEGER, staff_in_service INTEGER, staff_retired INTEGER, n_tables INTEGER NOT NULL, "
                "n_facts INTEGER NOT NULL, n_findings INTEGER, audit_error VARCHAR, parse_ms DOUBLE)")
    con.close()
    con = open_store(db)
    cols = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 'documents'").fetchall()}
    assert {"parts", "publication"} <= cols
    assert con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()[0] == str(
        SCHEMA_VERSION)
    ingest(con, [str(SEED)], workers=1)
    assert con.execute("SELECT publication FROM latest_documents").fetchone()[0] == "且末县医疗保障局|2025|budget|部门"
