"""Generators of hostile and broken input files, small or large on demand.

The tests build small instances (with the limits lowered where needed); the benchmark
``benchmarks/hostile_inputs.py`` builds the full-size ones and measures time and memory.
Nothing here is stored: every file is made from parameters and the real seeds.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
SEED_TEXT = FIXTURES / "seeds" / "001_2bc1f60d8e8166ed.txt"
HELVETICA = b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>"


# --------------------------------------------------------------------------- PDF


def minimal_pdf(n_pages: int, content: bytes = b"", resources: bytes = b"", extra: list[bytes] | None = None,
                mediabox: tuple[float, float] = (595, 842)) -> bytes:
    """A valid PDF with ``n_pages`` identical pages, written by hand (no PDF library)."""
    extra = extra or []
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    first_page = 4 + len(extra)
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(n_pages))
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n_pages)
    objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects.extend(extra)
    box = b"[0 0 %s %s]" % (str(mediabox[0]).encode(), str(mediabox[1]).encode())
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox " + box + b" /Contents 3 0 R /Resources << "
            + resources + b" >> >>")
    objects.extend([page] * n_pages)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def scan_image(width: int = 1240, height: int = 1754) -> bytes:
    """A JPEG that looks like a scanned table: ruled cells with digits in them."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    rng = random.Random(7)
    step_y, step_x = max(height // 40, 12), max(width // 6, 40)
    for y in range(step_y * 3, height - step_y * 3, step_y):
        draw.line([(step_x // 2, y), (width - step_x // 2, y)], fill=0, width=2)
        for x in range(step_x // 2, width - step_x, step_x):
            draw.text((x + 8, y + step_y // 4), f"{rng.randint(1, 99999)}.{rng.randint(0, 99):02d}", fill=0)
    for x in range(step_x // 2, width, step_x):
        draw.line([(x, step_y * 3), (x, height - step_y * 4)], fill=0, width=2)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=60)
    return buf.getvalue()


def scanned_pdf(n_pages: int, mediabox: tuple[float, float] = (595, 842), image: bytes | None = None) -> bytes:
    """Pages that are one image each (no text layer): all share one JPEG object."""
    from PIL import Image

    image = image or scan_image()
    w, h = Image.open(io.BytesIO(image)).size
    xobject = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
               b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n" % (w, h, len(image))
               + image + b"\nendstream")
    draw = b"q %s 0 0 %s 0 0 cm /Im0 Do Q" % (str(mediabox[0]).encode(), str(mediabox[1]).encode())
    return minimal_pdf(n_pages, draw, b"/XObject << /Im0 4 0 R >>", [xobject], mediabox=mediabox)


def destroy_xref(data: bytes) -> bytes:
    """The PDF with its cross-reference pointer made meaningless (what a bad download does)."""
    at = data.rfind(b"startxref")
    return data[:at] + b"startxref\n999999999\n%%EOF\n"


# --------------------------------------------------------------------------- HTML


def html_span_table(rows: int = 200, cells: int = 50, colspan: int = 1000, rowspan: int = 1) -> bytes:
    """A small page whose table cells claim huge spans (colspan × rowspan grid cells each)."""
    cell = f'<td colspan="{colspan}" rowspan="{rowspan}">1.00</td>'
    row = "<tr>" + cell * cells + "</tr>\n"
    return ("<html><body><p>部门预算</p><table>" + row * rows + "</table></body></html>").encode()


def html_table_rows(n_rows: int, columns: int = 10) -> Iterator[bytes]:
    rng = random.Random(11)
    for _ in range(n_rows):
        yield ("<tr>" + "".join(f"<td>{rng.randint(1, 99999)}.{rng.randint(0, 99):02d}</td>"
                                for _ in range(columns)) + "</tr>\n").encode()


def write_html_table(path: Path, size: int) -> None:
    """A page holding one table of random amounts, about ``size`` bytes."""
    with path.open("wb") as fh:
        fh.write(b"<html><body><h1>2025\xe5\xb9\xb4\xe9\x83\xa8\xe9\x97\xa8\xe9\xa2\x84\xe7\xae\x97</h1><table>\n")
        written = 0
        for row in html_table_rows(size // 100 + 1):
            fh.write(row)
            written += len(row)
            if written >= size:
                break
        fh.write(b"</table></body></html>\n")


# --------------------------------------------------------------------------- text


def write_text(path: Path, size: int, one_line: bool = False) -> None:
    """A real seed repeated to ``size`` bytes; on one line when ``one_line``."""
    seed = SEED_TEXT.read_bytes()
    if one_line:
        seed = seed.replace(b"\r", b" ").replace(b"\n", b" ")
    with path.open("wb") as fh:
        for _ in range(size // len(seed)):
            fh.write(seed)
        fh.write(seed[: size % len(seed)].rsplit(b" ", 1)[0])


def utf16_odd() -> bytes:
    """UTF-16 text with a BOM and one byte too many (cut mid-character)."""
    return "2025年部门预算\n收入合计 100.00\n".encode("utf-16") + b"\x41"


def bad_utf8_bom() -> bytes:
    """A UTF-8 BOM before bytes that are not UTF-8 (GB18030 text saved with a stray BOM)."""
    return b"\xef\xbb\xbf" + "2025年部门预算\n收入合计 100.00 万元\n".encode("gb18030")


def mixed_encodings() -> bytes:
    """One file, lines in two encodings (text pasted together from two sources)."""
    return ("2025年部门预算\n".encode() + "收入合计 100.00 万元\n".encode("gb18030")
            + "支出合计 90.00 万元\n".encode())


# --------------------------------------------------------------------------- xlsx

_CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                  b'package/2006/content-types"><Default Extension="rels" ContentType="application/'
                  b'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
                  b'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
                  b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
                  b'"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                  b'spreadsheetml.worksheet+xml"/></Types>')
_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
         b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
         b'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
             b'relationships"><sheets><sheet name="\xe8\xa1\xa81" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
                  b'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
                  b'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                  b'</Relationships>')


def write_xlsx(target: Path | io.BytesIO, n_rows: int, n_cols: int = 10, merge: str | None = None) -> None:
    """A workbook of one sheet with ``n_rows`` × ``n_cols`` random amounts, written as XML
    directly (openpyxl would take minutes for millions of cells). ``merge`` adds a merged range."""
    rng = random.Random(3)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main"><sheetData>')
            for r in range(1, n_rows + 1):
                cells = "".join(f"<c><v>{rng.randint(1, 9999999) / 100}</v></c>" for _ in range(n_cols))
                fh.write(f'<row r="{r}">{cells}</row>'.encode())
            fh.write(b"</sheetData>")
            if merge:
                fh.write(f'<mergeCells count="1"><mergeCell ref="{merge}"/></mergeCells>'.encode())
            fh.write(b"</worksheet>")


def xlsx_bytes(n_rows: int, n_cols: int = 10, merge: str | None = None) -> bytes:
    buf = io.BytesIO()
    write_xlsx(buf, n_rows, n_cols, merge)
    return buf.getvalue()
