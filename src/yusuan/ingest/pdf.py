"""Read PDFs with a text layer: rebuild tables from geometry (words + ruling lines).

Budget tables are printed from spreadsheets: every cell is drawn with ruling lines or thin
filled rectangles. pdfplumber's line-based table finder turns those rulings into a cell
grid (merged cells included); words are then placed into cells by where they *start*, so
digits on a slightly different baseline stay in their row and text that overflows a
clipped spreadsheet cell stays in its own cell instead of leaking into the next column.
Everything outside the tables is read as loose text lines, joined into paragraphs.

Pages without a usable text layer are handed to ``yusuan.ingest.ocr``.
"""

from __future__ import annotations

import io
import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from yusuan.catalogue import classify_title
from yusuan.ingest import limits, progress
from yusuan.ingest.document import Line, SourceDocument
from yusuan.ingest.pdf_geometry import PageGeometry, covers_page, read_page
from yusuan.model import Diagnostic, Severity, Source
from yusuan.text import clean_cjk_spaces, normalize, parse_amount, squash

BBox = tuple[float, float, float, float]

_TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
}
# Word draws each cell's vertical borders separately, a few points apart from row to row:
# snapping them harder gives one column per printed column. Tried second; kept when it
# places as many words in cells with fewer columns.
_WIDE_SNAP: dict[str, Any] = {**_TABLE_SETTINGS, "snap_x_tolerance": 8, "snap_y_tolerance": 3}
# A leading table row that is a caption, not data: "部门：… 单位：万元", "编制单位：…".
_CAPTION_ROW = re.compile(r"^(?:部门|单位|编制单位|编制部门|预算单位|填报单位)[:：]|单位[:：]\s*(?:万?元)")
_NOTE_ROW = re.compile(r"^(?:注|说明|备注)[:：\d]")


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def mid_y(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Item:
    """A piece of a page in reading order: one loose text line or one table."""

    top: float
    kind: str  # "text" | "table"
    words: list[Word] = field(default_factory=list)  # kind == "text"
    rows: list[list[tuple[str, BBox | None]]] = field(default_factory=list)  # kind == "table"


# --------------------------------------------------------------------------- geometry


def group_rows(words: Sequence[Word]) -> list[list[Word]]:
    """Group words into visual lines by vertical overlap (not equal ``top``): numbers set
    on a slightly different baseline from the text of their row still join it."""
    rows: list[tuple[float, float, list[Word]]] = []
    for w in sorted(words, key=lambda w: (w.mid_y, w.x0)):
        if rows:
            top, bottom, members = rows[-1]
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap >= 0.4 * min(bottom - top, w.bottom - w.top):
                members.append(w)
                rows[-1] = (min(top, w.top), max(bottom, w.bottom), members)
                continue
        rows.append((w.top, w.bottom, [w]))
    return [sorted(m, key=lambda w: w.x0) for _, _, m in rows]


_CJK_PUNCT_SPACE = re.compile(
    r"(?<=[\u3000-\u303f])\s+|\s+(?=[\u3000-\u303f])|(?<=[\u3400-\u9fff])\s+(?=[,;:!?)])")


_ANY_SPACE = re.compile(r"\s").search


def _tidy(text: str) -> str:
    """Spaces the extractor put between CJK characters or beside CJK punctuation removed
    ("受理 、社区" -> "受理、社区"); spaces around numbers kept."""
    text = clean_cjk_spaces(text)
    return _CJK_PUNCT_SPACE.sub("", text) if _ANY_SPACE(text) else text


def join_words(words: Sequence[Word]) -> str:
    """Text of words, one visual line per "\n" (see ``flat``)."""
    return "\n".join(_tidy(normalize(" ".join(w.text for w in row))) for row in group_rows(words))


def flat(text: str) -> str:
    """A wrapped cell as one string: CJK wrap points joined without a space."""
    return _tidy(text.replace("\n", " "))


def _inside(x: float, y: float, box: BBox, pad: float = 0.5) -> bool:
    return box[0] - pad <= x <= box[2] + pad and box[1] - pad <= y <= box[3] + pad


# --------------------------------------------------------------------------- one page


def _page_words(page: Any, geometry: PageGeometry | None = None) -> list[Word]:
    if geometry is not None:
        raw = [(t, x0, x1, top, bottom) for t, x0, x1, top, bottom in geometry.words]
        w, h = geometry.width, geometry.height
    else:
        found = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False, use_text_flow=False)
        raw = [(r["text"], r["x0"], r["x1"], r["top"], r["bottom"]) for r in found]
        w, h = page.width, page.height
    out = []
    for text, x0, x1, top, bottom in raw:
        if not text.strip():
            continue
        cx, cy = (x0 + x1) / 2, (top + bottom) / 2
        if not (0 <= cx <= w and 0 <= cy <= h):
            continue  # drawn off the page: invisible in every viewer
        out.append(Word(text, x0, x1, top, bottom))
    return out


def _is_page_background(obj: dict[str, Any], width: float, height: float) -> bool:
    return obj.get("object_type") == "rect" and covers_page(obj["x1"] - obj["x0"], obj["bottom"] - obj["top"],
                                                            width, height)


