"""Finding fingerprints: the key of reviewer decisions and baselines."""

from yusuan.audit.fingerprint import fingerprint
from yusuan.model import Finding, Location, Severity, Source


def _finding(message: str = "合计 100.00 ≠ 各项之和 99.00", doc: str = "a", page: int = 3) -> Finding:
    return Finding("SUM001", Severity.ERROR, message,
                   Location(doc=doc, table="T01", row_code="201", column="total", source=Source(page=page)))


def test_same_finding_same_key_whatever_the_document_id() -> None:
    assert fingerprint(_finding(doc="a")) == fingerprint(_finding(doc="b"))
    assert len(fingerprint(_finding())) == 16


def test_changed_number_or_place_is_a_new_finding() -> None:
    key = fingerprint(_finding())
    assert fingerprint(_finding(message="合计 100.00 ≠ 各项之和 98.00")) != key
    assert fingerprint(_finding(page=4)) != key
