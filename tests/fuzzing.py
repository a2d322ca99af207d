"""Fuzzing harness: structured mutations of the real seeds through every reader, the parser,
the audit and the renderers.

One *case* is a format, a seed of that format and a few mutations, all drawn from one
``random.Random``: ``make_case(rng)``. ``run_case`` feeds the bytes to ``load_bytes`` (the
reader), ``parse_document``, every audit rule and the report renderers, and returns the
*crashes*: exceptions that escaped (a reader must never raise for bad input), rules that
failed (the engine records them as "无法运行" instead of raising; here they are crashes),
and broken contracts (a refused file without an error message, a message without Chinese).

Used by ``tests/test_fuzz.py`` (a quick hypothesis profile: hypothesis drives the Random)
and ``benchmarks/fuzz.py`` (≥ 100,000 cases, each reproducible from its number). Inputs
that crashed are kept in ``tests/fixtures/fuzz`` and replayed by the tests.
"""

from __future__ import annotations

import html
import io
import json
import random
import re
import traceback
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import hostile_files as hf

FIXTURES = Path(__file__).parent / "fixtures"
REGRESSIONS = FIXTURES / "fuzz"
TEXT_SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
PDF_SEEDS = sorted((FIXTURES / "pdf").glob("*.pdf"))
EXTENSIONS = {"text": "txt", "html": "html", "xlsx": "xlsx", "docx": "docx", "pdf": "pdf"}
# Share of cases per format: the text path carries most of the parser and the rules.
WEIGHTS = {"text": 45, "html": 15, "xlsx": 12, "docx": 10, "pdf": 18}
_CJK = re.compile(r"[\u3400-\u9fff]")


# --------------------------------------------------------------------------- crashes


@dataclass(frozen=True)
class Crash:
    stage: str  # "load", "parse", "rule NAR002", "render json", "contract"
    error: str  # exception type
    frame: str  # innermost frame in yusuan code ("yusuan/parsing/rows.py:120 read_rows")
    message: str

    @property
    def signature(self) -> str:
        return f"{self.stage} | {self.error} | {self.frame}"

    @staticmethod
    def of(stage: str, exc: BaseException) -> Crash:
        frames = traceback.extract_tb(exc.__traceback__)
        ours = [f for f in frames if "/yusuan/" in f.filename.replace("\\", "/")]
        top = (ours or frames)[-1] if (ours or frames) else None
        where = ""
        if top is not None:
            path = top.filename.replace("\\", "/")
            short = path[path.rfind("/yusuan/") + 1:] if "/yusuan/" in path else Path(path).name
            where = f"{short}:{top.lineno} {top.name}"
        return Crash(stage, type(exc).__name__, where, str(exc)[:200])


def run_case(data: bytes, name: str) -> list[Crash]:
    """Every stage on one input; the crashes found (empty: the input was handled)."""
    from yusuan.audit import check_disclosure
    from yusuan.audit.engine import source_text
    from yusuan.ingest import load_bytes
    from yusuan.model import Severity
    from yusuan.parsing import parse_document

    try:
        source, diagnostics = load_bytes(data, path=name)
    except Exception as exc:
        return [Crash.of("load", exc)]
    crashes = _contract(diagnostics, source is None)
    if source is None:
        return crashes
    try:
        disclosure, found = parse_document(source, "fuzz")
    except Exception as exc:
        return [*crashes, Crash.of("parse", exc)]
    diagnostics = diagnostics + found
    if not any(d.severity == Severity.ERROR for d in found):
        crashes += _contract(found, False)
    lines, pages = source_text(source)
    try:
        report = check_disclosure(disclosure, path=name, diagnostics=diagnostics, lines=lines, pages=pages)
    except Exception as exc:
        return [*crashes, Crash.of("check", exc)]
    crashes += _rule_crashes(report, disclosure, lines, pages)
    crashes += _render(report, disclosure, diagnostics)
    return crashes


def _contract(diagnostics: tuple, refused: bool) -> list[Crash]:  # type: ignore[type-arg]
    from yusuan.model import Severity

    out = []
    if refused and not any(d.severity == Severity.ERROR for d in diagnostics):
        out.append(Crash("contract", "RefusedWithoutError", "", "no error diagnostic for a refused file"))
    for d in diagnostics:
        if not _CJK.search(d.message):
            out.append(Crash("contract", "MessageNotChinese", d.code, d.message[:200]))
    return out


