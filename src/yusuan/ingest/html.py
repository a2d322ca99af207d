"""Read HTML pages: paragraphs as loose lines, tables as grid lines (rowspan/colspan placed).

Budget disclosures published as web pages are usually a converted Word document: text in
<p>/<div>, tables in <table>. Cells covered by a rowspan/colspan stay blank in their
column; the text sits in the top-left cell of its span.
"""

from __future__ import annotations

import re
from typing import Any

from yusuan.ingest import limits
from yusuan.ingest.document import SourceDocument
from yusuan.ingest.grid import LineSink, cell_text
from yusuan.model import Diagnostic, Severity, Source

_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "caption", "title", "br", "section",
          "article", "header", "footer", "blockquote", "pre", "dd", "dt"}
_SKIP = {"script", "style", "head", "noscript", "template"}
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_MAX_SPAN = 1000


def decode_html(data: bytes) -> str:
    match = _CHARSET.search(data[:4096])
    candidates = []
    if match:
        enc = match.group(1).decode("ascii").lower()
        candidates.append("gb18030" if enc in ("gb2312", "gbk", "gb18030") else enc)
    candidates += ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors="replace")


def read_html(data: bytes, path: str | None = None, sha256: str | None = None
              ) -> tuple[SourceDocument | None, tuple[Diagnostic, ...]]:
    import lxml.html

    name = path or "<输入>"
    if len(data) > limits.MAX_HTML_BYTES:
        return None, (limits.diagnostic(
            "I401", f"{name}：网页文件过大（{len(data) // 1024 // 1024} MB），已跳过。"
            "请确认是否为预算公开页面。", path),)
    try:
        root = lxml.html.document_fromstring(decode_html(data))
    except Exception as exc:  # lxml raises ParserError etc. for empty or broken markup
        return None, (limits.diagnostic(
            "I402", f"{name}：网页无法解析（{type(exc).__name__}）。请用浏览器另存为完整网页后重试。", path),)
    sink = LineSink()
    state = {"tables": 0, "paragraphs": 0}
    buffer: list[str] = []
    _walk(root, sink, buffer, state)
    _flush(sink, buffer, state)
    diags: list[Diagnostic] = []
    if not sink.lines:
        diags.append(limits.diagnostic("I403", f"{name}：网页中没有读到正文或表格。", path, Severity.WARNING))
    doc = SourceDocument(path=path, format="html", lines=tuple(sink.lines), sha256=sha256, diagnostics=tuple(diags))
    return doc, tuple(diags)


def _flush(sink: LineSink, buffer: list[str], state: dict[str, int]) -> None:
    text = "".join(buffer).strip()
    buffer.clear()
    if text:
        state["paragraphs"] += 1
        sink.loose(text, Source(ref=f"paragraph {state['paragraphs']}"))


def _walk(el: Any, sink: LineSink, buffer: list[str], state: dict[str, int]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _SKIP:
        return
    if tag == "table":
        _flush(sink, buffer, state)
        state["tables"] += 1
        _table(el, sink, state["tables"])
        return
    block = tag in _BLOCK
    if block:
        _flush(sink, buffer, state)
    if el.text and tag:
        buffer.append(el.text)
    for child in el:
        _walk(child, sink, buffer, state)
        if child.tail:
            buffer.append(child.tail)
    if block:
        _flush(sink, buffer, state)


def _span(value: Any) -> int:
    try:
        return max(1, min(int(str(value).strip() or 1), _MAX_SPAN))
    except ValueError:
        return 1


def _table(table: Any, sink: LineSink, table_no: int) -> None:
    # Rows of this table only (not of tables nested in its cells).
    rows_el = [tr for tr in table.iter("tr") if _owner(tr) is table]
    grid: dict[tuple[int, int], str] = {}
    occupied: set[tuple[int, int]] = set()
    width = 0
    for r, tr in enumerate(rows_el):
        c = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            while (r, c) in occupied:
                c += 1
            rs, cs = _span(cell.get("rowspan", 1)), _span(cell.get("colspan", 1))
            grid[(r, c)] = cell_text(cell.text_content())
            for dr in range(rs):
                for dc in range(cs):
                    occupied.add((r + dr, c + dc))
            c += cs
            width = max(width, c)
    rows = [[grid.get((r, c), "") for c in range(width)] for r in range(len(rows_el))]
    sources = [[Source(ref=f"table {table_no} row {r + 1} cell {c + 1}") for c in range(width)]
               for r in range(len(rows_el))]
    row_sources = [Source(ref=f"table {table_no} row {r + 1}") for r in range(len(rows_el))]
    caption = table.find("caption")
    if caption is not None:
        sink.loose(cell_text(caption.text_content()), Source(ref=f"table {table_no} caption"))
    sink.table(rows, sources, row_sources)


def _owner(tr: Any) -> Any:
    parent = tr.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent
