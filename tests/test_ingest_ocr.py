"""Scanned pages: OCR'd tables must agree with the text-layer parse of the same pages.

The scanned fixture is made at run time: real pages rasterised at 150 dpi (as pdftoppm
-r 150 would) and wrapped into an image-only PDF with Pillow.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from yusuan.ingest import load, load_bytes
from yusuan.text import parse_amount

pdfium = pytest.importorskip("pypdfium2")
pytest.importorskip("rapidocr")
pytest.importorskip("cv2")

pytestmark = pytest.mark.slow  # about 7-15 s of OCR per page on 2 cores

PDF_DIR = Path(__file__).parent / "fixtures" / "real"
PAGES = [(PDF_DIR / "108_sh-putuo-zfbgs-2025-danwei-yusuan.pdf", 14),  # Shanghai, 元, 类/款/项 split codes
         (PDF_DIR / "116_js-rendabgt-2017-bumen-yusuan.pdf", 16)]  # Jiangsu, 万元, 7-digit codes


def _scan(pages: list[tuple[Path, int]]) -> bytes:
    images = []
    for path, page in pages:
        doc = pdfium.PdfDocument(str(path))
        images.append(doc[page - 1].render(scale=150 / 72).to_pil().convert("L"))
        doc.close()
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=150.0, save_all=True, append_images=images[1:])
    return buf.getvalue()


def _unruled_scan(path: Path, page: int) -> bytes:
    """A scan of a real table page with its ruling lines erased (an unruled table)."""
    cv2 = pytest.importorskip("cv2")
    np = pytest.importorskip("numpy")
    from PIL import Image

    doc = pdfium.PdfDocument(str(path))
    img = np.array(doc[page - 1].render(scale=150 / 72).to_pil().convert("L"))
    doc.close()
    binary = cv2.adaptiveThreshold(img, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 10)
    h, w = binary.shape
    # kernels far longer than any character stroke: only the rulings match
    lines = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (w // 15, 1)))
    lines |= cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, h // 25)))
    img[cv2.dilate(lines, np.ones((3, 3), np.uint8)) > 0] = 255
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "PDF", resolution=150.0)
    return buf.getvalue()


def _rows(lines, page: int) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    return [x.cells for x in lines if x.grid and x.source.page == page]


def _numbers(rows: list[tuple[str, ...]]) -> list[tuple[int, str]]:
    return [(i, c) for r in rows for i, c in enumerate(r) if parse_amount(c) is not None and ("," in c or "." in c)]


@pytest.fixture(scope="module")
def scanned():  # type: ignore[no-untyped-def]
    doc, diags = load_bytes(_scan(PAGES), path="scan.pdf")
    assert doc is not None
    return doc, diags


def test_scanned_pages_are_ocrd_and_reported(scanned) -> None:  # type: ignore[no-untyped-def]
    doc, diags = scanned
    assert doc.format == "pdf-ocr"
    assert [d.code for d in diags] == ["I107"] and "OCR" in diags[0].message


@pytest.mark.parametrize("index", [0, 1])
def test_ocr_table_agrees_with_text_layer(scanned, index: int) -> None:  # type: ignore[no-untyped-def]
    doc, _ = scanned
    path, page = PAGES[index]
    text_doc, _ = load(path)
    assert text_doc is not None
    truth = _rows(text_doc.lines, page)
    got = _rows(doc.lines, index + 1)
    # every amount, in the same column, in the same order
    assert len(_numbers(truth)) >= 12
    assert _numbers(got) == _numbers(truth)
    # codes and names: cell-for-cell agreement on at least 95% of the filled cells
    same = sum(1 for a, b in zip(got, truth, strict=False) for x, y in zip(a, b, strict=False) if x == y and x)
    filled = sum(1 for r in truth for c in r if c)
    assert len(got) == len(truth)
    assert same / filled >= 0.95


def test_unruled_scan_columns_from_box_positions() -> None:
    path, page = PAGES[0]
    doc, _ = load_bytes(_unruled_scan(path, page), path="unruled.pdf")
    assert doc is not None and doc.format == "pdf-ocr"
    text_doc, _ = load(path)
    assert text_doc is not None
    truth = [r[-3:] for r in _rows(text_doc.lines, page) if _numbers([r])]
    got = [r[-3:] for r in _rows(doc.lines, 1) if _numbers([r])]
    # amounts and blank cells of the three amount columns, row for row
    assert len(truth) >= 12 and got == truth
