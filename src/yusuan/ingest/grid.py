"""Shared emission of table rows read cell by cell (workbooks, Word, HTML) into lines.

Those formats give cells directly, so no geometry is needed; what they share with the PDF
reader is the treatment of title and caption rows drawn inside the grid, and the rule
that blank cells keep their column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from yusuan.catalogue import classify_title
from yusuan.ingest import limits
from yusuan.ingest.document import Line
from yusuan.model import Diagnostic, Severity, Source
from yusuan.text import clean_cjk_spaces, normalize, parse_amount, squash

_TITLE_LIKE = re.compile(r"(?:表|目录)(?:\(.{1,30}\))?$")
_CAPTION = re.compile(r"^(?:部门|单位|编制单位|编制部门|预算单位|填报单位)[:：]|单位[:：]\s*(?:万?元)")


def cell_text(raw: object) -> str:
    """Normalised text of one cell; line breaks inside a cell joined CJK-aware. At most
    ``MAX_LINE_CHARS`` are read of one cell (cut before normalising: huge strings are not
    worth the time, nor a place in ``normalize``'s cache)."""
    text = normalize(str(raw)[: limits.MAX_LINE_CHARS + 1]).replace("\r", "\n")
    return clean_cjk_spaces(" ".join(part.strip() for part in text.split("\n") if part.strip()))


def is_title(text: str) -> bool:
    return bool(classify_title(text)) or (len(text) <= 60 and bool(_TITLE_LIKE.search(squash(text))))


class LineSink:
    """Numbered lines with sources; the one way these readers append to the stream.

    The sink bounds what a document may hold — ``limits.MAX_DOCUMENT_CELLS`` grid cells,
    ``limits.MAX_TEXT_CHARS`` characters, ``limits.MAX_LINE_CHARS`` per loose line — so that
    a hostile workbook or page cannot make the parser run for minutes. Readers stop reading
    once ``full``; ``limit_diagnostic`` says where the cut is.
    """

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.cells = 0
        self.chars = 0
        self.long_lines = 0
        self.cut_at: str | None = None  # where the first line that did not fit came from

    @property
    def full(self) -> bool:
        return self.cells >= limits.MAX_DOCUMENT_CELLS or self.chars >= limits.MAX_TEXT_CHARS

    def room(self) -> int:
        """Grid cells that may still be added."""
        return 0 if self.full else limits.MAX_DOCUMENT_CELLS - self.cells

    def char_room(self) -> int:
        """Characters that may still be added."""
        return max(0, limits.MAX_TEXT_CHARS - self.chars)

    def _refused(self, source: Source) -> bool:
        if not self.full:
            return False
        if self.cut_at is None:
            self.cut_at = source.ref or (f"第 {source.page} 页" if source.page else "")
        return True

    def loose(self, text: str, source: Source) -> None:
        text = cell_text(text)
        if not text or self._refused(source):
            return
        if len(text) > limits.MAX_LINE_CHARS:
            text = text[: limits.MAX_LINE_CHARS]
            self.long_lines += 1
        no = len(self.lines) + 1
        self.chars += len(text)
        self.lines.append(Line(no=no, text=text, cells=tuple(text.split()), grid=False,
                               source=_with_line(source, no)))

    def grid(self, cells: Sequence[str], sources: Sequence[Source], source: Source) -> None:
        if self._refused(source):
            return
        no = len(self.lines) + 1
        text = "\t".join(cells)
        self.cells += len(cells)
        self.chars += len(text)
        self.lines.append(Line(no=no, text=text, cells=tuple(cells), grid=True,
                               source=_with_line(source, no),
                               cell_sources=tuple(_with_line(s, no) for s in sources)))

    def table(self, rows: Sequence[Sequence[str]], cell_source: Callable[[int, int], Source],
              row_source: Callable[[int], Source]) -> None:
        """Rows of one table: empty rows and all-empty columns dropped, title and caption
        rows (one filled cell) emitted as loose lines. Sources are made only for the cells
        emitted: ``cell_source(row, column)`` and ``row_source(row)``, indices into ``rows``."""
        keep_rows = [i for i, r in enumerate(rows) if any(r)]
        if not keep_rows:
            return
        width = max(len(r) for r in rows)
        keep_cols = [c for c in range(width) if any(c < len(rows[i]) and rows[i][c] for i in keep_rows)]
        before_data = True
        for i in keep_rows:
            if self._refused(row_source(i)):
                return
            cells = [rows[i][c] if c < len(rows[i]) else "" for c in keep_cols]
            filled = [c for c in cells if c]
            has_number = any(parse_amount(c) is not None for c in cells)
            if len(filled) == 1 and not has_number and (is_title(filled[0]) or
                                                        (before_data and _CAPTION.search(filled[0]))):
                self.loose(filled[0], cell_source(i, keep_cols[cells.index(filled[0])]))
                before_data = True
                continue
            if before_data and not has_number and _CAPTION.search(" ".join(filled)):
                self.loose(" ".join(filled), row_source(i))
                continue
            if has_number:
                before_data = False
            self.grid(cells, [cell_source(i, c) for c in keep_cols], row_source(i))

    def limit_diagnostics(self, path: str | None) -> list[Diagnostic]:
        """What the limits cut, once each (warnings)."""
        name = path or "<输入>"
        out = []
        if self.cut_at is not None:
            where = f"从“{self.cut_at}”起" if self.cut_at else "其后"
            out.append(limits.diagnostic(
                "I013", f"{name}：内容过多，已读取 {self.cells:,} 个单元格、{self.chars:,} 个字符"
                f"（一个文件最多读取 {limits.MAX_DOCUMENT_CELLS:,} 个单元格、{limits.MAX_TEXT_CHARS:,} 个字符），"
                f"{where}的内容未读取。预算公开文件通常不超过几千个单元格；"
                "请删除无关的工作表或空行空列，或拆分文件后分别处理。", path, Severity.WARNING))
        if self.long_lines:
            out.append(limits.diagnostic(
                "I011", f"{name}：有 {self.long_lines} 段文字过长，每段只读取前 {limits.MAX_LINE_CHARS:,} 个字符。"
                "请检查文件内容是否异常。", path, Severity.WARNING))
        return out


def _with_line(source: Source, no: int) -> Source:
    return Source(line=no, page=source.page, bbox=source.bbox, ref=source.ref)
