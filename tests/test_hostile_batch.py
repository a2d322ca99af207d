"""Hostile batches: paths that are not files, names that are not UTF-8, amounts too large for
any column, files that are not disclosures, a file that exhausts memory. Each gets a Chinese
message, the batch completes, nothing partial or bogus enters the corpus. All inputs are
generated here."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from yusuan.audit import check_disclosure
from yusuan.cli import main
from yusuan.ingest import load
from yusuan.store import ingest, open_store
from yusuan.store.extract import fit_to_store, process_file

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
SEED = SEEDS / "000_caaa6eb3116f7168.txt"
BAD_NAME = b"\xff\xfe\xb0_\xd6\xd0.txt"  # not UTF-8 (GBK bytes of 中 among them)


def _yusuan(*args: str, timeout: float = 120) -> tuple[subprocess.CompletedProcess[str], float]:
    """The CLI in a child process, so that a hang fails the test instead of freezing the suite."""
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "yusuan.cli", *args], capture_output=True, text=True,
                          timeout=timeout, errors="backslashreplace")
    return proc, time.monotonic() - t0


@pytest.fixture
def odd_paths(tmp_path: Path):  # type: ignore[no-untyped-def]
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    sock_path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    yield {"/dev/zero": "字符设备", str(fifo): "命名管道", str(sock_path): "套接字"}
    server.close()


def test_load_refuses_what_is_not_a_regular_file(odd_paths: dict[str, str], tmp_path: Path) -> None:
    for path, kind in odd_paths.items():
        doc, diags = load(path)
        assert doc is None and [d.code for d in diags] == ["I007"]
        assert kind in diags[0].message and "普通文件" in diags[0].message
    doc, diags = load(tmp_path)
    assert doc is None and diags[0].code == "I004"


@pytest.mark.parametrize("command", ["parse", "check"])
def test_parse_and_check_answer_devices_and_fifos_within_seconds(command: str, odd_paths: dict[str, str]) -> None:
    proc, seconds = _yusuan(command, *odd_paths)
    assert proc.returncode == 2
    assert seconds < 60  # it used to read /dev/zero until memory ran out, and wait on the FIFO forever
    for path, kind in odd_paths.items():
        assert any(path in line and kind in line for line in proc.stderr.splitlines()), (path, proc.stderr)
    assert "Traceback" not in proc.stderr


def test_ingest_records_devices_and_fifos_and_stores_the_rest(odd_paths: dict[str, str], tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    shutil.copyfile(SEED, good)
    db = tmp_path / "c.duckdb"
    proc, seconds = _yusuan("ingest", *odd_paths, str(good), "--db", str(db))
    assert proc.returncode == 2 and seconds < 60
    assert "新增 1 个" in proc.stderr and "失败 3 个" in proc.stderr
    con = open_store(db, read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (1,)
    reasons = con.execute("SELECT DISTINCT reason FROM failures").fetchall()
    assert reasons == [("input",)]


def _odd_named_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("00[01]_*.txt")):
        shutil.copyfile(seed, folder / seed.name)
    shutil.copyfile(SEED, os.fsdecode(os.fsencode(folder) + b"/" + BAD_NAME))
    return folder


def test_a_name_that_is_not_utf8_is_stored_and_shown_escaped(tmp_path: Path) -> None:
    folder = _odd_named_folder(tmp_path)
    con = open_store(tmp_path / "c.duckdb")
    summary = ingest(con, [str(folder)], workers=2)
    assert (summary.new, summary.failed) == (3, 0)
    (path, doc), = con.execute("SELECT path, doc FROM documents WHERE path LIKE '%xff%'").fetchall()
    assert path.endswith(r"\xff\xfe\xb0_\xd6\xd0.txt") and doc == r"\xff\xfe\xb0_\xd6\xd0"
    facts = con.execute("SELECT count(*) FROM facts WHERE doc = ?", [doc]).fetchone()
    assert facts is not None and facts[0] > 100
    # the escaped name is the file's stable identity: a re-run changes nothing
    again = ingest(con, [str(folder)], workers=2)
    assert (again.new, again.unchanged) == (0, 3)


def test_parse_of_a_folder_with_an_odd_name_writes_every_good_file(tmp_path: Path) -> None:
    folder = _odd_named_folder(tmp_path)
    out = tmp_path / "facts.csv"
    result = CliRunner().invoke(main, ["parse", "--format", "facts", "-o", str(out), str(folder)])
    assert result.exit_code == 0, result.stderr
    docs = {line.split(",")[0] for line in out.read_text(encoding="utf-8").splitlines()[1:]}
    assert docs == {"000_caaa6eb3116f7168", "001_2bc1f60d8e8166ed", r"\xff\xfe\xb0_\xd6\xd0"}
    result = CliRunner().invoke(main, ["check", "--format", "json", str(folder)])
    assert result.exit_code in (0, 1) and r"\\xff\\xfe" in result.stdout


def _huge_amounts(tmp_path: Path) -> Path:
    """The seed with some amounts of 20 and 40 integer digits, in tables and narrative, and
    a staff count beyond any integer column."""
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("227.23", "12345678901234567890.23").replace("181.05", "9" * 40 + ".05")
    text = text.replace("编制数 15", "编制数 99999999999")
    path = tmp_path / "huge.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_amounts_of_any_size_are_stored_as_printed_or_refused_per_value(tmp_path: Path) -> None:
    path = _huge_amounts(tmp_path)
    con = open_store(tmp_path / "c.duckdb")
    summary = ingest(con, [str(path)], workers=1)
    assert (summary.new, summary.failed) == (1, 0)
    rows = con.execute("SELECT value_text, value, value_wan FROM facts WHERE length(value_text) > 20").fetchall()
    assert rows and all(value is None and wan is None for _, value, wan in rows)
    assert {text for text, _, _ in rows} >= {"12345678901234567890.23", "9" * 40 + ".05"}
    normal = con.execute("SELECT value FROM facts WHERE value_text = '0.98' LIMIT 1").fetchone()
    assert normal is not None and str(normal[0]) == "0.980000"  # the other values of the file are stored
    notes = [m for (m,) in con.execute("SELECT message FROM diagnostics WHERE code = 'S001'").fetchall()]
    assert any("12345678901234567890.23" in m and "18 位" in m for m in notes)
    staff, audit_error, n_findings = con.execute(
        "SELECT staff_authorized, audit_error, n_findings FROM documents").fetchone()
    assert staff is None and any("99999999999" in m for m in notes)
    assert audit_error is None and n_findings is not None


def test_every_rule_runs_on_amounts_of_any_size(tmp_path: Path) -> None:
    from yusuan.api import parse

    disclosure, _ = parse(_huge_amounts(tmp_path))
    assert disclosure is not None
    report = check_disclosure(disclosure)
    crashed = [(c.rule, c.reason) for c in report.coverage if c.status.value == "error"]
    assert crashed == []  # 7 rules used to stop with InvalidOperation


def test_fitting_leaves_ordinary_records_unchanged() -> None:
    record = process_file(str(SEED), "0" * 64, check=True)
    before = (record.document, record.facts, record.findings, record.claims, record.figures, record.diagnostics)
    fit_to_store(record)
    assert (record.document, record.facts, record.findings, record.claims, record.figures, record.diagnostics) == before


def _blank_pdf(pages: int) -> bytes:
    from tests.test_ingest_hostile import minimal_pdf

    return minimal_pdf(pages)


def test_files_that_are_not_disclosures_never_enter_the_corpus(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    (folder / "blank.pdf").write_bytes(_blank_pdf(40))
    (folder / "memo.txt").write_text("会议纪要\n今天讨论了明年的工作安排。\n散会。\n", encoding="utf-8")
    shutil.copyfile(SEED, folder / "real.txt")
    con = open_store(tmp_path / "c.duckdb")
    summary = ingest(con, [str(folder)], workers=2)
    assert (summary.new, summary.failed) == (1, 3)
    assert con.execute("SELECT doc FROM documents").fetchall() == [("real",)]
    failures = {Path(p).name: (reason, message) for p, reason, message in
                con.execute("SELECT path, reason, message FROM failures").fetchall()}
    assert failures["photo.png"][0] == "input"
    for name in ("blank.pdf", "memo.txt"):
        reason, message = failures[name]
        assert reason == "not_disclosure" and "未存入语料库" in message and "可能不是预算" in message


@pytest.mark.slow
def test_a_file_over_the_memory_limit_fails_alone_and_is_not_retried_unless_asked(tmp_path: Path) -> None:
    from tests.test_isolation import _memory_hungry

    folder = tmp_path / "in"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copyfile(seed, folder / seed.name)
    _memory_hungry(folder / "scan.pdf")
    db = str(tmp_path / "c.duckdb")
    proc, seconds = _yusuan("ingest", str(folder), "--db", db, "-j", "2", "--limit", "memory_mb=300")
    assert proc.returncode == 2, proc.stderr
    failed = [line for line in proc.stderr.splitlines() if line.startswith("[失败]")]
    assert len(failed) == 1 and "scan.pdf" in failed[0] and "内存超过上限 300 MB" in failed[0]
    assert "--retry-failed" in failed[0] and "Traceback" not in proc.stderr
    n_seeds = len(list(SEEDS.glob("*.txt")))
    assert re.search(rf"新增 {n_seeds} 个", proc.stderr)
    con = open_store(db, read_only=True)
    assert con.execute("SELECT reason FROM failures").fetchall() == [("memory",)]
    con.close()
    # the next run does not try it again ...
    proc, _ = _yusuan("ingest", str(folder), "--db", db, "--limit", "memory_mb=300")
    assert proc.returncode == 0 and "此前失败、内容未变跳过 1 个" in proc.stderr
    # ... unless asked, with a higher limit: then it is read to the end (and found to be no disclosure)
    proc, _ = _yusuan("ingest", str(folder), "--db", db, "--retry-failed", "--limit", "memory_mb=2000")
    assert "内存" not in proc.stderr and "未存入语料库" in proc.stderr
    con = open_store(db, read_only=True)
    reasons = con.execute("SELECT reason FROM failures ORDER BY failed_at").fetchall()
    assert reasons == [("memory",), ("not_disclosure",)]
    assert seconds < 120


def test_a_fifo_or_device_as_the_database_is_refused(odd_paths: dict[str, str]) -> None:
    from yusuan.store.writer import StoreError

    for path in odd_paths:
        for read_only in (False, True):
            with pytest.raises(StoreError, match="不是普通文件"):
                open_store(path, read_only=read_only)
