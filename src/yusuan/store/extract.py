"""Worker side of ingest: one file -> a ``Parsed`` record of plain rows, ready to insert.

Runs in a pool process, so everything here is picklable plain data (strings, numbers,
``None``); the writer in the main process only adds the document key and inserts. Parsing,
fact extraction and the audit all happen here, in parallel; the single DuckDB writer does
nothing but write.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from yusuan.api import doc_id_for
from yusuan.model import Diagnostic, Disclosure, Figure, Finding, MoneyUnit, Severity, Source
from yusuan.parsing import NOT_A_DISCLOSURE
from yusuan.publication import key_of, parts_of
from yusuan.store.schema import COLUMN_TYPES
from yusuan.text import printable

_TEN_THOUSAND_EXP = -4  # 元 -> 万元 is a shift of four decimal places (exact with scaleb)

# Column order of each record list (the writer inserts them in this order).
TABLE_COLUMNS = ("table_no", "table_id", "title", "number", "unit", "empty", "empty_reason", "n_rows", "line", "page")
FACT_COLUMNS = (
    "doc", "table_no", "table_id", "row_no", "row_code", "row_name", "row_level", "row_side", "row_key",
    "column", "value_text", "value", "unit", "value_wan", "confidence", "line", "page", "x0", "top", "x1",
    "bottom", "ref",
)  # fmt: skip
FINDING_COLUMNS = (
    "doc", "rule", "severity", "message", "table_id", "row_code", "row_name", "column", "values", "confidence",
    "line", "page", "x0", "top", "x1", "bottom", "ref", "fingerprint",
)  # fmt: skip
DIAGNOSTIC_COLUMNS = ("code", "severity", "message", "table_id", "line", "page")
FIGURE_COLUMNS = (
    "doc", "section_no", "topic", "heading", "subject", "amount", "unit", "amount_wan", "share",
    "change_direction", "change_amount", "change_amount_wan", "change_percent", "reason", "refers_table",
    "refers_row", "refers_column", "sentence", "line", "page",
)  # fmt: skip


CLAIM_COLUMNS = (
    "doc", "claim_no", "section", "code", "subject", "table_id", "row_code", "column", "quantity", "value_text",
    "value", "unit", "value_wan", "basis", "year", "key", "statement_no", "note", "line", "page",
)  # fmt: skip


@dataclass
class Parsed:
    """One file after parsing: either a document (``error`` is None) or a failure."""

    path: str
    sha256: str
    size: int
    error: str | None = None
    document: dict[str, Any] = field(default_factory=dict)
    tables: list[tuple[Any, ...]] = field(default_factory=list)
    facts: list[tuple[Any, ...]] = field(default_factory=list)
    findings: list[tuple[Any, ...]] = field(default_factory=list)
    diagnostics: list[tuple[Any, ...]] = field(default_factory=list)
    figures: list[tuple[Any, ...]] = field(default_factory=list)
    claims: list[tuple[Any, ...]] = field(default_factory=list)
    # why it failed: input (unreadable), not_disclosure, internal, store, or a limit
    # (memory, timeout, cpu, crash; see yusuan.isolation)
    reason: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def to_wan(value: Decimal | None, unit: str | None) -> str | None:
    """The amount in 万元 as a decimal string; a missing unit counts as 万元."""
    if value is None:
        return None
    return str(value.scaleb(_TEN_THOUSAND_EXP) if unit == MoneyUnit.YUAN.value else value)


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _where(src: Source) -> tuple[Any, ...]:
    x0, top, x1, bottom = src.bbox if src.bbox else (None, None, None, None)
    return (src.line, src.page, x0, top, x1, bottom, src.ref)


def process_file(path: str, sha256: str, check: bool = True) -> Parsed:
    """Parse (and check) one file. Never raises for bad input or a parser bug (both become a
    failure record); a ``MemoryError`` goes up to the worker, which reports the memory limit."""
    key = printable(path)  # the name as stored and shown
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0
    t0 = time.perf_counter()
    try:
        disclosure, diagnostics, lines, pages = read(path)
    except MemoryError:
        raise
    except Exception as exc:  # a parser bug must not take the batch down with it
        message = f"解析时发生内部错误（{type(exc).__name__}: {exc}）。请将该文件报告给 yusuan 开发者。"
        return Parsed(key, sha256, size, error=message, reason="internal")
    if disclosure is None:
        errors = [d.message for d in diagnostics if d.severity == Severity.ERROR] or ["无法读取该文件。"]
        return Parsed(key, sha256, size, error="；".join(errors), reason="input")
    refused = [d.message for d in diagnostics if d.code == NOT_A_DISCLOSURE and d.severity == Severity.ERROR]
    if refused:  # no table and no narrative: nothing of a disclosure to store
        return Parsed(key, sha256, size, error=refused[0] + "未存入语料库。", reason="not_disclosure")
    parse_ms = (time.perf_counter() - t0) * 1000
    record = build_record(disclosure, diagnostics, key, sha256, size)
    record.document["parse_ms"] = parse_ms
    if check:
        _add_findings(record, disclosure, diagnostics, key, lines, pages)
    fit_to_store(record)
    return record


def read(path: str) -> tuple[Disclosure | None, tuple[Diagnostic, ...], tuple[tuple[int, str], ...], dict[int, int]]:
    """Parse one file and keep its source text line by line (the text rules read it)."""
    from yusuan.audit.engine import source_text
    from yusuan.ingest import load
    from yusuan.parsing import parse_document

    source, diagnostics = load(path)
    if source is None:
        return None, diagnostics, (), {}
    disclosure, found = parse_document(source, doc_id_for(path))
    lines, pages = source_text(source)
    return disclosure, diagnostics + found, lines, pages


def build_record(
    disclosure: Disclosure, diagnostics: tuple[Diagnostic, ...], path: str, sha256: str, size: int
) -> Parsed:
    meta = disclosure.meta
    staffing = disclosure.profile.staffing
    record = Parsed(path, meta.sha256 or sha256, size)
    record.tables, record.facts = _tables_and_facts(disclosure)
    record.diagnostics = [
        (d.code, d.severity.value, d.message, d.table, d.source.line, d.source.page) for d in diagnostics
    ]
    record.figures = _figures(disclosure)
    record.claims = _claims(disclosure)
    record.document = {
        "doc": meta.doc,
        "bytes": size,
        "format": meta.format,
        "unit_name": meta.unit_name,
        "unit_code": meta.unit_code,
        "year": meta.year,
        "kind": meta.kind.value,
        "scope": meta.scope,
        "narrative_unit": meta.narrative_unit.value if meta.narrative_unit else None,
        "parts": ",".join(sorted(parts_of(disclosure))),
        "publication": key_of(disclosure).id,
        "staff_authorized": staffing.authorized,
        "staff_actual": staffing.actual,
        "staff_in_service": staffing.in_service,
        "staff_retired": staffing.retired,
        "n_tables": len(disclosure.tables),
        "n_facts": len(record.facts),
        "n_findings": None,
        "audit_error": None,
        "parse_ms": None,
    }
    return record


def _tables_and_facts(disclosure: Disclosure) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Same rows, same order as ``yusuan.report.facts.facts``, plus provenance."""
    doc = disclosure.meta.doc
    tables: list[tuple[Any, ...]] = []
    facts: list[tuple[Any, ...]] = []
    for table_no, table in enumerate(disclosure.tables, 1):
        unit = table.unit.value if table.unit else ""
        src = table.source
        tables.append(
            (table_no, table.id, table.title, table.number, unit, table.empty, table.empty_reason, len(table.rows),
             src.line, src.page)
        )  # fmt: skip
        for row_no, row in enumerate(table.rows, 1):
            confidence = {inf.column: inf.confidence for inf in row.inferred}
            for column, value in row.values.items():
                facts.append(
                    (doc, table_no, table.id, row_no, row.code, row.name, row.level, row.side, row.key, column,
                     str(value), str(value), unit, to_wan(value, unit), confidence.get(column),
                     *_where(row.source_of(column)))
                )  # fmt: skip
    return tables, facts


