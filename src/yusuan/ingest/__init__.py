"""Ingest: bytes of any supported format -> ``SourceDocument`` (lines of cells with positions).

The format is detected from content, not from the file name. Limits protect the batch
from hostile files; every failure is a ``Diagnostic`` returned beside a ``None`` result.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from yusuan.ingest.document import Line, SourceDocument
from yusuan.ingest.text import NotText, read_text
from yusuan.model import Diagnostic, Severity, Source
from yusuan.text import printable

__all__ = ["MAX_FILE_BYTES", "Line", "SourceDocument", "detect_format", "load", "load_bytes"]

MAX_FILE_BYTES = 200 * 1024 * 1024  # larger files are refused before reading


def detect_format(data: bytes) -> str:
    """"pdf", "zip" (xlsx/docx, told apart by the reader), "xls" (OLE2), "html" or "text"."""
    head = data[:1024]
    if head.lstrip().startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole2"
    sniff = head.lower()
    if b"<html" in sniff or b"<!doctype html" in sniff or b"<table" in sniff:
        return "html"
    return "text"


def _error(code: str, message: str, path: str | None) -> Diagnostic:
    return Diagnostic(code=code, severity=Severity.ERROR, message=message, source=Source(ref=path))


def load_bytes(data: bytes, path: str | None = None) -> tuple[SourceDocument | None, tuple[Diagnostic, ...]]:
    sha = hashlib.sha256(data).hexdigest()
    name = path or "<输入>"
    if not data.strip():
        return None, (_error("I001", f"{name}：文件为空，没有可解析的内容。请确认文件完整后重试。", path),)
    kind = detect_format(data)
    readers = _readers()
    if kind in readers:
        return readers[kind](data, path, sha)
    try:
        return read_text(data, path=path, sha256=sha), ()
    except NotText:
        return None, (
            _error(
                "I002",
                f"{name}：无法识别的文件格式（不是文本、PDF、Excel、Word 或网页）。"
                "请提供预算公开的 PDF、Excel、Word、HTML 或 UTF-8/GB18030 文本文件。",
                path,
            ),
        )


def _readers():  # type: ignore[no-untyped-def]
    """Readers for binary formats, imported lazily so that a missing optional dependency
    affects only that format. Filled in by the format modules."""
    from yusuan.ingest import formats

    return formats.READERS


_NOT_REGULAR = (
    (stat.S_ISFIFO, "命名管道 FIFO"),
    (stat.S_ISCHR, "字符设备"),
    (stat.S_ISBLK, "块设备"),
    (stat.S_ISSOCK, "套接字"),
)


def load(path: str | Path) -> tuple[SourceDocument | None, tuple[Diagnostic, ...]]:
    p = Path(path)
    name = printable(str(p))  # an undecodable file name is escaped in every message
    try:
        mode = os.stat(p).st_mode
    except FileNotFoundError:
        return None, (_error("I003", f"{name}：文件不存在。请检查路径。", name),)
    except OSError as exc:
        return None, (_error("I006", f"{name}：无法读取文件（{exc.strerror}）。请检查权限。", name),)
    if stat.S_ISDIR(mode):
        return None, (_error("I004", f"{name}：是目录而不是文件。请指定文件，或使用 `yusuan ingest` 处理目录。", name),)
    if not stat.S_ISREG(mode):
        # /dev/zero never ends and a FIFO blocks until someone writes: never open them
        kind = next((label for test, label in _NOT_REGULAR if test(mode)), "特殊文件")
        return None, (_error("I007", f"{name}：不是普通文件（{kind}），已跳过。请指定一个普通文件。", name),)
    try:
        data = _read_capped(p, MAX_FILE_BYTES)
    except OSError as exc:
        return None, (_error("I006", f"{name}：无法读取文件（{exc.strerror}）。请检查权限。", name),)
    if data is None:
        return None, (
            _error(
                "I005",
                f"{name}：文件过大（超过上限 {MAX_FILE_BYTES // 1024 // 1024} MB），已跳过。"
                "如确需处理，请在 yusuan.toml 的 [limits] 中提高 file_mb。",
                name,
            ),
        )
    return load_bytes(data, path=name)


def _read_capped(path: Path, limit: int) -> bytes | None:
    """The file's bytes, or None when it holds more than ``limit``. Opened without blocking
    and checked again once open, so a path swapped for a FIFO or device after the check
    cannot hang or flood the reader."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        data = fh.read(info.st_size + 1)  # not read(limit): that would reserve the whole limit first
        while len(data) <= limit:  # a file still growing
            more = fh.read(min(1 << 20, limit + 1 - len(data)))
            if not more:
                break
            data += more
    return None if len(data) > limit else data
