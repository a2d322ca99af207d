"""Read HTML pages: paragraphs as loose lines, tables as grid lines (rowspan/colspan placed).

Budget disclosures published as web pages are usually a converted Word document: text in
<p>/<div>, tables in <table>. Cells covered by a rowspan/colspan stay blank in their
column; the text sits in the top-left cell of its span.

The page is parsed as a stream of events (lxml's parser-target interface, fed in chunks):
no element tree is built, so memory follows what is kept, not the size of the markup.
Spans are bounded: a rowspan never reaches past the table's last row, and the grid
positions a table's spans cover are counted against ``limits.MAX_TABLE_SPAN_CELLS`` before
they are placed (a few bytes of ``colspan="1000" rowspan="1000"`` must not become a
million cells). What the limits cut is reported once.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

from yusuan.ingest import limits
from yusuan.ingest.document import SourceDocument
from yusuan.ingest.grid import LineSink, cell_text
from yusuan.model import Diagnostic, Severity, Source

_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "caption", "title", "br", "section",
          "article", "header", "footer", "blockquote", "pre", "dd", "dt"}
_SKIP = {"script", "style", "head", "noscript", "template"}
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_MAX_COLSPAN = 1000  # the HTML standard's own limits
_MAX_ROWSPAN = 65534
_CHUNK = 1 << 20


def html_encoding(data: bytes) -> tuple[str, bool]:
    """The encoding the page decodes with (its meta charset, else UTF-8, else GB18030), and
    whether every byte decoded (False: undecodable bytes are replaced)."""
    match = _CHARSET.search(data[:4096])
    candidates = []
    if match:
        enc = match.group(1).decode("ascii").lower()
        candidates.append("gb18030" if enc in ("gb2312", "gbk", "gb18030") else enc)
    candidates += ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            decoder = codecs.getincrementaldecoder(enc)()
            for start in range(0, len(data), _CHUNK):
                decoder.decode(data[start:start + _CHUNK])
            decoder.decode(b"", final=True)
            return enc, True
        except (UnicodeError, LookupError):  # UnicodeError: a UTF-16 stream without its BOM
            continue
    return "utf-8", False


class _Stop(Exception):
    """Raised from the parser target when the document is full: stop reading the markup."""


def read_html(data: bytes, path: str | None = None, sha256: str | None = None
              ) -> tuple[SourceDocument | None, tuple[Diagnostic, ...]]:
    import lxml.etree

    name = path or "<输入>"
    if len(data) > limits.MAX_HTML_BYTES:
        return None, (limits.diagnostic(
            "I401", f"{name}：网页文件过大（{len(data) // 1024 // 1024} MB，上限 "
            f"{limits.MAX_HTML_BYTES // 1024 // 1024} MB），已跳过。请确认是否为预算公开页面。", path),)
    encoding, clean = html_encoding(data)
    diags: list[Diagnostic] = []
    if not clean:
        diags.append(limits.diagnostic(
            "I012", f"{name}：网页中有无法识别编码的字节，已用“\ufffd”代替。请用浏览器另存为 UTF-8 网页后重试。",
            path, Severity.WARNING))
    sink = LineSink()
    target = _Target(sink, path)
    parser = lxml.etree.HTMLParser(target=target, recover=True, no_network=True, remove_comments=True)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    try:
        for start in range(0, len(data), _CHUNK):
            parser.feed(decoder.decode(data[start:start + _CHUNK]))
        parser.feed(decoder.decode(b"", final=True))
        parser.close()
    except _Stop:
        pass
    except lxml.etree.LxmlError as exc:  # lxml gives up on markup it cannot recover
        if not sink.lines:
            return None, (limits.diagnostic(
                "I402", f"{name}：网页无法解析（{type(exc).__name__}）。请用浏览器另存为完整网页后重试。", path),)
    target.finish()
    diags += target.diagnostics + sink.limit_diagnostics(path)
    if not sink.lines:
        diags.append(limits.diagnostic("I403", f"{name}：网页中没有读到正文或表格。", path, Severity.WARNING))
    doc = SourceDocument(path=path, format="html", lines=tuple(sink.lines), sha256=sha256, diagnostics=tuple(diags))
    return doc, tuple(diags)


def _span(value: str | None, most: int) -> int:
    if value is None:
        return 1
    try:
        return max(1, min(int(str(value).strip() or 1), most))
    except (ValueError, OverflowError):
        return 1


class _Table:
    """One top-level table being read: its rows as (text, rowspan, colspan) cells. Tables
    nested inside its cells give their text to the cell, as a browser's text would."""

    def __init__(self, no: int) -> None:
        self.no = no
        self.rows: list[list[tuple[str, int, int]]] = []
        self.nested = 0
        self.in_row = False
        self.cell: list[str] | None = None
        self.spans = (1, 1)
        self.caption: list[str] | None = None
        self.captions: list[str] = []
        self.cells = 0
        self.chars = 0

    def start(self, tag: str, attrib: Mapping[str, str]) -> None:
        if self.nested or tag == "table":
            self.nested += tag == "table"
            return
        if tag == "tr":
            self._close_cell()
            self.rows.append([])
            self.in_row = True
        elif tag in ("td", "th") and self.in_row:
            self._close_cell()
            self.cell = []
            self.spans = (_span(attrib.get("rowspan"), _MAX_ROWSPAN), _span(attrib.get("colspan"), _MAX_COLSPAN))
        elif tag == "caption" and self.cell is None:
            self.caption = []

    @property
    def size(self) -> int:
        return self.cells + len(self.rows)

    def data(self, text: str) -> None:
        if self.cell is not None:
            self.cell.append(text)
            if len(self.cell) > 1000:  # a cell without end: keep it small
                self.cell[:] = ["".join(self.cell)[: limits.MAX_LINE_CHARS]]
        elif self.caption is not None and not self.nested:
            self.caption.append(text)

    def end(self, tag: str) -> bool:
        """True when this table is closed."""
        if self.nested:
            self.nested -= tag == "table"
            return False
        if tag in ("td", "th"):
            self._close_cell()
        elif tag == "tr":
            self._close_cell()
            self.in_row = False
        elif tag == "caption" and self.caption is not None:
            self.captions.append("".join(self.caption))
            self.caption = None
        elif tag == "table":
            self._close_cell()
            return True
        return False

    def _close_cell(self) -> None:
        if self.cell is not None:
            text = "".join(self.cell)[: limits.MAX_LINE_CHARS]
            text = cell_text(text)
            self.rows[-1].append((text, *self.spans))
            self.cell = None
            self.cells += 1
            self.chars += len(text) + 1


