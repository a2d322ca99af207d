"""Hard limits and per-file isolation (yusuan.isolation): a task that runs away is stopped by
the limit it broke, with one Chinese message naming the limit, its value and how to raise it;
the worker is replaced and the other tasks finish. Inputs are generated here."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from yusuan.audit.config import ConfigError
from yusuan.cli import main
from yusuan.isolation import Failed, Limits, WorkerPool, load_limits, with_limit_overrides
from yusuan.isolation.config import apply_input_limits

# Task functions run in the workers, which import them from this module.


def _double(x: int) -> int:
    return x * 2


def _hog(_: int) -> None:
    """Grow the heap a megabyte at a time, touching every page (what a runaway parser does)."""
    chunks = []
    while True:
        chunks.append(b"x" * (1 << 20))


def _burst(megabytes: int) -> int:
    """One allocation far beyond the limit, faster than the parent's watch: the kernel refuses it."""
    return len(bytearray(megabytes << 20))


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def _spin(_: int) -> None:
    while True:
        pass


def _segfault(_: int) -> None:
    ctypes.string_at(0)  # a C library reading address 0


def _raise(_: int) -> None:
    raise ValueError("a parser bug")


def _reader_limits(_: int) -> tuple[int, int]:
    from yusuan.ingest import limits

    return limits.MAX_PAGES, limits.MAX_SHEET_CELLS


def _names_the_limit(failed: object, reason: str, setting: str, value: int) -> None:
    assert isinstance(failed, Failed) and failed.reason == reason
    assert f"{value}" in failed.message and setting in failed.message
    assert "yusuan.toml 的 [limits]" in failed.message and f"--limit {setting}=" in failed.message


START = pytest.mark.parametrize("start", ["forkserver", "fork"])


@START
def test_memory_hog_is_stopped_at_the_limit_and_the_worker_replaced(start: str) -> None:
    with WorkerPool(Limits(memory_mb=200), 1, start) as pool:
        t0 = time.monotonic()
        failed = pool.run(_hog, 0)
        elapsed = time.monotonic() - t0
        _names_the_limit(failed, "memory", "memory_mb", 200)
        assert "内存超过上限 200 MB" in failed.message
        assert elapsed < 10
        assert pool.peak_mb < 200 * 1.5  # stopped near the limit, not at the machine's end
        assert pool.run(_double, 21) == 42  # a fresh worker takes the next task


@START
def test_an_allocation_faster_than_the_watch_is_refused_by_the_kernel(start: str) -> None:
    with WorkerPool(Limits(memory_mb=100), 1, start) as pool:
        _names_the_limit(pool.run(_burst, 4000), "memory", "memory_mb", 100)
        assert pool.run(_burst, 10) == 10 << 20


@START
def test_wall_clock_limit_kills_a_stuck_task(start: str) -> None:
    # 2 s, not 1: the fresh worker that takes the next task starts (importing this module) within
    # its task's time, which took 0.6-0.8 s on a loaded machine
    with WorkerPool(Limits(wall_seconds=2), 1, start) as pool:
        t0 = time.monotonic()
        failed = pool.run(_sleep, 30)
        assert time.monotonic() - t0 < 6
        _names_the_limit(failed, "timeout", "wall_seconds", 2)
        assert pool.run(_sleep, 0) == 0


@pytest.mark.slow
def test_cpu_limit_is_enforced_by_the_kernel() -> None:
    with WorkerPool(Limits(cpu_seconds=1, wall_seconds=120), 1) as pool:
        t0 = time.monotonic()
        failed = pool.run(_spin, 0)
        assert time.monotonic() - t0 < 30  # 2 s of CPU, on a machine other jobs share
        _names_the_limit(failed, "cpu", "cpu_seconds", 1)


@START
def test_a_crash_fails_only_its_own_task(start: str) -> None:
    tasks = [(_double, 1), (_segfault, 0), (_double, 2), (_raise, 0), (_double, 3)]
    with WorkerPool(Limits(), 2, start) as pool:
        results = {i: pool.run(fn, arg) for i, (fn, arg) in enumerate(tasks)}
        unordered = dict(pool.map_unordered(_double, [(i,) for i in range(20)]))
    assert (results[0], results[2], results[4]) == (2, 4, 6)
    assert isinstance(results[1], Failed) and results[1].reason == "crash" and "SIGSEGV" in results[1].message
    assert isinstance(results[3], Failed) and results[3].reason == "internal" and "ValueError" in results[3].message
    assert unordered == {i: 2 * i for i in range(20)}


@START
def test_reader_limits_reach_the_worker(start: str) -> None:
    with WorkerPool(Limits(pages=7, cells=1234), 1, start) as pool:
        assert pool.run(_reader_limits, 0) == (7, 1234)


def _parent_and_modules(_: int) -> tuple[int, bool]:
    import sys

    return os.getppid(), "yusuan.parsing" in sys.modules


