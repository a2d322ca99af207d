"""Writers: the composed blocks as tab-separated text, HTML, DOCX or PDF.

The text form prints tables as tab-separated grid lines (blank cells kept), the layout that
yusuan's own parser reads exactly; HTML prints real ``<table>`` elements; the PDF is the HTML
typeset by WeasyPrint with a CJK font (fonts-noto-cjk), so every glyph is embedded.
"""

from __future__ import annotations

import html
from pathlib import Path

from yusuan.render.document import Block, Heading, PageBreak, Paragraph, TableView

CJK_FONTS = '"Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "SimSun", serif'
FORMATS = ("txt", "html", "docx", "pdf")


def format_of(path: str | Path) -> str | None:
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"htm": "html", "text": "txt"}.get(suffix, suffix) if suffix else None


def _table_number_line(number: str) -> str:
    return f"表 {number[1:]}" if number.startswith("表") else number


# --------------------------------------------------------------------------- text


def to_text(blocks: tuple[Block, ...]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading | Paragraph):
            out += [b.text, ""]
        elif isinstance(b, TableView):
            if b.number:
                out += [_table_number_line(b.number), ""]
            out += [b.title, ""]
            out += [x for line in (b.org_line, b.unit_line) if line for x in (line, "")]
            out += ["\t".join(r) for r in (*b.header, *b.body)]
            out.append("")
            if b.empty_note:
                out += [b.empty_note, ""]
    return "\n".join(out).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- html

_CSS = f"""
@page {{ size: A4; margin: 18mm 15mm; @bottom-center {{ content: counter(page); font-size: 9pt; }} }}
@page wide {{ size: A4 landscape; margin: 12mm 10mm; }}
body {{ font-family: {CJK_FONTS}; font-size: 11pt; line-height: 1.6; }}
h1 {{ font-size: 20pt; text-align: center; margin: 2em 0 1em; }}
h2 {{ font-size: 15pt; margin: 1.2em 0 .5em; }}
h3, h4 {{ font-size: 12pt; margin: 1em 0 .4em; }}
p {{ text-indent: 2em; margin: .3em 0; }}
p.right {{ text-align: right; }}
p.center {{ text-align: center; }}
section.table {{ page: wide; break-before: page; }}
h2.wide {{ page: wide; }}
section.table.first {{ break-before: auto; }}
section.table h3 {{ text-align: center; }}
.meta {{ display: flex; justify-content: space-between; font-size: 9pt; }}
table {{ border-collapse: collapse; width: 100%; font-size: 8pt; }}
th, td {{ border: 0.5pt solid #000; padding: 2pt 3pt; }}
th {{ background: #f0f0f0; font-weight: bold; text-align: center; }}
td.num {{ text-align: right; white-space: nowrap; }}
.pagebreak {{ break-after: page; }}
"""


def _cell(tag: str, text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<{tag}{attr}>{html.escape(text)}</{tag}>"


def _html_table(b: TableView, first: bool = False) -> str:
    parts = [f'<section class="table{" first" if first else ""}">']
    if b.number:
        parts.append(_cell("p", _table_number_line(b.number), "right"))
    parts.append(_cell("h3", b.title))
    if b.org_line or b.unit_line:
        parts.append(f'<div class="meta"><span>{html.escape(b.org_line)}</span>'
                     f"<span>{html.escape(b.unit_line)}</span></div>")
    parts.append("<table>")
    if b.header:
        parts.append("<thead>")
        parts += ["<tr>" + "".join(_cell("th", c) for c in row) + "</tr>" for row in b.header]
        parts.append("</thead>")
    parts.append("<tbody>")
    for row in b.body:
        cells = [_cell("td", c, "num" if i >= b.numeric_from and b.numeric_from else "") for i, c in enumerate(row)]
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    if b.empty_note:
        parts.append(_cell("p", b.empty_note))
    parts.append("</section>")
    return "\n".join(parts)


def to_html(blocks: tuple[Block, ...], title: str = "") -> str:
    body: list[str] = []
    for i, b in enumerate(blocks):
        follows_heading = i > 0 and isinstance(blocks[i - 1], Heading)
        if isinstance(b, Heading):
            # a part heading right before the tables goes on the first table's (landscape) page
            wide = i + 1 < len(blocks) and isinstance(blocks[i + 1], TableView)
            body.append(_cell(f"h{min(b.level + 1, 4)}", b.text, "wide" if wide else ""))
        elif isinstance(b, Paragraph):
            body.append(_cell("p", b.text, "" if b.align == "left" else b.align))
        elif isinstance(b, TableView):
            body.append(_html_table(b, first=follows_heading))
        elif isinstance(b, PageBreak):
            body.append('<div class="pagebreak"></div>')
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def write_pdf(blocks: tuple[Block, ...], path: str | Path, title: str = "") -> None:
    from weasyprint import HTML

    HTML(string=to_html(blocks, title)).write_pdf(str(path))


# --------------------------------------------------------------------------- docx


def write_docx(blocks: tuple[Block, ...], path: str | Path) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "SimSun"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    normal.font.size = Pt(11)
    align = {"right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}
    for b in blocks:
        if isinstance(b, Heading):
            h = doc.add_heading(b.text, level=min(b.level, 4))
            for run in h.runs:
                run.font.name = "SimHei"
                run.element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")
        elif isinstance(b, Paragraph):
            p = doc.add_paragraph(b.text)
            if b.align in align:
                p.alignment = align[b.align]
        elif isinstance(b, PageBreak):
            doc.add_page_break()
        elif isinstance(b, TableView):
            if b.number:
                doc.add_paragraph(_table_number_line(b.number)).alignment = WD_ALIGN_PARAGRAPH.RIGHT
            doc.add_paragraph(b.title).alignment = WD_ALIGN_PARAGRAPH.CENTER
            for line in (b.org_line, b.unit_line):
                if line:
                    doc.add_paragraph(line)
            rows = (*b.header, *b.body)
            width = max((len(r) for r in rows), default=0)
            if width:
                table = doc.add_table(rows=len(rows), cols=width)
                table.style = "Table Grid"
                for r, (row, docx_row) in enumerate(zip(rows, table.rows, strict=True)):
                    cells = docx_row.cells  # table.cell(r, c) re-walks the grid on every call
                    for c, text in enumerate(row):
                        cell = cells[c]
                        cell.text = text
                        for run in cell.paragraphs[0].runs:
                            run.font.size = Pt(7.5)
                        if r >= len(b.header) and b.numeric_from and c >= b.numeric_from:
                            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if b.empty_note:
                doc.add_paragraph(b.empty_note)
    for section in doc.sections:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    doc.save(str(path))


def write(blocks: tuple[Block, ...], path: str | Path, fmt: str, title: str = "") -> None:
    if fmt == "txt":
        Path(path).write_text(to_text(blocks), encoding="utf-8")
    elif fmt == "html":
        Path(path).write_text(to_html(blocks, title), encoding="utf-8")
    elif fmt == "pdf":
        write_pdf(blocks, path, title)
    elif fmt == "docx":
        write_docx(blocks, path)
    else:
        raise ValueError(fmt)
