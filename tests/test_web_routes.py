"""Route tests for the web app with Flask's test client: upload, safe storage, size limit,
token rules, escaping, findings on cells, corpus, compare and downloads."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from yusuan.api import parse
from yusuan.model import (
    Column,
    Disclosure,
    Finding,
    Location,
    Meta,
    MoneyUnit,
    Row,
    Severity,
    Table,
)
from yusuan.web import WebConfig, create_app
from yusuan.web.checks import run_checks
from yusuan.web.cli import serve_command
from yusuan.web.corpus import region_of

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def client_for(tmp_path: Path, **kw):  # type: ignore[no-untyped-def]
    parser = kw.pop("parser", None)
    checker = kw.pop("checker", None)
    app = create_app(WebConfig(data_dir=tmp_path / "data", **kw), parser=parser, checker=checker)
    return app.test_client()


def service(client):  # type: ignore[no-untyped-def]
    return client.application.extensions["yusuan"]


def settle(client) -> None:  # type: ignore[no-untyped-def]
    """Wait for the background jobs (ingest, document pages) to finish."""
    assert service(client).jobs.wait_idle(120)


def tiny_text(unit: str = "吴堡县教育局", year: int = 2024, money: str = "万元", scale: int = 1) -> bytes:
    """A small real disclosure (one spending table and a line of narrative): the store's ingest
    accepts it, in a few hundredths of a second."""
    total, basic, project = (f"{v * scale:.2f}" for v in (150, 100, 50))
    lines = [
        f"{unit} {year} 年 部门预算公开", "", "单位支出总体情况表", "", f"编制单位：{unit}", "", f"单位：{money}", "",
        "功能分类科目编码\t功能分类科目名称\t合计\t基本支出\t项目支出",
        f"\t总计\t{total}\t{basic}\t{project}", f"205\t教育支出\t{total}\t{basic}\t{project}", "",
        f"一、 关于{unit} {year} 年收支预算情况的总体说明", "", f"{year} 年收支总预算 150.00 万元。",
    ]  # fmt: skip
    return "\n".join(lines).encode("utf-8")


def upload(client, data: bytes, name: str = "a.txt", **form):  # type: ignore[no-untyped-def]
    return client.post("/upload", data={"file": (io.BytesIO(data), name), **form}, content_type="multipart/form-data")


def ready(client, data: bytes | None = None, name: str = "a.txt") -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Upload, let the server ingest it and prepare its page; returns (sha, page)."""
    resp = upload(client, tiny_text() if data is None else data, name)
    assert resp.status_code == 303, resp.get_data(as_text=True)
    location = resp.headers["Location"]
    settle(client)
    client.get(location)  # the first view queues the page's analysis
    settle(client)
    page = client.get(location)
    assert page.status_code == 200, page.get_data(as_text=True)
    return location.rsplit("/", 1)[1], page.get_data(as_text=True)


# --------------------------------------------------------------------------- a small inline document

def tiny_disclosure(path: Path, doc_id: str) -> tuple[Disclosure, tuple]:
    """A two-row expenditure table in 元 and a 三公 table, built in code."""
    spend = Table(
        id="expenditure", title="单位支出总表", number="表3", unit=MoneyUnit.YUAN,
        columns=(Column("total", "合计"), Column("basic", "基本支出"), Column("project", "项目支出")),
        rows=(
            Row("TOTAL", "合计", {"total": Decimal("1500000.00"), "basic": Decimal("1000000.00"),
                                  "project": Decimal("500000.00")}),
            Row("210", "卫生健康支出", {"total": Decimal("1500000.00")}, level=1),
        ),
    )
    three = Table(
        id="three_public", title="财政拨款“三公”经费支出表", number="表9", unit=MoneyUnit.WAN,
        columns=(Column("total", "预算数"),),
        rows=(Row("TOTAL", "合计", {"total": Decimal("3.00")}),
              Row("reception", "公务接待费", {"total": Decimal("1.00")})),
    )
    meta = Meta(doc=doc_id, path=str(path), unit_name="且末县<卫生>健康委员会", unit_code=None, year=2025)
    return Disclosure(meta=meta, tables=(spend, three)), ()


def tiny_checker(d: Disclosure) -> list[Finding]:
    return [
        Finding("SUM001", Severity.ERROR, "合计 1500000.00 不等于 基本支出 + 项目支出 <b>x</b>",
                Location(d.meta.doc, "expenditure", "TOTAL", "合计", "basic")),
        Finding("TP001", Severity.WARNING, "三公 合计与说明不一致",
                Location(d.meta.doc, "three_public", "reception", None, None)),
    ]


