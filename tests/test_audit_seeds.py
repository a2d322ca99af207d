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
    assert _rules(doc).count("TPL001") == 1  # the 会议/培训 template table, its two rows reported once


def test_seed_004_same_amount_stated_two_ways(reports) -> None:  # type: ignore[no-untyped-def]
    doc = reports["004"]
    msgs = [f.message for f in doc.findings if f.rule == "NAR004"]
    assert any("337.34" in m and "337.35" in m for m in msgs)
    assert all(f.severity == Severity.WARNING for f in doc.findings if f.rule in ("NAR001", "NAR004"))


def test_seed_001_procurement_subtotal(reports) -> None:  # type: ignore[no-untyped-def]
    # 单位政府采购预算: 合计 16.80 and one purchase of 16.80, but the 局本级小计 above it is 10.60.
    found = [f for f in reports["001"].findings if f.rule == "SUM008"]
    assert {f.location.column for f in found} == {"total", "general_budget"}
    assert all("10.60" in f.message and "16.80" in f.message for f in found)


def test_no_error_on_seeds_except_real_defects(reports) -> None:  # type: ignore[no-untyped-def]
    errors = [(k, f.rule, f.message) for k, d in reports.items() for f in d.findings if f.severity == Severity.ERROR]
    real = {("002", "COV002"), ("002", "COV003"), ("001", "SUM008")}
    assert all((k, rule) in real for k, rule, _ in errors), errors
