"""Fuzz every reader, the parser and the audit: structured mutations of the real seeds.

    .venv/bin/python benchmarks/fuzz.py [--cases 100000] [--minutes 120] [--jobs 1] [--start 0]
        [--formats text,html,xlsx,docx,pdf] [--save] [--report fuzz-report.json]

Case N is made by ``tests.fuzzing.make_case(random.Random(N))``: any case is reproduced by
its number (``--start N --cases 1``). Prints cases run per format, the distinct crashes
(stage | exception | innermost yusuan frame) with how often and the first case of each, and
cases slower than 5 s. ``--save`` keeps each distinct crash's input under tests/fixtures/fuzz
(replayed by tests/test_fuzz.py).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import fuzzing  # noqa: E402

SLOW_S = 5.0


def worker(args: tuple[int, int, int, float, tuple[str, ...], bool]) -> dict:
    start, step, count, deadline, formats, save = args
    import logging

    logging.disable(logging.CRITICAL)
    done: Counter[str] = Counter()
    crashes: dict[str, dict] = {}
    slow: list[tuple[int, str, float]] = []
    fmt_weights = {f: w for f, w in fuzzing.WEIGHTS.items() if f in formats}
    for n in range(start, start + count * step, step):
        if time.time() > deadline:
            break
        rng = random.Random(n)
        fmt = rng.choices(list(fmt_weights), weights=list(fmt_weights.values()))[0]
        fmt, data = fuzzing.make_case(rng, fmt)
        t0 = time.perf_counter()
        found = fuzzing.run_case(data, f"case{n}.{fuzzing.EXTENSIONS[fmt]}")
        spent = time.perf_counter() - t0
        done[fmt] += 1
        if spent > SLOW_S:
            slow.append((n, fmt, round(spent, 1)))
        for crash in found:
            entry = crashes.setdefault(crash.signature, {"count": 0, "first_case": n, "format": fmt,
                                                          "message": crash.message})
            entry["count"] += 1
            if save and entry["count"] == 1:
                saved = fuzzing.save_regression(fmt, data, crash)
                entry["saved"] = str(saved.relative_to(ROOT)) if saved else None
    return {"done": dict(done), "crashes": crashes, "slow": slow}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--minutes", type=float, default=120.0, help="stop after this time, whatever the count")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--start", type=int, default=0, help="number of the first case")
    ap.add_argument("--formats", default=",".join(fuzzing.WEIGHTS))
    ap.add_argument("--save", action="store_true", help="keep crashing inputs under tests/fixtures/fuzz")
    ap.add_argument("--report", help="write the figures as JSON here as well")
    args = ap.parse_args()
    formats = tuple(f for f in args.formats.split(",") if f)
    t0 = time.time()
    deadline = t0 + args.minutes * 60
    per_job = -(-args.cases // args.jobs)
    jobs = [(args.start + j, args.jobs, per_job, deadline, formats, args.save) for j in range(args.jobs)]
    if args.jobs == 1:
        results = [worker(jobs[0])]
    else:
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            results = pool.map(worker, jobs)
    done: Counter[str] = Counter()
    crashes: dict[str, dict] = {}
    slow = []
    for r in results:
        done.update(r["done"])
        slow += r["slow"]
        for sig, entry in r["crashes"].items():
            mine = crashes.setdefault(sig, {**entry, "count": 0})
            mine["count"] += entry["count"]
            mine["first_case"] = min(mine["first_case"], entry["first_case"])
    elapsed = time.time() - t0
    total = sum(done.values())
    print(f"cases run: {total:,} in {elapsed / 60:.1f} min ({total / max(elapsed, 1e-9):.1f}/s); "
          + ", ".join(f"{f} {done[f]:,}" for f in formats))
    print(f"distinct crashes: {len(crashes)} ({sum(c['count'] for c in crashes.values()):,} cases)")
    for sig, entry in sorted(crashes.items(), key=lambda kv: -kv[1]["count"]):
        print(f"  {entry['count']:>6}  {sig}  [first case {entry['first_case']}, {entry['format']}] "
              f"{entry['message'][:100]}")
    slowest = sorted(slow, key=lambda s: -s[2])[:5]
    print(f"cases slower than {SLOW_S:.0f} s: {len(slow)}" + (f" (slowest: {slowest})" if slow else ""))
    if args.report:
        Path(args.report).write_text(json.dumps({"cases": total, "per_format": done, "minutes": elapsed / 60,
                                                 "crashes": crashes, "slow": slow}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
