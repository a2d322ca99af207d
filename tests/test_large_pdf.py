"""A PDF longer than the page limit: the pages not read are named in every output.

The file is built here from a real table page repeated 1,000 times (pypdfium2 imports
pages), so the reader does real work on each page it reads.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pdfium = pytest.importorskip("pypdfium2")

REAL = Path(__file__).parent / "fixtures" / "real" / "108_sh-putuo-zfbgs-2025-danwei-yusuan.pdf"
SRC = str(Path(__file__).resolve().parent.parent / "src")
UNREAD = "第 301–1000 页未读取"


@pytest.fixture(scope="module")
def thousand_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = pdfium.PdfDocument(REAL)
    doc = pdfium.PdfDocument.new()
    doc.import_pages(src, [13] * 1000)  # a table page (一般公共预算支出)
    path = tmp_path_factory.mktemp("large") / "一千页.pdf"
    doc.save(path)
    return path


def _yusuan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "yusuan.cli", *args], capture_output=True, text=True,
                          env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"}, timeout=600)


@pytest.mark.slow
def test_thousand_pages_read_up_to_the_limit_and_the_rest_named(thousand_pages: Path) -> None:
    """Default limits: pages 1-300 are read (their facts are in the result), 301-1000 named."""
    parsed = _yusuan("parse", "--format", "json", str(thousand_pages))
    # exit 2: one table of the nine a disclosure must publish (P002, the file is made up)
    assert parsed.returncode == 2 and "P002" in parsed.stderr and "Traceback" not in parsed.stderr
    data = json.loads(parsed.stdout)
    cut = [d for d in data["diagnostics"] if d["code"] == "I104"]
    assert len(cut) == 1 and UNREAD in cut[0]["message"] and "pages = 300" in cut[0]["message"]
    assert UNREAD in parsed.stderr  # also said where a user running the command sees it
    pages = {r["source"]["page"] for t in data["tables"] for r in t["rows"] if (r.get("source") or {}).get("page")}
    assert pages and max(pages) == 300  # rows of the pages read, up to the last


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "html"])
def test_every_check_format_names_the_pages_not_read(thousand_pages: Path, fmt: str) -> None:
    result = _yusuan("check", "--format", fmt, "--limit", "pages=4", str(thousand_pages))
    assert result.returncode in (0, 1), result.stderr
    assert "I104" in result.stdout and "第 5–1000 页未读取" in result.stdout
