"""End-to-end: the running web app driven by a real headless browser (Debian chromium).

Uploads two seeds, checks the findings shown against the server's own analysis, opens the
comparison page and checks the charts were drawn, and takes a screenshot of each main page
(into $YUSUAN_SCREENSHOTS when set, e.g. docs/screenshots, else the test's tmp folder).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (scripts/setup.sh installs Debian's chromium)"
)


def ingested_db(tmp_path: Path) -> Path:
    """A corpus database holding one seed (001), written by the store's own writer."""
    from yusuan.store.extract import file_sha256, process_file
    from yusuan.store.writer import open_store

    path = next(SEEDS.glob("001_*.txt"))
    db = tmp_path / "corpus.duckdb"
    con = open_store(db)
    try:
        from yusuan.store.writer import write_document

        write_document(con, process_file(str(path), file_sha256(path)))
    finally:
        con.close()
    return db


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[str, object]]:
    from werkzeug.serving import make_server

    from yusuan.web import WebConfig, create_app

    app = create_app(WebConfig(data_dir=tmp_path / "data", db=ingested_db(tmp_path)))
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}", app.extensions["yusuan"]
    finally:
        srv.shutdown()
        thread.join(timeout=10)


@pytest.fixture()
def page() -> Iterator[object]:
    from playwright.sync_api import sync_playwright  # dev dependency; browsers are not downloaded

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, timeout=60_000)
        try:
            pg = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            pg.set_default_timeout(20_000)
            yield pg
        finally:
            browser.close()


def shots_dir(tmp_path: Path) -> Path:
    out = Path(os.environ.get("YUSUAN_SCREENSHOTS") or tmp_path / "shots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def shot(pg, path: Path, full_page: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Screenshot, reduced to a palette PNG when Pillow is there (keeps docs/screenshots small)."""
    pg.screenshot(path=str(path), full_page=full_page)
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as img:
        small = img.convert("RGB").quantize(colors=128)
    small.save(path, optimize=True)


def upload_seed(pg, base: str, path: Path) -> str:  # type: ignore[no-untyped-def]
    pg.goto(base + "/")
    pg.set_input_files("#file", str(path))
    with pg.expect_navigation():
        pg.click("#upload-button")
    assert "/doc/" in pg.url, pg.inner_text("main")
    # the page says 处理中 and refreshes itself until the server has ingested the file and
    # prepared its page
    pg.wait_for_selector("#findings-count", timeout=120_000)
    return pg.url.rsplit("/", 1)[1]


def test_upload_findings_and_compare(server, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base, service = server
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    shots = shots_dir(tmp_path)

    seeds = [next(SEEDS.glob("000_*.txt")), next(SEEDS.glob("002_*.txt"))]
    shas = [upload_seed(page, base, p) for p in seeds]

    # the document page shows the server's findings, each marked on its cell when it has one
    analysis = service.analyses.get(shas[-1])
    assert page.inner_text("#findings-count") == str(len(analysis.findings))
    assert page.locator("#findings li.finding").count() == len(analysis.findings)
    assert page.locator("article.table-card").count() == len(analysis.disclosure.tables)
    shot(page, shots / "document.png")
    flagged = page.locator("td.flagged, tr.marked")
    if any(f.location.table and (f.location.row_code or f.location.row_name) for f in analysis.findings):
        assert flagged.count() > 0
        # the finding's "定位" link jumps to its marked cell or row
        link = page.locator("#findings a.jump[href*='-r']").first
        target = link.get_attribute("href")
        link.click()
        assert page.evaluate("location.hash") == target
        assert page.locator(f"{target}.flagged, {target}.marked").count() == 1
        shot(page, shots / "document-cells.png")

    if analysis.findings:  # a finding's rule code opens that rule's documentation
        code = analysis.findings[0].rule
        with page.expect_navigation():
            page.locator("#findings a.rule").first.click()
        assert page.url.endswith(f"/rules#{code}") and page.locator(f"article.rule-doc#{code}").count() == 1
        shot(page, shots / "rules.png")

    page.goto(base + "/")
    assert page.locator("#recent tbody tr").count() == 2
    assert page.locator('#recent td[data-state="已入库"]').count() == 2
    shot(page, shots / "upload.png")

    # corpus -> compare with both documents ticked
    page.goto(base + "/corpus")
    assert page.locator("#corpus-table tbody tr").count() == 3  # two uploads and the database's seed
    shot(page, shots / "corpus.png")
    with page.expect_navigation():
        page.click("#compare-button")
    assert "/compare" in page.url
    data = page.evaluate("JSON.parse(document.getElementById('compare-data').textContent)")
    assert len(data["docs"]) == 3 and set(shas) <= {d["sha"] for d in data["docs"]}
    for chart in ("structure", "functions", "three-public", "trend", "findings"):
        plot = page.locator(f"#chart-{chart} .plot")
        assert plot.locator("svg").count() + plot.locator("p.empty").count() == 1, chart
    # the findings chart has one bar per (document, severity), tall exactly where the count is not zero
    bars = page.locator("#chart-findings svg rect.bar")
    assert bars.count() == 3 * len(data["docs"])
    heights = bars.evaluate_all("rs => rs.map(r => Number(r.getAttribute('height')))")
    nonzero = sum(1 for d in data["docs"] for n in d["findings"].values() if n)
    assert sum(1 for h in heights if h > 0) == nonzero > 0  # every seed yields a finding or diagnostic
    assert page.locator("#compare-numbers tbody tr").count() == len(data["docs"])
    shot(page, shots / "compare.png", full_page=True)

    # the store's questions over the corpus: the database's seed and the two uploads
    page.goto(base + "/questions?what=basic-project")
    assert page.locator("#question-result tbody tr").count() == 3
    shot(page, shots / "questions.png")

    assert errors == []  # no script errors, no CSP violations
