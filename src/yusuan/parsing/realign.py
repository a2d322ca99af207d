"""Columns that extraction put in the wrong place, put back before the header is read.

Two faults of Word-exported tables whose cell borders are drawn per row:

- **Offset columns**: the header row and the data rows are cut at different rulings, so
  each header label sits one column right (or left) of its cells: ``| 合计 | | 基本支出 |``
  over ``33,172.15 | | 18,570.82 |``. Columns holding data and no header are paired with an
  adjacent column holding only a header; the repair is made only when every such column
  finds its partner, so a table whose cells all have headers is never touched (nor one whose
  row label has a second, unheaded level beside a headed one).
- **Fused columns**: a missing vertical ruling leaves a label and its amount in one cell
  (``一、一般公共预算 33,172.15`` under ``项目名称金额``). A column whose header joins a name
  word and an amount word is split in two, and so are its cells (label | trailing amount).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from yusuan.ingest.document import Line
from yusuan.text import parse_amount, squash

_FUSED_HEADER = re.compile(r"^(.*名称)(金额|预算数|决算数|合计)$")
_TRAILING_AMOUNT = re.compile(r"^(.*?)\s*([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{1,2})$")

Rows = list[tuple[str, ...]]


def _width(header: Rows, data: Sequence[Line]) -> int:
    return max([len(r) for r in header] + [len(ln.cells) for ln in data] + [0])


def _cell(cells: Sequence[str], j: int) -> str:
    return cells[j].strip() if j < len(cells) else ""


def realign(header: Rows, data: list[Line]) -> tuple[Rows, list[Line], bool]:
    """Both repairs; the flag says whether anything moved."""
    header, data, fused = _split_fused(header, data)
    header, data, shifted = _join_offset(header, data)
    return header, data, fused or shifted


# --------------------------------------------------------------------------- offset


def _join_offset(header: Rows, data: list[Line]) -> tuple[Rows, list[Line], bool]:
    if not header or not data:
        return header, data, False
    width = _width(header, data)
    has_head = [any(_cell(r, j) for r in header) for j in range(width)]
    has_data = [any(_cell(ln.cells, j) for ln in data) for j in range(width)]
    data_only = [j for j in range(width) if has_data[j] and not has_head[j]]
    if not data_only:
        return header, data, False
    partner: dict[int, int] = {}
    taken: set[int] = set()
    for j in data_only:
        for k in (j + 1, j - 1):
            if 0 <= k < width and has_head[k] and not has_data[k] and k not in taken:
                partner[j] = k
                taken.add(k)
                break
        else:
            return header, data, False
    # Each amount column takes its partner's place; the partner's header stays where it is.
    moves = {j: k for j, k in partner.items()}

    def moved(line: Line) -> Line:
        cells = list(line.cells) + [""] * (width - len(line.cells))
        sources = list(line.cell_sources) + [line.source] * (width - len(line.cell_sources))
        out_cells, out_sources = list(cells), list(sources)
        for j, k in moves.items():
            out_cells[k], out_sources[k] = cells[j], sources[j]
            out_cells[j] = ""
        return replace(line, cells=tuple(out_cells), cell_sources=tuple(out_sources),
                       text="\t".join(out_cells))

    return header, [moved(ln) for ln in data], True


# --------------------------------------------------------------------------- fused


def _split_fused(header: Rows, data: list[Line]) -> tuple[Rows, list[Line], bool]:
    if not header:
        return header, data, False
    width = _width(header, data)
    fused: dict[int, tuple[str, str]] = {}
    for j in range(width):
        for r in header:
            m = _FUSED_HEADER.match(squash(_cell(r, j)))
            if m and m.group(1) and m.group(2):
                fused[j] = (m.group(1), m.group(2))
    if not fused:
        return header, data, False

    def split_header(row: tuple[str, ...]) -> tuple[str, ...]:
        out: list[str] = []
        for j in range(width):
            cell = _cell(row, j)
            if j in fused:
                m = _FUSED_HEADER.match(squash(cell))
                out += [m.group(1), m.group(2)] if m else [cell, ""]
            else:
                out.append(cell)
        return tuple(out)

    def split_line(line: Line) -> Line:
        cells: list[str] = []
        sources = []
        for j in range(width):
            cell = _cell(line.cells, j)
            src = line.cell_source(j)
            if j in fused:
                m = _TRAILING_AMOUNT.match(cell)
                label, amount = (m.group(1).strip(), m.group(2)) if m and m.group(1).strip() else (
                    ("", cell) if parse_amount(cell) is not None else (cell, ""))
                cells += [label, amount]
                sources += [src, src]
            else:
                cells.append(cell)
                sources.append(src)
        return replace(line, cells=tuple(cells), cell_sources=tuple(sources), text="\t".join(cells))

    return [split_header(r) for r in header], [split_line(ln) for ln in data], True
