"""Page geometry read with PDFium (C): words, ruling edges and images of one page.

pdfminer interprets a page's content stream in Python and took about 80 % of the time of
reading a table PDF; PDFium reads the same page several times faster. This module gives
what the table reader needs — words with boxes, the axis-parallel segments of every path
(the rulings pdfplumber's table finder turns into cells) and the share of the page
covered by images — in pdfplumber's coordinates (origin top-left, y down), so the rest of
``yusuan.ingest.pdf`` is unchanged.

A page shown turned (/Rotate 90, 180, 270: landscape tables) is read here too, its boxes
turned as pdfminer turns them. Pages this reader does not model (a crop box away from the
origin, or a turned page cropped inside its media box) return None: the caller reads them
with pdfplumber instead.
"""

from __future__ import annotations

import ctypes
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from yusuan.ingest import limits

# Word splitting as pdfplumber's extract_words(x_tolerance=1.5, y_tolerance=2).
X_TOLERANCE = 1.5
Y_TOLERANCE = 2.0
_AXIS = 0.01  # a segment whose ends differ less than this in x (y) is vertical (horizontal)


class Char(NamedTuple):  # a tuple: a page makes thousands
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


Turn = Callable[[float, float], tuple[float, float]]


def _turn(rotation: int, width: float, height: float) -> Turn | None:
    """For a page shown turned by ``rotation`` degrees: a point (x, top) of the unturned page
    (top measured down from its upper edge) -> where pdfplumber places it (pdfminer's
    rotation matrices). None for an upright page: its points stay as they are."""
    if rotation == 90:
        return lambda x, t: (height - t, x)
    if rotation == 180:
        return lambda x, t: (width - x, height - t)
    if rotation == 270:
        return lambda x, t: (t, width - x)
    return None


def read_page(page: Any) -> PageGeometry | None:
    """Geometry of a ``pypdfium2.PdfPage``, or None for a page to read another way."""
    import pypdfium2.raw as pdfium_c

    rotation = page.get_rotation() % 360
    left, bottom, right, top = page.get_cropbox()
    m_left, m_bottom, _, _ = page.get_mediabox()
    if (left, bottom) != (0, 0) or (m_left, m_bottom) != (0, 0):
        return None
    if rotation and tuple(page.get_cropbox()) != tuple(page.get_mediabox()):
        return None  # pdfminer turns the media box: a crop box inside it is not modelled
    width, height = right - left, top - bottom
    turn = _turn(rotation, width, height)
    shown = (height, width) if rotation in (90, 270) else (width, height)  # as the page is displayed
    chars, garbled = _chars(page, height, turn, pdfium_c)
    edges: list[dict[str, Any]] = []
    images: list[tuple[float, float, float, float]] = []
    paths = _walk(page, height, shown, turn, edges, images, pdfium_c)
    width, height = shown
    area = 0.0
    for x0, y0, x1, y1 in images:
        area += max(0.0, min(x1, width) - max(x0, 0)) * max(0.0, min(y1, height) - max(y0, 0))
    return PageGeometry(width, height, len(chars) - sum(1 for c in chars if not c.text.strip()), garbled,
                        words(chars), edges, paths, area / max(width * height, 1.0))


def _box(turn: Turn, x0: float, top: float, x1: float, bottom: float) -> tuple[float, float, float, float]:
    """A box of the unturned page as pdfplumber places it: (x0, top, x1, bottom)."""
    (ax, at), (bx, bt) = turn(x0, top), turn(x1, bottom)
    return min(ax, bx), min(at, bt), max(ax, bx), max(at, bt)


def _chars(page: Any, height: float, turn: Turn | None, pdfium_c: Any) -> tuple[list[Char], int]:
    textpage = page.get_textpage()
    handle = textpage.raw
    out: list[Char] = []
    garbled = 0
    rect = pdfium_c.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    is_generated, char_box = pdfium_c.FPDFText_IsGenerated, pdfium_c.FPDFText_GetLooseCharBox
    n = min(pdfium_c.FPDFText_CountChars(handle), limits.MAX_CHARS_PER_PAGE + 1)
    for i, code in enumerate(_codes(handle, n, pdfium_c)):
        # PDFium generates only blanks and line breaks: ask about those alone
        if code <= 0x20 and is_generated(handle, i):
            continue  # a space or line break PDFium inferred, not printed
        if code in (0, 0xFFFD, 0xFFFE):
            garbled += 1
            continue
        if code in (0x0A, 0x0D) or not char_box(handle, i, rect_ref):
            continue
        if turn is None:
            out.append(Char(chr(code), rect.left, rect.right, height - rect.top, height - rect.bottom))
        else:
            x0, top, x1, bottom = _box(turn, rect.left, height - rect.top, rect.right, height - rect.bottom)
            out.append(Char(chr(code), x0, x1, top, bottom))
    textpage.close()
    return out, garbled


def _codes(handle: Any, n: int, pdfium_c: Any) -> list[int]:
    """The Unicode value of each of the first ``n`` characters: one call for the page's text,
    or one per character where the text has characters outside the BMP (UTF-16 pairs)."""
    if n <= 0:
        return []
    buffer = (ctypes.c_uint16 * (n + 1))()
    written = pdfium_c.FPDFText_GetText(handle, 0, n, buffer)
    codes = list(buffer[:n])
    if written != n + 1 or any(0xD800 <= c <= 0xDFFF for c in codes):
        get = pdfium_c.FPDFText_GetUnicode
        codes = [get(handle, i) for i in range(n)]
    return codes