def _find_tables(page: Any, settings: dict[str, Any] = _TABLE_SETTINGS,
                 geometry: PageGeometry | None = None) -> list[Any]:
    w, h = page.width, page.height
    if geometry is not None:
        # The rulings PDFium read, handed to pdfplumber's table finder as explicit edges: the
        # same snapping and joining, without pdfminer interpreting the page again.
        v = [e for e in geometry.edges if e["orientation"] == "v" and e["height"] >= 1]
        hz = [e for e in geometry.edges if e["orientation"] == "h" and e["width"] >= 1]
        return [t for t in explicit_tables(page, v, hz, settings) if t.bbox[1] < h and t.bbox[3] > 0]

    def keep(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") in ("rect", "line", "curve"):
            if _is_page_background(obj, w, h):
                return False
            return obj["x1"] >= 0 and obj["x0"] <= w and obj["bottom"] >= 0 and obj["top"] <= h
        return True

    if len(page.rects) + len(page.lines) + len(page.curves) > limits.MAX_VECTOR_OBJECTS:
        return []  # a drawing, not a table: finding cells in it would take minutes
    filtered = page.filter(keep)
    from yusuan.ingest import table_cells  # pdfplumber: imported for PDFs only

    tables = table_cells.find_tables(filtered, settings)
    # Clip to the page: content drawn off-page is not part of the document.
    return [t for t in tables if t.bbox[1] < h and t.bbox[3] > 0]


def explicit_tables(page: Any, v_edges: list[dict[str, Any]], h_edges: list[dict[str, Any]],
                    settings: dict[str, Any]) -> list[Any]:
    """pdfplumber's table finder over rulings found elsewhere (PDFium paths, or lines
    detected in a scanned image) instead of the page's own objects."""
    if len(v_edges) < 2 or len(h_edges) < 2:
        return []
    from yusuan.ingest import table_cells  # pdfplumber: imported for PDFs only

    return table_cells.find_tables(page, {**settings, "vertical_strategy": "explicit",
                                          "horizontal_strategy": "explicit", "explicit_vertical_lines": v_edges,
                                          "explicit_horizontal_lines": h_edges})


def _table_rows(table: Any, words: list[Word], used: set[int],
                inset: float = 1.0) -> list[list[tuple[str, BBox | None]]]:
    """Cells of a table, words placed by their start point (``inset`` points into the word:
    OCR boxes are padded); merged cells give ""."""
    rows = [list(r.cells) for r in table.rows]
    buckets: dict[tuple[int, int], list[Word]] = {}
    cells = [(ri, ci, box) for ri, r in enumerate(rows) for ci, box in enumerate(r) if box is not None]
    bands = _bands(cells, words)
    for wi, word in enumerate(words):
        if wi in used:
            continue
        x, y = min(word.x0 + inset, (word.x0 + word.x1) / 2), word.mid_y
        # The smallest cell holding the word's start: a frame drawn around the whole
        # table also forms a cell, and must not swallow the cells inside it. Only the
        # cells of the word's band are tried (in table order, as the whole list would be).
        hits = [cells[k] for k in bands.get(int(y // _BAND), ()) if _inside(x, y, cells[k][2])]
        if hits:
            ri, ci, _ = min(hits, key=lambda h: (h[2][2] - h[2][0]) * (h[2][3] - h[2][1]))
            buckets.setdefault((ri, ci), []).append(word)
            used.add(wi)
    out: list[list[tuple[str, BBox | None]]] = []
    for ri, r in enumerate(rows):
        out.append([(join_words(buckets.get((ri, ci), [])), box) for ci, box in enumerate(r)])
    return [r for r in out if any(t for t, _ in r)]


_BAND = 8.0  # points: cells are indexed by the horizontal bands of this height they span


def _bands(cells: list[tuple[int, int, BBox]], words: list[Word], pad: float = 0.5) -> dict[int, list[int]]:
    """Band number -> the indexes of the cells reaching into it (``_inside``'s padding
    included), in the order of ``cells``; only the bands the words are in (a cell drawn
    far off the page spans no more bands than the page)."""
    out: dict[int, list[int]] = {}
    ys = [w.mid_y for w in words if math.isfinite(w.mid_y)]
    if not ys:
        return out
    lo, hi = int(min(ys) // _BAND), int(max(ys) // _BAND)
    for k, (_, _, box) in enumerate(cells):
        top, bottom = (box[1] - pad) // _BAND, (box[3] + pad) // _BAND
        if math.isnan(top) or math.isnan(bottom):
            continue  # holds no point
        for band in range(int(max(top, lo)), int(min(bottom, hi)) + 1):
            out.setdefault(band, []).append(k)
    return out


def _drop_empty(rows: list[list[tuple[str, BBox | None]]]) -> list[list[tuple[str, BBox | None]]]:
    rows = [r for r in rows if any(t for t, _ in r)]
    if not rows:
        return []
    width = max(len(r) for r in rows)

    def wanted(c: int) -> bool:
        # An empty column of real cells is a blank column of the table (kept, so that a
        # continuation page has the same columns); one made of merged-away cells is not.
        if any(c < len(r) and r[c][0] for r in rows):
            return True
        real = sum(1 for r in rows if c < len(r) and r[c][1] is not None and r[c][1][2] - r[c][1][0] > 8)
        return real > len(rows) / 2

    keep = [c for c in range(width) if wanted(c)]
    return [[r[c] if c < len(r) else ("", None) for c in keep] for r in rows]


def _has_sliver_columns(tables: list[Item]) -> bool:
    """A column under 10 pt wide: rulings a few points apart that snapping would join."""
    for t in tables:
        for r in t.rows:
            if any(b is not None and b[2] - b[0] < 10 for _, b in r):
                return True
    return False


def _page_items(page: Any, geometry: PageGeometry | None = None) -> list[Item]:
    words = _page_words(page, geometry)
    best: tuple[int, int, list[Item], set[int]] | None = None
    for settings in (_TABLE_SETTINGS, _WIDE_SNAP):
        used: set[int] = set()
        tables: list[Item] = []
        for table in _find_tables(page, settings, geometry):
            rows = _table_rows(table, words, used)
            if rows:
                tables.append(Item(top=table.bbox[1], kind="table", rows=rows))
        if settings is _TABLE_SETTINGS and not _has_sliver_columns(tables):
            best = (len(used), 0, tables, used)
            break  # no columns cut thin by misaligned rulings: nothing to snap
        columns = sum(len(r) for t in tables for r in t.rows)
        score = (len(used), -columns)
        if best is None or score > (best[0], best[1]):
            best = (len(used), -columns, tables, used)
    assert best is not None
    _, _, items, used = best
    items = list(items)
    loose = [w for i, w in enumerate(words) if i not in used]
    if not items:
        # No rulings: a table set with spaces only. Rows with two bare amounts or more are
        # table rows (a narrative line never is), and give the columns.
        items, loose = unruled_table(loose, min_amounts=2)
    for row in group_rows(loose):
        items.append(Item(top=min(w.top for w in row), kind="text", words=row))
    items.sort(key=lambda it: it.top)
    return items


def _is_amount(text: str) -> bool:
    return parse_amount(text) is not None and ("," in text or "." in text)


def unruled_table(words: list[Word], min_amounts: int = 1) -> tuple[list[Item], list[Word]]:
    """A table printed without rulings: rows from vertical overlap, columns from the
    horizontal extent of the words in the rows that carry amounts (a column is where they
    overlap), header rows just above placed into the same columns. Returns the table (if
    any) and the words left over. A data row has at least ``min_amounts`` words that are
    amounts and nothing else."""
    rows = group_rows(words)
    numeric = [i for i, r in enumerate(rows) if sum(_is_amount(w.text) for w in r) >= min_amounts and len(r) >= 2]
    if len(numeric) < 3:
        return [], words
    first, last = numeric[0], numeric[-1]
    spans = sorted((w.x0, w.x1) for i in range(first, last + 1) for w in rows[i])
    columns: list[list[float]] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1][1] - 1.0:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    if len(columns) < 2:
        return [], words

    def column_of(w: Word) -> int | None:
        overlaps = [min(w.x1, c1) - max(w.x0, c0) for c0, c1 in columns]
        best = max(range(len(columns)), key=lambda i: overlaps[i])
        return best if overlaps[best] > 0 else None

    # Header rows: up to three rows just above the data whose words all fit the columns.
    start = first
    while start > 0 and first - start < 3 and len(rows[start - 1]) >= 2 and all(
            column_of(w) is not None for w in rows[start - 1]):
        start -= 1
    table_rows = []
    for r in rows[start:last + 1]:
        top, bottom = min(w.top for w in r), max(w.bottom for w in r)
        cells: list[list[Word]] = [[] for _ in columns]
        for w in r:
            c = column_of(w)
            if c is None:  # nearest column by centre
                mid = (w.x0 + w.x1) / 2
                c = min(range(len(columns)), key=lambda i: abs((columns[i][0] + columns[i][1]) / 2 - mid))
            cells[c].append(w)
        table_rows.append([(join_words(ws), (columns[i][0], top, columns[i][1], bottom)) for i, ws in enumerate(cells)])
    used = {id(w) for r in rows[start:last + 1] for w in r}
    item = Item(top=min(w.top for w in rows[start]), kind="table", rows=table_rows)
    return [item], [w for w in words if id(w) not in used]


# --------------------------------------------------------------------------- lines


def _tokens(words: Sequence[Word]) -> list[tuple[str, BBox]]:
    """Split a visual line into tokens at gaps wider than about one character."""
    tokens: list[tuple[str, BBox]] = []
    cur: list[Word] = []
    for w in words:
        if cur:
            size = max(cur[-1].bottom - cur[-1].top, 4.0)
            if w.x0 - cur[-1].x1 > 0.9 * size:
                tokens.append(_token(cur))
                cur = []
        cur.append(w)
    if cur:
        tokens.append(_token(cur))
    return tokens


def _token(words: Sequence[Word]) -> tuple[str, BBox]:
    box = (min(w.x0 for w in words), min(w.top for w in words), max(w.x1 for w in words),
           max(w.bottom for w in words))
    return _tidy(normalize(" ".join(w.text for w in words))), box


class _Builder:
    """Accumulates lines; narrative lines are joined into paragraphs."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self._para: list[tuple[list[Word], int]] = []  # visual lines of the open paragraph
        self._margins: tuple[float, float] = (0.0, 0.0)

    def add_text(self, words: list[Word], page: int, margins: tuple[float, float]) -> None:
        if self._para and not self._continues(words, margins):
            self.flush()
        self._margins = margins
        self._para.append((words, page))

    def _continues(self, words: list[Word], margins: tuple[float, float]) -> bool:
        prev, _ = self._para[-1]
        left, right = margins
        size = max(prev[-1].bottom - prev[-1].top, 6.0)
        full = prev[-1].x1 >= right - 2.5 * size  # previous line ran to the right margin
        flush_left = words[0].x0 <= left + 1.2 * size  # this one is not indented
        gap = words[0].top - max(w.bottom for w in prev)
        one_token = len(_tokens(prev)) == 1 and len(_tokens(words)) == 1
        long_line = prev[-1].x1 - prev[0].x0 > 0.6 * (right - left)
        prev_text = "".join(w.text for w in prev)
        next_text = "".join(w.text for w in words)
        if (gap < 1.5 * size and len(next_text) <= 4 and not _TITLE_LIKE.search(squash(prev_text))
                and classify_title(prev_text + next_text)):
            return True  # a title wrapped before its last characters ("…支出预算" / "表")
        heading = bool(_TITLE_LIKE.search(squash(prev_text))) or bool(_CAPTION_ROW.search(next_text))
        return full and flush_left and long_line and gap < 1.5 * size and one_token and not heading

    def flush(self) -> None:
        if not self._para:
            return
        page = self._para[0][1]
        if len(self._para) == 1:
            tokens = _tokens(self._para[0][0])
            text = " ".join(t for t, _ in tokens)
            cells = tuple(text.split())
        else:
            text = _tidy(normalize(" ".join(" ".join(w.text for w in ws) for ws, _ in self._para)))
            cells = tuple(text.split())
        self._append(text, cells, False, Source(page=page), ())
        self._para = []

    def add_row(self, cells: Sequence[tuple[str, BBox | None]], page: int) -> None:
        self.flush()
        texts = tuple(flat(t) for t, _ in cells)
        sources = tuple(Source(page=page, bbox=_round(b)) for _, b in cells)
        self._append("\t".join(texts), texts, True, Source(page=page), sources)

    def join_wrapped_tail(self, row: Row) -> bool:
        """A name cut by a page break ("八、社会保障和就" | "业支出"): the first row of the
        continuation page holds only a fragment of at most 3 characters (longer ones are
        real rows, "其他收入"), in a column where the last row has text. Joined into that
        row's cell; True when done."""
        filled = [(i, t) for i, (t, _) in enumerate(row) if t]
        if len(filled) != 1 or not self.lines or not self.lines[-1].grid or _has_number(row):
            return False
        i, tail = filled[0]
        prev = self.lines[-1]
        tail = flat(tail)
        if (len(tail) > 3 or _LIST_START.match(tail) or i >= len(prev.cells) or not prev.cells[i]
                or parse_amount(prev.cells[i]) is not None or prev.cells[i].endswith(("。", ")", "计"))):
            return False
        cells = list(prev.cells)
        cells[i] = _tidy(cells[i] + " " + tail)
        self.lines[-1] = Line(no=prev.no, text="\t".join(cells), cells=tuple(cells), grid=True,
                              source=prev.source, cell_sources=prev.cell_sources)
        return True

    def add_loose(self, text: str, page: int) -> None:
        self.flush()
        self._append(text, tuple(text.split()), False, Source(page=page), ())

    def _append(self, text: str, cells: tuple[str, ...], grid: bool, source: Source,
                cell_sources: tuple[Source, ...]) -> None:
        no = len(self.lines) + 1
        src = Source(line=no, page=source.page, bbox=source.bbox, ref=source.ref)
        cs = tuple(Source(line=no, page=s.page, bbox=s.bbox, ref=s.ref) for s in cell_sources)
        self.lines.append(Line(no=no, text=text, cells=cells, grid=grid, source=src, cell_sources=cs))


def _round(b: BBox | None) -> BBox | None:
    return None if b is None else (round(b[0], 1), round(b[1], 1), round(b[2], 1), round(b[3], 1))


Row = list[tuple[str, BBox | None]]
_LIST_START = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\(|\d|其中|合计|总计|小计)")
_TITLE_LIKE = re.compile(r"(?:表|目录)(?:\(.{1,30}\))?$")


def _has_number(row: Sequence[tuple[str, Any]]) -> bool:
    return any(parse_amount(t) is not None for t, _ in row)


def _title_row(row: Sequence[tuple[str, Any]]) -> list[str] | None:
    """A row holding only a table title (spreadsheets often draw the title inside the grid),
    maybe with its caption lines ("部门：… 单位：万元") in the same cell: one line each."""
    filled = [t for t, _ in row if t]
    if len(filled) != 1:
        return None
    whole = flat(filled[0])
    if len(whole) <= 60 and classify_title(whole):
        return [whole]  # a title wrapped inside its cell
    lines = filled[0].split("\n")
    if any(classify_title(t) or (_TITLE_LIKE.search(squash(t)) and len(t) <= 60) for t in lines):
        return lines
    if len(filled[0]) <= 60 and (classify_title(flat(filled[0])) or _TITLE_LIKE.search(squash(filled[0]))):
        return [flat(filled[0])]
    return None


def _loose_row(row: Sequence[tuple[str, Any]], before_data: bool) -> str | None:
    """A table row that is really a caption ("部门：… 单位：万元") or a note."""
    filled = [flat(t) for t, _ in row if t]
    text = " ".join(filled)
    if before_data and not _has_number(row) and _CAPTION_ROW.search(text):
        return text
    if len(filled) == 1 and _NOTE_ROW.match(text):
        return text
    return None


def _segments(rows: list[Row]) -> list[tuple[list[str] | None, list[Row]]]:
    """Split a ruled grid at title rows: two tables drawn edge to edge form one grid."""
    out: list[tuple[list[str] | None, list[Row]]] = [(None, [])]
    for r in rows:
        title = _title_row(r)
        if title is not None:
            out.append((title, []))
        else:
            out[-1][1].append(r)
    return [(t, _merge_split_rows(_drop_empty(rs))) for t, rs in out if t is not None or rs]


def _row_height(row: Row) -> float:
    heights = [b[3] - b[1] for _, b in row if b is not None]
    return min(heights) if heights else 0.0


def _merge_split_rows(rows: list[Row]) -> list[Row]:
    """Join two thin adjacent rows that fill disjoint columns, one of them with an amount:
    one printed row that stray rulings (Word tables) cut in two, the label in one band and
    its value in the other."""
    if len(rows) < 3:
        return rows
    heights = sorted(_row_height(r) for r in rows)
    typical = heights[(3 * len(heights)) // 4]
    out: list[Row] = [rows[0]]
    for r in rows[1:]:
        prev = out[-1]
        filled_prev = {i for i, (t, _) in enumerate(prev) if t}
        filled = {i for i, (t, _) in enumerate(r) if t}
        if (len(prev) == len(r) and not filled_prev & filled and (_has_number(prev) or _has_number(r))
                and _row_height(prev) + _row_height(r) <= 1.3 * typical and _title_row(r) is None
                and _loose_row(prev, True) is None and _loose_row(r, True) is None):
            out[-1] = [(a[0] or b[0], _union(a[1], b[1])) for a, b in zip(prev, r, strict=True)]
        else:
            out.append(r)
    return out


def _union(a: BBox | None, b: BBox | None) -> BBox | None:
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _column_ranges(rows: list[Row]) -> list[tuple[float, float]]:
    """x-range of each column: its narrowest real cell (merged cells are wider)."""
    width = max(len(r) for r in rows)
    ranges = []
    for c in range(width):
        boxes = [r[c][1] for r in rows if c < len(r) and r[c][1] is not None]
        if not boxes:
            return []
        b = min(boxes, key=lambda b: b[2] - b[0])
        ranges.append((b[0], b[2]))
    return ranges


def _remap(rows: list[Row], columns: list[tuple[float, float]]) -> list[Row] | None:
    """Place a continuation page's cells into the columns of the table it continues, by
    horizontal overlap; None when some filled cell fits no column (a different table)."""
    out: list[Row] = []
    for r in rows:
        new: Row = [("", None) for _ in columns]
        for text, box in r:
            if box is None:
                continue
            overlaps = [min(box[2], x1) - max(box[0], x0) for x0, x1 in columns]
            # A merged cell belongs to the leftmost column it covers (as on the first page).
            covered = [i for i, (x0, x1) in enumerate(columns) if overlaps[i] > 0.5 * (x1 - x0)]
            best = covered[0] if covered else max(range(len(columns)), key=lambda i: overlaps[i])
            if overlaps[best] <= 0:
                if text:
                    return None
                continue
            if text:
                prev = new[best][0]
                new[best] = ((prev + " " + text).strip() if prev else text, box)
            elif new[best][1] is None:
                new[best] = ("", box)
        out.append(new)
    return out


def _header_rows(rows: list[Row]) -> list[tuple[str, ...]]:
    out = []
    for r in rows:
        if _has_number(r):
            break
        if _loose_row(r, True) is None:
            out.append(tuple(flat(t) for t, _ in r))
    return out


def _strip_header(rows: list[Row], header: list[tuple[str, ...]]) -> list[Row]:
    """Drop a header repeated at the top of a continuation page (compared by its texts in
    order: merged header cells may land in other columns on the continuation page)."""
    n = 0
    while n < len(header) and n < len(rows) and [flat(t) for t, _ in rows[n] if t] == [t for t in header[n] if t]:
        n += 1
    return rows[n:] if n == len(header) else rows


def emit_page(builder: _Builder, items: Iterable[Item], page_no: int, page_width: float,
              state: dict[str, Any]) -> None:
    """Append one page's items to the stream. ``state`` carries the open table's columns and
    header across pages: a table continued on the next page keeps its columns, and a header
    repeated there is emitted once."""
    items = list(items)
    text_words = [w for it in items if it.kind == "text" for w in it.words]
    table_x = [b for it in items if it.kind == "table" for r in it.rows for _, b in r if b is not None]
    # A page with a few short lines must not make them "full width": the right margin is
    # at least 70% across the page.
    margins = (min([w.x0 for w in text_words] + [b[0] for b in table_x], default=0.0),
               max([w.x1 for w in text_words] + [b[2] for b in table_x] + [0.7 * page_width]))
    title_seen = False  # a title since the last table on this page: what follows is a new table
    lead = _unruled_top_row(items, state)
    if lead is not None:
        row, consumed = lead
        builder.add_row(row, page_no)
        items = [it for i, it in enumerate(items) if i not in consumed]
    for index, it in enumerate(items):
        if it.kind == "text":
            if _is_page_furniture(it) and index in (0, len(items) - 1):
                continue  # a page number: dropped, so a paragraph or table runs on across the break
            builder.add_text(it.words, page_no, margins)
            joined = "".join(w.text for w in it.words)
            if classify_title(joined) or (_TITLE_LIKE.search(squash(joined)) and len(joined) <= 60):
                title_seen = True
            if not _is_page_furniture(it):
                state["open"] = False
            continue
        for title, rows in _segments(it.rows):
            if title is not None:
                for t in title:
                    builder.add_loose(t, page_no)
                title_seen = True
            if not rows:
                continue
            continuation = not title_seen and state.get("open") and state.get("columns")
            if continuation:
                mapped = _remap(rows, state["columns"])
                if mapped is not None:
                    rows = _strip_header(mapped, state.get("header") or [])
                    if rows and builder.join_wrapped_tail(rows[0]):
                        rows = rows[1:]
                else:
                    continuation = False
            if not continuation:
                state["columns"] = _column_ranges(rows)
                state["header"] = _header_rows(rows)
            _emit_rows(builder, rows, page_no)
            state["open"] = True
            title_seen = False


def _unruled_top_row(items: list[Item], state: dict[str, Any]) -> tuple[Row, set[int]] | None:
    """The first row of a table continued from the previous page, left without rulings (its
    top border was printed on the previous page): up to three text lines at the top of the
    page, before the continued table, inside its columns, with an amount among them and no
    title, caption or note. Their words are placed into the open table's columns by
    position, as one row; None when the page does not start that way."""
    columns: list[tuple[float, float]] = state.get("columns") or []
    if not state.get("open") or not columns:
        return None
    first_table = next((i for i, it in enumerate(items) if it.kind == "table"), None)
    if first_table is None:
        return None
    lead = [i for i in range(first_table) if not _is_page_furniture(items[i])]
    if not lead or len(lead) > 3:
        return None
    words = [w for i in lead for w in items[i].words]
    texts = ["".join(w.text for w in items[i].words) for i in lead]
    if (not any(_is_amount(w.text) for w in words) or any(classify_title(t) or _TITLE_LIKE.search(squash(t))
            or _CAPTION_ROW.search(t) or _NOTE_ROW.match(t) for t in texts)
            or min(w.x0 for w in words) < columns[0][0] - 2 or max(w.x1 for w in words) > columns[-1][1] + 2):
        return None
    cells: list[list[Word]] = [[] for _ in columns]
    for w in words:
        mid = (w.x0 + w.x1) / 2
        inside = [c for c, (x0, x1) in enumerate(columns) if x0 <= mid <= x1]
        nearest = min(range(len(columns)), key=lambda c: abs((columns[c][0] + columns[c][1]) / 2 - mid))
        cells[inside[0] if inside else nearest].append(w)
    row: Row = []
    for ws in cells:
        if not ws:
            row.append(("", None))
            continue
        box = (min(w.x0 for w in ws), min(w.top for w in ws), max(w.x1 for w in ws), max(w.bottom for w in ws))
        row.append((join_words(ws), box))
    return row, set(lead)


def _emit_rows(builder: _Builder, rows: list[Row], page_no: int) -> None:
    before_data = True
    for r in rows:
        loose = _loose_row(r, before_data)
        if loose is not None:
            builder.add_loose(loose, page_no)
            continue
        if _has_number(r):
            before_data = False
        builder.add_row(r, page_no)


_FURNITURE = re.compile(r"^[-—\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*/\s*\d+)?[-—\s]*$")


def _is_page_furniture(item: Item) -> bool:
    """Page numbers at the foot of a page do not end a table running onto the next page."""
    return bool(_FURNITURE.match(" ".join(w.text for w in item.words)))


# --------------------------------------------------------------------------- document


def _text_layer_usable(page: Any) -> bool:
    chars = [c for c in page.chars if c["text"].strip()]
    if len(chars) < 5:
        return False
    garbled = sum(1 for c in chars if c["text"].startswith("(cid:") or c["text"] == "\ufffd")
    return garbled < 0.3 * len(chars)


def _page_image_area(page: Any) -> float:
    area = 0.0
    for im in page.images:
        w = max(0.0, min(im["x1"], page.width) - max(im["x0"], 0))
        h = max(0.0, min(im["bottom"], page.height) - max(im["top"], 0))
        area += w * h
    return area / max(page.width * page.height, 1.0)


def read_pdf(data: bytes, path: str | None = None, sha256: str | None = None,
             max_pages: int | None = None) -> tuple[SourceDocument | None, tuple[Diagnostic, ...]]:
    """Read a PDF into lines. Never raises for bad input; problems come back as diagnostics.

    A file pdfminer cannot open (destroyed cross-reference table, broken trailer) is not
    called corrupt before PDFium has tried: PDFium rebuilds the structure and writes a clean
    copy, which is read as usual; failing that, PDFium's own text is read (no ruled tables)."""
    max_pages = limits.MAX_PAGES if max_pages is None else max_pages  # read now: [limits] pages may set it
    doc, diags = _read_pdf(data, path, sha256, max_pages)
    if doc is not None or not diags or diags[0].code not in ("I102", "I103"):
        return doc, diags
    return _recover(data, path, sha256, max_pages, diags[0])


def _recover(data: bytes, path: str | None, sha256: str | None, max_pages: int, failure: Diagnostic
             ) -> tuple[SourceDocument | None, tuple[Diagnostic, ...]]:
    name = path or "<输入>"
    repaired = _resaved_by_pdfium(data)
    if repaired is None:
        return None, (failure,)
    doc, diags = _read_pdf(repaired, path, sha256, max_pages)
    how = "已用 PDFium 重建文件结构后读取"
    if doc is None:
        doc, diags = _read_with_pdfium(repaired, path, sha256, max_pages)
        how = "已改用 PDFium 只读取文字（表格按文字位置重建，可能不完整）"
        if doc is None:
            return None, (failure,)
    note = limits.diagnostic(
        "I115", f"{name}：PDF 文件结构已损坏（pdfminer 无法读取），{how}。"
        "请核对内容是否完整；如有缺失，请重新下载原文件，或用 PDF 阅读器打开后另存再处理。", path, Severity.WARNING)
    return replace(doc, diagnostics=(note, *doc.diagnostics)), (note, *diags)


def _resaved_by_pdfium(data: bytes) -> bytes | None:
    """The PDF as PDFium reads it, written anew (fresh cross-reference table); None when
    PDFium cannot open it either."""
    document = _open_pdfium(data)
    if document is None:
        return None
    try:
        if len(document) == 0:
            return None
        buf = io.BytesIO()
        document.save(buf)
        return buf.getvalue()
    except Exception:  # PDFium opened it but cannot write it: nothing to recover
        return None
    finally:
        document.close()


def _read_with_pdfium(data: bytes, path: str | None, sha256: str | None, max_pages: int
                      ) -> tuple[SourceDocument | None, tuple[Diagnostic, ...]]:
    """PDFium's words of each page, as lines (and tables set without rulings): the last
    resort for a file pdfminer cannot read even after PDFium rewrote it."""
    document = _open_pdfium(data)
    if document is None:
        return None, ()
    builder = _Builder()
    state: dict[str, Any] = {}
    n_pages = len(document)
    try:
        for index in range(min(n_pages, max_pages)):
            geometry = _geometry(document, index)
            if geometry is None:
                continue
            items, rest = unruled_table(_page_words(None, geometry), min_amounts=2)
            items += [Item(top=min(w.top for w in row), kind="text", words=row) for row in group_rows(rest)]
            items.sort(key=lambda it: it.top)
            emit_page(builder, items, index + 1, geometry.width, state)
    finally:
        document.close()
    builder.flush()
    if not builder.lines:
        return None, ()
    return SourceDocument(path=path, format="pdf", lines=tuple(builder.lines), sha256=sha256, pages=n_pages), ()


def _read_pdf(data: bytes, path: str | None, sha256: str | None,
              max_pages: int) -> tuple[SourceDocument | None, tuple[Diagnostic, ...]]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    name = path or "<输入>"
    diags: list[Diagnostic] = []
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        n_pages = len(pdf.pages)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        return None, (limits.diagnostic(
            "I101", f"{name}：PDF 已加密（需要打开密码），无法读取。请向发布单位索取未加密版本，"
            "或用已知密码解密后另存再处理。", path),)
    except Exception as exc:  # pdfminer raises many types for damaged files
        # pdfplumber wraps pdfminer's errors: look at the cause as well
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError) or "password" in repr(exc).lower():
            return None, (limits.diagnostic(
                "I101", f"{name}：PDF 已加密（需要打开密码），无法读取。请向发布单位索取未加密版本，"
                "或用已知密码解密后另存再处理。", path),)
        return None, (limits.diagnostic(
            "I102", f"{name}：PDF 文件已损坏或不完整（{type(exc).__name__}），无法读取。"
            "请重新下载原文件，或用 PDF 阅读器打开后另存再处理。", path),)
    if n_pages == 0:
        return None, (limits.diagnostic("I103", f"{name}：PDF 没有任何页面。请确认文件完整。", path),)
    if n_pages > max_pages:
        diags.append(limits.diagnostic(
            "I104", f"{name}：PDF 共 {n_pages} 页，超过上限 {max_pages} 页，只读取了第 1–{max_pages} 页，"
            f"第 {max_pages + 1}–{n_pages} 页未读取（其中的表格和数字不在结果中）。预算公开文件通常不足 100 页；"
            "如确需全部内容，请提高上限或拆分文件后分别处理。", path, Severity.WARNING))
    builder = _Builder()
    state: dict[str, Any] = {}
    ocr_pages: list[int] = []
    budget = _OcrBudget(min(n_pages, max_pages))
    fmt = "pdf"
    fast = _open_pdfium(data)
    with pdf:
        total = min(n_pages, max_pages)
        for index in range(total):
            page_no = index + 1
            progress.report(f"{name}：读取第 {page_no}/{total} 页")
            try:
                page = pdf.pages[index]
                geometry = _geometry(fast, index)
                n_chars = geometry.chars if geometry else len(page.chars)
                if n_chars > limits.MAX_CHARS_PER_PAGE:
                    diags.append(limits.diagnostic(
                        "I105", f"{name} 第 {page_no} 页：文字对象过多（{n_chars} 个），已跳过该页。"
                        "请检查该页是否异常。", path, Severity.WARNING, page_no))
                    continue
                usable = geometry.text_usable if geometry else _text_layer_usable(page)
                images = geometry.image_area if geometry else _page_image_area(page)
                # A scan with a stamped page number or header still needs OCR.
                if not usable or (n_chars < 40 and images > 0.5):
                    if images > 0.2 and _ocr_into(builder, data, page, page_no, name, path, diags, state, budget):
                        ocr_pages.append(page_no)
                        fmt = "pdf-ocr"
                    continue
                emit_page(builder, _page_items(page, geometry), page_no, page.width, state)
            except MemoryError:  # the worker's memory limit, not a property of this page
                raise
            except Exception as exc:  # one bad page must not lose the rest of the document
                diags.append(limits.diagnostic(
                    "I106", f"{name} 第 {page_no} 页：读取失败（{type(exc).__name__}），已跳过该页。"
                    "请用 PDF 阅读器核对该页内容。", path, Severity.WARNING, page_no))
            finally:
                if index < len(pdf.pages):
                    pdf.pages[index].close()
    if fast is not None:
        fast.close()
    builder.flush()
    cut = budget.diagnostic(name, path)
    if cut is not None:
        diags.append(cut)
    if ocr_pages:
        diags.append(limits.diagnostic(
            "I107", f"{name}：第 {_ranges(ocr_pages)} 页没有文字层，已用 OCR 识别；识别结果可能有误，"
            "金额请与原件核对。", path, Severity.INFO))
    doc = SourceDocument(path=path, format=fmt, lines=tuple(builder.lines), sha256=sha256,
                         pages=n_pages, diagnostics=tuple(diags))
    return doc, tuple(diags)


def _open_pdfium(data: bytes) -> Any | None:
    """The document opened with PDFium for fast page geometry, or None (then pdfplumber
    reads every page)."""
    try:
        import pypdfium2 as pdfium

        return pdfium.PdfDocument(data)
    except Exception:  # an odd file pdfminer still reads: take the slow path
        return None


def _geometry(doc: Any | None, index: int) -> PageGeometry | None:
    if doc is None:
        return None
    try:
        page = doc[index]
    except Exception:
        return None
    try:
        return read_page(page)
    except Exception:  # a page PDFium cannot model: pdfplumber reads it
        return None
    finally:
        page.close()


class _OcrBudget:
    """OCR pages and seconds spent on one document, against ``MAX_OCR_PAGES`` and
    ``MAX_OCR_SECONDS``: past either, the scanned pages left are listed, not OCR'd."""

    def __init__(self, last_page: int) -> None:
        self.last_page = last_page
        self.done: list[int] = []
        self.skipped: list[int] = []
        self.reason = ""
        self.started: float | None = None

    def allows(self, page_no: int) -> bool:
        if self.started is None:
            self.started = time.monotonic()
        if not self.reason:
            spent = time.monotonic() - self.started
            if len(self.done) >= limits.MAX_OCR_PAGES:
                self.reason = f"扫描页超过 {limits.MAX_OCR_PAGES} 页（上限 MAX_OCR_PAGES）"
            elif spent > limits.MAX_OCR_SECONDS:
                self.reason = f"OCR 用时已达 {spent:.0f} 秒（上限 MAX_OCR_SECONDS = {limits.MAX_OCR_SECONDS} 秒）"
        if self.reason:
            self.skipped.append(page_no)
            return False
        self.done.append(page_no)
        return True

    def diagnostic(self, name: str, path: str | None) -> Diagnostic | None:
        if not self.skipped:
            return None
        first = self.skipped[0]
        code = "I108" if "MAX_OCR_PAGES" in self.reason else "I109"
        return limits.diagnostic(
            code, f"{name}：{self.reason}，第 {_ranges(self.skipped)} 页（共 {len(self.skipped)} 个扫描页）未做 OCR，"
            "其内容未读取。请拆分文件后分别处理，或提供带文字层的 PDF 原件。", path, Severity.WARNING, first)


def _ocr_into(builder: _Builder, data: bytes, page: Any, page_no: int, name: str, path: str | None,
              diags: list[Diagnostic], state: dict[str, Any], budget: _OcrBudget) -> bool:
    """OCR one scanned page into the stream; False when the budget left it out."""
    from yusuan.ingest import ocr

    if not budget.allows(page_no):
        return False
    progress.report(f"{name}：OCR 识别第 {page_no} 页（第 {len(budget.done)} 个扫描页，"
                    f"最多 {limits.MAX_OCR_PAGES} 页，共 {budget.last_page} 页）")
    items, page_diags = ocr.ocr_pdf_page(data, page, page_no, path)
    diags.extend(page_diags)
    emit_page(builder, items, page_no, page.width, state)
    return not any(d.code in ocr.NOT_RECOGNISED for d in page_diags)


def _ranges(pages: list[int]) -> str:
    parts: list[str] = []
    start = prev = pages[0]
    for p in [*pages[1:], -1]:
        if p == prev + 1:
            prev = p
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = p
    return "、".join(parts)
