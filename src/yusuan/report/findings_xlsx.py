"""A check report as an xlsx workbook a reviewer can send on: Chinese headers, one long sheet
(``layout="long"``) or one sheet per document (``layout="per-document"``), plus a 规则统计 sheet
with the count per rule. Rows are the same records as the CSV (``finding_rows``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from yusuan.audit.report import SEVERITY_ZH, CheckReport, rule_counts
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


def document_titles(documents: Sequence[tuple[str | None, str]]) -> list[str]:
    """A sheet title for each (unit name, document id): the unit name, or the id where the name
    is unknown; with the id added where two documents share a name (预算 and 决算 of a unit)."""
    names = [unit or doc for unit, doc in documents]
    twice = {n for n in names if names.count(n) > 1}
    return [f"{n} {doc}" if n in twice and n != doc else n for n, (_, doc) in zip(names, documents, strict=True)]


def write_findings_xlsx(report: CheckReport, path: str | Path, layout: str = "long") -> None:
    """Write the findings (and reading notes) of ``report`` to ``path``."""
    units = [(d.disclosure.meta.unit_name if d.disclosure is not None else None, d.doc) for d in report.documents]
    titles = {id(d): t for d, t in zip(report.documents, document_titles(units), strict=True)}
    rows = [(titles[id(d)], r) for d, r in finding_rows(report)]
    counts = [(rule, sev.value, n) for (rule, sev), n in rule_counts(report)]
    write_finding_rows(rows, path, layout, list(titles.values()), counts)


def write_finding_rows(rows: Sequence[tuple[str, dict[str, Any]]], path: str | Path, layout: str,
                       documents: Sequence[str], counts: Sequence[tuple[str, str, int]]) -> None:
    """The workbook from flat finding records (``CSV_FIELDS`` keys), each with the title of its
    document; ``documents`` in sheet order (``per-document``: one sheet each, also when it has no
    finding); ``counts``: (rule, severity, number) for the 规则统计 sheet. Shared by ``check``
    and ``export``."""
    from openpyxl import Workbook

    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    kinds = [k for _, _, k in _COLUMNS]
    used: set[str] = set()
    if layout == "long" or not documents:
        write_sheet(wb.create_sheet(sheet_title("审核发现", used)), HEADERS, kinds, (_cells(r) for _, r in rows))
    else:
        for title in dict.fromkeys(documents):
            mine = (_cells(r) for owner, r in rows if owner == title)
            write_sheet(wb.create_sheet(sheet_title(title, used)), HEADERS, kinds, mine)
    write_sheet(wb.create_sheet(sheet_title("规则统计", used)), ("规则", "级别", "条数"),
                (Kind.TEXT, Kind.TEXT, Kind.INTEGER),
                [(rule, SEVERITY_ZH[Severity(sev)], n) for rule, sev, n in counts])
    wb.save(str(path))
