"""Read extracted text (the seeds' form): UTF-8, UTF-16 (BOM), GB18030/GBK.

Any byte sequence gives text or ``NotText``: a stray BOM, an odd UTF-16 byte count or
lines in two encodings are repaired line by line and reported, never raised. The text is
bounded before the parser sees it (``limits.MAX_TEXT_BYTES`` / ``MAX_TEXT_CHARS`` /
``MAX_LINE_CHARS``), each cut reported once.
"""

from __future__ import annotations

from dataclasses import dataclass

from yusuan.ingest import limits
from yusuan.ingest.document import Line, SourceDocument
from yusuan.model import Severity, Source
from yusuan.text import normalize

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Lines that needed U+FFFD replacements, as a share of all lines, above which the bytes are
# taken for binary data rather than damaged text.
_MAX_DAMAGED_SHARE = 0.1
_MAX_REPLACED_SHARE = 0.02  # replaced characters per byte: more is binary data


class NotText(ValueError):
    """The bytes are not text in any encoding we read."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "gb18030", "utf-16-le", "utf-16-be", or "utf-8+gb18030" (line by line)
    notes: tuple[str, ...] = ()  # what had to be repaired, in Chinese


def decode(data: bytes) -> Decoded:
    """The text in ``data``; repairs are described in ``notes``. Raises ``NotText`` for binary data."""
    if data.startswith(_UTF8_BOM):
        return _without_bom(data[len(_UTF8_BOM):])
    if data.startswith(_UTF16_BOMS):
        big = data.startswith(b"\xfe\xff")
        return _utf16(data[2:], "utf-16-be" if big else "utf-16-le")
    if _looks_utf16_without_bom(data):
        return _utf16(data, "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be")
    if b"\x00" in data[:4096]:
        raise NotText("binary")
    return _by_lines(data)


def _without_bom(data: bytes) -> Decoded:
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        decoded = _by_lines(data)
        note = f"文件开头有 UTF-8 编码标记，但内容不是 UTF-8（按 {_encoding_zh(decoded.encoding)} 读取）"
        return Decoded(decoded.text, decoded.encoding, (note, *decoded.notes))


def _utf16(data: bytes, encoding: str) -> Decoded:
    notes = []
    if len(data) % 2:
        data = data[:-1]
        notes.append("UTF-16 文本的字节数为奇数（文件末尾被截断或多出 1 个字节），最后一个字节已忽略")
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd")
    if bad:
        notes.append(f"有 {bad} 处无法解码的 UTF-16 字符，已用“\ufffd”代替")
    return Decoded(text, encoding, tuple(notes))


def _by_lines(data: bytes) -> Decoded:
    """UTF-8, else GB18030, for the whole text; else line by line (text pasted together from
    sources in different encodings), bytes no encoding accepts replaced."""
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    raw_lines = data.split(b"\n")
    utf8_lines = [i for i, raw in enumerate(raw_lines) if not raw.isascii() and _decodes(raw, "utf-8")]
    if not utf8_lines:
        try:
            return Decoded(data.decode("gb18030"), "gb18030")
        except UnicodeDecodeError:
            pass
    parts: list[str] = []
    gb_lines: list[int] = []
    damaged: list[int] = []
    for no, raw in enumerate(raw_lines, start=1):
        try:
            parts.append(raw.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        try:
            parts.append(raw.decode("gb18030"))
            gb_lines.append(no)
        except UnicodeDecodeError:
            parts.append(raw.decode("utf-8", errors="replace"))
            damaged.append(no)
    replaced = sum(parts[no - 1].count("\ufffd") for no in damaged)
    if len(damaged) > max(1, _MAX_DAMAGED_SHARE * len(raw_lines)) or replaced > _MAX_REPLACED_SHARE * len(data):
        raise NotText("undecodable")
    notes = []
    if gb_lines and utf8_lines:
        notes.append(f"文件混用了 UTF-8 和 GB18030 两种编码（GB18030：第 {_line_list(gb_lines)} 行），已逐行识别")
    if damaged:
        notes.append(f"第 {_line_list(damaged)} 行含有无法识别编码的字节，已用“\ufffd”代替")
    encoding = "utf-8+gb18030" if gb_lines and utf8_lines else ("gb18030" if gb_lines else "utf-8")
    return Decoded("\n".join(parts), encoding, tuple(notes))


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _line_list(numbers: list[int], shown: int = 5) -> str:
    head = "、".join(str(n) for n in numbers[:shown])
    return head + (f" 等 {len(numbers)} 行" if len(numbers) > shown else "")


def _encoding_zh(encoding: str) -> str:
    return {"utf-8+gb18030": "UTF-8 与 GB18030 逐行"}.get(encoding, encoding.upper())


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


def cut_bytes(data: bytes) -> bytes:
    """The first ``MAX_TEXT_BYTES`` of a text, ended at a whole line (or a whole UTF-16 unit)."""
    if len(data) <= limits.MAX_TEXT_BYTES:
        return data
    head = data[: limits.MAX_TEXT_BYTES]
    if head.startswith(_UTF16_BOMS) or _looks_utf16_without_bom(head):
        return head[: len(head) // 2 * 2]
    end = head.rfind(b"\n")
    return head[: end + 1] if end > 0 else head


def read_text(data: bytes, path: str | None = None, sha256: str | None = None,
              size: int | None = None) -> SourceDocument:
    """Text bytes into lines. ``data`` may be only the start of a file of ``size`` bytes
    (``load`` reads no more of a large text file than it keeps). Raises ``NotText``."""
    name = path or "<输入>"
    size = len(data) if size is None else size
    kept = cut_bytes(data)
    decoded = decode(kept)
    diags = [limits.diagnostic("I012", f"{name}：{note}。请核对相关内容，或将文件另存为 UTF-8 编码后重试。",
                               path, Severity.WARNING) for note in decoded.notes]
    text = decoded.text
    cut_chars = len(text) > limits.MAX_TEXT_CHARS
    if cut_chars:
        end = text.rfind("\n", 0, limits.MAX_TEXT_CHARS)
        text = text[: end if end > 0 else limits.MAX_TEXT_CHARS]
    lines, long_lines = _bounded_lines(text)
    if len(kept) < size or cut_chars:
        diags.append(limits.diagnostic(
            "I010", f"{name}：文本过长（{size / 1024 / 1024:.1f} MB），只读取了前 {len(lines):,} 行"
            f"（上限 {limits.MAX_TEXT_CHARS:,} 个字符），其后的内容未读取。"
            "预算公开文件通常不超过 10 万字；如确需全部内容，请拆分文件后分别处理。", path, Severity.WARNING))
    if long_lines:
        first, length = long_lines[0]
        diags.append(limits.diagnostic(
            "I011", f"{name}：第 {_line_list([n for n, _ in long_lines])} 行过长（第 {first} 行 {length:,} 个字符，"
            f"上限 {limits.MAX_LINE_CHARS:,}），每行只读取前 {limits.MAX_LINE_CHARS:,} 个字符。"
            "请检查文件是否缺少换行符（如整篇文字在一行）。", path, Severity.WARNING, line=first))
    return SourceDocument(path=path, format="text", lines=lines, sha256=sha256, diagnostics=tuple(diags))


def _bounded_lines(text: str) -> tuple[tuple[Line, ...], list[tuple[int, int]]]:
    """Lines of the text, each cut at ``MAX_LINE_CHARS``; the cut lines (number, length)."""
    long_lines: list[tuple[int, int]] = []
    if any(len(raw) > limits.MAX_LINE_CHARS for raw in text.splitlines()):
        kept = []
        for no, raw in enumerate(text.splitlines(), start=1):
            if len(raw) > limits.MAX_LINE_CHARS:
                long_lines.append((no, len(raw)))
                raw = raw[: limits.MAX_LINE_CHARS]
            kept.append(raw)
        text = "\n".join(kept)
    return lines_from_text(text), long_lines
