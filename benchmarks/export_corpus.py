"""Export benchmark: time and size of ``yusuan export`` (Parquet, CSV, findings xlsx) on a corpus.

    .venv/bin/python benchmarks/export_corpus.py [--files 100] [--workers N]

Builds a corpus of N copies of the seed texts (``ingest_corpus.build_corpus``), ingests it with
the audit on, then exports it in each format and prints the seconds, rows and bytes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_corpus import SEEDS, build_corpus

from yusuan.store import ingest, open_store
from yusuan.store.export import export, write_findings_workbook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build_corpus(root / "in", args.files, SEEDS)
        con = open_store(root / "c.duckdb")
        t0 = time.perf_counter()
        summary = ingest(con, [str(root / "in")], workers=args.workers)
        print(f"ingest: {summary.new} files in {time.perf_counter() - t0:.1f} s")
        counts = {t: con.execute(f"SELECT count(*) FROM latest_{t}").fetchall()[0][0]
                  for t in ("facts", "claims", "findings")}
        print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        for fmt in ("parquet", "csv"):
            out = root / f"out-{fmt}"
            t0 = time.perf_counter()
            export(con, out, (fmt,))
            size = sum(p.stat().st_size for p in out.iterdir())
            print(f"export {fmt:<8} {time.perf_counter() - t0:6.2f} s  {size / 1e6:7.2f} MB")
        for layout in ("long", "per-document"):
            t0 = time.perf_counter()
            n = write_findings_workbook(con, root / f"findings-{layout}.xlsx", layout)
            print(f"findings.xlsx {layout:<13} {time.perf_counter() - t0:6.2f} s  {n:,} findings  "
                  f"{(root / f'findings-{layout}.xlsx').stat().st_size / 1e6:.2f} MB")
        con.close()


if __name__ == "__main__":
    main()
