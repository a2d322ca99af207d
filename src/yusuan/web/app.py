"""The Flask application: upload, document, corpus and compare pages, and downloads.

Security model (docs/web.md): the Host header must name an address this server listens on
(DNS rebinding); uploads are bounded in size (413 before the body is read), in files per
request and per client per minute (429), and in queued work (429); they are stored under
their content hash (see ``library``) and ingested into the corpus in the background by the
store's own ingest (see ``service``), so no request parses anything. Every query parameter
is declared and checked (``params``: 400 with a Chinese message). Pages are Jinja templates
with autoescaping; chart data travels as JSON in a non-executed ``<script
type="application/json">`` block and is drawn with ``textContent`` only; a strict
Content-Security-Policy allows scripts from this server alone. Write operations (upload)
refuse cross-site requests and need the token when one is configured, and one must be
configured when the server listens beyond the loopback interface.
"""

from __future__ import annotations

import hmac
import io
import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, Response, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from yusuan.model import Disclosure, Finding, Location, Severity
from yusuan.parsing.claims import claims_of
from yusuan.report.outputs import BOM
from yusuan.store.decisions import DECISIONS, DecisionError, decide
from yusuan.web import corpus, evidence, params
from yusuan.web.checks import Checker, html_report, rule_docs
from yusuan.web.corpusdb import CorpusUnavailable
from yusuan.web.guard import HostCheck, RateLimit, is_loopback
from yusuan.web.library import Analysis, Parser, TooLarge
from yusuan.web.pages import NoPage, PageImages
from yusuan.web.params import refuse
from yusuan.web.review import SEVERITY_ORDER, review, rule_families
from yusuan.web.service import Busy, DocState, Service
from yusuan.web.views import SEVERITY_LABELS, anchors_for, narrative_views, table_views

DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024
COMPARE_PAGE = 50  # documents per compare page (the page says how many there are in all)
MAX_FILES = 20  # files per upload request (the size limit applies to the whole request)
PAGE_SIZE = 50  # corpus rows per page
RECENT = 50  # uploads listed on the upload page
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_FILTERS = {"region": params.text("地区"), "unit": params.text("单位"), "year": params.year(),
            "kind": params.choice("类型", lambda: {v: v for v in corpus.KINDS.values()}),
            "scope": params.choice("范围", lambda: {"部门": "部门", "单位": "单位"})}
_FINDING_FILTERS = {
    "severity": params.choice("严重程度", lambda: {k: k for k in SEVERITY_ORDER}),
    "family": params.choice("规则类别", rule_families),
    "table": params.text("表"),
    "q": params.text("搜索", max_len=60),
    "dismissed": params.choice("显示已排除", lambda: {"1": "1"}),
}

_UNMARKED = Finding(rule="", severity=Severity.INFO, message="", location=Location(doc=""))  # a dismissed one

__all__ = ["DEFAULT_MAX_UPLOAD", "WebConfig", "create_app", "is_loopback"]


@dataclass(frozen=True)
class WebConfig:
    data_dir: Path  # uploads live in data_dir/uploads, document analyses in data_dir/analyses
    host: str = "127.0.0.1"
    token: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    # the corpus (a postgresql:// URL as a str); uploads are ingested into it (default: data_dir/yusuan.duckdb)
    db: Path | str | None = None
    allowed_hosts: tuple[str, ...] = ()  # Host names accepted besides the listening address
    parse_workers: int = 1  # uploads parsed at the same time
    max_queued: int = 200  # files waiting to be parsed, beyond which uploads get 429
    uploads_per_minute: int = 60  # files per client per minute
    idle_close_s: float = 5.0  # the database is released after this many idle seconds
    page_cache_bytes: int = 256 * 1024 * 1024  # rendered PDF pages kept in data_dir/pages

    @property
    def token_required(self) -> bool:
        return bool(self.token) or not is_loopback(self.host)


