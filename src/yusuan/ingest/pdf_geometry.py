"""Page geometry read with PDFium (C): words, ruling edges and images of one page.

pdfminer interprets a page's content stream in Python and took about 80 % of the time of
reading a table PDF; PDFium reads the same page several times faster. This module gives
what the table reader needs — words with boxes, the axis-parallel segments of every path
(the rulings pdfplumber's table finder turns into cells) and the share of the page
covered by images — in pdfplumber's coordinates (origin top-left, y down), so the rest of
``yusuan.ingest.pdf`` is unchanged.

Pages this reader does not model (rotated, or a crop box away from the origin) return
None: the caller reads them with pdfplumber instead.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any

from yusuan.ingest import limits

# Word splitting as pdfplumber's extract_words(x_tolerance=1.5, y_tolerance=2).
X_TOLERANCE = 1.5
Y_TOLERANCE = 2.0
_AXIS = 0.01  # a segment whose ends differ less than this in x (y) is vertical (horizontal)


@dataclass(frozen=True)
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True)
class PageGeometry:
    width: float
    height: float
    chars: int  # characters with a glyph (not spaces the reader generated)
    garbled: int  # of which without a Unicode mapping
    words: list[tuple[str, float, float, float, float]]  # text, x0, x1, top, bottom
    edges: list[dict[str, Any]]  # pdfplumber edge dicts, "v" and "h"
    paths: int
    image_area: float  # share of the page covered by images

    @property
    def text_usable(self) -> bool:
        return self.chars >= 5 and self.garbled < 0.3 * self.chars


def read_page(page: Any) -> PageGeometry | None:
    """Geometry of a ``pypdfium2.PdfPage``, or None for a page to read another way."""
    import pypdfium2.raw as pdfium_c

    if page.get_rotation() != 0:
        return None
    left, bottom, right, top = page.get_cropbox()
    m_left, m_bottom, _, _ = page.get_mediabox()
    if (left, bottom) != (0, 0) or (m_left, m_bottom) != (0, 0):
        return None
    width, height = right - left, top - bottom
    chars, garbled = _chars(page, height, pdfium_c)
    edges: list[dict[str, Any]] = []
    images: list[tuple[float, float, float, float]] = []
    paths = _walk(page, height, width, edges, images, pdfium_c)
    area = 0.0
    for x0, y0, x1, y1 in images:
        area += max(0.0, min(x1, width) - max(x0, 0)) * max(0.0, min(y1, height) - max(y0, 0))
    return PageGeometry(width, height, len(chars) - sum(1 for c in chars if not c.text.strip()), garbled,
                        words(chars), edges, paths, area / max(width * height, 1.0))


def _chars(page: Any, height: float, pdfium_c: Any) -> tuple[list[Char], int]:
    textpage = page.get_textpage()
    handle = textpage.raw
    out: list[Char] = []
    garbled = 0
    rect = pdfium_c.FS_RECTF()
    for i in range(min(pdfium_c.FPDFText_CountChars(handle), limits.MAX_CHARS_PER_PAGE + 1)):
        code = pdfium_c.FPDFText_GetUnicode(handle, i)
        if pdfium_c.FPDFText_IsGenerated(handle, i):
            continue  # a space or line break PDFium inferred, not printed
        if code in (0, 0xFFFD, 0xFFFE):
            garbled += 1
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(handle, i, ctypes.byref(rect)):
            continue
        text = chr(code)
        if text in "\r\n":
            continue
        out.append(Char(text, rect.left, rect.right, height - rect.top, height - rect.bottom))
    textpage.close()
    return out, garbled


def words(chars: list[Char]) -> list[tuple[str, float, float, float, float]]:
    """Chars into words: lines by ``top`` within Y_TOLERANCE, then split at blanks and at
    gaps wider than X_TOLERANCE (what pdfplumber's word extractor does)."""
    out: list[tuple[str, float, float, float, float]] = []
    lines: list[list[Char]] = []
    last_top: float | None = None
    for c in sorted(chars, key=lambda c: c.top):
        if last_top is None or c.top > last_top + Y_TOLERANCE:
            lines.append([])
        lines[-1].append(c)
        last_top = c.top
    for line in lines:
        current: list[Char] = []
        for c in sorted(line, key=lambda c: c.x0):
            if not c.text.strip():
                _flush(current, out)
                current = []
                continue
            if current and (c.x0 > current[-1].x1 + X_TOLERANCE or c.x1 < current[-1].x0 - X_TOLERANCE):
                _flush(current, out)
                current = []
            current.append(c)
        _flush(current, out)
    return out


def _flush(current: list[Char], out: list[tuple[str, float, float, float, float]]) -> None:
    if current:
        out.append(("".join(c.text for c in current), min(c.x0 for c in current), max(c.x1 for c in current),
                    min(c.top for c in current), max(c.bottom for c in current)))


def covers_page(w: float, h: float, width: float, height: float) -> bool:
    """A shape this large is the page's background, not a ruling."""
    return w > 0.9 * width and h > 0.9 * height


Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _walk(page: Any, height: float, width: float, edges: list[dict[str, Any]],
          images: list[tuple[float, float, float, float]], pdfium_c: Any) -> int:
    """Collect the edges of every path and the boxes of every image, forms included.
    Returns the number of paths (a page of thousands is a drawing, not a table)."""
    count = 0
    stack: list[tuple[Any, bool, Matrix]] = [(page.raw, True, _IDENTITY)]
    matrix = pdfium_c.FS_MATRIX()
    while stack:
        holder, is_page, outer = stack.pop()
        n = pdfium_c.FPDFPage_CountObjects(holder) if is_page else pdfium_c.FPDFFormObj_CountObjects(holder)
        for i in range(n):
            obj = pdfium_c.FPDFPage_GetObject(holder, i) if is_page else pdfium_c.FPDFFormObj_GetObject(holder, i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
            own: Matrix = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                stack.append((obj, False, _compose(own, outer)))
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                count += 1
                if count <= limits.MAX_VECTOR_OBJECTS:
                    _path_edges(obj, _compose(own, outer), height, width, edges, pdfium_c)
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                # An image is the unit square mapped by its matrix.
                m = _compose(own, outer)
                xs, ys = zip(*(_apply(m, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))), strict=True)
                images.append((min(xs), height - max(ys), max(xs), height - min(ys)))
    if count > limits.MAX_VECTOR_OBJECTS:
        edges.clear()  # a drawing, not a table: finding cells in it would take minutes
    return count


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _path_edges(obj: Any, m: Matrix, height: float, width: float, edges: list[dict[str, Any]],
                pdfium_c: Any) -> None:
    """The axis-parallel straight segments of a path, as pdfplumber edges. A path covering
    the whole page is a background, not a ruling."""
    x, y = ctypes.c_float(), ctypes.c_float()
    points: list[tuple[float, float, int, bool]] = []
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
        px, py = _apply(m, x.value, y.value)
        points.append((px, height - py, pdfium_c.FPDFPathSegment_GetType(seg),
                       bool(pdfium_c.FPDFPathSegment_GetClose(seg))))
    if not points:
        return
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    if covers_page(max(xs) - min(xs), max(ys) - min(ys), width, height):
        return
    start = points[0]
    prev = points[0]
    for p in points[1:]:
        if p[2] == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = p
        elif p[2] == pdfium_c.FPDF_SEGMENT_LINETO:
            _edge(prev, p, edges, width, height)
        if p[3]:
            _edge(p, start, edges, width, height)
        prev = p


def _edge(p: tuple[float, float, int, bool], q: tuple[float, float, int, bool], edges: list[dict[str, Any]],
          width: float, height: float) -> None:
    x0, x1 = sorted((p[0], q[0]))
    top, bottom = sorted((p[1], q[1]))
    if x1 < 0 or x0 > width or bottom < 0 or top > height:
        return  # off the page
    if x1 - x0 < _AXIS and bottom - top >= _AXIS:
        edges.append({"object_type": "v_edge", "orientation": "v", "x0": x0, "x1": x0, "top": top,
                      "bottom": bottom, "width": 0.0, "height": bottom - top})
    elif bottom - top < _AXIS and x1 - x0 >= _AXIS:
        edges.append({"object_type": "h_edge", "orientation": "h", "x0": x0, "x1": x1, "top": top,
                      "bottom": top, "width": x1 - x0, "height": 0.0})