# --------------------------------------------------------------------------- storage and safety

def test_upload_stores_under_content_hash_only(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    data = seed("000").read_bytes()
    resp = upload(client, data, "../../../etc/passwd")
    sha = hashlib.sha256(data).hexdigest()
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/doc/{sha}")
    uploads = tmp_path / "data" / "uploads"
    assert sorted(p.name for p in uploads.iterdir()) == sorted([sha, f"{sha}.json"])
    assert (uploads / sha).read_bytes() == data
    # nothing was written outside the data folder under the client's name
    assert not any(p.name == "passwd" for p in tmp_path.rglob("*"))
    pending = client.get(f"/doc/{sha}")
    assert pending.status_code == 202 and "处理中" in pending.get_data(as_text=True)
    settle(client)
    client.get(f"/doc/{sha}")
    settle(client)
    page = client.get(f"/doc/{sha}").get_data(as_text=True)
    assert 'id="findings-count"' in page
    assert "passwd" in page and str(uploads) not in page  # display name kept, storage path never shown


@pytest.mark.parametrize("bad", ["..%2F..%2Fetc%2Fpasswd", "..", "0" * 63, "g" * 64, "A" * 64, "%2e%2e",
                                 "0" * 64 + "%0A", "0" * 64 + "%00"])
def test_document_routes_refuse_anything_but_a_hash(tmp_path: Path, bad: str) -> None:
    client = client_for(tmp_path)
    (tmp_path / "data" / "uploads" / ("0" * 64)).write_bytes(b"x")  # a stored file the bad names resemble
    for url in (f"/doc/{bad}", f"/doc/{bad}/download/json"):
        assert client.get(url).status_code == 404


def test_unknown_download_format_is_404(tmp_path: Path) -> None:
    client = client_for(tmp_path, parser=tiny_disclosure)
    sha, _ = ready(client)
    assert client.get(f"/doc/{sha}/download/exe").status_code == 404
    assert client.get(f"/doc/{sha}/download/json").status_code == 200


def test_size_limit(tmp_path: Path) -> None:
    client = client_for(tmp_path, max_upload_bytes=1024)
    resp = upload(client, b"a" * 5000)
    assert resp.status_code == 413
    assert "大小上限" in resp.get_data(as_text=True)
    assert not any((tmp_path / "data" / "uploads").iterdir())
    assert upload(client, b"a" * 100).status_code == 303


def test_empty_upload_is_refused(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    resp = client.post("/upload", data={}, content_type="multipart/form-data")
    assert resp.status_code == 400 and "没有收到文件内容" in resp.get_data(as_text=True)


def test_token_required_beyond_localhost(tmp_path: Path) -> None:
    client = client_for(tmp_path, host="0.0.0.0", token="s3cret")  # all interfaces: localhost is one
    assert upload(client, b"abc").status_code == 403
    assert upload(client, b"abc", token="wrong").status_code == 403
    assert upload(client, b"abc", token="s3cret").status_code == 303
    resp = client.post("/upload", data={"file": (io.BytesIO(b"def"), "b.txt")}, headers={"X-Yusuan-Token": "s3cret"})
    assert resp.status_code == 303
    assert 'name="token"' in client.get("/").get_data(as_text=True)
    # reading needs no token
    assert client.get("/corpus").status_code == 200


def test_no_token_beyond_localhost_closes_writes(tmp_path: Path) -> None:
    app = create_app(WebConfig(data_dir=tmp_path / "data", host="192.168.1.5"))
    client = app.test_client()
    resp = client.post("/upload", data={"file": (io.BytesIO(b"abc"), "a.txt"), "token": ""},
                       base_url="http://192.168.1.5")  # fmt: skip
    assert resp.status_code == 403


def test_localhost_needs_no_token(tmp_path: Path) -> None:
    client = client_for(tmp_path, host="127.0.0.1")
    assert upload(client, b"abc").status_code == 303
    assert 'name="token"' not in client.get("/").get_data(as_text=True)


def test_serve_refuses_public_host_without_token(tmp_path: Path) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(serve_command, ["--host", "0.0.0.0", "--db", str(tmp_path / "y.duckdb")], env={})
    assert result.exit_code == 2 and "YUSUAN_TOKEN" in result.output


def test_document_text_is_escaped(tmp_path: Path) -> None:
    client = client_for(tmp_path, parser=tiny_disclosure, checker=tiny_checker)
    _, page = ready(client, name='<img src=x onerror="alert(1)">.txt')
    assert "<img src=x" not in page and "&lt;img src=x onerror=" in page
    assert "<卫生>" not in page and "&lt;卫生&gt;" in page
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    # the upload list and the corpus list escape the name too
    for url in ("/", "/corpus"):
        listed = client.get(url).get_data(as_text=True)
        assert "<img src=x" not in listed
    assert "&lt;img src=x onerror=" in client.get("/").get_data(as_text=True)
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_compare_data_block_cannot_break_out_of_script(tmp_path: Path) -> None:
    from yusuan.store.extract import build_record
    from yusuan.store.writer import open_store, write_document

    d, _ = tiny_disclosure(tmp_path / "evil.txt", "evil")
    d = Disclosure(meta=Meta(doc="evil", path=None, unit_name="</script><script>alert(1)</script>", unit_code=None,
                             year=2025), tables=d.tables)  # fmt: skip
    con = open_store(tmp_path / "c.duckdb")
    write_document(con, build_record(d, (), str(tmp_path / "evil.txt"), "e" * 64, 1))
    con.close()
    client = client_for(tmp_path, db=tmp_path / "c.duckdb")
    page = client.get(f"/compare?doc={'e' * 64}").get_data(as_text=True)
    assert "alert(1)" in page  # the name is there ...
    assert "<script>alert(1)" not in page and page.count("</script>") == 3  # ... but only as data


# --------------------------------------------------------------------------- document page

def test_findings_are_marked_on_their_cells(tmp_path: Path) -> None:
    client = client_for(tmp_path, parser=tiny_disclosure, checker=tiny_checker)
    _, page = ready(client)
    assert 'id="findings-count">2<' in page
    # the SUM001 finding sits on the TOTAL row's basic column (third data column: code, name, total, basic)
    cell = re.search(r'<td id="t0-r0-c1" class="num flagged sev-error"\s+title="SUM001：[^"]*"[^>]*>1000000\.00</td>',
                     page)
    assert cell, page
    assert 'id="t0-r0-c0" class="num"' in page  # the total cell is not flagged
    # a finding without column marks the whole row
    assert re.search(r'<tr id="t1-r1" class="marked sev-warning"', page)
    assert 'href="#t0-r0-c1"' in page and 'href="#t1-r1"' in page


def test_seed_document_page_matches_pipeline(tmp_path: Path) -> None:
    """The page shows exactly the tables the parser produced and the findings the corpus holds."""
    from yusuan.store.extract import file_sha256, process_file

    path = seed("000")
    disclosure, _ = parse(path)
    assert disclosure is not None
    stored = process_file(str(path), file_sha256(path))
    client = client_for(tmp_path)
    _, page = ready(client, path.read_bytes(), path.name)
    assert page.count('<article class="table-card"') == len(disclosure.tables)
    assert f'id="findings-count">{len(stored.findings)}<' in page
    assert 'data-audited="yes"' in page
    for table in disclosure.tables:
        assert f'data-table-id="{table.id}"' in page
    # the narrative's statements are summarised as stated
    if disclosure.three_public is not None:
        assert f"合计 {disclosure.three_public.total}，" in page
    staffing = disclosure.profile.staffing
    if staffing.authorized is not None and staffing.actual is not None:
        assert f"编制 {staffing.authorized} 人，实有 {staffing.actual} 人" in page


# --------------------------------------------------------------------------- downloads

def test_downloads(tmp_path: Path) -> None:
    client = client_for(tmp_path, parser=tiny_disclosure, checker=tiny_checker)
    sha, _ = ready(client)
    doc_id = sha  # the corpus's document id of an upload: its stored name

    resp = client.get(f"/doc/{sha}/download/json")
    disposition = f"attachment; filename=\"{doc_id}.json\"; filename*=UTF-8''{doc_id}.json"
    assert resp.headers["Content-Disposition"] == disposition
    data = json.loads(resp.data)
    assert data["schema"] == "yusuan/disclosure@2" and data["meta"]["doc"] == doc_id
    assert data["meta"]["path"] == "a.txt"  # the client's name, not the storage path
    assert data["tables"][0]["rows"][0]["values"]["basic"] == "1000000.00"

    raw = client.get(f"/doc/{sha}/download/facts").data
    assert raw.startswith("\ufeff".encode())  # a BOM: Excel on Chinese Windows reads it as UTF-8
    facts = raw.decode("utf-8-sig").splitlines()
    assert facts[0] == "doc,table,row_code,row_name,column,value,unit"
    assert f"{doc_id},expenditure,TOTAL,合计,basic,1000000.00,元" in facts

    found = json.loads(client.get(f"/doc/{sha}/download/findings").data)
    assert found["doc"] == doc_id and found["audited"] is True
    assert [(f["rule"], f["severity"], f["location"]["column"]) for f in found["findings"]] == [
        ("SUM001", "error", "basic"), ("TP001", "warning", None)]

    resp = client.get(f"/doc/{sha}/download/xlsx")
    assert zipfile.is_zipfile(io.BytesIO(resp.data))
    wb = load_workbook(io.BytesIO(resp.data))
    assert len(wb.sheetnames) >= 2

    resp = client.get(f"/doc/{sha}/download/findings-xlsx")
    sheet = load_workbook(io.BytesIO(resp.data))["审核发现"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["文件", "规则", "级别", "问题说明"] and sheet.freeze_panes == "A2"
    rows = [(r[1], r[2]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows == [("SUM001", "错误"), ("TP001", "警告")]


# --------------------------------------------------------------------------- corpus and compare

def test_region_of() -> None:
    assert region_of("且末县卫生健康委员会") == "且末县"
    assert region_of("中共兴隆县委组织部") == "兴隆县"
    assert region_of("吴堡县财政局") == "吴堡县"
    assert region_of("上海市普陀区人民政府办公室") == "上海市普陀区"
    assert region_of("巴音郭楞蒙古自治州和静县教育局") == "巴音郭楞蒙古自治州和静县"
    assert region_of("兴隆县城市管理综合行政执法局") == "兴隆县"
    assert region_of("广州市") == "广州市" and region_of("沛县教育局") == "沛县"
    assert region_of(None) == "未知地区" and region_of("教育局") == "未知地区"


def test_corpus_filters_and_compare(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    docs = {
        "a": tiny_text("且末县卫生健康委员会", 2024, "元", 10000),
        "b": tiny_text("且末县卫生健康委员会", 2025),
        "c": tiny_text("吴堡县教育局", 2025),
    }
    shas = {k: upload(client, data, f"{k}.txt").headers["Location"].rsplit("/", 1)[1] for k, data in docs.items()}
    settle(client)
    page = client.get("/corpus?region=且末县").get_data(as_text=True)
    assert shas["a"] in page and shas["b"] in page and shas["c"] not in page
    page = client.get("/corpus?year=2025").get_data(as_text=True)
    assert shas["a"] not in page and shas["b"] in page and shas["c"] in page
    assert page.count("<td>上传</td>") == 2

    facts = client.get("/corpus/facts.csv?year=2025").data.decode("utf-8-sig").splitlines()
    assert facts[0] == "doc,table,row_code,row_name,column,value,unit"
    assert {line.split(",")[0] for line in facts[1:]} == {shas["b"], shas["c"]}
    assert 'href="/corpus/facts.csv?region=&amp;unit=&amp;year=2025&amp;kind=&amp;scope="' in page

    data = client.get(f"/api/compare?doc={shas['a']}&doc={shas['c']}").get_json()
    assert [d["sha"] for d in data["docs"]] == [shas["a"], shas["c"]]
    first = data["docs"][0]
    # 元 converted to 万元: 1000000.00 元 = 100.00 万元
    assert first["structure"] == {"basic": "100.00", "project": "50.00", "personnel": None, "public": None}
    assert first["functions"] == {"205 教育支出": "150.00"}
    assert first["label"].startswith("且末县卫生健康委员会（2024年") and first["year"] == 2024
    assert first["unit"] == "且末县卫生健康委员会" and first["kind"] == "预算"
    # unknown hashes are ignored, region/year filters select when no doc is given
    assert client.get("/api/compare?doc=" + "0" * 64).get_json()["docs"] == []
    assert len(client.get("/api/compare?region=且末县").get_json()["docs"]) == 2
    assert 'id="chart-three-public-0"' in client.get("/compare?year=2025").get_data(as_text=True)
    # none of these pages parsed anything: they were served from the corpus database
    assert not any((tmp_path / "data" / "analyses").iterdir())


def test_parser_crash_is_a_diagnostic(tmp_path: Path) -> None:
    def boom(path: Path, doc_id: str):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug")

    client = client_for(tmp_path, parser=boom)
    _, page = ready(client)
    assert "X001" in page and "内部错误" in page


def test_finding_marks_the_row_on_its_printed_line(tmp_path: Path) -> None:
    """A code printed twice (both sides of a summary table): the finding's line decides."""
    from yusuan.model import Source

    def two_sides(path: Path, doc_id: str):  # type: ignore[no-untyped-def]
        table = Table(
            id="summary", title="收支总表", number=None, unit=MoneyUnit.WAN, columns=(Column("total", "预算数"),),
            rows=(Row("210", "卫生健康支出", {"total": Decimal("5.00")}, source=Source(line=10), side="income"),
                  Row("210", "卫生健康支出", {"total": Decimal("6.00")}, source=Source(line=12), side="expenditure")),
        )
        return Disclosure(meta=Meta(doc=doc_id, path=None, unit_name=None, unit_code=None, year=None),
                          tables=(table,)), ()

    def on_line_12(d: Disclosure) -> list[Finding]:
        return [Finding("X", Severity.ERROR, "不一致", Location(d.meta.doc, "summary", "210", None, "total",
                                                               Source(line=12)))]

    client = client_for(tmp_path, parser=two_sides, checker=on_line_12)
    _, page = ready(client)
    assert 'id="t0-r0-c0" class="num"' in page
    assert 'id="t0-r1-c0" class="num flagged sev-error"' in page


def test_audit_html_report_is_a_download(tmp_path: Path) -> None:
    pytest.importorskip("yusuan.report.html", reason="audit HTML report not installed")
    client = client_for(tmp_path)
    path = seed("002")
    sha, page = ready(client, path.read_bytes(), path.name)
    assert 'id="dl-report"' in page
    resp = client.get(f"/doc/{sha}/download/report")
    assert resp.status_code == 200 and resp.headers["Content-Disposition"].startswith("attachment;")
    body = resp.get_data(as_text=True)
    assert body.startswith("<!DOCTYPE html>") and str(tmp_path) not in body
    findings, _ = run_checks(parse(path)[0])
    assert findings and all(f.rule in body for f in findings)


def test_rules_page_documents_every_rule_a_finding_links_to(tmp_path: Path) -> None:
    from yusuan.web.checks import rule_docs

    client = client_for(tmp_path)
    rules_page = client.get("/rules").get_data(as_text=True)
    codes = [r.code for r in rule_docs()]
    assert rules_page.count('class="rule-doc"') == len(codes)
    path = seed("002")
    _, page = ready(client, path.read_bytes(), path.name)
    for code in set(re.findall(r'href="/rules#([A-Z]+\d+)"', page)):
        assert f'id="{code}"' in rules_page


def test_narrative_finding_goes_to_the_section_holding_its_line(tmp_path: Path) -> None:
    from yusuan.model import NarrativeSection, Source

    def with_text(path: Path, doc_id: str):  # type: ignore[no-untyped-def]
        sections = (
            NarrativeSection("一、收入预算情况说明", "income", "收入 100 万元。", source=Source(line=100)),
            NarrativeSection("二、支出预算情况说明", "expenditure", "支出 <i>99</i> 万元。", source=Source(line=120)),
        )
        return Disclosure(meta=Meta(doc=doc_id, path=None, unit_name=None, unit_code=None, year=None),
                          narrative=sections), ()

    def at_line(d: Disclosure) -> list[Finding]:
        return [Finding("NAR001", Severity.WARNING, "说明与表不符", Location(d.meta.doc, source=Source(line=125)))]

    client = client_for(tmp_path, parser=with_text, checker=at_line)
    _, page = ready(client)
    assert 'href="#n1"' in page
    assert re.search(r'<details class="section flagged sev-warning" id="n1" open>', page)
    assert re.search(r'<details class="section" id="n0">', page)
    assert "&lt;i&gt;99&lt;/i&gt;" in page


def test_structure_without_total_row_sums_top_level_rows() -> None:
    from yusuan.web.corpus import functions, structure

    table = Table(
        id="expenditure", title="支出总表", number=None, unit=MoneyUnit.YUAN,
        columns=(Column("total", "合计"), Column("basic", "基本支出"), Column("project", "项目支出")),
        rows=(Row("201", "一般公共服务支出", {"total": Decimal("30000.00"), "basic": Decimal("10000.00"),
                                              "project": Decimal("20000.00")}),
              Row("20103", "政府办公厅(室)", {"total": Decimal("30000.00"), "basic": Decimal("10000.00")}),
              Row("210", "卫生健康支出", {"total": Decimal("5000.00"), "basic": Decimal("5000.00")})),
    )
    d = Disclosure(meta=Meta(doc="x", path=None, unit_name=None, unit_code=None, year=None), tables=(table,))
    assert structure(d)["basic"] == "1.50" and structure(d)["project"] == "2.00"
    assert functions(d) == {"201 一般公共服务支出": "3.00", "210 卫生健康支出": "0.50"}


def test_cross_site_uploads_are_refused(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:9999"}):
        resp = client.post("/upload", data={"file": (io.BytesIO(b"x"), "a.txt")}, headers=headers)
        assert resp.status_code == 403, headers
    assert not any((tmp_path / "data" / "uploads").iterdir())
    for same in ({"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}, {"Origin": "https://localhost"}):
        assert client.post("/upload", data={"file": (io.BytesIO(b"x"), "a.txt")}, headers=same).status_code == 303


def test_several_files_in_one_upload(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    one, two = tiny_text("吴堡县教育局"), tiny_text("沛县教育局")
    files = [(io.BytesIO(one), "1.txt"), (io.BytesIO(two), "2.txt"), (io.BytesIO(b""), "empty.txt")]
    resp = client.post("/upload", data={"file": files}, content_type="multipart/form-data")
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/")  # the upload list shows progress
    stored = [p for p in (tmp_path / "data" / "uploads").iterdir() if not p.suffix]
    assert sorted(p.name for p in stored) == sorted(hashlib.sha256(b).hexdigest() for b in (one, two))
    settle(client)
    assert client.get("/").get_data(as_text=True).count('data-state="已入库"') == 2
    assert client.get("/corpus").get_data(as_text=True).count("<td>上传</td>") == 2


def test_inferred_columns_sides_and_unplaced_amounts_are_shown(tmp_path: Path) -> None:
    from yusuan.model import Inference

    def loose(path: Path, doc_id: str):  # type: ignore[no-untyped-def]
        table = Table(
            id="summary", title="收支总表", number=None, unit=MoneyUnit.WAN,
            columns=(Column("total", "合计"), Column("basic", "基本支出")),
            rows=(Row("", "一般公共预算拨款收入", {"total": Decimal("7.17")}, side="income",
                      inferred=(Inference("total", 0.95, "由勾稽关系确定"),)),
                  Row("210", "卫生健康支出", {"total": Decimal("7.17")}, side="expenditure",
                      inferred=(Inference("", 0.4, "无法判断", value=Decimal("1.23")),))),
        )
        return Disclosure(meta=Meta(doc=doc_id, path=None, unit_name=None, unit_code=None, year=None),
                          tables=(table,)), ()

    client = client_for(tmp_path, parser=loose)
    _, page = ready(client)
    assert "<th>方向</th>" in page and "<td>收入</td>" in page and "<td>支出</td>" in page
    assert re.search(r'id="t0-r0-c0" class="num inferred"\s+title="列位置为推断（置信度 95%）：由勾稽关系确定"', page)
    assert "<th>未定列</th>" in page
    assert re.search(r'id="t0-r1-c2" class="num inferred"\s+title="未能确定所属列：无法判断">1\.23</td>', page)


def test_unreadable_upload_shows_diagnostic_and_offers_no_download(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    sha = upload(client, bytes(range(256)) * 64, "image.png").headers["Location"].rsplit("/", 1)[1]
    settle(client)
    page = client.get(f"/doc/{sha}").get_data(as_text=True)
    assert 'id="doc-failed"' in page and "未入库" in page and "无法识别的文件格式" in page
    assert 'id="dl-json"' not in page and str(tmp_path) not in page  # named by its upload name, not its path
    assert "image.png" in page
    assert client.get(f"/doc/{sha}/download/json").status_code == 404
    assert 'data-state="未入库"' in client.get("/").get_data(as_text=True)
    assert sha not in client.get("/corpus").get_data(as_text=True)


def test_clean_filename() -> None:
    from yusuan.web.library import clean_filename

    assert clean_filename("C:\\Users\\x\\预算.pdf") == "预算.pdf"
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("a\x00b\nc\u202etxt.exe") == "abctxt.exe"
    assert clean_filename("") == "未命名文件" and clean_filename(None) == "未命名文件"
    assert len(clean_filename("长" * 500)) == 120
