"""Load test of `yusuan serve` on loopback (printed, not asserted).

Builds a corpus database from the seeds and real PDFs in tests/fixtures (``yusuan ingest``'s
own code), starts ``yusuan serve`` on it in a subprocess, and sends REQUESTS requests over
CONNECTIONS keep-alive connections across the main pages (upload list, corpus pages,
questions, compare, document pages, downloads, rules) with a few uploads among them. Prints
errors (5xx, refused or broken connections; target 0), latency p50/p99 overall and per page,
and the server's peak RSS, sampled every 20 ms, while the uploads are parsed.

    .venv/bin/python benchmarks/web_load.py [--requests 2000] [--connections 20] [--uploads 8]
    .venv/bin/python benchmarks/web_load.py --corpus-uploads 300   # /corpus with many uploads
"""

from __future__ import annotations

import argparse
import http.client
import random
import re
import select
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def sources() -> list[Path]:
    return sorted((FIXTURES / "seeds").glob("*.txt")) + sorted((FIXTURES / "real").glob("*.pdf"))


def variant(path: Path, i: int) -> bytes:
    """The file with a harmless tail, so each copy has its own hash (a new document)."""
    tail = f"\n{i}\n" if path.suffix == ".txt" else f"\n%{i}\n"
    return path.read_bytes() + tail.encode()


def build_corpus(db: Path) -> None:
    from yusuan.store import ingest, open_store

    con = open_store(db)
    try:
        summary = ingest(con, [str(p) for p in sources()], workers=2)
    finally:
        con.close()
    print(f"corpus: {summary.line()}")


def start_server(db: Path, extra: list[str]) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "yusuan.cli", "serve", "--db", str(db), "--port", "0",
         "--uploads-per-minute", "100000", "--max-queued", "100000", *extra],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    if not select.select([proc.stderr], [], [], 120)[0]:
        raise SystemExit("server printed no banner within 120 s")
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", proc.stderr.readline())
    if not m:
        raise SystemExit("server did not start")
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()  # drain the access log
    return proc, int(m.group(1))


class RssSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_mib, self.stop = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                text = Path(f"/proc/{self.pid}/status").read_text()
                kib = int(re.search(r"VmRSS:\s+(\d+)", text).group(1))  # type: ignore[union-attr]
                self.peak_mib = max(self.peak_mib, kib / 1024)
            except (OSError, AttributeError):
                return
            time.sleep(0.02)


