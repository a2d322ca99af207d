"""Hostile and broken files: bounded time and memory, a Chinese diagnostic, never a crash.

All fixtures are generated here, small, at run time.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from yusuan.ingest import limits, load_bytes
from yusuan.model import Severity

from .hostile_files import minimal_pdf

PDF_108 = Path(__file__).parent / "fixtures" / "real" / "108_sh-putuo-zfbgs-2025-danwei-yusuan.pdf"


def _only_error(diags, code: str) -> str:  # type: ignore[no-untyped-def]
    assert [d.code for d in diags] == [code]
    assert diags[0].severity == Severity.ERROR
    return diags[0].message


def test_encrypted_pdf_is_refused_with_a_clear_message() -> None:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(minimal_pdf(1, b"BT /F1 12 Tf 72 720 Td (x) Tj ET")))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    doc, diags = load_bytes(buf.getvalue(), path="enc.pdf")
    assert doc is None
    message = _only_error(diags, "I101")
    assert "enc.pdf" in message and "加密" in message and "密码" in message


@pytest.mark.parametrize("cut", [0.5, 0.1])
def test_truncated_pdf_never_raises(cut: float) -> None:
    data = PDF_108.read_bytes()
    doc, diags = load_bytes(data[: int(len(data) * cut)], path="cut.pdf")
    # pdfminer may recover some pages from a damaged file; either way it is reported or read
    if doc is None:
        assert diags and diags[0].code in {"I102", "I103"} and "cut.pdf" in diags[0].message
    else:
        assert doc.format == "pdf"


def test_garbage_after_pdf_header_is_corrupt() -> None:
    doc, diags = load_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40, path="junk.pdf")
    assert doc is None and diags[0].code in {"I102", "I103"}
    assert "重新下载" in diags[0].message or "页面" in diags[0].message


def test_thousand_page_pdf_is_cut_at_the_page_limit() -> None:
    data = minimal_pdf(1000, b"BT /F1 12 Tf 72 720 Td (Page text) Tj ET",
                       b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>")
    doc, diags = load_bytes(data, path="big.pdf")
    assert doc is not None and doc.pages == 1000
    warn = [d for d in diags if d.code == "I104"]
    assert len(warn) == 1 and warn[0].severity == Severity.WARNING
    assert "1000" in warn[0].message and str(limits.MAX_PAGES) in warn[0].message
    assert max(x.source.page or 0 for x in doc.lines) == limits.MAX_PAGES


def test_giant_image_is_not_rendered() -> None:
    # An image XObject that declares 100000 x 100000 pixels (10 gigapixels) with a tiny stream.
    image = b"<< /Type /XObject /Subtype /Image /Width 100000 /Height 100000 /ColorSpace /DeviceGray " \
            b"/BitsPerComponent 8 /Length 4 >>\nstream\nabcd\nendstream"
    data = minimal_pdf(1, b"q 595 0 0 842 0 0 cm /Im0 Do Q", b"/XObject << /Im0 4 0 R >>", [image])
    _doc, diags = load_bytes(data, path="giant.pdf")
    codes = [d.code for d in diags]
    assert "I110" in codes
    msg = next(d.message for d in diags if d.code == "I110")
    assert "第 1 页" in msg and "像素" in msg and "重新扫描" in msg


def _bomb(member: str, others: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in others.items():
            z.writestr(name, data)
        with z.open(member, "w", force_zip64=True) as fh:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(40):  # 40 MB of zeros: about 40 KB compressed
                fh.write(chunk)
    return buf.getvalue()


@pytest.mark.parametrize(("member", "marker", "kind"), [
    ("word/document.xml", "word/styles.xml", "docx"),
    ("xl/worksheets/sheet1.xml", "xl/workbook.xml", "xlsx"),
])
def test_zip_bomb_in_office_file_is_refused_before_decompression(member: str, marker: str, kind: str) -> None:
    data = _bomb(member, {"[Content_Types].xml": b"<Types/>", marker: b"<x/>"})
    assert len(data) < 200_000
    doc, diags = load_bytes(data, path=f"bomb.{kind}")
    assert doc is None
    message = _only_error(diags, "I302")
    assert f"bomb.{kind}" in message and member in message and "压缩炸弹" in message


def test_total_uncompressed_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ZIP_UNCOMPRESSED", 1000)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", b"a" * 2000)
    doc, diags = load_bytes(buf.getvalue(), path="big.docx")
    assert doc is None and _only_error(diags, "I303")


def test_member_lying_about_its_size_is_stopped_while_reading() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.xml", b"x" * 5000)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z, pytest.raises(limits.MemberTooLarge):
        limits.read_member(z, "a.xml", limit=1000)


def test_broken_zip_and_unknown_zip() -> None:
    doc, diags = load_bytes(b"PK\x03\x04" + b"\x00" * 100, path="bad.xlsx")
    assert doc is None and _only_error(diags, "I201")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", b"hello")
    doc, diags = load_bytes(buf.getvalue(), path="other.zip")
    assert doc is None and _only_error(diags, "I202")


@pytest.mark.slow  # pdfminer needs ~5 s to parse 20,000 rectangles
def test_page_with_a_huge_drawing_is_read_without_table_search() -> None:
    rects = b"".join(b"%d %d 2 2 re f\n" % (10 + (i % 280) * 2, 10 + (i // 280) * 2)
                     for i in range(limits.MAX_VECTOR_OBJECTS + 1))
    text = b"BT /F1 12 Tf 72 800 Td (Budget table 2025) Tj ET\n"
    data = minimal_pdf(1, text + rects, b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>")
    doc, diags = load_bytes(data, path="drawing.pdf")
    assert doc is not None and not diags
    assert [x.text for x in doc.lines] == ["Budget table 2025"]
    assert not any(x.grid for x in doc.lines)
