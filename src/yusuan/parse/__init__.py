"""Parse: ``SourceDocument`` -> canonical ``Disclosure`` plus diagnostics.

A short explicit pipeline; each stage returns its result and its diagnostics:

    meta      document metadata (unit, year, kind, money units)
    segment   table blocks and narrative lines
    tables    every table block -> ``Table`` (grid rows read directly, loose rows inferred)
    narrative sections, stated figures, 三公 / 机关运行经费 / 政府采购 / 国有资产, profile
    performance 绩效目标 tables -> ``PerformanceTarget``
"""

from __future__ import annotations

from yusuan.ingest.document import SourceDocument
from yusuan.model import Diagnostic, Disclosure
from yusuan.parse import meta as meta_stage
from yusuan.parse import narrative as narrative_stage
from yusuan.parse import performance as performance_stage
from yusuan.parse import segment as segment_stage
from yusuan.parse import tables as tables_stage

__all__ = ["parse_document"]


def parse_document(source: SourceDocument, doc_id: str) -> tuple[Disclosure, tuple[Diagnostic, ...]]:
    diagnostics: list[Diagnostic] = list(source.diagnostics)

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
    )
    return disclosure, tuple(diagnostics)
