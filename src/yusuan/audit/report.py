"""The result of a check run: findings and the coverage ledger, per document.

The ledger says, for every rule and document, whether the rule passed, failed, did not
apply, lacked the data it needs (e.g. its table was not found), or could not run. A run
that found nothing wrong because it found nothing to check shows up here, not as silence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from yusuan.model import Diagnostic, Disclosure, Finding, Severity

SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
SEVERITY_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"
    INSUFFICIENT_DATA = "insufficient_data"
    ERROR = "error"


STATUS_ZH = {
    Status.PASSED: "通过",
    Status.FAILED: "未通过",
    Status.NOT_APPLICABLE: "不适用",
    Status.INSUFFICIENT_DATA: "数据不足",
    Status.ERROR: "无法运行",
}


@dataclass(frozen=True)
class CoverageEntry:
    rule: str
    doc: str
    status: Status
    checks: int  # comparisons made
    findings: int
    reason: str = ""  # why not applicable / insufficient / error


@dataclass(frozen=True)
class Member:
    """One file of a publication checked as one (DESIGN §4c)."""

    doc: str
    path: str | None
    parts: str  # what it holds, in words: 仅表格 / 仅文字说明


@dataclass(frozen=True)
class DocumentReport:
    doc: str
    path: str | None
    disclosure: Disclosure | None
    findings: tuple[Finding, ...] = ()
    coverage: tuple[CoverageEntry, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    failed: bool = False  # the file could not be read/parsed at all
    members: tuple[Member, ...] = ()  # the files of a publication checked as one; empty for one file

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def reading_notes(self) -> tuple[Diagnostic, ...]:
        """What the readers could not read as printed (text or cells cut, pages not OCR'd,
        a damaged file repaired): their warnings and errors, once each."""
        return reading_notes(self.diagnostics)

    def status_counts(self) -> Counter[Status]:
        return Counter(e.status for e in self.coverage)


@dataclass(frozen=True)
class CheckReport:
    documents: tuple[DocumentReport, ...] = field(default_factory=tuple)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for d in self.documents for f in d.findings)

    def at_or_above(self, level: Severity) -> int:
        rank = SEVERITY_RANK[level]
        return sum(1 for f in self.findings if SEVERITY_RANK[f.severity] >= rank)

    def summary_line(self) -> str:
        bad = sum(1 for d in self.documents if d.failed)
        c = Counter(f.severity for f in self.findings)
        files = sum(len(d.members) or 1 for d in self.documents)
        pubs = [d for d in self.documents if d.members]
        joined = f"其中 {sum(len(d.members) for d in pubs)} 个文件作为 {len(pubs)} 份公开合并检查；" if pubs else ""
        return (
            f"共检查 {files} 个文件（无法读取 {bad} 个）：{joined}错误 {c[Severity.ERROR]} 条，"
            f"警告 {c[Severity.WARNING]} 条，提示 {c[Severity.INFO]} 条。"
        )


def reading_notes(diagnostics: tuple[Diagnostic, ...]) -> tuple[Diagnostic, ...]:
    """The readers' (ingest, codes I…) warnings and errors among ``diagnostics``, each once."""
    seen: set[tuple[str, str]] = set()
    out = []
    for d in diagnostics:
        key = (d.code, d.message)
        if d.code.startswith("I") and d.severity != Severity.INFO and key not in seen:
            seen.add(key)
            out.append(d)
    return tuple(out)


def rule_counts(report: CheckReport) -> list[tuple[tuple[str, Severity], int]]:
    """((rule, severity), number of findings), most first, then by severity and code."""
    counts = Counter((f.rule, f.severity) for f in report.findings)
    return sorted(counts.items(), key=lambda item: (-item[1], -SEVERITY_RANK[item[0][1]], item[0][0]))
