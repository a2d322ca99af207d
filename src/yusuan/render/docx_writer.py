"""The document as DOCX (python-docx), in the layout of the PDF:

- A4 portrait sections; a table too wide for portrait gets a landscape section of its own;
- an unnumbered 封面 section; page numbers (a PAGE field, "— n —") at the foot of the others,
  counting from 1 on the 目录 page;
- 目录 is a real TOC field over heading levels 1–3 (table titles have outline level 2); its
  entries are filled in as the cached result and Word recomputes the page numbers when the
  file is opened (``w:updateFields``), or on 更新域 in WPS;
- headings in 黑体, body in 宋体 (the fonts every Chinese office has), all black;
- table headers with the official merged cells, marked to repeat on every page (``w:tblHeader``),
  amounts right-aligned, names left-aligned, rows that do not split across pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from yusuan.render.document import AMOUNT, Block, Cover, Heading, PageBreak, Paragraph, TableView, Toc
from yusuan.render.tables import fits_portrait

BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
TABLE_STYLE, TABLE_TITLE_STYLE = "表格文字", "表格标题"
_HEADING_PT = {1: 16, 2: 14, 3: 12}


def _fonts(style_or_run: Any, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set the fonts of a style or run, dropping theme fonts (which would override them)."""
    from docx.oxml.ns import qn

    font = style_or_run.font
    font.name = latin
    rpr = style_or_run.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        rfonts.set(qn(attr), value)


def _black(style: Any) -> None:
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    style.font.color.rgb = RGBColor(0, 0, 0)
    color = style.element.rPr.find(qn("w:color"))
    for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
        color.attrib.pop(qn(attr), None)