class _Target:
    """lxml parser target: block elements end paragraphs, tables are collected and placed."""

    def __init__(self, sink: LineSink, path: str | None) -> None:
        self.sink = sink
        self.path = path
        self.skip = 0
        self.buffer: list[str] = []
        self.paragraphs = 0
        self.tables = 0
        self.table: _Table | None = None
        self.diagnostics: list[Diagnostic] = []

    def start(self, tag: object, attrib: Mapping[str, str]) -> None:
        tag = tag.lower() if isinstance(tag, str) else ""
        if self.skip or tag in _SKIP:
            self.skip += 1
            return
        if self.table is not None:
            self.table.start(tag, attrib)
            if self.table.size > self.sink.room() or self.table.chars > self.sink.char_room():
                self._emit_table(cut=True)
                raise _Stop
            return
        if tag == "table":
            self._flush()
            self.tables += 1
            self.table = _Table(self.tables)
        elif tag in _BLOCK:
            self._flush()

    def end(self, tag: object) -> None:
        tag = tag.lower() if isinstance(tag, str) else ""
        if self.skip:
            self.skip -= 1
            return
        if self.table is not None:
            if self.table.end(tag):
                self._emit_table()
            return
        if tag in _BLOCK:
            self._flush()
        if self.sink.full:
            raise _Stop

    def data(self, text: str) -> None:
        if self.skip:
            return
        if self.table is not None:
            self.table.data(text)
        else:
            self.buffer.append(text)
            if len(self.buffer) > 1000:  # a paragraph without end: keep the buffer small
                self.buffer[:] = ["".join(self.buffer)[: limits.MAX_LINE_CHARS + 1]]

    def close(self) -> None:
        return None

    def finish(self) -> None:
        if self.table is not None:  # a table left open at the end of the page
            self._emit_table()
        self._flush()

    def _flush(self) -> None:
        text = "".join(self.buffer).strip()
        self.buffer.clear()
        if text:
            self.paragraphs += 1
            self.sink.loose(text, Source(ref=f"paragraph {self.paragraphs}"))

    def _emit_table(self, cut: bool = False) -> None:
        table, self.table = self.table, None
        assert table is not None
        table._close_cell()
        no = table.no
        grid, n_rows, span_cut = _place(table.rows)
        if span_cut is not None:
            self.diagnostics.append(limits.diagnostic(
                "I404", f"{self.path or '<输入>'}：第 {no} 个表格的合并单元格（rowspan × colspan）展开后超过 "
                f"{limits.MAX_TABLE_SPAN_CELLS:,} 格，第 {span_cut + 1} 行起未读取。"
                "请检查网页表格的 rowspan/colspan 是否异常，或另存为 Excel 后重试。", self.path, Severity.WARNING))
        columns = sorted({c for _, c in grid})
        # Rows beyond what the document may still hold are not built at all.
        fits = min(n_rows, self.sink.room() // max(len(columns), 1) + 1)
        rows = [[grid.get((r, c), "") for c in columns] for r in range(fits)]
        for caption in table.captions:
            self.sink.loose(caption, Source(ref=f"table {no} caption"))
        self.sink.table(rows, lambda r, c: Source(ref=f"table {no} row {r + 1} cell {columns[c] + 1}"),
                        lambda r: Source(ref=f"table {no} row {r + 1}"))
        if (cut or fits < n_rows) and self.sink.cut_at is None:
            self.sink.cut_at = f"table {no} row {fits + 1}"


def _place(rows: list[list[tuple[str, int, int]]]) -> tuple[dict[tuple[int, int], str], int, int | None]:
    """Cells placed in the grid as a browser places them: the text of each at its top-left
    position. Returns the texts by (row, column), the rows placed, and the row at which the
    spans' grid positions passed ``limits.MAX_TABLE_SPAN_CELLS`` (None when they did not)."""
    n = len(rows)
    occupied = [bytearray() for _ in range(n)]  # one byte per grid position of each row
    grid: dict[tuple[int, int], str] = {}
    area = 0
    for r, cells in enumerate(rows):
        c = 0
        own = occupied[r]
        for text, rowspan, colspan in cells:
            while c < len(own) and own[c]:
                c += 1
            rowspan = min(rowspan, n - r)
            area += rowspan * colspan
            if area > limits.MAX_TABLE_SPAN_CELLS:
                return grid, r, r
            for below in occupied[r:r + rowspan]:
                if len(below) < c + colspan:
                    below.extend(bytes(c + colspan - len(below)))
                below[c:c + colspan] = b"\x01" * colspan
            if text:
                grid[(r, c)] = text
            c += colspan
    return grid, n, None
