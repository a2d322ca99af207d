"""A check report as text (Chinese, grouped by document and severity), JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from yusuan.audit.fingerprint import fingerprint
from yusuan.audit.report import SEVERITY_RANK, SEVERITY_ZH, STATUS_ZH, CheckReport, DocumentReport, Status
from yusuan.model import Diagnostic, Finding, Severity

CSV_FIELDS = ["doc", "rule", "severity", "message", "table", "row_code", "row_name", "column", "line", "page",
              "confidence", "values", "quote", "fingerprint"]


def location_text(f: Finding, report: DocumentReport | None = None) -> str:
    loc = f.location
    parts = []
    if report is not None and report.members:
        parts.append(f"文件 {loc.doc}")
    if loc.table:
        parts.append(f"表 {loc.table}")
    if loc.row_code or loc.row_name:
        parts.append(f"行 {' '.join(p for p in (loc.row_code, loc.row_name) if p)}")
    if loc.column:
        parts.append(f"栏 {loc.column}")
    if loc.source.page:
        parts.append(f"第 {loc.source.page} 页")
    if loc.source.line:
        parts.append(f"第 {loc.source.line} 行")
    return "，".join(parts)


def _sorted(findings: tuple[Finding, ...]) -> list[Finding]:
    """Errors first, then warnings, then information; within each, in document order."""
    def key(f: Finding) -> tuple:
        src = f.location.source
        return (-SEVERITY_RANK[f.severity], f.location.doc, src.page or 0, src.line or 0, f.rule)

    return sorted(findings, key=key)


def quote_text(f: Finding) -> str:
    """The printed words a finding is about, when its message does not already quote them."""
    q = " ".join(f.quote.split())
    return "" if not q or q in f.message else q


def _header(d: DocumentReport) -> list[str]:
    if not d.members:
        return [f"== {d.doc}（{d.path or ''}）"]
    out = [f"== 同一公开的 {len(d.members)} 个文件，作为一份公开检查（单位、年度、预决算和口径相同）："]
    out += [f"   - {m.path or m.doc}（{m.parts}）" for m in d.members]
    return out


def render_text(report: CheckReport) -> str:
    out: list[str] = []
    for d in report.documents:
        out += _header(d)
        if d.failed:
            msgs = "；".join(x.message for x in d.diagnostics) or "无法读取"
            out.append(f"  无法检查：{msgs}")
            out.append("")
            continue
        notes = d.reading_notes
        if notes:
            out.append(f"  [读取提示] {len(notes)} 条（以下内容未能完整读取，相关检查可能不完整）")
            out += [f"    {x.code} {x.message}" for x in notes]
        for sev in (Severity.ERROR, Severity.WARNING, Severity.INFO):
            items = [f for f in _sorted(d.findings) if f.severity == sev]
            if not items:
                continue
            out.append(f"  [{SEVERITY_ZH[sev]}] {len(items)} 条")
            for f in items:
                conf = f"（置信度 {f.confidence:.2f}）" if f.confidence is not None and f.confidence < 1 else ""
                loc = location_text(f, d)
                quote = quote_text(f)
                out.append(f"    {f.rule} {f.message}{conf}" + (f"  〔{loc}〕" if loc else "")
                           + (f"  原文：“{quote}”" if quote else ""))
        counts = d.status_counts()
        ledger = "，".join(f"{STATUS_ZH[s]} {counts[s]}" for s in Status if counts[s])
        out.append(f"  规则覆盖：{ledger}")
        # what could not be checked: whole rules, and the parts of rules that ran
        gaps = [e for e in d.coverage if e.status in (Status.INSUFFICIENT_DATA, Status.ERROR)
                or (e.reason and e.status in (Status.PASSED, Status.FAILED))]
        for e in gaps:
            who = f"（{e.doc}）" if d.members and e.doc != d.doc else ""
            out.append(f"    {e.rule}{who} {STATUS_ZH[e.status]}：{e.reason}")
        out.append("")
    out.append(report.summary_line())
    return "\n".join(out) + "\n"


def finding_dict(f: Finding) -> dict[str, Any]:
    loc = f.location
    return {
        "rule": f.rule,
        "severity": f.severity.value,
        "message": f.message,
        "location": {
            "doc": loc.doc, "table": loc.table, "row_code": loc.row_code, "row_name": loc.row_name,
            "column": loc.column, "line": loc.source.line, "page": loc.source.page, "ref": loc.source.ref,
        },
        "values": f.values,
        "confidence": f.confidence,
        "quote": f.quote,
        "fingerprint": fingerprint(f),
    }


def document_dict(d: DocumentReport) -> dict[str, Any]:
    return {
        "doc": d.doc,
        "path": d.path,
        "readable": not d.failed,
        "diagnostics": [{"code": x.code, "severity": x.severity.value, "message": x.message,
                         "page": x.source.page, "line": x.source.line} for x in _shown(d)],
        "publication": [{"doc": m.doc, "path": m.path, "parts": m.parts} for m in d.members],
        "counts": {s.value: d.count(s) for s in Severity},
        "findings": [finding_dict(f) for f in _sorted(d.findings)],
        "coverage": [
            {"rule": e.rule, "status": e.status.value, "checks": e.checks, "findings": e.findings, "reason": e.reason}
            for e in d.coverage
        ],
    }


def _shown(d: DocumentReport) -> list[Diagnostic]:
    """Diagnostics a report shows: every error, and the readers' warnings (cuts), once each."""
    notes = d.reading_notes
    return [x for x in d.diagnostics if x.severity == Severity.ERROR and x not in notes] + list(notes)


def render_json(report: CheckReport) -> str:
    payload = {"schema": "yusuan/check@1", "documents": [document_dict(d) for d in report.documents],
               "summary": report.summary_line()}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def finding_rows(report: CheckReport) -> Iterator[tuple[DocumentReport, dict[str, Any]]]:
    """Each document's reading notes (what could not be read: a row like a finding, the code
    as its rule) then its findings, as flat records with the ``CSV_FIELDS`` keys."""
    for d in report.documents:
        for x in d.reading_notes:
            yield d, {"doc": d.doc, "rule": x.code, "severity": x.severity.value, "message": x.message,
                      "line": x.source.line or "", "page": x.source.page or ""}
        for f in _sorted(d.findings):
            loc = f.location
            yield d, {
                "doc": loc.doc, "rule": f.rule, "severity": f.severity.value, "message": f.message,
                "table": loc.table or "", "row_code": loc.row_code or "", "row_name": loc.row_name or "",
                "column": loc.column or "", "line": loc.source.line or "", "page": loc.source.page or "",
                "confidence": "" if f.confidence is None else f"{f.confidence:.2f}",
                "values": json.dumps(f.values, ensure_ascii=False) if f.values else "",
                "quote": f.quote, "fingerprint": fingerprint(f),
            }


def render_csv(report: CheckReport) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    w.writerows(row for _, row in finding_rows(report))
    return buf.getvalue()
