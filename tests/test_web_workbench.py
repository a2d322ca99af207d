"""The reviewer's workbench through Flask's test client, on real documents: findings in order
of severity with filters, decisions that change the counts and survive a re-ingest, page
images with the finding's cells boxed, compare of both kinds with nothing dropped, a unit's
history."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.test_web_routes import client_for, service, settle
from yusuan.audit.fingerprint import fingerprint
from yusuan.store import compare, ingest, open_store
from yusuan.store.extract import file_sha256
from yusuan.web.pages import NoPage, PageImages, find_sentence, find_words

FIXTURES = Path(__file__).parent / "fixtures"
REAL = ["101", "104", "108", "116", "119", "127", "128", "129", "133", "136", "137"]
pytestmark = pytest.mark.slow


def real(prefix: str) -> Path:
    return next((FIXTURES / "real").glob(f"{prefix}_*.pdf"))


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Fifteen documents: the four seeds (text) and eleven real PDFs, one of them 决算."""
    db = tmp_path_factory.mktemp("corpus") / "c.duckdb"
    con = open_store(db)
    summary = ingest(con, [*sorted((FIXTURES / "seeds").glob("0*.txt")), *(real(p) for p in REAL)], workers=2)
    assert summary.failed == 0 and summary.new == 15
    con.close()
    return db


