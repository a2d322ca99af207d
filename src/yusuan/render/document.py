"""The rendered document as a flat list of blocks, written out by every writer the same way."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 0 document title, 1 part (第一部分), 2 section, 3 subsection


@dataclass(frozen=True)
class Paragraph:
    text: str
    align: str = "left"  # left | right | center


@dataclass(frozen=True)
class TableView:
    """A table laid out for printing: header rows and body rows of cells (strings)."""

    number: str  # "表1" / "1"
    title: str
    unit_line: str  # "单位：万元"
    org_line: str  # "编制单位：…"
    header: tuple[tuple[str, ...], ...]
    body: tuple[tuple[str, ...], ...]
    empty_note: str | None = None  # printed under an empty table
    numeric_from: int = 0  # first column index holding amounts (right-aligned)


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | TableView | PageBreak