def _figure_row(doc: str, section_no: int | None, topic: str, heading: str | None, fig: Figure) -> tuple[Any, ...]:
    unit = fig.unit.value
    change = fig.change
    refers = fig.refers_to or (None, None, None)
    return (
        doc, section_no, topic, heading, fig.subject, _num(fig.amount), unit, to_wan(fig.amount, unit),
        _num(fig.share), change.direction if change else None, _num(change.amount) if change else None,
        to_wan(change.amount, unit) if change else None, _num(change.percent) if change else None, fig.reason,
        *refers, fig.sentence, fig.source.line, fig.source.page,
    )  # fmt: skip


def _statement_rows(doc: str, topic: str, obj: Any, keys: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """Structured narrative statements (三公, 政府采购) as one figure row per stated amount;
    the stated change goes on the total."""
    unit = obj.unit.value
    change = getattr(obj, "change", None)
    rows = []
    for key in keys:
        amount = getattr(obj, key)
        if amount is None:
            continue
        ch = change if key == "total" else None
        rows.append(
            (doc, None, topic, None, key, _num(amount), unit, to_wan(amount, unit), None,
             ch.direction if ch else None, _num(ch.amount) if ch else None, to_wan(ch.amount, unit) if ch else None,
             _num(ch.percent) if ch else None, None, None, None, None, "", obj.source.line, obj.source.page)
        )  # fmt: skip
    return rows


def _claims(disclosure: Disclosure) -> list[tuple[Any, ...]]:
    rows = []
    for no, c in enumerate(disclosure.claims, start=1):
        table, row_code, column = c.refers_to or (None, None, None)
        money = c.unit in (MoneyUnit.WAN.value, MoneyUnit.YUAN.value)
        rows.append((
            disclosure.meta.doc, no, c.section, c.code, c.subject, table, row_code, column, c.quantity, str(c.value),
            _num(c.value), c.unit, to_wan(c.value, c.unit) if money else None, c.basis, c.year, c.key or None,
            None if c.statement is None else c.statement + 1, c.note or None, c.source.line, c.source.page,
        ))
    return rows


def _figures(disclosure: Disclosure) -> list[tuple[Any, ...]]:
    doc = disclosure.meta.doc
    rows = [
        _figure_row(doc, section_no, section.topic, section.heading, fig)
        for section_no, section in enumerate(disclosure.narrative, 1)
        for fig in section.figures
    ]
    if disclosure.three_public is not None:
        keys = ("total", "abroad", "reception", "vehicle", "vehicle_purchase", "vehicle_operation", "meeting",
                "training")  # fmt: skip
        rows += _statement_rows(doc, "three_public", disclosure.three_public, keys)
    if disclosure.operating_cost is not None:
        rows.append(_figure_row(doc, None, "operating_cost", None, disclosure.operating_cost))
    if disclosure.procurement is not None:
        keys = ("total", "goods", "works", "services", "sme_reserved", "small_micro_reserved")
        rows += _statement_rows(doc, "procurement", disclosure.procurement, keys)
    return rows


def _add_findings(record: Parsed, disclosure: Disclosure, diagnostics: tuple[Diagnostic, ...], path: str,
                  lines: tuple[tuple[int, str], ...] = (), pages: dict[int, int] | None = None) -> None:
    """Findings from ``yusuan.audit`` when it is installed and works; otherwise the document is
    stored without them and ``audit_error`` says why (n_findings stays NULL = not checked)."""
    try:
        from yusuan.audit import check_disclosure
    except ImportError as exc:
        record.document["audit_error"] = f"审核模块不可用（{exc}）"
        return
    try:
        report = check_disclosure(disclosure, None, path, diagnostics, lines=lines, pages=pages)
    except MemoryError:
        raise
    except Exception as exc:  # a rule bug must not lose the parsed document
        record.document["audit_error"] = f"审核时发生内部错误（{type(exc).__name__}: {exc}）"
        return
    record.findings = finding_rows(report.findings)
    record.document["n_findings"] = len(record.findings)


def finding_rows(findings: Sequence[Finding]) -> list[tuple[Any, ...]]:
    """Findings as rows in ``FINDING_COLUMNS`` order (``doc`` is the file each is about)."""
    from yusuan.audit.fingerprint import fingerprint  # findings exist only where the audit does

    return [
        (f.location.doc, f.rule, f.severity.value, f.message, f.location.table, f.location.row_code,
         f.location.row_name, f.location.column, json.dumps(f.values, ensure_ascii=False), f.confidence,
         *_where(f.location.source), fingerprint(f))
        for f in findings
    ]  # fmt: skip


# --------------------------------------------------------------------------- fitting the columns

_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")
_DECIMAL = re.compile(r"DECIMAL\((\d+),(\d+)\)")
_INT_RANGE = {"INTEGER": 2**31, "BIGINT": 2**63}
MAX_RANGE_DIAGNOSTICS = 20  # per document; the rest are counted in one more


def fit_to_store(record: Parsed) -> None:
    """Make every value fit its column, per value: text the database cannot encode (an
    undecodable file name) is escaped; a number beyond its column (an amount of 19 or more
    integer digits) is left NULL beside its printed text, with a diagnostic saying so."""
    notes: list[tuple[Any, ...]] = []
    refused: list[str] = []
    record.document = {k: _fit(k, v, refused) for k, v in record.document.items()}
    for text in dict.fromkeys(refused):
        notes.append(("S001", Severity.WARNING.value, text, None, None, None))
    for name, columns in (("tables", TABLE_COLUMNS), ("facts", FACT_COLUMNS), ("findings", FINDING_COLUMNS),
                          ("diagnostics", DIAGNOSTIC_COLUMNS), ("figures", FIGURE_COLUMNS),
                          ("claims", CLAIM_COLUMNS)):
        fitted = []
        for row in getattr(record, name):
            refused = []
            fitted.append(tuple(_fit(c, v, refused) for c, v in zip(columns, row, strict=True)))
            if refused:
                where = dict(zip(columns, row, strict=True))
                notes += [("S001", Severity.WARNING.value, text, where.get("table_id"), where.get("line"),
                           where.get("page")) for text in dict.fromkeys(refused)]
        setattr(record, name, fitted)
    record.diagnostics += notes[:MAX_RANGE_DIAGNOSTICS]
    if len(notes) > MAX_RANGE_DIAGNOSTICS:
        record.diagnostics.append(("S001", Severity.WARNING.value,
                                   f"另有 {len(notes) - MAX_RANGE_DIAGNOSTICS} 个数值超出可存储范围，同样只保存原文。",
                                   None, None, None))


def _fit(column: str, value: Any, refused: list[str]) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        typ = COLUMN_TYPES.get(column)
        if typ is None:
            return printable(value)
        m = _DECIMAL.fullmatch(typ)
        if m is None or (len(value) <= int(m[1]) - int(m[2]) and _PLAIN.fullmatch(value)):
            return value  # short plain numbers always fit: the common case, no Decimal made
        if _fits_decimal(value, int(m[1]), int(m[2])):
            return value
        shown = value if len(value) <= 40 else value[:37] + "…"
        refused.append(f"数值 {shown} 超出语料库可存储的范围（整数部分最多 {int(m[1]) - int(m[2])} 位），"
                       "只保存印刷的原文，数值列留空。")
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        bound = _INT_RANGE.get(COLUMN_TYPES.get(column, ""))
        if bound is not None and not -bound <= value < bound:
            refused.append(f"{column} 的数值 {value} 超出语料库可存储的范围，该列留空。")
            return None
    return value


def _fits_decimal(text: str, precision: int, scale: int) -> bool:
    try:
        d = Decimal(text)
    except ArithmeticError:
        return False
    # a value within half a unit of the bound would round up to it when cast
    return d.is_finite() and abs(d) < Decimal(10) ** (precision - scale) - Decimal(5).scaleb(-scale - 1)