def _rule_crashes(report, disclosure, lines, pages) -> list[Crash]:  # type: ignore[no-untyped-def]
    """Rules the engine recorded as failed, run again to see where they failed."""
    from yusuan.audit.config import Config
    from yusuan.audit.context import RuleContext
    from yusuan.audit.registry import all_rules
    from yusuan.audit.report import Status

    out = []
    config = Config()
    for entry in report.coverage:
        if entry.status != Status.ERROR:
            continue
        rule = all_rules()[entry.rule]
        ctx = RuleContext(disclosure=disclosure, code=rule.code, severity=rule.severity, tolerance=config.tolerance,
                          lines=lines, pages=pages or {}, texts={}, locate_doc=None)
        try:
            rule.fn(ctx)
        except Exception as exc:
            out.append(Crash.of(f"rule {entry.rule}", exc))
        else:
            out.append(Crash(f"rule {entry.rule}", "Error", "", entry.reason[:200]))
    return out


def _render(report, disclosure, diagnostics) -> list[Crash]:  # type: ignore[no-untyped-def]
    from yusuan.audit.report import CheckReport
    from yusuan.report import findings
    from yusuan.report.claims import write_claims_csv
    from yusuan.report.facts import write_facts_csv
    from yusuan.report.html import render_html
    from yusuan.report.serialize import document_data

    check = CheckReport((report,))
    out = []
    for stage, render in (
        ("render json", lambda: json.dumps(document_data(disclosure, diagnostics), ensure_ascii=False)),
        ("render facts", lambda: write_facts_csv([disclosure], io.StringIO())),
        ("render claims", lambda: write_claims_csv([disclosure], io.StringIO())),
        ("render check", lambda: (findings.render_text(check), findings.render_json(check),
                                  findings.render_csv(check), render_html(check))),
    ):
        try:
            render()
        except Exception as exc:
            out.append(Crash.of(stage, exc))
    return out


# --------------------------------------------------------------------------- seeds


@lru_cache(maxsize=1)
def text_seeds() -> tuple[str, ...]:
    return tuple(p.read_text(encoding="utf-8") for p in TEXT_SEEDS)


def fragment(rng: random.Random, text: str) -> list[str]:
    """A window of a seed's lines: whole documents are slow to parse, windows keep a case
    at tens of milliseconds and still cross tables, titles and narrative."""
    lines = text.splitlines()
    if rng.random() < 0.1:  # whole documents: the rules that compare tables need them
        return lines
    size = rng.randint(5, 120)
    start = rng.randrange(max(len(lines) - size, 1))
    return lines[start:start + size]


def html_from_lines(lines: list[str], rng: random.Random) -> str:
    out = ['<html><head><meta charset="utf-8"><title>预算</title></head><body>']
    in_table = False
    for line in lines:
        if "\t" in line:
            if not in_table:
                out.append("<table border=1>")
                in_table = True
            cells = line.split("\t")
            out.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        else:
            if in_table:
                out.append("</table>")
                in_table = False
            tag = rng.choice(["p", "div", "h3"])
            out.append(f"<{tag}>{html.escape(line)}</{tag}>")
    out.append("</table></body></html>" if in_table else "</body></html>")
    return "\n".join(out)


