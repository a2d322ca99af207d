"""The Flask application: upload, document, corpus and compare pages, and downloads.

Security model: uploads are bounded (``max_upload_bytes``, refused with 413 before they are
read) and stored under their content hash (see ``library``); every page is rendered by
Jinja with autoescaping, chart data travels as JSON in a non-executed ``<script
type="application/json">`` block and is drawn with ``textContent`` only; a strict
Content-Security-Policy allows scripts from this server alone. Write operations (upload)
need the token when one is configured, and one must be configured when the server listens
beyond the loopback interface.
"""

from __future__ import annotations

import hmac
import io
import ipaddress
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, Response, abort, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from yusuan.model import Disclosure, Severity
from yusuan.web import corpus
from yusuan.web.checks import Checker, html_report, rule_docs
from yusuan.web.library import Analysis, Library, Parser
from yusuan.web.views import SEVERITY_LABELS, anchors_for, narrative_views, table_views

DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024
MAX_COMPARE = 12
MAX_FILES = 20  # files per upload request (the size limit applies to the whole request)
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class WebConfig:
    data_dir: Path  # uploads live in data_dir/uploads
    host: str = "127.0.0.1"
    token: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    db: Path | None = None

    @property
    def token_required(self) -> bool:
        return bool(self.token) or not is_loopback(self.host)


