"""Shared emission of table rows read cell by cell (workbooks, Word, HTML) into lines.

Those formats give cells directly, so no geometry is needed; what they share with the PDF
reader is the treatment of title and caption rows drawn inside the grid, and the rule
that blank cells keep their column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from yusuan.catalogue import classify_title
from yusuan.ingest.document import Line
from yusuan.model import Source
from yusuan.text import clean_cjk_spaces, normalize, parse_amount, squash

_TITLE_LIKE = re.compile(r"(?:表|目录)(?:\(.{1,30}\))?$")
_CAPTION = re.compile(r"^(?:部门|单位|编制单位|编制部门|预算单位|填报单位)[:：]|单位[:：]\s*(?:万?元)")


def cell_text(raw: object) -> str:
    """Normalised text of one cell; line breaks inside a cell joined CJK-aware."""
    text = normalize(str(raw)).replace("\r", "\n")
    return clean_cjk_spaces(" ".join(part.strip() for part in text.split("\n") if part.strip()))


def is_title(text: str) -> bool:
    return bool(classify_title(text)) or (len(text) <= 60 and bool(_TITLE_LIKE.search(squash(text))))


class LineSink:
    """Numbered lines with sources; the one way these readers append to the stream."""

    def __init__(self) -> None:
        self.lines: list[Line] = []

    def loose(self, text: str, source: Source) -> None:
        text = cell_text(text)
        if text:
            no = len(self.lines) + 1
            self.lines.append(Line(no=no, text=text, cells=tuple(text.split()), grid=False,
                                   source=_with_line(source, no)))

    def grid(self, cells: Sequence[str], sources: Sequence[Source], source: Source) -> None:
        no = len(self.lines) + 1
        self.lines.append(Line(no=no, text="\t".join(cells), cells=tuple(cells), grid=True,
                               source=_with_line(source, no),
                               cell_sources=tuple(_with_line(s, no) for s in sources)))

    def table(self, rows: Sequence[Sequence[str]], sources: Sequence[Sequence[Source]],
              row_sources: Sequence[Source]) -> None:
        """Rows of one table: empty rows and all-empty columns dropped, title and caption
        rows (one filled cell) emitted as loose lines."""
        keep_rows = [i for i, r in enumerate(rows) if any(r)]
        if not keep_rows:
            return
        width = max(len(r) for r in rows)
        keep_cols = [c for c in range(width) if any(c < len(rows[i]) and rows[i][c] for i in keep_rows)]
        before_data = True
        for i in keep_rows:
            cells = [rows[i][c] if c < len(rows[i]) else "" for c in keep_cols]
            srcs = [sources[i][c] if c < len(sources[i]) else row_sources[i] for c in keep_cols]
            filled = [c for c in cells if c]
            has_number = any(parse_amount(c) is not None for c in cells)
            if len(filled) == 1 and not has_number and (is_title(filled[0]) or
                                                        (before_data and _CAPTION.search(filled[0]))):
                self.loose(filled[0], srcs[cells.index(filled[0])])
                before_data = True
                continue
            if before_data and not has_number and _CAPTION.search(" ".join(filled)):
                self.loose(" ".join(filled), row_sources[i])
                continue
            if has_number:
                before_data = False
            self.grid(cells, srcs, row_sources[i])


def _with_line(source: Source, no: int) -> Source:
    return Source(line=no, page=source.page, bbox=source.bbox, ref=source.ref)