def words(chars: list[Char]) -> list[tuple[str, float, float, float, float]]:
    """Chars into words: lines by ``top`` within Y_TOLERANCE, then split at blanks and at
    gaps wider than X_TOLERANCE (what pdfplumber's word extractor does)."""
    out: list[tuple[str, float, float, float, float]] = []
    lines: list[list[Char]] = []
    last_top: float | None = None
    for c in sorted(chars, key=_top):
        if last_top is None or c.top > last_top + Y_TOLERANCE:
            lines.append([])
        lines[-1].append(c)
        last_top = c.top
    for line in lines:
        current: list[Char] = []
        for c in sorted(line, key=_x0):
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


_top = operator.attrgetter("top")
_x0 = operator.attrgetter("x0")


def _flush(current: list[Char], out: list[tuple[str, float, float, float, float]]) -> None:
    if current:
        texts, x0s, x1s, tops, bottoms = zip(*current, strict=True)
        out.append(("".join(texts), min(x0s), max(x1s), min(tops), max(bottoms)))


def covers_page(w: float, h: float, width: float, height: float) -> bool:
    """A shape this large is the page's background, not a ruling."""
    return w > 0.9 * width and h > 0.9 * height


Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _walk(page: Any, height: float, shown: tuple[float, float], turn: Turn | None, edges: list[dict[str, Any]],
          images: list[tuple[float, float, float, float]], pdfium_c: Any) -> int:
    """Collect the edges of every path and the boxes of every image, forms included, where
    pdfplumber places them on the page as shown (``shown``: its width and height).
    Returns the number of paths (a page of thousands is a drawing, not a table)."""
    count = 0
    stack: list[tuple[Any, bool, Matrix]] = [(page.raw, True, _IDENTITY)]
    matrix = pdfium_c.FS_MATRIX()
    matrix_ref = ctypes.byref(matrix)
    wanted = (pdfium_c.FPDF_PAGEOBJ_FORM, pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE)
    while stack:
        holder, is_page, outer = stack.pop()
        n = pdfium_c.FPDFPage_CountObjects(holder) if is_page else pdfium_c.FPDFFormObj_CountObjects(holder)
        for i in range(n):
            obj = pdfium_c.FPDFPage_GetObject(holder, i) if is_page else pdfium_c.FPDFFormObj_GetObject(holder, i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind not in wanted:
                continue  # text (most objects): its characters come from the text page
            pdfium_c.FPDFPageObj_GetMatrix(obj, matrix_ref)
            own: Matrix = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                stack.append((obj, False, _compose(own, outer)))
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                count += 1
                if count <= limits.MAX_VECTOR_OBJECTS:
                    _path_edges(obj, _compose(own, outer), height, shown, turn, edges, pdfium_c)
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                # An image is the unit square mapped by its matrix.
                m = _compose(own, outer)
                xs, ys = zip(*(_apply(m, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))), strict=True)
                box = (min(xs), height - max(ys), max(xs), height - min(ys))
                images.append(box if turn is None else _box(turn, *box))
    if count > limits.MAX_VECTOR_OBJECTS:
        edges.clear()  # a drawing, not a table: finding cells in it would take minutes
    return count


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _path_edges(obj: Any, m: Matrix, height: float, shown: tuple[float, float], turn: Turn | None,
                edges: list[dict[str, Any]], pdfium_c: Any) -> None:
    """The axis-parallel straight segments of a path, as pdfplumber edges. A path covering
    the whole page is a background, not a ruling."""
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    segment, point = pdfium_c.FPDFPath_GetPathSegment, pdfium_c.FPDFPathSegment_GetPoint
    seg_type, seg_close = pdfium_c.FPDFPathSegment_GetType, pdfium_c.FPDFPathSegment_GetClose
    a, b, c, d, e, f = m
    moveto = pdfium_c.FPDF_SEGMENT_MOVETO
    points: list[tuple[float, float, int, bool]] = []
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = segment(obj, k)
        point(seg, x_ref, y_ref)
        px, py = x.value, y.value
        kind = seg_type(seg)
        # A move that closes closes onto itself (no edge): its flag is not asked for.
        points.append((a * px + c * py + e, height - (b * px + d * py + f), kind,
                       kind != moveto and bool(seg_close(seg))))
    if not points:
        return
    if turn is not None:
        points = [(*turn(x0, t0), kind, closed) for x0, t0, kind, closed in points]
    width, height = shown
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
    x0, x1 = (p[0], q[0]) if p[0] <= q[0] else (q[0], p[0])
    top, bottom = (p[1], q[1]) if p[1] <= q[1] else (q[1], p[1])
    if x1 < 0 or x0 > width or bottom < 0 or top > height:
        return  # off the page
    if x1 - x0 < _AXIS and bottom - top >= _AXIS:
        edges.append({"object_type": "v_edge", "orientation": "v", "x0": x0, "x1": x0, "top": top,
                      "bottom": bottom, "width": 0.0, "height": bottom - top})
    elif bottom - top < _AXIS and x1 - x0 >= _AXIS:
        edges.append({"object_type": "h_edge", "orientation": "h", "x0": x0, "x1": x1, "top": top,
                      "bottom": top, "width": x1 - x0, "height": 0.0})
