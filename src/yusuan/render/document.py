"""The rendered document as a flat list of blocks, written out by every writer the same way."""

from __future__ import annotations

from dataclasses import dataclass

# What a table column holds; decides alignment (amounts right, names and codes left) and width.
CODE, NAME, TEXT, AMOUNT = "code", "name", "text", "amount"


@dataclass(frozen=True)
class Cover:
    """The 封面: unit, year and kind, and the date of the document."""

    unit_name: str
    title: str  # "2025年部门预算"
    date: str  # "2025年1月20日"


@dataclass(frozen=True)
class TocEntry:
    text: str
    level: int  # 1 part, 2 section, 3 subsection (a table title is level 2)
    anchor: str


@dataclass(frozen=True)
class Toc:
    """The 目录: every part, section and table with the page it starts on."""

    entries: tuple[TocEntry, ...]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 part (第一部分), 2 section, 3 subsection
    anchor: str = ""  # set for headings listed in the 目录


@dataclass(frozen=True)
class Paragraph:
    text: str
    align: str = "left"  # left | right | center


@dataclass(frozen=True)
class Span:
    """A merged header cell: its top-left position in the header grid and its extent."""

    row: int
    col: int
    rows: int = 1
    cols: int = 1


@dataclass(frozen=True)
class TableView:
    """A table laid out for printing: header rows and body rows of cells (strings).

    ``header`` is the full grid, a merged cell's text in its top-left position and "" in the
    positions it covers; ``spans`` says which cells are merged, as the official tables print
    them. ``kinds`` says what each column holds (``CODE``/``NAME``/``TEXT``/``AMOUNT``) and
    ``widths`` its relative width."""

    number: str  # "表1" / "1"
    title: str
    unit_line: str  # "单位：万元"
    org_line: str  # "编制单位：…"
    header: tuple[tuple[str, ...], ...]
    body: tuple[tuple[str, ...], ...]
    empty_note: str | None = None  # printed under an empty table
    spans: tuple[Span, ...] = ()
    body_spans: tuple[Span, ...] = ()  # merged body cells (合计 over 科目编码 and 名称), rows counted from 0
    kinds: tuple[str, ...] = ()
    widths: tuple[float, ...] = ()
    anchor: str = ""

    @property
    def width(self) -> int:
        return max((len(r) for r in (*self.header, *self.body)), default=0)

    def kind(self, col: int) -> str:
        return self.kinds[col] if col < len(self.kinds) else TEXT

    def covered(self, body: bool = False) -> set[tuple[int, int]]:
        """Header (or body) positions hidden under a merged cell (not its top-left one)."""
        out: set[tuple[int, int]] = set()
        for s in self.body_spans if body else self.spans:
            out |= {(r, c) for r in range(s.row, s.row + s.rows) for c in range(s.col, s.col + s.cols)}
            out.discard((s.row, s.col))
        return out

    def body_cell(self, row: int, col: int) -> str:
        """The text printed in a body cell: a merged cell shows the text of all it covers."""
        for s in self.body_spans:
            if s.row == row and s.col == col:
                return "".join(self.body[row][s.col:s.col + s.cols])
        return self.body[row][col]

    @property
    def em_width(self) -> float:
        """The table's natural width in em of body text (decides portrait or landscape)."""
        return sum(self.widths) if self.widths else 6.0 * self.width


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Cover | Toc | Heading | Paragraph | TableView | PageBreak
