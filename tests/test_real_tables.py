"""All 19 real PDFs (tests/fixtures/real): every table read without a word in an amount cell,
none marked uncertain, and every arithmetic identity of the tables holds — these documents'
tables are clean, so any finding here would be a table-reading false alarm."""

from __future__ import annotations

from pathlib import Path

import pytest

from yusuan.api import parse
from yusuan.audit import Config, check_disclosure

REAL = sorted((Path(__file__).parent / "fixtures" / "real").glob("*.pdf"))
IDENTITIES = ("SUM001", "SUM002", "SUM003", "SUM004", "SUM005", "SUM006", "SUM007", "HIE001")


@pytest.mark.slow
@pytest.mark.parametrize("path", REAL, ids=[p.name[:3] for p in REAL])
def test_real_pdf_tables_read_cleanly(path: Path) -> None:
    disclosure, diagnostics = parse(path)
    assert disclosure is not None
    assert [d.message for d in diagnostics if d.code in ("P122", "P131", "P132")] == []
    assert [(t.id, t.uncertain) for t in disclosure.tables if t.uncertain] == []
    report = check_disclosure(disclosure, Config(select=IDENTITIES))
    assert [f.message for f in report.findings] == []
    if "tables" in disclosure.meta.parts:
        assert sum(e.checks for e in report.coverage) >= 20