def xlsx_from_lines(lines: list[str]) -> bytes:
    import openpyxl

    from yusuan.text import parse_amount

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表1"
    for line in lines:
        row = []
        for cell in line.split("\t"):
            amount = parse_amount(cell)
            row.append(float(amount) if amount is not None and len(cell) < 16 else cell)
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def docx_from_lines(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    block: list[list[str]] = []

    def flush() -> None:
        if block:
            width = max(len(r) for r in block)
            table = document.add_table(rows=len(block), cols=width)
            for r, cells in enumerate(block):
                for c, text in enumerate(cells):
                    table.cell(r, c).text = text
            block.clear()

    for line in lines:
        if "\t" in line:
            block.append(line.split("\t"))
        else:
            flush()
            document.add_paragraph(line)
    flush()
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


@lru_cache(maxsize=1)
def office_seeds() -> dict[str, tuple[bytes, ...]]:
    """A few workbooks and Word files made from windows of the text seeds (made once)."""
    rng = random.Random(2025)
    out: dict[str, list[bytes]] = {"xlsx": [], "docx": []}
    for text in text_seeds():
        for _ in range(3):
            lines = fragment(rng, text)
            out["xlsx"].append(xlsx_from_lines(lines))
            out["docx"].append(docx_from_lines(lines))
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def pdf_seeds() -> tuple[bytes, ...]:
    """Single pages of the real PDF fixtures with their content streams uncompressed (so that
    mutations hit drawing operators, not a deflate stream), and small hand-written PDFs."""
    import pypdf
    from pypdf.generic import NameObject, StreamObject

    out = []
    for path in PDF_SEEDS:
        for page in pypdf.PdfReader(path).pages:
            writer = pypdf.PdfWriter()
            writer.add_page(page)
            new = writer.pages[0]
            stream = StreamObject()
            stream.set_data(new.get_contents().get_data())
            new[NameObject("/Contents")] = writer._add_object(stream)
            buf = io.BytesIO()
            writer.write(buf)
            out.append(buf.getvalue())
    ruled = b"".join(b"72 %d m 500 %d l S\n" % (y, y) for y in range(400, 700, 20))
    ruled += b"".join(b"%d 400 m %d 680 l S\n" % (x, x) for x in (72, 200, 350, 500))
    text = b"".join(b"BT /F1 9 Tf 80 %d Td (%d 1,234.%02d 56.78) Tj ET\n" % (y + 5, 2010000 + y, y % 100)
                    for y in range(400, 680, 20))
    out.append(hf.minimal_pdf(2, ruled + text, hf.HELVETICA))
    out.append(hf.scanned_pdf(1, mediabox=(100, 140), image=hf.scan_image(120, 170)))  # OCR kept quick
    return tuple(out)


# --------------------------------------------------------------------------- mutations

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
_NUMBER_BYTES = re.compile(rb"-?\d+(?:\.\d+)?")
_ODD_NUMBERS = ["", "-", "0", "-0.00", "1e999", "NaN", "Infinity", "１２３．４５", "(12.5)", "12,34,5.6",
                "9" * 25, "0.000000001", "12.5%", "%", "−5", "1.2.3", "٣٤٥", "〇", "1/2", "--3", "2025年",
                "99999999999999999999.99", "-99999999999999999999", "0x1F", "1_000", "∞", "百万", ".",
                "9" * 27 + ".99", "9" * 40, "1" * 19 + ".00", "0." + "0" * 30 + "1"]
_ODD_TEXT = ["\x00", "\x0b", "\x0c", "\u2028", "\x85", "\ufeff", "\ud800", "\u200b", "\t\t\t", "合计", "小计",
             "总计", "其中：", "一、", "（一）", "单位：万元", "单位：元", "2025年部门预算", "收支总表", "科目编码",
             "<table>", "&nbsp;", "'", '"', "\\", "%s", "{0}", "\r", "\r\n", "😀", "𠀀"]
_ODD_BYTES = [b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xfe\xff", b"\x80", b"\xc3", b"\xe4\xb8", b"\x1a",
              b"endstream", b"endobj", b"%%EOF", b"xref", b"trailer", b"<<", b">>", b"obj", b"/Length 999999",
              b"/MediaBox [0 0 1e9 1e9]", b"q 1e30 0 0 1e30 0 0 cm", b"BT", b"ET", b"Tj", b"</table>", b"<tr>",
              b'colspan="1000"', b'rowspan="65534"', b"<td>", b"PK\x03\x04"]
_HTML_TAGS = ["<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th colspan=\"{n}\">", "<td rowspan=\"{n}\">",
              "<td colspan=\"{n}\" rowspan=\"{m}\">", "<p>", "<br>", "<script>", "</script>", "<caption>",
              "<!--", "-->", "<![CDATA[", "<meta charset=\"{cs}\">", "&#0;", "&#xD800;", "&#99999999;"]
_SPANS = ["0", "-1", "1", "2", "1000", "65534", "99999999999999999999", "abc", "", "1e3", " 3 ", "2.5"]
_CHARSETS = ["gb2312", "gbk", "utf-16", "big5", "nonsense", "utf-8", "latin-1"]
_XML_EDITS = [(rb'r="[A-Z]+\d+"', [b'r="XFD1048576"', b'r="A0"', b'r="ZZZZ1"', b'r=""', b'r="A99999999"']),
              (rb'<v>[^<]*</v>', [b"<v>1e999</v>", b"<v>NaN</v>", b"<v></v>", b"<v>" + b"9" * 40 + b"</v>",
                                  b"<v>-0</v>", b"<v>abc</v>", b"<v>999999999</v>"]),
              (rb't="\w+"', [b't="s"', b't="e"', b't="b"', b't="d"', b't="inlineStr"', b't="zz"']),
              (rb's="\d+"', [b's="9999"', b's="-1"', b's="x"']),
              (rb'ref="[A-Z]+\d+:[A-Z]+\d+"', [b'ref="A1:XFD1048576"', b'ref="B2:A1"', b'ref="A1:A1"']),
              (rb"<w:gridSpan w:val=\"\d+\"/>", [b'<w:gridSpan w:val="1000"/>', b'<w:gridSpan w:val="0"/>',
                                                b'<w:gridSpan w:val="-5"/>']),
              (rb"<w:tc>", [b'<w:tc><w:tcPr><w:vMerge w:val="restart"/><w:gridSpan w:val="50"/></w:tcPr>',
                            b"<w:tc><w:tc>", b""])]


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    op = rng.randrange(7)
    at = rng.randrange(len(data))
    if op == 0:  # flip a few bytes
        out = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(out))
            out[i] ^= 1 << rng.randrange(8) if rng.random() < 0.5 else rng.randrange(1, 256)
        return bytes(out)
    if op == 1:  # truncate
        return data[:at]
    if op == 2:  # insert odd bytes
        return data[:at] + rng.choice(_ODD_BYTES) * rng.randint(1, 3) + data[at:]
    if op == 3:  # delete a slice
        return data[:at] + data[at + rng.randint(1, 512):]
    if op == 4:  # repeat a slice
        piece = data[at:at + rng.randint(1, 256)]
        return data[:at] + piece * rng.randint(2, 20) + data[at:]
    if op == 5:  # random bytes
        return data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 32))) + data[at:]
    # a number changed (xref offsets, lengths, coordinates, cell values)
    found = list(_NUMBER_BYTES.finditer(data[max(0, at - 4096):at + 4096]))
    if not found:
        return data
    m = rng.choice(found)
    start = max(0, at - 4096) + m.start()
    return data[:start] + rng.choice([b"0", b"-1", b"99999999999", b"1e308", b"-0.0", b"4294967296", b"NaN",
                                      b"3.4e38", b"12345678901234567890"]) + data[start + len(m.group()):]


