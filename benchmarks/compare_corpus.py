"""Compare-page latency on a corpus of about 1,000 documents (printed, not asserted).

Builds the corpus database from the seeds and real PDFs in tests/fixtures (``yusuan
ingest``'s own code), then replicates its rows (documents, tables, facts, findings, figures,
claims, diagnostics) until it holds ``--docs`` documents: each copy gets its own id, path,
content hash and unit name, so every page sees a corpus of that size. Then times, through
the app with Flask's test client (no network), the corpus page, the compare page and its
JSON for a filter over everything (one page of 50 out of all), for 100 ticked documents, for
a small filter, and a unit's history page.

    .venv/bin/python benchmarks/compare_corpus.py [--docs 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
_CHILD_TABLES = ("tables", "facts", "findings", "diagnostics", "figures", "claims")


def build(db: Path, docs: int) -> int:
    from yusuan.store import ingest, open_store

    con = open_store(db)
    try:
        sources = [*sorted((FIXTURES / "seeds").glob("0*.txt")), *sorted((FIXTURES / "real").glob("*.pdf"))]
        print(ingest(con, [str(p) for p in sources], workers=2).line())
        base = con.execute("SELECT count(*), max(id) FROM documents").fetchone()
        n, top = int(base[0]), int(base[1])
        copies = -(-docs // n) - 1
        con.begin()
        con.execute(
            f"""INSERT INTO documents SELECT d.* REPLACE (
                    d.id + k * {top} AS id, d.path || '#' || k AS path, d.doc || '_c' || k AS doc,
                    sha256(d.sha256 || k) AS sha256, d.unit_name || '（副本' || k || '）' AS unit_name)
                FROM documents d, range(1, {copies + 1}) r(k)"""
        )
        for table in _CHILD_TABLES:
            con.execute(f"INSERT INTO {table} SELECT t.* REPLACE (t.doc_pk + k * {top} AS doc_pk) "
                        f"FROM {table} t, range(1, {copies + 1}) r(k)")  # fmt: skip
        con.execute(f"DELETE FROM documents WHERE id NOT IN (SELECT id FROM documents ORDER BY id LIMIT {docs})")
        for table in _CHILD_TABLES:
            con.execute(f"DELETE FROM {table} WHERE doc_pk NOT IN (SELECT id FROM documents)")
        con.commit()
        return int(con.execute("SELECT count(*) FROM documents").fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


def timed(client, url: str, repeat: int) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    """(first, median of the rest) in ms, and the response size."""
    runs = []
    size = 0
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        resp = client.get(url)
        runs.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200, (url, resp.status_code)
        size = len(resp.data)
    return runs[0], statistics.median(runs[1:]), size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from yusuan.web import WebConfig, create_app

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "c.duckdb"
        n = build(db, args.docs)
        app = create_app(WebConfig(data_dir=Path(tmp) / "data", db=db))
        client = app.test_client()
        service = app.extensions["yusuan"]
        t0 = time.perf_counter()
        docs, _ = service.corpus.documents()
        print(f"{n} documents; document list read in {(time.perf_counter() - t0) * 1000:.0f} ms (then cached)")
        hundred = "&".join(f"doc={d.sha}" for d in docs[:100])
        unit = next(d.unit_name for d in docs if d.unit_name and "检察院" in d.unit_name and "副本" not in d.unit_name)
        pages = [
            ("/corpus (page 1 of all)", "/corpus"),
            ("/compare (all: page 1 of 50)", "/compare"),
            ("/api/compare (all: page 1)", "/api/compare"),
            ("/api/compare (all: last page)", f"/api/compare?page={-(-n // 50)}"),
            ("/compare (100 ticked)", f"/compare?{hundred}"),
            ("/api/compare (100 ticked)", f"/api/compare?{hundred}"),
            ("/api/compare?kind=决算", "/api/compare?kind=决算"),
            ("/unit (one unit's years)", f"/unit?name={unit}"),
        ]
        print(f"{'page':<34}{'first ms':>10}{'median ms':>11}{'KiB':>8}")
        for name, url in pages:
            first, median, size = timed(client, url, args.repeat)
            print(f"{name:<34}{first:>10.1f}{median:>11.1f}{size / 1024:>8.0f}")
        service.stop()


if __name__ == "__main__":
    main()
