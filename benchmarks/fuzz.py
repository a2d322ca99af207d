"""Fuzz every reader, the parser and the audit: structured mutations of the real seeds.

    .venv/bin/python benchmarks/fuzz.py [--cases 100000] [--minutes 120] [--jobs 1] [--start 0]
        [--formats text,html,xlsx,docx,pdf] [--save] [--report fuzz-report.json]
        [--case-timeout 60] [--cap-mib 2048]

Case N is made by ``tests.fuzzing.make_case(random.Random(N))``: any case is reproduced by
its number (``--start N --cases 1``). Cases run in worker processes; a case that runs past
--case-timeout or whose worker passes --cap-mib of RSS is a crash too ("timeout" /
"memory"), its worker replaced. Prints cases run per format, the distinct crashes (stage |
exception | innermost yusuan frame) with how often and the first case of each, and cases
slower than 5 s. ``--save`` keeps each distinct crash's input under tests/fixtures/fuzz
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
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import fuzzing  # noqa: E402

SLOW_S = 5.0


def case(n: int, formats: tuple[str, ...]) -> tuple[str, bytes]:
    rng = random.Random(n)
    weights = {f: w for f, w in fuzzing.WEIGHTS.items() if f in formats}
    fmt = rng.choices(list(weights), weights=list(weights.values()))[0]
    return fuzzing.make_case(rng, fmt)


def serve(conn: Connection, formats: tuple[str, ...]) -> None:
    """Worker: case numbers in, (format, seconds, crashes) out."""
    import logging

    logging.disable(logging.CRITICAL)
    while True:
        n = conn.recv()
        if n is None:
            return
        fmt, data = case(n, formats)
        t0 = time.perf_counter()
        found = fuzzing.run_case(data, f"case{n}.{fuzzing.EXTENSIONS[fmt]}")
        conn.send((fmt, time.perf_counter() - t0, [(c.signature, c.message) for c in found]))


class Worker:
    def __init__(self, formats: tuple[str, ...]) -> None:
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=serve, args=(child, formats), daemon=True)
        self.proc.start()
        self.case: int | None = None
        self.since = 0.0

    def rss_mib(self) -> float:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def give(self, n: int) -> None:
        self.case, self.since = n, time.perf_counter()
        self.conn.send(n)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--minutes", type=float, default=120.0, help="stop after this time, whatever the count")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--start", type=int, default=0, help="number of the first case")
    ap.add_argument("--formats", default=",".join(fuzzing.WEIGHTS))
    ap.add_argument("--save", action="store_true", help="keep crashing inputs under tests/fixtures/fuzz")
    ap.add_argument("--report", help="write the figures as JSON here as well")
    ap.add_argument("--case-timeout", type=float, default=60.0)
    ap.add_argument("--cap-mib", type=float, default=2048.0)
    args = ap.parse_args()
    formats = tuple(f for f in args.formats.split(",") if f)
    fuzzing.text_seeds(), fuzzing.office_seeds(), fuzzing.pdf_seeds()  # made once, shared by fork
    t0 = time.time()
    deadline = t0 + args.minutes * 60
    todo = iter(range(args.start, args.start + args.cases))
    done: Counter[str] = Counter()
    crashes: dict[str, dict] = {}
    slow: list[tuple[int, str, float]] = []

    def record(n: int, fmt: str, signature: str, message: str) -> None:
        entry = crashes.setdefault(signature, {"count": 0, "first_case": n, "format": fmt, "message": message})
        entry["count"] += 1
        entry["first_case"] = min(entry["first_case"], n)
        if args.save and entry["count"] == 1:
            fmt_, data = case(n, formats)
            saved = fuzzing.save_regression(fmt_, data, fuzzing.Crash(*signature.split(" | "), message))
            entry["saved"] = str(saved.relative_to(ROOT)) if saved else None

    workers = [Worker(formats) for _ in range(args.jobs)]
    for w in workers:
        n = next(todo, None)
        if n is not None:
            w.give(n)
    while any(w.case is not None for w in workers):
        for i, w in enumerate(workers):
            if w.case is None:
                continue
            n = w.case
            if w.conn.poll(0.02):
                fmt, seconds, found = w.conn.recv()
                done[fmt] += 1
                if sum(done.values()) % 5000 == 0:
                    print(f"  {sum(done.values()):,} cases, {(time.time() - t0) / 60:.1f} min, "
                          f"{len(crashes)} distinct crashes", flush=True)
                if seconds > SLOW_S:
                    slow.append((n, fmt, round(seconds, 1)))
                for signature, message in found:
                    record(n, fmt, signature, message)
            else:
                spent = time.perf_counter() - w.since
                over = ("timeout", f"> {args.case_timeout:.0f} s") if spent > args.case_timeout else (
                    ("memory", f"> {args.cap_mib:.0f} MiB RSS") if w.rss_mib() > args.cap_mib else None)
                if over is None:
                    continue
                fmt, _ = case(n, formats)
                done[fmt] += 1
                record(n, fmt, f"{over[0]} | {over[0].capitalize()} | ", over[1])
                w.kill()
                workers[i] = w = Worker(formats)
            nxt = next(todo, None) if time.time() < deadline else None
            if nxt is None:
                w.case = None
                w.conn.send(None)
            else:
                w.give(nxt)
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
