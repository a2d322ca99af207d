"""Page images of stored PDFs, with the cells and words a finding or a claim is about boxed.

Rendering: pypdfium2 draws a page of the stored file (the corpus's own copy, never a client
path) to PNG once; the PNG is kept in ``data_dir/pages`` under the file's content hash and
the page number, and the folder is bounded (least recently used pages go first). PDFium is
not thread-safe, so renders and text searches take one lock.

Boxes: in PDF points with the origin at the top left (as the store keeps facts' x0, top, x1,
bottom). A table cell's box comes from the stored facts; a narrative statement has no stored
box, so its printed words (the finding's quote and values, the claim's printed amount) are
looked up in the page's text layer.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from yusuan.web.library import _file_sha256, _write_atomic

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, origin top left

SCALE = 2.0  # pixels per point: a page of A4 is about 1190 x 1684 pixels
DEFAULT_CACHE_BYTES = 256 * 1024 * 1024
MAX_BOXES = 40  # a value printed many times on a page is boxed this often at most
_PDFIUM = threading.Lock()
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


class NoPage(Exception):
    """The page cannot be shown; the message is Chinese and says why."""


@dataclass(frozen=True)
class PageImage:
    png: Path
    width: float  # page size in points
    height: float
    pages: int  # pages in the document


class PageImages:
    """Rendered pages on disk, at most ``max_bytes`` of them."""

    def __init__(self, cache_dir: Path, max_bytes: int = DEFAULT_CACHE_BYTES, scale: float = SCALE) -> None:
        self.dir = Path(cache_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self.scale = scale
        self._lock = threading.Lock()

    def get(self, pdf: Path, sha: str, page: int) -> PageImage:
        """The page's image, rendered now unless cached. ``NoPage`` for a missing page, a file
        that is not a readable PDF, or one whose content is no longer ``sha``."""
        target = self.dir / f"{sha}-{page}-{int(self.scale * 100)}.png"
        meta = target.with_suffix(".size")
        try:
            width, height, pages = (float(x) for x in meta.read_text().split())
            os.utime(target)  # recently used
            return PageImage(target, width, height, int(pages))
        except (OSError, ValueError):
            pass
        try:
            same = _file_sha256(pdf) == sha
        except OSError:
            raise NoPage("找不到该文件（入库后已被移走或删除）。请重新运行 `yusuan ingest` 更新语料库。") from None
        if not same:  # the page of another content must not be kept under this one's name
            raise NoPage("该文件在入库后已被修改，页面图像与语料库中的记录不再对应。"
                         "请重新运行 `yusuan ingest` 更新语料库。")
        width, height, pages = self._render(pdf, page, target)
        _write_atomic(meta, f"{width} {height} {pages}".encode())
        self._trim(keep=target)
        return PageImage(target, width, height, pages)

    def png_bytes(self, pdf: Path, sha: str, page: int) -> bytes:
        """The page's PNG (rendered again should another request's trim have just removed it)."""
        for _ in range(3):
            try:
                return self.get(pdf, sha, page).png.read_bytes()
            except FileNotFoundError:
                continue
        raise NoPage("页面图像暂时无法生成，请稍后刷新。")

    def _render(self, pdf: Path, page: int, target: Path) -> tuple[float, float, int]:
        import pypdfium2 as pdfium

        with _PDFIUM:
            try:
                doc = pdfium.PdfDocument(str(pdf))
            except (pdfium.PdfiumError, OSError):
                raise NoPage("无法打开该 PDF 文件（文件已移走、损坏或加密）。请重新入库该文件。") from None
            try:
                if not 1 <= page <= len(doc):
                    raise NoPage(f"该文件共 {len(doc)} 页，没有第 {page} 页。")
                pg = doc[page - 1]
                width, height = pg.get_size()
                image = pg.render(scale=self.scale).to_pil()
                pages = len(doc)
            finally:
                doc.close()
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".part-", suffix=".png")
        os.close(fd)
        try:
            image.save(tmp, format="PNG", optimize=False, compress_level=3)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return width, height, pages

    def _trim(self, keep: Path) -> None:
        """Drop the least recently used pages while the folder is over its bound (never the
        page just asked for)."""
        with self._lock:
            files = []
            for p in self.dir.glob("*.png"):
                try:
                    stat = p.stat()
                except FileNotFoundError:  # removed meanwhile
                    continue
                files.append((stat.st_mtime, stat.st_size, p))
            total = sum(size for _, size, _ in files)
            for _, size, p in sorted(files):
                if total <= self.max_bytes:
                    break
                if p == keep:
                    continue
                for gone in (p, p.with_suffix(".size")):
                    gone.unlink(missing_ok=True)
                total -= size


@contextmanager
def _text_layer(pdf: Path, page: int) -> Iterator[tuple[Any, float] | None]:
    """The page's text layer and height in points (None for an unreadable file or no such
    page), under the PDFium lock."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        try:
            doc = pdfium.PdfDocument(str(pdf))
        except (pdfium.PdfiumError, OSError):
            yield None
            return
        try:
            if not 1 <= page <= len(doc):
                yield None
                return
            pg = doc[page - 1]
            yield pg.get_textpage(), pg.get_size()[1]
        finally:
            doc.close()


