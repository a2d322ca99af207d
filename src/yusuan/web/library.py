"""Uploaded files, and the analyses that document pages show.

Storage: files are stored under their SHA-256 (``uploads/<sha256>``), never under the
client's file name, so no client string ever reaches the file system: path traversal is
impossible by construction. The client's name is kept, cleaned, in a JSON sidecar for
display only (every page escapes it). Formats are detected from content by
``yusuan.ingest``, so no suffix is needed; nothing in a document is executed. An upload is
streamed to disk while it is hashed, so a request never holds a whole file in memory.

Analyses: a document page needs the whole parsed model (tables with headers, narrative
text, findings). It is computed once per file, by a background job, and kept as canonical
JSON in ``analyses/<sha256>.json``; a page view only reads it back (the most recent few stay
in memory). Nothing is parsed while a request waits, and a page's parse runs in a child
process, so the server's memory does not grow with the documents it shows.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import tempfile
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from yusuan import SCHEMA_ID, __version__
from yusuan.api import parse
from yusuan.model import Diagnostic, Disclosure, Finding, Severity
from yusuan.web.checks import Checker, default_checker, run_checks

SHA_RE = re.compile(r"[0-9a-f]{64}")  # always used with fullmatch (no "$" newline slack)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_NAME = 120
MEMORY_CACHE = 16  # parsed analyses kept in memory; the rest are read from disk when shown
_SNAPSHOT = f"yusuan-web-analysis/1 {SCHEMA_ID} {__version__}"  # a snapshot of another version is recomputed
_CHUNK = 1 << 20
PAGE_PARSE_TIMEOUT_S = 600.0  # a document page's parse runs in a child process, killed past this
_PRELOAD_LOCK = threading.Lock()

Parser = Callable[[Path, str], "tuple[Disclosure | None, tuple[Diagnostic, ...]]"]


def _default_parser(path: Path, doc_id: str) -> tuple[Disclosure | None, tuple[Diagnostic, ...]]:
    return parse(path, doc_id)


def clean_filename(name: str | None) -> str:
    """The client's file name reduced to a display label: last path component, no control
    characters, bounded length. Never used as a path."""
    base = re.split(r"[\\/]", name or "")[-1]
    # control and format characters (bidi overrides could disguise a name) are dropped
    base = "".join(c for c in _CONTROL.sub("", base) if unicodedata.category(c) != "Cf").strip()
    return base[:MAX_NAME] or "未命名文件"


@dataclass(frozen=True)
class StoredFile:
    sha: str
    filename: str  # display label only
    size: int
    uploaded: float  # epoch seconds


class TooLarge(Exception):
    """An uploaded file went over the size limit while it was being read."""


class Uploads:
    """The upload folder and an in-memory index of it (read once at start). Thread-safe."""

    def __init__(self, root: Path) -> None:
        self.dir = Path(root) / "uploads"
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._index: dict[str, StoredFile] = {}
        for p in self.dir.iterdir():
            if SHA_RE.fullmatch(p.name) and p.is_file():
                self._index[p.name] = self._read_meta(p.name)

    def path(self, sha: str) -> Path:
        if not SHA_RE.fullmatch(sha or ""):
            raise ValueError("not a sha256")
        return self.dir / sha

    def owns(self, path: str) -> str | None:
        """The hash when ``path`` is one of these uploads."""
        p = Path(path)
        return p.name if p.parent == self.dir and p.name in self._index else None

    def get(self, sha: str) -> StoredFile | None:
        with self._lock:
            return self._index.get(sha)

    def all(self) -> list[StoredFile]:
        """Newest first."""
        with self._lock:
            files = list(self._index.values())
        return sorted(files, key=lambda f: f.uploaded, reverse=True)

    def store(self, stream: IO[bytes], client_name: str | None, max_bytes: int) -> StoredFile | None:
        """Copy the stream to a temporary file while hashing it, then move it under its hash
        (atomically; a re-upload is a no-op). None for an empty file; ``TooLarge`` past
        ``max_bytes``."""
        h = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge()
                    h.update(chunk)
                    out.write(chunk)
            if size == 0:
                return None
            sha = h.hexdigest()
            with self._lock:
                known = self._index.get(sha)
                if known is not None:
                    return known
                os.replace(tmp, self.dir / sha)
                info = StoredFile(sha=sha, filename=clean_filename(client_name), size=size, uploaded=time.time())
                meta = {"filename": info.filename, "size": info.size, "uploaded": info.uploaded}
                _write_atomic(self.dir / f"{sha}.json", json.dumps(meta, ensure_ascii=False).encode("utf-8"))
                self._index[sha] = info
                return info
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def _read_meta(self, sha: str) -> StoredFile:
        path = self.dir / sha
        try:
            info = json.loads((self.dir / f"{sha}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = {}
        if not isinstance(info, dict):
            info = {}
        stat = path.stat()
        return StoredFile(
            sha=sha,
            filename=clean_filename(str(info.get("filename", ""))),
            size=int(info.get("size", stat.st_size)),
            uploaded=float(info.get("uploaded", stat.st_mtime)),
        )


def _write_atomic(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@dataclass(frozen=True)
class Analysis:
    file: StoredFile
    disclosure: Disclosure | None
    diagnostics: tuple[Diagnostic, ...]
    findings: tuple[Finding, ...]
    audited: bool  # False when the audit package is not available
    doc_id: str = ""  # id in facts and findings: the corpus database's ``doc``

    @property
    def label(self) -> str:
        meta = self.disclosure.meta if self.disclosure else None
        return (meta.unit_name if meta and meta.unit_name else None) or self.file.filename

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity) + sum(
            1 for d in self.diagnostics if d.severity == severity
        )


class Analyses:
    """Parsed and audited documents, one snapshot file per content hash. Thread-safe."""

    def __init__(self, root: Path, parser: Parser | None = None, checker: Checker | None = None) -> None:
        self.dir = Path(root) / "analyses"
        self.dir.mkdir(parents=True, exist_ok=True)
        self._parser = parser
        self._checker = checker
        self._lock = threading.Lock()
        self._memory: OrderedDict[str, Analysis] = OrderedDict()

    def get(self, sha: str) -> Analysis | None:
        """The stored analysis, or None when it has not been computed (by this version)."""
        if not SHA_RE.fullmatch(sha or ""):
            return None
        with self._lock:
            if sha in self._memory:
                self._memory.move_to_end(sha)
                return self._memory[sha]
        try:
            data = json.loads((self.dir / f"{sha}.json").read_text(encoding="utf-8"))
            if data.get("format") != _SNAPSHOT:
                return None
            found = _from_snapshot(data)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # absent, from another version, or damaged: computed again
        self._remember(sha, found)
        return found

    def compute(self, info: StoredFile, path: Path, doc_id: str) -> Analysis:
        """Parse and audit the file at ``path`` (the content of ``info.sha``), store the snapshot."""
        notes: tuple[Diagnostic, ...] = ()
        try:
            changed = _file_sha256(path) != info.sha
        except OSError:
            changed = True
        if changed:
            notes = (Diagnostic(code="W101", severity=Severity.WARNING,
                                message=f"{info.filename}：文件在入库后已被修改或移走，本页按当前内容解析，与数据库中的记录"
                                "可能不同。请重新运行 `yusuan ingest` 更新语料库。"),)
        disclosure, diagnostics, findings, audited = self._analyse(path, doc_id)
        # Messages name the file; show the client's name, never the server's storage path.
        diagnostics = tuple(replace(d, message=d.message.replace(str(path), info.filename))
                            for d in (*notes, *diagnostics))
        findings = tuple(replace(f, message=f.message.replace(str(path), info.filename)) for f in findings)
        if disclosure is not None:
            disclosure = replace(disclosure, meta=replace(disclosure.meta, path=info.filename))
        result = Analysis(info, disclosure, diagnostics, findings, audited, doc_id)
        blob = json.dumps(_to_snapshot(result), ensure_ascii=False).encode("utf-8")
        _write_atomic(self.dir / f"{info.sha}.json", blob)
        self._remember(info.sha, result)
        return result

    def _analyse(
        self, path: Path, doc_id: str
    ) -> tuple[Disclosure | None, tuple[Diagnostic, ...], tuple[Finding, ...], bool]:
        """Parse and audit: exactly as ``yusuan ingest`` does (the page agrees with the corpus),
        or with the parser and checker given to the app."""
        if self._parser is None and self._checker is None:
            return _in_child_process(path)
        try:
            disclosure, diagnostics = (self._parser or _default_parser)(path, doc_id)
        except Exception as exc:  # a parser bug must not take the server down
            disclosure, diagnostics = None, (_internal_error("解析", exc),)
        try:
            findings, audited = run_checks(disclosure, self._checker)
        except Exception as exc:  # nor an audit bug
            findings, audited = (), False
            diagnostics = (*diagnostics, _internal_error("审核", exc))
        return disclosure, tuple(diagnostics), tuple(findings), audited

    def _remember(self, sha: str, analysis: Analysis) -> None:
        with self._lock:
            self._memory[sha] = analysis
            self._memory.move_to_end(sha)
            while len(self._memory) > MEMORY_CACHE:
                self._memory.popitem(last=False)


def _as_ingested(path: Path) -> tuple[Disclosure | None, tuple[Diagnostic, ...], tuple[Finding, ...], bool]:
    """The store's reading and audit of one file (``yusuan.store.extract``): the text rules see
    the source lines, as in the corpus."""
    from yusuan.store.extract import read

    try:
        disclosure, diagnostics, lines, pages = read(str(path))
    except Exception as exc:  # a parser bug must not take the server down
        return None, (_internal_error("解析", exc),), (), False
    if disclosure is None:
        return None, diagnostics, (), default_checker() is not None
    try:
        from yusuan.audit import check_disclosure
    except ImportError:
        return disclosure, diagnostics, (), False
    try:
        report = check_disclosure(disclosure, None, str(path), diagnostics, lines=lines, pages=pages)
    except Exception as exc:  # nor an audit bug
        return disclosure, (*diagnostics, _internal_error("审核", exc)), (), False
    return disclosure, diagnostics, tuple(report.findings), True


_Result = tuple["Disclosure | None", tuple[Diagnostic, ...], tuple[Finding, ...], bool]
_CHILD_PRELOAD = ["yusuan.store.extract", "yusuan.audit"]


def _in_child_process(path: Path, timeout_s: float = PAGE_PARSE_TIMEOUT_S) -> _Result:
    """``_as_ingested`` in a process of its own (forked from a preloaded server process, so it
    starts in milliseconds): the server's memory does not grow with the documents it shows (a
    scanned PDF's OCR takes hundreds of MB), and the process is killed past ``timeout_s``."""
    ctx = multiprocessing.get_context("forkserver")
    with _PRELOAD_LOCK:
        ctx.set_forkserver_preload(_CHILD_PRELOAD)
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child_main, args=(str(path), send), name="yusuan-page", daemon=True)
    child.start()
    send.close()
    try:
        if receive.poll(timeout_s):
            kind, value = receive.recv()
            if kind == "ok":
                return value  # type: ignore[no-any-return]
            reason = f"内部错误（{value}）"
        else:
            reason = f"超过 {timeout_s:g} 秒"
    except (EOFError, OSError):
        reason = "解析进程异常退出（可能内存不足）"
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    message = (f"准备文件页面时解析未完成：{reason}。该文件已在语料库中，可在语料库页面下载其事实表；"
               "请将该文件报告给 yusuan 开发者。")
    return None, (Diagnostic(code="X001", severity=Severity.ERROR, message=message),), (), False


