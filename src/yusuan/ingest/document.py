"""The format-neutral result of ingest: a stream of lines, each split into cells.

Every reader (text, PDF, OCR, workbook, Word, HTML) produces a ``SourceDocument``; the
parser sees nothing else. A line is either a *grid* line, whose cells sit in their real
columns with blank cells kept (tab-separated text, spreadsheet rows, PDF table rows rebuilt
from geometry), or a *loose* line, whose cells are whitespace-separated tokens with blank
cells lost (plain text, OCR of an unruled table): for those the parser must infer columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from yusuan.model import Diagnostic, Source


@dataclass(frozen=True)
class Line:
    no: int  # 1-based position in the document's line stream
    text: str  # normalised text of the line (grid cells joined by tabs)
    cells: tuple[str, ...]  # normalised, stripped
    grid: bool
    source: Source = Source()
    cell_sources: tuple[Source, ...] = ()  # parallel to cells where the reader knows positions

    @cached_property
    def blank(self) -> bool:  # asked of every line by every stage
        return not self.text.strip()

    def cell_source(self, index: int) -> Source:
        if index < len(self.cell_sources):
            return self.cell_sources[index]
        return self.source


@dataclass(frozen=True)
class SourceDocument:
    path: str | None
    format: str  # "text", "pdf", "pdf-ocr", "xlsx", "xls", "docx", "html"
    lines: tuple[Line, ...]
    sha256: str | None = None
    pages: int | None = None
    diagnostics: tuple[Diagnostic, ...] = field(default=())
