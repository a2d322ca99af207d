"""The web app under hostile or unlucky use (Flask test client): foreign Host headers (DNS
rebinding), junk in every parameter of every route, oversize and too frequent uploads, a
full work queue; uploads ingested into the corpus in the background and parsed once."""

from __future__ import annotations

import io
import logging
import threading
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.test_web_routes import client_for, ready, service, settle, tiny_disclosure, tiny_text, upload
from yusuan.model import Disclosure, Meta
from yusuan.web import WebConfig, create_app
from yusuan.web.guard import HostCheck, RateLimit, host_name
from yusuan.web.jobs import URGENT

# --------------------------------------------------------------------------- Host header


def test_host_names() -> None:
    assert host_name("LOCALHOST:8000") == "localhost" and host_name("[::1]:8000") == "::1"
    assert host_name("127.0.0.1") == "127.0.0.1" and host_name("example.org.") == "example.org"
    assert host_name("a:b") == "" and host_name("[::1") == "" and host_name("") == ""
    loop = HostCheck("127.0.0.1")
    assert all(loop.allows(h) for h in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "localhost"))
    assert not any(loop.allows(h) for h in ("evil.example", "evil.example:8000", "192.168.1.5", "", None))
    anywhere = HostCheck("0.0.0.0", ["budget.example.gov.cn"])
    assert anywhere.allows("192.168.1.9:8000") and anywhere.allows("[fe80::1]") and anywhere.allows("localhost")
    assert anywhere.allows("budget.example.gov.cn:443") and not anywhere.allows("evil.example")
    lan = HostCheck("192.168.1.5")
    assert lan.allows("192.168.1.5:8000") and not lan.allows("localhost") and not lan.allows("192.168.1.6")