def _child_main(path: str, send: Any) -> None:
    try:
        send.send(("ok", _as_ingested(Path(path))))
    except BaseException as exc:  # reported to the parent as a diagnostic
        send.send(("error", type(exc).__name__))
    finally:
        send.close()


def _to_snapshot(a: Analysis) -> dict[str, Any]:
    from yusuan.report.serialize import to_data

    return {"format": _SNAPSHOT, "file": to_data(a.file), "disclosure": to_data(a.disclosure),
            "diagnostics": to_data(a.diagnostics), "findings": to_data(a.findings), "audited": a.audited,
            "doc_id": a.doc_id}  # fmt: skip


def _from_snapshot(data: dict[str, Any]) -> Analysis:
    from yusuan.report.serialize import from_data

    f = data["file"]
    return Analysis(
        file=StoredFile(str(f["sha"]), clean_filename(str(f["filename"])), int(f["size"]), float(f["uploaded"])),
        disclosure=from_data(Disclosure, data["disclosure"]),
        diagnostics=tuple(from_data(Diagnostic, d) for d in data["diagnostics"]),
        findings=tuple(from_data(Finding, d) for d in data["findings"]),
        audited=bool(data["audited"]),
        doc_id=str(data["doc_id"]),
    )


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def _internal_error(stage: str, exc: Exception) -> Diagnostic:
    return Diagnostic(
        code="X001",
        severity=Severity.ERROR,
        message=f"{stage}时发生内部错误（{type(exc).__name__}）。请将该文件报告给 yusuan 开发者。",
    )
