"""Parse: ``SourceDocument`` -> canonical ``Disclosure`` plus diagnostics.

A short explicit pipeline; each stage returns its result and its diagnostics:

    meta      document metadata (unit, year, kind, money units)
    segment   table blocks and narrative lines
    tables    every table block -> ``Table`` (grid rows read directly, loose rows inferred)
    narrative sections, stated figures, 三公 / 机关运行经费 / 政府采购 / 国有资产, profile
    performance 绩效目标 tables -> ``PerformanceTarget``
"""

from __future__ import annotations

from dataclasses import replace

from yusuan.catalogue import TABLE_KINDS
from yusuan.ingest.document import SourceDocument
from yusuan.model import Diagnostic, Disclosure, Severity, Source
from yusuan.parsing import meta as meta_stage
from yusuan.parsing import narrative as narrative_stage
from yusuan.parsing import performance as performance_stage
from yusuan.parsing import segment as segment_stage
from yusuan.parsing import tables as tables_stage
from yusuan.parsing.blocks import Layout
from yusuan.parsing.claims import claims_of

__all__ = ["parse_document"]


def parse_document(source: SourceDocument, doc_id: str) -> tuple[Disclosure, tuple[Diagnostic, ...]]:
    """The disclosure and the parser's own diagnostics. The reader's (``source.diagnostics``)
    are not repeated here: ``load`` returned them beside the source, and the callers report
    ``load``'s and ``parse_document``'s together, each once."""
    diagnostics: list[Diagnostic] = []

    meta, found = meta_stage.extract_meta(source, doc_id)
    diagnostics += found

    layout, found = segment_stage.segment(source.lines)
    diagnostics += found

    tables, catalogue, found = tables_stage.parse_tables(layout, meta)
    diagnostics += found

    narrative, found = narrative_stage.parse_narrative(layout, tables, meta)
    diagnostics += found

    performance, found = performance_stage.parse_performance(layout, meta)
    diagnostics += found

    meta = replace(meta, parts=meta_stage.publication_parts(tables, narrative.sections))
    disclosure = Disclosure(
        meta=meta,
        tables=tables,
        catalogue=catalogue,
        profile=narrative.profile,
        narrative=narrative.sections,
        three_public=narrative.three_public,
        operating_cost=narrative.operating_cost,
        procurement=narrative.procurement,
        assets=narrative.assets,
        performance=performance,
        claims=claims_of(narrative.sections),
    )
    diagnostics += _document_checks(source, layout, disclosure)
    return disclosure, tuple(diagnostics)


_REQUIRED = {k.id for k in TABLE_KINDS if k.required}
NOT_A_DISCLOSURE = "P001"  # no table and no narrative figure: the corpus refuses such a file


def _document_checks(source: SourceDocument, layout: Layout, disclosure: Disclosure) -> list[Diagnostic]:
    """Whole-document sanity: is this a disclosure at all, and does it look complete?"""
    name = source.path or disclosure.meta.doc
    has_figures = any(section.figures for section in disclosure.narrative)
    if not disclosure.tables and not has_figures:
        return [
            Diagnostic(
                code=NOT_A_DISCLOSURE,
                severity=Severity.ERROR,
                message=f"{name}：未识别到任何预算公开表格或预算说明，该文件可能不是预算（决算）公开文件。"
                "请确认文件内容；若是扫描件或图片，请提供 PDF 原件以便识别。",
            )
        ]
    found = {t.id for t in disclosure.tables} & _REQUIRED
    content = [line for line in source.lines if not line.blank]
    if layout.blocks and content and len(found) < len(_REQUIRED) // 2:
        last_block = layout.blocks[-1]
        tail = last_block.lines[-1] if last_block.lines else last_block.title_line
        if tail.no >= content[-1].no:
            return [
                Diagnostic(
                    code="P002",
                    severity=Severity.ERROR,
                    message=f"{name}：文件在表格“{last_block.title}”处结束，且只识别到 {len(found)} 张必需公开表"
                    f"（共 {len(_REQUIRED)} 张），文件可能被截断。请提供完整的公开文件。",
                    source=Source(line=tail.no, page=tail.source.page),
                )
            ]
    return []