@pytest.fixture()
def client(corpus_db: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    db = tmp_path / "c.duckdb"
    shutil.copyfile(corpus_db, db)
    c = client_for(tmp_path, db=db)
    yield c
    service(c).stop()


def sha_of(client, prefix: str) -> str:  # type: ignore[no-untyped-def]
    docs, _ = service(client).corpus.documents()
    return next(d.sha for d in docs if d.doc.startswith(prefix))


def doc_page(client, sha: str, query: str = "") -> str:  # type: ignore[no-untyped-def]
    client.get(f"/doc/{sha}")  # queues the page's analysis
    settle(client)
    resp = client.get(f"/doc/{sha}{query}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def shown(page: str) -> list[tuple[str, str, str]]:
    """(fingerprint, severity, rule) of each finding listed, in order."""
    return re.findall(r'data-fingerprint="(\w+)" data-severity="(\w+)" data-rule="(\w+)"', page)


def count(page: str) -> int:
    return int(re.search(r'id="findings-count">(\d+)<', page).group(1))  # type: ignore[union-attr]


def test_findings_in_order_of_severity_with_filters(client) -> None:  # type: ignore[no-untyped-def]
    sha = sha_of(client, "000")
    page = doc_page(client, sha)
    items = shown(page)
    severities = [s for _, s, _ in items]
    assert len(set(severities)) > 1  # the seed has findings of more than one severity
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert count(page) == len(items)
    # diagnostics stand apart and are not in the count
    analysis = service(client).analyses.get(sha)
    assert count(page) == len(analysis.findings)

    worst = severities[0]
    only = shown(doc_page(client, sha, f"?severity={worst}"))
    assert only and {s for _, s, _ in only} == {worst} and len(only) == severities.count(worst)
    family = items[-1][2][:3]
    by_family = shown(doc_page(client, sha, f"?family={family}"))
    assert by_family and {r[:3] for _, _, r in by_family} == {family}
    table = next(f.location.table for f in analysis.findings if f.location.table)
    by_table = doc_page(client, sha, f"?table={table}")
    assert len(shown(by_table)) == sum(1 for f in analysis.findings if f.location.table == table)
    word = analysis.findings[0].rule
    assert {r for _, _, r in shown(doc_page(client, sha, f"?q={word}"))} == {word}
    assert shown(doc_page(client, sha, "?q=没有这样的说明文字")) == []
    assert client.get(f"/doc/{sha}?severity=fatal").status_code == 400
    assert 'id="claims-table"' in page  # the narrative's stated quantities are listed


def test_dismissal_changes_counts_everywhere_and_survives_reingest(client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sha = sha_of(client, "119")
    page = doc_page(client, sha)
    fp, severity, _ = shown(page)[0]
    before = count(page)
    corpus_row = _corpus_counts(client, sha)
    compare_before = _compare_findings(client, sha)
    report_before = client.get(f"/doc/{sha}/download/report").get_data(as_text=True)

    resp = client.post(f"/doc/{sha}/decision", data={"fingerprint": fp, "decision": "dismissed"})
    assert resp.status_code == 400 and "理由" in resp.get_data(as_text=True)
    resp = client.post(f"/doc/{sha}/decision", data={"fingerprint": fp, "decision": "dismissed"},
                       headers={"Sec-Fetch-Site": "cross-site"})
    assert resp.status_code == 403
    reason = "说明中的变动率按上年执行数计算"
    resp = client.post(f"/doc/{sha}/decision",
                       data={"fingerprint": fp, "decision": "dismissed", "reason": reason, "reviewer": "王审"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"#f-{fp}")

    page = doc_page(client, sha)
    assert count(page) == before - 1 and fp not in {f for f, _, _ in shown(page)}
    assert "已排除 1 条" in page
    listed = doc_page(client, sha, "?dismissed=1")
    assert reason in listed and "王审" in listed
    assert _corpus_counts(client, sha)[severity] == corpus_row[severity] - 1
    assert _compare_findings(client, sha)[severity] == compare_before[severity] - 1
    # and out of the exports
    exported = client.get(f"/doc/{sha}/download/findings").get_json()
    assert len(exported["findings"]) == before - 1 and exported["dismissed"] == 1
    report = client.get(f"/doc/{sha}/download/report").get_data(as_text=True)
    gone = next(f for f in service(client).analyses.get(sha).findings if fingerprint(f) == fp)
    assert gone.message[:40] in report_before and gone.message[:40] not in report

    # the same file ingested again (another path: a new document with the same content)
    copy = tmp_path / "again.pdf"
    shutil.copyfile(real("119"), copy)
    with service(client).db.writing() as con:
        assert ingest(con, [str(copy)], workers=1).new == 1
    docs, _ = service(client).corpus.documents()
    again = [d for d in docs if d.sha == sha]
    assert len(again) == 2 and all(d.dismissed == 1 for d in again)

    # withdrawn: the finding counts again
    client.post(f"/doc/{sha}/decision", data={"fingerprint": fp, "decision": "open"})
    assert count(doc_page(client, sha)) == before


def _corpus_counts(client, sha: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    docs, _ = service(client).corpus.documents()
    d = next(d for d in docs if d.sha == sha)
    return {"error": d.errors, "warning": d.warnings, "info": d.infos}


def _compare_findings(client, sha: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    data = client.get(f"/api/compare?doc={sha}").get_json()
    return data["docs"][0]["findings"]


def test_page_image_boxes_the_findings_cells(client) -> None:  # type: ignore[no-untyped-def]
    sha = sha_of(client, "119")
    page = doc_page(client, sha)
    links = re.findall(r'href="(/doc/\w+/page\?p=\d+&amp;finding=\w+)"', page)
    assert links
    view = client.get(links[0].replace("&amp;", "&")).get_data(as_text=True)
    assert re.search(r'<img src="/doc/\w+/page.png\?p=\d+"', view)
    boxes = re.findall(r'<rect class="box" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', view)
    width, height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', view).groups())  # type: ignore[union-attr]
    assert boxes and all(0 <= float(x) < width and 0 <= float(y) < height for x, y, _, _ in boxes)
    # a table's cells, from the stored facts; one row's from its link on the document page
    table = client.get(f"/doc/{sha}/page?table=1").get_data(as_text=True)
    whole = len(re.findall(r'<rect class="box"', table))
    assert whole > 5
    row_link = re.search(r'class="row-page" href="(/doc/\w+/page\?p=\d+&amp;table=1&amp;row=\d+)"', page)
    assert row_link
    row = client.get(row_link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert 0 < len(re.findall(r'<rect class="box"', row)) < whole
    png = client.get(f"/doc/{sha}/page.png?p=1")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get(f"/doc/{sha}/page.png?p=999").status_code == 404
    # a text document has no page image, and says so
    text = client.get(f"/doc/{sha_of(client, '000')}/page?p=1").get_data(as_text=True)
    assert "不是 PDF" in text and "<img" not in text


def test_page_cache_is_bounded(tmp_path: Path) -> None:
    pdf = real("119")
    sha = file_sha256(pdf)
    images = PageImages(tmp_path / "pages", max_bytes=1)
    first = images.get(pdf, sha, 1)
    assert first.png.exists() and first.pages > 1 and first.width > 100
    second = images.get(pdf, sha, 2)
    assert second.png.exists() and not first.png.exists()  # the older page made room
    assert images.get(tmp_path / "gone.pdf", sha, 2) == second  # cached: the file is not opened again
    with pytest.raises(NoPage, match="找不到该文件"):
        images.get(tmp_path / "gone.pdf", sha, 1)
    with pytest.raises(NoPage, match="已被修改"):  # another content under this hash is never rendered
        images.get(real("129"), sha, 1)


def test_compare_fifteen_documents_of_both_kinds(client) -> None:  # type: ignore[no-untyped-def]
    docs, _ = service(client).corpus.documents()
    shas = [d.sha for d in docs]
    assert len(shas) == 15
    query = "&".join(f"doc={s}" for s in shas)
    data = client.get(f"/api/compare?{query}").get_json()
    assert {d["sha"] for d in data["docs"]} == set(shas) and data["selection"]["total"] == 15
    assert [g["title"] for g in data["groups"]] == ["预算", "决算"]  # kept apart
    assert sum(len(g["docs"]) for g in data["groups"]) == 15
    labels = [d["label"] for d in data["docs"]]
    assert len(set(labels)) == 15  # no two documents read the same
    mixed = client.get(f"/api/compare?{query}&mix=1").get_json()
    assert len(mixed["groups"]) == 1 and len(mixed["groups"][0]["docs"]) == 15
    page = client.get(f"/compare?{query}").get_data(as_text=True)
    assert "共选中 15 个文件，全部显示" in page and page.count("<tr data-sha=") == 15
    assert "vendor/echarts/echarts.min.js" in page and "charts.js" not in page.replace("echarts", "")
    # filters: kind, scope, also over the ticked documents (saying how many they leave out)
    assert len(client.get("/api/compare?kind=决算").get_json()["docs"]) == 1
    narrowed = client.get(f"/api/compare?{query}&kind=决算").get_json()
    assert len(narrowed["docs"]) == 1 and narrowed["selection"]["filtered_out"] == 14
    assert "另有 14 个已勾选的文件不符合筛选条件" in client.get(f"/compare?{query}&kind=决算").get_data(as_text=True)
    assert {d["scope"] for d in client.get("/api/compare?scope=单位").get_json()["docs"]} == {"单位"}
    too_many = "&".join(f"doc={i:064x}" for i in range(101))
    resp = client.get(f"/compare?{too_many}")
    assert resp.status_code == 400 and "最多 100 个" in resp.get_data(as_text=True)


def test_jiangsu_three_public_is_the_printed_subtotal(client) -> None:  # type: ignore[no-untyped-def]
    """The compare page's "三公" total agrees with `yusuan compare three-public` (the 小计)."""
    data = client.get("/api/compare").get_json()
    with service(client).db.reading() as con:
        result = compare(con, "three-public")
    store = {row[-1]: row[2] for row in result.rows}
    jiangsu = [d for d in data["docs"] if "_js-" in d["doc"] and d["three_public"]["total"] is not None]
    assert jiangsu
    for d in jiangsu:
        assert d["three_public"]["total"] == f"{store[d['doc']]:.2f}", d["doc"]
    assert any(d["three_public"]["meeting"] for d in jiangsu)


def test_unit_history_side_by_side(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/unit?name=江苏省人民检察院").get_data(as_text=True)
    years = re.findall(r"<tr><td>(\d{4})</td>", page)
    assert years == ["2017", "2018", "2019"]
    assert page.count('class="change ') >= 2  # each later year shows its change on the year before
    assert "语料库中没有" in client.get("/unit?name=不存在的单位").get_data(as_text=True)


def test_a_sentence_is_boxed_line_by_line_whatever_its_breaks() -> None:
    pdf = real("119")
    # as the parser read it: half-width commas, its own spaces; printed over two lines
    lines = find_sentence(pdf, 26, "2.一般行政管理事务(项)支出 3,666 万元,与上年相比增加 21.8 万元,增长 0.06 %")
    assert len(lines) == 2
    (x0, top, x1, bottom), (x0b, topb, _, _) = lines
    assert x1 - x0 > 200 and 10 < bottom - top < 30 and topb > bottom - 1 and x0b < x0  # the second line is below
    # a quote cut short ("…", as finding messages quote) runs on to the sentence's full stop
    cut = find_sentence(pdf, 26, "2.一般行政管理事务(项)支出 3,666 万元…")
    assert len(cut) == 2 and cut[0] == lines[0] and cut[1][2] >= lines[1][2]
    assert find_sentence(pdf, 26, "这句话不在这一页上出现过的文字") == []
    assert find_sentence(pdf, 26, "太短") == []
    numbers = find_words(pdf, 26, ["3666"])  # printed 3,666: found, one box
    assert len(numbers) == 1 and lines[0][0] < numbers[0][0] < lines[0][2]
