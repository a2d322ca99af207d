"""Hostile inputs: wall time, peak RSS, exit code and first message of `yusuan parse` on each.

    .venv/bin/python benchmarks/hostile_inputs.py [--only html-spans,text-200mb] [--dir /tmp/yusuan-hostile]
        [--src OTHER/src] [--cap-gib 6] [--timeout 180]

The files are generated from tests/hostile_files.py (cached in --dir; the large ones take
about a minute to write once). Each case runs `python -m yusuan.cli parse FILE -o /dev/null`
in a child process; peak RSS comes from wait4's rusage, and a watchdog kills the child when
its RSS passes --cap-gib or its time --timeout (shown as "> cap"/"> timeout"), so that the
"before" figures can be taken on this shared machine without exhausting it. --src runs
another checkout's code (e.g. an older commit unpacked with `git archive`).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import hostile_files as hf  # noqa: E402

MB = 1024 * 1024


def _bytes(make: Callable[[], bytes]) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(make())


CASES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "html-spans": ("spans.html", _bytes(lambda: hf.html_span_table(rows=200, cells=50, colspan=1000))),
    "html-rowspans": ("rowspans.html", _bytes(lambda: hf.html_span_table(rows=300, cells=20, colspan=1000,
                                                                          rowspan=1000))),
    "html-49mb": ("table49.html", lambda p: hf.write_html_table(p, 49 * MB)),
    "text-200mb": ("big200.txt", lambda p: hf.write_text(p, 199 * MB)),
    "text-50mb-one-line": ("line50.txt", lambda p: hf.write_text(p, 50 * MB, one_line=True)),
    "xlsx-10m-cells": ("cells10m.xlsx", lambda p: hf.write_xlsx(p, 1_000_000, 10)),
    "xlsx-2m-cells": ("cells2m.xlsx", lambda p: hf.write_xlsx(p, 200_000, 10)),
    "pdf-huge-mediabox": ("mediabox.pdf", _bytes(lambda: hf.scanned_pdf(1, mediabox=(14400, 14400)))),
    "pdf-1000-scanned": ("scan1000.pdf", _bytes(lambda: hf.scanned_pdf(1000))),
    "pdf-xref-destroyed": ("xref.pdf", _bytes(lambda: hf.destroy_xref(
        (hf.FIXTURES / "real" / "121_js-shengweibgt-2017-bumen-yusuan-biaoge.pdf").read_bytes()))),
    "text-utf16-odd": ("odd16.txt", _bytes(hf.utf16_odd)),
    "text-bad-bom": ("bom.txt", _bytes(hf.bad_utf8_bom)),
    "text-mixed-encodings": ("mixed.txt", _bytes(hf.mixed_encodings)),
}


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_case(path: Path, src: Path, cap_kib: int, timeout: float) -> tuple[float, float, str, str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, "-m", "yusuan.cli", "parse", str(path), "-o", os.devnull]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    assert proc.stderr is not None
    os.set_blocking(proc.stderr.fileno(), False)
    err = b""
    killed = ""
    seen_kib = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        err += proc.stderr.read() or b""
        if pid:
            break
        seen_kib = max(seen_kib, _rss_kib(proc.pid))
        if not killed and seen_kib > cap_kib:
            killed = f"> cap {cap_kib / MB:.0f} GiB"
        elif not killed and time.perf_counter() - t0 > timeout:
            killed = f"> timeout {timeout:.0f} s"
        if killed:
            os.killpg(proc.pid, signal.SIGKILL)
        time.sleep(0.05)
    seconds = time.perf_counter() - t0
    peak = max(usage.ru_maxrss, seen_kib) / 1024
    code = killed or str(os.waitstatus_to_exitcode(status))
    lines = [x for x in err.decode("utf-8", "replace").splitlines() if x.strip()]
    first = next((x for x in lines if "Traceback" in x), lines[0] if lines else "")
    return seconds, peak, code, first


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="comma-separated case names (default: all)")
    ap.add_argument("--dir", default="/tmp/yusuan-hostile", help="where generated files are cached")
    ap.add_argument("--src", default=str(ROOT / "src"), help="source tree to run (PYTHONPATH)")
    ap.add_argument("--cap-gib", type=float, default=6.0)
    ap.add_argument("--timeout", type=float, default=180.0)
    args = ap.parse_args()
    names = [n for n in args.only.split(",") if n] or list(CASES)
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{'case':<22}{'input':>10}{'seconds':>9}{'peak MiB':>10}  {'exit':<16}first message")
    for name in names:
        filename, make = CASES[name]
        path = folder / filename
        if not path.exists():
            make(path)
        seconds, peak, code, first = run_case(path, Path(args.src), int(args.cap_gib * MB), args.timeout)
        size = path.stat().st_size
        shown = f"{size / MB:.1f} MB" if size >= MB else f"{size} B"
        print(f"{name:<22}{shown:>10}{seconds:>9.1f}{peak:>10.0f}  {code:<16}{first[:110]}", flush=True)


if __name__ == "__main__":
    main()