def create_app(config: WebConfig, parser: Parser | None = None, checker: Checker | None = None) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_upload_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    # Chart series keep their meaningful order, in the API and in the page's data block.
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.jinja_env.policies["json.dumps_kwargs"] = {"sort_keys": False}
    db = corpus.CorpusDb(config.db)

    def from_db(sha: str) -> tuple[Path, str, str] | None:
        found = db.locate(sha)
        return (Path(found.path), found.doc, Path(found.path).name) if found else None

    library = Library(config.data_dir, parser=parser, checker=checker, resolver=from_db)
    app.extensions["yusuan"] = library

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

    def get_analysis(sha: str) -> Analysis:
        found = library.analysis(sha)
        if found is None:
            abort(404)
        return found

    @app.after_request
    def security_headers(resp: Response) -> Response:
        resp.headers["Content-Security-Policy"] = _CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "same-origin"  # "no-referrer" makes Chrome send Origin: null
        resp.headers["X-Frame-Options"] = "DENY"
        return resp

    @app.context_processor
    def common() -> dict[str, Any]:
        return {"token_required": config.token_required, "max_mb": config.max_upload_bytes // (1024 * 1024)}

    @app.get("/")
    def index() -> str:
        return render_template("index.html", files=library.all_files()[:50], error=None)

    @app.post("/upload")
    def upload() -> Any:
        def refuse(message: str, status: int) -> tuple[str, int]:
            return render_template("index.html", files=library.all_files()[:50], error=message), status

        if cross_site():
            return refuse("拒绝来自其他网站的上传请求。请在本站首页上传。", 403)
        if not token_ok():
            return refuse("上传需要有效的访问令牌（--token 或环境变量 YUSUAN_TOKEN）。", 403)
        blobs = []
        for file in request.files.getlist("file")[:MAX_FILES]:
            data = file.read(config.max_upload_bytes + 1)
            if len(data) > config.max_upload_bytes:
                raise RequestEntityTooLarge()
            if data:
                blobs.append((data, file.filename))
        if not blobs:
            return refuse("没有收到文件内容。请选择预算公开文件（PDF、Excel、Word、网页或文本）后再上传。", 400)
        stored = [library.store(data, name) for data, name in blobs]
        if len(stored) == 1:
            return redirect(url_for("document", sha=stored[0].sha), code=303)
        return redirect(url_for("corpus_page"), code=303)

    @app.get("/doc/<sha>")
    def document(sha: str) -> str:
        a = get_analysis(sha)
        findings = list(a.findings)
        views = table_views(a.disclosure.tables, findings) if a.disclosure else []
        on_tables = anchors_for(views, len(findings))
        sections = narrative_views(a.disclosure.narrative, findings, set(on_tables)) if a.disclosure else []
        return render_template(
            "document.html", a=a, findings=findings, views=views, sections=sections,
            anchors=anchors_for(views, len(findings), sections),
            severity_labels={s.value: label for s, label in SEVERITY_LABELS.items()},
            counts={s.value: a.count(s) for s in Severity},
        )

    @app.get("/doc/<sha>/download/<fmt>")
    def download(sha: str, fmt: str) -> Response:
        a = get_analysis(sha)
        if a.disclosure is None or fmt not in ("json", "facts", "xlsx", "findings", "report"):
            abort(404)
        name = a.doc_id
        if fmt == "report":  # a download, never shown in this origin: the page carries its own style
            page = html_report(a.disclosure, a.diagnostics, a.file.filename)
            if page is None:
                abort(404)
            return _attachment(page.encode("utf-8"), f"{name}.report.html", "text/html; charset=utf-8")
        if fmt == "findings":
            from yusuan.report.serialize import to_data

            body = json.dumps({"doc": name, "audited": a.audited, "findings": to_data(a.findings)},
                              ensure_ascii=False, indent=2)
            return _attachment(body.encode("utf-8"), f"{name}.findings.json", "application/json; charset=utf-8")
        if fmt == "json":
            from yusuan.report.serialize import document_data

            body = json.dumps(document_data(a.disclosure, a.diagnostics), ensure_ascii=False, indent=2)
            return _attachment(body.encode("utf-8"), f"{name}.json", "application/json; charset=utf-8")
        if fmt == "facts":
            from yusuan.report.facts import write_facts_csv

            buf = io.StringIO()
            write_facts_csv([a.disclosure], buf)
            return _attachment(buf.getvalue().encode("utf-8"), f"{name}.facts.csv", "text/csv; charset=utf-8")
        from yusuan.report.xlsx import write_xlsx

        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out.xlsx"
            write_xlsx(a.disclosure, out)
            body_bytes = out.read_bytes()
        return _attachment(body_bytes, f"{name}.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @app.get("/rules")
    def rules_page() -> str:
        return render_template("rules.html", rules=rule_docs(),
                               severity_labels={s.value: label for s, label in SEVERITY_LABELS.items()})

    @app.get("/corpus")
    def corpus_page() -> str:
        region, unit, year = (request.args.get(k, "") for k in ("region", "unit", "year"))
        everything, notice = all_entries()
        entries, facets = corpus.browse(everything, region, unit, year)
        return render_template("corpus.html", entries=entries, facets=facets, notice=notice,
                               chosen={"region": region, "unit": unit, "year": year})

    @app.get("/questions")
    def questions_page() -> str:
        asked = corpus.questions()
        what = request.args.get("what") or next(iter(asked), "")
        if asked and what not in asked:
            abort(404)
        unit = request.args.get("unit", "").strip()
        year_text = request.args.get("year", "").strip()
        year = int(year_text) if year_text.isdigit() else None
        result, notice = db.ask(what, unit, year) if asked else (None, "语料库查询模块不可用。")
        return render_template("questions.html", questions=asked, what=what, unit=unit, year=year_text,
                               result=result, notice=notice)

    @app.get("/corpus/facts.csv")
    def corpus_facts() -> Response:
        from yusuan.report.facts import write_facts_csv

        region, unit, year = (request.args.get(k, "") for k in ("region", "unit", "year"))
        entries, _ = corpus.browse(all_entries()[0], region, unit, year)
        chosen = [a.disclosure for e in entries if (a := library.analysis(e.sha)) and a.disclosure]
        buf = io.StringIO()
        write_facts_csv(chosen, buf)
        return _attachment(buf.getvalue().encode("utf-8"), "corpus.facts.csv", "text/csv; charset=utf-8")

    def all_entries() -> tuple[list[corpus.Entry], str | None]:
        stored, notice = db.documents()
        return corpus.entries(library.analyses(), stored), notice

    def compare_selection() -> list[tuple[corpus.Entry, Disclosure | None]]:
        """The documents asked for (``doc`` hashes, else the region/year filter), in order:
        database documents from their stored rows, uploads from their analyses."""
        stored = {d.sha: d for d in db.documents()[0]}
        shas = request.args.getlist("doc")
        if not shas:
            region, year = request.args.get("region", ""), request.args.get("year", "")
            shas = [e.sha for e in corpus.browse(corpus.entries(library.analyses(), stored.values()), region, "",
                                                 year)[0]]
        shas = list(dict.fromkeys(shas))[:MAX_COMPARE]
        light = db.disclosures([stored[s] for s in shas if s in stored])
        out: list[tuple[corpus.Entry, Disclosure | None]] = []
        for sha in shas:
            if sha in stored:
                out.append((stored[sha].entry(), light.get(stored[sha].pk)))
            elif (a := library.analysis(sha)) is not None:
                out.append((corpus.entry_of(a), a.disclosure))
        return out

    @app.get("/compare")
    def compare_page() -> str:
        return render_template("compare.html", data=corpus.compare_data(compare_selection()))

    @app.get("/api/compare")
    def compare_api() -> Response:
        return app.json.response(corpus.compare_data(compare_selection()))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int]:
        messages = {
            404: "找不到这个页面或文件。请从首页或语料库页面重新进入。",
            413: f"文件超过大小上限（{config.max_upload_bytes // (1024 * 1024)} MB）。请压缩或拆分后再上传。",
            405: "不支持这种请求方式。",
        }
        code = exc.code or 500
        return render_template("error.html", code=code, message=messages.get(code, "请求无法处理。")), code

    return app


def _attachment(body: bytes, filename: str, mimetype: str) -> Response:
    """A download; the name (a document id, which may be a Chinese file stem from the database)
    goes out as an ASCII fallback plus RFC 5987 UTF-8, so no header can be broken by it."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    resp = Response(body, mimetype=mimetype)
    resp.headers["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return resp
