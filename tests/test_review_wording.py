"""The reviewed findings of the wording, template, code and completeness rules on the shared
real documents (tests/review/wording_codes_coverage.csv): every real defect is still reported,
and no finding judged a false alarm comes back.

Each row: the files checked together, the file the finding is about, the rule, the words that
identify it (``*``: any finding of that rule on that file), and the verdict — ``true`` (must be
reported), ``false`` or ``ledger`` (must not be reported: a false alarm, or something that can
only go to the coverage ledger)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from yusuan.audit import Config
from yusuan.audit.cli import check_paths
from yusuan.model import Finding

FIXTURES = Path(__file__).parent / "fixtures"
REVIEW = Path(__file__).parent / "review" / "wording_codes_coverage.csv"
FAMILIES = ("COV", "TPL", "TXT", "COD")

with REVIEW.open(encoding="utf-8") as fh:
    ROWS = list(csv.DictReader(fh))
BY_RUN: dict[str, list[dict[str, str]]] = defaultdict(list)
for _row in ROWS:
    BY_RUN[_row["files"]].append(_row)


def _path(prefix: str) -> str:
    found = [*(FIXTURES / "real").glob(f"{prefix}_*.pdf"), *(FIXTURES / "seeds").glob(f"{prefix}_*.txt")]
    assert len(found) == 1, prefix
    return str(found[0])


def _matches(f: Finding, row: dict[str, str]) -> bool:
    return (f.rule == row["rule"] and f.location.doc.startswith(row["doc"] + "_")
            and (row["match"] == "*" or row["match"] in f.message or row["match"] in f.quote))


def test_review_rows_are_well_formed() -> None:
    assert ROWS
    for row in ROWS:
        assert row["verdict"] in ("true", "false", "ledger"), row
        assert row["rule"][:3] in FAMILIES and row["match"] and row["why"], row
        assert row["doc"] in row["files"].split("+"), row


@pytest.mark.slow
@pytest.mark.parametrize("files", sorted(BY_RUN))
def test_reviewed_findings(files: str) -> None:
    report = check_paths([_path(p) for p in files.split("+")], Config(select=FAMILIES))
    findings = [f for d in report.documents for f in d.findings]
    for row in BY_RUN[files]:
        hits = [f for f in findings if _matches(f, row)]
        if row["verdict"] == "true":
            assert hits, f"real defect no longer reported: {row}"
            assert all(f.severity.value == row["severity"] for f in hits), (row, [f.severity for f in hits])
        else:
            assert not hits, f"judged {row['verdict']} but reported again: {row}\n{[f.message for f in hits]}"
