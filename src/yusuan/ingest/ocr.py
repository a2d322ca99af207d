"""OCR for PDF pages without a usable text layer (scans), offline with rapidocr.

The page is rendered (pypdfium2, bounded pixel count), recognised by rapidocr with the
ONNX models shipped inside its wheel (nothing is downloaded), and turned into the same
words the text-layer path uses, in PDF points. Ruling lines are found in the image with
morphology (OpenCV) and given to pdfplumber's table finder as explicit edges, so a scanned
table is rebuilt by the same code as a text-layer one: cells from the rulings, words
placed by where they start. A scan without rulings comes back as loose lines.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from yusuan.ingest import limits
from yusuan.ingest.pdf import Item, Word, group_rows, unruled_table
from yusuan.model import Diagnostic, Severity

# Diagnostics of a page that was not recognised at all (too large, OCR missing or failed).
NOT_RECOGNISED = frozenset({"I110", "I111", "I112", "I113"})


# rapidocr settings beside the model files; measured on real table pages rasterised at
# 150 dpi, every amount equal to the text layer's (benchmarks/speed.py, docs/ingest.md).
ENGINE_PARAMS: dict[str, Any] = {
    "Global.use_cls": False,  # budget tables are upright; the angle classifier only costs time
    "Global.log_level": "warning",
    # Text boxes are found on the page scaled to at most 960 px a side (A4: 1.1 px a point,
    # 9 pt digits 10 px high) instead of the full raster: the detector's buffers were most
    # of the peak memory. Recognition still reads each box from the full-resolution raster.
    "Det.limit_type": "max",
    "Det.limit_side_len": 960,
    # One thread: the worker's CPU limit counts every thread, and a batch runs one worker a
    # core; threads added CPU time (synchronisation) for little wall time on 2 cores.
    "EngineConfig.onnxruntime.intra_op_num_threads": 1,
    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    # Boxes recognised one at a time: a batch is padded to its widest box, and larger
    # batches (6, 16, 32) cost more time and memory than they saved.
    "Rec.rec_batch_num": 1,
    # Each box is scaled to 48 px high and padded to at least this width: rapidocr's 320
    # pads an amount ("1,234.56", about 4 heights wide) to twice its width, and the padding
    # is recognised too.
    "Rec.rec_img_shape": [3, 48, 64],
}


@lru_cache(maxsize=1)
def _engine() -> Any:
    import rapidocr
    from rapidocr import RapidOCR

    models = Path(rapidocr.__file__).parent / "models"
    return RapidOCR(params={
        **ENGINE_PARAMS,
        "Det.model_path": str(models / "PP-OCRv6_det_small.onnx"),
        "Rec.model_path": str(models / "PP-OCRv6_rec_small.onnx"),
        "Cls.model_path": str(models / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
    })


def render_scale(width_pt: float, height_pt: float, dpi: int = limits.OCR_DPI) -> float | None:
    """Pixels per point for the OCR raster, computed from the page size before anything is
    rendered: ``dpi``, less when the page would exceed ``MAX_OCR_PIXELS``; None when fitting
    it would leave less than ``MIN_OCR_DPI`` (a giant MediaBox: nothing legible at that size)."""
    scale = dpi / 72
    pixels = max(width_pt, 1.0) * max(height_pt, 1.0) * scale * scale
    if pixels > limits.MAX_OCR_PIXELS:
        scale *= math.sqrt(limits.MAX_OCR_PIXELS / pixels)
    return scale if scale * 72 >= limits.MIN_OCR_DPI else None


def ocr_words(image: Any, scale: float) -> list[Word]:
    """OCR an RGB image (numpy array); boxes converted to PDF points."""
    result = _engine()(image)
    words: list[Word] = []
    if result is None or result.boxes is None:
        return words
    for box, text, _score in zip(result.boxes, result.txts, result.scores, strict=False):
        if not str(text).strip():
            continue
        xs = [float(p[0]) / scale for p in box]
        ys = [float(p[1]) / scale for p in box]
        words.append(Word(str(text), min(xs), max(xs), min(ys), max(ys)))
    return words


def ruling_edges(gray: Any, scale: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Horizontal and vertical ruling lines of a scanned table, as pdfplumber edges (points)."""
    import cv2

    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 10)
    h, w = binary.shape
    out: list[list[dict[str, Any]]] = [[], []]
    for orient, kernel in (("h", (max(w // 40, 10), 1)), ("v", (1, max(h // 60, 10)))):
        mask = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for c in contours:
            x, y, cw, ch = cv2.boundingRect(c)
            x0, top, x1, bottom = x / scale, y / scale, (x + cw) / scale, (y + ch) / scale
            if orient == "h":
                mid = (top + bottom) / 2
                out[0].append({"object_type": "h_edge", "orientation": "h", "x0": x0, "x1": x1, "top": mid,
                               "bottom": mid, "width": x1 - x0, "height": 0.0})
            else:
                mid = (x0 + x1) / 2
                out[1].append({"object_type": "v_edge", "orientation": "v", "x0": mid, "x1": mid, "top": top,
                               "bottom": bottom, "width": 0.0, "height": bottom - top})
    return out[0], out[1]


def page_items(page: Any, words: list[Word], h_edges: list[dict[str, Any]],
               v_edges: list[dict[str, Any]]) -> list[Item]:
    """Items of a scanned page: tables from the detected rulings, other words as lines."""
    from yusuan.ingest.pdf import _table_rows, explicit_tables

    items: list[Item] = []
    used: set[int] = set()
    tolerances = {"snap_tolerance": 4, "join_tolerance": 4, "intersection_tolerance": 4}
    for table in explicit_tables(page, v_edges, h_edges, tolerances):
        rows = _table_rows(table, words, used, inset=4.0)
        if rows:
            items.append(Item(top=table.bbox[1], kind="table", rows=rows))
    rest = [w for i, w in enumerate(words) if i not in used]
    if not items:
        items, rest = unruled_table(rest)
    for row in group_rows(rest):
        items.append(Item(top=min(w.top for w in row), kind="text", words=row))
    items.sort(key=lambda it: it.top)
    return items


def ocr_pdf_page(data: bytes, page: Any, page_no: int, path: str | None
                 ) -> tuple[list[Item], tuple[Diagnostic, ...]]:
    """OCR one page of the PDF in ``data``; never raises for bad input."""
    name = path or "<输入>"
    for im in page.images:
        w, h = im.get("srcsize") or (0, 0)
        if w * h > limits.MAX_IMAGE_PIXELS:
            return [], (limits.diagnostic(
                "I110", f"{name} 第 {page_no} 页：图片过大（{w}×{h} 像素，上限 {limits.MAX_IMAGE_PIXELS:,} 像素），"
                "未做 OCR。请以较低分辨率（150-300 dpi）重新扫描后再处理。", path, Severity.WARNING, page_no),)
    scale = render_scale(page.width, page.height)
    if scale is None:
        cm = (page.width / 72 * 2.54, page.height / 72 * 2.54)
        return [], (limits.diagnostic(
            "I113", f"{name} 第 {page_no} 页：页面尺寸异常（{cm[0]:,.0f} × {cm[1]:,.0f} 厘米），"
            f"按 OCR 图像上限 {limits.MAX_OCR_PIXELS:,} 像素渲染后每英寸不足 {limits.MIN_OCR_DPI} 点，无法识别，"
            "未做 OCR。请用 PDF 阅读器检查该页的页面大小，或将该页另存为 A4/A3 后再处理。", path, Severity.WARNING,
            page_no),)
    try:
        import numpy as np
        import pypdfium2 as pdfium
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = limits.MAX_IMAGE_PIXELS
        document = pdfium.PdfDocument(data)
        try:
            pil = document[page_no - 1].render(scale=scale).to_pil().convert("RGB")
        finally:
            document.close()
        rgb = np.array(pil)
        words = ocr_words(rgb, scale)
        gray = np.array(pil.convert("L"))
        h_edges, v_edges = ruling_edges(gray, scale)
        return page_items(page, words, h_edges, v_edges), ()
    except ImportError as exc:
        return [], (limits.diagnostic(
            "I111", f"{name} 第 {page_no} 页：没有文字层，需要 OCR，但 OCR 组件未安装（{exc.name}）。"
            "请运行 pip install rapidocr onnxruntime 后重试。", path, Severity.WARNING, page_no),)
    except MemoryError:  # out of memory is the worker's limit, not a property of this page
        raise
    except Exception as exc:  # a broken image stream must not stop the document
        if "bad_alloc" in str(exc) or "allocate" in str(exc):  # onnxruntime ran out: the same limit
            raise MemoryError(str(exc)) from exc
        return [], (limits.diagnostic(
            "I112", f"{name} 第 {page_no} 页：OCR 失败（{type(exc).__name__}），该页内容未读取。"
            "请用 PDF 阅读器核对该页。", path, Severity.WARNING, page_no),)
