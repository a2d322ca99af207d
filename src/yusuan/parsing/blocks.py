"""Blocks: the parser's first cut of a document's line stream.

``segment`` (parse.segment) splits the lines into table blocks (a recognised title and the
lines that belong to it) and narrative lines (everything else). Later stages read blocks,
never raw documents.
"""

from __future__ import annotations

from dataclasses import dataclass

from yusuan.ingest.document import Line


@dataclass(frozen=True)
class TableBlock:
    table_id: str  # canonical id from yusuan.catalogue
    title: str  # as printed (normalised)
    number: str | None  # "表1", "公开03表" as printed nearby, if any
    title_line: Line
    lines: tuple[Line, ...]  # the lines after the title up to the next block or section


@dataclass(frozen=True)
class Layout:
    blocks: tuple[TableBlock, ...]
    narrative: tuple[Line, ...]  # lines outside every table block, in order
