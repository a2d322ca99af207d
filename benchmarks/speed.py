"""Every speed figure of issue 16 in one run (CPU seconds unless said; the box is shared, so
CPU time is the figure to compare, wall time is printed beside it).

    PYTHONPATH=src .venv/bin/python benchmarks/speed.py [--repeat 3] [--ocr-pages 2] [--ingest-files 60]
                                                        [--skip startup,docs,ocr,ingest]

1. start-up: ``yusuan --help`` and ``yusuan check`` of a seed as fresh processes (CPU of the
   whole process tree: the CLI, the forkserver and its worker), median of interleaved runs, and
   the top ``python -X importtime`` entries of ``import yusuan.cli``;
2. per document (every seed and shared real PDF): parse CPU in this process beside PDFium's
   plain text extraction of the same pages (the floor), pages per CPU-second, ratio to the floor;
3. OCR: real pages rasterised at 150 dpi, OCR'd in a fresh process: CPU s/page, wall s/page,
   peak RSS, and whether every amount equals the text layer's;
4. ingest: ``yusuan ingest`` of copies of the real PDFs and seeds on 2 workers: documents per
   minute (wall) and CPU per document.

Targets: help <= 0.15 s, check of a seed <= 0.35 s; seeds <= 50 ms; PDFs >= 150 pages/CPU-s
(<= 3x PDFium); OCR <= 2 s/page and <= 500 MiB; ingest >= 300 documents/minute.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
PDFS = sorted((FIXTURES / "real").glob("*.pdf"))
OCR_PAGES = [(FIXTURES / "real" / "108_sh-putuo-zfbgs-2025-danwei-yusuan.pdf", 14),
             (FIXTURES / "real" / "116_js-rendabgt-2017-bumen-yusuan.pdf", 16)]
_PR_SET_CHILD_SUBREAPER = 36
# Child processes as an installed yusuan runs: with compiled bytecode (kept outside the tree),
# whatever PYTHONDONTWRITEBYTECODE says here.
_PYCACHE = Path(tempfile.gettempdir()) / f"yusuan-bench-pycache-{zlib.crc32(str(ROOT).encode()):x}"
_ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONPATH": str(ROOT / "src"),
        "PYTHONPYCACHEPREFIX": str(_PYCACHE)}


def _tree_run(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, float]:
    """Run ``cmd``; (wall s, CPU s of it and every descendant, peak RSS MiB of the largest).
    This process is a subreaper, so workers orphaned by their forkserver are reaped (and
    counted) here."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=_ENV)
    wall = time.perf_counter() - t0
    while True:  # the orphans: forkserver, workers
        try:
            os.wait()
        except ChildProcessError:
            break
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024


def startup(repeat: int) -> None:
    ctypes.CDLL(None).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    cli = [sys.executable, "-m", "yusuan.cli"]
    cases = {"yusuan --help": [*cli, "--help"], f"yusuan check {SEEDS[0].name}": [*cli, "check", str(SEEDS[0])],
             f"yusuan check {PDFS[0].name[:24]}": [*cli, "check", str(PDFS[0])]}
    runs: dict[str, list[tuple[float, float, float]]] = {k: [] for k in cases}
    for cmd in cases.values():  # compile the bytecode
        _tree_run(cmd)
    for _ in range(repeat):  # interleaved: a load spike hits every case alike
        for name, cmd in cases.items():
            runs[name].append(_tree_run(cmd))
    print("== start-up (fresh process; CPU of the whole process tree; median of", repeat, "runs)")
    print(f"{'command':<48}{'CPU s':>8}{'wall s':>8}{'max RSS MiB':>13}")
    for name, rs in runs.items():
        print(f"{name:<48}{statistics.median(r[1] for r in rs):>8.3f}{statistics.median(r[0] for r in rs):>8.3f}"
              f"{max(r[2] for r in rs):>13.0f}")
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import yusuan.cli"], capture_output=True,
                         text=True, env=_ENV).stderr
    rows = []
    for line in out.splitlines()[1:]:
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    total = max((us for us, _ in rows), default=0)
    print(f"import yusuan.cli: {total / 1000:.0f} ms cumulative; top entries (cumulative ms):")
    for us, name in sorted(rows, reverse=True)[1:9]:
        print(f"   {us / 1000:>7.1f}  {name.strip()}")


def _pdfium_floor(path: Path) -> float:
    """CPU seconds of PDFium opening the file and extracting every page's plain text."""
    import pypdfium2 as pdfium

    t0 = time.process_time()
    doc = pdfium.PdfDocument(str(path))
    for page in doc:
        page.get_textpage().get_text_range()
    doc.close()
    return time.process_time() - t0


