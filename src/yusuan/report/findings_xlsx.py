"""A check report as an xlsx workbook a reviewer can send on: Chinese headers, one long sheet
(``layout="long"``) or one sheet per document (``layout="per-document"``), plus a 规则统计 sheet
with the count per rule. Rows are the same records as the CSV (``finding_rows``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from yusuan.audit.report import SEVERITY_ZH, CheckReport, DocumentReport, rule_counts
from yusuan.model import Severity
from yusuan.report.findings import finding_rows
from yusuan.report.outputs import Kind, sheet_title, write_sheet

LAYOUTS = ("long", "per-document")

# (CSV field, Chinese header, how it is written)
_COLUMNS: tuple[tuple[str, str, Kind], ...] = (
    ("doc", "文件", Kind.TEXT),
    ("rule", "规则", Kind.TEXT),
    ("severity", "级别", Kind.TEXT),
    ("message", "问题说明", Kind.TEXT),
    ("table", "表", Kind.TEXT),
    ("row_code", "科目编码", Kind.TEXT),
    ("row_name", "科目名称", Kind.TEXT),
    ("column", "栏目", Kind.TEXT),
    ("page", "页", Kind.INTEGER),
    ("line", "行", Kind.INTEGER),
    ("confidence", "置信度", Kind.PERCENT),
    ("values", "涉及数值", Kind.TEXT),
    ("quote", "原文", Kind.TEXT),
    ("fingerprint", "指纹", Kind.TEXT),
)
HEADERS = tuple(h for _, h, _ in _COLUMNS)


def _cells(row: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    for key, _, _kind in _COLUMNS:
        value = row.get(key, "")
        if key == "severity" and value:
            value = SEVERITY_ZH[Severity(value)]
        elif key == "confidence" and value != "":
            value = float(value) * 100  # a fraction; the sheet shows it as a percentage
        elif key == "values" and value:
            value = "；".join(f"{k}={v}" for k, v in json.loads(value).items())
        out.append(value)
    return out


def _document_title(d: DocumentReport) -> str:
    unit = d.disclosure.meta.unit_name if d.disclosure is not None else None
    return unit or d.doc


def write_findings_xlsx(report: CheckReport, path: str | Path, layout: str = "long") -> None:
    """Write the findings (and reading notes) of ``report`` to ``path``."""
    from openpyxl import Workbook

    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    kinds = [k for _, _, k in _COLUMNS]
    used: set[str] = set()
    rows = list(finding_rows(report))
    if layout == "long":
        write_sheet(wb.create_sheet(sheet_title("审核发现", used)), HEADERS, kinds, (_cells(r) for _, r in rows))
    else:
        for d in report.documents:
            mine = (_cells(r) for owner, r in rows if owner is d)
            write_sheet(wb.create_sheet(sheet_title(_document_title(d), used)), HEADERS, kinds, mine)
        if not report.documents:
            write_sheet(wb.create_sheet(sheet_title("审核发现", used)), HEADERS, kinds, ())
    _write_statistics(wb.create_sheet(sheet_title("规则统计", used)), report)
    wb.save(str(path))


def _write_statistics(ws: Any, report: CheckReport) -> None:
    counts = rule_counts(report)
    rows = [(rule, SEVERITY_ZH[sev], n) for (rule, sev), n in counts]
    write_sheet(ws, ("规则", "级别", "条数"), (Kind.TEXT, Kind.TEXT, Kind.INTEGER), rows)
