"""Scale-out figures: ingest throughput locally and on Ray, per-task overhead, Parquet size,
query latency on a 10,000-document dataset, and the cluster size for 300,000 documents an hour.

    .venv/bin/python benchmarks/scale.py [--copies 3] [--docs 10000] [--skip-ray]

Needs the ``[ray]`` extra for the Ray rows. After a warm-up file, the input is every real PDF of tests/fixtures/real
(published disclosures, the documents a national panel is made of) copied ``--copies`` times
under different paths (so each copy is parsed). Each engine ingests the same files into a fresh
dataset: local with 1 and 2 worker processes, Ray (a local instance) with 1 and 2 CPUs. The
per-task overhead is that of a trivial task sent through the isolated worker, locally and as a
Ray task.
The query figures replicate the stored documents (new ids and paths) to ``--docs`` documents
and time the compare questions and a facts aggregate through ``open_dataset`` (DuckDB views
over the Parquet files). Figures are printed, not asserted; they vary with machine load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "real"

from yusuan.store.dataset import (  # noqa: E402
    CHILDREN,
    PARTITION_KEYS,
    _quote,
    columns_of,
    init_dataset,
    open_dataset,
    partition_of,
)
from yusuan.store.dataset_ingest import ingest_dataset  # noqa: E402
from yusuan.store.queries import compare  # noqa: E402


def inputs(folder: Path, copies: int) -> int:
    pdfs = sorted(REAL.glob("*.pdf"))
    for i in range(copies):
        sub = folder / f"copy{i:02d}"
        sub.mkdir(parents=True)
        for pdf in pdfs:
            shutil.copy(pdf, sub / pdf.name)
    return len(pdfs) * copies


def run(engine: str, workers: int, files: Path, out: Path) -> tuple[float, int]:
    """(seconds, documents stored)."""
    ray = None
    if engine == "ray":
        import ray

        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    try:
        t0 = time.perf_counter()
        summary = ingest_dataset(out, [str(files)], engine=engine, workers=workers)
        return time.perf_counter() - t0, summary.new
    finally:
        if ray is not None:
            ray.shutdown()


def cpu_per_document(files: list[Path], out: Path) -> tuple[float, float]:
    """CPU seconds per document (this process only, so other load on the machine does not
    count): parse and check, and writing its Parquet parts."""
    from yusuan.store.dataset import DatasetWriter, document_id
    from yusuan.store.extract import file_sha256, process_file

    writer = DatasetWriter(init_dataset(out))
    work = write = 0.0
    for f in files:
        sha = file_sha256(f)
        t0 = time.process_time()
        parsed = process_file(str(f), sha)
        t1 = time.process_time()
        writer.write_document(parsed, document_id(str(f), sha, 1), 1)
        work, write = work + t1 - t0, write + time.process_time() - t1
    writer.close()
    return work / len(files), write / len(files)


def task_overhead(n: int = 300) -> tuple[float, float]:
    """Seconds per trivial task, through the isolated worker, locally and as Ray tasks (1 CPU,
    Ray already started): what each file pays on top of its parsing."""
    from yusuan.isolation import Limits, WorkerPool

    with WorkerPool(Limits(), 1) as pool:
        list(pool.map_unordered(len, [("warm",)]))
        t0 = time.perf_counter()
        list(pool.map_unordered(len, [("x",)] * n))
        local = (time.perf_counter() - t0) / n
    try:
        import ray
    except ImportError:
        return local, float("nan")
    from yusuan.store.ray_engine import RayEngine

    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    try:
        engine = RayEngine(Limits(), 1)
        list(engine.run(len, [("warm",)]))
        t0 = time.perf_counter()
        list(engine.run(len, [("x",)] * n))
        on_ray = (time.perf_counter() - t0) / n
    finally:
        ray.shutdown()
    return local, on_ray


def dataset_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*.parquet"))


def replicate(src: Path, dst: Path, target_docs: int) -> int:
    """A dataset of about ``target_docs`` documents: copies of ``src``'s, with new ids and
    paths, one file per partition and table (as ``yusuan dataset export`` writes)."""
    init_dataset(dst)
    con = open_dataset(src)
    n = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    copies = max(1, -(-target_docs // n))
    con.execute(f"CREATE TABLE k AS SELECT range AS k FROM range({copies})")
    con.execute("""CREATE TABLE parts AS SELECT id, year, kind, region FROM documents""")
    parts = con.execute("SELECT DISTINCT year, kind, region FROM parts").fetchall()
    for table in ("documents", *CHILDREN):
        cols = [c for c, _ in columns_of()[table]]
        key = "id" if table == "documents" else "doc_pk"
        sel = []
        for c in cols:
            if c == key:
                sel.append(f'((t."{c}" % 1000000000000) * 10000 + k.k) AS "{c}"')
            elif c == "path":
                sel.append("(t.path || '#' || k.k::VARCHAR) AS path")
            else:
                sel.append(f't."{c}"')
        for year, kind, region in parts:
            folder = dst / table / partition_of({"year": year, "kind": kind},
                                                dict(zip(PARTITION_KEYS, _values(year, kind, region), strict=True)))
            folder.mkdir(parents=True, exist_ok=True)
            where = " AND ".join(f"p.{c} IS NOT DISTINCT FROM ?" for c in ("year", "kind", "region"))
            con.execute(f"""COPY (SELECT {", ".join(sel)} FROM {table} t JOIN parts p ON p.id = t.{key}
                                  CROSS JOIN k WHERE {where})
                            TO '{_quote(folder / "replica.parquet")}' (FORMAT parquet, COMPRESSION zstd)""",
                        [year, kind, region])
    con.close()
    return n * copies


def _values(year: object, kind: object, region: object) -> tuple[str, str, str]:
    from yusuan.store.dataset import UNKNOWN

    return (str(year) if year is not None else UNKNOWN, str(kind) if kind else UNKNOWN, str(region or UNKNOWN))


def time_queries(root: Path, repeat: int = 3) -> dict[str, float]:
    out = {}
    con = open_dataset(root)
    queries = {
        "open (views)": None,
        "compare three-public": "three-public",
        "compare function": "function",
        "compare yoy": "yoy",
        "facts: total 万元 per year": "SELECT year, sum(value_wan) FROM latest_facts f JOIN latest_documents d "
                                      "ON d.id = f.doc_pk WHERE row_code = 'TOTAL' GROUP BY year",
    }
    for name, q in queries.items():
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            if q is None:
                open_dataset(root).close()
            elif q in ("three-public", "function", "yoy"):
                compare(con, q)
            else:
                con.execute(q).fetchall()
            times.append(time.perf_counter() - t0)
        out[name] = statistics.median(times)
    con.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=3)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--skip-ray", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="yusuan-scale-"))
    try:
        n = inputs(tmp / "in", args.copies)
        print(f"input: {n} real PDFs ({args.copies} copies of {n // args.copies})")
        warm = tmp / "warm"
        warm.mkdir()
        shutil.copy(sorted(REAL.glob("*.pdf"))[0], warm)
        run("local", 1, warm, tmp / "warm-data")  # imports, file cache: not in the first figure
        parse_cpu, write_cpu = cpu_per_document(sorted(REAL.glob("*.pdf")), tmp / "cpu")
        per_core = 60 / (parse_cpu + write_cpu)
        pages = statistics.mean(len(pypdfium2.PdfDocument(f)) for f in sorted(REAL.glob("*.pdf")))
        print(f"CPU per document ({pages:.1f} pages on average): parse + check {parse_cpu * 1000:.0f} ms, Parquet "
              f"parts {write_cpu * 1000:.0f} ms -> {per_core:.0f} documents/minute per core "
              f"({per_core * pages / 25:.0f} for 25-page documents)")
        print(f"load average before the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
              "(wall-clock figures below shrink as the load grows)")
        rows = []
        configs = [("local", 1), ("local", 2)] + ([] if args.skip_ray else [("ray", 1), ("ray", 2)])
        seconds: dict[tuple[str, int], float] = {}
        for engine, workers in configs:
            out = tmp / f"{engine}{workers}"
            s, docs = run(engine, workers, tmp / "in", out)
            seconds[(engine, workers)] = s
            rows.append((engine, workers, s, docs, docs / s * 60, dataset_bytes(out)))
        base = seconds[("local", 1)]
        print(f"{'engine':<8}{'workers':>8}{'seconds':>10}{'docs':>7}{'docs/min':>10}{'per core':>10}"
              f"{'vs local-1':>12}{'MB/1000 docs':>14}")
        for engine, workers, s, docs, rate, size in rows:
            print(f"{engine:<8}{workers:>8}{s:>10.1f}{docs:>7}{rate:>10.0f}{rate / workers:>10.0f}{base / s:>12.2f}"
                  f"{size / docs * 1000 / 1e6:>14.1f}")
        from yusuan.store.convert import export_to_dataset, rebuild_database

        rebuild_database(tmp / "local2", tmp / "corpus.duckdb")
        export_to_dataset(tmp / "corpus.duckdb", tmp / "bulk")
        docs = rows[1][3]
        print(f"per 1,000 documents: per-document parts {dataset_bytes(tmp / 'local2') / docs * 1000 / 1e6:.1f} MB "
              f"({sum(1 for _ in (tmp / 'local2').rglob('*.parquet')) / docs:.1f} files each), bulk export "
              f"{dataset_bytes(tmp / 'bulk') / docs * 1000 / 1e6:.1f} MB, DuckDB file "
              f"{(tmp / 'corpus.duckdb').stat().st_size / docs * 1000 / 1e6:.1f} MB")
        if not args.skip_ray:
            local, on_ray = task_overhead()
            print(f"per-task overhead (a trivial task through the isolated worker): local {local * 1000:.1f} ms, "
                  f"Ray {on_ray * 1000:.1f} ms")
        target = 300_000 / 60
        cores = target / per_core
        print(f"projection: 300,000 documents in one hour = {target:.0f} docs/min; at {per_core:.0f} docs/min per "
              f"core (CPU time) that is {cores:.0f} cores, e.g. {-(-cores // 16):.0f} nodes of 16 cores "
              f"(x1.25 headroom for scheduling and stragglers: {-(-cores * 1.25 // 16):.0f} nodes)")

        replica = tmp / "replica"
        m = replicate(tmp / "local2", replica, args.docs)
        print(f"query latency on a {m}-document dataset ({dataset_bytes(replica) / 1e6:.0f} MB, "
              f"{sum(1 for _ in replica.rglob('*.parquet'))} files), median of 3:")
        for name, s in time_queries(replica).items():
            print(f"  {name:<28}{s * 1000:>8.0f} ms")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
