"""PDF ingest speed and memory: pages/second on text-layer PDFs, seconds/page for OCR.

    .venv/bin/python benchmarks/ingest_pdf.py [--dir /work/shared/corpus/real] [--ocr-pages 2]

Each document is timed once warm (pdfplumber imported, regexes compiled); the figures are
wall-clock on this machine. Python-level peak memory comes from tracemalloc; process peak
RSS (which includes pdfium, OpenCV and onnxruntime buffers) from getrusage.
"""

from __future__ import annotations

import argparse
import io
import resource
import time
import tracemalloc
from pathlib import Path

from yusuan.ingest import load, load_bytes

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIRS = [ROOT / "tests" / "fixtures" / "real"]


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def text_pdfs(paths: list[Path]) -> None:
    print(f"{'document':<52}{'pages':>6}{'lines':>7}{'grid':>6}{'seconds':>9}{'pages/s':>9}{'py peak MiB':>12}")
    total_pages, total_s = 0, 0.0
    load(paths[0])  # warm up imports
    for path in paths:
        t0 = time.perf_counter()
        doc, _ = load(path)
        dt = time.perf_counter() - t0
        # Python-level peak in a second, untimed pass (tracemalloc slows reading 2-3x)
        tracemalloc.start()
        load(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert doc is not None and doc.pages
        total_pages += doc.pages
        total_s += dt
        grid = sum(1 for x in doc.lines if x.grid)
        print(f"{path.name[:50]:<52}{doc.pages:>6}{len(doc.lines):>7}{grid:>6}{dt:>9.2f}{doc.pages / dt:>9.1f}"
              f"{peak / 2**20:>12.1f}")
    print(f"text-layer total: {total_pages} pages in {total_s:.2f} s = {total_pages / total_s:.1f} pages/s; "
          f"process peak RSS {_rss_mib():.0f} MiB")


def scanned(path: Path, n_pages: int) -> None:
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(path))
    # Table pages are the hard case; take them from the middle of the document.
    start = max(0, len(src) // 2 - n_pages // 2)
    pages = list(range(start, min(start + n_pages, len(src))))
    images = [src[i].render(scale=150 / 72).to_pil().convert("L") for i in pages]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=150.0, save_all=True, append_images=images[1:])
    t0 = time.perf_counter()
    doc, _ = load_bytes(buf.getvalue(), path=f"scan-of-{path.name}")
    dt = time.perf_counter() - t0
    assert doc is not None
    grid = sum(1 for x in doc.lines if x.grid)
    print(f"OCR: {len(pages)} scanned pages (150 dpi) of {path.name}: {dt:.1f} s = {dt / len(pages):.1f} s/page, "
          f"{grid} grid lines; process peak RSS {_rss_mib():.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=next((d for d in DEFAULT_DIRS if d.exists()), DEFAULT_DIRS[-1]))
    parser.add_argument("--ocr-pages", type=int, default=2)
    args = parser.parse_args()
    paths = sorted(args.dir.glob("*.pdf"))
    if not paths:
        raise SystemExit(f"no PDFs in {args.dir}")
    text_pdfs(paths)
    if args.ocr_pages > 0:
        scanned(paths[0], args.ocr_pages)


if __name__ == "__main__":
    main()
