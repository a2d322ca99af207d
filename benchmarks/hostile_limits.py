"""Hostile inputs under the default limits: time, peak memory and exit code of each command.

    .venv/bin/python benchmarks/hostile_limits.py [--only NAME ...] [--big] [--limit name=value ...]

Generates each hostile input of issue 13 in a temporary folder, runs the real command
(``yusuan parse``, ``check`` or ``ingest``) in a child process group and samples the resident
memory of every process in the group every 50 ms: the command's own process ("cli") and the
largest worker ("worker"). Prints one row per case with the first message line. ``--big``
adds the slow generators (a 200 MB text file, a 2,000,000-cell workbook, a 1,000-page scan).
Figures are printed, not asserted; they vary with machine load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.generated_corpus, tests.test_ingest_hostile

from tests.generated_corpus import make_corpus, text_disclosure  # noqa: E402
from tests.test_ingest_hostile import minimal_pdf  # noqa: E402

SEED = ROOT / "tests" / "fixtures" / "seeds" / "000_caaa6eb3116f7168.txt"
PAGE = os.sysconf("SC_PAGE_SIZE")


def _group_rss(pgid: int, cli_pid: int) -> tuple[float, float]:
    """Resident MB of the command's process and of its largest worker (the workers are the
    forkserver's children; the forkserver is the command's child)."""
    cli = worker = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            if int(fields[2]) != pgid:  # stat fields 4 and 5: parent, process group
                continue
            with open(f"/proc/{entry}/statm", "rb") as fh:
                rss = int(fh.read().split()[1]) * PAGE / 2**20
        except (OSError, ValueError, IndexError):
            continue
        if int(entry) == cli_pid:
            cli = rss
        elif int(fields[1]) != cli_pid:
            worker = max(worker, rss)
    return cli, worker


def run(args: list[str], cwd: Path, timeout: float = 900) -> dict[str, object]:
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "yusuan.cli", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    peak_cli = peak_worker = 0.0
    while proc.poll() is None:
        cli, worker = _group_rss(proc.pid, proc.pid)
        peak_cli, peak_worker = max(peak_cli, cli), max(peak_worker, worker)
        if time.monotonic() - t0 > timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.05)
    stderr = proc.communicate()[1].decode("utf-8", "backslashreplace")
    lines = [line for line in stderr.splitlines() if line.startswith(("[错误", "[失败", "错误", "[警告"))]
    lines.sort(key=lambda line: "上限" not in line)  # a limit's message first
    return {"seconds": time.monotonic() - t0, "cli_mb": peak_cli, "worker_mb": peak_worker, "exit": proc.returncode,
            "message": (lines[0] if lines else stderr.strip().splitlines()[-1] if stderr.strip() else "")}


# --------------------------------------------------------------------------- the inputs


def colspan_html(d: Path) -> list[str]:
    cells = '<td colspan="1000" rowspan="1000">1.00</td>' * 40  # a few KB that span 40,000 x 1,000 cells
    rows = "".join(f"<tr>{cells}</tr>" for _ in range(40))
    (d / "colspan.html").write_text(f"<html><body><table>{rows}</table></body></html>", encoding="utf-8")
    return ["parse", str(d / "colspan.html")]


def one_line_text(d: Path, mb: int = 50) -> list[str]:
    with open(d / "oneline.txt", "w", encoding="utf-8") as fh:
        chunk = "一般公共预算拨款 227.19 万元，" * 1000
        for _ in range(mb * 2**20 // len(chunk.encode())):
            fh.write(chunk)
    return ["parse", str(d / "oneline.txt")]


def big_text(d: Path) -> list[str]:
    with open(d / "big.txt", "w", encoding="utf-8") as fh:
        text = SEED.read_text(encoding="utf-8")
        while fh.tell() < 195 * 2**20:
            fh.write(text)
    return ["parse", str(d / "big.txt")]


def html_table(d: Path, rows: int = 600_000) -> list[str]:
    with open(d / "table.html", "w", encoding="utf-8") as fh:
        fh.write("<html><body><h1>2025年部门预算</h1><table>")
        for i in range(rows):
            fh.write(f"<tr><td>2010{i % 10000:04d}</td><td>项目{i}</td><td>{i}.00</td><td>{i * 2}.50</td></tr>")
        fh.write("</table></body></html>")
    return ["parse", str(d / "table.html")]


def workbook(d: Path, cells: int = 1_000_000) -> list[str]:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("表1")
    for r in range(cells // 20):
        ws.append([f"{r}.{c:02d}" for c in range(20)])
    wb.save(d / "cells.xlsx")
    return ["parse", str(d / "cells.xlsx")]


def _image_pdf(pages: int, media: tuple[int, int] = (595, 842)) -> bytes:
    gray = bytes(range(256)) * 16  # a 64 x 64 gray image, stretched over the page
    image = (b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray "
             b"/BitsPerComponent 8 /Length %d >>\nstream\n" % len(gray) + gray + b"\nendstream")
    w, h = media
    data = minimal_pdf(pages, b"q %d 0 0 %d 0 0 cm /Im0 Do Q" % (w, h), b"/XObject << /Im0 4 0 R >>", [image])
    return data.replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [0 0 %d %d]" % (w, h))


def huge_mediabox(d: Path) -> list[str]:
    (d / "mediabox.pdf").write_bytes(_image_pdf(1, (14400, 14400)))
    return ["parse", str(d / "mediabox.pdf")]


def scanned_1000(d: Path) -> list[str]:
    (d / "scan.pdf").write_bytes(_image_pdf(1000))
    return ["parse", str(d / "scan.pdf")]


def dev_zero(d: Path) -> list[str]:
    return ["parse", "/dev/zero"]


def fifo(d: Path) -> list[str]:
    os.mkfifo(d / "pipe.txt")
    return ["check", str(d / "pipe.txt")]


def _oom_folder(d: Path) -> Path:
    folder = d / "oom"
    make_corpus(folder, 20)
    html_table(folder)
    return folder


def ingest_oom(d: Path) -> list[str]:
    return ["ingest", str(_oom_folder(d)), "--db", str(d / "oom.duckdb"), "--limit", "memory_mb=300"]


def ingest_oom_rerun(d: Path) -> list[str]:
    args = ingest_oom(d)
    run(args, d)
    return args


def bad_name(d: Path) -> list[str]:
    folder = d / "names"
    make_corpus(folder, 8)
    shutil.copyfile(SEED, os.fsdecode(os.fsencode(folder) + b"/\xff\xfe\xb0.txt"))
    return ["parse", "--format", "facts", "-o", str(d / "facts.csv"), str(folder)]


def huge_amount(d: Path) -> list[str]:
    import random

    text = text_disclosure("某县财政局", 2025, random.Random(1), huge=True)
    (d / "huge.txt").write_text(text.replace("收支总预算", "收支总预算 123456789012345678901234567890.12 万元，"),
                                encoding="utf-8")
    return ["ingest", str(d / "huge.txt"), "--db", str(d / "huge.duckdb")]


def not_disclosure(d: Path) -> list[str]:
    folder = d / "nothing"
    folder.mkdir()
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    (folder / "blank.pdf").write_bytes(minimal_pdf(1200))
    return ["ingest", str(folder), "--db", str(d / "nothing.duckdb")]


CASES: dict[str, tuple[str, Callable[[Path], list[str]], bool]] = {
    # name: (issue 13 row, generator, slow)
    "colspan-html": ("HTML cells with large colspan/rowspan", colspan_html, False),
    "oneline-50mb": ("a 50 MB text file on one line", one_line_text, False),
    "text-200mb": ("a 200 MB text file (under the file limit)", big_text, True),
    "html-table": ("a large HTML table (~35 MB)", html_table, False),
    "xlsx-1m": ("xlsx with 1,000,000 cells", workbook, False),
    "xlsx-2m": ("xlsx with 2,000,000 cells", lambda d: workbook(d, 2_000_000), True),
    "mediabox": ("a PDF page with a huge MediaBox", huge_mediabox, False),
    "scan-1000": ("a 1,000-page scanned PDF", scanned_1000, True),
    "dev-zero": ("/dev/zero given as a path", dev_zero, False),
    "fifo": ("a FIFO given as a path", fifo, False),
    "ingest-oom": ("ingest: one file exhausts a worker's memory", ingest_oom, False),
    "ingest-oom-rerun": ("ingest re-run after that", ingest_oom_rerun, False),
    "bad-name": ("parse DIR -o f.csv with a non-UTF-8 name", bad_name, False),
    "huge-amount": ("ingest: amounts of 20 and 30 integer digits", huge_amount, False),
    "not-disclosure": ("ingest: a bare image and a 1,200-page blank PDF", not_disclosure, False),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", choices=list(CASES), help="run only these cases")
    ap.add_argument("--big", action="store_true", help="include the slow generators")
    ap.add_argument("--limit", action="append", default=[], help="passed to the command (name=value)")
    args = ap.parse_args()
    names = args.only or [n for n, (_, _, slow) in CASES.items() if args.big or not slow]
    print(f"{'case':<18} {'seconds':>8} {'cli MB':>7} {'worker MB':>9} {'exit':>4}  first message")
    for name in names:
        title, make, _ = CASES[name]
        with tempfile.TemporaryDirectory(prefix="yusuan-hostile-") as tmp:
            cmd = make(Path(tmp))
            if cmd[0] in ("parse", "check", "ingest"):
                cmd += [x for item in args.limit for x in ("--limit", item)]
            r = run(cmd, Path(tmp))
            out = Path(tmp) / "facts.csv"
            if out.exists():  # what parse -o wrote
                rows = out.read_text(encoding="utf-8").splitlines()[1:]
                r["message"] = f"{out.name}: {len({x.split(',')[0] for x in rows})} 个文件的 {len(rows)} 行"
        message = str(r["message"]).replace(tmp, "…")
        print(f"{name:<18} {r['seconds']:>8.1f} {r['cli_mb']:>7.0f} {r['worker_mb']:>9.0f} {r['exit']!s:>4}  "
              f"{message[:150]}", flush=True)
        print(f"{'':<18} ({title})")


if __name__ == "__main__":
    main()
