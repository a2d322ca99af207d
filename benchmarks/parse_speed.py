"""Parse time and peak memory per seed document (interpreter start excluded).

    .venv/bin/python benchmarks/parse_speed.py [--repeat 20]

Target (issue: parse every seed layout): <= 50 ms per seed on one core.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from pathlib import Path

from yusuan.ingest import load
from yusuan.parsing import parse_document
from yusuan.text import normalize, squash

SEEDS = sorted((Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seeds").glob("*.txt"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"{'seed':<28}{'lines':>7}{'median ms':>11}{'min ms':>9}{'peak MiB':>10}{'tables':>8}{'facts':>7}")
    for path in SEEDS:
        source, _ = load(path)
        assert source is not None
        parse_document(source, path.stem)  # warm caches (code lists, regexes)
        times = []
        for _ in range(args.repeat):
            # Cold text caches: a repeat must not profit from memoised strings of the last run.
            normalize.cache_clear()
            squash.cache_clear()
            t0 = time.perf_counter()
            source, _ = load(path)
            disclosure, _ = parse_document(source, path.stem)  # type: ignore[arg-type]
            times.append((time.perf_counter() - t0) * 1000)
        tracemalloc.start()
        source, _ = load(path)
        disclosure, _ = parse_document(source, path.stem)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        n_facts = sum(len(r.values) for t in disclosure.tables for r in t.rows)
        print(f"{path.stem:<28}{len(source.lines):>7}{statistics.median(times):>11.1f}{min(times):>9.1f}"
              f"{peak / 2**20:>10.1f}{len(disclosure.tables):>8}{n_facts:>7}")


if __name__ == "__main__":
    main()