def _styles(doc: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = doc.styles["Normal"]
    _fonts(normal, BODY_FONT)
    normal.font.size = Pt(12)
    fmt = normal.paragraph_format
    fmt.line_spacing = 1.5
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(24)  # 首行缩进两字 (of 12 pt)
    for level, size in _HEADING_PT.items():
        style = doc.styles[f"Heading {level}"]
        _fonts(style, HEADING_FONT)
        _black(style)
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        pf = style.paragraph_format
        pf.space_before, pf.space_after = Pt(12 if level > 1 else 0), Pt(6)
        pf.first_line_indent = Pt(0 if level == 1 else 24)  # section headings indented like the text
        pf.keep_with_next = True
        if level == 1:
            pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = doc.styles.add_style(TABLE_TITLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = normal
    _fonts(title, HEADING_FONT)
    title.font.size, title.font.bold = Pt(15), True
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    title.paragraph_format.keep_with_next = True
    outline = title.element.get_or_add_pPr().makeelement(qn("w:outlineLvl"), {qn("w:val"): "1"})
    title.element.get_or_add_pPr().append(outline)  # listed in the 目录 beside level-2 headings
    cell = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(9)
    cell.paragraph_format.first_line_indent = Pt(0)
    cell.paragraph_format.line_spacing = 1.0
    cell.paragraph_format.space_before = cell.paragraph_format.space_after = Pt(1.5)


def _page(section: Any, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    top, side, bottom = (20, 18, 18) if landscape else (25, 20, 22)
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin = section.right_margin = Mm(side)


def _field(paragraph: Any, instruction: str, cached: str = "") -> None:
    """A complex field (begin, instruction, separate, cached result, end) in one paragraph."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run_with(tag: str, **attrs: str) -> None:
        run = paragraph.add_run()
        el = OxmlElement(tag)
        for k, v in attrs.items():
            el.set(qn(k), v)
        if tag == "w:instrText":
            el.set(qn("xml:space"), "preserve")
            el.text = instruction
        run._r.append(el)

    run_with("w:fldChar", **{"w:fldCharType": "begin"})
    run_with("w:instrText")
    run_with("w:fldChar", **{"w:fldCharType": "separate"})
    if cached:
        paragraph.add_run(cached)
    run_with("w:fldChar", **{"w:fldCharType": "end"})


def _page_numbers(section: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = 0
    p.add_run("— ")
    _field(p, "PAGE", "1")
    p.add_run(" —")
    num = OxmlElement("w:pgNumType")
    num.set(qn("w:start"), "1")
    section._sectPr.append(num)


def _toc(doc: Any, toc: Toc) -> None:
    """A TOC field whose cached result lists the entries; Word fills in the page numbers."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    heading = doc.add_paragraph("目　录")
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.first_line_indent = Pt(0)
    run = heading.runs[0]
    run.bold = True
    run.font.size = Pt(16)
    _fonts(run, HEADING_FONT)
    first = doc.add_paragraph()
    first.paragraph_format.first_line_indent = Pt(0)

    def fld(p: Any, kind: str) -> None:
        r = p.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        r._r.append(el)

    fld(first, "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = ' TOC \\o "1-3" \\h \\z \\u '
    r = first.add_run()
    r._r.append(instr)
    fld(first, "separate")
    for i, entry in enumerate(toc.entries):
        p = first if i == 0 else doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.left_indent = Pt(21 * (entry.level - 1))
        p.add_run(entry.text)
    end = doc.add_paragraph()
    fld(end, "end")
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        trpr.append(el)


def _no_split(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _cell_margins(table: Any, twips: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.append(margins)


def _table(doc: Any, view: TableView, usable_mm: float) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    from yusuan.render.html_writer import table_font_pt

    if view.number:
        p = doc.add_paragraph(view.number)
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.keep_with_next = True
    doc.add_paragraph(view.title, style=TABLE_TITLE_STYLE)
    if view.org_line or view.unit_line:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.tab_stops.add_tab_stop(Mm(usable_mm), alignment=2)  # 2: right
        p.add_run(f"{view.org_line}\t{view.unit_line}").font.size = Pt(10)
    rows = (*view.header, *view.body)
    width = view.width
    if not width:
        return
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table, twips=57)  # 1 mm each side (Word's default 1.9 mm leaves a code column no room)
    total = sum(view.widths) or float(width)
    widths = [Mm(usable_mm * (w / total)) for w in (view.widths or [1.0] * width)]
    for col, w in zip(table.columns, widths, strict=True):
        col.width = w
    size = Pt(round(table_font_pt(view) * 2) / 2)
    covered = view.covered()
    heads = len(view.header)
    for r, (row, docx_row) in enumerate(zip(rows, table.rows, strict=True)):
        (_repeat_header if r < heads else _no_split)(docx_row)
        cells = docx_row.cells  # table.cell(r, c) re-walks the grid on every call
        for c, text in enumerate(row):
            cell = cells[c]
            cell.width = widths[c]
            if (r, c) in covered:
                continue
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.style = doc.styles[TABLE_STYLE]
            if text:
                run = p.add_run(text)
                run.font.size = size
                if r < heads:
                    run.bold = True
            if r < heads:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif view.kind(c) == AMOUNT:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for s, offset in [(s, 0) for s in view.spans] + [(s, heads) for s in view.body_spans]:
        anchor = table.cell(s.row + offset, s.col)
        merged = anchor.merge(table.cell(s.row + offset + s.rows - 1, s.col + s.cols - 1))
        if offset:  # a merged body cell shows the text of all it covers, centred
            text = view.body_cell(s.row, s.col)
            for p in merged.paragraphs:
                p._p.getparent().remove(p._p)
            p = merged.add_paragraph(style=doc.styles[TABLE_STYLE])
            if s.col == 0:  # a 合计 label over the code columns
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(text).font.size = size
            continue
        for extra in merged.paragraphs[1:]:  # the covered cells' empty paragraphs
            extra._p.getparent().remove(extra._p)
    if view.empty_note:
        doc.add_paragraph(view.empty_note)


def _cover(doc: Any, cover: Cover) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    for text, size, before in ((cover.unit_name, 26, 180), (cover.title, 22, 24), (cover.date, 15, 260)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.space_before = Pt(before)
        run = p.add_run(text)
        run.font.size = Pt(size)
        if size > 20:
            run.bold = True
            _fonts(run, HEADING_FONT)


def write_docx(blocks: tuple[Block, ...], path: str | Path, title: str = "") -> None:
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml.ns import qn

    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.language = "zh-CN"
    _styles(doc)
    section = doc.sections[0]
    _page(section, landscape=False)
    landscape = False
    numbered = False
    fresh_page = True  # nothing on the current page yet

    def new_section(wide: bool) -> None:
        nonlocal landscape, numbered, fresh_page
        sec = doc.add_section(WD_SECTION.NEW_PAGE)
        _page(sec, wide)
        if numbered:  # a new section inherits the footer; its numbers run on from the last page
            for el in sec._sectPr.findall(qn("w:pgNumType")):
                sec._sectPr.remove(el)
        else:
            _page_numbers(sec)
            numbered = True
        landscape, fresh_page = wide, True

    def new_page() -> None:
        nonlocal fresh_page
        if not fresh_page:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        fresh_page = True

    align = {"right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}
    for i, b in enumerate(blocks):
        if isinstance(b, Cover):
            _cover(doc, b)
            fresh_page = False
            new_section(False)  # the 目录 and the body are numbered, the cover is not
        elif isinstance(b, Toc):
            _toc(doc, b)
            fresh_page = False
        elif isinstance(b, Heading):
            after = blocks[i + 1] if i + 1 < len(blocks) else None
            before_table = b.level == 1 and isinstance(after, TableView)
            wide_table = isinstance(after, TableView) and before_table and not fits_portrait(after)
            if b.level == 1:
                if landscape != wide_table:
                    new_section(wide_table)
                else:
                    new_page()
            doc.add_heading(b.text, level=min(b.level, 3))
            fresh_page = False
            if before_table:
                fresh_page = True  # the first table goes right under its part heading
        elif isinstance(b, Paragraph):
            p = doc.add_paragraph(b.text)
            if b.align in align:
                p.alignment = align[b.align]
                p.paragraph_format.first_line_indent = 0
            fresh_page = False
        elif isinstance(b, PageBreak):
            new_page()
        elif isinstance(b, TableView):
            wide = not fits_portrait(b)
            if wide != landscape:
                new_section(wide)
            else:
                new_page()
            _table(doc, b, usable_mm=(297 - 36) if wide else (210 - 40))
            fresh_page = False
    doc.save(str(path))