@START
def test_workers_start_with_the_parsers_imported(start: str) -> None:
    """Forked from the caller (start="fork", a fresh single-threaded process as a command is)
    or from the forkserver, a worker finds the readers and parsers already imported."""
    code = ("import os\nfrom yusuan.isolation import Limits, WorkerPool\n"
            "from tests.test_isolation import _parent_and_modules\n"
            f"with WorkerPool(Limits(), 1, {start!r}) as pool:\n"
            "    parent, imported = pool.run(_parent_and_modules, 0)\n"
            "print(parent == os.getpid(), imported)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parent.parent)
    assert proc.stdout.split() == [str(start == "fork"), "True"], proc.stderr


def test_a_caller_with_threads_gets_forkserver_workers() -> None:
    """A thread may hold a lock at the fork: a caller with threads never forks its workers."""
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with WorkerPool(Limits(), 1, "fork") as pool:
            parent, _ = pool.run(_parent_and_modules, 0)
    finally:
        stop.set()
        thread.join()
    assert parent != os.getpid()


def test_limits_from_yusuan_toml_pyproject_and_command_line(tmp_path: Path) -> None:
    (tmp_path / "yusuan.toml").write_text("[limits]\nmemory_mb = 300\nwall_seconds = 20\n", encoding="utf-8")
    limits = load_limits(start=tmp_path)
    assert (limits.memory_mb, limits.wall_seconds, limits.pages) == (300, 20, Limits().pages)
    assert with_limit_overrides(limits, ("pages=5", "memory_mb=64")).memory_mb == 64
    py = tmp_path / "sub"
    py.mkdir()
    (py / "pyproject.toml").write_text("[tool.yusuan.limits]\nocr_pages = 3\n", encoding="utf-8")
    assert load_limits(start=py).ocr_pages == 3
    for bad in ("[limits]\nmemory_mb = -1\n", "[limits]\nmemory = 1\n", "[limits]\nwall_seconds = 'x'\n"):
        (tmp_path / "yusuan.toml").write_text(bad, encoding="utf-8")
        with pytest.raises(ConfigError):
            load_limits(start=tmp_path)
    with pytest.raises(ConfigError, match="名称=数值"):
        with_limit_overrides(Limits(), ("nonsense",))


def test_input_limits_are_restored_by_the_defaults() -> None:
    from yusuan.ingest import limits

    before = limits.MAX_PAGES
    apply_input_limits(Limits())
    assert limits.MAX_PAGES == before == Limits().pages


def _memory_hungry(path: Path) -> Path:
    """A legitimate input that needs a few hundred MB: one scanned page (OCR models and the
    page raster). Readers stream and cap everything else, so a large table no longer does."""
    from tests.hostile_files import scanned_pdf

    path.write_bytes(scanned_pdf(1))
    return path


@pytest.mark.slow
def test_parse_over_the_memory_limit_gives_one_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = _memory_hungry(tmp_path / "大表.pdf")
    small = tmp_path / "ok.txt"
    small.write_text((Path(__file__).parent / "fixtures" / "seeds" / "000_caaa6eb3116f7168.txt").read_text("utf-8"),
                     encoding="utf-8")
    (tmp_path / "yusuan.toml").write_text("[limits]\nmemory_mb = 300\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    t0 = time.monotonic()
    result = CliRunner().invoke(main, ["parse", "--format", "facts", str(big), str(small)])
    assert time.monotonic() - t0 < 30
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("[错误")]
    assert len(errors) == 1 and "X002" in errors[0] and "大表.pdf" in errors[0]
    assert "内存超过上限 300 MB" in errors[0] and "memory_mb" in errors[0]
    assert "Traceback" not in result.output + result.stderr
    assert "ok," in result.stdout  # the other file's facts are written


def test_check_and_parse_take_limit_options(tmp_path: Path) -> None:
    from tests.test_ingest_hostile import minimal_pdf

    seed = Path(__file__).parent / "fixtures" / "seeds" / "002_b2793ff5c3ae9612.txt"
    result = CliRunner().invoke(main, ["check", "--limit", "memory_mb=1", str(seed)])
    assert result.exit_code == 2
    assert "memory_mb" in result.stderr and "1 MB" in result.stderr
    result = CliRunner().invoke(main, ["parse", "--limit", "pages=0", str(seed)])
    assert result.exit_code == 2 and "必须大于 0" in result.stderr and "Traceback" not in result.stderr
    # a reader limit set on the command line reaches the reader, and its message says how to raise it
    pdf = tmp_path / "three.pdf"
    pdf.write_bytes(minimal_pdf(3, b"BT /F1 12 Tf 72 720 Td (Page text) Tj ET",
                                b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>"))
    result = CliRunner().invoke(main, ["parse", "-v", "--limit", "pages=2", str(pdf)])
    cut = [line for line in result.stderr.splitlines() if "I104" in line]
    assert cut and all("共 3 页" in line and "pages = 2" in line and "[limits]" in line for line in cut)


def _noisy(_: int) -> int:
    import sys
    import warnings

    warnings.warn("a library warning", stacklevel=1)
    print("noise on stderr", file=sys.stderr, flush=True)
    os.write(2, b"noise from C\n")
    return 7


def test_nothing_a_worker_prints_reaches_the_terminal() -> None:
    code = ("from yusuan.isolation import Limits, WorkerPool\nfrom tests.test_isolation import _noisy\n"
            "with WorkerPool(Limits(), 1) as pool:\n    print(pool.run(_noisy, 0))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parent.parent)
    assert proc.stdout.strip() == "7"
    assert "noise" not in proc.stderr and "warning" not in proc.stderr, proc.stderr


def test_a_large_caller_is_not_forked() -> None:
    """A caller already over FORK_MAX_CALLER_MB gets forkserver workers: forked, its pages would
    count against each worker's memory limit."""
    code = ("import os\nfrom yusuan.isolation import Limits, WorkerPool, pool as p\n"
            "from tests.test_isolation import _parent_and_modules\n"
            "p.FORK_MAX_CALLER_MB = 1\n"
            "with WorkerPool(Limits(), 1, 'fork') as pool:\n"
            "    parent, imported = pool.run(_parent_and_modules, 0)\n"
            "print(parent == os.getpid())\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parent.parent)
    assert proc.stdout.split() == ["False"], proc.stderr