def multipart(name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()  # fmt: skip
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class Client:
    """One keep-alive connection; reconnects when the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, url: str, body: bytes | None = None, ctype: str | None = None) -> int:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if ctype:
            headers["Content-Type"] = ctype
        for attempt in (0, 1):
            try:
                self.conn.request(method, url, body=body, headers=headers)
                resp = self.conn.getresponse()
                resp.read()
                if resp.getheader("Connection", "").lower() == "close" or resp.version == 10:
                    self.conn.close()
                return resp.status
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")


def plan(n: int, shas: list[str], uploads: int) -> list[tuple[str, str, str]]:
    """(label, method, url) for n requests: uploads spread evenly, the rest drawn from the pages."""
    rng = random.Random(13)
    pages = [
        ("upload list", "/"), ("corpus", "/corpus"), ("corpus page 2", "/corpus?page=2"),
        ("corpus filtered", "/corpus?year=2025"), ("questions", "/questions?what=three-public"),
        ("questions", "/questions?what=findings"), ("compare", "/compare?year=2024"), ("api compare", "/api/compare"),
        ("rules", "/rules"), ("facts csv", "/corpus/facts.csv?year=2025"),
    ]  # fmt: skip
    out = []
    step = max(1, n // max(1, uploads))
    for i in range(n):
        if uploads and i % step == step // 2 and sum(1 for o in out if o[0] == "upload") < uploads:
            out.append(("upload", "POST", "/upload"))
        elif rng.random() < 0.35 and shas:
            sha = rng.choice(shas)
            if rng.random() < 0.2:
                out.append(("download", "GET", f"/doc/{sha}/download/facts"))
            else:
                out.append(("document", "GET", f"/doc/{sha}"))
        else:
            label, url = rng.choice(pages)
            out.append((label, "GET", url))
    return out


def run_load(port: int, requests: int, connections: int, shas: list[str], uploads: int) -> None:
    work = plan(requests, shas, uploads)
    files = sources()
    lock = threading.Lock()
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: dict[int, int] = defaultdict(int)
    errors: list[str] = []
    queue = iter(enumerate(work))

    def worker() -> None:
        client = Client(port)
        n_up = 0
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                return
            i, (label, method, url) = item
            body = ctype = None
            if method == "POST":
                path = files[(i + n_up) % len(files)]
                body, ctype = multipart(path.name, variant(path, 10_000 + i))
                n_up += 1
            t0 = time.perf_counter()
            try:
                status = client.request(method, url, body, ctype)
            except OSError as exc:
                with lock:
                    errors.append(f"{url}: {type(exc).__name__}")
                client = Client(port)
                continue
            dt = time.perf_counter() - t0
            with lock:
                latencies[label].append(dt)
                statuses[status] += 1
                if status >= 500 or status in (400, 404, 429):
                    errors.append(f"{status} {method} {url}")

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    every = sorted(x for v in latencies.values() for x in v)
    print(f"{len(every)} requests over {connections} connections in {wall:.1f} s ({len(every) / wall:.0f}/s); "
          f"status counts {dict(sorted(statuses.items()))}")  # fmt: skip
    print(f"errors: {len(errors)}" + (f" (first: {errors[:5]})" if errors else ""))
    print(f"latency p50 {_ms(every, 50)}  p99 {_ms(every, 99)}  max {every[-1] * 1000:.0f} ms")
    for label in sorted(latencies):
        v = sorted(latencies[label])
        print(f"  {label:<16} n={len(v):<5} p50 {_ms(v, 50):>8}  p99 {_ms(v, 99):>8}")


def _ms(sorted_values: list[float], pct: int) -> str:
    if not sorted_values:
        return "-"
    k = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values)) - 1))
    return f"{sorted_values[k] * 1000:.0f} ms"


def wait_ingested(port: int, timeout: float = 1800) -> float:
    """Seconds until the upload list shows nothing waiting."""
    t0 = time.perf_counter()
    client = Client(port)
    while time.perf_counter() - t0 < timeout:
        client.conn.request("GET", "/", headers={"Host": f"127.0.0.1:{port}"})
        page = client.conn.getresponse().read().decode("utf-8")
        if not re.search(r'data-state="(排队中|处理中|待入库|等待数据库)"', page) and "另有" not in page:
            return time.perf_counter() - t0
        time.sleep(0.5)
    return float("nan")


def stored_shas(port: int) -> list[str]:
    client = Client(port)
    client.conn.request("GET", "/api/compare", headers={"Host": f"127.0.0.1:{port}"})
    client.conn.getresponse().read()
    client.conn.request("GET", "/corpus", headers={"Host": f"127.0.0.1:{port}"})
    page = client.conn.getresponse().read().decode("utf-8")
    return sorted(set(re.findall(r'href="/doc/([0-9a-f]{64})"', page)))


def corpus_with_uploads(n: int) -> None:
    """/corpus latency and server memory with ``n`` uploads in the corpus."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "corpus.duckdb"
        proc, port = start_server(db, ["--parse-workers", "2"])
        sampler = RssSampler(proc.pid)
        sampler.start()
        try:
            client = Client(port)
            files = sources()
            t0 = time.perf_counter()
            for i in range(n):
                path = files[i % len(files)]
                body, ctype = multipart(path.name, variant(path, i))
                assert client.request("POST", "/upload", body, ctype) in (303, 200)
            print(f"{n} uploads accepted in {time.perf_counter() - t0:.1f} s")
            print(f"all ingested {wait_ingested(port):.0f} s later; server peak RSS meanwhile "
                  f"{sampler.peak_mib:.0f} MiB")  # fmt: skip
            for url in ("/corpus", "/corpus", "/corpus?page=4", "/corpus?year=2025", "/compare?year=2024", "/"):
                t = time.perf_counter()
                status = client.request("GET", url)
                print(f"GET {url:<22} {status}  {(time.perf_counter() - t) * 1000:.0f} ms")
            print(f"server peak RSS {sampler.peak_mib:.0f} MiB")
        finally:
            sampler.stop.set()
            proc.terminate()
            proc.wait(timeout=60)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--connections", type=int, default=20)
    ap.add_argument("--uploads", type=int, default=8, help="uploads among the requests")
    ap.add_argument("--corpus-uploads", type=int, default=0,
                    help="instead: upload this many files, then time /corpus")
    args = ap.parse_args()
    if args.corpus_uploads:
        corpus_with_uploads(args.corpus_uploads)
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "corpus.duckdb"
        build_corpus(db)
        proc, port = start_server(db, [])
        sampler = RssSampler(proc.pid)
        sampler.start()
        try:
            shas = stored_shas(port)
            idle = sampler.peak_mib
            run_load(port, args.requests, args.connections, shas, args.uploads)
            after = wait_ingested(port)
            print(f"uploads all ingested {after:.1f} s after the last request")
            print(f"server RSS: {idle:.0f} MiB before the load, peak {sampler.peak_mib:.0f} MiB during it "
                  "(uploads parsed meanwhile)")  # fmt: skip
        finally:
            sampler.stop.set()
            proc.terminate()
            proc.wait(timeout=60)


if __name__ == "__main__":
    main()