def create_app(config: WebConfig, parser: Parser | None = None, checker: Checker | None = None) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_upload_bytes
    app.config["MAX_FORM_PARTS"] = MAX_FILES + 20
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    # Chart series keep their meaningful order, in the API and in the page's data block.
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.jinja_env.policies["json.dumps_kwargs"] = {"sort_keys": False}
    service = Service(
        config.data_dir, config.db or config.data_dir / "yusuan.duckdb", parse_workers=config.parse_workers,
        max_queued=config.max_queued, parser=parser, checker=checker, idle_close_s=config.idle_close_s,
    )  # fmt: skip
    app.extensions["yusuan"] = service
    page_images = PageImages(config.data_dir / "pages", config.page_cache_bytes)
    hosts = HostCheck(config.host, config.allowed_hosts)
    upload_rate = RateLimit(config.uploads_per_minute)
    max_mb = config.max_upload_bytes // (1024 * 1024)

    def token_ok() -> bool:
        if not config.token_required:
            return True
        if not config.token:  # listening beyond localhost without a token: writes are closed
            return False
        given = request.headers.get("X-Yusuan-Token") or request.form.get("token") or ""
        return hmac.compare_digest(given.encode(), config.token.encode())

    def cross_site() -> bool:
        """A form posted from another web site (CSRF): browsers say so in Sec-Fetch-Site and
        Origin. Non-browser clients send neither and are governed by the token alone."""
        if request.headers.get("Sec-Fetch-Site", "") in ("cross-site", "same-site"):
            return True
        origin = request.headers.get("Origin")
        # host:port only, so a TLS-terminating proxy that keeps the Host header still matches
        return origin is not None and urlsplit(origin).netloc != request.host  # "null" too

    @app.before_request
    def check_host() -> None:
        if not hosts.allows(request.headers.get("Host")):
            refuse(400, "请求的主机名不是本服务监听的地址，已拒绝（可防止 DNS 重绑定攻击）。"
                        "请用监听地址访问；通过域名或反向代理访问时，请用 --allow-host 指定该域名。")

    @app.after_request
    def security_headers(resp: Response) -> Response:
        resp.headers["Content-Security-Policy"] = _CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "same-origin"  # "no-referrer" makes Chrome send Origin: null
        resp.headers["X-Frame-Options"] = "DENY"
        return resp

    @app.context_processor
    def common() -> dict[str, Any]:
        return {"token_required": config.token_required, "max_mb": max_mb, "max_files": MAX_FILES}

    def index_page(error: str | None = None, status: int = 200, retry_after: float = 0) -> Response:
        states = service.upload_states(service.uploads.all()[:RECENT])
        resp = Response(render_template("index.html", uploads=states, error=error), status=status)
        if retry_after:
            resp.headers["Retry-After"] = str(int(retry_after))
        return resp

    @app.get("/")
    @params.query()
    def index(q: dict[str, Any]) -> Response:
        return index_page()

    @app.post("/upload")
    @params.query()
    def upload(q: dict[str, Any]) -> Any:
        if cross_site():
            return index_page("拒绝来自其他网站的上传请求。请在本站首页上传。", 403)
        if not token_ok():
            return index_page("上传需要有效的访问令牌（--token 或环境变量 YUSUAN_TOKEN）。", 403)
        files = [f for f in request.files.getlist("file") if f.filename or f.content_length]
        if len(files) > MAX_FILES:
            return index_page(f"一次最多上传 {MAX_FILES} 个文件（收到 {len(files)} 个）。请分批上传。", 413)
        wait = upload_rate.take(request.remote_addr or "-", max(1, len(files)))
        if wait:
            return index_page(f"上传过于频繁：每个客户端每分钟最多上传 {config.uploads_per_minute} 个文件。"
                              f"请约 {wait:.0f} 秒后再试。", 429, retry_after=wait)
        stored = []
        for file in files:
            try:
                info = service.uploads.store(file.stream, file.filename, config.max_upload_bytes)
            except TooLarge:
                refuse(413, f"文件超过大小上限（{max_mb} MB）。请压缩或拆分后再上传。")
            if info is not None:
                stored.append(info)
        if not stored:
            return index_page("没有收到文件内容。请选择预算公开文件（PDF、Excel、Word、网页或文本）后再上传。", 400)
        try:
            service.queue_ingest(stored)
        except Busy as exc:
            return index_page(str(exc) + "已收到的文件会在空闲时处理。", 429, retry_after=30)
        if len(stored) == 1:
            return redirect(url_for("document", sha=stored[0].sha), code=303)
        return redirect(url_for("index"), code=303)

    def document_state(sha: str) -> DocState:
        if not params.SHA.fullmatch(sha):
            refuse(404, "找不到这个文件。请从首页或语料库页面重新进入。")
        try:
            state = service.document(sha)
        except Busy as exc:
            refuse(429, str(exc))
        if state.kind == "missing":
            refuse(404, "找不到这个文件。请从首页或语料库页面重新进入。")
        return state

    @app.get("/doc/<sha>")
    @params.query(**_FINDING_FILTERS)
    def document(sha: str, q: dict[str, Any]) -> Any:
        state = document_state(sha)
        if state.kind != "ready" or state.analysis is None:
            status = 202 if state.kind == "pending" else 200
            return render_template("pending.html", state=state, sha=sha), status
        a = state.analysis
        r = review(a.findings, service.corpus.decisions(sha), q)
        findings = [it.finding for it in r.items]  # ordered; cells are marked by open findings only
        marked = [f if not it.dismissed else _UNMARKED for it, f in zip(r.items, findings, strict=True)]
        views = table_views(a.disclosure.tables, marked) if a.disclosure else []
        on_tables = anchors_for(views, len(findings))
        sections = narrative_views(a.disclosure.narrative, marked, set(on_tables)) if a.disclosure else []
        stored = state.stored
        places = evidence.Places(service.corpus.boxes(stored) if stored and stored.is_pdf else [])
        claims = claims_of(a.disclosure.narrative) if a.disclosure else ()
        return render_template(
            "document.html", a=a, r=r, findings=findings, views=views, sections=sections,
            anchors=anchors_for(views, len(findings), sections), q=q, is_pdf=bool(stored and stored.is_pdf),
            pages={it.index: places.page_of(it.finding) for it in r.items}, claims=claims, decisions=DECISIONS,
            severity_labels={s.value: label for s, label in SEVERITY_LABELS.items()}, families=r.families,
            table_pages=places.table_pages(), row_pages=places.row_pages(),
        )  # fmt: skip

    @app.post("/doc/<sha>/decision")
    @params.query()
    def decision(sha: str, q: dict[str, Any]) -> Any:
        if cross_site():
            refuse(403, "拒绝来自其他网站的请求。请在本站的文件页面中操作。")
        if not token_ok():
            refuse(403, "记录审核结论需要有效的访问令牌（--token 或环境变量 YUSUAN_TOKEN）。")
        state = document_state(sha)
        if state.kind != "ready" or state.analysis is None:
            refuse(409, "文件仍在处理中，请稍后再记录审核结论。")
        fp = request.form.get("fingerprint", "")
        chosen = request.form.get("decision", "")
        found = next((f for f in state.analysis.findings if evidence.fingerprint_of(f) == fp), None)
        if found is None:
            refuse(400, "找不到这条审核发现（文件可能已重新审核）。请刷新文件页面后重试。")
        try:
            with service.db.writing() as con:
                decide(con, sha, fp, chosen, request.form.get("reason", ""), request.form.get("reviewer", ""), found)
        except DecisionError as exc:
            refuse(400, str(exc))
        except CorpusUnavailable as exc:
            refuse(503, str(exc))
        return redirect(url_for("document", sha=sha) + f"#f-{fp}", code=303)

    @app.get("/doc/<sha>/page")
    @params.query(p=params.page(), finding=params.text("审核发现", 16), claim=params.page("说明数字"),
                  table=params.page("表"), row=params.page("行"))
    def page_view(sha: str, q: dict[str, Any]) -> Any:
        state = document_state(sha)
        stored = state.stored or service.corpus.by_sha(sha)
        label = state.analysis.label if state.analysis else (stored.doc if stored else sha[:12])
        if stored is None or not stored.is_pdf:
            return render_template("page.html", sha=sha, label=label, image=None, boxes=[], what=[], n=q["p"] or 1,
                                   message="该文件不是 PDF（如文本、Excel、Word 或网页），没有页面图像。"
                                           "请在文件页面按行号或表格查看。")  # fmt: skip
        a = state.analysis
        places = evidence.Places(service.corpus.boxes(stored))
        target = evidence.target(a, q, places)
        n = q["p"] or target.page or 1
        try:
            image = page_images.get(Path(stored.path), sha, n)
        except NoPage as exc:
            refuse(404, str(exc))
        boxes = target.boxes(Path(stored.path), n, places)
        pages = sorted({p for p in (target.page, *target.cell_pages(places)) if p and p != n})
        return render_template("page.html", sha=sha, label=label, image=image, boxes=boxes, what=target.what, n=n,
                               message="", q=q, also=pages)  # fmt: skip

    @app.get("/doc/<sha>/page.png")
    @params.query(p=params.page())
    def page_png(sha: str, q: dict[str, Any]) -> Response:
        stored = service.corpus.by_sha(sha) if params.SHA.fullmatch(sha) else None
        if stored is None or not stored.is_pdf:
            refuse(404, "该文件不是语料库中的 PDF，没有页面图像。")
        try:
            body = page_images.png_bytes(Path(stored.path), sha, q["p"] or 1)
        except NoPage as exc:
            refuse(404, str(exc))
        resp = Response(body, mimetype="image/png")
        resp.headers["Cache-Control"] = "private, max-age=86400"  # a page of this content never changes
        return resp

    @app.get("/doc/<sha>/download/<fmt>")
    @params.query()
    def download(sha: str, fmt: str, q: dict[str, Any]) -> Response:
        if fmt not in ("json", "facts", "xlsx", "findings", "findings-xlsx", "report"):
            refuse(404, "没有这种下载格式。")
        state = document_state(sha)
        if state.kind == "pending":
            refuse(409, "文件仍在处理中，请稍后再下载。")
        a = state.analysis
        if a is None or a.disclosure is None:
            refuse(404, "这个文件没有可下载的解析结果。")
        # dismissed findings stay out of exports
        dropped = frozenset(fp for fp, d in service.corpus.decisions(sha).items() if d.decision == "dismissed")
        return _download(a, fmt, dropped)

    @app.get("/rules")
    @params.query()
    def rules_page(q: dict[str, Any]) -> str:
        return render_template("rules.html", rules=rule_docs(),
                               severity_labels={s.value: label for s, label in SEVERITY_LABELS.items()})

    def chosen_entries(q: dict[str, Any]) -> tuple[list[corpus.Entry], dict[str, list[str]], str | None]:
        docs, notice = service.corpus.documents()
        entries, facets = corpus.browse([d.entry() for d in docs], **{k: q.get(k) for k in corpus.FILTERS})
        return entries, facets, notice

    @app.get("/corpus")
    @params.query(**_FILTERS, page=params.page())
    def corpus_page(q: dict[str, Any]) -> str:
        entries, facets, notice = chosen_entries(q)
        pages = max(1, -(-len(entries) // PAGE_SIZE))
        page = min(q["page"] or 1, pages)
        chosen = {k: "" if q[k] is None else str(q[k]) for k in _FILTERS}
        return render_template("corpus.html", entries=entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
                               total=len(entries), page=page, pages=pages, facets=facets, notice=notice,
                               chosen=chosen, processing=service.jobs.busy())  # fmt: skip

    @app.get("/questions")
    @params.query(what=params.choice("问题", corpus.questions), unit=params.text("单位"), year=params.year())
    def questions_page(q: dict[str, Any]) -> str:
        asked = corpus.questions()
        what = q["what"] or next(iter(asked), "")
        result, notice = service.corpus.ask(what, q["unit"], q["year"]) if asked else (None, "语料库查询模块不可用。")
        return render_template("questions.html", questions=asked, what=what, unit=q["unit"],
                               year="" if q["year"] is None else str(q["year"]), result=result, notice=notice)

    @app.get("/corpus/facts.csv")
    @params.query(**_FILTERS)
    def corpus_facts(q: dict[str, Any]) -> Response:
        entries, _, _ = chosen_entries(q)
        docs = [d for e in entries if (d := service.corpus.by_sha(e.sha)) is not None]
        body = _encoded(service.corpus.facts_csv(docs))
        return _attachment(body, "corpus.facts.csv", "text/csv; charset=utf-8")

    def compare_selection(q: dict[str, Any]) -> tuple[list[tuple[corpus.Entry, Disclosure | None]], dict[str, Any]]:
        """The documents asked for (``doc`` hashes, else the filters), in order, from their stored
        rows: one page of ``COMPARE_PAGE``, and where that page lies in the whole selection."""
        filtered_out = 0
        if q["doc"]:  # the ticked documents, narrowed by the filters when some are given
            found = [d.entry() for d in service.corpus.by_shas(q["doc"]) if d is not None]
            missing = len(q["doc"]) - len(found)
            chosen = [e for e in found if corpus.matches(e, q)]
            filtered_out = len(found) - len(chosen)
        else:
            chosen, missing = chosen_entries(q)[0], 0
        pages = max(1, -(-len(chosen) // COMPARE_PAGE))
        page = min(q["page"] or 1, pages)
        shown = chosen[(page - 1) * COMPARE_PAGE : page * COMPARE_PAGE]
        stored = [d for d in service.corpus.by_shas([e.sha for e in shown]) if d is not None]
        light = service.corpus.disclosures(stored)
        where = {"total": len(chosen), "page": page, "pages": pages, "missing": missing, "filtered_out": filtered_out,
                 "first": (page - 1) * COMPARE_PAGE + 1, "last": (page - 1) * COMPARE_PAGE + len(shown)}
        return [(d.entry(), light.get(d.pk)) for d in stored], where

    _COMPARE = {"doc": params.shas("文件", max_items=100), **_FILTERS, "page": params.page(),
                "mix": params.choice("预算决算合并比较", lambda: {"1": "1"})}

    def compare_args(q: dict[str, Any], **change: Any) -> dict[str, Any]:
        args = {k: v for k, v in q.items() if v not in (None, "", [])}
        return {**args, **change}

    @app.get("/compare")
    @params.query(**_COMPARE)
    def compare_page(q: dict[str, Any]) -> str:
        subjects, where = compare_selection(q)
        _, facets, notice = chosen_entries({})
        return render_template("compare.html", data=corpus.compare_data(subjects, mix=bool(q["mix"])), where=where,
                               q=q, facets=facets, notice=notice, args=compare_args, page_size=COMPARE_PAGE,
                               chosen={k: "" if q[k] is None else str(q[k]) for k in _FILTERS})  # fmt: skip

    @app.get("/api/compare")
    @params.query(**_COMPARE)
    def compare_api(q: dict[str, Any]) -> Response:
        subjects, where = compare_selection(q)
        return app.json.response(corpus.compare_data(subjects, mix=bool(q["mix"])) | {"selection": where})

    @app.get("/unit")
    @params.query(name=params.text("单位"))
    def unit_page(q: dict[str, Any]) -> str:
        docs, notice = service.corpus.documents()
        mine = [d for d in docs if q["name"] and (d.unit_name or "") == q["name"]]
        light = service.corpus.disclosures(mine)
        rows = corpus.history([(d.entry(), light.get(d.pk)) for d in mine])
        return render_template("unit.html", name=q["name"], series=rows, columns=corpus.HISTORY_COLUMNS,
                               notice=notice, units=sorted({d.unit_name for d in docs if d.unit_name}))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        messages = {
            400: "请求格式不正确。",
            404: "找不到这个页面或文件。请从首页或语料库页面重新进入。",
            405: "不支持这种请求方式。",
            413: f"上传超过大小上限（{max_mb} MB，最多 {MAX_FILES} 个文件）。请压缩或拆分后再上传。",
            429: "请求过于频繁，请稍后再试。",
        }
        code = exc.code or 500
        message = getattr(exc, "message_zh", None) or messages.get(code, "请求无法处理。")
        resp = Response(render_template("error.html", code=code, message=message), status=code,
                        mimetype="text/html")
        if code == 429:
            resp.headers["Retry-After"] = "30"
        return resp

    @app.errorhandler(Exception)
    def internal_error(exc: Exception) -> tuple[str, int]:
        app.logger.exception("internal error on %s", request.path)  # a bug: logged for developers
        message = "服务器内部错误。请将操作步骤报告给 yusuan 开发者。"
        return render_template("error.html", code=500, message=message), 500

    service.resume()
    return app


def _download(a: Analysis, fmt: str, dismissed: frozenset[str] = frozenset()) -> Response:
    assert a.disclosure is not None
    name = a.doc_id
    if fmt == "report":  # a download, never shown in this origin: the page carries its own style
        page = html_report(a.disclosure, a.diagnostics, a.file.filename, dismissed)
        if page is None:
            refuse(404, "审核模块不可用，没有审核报告。")
        return _attachment(page.encode("utf-8"), f"{name}.report.html", "text/html; charset=utf-8")
    if fmt == "findings":
        from yusuan.report.serialize import to_data

        kept = [f for f in a.findings if evidence.fingerprint_of(f) not in dismissed]
        body = json.dumps({"doc": name, "audited": a.audited, "findings": to_data(kept),
                           "dismissed": len(a.findings) - len(kept)}, ensure_ascii=False, indent=2)
        return _attachment(body.encode("utf-8"), f"{name}.findings.json", "application/json; charset=utf-8")
    if fmt == "findings-xlsx":  # what a reviewer sends on: Chinese headers, numbers as numbers
        from yusuan.audit.report import CheckReport, DocumentReport
        from yusuan.report.findings_xlsx import write_findings_xlsx

        kept = tuple(f for f in a.findings if evidence.fingerprint_of(f) not in dismissed)
        report = CheckReport((DocumentReport(name, a.file.filename, a.disclosure, kept, diagnostics=a.diagnostics),))
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "findings.xlsx"
            write_findings_xlsx(report, out)
            return _attachment(out.read_bytes(), f"{name}.findings.xlsx", _XLSX)
    if fmt == "json":
        from yusuan.report.serialize import document_data

        body = json.dumps(document_data(a.disclosure, a.diagnostics), ensure_ascii=False, indent=2)
        return _attachment(body.encode("utf-8"), f"{name}.json", "application/json; charset=utf-8")
    if fmt == "facts":
        from yusuan.report.facts import write_facts_csv

        buf = io.StringIO()
        write_facts_csv([a.disclosure], buf)
        return _attachment((BOM + buf.getvalue()).encode("utf-8"), f"{name}.facts.csv", "text/csv; charset=utf-8")
    from yusuan.report.xlsx import write_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.xlsx"
        write_xlsx(a.disclosure, out)
        body_bytes = out.read_bytes()
    return _attachment(body_bytes, f"{name}.xlsx", _XLSX)


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _encoded(chunks: Iterator[str]) -> Iterator[bytes]:
    """A CSV download: UTF-8 with a BOM, so that Excel on Chinese Windows opens it right."""
    yield BOM.encode("utf-8")
    for chunk in chunks:
        yield chunk.encode("utf-8")


def _attachment(body: Any, filename: str, mimetype: str) -> Response:
    """A download; the name (a document id, which may be a Chinese file stem from the database)
    goes out as an ASCII fallback plus RFC 5987 UTF-8, so no header can be broken by it."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    resp = Response(body, mimetype=mimetype)
    resp.headers["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return resp