def documents(repeat: int) -> None:
    from yusuan.api import parse
    from yusuan.ingest import load
    from yusuan.parsing import inference
    from yusuan.text import normalize, squash

    parse(SEEDS[0])  # warm: imports, code lists, compiled patterns
    parse(PDFS[0])
    print(f"== per document (in process, min of {repeat} interleaved runs)")
    print(f"{'document':<46}{'pages':>6}{'parse ms':>10}{'PDFium ms':>11}{'x floor':>9}{'pages/CPU-s':>13}{'facts':>7}")
    total_pages = total_cpu = total_floor = 0.0
    for path in SEEDS + PDFS:
        best = floor = float("inf")
        for _ in range(repeat):
            normalize.cache_clear()  # a repeat must not profit from the last run's memos
            squash.cache_clear()
            if hasattr(inference, "_all_candidates_of"):
                inference._all_candidates_of.cache_clear()
            if path.suffix == ".pdf":
                floor = min(floor, _pdfium_floor(path))
            t0 = time.process_time()
            disclosure, _ = parse(path)
            best = min(best, time.process_time() - t0)
        assert disclosure is not None
        facts = sum(len(r.values) for t in disclosure.tables for r in t.rows)
        if path.suffix == ".pdf":
            doc, _ = load(path)
            pages = doc.pages if doc is not None else 0
            total_pages, total_cpu, total_floor = total_pages + pages, total_cpu + best, total_floor + floor
            print(f"{path.name[:44]:<46}{pages:>6}{best * 1000:>10.0f}{floor * 1000:>11.0f}{best / floor:>9.1f}"
                  f"{pages / best:>13.0f}{facts:>7}")
        else:
            print(f"{path.name[:44]:<46}{'':>6}{best * 1000:>10.1f}{'':>11}{'':>9}{'':>13}{facts:>7}")
    print(f"real PDFs: {total_pages:.0f} pages in {total_cpu:.2f} CPU-s = {total_pages / total_cpu:.0f} pages/CPU-s; "
          f"PDFium floor {total_floor:.2f} s ({total_pages / total_floor:.0f} pages/s); "
          f"{total_cpu / total_floor:.1f}x the floor")


_OCR_CHILD = """
import io, resource, sys, time
import pypdfium2 as pdfium
from yusuan.ingest import load, load_bytes
from yusuan.text import parse_amount
pages = [(p, int(n)) for p, n in (a.split(':') for a in sys.argv[1:])]
images = []
for path, page in pages:
    d = pdfium.PdfDocument(path)
    images.append(d[page - 1].render(scale=150 / 72).to_pil().convert('L'))
    d.close()
buf = io.BytesIO()
images[0].save(buf, 'PDF', resolution=150.0, save_all=True, append_images=images[1:])
t0, w0 = time.process_time(), time.perf_counter()
doc, _ = load_bytes(buf.getvalue(), path='scan.pdf')
cpu, wall = time.process_time() - t0, time.perf_counter() - w0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
def amounts(lines, page):
    return [(i, c) for x in lines if x.grid and x.source.page == page for i, c in enumerate(x.cells)
            if parse_amount(c) is not None and (',' in c or '.' in c)]
same = total = 0
for i, (path, page) in enumerate(pages):
    truth = amounts(load(path)[0].lines, page)
    total += len(truth)
    same += amounts(doc.lines, i + 1) == truth and len(truth)
print(f'{cpu / len(pages):.2f} {wall / len(pages):.2f} {rss:.0f} {same} {total}')
"""


def ocr(n_pages: int) -> None:
    pages = (OCR_PAGES * n_pages)[:n_pages]
    out = subprocess.run([sys.executable, "-c", _OCR_CHILD, *(f"{p}:{n}" for p, n in pages)], capture_output=True,
                         text=True, env=_ENV)
    if out.returncode != 0:
        print("== OCR failed:", out.stderr[-2000:])
        return
    cpu, wall, rss, same, total = out.stdout.split()[-5:]
    print(f"== OCR ({n_pages} real pages rasterised at 150 dpi, fresh process, {os.cpu_count()} cores)")
    print(f"CPU {cpu} s/page, wall {wall} s/page, peak RSS {rss} MiB; amounts equal to the text layer: "
          f"{same} of {total} (pages whose every amount matches count all theirs)")


def ingest(n_files: int) -> None:
    sources = PDFS + SEEDS
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for i in range(n_files):
            src = sources[i % len(sources)]
            shutil.copyfile(src, corpus / f"u{i:04d}_{src.name}")
        wall, cpu, _ = _tree_run([sys.executable, "-m", "yusuan.cli", "ingest", "--db", str(Path(tmp) / "c.duckdb"),
                                  "-j", "2", str(corpus)])
    print(f"== ingest ({n_files} files: copies of {len(PDFS)} real PDFs and {len(SEEDS)} seeds, 2 workers, audit on)")
    print(f"{n_files / wall * 60:.0f} documents/minute (wall {wall:.1f} s); CPU {cpu / n_files:.2f} s per document "
          f"= {2 * 60 * n_files / cpu:.0f} documents/minute on 2 idle cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ocr-pages", type=int, default=2)
    parser.add_argument("--ingest-files", type=int, default=60)
    parser.add_argument("--skip", default="", help="comma-separated: startup, docs, ocr, ingest")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    if "startup" not in skip:
        startup(max(args.repeat, 5))
    if "docs" not in skip:
        documents(args.repeat)
    if "ocr" not in skip and args.ocr_pages > 0:
        ocr(args.ocr_pages)
    if "ingest" not in skip and args.ingest_files > 0:
        ingest(args.ingest_files)


if __name__ == "__main__":
    main()
