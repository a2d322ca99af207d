"""The reviewed findings of every rule on the shared real documents (tests/review/findings.csv,
summarised in findings.md): every real defect is still reported, no finding judged a false
alarm comes back, and no error or warning is raised that nobody has judged.

Each row: the files checked together, the file the finding is about, the rule, the words that
identify it (``*``: any finding of that rule on that file), and the verdict — ``true`` (must be
reported, at that severity), ``false`` or ``ledger`` (must not be reported: a false alarm, or
something that can only go to the coverage ledger). A new error or warning on these documents
fails the test until a reviewer adds its row."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from yusuan.audit import Config
from yusuan.audit.cli import check_paths
from yusuan.audit.registry import FAMILIES
from yusuan.model import Finding, Severity

FIXTURES = Path(__file__).parent / "fixtures"
REVIEW = Path(__file__).parent / "review" / "findings.csv"

with REVIEW.open(encoding="utf-8") as fh:
    ROWS = list(csv.DictReader(fh))
BY_RUN: dict[str, list[dict[str, str]]] = defaultdict(list)
for _row in ROWS:
    BY_RUN[_row["files"]].append(_row)

# Every shared document alone, and the three publications published as two files.
RUNS = sorted({p.name[:3] for p in (FIXTURES / "real").glob("*.pdf")} |
              {p.name[:3] for p in (FIXTURES / "seeds").glob("*.txt")} | {"131+132", "133+134", "135+136"})


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
        assert row["files"] in RUNS, row
        if row["verdict"] == "true":
            assert row["severity"] in ("error", "warning"), row


@pytest.mark.slow
@pytest.mark.parametrize("files", RUNS)
def test_reviewed_findings(files: str) -> None:
    report = check_paths([_path(p) for p in files.split("+")], Config())
    findings = [f for d in report.documents for f in d.findings]
    rows = BY_RUN.get(files, [])
    for row in rows:
        hits = [f for f in findings if _matches(f, row)]
        if row["verdict"] == "true":
            assert hits, f"real defect no longer reported: {row}"
            assert all(f.severity.value == row["severity"] for f in hits), (row, [f.severity for f in hits])
        else:
            assert not hits, f"judged {row['verdict']} but reported again: {row}\n{[f.message for f in hits]}"
    unreviewed = [f for f in findings if f.severity != Severity.INFO
                  and not any(_matches(f, r) for r in rows if r["verdict"] == "true")]
    listing = "\n".join(f"{f.rule} {f.severity.value} {f.location.doc} {f.message}" for f in unreviewed)
    assert not unreviewed, f"errors and warnings nobody has judged (add rows to tests/review/findings.csv):\n{listing}"