def find_words(pdf: Path, page: int, needles: Iterable[str]) -> list[Box]:
    """Boxes of every occurrence of each printed string on the page (top-left origin). A
    number is also looked for with thousands separators (1234.5 -> 1,234.5)."""
    wanted = list(dict.fromkeys(v for n in needles for v in _variants(n)))
    boxes: list[Box] = []
    if not wanted:
        return boxes
    with _text_layer(pdf, page) as layer:
        if layer is None:
            return boxes
        text, height = layer
        for needle in wanted:
            search = text.search(needle, match_case=False)
            while (hit := search.get_next()) and len(boxes) < MAX_BOXES:
                # one box per line of the hit (a PDF that places each glyph alone gives a rect each)
                boxes += _lines([text.get_rect(k) for k in range(text.count_rects(*hit))], height)
    return boxes


def find_sentence(pdf: Path, page: int, text: str, min_chars: int = 8) -> list[Box]:
    """Boxes of the lines a sentence runs over on the page (one per line), found whatever its
    line breaks, spaces and full- or half-width punctuation; a quote cut short ("…") is boxed
    to the sentence's full stop. [] when its first ``min_chars`` characters are not on the
    page (a scanned page has no text layer)."""
    cut = text.rstrip().endswith(("…", "..."))
    needle = _squash(text.replace("…", " "))[:60]
    cut = cut or len(_squash(text)) > 60
    if len(needle) < min_chars:
        return []
    with _text_layer(pdf, page) as layer:
        if layer is None:
            return []
        textpage, height = layer
        chars = textpage.get_text_range()
        flat: list[tuple[str, int]] = [(c, i) for i, raw in enumerate(chars) for c in _squash(raw)]
        haystack = "".join(c for c, _ in flat)
        for size in range(len(needle), min_chars - 1, -4):  # the sentence may go on to the next page
            at = haystack.find(needle[:size])
            if at >= 0:
                span = [i for _, i in flat[at : at + size]]
                if cut:  # the quote stops short ("…"): the sentence runs on to its full stop
                    end = next((j for j in range(span[-1] + 1, min(len(chars), span[-1] + 300))
                                if chars[j] in "。；;"), span[-1])  # fmt: skip
                    span += range(span[-1] + 1, end)  # the stop itself may open the next line
                return _lines([textpage.get_charbox(i) for i in span], height)
    return []


def _squash(text: str) -> str:
    """Letters and digits only: spaces, line breaks and punctuation (full or half width,
    straight or curly quotes) differ between a PDF's text layer and the parsed text."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c)[0] in "LN")


def _lines(charboxes: Sequence[tuple[float, float, float, float]], height: float) -> list[Box]:
    """Character boxes (left, bottom, right, top; origin bottom left) merged line by line into
    boxes with the origin at the top left."""
    lines: list[list[float]] = []
    for left, bottom, right, top in charboxes:
        if right <= left:
            continue
        middle = (bottom + top) / 2
        if lines and lines[-1][1] - 1 <= middle <= lines[-1][3] + 1 and left >= lines[-1][2] - 2 * (top - bottom) - 1:
            line = lines[-1]  # on the same line, going on to the right (punctuation is shorter than text)
            line[1], line[2], line[3] = min(line[1], bottom), max(line[2], right), max(line[3], top)
        else:
            lines.append([left, bottom, right, top])
    return [(x0, height - top, x1, height - bottom) for x0, bottom, x1, top in lines]


def _variants(printed: str) -> list[str]:
    text = (printed or "").strip().lstrip("+")
    if len(text) < 2 and not text.isdigit():
        return []
    out = [text]
    if _NUMBER.fullmatch(text.lstrip("-")):
        out = [text.lstrip("-")]
        try:
            value = Decimal(text.lstrip("-"))
        except InvalidOperation:
            return out
        places = -value.as_tuple().exponent if isinstance(value.as_tuple().exponent, int) else 0
        grouped = f"{value:,.{max(places, 0)}f}"
        if grouped != out[0]:
            out.append(grouped)
        if len(out[0]) < 3:  # "12" alone would box every 12 on the page
            return []
    return out
