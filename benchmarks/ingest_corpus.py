"""Corpus store benchmark: ingest throughput and latency of the compare queries.

    .venv/bin/python benchmarks/ingest_corpus.py [--files 1000] [--workers N] [--no-check]
                                                 [--pdf-dir DIR] [--no-pdf]

Builds a corpus of N files (copies of the seed texts and of the real PDFs in
tests/fixtures/real, or of any folder given with --pdf-dir, under varied names, spread over
folders) in a temporary directory, ingests it into a fresh DuckDB file on all cores, re-runs the ingest
(nothing to do), then times every ``yusuan compare`` question on the resulting database.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from yusuan.store import QUESTIONS, compare, ingest, open_store

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


def build_corpus(root: Path, n: int, sources: list[Path]) -> dict[str, int]:
    """N copies cycling through the sources; returns how many of each suffix."""
    made: dict[str, int] = {}
    for i in range(n):
        src = sources[i % len(sources)]
        folder = root / f"region{i % 17:02d}" / f"batch{i // 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, folder / f"unit{i:05d}_{src.stem}{src.suffix}")
        made[src.suffix] = made.get(src.suffix, 0) + 1
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-check", action="store_true", help="skip the audit (parse and store only)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per compare query")
    parser.add_argument("--pdf-dir", type=Path, default=FIXTURES / "real", help="real PDFs to replicate")
    parser.add_argument("--no-pdf", action="store_true", help="seed texts only")
    args = parser.parse_args()
    sources = SEEDS + ([] if args.no_pdf else sorted(args.pdf_dir.glob("*.pdf")))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        made = build_corpus(root, args.files, sources)
        db = Path(tmp) / "corpus.duckdb"
        con = open_store(db)
        t0 = time.perf_counter()
        summary = ingest(con, [str(root)], workers=args.workers, check=not args.no_check)
        seconds = time.perf_counter() - t0
        facts = con.execute("SELECT count(*) FROM facts").fetchone()[0]  # type: ignore[index]
        findings = con.execute("SELECT count(*) FROM findings").fetchone()[0]  # type: ignore[index]
        t0 = time.perf_counter()
        again = ingest(con, [str(root)], workers=args.workers)
        rerun = time.perf_counter() - t0
        con.close()
        size_mib = db.stat().st_size / 2**20
        mix = ", ".join(f"{count} {suffix}" for suffix, count in sorted(made.items()))
        print(f"files: {args.files} ({mix}, from {len(sources)} sources)  workers: {args.workers}  "
              f"audit: {'off' if args.no_check else 'on'}")
        print(f"ingest: {summary.new} new, {summary.failed} failed in {seconds:.1f} s "
              f"= {summary.new / seconds * 60:.0f} documents/minute")  # fmt: skip
        print(f"stored: {facts} facts, {findings} findings; database {size_mib:.1f} MiB")
        print(f"re-run on unchanged files: {again.unchanged} skipped, {again.new} new in {rerun:.2f} s")
        con = open_store(db, read_only=True)
        print(f"{'compare --what':<16}{'rows':>8}{'median ms':>11}{'max ms':>9}")
        for key in QUESTIONS:
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                result = compare(con, key)
                times.append((time.perf_counter() - t0) * 1000)
            print(f"{key:<16}{len(result.rows):>8}{statistics.median(times):>11.1f}{max(times):>9.1f}")
        con.close()


if __name__ == "__main__":
    main()
