"""Read extracted text (the seeds' form): UTF-8, UTF-16 (BOM), GB18030/GBK."""

from __future__ import annotations

from yusuan.ingest.document import Line, SourceDocument
from yusuan.model import Source
from yusuan.text import normalize

_ENCODINGS = ("utf-8", "gb18030")


class NotText(ValueError):
    """The bytes are not text in any encoding we read."""


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if _looks_utf16_without_bom(data):
        return data.decode("utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be")
    if b"\x00" in data[:4096]:
        raise NotText("binary")
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NotText("undecodable")


def _looks_utf16_without_bom(data: bytes) -> bool:
    head = data[:2048]
    if len(head) < 8:
        return False
    zeros_even, zeros_odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    # ASCII-heavy UTF-16 has a zero in every other byte; CJK-heavy has few zeros.
    return max(zeros_even, zeros_odd) > 0.4 * half and min(zeros_even, zeros_odd) < 0.05 * half


def lines_from_text(text: str) -> tuple[Line, ...]:
    out: list[Line] = []
    for no, raw in enumerate(text.splitlines(), start=1):
        norm = normalize(raw).rstrip()
        if "\t" in norm:
            cells = tuple(c.strip() for c in norm.split("\t"))
            grid = True
        else:
            cells = tuple(norm.split())
            grid = False
        out.append(Line(no=no, text=norm, cells=cells, grid=grid, source=Source(line=no)))
    return tuple(out)


def read_text(data: bytes, path: str | None = None, sha256: str | None = None) -> SourceDocument:
    return SourceDocument(path=path, format="text", lines=lines_from_text(decode(data)), sha256=sha256)