def test_dns_rebinding_is_refused(tmp_path: Path) -> None:
    """A page on evil.example, whose name now resolves to 127.0.0.1, sends requests with its
    own Host and a matching Origin: nothing is stored, nothing is read."""
    client = client_for(tmp_path)
    sha, _ = ready(client)
    foreign = {"Host": "evil.example:8000", "Origin": "http://evil.example:8000"}
    for url in ("/", "/corpus", "/corpus/facts.csv", f"/doc/{sha}", f"/doc/{sha}/download/json", "/api/compare"):
        resp = client.get(url, headers=foreign)
        assert resp.status_code == 400, url
        assert "DNS 重绑定" in resp.get_data(as_text=True) and sha not in resp.get_data(as_text=True)
    before = sorted((tmp_path / "data" / "uploads").iterdir())
    resp = client.post("/upload", data={"file": (io.BytesIO(tiny_text("沛县教育局")), "x.txt")}, headers=foreign)
    assert resp.status_code == 400 and sorted((tmp_path / "data" / "uploads").iterdir()) == before
    # the real addresses still work, and a name given with --allow-host
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    named = client_for(tmp_path / "n", allowed_hosts=("budget.example.gov.cn",))
    assert named.get("/", headers={"Host": "budget.example.gov.cn"}).status_code == 200
    assert named.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_cross_site_post_with_a_valid_host_is_still_refused(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    resp = client.post("/upload", data={"file": (io.BytesIO(b"x"), "a.txt")},
                       headers={"Host": "localhost:8000", "Origin": "http://evil.example"})  # fmt: skip
    assert resp.status_code == 403


# --------------------------------------------------------------------------- every parameter of every route

JUNK = [
    "²", "٣", "２０２４", "-1", "0", "99999999999999999999999", "1e3", "NaN", " ", "%", "%%ff", "\x00", "\u202e",
    "'; DROP TABLE documents; --", "<script>alert(1)</script>", "{{7*7}}", "../../etc/passwd", "2024\n", "a" * 5000,
    "0" * 64, "g" * 64, "A" * 64, "\ud7ff\ue000", "\U0001f600",
]  # fmt: skip
PATH_JUNK = ["x", "0" * 63, "0" * 64, "..", "%2e%2e", "a" * 300, "²", "\u202e"]


def _walk_urls(app, sha: str) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """(method, endpoint, url) for every route with junk in each path variable and parameter."""
    out = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static":
                continue
            view = app.view_functions[rule.endpoint]
            methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
            valid = {"sha": sha, "fmt": "json"}
            bases = [_build(rule, valid)]
            for var in rule.arguments:
                bases += [_build(rule, {**valid, var: junk}) for junk in PATH_JUNK]
            declared = list(getattr(view, "accepts", {}))
            for method in methods:
                for base in bases:
                    out.append((method, rule.endpoint, base))
                for name in [*declared, "unknown"]:
                    for junk in JUNK:
                        out.append((method, rule.endpoint, f"{bases[0]}?{quote(name)}={quote(junk)}"))
                    out.append((method, rule.endpoint, f"{bases[0]}?{name}=1&{name}=2"))
                out.append((method, rule.endpoint, bases[0] + "?" + "&".join(f"doc={'0' * 64}" for _ in range(150))))
    return out


def _build(rule, values: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    url = rule.rule
    for var in rule.arguments:
        url = url.replace(f"<{var}>", quote(values[var], safe=""))
    return url


def test_every_route_declares_its_parameters(tmp_path: Path) -> None:
    app = client_for(tmp_path).application
    for endpoint, view in app.view_functions.items():
        if endpoint != "static":
            assert hasattr(view, "accepts"), endpoint


def test_junk_in_any_parameter_is_never_a_server_error(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    client = client_for(tmp_path)
    sha, _ = ready(client)
    urls = _walk_urls(client.application, sha)
    assert len({endpoint for _, endpoint, _ in urls}) == len(client.application.view_functions) - 1
    bad = []
    with caplog.at_level(logging.WARNING):
        for method, _, url in urls:
            resp = client.open(url, method=method, data={} if method == "POST" else None)
            if resp.status_code >= 500:
                bad.append((resp.status_code, method, url[:120]))
            elif resp.status_code == 400:
                body = resp.get_data(as_text=True)
                assert 'role="alert"' in body, url  # a message that says what was wrong
    assert bad == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []  # no traceback logged
    # the reported case: a superscript digit as the year
    resp = client.get("/questions?year=²")
    assert resp.status_code == 400 and "四位数字的年份" in resp.get_data(as_text=True)


def test_junk_uploads_are_never_a_server_error(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    forms = [
        {"file": (io.BytesIO(tiny_text()), "")},
        {"file": (io.BytesIO(tiny_text("沛县教育局")), "a" * 5000)},
        {"file": "not a file"},
        {"token": "x" * 10000},
    ]
    for form in forms:
        resp = client.post("/upload", data=form, content_type="multipart/form-data")
        assert resp.status_code < 500, form
    bad_name = (b'--B\r\nContent-Disposition: form-data; name="file"; filename="\xff\xfe\x00.txt"\r\n'
                b"Content-Type: text/plain\r\n\r\n" + tiny_text("吴堡县第二中学") + b"\r\n--B--\r\n")
    for body, ctype in ((b"garbage", "multipart/form-data; boundary=x"), (b"a=b", "application/x-www-form-urlencoded"),
                        (b"\x00" * 100, "application/octet-stream"), (bad_name, "multipart/form-data; boundary=B")):
        assert client.post("/upload", data=body, content_type=ctype).status_code < 500
    settle(client)
    assert client.get("/").status_code == 200


# --------------------------------------------------------------------------- bounded uploads


def test_too_many_files_in_one_request(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    files = [(io.BytesIO(f"{i}".encode()), f"{i}.txt") for i in range(21)]
    resp = client.post("/upload", data={"file": files}, content_type="multipart/form-data")
    assert resp.status_code == 413 and "一次最多上传 20 个文件" in resp.get_data(as_text=True)
    assert not [p for p in (tmp_path / "data" / "uploads").iterdir() if not p.name.startswith(".")]


def test_upload_rate_per_client(tmp_path: Path) -> None:
    client = client_for(tmp_path, uploads_per_minute=3)
    for i in range(3):
        assert upload(client, tiny_text(f"沛县第{i}中学")).status_code == 303
    resp = upload(client, tiny_text("沛县第九中学"))
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) >= 1
    assert "上传过于频繁" in resp.get_data(as_text=True) and "每分钟最多上传 3 个文件" in resp.get_data(as_text=True)
    other = client.post("/upload", data={"file": (io.BytesIO(tiny_text("沛县第九中学")), "a.txt")},
                        environ_base={"REMOTE_ADDR": "127.0.0.2"})  # fmt: skip
    assert other.status_code == 303  # another client has its own allowance
    settle(client)


def test_rate_limit_refills() -> None:
    limit = RateLimit(per_minute=60)
    assert limit.take("a", 60) == 0.0 and limit.take("a") > 0 and limit.take("b") == 0.0


def _hold_worker(client) -> threading.Event:  # type: ignore[no-untyped-def]
    """Occupy the one parse worker until the event is set."""
    gate, started = threading.Event(), threading.Event()

    def hold() -> None:
        started.set()
        gate.wait(60)

    service(client).jobs.submit("test-gate", hold, URGENT)
    assert started.wait(10)
    return gate


def test_full_queue_refuses_uploads_and_keeps_them_for_later(tmp_path: Path) -> None:
    client = client_for(tmp_path, max_queued=1)
    gate = _hold_worker(client)
    try:
        assert upload(client, tiny_text("吴堡县教育局")).status_code == 303
        resp = upload(client, tiny_text("沛县教育局"))
        assert resp.status_code == 429 and "正在处理的文件过多" in resp.get_data(as_text=True)
    finally:
        gate.set()
    settle(client)
    client.get("/")  # the upload list queues what was kept but not queued
    settle(client)
    assert client.get("/").get_data(as_text=True).count('data-state="已入库"') == 2


# --------------------------------------------------------------------------- into the corpus, in the background


def test_upload_is_processing_then_in_the_corpus(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    gate = _hold_worker(client)
    try:
        resp = upload(client, tiny_text("且末县教育局", 2025))
        location = resp.headers["Location"]
        sha = location.rsplit("/", 1)[1]
        page = client.get(location)
        body = page.get_data(as_text=True)
        assert page.status_code == 202 and "处理中" in body and "排队中" in body
        assert '<meta http-equiv="refresh" content="2">' in body  # the page refreshes itself, no script needed
        corpus = client.get("/corpus").get_data(as_text=True)
        assert sha not in corpus and 'id="corpus-processing"' in corpus
        assert 'data-state="排队中"' in client.get("/").get_data(as_text=True)
    finally:
        gate.set()
    settle(client)
    corpus = client.get("/corpus").get_data(as_text=True)
    assert sha in corpus and "且末县教育局" in corpus and "<td>上传</td>" in corpus
    assert client.get(location).status_code == 202  # its page is being prepared
    settle(client)
    assert client.get(location).status_code == 200
    with service(client).db.reading() as cur:
        assert cur.execute("SELECT unit_name, year FROM latest_documents").fetchall() == [("且末县教育局", 2025)]


def test_document_is_parsed_once_and_never_on_the_request_thread(tmp_path: Path) -> None:
    calls: list[str] = []

    def counting(path: Path, doc_id: str):  # type: ignore[no-untyped-def]
        calls.append(threading.current_thread().name)
        return tiny_disclosure(path, doc_id)

    client = client_for(tmp_path, parser=counting)
    sha, _ = ready(client)
    for _ in range(5):
        assert client.get(f"/doc/{sha}").status_code == 200
        assert client.get(f"/doc/{sha}/download/json").status_code == 200
    assert len(calls) == 1 and calls[0].startswith("yusuan-job")
    # a restarted server shows it from the stored analysis
    again = create_app(WebConfig(data_dir=tmp_path / "data"), parser=counting).test_client()
    service(client).db.close()
    assert again.get(f"/doc/{sha}").status_code == 200 and len(calls) == 1


def test_restart_resumes_unfinished_uploads(tmp_path: Path) -> None:
    client = client_for(tmp_path)
    gate = _hold_worker(client)
    upload(client, tiny_text("且末县教育局"))
    service(client).stop(wait_s=0)  # the server stops with the upload not yet ingested
    gate.set()
    again = client_for(tmp_path)  # same data folder
    settle(again)
    assert 'data-state="已入库"' in again.get("/").get_data(as_text=True)


def test_corpus_pages_come_from_the_store_in_pages(tmp_path: Path) -> None:
    from yusuan.store.extract import build_record
    from yusuan.store.writer import open_store, write_document

    db = tmp_path / "c.duckdb"
    con = open_store(db)
    for i in range(60):
        d, _ = tiny_disclosure(tmp_path / f"{i}.txt", f"d{i}")
        d = Disclosure(meta=Meta(doc=f"d{i}", path=None, unit_name=f"沛县第{i:02d}小学", unit_code=None, year=2025),
                       tables=d.tables)  # fmt: skip
        write_document(con, build_record(d, (), str(tmp_path / f"{i}.txt"), f"{i:064x}", 1))
    con.close()
    client = client_for(tmp_path, db=db)
    first = client.get("/corpus").get_data(as_text=True)
    assert first.count('<input type="checkbox" name="doc"') == 50 and "共 60 个文件，第 1 / 2 页" in first
    assert first.count(" checked>") == 50  # every row of the page goes to compare
    second = client.get("/corpus?page=2").get_data(as_text=True)
    assert second.count('<input type="checkbox" name="doc"') == 10 and 'id="page-prev"' in second
    assert client.get("/corpus?page=99").status_code == 200  # past the end: the last page
    facts = client.get("/corpus/facts.csv").data.decode("utf-8-sig").splitlines()
    assert len(facts) == 1 + 60 * 6 and facts[1].startswith("d0,expenditure,TOTAL,合计,total,1500000.00,元")
    data = client.get("/api/compare?year=2025").get_json()
    assert len(data["docs"]) == 50 and data["docs"][0]["structure"]["basic"] == str(Decimal("100.00"))
    assert data["selection"] == {"total": 60, "page": 1, "pages": 2, "missing": 0, "filtered_out": 0, "first": 1,
                                 "last": 50}
    rest = client.get("/api/compare?year=2025&page=2").get_json()
    assert len(rest["docs"]) == 10 and {d["sha"] for d in data["docs"]}.isdisjoint(d["sha"] for d in rest["docs"])
    page = client.get("/compare?year=2025").get_data(as_text=True)
    assert "共选中 60 个文件，分 2 页比较" in page and 'id="compare-next"' in page
    assert not any((tmp_path / "data" / "analyses").iterdir())  # nothing was parsed


def test_page_parse_runs_in_a_child_process_with_a_time_limit() -> None:
    from yusuan.web.library import _as_ingested, _in_child_process

    path = next((Path(__file__).parent / "fixtures" / "seeds").glob("002_*.txt"))
    assert _in_child_process(path) == _as_ingested(path)  # the same result, from another process
    disclosure, diagnostics, findings, audited = _in_child_process(path, timeout_s=0.001)
    assert disclosure is None and findings == () and not audited
    assert diagnostics[0].code == "X001" and "超过 0.001 秒" in diagnostics[0].message
