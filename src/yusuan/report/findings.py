"""A check report as text (Chinese, grouped by document and severity), JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from yusuan.audit.report import SEVERITY_RANK, SEVERITY_ZH, STATUS_ZH, CheckReport, DocumentReport, Status
from yusuan.model import Finding, Severity

CSV_FIELDS = ["doc", "rule", "severity", "message", "table", "row_code", "row_name", "column", "line", "page",
              "confidence", "values"]


def location_text(f: Finding) -> str:
    loc = f.location
    parts = []
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
    return sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.rule, f.location.source.line or 0))


def render_text(report: CheckReport) -> str:
    out: list[str] = []
    for d in report.documents:
        out.append(f"== {d.doc}（{d.path or ''}）")
        if d.failed:
            msgs = "；".join(x.message for x in d.diagnostics) or "无法读取"
            out.append(f"  无法检查：{msgs}")
            out.append("")
            continue
        for sev in (Severity.ERROR, Severity.WARNING, Severity.INFO):
            items = [f for f in _sorted(d.findings) if f.severity == sev]
            if not items:
                continue
            out.append(f"  [{SEVERITY_ZH[sev]}] {len(items)} 条")
            for f in items:
                conf = f"（置信度 {f.confidence:.2f}）" if f.confidence is not None and f.confidence < 1 else ""
                loc = location_text(f)
                out.append(f"    {f.rule} {f.message}{conf}" + (f"  〔{loc}〕" if loc else ""))
        counts = d.status_counts()
        ledger = "，".join(f"{STATUS_ZH[s]} {counts[s]}" for s in Status if counts[s])
        out.append(f"  规则覆盖：{ledger}")
        gaps = [e for e in d.coverage if e.status in (Status.INSUFFICIENT_DATA, Status.ERROR)]
        for e in gaps:
            out.append(f"    {e.rule} {STATUS_ZH[e.status]}：{e.reason}")
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
    }


def document_dict(d: DocumentReport) -> dict[str, Any]:
    return {
        "doc": d.doc,
        "path": d.path,
        "readable": not d.failed,
        "diagnostics": [{"code": x.code, "severity": x.severity.value, "message": x.message} for x in d.diagnostics
                        if x.severity == Severity.ERROR],
        "counts": {s.value: d.count(s) for s in Severity},
        "findings": [finding_dict(f) for f in _sorted(d.findings)],
        "coverage": [
            {"rule": e.rule, "status": e.status.value, "checks": e.checks, "findings": e.findings, "reason": e.reason}
            for e in d.coverage
        ],
    }


def render_json(report: CheckReport) -> str:
    payload = {"schema": "yusuan/check@1", "documents": [document_dict(d) for d in report.documents],
               "summary": report.summary_line()}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def render_csv(report: CheckReport) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    for d in report.documents:
        for f in _sorted(d.findings):
            loc = f.location
            w.writerow({
                "doc": loc.doc, "rule": f.rule, "severity": f.severity.value, "message": f.message,
                "table": loc.table or "", "row_code": loc.row_code or "", "row_name": loc.row_name or "",
                "column": loc.column or "", "line": loc.source.line or "", "page": loc.source.page or "",
                "confidence": "" if f.confidence is None else f"{f.confidence:.2f}",
                "values": json.dumps(f.values, ensure_ascii=False) if f.values else "",
            })
    return buf.getvalue()
