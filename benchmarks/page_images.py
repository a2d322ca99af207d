"""Page-image latency (printed, not asserted): a PDF page rendered by pypdfium2 to PNG the
first time it is asked for (the file's hash checked first), then served from the disk cache;
and the text-layer searches that box a narrative finding's sentence and printed words.

    .venv/bin/python benchmarks/page_images.py [--pages 10]

Pages are taken spread over every real PDF in tests/fixtures/real (text and scanned).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from yusuan.store.extract import file_sha256
from yusuan.web.pages import PageImages, find_sentence, find_words

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "real"


def pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def summary(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    median = statistics.median(ms)
    return f"{name:<28} n={len(ms):<4} median {median:8.2f} ms   p95 {p95:8.2f} ms   max {ms[-1]:8.2f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=6, help="pages per PDF")
    args = ap.parse_args()
    pdfs = sorted(REAL.glob("*.pdf"))
    first: list[float] = []
    cached: list[float] = []
    cached_bytes: list[float] = []
    search: list[float] = []
    sizes: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        images = PageImages(Path(tmp) / "pages")
        for pdf in pdfs:
            n = pdf_pages(pdf)
            picks = sorted({1 + (k * n) // args.pages for k in range(args.pages)})
            sha = file_sha256(pdf)
            for page in picks:
                t0 = time.perf_counter()
                image = images.get(pdf, sha, page)
                first.append(time.perf_counter() - t0)
                sizes.append(image.png.stat().st_size)
                t0 = time.perf_counter()
                images.get(pdf, sha, page)
                cached.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                images.png_bytes(pdf, sha, page)
                cached_bytes.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                find_words(pdf, page, ["合计", "1,234.56"])
                find_sentence(pdf, page, "本年支出预算比上年增加的主要原因是人员经费增加")
                search.append(time.perf_counter() - t0)
    print(f"{len(first)} pages of {len(pdfs)} PDFs, rendered at {images.scale:g} px/pt; "
          f"PNG median {statistics.median(sizes) / 1024:.0f} KiB")
    print(summary("first render (to PNG)", first))
    print(summary("cached (lookup)", cached))
    print(summary("cached (PNG bytes)", cached_bytes))
    print(summary("text searches for boxes", search))


if __name__ == "__main__":
    main()
