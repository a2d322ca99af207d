"""The document as HTML with print CSS, and as PDF (that HTML typeset by WeasyPrint).

Page layout, as official disclosures print: an unnumbered 封面 and 目录 (entries with dot
leaders and the page each starts on), then A4 portrait pages numbered from 1 at the foot;
each table starts a page, on a landscape page when it is too wide for portrait. Body text
is a CJK serif (Noto Serif CJK), headings a CJK sans (Noto Sans CJK), all black. Table
headers keep the official merged cells and repeat on every page a table runs onto.
"""

from __future__ import annotations

import html
from pathlib import Path

from yusuan.render.document import AMOUNT, Block, Cover, Heading, PageBreak, Paragraph, TableView, Toc
from yusuan.render.tables import LANDSCAPE_EM, PORTRAIT_EM, fits_portrait

SERIF = '"Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC", serif'
SANS = '"Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "Heiti SC", sans-serif'
TABLE_PT = 9.0  # table text on a page it fits at this size
MIN_TABLE_PT = 6.5

_CSS = f"""
@page {{ size: A4; margin: 25mm 20mm 22mm;
  @bottom-center {{ content: "— " counter(page) " —"; font-family: {SERIF}; font-size: 10pt; }} }}
@page front {{ counter-increment: page 0; @bottom-center {{ content: none; }} }}
@page landscape {{ size: A4 landscape; margin: 20mm 18mm 18mm; }}
html {{ color: #000; }}
body {{ font-family: {SERIF}; font-size: 12pt; line-height: 1.75; margin: 0; }}
.cover, .toc {{ page: front; }}
.cover {{ break-after: page; }}
.cover p {{ text-align: center; text-indent: 0; }}
.cover .unit {{ font-family: {SANS}; font-weight: bold; font-size: 26pt; margin: 70mm 0 10mm; line-height: 1.4; }}
.cover .title {{ font-family: {SANS}; font-weight: bold; font-size: 22pt; margin: 0; }}
.cover .date {{ font-size: 15pt; margin-top: 95mm; }}
.toc {{ break-after: page; }}
.toc h1 {{ text-align: center; letter-spacing: 1em; }}
.toc ol {{ list-style: none; margin: 0; padding: 0; }}
.toc li {{ margin: 0; line-height: 1.6; font-size: 11pt; }}
.toc li.l1 {{ margin-top: 1.8em; font-family: {SANS}; }}
.toc li.l1:first-child {{ margin-top: 0; }}
.toc li.l2 {{ padding-left: 2em; }}
.toc li.l3 {{ padding-left: 4em; }}
.toc a {{ color: #000; text-decoration: none; }}
.toc a::after {{ content: leader(".") target-counter(attr(href), page); }}
h1, h2, h3, h4 {{ font-family: {SANS}; color: #000; font-weight: bold; line-height: 1.5; break-after: avoid; }}
h1 {{ font-size: 16pt; text-align: center; margin: 0 0 1em; }}
h2, h3, h4 {{ font-size: 12pt; margin: 1em 0 .3em; text-indent: 2em; }}
h2 {{ margin-top: 1.4em; }}
h1.part {{ break-before: page; }}
p {{ text-indent: 2em; margin: 0; }}
p.right {{ text-align: right; text-indent: 0; }}
p.center {{ text-align: center; text-indent: 0; }}
section.table {{ break-before: page; }}
section.table.landscape {{ page: landscape; }}
section.table .number {{ text-align: left; text-indent: 0; font-family: {SANS}; font-size: 10.5pt; }}
section.table h2 {{ text-align: center; font-size: 15pt; margin: .2em 0 .6em; }}
.meta {{ display: flex; justify-content: space-between; font-size: 10pt; margin-bottom: 2pt; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; line-height: 1.3; }}
th, td {{ border: 0.6pt solid #000; padding: 2pt 3pt; vertical-align: middle; overflow-wrap: anywhere; }}
th {{ font-family: {SANS}; font-weight: bold; text-align: center; }}
td {{ text-align: left; }}
td.total {{ text-align: center; }}
td.amount {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
tr {{ break-inside: avoid; }}
thead {{ display: table-header-group; }}
.empty-note {{ margin-top: .6em; }}
.pagebreak {{ break-after: page; }}
"""


def _e(text: str) -> str:
    return html.escape(text)


def table_font_pt(view: TableView) -> float:
    """Body size of a table: 9 pt where it fits, smaller on a landscape page when wider."""
    room = PORTRAIT_EM if fits_portrait(view) else LANDSCAPE_EM
    return max(MIN_TABLE_PT, min(TABLE_PT, TABLE_PT * room / max(view.em_width, 1.0)))


