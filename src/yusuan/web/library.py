"""Uploaded documents: safe storage and their analyses (parse + audit), cached in memory.

Files are stored under their SHA-256 (``uploads/<sha256>``), never under the client's file
name, so no client string ever reaches the file system: path traversal is impossible by
construction. The client's name is kept, cleaned, in a JSON sidecar for display only (every
page escapes it). Formats are detected from content by ``yusuan.ingest``, so no suffix is
needed; nothing in a document is executed.
"""

from __future__ import annotations

import hashlib
import json
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

from yusuan.api import parse
from yusuan.model import Diagnostic, Disclosure, Finding, Severity
from yusuan.web.checks import Checker, run_checks

SHA_RE = re.compile(r"[0-9a-f]{64}")  # always used with fullmatch (no "$" newline slack)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_NAME = 120
CACHE_SIZE = 256

Parser = Callable[[Path, str], "tuple[Disclosure | None, tuple[Diagnostic, ...]]"]
# A document that is not an upload: hash -> (path on this machine, document id, display name).
Resolver = Callable[[str], "tuple[Path, str, str] | None"]


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


@dataclass(frozen=True)
class Analysis:
    file: StoredFile
    disclosure: Disclosure | None
    diagnostics: tuple[Diagnostic, ...]
    findings: tuple[Finding, ...]
    audited: bool  # False when the audit package is not available
    doc_id: str = ""  # id in facts and findings: the hash's first 16 digits, or the database's doc

    @property
    def label(self) -> str:
        meta = self.disclosure.meta if self.disclosure else None
        return (meta.unit_name if meta and meta.unit_name else None) or self.file.filename

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity) + sum(
            1 for d in self.diagnostics if d.severity == severity
        )


class Library:
    """The server's document folder. Thread-safe; analyses are computed once per file."""

    def __init__(
        self, root: Path, parser: Parser | None = None, checker: Checker | None = None, resolver: Resolver | None = None
    ) -> None:
        self.root = Path(root)
        self._resolver = resolver
        self.uploads = self.root / "uploads"
        self.uploads.mkdir(parents=True, exist_ok=True)
        self._parser = parser or _default_parser
        self._checker = checker
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Analysis] = OrderedDict()

    # ------------------------------------------------------------------ storage

    def store(self, data: bytes, client_name: str | None) -> StoredFile:
        """Write the bytes under their hash (atomically; a re-upload is a no-op)."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.uploads / sha
        if not target.exists():
            fd, tmp = tempfile.mkstemp(dir=self.uploads, prefix=".part-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, target)
        meta_path = self.uploads / f"{sha}.json"
        if meta_path.exists():
            return self.stored(sha) or self._write_meta(sha, client_name, len(data))
        return self._write_meta(sha, client_name, len(data))

    def _write_meta(self, sha: str, client_name: str | None, size: int) -> StoredFile:
        info = StoredFile(sha=sha, filename=clean_filename(client_name), size=size, uploaded=time.time())
        payload = {"filename": info.filename, "size": info.size, "uploaded": info.uploaded}
        (self.uploads / f"{sha}.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        return info

    def stored(self, sha: str) -> StoredFile | None:
        """The stored file for a hash, or None; anything but 64 lowercase hex digits is refused
        before the file system is touched."""
        if not SHA_RE.fullmatch(sha or ""):
            return None
        path = self.uploads / sha
        if not path.is_file():
            return None
        try:
            info = json.loads((self.uploads / f"{sha}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = {}
        return StoredFile(
            sha=sha,
            filename=clean_filename(str(info.get("filename", ""))),
            size=int(info.get("size", path.stat().st_size)),
            uploaded=float(info.get("uploaded", path.stat().st_mtime)),
        )

    def all_files(self) -> list[StoredFile]:
        files = [self.stored(p.name) for p in self.uploads.iterdir() if SHA_RE.fullmatch(p.name)]
        return sorted((f for f in files if f), key=lambda f: f.uploaded, reverse=True)

    # ------------------------------------------------------------------ analysis

    def analysis(self, sha: str) -> Analysis | None:
        with self._lock:
            if sha in self._cache:
                self._cache.move_to_end(sha)
                return self._cache[sha]
        located = self._locate(sha)
        if located is None:
            return None
        info, path, doc_id, notes = located
        try:
            disclosure, diagnostics = self._parser(path, doc_id)
            diagnostics = (*notes, *diagnostics)
        except Exception as exc:  # a parser bug must not take the server down
            disclosure, diagnostics = None, (_internal_error("解析", exc),)
        try:
            findings, audited = run_checks(disclosure, self._checker)
        except Exception as exc:  # nor an audit bug
            findings, audited = (), False
            diagnostics = (*diagnostics, _internal_error("审核", exc))
        # Messages name the file; show the client's name, never the server's storage path.
        diagnostics = tuple(replace(d, message=d.message.replace(str(path), info.filename)) for d in diagnostics)
        if disclosure is not None:
            disclosure = replace(disclosure, meta=replace(disclosure.meta, path=info.filename))
        result = Analysis(info, disclosure, diagnostics, findings, audited, doc_id)
        with self._lock:
            self._cache[sha] = result
            while len(self._cache) > CACHE_SIZE:  # bounded memory; an evicted file is parsed again
                self._cache.popitem(last=False)
        return result

    def _locate(self, sha: str) -> tuple[StoredFile, Path, str, tuple[Diagnostic, ...]] | None:
        """An upload, else a document the resolver (the database) knows by this hash."""
        info = self.stored(sha)
        if info is not None:
            return info, self.uploads / sha, sha[:16], ()
        if self._resolver is None or not SHA_RE.fullmatch(sha or ""):
            return None
        found = self._resolver(sha)
        if found is None or not found[0].is_file():
            return None
        path, doc_id, name = found
        stat = path.stat()
        info = StoredFile(sha=sha, filename=clean_filename(name), size=stat.st_size, uploaded=stat.st_mtime)
        notes: tuple[Diagnostic, ...] = ()
        if _file_sha256(path) != sha:
            notes = (Diagnostic(code="W101", severity=Severity.WARNING,
                                message=f"{info.filename}：文件在入库后已被修改，本页按当前内容解析，与数据库中的记录可能不同。"
                                "请重新运行 `yusuan ingest` 更新语料库。"),)
        return info, path, doc_id, notes

    def analyses(self) -> list[Analysis]:
        return [a for f in self.all_files() if (a := self.analysis(f.sha))]


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _internal_error(stage: str, exc: Exception) -> Diagnostic:
    return Diagnostic(
        code="X001",
        severity=Severity.ERROR,
        message=f"{stage}时发生内部错误（{type(exc).__name__}）。请将该文件报告给 yusuan 开发者。",
    )