def mutate_lines(rng: random.Random, lines: list[str]) -> list[str]:
    """Table- and text-structure mutations on the lines of a text or page."""
    if not lines:
        return [rng.choice(_ODD_TEXT)]
    lines = list(lines)
    i = rng.randrange(len(lines))
    op = rng.randrange(11)
    if op == 0:  # an amount replaced by an odd one
        found = list(_NUMBER.finditer(lines[i]))
        if found:
            m = rng.choice(found)
            lines[i] = lines[i][:m.start()] + rng.choice(_ODD_NUMBERS) + lines[i][m.end():]
    elif op == 1:  # tabs: cells merged, split, emptied
        cells = lines[i].split("\t")
        choice = rng.randrange(4)
        if choice == 0 and len(cells) > 1:
            j = rng.randrange(len(cells) - 1)
            cells[j:j + 2] = [cells[j] + cells[j + 1]]
        elif choice == 1:
            cells.insert(rng.randrange(len(cells) + 1), "")
        elif choice == 2 and len(cells) > 1:
            j, k = rng.randrange(len(cells)), rng.randrange(len(cells))
            cells[j], cells[k] = cells[k], cells[j]
        else:
            cells = [""] * len(cells)
        lines[i] = "\t".join(cells)
    elif op == 2:
        del lines[i]
    elif op == 3:
        lines.insert(i, lines[rng.randrange(len(lines))])
    elif op == 4:  # a block moved
        j = rng.randrange(len(lines))
        block = lines[i:i + rng.randint(1, 10)]
        del lines[i:i + len(block)]
        lines[j:j] = block
    elif op == 5:  # odd text inserted in a line
        at = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:at] + rng.choice(_ODD_TEXT) + lines[i][at:]
    elif op == 6:  # a line from another seed (a title, a table row of another family)
        other = rng.choice(text_seeds()).splitlines()
        lines.insert(i, rng.choice(other))
    elif op == 7:  # a very long line
        lines[i] = lines[i] * rng.randint(2, 50)
    elif op == 8:  # characters shuffled inside a line
        chars = list(lines[i])
        rng.shuffle(chars)
        lines[i] = "".join(chars)
    elif op == 9:  # the same row repeated many times (a long table)
        lines[i:i] = [lines[i]] * rng.randint(2, 200)
    else:  # digits changed everywhere in the line
        lines[i] = re.sub(r"\d", lambda _m: str(rng.randrange(10)), lines[i])
    return lines


