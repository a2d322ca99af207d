"""`yusuan serve` as a real process: it starts on 127.0.0.1, answers, and stops when told."""

from __future__ import annotations

import re
import select
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def test_serve_process_answers_and_stores_beside_db(tmp_path: Path) -> None:
    db = tmp_path / "corpus.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-m", "yusuan.cli", "serve", "--db", str(db), "--port", "0"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )
    try:
        assert proc.stderr is not None
        ready = select.select([proc.stderr], [], [], 60)[0]  # bounded wait for the banner
        assert ready, "no banner within 60 s"
        line = proc.stderr.readline()  # the banner, printed once the socket is bound
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m, line
        url = f"http://127.0.0.1:{m.group(1)}/"
        for _ in range(50):  # bounded: the socket is already listening, this is belt and braces
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    body = resp.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("server did not answer")
        assert "上传预算公开文件" in body
        assert (tmp_path / "corpus.files" / "uploads").is_dir()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_serve_reports_a_port_in_use(tmp_path: Path) -> None:
    import socket

    from click.testing import CliRunner

    from yusuan.web.cli import serve_command

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = CliRunner().invoke(serve_command, ["--db", str(tmp_path / "y.duckdb"), "--port", str(port)], env={})
    assert result.exit_code == 2 and "无法在 127.0.0.1" in result.output
