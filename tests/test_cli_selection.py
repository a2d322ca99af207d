"""``ingest --include/--exclude`` and the matching rule behind it (``yusuan.selection``), which the
web upload and ``per-file-ignores`` share."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from yusuan.cli import main
from yusuan.selection import matches, selected

from .conftest import seed


@pytest.mark.parametrize(("path", "pattern", "expected"), [
    ("a/b/报告.PDF", "*.pdf", True),  # a name pattern matches the file name, ignoring case
    ("a/b/INDEX.md", "*.pdf", False),
    ("root/2024/x/y.pdf", "2024/**/*.pdf", True),  # ** crosses folders
    ("root/2024/y.pdf", "2024/**/*.pdf", True),  # and may match none
    ("root/2024/x/y.pdf", "2024/*.pdf", False),  # * stays in one folder
    ("root/2025/y.pdf", "2024/**", False),
    ("root/附件/说明.docx", "附件/*", True),
    ("root/a/附件/说明.docx", "**/附件/*", True),
    ("root/a.txt", "[ab].txt", True),
    ("root/c.txt", "[!ab].txt", True),
    ("root/a.txt", "", False),
])
def test_matches(path: str, pattern: str, expected: bool) -> None:
    assert matches(path, pattern, root="root") is expected


def test_selected_takes_include_then_exclude() -> None:
    assert selected("d/a.pdf")
    assert selected("d/a.pdf", include=["*.pdf", "*.xlsx"])
    assert not selected("d/a.md", include=["*.pdf"])
    assert not selected("d/old/a.pdf", include=["*.pdf"], exclude=["old/**"], root="d")
    assert selected("d/new/a.pdf", include=["*.pdf"], exclude=["old/**"], root="d")


def test_ingest_include_exclude_select_the_files_of_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "old").mkdir(parents=True)
    for prefix in ("000", "002"):
        (folder / seed(prefix).name).write_bytes(seed(prefix).read_bytes())
    (folder / "old" / seed("004").name).write_bytes(seed("004").read_bytes())
    (folder / "INDEX.md").write_text("# 目录\n", encoding="utf-8")
    db = tmp_path / "c.duckdb"
    result = CliRunner().invoke(main, ["ingest", "--db", str(db), "--no-check", "--include", "*.txt",
                                       "--exclude", "old/**", str(folder)])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    stored = sorted(Path(p).name for (p,) in con.execute("SELECT path FROM documents").fetchall())
    con.close()
    assert stored == sorted([seed("000").name, seed("002").name])
    assert "共 2 个文件" in result.stderr
    quiet = CliRunner().invoke(main, ["ingest", "-q", "--db", str(db), "--no-check", str(folder / "old")])
    assert quiet.exit_code == 0 and quiet.stderr == ""


REAL_PDF = sorted((Path(__file__).parent / "fixtures" / "real").glob("*.pdf"))


def _on_a_terminal(command: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run ``command`` with its stderr on a pseudo-terminal; its exit code and what it showed."""
    leader, follower = pty.openpty()
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=follower, env=env, timeout=300)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    return proc.returncode, seen.decode("utf-8", errors="replace")


@pytest.mark.slow
@pytest.mark.skipif(not REAL_PDF, reason="no real PDF fixture")
@pytest.mark.parametrize("command", ["parse", "ingest"])
def test_pages_done_are_shown_on_a_terminal_and_not_when_piped(tmp_path: Path, command: str) -> None:
    pdf = min(REAL_PDF, key=lambda p: p.stat().st_size)
    args = (["parse", "--format", "facts", "-o", str(tmp_path / "f.csv")] if command == "parse"
            else ["ingest", "--no-check", "--db", str(tmp_path / "c.duckdb")])
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    code, shown = _on_a_terminal([sys.executable, "-m", "yusuan.cli", *args, str(pdf)], env)
    assert code == 0, shown
    assert "读取第 1/" in shown and "\r" in shown  # one line, rewritten
    if command == "ingest":
        args[-1] = str(tmp_path / "d.duckdb")
    piped = subprocess.run([sys.executable, "-m", "yusuan.cli", *args, str(pdf)], capture_output=True, env=env,
                           timeout=300)
    assert piped.returncode == 0 and "读取第" not in piped.stderr.decode()
