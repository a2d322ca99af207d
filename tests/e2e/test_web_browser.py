"""End-to-end: the running web app driven by a real headless browser (Debian chromium).

Uploads two seeds, checks the findings shown against the server's own analysis, opens the
comparison page and checks the charts were drawn, and takes a screenshot of each main page
(into $YUSUAN_SCREENSHOTS when set, e.g. docs/screenshots, else the test's tmp folder).
"""

from __future__ import annotations

import io
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


def serving(tmp_path: Path, db: Path) -> Iterator[tuple[str, object]]:
    """The app over ``db`` on an ephemeral loopback port: (base URL, its service)."""
    from werkzeug.serving import make_server

    from yusuan.web import WebConfig, create_app

    app = create_app(WebConfig(data_dir=tmp_path / "data", db=db))
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}", app.extensions["yusuan"]
    finally:
        srv.shutdown()
        thread.join(timeout=10)
        app.extensions["yusuan"].stop()


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[str, object]]:
    yield from serving(tmp_path, ingested_db(tmp_path))


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


def chart_series(pg, selector: str) -> list[list[str | None]]:  # type: ignore[no-untyped-def]
    """The exact values (server strings) each series of an ECharts chart holds."""
    return pg.evaluate(
        """sel => echarts.getInstanceByDom(document.querySelector(sel)).getOption().series
                  .map(s => s.data.map(d => d.exact))""",
        selector,
    )