def _heading(b: Heading) -> str:
    tag = f"h{min(b.level, 4)}"
    anchor = f' id="{_e(b.anchor)}"' if b.anchor else ""
    cls = ' class="part"' if b.level == 1 else ""
    return f"<{tag}{anchor}{cls}>{_e(b.text)}</{tag}>"


def _table(view: TableView, lead: Heading | None = None) -> str:
    """A table on its own page; ``lead`` is a part heading printed on that page above it."""
    landscape = not fits_portrait(view)
    anchor = f' id="{_e(view.anchor)}"' if view.anchor else ""
    parts = [f'<section class="table{" landscape" if landscape else ""}"{anchor}>']
    if lead is not None:
        parts.append(_heading(lead).replace(' class="part"', ""))
    if view.number:
        parts.append(f'<p class="number">{_e(view.number)}</p>')
    parts.append(f"<h2>{_e(view.title)}</h2>")
    if view.org_line or view.unit_line:
        parts.append(f'<div class="meta"><span>{_e(view.org_line)}</span><span>{_e(view.unit_line)}</span></div>')
    size = table_font_pt(view)
    parts.append(f'<table style="font-size: {size:.1f}pt">')
    total = sum(view.widths) or 1.0
    if view.widths:
        parts.append("<colgroup>" + "".join(f'<col style="width: {w / total * 100:.2f}%">' for w in view.widths)
                     + "</colgroup>")
    covered = view.covered()
    spans = {(s.row, s.col): s for s in view.spans}
    if view.header:
        parts.append("<thead>")
        for r, row in enumerate(view.header):
            cells = []
            for c, text in enumerate(row):
                if (r, c) in covered:
                    continue
                s = spans.get((r, c))
                attrs = ""
                if s is not None and s.rows > 1:
                    attrs += f' rowspan="{s.rows}"'
                if s is not None and s.cols > 1:
                    attrs += f' colspan="{s.cols}"'
                cells.append(f"<th{attrs}>{_e(text)}</th>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</thead>")
    parts.append("<tbody>")
    hidden = view.covered(body=True)
    widths = {(s.row, s.col): s.cols for s in view.body_spans}
    for r, row in enumerate(view.body):
        cells = []
        for c in range(len(row)):
            if (r, c) in hidden:
                continue
            span = ""
            if (r, c) in widths:  # a merged 合计 label is centred; a merged value reads from the left
                span = f' colspan="{widths[(r, c)]}"' + (' class="total"' if c == 0 else "")
            text = _e(view.body_cell(r, c))
            cells.append(f'<td class="amount">{text}</td>' if view.kind(c) == AMOUNT else f"<td{span}>{text}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    if view.empty_note:
        parts.append(f'<p class="empty-note">{_e(view.empty_note)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _cover(cover: Cover) -> str:
    return (f'<section class="cover"><p class="unit">{_e(cover.unit_name)}</p>'
            f'<p class="title">{_e(cover.title)}</p><p class="date">{_e(cover.date)}</p></section>')


def _toc(toc: Toc) -> str:
    items = "".join(f'<li class="l{e.level}"><a href="#{_e(e.anchor)}">{_e(e.text)}</a></li>' for e in toc.entries)
    return f'<nav class="toc"><h1>目录</h1><ol>{items}</ol></nav>'


def to_html(blocks: tuple[Block, ...], title: str = "") -> str:
    body: list[str] = []
    for i, b in enumerate(blocks):
        lead = blocks[i - 1] if i and isinstance(blocks[i - 1], Heading) and blocks[i - 1].level == 1 else None
        if isinstance(b, Cover):
            body.append(_cover(b))
        elif isinstance(b, Toc):
            body.append(_toc(b))
        elif isinstance(b, Heading):
            if not (b.level == 1 and i + 1 < len(blocks) and isinstance(blocks[i + 1], TableView)):
                body.append(_heading(b))  # a part heading right above a table goes on the table's page
        elif isinstance(b, Paragraph):
            cls = "" if b.align == "left" else f' class="{b.align}"'
            body.append(f"<p{cls}>{_e(b.text)}</p>")
        elif isinstance(b, TableView):
            body.append(_table(b, lead))
        elif isinstance(b, PageBreak):
            body.append('<div class="pagebreak"></div>')
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def write_html(blocks: tuple[Block, ...], path: str | Path, title: str = "") -> None:
    Path(path).write_text(to_html(blocks, title), encoding="utf-8")


def write_pdf(blocks: tuple[Block, ...], path: str | Path, title: str = "") -> None:
    from weasyprint import HTML

    HTML(string=to_html(blocks, title)).write_pdf(str(path))