def encode(rng: random.Random, text: str) -> bytes:
    """The text in one of the encodings found in the wild, sometimes mixed or damaged."""
    choice = rng.randrange(9)
    if choice < 4:
        return text.encode("utf-8", errors="surrogatepass")
    if choice == 4:
        return text.encode("gb18030", errors="replace")
    if choice == 5:
        return text.encode(rng.choice(["utf-16", "utf-16-le", "utf-16-be"]), errors="surrogatepass")
    if choice == 6:
        return b"\xef\xbb\xbf" + text.encode(rng.choice(["utf-8", "gb18030"]), errors="replace")
    if choice == 7:  # lines in two encodings
        return b"\n".join(line.encode(rng.choice(["utf-8", "gb18030"]), errors="replace")
                          for line in text.split("\n"))
    return text.encode("utf-16", errors="surrogatepass") + b"\x00"  # odd byte count


def mutate_html(rng: random.Random, page: str) -> str:
    at = rng.randrange(len(page) + 1)
    tag = rng.choice(_HTML_TAGS).format(n=rng.choice(_SPANS), m=rng.choice(_SPANS), cs=rng.choice(_CHARSETS))
    if rng.random() < 0.3:  # spans on existing cells
        return re.sub(r"<td>", lambda _m: f'<td colspan="{rng.choice(_SPANS)}" rowspan="{rng.choice(_SPANS)}">'
                      if rng.random() < 0.2 else "<td>", page)
    return page[:at] + tag + page[at:]


def mutate_zip(rng: random.Random, data: bytes) -> bytes:
    """A member of an xlsx/docx changed (XML edits or bytes), the archive rebuilt."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    except Exception:
        return mutate_bytes(rng, data)
    xml = [k for k, (name, _) in enumerate(members) if name.endswith(".xml")]
    if not xml:
        return mutate_bytes(rng, data)
    k = rng.choice(xml)
    _member, body = members[k]
    if rng.random() < 0.6:
        pattern, values = rng.choice(_XML_EDITS)
        found = list(re.finditer(pattern, body))
        if found:
            m = rng.choice(found)
            body = body[:m.start()] + rng.choice(values) + body[m.end():]
        else:
            body = mutate_bytes(rng, body)
    else:
        body = mutate_bytes(rng, body)
    if rng.random() < 0.1:  # a member dropped
        members.pop(rng.randrange(len(members)))
        k = -1
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for j, (member, content) in enumerate(members):
            z.writestr(member, body if j == k else content)
    return buf.getvalue()


def make_case(rng: random.Random, fmt: str | None = None) -> tuple[str, bytes]:
    """A format and the mutated bytes of one of its seeds."""
    fmt = fmt or rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    n = rng.randint(1, 4)
    if fmt in ("text", "html"):
        lines = fragment(rng, rng.choice(text_seeds()))
        for _ in range(n):
            lines = mutate_lines(rng, lines)
        if fmt == "text":
            data = encode(rng, "\n".join(lines))
        else:
            page = html_from_lines(lines, rng)
            for _ in range(rng.randint(0, 3)):
                page = mutate_html(rng, page)
            data = page.encode(rng.choice(["utf-8", "gb18030"]), errors="replace")
        if rng.random() < 0.2:
            data = mutate_bytes(rng, data)
        return fmt, data
    if fmt in ("xlsx", "docx"):
        data = rng.choice(office_seeds()[fmt])
        for _ in range(n):
            data = mutate_zip(rng, data) if rng.random() < 0.85 else mutate_bytes(rng, data)
        return fmt, data
    data = rng.choice(pdf_seeds())
    for _ in range(n):
        data = mutate_bytes(rng, data)
    return fmt, data


def save_regression(fmt: str, data: bytes, crash: Crash, limit: int = 300_000) -> Path | None:
    """Keep a crashing input (small ones only) for ``tests/test_fuzz.py`` to replay."""
    import hashlib

    if len(data) > limit:
        return None
    REGRESSIONS.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(crash.signature.encode()).hexdigest()[:10]
    path = REGRESSIONS / f"{fmt}-{digest}.{EXTENSIONS[fmt]}"
    if not path.exists():
        path.write_bytes(data)
    return path