def script_errors(pg) -> list[str]:  # type: ignore[no-untyped-def]
    """Console errors and uncaught exceptions (CSP violations among them), as they come."""
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_upload_findings_and_compare(server, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base, service = server
    errors = script_errors(page)
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
        code = page.locator("#findings li.finding").first.get_attribute("data-rule")
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
        plot = page.locator(f"#chart-{chart}-0 .echart")
        assert plot.locator("svg").count() + plot.locator("p.empty").count() == 1, chart
    # the findings chart (ECharts) holds exactly the counts of each document, severity by severity
    series = chart_series(page, "#chart-findings-0 .echart")
    for k, s in zip(("error", "warning", "info"), series, strict=True):
        assert s == [str(d["findings"][k]) for d in data["docs"]]
    assert page.locator(".compare-numbers tbody tr").count() == len(data["docs"])
    shot(page, shots / "compare-uploads.png", full_page=True)

    # the store's questions over the corpus: the database's seed and the two uploads
    page.goto(base + "/questions?what=basic-project")
    assert page.locator("#question-result tbody tr").count() == 3
    shot(page, shots / "questions.png")

    assert errors == []  # no script errors, no CSP violations


REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real"
WORKBENCH_REAL = ["101", "104", "108", "116", "119", "127", "128", "129", "133", "136", "137"]


@pytest.fixture()
def corpus_server(tmp_path: Path) -> Iterator[tuple[str, object]]:
    """The server over a corpus of fifteen documents: the four seeds and eleven real PDFs
    (one of them 决算)."""
    from yusuan.store import ingest
    from yusuan.store.writer import open_store

    db = tmp_path / "corpus.duckdb"
    con = open_store(db)
    files = [*sorted(SEEDS.glob("0*.txt")), *(next(REAL.glob(f"{p}_*.pdf")) for p in WORKBENCH_REAL)]
    assert ingest(con, [str(f) for f in files], workers=2).new == 15
    con.close()
    yield from serving(tmp_path, db)


def findings_count(pg) -> int:  # type: ignore[no-untyped-def]
    return int(pg.inner_text("#findings-count"))


@pytest.mark.slow
def test_reviewer_workbench(corpus_server, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base, service = corpus_server
    errors = script_errors(page)
    shots = shots_dir(tmp_path)
    docs, _ = service.corpus.documents()
    target = next(d for d in docs if d.doc.startswith("104"))  # findings of all three severities

    # the document page: findings by severity then page, filtered with the form
    page.goto(f"{base}/doc/{target.sha}")
    page.wait_for_selector("#findings-count", timeout=180_000)
    total = findings_count(page)
    severities = page.locator("#finding-list li.finding").evaluate_all("ls => ls.map(l => l.dataset.severity)")
    assert len(severities) == total > 0
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    shot(page, shots / "document.png")
    worst = severities[-1]
    page.select_option("#finding-filters select[name=severity]", worst)
    with page.expect_navigation():
        page.click("#filter-button")
    listed = page.locator("#finding-list li.finding")
    assert listed.count() == severities.count(worst)
    assert set(listed.evaluate_all("ls => ls.map(l => l.dataset.severity)")) == {worst}
    shot(page, shots / "document-filtered.png")

    # a finding's page image, its cells or words boxed on the rendered page
    page.goto(f"{base}/doc/{target.sha}")
    first = page.locator("#finding-list li.finding").first
    fp = first.get_attribute("data-fingerprint")
    with page.expect_navigation():
        first.locator("a.page-link").click()
    page.wait_for_function("() => document.querySelector('#page-image img').naturalWidth > 0")
    box = page.locator("#page-image rect.box").first
    image = page.locator("#page-image img").bounding_box()
    drawn = box.bounding_box()
    assert drawn and image and drawn["width"] > 2 and drawn["height"] > 2
    assert image["x"] <= drawn["x"] and drawn["x"] + drawn["width"] <= image["x"] + image["width"] + 1
    assert image["y"] <= drawn["y"] and drawn["y"] + drawn["height"] <= image["y"] + image["height"] + 1
    box.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -200)")
    shot(page, shots / "page-image.png")

    # a finding about a table cell: its statement's page links to the cell's page, where the
    # stored box of the cell is drawn
    from yusuan.audit.fingerprint import fingerprint

    final = next(d for d in docs if d.doc.startswith("101"))
    page.goto(f"{base}/doc/{final.sha}")
    page.wait_for_selector("#findings-count", timeout=180_000)
    cell = next(f for f in service.analyses.get(final.sha).findings if f.location.table and f.location.row_code)
    page.goto(f"{base}/doc/{final.sha}/page?finding={fingerprint(cell)}")
    with page.expect_navigation():
        page.locator("#page-also a").first.click()
    page.wait_for_function("() => document.querySelector('#page-image img').naturalWidth > 0")
    assert page.locator("#page-image rect.box").count() >= 1
    page.locator("#page-image rect.box").first.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -250)")
    shot(page, shots / "page-image-cell.png")

    # dismiss it: the counts drop on the document, corpus and compare pages
    page.goto(f"{base}/doc/{target.sha}")
    item = page.locator(f"#f-{fp}")
    item.locator("details.decide summary").click()
    item.locator("input[name=reviewer]").fill("王审")
    item.locator("input[name=reason]").fill("变动率按上年执行数计算，规则误报")
    with page.expect_navigation():
        item.locator("button.dismiss").click()
    assert findings_count(page) == total - 1
    assert page.locator(f"#f-{fp}").count() == 0 and "已排除 1 条" in page.inner_text("#findings-summary")
    shot(page, shots / "document-dismissed.png")

    # re-ingest the same file (another path, the same content): the decision holds
    copy = tmp_path / "again.pdf"
    copy.write_bytes(Path(target.path).read_bytes())
    from yusuan.store import ingest

    with service.db.writing() as con:
        assert ingest(con, [str(copy)], workers=1).new == 1
    page.goto(f"{base}/corpus")
    rows = page.locator(f"#corpus-table tbody tr:has(a[href='/doc/{target.sha}'])")
    assert rows.count() == 2
    assert rows.evaluate_all("rs => rs.map(r => r.children[12].textContent.trim())") == ["1", "1"]
    page.goto(f"{base}/doc/{target.sha}")
    assert findings_count(page) == total - 1

    # export the findings as xlsx, as a reviewer sends them on: the dismissed one is not there,
    # page and line are numbers
    with page.expect_download() as download:
        page.click("#dl-findings-xlsx")
    from openpyxl import load_workbook

    assert download.value.suggested_filename.endswith(".findings.xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))["审核发现"]
    exported = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(exported) == total - 1 and fp not in {row[-1] for row in exported}
    assert all(isinstance(row[8], int) for row in exported if row[8] is not None)

    # compare the fifteen documents of both kinds: nothing dropped, 预算 and 决算 apart
    page.goto(f"{base}/corpus")
    shot(page, shots / "corpus.png")
    page.goto(f"{base}/compare?" + "&".join(f"doc={d.sha}" for d in docs))
    assert page.locator("#compare-selection").get_attribute("data-total") == "15"
    assert page.locator("#compare-selection").get_attribute("data-shown") == "15"
    assert page.locator(".compare-numbers tbody tr").count() == 15
    titles = page.locator("h2.group-title").all_inner_texts()
    assert [t.split("（")[0] for t in titles] == ["预算", "决算"]
    names = page.evaluate(
        """() => [...document.querySelectorAll('[data-chart=structure]')]
                 .map(el => echarts.getInstanceByDom(el).getOption().yAxis[0].data)"""
    )
    assert [len(n) for n in names] == [14, 1] and len(set(names[0] + names[1])) == 15
    # the dismissed finding is out of the compare counts too
    data = page.evaluate("JSON.parse(document.getElementById('compare-data').textContent)")
    mine = next(d for d in data["docs"] if d["sha"] == target.sha)
    assert sum(mine["findings"].values()) == total - 1
    # hovering a bar shows the full name and the exact amount
    chart = page.locator("#chart-three-public-0 .echart")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + 60)
    page.wait_for_timeout(300)
    shot(page, shots / "compare.png", full_page=True)

    # a unit's years side by side
    page.goto(f"{base}/unit?name=江苏省人民检察院")
    years = page.locator(".history-table tbody tr td:first-child").all_inner_texts()
    assert years == ["2017", "2018", "2019"]
    shot(page, shots / "unit-history.png")

    assert errors == []  # no script errors, no CSP violations
