"""`yusuan check` on the four seed disclosures: the real defects are found, and nothing
that is only rounding is reported as an error."""

from __future__ import annotations

import pytest

from tests.conftest import seed
from yusuan.audit import Config, Status
from yusuan.audit.cli import check_paths
from yusuan.model import Severity


@pytest.fixture(scope="module")
def reports():  # type: ignore[no-untyped-def]
    rep = check_paths([str(seed(p)) for p in ("000", "001", "002", "004")], Config())
    return {d.doc[:3]: d for d in rep.documents}


def _rules(doc, severity=None):  # type: ignore[no-untyped-def]
    return [f.rule for f in doc.findings if severity is None or f.severity == severity]


def test_every_seed_is_checked_with_a_full_ledger(reports) -> None:  # type: ignore[no-untyped-def]
    for doc in reports.values():
        assert not doc.failed
        statuses = {e.status for e in doc.coverage}
        assert Status.ERROR not in statuses, [e for e in doc.coverage if e.status == Status.ERROR]
        passed = sum(1 for e in doc.coverage if e.status == Status.PASSED)
        assert passed >= 15  # tables and narrative were really checked, not skipped


def test_seed_000_stated_difference(reports) -> None:  # type: ignore[no-untyped-def]
    (f,) = [f for f in reports["000"].findings if f.rule == "NAR006"]
    assert "5万元" in f.message and "0.50" in f.message


def test_seed_002_missing_tables_and_template_rows(reports) -> None:  # type: ignore[no-untyped-def]
    doc = reports["002"]
    missing = {f.location.table for f in doc.findings if f.rule == "COV002"}
    assert missing == {"income", "expenditure"}
    assert {f.location.table for f in doc.findings if f.rule == "COV003"} >= {"income", "expenditure"}
    assert _rules(doc).count("TPL001") == 2


def test_seed_004_same_amount_stated_two_ways(reports) -> None:  # type: ignore[no-untyped-def]
    doc = reports["004"]
    msgs = [f.message for f in doc.findings if f.rule == "NAR004"]
    assert any("337.34" in m and "337.35" in m for m in msgs)
    assert all(f.severity == Severity.WARNING for f in doc.findings if f.rule in ("NAR001", "NAR004"))


def test_no_error_on_seeds_except_missing_tables(reports) -> None:  # type: ignore[no-untyped-def]
    errors = [(k, f.rule, f.message) for k, d in reports.items() for f in d.findings if f.severity == Severity.ERROR]
    assert all(k == "002" and rule in ("COV002", "COV003") for k, rule, _ in errors), errors
