"""Ingest: bytes of any supported format -> ``SourceDocument`` (lines of cells with positions).

The format is detected from content, not from the file name. Limits protect the batch
from hostile files; every failure is a ``Diagnostic`` returned beside a ``None`` result.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import replace
from pathlib import Path

from yusuan.ingest import library_log, limits
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


def load_bytes(data: bytes, path: str | None = None, *, sha256: str | None = None,
               size: int | None = None) -> tuple[SourceDocument | None, tuple[Diagnostic, ...]]:
    """Read a file's bytes. ``data`` may be only the start of a text file of ``size`` bytes
    whose digest is ``sha256`` (``load`` keeps no more of a large text file than is read)."""
    sha = sha256 or hashlib.sha256(data).hexdigest()
    name = path or "<输入>"
    if not data.strip():
        return None, (_error("I001", f"{name}：文件为空，没有可解析的内容。请确认文件完整后重试。", path),)
    kind = detect_format(data)
    readers = _readers()
    if kind in readers:
        with library_log.collecting() as said:
            doc, diags = readers[kind](data, path, sha)
        if doc is None or kind != "pdf" or not said:
            return doc, diags  # what office libraries say is about features we do not read
        note = _library_note(name, said, path)
        return replace(doc, diagnostics=(*doc.diagnostics, note)), (*diags, note)
    try:
        doc = read_text(data, path=path, sha256=sha, size=size)
    except NotText:
        return None, (
            _error(
                "I002",
                f"{name}：无法识别的文件格式（不是文本、PDF、Excel、Word 或网页）。"
                "请提供预算公开的 PDF、Excel、Word、HTML 或 UTF-8/GB18030 文本文件。",
                path,
            ),
        )
    return doc, doc.diagnostics


def _library_note(name: str, said: list[tuple[str, str]], path: str | None) -> Diagnostic:
    """One warning for what the PDF libraries reported while reading (damaged structure)."""
    first = said[0][1].replace("\n", " ")
    first = first if len(first) <= 80 else first[:77] + "..."
    return Diagnostic(
        code="I014", severity=Severity.WARNING, source=Source(ref=path),
        message=f"{name}：PDF 文件结构有 {len(said)} 处问题（如“{first}”），已尽量读取。"
        "如内容缺失或有误，请重新下载原文件，或用 PDF 阅读器打开后另存再处理。")


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
        read = _read_capped(p, MAX_FILE_BYTES)
    except OSError as exc:
        return None, (_error("I006", f"{name}：无法读取文件（{exc.strerror}）。请检查权限。", name),)
    if read is None:
        return None, (_too_big(name),)
    data, size, sha = read
    return load_bytes(data, path=name, sha256=sha, size=size)


def _too_big(name: str) -> Diagnostic:
    return _error(
        "I005",
        f"{name}：文件过大（超过上限 {MAX_FILE_BYTES // 1024 // 1024} MB），已跳过。"
        "如确需处理，请在 yusuan.toml 的 [limits] 中提高 file_mb。",
        name,
    )


def _read_capped(path: Path, limit: int) -> tuple[bytes, int, str] | None:
    """The file's bytes (of a text file only the first ``limits.MAX_TEXT_BYTES``, all the
    parser may keep), its size and SHA-256; None when it holds more than ``limit``. Opened
    without blocking and checked again once open, so a path swapped for a FIFO or device
    after the check cannot hang or flood the reader."""
    chunk = 1 << 20
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        head = fh.read(limits.MAX_TEXT_BYTES + 1)
        digest = hashlib.sha256(head)
        keep = not (len(head) > limits.MAX_TEXT_BYTES and detect_format(head) == "text")
        parts, size = [head], len(head)
        while size <= limit:  # a file still growing stops at the limit
            block = fh.read(chunk)
            if not block:
                break
            digest.update(block)
            size += len(block)
            if keep:
                parts.append(block)
    return None if size > limit else (b"".join(parts), size, digest.hexdigest())
